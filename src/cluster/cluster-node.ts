// One node of `--cluster redis://host:port` (issue 18): several minifront processes, each with its
// own edge cache and its own SQLite replica of the control-plane documents, forming one
// CloudFront whose authoritative state is in Redis (change-log.ts).
//
// - Join: connect, check Redis's persistence (persistence-check.ts), take the shared key the edge
//   signs S3 origin requests with, and under the write lock either bring the cluster this node's
//   documents (an empty cluster: the first node's data directory seeds it) or replace the local
//   documents with the cluster's.
// - Follow: a blocking XREAD on the change stream wakes the node; it then reads every change after
//   its version and applies them in order (replica.ts), telling the services to re-read and the
//   edge to purge. A gap (the stream was trimmed past the node, or Redis lost changes) is closed
//   by a full resync that also drops the edge cache, since purges may have been missed.
// - Write (`write`): one API call that may change state takes the cluster-wide lock
//   (cluster-lock.ts), catches up, runs against the local state while the replica records its
//   writes, commits them to Redis in one script, then answers once every live node has applied
//   them (membership.ts). A failed commit puts the replica back and answers 503: nothing
//   half-applied, nothing acknowledged that Redis does not hold.
//   (A commit Redis applied whose answer was lost, the connection dropping in between, is
//   answered 503 too and then arrives through the stream like another node's change: the
//   ambiguity of any request that timed out.)
// - Redis restarts: ioredis reconnects; the node catches up (or resyncs) and logs both steps. The
//   edge goes on serving from the local state and cache meanwhile; writes answer 503.
//
// Not shared: the embedded S3's buckets and objects (use one S3 for all nodes, --s3-endpoint),
// request logs and metrics (per node), the edge caches (per node, as CloudFront's edge servers).
import { hostname } from "node:os";
import { randomBytes } from "node:crypto";
import type { DatabaseSync } from "node:sqlite";
import type { Redis } from "ioredis";
import { EmulatorError } from "../errors.ts";
import type { Logger } from "../log.ts";
import type { DocumentStore } from "../store/document-store.ts";
import { ChangeLog, type Change } from "./change-log.ts";
import { ClusterLock, LockUnavailable } from "./cluster-lock.ts";
import { Membership } from "./membership.ts";
import { checkPersistence } from "./persistence-check.ts";
import { Replica } from "./replica.ts";
import { Mutex } from "./mutex.ts";
import { displayRedisUrl } from "./redis-url.ts";

/** Keys of one cluster in its Redis database (choose another database with redis://host:port/N). */
const PREFIX = "minifront:";
/** How long a write waits for the cluster lock that other nodes' writes hold. */
const LOCK_WAIT_MS = 10_000;
const CONNECT_TIMEOUT_MS = 5000;
/** How long a node waits on the change stream before it compares versions instead. */
const FOLLOW_BLOCK_MS = 1000;

/** What the node applied of other nodes' changes, for the services and the edge. */
export interface AppliedChanges {
  /** Kinds of documents written; "all" after a reset or a full resync. */
  readonly kinds: ReadonlySet<string> | "all";
  /** Invalidations to purge, in order: [distribution or tenant id, paths]. */
  readonly purge: readonly (readonly [string, readonly string[]])[];
  /** Another node ran the reset endpoint: drop the local state that is not documents too. */
  readonly reset: boolean;
  /** Purges may have been missed (a resync after a gap): drop the whole edge cache. */
  readonly dropCache: boolean;
}

export interface ClusterNode {
  readonly nodeId: string;
  /** The document store the services use: the local replica. */
  readonly store: DocumentStore;
  /** The key every node's edge signs S3 origin requests with (services/s3/cloudfront-identity.ts). */
  readonly identityKey: Buffer;
  /** The version of the cluster state this node holds. */
  version(): number;
  /** Adds an invalidation to the write in progress (every node purges it before the call answers). */
  invalidated(distributionId: string, paths: readonly string[]): void;
  /** Starts following other nodes' changes; `apply` re-reads state and purges. */
  follow(apply: (changes: AppliedChanges) => void): void;
  /**
   * Runs one API call that may write, serialized across the cluster; `unavailable(message)` is its
   * answer when Redis cannot take the change (nothing was changed then).
   */
  write<T>(run: () => Promise<T>, unavailable: (message: string) => T): Promise<T>;
  dispose(): Promise<void>;
}

export interface JoinDeps {
  readonly db: DatabaseSync;
  /** openDocumentStore(db). */
  readonly raw: DocumentStore;
  readonly log: Logger;
}

