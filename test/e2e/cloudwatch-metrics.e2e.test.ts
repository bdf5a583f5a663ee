// CloudFront's CloudWatch metrics through the CloudWatch subset on the same port (issue 15):
// requests made with curl are counted per minute and read back with the aws CLI
// (`aws cloudwatch get-metric-statistics`, awsJson1_0 in query-compatible mode), with
// @aws-sdk/client-cloudwatch (GetMetricData, ListMetrics, GetMetricStatistics) and as an awsQuery
// form; a monitoring subscription (its API through @aws-sdk/client-cloudfront) adds CacheHitRate;
// a LIVE CloudFront Function's runs give FunctionInvocations. CloudFront Developer Guide, "Types of
// metrics for CloudFront" and "Monitoring CloudFront Functions"; CloudWatch API Reference.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { CloudWatchClient, GetMetricDataCommand, GetMetricStatisticsCommand, ListMetricsCommand } from "@aws-sdk/client-cloudwatch";
import {
  CreateDistributionCommand,
  CreateFunctionCommand,
  CreateMonitoringSubscriptionCommand,
  DeleteMonitoringSubscriptionCommand,
  DescribeFunctionCommand,
  GetMonitoringSubscriptionCommand,
  PublishFunctionCommand,
  type FunctionAssociations,
} from "@aws-sdk/client-cloudfront";
import { ManualClock } from "../../src/index.ts";
import { AwsSmithyRpcV2CborProtocol } from "@aws-sdk/core/protocols";
import { CREDENTIALS, expectServiceError, useEmulator } from "../helpers/emulator.ts";
import { hasCurl } from "../helpers/curl.ts";
import { awsCliAvailable, AWS_CLI_MISSING, runAws } from "../helpers/aws-cli.ts";
import { sendToEdge, TestOrigin } from "../helpers/test-origin.ts";

const origin = new TestOrigin();
before(() => origin.start());
after(() => origin.close());

// A clock that stands still in the middle of a minute: every request of a test falls in one minute,
// so a per-minute rate is the rate of the test's requests whenever the suite runs.
const clock = new ManualClock(Math.floor(Date.now() / 60_000) * 60_000 + 30_000);
const emu = useEmulator({ clock });
const cloudwatch = () => new CloudWatchClient({ endpoint: emu.emu.controlUrl, region: "us-east-1", credentials: CREDENTIALS, maxAttempts: 1 });
const dims = (id: string) => [
  { Name: "DistributionId", Value: id },
  { Name: "Region", Value: "Global" },
];
/** A window around the clock's minute. */
const recent = () => ({ StartTime: new Date(clock.now() - 10 * 60_000), EndTime: new Date(clock.now() + 60_000) });

async function createDistribution(functions: FunctionAssociations = { Quantity: 0 }): Promise<{ id: string; domain: string }> {
  const out = await emu.cloudfront().send(
    new CreateDistributionCommand({
      DistributionConfig: {
        CallerReference: `cw-${Math.random()}`,
        Comment: "",
        Enabled: true,
        Origins: { Quantity: 1, Items: [{ Id: "o", DomainName: "127.0.0.1", CustomOriginConfig: { HTTPPort: origin.port, HTTPSPort: 443, OriginProtocolPolicy: "http-only" } }] },
        DefaultCacheBehavior: { TargetOriginId: "o", ViewerProtocolPolicy: "allow-all", ForwardedValues: { QueryString: false, Cookies: { Forward: "none" } }, MinTTL: 0, FunctionAssociations: functions },
      },
    }),
  );
  return { id: out.Distribution!.Id!, domain: out.Distribution!.DomainName! };
}

