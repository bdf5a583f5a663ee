// What the memory and disk stores share: the lookups, deletes, purges and figures that go
// straight to their StoreIndex, one fill reservation per key, and the pending-bytes count of
// fills under way. Each store adds how it keeps a body (put) and how it fills one (beginFill).
import type { CachedResponse } from "./cached-response.ts";
import { FillReservations, type BodyFill, type CacheSize, type CacheStore, type FillEvents } from "./cache-store.ts";
import type { CacheListing, StoreIndex } from "./store-index.ts";

export abstract class IndexedStore implements CacheStore {
  protected readonly index: StoreIndex;
  protected readonly reservations = new FillReservations();
  /** Bytes written by fills not yet committed or aborted. */
  protected pending = 0;

  constructor(index: StoreIndex) {
    this.index = index;
  }

  abstract put(tier: string, dist: string, key: string, entry: CachedResponse): boolean;
  abstract beginFill(dist: string, key: string, events: FillEvents, declared?: number): BodyFill | undefined;

  get(tier: string, dist: string, key: string): CachedResponse | undefined {
    return this.index.get(tier, dist, key);
  }

  delete(tier: string, dist: string, key: string): boolean {
    return this.index.delete(tier, dist, key);
  }

  purge(dist: string, paths: readonly string[]): number {
    return this.index.purge(dist, paths);
  }

  entries(): Iterable<CacheListing> {
    return this.index.entries();
  }

  clear(): void {
    this.index.clear();
  }

  get size(): CacheSize {
    return { ...this.index.size, pendingBytes: this.pending };
  }
}
