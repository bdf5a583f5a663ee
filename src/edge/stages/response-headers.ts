// Response headers policy at the edge (docs/edge.md §11; CloudFront guide "Understand response headers policies").
// Applied to every response for the behavior, cache hits and misses alike, in this order:
// 1. remove headers; 2. CORS headers (requests with an Origin header; the preflight-only ones for
// OPTIONS + Origin + Access-Control-Request-Method); 3. security headers; 4. custom headers;
// 5. Server-Timing (sampled, or asked for with `Pragma: server-timing`). Each added header has its
// own Override flag: true replaces the origin's value, false keeps it if the origin sent one. A
// header both removed and added ends up present with the policy's value (add wins), because the
// removal happens first. Removing `Server` makes CloudFront send `Server: CloudFront`; removing
// `Date` leaves the header out, and the socket layer (node:http's sendDate) adds the edge's own.
//
// Choices where AWS says nothing: a request whose Origin is not allowed gets no CORS headers at all
// (not only no Allow-Origin); an allowed origin is echoed without adding `Vary: Origin`; an origin
// entry without a scheme (`*.example.org`) matches any scheme; a `*.` entry matches one or more
// labels (`https://a.b.example.org` matches `https://*.example.org`), as wildcard aliases do
// (§2). Access-Control-Expose-Headers goes on every CORS response (the general AWS page says "CORS
// requests"; the managed-policy page says simple requests get only Allow-Origin). On a
// cdn-cache-refresh the origin's Server-Timing is not merged (only misses fetch a full object), and
// X-XSS-Protection with Protection off is `0` without directives.
//
// Pure and cheap: `compileResponseHeadersPolicy` does the string work once per policy version;
// `applyResponseHeaders` is a few lookups per response and calls `timing()` / `random()` only when
// it emits Server-Timing / samples.
import type { ResponseHeadersPolicyConfig } from "@aws-sdk/client-cloudfront";

/** The cache outcome and measurements behind one response's Server-Timing metrics. */
export interface ServerTimingFacts {
  /** cdn-cache-hit (served from cache), cdn-cache-refresh (revalidated with the origin), cdn-cache-miss. */
  readonly cache: "hit" | "refresh" | "miss";
  /** The POP code (`cdn-pop;desc="LOC50-C1"`). */
  readonly pop: string;
  /** The request id, as in X-Amz-Cf-Id (`cdn-rid`). */
  readonly requestId: string;
  /** The tier that served a hit (cdn-hit-layer) or sent the miss to the origin (cdn-upstream-layer). */
  readonly layer: "EDGE" | "REC" | "Origin Shield";
  /** Milliseconds; each metric is left out when undefined. */
  readonly upstreamDnsMs?: number;
  readonly upstreamConnectMs?: number;
  readonly upstreamFirstByteMs?: number;
  readonly downstreamFirstByteMs?: number;
}

/** What the stage reads from the viewer request. Header values as received (any case). */
export interface ViewerFacts {
  readonly method: string;
  readonly origin?: string | undefined;
  readonly accessControlRequestMethod?: string | undefined;
  readonly pragma?: string | undefined;
}

/** Response headers: lower-case names. */
export type ResponseHeaders = Record<string, string | string[]>;

interface SetHeader {
  readonly name: string;
  readonly value: string;
  readonly override: boolean;
}

interface CompiledCors {
  readonly anyOrigin: boolean;
  readonly matchers: readonly ((origin: string) => boolean)[];
  readonly override: boolean;
  /** Headers for every CORS response besides Access-Control-Allow-Origin, and those for preflights only. */
  readonly always: readonly SetHeader[];
  readonly preflight: readonly SetHeader[];
}

export interface CompiledResponseHeadersPolicy {
  /** Lower-case names to delete. */
  readonly remove: readonly string[];
  /** `Server` is removed: CloudFront then sends its own. */
  readonly replacesServer: boolean;
  readonly cors: CompiledCors | undefined;
  /** Security headers then custom headers, in that order. */
  readonly set: readonly SetHeader[];
  /** Server-Timing sampling rate in percent, or undefined when disabled. */
  readonly serverTimingRate: number | undefined;
}

/** docs/edge.md §11: what `ALL` stands for in Access-Control-Allow-Methods. */
export const ALL_METHODS = "GET, DELETE, HEAD, OPTIONS, PATCH, POST, PUT";

