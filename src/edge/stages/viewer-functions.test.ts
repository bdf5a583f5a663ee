// The viewer-request and viewer-response stages around a real function runtime (docs/functions.md):
// what the pipeline goes on with, and that a function on the edge's own thread answers without a
// promise (runtime.runNow), so the request path takes no microtask for it.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createFunctionRuntime, type FunctionRuntime, type FunctionToRun } from "../../functions/index.ts";
import { cacheEntry } from "../cache/cached-response.ts";
import { runViewerRequest, runViewerResponse, type FunctionRequestFacts, type ViewerRequestOutcome } from "./viewer-functions.ts";

const FACTS: FunctionRequestFacts = {
  method: "GET",
  uri: "/index.html",
  rawQuery: "a=1",
  headers: { host: "d111111abcdef8.cloudfront.net", accept: "*/*", "x-forwarded-proto": "http" },
  viewerIp: "198.51.100.11",
  distributionId: "EDFDVBD6EXAMPLE",
  distributionDomainName: "d111111abcdef8.cloudfront.net",
  requestId: "req-1",
  pop: "IAD89-C1",
};

let runtime: FunctionRuntime;
let versions = 0;
const fn = (code: string): FunctionToRun => ({ key: `stage-${++versions}`, code, runtime: "cloudfront-js-2.0", kvsArns: [] });

before(() => {
  // No probation: every version runs on this thread from its first request.
  runtime = createFunctionRuntime({ limits: { probationRuns: 0 } });
});
after(async () => {
  await runtime.dispose();
});

/** The outcome, after the first run (which waits for the sandbox to load). */
async function settled(f: FunctionToRun, facts: FunctionRequestFacts = FACTS): Promise<ViewerRequestOutcome> {
  await runViewerRequest(runtime, f, facts);
  const out = runViewerRequest(runtime, f, facts);
  assert.ok(!(out instanceof Promise), "a function on the edge's thread answers synchronously");
  return out;
}

describe("viewer-request stage", () => {
  it("an untouched request goes on as it came: same headers (hidden ones too), URI and query", async () => {
    const out = await settled(fn(`async function handler(e) { return e.request; }`));
    assert.equal(out.kind, "continue");
    if (out.kind !== "continue") return;
    assert.equal(out.uri, "/index.html");
    assert.equal(out.rawQuery, "a=1");
    assert.deepEqual(out.headers, FACTS.headers);
  });

  it("a changed request comes back merged, with the cookies written back and hidden headers kept", async () => {
    const facts = { ...FACTS, headers: { ...FACTS.headers, cookie: "a=1;b=2" } };
    const out = await settled(fn(`function handler(e) { e.request.uri = '/new'; e.request.headers['x-added'] = { value: 'yes' }; return e.request; }`), facts);
    assert.equal(out.kind, "continue");
    if (out.kind !== "continue") return;
    assert.equal(out.uri, "/new");
    assert.equal(out.headers["x-added"], "yes");
    assert.equal(out.headers["x-forwarded-proto"], "http");
    assert.equal(out.headers["cookie"], "a=1; b=2");
  });

  it("a generated response and a failing function become what the pipeline answers", async () => {
    const generated = await settled(fn(`function handler(e) { return { statusCode: 302, headers: { location: { value: '/x' } } }; }`));
    assert.equal(generated.kind, "generated");
    if (generated.kind === "generated") assert.deepEqual([generated.status, generated.headers["location"], generated.headers["server"]], [302, ["/x"], "CloudFront"]);
    const failed = await settled(fn(`function handler(e) { throw new Error('boom'); }`));
    assert.equal(failed.kind, "failed");
    if (failed.kind === "failed") assert.deepEqual([failed.status, failed.xCache], [503, "FunctionExecutionError from cloudfront"]);
  });
});

describe("viewer-response stage", () => {
  it("returns the changed response as an entry to serve, synchronously on the edge's thread", async () => {
    const f = fn(`function handler(e) { e.response.headers['x-seen'] = { value: String(e.response.statusCode) }; return e.response; }`);
    const entry = cacheEntry({ status: 200, headers: { "content-type": "text/plain" }, body: Buffer.from("hi"), storedAt: 0, ttlMs: 1000 });
    await runViewerResponse(runtime, f, FACTS, entry);
    const shown = runViewerResponse(runtime, f, FACTS, entry);
    assert.ok(!(shown instanceof Promise));
    assert.equal(shown?.headers["x-seen"], "200");
    assert.equal(shown?.body.toString(), "hi");
  });
});
