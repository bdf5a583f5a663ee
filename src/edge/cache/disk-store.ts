// The disk cache store: bodies are files under the data directory's cache directory, bounded by
// a byte budget of file sizes (--disk-cache-size) that counts each file once however many tiers
// point at it; the index (entries, headers, rendered heads) stays in memory and is not counted
// against that budget. A file goes when the last entry pointing at it is evicted or purged; a hit
// being sent from a file that goes meanwhile keeps reading it (the open descriptor outlives the
// unlink).
//
// Does not survive a restart, on purpose: the index is in memory, and an edge cache is allowed to
// forget (CloudFront's own caches evict at will), so the directory is emptied when the store
// opens rather than keeping orphaned files from an earlier run.
//
// A streaming fill writes a file of its own (a fresh name), so concurrent fills never share one;
// the store counts its bytes as pending until commit, when it becomes an entry.
import { createWriteStream, mkdirSync, rmSync, unlink, writeFileSync, type WriteStream } from "node:fs";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import { cacheEntry, type CachedResponse } from "./cached-response.ts";
import type { BodyFill, EntryMeta, FillEvents } from "./cache-store.ts";
import { StoreIndex, type BodyCost } from "./store-index.ts";
import { IndexedStore } from "./indexed-store.ts";

const EMPTY = Buffer.alloc(0);
const ignore = (): void => undefined;

export class DiskStore extends IndexedStore {
  private readonly dir: string;
  /** Files of fills being committed: theirs to put in tiers, though no entry holds them yet. */
  private readonly committing = new Set<string>();

  /** Empties `dir` (creating it) and keeps at most `maxBytes` of files there. */
  constructor(dir: string, maxBytes: number) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    super(new StoreIndex({ maxBytes, slotBytes: 0, bodyOf: diskCost, release: (path) => unlink(path as string, ignore) }));
    this.dir = dir;
  }

  /**
   * An entry whose file is this store's (copied between tiers, revalidated) is kept as it is; an
   * entry with its body in memory is written to a new file first (synchronously: the edge streams
   * large bodies in through beginFill, so this is for the odd in-memory body only).
   */
  override put(tier: string, dist: string, key: string, entry: CachedResponse): boolean {
    if (entry.file) {
      if (!this.owns(entry.file.path) || !this.index.fits(diskCost(entry))) return false;
      this.index.put(tier, dist, key, entry);
      return true;
    }
    if (!this.index.fits({ id: undefined, bytes: entry.body.length })) return false;
    const path = this.newPath();
    writeFileSync(path, entry.body);
    const { status, headers, storedAt, ttlMs } = entry;
    this.index.put(tier, dist, key, cacheEntry({ status, headers, storedAt, ttlMs, body: EMPTY, file: { path, size: entry.body.length } }));
    return true;
  }

  override beginFill(dist: string, key: string, events: FillEvents): BodyFill | undefined {
    const release = this.reservations.take(dist, key);
    if (!release) return undefined;
    const path = this.newPath();
    const file: WriteStream = createWriteStream(path);
    let size = 0;
    let failed = false;
    let open = true;
    const settle = () => {
      this.pending -= size;
      open = false;
      release();
    };
    const drop = () => {
      // Unlinked once closed: a stream destroyed before its file is open still creates it.
      file.once("close", () => unlink(path, ignore));
      file.destroy();
    };
    file.on("drain", () => events.drain());
    file.on("error", (err) => {
      if (failed || !open) return;
      failed = true;
      settle();
      drop();
      events.fail(err);
    });
    return {
      write: (chunk) => {
        if (!open) return true;
        size += chunk.length;
        this.pending += chunk.length;
        return file.write(chunk);
      },
      commit: (meta: EntryMeta, keep) =>
        new Promise((resolve) => {
          if (!open) return resolve(undefined);
          file.end((err?: Error | null) => {
            if (failed || !open) return resolve(undefined);
            settle();
            if (err) {
              unlink(path, ignore);
              return resolve(undefined);
            }
            const entry = cacheEntry({ ...meta, body: EMPTY, file: { path, size } });
            this.committing.add(path);
            try {
              keep(entry);
            } finally {
              this.committing.delete(path);
              // No tier took it (larger than the budget, or not to be kept after all).
              if (!this.index.holds(path)) unlink(path, ignore);
            }
            resolve(entry);
          });
        }),
      abort: () => {
        if (!open) return;
        settle();
        drop();
      },
    };
  }

  /** Whether the file is one of this store's (held by an entry, or being committed). */
  private owns(path: string): boolean {
    return this.index.holds(path) || this.committing.has(path);
  }

  private newPath(): string {
    return join(this.dir, randomUUID());
  }
}

/** A body in a file: the path is what tiers share; its size is what it costs. */
function diskCost(entry: CachedResponse): BodyCost {
  return { id: entry.file?.path, bytes: entry.file?.size ?? 0 };
}