const SCHEME = /^[a-z][a-z0-9+.-]*:\/\//;

/** One AccessControlAllowOrigins entry as a matcher on the request's Origin (lower-cased). */
function originMatcher(entry: string): (origin: string) => boolean {
  const e = entry.toLowerCase();
  const hasScheme = SCHEME.test(e);
  const star = e.indexOf("*.");
  if (star < 0) return hasScheme ? (o) => o === e : (o) => o.replace(SCHEME, "") === e;
  const prefix = e.slice(0, star);
  const suffix = e.slice(star + 1); // ".example.org"
  return (o) => {
    const subject = hasScheme ? o : o.replace(SCHEME, "");
    if (!subject.startsWith(prefix) || !subject.endsWith(suffix)) return false;
    const labels = subject.slice(prefix.length, subject.length - suffix.length);
    return labels.length > 0 && !/[/:@]/.test(labels) && !labels.startsWith(".") && !labels.endsWith(".");
  };
}

/** Precomputes names, values and origin matchers; call once per policy version. */
export function compileResponseHeadersPolicy(config: ResponseHeadersPolicyConfig): CompiledResponseHeadersPolicy {
  const remove = (config.RemoveHeadersConfig?.Items ?? []).map((r) => (r.Header ?? "").toLowerCase()).filter((n) => n !== "");

  let cors: CompiledCors | undefined;
  const c = config.CorsConfig;
  if (c) {
    const origins = c.AccessControlAllowOrigins?.Items ?? [];
    const override = c.OriginOverride === true;
    const always: SetHeader[] = [];
    if (c.AccessControlAllowCredentials) always.push({ name: "access-control-allow-credentials", value: "true", override });
    const expose = c.AccessControlExposeHeaders?.Items ?? [];
    if (expose.length > 0) always.push({ name: "access-control-expose-headers", value: expose.join(", "), override });
    const preflight: SetHeader[] = [];
    const methods = c.AccessControlAllowMethods?.Items ?? [];
    if (methods.length > 0) preflight.push({ name: "access-control-allow-methods", value: methods.includes("ALL") ? ALL_METHODS : methods.join(", "), override });
    const allowHeaders = c.AccessControlAllowHeaders?.Items ?? [];
    if (allowHeaders.length > 0) preflight.push({ name: "access-control-allow-headers", value: allowHeaders.join(", "), override });
    if (c.AccessControlMaxAgeSec !== undefined) preflight.push({ name: "access-control-max-age", value: String(c.AccessControlMaxAgeSec), override });
    cors = { anyOrigin: origins.includes("*"), matchers: origins.map(originMatcher), override, always, preflight };
  }

  const set: SetHeader[] = [];
  const s = config.SecurityHeadersConfig;
  if (s?.ContentSecurityPolicy) set.push({ name: "content-security-policy", value: s.ContentSecurityPolicy.ContentSecurityPolicy ?? "", override: s.ContentSecurityPolicy.Override === true });
  if (s?.ReferrerPolicy) set.push({ name: "referrer-policy", value: s.ReferrerPolicy.ReferrerPolicy ?? "", override: s.ReferrerPolicy.Override === true });
  if (s?.StrictTransportSecurity) {
    const h = s.StrictTransportSecurity;
    const value = `max-age=${h.AccessControlMaxAgeSec ?? 0}${h.IncludeSubdomains ? "; includeSubDomains" : ""}${h.Preload ? "; preload" : ""}`;
    set.push({ name: "strict-transport-security", value, override: h.Override === true });
  }
  if (s?.ContentTypeOptions) set.push({ name: "x-content-type-options", value: "nosniff", override: s.ContentTypeOptions.Override === true });
  if (s?.FrameOptions) set.push({ name: "x-frame-options", value: s.FrameOptions.FrameOption ?? "", override: s.FrameOptions.Override === true });
  if (s?.XSSProtection) {
    const x = s.XSSProtection;
    const value = !x.Protection ? "0" : `1${x.ModeBlock ? "; mode=block" : ""}${x.ReportUri ? `; report=${x.ReportUri}` : ""}`;
    set.push({ name: "x-xss-protection", value, override: x.Override === true });
  }
  for (const h of config.CustomHeadersConfig?.Items ?? []) {
    set.push({ name: (h.Header ?? "").toLowerCase(), value: h.Value ?? "", override: h.Override === true });
  }

  const timing = config.ServerTimingHeadersConfig;
  return {
    remove,
    replacesServer: remove.includes("server"),
    cors,
    set,
    serverTimingRate: timing?.Enabled ? (timing.SamplingRate ?? 0) : undefined,
  };
}

