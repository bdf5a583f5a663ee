// The sandbox through the API the edge and TestFunction use: modules, the cloudfront module, the
// 1.0/2.0 differences, limits and hostile code (docs/functions.md §2–§4; docs/decisions.md "CloudFront
// Functions sandbox"). One worker for the file, plus small ones where a test needs other limits.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createHash, createHmac } from "node:crypto";
import { buildViewerRequestEvent, buildViewerResponseEvent } from "./event.ts";
import { createFunctionRuntime, type FunctionRuntime } from "./runtime.ts";
import type { KeyValueSource } from "./key-value-source.ts";
import type { FunctionEvent, FunctionRunResult, FunctionRuntimeName, RunOptions } from "./types.ts";

const STORE = "arn:aws:cloudfront::123456789012:key-value-store/0c3b2c6e-8a3f-4f4c-9d3e-3b1f6d2b8a01";
const OTHER_STORE = "arn:aws:cloudfront::123456789012:key-value-store/9e7d4c1a-1111-4222-8333-444455556666";
const KVS: KeyValueSource = {
  get: (arn, key) => (arn === STORE ? ({ greeting: "héllo", config: '{"ttl":60,"paths":["/a"]}', broken: "{not json" } as Record<string, string>)[key] : undefined),
  meta: (arn) => (arn === STORE ? { creationDateTime: "2025-01-01T00:00:00.000Z", lastUpdatedDateTime: "2025-01-02T03:04:05.000Z", keyCount: 3 } : undefined),
};

const REQUEST = {
  method: "GET",
  uri: "/index.html",
  rawQuery: "a=1&b=2",
  headers: { host: "www.example.com", accept: "text/html", cookie: "session=abc" },
  viewerIp: "198.51.100.11",
  distributionId: "EDFDVBD6EXAMPLE",
  distributionDomainName: "d111111abcdef8.cloudfront.net",
  requestId: "req-1",
};
const viewerRequest = buildViewerRequestEvent(REQUEST);
const viewerResponse = buildViewerResponseEvent(REQUEST, { statusCode: 200, headers: { "content-type": "text/html" } });

let runtime: FunctionRuntime;
let versions = 0;
const FIXED_NOW = Date.UTC(2025, 4, 6, 7, 8, 9);

before(() => {
  runtime = createFunctionRuntime({ kvs: KVS, now: () => FIXED_NOW });
});
after(async () => {
  await runtime.dispose();
});

/** Runs `code` as a new function version on a viewer-request event (or `event`). */
function run(code: string, opts: { runtime?: FunctionRuntimeName; event?: FunctionEvent; kvsArns?: string[]; options?: RunOptions; on?: FunctionRuntime } = {}): Promise<FunctionRunResult> {
  const event = opts.event ?? viewerRequest;
  return (opts.on ?? runtime).run(
    { key: `test-${++versions}`, code, runtime: opts.runtime ?? "cloudfront-js-2.0", kvsArns: opts.kvsArns ?? [STORE] },
    event.context.eventType,
    event,
    opts.options,
  );
}

/** Runs a handler body that sets header `x` to a string; returns that string. */
async function value(body: string, opts: Parameters<typeof run>[1] = {}): Promise<string> {
  const prefix = opts.runtime === "cloudfront-js-1.0" ? "" : "import cf from 'cloudfront'; import crypto from 'crypto'; import qs from 'querystring';\n";
  const r = await run(`${prefix}${opts.runtime === "cloudfront-js-1.0" ? "" : "async "}function handler(event) { var x = (function () { ${body} })(); if (x && typeof x.then === 'function') x = await x; event.request.headers.x = { value: String(x) }; return event.request; }`.replace("await x", opts.runtime === "cloudfront-js-1.0" ? "x" : "await x"), opts);
  assert.equal(r.kind, "request", `expected a request, got ${JSON.stringify(r)}`);
  return (r as Extract<FunctionRunResult, { kind: "request" }>).request.headers["x"]?.value ?? assert.fail("no x header");
}

