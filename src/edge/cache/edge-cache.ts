// The edge's cache: a memory store for objects up to memoryObjectBytes and a disk store for
// larger ones (--memory-object-max), behind one CacheStore. A key's entry in a tier lives in one
// of the two (putting it in one removes it from the other). A hit looks in memory first, so a
// small object's hit is one lookup; a large object's is two.
//
// A streaming fill starts in memory and moves to a disk file once it outgrows memoryObjectBytes
// (or from the start when the origin declares a larger Content-Length). Only one fill of a key
// runs at a time, whichever store it ends in.
import type { CachedResponse } from "./cached-response.ts";
import { FillReservations, type BodyFill, type CacheSize, type CacheStore, type EntryMeta, type FillEvents } from "./cache-store.ts";
import { MemoryStore } from "./memory-store.ts";
import { DiskStore } from "./disk-store.ts";
import type { CacheListing } from "./store-index.ts";

export interface EdgeCacheOptions {
  /** The memory store's budget (--cache-size). */
  readonly memoryBytes: number;
  /** The disk store's budget (--disk-cache-size). */
  readonly diskBytes: number;
  /** Where the disk store keeps its files (emptied at start). */
  readonly diskDir: string;
  /** Bodies larger than this go to disk (--memory-object-max). */
  readonly memoryObjectBytes: number;
}

export class EdgeCache implements CacheStore {
  readonly memory: MemoryStore;
  readonly disk: DiskStore;
  private readonly memoryObjectBytes: number;
  private readonly reservations = new FillReservations();

  constructor(o: EdgeCacheOptions) {
    this.memory = new MemoryStore(o.memoryBytes);
    this.disk = new DiskStore(o.diskDir, o.diskBytes);
    this.memoryObjectBytes = o.memoryObjectBytes;
  }

  get(tier: string, dist: string, key: string): CachedResponse | undefined {
    return this.memory.get(tier, dist, key) ?? this.disk.get(tier, dist, key);
  }

  put(tier: string, dist: string, key: string, entry: CachedResponse): boolean {
    const onDisk = entry.file !== undefined || entry.body.length > this.memoryObjectBytes;
    (onDisk ? this.memory : this.disk).delete(tier, dist, key);
    return (onDisk ? this.disk : this.memory).put(tier, dist, key, entry);
  }

  delete(tier: string, dist: string, key: string): boolean {
    const inMemory = this.memory.delete(tier, dist, key);
    const onDisk = this.disk.delete(tier, dist, key);
    return inMemory || onDisk;
  }

  purge(dist: string, paths: readonly string[]): number {
    return this.memory.purge(dist, paths) + this.disk.purge(dist, paths);
  }

  beginFill(dist: string, key: string, events: FillEvents, declared?: number): BodyFill | undefined {
    const release = this.reservations.take(dist, key);
    if (!release) return undefined;
    const inMemory = declared === undefined || declared <= this.memoryObjectBytes;
    const first = inMemory ? this.memory.beginFill(dist, key, events) : this.disk.beginFill(dist, key, events);
    if (!first) {
      release();
      return undefined;
    }
    return spillingFill(first, inMemory, this.memoryObjectBytes, () => this.disk.beginFill(dist, key, events), events, release);
  }

  /** Every entry of both stores (the dashboard's cache browser). */
  *entries(): Generator<CacheListing> {
    yield* this.memory.entries();
    yield* this.disk.entries();
  }

  clear(): void {
    this.memory.clear();
    this.disk.clear();
  }

  /** Both stores' figures: `bytes` counts against either budget. */
  get size(): CacheSize {
    const m = this.memory.size;
    const d = this.disk.size;
    return { entries: m.entries + d.entries, bytes: m.bytes + d.bytes, pendingBytes: m.pendingBytes + d.pendingBytes };
  }

  /** What the internal endpoints report: memory bytes (--cache-size) and disk bytes (--disk-cache-size) apart. */
  usage(): { entries: number; bytes: number; diskBytes: number } {
    const m = this.memory.size;
    const d = this.disk.size;
    return { entries: m.entries + d.entries, bytes: m.bytes, diskBytes: d.bytes };
  }
}

/**
 * A fill that writes to `first` and, while that is the memory store's, moves to a disk fill once
 * the body passes `limit`. The chunks written so far are kept (by reference) to replay there.
 */
function spillingFill(first: BodyFill, inMemory: boolean, limit: number, toDisk: () => BodyFill | undefined, events: FillEvents, release: () => void): BodyFill {
  let current: BodyFill | undefined = first;
  let chunks: Buffer[] | undefined = inMemory ? [] : undefined;
  let size = 0;
  return {
    write(chunk) {
      if (!current) return true;
      size += chunk.length;
      if (chunks) {
        chunks.push(chunk);
        if (size > limit) {
          current.abort();
          current = toDisk();
          const replay = chunks;
          chunks = undefined;
          if (!current) {
            events.fail(new Error("the disk store refused the fill"));
            return true;
          }
          let ok = true;
          for (const c of replay) ok = current.write(c);
          return ok;
        }
      }
      return current.write(chunk);
    },
    async commit(meta: EntryMeta, keep) {
      const fill = current;
      current = undefined;
      chunks = undefined;
      try {
        return fill ? await fill.commit(meta, keep) : undefined;
      } finally {
        release();
      }
    },
    abort() {
      current?.abort();
      current = undefined;
      chunks = undefined;
      release();
    },
  };
}
