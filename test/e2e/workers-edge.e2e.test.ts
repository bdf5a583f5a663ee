// What an edge worker of `minifront start --workers 2` does besides serving from its cache (issue
// 18): the requests either worker served are in the request log, in CloudWatch's Requests (read
// with the aws CLI), in the standard log file a flush delivers and in the real-time log, their CloudFront Function runs
// in FunctionInvocations; a viewer-request Lambda@Edge function runs in the worker that serves the
// request; --https-port and --edge-port are served by
// the workers. One primary and two workers for the whole file; fresh connections reach the workers
// in turn (node:cluster hands each new connection to the next one), and the Via header, fixed per
// process, tells which worker answered.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { gunzipSync } from "node:zlib";
import { CreateDistributionCommand, CreateRealtimeLogConfigCommand, CreateFunctionCommand as CreateCloudFrontFunctionCommand, DescribeFunctionCommand, PublishFunctionCommand, type CloudFrontClient, type DistributionConfig } from "@aws-sdk/client-cloudfront";
import { CloudWatchClient, GetMetricStatisticsCommand } from "@aws-sdk/client-cloudwatch";
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import { CreateFunctionCommand, PublishVersionCommand } from "@aws-sdk/client-lambda";
import { CreateRoleCommand } from "@aws-sdk/client-iam";
import { CREDENTIALS, cloudFrontClient } from "../helpers/emulator.ts";
import { TestOrigin, header, sendToEdge, type EdgeResponse } from "../helpers/test-origin.ts";
import { AWS_CLI_MISSING, awsCliAvailable, runAws } from "../helpers/aws-cli.ts";
import { hasCurl } from "../helpers/curl.ts";
import { LAMBDA_TRUST, handlerZip, iamClient, lambdaClient } from "../helpers/lambda.ts";
import { startWorkersCli, until, type WorkersCli } from "../helpers/workers-cli.ts";

const ACCOUNT = "123456789012";
const CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6";
const run = promisify(execFile);

/** A viewer-request function that answers /lambda itself, naming the process that ran it: its parent is the edge worker. */
const VIEWER_REQUEST = `
exports.handler = async (event) => {
  const request = event.Records[0].cf.request;
  if (request.uri !== "/lambda") return request;
  return { status: "200", headers: { "content-type": [{ key: "Content-Type", value: "text/plain" }] }, body: "ran under " + process.ppid };
};`;

