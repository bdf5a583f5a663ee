// Viewer mTLS and connection functions end to end (issue 17; CloudFront Developer Guide "Mutual TLS
// authentication with CloudFront (Viewer mTLS)", "Trust stores and certificate management", "Viewer
// mTLS headers for cache policies and forwarded to origin", "Associate CloudFront Connection
// Functions"): the trust store and connection function operations through
// @aws-sdk/client-cloudfront on a real port with their ETags and errors, then curl over HTTPS with
// and without client certificates (made by the openssl CLI) against distributions that require
// mTLS, make it optional, or associate connection functions that allow or deny.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFile, execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import {
  CreateConnectionFunctionCommand,
  CreateDistributionCommand,
  CreateOriginRequestPolicyCommand,
  CreateTrustStoreCommand,
  DeleteConnectionFunctionCommand,
  DeleteTrustStoreCommand,
  DescribeConnectionFunctionCommand,
  GetConnectionFunctionCommand,
  GetDistributionConfigCommand,
  GetTrustStoreCommand,
  ListConnectionFunctionsCommand,
  ListDistributionsByConnectionFunctionCommand,
  ListDistributionsByTrustStoreCommand,
  ListTagsForResourceCommand,
  ListTrustStoresCommand,
  PublishConnectionFunctionCommand,
  TestConnectionFunctionCommand,
  UpdateConnectionFunctionCommand,
  UpdateTrustStoreCommand,
  type CloudFrontClient,
  type DistributionConfig,
} from "@aws-sdk/client-cloudfront";
import { CreateBucketCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { CREDENTIALS, expectServiceError, useEmulator } from "../helpers/emulator.ts";
import { TestOrigin } from "../helpers/test-origin.ts";
import { hasCurl } from "../helpers/curl.ts";

const CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad";
const BUCKET = "mtls-bundles";
const CERT_HEADERS = ["Serial-Number", "Issuer", "Subject", "Present", "Sha256", "Validity", "Pem"].map((h) => `CloudFront-Viewer-Cert-${h}`);

function hasOpenssl(): boolean {
  try {
    execFileSync("openssl", ["version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** A CA and a client certificate it signed (serial 0x4a3f5c92), made with the openssl CLI in `dir`. */
function makePki(dir: string, name: string): { ca: string; cert: string; key: string } {
  const p = (f: string) => join(dir, `${name}-${f}`);
  const run = (args: string[]) => execFileSync("openssl", args, { stdio: "pipe" });
  run(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", p("ca.key"), "-out", p("ca.pem"), "-days", "30", "-subj", `/CN=${name}-ca/O=mTLS`, "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"]);
  run(["req", "-newkey", "rsa:2048", "-nodes", "-keyout", p("client.key"), "-out", p("client.csr"), "-subj", `/CN=${name}-client/O=mTLS`]);
  run(["x509", "-req", "-in", p("client.csr"), "-CA", p("ca.pem"), "-CAkey", p("ca.key"), "-set_serial", "0x4a3f5c92", "-out", p("client.pem"), "-days", "30"]);
  return { ca: p("ca.pem"), cert: p("client.pem"), key: p("client.key") };
}

const DENY_LOCALHOST = `async function connectionHandler(connection) {
  console.log("client " + connection.clientIp + " for " + connection.serverName);
  if (connection.clientIp === "127.0.0.1") return connection.deny();
  connection.allow();
}`;
const ALLOW_ALL = `function connectionHandler(connection) { connection.allow(); }`;
// Optional mTLS lets viewers without a certificate in; this function then keeps them out.
const NEEDS_CERT = `async function connectionHandler(connection) {
  if (connection.clientCertInfo && connection.clientCertInfo.serialNumber === "4a:3f:5c:92") connection.allow();
  else connection.deny();
}`;

describe("viewer mTLS and connection functions", { skip: (!hasOpenssl() && "openssl is not on PATH") || undefined }, () => {
  const t = useEmulator({ httpsPort: 0 });
  let cf: CloudFrontClient;
  let s3: S3Client;
  let dir = "";
  let a: ReturnType<typeof makePki>;
  let b: ReturnType<typeof makePki>;
  const origin = new TestOrigin();
  let refs = 0;

  before(async () => {
    cf = t.cloudfront();
    dir = mkdtempSync(join(tmpdir(), "minifront-mtls-"));
    a = makePki(dir, "a");
    b = makePki(dir, "b");
    s3 = new S3Client({ endpoint: t.emu.s3Url, region: "us-east-1", credentials: CREDENTIALS, forcePathStyle: true, maxAttempts: 1 });
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    await put("a.pem", readFileSync(a.ca, "utf8"));
    await put("both.pem", readFileSync(a.ca, "utf8") + readFileSync(b.ca, "utf8"));
    await put("leaf.pem", readFileSync(a.cert, "utf8"));
    await put("junk.pem", "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n");
    await origin.start();
  });
  after(async () => {
    s3?.destroy();
    await origin.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function put(key: string, body: string): Promise<void> {
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));
  }

  const source = (key: string) => ({ CaCertificatesBundleS3Location: { Bucket: BUCKET, Key: key, Region: "us-east-1" } });

  async function trustStore(name: string, key = "a.pem") {
    const created = await cf.send(new CreateTrustStoreCommand({ Name: name, CaCertificatesBundleSource: source(key) }));
    return { id: created.TrustStore?.Id ?? assert.fail("no trust store id"), etag: created.ETag ?? "" };
  }

  async function connectionFunction(name: string, code: string, publish = true) {
    const created = await cf.send(new CreateConnectionFunctionCommand({ Name: name, ConnectionFunctionConfig: { Comment: "", Runtime: "cloudfront-js-2.0" }, ConnectionFunctionCode: Buffer.from(code) }));
    const id = created.ConnectionFunctionSummary?.Id ?? assert.fail("no connection function id");
    if (publish) await cf.send(new PublishConnectionFunctionCommand({ Id: id, IfMatch: created.ETag }));
    return { id, etag: created.ETag ?? "" };
  }

  function distributionConfig(extra: Partial<DistributionConfig>, originRequestPolicyId?: string): DistributionConfig {
    return {
      CallerReference: `mtls-${++refs}`,
      Comment: "",
      Enabled: true,
      Origins: { Quantity: 1, Items: [{ Id: "app", DomainName: "127.0.0.1", CustomOriginConfig: { HTTPPort: origin.port, HTTPSPort: 443, OriginProtocolPolicy: "http-only" } }] },
      DefaultCacheBehavior: { TargetOriginId: "app", ViewerProtocolPolicy: "allow-all", CachePolicyId: CACHING_DISABLED, ...(originRequestPolicyId ? { OriginRequestPolicyId: originRequestPolicyId } : {}) },
      ...extra,
    };
  }

  describe("trust stores", () => {
    it("are created from a CA bundle in S3, read, listed and updated with ETags", async () => {
      const created = await cf.send(new CreateTrustStoreCommand({ Name: "crud-store", CaCertificatesBundleSource: source("a.pem"), Tags: { Items: [{ Key: "team", Value: "edge" }] } }));
      assert.equal(created.$metadata.httpStatusCode, 201);
      const ts = created.TrustStore ?? assert.fail("no trust store");
      assert.equal(ts.Name, "crud-store");
      assert.equal(ts.NumberOfCaCertificates, 1);
      assert.equal(ts.Status, "active");
      assert.match(ts.Arn ?? "", /^arn:aws:cloudfront::\d{12}:trust-store\/ts_/);
      const tags = await cf.send(new ListTagsForResourceCommand({ Resource: ts.Arn }));
      assert.deepEqual(tags.Tags?.Items, [{ Key: "team", Value: "edge" }]);
      const got = await cf.send(new GetTrustStoreCommand({ Identifier: ts.Id }));
      assert.equal(got.ETag, created.ETag);
      assert.equal((await cf.send(new GetTrustStoreCommand({ Identifier: ts.Arn }))).TrustStore?.Id, ts.Id, "by ARN too");
      const list = await cf.send(new ListTrustStoresCommand({}));
      const summary = list.TrustStoreList?.find((s) => s.Id === ts.Id) ?? assert.fail("not listed");
      assert.equal(summary.ETag, created.ETag);
      await expectServiceError(cf.send(new UpdateTrustStoreCommand({ Id: ts.Id, IfMatch: "stale", CaCertificatesBundleSource: source("both.pem") })), 412, "PreconditionFailed");
      const updated = await cf.send(new UpdateTrustStoreCommand({ Id: ts.Id, IfMatch: created.ETag, CaCertificatesBundleSource: source("both.pem") }));
      assert.equal(updated.TrustStore?.NumberOfCaCertificates, 2);
      assert.notEqual(updated.ETag, created.ETag);
      await expectServiceError(cf.send(new DeleteTrustStoreCommand({ Id: ts.Id, IfMatch: created.ETag })), 412, "PreconditionFailed");
      await cf.send(new DeleteTrustStoreCommand({ Id: ts.Id, IfMatch: updated.ETag }));
      await expectServiceError(cf.send(new GetTrustStoreCommand({ Identifier: ts.Id })), 404, "EntityNotFound");
    });

    it("refuse a bundle that is not CA certificates, a missing object and a taken name", async () => {
      await expectServiceError(cf.send(new CreateTrustStoreCommand({ Name: "junk", CaCertificatesBundleSource: source("junk.pem") })), 400, "InvalidArgument");
      await expectServiceError(cf.send(new CreateTrustStoreCommand({ Name: "leaf", CaCertificatesBundleSource: source("leaf.pem") })), 400, "InvalidArgument");
      await expectServiceError(cf.send(new CreateTrustStoreCommand({ Name: "missing", CaCertificatesBundleSource: source("nope.pem") })), 404, "EntityNotFound");
      await trustStore("taken");
      await expectServiceError(cf.send(new CreateTrustStoreCommand({ Name: "taken", CaCertificatesBundleSource: source("a.pem") })), 409, "EntityAlreadyExists");
      await expectServiceError(cf.send(new UpdateTrustStoreCommand({ Id: "ts_unknown", IfMatch: "x" })), 404, "EntityNotFound");
    });

    it("cannot be deleted while a distribution uses one; a distribution cannot name an unknown one", async () => {
      const ts = await trustStore("in-use");
      const dist = await cf.send(new CreateDistributionCommand({ DistributionConfig: distributionConfig({ ViewerMtlsConfig: { Mode: "required", TrustStoreConfig: { TrustStoreId: ts.id } } }) }));
      const stored = await cf.send(new GetDistributionConfigCommand({ Id: dist.Distribution?.Id }));
      assert.deepEqual(stored.DistributionConfig?.ViewerMtlsConfig?.TrustStoreConfig?.TrustStoreId, ts.id);
      await expectServiceError(cf.send(new DeleteTrustStoreCommand({ Id: ts.id, IfMatch: "" })), 400, "InvalidIfMatchVersion");
      await expectServiceError(cf.send(new DeleteTrustStoreCommand({ Id: ts.id, IfMatch: ts.etag })), 409, "CannotDeleteEntityWhileInUse");
      const by = await cf.send(new ListDistributionsByTrustStoreCommand({ TrustStoreIdentifier: ts.id }));
      assert.deepEqual(by.DistributionList?.Items?.map((d) => d.Id), [dist.Distribution?.Id]);
      await expectServiceError(cf.send(new CreateDistributionCommand({ DistributionConfig: distributionConfig({ ViewerMtlsConfig: { Mode: "required", TrustStoreConfig: { TrustStoreId: "ts_nope" } } }) })), 404, "EntityNotFound");
    });
  });

  describe("connection functions", () => {
    it("are created, described by stage, read, updated, published, listed and deleted with ETags", async () => {
      const created = await cf.send(new CreateConnectionFunctionCommand({ Name: "crud-fn", ConnectionFunctionConfig: { Comment: "first", Runtime: "cloudfront-js-2.0" }, ConnectionFunctionCode: Buffer.from(ALLOW_ALL) }));
      assert.equal(created.$metadata.httpStatusCode, 201);
      const s = created.ConnectionFunctionSummary ?? assert.fail("no summary");
      assert.equal(s.Stage, "DEVELOPMENT");
      assert.equal(s.Status, "UNPUBLISHED");
      assert.match(created.Location ?? "", new RegExp(`/2020-05-31/connection-function/${s.Id}$`));
      await expectServiceError(cf.send(new DescribeConnectionFunctionCommand({ Identifier: s.Id, Stage: "LIVE" })), 404, "EntityNotFound");
      const code = await cf.send(new GetConnectionFunctionCommand({ Identifier: s.Name }));
      assert.equal(Buffer.from(code.ConnectionFunctionCode ?? []).toString(), ALLOW_ALL);
      assert.equal(code.ETag, created.ETag);
      await expectServiceError(cf.send(new UpdateConnectionFunctionCommand({ Id: s.Id, IfMatch: "stale", ConnectionFunctionConfig: { Comment: "", Runtime: "cloudfront-js-2.0" }, ConnectionFunctionCode: Buffer.from(DENY_LOCALHOST) })), 412, "PreconditionFailed");
      const updated = await cf.send(new UpdateConnectionFunctionCommand({ Id: s.Id, IfMatch: created.ETag, ConnectionFunctionConfig: { Comment: "second", Runtime: "cloudfront-js-2.0" }, ConnectionFunctionCode: Buffer.from(DENY_LOCALHOST) }));
      assert.equal(updated.ConnectionFunctionSummary?.ConnectionFunctionConfig?.Comment, "second");
      await expectServiceError(cf.send(new PublishConnectionFunctionCommand({ Id: s.Id, IfMatch: created.ETag })), 412, "PreconditionFailed");
      const published = await cf.send(new PublishConnectionFunctionCommand({ Id: s.Id, IfMatch: updated.ETag }));
      assert.equal(published.ConnectionFunctionSummary?.Stage, "LIVE");
      assert.equal(published.ConnectionFunctionSummary?.Status, "UNASSOCIATED");
      const live = await cf.send(new DescribeConnectionFunctionCommand({ Identifier: s.ConnectionFunctionArn, Stage: "LIVE" }));
      assert.equal(live.ConnectionFunctionSummary?.ConnectionFunctionConfig?.Comment, "second");
      const listed = await cf.send(new ListConnectionFunctionsCommand({ Stage: "LIVE" }));
      assert.ok(listed.ConnectionFunctions?.some((f) => f.Id === s.Id && f.Stage === "LIVE"));
      await expectServiceError(cf.send(new DeleteConnectionFunctionCommand({ Id: s.Id, IfMatch: created.ETag })), 412, "PreconditionFailed");
      await cf.send(new DeleteConnectionFunctionCommand({ Id: s.Id, IfMatch: updated.ETag }));
      await expectServiceError(cf.send(new GetConnectionFunctionCommand({ Identifier: s.Id })), 404, "EntityNotFound");
    });

    it("refuse runtime 1.0, code that does not compile, a taken name and an unknown id", async () => {
      const config = { Comment: "", Runtime: "cloudfront-js-2.0" as const };
      await expectServiceError(cf.send(new CreateConnectionFunctionCommand({ Name: "old", ConnectionFunctionConfig: { Comment: "", Runtime: "cloudfront-js-1.0" }, ConnectionFunctionCode: Buffer.from(ALLOW_ALL) })), 400, "InvalidArgument");
      await expectServiceError(cf.send(new CreateConnectionFunctionCommand({ Name: "broken", ConnectionFunctionConfig: config, ConnectionFunctionCode: Buffer.from("function connectionHandler(c) { c.allow( }") })), 400, "InvalidArgument");
      await connectionFunction("dup", ALLOW_ALL, false);
      await expectServiceError(cf.send(new CreateConnectionFunctionCommand({ Name: "dup", ConnectionFunctionConfig: config, ConnectionFunctionCode: Buffer.from(ALLOW_ALL) })), 409, "EntityAlreadyExists");
      await expectServiceError(cf.send(new DescribeConnectionFunctionCommand({ Identifier: "nope" })), 404, "EntityNotFound");
    });

    it("TestConnectionFunction runs the code on the given connection object", async () => {
      const fn = await connectionFunction("tested", DENY_LOCALHOST, false);
      const test = (clientIp: string) =>
        cf.send(new TestConnectionFunctionCommand({ Id: fn.id, IfMatch: fn.etag, ConnectionObject: Buffer.from(JSON.stringify({ clientIp, serverName: "d1.example" })) }));
      const denied = (await test("127.0.0.1")).ConnectionFunctionTestResult ?? assert.fail("no result");
      assert.equal(denied.ConnectionFunctionOutput, '{"decision":"deny"}');
      assert.deepEqual(denied.ConnectionFunctionExecutionLogs, ["client 127.0.0.1 for d1.example"]);
      assert.equal(denied.ConnectionFunctionErrorMessage, "");
      assert.equal((await test("203.0.113.9")).ConnectionFunctionTestResult?.ConnectionFunctionOutput, '{"decision":"allow"}');
      await expectServiceError(cf.send(new TestConnectionFunctionCommand({ Id: fn.id, IfMatch: "stale", ConnectionObject: Buffer.from("{}") })), 412, "PreconditionFailed");
      await expectServiceError(cf.send(new TestConnectionFunctionCommand({ Id: fn.id, IfMatch: fn.etag, ConnectionObject: Buffer.from("not json") })), 400, "InvalidArgument");
    });

    it("only a published one can be associated, and an associated one cannot be deleted", async () => {
      const draft = await connectionFunction("draft", ALLOW_ALL, false);
      await expectServiceError(cf.send(new CreateDistributionCommand({ DistributionConfig: distributionConfig({ ConnectionFunctionAssociation: { Id: draft.id } }) })), 400, "InvalidArgument");
      const fn = await connectionFunction("associated", ALLOW_ALL);
      const dist = await cf.send(new CreateDistributionCommand({ DistributionConfig: distributionConfig({ ConnectionFunctionAssociation: { Id: fn.id } }) }));
      const by = await cf.send(new ListDistributionsByConnectionFunctionCommand({ ConnectionFunctionIdentifier: fn.id }));
      assert.deepEqual(by.DistributionList?.Items?.map((d) => d.Id), [dist.Distribution?.Id]);
      const described = await cf.send(new DescribeConnectionFunctionCommand({ Identifier: fn.id }));
      assert.equal(described.ConnectionFunctionSummary?.Status, "DEPLOYED");
      await expectServiceError(cf.send(new DeleteConnectionFunctionCommand({ Id: fn.id, IfMatch: described.ETag })), 409, "CannotDeleteEntityWhileInUse");
    });
  });

  describe("at the edge", { skip: (!hasCurl() && "curl is not on PATH") || undefined }, () => {
    const domains: Record<"required" | "optional" | "denied" | "allowed" | "plain", string> = { required: "", optional: "", denied: "", allowed: "", plain: "" };

    before(async () => {
      origin.on("/cert", { body: "ok", headers: { "cache-control": "no-store" } });
      const orp = await cf.send(
        new CreateOriginRequestPolicyCommand({
          OriginRequestPolicyConfig: {
            Name: "viewer-cert-headers",
            HeadersConfig: { HeaderBehavior: "whitelist", Headers: { Quantity: CERT_HEADERS.length, Items: CERT_HEADERS } },
            CookiesConfig: { CookieBehavior: "none" },
            QueryStringsConfig: { QueryStringBehavior: "none" },
          },
        }),
      );
      const orpId = orp.OriginRequestPolicy?.Id ?? assert.fail("no policy");
      const ts = await trustStore("edge-store");
      const create = async (extra: Partial<DistributionConfig>) => (await cf.send(new CreateDistributionCommand({ DistributionConfig: distributionConfig(extra, orpId) }))).Distribution?.DomainName ?? assert.fail("no domain");
      domains.required = await create({ ViewerMtlsConfig: { Mode: "required", TrustStoreConfig: { TrustStoreId: ts.id } } });
      domains.optional = await create({ ViewerMtlsConfig: { Mode: "optional", TrustStoreConfig: { TrustStoreId: ts.id } }, ConnectionFunctionAssociation: { Id: (await connectionFunction("needs-cert", NEEDS_CERT)).id } });
      domains.denied = await create({ ConnectionFunctionAssociation: { Id: (await connectionFunction("deny-localhost", DENY_LOCALHOST)).id } });
      domains.allowed = await create({ ConnectionFunctionAssociation: { Id: (await connectionFunction("allow-all", ALLOW_ALL)).id } });
      domains.plain = await create({});
    });

    /** curl over HTTPS to `domain`; exit code 0 with the status, or the non-zero exit code. */
    async function curl(domain: string, client?: { cert: string; key: string }): Promise<{ exit: number; status: string; stderr: string }> {
      const port = t.emu.httpsPort ?? assert.fail("no HTTPS port");
      const args = ["-sS", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "20", "--cacert", t.emu.tls?.certPath ?? "", "--resolve", `${domain}:${port}:127.0.0.1`];
      if (client) args.push("--cert", client.cert, "--key", client.key);
      try {
        const { stdout } = await promisify(execFile)("curl", [...args, `https://${domain}:${port}/cert`], { encoding: "utf8" });
        return { exit: 0, status: stdout, stderr: "" };
      } catch (err) {
        const e = err as { code?: number; stdout?: string; stderr?: string };
        return { exit: typeof e.code === "number" ? e.code : -1, status: e.stdout ?? "", stderr: e.stderr ?? "" };
      }
    }

    it("required mode accepts a certificate from the trust store's CA and passes CloudFront-Viewer-Cert-* to the origin", async () => {
      const res = await curl(domains.required, a);
      assert.deepEqual([res.exit, res.status], [0, "200"], res.stderr);
      const h = origin.last("/cert").headers;
      assert.equal(h["cloudfront-viewer-cert-present"], "1");
      assert.equal(h["cloudfront-viewer-cert-serial-number"], "4a:3f:5c:92");
      assert.equal(h["cloudfront-viewer-cert-subject"], "O=mTLS,CN=a-client");
      assert.equal(h["cloudfront-viewer-cert-issuer"], "O=mTLS,CN=a-ca");
      assert.match(String(h["cloudfront-viewer-cert-sha256"]), /^[0-9a-f]{64}$/);
      assert.match(String(h["cloudfront-viewer-cert-validity"]), /^NotBefore=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ;NotAfter=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      assert.equal(decodeURIComponent(String(h["cloudfront-viewer-cert-pem"])).trim(), readFileSync(a.cert, "utf8").trim());
    });

    it("required mode refuses a certificate from another CA and a viewer without one, before any HTTP request", async () => {
      const before = origin.received.length;
      const other = await curl(domains.required, b);
      assert.notEqual(other.exit, 0, `a certificate of another CA got ${other.status}`);
      assert.equal(other.status, "000");
      const none = await curl(domains.required);
      assert.notEqual(none.exit, 0, `no certificate got ${none.status}`);
      assert.equal(none.status, "000");
      assert.equal(origin.received.length, before, "nothing reached the origin");
    });

    it("optional mode runs the connection function with the certificate's details", async () => {
      assert.equal((await curl(domains.optional, a)).status, "200");
      assert.equal(origin.last("/cert").headers["cloudfront-viewer-cert-present"], "1");
      // No certificate passes optional mTLS; the function then denies the connection.
      assert.equal((await curl(domains.optional)).status, "000");
      // A certificate of another CA fails verification before the function runs.
      assert.equal((await curl(domains.optional, b)).status, "000");
    });

    it("a connection function that denies the client IP closes the connection; one that allows lets it through", async () => {
      const denied = await curl(domains.denied);
      assert.notEqual(denied.exit, 0);
      assert.equal(denied.status, "000");
      const allowed = await curl(domains.allowed);
      assert.deepEqual([allowed.exit, allowed.status], [0, "200"], allowed.stderr);
      assert.equal(origin.last("/cert").headers["cloudfront-viewer-cert-present"], undefined, "no mTLS on this distribution: no cert headers");
    });

    it("distributions without mTLS or a connection function are unaffected, with or without a client certificate", async () => {
      assert.equal((await curl(domains.plain)).status, "200");
      assert.equal((await curl(domains.plain, b)).status, "200");
      assert.equal(origin.last("/cert").headers["cloudfront-viewer-cert-present"], undefined);
    });
  });
});
