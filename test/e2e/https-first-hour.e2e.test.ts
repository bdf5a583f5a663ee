// HTTPS in the first hour (issue 16): the generated local CA lives in --tls-dir, not the data
// dir, so trusting it once lasts across --ephemeral runs and domain suffixes; the CLI prints it
// with the one command that trusts it; and a behavior that needs HTTPS while no HTTPS listener
// runs is reported in the log (the API answers as AWS's does). docs/edge.md §5 (viewer protocol policy).
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { request as httpsRequest } from "node:https";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { X509Certificate } from "node:crypto";
import { CreateDistributionCommand, GetDistributionConfigCommand, ListDistributionsCommand, UpdateDistributionCommand, type CloudFrontClient } from "@aws-sdk/client-cloudfront";
import { startEmulator, type Emulator } from "../../src/index.ts";
import { resolveOptions, tlsDirOf } from "../../src/config.ts";
import { cloudFrontClient, spawnCli } from "../helpers/emulator.ts";
import { header, sendToEdge } from "../helpers/test-origin.ts";

const tlsDir = mkdtempSync(join(tmpdir(), "minifront-tls-test-"));
after(() => rmSync(tlsDir, { recursive: true, force: true }));

/** GET over HTTPS to 127.0.0.1:`port` as `host`, trusting only `ca`. */
function getHttps(port: number, host: string, ca: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const r = httpsRequest({ host: "127.0.0.1", port, path: "/_minifront/health", headers: { host: `${host}:${port}` }, servername: host, ca, agent: false }, (res) => {
      let body = "";
      res.setEncoding("utf8").on("data", (d: string) => (body += d));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    r.on("error", reject);
    r.end();
  });
}

describe("the local CA outlives ephemeral runs", () => {
  it("lives in the per-user data directory unless --tls-dir says otherwise", () => {
    assert.equal(tlsDirOf(resolveOptions({}), { XDG_DATA_HOME: "/data" }), join("/data", "minifront", "tls"));
    assert.equal(tlsDirOf(resolveOptions({}), {}), join(homedir(), ".local", "share", "minifront", "tls"));
    assert.equal(tlsDirOf(resolveOptions({}, { MINIFRONT_TLS_DIR: "/certs" }), { XDG_DATA_HOME: "/data" }), "/certs");
  });

  it("keeps one CA in --tls-dir that a client trusts across restarts and domain suffixes", async () => {
    const runs: { ca: string; leaf: X509Certificate }[] = [];
    for (const domainSuffix of ["cloudfront.localhost", "cloudfront.localhost", "cdn.test"]) {
      const emu = await startEmulator({ port: 0, ephemeral: true, httpsPort: 0, tlsDir, domainSuffix, logLevel: "silent" });
      try {
        const tls = emu.tls ?? assert.fail("no TLS material");
        assert.equal(tls.certPath, join(tlsDir, "minifront-ca.crt"));
        assert.ok(!tls.certPath.startsWith(emu.dataDir), "not in the (ephemeral) data dir");
        const ca = readFileSync(tls.certPath, "utf8");
        // Trusting only the CA file, as a user who installed it does; the name is checked too.
        const res = await getHttps(emu.httpsPort as number, `e1234567890abc.${domainSuffix}`, ca);
        assert.equal(res.status, 200);
        runs.push({ ca, leaf: new X509Certificate(tls.cert) });
      } finally {
        await emu.dispose();
      }
    }
    const [first, second, third] = runs as [(typeof runs)[0], (typeof runs)[0], (typeof runs)[0]];
    assert.equal(second.ca, first.ca, "a restart keeps the CA");
    assert.equal(third.ca, first.ca, "another domain suffix keeps the CA");
    assert.equal(second.leaf.fingerprint256, first.leaf.fingerprint256, "and the leaf, while it covers the names");
    assert.match(third.leaf.subjectAltName ?? "", /DNS:\*\.cdn\.test/);
    assert.equal(new X509Certificate(first.ca).ca, true);
    assert.equal(first.leaf.ca, false, "the served certificate is a leaf, not the CA");
  });

  it("prints where the CA is and the one command that trusts it", async () => {
    const proc = await spawnCli(["--port", "0", "--ephemeral", "--https-port", "0", "--log-level", "warn"], { MINIFRONT_TLS_DIR: tlsDir });
    try {
      const out = proc.stdout();
      assert.ok(out.includes(`Local CA        ${join(tlsDir, "minifront-ca.crt")}`), out);
      const command = process.platform === "darwin" ? "security add-trusted-cert" : process.platform === "win32" ? "certutil" : "update-ca-certificates";
      assert.ok(out.includes(command), out);
    } finally {
      await proc.stop();
    }
  });
});

