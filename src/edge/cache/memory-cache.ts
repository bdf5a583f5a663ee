// The edge cache: objects in memory, bounded by total bytes, least recently used evicted first
// (a Map's insertion order is the recency list: a hit re-inserts). Keys are per distribution so an
// invalidation only walks its own distribution's entries.
// Not yet (edge issue): a disk tier for large objects, several POPs and a regional tier.

export interface CachedResponse {
  readonly status: number;
  /** Response headers as the origin sent them, minus hop-by-hop ones; lower-case names. */
  readonly headers: Readonly<Record<string, string | string[]>>;
  /**
   * The same headers plus the edge's constant ones (Via, X-Amz-Cf-Pop, Content-Length) as a flat
   * [name, value, ...] list, rendered once at store time: a plain hit only appends the per-request
   * ones before writeHead.
   */
  readonly flat: readonly string[];
  readonly body: Buffer;
  /** When it was stored or last revalidated (ms). */
  readonly storedAt: number;
  /** Freshness lifetime in ms from storedAt. */
  readonly ttlMs: number;
}

export class MemoryCache {
  private readonly maxBytes: number;
  private bytes = 0;
  private readonly entries = new Map<string, { dist: string; value: CachedResponse }>();

  constructor(maxBytes: number) {
    this.maxBytes = maxBytes;
  }

  /** The entry, marked as most recently used; undefined when absent. */
  get(dist: string, key: string): CachedResponse | undefined {
    const k = `${dist}\u0001${key}`;
    const e = this.entries.get(k);
    if (!e) return undefined;
    this.entries.delete(k);
    this.entries.set(k, e);
    return e.value;
  }

  set(dist: string, key: string, value: CachedResponse): void {
    const size = entrySize(value);
    if (size > this.maxBytes) return;
    const k = `${dist}\u0001${key}`;
    this.remove(k);
    this.entries.set(k, { dist, value });
    this.bytes += size;
    for (const [oldest] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.remove(oldest);
    }
  }

  /** Removes every entry of `dist` whose key satisfies `matches`; returns how many. */
  purge(dist: string, matches: (key: string) => boolean): number {
    let n = 0;
    const prefix = `${dist}\u0001`;
    for (const [k, e] of this.entries) {
      if (e.dist === dist && matches(k.slice(prefix.length))) {
        this.remove(k);
        n++;
      }
    }
    return n;
  }

  clear(): void {
    this.entries.clear();
    this.bytes = 0;
  }

  get size(): { entries: number; bytes: number } {
    return { entries: this.entries.size, bytes: this.bytes };
  }

  private remove(k: string): void {
    const e = this.entries.get(k);
    if (!e) return;
    this.entries.delete(k);
    this.bytes -= entrySize(e.value);
  }
}

function entrySize(v: CachedResponse): number {
  return v.body.length + 512;
}
