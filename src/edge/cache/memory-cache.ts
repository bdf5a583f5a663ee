// The edge cache: every tier's entries (each POP, the regional tier, Origin Shield; §16) in one
// least-recently-used Map (a Map's insertion order is the recency list: a hit re-inserts, approximately: see get()).
// Bodies live in memory, bounded by total bytes; large objects live in files of the disk tier
// (§ "bounded cache" of the edge issue), bounded by their own byte budget, and the entry here
// only points at the file. An evicted or purged disk entry's file is deleted.
// A body stored in several tiers (or kept by a revalidated copy) is one Buffer and counts once
// against the byte budget; a disk-tier file likewise, however many entries point at it.

import { renderHead, type PrerenderedHead } from "./prerendered-head.ts";

export interface CachedResponse {
  readonly status: number;
  /** Response headers as the origin sent them, minus hop-by-hop ones; lower-case names. */
  readonly headers: Readonly<Record<string, string | string[]>>;
  /**
   * The same headers plus the edge's constant ones (Via, Content-Length) as a flat
   * [name, value, ...] list, rendered once at store time: a plain hit only appends the per-request
   * ones before writeHead.
   */
  readonly flat: readonly string[];
  /** The same as a rendered response head, for hits sent without writeHead; undefined when writeHead must send it. */
  readonly head?: PrerenderedHead | undefined;
  /** The body in memory; empty when `file` holds it. */
  readonly body: Buffer;
  /** Disk tier: the file holding the body, and its size. */
  readonly file?: { readonly path: string; readonly size: number };
  /** When it was stored or last revalidated (ms). */
  readonly storedAt: number;
  /** Freshness lifetime in ms from storedAt. */
  readonly ttlMs: number;
}

/** A cache entry with its headers rendered once: as `flat` for writeHead and as a prerendered head. */
export function cacheEntry(fields: Omit<CachedResponse, "flat" | "head">): CachedResponse {
  const flat: string[] = [];
  for (const [name, value] of Object.entries(fields.headers)) {
    if (name === "content-length") continue;
    if (Array.isArray(value)) for (const v of value) flat.push(name, v);
    else flat.push(name, value);
  }
  flat.push("content-length", String(fields.file?.size ?? fields.body.length));
  return { ...fields, flat, head: renderHead(fields.status, flat) };
}

interface Slot {
  readonly dist: string;
  readonly key: string;
  readonly value: CachedResponse;
  /** `uses` when the slot last moved to the recent end of the recency list. */
  seq: number;
}

export class MemoryCache {
  private readonly maxBytes: number;
  private readonly maxDiskBytes: number;
  private readonly dropFile: (path: string) => void;
  private bytes = 0;
  private diskBytes = 0;
  private readonly entries = new Map<string, Slot>();
  /** How many slots hold each body Buffer (its bytes count once) and each disk-tier file. */
  private readonly bodies = new Map<Buffer, number>();
  private readonly files = new Map<string, number>();
  /** Counts moves to the recent end of `entries` (stores and re-inserted hits). */
  private uses = 0;

  /** `dropFile` deletes a disk-tier file once no entry points at it. */
  constructor(maxBytes: number, maxDiskBytes = 0, dropFile: (path: string) => void = () => undefined) {
    this.maxBytes = maxBytes;
    this.maxDiskBytes = maxDiskBytes;
    this.dropFile = dropFile;
  }

  /**
   * The entry of one tier, marked as recently used; undefined when absent. A hit re-inserts the
   * entry only once it has fallen out of the newest quarter of the recency list (more than size/4
   * moves since its own), so a hot object's hits cost no Map writes. This is approximate LRU: an
   * entry hit while still in the newest quarter keeps its place, and entries stored after it that
   * are never hit can outlive it by up to that quarter.
   */
  get(tier: string, dist: string, key: string): CachedResponse | undefined {
    const k = `${tier}\u0001${dist}\u0001${key}`;
    const e = this.entries.get(k);
    if (!e) return undefined;
    if (this.uses - e.seq > this.entries.size >> 2) {
      this.entries.delete(k);
      this.entries.set(k, e);
      e.seq = ++this.uses;
    }
    return e.value;
  }

  set(tier: string, dist: string, key: string, value: CachedResponse): void {
    const disk = value.file?.size ?? 0;
    if (entrySize(value) > this.maxBytes || disk > this.maxDiskBytes) {
      if (value.file && !this.references(value.file.path)) this.dropFile(value.file.path);
      return;
    }
    const k = `${tier}\u0001${dist}\u0001${key}`;
    this.remove(k);
    this.entries.set(k, { dist, key, value, seq: ++this.uses });
    this.bytes += slotOverhead(value) + (hold(this.bodies, value.body) ? value.body.length : 0);
    if (value.file && hold(this.files, value.file.path)) this.diskBytes += disk;
    for (const [oldest, slot] of this.entries) {
      if (this.bytes <= this.maxBytes && this.diskBytes <= this.maxDiskBytes) break;
      // Over the disk budget only: evict the oldest disk entries, keep small objects.
      if (this.bytes <= this.maxBytes && !slot.value.file) continue;
      this.remove(oldest);
    }
  }

  /** Removes every entry of `dist`, in all tiers, whose key satisfies `matches`; returns how many. */
  purge(dist: string, matches: (key: string) => boolean): number {
    let n = 0;
    for (const [k, e] of this.entries) {
      if (e.dist === dist && matches(e.key)) {
        this.remove(k);
        n++;
      }
    }
    return n;
  }

  clear(): void {
    for (const k of [...this.entries.keys()]) this.remove(k);
  }

  get size(): { entries: number; bytes: number; diskBytes: number } {
    return { entries: this.entries.size, bytes: this.bytes, diskBytes: this.diskBytes };
  }

  private remove(k: string): void {
    const e = this.entries.get(k);
    if (!e) return;
    this.entries.delete(k);
    this.bytes -= slotOverhead(e.value) + (release(this.bodies, e.value.body) ? e.value.body.length : 0);
    const file = e.value.file;
    if (file && release(this.files, file.path)) {
      this.diskBytes -= file.size;
      this.dropFile(file.path);
    }
  }

  /** Whether any tier's entry still points at the file (one file may back several tiers). */
  private references(path: string): boolean {
    return this.files.has(path);
  }
}

/** Counts one more holder of `item`; true when it is the first (its bytes start to count). */
function hold<T>(counts: Map<T, number>, item: T): boolean {
  const n = counts.get(item) ?? 0;
  counts.set(item, n + 1);
  return n === 0;
}

/** Counts one holder less; true when it was the last (its bytes stop counting). */
function release<T>(counts: Map<T, number>, item: T): boolean {
  const n = (counts.get(item) ?? 1) - 1;
  if (n > 0) counts.set(item, n);
  else counts.delete(item);
  return n <= 0;
}

/** What each slot costs beyond its body: the pre-rendered head, and 512 bytes for the header map and the entry itself. */
function slotOverhead(v: CachedResponse): number {
  return 512 + (v.head?.text.length ?? 0);
}

/** The body, the pre-rendered head, and 512 bytes for the header map and the entry itself. */
function entrySize(v: CachedResponse): number {
  return v.body.length + 512 + (v.head?.text.length ?? 0);
}
