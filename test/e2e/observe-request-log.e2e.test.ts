// The terminal request log (issue 15): one line per edge request at `info`, with the X-Cache
// result, the bytes and the origin's latency on a miss; `--log-format json` gives one object per
// request carrying the request id (X-Amz-Cf-Id). Requests go through curl, distributions through
// @aws-sdk/client-cloudfront; log lines are caught by a logger given to startEmulator.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { CreateDistributionCommand } from "@aws-sdk/client-cloudfront";
import { CreateBucketCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { createLogger } from "../../src/log.ts";
import { cloudFrontClient, CREDENTIALS, spawnCli, useEmulator } from "../helpers/emulator.ts";
import { hasCurl } from "../helpers/curl.ts";
import { sendToEdge, TestOrigin } from "../helpers/test-origin.ts";

const origin = new TestOrigin();
before(() => origin.start());
after(() => origin.close());

/** curl through the edge as the distribution's domain name (the emulator runs in this process, hence async); returns the response's headers. */
async function curl(port: number, domain: string, path: string): Promise<Map<string, string>> {
  const { stdout: out } = await promisify(execFile)("curl", ["-s", "-D", "-", "-o", "/dev/null", "--resolve", `${domain}:${port}:127.0.0.1`, `http://${domain}:${port}${path}`], { encoding: "utf8" });
  const headers = new Map<string, string>();
  for (const line of out.split("\r\n").slice(1)) {
    const colon = line.indexOf(":");
    if (colon > 0) headers.set(line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim());
  }
  return headers;
}

async function createDistribution(cf: ReturnType<ReturnType<typeof useEmulator>["cloudfront"]>): Promise<{ id: string; domain: string }> {
  const out = await cf.send(
    new CreateDistributionCommand({
      DistributionConfig: {
        CallerReference: `log-${Math.random()}`,
        Comment: "",
        Enabled: true,
        Origins: { Quantity: 1, Items: [{ Id: "o", DomainName: "127.0.0.1", CustomOriginConfig: { HTTPPort: origin.port, HTTPSPort: 443, OriginProtocolPolicy: "http-only" } }] },
        DefaultCacheBehavior: { TargetOriginId: "o", ViewerProtocolPolicy: "allow-all", ForwardedValues: { QueryString: false, Cookies: { Forward: "none" } }, MinTTL: 0 },
      },
    }),
  );
  return { id: out.Distribution!.Id!, domain: out.Distribution!.DomainName! };
}

/** Waits (bounded) until `lines` has `n` entries matching `pattern`: the line is written when the response closes. */
async function linesMatching(lines: string[], pattern: RegExp, n: number): Promise<string[]> {
  for (let i = 0; i < 200; i++) {
    const found = lines.filter((l) => pattern.test(l));
    if (found.length >= n) return found;
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.fail(`expected ${n} lines matching ${pattern}, got:\n${lines.join("\n")}`);
}

describe("request log (text)", { skip: !hasCurl() && "curl is not on PATH" }, () => {
  const lines: string[] = [];
  const emu = useEmulator({ logLevel: "info", logger: createLogger("info", (l) => lines.push(l)) });

  it("writes one line per edge request: Miss with the origin's latency, then Hit without", async () => {
    origin.on("/page.html", { headers: { "content-type": "text/html", "cache-control": "max-age=60" }, body: "hello" });
    const { id, domain } = await createDistribution(emu.cloudfront());
    assert.equal((await curl(emu.emu.port, domain, "/page.html?x=1")).get("x-cache"), "Miss from cloudfront");
    assert.equal((await curl(emu.emu.port, domain, "/page.html?x=1")).get("x-cache"), "Hit from cloudfront");
    const [miss, hit] = await linesMatching(lines, new RegExp(`${id} `), 2);
    assert.match(miss!, new RegExp(`^\\[minifront\\] info: \\d\\d:\\d\\d:\\d\\d\\.\\d{3} ${id} LOC50-C1 GET /page\\.html\\?x=1 200 Miss \\d+B [\\d.]+ms origin [\\d.]+ms$`));
    assert.match(hit!, new RegExp(` ${id} LOC50-C1 GET /page\\.html\\?x=1 200 Hit \\d+B [\\d.]+ms$`));
    // The bytes are those of the whole response (head and body) as sent to this viewer.
    assert.ok(Number(/ (\d+)B /.exec(hit!)![1]) > "hello".length + 100);
  });
});

describe("metrics", () => {
  const emu = useEmulator();

  it("counts requests, bytes, statuses and cache results per distribution at /_minifront/metrics (Prometheus text)", async () => {
    origin.on("/m.txt", { headers: { "cache-control": "max-age=60" }, body: "metrics" });
    origin.on("/missing", { status: 404, body: "no" });
    const { id, domain } = await createDistribution(emu.cloudfront());
    for (const path of ["/m.txt", "/m.txt", "/m.txt", "/missing"]) await sendToEdge(emu.emu.port, domain, path);
    // The counters move when each response closes: bounded wait for the fourth.
    let text = "";
    for (let i = 0; i < 200 && !text.includes(`cloudfront_requests_total{distribution_id="${id}"} 4`); i++) {
      const res = await fetch(`${emu.emu.controlUrl}/_minifront/metrics`);
      assert.equal(res.status, 200);
      assert.match(res.headers.get("content-type") ?? "", /^text\/plain; version=0\.0\.4/);
      text = await res.text();
    }
    const d = `distribution_id="${id}"`;
    assert.match(text, new RegExp(`^cloudfront_requests_total\\{${d}\\} 4$`, "m"));
    assert.match(text, new RegExp(`^cloudfront_responses_total\\{${d},status="200"\\} 3$`, "m"));
    assert.match(text, new RegExp(`^cloudfront_responses_total\\{${d},status="404"\\} 1$`, "m"));
    assert.match(text, new RegExp(`^cloudfront_cache_results_total\\{${d},result="Hit"\\} 2$`, "m"));
    assert.match(text, new RegExp(`^cloudfront_origin_latency_seconds_count\\{${d}\\} 2$`, "m"));
    const downloaded = Number(new RegExp(`^cloudfront_bytes_downloaded_total\\{${d}\\} (\\d+)$`, "m").exec(text)?.[1]);
    assert.ok(downloaded > 3 * "metrics".length, `bytes downloaded: ${downloaded}`);
    assert.match(text, /^# TYPE cloudfront_requests_total counter$/m);
  });
});

describe("request log (json)", { skip: !hasCurl() && "curl is not on PATH" }, () => {
  const lines: string[] = [];
  const emu = useEmulator({ logLevel: "info", logFormat: "json", logger: createLogger("info", (l) => lines.push(l), "json") });

  it("writes one JSON object per edge request, with the request id the viewer saw", async () => {
    origin.on("/data.json", { headers: { "content-type": "application/json" }, body: "{}" });
    const { id, domain } = await createDistribution(emu.cloudfront());
    const headers = await curl(emu.emu.port, domain, "/data.json");
    const [line] = await linesMatching(lines, /"type":"edge-request"/, 1);
    const record = JSON.parse(line!) as Record<string, unknown>;
    assert.equal(record["level"], "info");
    assert.equal(record["distributionId"], id);
    assert.equal(record["requestId"], headers.get("x-amz-cf-id"));
    assert.equal(record["pop"], headers.get("x-amz-cf-pop"));
    assert.equal(record["status"], 200);
    assert.equal(record["result"], "Miss");
    assert.equal(record["method"], "GET");
    assert.equal(record["path"], "/data.json");
    assert.equal(typeof record["originMs"], "number");
    // A miss asks the origin from the last tier, the regional cache (docs/edge.md §16).
    assert.equal(record["layer"], "REC");
    // Other log lines are JSON too.
    for (const l of lines) assert.doesNotThrow(() => JSON.parse(l), l);
  });
});

describe("--s3-access warn", () => {
  const emu = useEmulator();

  it("names the edge request (X-Amz-Cf-Id) behind an access warning", async () => {
    const s3 = new S3Client({ endpoint: emu.emu.s3Url, region: "us-east-1", credentials: CREDENTIALS, forcePathStyle: true });
    await s3.send(new CreateBucketCommand({ Bucket: "warned-bucket" }));
    await s3.send(new PutObjectCommand({ Bucket: "warned-bucket", Key: "index.html", Body: "hi" }));
    const out = await emu.cloudfront().send(
      new CreateDistributionCommand({
        DistributionConfig: {
          CallerReference: "warned",
          Comment: "",
          Enabled: true,
          Origins: { Quantity: 1, Items: [{ Id: "s3", DomainName: "warned-bucket.s3.amazonaws.com", S3OriginConfig: { OriginAccessIdentity: "" } }] },
          DefaultCacheBehavior: { TargetOriginId: "s3", ViewerProtocolPolicy: "allow-all", ForwardedValues: { QueryString: false, Cookies: { Forward: "none" } }, MinTTL: 0 },
        },
      }),
    );
    const res = await sendToEdge(emu.emu.port, out.Distribution!.DomainName!, "/index.html");
    assert.equal(res.status, 200);
    const warning = emu.emu.warnings().find((w) => w.includes("s3://warned-bucket/index.html"));
    assert.ok(warning, emu.emu.warnings().join("\n"));
    assert.ok(warning.includes(` Edge request ${String(res.headers["x-amz-cf-id"])}. Start with --s3-access enforce`), warning);
  });
});

describe("minifront start --log-format json", { skip: !hasCurl() && "curl is not on PATH" }, () => {
  it("prints the request log on stderr as JSON objects, and stops cleanly", async () => {
    const cli = await spawnCli(["--port", "0", "--ephemeral", "--log-format", "json"]);
    try {
      origin.on("/cli.txt", { body: "cli" });
      const { id, domain } = await createDistribution(cloudFrontClient(cli.url));
      await curl(Number(new URL(cli.url).port), domain, "/cli.txt");
      let record: Record<string, unknown> | undefined;
      for (let i = 0; i < 200 && !record; i++) {
        const line = cli.stderr().split("\n").find((l) => l.includes('"type":"edge-request"'));
        if (line) record = JSON.parse(line) as Record<string, unknown>;
        else await new Promise((r) => setTimeout(r, 25));
      }
      assert.ok(record, cli.stderr());
      assert.equal(record["distributionId"], id);
      assert.equal(record["path"], "/cli.txt");
      assert.equal(record["level"], "info");
    } finally {
      assert.equal(await cli.stop("SIGTERM"), 0);
    }
  });
});

describe("minifront start", { skip: !hasCurl() && "curl is not on PATH" }, () => {
  it("prints the request log on stderr at its default level, a line per edge request in batches", async () => {
    const cli = await spawnCli(["--port", "0", "--ephemeral"]);
    try {
      origin.on("/cli-text.txt", { headers: { "cache-control": "max-age=60" }, body: "cli" });
      const { id, domain } = await createDistribution(cloudFrontClient(cli.url));
      const port = Number(new URL(cli.url).port);
      await curl(port, domain, "/cli-text.txt?v=%C3%A9");
      await curl(port, domain, "/cli-text.txt?v=%C3%A9");
      const pattern = new RegExp(`^\\[minifront\\] info: \\d\\d:\\d\\d:\\d\\d\\.\\d{3} ${id} LOC50-C1 GET /cli-text\\.txt\\?v=%C3%A9 200 (Miss|Hit) \\d+B [\\d.]+ms`);
      let found: string[] = [];
      for (let i = 0; i < 200 && found.length < 2; i++) {
        found = cli.stderr().split("\n").filter((l) => pattern.test(l));
        if (found.length < 2) await new Promise((r) => setTimeout(r, 25));
      }
      assert.equal(found.length, 2, cli.stderr());
      assert.match(found[0]!, / 200 Miss \d+B [\d.]+ms origin [\d.]+ms$/);
      assert.match(found[1]!, / 200 Hit \d+B [\d.]+ms$/);
    } finally {
      assert.equal(await cli.stop("SIGTERM"), 0);
    }
  });
});
