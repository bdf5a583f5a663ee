// The sandbox on the edge's own thread (`inline`): what stops a run there and hands it to the worker,
// every request starting fresh (CloudFront keeps no state between requests; docs/functions.md §2), the
// frozen realm, and the flat event encoding (wire.ts) giving the handler the same event JSON would.
// Hostile code runs here on the test's own thread, as it would on the edge's.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { buildViewerRequestEvent, buildViewerResponseEvent, type ViewerRequestData } from "./event.ts";
import { loadQuickJS, Sandbox, type SandboxOutcome } from "./sandbox.ts";
import { DEFAULT_FUNCTION_LIMITS, type FunctionEvent, type FunctionRunResult, type RunOptions } from "./types.ts";
import { encodeEvent } from "./wire.ts";

const REQUEST: ViewerRequestData = {
  method: "GET",
  uri: "/index.html",
  rawQuery: "a=1&b=2&a=3",
  headers: { host: "www.example.com", accept: ["text/html", "*/*"], cookie: "session=abc; theme=dark", "x-amz-cf-id": "hidden" },
  viewerIp: "198.51.100.11",
  distributionId: "EDFDVBD6EXAMPLE",
  distributionDomainName: "d111111abcdef8.cloudfront.net",
  requestId: "req-1",
};
const viewerRequest = buildViewerRequestEvent(REQUEST);
const viewerResponse = buildViewerResponseEvent(REQUEST, {
  statusCode: 200,
  headers: { "content-type": "text/html", "set-cookie": ["id=1; Path=/; Secure", "id=2", "lang=en"], "x-cache": "Hit" },
});

let sandbox: Sandbox;
let versions = 0;
let runs = 0;

before(async () => {
  sandbox = new Sandbox(await loadQuickJS(), DEFAULT_FUNCTION_LIMITS, { inline: true, kvs: (_op, _arn, key) => (key === "k" ? "v" : undefined) });
});
after(() => {
  sandbox.dispose();
});

/** Runs `code` as a version (`key` to reuse one) on this thread (`on` another sandbox). */
function runInline(code: string, opts: { key?: string; event?: FunctionEvent; options?: RunOptions; unfrozen?: boolean; on?: Sandbox } = {}): SandboxOutcome {
  const event = opts.event ?? viewerRequest;
  return (opts.on ?? sandbox).runSync({
    runId: ++runs,
    fn: { key: opts.key ?? `inline-${++versions}`, code, runtime: "cloudfront-js-2.0", kvsArns: ["arn:aws:cloudfront::123456789012:key-value-store/s"] },
    eventType: event.context.eventType,
    event,
    options: opts.options ?? {},
    now: Date.UTC(2025, 0, 1),
    ...(opts.unfrozen ? { unfrozen: true } : {}),
  });
}

function header(r: FunctionRunResult, name: string): string | undefined {
  assert.equal(r.kind, "request", `expected a request, got ${JSON.stringify(r)}`);
  return (r as Extract<FunctionRunResult, { kind: "request" }>).request.headers[name]?.value;
}