async function curl(domain: string, path: string): Promise<string> {
  const port = emu.emu.port;
  const { stdout } = await promisify(execFile)("curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "--resolve", `${domain}:${port}:127.0.0.1`, `http://${domain}:${port}${path}`], { encoding: "utf8" });
  return stdout;
}

/** The metric's Sum over the window, waiting (bounded) until it reaches `want`: a request is counted when its response closes. */
async function sumReaches(id: string, metric: string, want: number): Promise<number> {
  let sum = 0;
  for (let i = 0; i < 100 && sum < want; i++) {
    if (i > 0) await new Promise((r) => setTimeout(r, 20));
    const out = await cloudwatch().send(new GetMetricStatisticsCommand({ Namespace: "AWS/CloudFront", MetricName: metric, Dimensions: dims(id), Period: 3600, Statistics: ["Sum"], ...recent() }));
    sum = (out.Datapoints ?? []).reduce((s, d) => s + (d.Sum ?? 0), 0);
  }
  return sum;
}

describe("aws cloudwatch get-metric-statistics", { skip: (!awsCliAvailable() && AWS_CLI_MISSING) || (!hasCurl() && "curl is not on PATH") }, () => {
  let dir = "";
  before(() => void (dir = mkdtempSync(join(tmpdir(), "minifront-cw-cli-"))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("returns the number of requests made with curl", async () => {
    origin.on("/cli.txt", { headers: { "cache-control": "max-age=60" }, body: "counted" });
    const { id, domain } = await createDistribution();
    for (let i = 0; i < 5; i++) assert.equal(await curl(domain, "/cli.txt"), "200");
    await sumReaches(id, "Requests", 5);
    const { StartTime, EndTime } = recent();
    const args = ["cloudwatch", "get-metric-statistics", "--namespace", "AWS/CloudFront", "--metric-name", "Requests", "--dimensions", `Name=DistributionId,Value=${id}`, "Name=Region,Value=Global"];
    const r = await runAws([...args, "--start-time", StartTime.toISOString(), "--end-time", EndTime.toISOString(), "--period", "3600", "--statistics", "Sum", "SampleCount"], { endpoint: emu.emu.controlUrl, configDir: dir });
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { Label: string; Datapoints: Array<{ Sum: number; Unit: string }> };
    assert.equal(out.Label, "Requests");
    assert.equal(out.Datapoints.reduce((s, d) => s + d.Sum, 0), 5);
    assert.equal(out.Datapoints[0]?.Unit, "None");
  });

  it("answers a bad period with InvalidParameterValue", async () => {
    const { StartTime, EndTime } = recent();
    const r = await runAws(["cloudwatch", "get-metric-statistics", "--namespace", "AWS/CloudFront", "--metric-name", "Requests", "--start-time", StartTime.toISOString(), "--end-time", EndTime.toISOString(), "--period", "61", "--statistics", "Sum"], { endpoint: emu.emu.controlUrl, configDir: dir });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /\(InvalidParameterValue\).*Period/);
  });
});

describe("CloudWatch API with @aws-sdk/client-cloudwatch", () => {
  it("GetMetricData gives requests, bytes and error rates per minute; ListMetrics lists the distribution's metrics", async () => {
    origin.on("/sdk.txt", { headers: { "cache-control": "max-age=60" }, body: "sdk" });
    origin.on("/gone", { status: 404, body: "no" });
    const { id, domain } = await createDistribution();
    for (const path of ["/sdk.txt", "/sdk.txt", "/sdk.txt", "/gone"]) await sendToEdge(emu.emu.port, domain, path);
    await sumReaches(id, "Requests", 4);
    const metric = (MetricName: string, Stat: string, Id: string) => ({ Id, MetricStat: { Metric: { Namespace: "AWS/CloudFront", MetricName, Dimensions: dims(id) }, Period: 3600, Stat } });
    const out = await cloudwatch().send(
      new GetMetricDataCommand({ MetricDataQueries: [metric("Requests", "Sum", "requests"), metric("BytesDownloaded", "Sum", "bytes"), metric("4xxErrorRate", "Average", "errors"), { Id: "math", Expression: "requests * 2" }], ...recent() }),
    );
    const byId = new Map((out.MetricDataResults ?? []).map((r) => [r.Id, r]));
    assert.deepEqual(byId.get("requests")?.Values, [4]);
    assert.equal(byId.get("requests")?.Label, "Requests");
    assert.equal(byId.get("requests")?.StatusCode, "Complete");
    assert.ok((byId.get("bytes")?.Values?.[0] ?? 0) > 3 * "sdk".length);
    assert.deepEqual(byId.get("errors")?.Values, [25]);
    // Metric math is not evaluated: the query says so instead of failing the call.
    assert.equal(byId.get("math")?.StatusCode, "InternalError");

    const listed = await cloudwatch().send(new ListMetricsCommand({ Namespace: "AWS/CloudFront", Dimensions: [{ Name: "DistributionId", Value: id }] }));
    const names = (listed.Metrics ?? []).map((m) => m.MetricName).sort();
    assert.deepEqual(names, ["4xxErrorRate", "5xxErrorRate", "BytesDownloaded", "BytesUploaded", "Requests", "TotalErrorRate"]);
    assert.deepEqual(listed.Metrics?.[0]?.Dimensions, dims(id));
  });

  it("answers CloudWatch's errors with their codes", async () => {
    await expectServiceError(cloudwatch().send(new GetMetricStatisticsCommand({ Namespace: "AWS/CloudFront", MetricName: "Requests", Period: 90, Statistics: ["Sum"], ...recent() })), 400, "InvalidParameterValueException");
    await expectServiceError(cloudwatch().send(new GetMetricStatisticsCommand({ Namespace: "AWS/CloudFront", MetricName: "Requests", Period: 60, ...recent() })), 400, "InvalidParameterCombinationException");
    const past = { StartTime: new Date(clock.now() - 3 * 86_400_000), EndTime: new Date(clock.now()) };
    await expectServiceError(cloudwatch().send(new GetMetricStatisticsCommand({ Namespace: "AWS/CloudFront", MetricName: "Requests", Period: 60, Statistics: ["Sum"], ...past })), 400, "InvalidParameterCombinationException");
  });

  it("serves Smithy RPC v2 CBOR too (newer SDKs and botocore)", async () => {
    const cbor = new CloudWatchClient({ endpoint: emu.emu.controlUrl, region: "us-east-1", credentials: CREDENTIALS, maxAttempts: 1, protocol: AwsSmithyRpcV2CborProtocol });
    origin.on("/cbor.txt", { headers: { "cache-control": "max-age=60" }, body: "cbor" });
    const { id, domain } = await createDistribution();
    for (let i = 0; i < 2; i++) await sendToEdge(emu.emu.port, domain, "/cbor.txt");
    await sumReaches(id, "Requests", 2);
    const out = await cbor.send(new GetMetricStatisticsCommand({ Namespace: "AWS/CloudFront", MetricName: "Requests", Dimensions: dims(id), Period: 3600, Statistics: ["Sum"], ...recent() }));
    assert.deepEqual(out.Datapoints?.map((d) => [d.Sum, d.Unit, d.Timestamp instanceof Date]), [[2, "None", true]]);
    await expectServiceError(cbor.send(new GetMetricStatisticsCommand({ Namespace: "AWS/CloudFront", MetricName: "Requests", Period: 90, Statistics: ["Sum"], ...recent() })), 400, "InvalidParameterValueException");
  });

  it("serves awsQuery forms too (older SDKs and CLIs)", async () => {
    const { StartTime, EndTime } = recent();
    const form = new URLSearchParams({ Action: "ListMetrics", Version: "2010-08-01", Namespace: "AWS/CloudFront", MetricName: "Requests" });
    const res = await fetch(emu.emu.controlUrl, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", authorization: "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/monitoring/aws4_request, SignedHeaders=host, Signature=0" },
      body: form,
    });
    const xml = await res.text();
    assert.equal(res.status, 200, xml);
    assert.match(xml, /^<ListMetricsResponse xmlns="http:\/\/monitoring.amazonaws.com\/doc\/2010-08-01\/"><ListMetricsResult><Metrics><member>/);
    assert.match(xml, /<MetricName>Requests<\/MetricName>/);
    const bad = await fetch(emu.emu.controlUrl, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", authorization: "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/monitoring/aws4_request, SignedHeaders=host, Signature=0" },
      body: new URLSearchParams({ Action: "GetMetricStatistics", Version: "2010-08-01", Namespace: "AWS/CloudFront", MetricName: "Requests", Period: "7", "Statistics.member.1": "Sum", StartTime: StartTime.toISOString(), EndTime: EndTime.toISOString() }),
    });
    assert.equal(bad.status, 400);
    assert.match(await bad.text(), /<Code>InvalidParameterValue<\/Code>/);
  });
});

