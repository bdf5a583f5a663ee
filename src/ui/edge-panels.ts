// The dashboard's views of the edge: distributions with their counters (hit ratio; the page turns
// successive request counts into a rate), the cache browser (every tier's entries: each POP's, the
// regional edge cache's, Origin Shield's) with purge of one object, and the invalidations.
import type { CloudFrontState } from "../services/cloudfront/state.ts";
import type { EdgeMetrics } from "../observe/metrics.ts";
import type { CacheListing } from "../edge/cache/store-index.ts";
import { keyPath } from "../edge/stages/cache-key.ts";
import { bodySize } from "../edge/cache/cached-response.ts";

/** The cache as the dashboard sees it (edge/cache/edge-cache.ts). */
export interface CacheView {
  entries(): Iterable<CacheListing>;
  delete(tier: string, dist: string, key: string): boolean;
}

/** Most cache entries one listing returns. */
const MAX_LISTED = 500;

export function distributionsView(state: CloudFrontState, metrics: EdgeMetrics, now: number): unknown[] {
  return state.listDistributions().map((d) => {
    const c = metrics.of(d.Id);
    const requests = c?.requests ?? 0;
    // CacheHitRate (CloudFront Developer Guide, "Monitor CloudFront metrics with Amazon CloudWatch"): hits over all requests.
    const hits = (c?.results.get("Hit") ?? 0) + (c?.results.get("RefreshHit") ?? 0);
    return {
      id: d.Id,
      domainName: d.DomainName,
      aliases: d.config.Aliases?.Items ?? [],
      comment: d.config.Comment ?? "",
      enabled: d.config.Enabled === true,
      status: now < d.deployAt ? "InProgress" : "Deployed",
      staging: d.config.Staging === true,
      requests,
      hits,
      hitRatio: requests > 0 ? hits / requests : null,
      results: Object.fromEntries(c?.results ?? []),
      originRequests: c?.originRequests ?? 0,
      originMsAverage: c && c.originRequests > 0 ? (c.originSeconds * 1000) / c.originRequests : null,
      bytesDownloaded: c?.bytesDownloaded ?? 0,
    };
  });
}

/** The cached entries, newest use last, optionally of one tier (a POP code, REC, Origin Shield) and one distribution. */
export function cacheView(cache: CacheView, pops: readonly string[], now: number, filter: { tier?: string | undefined; distributionId?: string | undefined }): unknown {
  const entries: unknown[] = [];
  let total = 0;
  for (const e of cache.entries()) {
    if (filter.tier && e.tier !== filter.tier) continue;
    if (filter.distributionId && e.dist !== filter.distributionId) continue;
    total++;
    if (entries.length >= MAX_LISTED) continue;
    const expires = e.entry.storedAt + e.entry.ttlMs;
    entries.push({
      tier: e.tier,
      distributionId: e.dist,
      key: e.key,
      keyParts: e.key.split("\u0000").filter((p) => p !== ""),
      path: keyPath(e.key),
      status: e.entry.status,
      contentType: e.entry.headers["content-type"] ?? null,
      bytes: bodySize(e.entry),
      onDisk: e.entry.file !== undefined,
      storedAt: e.entry.storedAt,
      expiresAt: expires,
      fresh: now < expires,
    });
  }
  return { tiers: [...pops, "REC", "Origin Shield"], total, entries };
}

/**
 * Removes one object: from one tier when `tier` is given, else from every tier (a POP refills
 * from the regional cache, so purging only the POP's copy would not make the next request miss).
 */
export function purgeObject(cache: CacheView, distributionId: string, key: string, tier: string | undefined): number {
  const tiers = new Set<string>();
  for (const e of cache.entries()) if (e.dist === distributionId && e.key === key && (!tier || e.tier === tier)) tiers.add(e.tier);
  let purged = 0;
  for (const t of tiers) if (cache.delete(t, distributionId, key)) purged++;
  return purged;
}

export function invalidationsView(state: CloudFrontState, now: number): unknown[] {
  const out: Array<{ readonly createdAt: number } & Record<string, unknown>> = [];
  for (const d of state.listDistributions()) {
    for (const inv of state.listInvalidations(d.Id)) {
      out.push({
        id: inv.Id,
        distributionId: d.Id,
        status: now < inv.completeAt ? "InProgress" : "Completed",
        createdAt: inv.createdAt,
        callerReference: inv.batch.CallerReference ?? "",
        paths: inv.batch.Paths?.Items ?? [],
      });
    }
  }
  return out.sort((a, b) => b.createdAt - a.createdAt);
}
