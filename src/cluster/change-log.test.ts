// The Redis side of --cluster against a real redis-server (test/helpers/redis.ts): a commit is all
// or nothing, guarded by the lock token and the version it was made on; `after` finds gaps.
import { after, before, beforeEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import { Redis } from "ioredis";
import { redisSkip, startRedis, type RedisServer } from "../../test/helpers/redis.ts";
import { ChangeLog } from "./change-log.ts";
import { ClusterLock } from "./cluster-lock.ts";

describe("ChangeLog", { skip: redisSkip }, () => {
  let server: RedisServer;
  let redis: Redis;
  let log: ChangeLog;
  let lock: ClusterLock;
  before(async () => {
    server = await startRedis();
    redis = new Redis(server.url);
    log = new ChangeLog(redis, "t:");
    lock = new ClusterLock(redis, "t:lock");
  });
  beforeEach(() => redis.flushdb());
  after(async () => {
    redis?.disconnect();
    await server?.dispose();
  });

  it("commits documents, the version and a stream entry together", async () => {
    const held = await lock.acquire(1000);
    assert.equal(await log.commit(held.token, 0, { ops: [["p", "k", "b", '{"n":1}'], ["p", "k", "a", '{"n":2}']], purge: [["E1", ["/*"]]], clear: false }), 1);
    assert.equal(await log.commit(held.token, 1, { ops: [["p", "k", "b", '{"n":3}'], ["p", "k", "c", "{}"], ["d", "k", "a"], ["p", "k", "a", "{}"]], purge: [], clear: false }), 2);
    await held.release();
    const snap = await log.snapshot();
    assert.equal(snap.version, 2);
    // An update keeps the document's place in list order and a deleted one comes back last, as in the SQLite store.
    assert.deepEqual(snap.rows.map((r) => [r.kind, r.id, r.body]), [["k", "b", '{"n":3}'], ["k", "c", "{}"], ["k", "a", "{}"]]);
    const { changes, newest, gap } = await log.after(0);
    assert.equal(newest, 2);
    assert.equal(gap, false);
    assert.deepEqual(changes.map((c) => [c.version, c.purge]), [[1, [["E1", ["/*"]]]], [2, []]]);
  });

  it("refuses a commit without the lock, or made on an older version, and writes nothing", async () => {
    const held = await lock.acquire(1000);
    await assert.rejects(log.commit("not-the-token", 0, { ops: [["p", "k", "x", "{}"]], purge: [], clear: false }), /LOCKLOST/);
    await log.commit(held.token, 0, { ops: [["p", "k", "x", "{}"]], purge: [], clear: false });
    await assert.rejects(log.commit(held.token, 0, { ops: [["p", "k", "y", "{}"]], purge: [], clear: false }), /STALE/);
    await held.release();
    const snap = await log.snapshot();
    assert.deepEqual([snap.version, snap.rows.map((r) => r.id)], [1, ["x"]]);
  });

  it("reports a gap when the stream was trimmed past a node, or Redis lost changes the node had", async () => {
    const held = await lock.acquire(1000);
    for (let v = 0; v < 3; v++) await log.commit(held.token, v, { ops: [["p", "k", String(v), "{}"]], purge: [], clear: false });
    await held.release();
    assert.equal((await log.after(1)).gap, false);
    await redis.xtrim("t:changes", "MAXLEN", 1);
    assert.deepEqual(await log.after(2).then((r) => [r.gap, r.changes.length]), [false, 1]);
    assert.equal((await log.after(1)).gap, true, "change 2 is gone from the stream");
    assert.equal((await log.after(5)).gap, true, "Redis is behind the node");
    assert.equal((await log.after(3)).gap, false);
  });
});

describe("ClusterLock", { skip: redisSkip }, () => {
  let server: RedisServer;
  let redis: Redis;
  before(async () => {
    server = await startRedis();
    redis = new Redis(server.url);
  });
  after(async () => {
    redis?.disconnect();
    await server?.dispose();
  });

  it("is held by one at a time and released only by its holder's token", async () => {
    const lock = new ClusterLock(redis, "l:1");
    const first = await lock.acquire(1000);
    await assert.rejects(lock.acquire(50), /held the cluster write lock/);
    let secondTaken = false;
    const second = lock.acquire(5000).then((h) => ((secondTaken = true), h));
    await new Promise((r) => setTimeout(r, 30));
    assert.equal(secondTaken, false);
    await first.release();
    const held = await second;
    await first.release(); // a stale holder releasing again leaves the new holder's lock alone
    assert.equal(await redis.get("l:1"), held.token);
    await held.release();
    assert.equal(await redis.get("l:1"), null);
  });

  it("can be taken once a holder that died lets it expire", async () => {
    await redis.set("l:2", "a-dead-node", "PX", 200);
    const held = await new ClusterLock(redis, "l:2").acquire(5000);
    assert.equal(await redis.get("l:2"), held.token);
    await held.release();
  });

  it("rejects with LockUnavailable when Redis cannot be reached", async () => {
    const offline = new Redis(server.url, { lazyConnect: true, enableOfflineQueue: false });
    await assert.rejects(new ClusterLock(offline, "l:3").acquire(100), /cannot reach Redis/);
    offline.disconnect();
  });
});
