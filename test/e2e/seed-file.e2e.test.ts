// The seed file (`--init minifront.json`, issue 16), with the README's example from
// examples/serve-seed/: a start makes its bucket, objects, bucket policy, key value store,
// function, OAC and distribution; the SDK sees them, curl gets the seeded objects through the
// distribution (with `--s3-access enforce`, so the seeded OAC policy is what admits it, and the
// seeded function reading the seeded store adds its header), a second start on the same
// data directory changes nothing and says so, and one after editing the file's object, key and
// function code brings just those back to the file.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { DescribeFunctionCommand, DescribeKeyValueStoreCommand, GetFunctionCommand, ListDistributionsCommand, type CloudFrontClient } from "@aws-sdk/client-cloudfront";
import { GetBucketPolicyCommand, GetObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { startEmulator } from "../../src/index.ts";
import { hasCurl } from "../helpers/curl.ts";
import { cloudFrontClient, CREDENTIALS } from "../helpers/emulator.ts";
import { curl, spawnLines, type LineProcess } from "../helpers/cli-lines.ts";

const SEED = fileURLToPath(new URL("../../examples/serve-seed/minifront.json", import.meta.url));

describe("--init examples/serve-seed/minifront.json", { skip: hasCurl() ? false : "curl is not installed" }, () => {
  let work: string;
  let proc: LineProcess;
  let endpoint: string;
  let cf: CloudFrontClient;

  async function start(): Promise<void> {
    proc = spawnLines(["start", "--port", "0", "--host", "127.0.0.1", "--data-dir", join(work, "data"), "--log-level", "info", "--s3-access", "enforce", "--init", SEED]);
    endpoint = (await proc.waitFor(/listening on (http:\/\/\S+)/))[1] as string;
    // The log line (stderr) may arrive after the ready lines (stdout).
    await proc.waitFor(/seed .*minifront\.json: .*\n/);
    cf?.destroy();
    cf = cloudFrontClient(endpoint);
  }
  before(async () => {
    work = mkdtempSync(join(tmpdir(), "minifront-seed-"));
    await start();
  });
  after(async () => {
    cf?.destroy();
    await proc?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it("is the example the README shows", () => {
    const readme = readFileSync(fileURLToPath(new URL("../../README.md", import.meta.url)), "utf8");
    assert.ok(readme.includes(`\`\`\`json\n${readFileSync(SEED, "utf8")}\`\`\``), "README's seed file example differs from examples/serve-seed/minifront.json");
  });

  it("says what the first start created", () => {
    assert.match(proc.output(), /seed .*minifront\.json: created or updated bucket example-site, object example-site\/index\.html, object example-site\/hello\.txt, key value store settings, function greet, origin access control example-site-oac, distribution site, policy of bucket example-site; 0 already as declared/);
  });

  it("the SDK sees the seeded distribution, published function, key value store and bucket policy", async () => {
    const list = await cf.send(new ListDistributionsCommand({}));
    const dists = list.DistributionList?.Items ?? [];
    assert.equal(dists.length, 1);
    assert.equal(dists[0]?.Comment, "seeded by minifront.json");
    const fn = await cf.send(new DescribeFunctionCommand({ Name: "greet", Stage: "LIVE" }));
    assert.equal(fn.FunctionSummary?.FunctionConfig?.Runtime, "cloudfront-js-2.0");
    const kvs = await cf.send(new DescribeKeyValueStoreCommand({ Name: "settings" }));
    assert.equal(fn.FunctionSummary?.FunctionConfig?.KeyValueStoreAssociations?.Items?.[0]?.KeyValueStoreARN, kvs.KeyValueStore?.ARN);
    const s3 = new S3Client({ endpoint, region: "us-east-1", credentials: CREDENTIALS, forcePathStyle: true });
    const policy = await s3.send(new GetBucketPolicyCommand({ Bucket: "example-site" }));
    s3.destroy();
    assert.match(policy.Policy ?? "", new RegExp(`"AWS:SourceArn":"${dists[0]?.ARN}"`));
  });

  it("curl gets the seeded objects through the distribution, with the seeded function's header from the seeded store", async () => {
    const list = await cf.send(new ListDistributionsCommand({}));
    const base = `http://${list.DistributionList?.Items?.[0]?.DomainName}:${new URL(endpoint).port}`;
    const root = await curl(`${base}/`);
    assert.equal(root.status, 200);
    assert.match(root.body, /<h1>Seeded by minifront.json<\/h1>/);
    assert.equal(root.headers["content-type"], "text/html");
    assert.equal(root.headers["x-greeting"], "hello");
    assert.equal((await curl(`${base}/hello.txt`)).body, "hello from the seed file\n");
  });

  it("a second start on the same data directory changes nothing and says so", async () => {
    const before = (await cf.send(new ListDistributionsCommand({}))).DistributionList?.Items?.map((d) => d.Id);
    assert.equal(await proc.stop(), 0);
    await start();
    assert.match(proc.output(), /seed .*minifront\.json: nothing to change \(8 resources as declared\)/);
    const after = (await cf.send(new ListDistributionsCommand({}))).DistributionList?.Items?.map((d) => d.Id);
    assert.deepEqual(after, before);
  });
});

describe("--init brings edited objects and functions back to the file", () => {
  let work: string;
  before(() => {
    work = mkdtempSync(join(tmpdir(), "minifront-seed-edit-"));
    cpSync(join(SEED, ".."), join(work, "seed"), { recursive: true });
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  /** Starts on the work dir's data with its seed copy; returns the seed log line, the function's LIVE code and hello.txt. */
  async function startOnce(): Promise<{ line: string; code: string; hello: string }> {
    const lines: string[] = [];
    const logger = { debug: () => {}, info: (m: string) => lines.push(m), warn: () => {}, error: (m: string) => lines.push(m) };
    const emu = await startEmulator({ port: 0, dataDir: join(work, "data"), logger, init: join(work, "seed", "minifront.json") });
    try {
      const cf = cloudFrontClient(emu.controlUrl);
      const s3 = new S3Client({ endpoint: emu.controlUrl, region: "us-east-1", credentials: CREDENTIALS, forcePathStyle: true });
      const code = new TextDecoder().decode((await cf.send(new GetFunctionCommand({ Name: "greet", Stage: "LIVE" }))).FunctionCode);
      const hello = await (await s3.send(new GetObjectCommand({ Bucket: "example-site", Key: "hello.txt" }))).Body?.transformToString();
      cf.destroy();
      s3.destroy();
      return { line: lines.find((l) => l.startsWith("seed ")) ?? "", code, hello: hello ?? "" };
    } finally {
      await emu.dispose();
    }
  }

  it("re-uploads a changed object, puts a changed key and publishes changed function code, leaving the rest as it is", async () => {
    await startOnce();
    const seedPath = join(work, "seed", "minifront.json");
    writeFileSync(seedPath, readFileSync(seedPath, "utf8").replace("hello from the seed file", "hello again").replace('"greeting": "hello"', '"greeting": "hi"'));
    const fnPath = join(work, "seed", "functions", "greet.js");
    writeFileSync(fnPath, readFileSync(fnPath, "utf8").replace('let greeting = "none"', 'let greeting = "nobody"'));
    const second = await startOnce();
    assert.match(second.line, /: created or updated object example-site\/hello\.txt, key value store settings, function greet; 5 already as declared$/);
    assert.equal(second.hello, "hello again\n");
    assert.match(second.code, /let greeting = "nobody"/);
  });
});