describe("monitoring subscriptions", () => {
  it("turn on CacheHitRate and the other additional metrics", async () => {
    origin.on("/hit.txt", { headers: { "cache-control": "max-age=60" }, body: "hit" });
    const { id, domain } = await createDistribution();
    const cf = emu.cloudfront();
    const MonitoringSubscription = { RealtimeMetricsSubscriptionConfig: { RealtimeMetricsSubscriptionStatus: "Enabled" as const } };
    const created = await cf.send(new CreateMonitoringSubscriptionCommand({ DistributionId: id, MonitoringSubscription }));
    assert.deepEqual(created.MonitoringSubscription, MonitoringSubscription);
    assert.deepEqual((await cf.send(new GetMonitoringSubscriptionCommand({ DistributionId: id }))).MonitoringSubscription, MonitoringSubscription);
    // One miss, three hits: 75 %.
    for (let i = 0; i < 4; i++) await sendToEdge(emu.emu.port, domain, "/hit.txt");
    await sumReaches(id, "Requests", 4);
    const rate = await cloudwatch().send(new GetMetricStatisticsCommand({ Namespace: "AWS/CloudFront", MetricName: "CacheHitRate", Dimensions: dims(id), Period: 3600, Statistics: ["Average"], ...recent() }));
    assert.deepEqual(rate.Datapoints?.map((d) => [d.Average, d.Unit]), [[75, "Percent"]]);
    const latency = await cloudwatch().send(new GetMetricStatisticsCommand({ Namespace: "AWS/CloudFront", MetricName: "OriginLatency", Dimensions: dims(id), Period: 3600, Statistics: ["SampleCount", "Maximum"], ...recent() }));
    assert.equal(latency.Datapoints?.[0]?.SampleCount, 1);
    assert.equal(latency.Datapoints?.[0]?.Unit, "Milliseconds");
  });

  it("answer AWS's errors: NoSuchDistribution, MonitoringSubscriptionAlreadyExists, NoSuchMonitoringSubscription", async () => {
    const cf = emu.cloudfront();
    const MonitoringSubscription = { RealtimeMetricsSubscriptionConfig: { RealtimeMetricsSubscriptionStatus: "Disabled" as const } };
    await expectServiceError(cf.send(new CreateMonitoringSubscriptionCommand({ DistributionId: "E000000000000", MonitoringSubscription })), 404, "NoSuchDistribution");
    const { id } = await createDistribution();
    await expectServiceError(cf.send(new GetMonitoringSubscriptionCommand({ DistributionId: id })), 404, "NoSuchMonitoringSubscription");
    await cf.send(new CreateMonitoringSubscriptionCommand({ DistributionId: id, MonitoringSubscription }));
    await expectServiceError(cf.send(new CreateMonitoringSubscriptionCommand({ DistributionId: id, MonitoringSubscription })), 409, "MonitoringSubscriptionAlreadyExists");
    await cf.send(new DeleteMonitoringSubscriptionCommand({ DistributionId: id }));
    await expectServiceError(cf.send(new DeleteMonitoringSubscriptionCommand({ DistributionId: id })), 404, "NoSuchMonitoringSubscription");
  });

  it("without one, CacheHitRate has no data", async () => {
    origin.on("/plain.txt", { headers: { "cache-control": "max-age=60" }, body: "plain" });
    const { id, domain } = await createDistribution();
    for (let i = 0; i < 2; i++) await sendToEdge(emu.emu.port, domain, "/plain.txt");
    await sumReaches(id, "Requests", 2);
    const rate = await cloudwatch().send(new GetMetricStatisticsCommand({ Namespace: "AWS/CloudFront", MetricName: "CacheHitRate", Dimensions: dims(id), Period: 3600, Statistics: ["Average"], ...recent() }));
    assert.deepEqual(rate.Datapoints, []);
  });
});