describe("the edge of minifront start --workers 2", () => {
  const origin = new TestOrigin();
  const dir = mkdtempSync(join(tmpdir(), "minifront-workers-edge-"));
  let cli: WorkersCli;
  let cf: CloudFrontClient;
  let s3: S3Client;

  const endpoint = () => `http://127.0.0.1:${cli.port}`;

  async function createDistribution(ref: string, extra: Partial<DistributionConfig> = {}): Promise<{ id: string; domain: string }> {
    const config: DistributionConfig = {
      CallerReference: ref,
      Comment: "",
      Enabled: true,
      Origins: { Quantity: 1, Items: [{ Id: "o", DomainName: "127.0.0.1", CustomOriginConfig: { HTTPPort: origin.port, HTTPSPort: 443, OriginProtocolPolicy: "http-only" } }] },
      DefaultCacheBehavior: { TargetOriginId: "o", ViewerProtocolPolicy: "allow-all", CachePolicyId: CACHING_OPTIMIZED },
      ...extra,
    };
    const out = await cf.send(new CreateDistributionCommand({ DistributionConfig: config }));
    return { id: out.Distribution?.Id ?? "", domain: out.Distribution?.DomainName ?? "" };
  }

  /** Sends `request(i)` for i = 0, 1... on fresh connections until both workers (two Via values) have answered at least twice. */
  async function fromBothWorkers(request: (i: number) => Promise<EdgeResponse>): Promise<EdgeResponse[]> {
    const answers: EdgeResponse[] = [];
    const perVia = new Map<string, number>();
    return until("both workers answering", async () => {
      const a = await request(answers.length);
      answers.push(a);
      const via = header(a, "via") ?? "";
      perVia.set(via, (perVia.get(via) ?? 0) + 1);
      return perVia.size >= 2 && [...perVia.values()].every((n) => n >= 2) ? answers : undefined;
    });
  }

  before(async () => {
    await origin.start();
    cli = await startWorkersCli(2, ["--log-level", "info", "--account-id", ACCOUNT, "--https-port", "0", "--edge-port", "0", "--tls-dir", join(dir, "tls")]);
    cf = cloudFrontClient(endpoint());
    s3 = new S3Client({ region: "us-east-1", endpoint: endpoint(), forcePathStyle: true, credentials: CREDENTIALS, maxAttempts: 1 });
  });

  after(async () => {
    cf?.destroy();
    s3?.destroy();
    await cli?.stop();
    await origin.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("logs, counts and delivers in the standard and real-time logs every request either worker served", { skip: !awsCliAvailable() && AWS_CLI_MISSING }, async () => {
    await s3.send(new CreateBucketCommand({ Bucket: "access-logs" }));
    const EndPoints = [{ StreamType: "Kinesis", KinesisStreamConfig: { StreamARN: `arn:aws:kinesis:us-east-1:${ACCOUNT}:stream/edge`, RoleARN: `arn:aws:iam::${ACCOUNT}:role/realtime` } }];
    const realtime = await cf.send(new CreateRealtimeLogConfigCommand({ Name: "workers-rt", SamplingRate: 100, Fields: ["timestamp", "cs-uri-stem", "cs-user-agent"], EndPoints }));
    const { id, domain } = await createDistribution("observed", {
      Logging: { Enabled: true, IncludeCookies: false, Bucket: "access-logs.s3.amazonaws.com", Prefix: "cf/" },
      DefaultCacheBehavior: { TargetOriginId: "o", ViewerProtocolPolicy: "allow-all", CachePolicyId: CACHING_OPTIMIZED, RealtimeLogConfigArn: realtime.RealtimeLogConfig?.ARN },
    });
    const answers = await fromBothWorkers((i) => sendToEdge(cli.port, domain, `/observed/${i}`, { headers: { "user-agent": "workers-test" } }));
    const paths = answers.map((_, i) => `/observed/${i}`);
    for (const a of answers) assert.equal(a.status, 200);

    // CloudWatch (CloudFront Developer Guide, "Types of metrics for CloudFront": Requests, the
    // viewer requests of every method): a worker relays the call once every worker's records are
    // in, so the count is exact at once.
    const hour = 3_600_000;
    const now = Date.now();
    const cw = await runAws(
      ["cloudwatch", "get-metric-statistics", "--namespace", "AWS/CloudFront", "--metric-name", "Requests", "--dimensions", `Name=DistributionId,Value=${id}`, "Name=Region,Value=Global", "--start-time", new Date(now - hour).toISOString(), "--end-time", new Date(now + hour).toISOString(), "--period", "3600", "--statistics", "Sum"],
      { endpoint: endpoint(), configDir: dir },
    );
    assert.equal(cw.code, 0, cw.stderr);
    const datapoints = (JSON.parse(cw.stdout) as { Datapoints: { Sum: number }[] }).Datapoints;
    assert.equal(datapoints.reduce((sum, d) => sum + d.Sum, 0), answers.length);

    // The standard log (Developer Guide, "Standard logging reference"): one line per request, with
    // the fields only a detailed record carries (cs(User-Agent)).
    const flushed = await fetch(`${endpoint()}/_minifront/logs/flush`, { method: "POST" });
    assert.equal(flushed.status, 200);
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: "access-logs", Prefix: `cf/${id}.` }));
    const lines: string[][] = [];
    for (const { Key } of listed.Contents ?? []) {
      const object = await s3.send(new GetObjectCommand({ Bucket: "access-logs", Key }));
      const text = gunzipSync(await (object.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray()).toString("utf8");
      lines.push(...text.split("\n").filter((l) => l !== "" && !l.startsWith("#")).map((l) => l.split("\t")));
    }
    // Fields 8, 11 and 29: cs-uri-stem, cs(User-Agent), x-edge-detailed-result-type.
    assert.deepEqual(lines.map((f) => f[7]).sort(), [...paths].sort());
    for (const f of lines) assert.deepEqual([f[10], f[28]], ["workers-test", "Miss"]);

    // Real-time logs (Developer Guide, "Real-time logs"): every record also goes to <data-dir>/realtime-logs/<name>.log, written by the same flush.
    const dataDir = /^ {2}State +(\S+)$/m.exec(cli.output())?.[1] ?? assert.fail("no State line");
    const records = readFileSync(join(dataDir, "realtime-logs", "workers-rt.log"), "utf8").split("\n").filter((l) => l !== "").map((l) => l.split("\t"));
    assert.deepEqual(records.map((r) => r[1]).sort(), [...paths].sort());
    for (const r of records) assert.equal(r[2], "workers-test");

    // The request log: each worker prints the lines of the requests it served.
    const lineOf = (p: string) => new RegExp(`${id} \\S+ GET ${p} 200 Miss `, "g");
    await until("every request in the request log", async () => (paths.every((p) => lineOf(p).test(cli.output())) ? true : undefined));
    for (const p of paths) assert.equal(cli.output().match(lineOf(p))?.length, 1, `one request-log line for ${p}`);
  });

  it("runs a viewer-request Lambda@Edge function in the worker that serves the request", async () => {
    const role = (await iamClient(endpoint()).send(new CreateRoleCommand({ RoleName: "edge", AssumeRolePolicyDocument: LAMBDA_TRUST }))).Role?.Arn ?? "";
    const lambda = lambdaClient(endpoint());
    await lambda.send(new CreateFunctionCommand({ FunctionName: "answer", Role: role, Runtime: "nodejs22.x", Handler: "index.handler", Code: { ZipFile: handlerZip(VIEWER_REQUEST) } }));
    const version = (await lambda.send(new PublishVersionCommand({ FunctionName: "answer" }))).FunctionArn ?? "";
    lambda.destroy();
    const { domain } = await createDistribution("lambda", {
      DefaultCacheBehavior: { TargetOriginId: "o", ViewerProtocolPolicy: "allow-all", CachePolicyId: CACHING_OPTIMIZED, LambdaFunctionAssociations: { Quantity: 1, Items: [{ EventType: "viewer-request", LambdaFunctionARN: version }] } },
    });
    const answers = await fromBothWorkers(() => sendToEdge(cli.port, domain, "/lambda"));
    const workers = (await (await fetch(`${endpoint()}/_minifront/workers`)).json()) as { workers: { pid: number }[] };
    const byVia = new Map(answers.map((a) => [header(a, "via"), a.body]));
    assert.deepEqual(new Set(byVia.values()), new Set(workers.workers.map((w) => `ran under ${w.pid}`)), "each worker ran the function itself");
    assert.equal(origin.hits("/lambda"), 0, "the function answered, not the origin");
  });

  it("counts the CloudFront Function runs of both workers in FunctionInvocations", async () => {
    // CloudFront Developer Guide, "Monitoring CloudFront Functions": a LIVE function's viewer-request runs.
    const FunctionCode = new TextEncoder().encode("async function handler(event) { return event.request; }");
    await cf.send(new CreateCloudFrontFunctionCommand({ Name: "counted", FunctionConfig: { Comment: "", Runtime: "cloudfront-js-2.0" }, FunctionCode }));
    const etag = (await cf.send(new DescribeFunctionCommand({ Name: "counted" }))).ETag;
    const arn = (await cf.send(new PublishFunctionCommand({ Name: "counted", IfMatch: etag }))).FunctionSummary?.FunctionMetadata?.FunctionARN ?? "";
    const { domain } = await createDistribution("function", {
      DefaultCacheBehavior: { TargetOriginId: "o", ViewerProtocolPolicy: "allow-all", CachePolicyId: CACHING_OPTIMIZED, FunctionAssociations: { Quantity: 1, Items: [{ EventType: "viewer-request", FunctionARN: arn }] } },
    });
    const answers = await fromBothWorkers(() => sendToEdge(cli.port, domain, "/function"));
    const cloudwatch = new CloudWatchClient({ region: "us-east-1", endpoint: endpoint(), credentials: CREDENTIALS, maxAttempts: 1 });
    const now = Date.now();
    const Dimensions = [{ Name: "FunctionName", Value: "counted" }, { Name: "Region", Value: "Global" }];
    const out = await cloudwatch.send(new GetMetricStatisticsCommand({ Namespace: "AWS/CloudFront", MetricName: "FunctionInvocations", Dimensions, Period: 3600, Statistics: ["Sum"], StartTime: new Date(now - 3_600_000), EndTime: new Date(now + 3_600_000) }));
    cloudwatch.destroy();
    assert.equal((out.Datapoints ?? []).reduce((sum, d) => sum + (d.Sum ?? 0), 0), answers.length);
  });

  it("serves HTTPS on --https-port (curl, trusting the local CA) and the edge-only --edge-port from both workers", { skip: !hasCurl() && "curl is not on PATH" }, async () => {
    const { domain } = await createDistribution("listeners");
    const port = cli.httpsPort ?? assert.fail("no HTTPS port printed");
    const ca = join(dir, "tls", "minifront-ca.crt");
    assert.ok(readFileSync(ca, "utf8").includes("BEGIN CERTIFICATE"));
    const viaHttps = new Set<string>();
    await until("both workers answering over HTTPS", async () => {
      const { stdout } = await run("curl", ["-sS", "--cacert", ca, "--resolve", `${domain}:${port}:127.0.0.1`, "-o", "/dev/null", "-D", "-", `https://${domain}:${port}/tls`]);
      assert.match(stdout, /^HTTP\/[\d.]+ 200/);
      viaHttps.add(/^via: (.*)\r$/im.exec(stdout)?.[1] ?? "");
      return viaHttps.size >= 2 ? true : undefined;
    });
    const edgePort = cli.edgePort ?? assert.fail("no edge port printed");
    const viaEdge = await fromBothWorkers(() => sendToEdge(edgePort, domain, "/edge-port"));
    for (const a of viaEdge) assert.equal(a.status, 200);
    // The edge-only listener looks every Host up as a distribution: anything else is CloudFront's 403.
    assert.equal((await sendToEdge(edgePort, `127.0.0.1:${edgePort}`, "/_minifront/health")).status, 403);
  });
});