function put(headers: ResponseHeaders, h: SetHeader): void {
  if (h.override || !Object.hasOwn(headers, h.name)) headers[h.name] = h.value;
}

/** Whether `Pragma` asks for Server-Timing whatever the sampling rate (docs/edge.md §11). */
function pragmaAsksForTiming(pragma: string | undefined): boolean {
  if (pragma === undefined) return false;
  const lower = pragma.toLowerCase();
  return lower.includes("server-timing") && lower.split(",").some((t) => t.trim() === "server-timing");
}

/**
 * The Server-Timing value: CloudFront's metrics in the order of the AWS examples, with the origin's
 * own value (misses only) between the upstream metrics and the rest, where AWS shows it can be.
 */
export function serverTimingValue(t: ServerTimingFacts, originValue: string | undefined): string {
  const parts: string[] = [];
  if (t.cache === "miss") parts.push(`cdn-upstream-layer;desc="${t.layer}"`);
  if (t.cache !== "hit") {
    if (t.upstreamDnsMs !== undefined) parts.push(`cdn-upstream-dns;dur=${Math.round(t.upstreamDnsMs)}`);
    if (t.upstreamConnectMs !== undefined) parts.push(`cdn-upstream-connect;dur=${Math.round(t.upstreamConnectMs)}`);
    if (t.upstreamFirstByteMs !== undefined) parts.push(`cdn-upstream-fbl;dur=${Math.round(t.upstreamFirstByteMs)}`);
  }
  if (t.cache === "miss" && originValue) parts.push(originValue);
  parts.push(`cdn-cache-${t.cache}`, `cdn-pop;desc="${t.pop}"`, `cdn-rid;desc="${t.requestId}"`);
  if (t.cache === "hit") parts.push(`cdn-hit-layer;desc="${t.layer}"`);
  if (t.downstreamFirstByteMs !== undefined) parts.push(`cdn-downstream-fbl;dur=${Math.round(t.downstreamFirstByteMs)}`);
  return parts.join(",");
}

/**
 * Applies a compiled response headers policy to `headers` (lower-case names, changed in place).
 * `timing` is called only when Server-Timing is added, `random` (in [0, 1)) only when sampling is
 * needed: Server-Timing is added when `random() * 100 < SamplingRate` or when Pragma contains
 * `server-timing`.
 */
export function applyResponseHeaders(
  policy: CompiledResponseHeadersPolicy,
  viewer: ViewerFacts,
  headers: ResponseHeaders,
  timing: () => ServerTimingFacts,
  random: () => number,
): void {
  for (const name of policy.remove) delete headers[name];

  const cors = policy.cors;
  const origin = viewer.origin;
  if (cors && origin !== undefined && origin !== "") {
    let allow: string | undefined;
    if (cors.anyOrigin) allow = "*";
    else {
      const lower = origin.toLowerCase();
      if (cors.matchers.some((m) => m(lower))) allow = origin;
    }
    if (allow !== undefined) {
      put(headers, { name: "access-control-allow-origin", value: allow, override: cors.override });
      for (const h of cors.always) put(headers, h);
      if (viewer.method === "OPTIONS" && viewer.accessControlRequestMethod !== undefined) {
        for (const h of cors.preflight) put(headers, h);
      }
    }
  }

  for (const h of policy.set) put(headers, h);

  const rate = policy.serverTimingRate;
  if (rate !== undefined && (pragmaAsksForTiming(viewer.pragma) || (rate > 0 && random() * 100 < rate))) {
    const t = timing();
    const existing = headers["server-timing"];
    const originValue = t.cache === "miss" && existing !== undefined ? (Array.isArray(existing) ? existing.join(",") : existing) : undefined;
    headers["server-timing"] = serverTimingValue(t, originValue);
  }

  if (policy.replacesServer && !Object.hasOwn(headers, "server")) headers["server"] = "CloudFront";
}