function expectError(r: FunctionRunResult, error: string, status: number, message?: RegExp): void {
  assert.equal(r.kind, "error", `expected ${error}, got ${JSON.stringify(r)}`);
  const e = r as Extract<FunctionRunResult, { kind: "error" }>;
  assert.equal(e.error, error);
  assert.equal(e.status, status);
  if (message) assert.match(e.message, message);
}

describe("running handlers", () => {
  it("returns the modified request with logs and compute utilization", async () => {
    const r = await run(`function handler(event) { console.log('uri', event.request.uri, { n: 1 }); event.request.uri = '/rewritten'; return event.request; }`);
    assert.equal(r.kind, "request");
    assert.equal(r.request.uri, "/rewritten");
    assert.deepEqual(r.logs, ['uri /index.html {"n":1}']);
    assert.ok(r.computeUtilization >= 0 && r.computeUtilization <= 100);
    assert.ok(r.cpuMs > 0);
  });

  it("a viewer-request function can answer itself (generated response)", async () => {
    const r = await run(`function handler(event) { return { statusCode: 301, statusDescription: 'Moved Permanently', headers: { location: { value: 'https://example.com' + event.request.uri } } }; }`);
    assert.equal(r.kind, "generated-response");
    assert.equal(r.response.statusCode, 301);
    assert.deepEqual(r.response.headers["location"], { value: "https://example.com/index.html" });
  });

  it("a viewer-response function modifies the response", async () => {
    const r = await run(`function handler(event) { var res = event.response; res.headers['x-frame-options'] = { value: 'DENY' }; res.statusCode = 404; return res; }`, { event: viewerResponse });
    assert.equal(r.kind, "response");
    assert.equal(r.response.statusCode, 404);
    assert.deepEqual(r.response.headers["x-frame-options"], { value: "DENY" });
  });

  it("sees the event CloudFront builds: context, viewer, cookies, query", async () => {
    assert.equal(
      await value(`return [event.context.eventType, event.context.distributionId, event.viewer.ip, event.request.cookies.session.value, event.request.querystring.b.value].join()`),
      "viewer-request,EDFDVBD6EXAMPLE,198.51.100.11,abc,2",
    );
  });

  it("Date is frozen at the function's start time", async () => {
    assert.equal(await value(`var a = new Date(); var b = Date.now(); return a.toISOString() + ' ' + (b === a.getTime()) + ' ' + new Date(0).getTime() + ' ' + (a instanceof Date)`), "2025-05-06T07:08:09.000Z true 0 true");
  });

  it("compiles a version once: its top level runs once per context, not per request", async () => {
    const fn = { key: "compile-once", runtime: "cloudfront-js-2.0" as const, kvsArns: [], code: `var loads = 0; loads++; function handler(event) { event.request.headers.loads = { value: String(loads) }; return event.request; }` };
    for (let i = 0; i < 3; i++) {
      const r = await runtime.run(fn, "viewer-request", viewerRequest);
      assert.equal(r.kind === "request" && r.request.headers["loads"]?.value, "1");
    }
  });

  it("accepts a handler declared with const in 2.0", async () => {
    const r = await run(`const handler = (event) => event.request;`);
    assert.equal(r.kind, "request");
  });

  it("truncates console.log output at the log limit (10 KB)", async () => {
    const r = await run(`function handler(event) { for (var i = 0; i < 20; i++) console.log('x'.repeat(1000)); return event.request; }`);
    assert.equal(r.logs.join("").length, 10 * 1024);
  });
});