describe("each request starts fresh", () => {
  it("a handler that increments a global counter returns 1 on every request", () => {
    const code = `var count = 0; function handler(event) { count++; event.request.headers['x-count'] = { value: String(count) }; return event.request; }`;
    for (let i = 0; i < 3; i++) assert.equal(header(runInline(code, { key: "counter" }).result, "x-count"), "1");
  });

  it("properties added to globalThis or a built-in prototype do not reach the next request", () => {
    for (const [name, code] of [
      ["globalThis", `function handler(e) { globalThis.n = (globalThis.n || 0) + 1; e.request.headers.x = { value: String(globalThis.n) }; return e.request; }`],
      ["prototype", `function handler(e) { Object.prototype.n = (Object.prototype.n || 0) + 1; e.request.headers.x = { value: String(({}).n) }; return e.request; }`],
    ] as const) {
      for (let i = 0; i < 2; i++) {
        // The frozen realm refuses the write; the run says it wants a fresh, unfrozen context…
        const frozen = runInline(code, { key: `write-${name}` });
        assert.equal(frozen.escalate, "unfrozen", name);
        // …where it runs as CloudFront would run it, and nothing of it stays.
        assert.equal(header(runInline(code, { key: `write-${name}`, unfrozen: true }).result, "x"), "1", name);
      }
    }
  });

  it("members added to the event, request or response do not reach the next request", () => {
    // The event's objects are made once per context and frozen with the realm (sandbox-prelude.js):
    // an added member is refused and the run repeated in a fresh, unfrozen context.
    for (const [name, event, code] of [
      ["event", viewerRequest, `function handler(e) { e.seen = (e.seen || 0) + 1; e.request.headers.x = { value: String(e.seen) }; return e.request; }`],
      ["request", viewerRequest, `function handler(e) { e.request.seen = (e.request.seen || 0) + 1; e.request.headers.x = { value: String(e.request.seen) }; return e.request; }`],
      ["response", viewerResponse, `function handler(e) { e.response.seen = (e.response.seen || 0) + 1; e.response.headers.x = { value: String(e.response.seen) }; return e.response; }`],
    ] as const) {
      for (let i = 0; i < 2; i++) {
        assert.equal(runInline(code, { key: `add-${name}`, event }).escalate, "unfrozen", name);
        const out = runInline(code, { key: `add-${name}`, event, unfrozen: true }).result;
        const shown = out.kind === "response" ? out.response.headers["x"]?.value : header(out, "x");
        assert.equal(shown, "1", name);
      }
    }
    // Reading and replacing the members leaves nothing behind either.
    const code = `function handler(e) { var before = e.request.uri; e.request.uri = '/changed'; e.request.headers.x = { value: before }; return e.request; }`;
    for (let i = 0; i < 2; i++) assert.equal(header(runInline(code, { key: "replace-member" }).result, "x"), "/index.html");
  });

  it("code that assigns inherited properties (an Error subclass naming itself) works on the frozen realm", () => {
    const code = `class MyError extends Error { constructor(m) { super(m); this.name = 'MyError'; } }
      function handler(e) { var o = {}; o.toString = function () { return 'mine'; }; e.request.headers.x = { value: String(new MyError('boom')) + ' ' + o }; return e.request; }`;
    const out = runInline(code);
    assert.equal(out.escalate, undefined);
    assert.equal(header(out.result, "x"), "MyError: boom mine");
  });

  it("a context is reused after a request that threw", () => {
    const code = `var calls = 0; function handler(e) { calls++; if (e.request.uri === '/boom') throw new Error('boom'); e.request.headers.x = { value: String(calls) }; return e.request; }`;
    const boom = buildViewerRequestEvent({ ...REQUEST, uri: "/boom" });
    assert.equal(runInline(code, { key: "reuse", event: boom }).result.kind, "error");
    const before = sandbox.contextCount;
    assert.equal(header(runInline(code, { key: "reuse" }).result, "x"), "1");
    assert.equal(sandbox.contextCount, before);
  });
});

describe("what stops a run on the edge's thread and sends it to the worker", () => {
  /** A sandbox of its own: a trap gives up the whole module. */
  const own = async (limits = DEFAULT_FUNCTION_LIMITS) => new Sandbox(await loadQuickJS(), limits, { inline: true, kvs: () => undefined });

  it("a runaway loop: the slice deadline (inlineSliceMs), QuickJS stopping the loop itself", async () => {
    // A 1 ms slice: with the default 10 ms, once V8 has optimised the WASM module the loop can
    // spend its fuel (the other, module-trapping stop) first, which failed this test once in CI.
    const on = await own({ ...DEFAULT_FUNCTION_LIMITS, inlineSliceMs: 1 });
    const out = runInline(`function handler(e) { while (true) {} }`, { on });
    assert.equal(out.escalate, "worker");
    assert.equal(out.limitHit, true);
    assert.equal(on.broken, false);
    on.dispose();
  });

  it("a memory bomb: the heap may not grow by much during one run, nor the fuel last", async () => {
    const on = await own();
    const out = runInline(`function handler(e) { var a = []; for (;;) a.push('x'.repeat(200000) + a.length); }`, { on });
    assert.equal(out.escalate, "worker", JSON.stringify(out));
    on.dispose();
  });

  it("a built-in that never reaches QuickJS's interrupt handler: the module's fuel runs out", async () => {
    // Array.prototype.every over a billion holes runs in C without polling the interrupt handler.
    const on = await own();
    const out = runInline(`function handler(e) { Array.prototype.every.call({ length: 1e9 }, function () { return true; }); return e.request; }`, { on });
    assert.equal(out.escalate, "worker");
    assert.equal(on.broken, true, "the trapped module is not used again");
  });
});