describe("function metrics", () => {
  it("count a LIVE function's invocations under FunctionName", async () => {
    const cf = emu.cloudfront();
    const name = `metrics-${Date.now()}`;
    await cf.send(new CreateFunctionCommand({ Name: name, FunctionConfig: { Comment: "", Runtime: "cloudfront-js-2.0" }, FunctionCode: new TextEncoder().encode("async function handler(event) { return event.request; }") }));
    const etag = (await cf.send(new DescribeFunctionCommand({ Name: name }))).ETag;
    const arn = (await cf.send(new PublishFunctionCommand({ Name: name, IfMatch: etag }))).FunctionSummary!.FunctionMetadata!.FunctionARN!;
    origin.on("/fn.txt", { headers: { "cache-control": "max-age=60" }, body: "fn" });
    const { id, domain } = await createDistribution({ Quantity: 1, Items: [{ EventType: "viewer-request", FunctionARN: arn }] });
    for (let i = 0; i < 3; i++) assert.equal((await sendToEdge(emu.emu.port, domain, "/fn.txt")).status, 200);
    await sumReaches(id, "Requests", 3);
    const fnDims = [
      { Name: "FunctionName", Value: name },
      { Name: "Region", Value: "Global" },
    ];
    const out = await cloudwatch().send(new GetMetricStatisticsCommand({ Namespace: "AWS/CloudFront", MetricName: "FunctionInvocations", Dimensions: fnDims, Period: 3600, Statistics: ["Sum"], ...recent() }));
    assert.equal((out.Datapoints ?? []).reduce((s, d) => s + (d.Sum ?? 0), 0), 3);
    const listed = await cloudwatch().send(new ListMetricsCommand({ Namespace: "AWS/CloudFront", Dimensions: [{ Name: "FunctionName", Value: name }] }));
    assert.deepEqual((listed.Metrics ?? []).map((m) => m.MetricName).sort(), ["FunctionComputeUtilization", "FunctionExecutionErrors", "FunctionInvocations", "FunctionThrottles", "FunctionValidationErrors"]);
  });
});
