import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { MemoryCache, type CachedResponse } from "./memory-cache.ts";

const entry = (bytes: number): CachedResponse => ({ status: 200, headers: {}, flat: [], body: Buffer.alloc(bytes), storedAt: 0, ttlMs: 1000 });

describe("MemoryCache", () => {
  it("evicts the least recently used entries past its byte budget", () => {
    const cache = new MemoryCache(3 * (1000 + 512));
    cache.set("E1", "a", entry(1000));
    cache.set("E1", "b", entry(1000));
    cache.set("E1", "c", entry(1000));
    assert.ok(cache.get("E1", "a")); // a is now the most recent
    cache.set("E1", "d", entry(1000));
    assert.equal(cache.get("E1", "b"), undefined);
    assert.ok(cache.get("E1", "a"));
    assert.ok(cache.get("E1", "c"));
    assert.ok(cache.get("E1", "d"));
  });
  it("does not store an object larger than the whole budget", () => {
    const cache = new MemoryCache(1000);
    cache.set("E1", "big", entry(5000));
    assert.equal(cache.size.entries, 0);
  });
  it("purges only the given distribution's matching keys", () => {
    const cache = new MemoryCache(1 << 20);
    cache.set("E1", "/a", entry(1));
    cache.set("E1", "/b", entry(1));
    cache.set("E2", "/a", entry(1));
    assert.equal(cache.purge("E1", (k) => k === "/a"), 1);
    assert.equal(cache.get("E1", "/a"), undefined);
    assert.ok(cache.get("E1", "/b"));
    assert.ok(cache.get("E2", "/a"));
    assert.equal(cache.size.bytes, 2 * 513);
  });
});
