// The conformance suite every CacheStore runs (docs/style.md "one conformance suite per interface"):
// get/put/delete, least-recently-used eviction within the byte budget, purge by invalidation
// path (docs/edge.md §15) in every tier, size accounting (a body held by several tiers counts
// once, §16) and streaming fills (one fill per key at a time). Not a test file itself: each
// store's test file calls cacheStoreSuite with a factory.
import { describe, it, afterEach } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { cacheEntry, type CachedResponse } from "./cached-response.ts";
import type { BodyFill, CacheStore, FillEvents } from "./cache-store.ts";

export interface StoreFactory {
  /** A new, empty store keeping at most `maxBytes`. */
  create(maxBytes: number): CacheStore;
  /** What each entry costs on its own, beyond its body (size accounting). */
  readonly slotBytes: number;
  /** Called after each test. */
  cleanup?(): void;
}

const LARGE = 1 << 30;
const TIERS = ["LOC50-C1", "REC", "Origin Shield"] as const;
const QUIET: FillEvents = { drain: () => undefined, fail: () => undefined };

/** An entry with a body of `bytes` bytes (its last byte `tag`, so bodies tell apart). */
export function entryOf(bytes: number, tag = "x", ttlMs = 60_000): CachedResponse {
  const body = Buffer.alloc(bytes, "b");
  if (bytes > 0) body.write(tag.slice(0, 1), bytes - 1);
  return cacheEntry({ status: 200, headers: { "content-type": "text/plain" }, body, storedAt: 0, ttlMs });
}

/** The body of an entry, wherever the store keeps it. */
export function bodyOf(entry: CachedResponse): Buffer {
  return entry.file ? readFileSync(entry.file.path) : entry.body;
}

/** Whether the file is gone, waiting a bounded while: stores unlink asynchronously. */
export async function fileGone(path: string): Promise<boolean> {
  for (let i = 0; i < 200 && existsSync(path); i++) await new Promise((r) => setTimeout(r, 5));
  return !existsSync(path);
}

const META = { status: 200, headers: { "content-type": "text/plain" }, storedAt: 0, ttlMs: 60_000 };

/** Writes `chunks` into a fill and commits it into `tiers` of `store`. */
async function fillWith(store: CacheStore, fill: BodyFill, chunks: readonly string[], tiers: readonly string[], key: string): Promise<CachedResponse | undefined> {
  for (const c of chunks) fill.write(Buffer.from(c));
  return fill.commit(META, (entry) => {
    for (const t of tiers) store.put(t, "E1", key, entry);
  });
}

