// The Lambda runtime with real child processes: Node (CommonJS, ESM, async, callback) and Python
// handlers, the context object, log lines with the request id, errors as Lambda's Invoke shows
// them (Lambda Developer Guide, "Runtime errors" and "Lambda function timeout"), replacement after
// a timeout or crash, the per-version process cap, and a local directory reloaded after an edit.
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createHash } from "node:crypto";
import { strToU8, zipSync } from "fflate";
import { createLogger } from "../../log.ts";
import { LambdaRuntime } from "./runtime.ts";
import { LambdaThrottledError, type LambdaCode } from "./types.ts";

const dataDir = mkdtempSync(join(tmpdir(), "minifront-lambda-runtime-"));
const logLines: string[] = [];
const runtime = new LambdaRuntime({ dataDir, log: createLogger("info", (l) => logLines.push(l)), maxProcessesPerVersion: 2, maxQueuedPerVersion: 1 });
after(() => {
  runtime.dispose();
  rmSync(dataDir, { recursive: true, force: true });
});

let n = 0;
function fn(files: Record<string, string>, overrides: Partial<LambdaCode> = {}): LambdaCode {
  const zip = Buffer.from(zipSync(Object.fromEntries(Object.entries(files).map(([k, v]) => [k, strToU8(v)]))));
  const name = `fn${++n}`;
  return {
    functionName: name,
    version: "1",
    functionArn: `arn:aws:lambda:us-east-1:123456789012:function:${name}:1`,
    codeSha256: createHash("sha256").update(zip).digest("base64"),
    source: { zip: () => zip },
    handler: "index.handler",
    runtime: "nodejs22.x",
    memorySize: 128,
    timeout: 3,
    environment: {},
    logGroup: `/aws/lambda/${name}`,
    ...overrides,
  };
}

describe("Node handlers", () => {
  it("runs an async CommonJS handler with the event and context", async () => {
    const code = fn({ "index.js": `exports.handler = async (event, context) => ({ got: event.x, name: context.functionName, version: context.functionVersion, arn: context.invokedFunctionArn, id: context.awsRequestId, mem: context.memoryLimitInMB, left: context.getRemainingTimeInMillis() > 0, env: process.env.AWS_LAMBDA_FUNCTION_NAME });` });
    const out = await runtime.invoke(code, '{"x":42}', { requestId: "req-a" });
    assert.equal(out.functionError, undefined);
    assert.deepEqual(JSON.parse(out.payload), { got: 42, name: code.functionName, version: "1", arn: code.functionArn, id: "req-a", mem: "128", left: true, env: code.functionName });
  });

  it("runs an ES module handler and a callback handler", async () => {
    const esm = fn({ "app.mjs": `export const main = async () => "esm";` }, { handler: "app.main" });
    assert.equal((await runtime.invoke(esm, "{}")).payload, '"esm"');
    const cb = fn({ "index.js": `exports.handler = (event, context, callback) => { setTimeout(() => callback(null, { cb: true }), 5); };` });
    assert.deepEqual(JSON.parse((await runtime.invoke(cb, "{}")).payload), { cb: true });
  });

  it("shows console output in the log and the log tail, tagged with the request id", async () => {
    const code = fn({ "index.js": `exports.handler = async () => { console.log("hello from", "node"); return null; };` });
    const out = await runtime.invoke(code, "{}", { requestId: "req-log" });
    assert.ok(out.logs.some((l) => /\treq-log\tINFO\thello from node$/.test(l)), out.logs.join("\n"));
    assert.match(out.logs[0] ?? "", /^START RequestId: req-log Version: 1$/);
    assert.ok(out.logs.some((l) => l.startsWith("REPORT RequestId: req-log")));
    assert.ok(logLines.some((l) => l.includes("req-log") && l.includes("hello from node")));
  });

  it("answers a thrown error as Unhandled with errorType, errorMessage and trace", async () => {
    const code = fn({ "index.js": `exports.handler = async () => { throw new TypeError("boom"); };` });
    const out = await runtime.invoke(code, "{}");
    assert.equal(out.functionError, "Unhandled");
    const payload = JSON.parse(out.payload) as { errorType: string; errorMessage: string; trace: string[] };
    assert.equal(payload.errorType, "TypeError");
    assert.equal(payload.errorMessage, "boom");
    assert.match(payload.trace[0] ?? "", /TypeError: boom/);
  });

  it("reports a missing handler module as Runtime.ImportModuleError", async () => {
    const out = await runtime.invoke(fn({ "other.js": "" }), "{}");
    assert.equal(out.functionError, "Unhandled");
    assert.equal((JSON.parse(out.payload) as { errorType: string }).errorType, "Runtime.ImportModuleError");
  });

  it("kills a process that times out and starts a new one for the next invocation", async () => {
    const code = fn({ "index.js": `let calls = 0; exports.handler = async (e) => { calls++; if (e.hang) await new Promise(() => setInterval(() => {}, 1000)); return calls; };` }, { timeout: 1 });
    assert.equal((await runtime.invoke(code, "{}")).payload, "1");
    const timedOut = await runtime.invoke(code, '{"hang":true}', { timeoutMs: 300 });
    assert.equal(timedOut.functionError, "Unhandled");
    const payload = JSON.parse(timedOut.payload) as { errorType: string; errorMessage: string };
    assert.equal(payload.errorType, "Sandbox.Timedout");
    assert.match(payload.errorMessage, /Task timed out after 0\.30 seconds/);
    // A fresh process: its counter starts again.
    assert.equal((await runtime.invoke(code, "{}")).payload, "1");
  });

  it("answers a crash as Runtime.ExitError and recovers", async () => {
    const code = fn({ "index.js": `exports.handler = async (e) => { if (e.crash) process.exit(3); return "ok"; };` });
    const crashed = await runtime.invoke(code, '{"crash":true}');
    assert.equal(crashed.functionError, "Unhandled");
    assert.match((JSON.parse(crashed.payload) as { errorMessage: string }).errorMessage, /exit status 3/);
    assert.equal((await runtime.invoke(code, "{}")).payload, '"ok"');
  });

  it("runs at most maxProcessesPerVersion at once, queues the next and throttles past the queue", async () => {
    const code = fn({ "index.js": `exports.handler = async (e) => { await new Promise((r) => setTimeout(r, e.ms)); return process.pid; };` });
    const running = [runtime.invoke(code, '{"ms":300}'), runtime.invoke(code, '{"ms":300}'), runtime.invoke(code, '{"ms":1}')];
    await assert.rejects(runtime.invoke(code, '{"ms":1}'), LambdaThrottledError);
    const pids = new Set((await Promise.all(running)).map((o) => o.payload));
    assert.equal(pids.size, 2); // the queued one ran in one of the two processes
  });
});

