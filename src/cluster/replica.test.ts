// The local replica of --cluster (replica.ts) on a real SQLite database: a write section's writes
// can be put back exactly, list order included; other nodes' changes and resyncs apply in order.
import { afterEach, beforeEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DatabaseSync } from "node:sqlite";
import { openDatabase } from "../store/database.ts";
import { openDocumentStore } from "../store/document-store.ts";
import { Replica } from "./replica.ts";

describe("Replica", () => {
  let dir: string;
  let db: DatabaseSync;
  let replica: Replica;
  const strays: string[] = [];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "minifront-replica-"));
    db = openDatabase(dir, { durable: false });
    replica = new Replica(db, openDocumentStore(db), (kind) => strays.push(kind));
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const ids = (kind = "k") => replica.list<{ id: string; v: number }>(kind).map((d) => `${d.id}=${d.v}`);

  it("records a write section's ops and purges, and puts every row back on rollback", () => {
    for (const id of ["a", "b", "c"]) replica.put("k", id, { id, v: 0 });
    replica.begin();
    replica.put("k", "a", { id: "a", v: 1 });
    replica.delete("k", "b");
    replica.put("k", "d", { id: "d", v: 1 });
    replica.put("k", "a", { id: "a", v: 2 });
    replica.invalidated("E1", ["/x"]);
    assert.deepEqual(ids(), ["a=2", "c=0", "d=1"]);
    assert.deepEqual(replica.pending()?.ops.map((o) => o.slice(0, 3).join(" ")), ["p k a", "d k b", "p k d", "p k a"]);
    assert.deepEqual(replica.pending()?.purge, [["E1", ["/x"]]]);
    replica.rollback();
    assert.deepEqual(ids(), ["a=0", "b=0", "c=0"], "values and list order as before");
    assert.equal(replica.pending(), undefined);
  });

  it("puts back a clear (the reset endpoint) and the writes around it", () => {
    for (const id of ["a", "b"]) replica.put("k", id, { id, v: 0 });
    replica.begin();
    replica.put("k", "a", { id: "a", v: 1 });
    replica.clear();
    replica.put("k", "b", { id: "b", v: 9 });
    assert.equal(replica.pending()?.clear, true);
    replica.rollback();
    assert.deepEqual(ids(), ["a=0", "b=0"]);
  });

  it("applies other nodes' changes and a full resync, and moves its version", () => {
    replica.apply({ version: 1, ops: [["p", "k", "a", '{"id":"a","v":1}'], ["p", "k", "b", '{"id":"b","v":1}']], purge: [], clear: false });
    replica.apply({ version: 2, ops: [["d", "k", "a"]], purge: [], clear: false });
    assert.deepEqual([replica.applied, ids()], [2, ["b=1"]]);
    replica.replaceAll([{ seq: 1, kind: "k", id: "z", body: '{"id":"z","v":5}' }, { seq: 7, kind: "k", id: "y", body: '{"id":"y","v":5}' }], 9);
    assert.deepEqual([replica.applied, ids()], [9, ["z=5", "y=5"]]);
  });

  it("tells of writes made outside a write section (they are not committed anywhere)", () => {
    strays.length = 0;
    replica.put("lambda/function", "f", {});
    assert.deepEqual(strays, ["lambda/function"]);
  });
});
