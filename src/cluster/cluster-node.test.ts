// Cluster nodes (cluster-node.ts) in this process against a real redis-server, each with its own
// SQLite replica: a write is serialized, committed and applied by every live node before it
// resolves; a commit Redis cannot take is undone; a late or lost node catches up.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DatabaseSync } from "node:sqlite";
import { Redis } from "ioredis";
import { createLogger } from "../log.ts";
import { openDatabase } from "../store/database.ts";
import { openDocumentStore } from "../store/document-store.ts";
import { redisSkip, startRedis, type RedisServer } from "../../test/helpers/redis.ts";
import { joinCluster, type AppliedChanges, type ClusterNode } from "./cluster-node.ts";

interface TestNode {
  readonly node: ClusterNode;
  readonly db: DatabaseSync;
  readonly applied: AppliedChanges[];
  readonly lines: string[];
}

const UNAVAILABLE = (message: string) => `unavailable: ${message}`;

describe("cluster nodes", { skip: redisSkip }, () => {
  let server: RedisServer;
  let admin: Redis;
  const dirs: string[] = [];
  const started: TestNode[] = [];

  async function startNode(seed: Record<string, unknown> = {}): Promise<TestNode> {
    const dir = mkdtempSync(join(tmpdir(), "minifront-node-"));
    dirs.push(dir);
    const db = openDatabase(dir, { durable: false });
    const raw = openDocumentStore(db);
    for (const [id, doc] of Object.entries(seed)) raw.put("k", id, doc);
    const lines: string[] = [];
    const node = await joinCluster(server.url, { db, raw, log: createLogger("info", (line) => lines.push(line)) });
    const applied: AppliedChanges[] = [];
    node.follow((c) => applied.push(c));
    const t = { node, db, applied, lines };
    started.push(t);
    return t;
  }
  const docs = (t: TestNode) => t.node.store.list<{ v: number }>("k").map((d) => d.v);
  const put = (t: TestNode, id: string, v: number) => t.node.write(async () => (t.node.store.put("k", id, { v }), "ok"), UNAVAILABLE);

  before(async () => {
    server = await startRedis();
    admin = new Redis(server.url);
  });
  after(async () => {
    for (const t of started) {
      await t.node.dispose();
      t.db.close();
    }
    admin?.disconnect();
    await server?.dispose();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it("seeds an empty cluster with the first node's documents; a later node gets them", async () => {
    const a = await startNode({ x: { v: 1 } });
    const b = await startNode({ stale: { v: 99 } });
    assert.deepEqual(docs(a), [1]);
    assert.deepEqual(docs(b), [1], "the cluster's documents replace the joining node's own");
    assert.equal(b.node.version(), a.node.version());
  });

  it("applies a write on every live node before the write resolves, with its invalidations", async () => {
    const [a, b] = started as [TestNode, TestNode];
    const out = await a.node.write(async () => {
      a.node.store.put("k", "y", { v: 2 });
      a.node.invalidated("E1", ["/a/*"]);
      return "ok";
    }, UNAVAILABLE);
    assert.equal(out, "ok");
    assert.deepEqual(docs(b), [1, 2]);
    const last = b.applied.at(-1);
    assert.deepEqual([last?.kinds, last?.purge], [new Set(["k"]), [["E1", ["/a/*"]]]]);
    // Writes from both nodes at once are serialized: each sees the other's.
    await Promise.all([put(a, "p", 3), put(b, "q", 4), put(a, "r", 5)]);
    assert.deepEqual(docs(a), docs(b));
    assert.equal(a.node.version(), b.node.version());
  });

  it("undoes a change Redis could not take, and answers unavailable", async () => {
    const [a, b] = started as [TestNode, TestNode];
    const before = docs(a);
    const out = await a.node.write(async () => {
      a.node.store.put("k", "y", { v: 20 });
      a.node.store.delete("k", "x");
      await server.stop("SIGKILL");
      return "ok";
    }, UNAVAILABLE);
    assert.match(out, /^unavailable: The cluster could not store the change/);
    assert.deepEqual(docs(a), before);
    assert.match(await put(a, "z", 6), /^unavailable: The cluster cannot take changes now/);
    assert.deepEqual(docs(a), before);
    await server.restart();
    for (const t of [a, b]) {
      for (let i = 0; i < 200 && !t.lines.some((l) => /back on Redis at .*, resynced to version \d+/.test(l)); i++) await new Promise((r) => setTimeout(r, 25));
      assert.ok(t.lines.some((l) => /warn: cluster: lost Redis at /.test(l)), t.lines.join("\n"));
    }
    assert.equal(await put(b, "z", 6), "ok");
    assert.deepEqual(docs(a), [...before, 6]);
  });

  it("resyncs a node whose Redis lost changes it had, and drops its edge cache", async () => {
    const [a, b] = started as [TestNode, TestNode];
    await admin.flushdb();
    // a's write finds Redis behind it: a resyncs (to nothing) and commits version 1.
    assert.equal(await put(a, "fresh", 7), "ok");
    assert.deepEqual(docs(a), [7]);
    for (let i = 0; i < 200 && docs(b).join() !== "7"; i++) await new Promise((r) => setTimeout(r, 25));
    assert.deepEqual(docs(b), [7]);
    assert.ok(b.applied.some((c) => c.dropCache && c.kinds === "all"));
    assert.ok(b.lines.some((l) => /it lost changes/.test(l)));
  });
});

describe("joining a cluster", { skip: redisSkip }, () => {
  async function joinOnce(server: RedisServer, lines: string[] = []) {
    const dir = mkdtempSync(join(tmpdir(), "minifront-node-"));
    const db = openDatabase(dir, { durable: false });
    try {
      const node = await joinCluster(server.url, { db, raw: openDocumentStore(db), log: createLogger("info", (line) => lines.push(line)) });
      await node.dispose();
    } finally {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }

  it("refuses a Redis that does not fsync every write to its append-only file", async () => {
    const weak = await startRedis(["--appendfsync", "everysec"]);
    try {
      await assert.rejects(joinOnce(weak), /must persist every write before answering \(appendonly yes, appendfsync always\), but it has appendonly yes, appendfsync everysec/);
    } finally {
      await weak.dispose();
    }
  });

  it("warns and goes on when Redis does not let it read the settings", async () => {
    const managed = await startRedis(["--rename-command", "CONFIG", ""]);
    const lines: string[] = [];
    try {
      await joinOnce(managed, lines);
    } finally {
      await managed.dispose();
    }
    assert.ok(lines.some((l) => /warn: cannot read the persistence settings of Redis/.test(l)), lines.join("\n"));
  });
});
