// The contract of an edge cache store (docs/edge.md §16 tiers, §15 invalidation). One store holds
// the entries of every tier (each POP, the regional edge cache, Origin Shield), addressed by
// (tier, distribution, cache key); a body held by several tiers (a hit copied forward, a
// revalidated copy) is kept once and counts once against the store's byte budget. Stores evict
// the least recently used entries past that budget. cache-store.suite.ts is the conformance
// suite every implementation runs (memory-store.ts, disk-store.ts, edge-cache.ts).
import type { CachedResponse } from "./cached-response.ts";

/** An entry's fields before its body is known (a streaming fill). */
export type EntryMeta = Pick<CachedResponse, "status" | "headers" | "storedAt" | "ttlMs">;

export interface CacheSize {
  /** Entries over all tiers (one object in three tiers is three entries). */
  readonly entries: number;
  /** Bytes counted against the store's budget: each body once, however many tiers hold it. */
  readonly bytes: number;
  /** Bytes of streaming fills not yet committed. */
  readonly pendingBytes: number;
}

/** What a streaming fill tells its writer. */
export interface FillEvents {
  /** A write that returned false has been flushed: writing may go on. */
  drain(): void;
  /** The fill cannot complete (e.g. disk full); it has let go of its bytes, and commit will keep nothing. */
  fail(err: Error): void;
}

/**
 * A body being filled from a stream, for one (distribution, key). Only one fill of a key runs at
 * a time (beginFill answers undefined for a second), so two concurrent misses cannot both count
 * the object or overwrite each other's bytes. Exactly one of commit or abort ends it.
 */
export interface BodyFill {
  /** Appends body bytes; false asks the writer to wait for `drain`. */
  write(chunk: Buffer): boolean;
  /**
   * The body is complete: builds the entry and hands it to `keep`, which puts it in the tiers the
   * request went through, then lets go of the fill's own hold (a body no tier took is deleted).
   * Resolves to the entry, or undefined when the fill failed.
   */
  commit(meta: EntryMeta, keep: (entry: CachedResponse) => void): Promise<CachedResponse | undefined>;
  /** Gives up: the bytes written so far are dropped. */
  abort(): void;
}

export interface CacheStore {
  /** One tier's entry, marked as recently used; undefined when absent. A hit is a map lookup. */
  get(tier: string, dist: string, key: string): CachedResponse | undefined;
  /**
   * Keeps `entry` in `tier`, replacing what the tier had for the key, and evicts least recently
   * used entries past the budget. False when the store does not keep it (larger than the budget,
   * or a body the store cannot hold).
   */
  put(tier: string, dist: string, key: string, entry: CachedResponse): boolean;
  /** Removes one tier's entry; true when there was one. */
  delete(tier: string, dist: string, key: string): boolean;
  /**
   * Removes, in every tier, the entries of `dist` whose key path (keyPath) an invalidation path
   * matches (docs/edge.md §15: exact, or a prefix ending in `*`); returns how many entries went. Looks only at
   * the distribution's own paths, never the whole cache.
   */
  purge(dist: string, paths: readonly string[]): number;
  /** Starts a streaming fill of (dist, key); undefined while another fill of that key is under way. */
  beginFill(dist: string, key: string, events: FillEvents, declared?: number): BodyFill | undefined;
  /** Removes everything. */
  clear(): void;
  readonly size: CacheSize;
}

/** The keys with a fill under way, so a second fill of one key is refused (BodyFill). */
export class FillReservations {
  private readonly keys = new Set<string>();

  /** Reserves (dist, key); undefined when it is taken, else a release function (idempotent). */
  take(dist: string, key: string): (() => void) | undefined {
    const k = `${dist}\u0001${key}`;
    if (this.keys.has(k)) return undefined;
    this.keys.add(k);
    let held = true;
    return () => {
      if (held) this.keys.delete(k);
      held = false;
    };
  }
}
