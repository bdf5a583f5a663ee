// What `--cluster` requires of Redis's persistence (issue 18): an acknowledged control-plane write
// must survive Redis being killed, as it survives minifront being killed without a cluster
// (store/database.ts: synchronous=FULL). Only the append-only file fsynced on every write gives
// that (Redis documentation, "Redis persistence": appendfsync always); RDB snapshots and
// appendfsync everysec lose the last writes on a crash. Checked once at start with CONFIG GET; a
// Redis that forbids CONFIG (a managed service, a renamed command, an ACL) cannot be checked, and
// the node says so and goes on.
import type { Redis } from "ioredis";
import { EmulatorError } from "../errors.ts";
import type { Logger } from "../log.ts";

export async function checkPersistence(redis: Redis, url: string, log: Logger): Promise<void> {
  let appendonly: string | undefined;
  let appendfsync: string | undefined;
  try {
    const [[, a], [, f]] = [(await redis.config("GET", "appendonly")) as string[], (await redis.config("GET", "appendfsync")) as string[]];
    appendonly = a;
    appendfsync = f;
  } catch (err) {
    log.warn(`cannot read the persistence settings of Redis at ${url} (${err instanceof Error ? err.message : String(err)}); make sure it runs with appendonly yes and appendfsync always, or a Redis crash loses acknowledged writes`);
    return;
  }
  if (appendonly !== "yes" || appendfsync !== "always") {
    throw new EmulatorError(
      "ERR_CONFIG",
      `Redis at ${url} must persist every write before answering (appendonly yes, appendfsync always), but it has appendonly ${appendonly ?? "?"}, appendfsync ${appendfsync ?? "?"}: ` +
        "start it with redis-server --appendonly yes --appendfsync always, or run CONFIG SET appendonly yes and CONFIG SET appendfsync always",
    );
  }
}
