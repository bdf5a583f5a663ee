// A cache tier the edge reaches asynchronously, shared by several minifront nodes (`--cluster`,
// issue 18: the regional edge cache tier held in Redis, src/cluster/redis-tier.ts). The local
// tiers (CacheStore) stay synchronous and are looked in first; this tier is asked only once every
// local tier has missed, before the origin is asked (fetch-through.ts), so a local hit never
// waits on it. A shared hit is served as a regional (REC) hit and kept in the POP's own tier.
//
// The edge knows only this interface: nothing under src/edge imports a Redis client. Also here,
// the byte form an entry travels in, so every node reads the same status, headers, body,
// storedAt and ttlMs (and computes the same Age and expiry).
import { cacheEntry, type CachedResponse } from "./cached-response.ts";

/**
 * A shared tier. Its methods never reject: a tier that cannot answer in time (its server gone,
 * slow or restarting) answers as a miss, and the edge goes to the origin.
 */
export interface RemoteTier {
  /** The shared entry of (dist, key), fresh or expired (the caller checks storedAt + ttlMs); undefined on a miss. */
  get(dist: string, key: string): Promise<CachedResponse | undefined>;
  /**
   * Offers an entry the edge has just stored (fire and forget: the request is sent before this
   * returns, and nobody waits for its answer). The tier may refuse it (too large, a body held in a
   * file, already past its stale windows).
   */
  put(dist: string, key: string, entry: CachedResponse): void;
  /**
   * Removes the entries of `dist` whose key path an invalidation path matches (docs/edge.md §15:
   * exact, or a prefix ending in `*`); resolves to how many went. The request is sent before this
   * returns, so a lookup this node makes afterwards sees the purge (one connection's commands run
   * in order).
   */
  purge(dist: string, paths: readonly string[]): Promise<number>;
  /** Removes every entry of the tier. */
  clear(): Promise<void>;
}

/** The bytes of an entry in a remote tier: a 4-byte head length, the head as JSON, the body. */
export function entryBytes(entry: CachedResponse): Buffer {
  const head = Buffer.from(JSON.stringify({ status: entry.status, headers: entry.headers, storedAt: entry.storedAt, ttlMs: entry.ttlMs }));
  const out = Buffer.allocUnsafe(4 + head.length + entry.body.length);
  out.writeUInt32BE(head.length, 0);
  head.copy(out, 4);
  entry.body.copy(out, 4 + head.length);
  return out;
}

/** The entry `entryBytes` wrote; undefined for bytes that are not one. */
export function entryFromBytes(bytes: Buffer): CachedResponse | undefined {
  if (bytes.length < 4) return undefined;
  const headLength = bytes.readUInt32BE(0);
  if (4 + headLength > bytes.length) return undefined;
  let head: { status: number; headers: Record<string, string | string[]>; storedAt: number; ttlMs: number };
  try {
    head = JSON.parse(bytes.toString("utf8", 4, 4 + headLength)) as typeof head;
  } catch {
    return undefined;
  }
  return cacheEntry({ status: head.status, headers: head.headers, body: bytes.subarray(4 + headLength), storedAt: head.storedAt, ttlMs: head.ttlMs });
}
