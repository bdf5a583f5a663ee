// Two edges over one origin sharing the Redis regional tier, as two cluster nodes do (issue 18: "a
// miss on B after a miss on A costs the origin no second request"). Each edge has its own cache
// and its own tier connection, driven through the pipeline's in-process seam
// (test/helpers/in-memory-http.ts); Redis is a real redis-server (test/helpers/redis.ts).
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
import { EdgeCache } from "../edge/cache/edge-cache.ts";
import { createEdge, type Edge } from "../edge/pipeline.ts";
import { openNotes, type RequestNotes } from "../edge/request-notes.ts";
import { RedisTier } from "./redis-tier.ts";
import { exchangeInMemory, type InMemoryRequest } from "../../test/helpers/in-memory-http.ts";
import { TestOrigin } from "../../test/helpers/test-origin.ts";
import { redisSkip, startRedis, type RedisServer } from "../../test/helpers/redis.ts";

describe("edges sharing the Redis regional tier", { skip: redisSkip }, () => {
  const dir = mkdtempSync(join(tmpdir(), "minifront-shared-rec-"));
  const db = openDatabase(dir, { durable: false });
  const clock = new ManualClock(Date.UTC(2026, 0, 1));
  const origin = new TestOrigin();
  const tiers: RedisTier[] = [];
  let redis: RedisServer;
  let functions: FunctionRuntime;
  let state: CloudFrontState;
  let serial = 0;

  before(async () => {
    [redis] = await Promise.all([startRedis(), origin.start()]);
    functions = createFunctionRuntime({ now: () => clock.now() });
    state = new CloudFrontState(openDocumentStore(db), { accountId: "123456789012", domainSuffix: "cloudfront.localhost", deployDelayMs: 0, invalidationDelayMs: 0 }, clock, randomIds);
  });

  after(async () => {
    await Promise.all([...tiers.map((t) => t.dispose()), origin.close(), functions.dispose()]);
    await redis?.dispose();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  afterEach(() => void (origin.received.length = 0));

  /** A tier connection as one node has it, connected. */
  async function tier(url = redis.url): Promise<RedisTier> {
    const t = new RedisTier({ url, maxBytes: 16 * 1024 * 1024, maxObjectBytes: 1024 * 1024, clock, log: createLogger("silent") });
    tiers.push(t);
    await eventually(async () => (await t.usage()) !== undefined, "the tier connects");
    return t;
  }

  /** One node's edge: its own cache, the shared tier `remote`. */
  function node(remote: RedisTier): Edge {
    return createEdge({
      clock,
      cache: new EdgeCache({ memoryBytes: 16 * 1024 * 1024, diskBytes: 16 * 1024 * 1024, memoryObjectBytes: 1024 * 1024, diskDir: join(dir, `edge-cache-${++serial}`) }),
      s3: { embedded: { hostname: "127.0.0.1", port: 1 }, external: undefined },
      pops: ["IAD89-C1"],
      maxObjectBytes: 16 * 1024 * 1024,
      memoryObjectBytes: 1024 * 1024,
      functions,
      identity: new CloudFrontIdentity("123456789012"),
      countryOf: () => "US",
      httpsPort: () => undefined,
      log: createLogger("silent"),
      remote,
    });
  }

  function distribution(): DistributionRecord {
    const id = `ESHARED${++serial}`;
    const config: DistributionConfig = {
      CallerReference: id,
      Comment: "",
      Enabled: true,
      Origins: { Quantity: 1, Items: [{ Id: "app", DomainName: "127.0.0.1", CustomOriginConfig: { HTTPPort: origin.port, HTTPSPort: 443, OriginProtocolPolicy: "http-only" } }] },
      DefaultCacheBehavior: {
        TargetOriginId: "app",
        ViewerProtocolPolicy: "allow-all",
        ForwardedValues: { QueryString: false, Cookies: { Forward: "none" } },
        MinTTL: 0,
        DefaultTTL: 86400,
        MaxTTL: 31536000,
      },
    };
    const rec: DistributionRecord = { Id: id, ARN: `arn:aws:cloudfront::123456789012:distribution/${id}`, DomainName: `${id.toLowerCase()}.cloudfront.localhost`, ETag: "E1", createdAt: clock.now(), lastModified: clock.now(), deployAt: clock.now(), config, tags: [] };
    state.putDistribution(rec);
    return rec;
  }

  /** One request through `edge`; `notes` receives what the edge noted (the cache layer). */
  const send = (edge: Edge, rec: DistributionRecord, request: InMemoryRequest, notes: RequestNotes = {}) =>
    exchangeInMemory((req, res) => {
      openNotes(req, notes);
      return edge.handle(req, res, rec, state);
    }, request);

  it("a miss on one node is a regional hit on the other: one origin request, the same bytes and Age", async () => {
    const [a, b] = [node(await tier()), node(await tier())];
    const rec = distribution();
    const body = "é".repeat(3000);
    origin.on("/app.js", { body, headers: { "Cache-Control": "max-age=600", "Content-Type": "text/javascript" } });
    const miss = await send(a, rec, { url: "/app.js" });
    assert.equal(miss.headers["x-cache"], "Miss from cloudfront");
    await sharedHolds(rec, "/app.js");

    clock.advance(7_000);
    const notes: RequestNotes = {};
    const regional = await send(b, rec, { url: "/app.js" }, notes);
    assert.equal(regional.status, 200);
    assert.equal(regional.body.toString(), body);
    assert.equal(regional.headers["x-cache"], "Hit from cloudfront", "a regional hit is reported as CloudFront reports one from its REC");
    assert.equal(regional.headers["content-type"], "text/javascript");
    assert.equal(regional.headers["age"], "7", "age counted from when node A stored it");
    assert.equal(notes.layer, "REC");

    const again: RequestNotes = {};
    const local = await send(b, rec, { url: "/app.js" }, again);
    assert.equal(local.headers["x-cache"], "Hit from cloudfront");
    assert.equal(again.layer, "EDGE", "kept in node B's POP tier");
    assert.equal(origin.hits("/app.js"), 1);
  });

  it("an invalidation on one node removes the object from the shared tier", async () => {
    const [a, b] = [node(await tier()), node(await tier())];
    const rec = distribution();
    origin.on("/logo.png", { body: "v1", headers: { "Cache-Control": "max-age=600" } });
    await send(a, rec, { url: "/logo.png" });
    await sharedHolds(rec, "/logo.png");
    a.invalidate(rec.Id, ["/logo*"]);
    origin.on("/logo.png", { body: "v2", headers: { "Cache-Control": "max-age=600" } });
    const after = await send(b, rec, { url: "/logo.png" });
    assert.equal(after.headers["x-cache"], "Miss from cloudfront");
    assert.equal(after.body.toString(), "v2");
    assert.equal(origin.hits("/logo.png"), 2);
  });

  it("an expired shared copy is revalidated by the next node: a 304 from the origin, a RefreshHit, and the tier refreshed", async () => {
    const [a, b, c] = [node(await tier()), node(await tier()), node(await tier())];
    const rec = distribution();
    origin.on("/data.json", (req) => (req.headers["if-none-match"] === '"v1"' ? { status: 304, headers: { ETag: '"v1"', "Cache-Control": "max-age=10" } } : { body: "{}", headers: { ETag: '"v1"', "Cache-Control": "max-age=10, stale-if-error=3600" } }));
    await send(a, rec, { url: "/data.json" });
    await sharedHolds(rec, "/data.json");
    clock.advance(20_000);
    const refreshed = await send(b, rec, { url: "/data.json" });
    assert.equal(refreshed.headers["x-cache"], "RefreshHit from cloudfront");
    assert.equal(refreshed.body.toString(), "{}");
    assert.equal(origin.last("/data.json").headers["if-none-match"], '"v1"', "revalidated with the shared copy's validator");
    await sharedHolds(rec, "/data.json", clock.now());
    assert.equal((await send(c, rec, { url: "/data.json" })).headers["x-cache"], "Hit from cloudfront", "the refreshed copy is fresh for the next node");
    assert.equal(origin.hits("/data.json"), 2);
  });

  it("with its Redis gone, a node answers from the origin and from its own cache", async () => {
    const own = await startRedis();
    try {
      const a = node(await tier(own.url));
      const rec = distribution();
      origin.on("/page", { body: "page", headers: { "Cache-Control": "max-age=600" } });
      await own.stop();
      const miss = await send(a, rec, { url: "/page" });
      assert.equal(miss.status, 200);
      assert.equal(miss.headers["x-cache"], "Miss from cloudfront");
      assert.equal((await send(a, rec, { url: "/page" })).headers["x-cache"], "Hit from cloudfront");
      a.invalidate(rec.Id, ["/*"]);
      assert.equal((await send(a, rec, { url: "/page" })).body.toString(), "page");
      assert.equal(origin.hits("/page"), 2);
    } finally {
      await own.dispose();
    }
  });

  /** Waits until the shared tier holds the distribution's object at `path` (stored at `storedAt`, if given): offers are fire and forget. */
  async function sharedHolds(rec: DistributionRecord, path: string, storedAt?: number): Promise<void> {
    const probe = await tier();
    const holds = async () => {
      const shared = await probe.get(rec.Id, `${path}\u0000`);
      return shared !== undefined && (storedAt === undefined || shared.storedAt === storedAt);
    };
    await eventually(holds, `the shared tier holds ${path}`);
  }
});

/** Resolves once `check` holds; fails after 10 s (a bounded wait, not a timing assertion). */
async function eventually(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`not within 10 s: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
