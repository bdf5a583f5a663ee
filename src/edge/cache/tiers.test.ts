import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { cacheEntry } from "./cached-response.ts";
import { MemoryStore } from "./memory-store.ts";
import { EdgeLocations, POP_HEADER, layerOf, lookUp, storeInTiers, tiersOf } from "./tiers.ts";

const entry = (body: string, storedAt: number, ttlMs: number) => cacheEntry({ status: 200, headers: {}, body: Buffer.from(body), storedAt, ttlMs });

describe("edge locations and cache tiers (docs/edge.md §16)", () => {
  const locations = new EdgeLocations(["LOC50-C1", "LOC52-C2"]);

  it("picks the POP a viewer names (any case), else the first", () => {
    assert.equal(locations.popFor({}).code, "LOC50-C1");
    assert.equal(locations.popFor({ [POP_HEADER]: "loc52-c2" }).code, "LOC52-C2");
    assert.equal(locations.popFor({ [POP_HEADER]: "nowhere" }).code, "LOC50-C1");
    assert.deepEqual(tiersOf(locations.defaultPop, false), ["LOC50-C1", "REC"]);
    assert.deepEqual(tiersOf(locations.defaultPop, true), ["LOC50-C1", "REC", "Origin Shield"]);
  });

  it("finds a fresh entry in a tier behind the POP and copies it into the tiers in front", () => {
    const cache = new MemoryStore(1 << 20);
    const tiers = tiersOf(locations.defaultPop, true);
    cache.put("Origin Shield", "D", "k", entry("x", 0, 1000));
    const hit = lookUp(cache, tiers, "D", "k", 10);
    assert.equal(hit?.tier, 2);
    assert.equal(layerOf(hit?.tier ?? 0), "Origin Shield");
    assert.equal(cache.get("LOC50-C1", "D", "k")?.body.toString(), "x");
    assert.equal(cache.get("REC", "D", "k")?.body.toString(), "x");
  });

  it("passes over an expired entry (reporting the first one) to a fresh one further back", () => {
    const cache = new MemoryStore(1 << 20);
    const tiers = tiersOf(locations.defaultPop, false);
    cache.put("LOC50-C1", "D", "k", entry("old", 0, 10));
    cache.put("REC", "D", "k", entry("new", 50, 1000));
    const stale: string[] = [];
    const hit = lookUp(cache, tiers, "D", "k", 100, (e) => stale.push(e.body.toString()));
    assert.equal(hit?.entry.body.toString(), "new");
    assert.deepEqual(stale, ["old"]);
  });

  it("a miss stores in every tier it went through", () => {
    const cache = new MemoryStore(1 << 20);
    const tiers = tiersOf(locations.defaultPop, true);
    storeInTiers(cache, tiers, "D", "k", entry("x", 0, 1000));
    for (const t of tiers) assert.ok(cache.get(t, "D", "k"));
    assert.equal(lookUp(cache, tiers, "D", "other", 0), undefined);
  });
});
