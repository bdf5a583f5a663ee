// The index both cache stores share: entries of every tier in one least-recently-used Map (a
// Map's insertion order is the recency list: a hit re-inserts, approximately: see get()), bodies
// counted once however many entries hold them (a reference count per body), and per
// distribution a map from key path to entries, so an invalidation finds its entries without
// walking the cache. What a body is (a Buffer, a file) and how it is let go belong to the store.
import { keyPath } from "../stages/cache-key.ts";
import type { CachedResponse } from "./cached-response.ts";
import { invalidated } from "./invalidation.ts";

/** How a store sees an entry's body: what identifies it (shared between tiers) and what it costs. */
export interface BodyCost {
  readonly id: unknown;
  readonly bytes: number;
}

export interface StoreIndexOptions {
  /** Byte budget: bodies (each once) plus `slotBytes` per entry. */
  readonly maxBytes: number;
  /** What each entry costs on its own (the index entry, its key), whatever its body. */
  readonly slotBytes: number;
  readonly bodyOf: (entry: CachedResponse) => BodyCost;
  /** Called when the last entry holding a body goes. */
  readonly release: (id: unknown) => void;
}

/** One entry as a listing shows it. */
export interface CacheListing {
  readonly tier: string;
  readonly dist: string;
  readonly key: string;
  readonly entry: CachedResponse;
}

interface Slot {
  readonly id: string;
  readonly dist: string;
  readonly path: string;
  readonly value: CachedResponse;
  readonly body: unknown;
  /** `uses` when the slot last moved to the recent end of the recency list. */
  seq: number;
}

export class StoreIndex {
  private readonly o: StoreIndexOptions;
  private readonly slots = new Map<string, Slot>();
  /** dist → key path → ids of the slots (every tier) holding it. */
  private readonly byPath = new Map<string, Map<string, Set<string>>>();
  /** Per body: how many slots hold it, and the bytes it was counted with. */
  private readonly holders = new Map<unknown, { count: number; bytes: number }>();
  private bytes = 0;
  /** Counts moves to the recent end of `slots` (stores and re-inserted hits). */
  private uses = 0;

  constructor(options: StoreIndexOptions) {
    this.o = options;
  }

  /**
   * The entry of one tier, marked as recently used. A hit re-inserts the entry only once it has
   * fallen out of the newest quarter of the recency list (more than size/4 moves since its own),
   * so a hot object's hits cost no Map writes. This is approximate LRU: an entry hit while still
   * in the newest quarter keeps its place, and entries stored after it that are never hit can
   * outlive it by up to that quarter.
   */
  get(tier: string, dist: string, key: string): CachedResponse | undefined {
    const id = `${tier}\u0001${dist}\u0001${key}`;
    const s = this.slots.get(id);
    if (!s) return undefined;
    if (this.uses - s.seq > this.slots.size >> 2) {
      this.slots.delete(id);
      this.slots.set(id, s);
      s.seq = ++this.uses;
    }
    return s.value;
  }

  /** Whether `cost` could ever fit the budget as one entry. */
  fits(cost: BodyCost): boolean {
    return cost.bytes + this.o.slotBytes <= this.o.maxBytes;
  }

  /** Keeps the entry (the caller checked `fits`), then evicts the least recently used past the budget. */
  put(tier: string, dist: string, key: string, value: CachedResponse): void {
    const id = `${tier}\u0001${dist}\u0001${key}`;
    const old = this.slots.get(id);
    if (old?.value === value) {
      // The same entry again (a copy between tiers, a repeated store): only its recency changes.
      this.slots.delete(id);
      this.slots.set(id, old);
      old.seq = ++this.uses;
      return;
    }
    const cost = this.o.bodyOf(value);
    // Hold the new body before letting go of the old one: they may be the same body.
    this.hold(cost);
    if (old) this.remove(old);
    const path = keyPath(key);
    this.slots.set(id, { id, dist, path, value, body: cost.id, seq: ++this.uses });
    this.bytes += this.o.slotBytes;
    let paths = this.byPath.get(dist);
    if (!paths) this.byPath.set(dist, (paths = new Map()));
    let ids = paths.get(path);
    if (!ids) paths.set(path, (ids = new Set()));
    ids.add(id);
    for (const oldest of this.slots.values()) {
      if (this.bytes <= this.o.maxBytes || oldest.id === id) break;
      this.remove(oldest);
    }
  }

  delete(tier: string, dist: string, key: string): boolean {
    const s = this.slots.get(`${tier}\u0001${dist}\u0001${key}`);
    if (s) this.remove(s);
    return s !== undefined;
  }

  /** Removes every tier's entries of `dist` whose key path the invalidation paths match (docs/edge.md §15). */
  purge(dist: string, paths: readonly string[]): number {
    const byPath = this.byPath.get(dist);
    if (!byPath) return 0;
    const doomed: Slot[] = [];
    for (const p of paths) for (const ids of invalidated(byPath, p)) for (const id of ids) doomed.push(this.slots.get(id) as Slot);
    let n = 0;
    // Two paths may match one entry: the second sees it gone.
    for (const s of doomed) if (this.slots.get(s.id) === s && this.remove(s)) n++;
    return n;
  }

  /** Every entry with its tier, distribution and key, least recently used first (the dashboard's cache browser). */
  *entries(): Generator<CacheListing> {
    for (const s of this.slots.values()) {
      const a = s.id.indexOf("\u0001");
      const b = s.id.indexOf("\u0001", a + 1);
      yield { tier: s.id.slice(0, a), dist: s.dist, key: s.id.slice(b + 1), entry: s.value };
    }
  }

  /** Whether some entry holds the body `id`. */
  holds(id: unknown): boolean {
    return this.holders.has(id);
  }

  clear(): void {
    for (const s of [...this.slots.values()]) this.remove(s);
  }

  get size(): { entries: number; bytes: number } {
    return { entries: this.slots.size, bytes: this.bytes };
  }

  private hold(cost: BodyCost): void {
    const h = this.holders.get(cost.id);
    if (h) h.count++;
    else {
      this.holders.set(cost.id, { count: 1, bytes: cost.bytes });
      this.bytes += cost.bytes;
    }
  }

  private remove(s: Slot): boolean {
    if (!this.slots.delete(s.id)) return false;
    this.bytes -= this.o.slotBytes;
    const paths = this.byPath.get(s.dist);
    const ids = paths?.get(s.path);
    if (paths && ids) {
      ids.delete(s.id);
      if (ids.size === 0) paths.delete(s.path);
      if (paths.size === 0) this.byPath.delete(s.dist);
    }
    const h = this.holders.get(s.body);
    if (h && --h.count === 0) {
      this.holders.delete(s.body);
      this.bytes -= h.bytes;
      this.o.release(s.body);
    }
    return true;
  }
}