export function cacheStoreSuite(name: string, factory: StoreFactory): void {
  describe(`${name} (CacheStore conformance)`, () => {
    afterEach(() => factory.cleanup?.());
    /** What one entry of `bytes` costs in this store. */
    const costOf = (bytes: number): number => {
      const probe = factory.create(LARGE);
      probe.put("P", "E1", "/probe", entryOf(bytes));
      const cost = probe.size.bytes;
      probe.clear();
      return cost;
    };

    it("gives back what was put, per tier, distribution and key", () => {
      const store = factory.create(LARGE);
      assert.equal(store.put("P", "E1", "/a", entryOf(100, "a")), true);
      const got = store.get("P", "E1", "/a");
      assert.ok(got);
      assert.equal(got.status, 200);
      assert.equal(got.headers["content-type"], "text/plain");
      assert.equal(bodyOf(got).length, 100);
      assert.equal(bodyOf(got).at(-1), "a".charCodeAt(0));
      assert.equal(store.get("REC", "E1", "/a"), undefined);
      assert.equal(store.get("P", "E2", "/a"), undefined);
      assert.equal(store.get("P", "E1", "/b"), undefined);
      store.put("P", "E1", "/a", entryOf(50, "z"));
      assert.equal(bodyOf(store.get("P", "E1", "/a") as CachedResponse).at(-1), "z".charCodeAt(0), "a put replaces the tier's entry");
      assert.equal(store.size.entries, 1);
    });

    it("deletes one tier's entry", () => {
      const store = factory.create(LARGE);
      store.put("P", "E1", "/a", entryOf(10));
      store.put("REC", "E1", "/a", entryOf(10));
      assert.equal(store.delete("P", "E1", "/a"), true);
      assert.equal(store.delete("P", "E1", "/a"), false);
      assert.equal(store.get("P", "E1", "/a"), undefined);
      assert.ok(store.get("REC", "E1", "/a"));
    });

    it("evicts the least recently used entries past its byte budget", () => {
      const store = factory.create(3 * costOf(1000) + 10);
      for (const k of ["a", "b", "c"]) store.put("P", "E1", k, entryOf(1000, k));
      assert.ok(store.get("P", "E1", "a")); // fell out of the newest quarter: moves to the recent end
      store.put("P", "E1", "d", entryOf(1000, "d"));
      assert.equal(store.get("P", "E1", "b"), undefined);
      for (const k of ["a", "c", "d"]) assert.ok(store.get("P", "E1", k), k);
      assert.ok(store.size.bytes <= 3 * costOf(1000) + 10);
    });

    it("does not keep an object larger than the whole budget", () => {
      const store = factory.create(costOf(1000));
      store.put("P", "E1", "/small", entryOf(1000));
      assert.equal(store.put("P", "E1", "/big", entryOf(5000)), false);
      assert.equal(store.get("P", "E1", "/big"), undefined);
      assert.ok(store.get("P", "E1", "/small"), "a refused object evicts nothing");
    });

    it("purges an invalidation path's entries in every tier, and only the distribution's", () => {
      const store = factory.create(LARGE);
      // Keys as buildCacheKey makes them: path (and keyed query) before the first NUL.
      const keys = ["/a\u0000", "/a?x=1\u0000", "/b\u0000", "/images/1.png\u0000", "/images/2.png\u0000h:accept=x", "/images2/3.png\u0000"];
      for (const t of TIERS) for (const k of keys) store.put(t, "E1", k, entryOf(10));
      store.put("P", "E2", "/a\u0000", entryOf(10));
      assert.equal(store.purge("E1", ["/a"]), 3, "exact: not /a?x=1");
      assert.equal(store.get("REC", "E1", "/a\u0000"), undefined);
      assert.ok(store.get("REC", "E1", "/a?x=1\u0000"));
      assert.equal(store.purge("E1", ["/images/*", "/images/1.png"]), 6, "a wildcard, and a path it also covers, count each entry once");
      assert.ok(store.get(TIERS[0], "E1", "/images2/3.png\u0000"));
      assert.equal(store.purge("E1", ["/nothing"]), 0);
      assert.equal(store.purge("E1", ["/*"]), 9);
      assert.equal(store.size.entries, 1);
      assert.ok(store.get("P", "E2", "/a\u0000"));
      assert.equal(store.purge("E3", ["/*"]), 0);
    });

    it("counts an object held by three tiers once, and frees it when the last tier lets go", async () => {
      const one = factory.create(LARGE);
      const three = factory.create(LARGE);
      const entry = entryOf(10_000);
      one.put(TIERS[0], "E1", "/a", entry);
      for (const t of TIERS) three.put(t, "E1", "/a", three.get(TIERS[0], "E1", "/a") ?? entry);
      assert.equal(three.size.bytes, one.size.bytes + 2 * factory.slotBytes);
      // A revalidated copy (new storedAt, same body) shares the body too.
      const kept = three.get("REC", "E1", "/a") as CachedResponse;
      three.put("REC", "E1", "/a", { ...kept, storedAt: 5, ttlMs: 10 });
      assert.equal(three.size.bytes, one.size.bytes + 2 * factory.slotBytes);
      three.delete(TIERS[0], "E1", "/a");
      three.delete("REC", "E1", "/a");
      assert.equal(three.size.bytes, one.size.bytes, "still held by one tier");
      three.purge("E1", ["/a"]);
      assert.deepEqual([three.size.entries, three.size.bytes], [0, 0]);
      if (kept.file) assert.ok(await fileGone(kept.file.path), "its file is gone");
    });

    it("fills a key from a stream, once at a time, and counts it once", async () => {
      const store = factory.create(LARGE);
      const fill = store.beginFill("E1", "/f", QUIET);
      assert.ok(fill);
      assert.equal(store.beginFill("E1", "/f", QUIET), undefined, "a second fill of the key is refused");
      const other = store.beginFill("E1", "/g", QUIET);
      assert.ok(other, "another key fills at the same time");
      other.abort();
      fill.write(Buffer.from("hello, "));
      assert.equal(store.size.pendingBytes, 7);
      const entry = await fillWith(store, fill, ["world"], TIERS, "/f");
      assert.ok(entry);
      assert.equal(bodyOf(entry).toString(), "hello, world");
      for (const t of TIERS) assert.equal(bodyOf(store.get(t, "E1", "/f") as CachedResponse).toString(), "hello, world");
      assert.equal(store.size.pendingBytes, 0);
      assert.equal(store.size.bytes, costOf(12) + 2 * factory.slotBytes);
      const again = store.beginFill("E1", "/f", QUIET);
      assert.ok(again, "the key can be filled again once the fill is over");
      again.abort();
    });

    it("keeps nothing of an aborted fill, and frees its key", async () => {
      const store = factory.create(LARGE);
      const fill = store.beginFill("E1", "/f", QUIET);
      assert.ok(fill);
      fill.write(Buffer.alloc(5000));
      fill.abort();
      assert.deepEqual(store.size, { entries: 0, bytes: 0, pendingBytes: 0 });
      const next = store.beginFill("E1", "/f", QUIET);
      assert.ok(next);
      assert.ok(await fillWith(store, next, ["x"], ["P"], "/f"));
      assert.equal(store.size.entries, 1);
    });

    it("lets go of a filled body that no tier keeps", async () => {
      const store = factory.create(costOf(100));
      const fill = store.beginFill("E1", "/big", QUIET);
      assert.ok(fill);
      const entry = await fillWith(store, fill, ["y".repeat(5000)], TIERS, "/big");
      assert.equal(store.size.entries, 0);
      assert.equal(store.size.bytes, 0);
      if (entry?.file) assert.ok(await fileGone(entry.file.path));
    });

    it("clears every tier", () => {
      const store = factory.create(LARGE);
      for (const t of TIERS) store.put(t, "E1", `/${t}`, entryOf(10));
      store.clear();
      assert.deepEqual(store.size, { entries: 0, bytes: 0, pendingBytes: 0 });
      assert.equal(store.get(TIERS[0], "E1", `/${TIERS[0]}`), undefined);
    });
  });
}
