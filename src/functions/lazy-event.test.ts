// What a run on the edge's thread skips, and that skipping it changes nothing a function can tell
// (README.md "Cost"): the event objects of a ViewerEvent are made only when a run needs them, a
// context's runs are sent no event text until one reads it (that run is repeated with the text), an
// async handler's untouched result is recognised without calling back into QuickJS, code that is its
// handler alone does not run its top level again for each request, and an `async function handler`
// that never awaits runs as an ordinary function with the async function's result (CloudFront guide
// "JavaScript runtime 2.0 features": async and await).
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { ViewerRequestData } from "./event.ts";
import { createFunctionRuntime, type FunctionRuntime } from "./runtime.ts";
import { prepareFunctionCode } from "./syntax.ts";
import type { FunctionRunResult, FunctionToRun } from "./types.ts";
import { ViewerEvent } from "./viewer-event.ts";

const FACTS: ViewerRequestData = {
  method: "GET",
  uri: "/index.html",
  rawQuery: "a=1",
  headers: { host: "www.example.com", accept: "*/*" },
  viewerIp: "198.51.100.11",
  distributionId: "EDFDVBD6EXAMPLE",
  distributionDomainName: "d111111abcdef8.cloudfront.net",
  requestId: "req-1",
};

let now = Date.UTC(2025, 0, 1);
let runtime: FunctionRuntime;
let versions = 0;

before(() => {
  // probationRuns 0: every version runs on this thread from its first request, as past its probation.
  runtime = createFunctionRuntime({ limits: { probationRuns: 0 }, now: () => now });
});
after(async () => {
  await runtime.dispose();
});

function version(code: string): FunctionToRun {
  return { key: `lazy-${++versions}`, code, runtime: "cloudfront-js-2.0", kvsArns: [] };
}

/** Runs on this thread (the edge's way: runNow answers synchronously once the sandbox is loaded). */
async function run(fn: FunctionToRun, event: ViewerEvent): Promise<FunctionRunResult> {
  const r = runtime.runNow(fn, event.eventType, event, { rawQueryString: FACTS.rawQuery });
  return r instanceof Promise ? r : r;
}

/** Facts whose headers count how often something reads them. */
function countingFacts(): { facts: ViewerRequestData; reads: () => number } {
  let reads = 0;
  const headers = new Proxy({ ...FACTS.headers }, {
    ownKeys(target) {
      reads++;
      return Reflect.ownKeys(target);
    },
    get(target, name, receiver) {
      reads++;
      return Reflect.get(target, name, receiver);
    },
  });
  return { facts: { ...FACTS, headers }, reads: () => reads };
}

describe("a ViewerEvent on the edge's thread", () => {
  it("is never made into event objects when the function returns its request untouched", async () => {
    const fn = version("async function handler(event) { return event.request; }");
    for (let i = 0; i < 3; i++) {
      const { facts, reads } = countingFacts();
      const result = await run(fn, new ViewerEvent(facts));
      assert.equal(result.kind, "request");
      assert.equal((result as { unchanged?: boolean }).unchanged, true);
      assert.equal(reads(), 0, "the request's headers were read");
      // Asked for, the request is the one the event objects hold.
      const event = new ViewerEvent(FACTS);
      const again = await run(fn, event);
      assert.equal((again as Extract<FunctionRunResult, { kind: "request" }>).request, event.event.request);
    }
  });

  it("gives a run that reads the event what it reads, also after runs of its context that did not", async () => {
    // Date is the run's start time (docs/functions.md §2), which every run is sent.
    const fn = version(`function handler(event) {
      if (Date.now() > ${Date.UTC(2025, 0, 2)}) event.request.headers['x-uri'] = { value: event.request.uri + '?' + event.request.rawQueryString() };
      return event.request;
    }`);
    now = Date.UTC(2025, 0, 1);
    for (let i = 0; i < 3; i++) assert.equal((await run(fn, new ViewerEvent(FACTS))).kind, "request");
    now = Date.UTC(2025, 0, 3);
    for (let i = 0; i < 3; i++) {
      const result = await run(fn, new ViewerEvent(FACTS));
      assert.equal(result.kind, "request", JSON.stringify(result));
      const request = (result as Extract<FunctionRunResult, { kind: "request" }>).request;
      assert.equal(request.headers["x-uri"]?.value, "/index.html?a=1");
      assert.equal((result as { unchanged?: boolean }).unchanged, undefined);
    }
    now = Date.UTC(2025, 0, 1);
  });

  it("does not take a request a viewer-response function returned for its response", async () => {
    const fn = version("async function handler(event) { return event.request; }");
    const event = new ViewerEvent(FACTS, { statusCode: 200, headers: { "content-type": "text/html" } });
    const result = await runtime.run(fn, "viewer-response", event);
    assert.equal(result.kind, "error", JSON.stringify(result));
  });
});

