// How long an origin response stays fresh (docs/edge.md §9.2 for successes, §9.4 for errors).
// Returns seconds; 0 means "do not cache".

export interface TtlRules {
  readonly min: number;
  readonly def: number;
  readonly max: number;
}

export interface Directives {
  readonly maxAge?: number;
  readonly sMaxAge?: number;
  readonly staleWhileRevalidate?: number;
  readonly staleIfError?: number;
  readonly noCache: boolean;
  readonly noStore: boolean;
  readonly isPrivate: boolean;
}

export function parseCacheControl(value: string | undefined): Directives {
  const d: { maxAge?: number; sMaxAge?: number; staleWhileRevalidate?: number; staleIfError?: number; noCache: boolean; noStore: boolean; isPrivate: boolean } = {
    noCache: false,
    noStore: false,
    isPrivate: false,
  };
  for (const part of (value ?? "").split(",")) {
    const [rawName, rawValue] = part.trim().split("=", 2) as [string, string | undefined];
    const name = rawName.toLowerCase();
    const num = rawValue !== undefined && /^"?\d+"?$/.test(rawValue.trim()) ? Number(rawValue.trim().replace(/"/g, "")) : undefined;
    if (name === "max-age" && num !== undefined) d.maxAge = num;
    else if (name === "s-maxage" && num !== undefined) d.sMaxAge = num;
    else if (name === "stale-while-revalidate" && num !== undefined) d.staleWhileRevalidate = num;
    else if (name === "stale-if-error" && num !== undefined) d.staleIfError = num;
    else if (name === "no-cache") d.noCache = true;
    else if (name === "no-store") d.noStore = true;
    else if (name === "private") d.isPrivate = true;
  }
  return d;
}

const clamp = (x: number, r: TtlRules) => Math.min(Math.max(x, r.min), r.max);

/** docs/edge.md §9.2: TTL of a successful (2xx/3xx) response. */
export function successTtl(rules: TtlRules, cacheControl: string | undefined, expires: string | undefined, nowMs: number): number {
  const d = parseCacheControl(cacheControl);
  if (d.noCache || d.noStore || d.isPrivate) return rules.min > 0 ? rules.min : 0;
  if (d.sMaxAge !== undefined) return clamp(d.sMaxAge, rules);
  if (d.maxAge !== undefined) return clamp(d.maxAge, rules);
  if (expires !== undefined) {
    const at = Date.parse(expires);
    const secs = Number.isNaN(at) ? 0 : Math.max(0, Math.floor((at - nowMs) / 1000));
    return clamp(secs, rules);
  }
  return Math.max(rules.def, rules.min);
}

/**
 * docs/edge.md §9.3: may an expired object still be served? `stale-while-revalidate=N` serves it for N s
 * while it is refreshed in the background; on an origin error it is served unless
 * `stale-if-error=N` says for how long (N=0: never).
 */
export function staleUse(cacheControl: string | undefined, expiredForMs: number): { whileRevalidating: boolean; onError: boolean } {
  const d = parseCacheControl(cacheControl);
  return {
    whileRevalidating: d.staleWhileRevalidate !== undefined && expiredForMs < d.staleWhileRevalidate * 1000,
    onError: d.staleIfError === undefined || expiredForMs < d.staleIfError * 1000,
  };
}

/** docs/edge.md §9.4: statuses cached always, only with an explicit max-age, or never. */
const ALWAYS_CACHED_ERRORS = new Set([404, 414, 500, 501, 502, 503, 504]);
const CACHED_WITH_MAX_AGE = new Set([400, 403, 405, 412, 415]);

/** docs/edge.md §9.4: TTL of an error response: max(ErrorCachingMinTTL, origin max-age), origin part capped by MaxTTL. */
export function errorTtl(status: number, rules: TtlRules, cacheControl: string | undefined, errorCachingMinTtl: number): number {
  const d = parseCacheControl(cacheControl);
  const originAge = d.sMaxAge ?? d.maxAge;
  if (ALWAYS_CACHED_ERRORS.has(status)) return Math.max(errorCachingMinTtl, Math.min(originAge ?? 0, rules.max));
  if (CACHED_WITH_MAX_AGE.has(status) && originAge !== undefined) return Math.max(errorCachingMinTtl, Math.min(originAge, rules.max));
  return 0;
}
