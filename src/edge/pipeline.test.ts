// The orchestrator through its in-process seam (test/helpers/in-memory-http.ts): a request in, a
// response out, no listening socket on the viewer's side. The distribution lives in a real
// CloudFrontState; the origin is a loopback test double. Each test reads as one request's life:
// what the viewer sent, what the origin saw, what came back.
import { after, afterEach, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DistributionConfig } from "@aws-sdk/client-cloudfront";
import { ManualClock } from "../clock.ts";
import { randomIds } from "../ids.ts";
import { createLogger } from "../log.ts";
import { openDatabase } from "../store/database.ts";
import { openDocumentStore } from "../store/document-store.ts";
import { CloudFrontState, type DistributionRecord } from "../services/cloudfront/state.ts";
import { CloudFrontIdentity } from "../services/s3/cloudfront-identity.ts";
import { createFunctionRuntime, type FunctionRuntime } from "../functions/index.ts";
import { EdgeCache } from "./cache/edge-cache.ts";
import { createEdge, type Edge } from "./pipeline.ts";
import { exchangeInMemory, type InMemoryRequest } from "../../test/helpers/in-memory-http.ts";
import { TestOrigin } from "../../test/helpers/test-origin.ts";

describe("the edge pipeline, in process", () => {
  const dir = mkdtempSync(join(tmpdir(), "minifront-pipeline-"));
  const db = openDatabase(dir, { durable: false });
  const clock = new ManualClock(Date.UTC(2026, 0, 1));
  const origin = new TestOrigin();
  const backup = new TestOrigin();
  let functions: FunctionRuntime;
  let state: CloudFrontState;
  let edge: Edge;
  let serial = 0;

  before(async () => {
    await Promise.all([origin.start(), backup.start()]);
    functions = createFunctionRuntime({ now: () => clock.now() });
    state = new CloudFrontState(openDocumentStore(db), { accountId: "123456789012", domainSuffix: "cloudfront.localhost", deployDelayMs: 0, invalidationDelayMs: 0 }, clock, randomIds);
    edge = makeEdge();
  });

  after(async () => {
    await Promise.all([origin.close(), backup.close(), functions.dispose()]);
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  afterEach(() => {
    origin.received.length = 0;
    backup.received.length = 0;
  });

  /** A distribution in the state, with the test origin behind its default behavior; `change` adjusts its config. */
  function distribution(change: (c: DistributionConfig) => void = () => undefined): DistributionRecord {
    const id = `EPIPELINE${++serial}`;
    const config: DistributionConfig = {
      CallerReference: id,
      Comment: "",
      Enabled: true,
      Origins: { Quantity: 1, Items: [customOrigin("app", origin.port)] },
      DefaultCacheBehavior: {
        TargetOriginId: "app",
        ViewerProtocolPolicy: "allow-all",
        ForwardedValues: { QueryString: false, Cookies: { Forward: "none" } },
        MinTTL: 0,
        DefaultTTL: 86400,
        MaxTTL: 31536000,
      },
    };
    change(config);
    const rec: DistributionRecord = { Id: id, ARN: `arn:aws:cloudfront::123456789012:distribution/${id}`, DomainName: `${id.toLowerCase()}.cloudfront.localhost`, ETag: "E1", createdAt: clock.now(), lastModified: clock.now(), deployAt: clock.now(), config, tags: [] };
    state.putDistribution(rec);
    return rec;
  }

  /** An edge over the test's state; `sizes` shrinks its cache (bytes). */
  function makeEdge(sizes: { memoryObjectBytes?: number; diskBytes?: number } = {}): Edge {
    const memoryObjectBytes = sizes.memoryObjectBytes ?? 1024 * 1024;
    return createEdge({
      clock,
      cache: new EdgeCache({ memoryBytes: 64 * 1024 * 1024, diskBytes: sizes.diskBytes ?? 64 * 1024 * 1024, memoryObjectBytes, diskDir: join(dir, `edge-cache-${++serial}`) }),
      s3: { embedded: { hostname: "127.0.0.1", port: 1 }, external: undefined },
      pops: ["IAD89-C1", "FRA56-P1"],
      maxObjectBytes: 1024 * 1024,
      memoryObjectBytes,
      functions,
      identity: new CloudFrontIdentity("123456789012"),
      countryOf: () => "US",
      httpsPort: () => undefined,
      log: createLogger("silent"),
    });
  }

  const send = (rec: DistributionRecord, request: InMemoryRequest, through: Edge = edge) => exchangeInMemory((req, res) => through.handle(req, res, rec, state), request);

  it("a miss asks the origin once and stores; the next request is a hit with an Age", async () => {
    const rec = distribution();
    origin.on("/page", { body: "the page", headers: { "Cache-Control": "max-age=60" } });
    const miss = await send(rec, { url: "/page" });
    assert.equal(miss.status, 200);
    assert.equal(miss.body.toString(), "the page");
    assert.equal(miss.headers["x-cache"], "Miss from cloudfront");
    assert.equal(miss.headers["x-amz-cf-pop"], "IAD89-C1");
    assert.match(miss.headers["x-amz-cf-id"] ?? "", /^[A-Za-z0-9_-]{54}==$/);
    clock.advance(5_000);
    const hit = await send(rec, { url: "/page" });
    assert.equal(hit.headers["x-cache"], "Hit from cloudfront");
    assert.equal(hit.headers["age"], "5");
    assert.equal(hit.body.toString(), "the page");
    assert.equal(origin.hits("/page"), 1);
    assert.notEqual(hit.headers["x-amz-cf-id"], miss.headers["x-amz-cf-id"], "every request has its own id");
  });

  it("another POP misses its own cache but hits the regional tier", async () => {
    const rec = distribution();
    origin.on("/shared", { body: "shared", headers: { "Cache-Control": "max-age=60" } });
    await send(rec, { url: "/shared" });
    const other = await send(rec, { url: "/shared", headers: { "x-minifront-pop": "FRA56-P1" } });
    assert.equal(other.headers["x-amz-cf-pop"], "FRA56-P1");
    assert.equal(other.headers["x-cache"], "Hit from cloudfront");
    assert.equal(origin.hits("/shared"), 1);
  });

  it("a HEAD, a conditional request and a Range request are answered from the cached object", async () => {
    const rec = distribution();
    origin.on("/doc", { body: "0123456789", headers: { "Cache-Control": "max-age=60", ETag: '"v1"' } });
    await send(rec, { url: "/doc" });
    const head = await send(rec, { method: "HEAD", url: "/doc" });
    assert.equal(head.status, 200);
    assert.equal(head.headers["content-length"], "10");
    const notModified = await send(rec, { url: "/doc", headers: { "if-none-match": '"v1"' } });
    assert.equal(notModified.status, 304);
    const range = await send(rec, { url: "/doc", headers: { range: "bytes=2-4" } });
    assert.equal(range.status, 206);
    assert.equal(range.body.toString(), "234");
    assert.equal(origin.hits("/doc"), 1);
  });

  it("the default root object is asked for `/` only", async () => {
    const rec = distribution((c) => (c.DefaultRootObject = "index.html"));
    await send(rec, { url: "/" });
    await send(rec, { url: "/sub/" });
    assert.deepEqual(origin.received.map((r) => r.path), ["/index.html", "/sub/"]);
  });

  it("a disabled distribution and a GET with a body are refused before the origin", async () => {
    const disabled = distribution((c) => (c.Enabled = false));
    assert.equal((await send(disabled, { url: "/x" })).status, 403);
    const rec = distribution();
    const withBody = await send(rec, { url: "/x", body: "GET /admin HTTP/1.1\r\n\r\n" });
    assert.equal(withBody.status, 403);
    assert.equal(withBody.headers["connection"], "close");
    assert.equal(origin.received.length, 0);
  });

  it("a method the behavior does not allow gets 403; redirect-to-https redirects", async () => {
    const rec = distribution((c) => (c.DefaultCacheBehavior!.ViewerProtocolPolicy = "redirect-to-https"));
    const redirect = await send(rec, { url: "/a?b=1", headers: { host: "shop.example" } });
    assert.equal(redirect.status, 301);
    assert.equal(redirect.headers["location"], "https://shop.example/a?b=1");
    const post = await send(distribution(), { method: "POST", url: "/form", body: "x=1" });
    assert.equal(post.status, 403);
    assert.equal(origin.received.length, 0);
  });

  it("concurrent misses for one key make one origin request", async () => {
    const rec = distribution();
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    origin.on("/slow", async () => {
      await gate;
      return { body: "slow", headers: { "Cache-Control": "max-age=60" } };
    });
    const all = Promise.all([1, 2, 3].map(() => send(rec, { url: "/slow" })));
    // Let the first request reach the origin before it answers.
    while (origin.hits("/slow") === 0) await new Promise((r) => setTimeout(r, 5));
    release();
    const answers = await all;
    assert.deepEqual(answers.map((a) => a.body.toString()), ["slow", "slow", "slow"]);
    assert.deepEqual(answers.map((a) => a.headers["x-cache"]).sort(), ["Hit from cloudfront", "Hit from cloudfront", "Miss from cloudfront"]);
    assert.equal(origin.hits("/slow"), 1);
  });

  it("requests collapsed onto a miss whose body no cache tier could keep ask the origin themselves", async () => {
    // Larger than memory objects and than the whole disk budget: the fill's file is dropped at once.
    const small = makeEdge({ memoryObjectBytes: 1000, diskBytes: 5000 });
    const rec = distribution();
    const body = "x".repeat(20_000);
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    origin.on("/big", async () => {
      await gate;
      return { body, headers: { "Cache-Control": "max-age=60" } };
    });
    const all = Promise.all([1, 2, 3].map(() => send(rec, { url: "/big" }, small)));
    while (origin.hits("/big") === 0) await new Promise((r) => setTimeout(r, 5));
    release();
    const answers = await all;
    assert.deepEqual(answers.map((a) => a.body.length), [20_000, 20_000, 20_000]);
    assert.ok(origin.hits("/big") >= 2, "the followers went to the origin");
  });

  it("an expired object is revalidated with its validators: 304 is a RefreshHit", async () => {
    const rec = distribution();
    origin.on("/v", (r) => (r.headers["if-none-match"] === '"e1"' ? { status: 304 } : { body: "v", headers: { "Cache-Control": "max-age=10", ETag: '"e1"' } }));
    await send(rec, { url: "/v" });
    clock.advance(11_000);
    const refreshed = await send(rec, { url: "/v" });
    assert.equal(refreshed.headers["x-cache"], "RefreshHit from cloudfront");
    assert.equal(refreshed.body.toString(), "v");
    assert.equal(origin.last("/v").headers["if-none-match"], '"e1"');
  });

  it("an origin group fails over to its secondary on a listed status", async () => {
    const rec = distribution((c) => {
      c.Origins!.Items!.push(customOrigin("backup", backup.port));
      c.Origins!.Quantity = 2;
      c.OriginGroups = {
        Quantity: 1,
        Items: [{ Id: "group", FailoverCriteria: { StatusCodes: { Quantity: 1, Items: [503] } }, Members: { Quantity: 2, Items: [{ OriginId: "app" }, { OriginId: "backup" }] } }],
      };
      c.DefaultCacheBehavior!.TargetOriginId = "group";
    });
    origin.on("/down", { status: 503, body: "down" });
    backup.on("/down", { body: "from the backup" });
    const res = await send(rec, { url: "/down" });
    assert.equal(res.body.toString(), "from the backup");
    assert.equal(origin.hits("/down"), 1);
    assert.equal(backup.hits("/down"), 1);
  });

  it("an origin that cannot be reached is a 502, or the custom error page for 502", async () => {
    const rec = distribution((c) => (c.Origins!.Items![0] = customOrigin("app", 1)));
    const res = await send(rec, { url: "/x" });
    assert.equal(res.status, 502);
    assert.equal(res.headers["x-cache"], "Error from cloudfront");

    const withPage = distribution((c) => {
      c.Origins = { Quantity: 2, Items: [customOrigin("app", 1), customOrigin("pages", backup.port)] };
      c.CacheBehaviors = { Quantity: 1, Items: [{ PathPattern: "/errors/*", TargetOriginId: "pages", ViewerProtocolPolicy: "allow-all", ForwardedValues: { QueryString: false, Cookies: { Forward: "none" } }, MinTTL: 0 }] };
      c.CustomErrorResponses = { Quantity: 1, Items: [{ ErrorCode: 502, ResponsePagePath: "/errors/502.html", ResponseCode: "503" }] };
    });
    backup.on("/errors/502.html", { body: "we are down" });
    const page = await send(withPage, { url: "/x" });
    assert.equal(page.status, 503);
    assert.equal(page.body.toString(), "we are down");
  });

  it("a viewer-request function answers, or rewrites the path the cache and origin see", async () => {
    const code = `function handler(event) {
      var r = event.request;
      if (r.uri === "/teapot") return { statusCode: 418, statusDescription: "I'm a teapot", headers: { "x-from": { value: "function" } } };
      r.uri = "/rewritten" + r.uri;
      return r;
    }`;
    const arn = liveFunction("rewrite", code);
    const rec = distribution((c) => (c.DefaultCacheBehavior!.FunctionAssociations = { Quantity: 1, Items: [{ EventType: "viewer-request", FunctionARN: arn }] }));
    const teapot = await send(rec, { url: "/teapot" });
    assert.equal(teapot.status, 418);
    assert.equal(teapot.headers["x-from"], "function");
    assert.equal(teapot.headers["x-cache"], "FunctionGeneratedResponse from cloudfront");
    const rewritten = await send(rec, { url: "/page" });
    assert.equal(rewritten.status, 200);
    assert.deepEqual(origin.received.map((r) => r.path), ["/rewritten/page"]);
  });

  it("a viewer-request function runs on every hit; an untouched request is served from the cache, any other outcome as the function says", async () => {
    const code = `function handler(event) {
      var r = event.request;
      if (r.headers["x-block"]) return { statusCode: 403, statusDescription: "Blocked", headers: { "x-seen-id": { value: event.context.requestId } } };
      return r;
    }`;
    const arn = liveFunction("gate", code);
    const rec = distribution((c) => (c.DefaultCacheBehavior!.FunctionAssociations = { Quantity: 1, Items: [{ EventType: "viewer-request", FunctionARN: arn }] }));
    origin.on("/gated", { body: "gated page", headers: { "Cache-Control": "max-age=60" } });
    assert.equal((await send(rec, { url: "/gated" })).headers["x-cache"], "Miss from cloudfront");
    // Several runs, so the function also runs in-thread after its probation (functions/fuel.ts).
    for (let i = 0; i < 5; i++) {
      const hit = await send(rec, { url: "/gated" });
      assert.equal(hit.headers["x-cache"], "Hit from cloudfront");
      assert.equal(hit.body.toString(), "gated page");
      const blocked = await send(rec, { url: "/gated", headers: { "x-block": "1" } });
      assert.equal(blocked.status, 403, "the function answers although the object is cached");
      assert.equal(blocked.headers["x-cache"], "FunctionGeneratedResponse from cloudfront");
      assert.equal(blocked.headers["x-seen-id"], blocked.headers["x-amz-cf-id"], "the function saw the request's own id");
    }
    assert.equal(origin.hits("/gated"), 1);
  });

  it("a viewer-response function sees successful responses and may add headers", async () => {
    const arn = liveFunction("stamp", `function handler(event) { event.response.headers["x-stamped"] = { value: "yes" }; return event.response; }`);
    const rec = distribution((c) => (c.DefaultCacheBehavior!.FunctionAssociations = { Quantity: 1, Items: [{ EventType: "viewer-response", FunctionARN: arn }] }));
    origin.on("/ok", { body: "ok" });
    origin.on("/missing", { status: 404, body: "nope" });
    assert.equal((await send(rec, { url: "/ok" })).headers["x-stamped"], "yes");
    assert.equal((await send(rec, { url: "/missing" })).headers["x-stamped"], undefined, "error responses skip the viewer-response function");
  });

  it("an invalidation removes the object from every tier", async () => {
    const rec = distribution();
    let n = 0;
    origin.on("/inv", () => ({ body: `v${++n}`, headers: { "Cache-Control": "max-age=600" } }));
    await send(rec, { url: "/inv" });
    assert.ok(edge.invalidate(rec.Id, ["/inv"]) > 0);
    assert.equal((await send(rec, { url: "/inv" })).body.toString(), "v2");
  });

  /** Puts a published (LIVE) CloudFront function into the state and returns its ARN. */
  function liveFunction(name: string, code: string): string {
    const stage = { ETag: "E1", config: { Comment: "", Runtime: "cloudfront-js-2.0" as const }, code: Buffer.from(code).toString("base64"), lastModified: clock.now() };
    state.functions.put({ Name: name, createdAt: clock.now(), development: stage, live: stage, tags: [] });
    return state.functions.arn(name);
  }
});

function customOrigin(id: string, port: number) {
  return {
    Id: id,
    DomainName: "127.0.0.1",
    CustomOriginConfig: { HTTPPort: port, HTTPSPort: 443, OriginProtocolPolicy: "http-only" as const },
  };
}