describe("crypto module", () => {
  it("createHash with md5, sha1 and sha256 matches Node's digests in hex, base64 and base64url", async () => {
    const got = await value(`return [crypto.createHash('md5').update('abc').digest('hex'), crypto.createHash('sha1').update('a').update('bc').digest('base64'), crypto.createHash('sha256').update('abc').digest('base64url')].join(' ')`);
    assert.equal(got, [createHash("md5").update("abc").digest("hex"), createHash("sha1").update("abc").digest("base64"), createHash("sha256").update("abc").digest("base64url")].join(" "));
  });

  it("createHmac accepts string and Buffer keys and data", async () => {
    const got = await value(`return crypto.createHmac('sha256', Buffer.from('secret')).update('é').update(Buffer.from([1, 2])).digest('hex')`);
    assert.equal(got, createHmac("sha256", "secret").update("é").update(Buffer.from([1, 2])).digest("hex"));
  });

  it("digest() without an encoding is a Buffer in 2.0 and a byte string in 1.0", async () => {
    const expected = createHash("sha256").update("abc").digest();
    assert.equal(await value(`var d = crypto.createHash('sha256').update('abc').digest(); return Buffer.isBuffer(d) + ' ' + d.toString('hex')`), `true ${expected.toString("hex")}`);
    const v1 = await value(`var d = require('crypto').createHash('sha256').update('abc').digest(); return typeof d + ' ' + d.length + ' ' + d.split('').map(function (c) { return ('0' + c.charCodeAt(0).toString(16)).slice(-2); }).join('')`, { runtime: "cloudfront-js-1.0" });
    assert.equal(v1, `string 32 ${expected.toString("hex")}`);
  });

  it("refuses algorithms CloudFront does not offer, and a second digest", async () => {
    expectError(await run(`import crypto from 'crypto'; function handler(e) { crypto.createHash('sha512'); return e.request; }`), "FunctionExecutionError", 503, /not supported algorithm: "sha512"/);
    expectError(await run(`import crypto from 'crypto'; function handler(e) { var h = crypto.createHash('md5'); h.digest('hex'); h.digest('hex'); return e.request; }`), "FunctionExecutionError", 503, /Digest already called/);
  });
});

describe("querystring module", () => {
  it("parse collects repeated keys into arrays and decodes + and %XX", async () => {
    assert.equal(await value(`return JSON.stringify(qs.parse('a=1&b=x+y&a=2&c=%2F&d'))`), '{"a":["1","2"],"b":"x y","c":"/","d":""}');
  });
  it("parse honours sep, eq and maxKeys; decode is parse", async () => {
    assert.equal(await value(`return JSON.stringify(qs.parse('a:1;b:2;c:3', ';', ':', { maxKeys: 2 })) + (qs.decode === qs.parse)`), '{"a":"1","b":"2"}true');
  });
  it("stringify repeats array keys and escapes; escape/unescape round trip", async () => {
    assert.equal(await value(`return qs.stringify({ a: [1, 2], b: 'x y/é', c: true, d: null }) + ' ' + qs.unescape(qs.escape('a b&c'))`), "a=1&a=2&b=x%20y%2F%C3%A9&c=true&d= a b&c");
  });
  it("is available to 1.0 through require", async () => {
    assert.equal(await value(`return require('querystring').stringify({ k: 'v' })`, { runtime: "cloudfront-js-1.0" }), "k=v");
  });
});

describe("buffer module (2.0)", () => {
  it("converts between strings and bytes in the usual encodings", async () => {
    assert.equal(
      await value(`var b = Buffer.from('héllo'); return [b.length, b.toString('base64'), b.toString('hex'), Buffer.from('aGk=', 'base64').toString(), Buffer.from('6869', 'hex').toString('latin1'), b.toString('utf8', 1, 3)].join()`),
      "6,aMOpbGxv,68c3a96c6c6f,hi,hi,é",
    );
  });
  it("alloc, concat, compare, equals, slice, indexOf, read/write integers", async () => {
    assert.equal(
      await value(`import { Buffer as B } from 'buffer';
        var a = B.alloc(4, 'ab'); var c = B.concat([a, B.from([1, 2])]); var w = B.alloc(4); w.writeUInt32BE(0x01020304);
        return [a.toString(), c.length, B.compare(a, c), a.equals(B.from('abab')), c.slice(4).toString('hex'), c.indexOf('ba'), w.readUInt16LE(2), B.isBuffer(a), B.byteLength('é')].join()`.replace("import { Buffer as B } from 'buffer';", "var B = require('buffer').Buffer;")),
      "abab,6,-1,true,0102,1,1027,true,2",
    );
  });
  it("keeps NUL characters and bytes intact across the sandbox boundary", async () => {
    assert.equal(await value(`var b = Buffer.from('a\\u0000b'); return b.length + ' ' + JSON.stringify(b.toString()) + ' ' + Buffer.from([0, 1, 0]).toString('hex') + ' ' + Buffer.from([104, 0, 105]).toString('latin1').length`), '3 "a\\u0000b" 000100 3');
    assert.equal(await value(`return crypto.createHash('md5').update('a\\u0000b').digest('hex')`), createHash("md5").update("a\u0000b").digest("hex"));
  });
  it("is not there in 1.0 (String byte methods instead)", async () => {
    assert.equal(await value(`return typeof Buffer + ' ' + String.bytesFrom([104, 105]) + ' ' + String.bytesFrom('6869', 'hex') + ' ' + 'é'.toUTF8().length + ' ' + 'Ã©'.fromUTF8() + ' ' + ('é€'.toBytes() === null)`, { runtime: "cloudfront-js-1.0" }), "undefined hi hi 2 é true");
    expectError(await run(`function handler(e) { require('buffer'); return e.request; }`, { runtime: "cloudfront-js-1.0" }), "FunctionExecutionError", 503, /Cannot find module "buffer"/);
  });
});

