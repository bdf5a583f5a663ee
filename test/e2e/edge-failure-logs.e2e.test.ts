// Failures a developer must see without --log-level debug (issue 16 "The first hour"): an origin
// that refuses, hangs past its read timeout or has no DNS name, a CloudFront Function that throws
// and a Lambda@Edge function that throws are each logged once per request at `warn`, with the
// distribution id and the request id the viewer got in X-Amz-Cf-Id.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateDistributionCommand, CreateFunctionCommand, DescribeFunctionCommand, PublishFunctionCommand, type CloudFrontClient, type DefaultCacheBehavior, type Origin } from "@aws-sdk/client-cloudfront";
import { useEmulator } from "../helpers/emulator.ts";
import { TestOrigin, header, sendToEdge } from "../helpers/test-origin.ts";

const CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad";
const lambdaDir = mkdtempSync(join(tmpdir(), "minifront-failing-lambda-"));
writeFileSync(join(lambdaDir, "index.js"), `exports.handler = async () => { throw new Error("lambda boom"); };`);
after(() => rmSync(lambdaDir, { recursive: true, force: true }));

describe("edge failures are logged at warn", () => {
  const lines: { level: string; msg: string }[] = [];
  const record = (level: string) => (msg: string) => void lines.push({ level, msg });
  const t = useEmulator({ logger: { debug: record("debug"), info: record("info"), warn: record("warn"), error: record("error") }, edgeLambdas: `thrower=${lambdaDir}` });
  const origin = new TestOrigin();
  let cf: CloudFrontClient;
  let refs = 0;
  before(async () => {
    await origin.start();
    cf = t.cloudfront();
  });
  after(async () => {
    cf.destroy();
    await origin.close();
  });

  async function distribution(o: Origin, behavior: Partial<DefaultCacheBehavior> = {}): Promise<{ id: string; host: string }> {
    const out = await cf.send(
      new CreateDistributionCommand({
        DistributionConfig: {
          CallerReference: `failure-logs-${++refs}`,
          Comment: "",
          Enabled: true,
          Origins: { Quantity: 1, Items: [o] },
          DefaultCacheBehavior: { TargetOriginId: o.Id, ViewerProtocolPolicy: "allow-all", CachePolicyId: CACHING_DISABLED, ...behavior },
        },
      }),
    );
    return { id: out.Distribution?.Id as string, host: `${out.Distribution?.DomainName}:${t.emu.port}` };
  }

  const custom = (id: string, domain: string, port: number, extra: Partial<NonNullable<Origin["CustomOriginConfig"]>> = {}): Origin => ({
    Id: id,
    DomainName: domain,
    ConnectionAttempts: 1,
    CustomOriginConfig: { HTTPPort: port, HTTPSPort: 443, OriginProtocolPolicy: "http-only", ...extra },
  });

  /** One request; the warn lines it caused (checked to be exactly one, naming the distribution and request). */
  async function warnsOnce(d: { id: string; host: string }, path: string, status: number): Promise<string> {
    const before = lines.length;
    const res = await sendToEdge(t.emu.port, d.host, path);
    assert.equal(res.status, status, header(res, "x-cache"));
    const requestId = header(res, "x-amz-cf-id") ?? assert.fail("no X-Amz-Cf-Id");
    const warned = lines.slice(before).filter((l) => l.level === "warn" && !l.msg.startsWith("anonymous") && !l.msg.includes("AWS would answer"));
    assert.equal(warned.length, 1, `one warn line for the request, got:\n${lines.slice(before).map((l) => `${l.level}: ${l.msg}`).join("\n")}`);
    const msg = (warned[0] as { msg: string }).msg;
    assert.ok(msg.includes(d.id), `names the distribution: ${msg}`);
    assert.ok(msg.includes(requestId), `names the request id ${requestId}: ${msg}`);
    return msg;
  }

  it("an origin that refuses the connection", async () => {
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, "127.0.0.1", r));
    const deadPort = (probe.address() as AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const msg = await warnsOnce(await distribution(custom("dead", "127.0.0.1", deadPort)), "/refused", 502);
    assert.match(msg, /ECONNREFUSED/);
  });

  it("an origin that does not answer within its read timeout", async () => {
    origin.on("/hang", () => "hang");
    const msg = await warnsOnce(await distribution(custom("slow", "127.0.0.1", origin.port, { OriginReadTimeout: 1 })), "/hang", 504);
    assert.match(msg, /origin slow failed, answered 504/);
  });

  it("an origin whose name does not resolve", async () => {
    const msg = await warnsOnce(await distribution(custom("nowhere", "no-such-origin.invalid", 80)), "/dns", 502);
    assert.match(msg, /ENOTFOUND|EAI_AGAIN/);
  });

  it("a CloudFront Function that throws, viewer-request and viewer-response", async () => {
    origin.on("/fn", () => ({ body: "ok" }));
    const arns: string[] = [];
    for (const name of ["throws-on-request", "throws-on-response"]) {
      await cf.send(new CreateFunctionCommand({ Name: name, FunctionConfig: { Comment: "", Runtime: "cloudfront-js-2.0" }, FunctionCode: new TextEncoder().encode(`function handler(event) { throw new Error("fn boom"); }`) }));
      const etag = (await cf.send(new DescribeFunctionCommand({ Name: name }))).ETag as string;
      arns.push((await cf.send(new PublishFunctionCommand({ Name: name, IfMatch: etag }))).FunctionSummary?.FunctionMetadata?.FunctionARN as string);
    }
    const onRequest = await distribution(custom("a", "127.0.0.1", origin.port), { FunctionAssociations: { Quantity: 1, Items: [{ EventType: "viewer-request", FunctionARN: arns[0] }] } });
    assert.match(await warnsOnce(onRequest, "/fn", 503), /viewer-request function \S*throws-on-request failed: ./);
    const onResponse = await distribution(custom("a", "127.0.0.1", origin.port), { FunctionAssociations: { Quantity: 1, Items: [{ EventType: "viewer-response", FunctionARN: arns[1] }] } });
    assert.match(await warnsOnce(onResponse, "/fn", 503), /viewer-response function \S*throws-on-response failed/);
  });

  it("a Lambda@Edge function that throws", async () => {
    const d = await distribution(custom("a", "127.0.0.1", origin.port), {
      LambdaFunctionAssociations: { Quantity: 1, Items: [{ EventType: "viewer-request", LambdaFunctionARN: `arn:aws:lambda:us-east-1:${t.emu.options.accountId}:function:thrower:1` }] },
    });
    assert.match(await warnsOnce(d, "/lambda", 500), /viewer-request .*thrower.* failed: .*lambda boom/);
  });
});
