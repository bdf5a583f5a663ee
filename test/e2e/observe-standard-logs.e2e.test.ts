// Standard logging (legacy), end to end (issue 15; CloudFront Developer Guide, "Configure standard
// logging (legacy)" and "Standard logging reference"): a distribution with Logging enabled, two
// requests through the edge, a flush (POST /_minifront/logs/flush), then the aws CLI lists and
// downloads the gzip file from the log bucket; its lines parse against the `#Fields:` header of 33
// fields, and cookies are there only with IncludeCookies. With --s3-access enforce, a bucket whose
// ACL does not grant awslogsdelivery FULL_CONTROL gets no file.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { CreateDistributionCommand, type CloudFrontClient } from "@aws-sdk/client-cloudfront";
import { CreateBucketCommand, PutBucketAclCommand, PutBucketOwnershipControlsCommand, S3Client } from "@aws-sdk/client-s3";
import { CREDENTIALS, useEmulator } from "../helpers/emulator.ts";
import { AWS_CLI_MISSING, awsCliAvailable, runAws } from "../helpers/aws-cli.ts";
import { sendToEdge, TestOrigin } from "../helpers/test-origin.ts";
import { STANDARD_LOG_FIELDS } from "../../src/observe/standard-log-format.ts";
import { AWSLOGSDELIVERY_ID } from "../../src/observe/observing.ts";

const origin = new TestOrigin();
let dir = "";
before(async () => {
  await origin.start();
  dir = mkdtempSync(join(tmpdir(), "minifront-logs-"));
});
after(async () => {
  await origin.close();
  rmSync(dir, { recursive: true, force: true });
});

async function distributionLoggingTo(cf: CloudFrontClient, bucket: string, prefix: string, includeCookies: boolean): Promise<{ id: string; domain: string }> {
  const out = await cf.send(
    new CreateDistributionCommand({
      DistributionConfig: {
        CallerReference: `logs-${Math.random()}`,
        Comment: "",
        Enabled: true,
        Logging: { Enabled: true, IncludeCookies: includeCookies, Bucket: `${bucket}.s3.amazonaws.com`, Prefix: prefix },
        Origins: { Quantity: 1, Items: [{ Id: "o", DomainName: "127.0.0.1", CustomOriginConfig: { HTTPPort: origin.port, HTTPSPort: 443, OriginProtocolPolicy: "http-only" } }] },
        DefaultCacheBehavior: { TargetOriginId: "o", ViewerProtocolPolicy: "allow-all", ForwardedValues: { QueryString: true, Cookies: { Forward: "none" } }, MinTTL: 0 },
      },
    }),
  );
  return { id: out.Distribution!.Id!, domain: out.Distribution!.DomainName! };
}

/** Lists the bucket with the aws CLI and downloads every object under `prefix`, gunzipped. */
async function logFiles(endpoint: string, bucket: string, prefix: string): Promise<Array<{ key: string; text: string }>> {
  const cli = { endpoint, configDir: dir };
  const listed = await runAws(["s3api", "list-objects-v2", "--bucket", bucket, "--prefix", prefix], cli);
  assert.equal(listed.code, 0, listed.stderr);
  const keys = ((listed.stdout.trim() ? JSON.parse(listed.stdout) : {}) as { Contents?: Array<{ Key: string }> }).Contents?.map((c) => c.Key) ?? [];
  const files = [];
  for (const key of keys) {
    const to = join(dir, `file-${files.length}-${Math.random()}.gz`);
    const got = await runAws(["s3", "cp", `s3://${bucket}/${key}`, to], cli);
    assert.equal(got.code, 0, got.stderr);
    files.push({ key, text: gunzipSync(readFileSync(to)).toString("utf8") });
  }
  return files;
}

/** The file's lines as field maps, checked against its own header. */
function parseLog(text: string): Array<Record<string, string>> {
  const lines = text.split("\n").filter((l) => l !== "");
  assert.equal(lines[0], "#Version: 1.0");
  assert.ok(lines[1]!.startsWith("#Fields: "));
  const names = lines[1]!.slice("#Fields: ".length).split(" ");
  assert.deepEqual(names, [...STANDARD_LOG_FIELDS]);
  assert.equal(names.length, 33);
  return lines.slice(2).map((line) => {
    const values = line.split("\t");
    assert.equal(values.length, 33, `33 tab-separated values in: ${line}`);
    return Object.fromEntries(names.map((n, i) => [n, values[i]!]));
  });
}