/** Connects to the cluster's Redis and brings the local replica to the cluster's state. */
export async function joinCluster(url: string, deps: JoinDeps): Promise<ClusterNode> {
  if (!/^rediss?:\/\//.test(url)) throw new EmulatorError("ERR_CONFIG", `--cluster must be a redis:// or rediss:// URL, not "${url}"`);
  // Loaded only with --cluster: a single node starts without it (npm run bench:startup).
  const { Redis } = await import("ioredis");
  // Commands fail at once while Redis is away (an API write answers 503) instead of queueing.
  const cmd = new Redis(url, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: CONNECT_TIMEOUT_MS, commandTimeout: 5000 });
  const reader = new Redis(url, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: CONNECT_TIMEOUT_MS });
  // ioredis reports every failed reconnection as an 'error' event; the node logs its own lines.
  cmd.on("error", () => undefined);
  reader.on("error", () => undefined);
  try {
    await Promise.race([
      Promise.all([cmd.connect(), reader.connect()]),
      new Promise((_, reject) => setTimeout(() => reject(new Error(`no answer in ${CONNECT_TIMEOUT_MS} ms`)), CONNECT_TIMEOUT_MS).unref()),
    ]);
    await checkPersistence(cmd, displayRedisUrl(url), deps.log);
  } catch (err) {
    cmd.disconnect();
    reader.disconnect();
    if (err instanceof EmulatorError) throw err;
    throw new EmulatorError("ERR_CONFIG", `cannot reach Redis at ${displayRedisUrl(url)} (--cluster): ${err instanceof Error ? err.message : String(err)}`);
  }
  const node = new Node(displayRedisUrl(url), cmd, reader, deps);
  try {
    await node.join();
  } catch (err) {
    await node.dispose();
    throw new EmulatorError("ERR_STATE", `cannot join the cluster at ${displayRedisUrl(url)}: ${err instanceof Error ? err.message : String(err)}`);
  }
  return node;
}

class Node implements ClusterNode {
  readonly nodeId = `${hostname()}/${process.pid}/${randomBytes(3).toString("hex")}`;
  readonly store: Replica;
  identityKey = Buffer.alloc(0);
  private readonly url: string;
  private readonly cmd: Redis;
  private readonly reader: Redis;
  private readonly log: Logger;
  private readonly changes: ChangeLog;
  private readonly lock: ClusterLock;
  private readonly members: Membership;
  /** Everything that touches the replica runs one at a time: writes, catch-ups, resyncs. */
  private readonly mutex = new Mutex();
  private apply: (changes: AppliedChanges) => void = () => undefined;
  private stopped = false;
  private lost = false;
  private readonly strays = new Set<string>();

  constructor(url: string, cmd: Redis, reader: Redis, deps: JoinDeps) {
    this.url = url;
    this.cmd = cmd;
    this.reader = reader;
    this.log = deps.log;
    this.store = new Replica(deps.db, deps.raw, (kind) => {
      if (this.strays.has(kind)) return;
      this.strays.add(kind);
      this.log.warn(`cluster: a write to ${kind} outside an API call stays on this node (not shared)`);
    });
    this.changes = new ChangeLog(cmd, PREFIX);
    this.lock = new ClusterLock(cmd, `${PREFIX}lock`);
    this.members = new Membership(cmd, PREFIX, this.nodeId);
  }

  version(): number {
    return this.store.applied;
  }

  async join(): Promise<void> {
    await this.cmd.set(`${PREFIX}identity-key`, randomBytes(32).toString("hex"), "NX");
    this.identityKey = Buffer.from((await this.cmd.get(`${PREFIX}identity-key`)) ?? "", "hex");
    const lock = await this.lock.acquire(LOCK_WAIT_MS);
    try {
      const { version, rows } = await this.changes.snapshot();
      const local = this.store.rows();
      if (version === 0 && rows.length === 0 && local.length > 0) {
        const v = await this.changes.commit(lock.token, 0, { ops: local.map((r) => ["p", r.kind, r.id, r.body] as const), purge: [], clear: false });
        this.store.applied = v;
        this.log.info(`cluster: ${this.url} was empty; seeded it with this node's ${local.length} documents (version ${v})`);
      } else {
        this.store.replaceAll(rows, version);
      }
      await this.members.report(this.store.applied);
    } finally {
      await lock.release();
    }
    this.members.start(() => this.store.applied);
    this.log.info(`cluster: node ${this.nodeId} joined ${this.url} at version ${this.store.applied}`);
    this.cmd.on("close", () => {
      if (this.stopped || this.lost) return;
      this.lost = true;
      this.log.warn(`cluster: lost Redis at ${this.url}, reconnecting (the edge serves from this node's state meanwhile; API writes answer 503)`);
    });
    this.cmd.on("ready", () => {
      if (this.stopped || !this.lost) return;
      this.lost = false;
      void this.mutex
        .run(async () => {
          await this.lock.retryReleases();
          await this.catchUp();
        })
        .then(
          () => this.log.info(`cluster: back on Redis at ${this.url}, resynced to version ${this.store.applied}`),
          (err: unknown) => this.log.warn(`cluster: back on Redis at ${this.url}, but catching up failed (${err instanceof Error ? err.message : String(err)}); retrying on the next change`),
        );
      void this.members.report(this.store.applied).catch(() => undefined);
    });
  }

