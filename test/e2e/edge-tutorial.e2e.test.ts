// The getting-started tutorial, step by step, with the real `aws` CLI and `curl` against one
// emulator: a bucket and an index.html, the tutorial's distribution, `curl -i` through the edge
// (Miss, then Hit), an object change that the cache hides until `create-invalidation --paths "/*"`,
// then the new body (Miss, then Hit). curl reaches the distribution's domain name with --resolve,
// so no DNS is needed. docs/edge.md §14 (X-Cache), §15 (invalidations).
// Then the README's version of it, verbatim, through the `minifront start` process (issue #12):
// with default flags (`--s3-access warn`) it serves the page and the log says once what AWS would
// answer; with `--s3-access enforce` curl gets AWS's 403.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFile, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CreateDistributionResult, CreateInvalidationResult } from "@aws-sdk/client-cloudfront";
import { AWS_CLI_MISSING, awsCliAvailable, runAws, type AwsCliResult } from "../helpers/aws-cli.ts";
import { spawnCli, useEmulator, type CliProcess } from "../helpers/emulator.ts";

/** The tutorial's `--distribution-config` file, byte for byte. */
const TUTORIAL_CONFIG =
  '{"CallerReference":"my-distribution","Comment":"","Origins":{"Quantity":1,"Items":[{"Id":"my-s3-origin","DomainName":"my-cloudfront-bucket.s3.localhost.localstack.cloud","S3OriginConfig":{"OriginAccessIdentity":""}}]},"DefaultCacheBehavior":{"TargetOriginId":"my-s3-origin","ForwardedValues":{"QueryString":false,"Cookies":{"Forward":"none"}},"ViewerProtocolPolicy":"allow-all"},"Enabled":true}';

function curlAvailable(): boolean {
  const probe = spawnSync("curl", ["--version"], { encoding: "utf8", timeout: 10_000 });
  return probe.error === undefined && probe.status === 0;
}

const missing = !awsCliAvailable() ? AWS_CLI_MISSING : !curlAvailable() ? "curl is not on PATH" : false;

interface CurlResponse {
  readonly status: number;
  /** Lower-cased names. */
  readonly headers: ReadonlyMap<string, string>;
  readonly body: string;
}

