// The cache of an edge worker (`--workers N`, issue 18): each worker keeps its own POP tiers in
// its own EdgeCache (memory, and disk for large objects), as each of CloudFront's edge servers
// does, while the regional edge cache and Origin Shield (docs/edge.md §16) are shared by all
// workers as files in the data directory, so an object fetched by one worker is a regional hit
// for the others instead of a second origin fetch.
//
// Why files: the cache is read synchronously on the hit path (CacheStore.get), which rules out
// asking the primary over IPC without making every lookup asynchronous; a file written to a temp
// name and renamed into place is seen whole or not at all by every process, with no lock.
//
// Its byte budget is --disk-cache-size (the files are on disk), kept by the primary's sweep
// (sweepSharedTier, every SWEEP_MS): past the budget the least recently used files go, oldest
// modification time first, and a regional hit touches its file's time. So the tier can run over
// its budget for one sweep interval, and a worker reading a file the sweep removes has a miss.
//
// Not yet: the shared tier keeps only bodies held in memory (up to --memory-object-max; a larger
// object is regional-tier-cached per worker), and two workers missing the same object at the same
// moment may both fetch it (fills are single per worker, not across).
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, unlinkSync, utimesSync, writeFileSync } from "node:fs";
import { createHash, randomBytes } from "node:crypto";
import { join } from "node:path";
import type { ResolvedOptions } from "../config.ts";
import { EdgeCache } from "../edge/cache/edge-cache.ts";
import { cacheEntry, type CachedResponse } from "../edge/cache/cached-response.ts";
import type { BodyFill, CacheSize, CacheStore, FillEvents } from "../edge/cache/cache-store.ts";
import { keyPath } from "../edge/stages/cache-key.ts";
import { invalidationMatcher } from "../edge/cache/invalidation.ts";

/** Tier names that are not a POP's own (tiers.ts). */
const SHARED_TIERS = new Set(["REC", "Origin Shield"]);

/** A worker's cache: its own POP tiers under `<dir>/worker-<id>`, the shared tiers under `<dir>/shared`. */
export function workerCache(options: ResolvedOptions, dir: string, workerId: number): CacheStore & { usage(): { entries: number; bytes: number; diskBytes: number } } {
  const own = new EdgeCache({ memoryBytes: options.cacheBytes, diskBytes: options.diskCacheBytes, memoryObjectBytes: options.memoryObjectBytes, diskDir: join(dir, `worker-${workerId}`) });
  const shared = new SharedFileTier(sharedTierDir(dir), options.memoryObjectBytes);
  return {
    get: (tier, dist, key) => (SHARED_TIERS.has(tier) ? shared.get(tier, dist, key) : own.get(tier, dist, key)),
    put: (tier, dist, key, entry) => (SHARED_TIERS.has(tier) ? shared.put(tier, dist, key, entry) : own.put(tier, dist, key, entry)),
    delete: (tier, dist, key) => (SHARED_TIERS.has(tier) ? shared.delete(tier, dist, key) : own.delete(tier, dist, key)),
    purge: (dist, paths) => own.purge(dist, paths) + shared.purge(dist, paths),
    beginFill: (dist: string, key: string, events: FillEvents, declared?: number): BodyFill | undefined => own.beginFill(dist, key, events, declared),
    clear() {
      own.clear();
      shared.clear();
    },
    get size(): CacheSize {
      return own.size;
    },
    usage: () => own.usage(),
  };
}

interface FileHead {
  readonly status: number;
  readonly headers: Record<string, string | string[]>;
  readonly storedAt: number;
  readonly ttlMs: number;
  readonly path: string;
}

/** Entries as files `<dir>/<dist>/<sha256(tier, key)>`: a 4-byte head length, the head as JSON, the body. */
export class SharedFileTier {
  private readonly dir: string;
  private readonly maxBodyBytes: number;

  constructor(dir: string, maxBodyBytes: number) {
    this.dir = dir;
    this.maxBodyBytes = maxBodyBytes;
    mkdirSync(dir, { recursive: true });
  }

