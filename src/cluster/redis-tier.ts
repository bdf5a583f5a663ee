// The regional edge cache tier shared by the nodes of a cluster, in Redis (issue 18, "Across
// machines"; docs/edge.md §16). Each node keeps its own POP tiers (its EdgeCache); this tier is
// the one behind them that every node sees, so an object one node fetched is a regional hit for
// the others instead of a second origin request. The edge asks it only after its local tiers
// missed (src/edge/cache/remote-tier.ts), so a local hit never waits on Redis.
//
// Emulated: a bounded tier (a byte budget, --cluster-cache-size) evicting the least recently used
// entries, as CloudFront evicts objects that are not requested often to make room for those
// requested more recently, before they expire ("Manage how long content stays in the cache
// (expiration)"; regional tiers: "How CloudFront works with regional edge caches"). Eviction,
// recency and the byte count are kept by Lua scripts in Redis (redis-tier-scripts.ts) over the
// tier's own keys only, never through maxmemory-policy, since the same Redis holds the cluster's
// control plane. Every entry carries its storedAt and
// ttlMs, so every node computes the same Age and expiry; the Redis key expires with the object's
// TTL plus its stale-while-revalidate / stale-if-error window (docs/edge.md §9.3). Invalidations
// remove a distribution's matching entries through a per-distribution index, not a keyspace scan.
//
// Not done, or done differently:
// - Bodies larger than maxObjectBytes (--memory-object-max) and bodies held in a node's disk
//   store are not shared: such objects are cached per node.
// - The budget counts the entries' bytes (head and body), not Redis's own overhead per key.
// - An entry without stale-while-revalidate / stale-if-error leaves the tier when it expires;
//   nodes keep their own expired copies for revalidation and stale-if-error as before.
// - No single flight across nodes: two nodes missing the same object at the same moment may both
//   fetch it from the origin (each node still collapses its own concurrent misses, §6.4).
// - A fill that started before an invalidation and ends after it can put the old object back, as
//   in the local tiers.
// - Redis unreachable, slow or restarting: lookups answer "miss" at once (no offline queue) or
//   after commandTimeoutMs (a server that stopped answering), offers and purges are dropped, and
//   one warning is logged per outage. A purge dropped so is not retried here (while this Redis
//   is down, no invalidation can be committed to the cluster either).
import { createHash } from "node:crypto";
import { Redis } from "ioredis";
import type { Clock } from "../clock.ts";
import type { Logger } from "../log.ts";
import type { CachedResponse } from "../edge/cache/cached-response.ts";
import { entryBytes, entryFromBytes, type RemoteTier } from "../edge/cache/remote-tier.ts";
import { keyPath } from "../edge/stages/cache-key.ts";
import { parseCacheControl } from "../edge/stages/ttl.ts";
import { headerString } from "../http/headers.ts";
import { CLEAR, GET, PURGE, PUT, USAGE } from "./redis-tier-scripts.ts";

/** The byte budget when none is given: --cluster-cache-size's default (config.ts). */
const DEFAULT_MAX_BYTES = 256 * 1024 * 1024;
/** A Redis that does not answer a command in this time is treated as unavailable for it (a miss). */
const DEFAULT_COMMAND_TIMEOUT_MS = 500;

export interface RedisTierOptions {
  /** redis://host:port (the cluster's Redis). */
  readonly url: string;
  /** Bytes the tier's entries may take in Redis (--cluster-cache-size, default 256 MiB); least recently used entries go past it. */
  readonly maxBytes?: number;
  /** Bodies larger than this are not shared (--memory-object-max). */
  readonly maxObjectBytes: number;
  /** Where every key of the tier starts (default "minifront:rec"). */
  readonly prefix?: string;
  /** How long a command may wait for Redis's answer before it counts as a miss (default 500 ms). */
  readonly commandTimeoutMs?: number;
  readonly clock: Clock;
  readonly log: Logger;
}

/** The scripts as ioredis defines them (defineCommand adds a method, and a *Buffer variant, per script). */
interface TierCommands {
  tierGetBuffer(prefix: string, id: string): Promise<Buffer | null>;
  tierPut(prefix: string, id: string, dist: string, path: string, value: Buffer, px: number, budget: number): Promise<number>;
  tierPurge(prefix: string, dist: string, ...paths: string[]): Promise<number>;
  tierClear(prefix: string): Promise<number>;
  tierUsage(prefix: string): Promise<[number, number]>;
}

export class RedisTier implements RemoteTier {
  private readonly redis: Redis;
  private readonly commands: TierCommands;
  private readonly prefix: string;
  private readonly maxBytes: number;
  private readonly maxObjectBytes: number;
  private readonly clock: Clock;
  private readonly log: Logger;
  /** Set at the first failure of an outage (its one warning), cleared when Redis answers again. */
  private down = false;
  private disposed = false;
  /**
   * Until the first connection is made or fails: resolves to whether it was made. A tier built
   * with the edge, on its first request, is still connecting then; its first lookups wait for the
   * connection (at most one command timeout) rather than count as misses and fetch from the origin.
   */
  private connecting: Promise<boolean> | undefined;

