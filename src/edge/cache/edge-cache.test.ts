import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EdgeCache } from "./edge-cache.ts";
import { SLOT_BYTES } from "./memory-store.ts";
import { bodyOf, cacheStoreSuite, entryOf } from "./cache-store.suite.ts";
import type { CachedResponse } from "./cached-response.ts";
import type { FillEvents } from "./cache-store.ts";

const root = mkdtempSync(join(tmpdir(), "minifront-edge-cache-"));
after(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const edgeCache = (memoryBytes: number, diskBytes: number, memoryObjectBytes: number) => new EdgeCache({ memoryBytes, diskBytes, memoryObjectBytes, diskDir: join(root, String(++n)) });
const QUIET: FillEvents = { drain: () => undefined, fail: () => undefined };
const META = { status: 200, headers: {}, storedAt: 0, ttlMs: 1000 };

// Small objects: everything in the memory store. Large ones: every body on disk (fills spill
// from memory at their first byte).
cacheStoreSuite("EdgeCache, small objects", { create: (maxBytes) => edgeCache(maxBytes, maxBytes, 1 << 20), slotBytes: SLOT_BYTES });
cacheStoreSuite("EdgeCache, large objects", { create: (maxBytes) => edgeCache(maxBytes, maxBytes, 0), slotBytes: 0 });

describe("EdgeCache", () => {
  it("keeps bodies up to memoryObjectBytes in memory and larger ones on disk", () => {
    const cache = edgeCache(1 << 20, 1 << 20, 1000);
    cache.put("P", "E1", "/small", entryOf(1000));
    cache.put("P", "E1", "/large", entryOf(1001));
    assert.equal(cache.get("P", "E1", "/small")?.file, undefined);
    assert.equal(cache.get("P", "E1", "/large")?.file?.size, 1001);
    const usage = cache.usage();
    assert.equal(usage.entries, 2);
    assert.equal(usage.diskBytes, 1001);
    assert.equal(usage.bytes, cache.memory.size.bytes);
  });

  it("keeps one entry per tier and key across both stores", () => {
    const cache = edgeCache(1 << 20, 1 << 20, 1000);
    cache.put("P", "E1", "/k", entryOf(5000, "d"));
    cache.put("P", "E1", "/k", entryOf(10, "m"));
    assert.deepEqual([cache.memory.size.entries, cache.disk.size.entries], [1, 0]);
    assert.equal(bodyOf(cache.get("P", "E1", "/k") as CachedResponse).toString().at(-1), "m");
    assert.equal(cache.delete("P", "E1", "/k"), true);
    assert.equal(cache.size.entries, 0);
  });

  it("moves a fill to disk once it outgrows memoryObjectBytes", async () => {
    const cache = edgeCache(1 << 20, 1 << 20, 8);
    const fill = cache.beginFill("E1", "/s", QUIET);
    assert.ok(fill);
    fill.write(Buffer.from("01234"));
    assert.equal(cache.memory.size.pendingBytes, 5);
    fill.write(Buffer.from("56789"));
    assert.deepEqual([cache.memory.size.pendingBytes, cache.disk.size.pendingBytes], [0, 10]);
    assert.equal(cache.beginFill("E1", "/s", QUIET), undefined, "the key stays reserved after the move");
    const entry = await fill.commit(META, (e) => cache.put("P", "E1", "/s", e));
    assert.equal(entry?.file?.size, 10);
    assert.equal(bodyOf(cache.get("P", "E1", "/s") as CachedResponse).toString(), "0123456789");
    assert.equal(cache.usage().diskBytes, 10);
  });

  it("fills straight to disk when the declared length is over memoryObjectBytes", async () => {
    const cache = edgeCache(1 << 20, 1 << 20, 8);
    const fill = cache.beginFill("E1", "/d", QUIET, 9);
    assert.ok(fill);
    fill.write(Buffer.from("x"));
    assert.deepEqual([cache.memory.size.pendingBytes, cache.disk.size.pendingBytes], [0, 1]);
    fill.abort();
    assert.equal(cache.size.pendingBytes, 0);
  });
});