describe("cloudfront module (2.0)", () => {
  it("kvs().get reads strings, JSON and bytes; exists and meta work; a missing key rejects", async () => {
    const r = await run(`import cf from 'cloudfront';
      async function handler(event) {
        var kvs = cf.kvs();
        var s = await kvs.get('greeting'); var j = await kvs.get('config', { format: 'json' }); var b = await kvs.get('greeting', { format: 'bytes' });
        var missing; try { await kvs.get('nope'); } catch (e) { missing = e.message; }
        event.request.headers.x = { value: JSON.stringify([s, j.ttl, b.length, await kvs.exists('greeting'), await kvs.exists('nope'), await kvs.meta(), missing]) };
        return event.request;
      }`);
    assert.equal(r.kind, "request");
    assert.deepEqual(JSON.parse(r.request.headers["x"]?.value ?? ""), ["héllo", 60, 6, true, false, { creationDateTime: "2025-01-01T00:00:00.000Z", lastUpdatedDateTime: "2025-01-02T03:04:05.000Z", keyCount: 3 }, 'Key "nope" not found']);
  });
  it("kvs(id) picks an associated store by id or ARN; others and no association throw", async () => {
    assert.equal(await value(`return cf.kvs('0c3b2c6e-8a3f-4f4c-9d3e-3b1f6d2b8a01').get('greeting')`), "héllo");
    expectError(await run(`import cf from 'cloudfront'; function handler(e) { cf.kvs('${OTHER_STORE}'); return e.request; }`), "FunctionExecutionError", 503, /not associated/);
    expectError(await run(`import cf from 'cloudfront'; function handler(e) { cf.kvs(); return e.request; }`, { kvsArns: [] }), "FunctionExecutionError", 503, /No key value store/);
  });
  it("a value that is not JSON makes get(…json) reject", async () => {
    expectError(await run(`import cf from 'cloudfront'; async function handler(e) { await cf.kvs().get('broken', { format: 'json' }); return e.request; }`), "FunctionExecutionError", 503, /SyntaxError/);
  });
  it("origin changes come back with the request, in order", async () => {
    const r = await run(`import cf from 'cloudfront'; function handler(e) {
        cf.updateRequestOrigin({ domainName: 'origin.example.com', originPath: '/v2', customHeaders: {} });
        cf.selectRequestOriginById('backup');
        cf.createRequestOriginGroup({ originIds: ['a', 'b'], failoverCriteria: { statusCodes: [502] } });
        return e.request; }`);
    assert.equal(r.kind, "request");
    assert.deepEqual(r.originChanges, [
      { type: "updateRequestOrigin", params: { domainName: "origin.example.com", originPath: "/v2", customHeaders: {} } },
      { type: "selectRequestOriginById", originId: "backup" },
      { type: "createRequestOriginGroup", params: { originIds: ["a", "b"], failoverCriteria: { statusCodes: [502] } } },
    ]);
  });
  it("an invalid origin change is a FunctionValidationError (502); TestFunction ignores it", async () => {
    const code = `import cf from 'cloudfront'; function handler(e) { cf.updateRequestOrigin({ connectionAttempts: 9 }); return e.request; }`;
    expectError(await run(code), "FunctionValidationError", 502, /invalid value for origin rewrite/);
    assert.equal((await run(code, { options: { validateOutput: false } })).kind, "request");
  });
  it("origin changes are for viewer-request functions only", async () => {
    expectError(await run(`import cf from 'cloudfront'; function handler(e) { cf.selectRequestOriginById('x'); return e.response; }`, { event: viewerResponse }), "FunctionExecutionError", 503, /viewer-request functions only/);
  });
  it("edgeLocation and rawQueryString() report what the edge passed", async () => {
    const options = { edgeLocation: { name: "SEA", serverIp: "10.0.0.1", region: "us-west-2" }, rawQueryString: "a=1&b=2" };
    assert.equal(await value(`return cf.edgeLocation.name + ' ' + cf.edgeLocation.region + ' ' + event.request.rawQueryString()`, { options }), "SEA us-west-2 a=1&b=2");
    assert.equal(await value(`return String(event.request.rawQueryString())`), "undefined");
  });
  it("is not importable in 1.0 (no import at all)", async () => {
    const r = await runtime.check("import cf from 'cloudfront'; function handler(e) { return e.request; }", "cloudfront-js-1.0");
    assert.equal(r.ok, false);
  });
});

