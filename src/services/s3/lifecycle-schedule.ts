// When the lifecycle sweep (lifecycle-sweep.ts) runs: once per UTC day of the injectable clock,
// as S3 acts on lifecycle rules once a day ("Expiring objects", S3 User Guide). A timer looks
// every SCHEDULE_TICK_MS whether the clock entered a new day since the last run (a ManualClock
// advanced by a test counts) and, if some bucket has lifecycle rules, sweeps. The sweep's module
// (and the handlers it shares code with) is loaded then, not at start-up.
import { createRequire } from "node:module";
import type { Clock } from "../../clock.ts";
import type { Logger } from "../../log.ts";
import type { S3Storage } from "./storage.ts";
import type { SweepResult } from "./lifecycle-sweep.ts";

/** How often the timer checks whether the clock entered a new day. */
export const SCHEDULE_TICK_MS = 1000;
const DAY_MS = 24 * 60 * 60 * 1000;
const require = createRequire(import.meta.url);

export interface LifecycleSchedule {
  /** Sweeps now, whatever the day (the timer, and callers that want it at once). */
  runNow(): Promise<SweepResult>;
  /** Stops the timer and waits for a sweep in progress. */
  stop(): Promise<void>;
}

/** Starts the daily sweep. The timer does not keep the process alive. */
export function startLifecycleSchedule(storage: S3Storage, clock: Clock, log: Logger, tickMs = SCHEDULE_TICK_MS): LifecycleSchedule {
  let lastDay = Number.NEGATIVE_INFINITY;
  let running: Promise<SweepResult> | undefined;
  const runNow = (): Promise<SweepResult> => {
    const { sweepLifecycle } = require("./lifecycle-sweep.ts") as typeof import("./lifecycle-sweep.ts");
    running ??= sweepLifecycle(storage, clock.now()).finally(() => (running = undefined));
    return running;
  };
  const timer = setInterval(() => {
    const day = Math.floor(clock.now() / DAY_MS);
    if (day === lastDay || running) return;
    lastDay = day;
    if (!storage.listBuckets().some((b) => b.config.lifecycle)) return;
    runNow().then(
      (r) => {
        if (r.expired + r.removedVersions + r.aborted > 0) log.info(`lifecycle: ${r.expired} expired, ${r.removedVersions} versions removed, ${r.aborted} uploads aborted`);
      },
      (err: unknown) => log.warn(`lifecycle sweep failed: ${err instanceof Error ? err.message : String(err)}`),
    );
  }, tickMs);
  timer.unref();
  return {
    runNow,
    async stop() {
      clearInterval(timer);
      await running?.catch(() => undefined);
    },
  };
}