describe("Python handlers", () => {
  it("runs a handler with the context, print output and errors as Lambda's Python runtime shows them", async () => {
    const code = fn(
      {
        "app.py": [
          "def handler(event, context):",
          "    print('hi from python', context.aws_request_id)",
          "    if event.get('fail'):",
          "        raise ValueError('bad value')",
          "    return {'got': event['x'], 'name': context.function_name, 'arn': context.invoked_function_arn, 'left': context.get_remaining_time_in_millis() > 0}",
        ].join("\n"),
      },
      { handler: "app.handler", runtime: "python3.12" },
    );
    const ok = await runtime.invoke(code, '{"x":"y"}', { requestId: "req-py" });
    assert.deepEqual(JSON.parse(ok.payload), { got: "y", name: code.functionName, arn: code.functionArn, left: true });
    assert.ok(ok.logs.includes("hi from python req-py"), ok.logs.join("\n"));
    const failed = await runtime.invoke(code, '{"fail":true}');
    assert.equal(failed.functionError, "Unhandled");
    const payload = JSON.parse(failed.payload) as { errorType: string; errorMessage: string; stackTrace: string[] };
    assert.equal(payload.errorType, "ValueError");
    assert.equal(payload.errorMessage, "bad value");
    assert.ok(payload.stackTrace.length > 0);
  });
});

describe("a local directory", () => {
  it("takes an edit on the next invocation", async () => {
    const dir = mkdtempSync(join(tmpdir(), "minifront-lambda-dir-"));
    try {
      writeFileSync(join(dir, "index.js"), `exports.handler = async () => "v1";`);
      const code: LambdaCode = { ...fn({}), source: { dir } };
      assert.equal((await runtime.invoke(code, "{}")).payload, '"v1"');
      writeFileSync(join(dir, "index.js"), `exports.handler = async () => "v2";`);
      const later = new Date(Date.now() + 5000);
      utimesSync(join(dir, "index.js"), later, later); // coarse file systems: make the edit's time differ
      assert.equal((await runtime.invoke(code, "{}")).payload, '"v2"');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
