// Warnings for behaviors that need HTTPS while no HTTPS listener runs (issue 16 "The first hour";
// docs/edge.md §5). A `redirect-to-https` behavior answers an HTTP request with a 301 to
// `https://<host>/...`, and `https-only` with a 403: both are right, and CloudFront's API accepts
// such a configuration without a word, so the API answer stays as AWS's. But without
// `--https-port` the redirect points at a port that does not speak HTTPS, which looks like a
// broken emulator. So the log says it: once per distribution and change (its ETag) when the
// configuration is created or updated, and once per distribution when the edge redirects.
import type { Logger } from "../log.ts";
import type { DistributionRecord } from "../services/cloudfront/state.ts";

/** The API operations after which a distribution's configuration may be new. */
const CONFIG_CHANGES: ReadonlySet<string> = new Set([
  "CreateDistribution",
  "CreateDistributionWithTags",
  "UpdateDistribution",
  "CopyDistribution",
  "UpdateDistributionWithStagingConfig",
]);

const HINT = "start minifront with --https-port 4443 (or 0 for a free port) to serve HTTPS";

export class HttpsWarnings {
  readonly #log: Logger;
  readonly #httpsPort: () => number | undefined;
  /** `<id> <ETag>` of the configurations already warned about. */
  readonly #changes = new Set<string>();
  /** Distributions already warned about at the edge. */
  readonly #redirected = new Set<string>();

  constructor(log: Logger, httpsPort: () => number | undefined) {
    this.#log = log;
    this.#httpsPort = httpsPort;
  }

  /**
   * After a CloudFront API call: warns for each changed distribution that needs HTTPS.
   * `distributions` are the records the call stored (CloudFrontState.takeWrittenDistributions),
   * so the cost is the call's own writes, not the number of distributions (bench/api-bench.ts).
   */
  afterOperation(operation: string | undefined, status: number, distributions: () => Iterable<DistributionRecord>): void {
    if (status >= 300 || operation === undefined || !CONFIG_CHANGES.has(operation) || this.#httpsPort() !== undefined) return;
    for (const rec of distributions()) {
      const key = `${rec.Id} ${rec.ETag}`;
      if (this.#changes.has(key)) continue;
      this.#changes.add(key);
      const needing = behaviorsNeedingHttps(rec);
      if (needing.length === 0) continue;
      const listed = needing.map((b) => `${b.pattern} (${b.policy})`).join(", ");
      this.#log.warn(
        `${rec.Id}: ${needing.length === 1 ? "the behavior" : "the behaviors"} ${listed} ${needing.length === 1 ? "needs" : "need"} HTTPS, but no HTTPS listener runs: ` +
          `HTTP requests are redirected to an https:// URL that does not answer (redirect-to-https) or refused with 403 (https-only); ${HINT}.`,
      );
    }
  }

  /** The edge redirected an HTTP request to HTTPS: says so once per distribution when nothing serves HTTPS. */
  redirected(distributionId: string, location: string): void {
    if (this.#httpsPort() !== undefined || this.#redirected.has(distributionId)) return;
    this.#redirected.add(distributionId);
    this.#log.warn(`${distributionId}: redirected an HTTP request to ${location} (redirect-to-https), but no HTTPS listener runs, so the redirect leads nowhere; ${HINT}.`);
  }
}

/** The behaviors (path pattern, or "default") whose viewer protocol policy needs HTTPS. */
export function behaviorsNeedingHttps(rec: DistributionRecord): { pattern: string; policy: string }[] {
  const c = rec.config;
  const all: { pattern: string; policy: string | undefined }[] = [
    { pattern: "default (*)", policy: c.DefaultCacheBehavior?.ViewerProtocolPolicy },
    ...(c.CacheBehaviors?.Items ?? []).map((b) => ({ pattern: b.PathPattern ?? "*", policy: b.ViewerProtocolPolicy })),
  ];
  return all.flatMap((b) => (b.policy === "redirect-to-https" || b.policy === "https-only" ? [{ pattern: b.pattern, policy: b.policy }] : []));
}