describe("the event on the edge's thread", () => {
  it("a request returned untouched comes back as the event's own object, without JSON", () => {
    for (const code of [`function handler(e) { return e.request; }`, `async function handler(e) { return e.request; }`, `function handler(e) { if (e.request.uri === '/x') return null; return e.request; }`]) {
      const out = runInline(code);
      assert.equal(out.result.kind, "request");
      assert.equal((out.result as Extract<FunctionRunResult, { kind: "request" }>).request, viewerRequest.request, code);
    }
  });

  it("is the same object JSON would give, for requests and responses (rawQueryString and edgeLocation too)", () => {
    const options: RunOptions = { rawQueryString: "a=1&b=2&a=3", edgeLocation: { name: "SEA", serverIp: "10.0.0.1", region: "us-west-2" } };
    assert.ok(encodeEvent(viewerRequest, "viewer-request", options, 0), "the edge's events use the flat encoding");
    const seen = (event: FunctionEvent) => {
      const out = runInline(
        `import cf from 'cloudfront'; function handler(event) { return { statusCode: 200, body: JSON.stringify([event, Object.keys(event.request), event.request.rawQueryString(), cf.edgeLocation]) }; }`,
        { event, options: { ...options, validateOutput: false } },
      );
      assert.equal(out.result.kind, event.context.eventType === "viewer-request" ? "generated-response" : "response", JSON.stringify(out.result));
      return JSON.parse(String((out.result as Extract<FunctionRunResult, { kind: "response" }>).response.body)) as unknown[];
    };
    assert.deepEqual(seen(viewerRequest), [viewerRequest, ["method", "uri", "querystring", "headers", "cookies"], "a=1&b=2&a=3", options.edgeLocation]);
    assert.deepEqual(seen(viewerResponse)[0], JSON.parse(JSON.stringify(viewerResponse)));
  });

  it("events it cannot encode go in as JSON and work the same", () => {
    const odd = { ...viewerRequest, request: { ...viewerRequest.request, headers: { "x-odd": { value: "a\u0001b" } } } };
    assert.equal(encodeEvent(odd, "viewer-request", {}, 0), undefined);
    assert.equal(header(runInline(`function handler(e) { e.request.headers.y = { value: String(e.request.headers['x-odd'].value.length) }; return e.request; }`, { event: odd }).result, "y"), "3");
  });

  it("changes made through the event's accessors come back", () => {
    const out = runInline(`function handler(e) { var r = e.request; r.uri = '/new'; r.querystring = 'z=1'; r.cookies.theme.value = 'light'; return r; }`);
    assert.equal(out.result.kind, "request");
    const r = (out.result as Extract<FunctionRunResult, { kind: "request" }>).request;
    assert.equal(r.uri, "/new");
    assert.equal(r.querystring, "z=1");
    assert.deepEqual(r.cookies["theme"], { value: "light" });
  });

  it("KVS reads are answered at once", () => {
    const out = runInline(`import cf from 'cloudfront'; async function handler(e) { e.request.headers.x = { value: await cf.kvs().get('k') }; return e.request; }`);
    assert.equal(header(out.result, "x"), "v");
  });
});
