// What the edge cache keeps for one object: its status, headers (also rendered once at store time
// for hits) and body, in memory or in a file of the disk store, with when it was stored and for
// how long it is fresh.
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
  /** Disk store: the file holding the body, and its size. */
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

/** The body's size, wherever it is kept. */
export function bodySize(entry: CachedResponse): number {
  return entry.file?.size ?? entry.body.length;
}