/** Parses `curl -s -i` output: status line, headers, blank line, body. */
function parseCurl(out: string): CurlResponse {
  const split = out.indexOf("\r\n\r\n");
  assert.ok(split > 0, `not an HTTP response:\n${out}`);
  const [statusLine, ...lines] = out.slice(0, split).split("\r\n");
  const status = Number(/^HTTP\/[\d.]+ (\d{3})/.exec(statusLine ?? "")?.[1] ?? assert.fail(`no status line in:\n${out}`));
  const headers = new Map<string, string>();
  for (const line of lines) {
    const colon = line.indexOf(":");
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return { status, headers, body: out.slice(split + 4) };
}

describe("the tutorial with the aws CLI and curl", { skip: missing }, () => {
  // The tutorial's bucket has no policy and its origin neither OAC nor OAI. On AWS, and with
  // minifront's default `--s3-access enforce`, S3 refuses such a request (access-control-edge.e2e
  // shows that 403 and its fix); the tutorial was written for LocalStack's open S3, which
  // `--s3-access open` reproduces.
  const ctx = useEmulator({ s3Access: "open" });
  let dir = "";
  let distributionId = "";
  let domain = "";

  before(() => {
    dir = mkdtempSync(join(tmpdir(), "minifront-tutorial-"));
  });
  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  function run(args: readonly string[]): Promise<AwsCliResult> {
    return runAws(args, { endpoint: ctx.emu.controlUrl, configDir: dir, timeoutMs: 20_000 });
  }

  /** Runs an `aws` command that must succeed; returns its parsed JSON output (undefined when none). */
  async function aws<T>(...args: string[]): Promise<T> {
    const r = await run(args);
    assert.equal(r.code, 0, `aws ${args.join(" ")} exited with ${r.code}:\n${r.stderr}`);
    const text = r.stdout.trim();
    return (text === "" || !text.startsWith("{") ? undefined : JSON.parse(text)) as T;
  }

  /** `curl -s -i http://<domain>:<port>/index.html`, with the domain resolved to 127.0.0.1. */
  function curl(path = "/index.html"): Promise<CurlResponse> {
    const port = ctx.emu.port;
    return new Promise((resolve, reject) => {
      execFile("curl", ["-s", "-i", "--resolve", `${domain}:${port}:127.0.0.1`, `http://${domain}:${port}${path}`], { timeout: 20_000, encoding: "utf8" }, (err, stdout, stderr) => {
        if (err) reject(new Error(`curl failed (${err.message}):\n${stderr}`));
        else resolve(parseCurl(stdout));
      });
    });
  }

  /** Writes the tutorial's index.html with `content` and uploads it with `aws s3 cp`. */
  async function upload(content: string): Promise<void> {
    const file = join(dir, "index.html");
    writeFileSync(file, content);
    await aws("s3", "cp", file, "s3://my-cloudfront-bucket/index.html");
  }

  it("aws s3 mb s3://my-cloudfront-bucket", async () => {
    await aws("s3", "mb", "s3://my-cloudfront-bucket");
  });

  it("aws s3 cp index.html s3://my-cloudfront-bucket/", async () => {
    await upload("Hello, CloudFront!");
  });

  it("aws cloudfront create-distribution --distribution-config file://distribution-config.json", async () => {
    const file = join(dir, "distribution-config.json");
    writeFileSync(file, TUTORIAL_CONFIG);
    const out = await aws<CreateDistributionResult>("cloudfront", "create-distribution", "--distribution-config", `file://${file}`);
    distributionId = out.Distribution?.Id ?? assert.fail("no distribution id");
    domain = out.Distribution?.DomainName ?? assert.fail("no domain name");
    assert.equal(domain, `${distributionId.toLowerCase()}.cloudfront.localhost`);
  });

  it("aws cloudfront wait distribution-deployed", async () => {
    assert.ok(distributionId, "the distribution was created");
    await aws("cloudfront", "wait", "distribution-deployed", "--id", distributionId);
  });

  it("curl -i shows 200, the page and X-Cache: Miss from cloudfront", async () => {
    const res = await curl();
    assert.equal(res.status, 200);
    assert.equal(res.body, "Hello, CloudFront!");
    assert.equal(res.headers.get("x-cache"), "Miss from cloudfront");
    assert.match(res.headers.get("via") ?? "", /^1\.1 [0-9a-f]{32}\.cloudfront\.net \(CloudFront\)$/);
    assert.match(res.headers.get("x-amz-cf-id") ?? "", /^[A-Za-z0-9_-]{54}==$/);
    assert.ok(res.headers.get("x-amz-cf-pop"), "X-Amz-Cf-Pop is set");
  });

  it("curl -i again: Hit from cloudfront", async () => {
    const res = await curl();
    assert.equal(res.status, 200);
    assert.equal(res.body, "Hello, CloudFront!");
    assert.equal(res.headers.get("x-cache"), "Hit from cloudfront");
    assert.ok(res.headers.has("age"), "a hit carries Age");
  });

  it("after aws s3 cp changes the object, curl still gets the cached page (Hit)", async () => {
    await upload("Hello again, CloudFront!");
    const res = await curl();
    assert.equal(res.body, "Hello, CloudFront!");
    assert.equal(res.headers.get("x-cache"), "Hit from cloudfront");
  });

  it('aws cloudfront create-invalidation --paths "/*", then wait invalidation-completed', async () => {
    const out = await aws<CreateInvalidationResult>("cloudfront", "create-invalidation", "--distribution-id", distributionId, "--paths", "/*");
    const id = out.Invalidation?.Id ?? assert.fail("no invalidation id");
    assert.deepEqual(out.Invalidation?.InvalidationBatch?.Paths?.Items, ["/*"]);
    await aws("cloudfront", "wait", "invalidation-completed", "--distribution-id", distributionId, "--id", id);
  });

  it("curl -i now gets the new page (Miss), then Hit", async () => {
    const miss = await curl();
    assert.equal(miss.status, 200);
    assert.equal(miss.body, "Hello again, CloudFront!");
    assert.equal(miss.headers.get("x-cache"), "Miss from cloudfront");
    const hit = await curl();
    assert.equal(hit.body, "Hello again, CloudFront!");
    assert.equal(hit.headers.get("x-cache"), "Hit from cloudfront");
  });
});

/** The README's tutorial ("The tutorial, end to end"), run against `minifront start <flags>`. */
function readmeTutorial(flags: readonly string[]): {
  readonly cli: () => CliProcess;
  aws<T>(...args: string[]): Promise<T>;
  curl(path?: string): Promise<CurlResponse>;
  /** mb, `echo 'Hello, CloudFront!' > index.html`, cp, create-distribution: the distribution's id and domain. */
  setUp(): Promise<{ id: string; domain: string }>;
} {
  let cli: CliProcess | undefined;
  let dir = "";
  let domain = "";
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "minifront-readme-"));
    // Only the port and a throw-away state directory are chosen; MINIFRONT_S3_ACCESS set to "" is
    // the same as unset, so the default really is the default.
    cli = await spawnCli(["--port", "0", "--ephemeral", ...flags], { MINIFRONT_S3_ACCESS: "" });
  });
  after(async () => {
    await cli?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  const started = (): CliProcess => cli ?? assert.fail("minifront did not start");
  async function aws<T>(...args: string[]): Promise<T> {
    const r = await runAws(args, { endpoint: started().url, configDir: dir, timeoutMs: 20_000 });
    assert.equal(r.code, 0, `aws ${args.join(" ")} exited with ${r.code}:\n${r.stderr}`);
    const text = r.stdout.trim();
    return (text === "" || !text.startsWith("{") ? undefined : JSON.parse(text)) as T;
  }
  function curl(path = "/index.html"): Promise<CurlResponse> {
    const port = new URL(started().url).port;
    return new Promise((resolve, reject) => {
      execFile("curl", ["-s", "-i", "--resolve", `${domain}:${port}:127.0.0.1`, `http://${domain}:${port}${path}`], { timeout: 20_000, encoding: "utf8" }, (err, stdout, stderr) => {
        if (err) reject(new Error(`curl failed (${err.message}):\n${stderr}`));
        else resolve(parseCurl(stdout));
      });
    });
  }
  return {
    cli: started,
    aws,
    curl,
    async setUp() {
      await aws("s3", "mb", "s3://my-cloudfront-bucket");
      const page = join(dir, "index.html");
      writeFileSync(page, "Hello, CloudFront!\n");
      await aws("s3", "cp", page, "s3://my-cloudfront-bucket/");
      const config = join(dir, "dist.json");
      writeFileSync(config, TUTORIAL_CONFIG);
      const out = await aws<CreateDistributionResult>("cloudfront", "create-distribution", "--distribution-config", `file://${config}`);
      domain = out.Distribution?.DomainName ?? assert.fail("no domain name");
      return { id: out.Distribution?.Id ?? assert.fail("no distribution id"), domain };
    },
  };
}

/** The log lines of `--s3-access warn` warnings. */
const accessWarnings = (stderr: string) => stderr.split("\n").filter((l) => l.includes("AWS would answer 403"));

describe("the README's tutorial with default flags: served, and warned about once", { skip: missing }, () => {
  const t = readmeTutorial([]);

  it("curl -i shows the page (Miss, then Hit), and the log says what AWS would answer and the fix, once", async () => {
    const { id } = await t.setUp();
    const miss = await t.curl();
    assert.equal(miss.status, 200, miss.body);
    assert.equal(miss.body, "Hello, CloudFront!\n");
    assert.equal(miss.headers.get("x-cache"), "Miss from cloudfront");
    const hit = await t.curl();
    assert.equal(hit.body, "Hello, CloudFront!\n");
    assert.equal(hit.headers.get("x-cache"), "Hit from cloudfront");

    // More origin requests from the same distribution to the same bucket: a missing page, and the
    // page again after an invalidation. Still one warning.
    const missing = await t.curl("/missing.html");
    assert.equal(missing.status, 404);
    await t.aws("cloudfront", "create-invalidation", "--distribution-id", id, "--paths", "/*");
    const again = await t.curl();
    assert.equal(again.status, 200);
    assert.equal(again.headers.get("x-cache"), "Miss from cloudfront");

    // The warning is logged when the request is answered; stderr is read as it arrives.
    const deadline = Date.now() + 10_000;
    while (accessWarnings(t.cli().stderr()).length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const lines = accessWarnings(t.cli().stderr());
    assert.equal(lines.length, 1, t.cli().stderr());
    const line = lines[0] ?? "";
    assert.match(line, new RegExp(`^\\[minifront\\] warn: ${id} -> s3://my-cloudfront-bucket/index\\.html: AWS would answer 403 AccessDenied \\(`));
    assert.match(line, /no origin access control/);
    assert.match(line, /the bucket has no policy/);
    assert.match(line, /Add an origin access control to the origin and this bucket policy: /);
    assert.ok(line.includes(`"Principal":{"Service":"cloudfront.amazonaws.com"}`), line);
    assert.ok(line.includes(`"AWS:SourceArn":"arn:aws:cloudfront::123456789012:distribution/${id}"`), line);
    assert.match(line, /Start with --s3-access enforce to get the 403 here\.$/);
  });
});

describe("the README's tutorial with --s3-access enforce: AWS's 403", { skip: missing }, () => {
  const t = readmeTutorial(["--s3-access", "enforce"]);

  it("curl -i gets 403 AccessDenied from S3, and nothing is warned", async () => {
    await t.setUp();
    const res = await t.curl();
    assert.equal(res.status, 403);
    assert.match(res.body, /<Code>AccessDenied<\/Code>/);
    assert.deepEqual(accessWarnings(t.cli().stderr()), []);
  });
});