describe("check (CreateFunction / UpdateFunction)", () => {
  it("accepts valid code for each runtime and refuses 1.0-only and 2.0-only violations", async () => {
    assert.deepEqual(await runtime.check("function handler(event) { var r = event.request; return r; }", "cloudfront-js-1.0"), { ok: true });
    assert.deepEqual(await runtime.check("import cf from 'cloudfront';\nasync function handler(event) { const v = await cf.kvs().get('k'); return event.request; }", "cloudfront-js-2.0"), { ok: true });
    const constIn1 = await runtime.check("const x = 1;\nfunction handler(e) { return e.request; }", "cloudfront-js-1.0");
    assert.equal(constIn1.ok, false);
    assert.match((constIn1 as { message: string }).message, /"const" is not supported/);
  });
  it("reports QuickJS syntax errors with their line", async () => {
    const r = await runtime.check("function handler(event) {\n  return event.request\n", "cloudfront-js-2.0");
    assert.equal(r.ok, false);
    assert.match((r as { message: string }).message, /^SyntaxError: .* in line \d/);
  });
});

describe("hostile and broken code", () => {
  it("a throwing handler is a FunctionExecutionError (503) with the error's name and message", async () => {
    expectError(await run(`function handler(e) { throw new TypeError('boom'); }`), "FunctionExecutionError", 503, /^TypeError: boom$/);
    expectError(await run(`function handler(e) { return e.request.headers.nope.value; }`), "FunctionExecutionError", 503, /TypeError/);
  });
  it("returning undefined or a non-object is a FunctionValidationError (502)", async () => {
    expectError(await run(`function handler(e) {}`), "FunctionValidationError", 502, /not undefined/);
    expectError(await run(`function handler(e) { return 'ok'; }`), "FunctionValidationError", 502);
  });
  it("a read-only header change is a FunctionValidationError (502)", async () => {
    expectError(await run(`function handler(e) { e.request.headers.host = { value: 'evil.example.com' }; return e.request; }`), "FunctionValidationError", 502, /host header is read-only/);
  });
  it("while(true){} is stopped by the compute limit (FunctionThrottledError, 100 % utilization)", async () => {
    const started = performance.now();
    const r = await run(`function handler(e) { while (true) {} }`);
    expectError(r, "FunctionThrottledError", 503, /compute limit/);
    assert.equal(r.computeUtilization, 100);
    assert.ok(performance.now() - started < 2000);
  });
  it("an endless loop in the top-level code is stopped too", async () => {
    expectError(await run(`for (;;) {} function handler(e) { return e.request; }`), "FunctionThrottledError", 503);
  });
  it("a memory bomb is stopped at the memory limit", async () => {
    expectError(await run(`function handler(e) { var a = []; for (;;) a.push('x'.repeat(1024) + a.length); }`), "FunctionExecutionError", 503, /memory limit|out of memory/);
    expectError(await run(`function handler(e) { return 'x'.repeat(5e7); }`), "FunctionExecutionError", 503, /out of memory/);
    expectError(await run(`var keep = []; function handler(e) { for (var i = 0; i < 1e6; i++) keep.push({ i: i }); return e.request; }`), "FunctionExecutionError", 503, /memory limit|out of memory/);
  });
  it("unbounded recursion is a stack overflow, not a crash", async () => {
    expectError(await run(`function f(n) { return f(n + 1) + 1; } function handler(e) { return f(0); }`), "FunctionExecutionError", 503, /stack overflow/);
  });
  it("a promise that never settles fails instead of hanging", async () => {
    expectError(await run(`async function handler(e) { await new Promise(function () {}); return e.request; }`), "FunctionExecutionError", 503, /never settled/);
  });
  it("cannot reach the host: no process, require of Node modules, fetch, timers, eval or Function", async () => {
    assert.equal(
      await value(`return [typeof process, typeof fetch, typeof setTimeout, typeof setImmediate, typeof globalThis.process, typeof module, typeof exports, typeof __filename].join()`),
      "undefined,undefined,undefined,undefined,undefined,undefined,undefined,undefined",
    );
    expectError(await run(`function handler(e) { require('fs'); return e.request; }`), "FunctionExecutionError", 503, /Cannot find module "fs"/);
    expectError(await run(`function handler(e) { require('child_process'); return e.request; }`, { runtime: "cloudfront-js-1.0" }), "FunctionExecutionError", 503, /Cannot find module/);
    for (const escape of ["eval('1')", "new Function('return 1')", "(function(){}).constructor('return this')()", "Object.getPrototypeOf(function*(){}).constructor('return 1')"]) {
      expectError(await run(`function handler(e) { ${escape}; return e.request; }`), "FunctionExecutionError", 503, /EvalError/);
    }
    assert.equal(await value(`return String(globalThis === (0, function () { return this; })())`), "false");
  });
  it("after all of that the same worker still runs a good function", async () => {
    const r = await run(`function handler(e) { e.request.headers.ok = { value: 'yes' }; return e.request; }`);
    assert.equal(r.kind === "request" && r.request.headers["ok"]?.value, "yes");
    assert.equal(runtime.workersStarted, 1, "no hostile function needed a new worker");
  });
});

