import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { MemoryCache, type CachedResponse } from "./memory-cache.ts";

const entry = (bytes: number): CachedResponse => ({ status: 200, headers: {}, flat: [], body: Buffer.alloc(bytes), storedAt: 0, ttlMs: 1000 });

describe("MemoryCache", () => {
  it("evicts the least recently used entries past its byte budget", () => {
    const cache = new MemoryCache(3 * (1000 + 512));
    cache.set("P", "E1", "a", entry(1000));
    cache.set("P", "E1", "b", entry(1000));
    cache.set("P", "E1", "c", entry(1000));
    assert.ok(cache.get("P", "E1", "a")); // a is now the most recent
    cache.set("P", "E1", "d", entry(1000));
    assert.equal(cache.get("P", "E1", "b"), undefined);
    assert.ok(cache.get("P", "E1", "a"));
    assert.ok(cache.get("P", "E1", "c"));
    assert.ok(cache.get("P", "E1", "d"));
  });
  it("moves a hit to the recent end only once it has fallen out of the newest quarter", () => {
    const cache = new MemoryCache(4 * (1000 + 512));
    for (const k of ["a", "b", "c", "d"]) cache.set("P", "E1", k, entry(1000));
    assert.ok(cache.get("P", "E1", "d")); // among the newest: stays where it is
    cache.set("P", "E1", "e", entry(1000)); // evicts a
    assert.equal(cache.get("P", "E1", "a"), undefined);
    assert.ok(cache.get("P", "E1", "b")); // among the older entries: moves to the recent end
    cache.set("P", "E1", "f", entry(1000)); // evicts c, the least recently used, not b
    assert.equal(cache.get("P", "E1", "c"), undefined);
    for (const k of ["b", "d", "e", "f"]) assert.ok(cache.get("P", "E1", k), k);
  });
  it("does not store an object larger than the whole budget", () => {
    const cache = new MemoryCache(1000);
    cache.set("P", "E1", "big", entry(5000));
    assert.equal(cache.size.entries, 0);
  });
  it("purges only the given distribution's matching keys", () => {
    const cache = new MemoryCache(1 << 20);
    cache.set("P", "E1", "/a", entry(1));
    cache.set("P", "E1", "/b", entry(1));
    cache.set("P", "E2", "/a", entry(1));
    assert.equal(cache.purge("E1", (k) => k === "/a"), 1);
    assert.equal(cache.get("P", "E1", "/a"), undefined);
    assert.ok(cache.get("P", "E1", "/b"));
    assert.ok(cache.get("P", "E2", "/a"));
    assert.equal(cache.size.bytes, 2 * 513);
  });
  it("purges a key in every tier", () => {
    const cache = new MemoryCache(1 << 20);
    for (const tier of ["POP1", "POP2", "REC"]) cache.set(tier, "E1", "/a", entry(1));
    assert.equal(cache.purge("E1", (k) => k === "/a"), 3);
    assert.equal(cache.size.entries, 0);
  });
  it("keeps disk-tier entries within their own budget and deletes evicted files", () => {
    const dropped: string[] = [];
    const cache = new MemoryCache(1 << 20, 2500, (p) => dropped.push(p));
    const onDisk = (path: string, size = 1000): CachedResponse => ({ ...entry(0), file: { path, size } });
    cache.set("P", "E1", "small", entry(10));
    cache.set("P", "E1", "/f1", onDisk("f1"));
    cache.set("REC", "E1", "/f1", onDisk("f1")); // the same file backs two tiers
    assert.deepEqual(dropped, []);
    cache.set("P", "E1", "/f2", onDisk("f2", 2000)); // f1 counts once: 3000 > 2500, so the oldest disk entry goes, not the small object
    assert.ok(cache.get("P", "E1", "small"));
    // Evicting f1 from one tier frees no disk while the other still holds it: it leaves both, and its file goes once.
    assert.equal(cache.get("P", "E1", "/f1"), undefined);
    assert.equal(cache.get("REC", "E1", "/f1"), undefined);
    assert.ok(cache.get("P", "E1", "/f2"));
    assert.deepEqual(dropped, ["f1"]);
    cache.set("P", "E1", "/huge", { ...entry(0), file: { path: "huge", size: 9999 } });
    assert.deepEqual(dropped, ["f1", "huge"], "a file larger than the disk budget is not kept");
  });
  it("counts a body stored in several tiers once against the byte budget", () => {
    const cache = new MemoryCache(1 << 20);
    const one = entry(10_000);
    for (const tier of ["POP1", "REC", "Origin Shield"]) cache.set(tier, "E1", "/a", one);
    assert.equal(cache.size.bytes, 10_000 + 3 * 512);
    cache.purge("E1", (k) => k === "/a");
    assert.equal(cache.size.bytes, 0);
  });
  it("counts a disk-tier file once, and deletes it when its last entry goes", () => {
    const dropped: string[] = [];
    const cache = new MemoryCache(1 << 20, 1 << 20, (p) => dropped.push(p));
    const file: CachedResponse = { ...entry(0), file: { path: "f", size: 5000 } };
    for (const tier of ["POP1", "POP2", "REC"]) cache.set(tier, "E1", "/f", file);
    assert.equal(cache.size.diskBytes, 5000);
    cache.purge("E1", (k) => k === "/f");
    assert.equal(cache.size.diskBytes, 0);
    assert.deepEqual(dropped, ["f"]);
  });
  it("purges thousands of disk entries, each file deleted once", () => {
    const dropped = new Set<string>();
    const cache = new MemoryCache(1 << 30, 1 << 30, (p) => dropped.add(p));
    for (let i = 0; i < 5000; i++) cache.set("P", "E1", `/f${i}`, { ...entry(0), file: { path: `f${i}`, size: 10 } });
    assert.equal(cache.purge("E1", () => true), 5000);
    assert.equal(dropped.size, 5000);
    assert.equal(cache.size.diskBytes, 0);
  });
});
