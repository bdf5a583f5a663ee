// The Redis regional tier against a real redis-server (test/helpers/redis.ts): what one node
// stores another reads back whole; the tier stays within its byte budget by evicting its least
// recently used entries and nothing else in the Redis; invalidation paths purge one
// distribution's entries; a Redis that is gone or stops answering is a miss, never a wait or a throw.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { Redis } from "ioredis";
import { systemClock } from "../clock.ts";
import { createLogger, type Logger } from "../log.ts";
import { cacheEntry, type CachedResponse } from "../edge/cache/cached-response.ts";
import { entryBytes } from "../edge/cache/remote-tier.ts";
import { RedisTier, type RedisTierOptions } from "./redis-tier.ts";
import { redisSkip, startRedis, type RedisServer } from "../../test/helpers/redis.ts";

const MAX_OBJECT = 64 * 1024;

/** A fresh entry stored now: `ttlMs` from now, `body` as given (text or bytes). */
function entry(body: string | Buffer, ttlMs = 60_000, headers: Record<string, string | string[]> = { "content-type": "text/plain" }): CachedResponse {
  return cacheEntry({ status: 200, headers, body: Buffer.from(body), storedAt: systemClock.now(), ttlMs });
}

/** Resolves once `check` holds; fails after 10 s (a bounded wait, not a timing assertion). */
async function eventually(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`not within 10 s: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("the Redis regional tier", { skip: redisSkip }, () => {
  let redis: RedisServer;
  let raw: Redis;
  const tiers: RedisTier[] = [];
  let serial = 0;

  /** A tier on the test's Redis under its own prefix (so each test counts only its own entries). */
  async function tier(options: Partial<RedisTierOptions> = {}): Promise<RedisTier> {
    const t = new RedisTier({ url: redis.url, maxBytes: 1024 * 1024, maxObjectBytes: MAX_OBJECT, clock: systemClock, log: createLogger("silent"), prefix: `test${++serial}`, ...options });
    tiers.push(t);
    await eventually(async () => (await t.usage()) !== undefined, "the tier connects");
    return t;
  }

  before(async () => {
    redis = await startRedis();
    raw = new Redis(redis.url);
  });

  after(async () => {
    await Promise.all(tiers.map((t) => t.dispose()));
    raw.disconnect();
    await redis?.dispose();
  });

  it("gives another node the entry one node stored: status, headers, binary body, storedAt and ttlMs", async () => {
    const [a, b] = [await tier({ prefix: "shared" }), await tier({ prefix: "shared" })];
    const body = Buffer.from(Array.from({ length: 512 }, (_, i) => i % 256));
    const stored = cacheEntry({ status: 203, headers: { "content-type": "application/octet-stream", "set-cookie": ["a=1", "b=2"], "x-name": "café" }, body, storedAt: systemClock.now() - 5_000, ttlMs: 3_600_000 });
    a.put("E1", "/bin\u0000\u0000h:accept=x", stored);
    let got: CachedResponse | undefined;
    await eventually(async () => (got = await b.get("E1", "/bin\u0000\u0000h:accept=x")) !== undefined, "the entry reaches the tier");
    assert.equal(got?.status, 203);
    assert.deepEqual(got?.headers, stored.headers);
    assert.deepEqual(got?.body, body);
    assert.equal(got?.storedAt, stored.storedAt);
    assert.equal(got?.ttlMs, stored.ttlMs);
    assert.deepEqual(got?.flat, stored.flat, "rendered again for hits");
    assert.equal(await b.get("E1", "/bin\u0000\u0000h:accept=y"), undefined, "another key of the same path is another entry");
    assert.equal(await b.get("E2", "/bin\u0000\u0000h:accept=x"), undefined, "another distribution's key is another entry");
  });

  it("answers its first lookups once its first connection is made, not as misses while connecting", async () => {
    const a = await tier({ prefix: "connecting" });
    a.put("E1", "/early", entry("early"));
    await eventually(async () => (await a.get("E1", "/early")) !== undefined, "stored");
    // Built as the edge builds it, on the request that needs it: no wait for the connection first.
    const b = new RedisTier({ url: redis.url, maxBytes: 1024 * 1024, maxObjectBytes: MAX_OBJECT, clock: systemClock, log: createLogger("silent"), prefix: "connecting" });
    tiers.push(b);
    assert.equal((await b.get("E1", "/early"))?.body.toString(), "early");
  });

  it("does not share bodies above --memory-object-max or held in a file", async () => {
    const t = await tier();
    t.put("E1", "/big", entry(Buffer.alloc(MAX_OBJECT + 1)));
    t.put("E1", "/file", { ...entry(""), file: { path: "/nowhere", size: 10 } });
    t.put("E1", "/ok", entry("ok"));
    await eventually(async () => (await t.get("E1", "/ok")) !== undefined, "the small entry is stored");
    assert.equal(await t.get("E1", "/big"), undefined);
    assert.equal(await t.get("E1", "/file"), undefined);
    assert.deepEqual(await t.usage(), { entries: 1, bytes: entryBytes(entry("ok")).length });
  });

  it("lets an entry go when its TTL and stale windows have passed", async () => {
    const t = await tier();
    t.put("E1", "/short", entry("short-lived", 300));
    t.put("E1", "/stale", cacheEntry({ status: 200, headers: { "cache-control": "max-age=0, stale-if-error=3600" }, body: Buffer.from("kept"), storedAt: systemClock.now(), ttlMs: 300 }));
    t.put("E1", "/past", entry("already expired", -1));
    await eventually(async () => (await t.get("E1", "/short")) === undefined, "the short-lived entry expires");
    const stale = await t.get("E1", "/stale");
    assert.equal(stale?.body.toString(), "kept", "kept through its stale-if-error window, as an expired entry");
    assert.equal(await t.get("E1", "/past"), undefined, "an entry past its windows is not stored");
    assert.equal((await t.usage())?.entries, 1, "the expired entry no longer counts");
  });

  it("stays within its byte budget by evicting the least recently used entries", async () => {
    const size = entryBytes(entry("x".repeat(1000))).length;
    const t = await tier({ maxBytes: 3 * size });
    for (const name of ["a", "b", "c"]) t.put("E1", `/${name}`, entry("x".repeat(1000)));
    await eventually(async () => (await t.usage())?.entries === 3, "three entries stored");
    assert.ok(await t.get("E1", "/a"), "/a used: /b is now the least recently used");
    t.put("E1", "/d", entry("x".repeat(1000)));
    await eventually(async () => (await t.get("E1", "/d")) !== undefined, "/d stored");
    assert.equal(await t.get("E1", "/b"), undefined, "the least recently used entry went");
    for (const kept of ["/a", "/c", "/d"]) assert.ok(await t.get("E1", kept), `${kept} kept`);
    assert.deepEqual(await t.usage(), { entries: 3, bytes: 3 * size });
  });

  it("evicts nothing that is not its own, whatever the budget", async () => {
    await raw.set("minifront:control:distribution:E1", "the control plane's");
    const neighbour = await tier();
    neighbour.put("E1", "/neighbour", entry("another tier's"));
    const size = entryBytes(entry("y".repeat(100))).length;
    const t = await tier({ maxBytes: size });
    for (let i = 0; i < 5; i++) t.put("E1", `/${i}`, entry("y".repeat(100)));
    await eventually(async () => (await t.get("E1", "/4")) !== undefined, "the last entry stored");
    assert.deepEqual(await t.usage(), { entries: 1, bytes: size });
    assert.equal(await raw.get("minifront:control:distribution:E1"), "the control plane's");
    assert.ok(await neighbour.get("E1", "/neighbour"));
  });

  it("purges one distribution's entries by exact path and by prefix, query variants included", async () => {
    const t = await tier();
    const keys = ["/img/a.png\u0000", "/img/b.png\u0000", "/img/b.png?v=2\u0000", "/index.html\u0000", "/index.html\u0000\u0000ae:gzip", "/img\u0000"];
    for (const k of keys) t.put("E1", k, entry(k));
    t.put("E2", "/img/a.png\u0000", entry("other distribution"));
    await eventually(async () => (await t.usage())?.entries === 7, "all stored");

    assert.equal(await t.purge("E1", ["/index.html"]), 2, "both encodings of the exact path");
    assert.equal(await t.purge("E1", ["/img/b.png*"]), 2, "a prefix takes the query variants");
    assert.equal(await t.purge("E1", ["/img/*"]), 1);
    assert.ok(await t.get("E1", "/img\u0000"), "/img/* does not match /img");
    assert.ok(await t.get("E2", "/img/a.png\u0000"), "another distribution's entry stays");
    assert.equal(await t.purge("E1", ["/img/*"]), 0, "nothing left: the next node's purge is a no-op");
    assert.equal(await t.purge("E1", ["/*"]), 1);
    assert.deepEqual(await t.usage(), { entries: 1, bytes: entryBytes(entry("other distribution")).length });
  });

  it("clears all of its entries and only its own", async () => {
    const neighbour = await tier();
    neighbour.put("E1", "/n", entry("n"));
    const t = await tier();
    t.put("E1", "/a", entry("a"));
    t.put("E2", "/b", entry("b"));
    await eventually(async () => (await t.usage())?.entries === 2 && (await neighbour.usage())?.entries === 1, "stored");
    await t.clear();
    assert.deepEqual(await t.usage(), { entries: 0, bytes: 0 });
    assert.equal(await t.get("E1", "/a"), undefined);
    assert.equal(await t.purge("E2", ["/*"]), 0, "the distribution index went too");
    assert.ok(await neighbour.get("E1", "/n"));
  });
});

describe("the Redis regional tier without its Redis", { skip: redisSkip }, () => {
  it("answers a miss without waiting while Redis is down, warns once, and serves again once it is back", { timeout: 30_000 }, async () => {
    const redis = await startRedis();
    const warnings: string[] = [];
    const log: Logger = { ...createLogger("silent"), warn: (m) => void warnings.push(m) };
    // A command timeout far beyond the test's own: a lookup that waited for it would fail the test.
    const t = new RedisTier({ url: redis.url, maxBytes: 1024 * 1024, maxObjectBytes: MAX_OBJECT, clock: systemClock, log, commandTimeoutMs: 600_000 });
    try {
      await eventually(async () => (await t.usage()) !== undefined, "the tier connects");
      t.put("E1", "/kept", entry("survives the restart"));
      await eventually(async () => (await t.get("E1", "/kept")) !== undefined, "stored");

      await redis.stop();
      for (let i = 0; i < 5; i++) {
        assert.equal(await t.get("E1", "/kept"), undefined);
        t.put("E1", "/while-down", entry("dropped"));
        assert.equal(await t.purge("E1", ["/*"]), 0);
      }
      assert.equal(warnings.length, 1, warnings.join("\n"));

      await redis.restart();
      await eventually(async () => (await t.get("E1", "/kept"))?.body.toString() === "survives the restart", "the tier answers again after the restart");
      assert.equal(await t.get("E1", "/while-down"), undefined);
    } finally {
      await t.dispose();
      await redis.dispose();
    }
  });

  it("answers a miss when its Redis was never there, and warns once", { timeout: 30_000 }, async () => {
    const redis = await startRedis();
    await redis.dispose();
    const warnings: string[] = [];
    const log: Logger = { ...createLogger("silent"), warn: (m) => void warnings.push(m) };
    const t = new RedisTier({ url: redis.url, maxObjectBytes: MAX_OBJECT, clock: systemClock, log, commandTimeoutMs: 600_000 });
    try {
      assert.equal(await t.get("E1", "/x"), undefined);
      t.put("E1", "/x", entry("x"));
      assert.equal(await t.purge("E1", ["/*"]), 0);
      assert.equal(await t.get("E1", "/x"), undefined);
      assert.equal(warnings.length, 1, warnings.join("\n"));
    } finally {
      await t.dispose();
    }
  });

  it("answers a miss once a Redis that stopped answering exceeds the command timeout", { timeout: 30_000 }, async () => {
    const redis = await startRedis();
    const t = new RedisTier({ url: redis.url, maxBytes: 1024 * 1024, maxObjectBytes: MAX_OBJECT, clock: systemClock, log: createLogger("silent"), commandTimeoutMs: 200 });
    const pid = redis.pid;
    try {
      await eventually(async () => (await t.usage()) !== undefined, "the tier connects");
      assert.ok(pid !== undefined);
      process.kill(pid, "SIGSTOP");
      assert.equal(await t.get("E1", "/anything"), undefined);
      assert.equal(await t.purge("E1", ["/*"]), 0);
    } finally {
      if (pid !== undefined) process.kill(pid, "SIGCONT");
      await t.dispose();
      await redis.dispose();
    }
  });
});
