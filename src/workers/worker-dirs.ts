// A worker's own directories under the data directory, made by the worker and removed by the
// primary when the worker exits (start-workers.ts).
import { join } from "node:path";

/** The worker's POP tiers on disk (shared-tier.ts keeps the shared tiers beside them). */
export function workerCacheDir(dataDir: string, workerId: number): string {
  return join(dataDir, "edge-cache", `worker-${workerId}`);
}

/** Where the worker extracts Lambda@Edge code (worker-lambdas.ts). */
export function workerRuntimeDir(dataDir: string, workerId: number): string {
  return join(workersRuntimeRoot(dataDir), String(workerId));
}

/** Every worker's extracted code: emptied when the primary starts (a stopped run's workers leave theirs). */
export function workersRuntimeRoot(dataDir: string): string {
  return join(dataDir, "lambda", "workers");
}
