import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { NULL_VERSION, ObjectVersions, type VersioningState } from "./object-versions.ts";
import { S3Storage } from "./storage.ts";

/** The s3_objects table as data directories made before versioning have it. */
const OLD_SCHEMA = `CREATE TABLE s3_objects (bucket TEXT NOT NULL, key TEXT NOT NULL, blob TEXT NOT NULL, size INTEGER NOT NULL,
  etag TEXT NOT NULL, last_modified INTEGER NOT NULL, meta TEXT NOT NULL, PRIMARY KEY (bucket, key)) WITHOUT ROWID`;

function versions(): ObjectVersions<object> {
  const db = new DatabaseSync(":memory:");
  db.exec(OLD_SCHEMA);
  return new ObjectVersions<object>(db);
}

const obj = (key: string, versionId: string, blob: string) => ({ bucket: "b", key, blob, size: 1, etag: '"e"', lastModified: 1, meta: {}, versionId });
const marker = (versionId: string) => ({ versionId, lastModified: 2 });
const page = (v: ObjectVersions<object>) => v.list("b", { prefix: "", delimiter: undefined, keyMarker: "", versionIdMarker: undefined, maxKeys: 1000 });
const summary = (v: ObjectVersions<object>) => page(v).versions.map((r) => `${r.key}:${r.versionId}${r.deleteMarker ? "(marker)" : ""}${r.isLatest ? "*" : ""}`);

describe("object versions (S3 user guide, Retaining multiple versions of objects)", () => {
  it("unversioned: a write replaces and hands back the old blob; a delete removes", () => {
    const v = versions();
    assert.deepEqual(v.put(obj("k", NULL_VERSION, "b1"), undefined), []);
    assert.deepEqual(v.put(obj("k", NULL_VERSION, "b2"), undefined), ["b1"]);
    assert.deepEqual(v.deleteLatest("b", "k", undefined, marker("x")), { versionId: undefined, deleteMarker: false, blobs: ["b2"] });
    assert.deepEqual(summary(v), []);
  });

  it("enabled: writes stack up, a delete adds a marker, deleting the marker by id brings the object back", () => {
    const v = versions();
    const state: VersioningState = "Enabled";
    v.put(obj("k", "v1", "b1"), state);
    v.put(obj("k", "v2", "b2"), state);
    assert.deepEqual(summary(v), ["k:v2*", "k:v1"]);
    const del = v.deleteLatest("b", "k", state, marker("m1"));
    assert.deepEqual(del, { versionId: "m1", deleteMarker: true, blobs: [] });
    assert.equal(v.get("b", "k")?.deleteMarker, true);
    assert.deepEqual(summary(v), ["k:m1(marker)*", "k:v2", "k:v1"]);
    assert.deepEqual(v.deleteVersion("b", "k", "m1"), { versionId: "m1", deleteMarker: true, blobs: [] });
    assert.equal(v.get("b", "k")?.versionId, "v2");
    assert.deepEqual(v.deleteVersion("b", "k", "v2")?.blobs, ["b2"]);
    assert.deepEqual(summary(v), ["k:v1*"]);
    assert.equal(v.deleteVersion("b", "k", "nope"), undefined);
  });

  it("suspended: the null version is replaced by writes and by delete markers; versions from before stay", () => {
    const v = versions();
    v.put(obj("k", "v1", "b1"), "Enabled");
    assert.deepEqual(v.put(obj("k", NULL_VERSION, "n1"), "Suspended"), []);
    assert.deepEqual(v.put(obj("k", NULL_VERSION, "n2"), "Suspended"), ["n1"]);
    assert.deepEqual(v.deleteLatest("b", "k", "Suspended", marker("ignored")), { versionId: NULL_VERSION, deleteMarker: true, blobs: ["n2"] });
    assert.deepEqual(summary(v), ["k:null(marker)*", "k:v1"]);
    assert.deepEqual(v.put(obj("k", NULL_VERSION, "n3"), "Suspended"), []);
    assert.deepEqual(summary(v), ["k:null*", "k:v1"]);
  });

  it("lists keys in order, each key's versions newest first, paged by key and version markers", () => {
    const v = versions();
    for (const [key, id] of [["a", "a1"], ["b", "b1"], ["a", "a2"], ["c/x", "c1"], ["c/y", "c2"]] as const) v.put(obj(key, id, `${id}-blob`), "Enabled");
    assert.deepEqual(summary(v), ["a:a2*", "a:a1", "b:b1*", "c/x:c1*", "c/y:c2*"]);
    const first = v.list("b", { prefix: "", delimiter: undefined, keyMarker: "", versionIdMarker: undefined, maxKeys: 1 });
    assert.deepEqual([first.truncated, first.next], [true, { key: "a", versionId: "a2" }]);
    const second = v.list("b", { prefix: "", delimiter: undefined, keyMarker: "a", versionIdMarker: "a2", maxKeys: 2 });
    assert.deepEqual(second.versions.map((r) => r.versionId), ["a1", "b1"]);
    const rolled = v.list("b", { prefix: "", delimiter: "/", keyMarker: "", versionIdMarker: undefined, maxKeys: 10 });
    assert.deepEqual([rolled.versions.length, rolled.commonPrefixes], [3, ["c/"]]);
    const afterKey = v.list("b", { prefix: "", delimiter: undefined, keyMarker: "a", versionIdMarker: undefined, maxKeys: 10 });
    assert.deepEqual(afterKey.versions.map((r) => r.versionId), ["b1", "c1", "c2"]);
  });

  it("a data directory from before versioning opens with its objects as null versions", () => {
    const dir = mkdtempSync(join(tmpdir(), "minifront-versions-"));
    try {
      const db = new DatabaseSync(join(dir, "db.sqlite"));
      db.exec(OLD_SCHEMA);
      db.exec("CREATE TABLE s3_buckets (name TEXT PRIMARY KEY, created INTEGER NOT NULL, region TEXT NOT NULL, config TEXT NOT NULL)");
      db.prepare("INSERT INTO s3_objects VALUES ('b', 'old.txt', '00000000-0000-0000-0000-000000000000', 3, '\"e\"', 5, '{}')").run();
      const storage = new S3Storage(db, dir);
      assert.equal(storage.getObject("b", "old.txt")?.versionId, NULL_VERSION);
      assert.equal(storage.getVersion("b", "old.txt", NULL_VERSION)?.isLatest, true);
      db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