describe("the watchdog", () => {
  it("terminates a worker stuck in one slice, fails only that run, and resends the others to a new worker", async () => {
    // A compute limit far above the watchdog's makes the watchdog the one to act.
    const rt = createFunctionRuntime({ limits: { maxCpuMs: 60_000, watchdogMs: 100 } });
    try {
      const stuck = run(`function handler(e) { while (true) {} }`, { on: rt, kvsArns: [] });
      const innocent = run(`function handler(e) { e.request.headers.ok = { value: '1' }; return e.request; }`, { on: rt, kvsArns: [] });
      const [bad, good] = await Promise.all([stuck, innocent]);
      expectError(bad, "FunctionThrottledError", 503, /without yielding/);
      assert.equal(good.kind === "request" && good.request.headers["ok"]?.value, "1");
      assert.equal(rt.workersStarted, 2);
      const after = await run(`function handler(e) { return e.request; }`, { on: rt, kvsArns: [] });
      assert.equal(after.kind, "request");
    } finally {
      await rt.dispose();
    }
  });
});

describe("lifecycle", () => {
  it("stops an idle worker after idleTimeoutMs and starts a new one on demand", async () => {
    const rt = createFunctionRuntime({ idleTimeoutMs: 20 });
    try {
      assert.equal((await run(`function handler(e) { return e.request; }`, { on: rt, kvsArns: [] })).kind, "request");
      await new Promise((r) => setTimeout(r, 80));
      assert.equal((await run(`function handler(e) { return e.request; }`, { on: rt, kvsArns: [] })).kind, "request");
      assert.equal(rt.workersStarted, 2);
    } finally {
      await rt.dispose();
    }
  });
  it("after dispose, runs end with an error result", async () => {
    const rt = createFunctionRuntime();
    await rt.dispose();
    expectError(await run(`function handler(e) { return e.request; }`, { on: rt, kvsArns: [] }), "FunctionExecutionError", 503, /shut down/);
  });
});