describe("standard logs (legacy)", { skip: !awsCliAvailable() && AWS_CLI_MISSING }, () => {
  const emu = useEmulator();
  const s3 = () => new S3Client({ endpoint: emu.emu.s3Url, region: "us-east-1", credentials: CREDENTIALS, forcePathStyle: true });

  it("delivers a gzip file the aws CLI downloads, 33 fields per line, cookies only with IncludeCookies", async () => {
    await s3().send(new CreateBucketCommand({ Bucket: "cf-logs" }));
    origin.on("/hello.txt", { headers: { "content-type": "text/plain", "cache-control": "max-age=60" }, body: "hello world" });
    const withCookies = await distributionLoggingTo(emu.cloudfront(), "cf-logs", "with/", true);
    const without = await distributionLoggingTo(emu.cloudfront(), "cf-logs", "without/", false);
    for (const d of [withCookies, without]) {
      const first = await sendToEdge(emu.emu.port, d.domain, "/hello.txt?a=b%20c", { headers: { cookie: "session=abc", "user-agent": "test agent/1.0", referer: "http://example.com/" } });
      assert.equal(first.status, 200);
      await sendToEdge(emu.emu.port, d.domain, "/hello.txt?a=b%20c");
    }
    const flushed = await fetch(`${emu.emu.controlUrl}/_minifront/logs/flush`, { method: "POST" });
    assert.equal(flushed.status, 200);

    const [file] = await logFiles(emu.emu.s3Url, "cf-logs", "with/");
    assert.ok(file, "a log file under with/");
    // <prefix><distribution-id>.YYYY-MM-DD-HH.<unique>.gz
    assert.match(file.key, new RegExp(`^with/${withCookies.id}\\.\\d{4}-\\d\\d-\\d\\d-\\d\\d\\.[0-9a-f]+\\.gz$`));
    const [miss, hit] = parseLog(file.text);
    assert.equal(miss!["cs-method"], "GET");
    assert.equal(miss!["cs-uri-stem"], "/hello.txt");
    assert.equal(miss!["cs-uri-query"], "a=b%20c");
    assert.equal(miss!["sc-status"], "200");
    assert.equal(miss!["x-edge-result-type"], "Miss");
    assert.equal(hit!["x-edge-result-type"], "Hit");
    assert.equal(miss!["cs(Host)"], withCookies.domain);
    assert.equal(miss!["x-host-header"], withCookies.domain);
    assert.equal(miss!["cs(User-Agent)"], "test%20agent/1.0");
    assert.equal(miss!["cs(Referer)"], "http://example.com/");
    assert.equal(miss!["cs(Cookie)"], "session=abc");
    assert.equal(hit!["cs(Cookie)"], "-");
    assert.equal(miss!["c-ip"], "127.0.0.1");
    assert.equal(miss!["cs-protocol"], "http");
    assert.equal(miss!["cs-protocol-version"], "HTTP/1.1");
    assert.equal(miss!["sc-content-type"], "text/plain");
    assert.equal(miss!["sc-content-len"], "11");
    assert.match(miss!["x-edge-request-id"]!, /^[A-Za-z0-9_-]{54}==$/);
    assert.match(miss!["time-taken"]!, /^\d+\.\d{3}$/);
    assert.ok(Number(miss!["sc-bytes"]) > 11 && Number(miss!["cs-bytes"]) > 0);

    const [plain] = await logFiles(emu.emu.s3Url, "cf-logs", "without/");
    const lines = parseLog(plain!.text);
    assert.equal(lines.length, 2);
    assert.equal(lines[0]!["cs(Cookie)"], "-", "IncludeCookies false: no cookies");
  });
});

describe("standard logs with --s3-access enforce", { skip: !awsCliAvailable() && AWS_CLI_MISSING }, () => {
  const emu = useEmulator({ s3Access: "enforce" });
  const s3 = () => new S3Client({ endpoint: emu.emu.s3Url, region: "us-east-1", credentials: CREDENTIALS, forcePathStyle: true });

  it("delivers only to a bucket whose ACL grants awslogsdelivery FULL_CONTROL", async () => {
    origin.on("/x", { body: "x" });
    await s3().send(new CreateBucketCommand({ Bucket: "private-logs" }));
    await s3().send(new CreateBucketCommand({ Bucket: "granted-logs" }));
    await s3().send(new PutBucketOwnershipControlsCommand({ Bucket: "granted-logs", OwnershipControls: { Rules: [{ ObjectOwnership: "BucketOwnerPreferred" }] } }));
    await s3().send(new PutBucketAclCommand({ Bucket: "granted-logs", GrantFullControl: `id=${AWSLOGSDELIVERY_ID}` }));
    const refused = await distributionLoggingTo(emu.cloudfront(), "private-logs", "", false);
    const granted = await distributionLoggingTo(emu.cloudfront(), "granted-logs", "", false);
    await sendToEdge(emu.emu.port, refused.domain, "/x");
    await sendToEdge(emu.emu.port, granted.domain, "/x");
    await emu.emu.flushLogs();
    assert.equal((await logFiles(emu.emu.s3Url, "private-logs", "")).length, 0);
    const files = await logFiles(emu.emu.s3Url, "granted-logs", "");
    assert.equal(files.length, 1);
    assert.equal(parseLog(files[0]!.text).length, 1);
  });
});
