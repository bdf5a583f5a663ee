// Which nodes of a `--cluster` are live and what each has applied (issue 18). Every node keeps a
// key `<prefix>node:<id>` holding the version its replica is at, written after each change it
// applies and refreshed every HEARTBEAT_MS with a NODE_TTL_MS expiry. A write answers once every
// live node's key reaches its version (`settled`): so an invalidation has purged every node
// before its API call returns. A node that died (or lost Redis) stops refreshing its key and
// drops out of "live" within NODE_TTL_MS; until then a write waits for it.
import type { Redis } from "ioredis";

export const HEARTBEAT_MS = 1000;
export const NODE_TTL_MS = 3000;
/** A node that stays live without applying a change (stuck) is waited for this long at most. */
export const SETTLE_TIMEOUT_MS = 10_000;
const POLL_MS = 10;

export class Membership {
  private readonly redis: Redis;
  private readonly prefix: string;
  readonly nodeId: string;
  private timer: NodeJS.Timeout | undefined;

  constructor(redis: Redis, prefix: string, nodeId: string) {
    this.redis = redis;
    this.prefix = prefix;
    this.nodeId = nodeId;
  }

  /** Says this node is live at `version` now (rejects when Redis cannot be reached). */
  async report(version: number): Promise<void> {
    await this.redis.set(`${this.prefix}node:${this.nodeId}`, String(version), "PX", NODE_TTL_MS);
  }

  /** Refreshes this node's key every HEARTBEAT_MS with the version `applied()` gives. */
  start(applied: () => number): void {
    this.timer = setInterval(() => void this.report(applied()).catch(() => undefined), HEARTBEAT_MS);
    this.timer.unref();
  }

  /** Stops the heartbeat and removes this node's key, so no write waits for it. */
  async leave(): Promise<void> {
    clearInterval(this.timer);
    await this.redis.del(`${this.prefix}node:${this.nodeId}`).catch(() => undefined);
  }

  /** The live nodes and the version each has applied. */
  async live(): Promise<Map<string, number>> {
    const keys: string[] = [];
    let cursor = "0";
    do {
      const [next, found] = await this.redis.scan(cursor, "MATCH", `${this.prefix}node:*`, "COUNT", 1000);
      cursor = next;
      keys.push(...found);
    } while (cursor !== "0");
    const versions = keys.length === 0 ? [] : await this.redis.mget(...keys);
    const nodes = new Map<string, number>();
    keys.forEach((key, i) => {
      const v = versions[i];
      if (v !== null && v !== undefined) nodes.set(key.slice(`${this.prefix}node:`.length), Number(v));
    });
    return nodes;
  }

  /**
   * Resolves once every live node has applied `version`; with the nodes still behind after
   * SETTLE_TIMEOUT_MS (or when Redis cannot be asked) instead of waiting on.
   */
  async settled(version: number): Promise<string[]> {
    const deadline = Date.now() + SETTLE_TIMEOUT_MS;
    for (;;) {
      let behind: string[];
      try {
        behind = [...(await this.live())].filter(([, v]) => v < version).map(([id]) => id);
      } catch {
        return ["(Redis unreachable)"];
      }
      if (behind.length === 0 || Date.now() > deadline) return behind;
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  }
}