/** Runs `fn` until a run answers synchronously (its version runs on the caller's thread); at most 100 tries. */
async function untilInline(rt: FunctionRuntime, fn: Parameters<FunctionRuntime["run"]>[0]): Promise<FunctionRunResult[]> {
  const results: FunctionRunResult[] = [];
  for (let i = 0; i < 100; i++) {
    const r = rt.runNow(fn, "viewer-request", viewerRequest);
    results.push(await r);
    if (!(r instanceof Promise)) return results;
    await new Promise((resolve) => setTimeout(resolve, 10)); // the inline sandbox loads in the background
  }
  assert.fail("the version never moved to the caller's thread");
}

describe("fresh state and the caller's thread", () => {
  it("a handler that increments a global counter returns 1 on every request", async () => {
    // CloudFront starts every request from a fresh copy of the function (docs/functions.md §2).
    const fn = { key: "counter", runtime: "cloudfront-js-2.0" as const, kvsArns: [], code: `var count = 0; function handler(event) { count++; event.request.headers['x-count'] = { value: String(count) }; return event.request; }` };
    const seen: Array<string | undefined> = [];
    for (let i = 0; i < 4; i++) {
      const r = await runtime.run(fn, "viewer-request", viewerRequest);
      seen.push(r.kind === "request" ? r.request.headers["x-count"]?.value : r.kind);
    }
    assert.deepEqual(seen, ["1", "1", "1", "1"]);
  });

  it("…in the worker and on the caller's thread, where a version moves after its probation", async () => {
    const rt = createFunctionRuntime({ limits: { probationRuns: 2 } });
    try {
      const fn = { key: "counter", runtime: "cloudfront-js-2.0" as const, kvsArns: [], code: `var count = 0; function handler(event) { count++; globalThis.count; event.request.headers['x-count'] = { value: String(count) }; return event.request; }` };
      const first = rt.runNow(fn, "viewer-request", viewerRequest);
      assert.ok(first instanceof Promise, "a new version starts in the worker");
      const results = [await first, ...(await untilInline(rt, fn))];
      for (let i = 0; i < 3; i++) results.push(await rt.run(fn, "viewer-request", viewerRequest));
      assert.deepEqual(new Set(results.map((r) => (r.kind === "request" ? r.request.headers["x-count"]?.value : r.kind))), new Set(["1"]));
    } finally {
      await rt.dispose();
    }
  });

  it("a version that turns hostile on the caller's thread is stopped there, answered from the worker, and stays in the worker", async () => {
    const rt = createFunctionRuntime({ limits: { probationRuns: 0 } });
    try {
      const fn = { key: "turns", runtime: "cloudfront-js-2.0" as const, kvsArns: [], code: `function handler(e) { if (e.request.uri === '/loop') { var s = 'x'.repeat(50000); for (;;) s.toUpperCase(); } return e.request; }` };
      const loop = buildViewerRequestEvent({ ...REQUEST, uri: "/loop" });
      await untilInline(rt, fn);
      const hostile = rt.runNow(fn, "viewer-request", loop);
      assert.ok(hostile instanceof Promise, "the hostile request goes on in the worker");
      expectError(await hostile, "FunctionThrottledError", 503, /without yielding|compute limit/);
      assert.ok(rt.runNow(fn, "viewer-request", viewerRequest) instanceof Promise, "the version runs in the worker from now on");
      const other = { ...fn, key: "other", code: `function handler(e) { return e.request; }` };
      assert.ok((await untilInline(rt, other)).every((r) => r.kind === "request"), "other versions still run on the caller's thread");
    } finally {
      await rt.dispose();
    }
  });
});
