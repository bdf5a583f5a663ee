// Per-call cost of a trivial Lambda@Edge viewer-request Node handler, through what the edge does
// for each request: build the event (stages/lambda-edge-event.ts), invoke the warm child process
// (functions/lambda/runtime.ts: JSON over a pipe), check the answer (stages/lambda-edge-result.ts).
// Sequential latency (one at a time: one process) and throughput (64 runs in flight: the
// runtime's 4 processes per version, the rest queued). The mode of functions-bench.ts that prints it next to
// the CloudFront Function figures: npm run bench:functions -- [runs=3000] --lambda-edge
// A third line: the same handler deployed on a second minifront (in this process) and invoked
// through its Invoke API, as --lambda-endpoint does (services/lambda/remote-functions.ts).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createHash } from "node:crypto";
import { strToU8, zipSync } from "fflate";
import { createLogger } from "../src/log.ts";
import { LambdaRuntime } from "../src/functions/lambda/runtime.ts";
import type { LambdaCode } from "../src/functions/lambda/types.ts";
import { cfRequest, lambdaEvent, type LambdaRequestFacts } from "../src/edge/stages/lambda-edge-event.ts";
import { readRequestResult } from "../src/edge/stages/lambda-edge-result.ts";
import { CreateFunctionCommand, LambdaClient, PublishVersionCommand } from "@aws-sdk/client-lambda";
import { CreateRoleCommand, IAMClient } from "@aws-sdk/client-iam";
import { startEmulator } from "../src/index.ts";
import { remoteFunctions } from "../src/services/lambda/remote-functions.ts";
import type { InvokeOutcome } from "../src/functions/lambda/types.ts";

const IN_FLIGHT = 64;

export async function benchLambdaEdge(runs: number): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), "minifront-lambda-bench-"));
  const runtime = new LambdaRuntime({ dataDir, log: createLogger("warn") });
  const zip = Buffer.from(zipSync({ "index.js": strToU8("exports.handler = async (event) => event.Records[0].cf.request;") }));
  const code: LambdaCode = {
    functionName: "trivial",
    version: "1",
    functionArn: "arn:aws:lambda:us-east-1:123456789012:function:trivial:1",
    codeSha256: createHash("sha256").update(zip).digest("base64"),
    source: { zip: () => zip },
    handler: "index.handler",
    runtime: "nodejs22.x",
    memorySize: 128,
    timeout: 5,
    environment: {},
    logGroup: "/aws/lambda/us-east-1.trivial",
  };
  const facts: LambdaRequestFacts = {
    distributionId: "EDFDVBD6EXAMPLE",
    distributionDomainName: "d111111abcdef8.cloudfront.net",
    requestId: "bench",
    clientIp: "127.0.0.1",
    method: "GET",
    uri: "/index.html",
    querystring: "a=1",
    headers: { host: "d111111abcdef8.cloudfront.net", "user-agent": "bench/1.0", accept: "*/*" },
  };
  /** One edge call: the event built, `invoke`d, the answer checked. */
  const edgeCall = (invoke: (eventJson: string) => Promise<InvokeOutcome | undefined>) => async () => {
    const request = cfRequest("viewer-request", facts);
    const out = await invoke(JSON.stringify(lambdaEvent("viewer-request", facts, request)));
    const result = out && readRequestResult("viewer-request", out.payload, request);
    if (result?.kind !== "request") throw new Error(`the handler failed: ${out?.payload}`);
  };
  try {
    await measure("trivial (Node, L@E)", runs, edgeCall((eventJson) => runtime.invoke(code, eventJson, { timeoutMs: 5000 })), "child processes: up to 4");
  } finally {
    runtime.dispose();
    rmSync(dataDir, { recursive: true, force: true });
  }
  await benchRemote(runs, zip, edgeCall);
}

/** Warm-up, then sequential and 64-in-flight figures, printed as one line. */
async function measure(label: string, runs: number, once: () => Promise<void>, note: string): Promise<void> {
  for (let i = 0; i < Math.min(runs, 500); i++) await once(); // warm-up: the process and its JIT
  let t = performance.now();
  for (let i = 0; i < runs; i++) await once();
  const sequential = ((performance.now() - t) * 1000) / runs;
  t = performance.now();
  // 64 in flight (as the edge bench's -c64): past the queue's 100 the runtime would throttle.
  let left = runs;
  await Promise.all(Array.from({ length: IN_FLIGHT }, async () => {
    while (left-- > 0) await once();
  }));
  const concurrent = ((performance.now() - t) * 1000) / runs;
  console.log(`lambda ${label.padEnd(22)} sequential ${sequential.toFixed(1).padStart(6)} µs/run   concurrent ${concurrent.toFixed(1).padStart(6)} µs/run (${Math.round(1e6 / concurrent)} runs/s)   ${note}`);
}

/** The handler on a second minifront, invoked through its Invoke API as --lambda-endpoint does. */
async function benchRemote(runs: number, zip: Buffer, edgeCall: (invoke: (eventJson: string) => Promise<InvokeOutcome | undefined>) => () => Promise<void>): Promise<void> {
  const other = await startEmulator({ port: 0, ephemeral: true, logLevel: "warn" });
  const credentials = { accessKeyId: "test", secretAccessKey: "test" };
  const iam = new IAMClient({ endpoint: other.controlUrl, region: "us-east-1", credentials });
  const lambda = new LambdaClient({ endpoint: other.controlUrl, region: "us-east-1", credentials });
  const remote = remoteFunctions(other.controlUrl, createLogger("warn"));
  try {
    const trust = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: ["lambda.amazonaws.com", "edgelambda.amazonaws.com"] }, Action: "sts:AssumeRole" }] });
    const role = (await iam.send(new CreateRoleCommand({ RoleName: "bench", AssumeRolePolicyDocument: trust }))).Role?.Arn;
    await lambda.send(new CreateFunctionCommand({ FunctionName: "trivial", Role: role, Runtime: "nodejs22.x", Handler: "index.handler", Code: { ZipFile: zip } }));
    const arn = (await lambda.send(new PublishVersionCommand({ FunctionName: "trivial" }))).FunctionArn as string;
    await measure("trivial via Invoke API", runs, edgeCall((eventJson) => remote.invoke(arn, eventJson, { timeoutMs: 5000 })), "--lambda-endpoint: another minifront, in this process");
  } finally {
    remote.dispose();
    iam.destroy();
    lambda.destroy();
    await other.dispose();
  }
}
