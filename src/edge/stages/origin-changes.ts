// Origin changes a viewer-request function asks for (docs/functions.md §4.3: cf.selectRequestOriginById,
// cf.createRequestOriginGroup, cf.updateRequestOrigin), applied in order to the behavior's origin.
import type { OriginChange } from "../../functions/index.ts";
import type { CompiledDistribution, CompiledOrigin } from "../compile.ts";

/** An origin group for one request: the secondary and the statuses that fail over to it (docs/edge.md §8). */
export type Failover = CompiledDistribution["failover"] extends ReadonlyMap<string, infer G> ? G : never;

/**
 * Origin changes a viewer-request function asked for (docs/functions.md §4.3), applied in order to the
 * behavior's origin: another configured origin, a changed one, or an origin group made for this
 * request. A string is the reason the change cannot be made (the viewer gets 502).
 */
export function applyOriginChanges(
  dist: CompiledDistribution,
  origin: CompiledOrigin | undefined,
  group: Failover | undefined,
  changes: readonly OriginChange[],
): { origin: CompiledOrigin | undefined; group: typeof group } | string {
  for (const change of changes) {
    if (change.type === "selectRequestOriginById") {
      const chosen = dist.origins.get(change.originId);
      if (!chosen) return `no origin with id ${change.originId}`;
      origin = chosen;
      group = dist.failover.get(change.originId);
    } else if (change.type === "createRequestOriginGroup") {
      const [first, second] = change.params.originIds.map((oid) => dist.origins.get(oid));
      if (!first || !second) return `origin group members ${change.params.originIds.join(", ")} are not all origins of the distribution`;
      origin = first;
      group = { secondary: second, statusCodes: new Set(change.params.failoverCriteria.statusCodes) };
    } else {
      if (!origin) return "no origin to update";
      const p = change.params;
      const next: { -readonly [K in keyof CompiledOrigin]: CompiledOrigin[K] } = { ...origin };
      if (p.domainName !== undefined) {
        // A new domain is a custom origin on the given (or default) port and protocol.
        const https = (p.customOriginConfig?.protocol ?? (origin.protocol === "https:" ? "https" : "http")) === "https";
        next.protocol = https ? "https:" : "http:";
        next.hostname = p.domainName;
        next.port = p.customOriginConfig?.port ?? (https ? 443 : 80);
        next.httpsPort = next.port;
        next.hostHeader = next.port === (https ? 443 : 80) ? p.domainName : `${p.domainName}:${next.port}`;
        next.pathPrefix = "";
        next.domainName = p.domainName;
        next.isS3 = false;
        next.access = undefined;
      } else if (p.customOriginConfig?.port !== undefined) {
        next.port = p.customOriginConfig.port;
      }
      if (p.hostHeader !== undefined) next.hostHeader = p.hostHeader;
      if (p.originPath !== undefined) next.pathPrefix = p.originPath;
      if (p.customHeaders !== undefined) next.customHeaders = Object.entries(p.customHeaders);
      if (p.connectionAttempts !== undefined) next.connectionAttempts = p.connectionAttempts;
      if (p.timeouts?.readTimeout !== undefined) next.readTimeoutMs = p.timeouts.readTimeout * 1000;
      if (p.timeouts?.connectionTimeout !== undefined) next.connectionTimeoutMs = p.timeouts.connectionTimeout * 1000;
      if (p.originShield !== undefined) next.originShield = p.originShield.enabled;
      if (p.originAccessControlConfig !== undefined) {
        const o = p.originAccessControlConfig;
        next.access = o.enabled
          ? { kind: "oac", settings: { SigningBehavior: o.signingBehavior ?? "always", SigningProtocol: o.signingProtocol ?? "sigv4", OriginAccessControlOriginType: o.originType ?? "s3" } }
          : undefined;
      }
      origin = next;
    }
  }
  return { origin, group };
}