describe("code that is its handler alone", () => {
  it("is told apart from code with anything else at its top level", () => {
    const only = (code: string) => {
      const r = prepareFunctionCode(code, "cloudfront-js-2.0");
      assert.ok(r.ok, code);
      return r.handlerOnly;
    };
    assert.equal(only("function handler(event) { return event.request; }"), true);
    assert.equal(only("async function handler(event) {\n  var x = { a: 1 };\n  return event.request;\n};"), true);
    assert.equal(only("var n = 0;\nfunction handler(event) { return event.request; }"), false);
    assert.equal(only("import cf from 'cloudfront';\nfunction handler(event) { return event.request; }"), false);
    assert.equal(only("function handler(event) { handler.calls = 1; return event.request; }"), false);
    assert.equal(only("function handler(event) { return event.request; }\nfunction helper() {}"), false);
  });

  it("starts every request fresh with one handler for all of them", async () => {
    const fn = version(`function handler(event) {
      var calls = 0;
      function count() { return ++calls; }
      count();
      event.request.headers['x-calls'] = { value: String(count()) };
      return event.request;
    }`);
    for (let i = 0; i < 3; i++) {
      const result = await run(fn, new ViewerEvent(FACTS));
      assert.equal((result as Extract<FunctionRunResult, { kind: "request" }>).request.headers["x-calls"]?.value, "2", JSON.stringify(result));
    }
  });
});

describe("an async handler that never awaits", () => {
  it("is declared without async, keeping every line and column", () => {
    const code = "import cf from 'cloudfront';\nasync function handler(event) {\n  return event.request;\n}";
    const r = prepareFunctionCode(code, "cloudfront-js-2.0");
    assert.ok(r.ok);
    assert.equal(r.asyncRunsSync, true);
    assert.equal(r.script.split("\n")[1], "      function handler(event) {");
  });

  it("stays async when the code awaits, or mentions handler again", () => {
    for (const code of [
      "async function handler(event) { await 0; return event.request; }",
      "async function handler(event) { return event.request; }\nconst again = handler;",
      "async function helper() {}\nfunction handler(event) { return event.request; }",
    ]) {
      const r = prepareFunctionCode(code, "cloudfront-js-2.0");
      assert.ok(r.ok);
      assert.equal(r.asyncRunsSync, false, code);
    }
  });

  it("gives the result an async function gives: after the promise callbacks it queued, a throw as a failure, a thenable followed", async () => {
    const queued = version(`async function handler(event) {
      Promise.resolve().then(() => { event.request.headers['x-later'] = { value: 'yes' }; });
      return event.request;
    }`);
    const later = await run(queued, new ViewerEvent(FACTS));
    assert.equal((later as Extract<FunctionRunResult, { kind: "request" }>).request.headers["x-later"]?.value, "yes", JSON.stringify(later));

    const thrown = await run(version("async function handler(event) { throw new Error('no'); }"), new ViewerEvent(FACTS));
    assert.equal(thrown.kind, "error");
    assert.match((thrown as { message: string }).message, /no/);

    const thenable = await run(version("async function handler(event) { return Promise.resolve(event.request); }"), new ViewerEvent(FACTS));
    assert.equal(thenable.kind, "request");
    assert.equal((thenable as { unchanged?: boolean }).unchanged, true);
  });
});
