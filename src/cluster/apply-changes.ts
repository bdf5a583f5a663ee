// What a `--cluster` node does with the changes other nodes committed, once its replica holds
// them (cluster-node.ts): the services whose documents changed re-read them (CloudFront state is
// rebuilt as a whole, as an edge worker does; Lambda and IAM are dropped and rebuilt on their next
// use; the Logs deliveries reload), invalidations purge this node's edge cache, and a reset drops
// the local state that is not documents (the embedded S3, the caches).
import type { AppliedChanges } from "./cluster-node.ts";

export interface NodeServices {
  /** Builds the CloudFront state anew from the replica. */
  reloadCloudFront(): void;
  /** Drops the Lambda/IAM state (rebuilt from the replica on its next use). */
  resetLambda(): void;
  reloadLogs(): void;
  /** The rest of POST /_minifront/reset: other services, the embedded S3. */
  resetOthers(): void;
  clearCache(): void;
  invalidate(distributionId: string, paths: readonly string[]): void;
}

export function applyChanges(c: AppliedChanges, to: NodeServices): void {
  const touched = (prefix: string) => c.kinds === "all" || [...c.kinds].some((k) => k.startsWith(prefix));
  if (c.reset) to.resetOthers();
  if (c.reset || c.dropCache) to.clearCache();
  if (touched("cloudfront/")) to.reloadCloudFront();
  if (touched("lambda/") || touched("iam/")) to.resetLambda();
  if (touched("logs/")) to.reloadLogs();
  for (const [id, paths] of c.purge) to.invalidate(id, paths);
}