  invalidated(distributionId: string, paths: readonly string[]): void {
    this.store.invalidated(distributionId, paths);
  }

  follow(apply: (changes: AppliedChanges) => void): void {
    this.apply = apply;
    void this.followLoop();
  }

  async write<T>(run: () => Promise<T>, unavailable: (message: string) => T): Promise<T> {
    let committed: number | undefined;
    const out = await this.mutex.run(async () => {
      let lock;
      try {
        lock = await this.lock.acquire(LOCK_WAIT_MS);
      } catch (err) {
        if (!(err instanceof LockUnavailable)) throw err;
        return unavailable(`The cluster cannot take changes now: ${err.message}. Retry later.`);
      }
      try {
        try {
          await this.catchUp();
        } catch (err) {
          return unavailable(`The cluster cannot take changes now: cannot read Redis (${err instanceof Error ? err.message : String(err)}). Retry later.`);
        }
        this.store.begin();
        let result: T;
        try {
          result = await run();
        } catch (err) {
          this.undo();
          throw err;
        }
        const change = this.store.pending();
        if (!change) {
          this.store.committed(undefined);
          return result;
        }
        try {
          committed = await this.changes.commit(lock.token, this.store.applied, change);
        } catch (err) {
          this.undo();
          this.log.warn(`cluster: a change could not be committed to Redis and was undone on this node: ${err instanceof Error ? err.message : String(err)}`);
          return unavailable(`The cluster could not store the change, so it was not made (${err instanceof Error ? err.message : String(err)}). Retry later.`);
        }
        this.store.committed(committed);
        await this.members.report(committed).catch(() => undefined);
        return result;
      } finally {
        await lock.release();
      }
    });
    if (committed !== undefined) {
      const behind = await this.members.settled(committed);
      if (behind.length > 0) this.log.warn(`cluster: answered version ${committed} before these nodes applied it: ${behind.join(", ")}`);
    }
    return out;
  }

  async dispose(): Promise<void> {
    this.stopped = true;
    await this.members.leave();
    this.reader.disconnect();
    await this.cmd.quit().catch(() => this.cmd.disconnect());
  }

  /** Puts the replica back as before the write section, and the services' state with it. */
  private undo(): void {
    this.store.rollback();
    this.apply({ kinds: "all", purge: [], reset: false, dropCache: false });
  }

  /** Applies every change after the local version; a gap makes it a full resync. */
  private async catchUp(): Promise<void> {
    for (;;) {
      const { changes, gap, newest } = await this.changes.after(this.store.applied);
      if (gap) return this.resync(newest);
      if (changes.length === 0) return;
      this.applyAll(changes);
    }
  }

  private applyAll(changes: readonly Change[]): void {
    const kinds = new Set<string>();
    let reset = false;
    for (const change of changes) {
      this.store.apply(change);
      for (const op of change.ops) if (op[0] !== "c") kinds.add(op[1]);
      reset ||= change.clear;
    }
    this.apply({ kinds: reset ? "all" : kinds, purge: changes.flatMap((c) => c.purge), reset, dropCache: false });
    void this.members.report(this.store.applied).catch(() => undefined);
  }

  private async resync(newest: number): Promise<void> {
    const from = this.store.applied;
    const { version, rows } = await this.changes.snapshot();
    this.store.replaceAll(rows, version);
    this.log.warn(
      newest < from
        ? `cluster: Redis at ${this.url} is at version ${newest}, behind this node's ${from} (it lost changes: was it restarted without its append-only file?); reloaded its ${rows.length} documents`
        : `cluster: changes ${from + 1}..${newest} are no longer in the stream; reloaded all ${rows.length} documents at version ${version} and dropped the edge cache`,
    );
    this.apply({ kinds: "all", purge: [], reset: false, dropCache: true });
    void this.members.report(version).catch(() => undefined);
  }

  /**
   * Wakes on each new stream entry, then catches up under the mutex (writes and catch-ups never
   * interleave). Once a second without one, it compares versions: a Redis that lost its data (or
   * was flushed) numbers new changes below this node's version, which XREAD would never return.
   */
  private async followLoop(): Promise<void> {
    while (!this.stopped) {
      try {
        const woke = await this.reader.xread("COUNT", 1, "BLOCK", FOLLOW_BLOCK_MS, "STREAMS", `${PREFIX}changes`, `${this.store.applied}-0`);
        const moved = woke !== null || Number(await this.reader.get(`${PREFIX}version`)) !== this.store.applied;
        if (moved && !this.stopped) await this.mutex.run(() => this.catchUp());
      } catch {
        if (this.stopped) return;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  }
}
