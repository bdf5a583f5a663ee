// Real-time logs end to end (issue 15; CloudFront Developer Guide, "Real-time logs"): kinesalite as
// the Kinesis, minifront started with --kinesis-endpoint, a distribution whose behaviors name
// real-time log configurations, requests made with curl, and the records read back with an SDK
// Kinesis consumer (GetShardIterator/GetRecords): the configured fields, in CloudFront's record
// order, tab-separated; sampled at the configured rate; also in <data-dir>/realtime-logs/. A Kinesis
// endpoint that does not answer changes nothing for viewers.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { createServer } from "node:http";
import { join } from "node:path";
import { promisify } from "node:util";
import { CreateDistributionCommand, CreateRealtimeLogConfigCommand, type CloudFrontClient } from "@aws-sdk/client-cloudfront";
import { startEmulator, type Emulator } from "../../src/index.ts";
import { createLogger } from "../../src/log.ts";
import { cloudFrontClient } from "../helpers/emulator.ts";
import { hasCurl } from "../helpers/curl.ts";
import { TestOrigin } from "../helpers/test-origin.ts";
import { startKinesalite, type Kinesalite } from "../helpers/kinesis.ts";

const ROLE = "arn:aws:iam::123456789012:role/CloudFront-RealtimeLogs";
/** Given out of order on purpose: records carry them in the guide's order. */
const FIELDS = ["sc-status", "timestamp", "cs-uri-stem", "c-ip", "cs-method", "x-edge-result-type", "cache-behavior-path-pattern", "cs-host", "x-host-header", "cs-user-agent", "sc-bytes", "time-taken", "c-ip-version", "cs-headers-count", "c-country"];
/** FIELDS in the order of the guide's "Real-time log configuration fields". */
const RECORD_ORDER = ["timestamp", "c-ip", "sc-status", "sc-bytes", "cs-method", "cs-host", "cs-uri-stem", "x-host-header", "time-taken", "c-ip-version", "cs-user-agent", "x-edge-result-type", "c-country", "cache-behavior-path-pattern", "cs-headers-count"];

/** GETs each path through the edge with one curl process; answers the status codes. */
async function curl(port: number, domain: string, paths: readonly string[]): Promise<string[]> {
  const args = ["-s", "-A", "rt-test/1.0", "--resolve", `${domain}:${port}:127.0.0.1`, "-w", "\n%{http_code}\n"];
  const { stdout } = await promisify(execFile)("curl", [...args, ...paths.map((p) => `http://${domain}:${port}${p}`)], { encoding: "utf8", maxBuffer: 16 * 1024 * 1024 });
  return stdout.split("\n").filter((l) => /^\d{3}$/.test(l));
}

/** Reads the stream until it holds at least `count` records (a bounded wait for delivery). */
async function recordsOf(kinesis: Kinesalite, stream: string, count: number): Promise<string[]> {
  for (let i = 0; ; i++) {
    const records = await kinesis.readAll(stream);
    if (records.length >= count || i === 100) return records;
    await new Promise((r) => setTimeout(r, 100));
  }
}

function parse(record: string): Record<string, string> {
  assert.ok(record.endsWith("\n"), "a record ends with a newline");
  const values = record.slice(0, -1).split("\t");
  assert.equal(values.length, RECORD_ORDER.length, `${RECORD_ORDER.length} tab-separated values in ${JSON.stringify(record)}`);
  return Object.fromEntries(RECORD_ORDER.map((name, i) => [name, values[i] as string]));
}

async function createConfig(cf: CloudFrontClient, name: string, streamArn: string, rate: number): Promise<string> {
  const out = await cf.send(new CreateRealtimeLogConfigCommand({ Name: name, SamplingRate: rate, Fields: FIELDS, EndPoints: [{ StreamType: "Kinesis", KinesisStreamConfig: { StreamARN: streamArn, RoleARN: ROLE } }] }));
  assert.deepEqual(out.RealtimeLogConfig?.Fields, RECORD_ORDER);
  return out.RealtimeLogConfig?.ARN as string;
}

async function createDistribution(cf: CloudFrontClient, originPort: number, defaultArn: string, sampledArn?: string): Promise<string> {
  const behavior = { TargetOriginId: "o", ViewerProtocolPolicy: "allow-all" as const, CachePolicyId: "658327ea-f89d-4fab-a63d-7e88639e58f6" };
  const out = await cf.send(
    new CreateDistributionCommand({
      DistributionConfig: {
        CallerReference: `rtl-${Math.random()}`,
        Comment: "",
        Enabled: true,
        Origins: { Quantity: 1, Items: [{ Id: "o", DomainName: "127.0.0.1", CustomOriginConfig: { HTTPPort: originPort, HTTPSPort: 443, OriginProtocolPolicy: "http-only" } }] },
        DefaultCacheBehavior: { ...behavior, RealtimeLogConfigArn: defaultArn },
        CacheBehaviors: sampledArn ? { Quantity: 1, Items: [{ ...behavior, PathPattern: "/sampled/*", RealtimeLogConfigArn: sampledArn }] } : { Quantity: 0 },
      },
    }),
  );
  return out.Distribution?.DomainName as string;
}

const origin = new TestOrigin();
before(() => origin.start());
after(() => origin.close());