  constructor(o: RedisTierOptions) {
    this.prefix = o.prefix ?? "minifront:rec";
    this.maxBytes = o.maxBytes ?? DEFAULT_MAX_BYTES;
    this.maxObjectBytes = o.maxObjectBytes;
    this.clock = o.clock;
    this.log = o.log;
    // No offline queue and no resending: a command made while Redis is away fails at once instead
    // of waiting for a reconnection, so no viewer request waits on a dead Redis.
    const timeoutMs = o.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
    this.redis = new Redis(o.url, {
      enableOfflineQueue: false,
      autoResendUnfulfilledCommands: false,
      maxRetriesPerRequest: 0,
      commandTimeout: timeoutMs,
      connectionName: "minifront-regional-tier",
      retryStrategy: (times) => Math.min(times * 100, 2000),
    });
    // Commands are made only while the connection is ready (or, the first time, once it is:
    // `connecting`); losing the connection, failing to make one, or a command that fails is an
    // outage, warned about once.
    this.redis.on("error", (err: Error) => this.failed(err));
    this.redis.on("close", () => this.disposed || this.failed(new Error("the connection closed")));
    this.redis.on("ready", () => this.answered());
    this.connecting = new Promise<boolean>((resolve) => {
      const settle = (made: boolean) => {
        this.connecting = undefined;
        clearTimeout(timer);
        resolve(made);
      };
      const timer = setTimeout(() => settle(false), timeoutMs);
      timer.unref();
      this.redis.once("ready", () => settle(true));
      this.redis.once("close", () => settle(false));
    });
    for (const [name, lua] of [
      ["tierGet", GET],
      ["tierPut", PUT],
      ["tierPurge", PURGE],
      ["tierClear", CLEAR],
      ["tierUsage", USAGE],
    ] as const)
      this.redis.defineCommand(name, { lua, numberOfKeys: 0 });
    // defineCommand adds the methods at run time; TierCommands names their signatures.
    this.commands = this.redis as unknown as TierCommands;
  }

  async get(dist: string, key: string): Promise<CachedResponse | undefined> {
    if (!(await this.usable())) return undefined;
    try {
      const bytes = await this.commands.tierGetBuffer(this.prefix, idOf(dist, key));
      this.answered();
      return bytes ? entryFromBytes(bytes) : undefined;
    } catch (err) {
      this.failed(err);
      return undefined;
    }
  }

  put(dist: string, key: string, entry: CachedResponse): void {
    if (entry.file !== undefined || entry.body.length > this.maxObjectBytes) return;
    if (this.redis.status !== "ready") return void this.connecting?.then((made) => made && this.put(dist, key, entry));
    const expiresIn = Math.ceil(entry.storedAt + entry.ttlMs + staleWindowMs(entry) - this.clock.now());
    if (expiresIn <= 0) return;
    const bytes = entryBytes(entry);
    if (bytes.length > this.maxBytes) return;
    this.commands.tierPut(this.prefix, idOf(dist, key), dist, keyPath(key), bytes, expiresIn, this.maxBytes).then(
      () => this.answered(),
      (err: unknown) => this.failed(err),
    );
  }

  async purge(dist: string, paths: readonly string[]): Promise<number> {
    if (paths.length === 0 || !(await this.usable())) return 0;
    try {
      const n = await this.commands.tierPurge(this.prefix, dist, ...paths);
      this.answered();
      return Number(n);
    } catch (err) {
      this.failed(err);
      return 0;
    }
  }

  async clear(): Promise<void> {
    if (!(await this.usable())) return;
    try {
      await this.commands.tierClear(this.prefix);
      this.answered();
    } catch (err) {
      this.failed(err);
    }
  }

  /** The tier's entries and their bytes (what the budget counts); undefined when Redis cannot say. */
  async usage(): Promise<{ entries: number; bytes: number } | undefined> {
    if (!(await this.usable())) return undefined;
    try {
      const [entries, bytes] = await this.commands.tierUsage(this.prefix);
      return { entries: Number(entries), bytes: Number(bytes) };
    } catch (err) {
      this.failed(err);
      return undefined;
    }
  }

  /** Closes the connection (the tier's entries stay in Redis). */
  async dispose(): Promise<void> {
    this.disposed = true;
    try {
      await this.redis.quit();
    } catch {
      this.redis.disconnect();
    }
  }

  /** Whether commands can be made: the connection is ready, or (the first time) once it is made. */
  private usable(): boolean | Promise<boolean> {
    return this.redis.status === "ready" || (this.connecting ?? false);
  }

  private failed(err: unknown): void {
    if (this.down) return;
    this.down = true;
    this.log.warn(`shared regional cache tier (Redis): unavailable, requests go to the origin until it answers again: ${err instanceof Error ? err.message : String(err)}`);
  }

  private answered(): void {
    if (!this.down) return;
    this.down = false;
    this.log.info("shared regional cache tier (Redis): answering again");
  }
}

/** An entry's id in the tier: its distribution, and a digest of its cache key (keys can be long). */
function idOf(dist: string, key: string): string {
  return `${dist}/${createHash("sha1").update(key).digest("base64url")}`;
}

/** How long past its TTL an entry may still be served (docs/edge.md §9.3): the longer of its two stale windows. */
function staleWindowMs(entry: CachedResponse): number {
  const d = parseCacheControl(headerString(entry.headers["cache-control"]));
  return Math.max(d.staleWhileRevalidate ?? 0, d.staleIfError ?? 0) * 1000;
}
