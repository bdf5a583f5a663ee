import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { MemoryStore, SLOT_BYTES } from "./memory-store.ts";
import { cacheStoreSuite, entryOf } from "./cache-store.suite.ts";

cacheStoreSuite("MemoryStore", { create: (maxBytes) => new MemoryStore(maxBytes), slotBytes: SLOT_BYTES });

describe("MemoryStore", () => {
  it("counts a body with its rendered head and header map, and each entry's slot", () => {
    const store = new MemoryStore(1 << 20);
    const e = entryOf(10_000);
    store.put("P", "E1", "/a", e);
    assert.equal(store.size.bytes, 10_000 + 512 + (e.head?.text.length ?? 0) + SLOT_BYTES);
  });

  it("moves a hit to the recent end only once it has fallen out of the newest quarter", () => {
    const one = new MemoryStore(1 << 20);
    one.put("P", "E1", "/probe", entryOf(1000));
    const store = new MemoryStore(4 * one.size.bytes);
    for (const k of ["a", "b", "c", "d"]) store.put("P", "E1", k, entryOf(1000));
    assert.ok(store.get("P", "E1", "d")); // among the newest: stays where it is
    store.put("P", "E1", "e", entryOf(1000)); // evicts a
    assert.equal(store.get("P", "E1", "a"), undefined);
    assert.ok(store.get("P", "E1", "b")); // among the older entries: moves to the recent end
    store.put("P", "E1", "f", entryOf(1000)); // evicts c, the least recently used, not b
    assert.equal(store.get("P", "E1", "c"), undefined);
    for (const k of ["b", "d", "e", "f"]) assert.ok(store.get("P", "E1", k), k);
  });

  it("refuses an entry whose body is a file (the disk store's)", () => {
    const store = new MemoryStore(1 << 20);
    assert.equal(store.put("P", "E1", "/f", { ...entryOf(0), file: { path: "/nowhere", size: 10 } }), false);
    assert.equal(store.size.entries, 0);
  });
});