  get(tier: string, dist: string, key: string): CachedResponse | undefined {
    const file = this.fileOf(tier, dist, key);
    let bytes: Buffer;
    try {
      bytes = readFileSync(file);
      // Recently used, for the sweep (a POP miss only: never on a POP hit).
      const now = new Date();
      utimesSync(file, now, now);
    } catch {
      return undefined;
    }
    const headLength = bytes.readUInt32BE(0);
    const head = JSON.parse(bytes.subarray(4, 4 + headLength).toString("utf8")) as FileHead;
    return cacheEntry({ status: head.status, headers: head.headers, body: bytes.subarray(4 + headLength), storedAt: head.storedAt, ttlMs: head.ttlMs });
  }

  /** False for a body kept in a file of a worker's disk store (not shared yet). */
  put(tier: string, dist: string, key: string, entry: CachedResponse): boolean {
    if (entry.file !== undefined || entry.body.length > this.maxBodyBytes) return false;
    const head: FileHead = { status: entry.status, headers: { ...entry.headers }, storedAt: entry.storedAt, ttlMs: entry.ttlMs, path: keyPath(key) };
    const json = Buffer.from(JSON.stringify(head));
    const length = Buffer.alloc(4);
    length.writeUInt32BE(json.length);
    const target = this.fileOf(tier, dist, key);
    const temp = join(this.dir, `.tmp-${process.pid}-${randomBytes(6).toString("hex")}`);
    mkdirSync(join(this.dir, dist), { recursive: true });
    writeFileSync(temp, Buffer.concat([length, json, entry.body]));
    renameSync(temp, target);
    return true;
  }

  delete(tier: string, dist: string, key: string): boolean {
    try {
      unlinkSync(this.fileOf(tier, dist, key));
      return true;
    } catch {
      return false;
    }
  }

  /** Reads the head of each of the distribution's files: an emulator's tier holds few. */
  purge(dist: string, paths: readonly string[]): number {
    const matchers = paths.map(invalidationMatcher);
    let names: string[];
    try {
      names = readdirSync(join(this.dir, dist));
    } catch {
      return 0;
    }
    let n = 0;
    for (const name of names) {
      const file = join(this.dir, dist, name);
      let path: string;
      try {
        const bytes = readFileSync(file);
        path = (JSON.parse(bytes.subarray(4, 4 + bytes.readUInt32BE(0)).toString("utf8")) as FileHead).path;
      } catch {
        continue; // gone meanwhile: another worker purged it
      }
      if (!matchers.some((m) => m(path))) continue;
      try {
        unlinkSync(file);
        n++;
      } catch {
        // another worker purged it first
      }
    }
    return n;
  }

  clear(): void {
    rmSync(this.dir, { recursive: true, force: true });
    mkdirSync(this.dir, { recursive: true });
  }

  private fileOf(tier: string, dist: string, key: string): string {
    return join(this.dir, dist, createHash("sha256").update(`${tier}\u0000${key}`).digest("hex"));
  }
}

/** Where workerCache(options, cacheDir, id) keeps the tiers every worker shares. */
export function sharedTierDir(cacheDir: string): string {
  return join(cacheDir, "shared");
}

/** How often the primary keeps the shared tier within its budget. */
export const SWEEP_MS = 2000;

/**
 * Removes the least recently used files of the shared tier under `dir` (workerCache's `<dir>/shared`)
 * until it holds at most `budget` bytes; answers the bytes it holds then. One pass over the
 * files' sizes and times: an emulator's tier holds few.
 */
export function sweepSharedTier(dir: string, budget: number): number {
  const files: { path: string; size: number; used: number }[] = [];
  let total = 0;
  let dists: string[];
  try {
    dists = readdirSync(dir);
  } catch {
    return 0;
  }
  for (const dist of dists) {
    if (dist.startsWith(".tmp-")) continue;
    let names: string[];
    try {
      names = readdirSync(join(dir, dist));
    } catch {
      continue;
    }
    for (const name of names) {
      const path = join(dir, dist, name);
      try {
        const st = statSync(path);
        files.push({ path, size: st.size, used: st.mtimeMs });
        total += st.size;
      } catch {
        // purged meanwhile
      }
    }
  }
  if (total <= budget) return total;
  files.sort((a, b) => a.used - b.used);
  for (const f of files) {
    if (total <= budget) break;
    try {
      unlinkSync(f.path);
    } catch {
      // purged meanwhile
    }
    total -= f.size;
  }
  return total;
}