/** A distribution whose default behavior has this viewer protocol policy. */
function createWithPolicy(ref: string, policy: "redirect-to-https" | "https-only"): CreateDistributionCommand {
  return new CreateDistributionCommand({
    DistributionConfig: {
      CallerReference: ref,
      Comment: "",
      Enabled: true,
      Origins: { Quantity: 1, Items: [{ Id: "o", DomainName: "example.com", CustomOriginConfig: { HTTPPort: 80, HTTPSPort: 443, OriginProtocolPolicy: "http-only" } }] },
      DefaultCacheBehavior: { TargetOriginId: "o", ViewerProtocolPolicy: policy, CachePolicyId: "658327ea-f89d-4fab-a63d-7e88639e58f6" },
    },
  });
}

describe("behaviors that need HTTPS while no HTTPS listener runs", () => {
  const warnings: string[] = [];
  const logger = { debug() {}, info() {}, warn: (m: string) => void warnings.push(m), error: (m: string) => void warnings.push(`error: ${m}`) };
  let emu: Emulator;
  let cf: CloudFrontClient;
  before(async () => {
    emu = await startEmulator({ port: 0, ephemeral: true, logger });
    cf = cloudFrontClient(emu.controlUrl);
  });
  after(async () => {
    cf.destroy();
    await emu.dispose();
  });

  it("warns at create and update, once per change, and once per distribution when the edge redirects", async () => {
    const created = await cf.send(createWithPolicy("https-warning", "redirect-to-https"));
    assert.equal(created.$metadata.httpStatusCode, 201, "the API answers as AWS does");
    const id = created.Distribution?.Id as string;
    const about = () => warnings.filter((w) => w.startsWith(`${id}:`));
    assert.equal(about().length, 1, warnings.join("\n"));
    assert.match(about()[0] as string, /default \(\*\) \(redirect-to-https\) needs HTTPS, but no HTTPS listener runs.*--https-port/);

    await cf.send(new ListDistributionsCommand({}));
    assert.equal(about().length, 1, "a read does not warn again");

    const { DistributionConfig, ETag } = await cf.send(new GetDistributionConfigCommand({ Id: id }));
    await cf.send(new UpdateDistributionCommand({ Id: id, IfMatch: ETag, DistributionConfig: { ...DistributionConfig, Comment: "changed" } as NonNullable<typeof DistributionConfig> }));
    assert.equal(about().length, 2, "an update is a new change");

    const domain = created.Distribution?.DomainName as string;
    for (let i = 0; i < 2; i++) {
      const res = await sendToEdge(emu.port, `${domain}:${emu.port}`, "/page");
      assert.equal(res.status, 301);
      assert.equal(header(res, "location"), `https://${domain}:${emu.port}/page`);
    }
    const redirected = about().filter((w) => w.includes("redirected an HTTP request"));
    assert.equal(redirected.length, 1, "once per distribution");
    assert.ok(redirected[0]?.includes(`https://${domain}:${emu.port}/page`));
  });

  it("says nothing when an HTTPS listener runs", async () => {
    const quiet: string[] = [];
    const other = await startEmulator({ port: 0, ephemeral: true, httpsPort: 0, tlsDir, logger: { ...logger, warn: (m: string) => void quiet.push(m) } });
    const client = cloudFrontClient(other.controlUrl);
    try {
      await client.send(createWithPolicy("https-ok", "https-only"));
      assert.deepEqual(quiet, []);
    } finally {
      client.destroy();
      await other.dispose();
    }
  });
});