describe("real-time logs delivered to Kinesis", { skip: !hasCurl() && "curl is not installed" }, () => {
  let kinesis: Kinesalite;
  let emu: Emulator;
  let everyArn = "";
  let sampledArn = "";
  let domain = "";
  before(async () => {
    kinesis = await startKinesalite();
    const everyStream = await kinesis.createStream("cf-every");
    const sampledStream = await kinesis.createStream("cf-sampled");
    emu = await startEmulator({ port: 0, ephemeral: true, logLevel: "warn", kinesisEndpoint: kinesis.endpoint });
    const cf = cloudFrontClient(emu.controlUrl);
    everyArn = await createConfig(cf, "every", everyStream, 100);
    sampledArn = await createConfig(cf, "sampled", sampledStream, 50);
    domain = await createDistribution(cf, origin.port, everyArn, sampledArn);
    origin.on("/hello.txt", { headers: { "content-type": "text/plain", "cache-control": "max-age=60" }, body: "hello world" });
    origin.on("/sampled/x", { headers: { "cache-control": "max-age=60" }, body: "x" });
  });
  after(async () => {
    await emu?.dispose();
    await kinesis?.close();
  });

  it("an SDK consumer reads one record per request, the configured fields in CloudFront's order", async () => {
    assert.deepEqual(await curl(emu.port, domain, ["/hello.txt?x=1", "/hello.txt?x=1"]), ["200", "200"]);
    await emu.flushLogs();
    const records = await recordsOf(kinesis, "cf-every", 2);
    assert.equal(records.length, 2);
    const [miss, hit] = records.map(parse) as [Record<string, string>, Record<string, string>];
    assert.match(miss.timestamp as string, /^\d{10}\.\d{3}$/, "epoch seconds with milliseconds");
    assert.equal(miss["c-ip"], "127.0.0.1");
    assert.equal(miss["c-ip-version"], "IPv4");
    assert.equal(miss["sc-status"], "200");
    assert.equal(miss["cs-method"], "GET");
    assert.equal(miss["cs-uri-stem"], "/hello.txt?x=1", "the real-time cs-uri-stem includes the query string");
    assert.equal(miss["cs-host"], domain);
    assert.equal(miss["x-host-header"], domain);
    assert.equal(miss["cs-user-agent"], "rt-test/1.0");
    assert.equal(miss["x-edge-result-type"], "Miss");
    assert.equal(hit["x-edge-result-type"], "Hit");
    assert.equal(miss["cache-behavior-path-pattern"], "*");
    assert.equal(miss["c-country"], "US");
    assert.match(miss["time-taken"] as string, /^\d+\.\d{3}$/);
    assert.ok(Number(miss["sc-bytes"]) > "hello world".length);
    assert.ok(Number(miss["cs-headers-count"]) >= 3, "Host, User-Agent and Accept at least");

    // The same records, in the same order, in the local file.
    const file = join(emu.dataDir, "realtime-logs", "every.log");
    assert.equal(readFileSync(file, "utf8"), records.join(""));
  });

  it("samples a behavior's requests at its configuration's rate", async () => {
    // SamplingRate 50 of 200 requests: fewer than 50 or more than 150 chosen has a chance below 1e-12.
    const paths = Array.from({ length: 200 }, () => "/sampled/x");
    const statuses = await curl(emu.port, domain, paths);
    assert.equal(statuses.filter((s) => s === "200").length, 200);
    await emu.flushLogs();
    const lines = readFileSync(join(emu.dataDir, "realtime-logs", "sampled.log"), "utf8").split("\n").filter((l) => l !== "");
    assert.ok(lines.length > 50 && lines.length < 150, `about half of 200 requests sampled, got ${lines.length}`);
    const records = await recordsOf(kinesis, "cf-sampled", lines.length);
    assert.equal(records.length, lines.length, "Kinesis has what the file has");
    assert.ok(records.every((r) => parse(r)["cache-behavior-path-pattern"] === "/sampled/*"));
    // The default behavior's configuration logs none of them.
    assert.ok((await kinesis.readAll("cf-every")).every((r) => !r.includes("/sampled/")));
  });
});

describe("real-time logs with a Kinesis endpoint that does not answer", { skip: !hasCurl() && "curl is not installed" }, () => {
  let emu: Emulator;
  const lines: string[] = [];
  let domain = "";
  before(async () => {
    // A port that was just free: nothing listens there.
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
    const port = (closed.address() as { port: number }).port;
    await new Promise<void>((r) => closed.close(() => r()));
    emu = await startEmulator({ port: 0, ephemeral: true, logLevel: "warn", kinesisEndpoint: `http://127.0.0.1:${port}`, logger: createLogger("warn", (l) => lines.push(l)) });
    const cf = cloudFrontClient(emu.controlUrl);
    const arn = await createConfig(cf, "unanswered", "arn:aws:kinesis:us-east-1:123456789012:stream/nowhere", 100);
    domain = await createDistribution(cf, origin.port, arn);
    origin.on("/down.txt", { body: "still served" });
  });
  after(() => emu?.dispose());

  it("serves viewers as usual, writes the local file, and warns once", async () => {
    for (let i = 0; i < 3; i++) {
      assert.deepEqual(await curl(emu.port, domain, ["/down.txt", "/down.txt"]), ["200", "200"]);
      await emu.flushLogs();
    }
    const file = join(emu.dataDir, "realtime-logs", "unanswered.log");
    assert.ok(existsSync(file));
    assert.equal(readFileSync(file, "utf8").split("\n").filter((l) => l !== "").length, 6);
    const warnings = lines.filter((l) => l.includes("cannot deliver to Kinesis"));
    assert.equal(warnings.length, 1, lines.join("\n"));
  });
});
