// The cluster-wide write lock of `--cluster` (issue 18): one control-plane write at a time across
// all nodes. SET NX PX with a random token; the holder renews it while its write runs, and only
// the holder's token releases it (a check-and-delete script), so a node that stalled past the
// expiry cannot release the lock another node took meanwhile. A node killed while holding it
// blocks the others for at most LOCK_TTL_MS. This is a single-Redis lock, not Redlock: the commit
// itself re-checks the token (change-log.ts), which is what keeps two writers apart.
import { randomBytes } from "node:crypto";
import type { Redis } from "ioredis";

/** How long a lock outlives a holder that stopped renewing it (killed, or cut off from Redis). */
export const LOCK_TTL_MS = 5000;
const RENEW_EVERY_MS = 1500;

const RELEASE = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0";
const RENEW = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0";

/** The lock was not free within the wait, or Redis could not be asked. */
export class LockUnavailable extends Error {}

export interface HeldLock {
  readonly token: string;
  /** Releases it if still ours; never rejects (one Redis did not take is released again by `retryReleases`, or expires). */
  release(): Promise<void>;
}

export class ClusterLock {
  private readonly redis: Redis;
  private readonly key: string;
  /** Tokens whose release failed (Redis was away): a restarted Redis brings the lock back from its append-only file. */
  private readonly unreleased = new Set<string>();

  constructor(redis: Redis, key: string) {
    this.redis = redis;
    this.key = key;
  }

  /** Takes the lock, waiting up to `waitMs` for another holder; rejects with LockUnavailable. */
  async acquire(waitMs: number): Promise<HeldLock> {
    const token = randomBytes(16).toString("hex");
    const deadline = Date.now() + waitMs;
    for (;;) {
      let taken: string | null;
      try {
        taken = await this.redis.set(this.key, token, "PX", LOCK_TTL_MS, "NX");
      } catch (err) {
        throw new LockUnavailable(`cannot reach Redis: ${err instanceof Error ? err.message : String(err)}`);
      }
      if (taken === "OK") return this.held(token);
      if (Date.now() > deadline) throw new LockUnavailable(`another node held the cluster write lock for over ${waitMs} ms`);
      // A write takes milliseconds; a jittered short wait keeps waiting nodes from moving in step.
      await new Promise((r) => setTimeout(r, 2 + Math.random() * 8));
    }
  }

  private held(token: string): HeldLock {
    const renew = setInterval(() => {
      this.redis.eval(RENEW, 1, this.key, token, String(LOCK_TTL_MS)).catch(() => undefined);
    }, RENEW_EVERY_MS);
    renew.unref();
    return {
      token,
      release: async () => {
        clearInterval(renew);
        await this.redis.eval(RELEASE, 1, this.key, token).catch(() => this.unreleased.add(token));
      },
    };
  }

  /** Releases the locks whose release failed, once Redis is back, so other nodes need not wait for them to expire. */
  async retryReleases(): Promise<void> {
    for (const token of this.unreleased) {
      await this.redis.eval(RELEASE, 1, this.key, token);
      this.unreleased.delete(token);
    }
  }
}
