// Everything about a distribution that depends only on its config, worked out once per config
// version (docs/style.md "The edge"): behavior matchers, what goes into the cache key and to the
// origin, TTL rules, and where each origin is. A cache hit then costs a few lookups.
//
// Cache key and forwarding follow docs/edge.md §6 and §9.5: a cache policy or the legacy
// ForwardedValues, whose forwarded values are also the
// key. Origin request policies add forward-only values (§7.1). Policies are looked up by id,
// managed or custom; the edge recompiles when any policy changes.
import type { CacheBehavior, DefaultCacheBehavior, Origin } from "@aws-sdk/client-cloudfront";
import type { DistributionRecord } from "../services/cloudfront/state.ts";
import type { CachePolicyConfig, OriginRequestPolicyConfig, ResponseHeadersPolicyConfig } from "@aws-sdk/client-cloudfront";
import { parseS3OriginDomain, resolveS3Origin, type S3OriginSettings } from "../services/s3/origin-address.ts";
import { cloudFrontHeaderNames } from "./stages/viewer-headers.ts";
import type { GeoRestriction } from "./stages/geo.ts";
import type { OriginAccessControlSettings } from "./stages/oac-sign.ts";
import { compileResponseHeadersPolicy, type CompiledResponseHeadersPolicy } from "./stages/response-headers.ts";
import { LEGACY_DEFAULT_TTL, LEGACY_MAX_TTL, DEFAULT_ERROR_CACHING_MIN_TTL } from "../services/cloudfront/distribution-defaults.ts";
import { lambdaAssociations, type LambdaAssociations } from "./stages/lambda-edge-associations.ts";
import { compileFieldLevelEncryption, type CompiledFieldLevelEncryption, type FieldLevelEncryptionLookup } from "./stages/field-level-encryption-compile.ts";
import { vpcOriginAsCustom, type VpcOriginLookup, type VpcOriginRef } from "./vpc-origin-map.ts";

export type Selection = "none" | "all" | "whitelist" | "allExcept";

export interface ValueSelector {
  readonly behavior: Selection;
  /** Lower-cased for headers; as written for cookies and query strings. */
  readonly names: ReadonlySet<string>;
}

export interface CompiledBehavior {
  readonly pathPattern: string;
  /** Undefined for the default behavior (`*`). */
  readonly matcher: RegExp | undefined;
  readonly targetOriginId: string;
  readonly allowedMethods: ReadonlySet<string>;
  readonly cachedMethods: ReadonlySet<string>;
  readonly viewerProtocolPolicy: string;
  readonly ttl: { readonly min: number; readonly def: number; readonly max: number };
  /** False when nothing can be cached (TTLs all 0, or legacy "forward all headers"). */
  readonly caching: boolean;
  readonly key: { readonly headers: ValueSelector; readonly cookies: ValueSelector; readonly query: ValueSelector };
  /** What reaches the origin: the key values plus the origin request policy's. */
  readonly forward: { readonly headers: ValueSelector; readonly cookies: ValueSelector; readonly query: ValueSelector };
  /** Codings in the key (docs/edge.md §6.2); the edge compresses only when `compress` is on too (§13). */
  readonly encodings: { readonly gzip: boolean; readonly brotli: boolean };
  readonly compress: boolean;
  /**
   * CloudFront-* headers the cache policy or origin request policy names (docs/edge.md §7.2), lower-cased:
   * computed per request, put into the key when the key selects them and sent to the origin.
   */
  readonly cloudFrontHeaders: readonly string[];
  /** The behavior's response headers policy (docs/edge.md §11), compiled; undefined without one. */
  readonly responseHeaders: CompiledResponseHeadersPolicy | undefined;
  /**
   * Signed URLs/cookies required (TrustedKeyGroups enabled, docs/signed-urls.md): the trusted public
   * keys by id (Key-Pair-Id) as PEM. Undefined when the behavior is public.
   */
  readonly trustedKeys: ReadonlyMap<string, string> | undefined;
  /** ARNs of the CloudFront Functions associated for each event type (docs/functions.md). */
  readonly viewerRequestFunction: string | undefined;
  readonly viewerResponseFunction: string | undefined;
  /** The Lambda@Edge associations by event type (stages/lambda-edge-event.ts). */
  readonly lambdaAssociations: LambdaAssociations;
  /** The behavior's field-level encryption (stages/field-level-encryption.ts); undefined without one. */
  readonly fieldLevelEncryption?: CompiledFieldLevelEncryption | undefined;
  /**
   * Nothing runs per request on this behavior (no functions, signed URLs, response headers policy
   * or CloudFront-* headers) and it caches: fresh hits can take the edge's fast path.
   */
  readonly plainHits: boolean;
  /**
   * As plainHits, but for a viewer-request CloudFront Function, the only thing that runs: a hit
   * can take the fast path when the function lets the request through untouched.
   */
  readonly plainHitsAfterViewerRequest: boolean;
}

export interface CompiledOrigin {
  readonly id: string;
  readonly protocol: "http:" | "https:" | "match-viewer";
  readonly hostname: string;
  readonly port: number;
  /** For match-viewer custom origins: the port to use for https viewers. */
  readonly httpsPort: number;
  /** Prepended to every request path (OriginPath, or `/<bucket>` for S3 REST origins). */
  readonly pathPrefix: string;
  readonly hostHeader: string;
  readonly customHeaders: ReadonlyArray<readonly [string, string]>;
  readonly connectionTimeoutMs: number;
  readonly readTimeoutMs: number;
  readonly connectionAttempts: number;
  readonly isS3: boolean;
  /** Origin Shield enabled: one more cache layer in front of this origin (docs/edge.md §16). */
  readonly originShield: boolean;
  /** How requests to this S3 origin are signed: OAC (docs/edge.md §7.5) or a legacy OAI; undefined = anonymous. */
  readonly access: OriginAccess | undefined;
  /** The origin's DomainName as configured (OAC takes the signing region from it). */
  readonly domainName: string;
  /** The VPC origin an origin with a VpcOriginConfig names (vpc-origin-map.ts maps it to a local server). */
  readonly vpcOrigin?: VpcOriginRef;
}

export type OriginAccess =
  | { readonly kind: "oac"; readonly settings: OriginAccessControlSettings }
  | { readonly kind: "oai"; readonly id: string };

export interface CompiledDistribution {
  /** The id the edge keys its cache and notes by: a distribution's, or a tenant's (tenant-serving.ts). */
  readonly id: string;
  /**
   * The distribution whose identity signs OAC origin requests: for a tenant, its multi-tenant
   * distribution (a bucket policy names the distribution's ARN, not the tenant's).
   */
  readonly signingId: string;
  readonly etag: string;
  readonly enabled: boolean;
  readonly behaviors: readonly CompiledBehavior[];
  readonly defaultBehavior: CompiledBehavior;
  readonly origins: ReadonlyMap<string, CompiledOrigin>;
  /** Origin group id → its secondary origin and the statuses that fail over to it (docs/edge.md §8). */
  readonly failover: ReadonlyMap<string, { readonly secondary: CompiledOrigin; readonly statusCodes: ReadonlySet<number> }>;
  readonly defaultRootObject: string;
  /** ErrorCode → ErrorCachingMinTTL seconds. */
  readonly errorCachingMinTtl: ReadonlyMap<number, number>;
  /** Restrictions.GeoRestriction (docs/edge.md §3). */
  readonly geo: GeoRestriction;
  /** ErrorCode → the custom error page to serve instead (docs/edge.md §10). */
  readonly errorPages: ReadonlyMap<number, { readonly path: string; readonly responseCode: number | undefined }>;
}

const NONE: ValueSelector = { behavior: "none", names: new Set() };
const ALL: ValueSelector = { behavior: "all", names: new Set() };

/** Finds cache and origin request policies by id, managed or custom. */
export interface PolicyLookup extends FieldLevelEncryptionLookup, VpcOriginLookup {
  cachePolicy(id: string): CachePolicyConfig | undefined;
  originRequestPolicy(id: string): OriginRequestPolicyConfig | undefined;
  responseHeadersPolicy(id: string): ResponseHeadersPolicyConfig | undefined;
  originAccessControl(id: string): OriginAccessControlSettings | undefined;
  /** Public keys (id → PEM) of the given key groups. */
  trustedKeys(keyGroupIds: readonly string[]): ReadonlyMap<string, string>;
}

export function compileDistribution(rec: DistributionRecord, s3: S3OriginSettings, policies: PolicyLookup): CompiledDistribution {
  const c = rec.config;
  const behaviors = (c.CacheBehaviors?.Items ?? []).map((b) => compileBehavior(b, b.PathPattern ?? "*", policies));
  const origins = new Map<string, CompiledOrigin>();
  for (const o of c.Origins?.Items ?? []) origins.set(o.Id as string, compileOrigin(o, s3, policies));
  // Origin groups (docs/edge.md §8): the group id reaches the primary; failover knows the secondary.
  const failover = new Map<string, { secondary: CompiledOrigin; statusCodes: ReadonlySet<number> }>();
  for (const g of c.OriginGroups?.Items ?? []) {
    const primary = origins.get(g.Members?.Items?.[0]?.OriginId ?? "");
    const secondary = origins.get(g.Members?.Items?.[1]?.OriginId ?? "");
    if (!primary || !secondary) continue;
    origins.set(g.Id as string, primary);
    failover.set(g.Id as string, { secondary, statusCodes: new Set(g.FailoverCriteria?.StatusCodes?.Items ?? []) });
  }
  return {
    id: rec.Id,
    signingId: (rec as { distributionTenant?: { DistributionId: string } }).distributionTenant?.DistributionId ?? rec.Id,
    etag: rec.ETag,
    enabled: c.Enabled === true,
    behaviors,
    defaultBehavior: compileBehavior(c.DefaultCacheBehavior as DefaultCacheBehavior, "*", policies),
    origins,
    failover,
    defaultRootObject: c.DefaultRootObject ?? "",
    geo: { type: c.Restrictions?.GeoRestriction?.RestrictionType ?? "none", locations: new Set(c.Restrictions?.GeoRestriction?.Items ?? []) },
    errorCachingMinTtl: new Map((c.CustomErrorResponses?.Items ?? []).map((e) => [e.ErrorCode as number, e.ErrorCachingMinTTL ?? DEFAULT_ERROR_CACHING_MIN_TTL])),
    errorPages: new Map(
      (c.CustomErrorResponses?.Items ?? [])
        .filter((e) => e.ResponsePagePath)
        .map((e) => [e.ErrorCode as number, { path: e.ResponsePagePath as string, responseCode: e.ResponseCode ? Number(e.ResponseCode) : undefined }]),
    ),
  };
}

/** docs/edge.md §4: `*` any run of characters (across `/`), `?` one character, leading `/` optional. */
export function patternToRegExp(pattern: string): RegExp {
  const body = pattern.replace(/^\//, "");
  let re = "";
  for (const ch of body) {
    if (ch === "*") re += ".*";
    else if (ch === "?") re += ".";
    else re += ch.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^/${re}$`, "s");
}

function selector(behavior: string | undefined, names: readonly string[] | undefined, lower: boolean): ValueSelector {
  const b = (behavior ?? "none") as Selection;
  return { behavior: b, names: new Set((names ?? []).map((n) => (lower ? n.toLowerCase() : n))) };
}

/** The union of two selections (key ∪ origin request policy = what is forwarded). */
function union(a: ValueSelector, b: ValueSelector): ValueSelector {
  if (a.behavior === "all" || b.behavior === "all") return ALL;
  if (a.behavior === "none") return b;
  if (b.behavior === "none") return a;
  if (a.behavior === "whitelist" && b.behavior === "whitelist") return { behavior: "whitelist", names: new Set([...a.names, ...b.names]) };
  // allExcept combined with anything but "all": forward all except what both exclude.
  const excluded = [a, b].filter((s) => s.behavior === "allExcept").map((s) => s.names);
  const kept = [a, b].filter((s) => s.behavior === "whitelist").flatMap((s) => [...s.names]);
  const names = new Set([...(excluded[0] ?? [])].filter((n) => excluded.every((e) => e.has(n)) && !kept.includes(n)));
  return { behavior: "allExcept", names };
}

function compileBehavior(b: DefaultCacheBehavior | CacheBehavior, pathPattern: string, policies: PolicyLookup): CompiledBehavior {
  const allowed = new Set(b.AllowedMethods?.Items ?? ["GET", "HEAD"]);
  const cached = new Set(b.AllowedMethods?.CachedMethods?.Items ?? ["GET", "HEAD"]);
  let ttl: CompiledBehavior["ttl"];
  let key: CompiledBehavior["key"];
  let caching: boolean;
  let encodings: CompiledBehavior["encodings"];
  if (b.CachePolicyId) {
    const policy = policies.cachePolicy(b.CachePolicyId);
    const p = policy?.ParametersInCacheKeyAndForwardedToOrigin;
    ttl = { min: policy?.MinTTL ?? 0, def: policy?.DefaultTTL ?? LEGACY_DEFAULT_TTL, max: policy?.MaxTTL ?? LEGACY_MAX_TTL };
    key = {
      headers: selector(p?.HeadersConfig?.HeaderBehavior, p?.HeadersConfig?.Headers?.Items, true),
      cookies: selector(p?.CookiesConfig?.CookieBehavior, p?.CookiesConfig?.Cookies?.Items, false),
      query: selector(p?.QueryStringsConfig?.QueryStringBehavior, p?.QueryStringsConfig?.QueryStrings?.Items, false),
    };
    caching = ttl.max > 0;
    encodings = { gzip: p?.EnableAcceptEncodingGzip === true, brotli: p?.EnableAcceptEncodingBrotli === true };
  } else {
    const f = b.ForwardedValues;
    const headers = f?.Headers?.Items ?? [];
    const forwardAllHeaders = headers.includes("*");
    ttl = { min: b.MinTTL ?? 0, def: b.DefaultTTL ?? LEGACY_DEFAULT_TTL, max: b.MaxTTL ?? LEGACY_MAX_TTL };
    const cacheKeys = f?.QueryStringCacheKeys?.Items ?? [];
    key = {
      headers: forwardAllHeaders ? ALL : selector(headers.length ? "whitelist" : "none", headers, true),
      cookies: selector(f?.Cookies?.Forward ?? "none", f?.Cookies?.WhitelistedNames?.Items, false),
      query: !f?.QueryString ? NONE : cacheKeys.length ? selector("whitelist", cacheKeys, false) : ALL,
    };
    // Legacy: all query strings are forwarded when QueryString is true, keyed or not.
    caching = !forwardAllHeaders && ttl.max > 0;
    // Legacy behaviors: Compress turns on both codings (CloudFront guide "Serve compressed files").
    encodings = { gzip: b.Compress === true, brotli: b.Compress === true };
    return finish(b, pathPattern, allowed, cached, ttl, caching, key, { ...key, query: f?.QueryString ? ALL : NONE }, encodings, cloudFrontHeaderNames(headers), policies);
  }
  const orp = b.OriginRequestPolicyId ? policies.originRequestPolicy(b.OriginRequestPolicyId) : undefined;
  const forward = orp
    ? {
        headers: union(key.headers, selector(orp.HeadersConfig?.HeaderBehavior?.startsWith("allViewer") ? "all" : orp.HeadersConfig?.HeaderBehavior, orp.HeadersConfig?.Headers?.Items, true)),
        cookies: union(key.cookies, selector(orp.CookiesConfig?.CookieBehavior, orp.CookiesConfig?.Cookies?.Items, false)),
        query: union(key.query, selector(orp.QueryStringsConfig?.QueryStringBehavior, orp.QueryStringsConfig?.QueryStrings?.Items, false)),
      }
    : key;
  const named = [...key.headers.names, ...(orp?.HeadersConfig?.HeaderBehavior === "allExcept" ? [] : (orp?.HeadersConfig?.Headers?.Items ?? []))];
  return finish(b, pathPattern, allowed, cached, ttl, caching, key, forward, encodings, cloudFrontHeaderNames(key.headers.behavior === "whitelist" || orp ? named : []), policies);
}

function finish(
  b: DefaultCacheBehavior | CacheBehavior,
  pathPattern: string,
  allowedMethods: Set<string>,
  cachedMethods: Set<string>,
  ttl: CompiledBehavior["ttl"],
  caching: boolean,
  key: CompiledBehavior["key"],
  forward: CompiledBehavior["forward"],
  encodings: CompiledBehavior["encodings"],
  cloudFrontHeaders: readonly string[],
  policies: PolicyLookup,
): CompiledBehavior {
  const rhp = b.ResponseHeadersPolicyId ? policies.responseHeadersPolicy(b.ResponseHeadersPolicyId) : undefined;
  const keyGroups = b.TrustedKeyGroups?.Enabled ? (b.TrustedKeyGroups.Items ?? []) : [];
  return {
    pathPattern,
    matcher: pathPattern === "*" ? undefined : patternToRegExp(pathPattern),
    targetOriginId: b.TargetOriginId as string,
    allowedMethods,
    cachedMethods,
    viewerProtocolPolicy: b.ViewerProtocolPolicy ?? "allow-all",
    ttl,
    caching,
    key,
    forward,
    encodings,
    // docs/edge.md §13: no compression when caching is off.
    compress: b.Compress === true && caching,
    cloudFrontHeaders,
    responseHeaders: rhp ? compileResponseHeadersPolicy(rhp) : undefined,
    trustedKeys: keyGroups.length > 0 ? policies.trustedKeys(keyGroups) : undefined,
    viewerRequestFunction: b.FunctionAssociations?.Items?.find((f) => f.EventType === "viewer-request")?.FunctionARN,
    viewerResponseFunction: b.FunctionAssociations?.Items?.find((f) => f.EventType === "viewer-response")?.FunctionARN,
    lambdaAssociations: lambdaAssociations(b),
    fieldLevelEncryption: b.FieldLevelEncryptionId ? compileFieldLevelEncryption(b.FieldLevelEncryptionId, policies) : undefined,
    ...hitPaths(b, caching && !rhp && keyGroups.length === 0 && cloudFrontHeaders.length === 0 && !(b.LambdaFunctionAssociations?.Items ?? []).length),
  };
}

/** plainHits and plainHitsAfterViewerRequest, given that nothing but CloudFront Functions runs on the behavior. */
function hitPaths(b: DefaultCacheBehavior | CacheBehavior, plain: boolean): Pick<CompiledBehavior, "plainHits" | "plainHitsAfterViewerRequest"> {
  const functions = b.FunctionAssociations?.Items ?? [];
  return { plainHits: plain && functions.length === 0, plainHitsAfterViewerRequest: plain && functions.length === 1 && functions[0]?.EventType === "viewer-request" };
}

function compileOrigin(o: Origin, s3: S3OriginSettings, policies: PolicyLookup): CompiledOrigin {
  if (o.VpcOriginConfig) {
    // A VPC origin is reached as a custom origin with its settings (vpc-origin-routing.ts).
    const vpc = vpcOriginAsCustom(o, policies);
    return { ...compileOrigin(vpc.origin, s3, policies), vpcOrigin: vpc.vpcOrigin };
  }
  const common = {
    id: o.Id as string,
    customHeaders: (o.CustomHeaders?.Items ?? []).map((h) => [h.HeaderName as string, h.HeaderValue ?? ""] as const),
    connectionTimeoutMs: (o.ConnectionTimeout ?? 10) * 1000,
    connectionAttempts: o.ConnectionAttempts ?? 3,
    originShield: o.OriginShield?.Enabled === true,
    domainName: o.DomainName as string,
    access: originAccess(o, policies),
  };
  const originPath = o.OriginPath ?? "";
  const s3Name = parseS3OriginDomain(o.DomainName as string);
  if (s3Name && (o.S3OriginConfig || s3Name.kind === "website")) {
    const ep = resolveS3Origin(s3Name, s3);
    return {
      ...common,
      protocol: ep.protocol,
      hostname: ep.hostname,
      port: ep.port,
      httpsPort: ep.port,
      pathPrefix: ep.pathPrefix + originPath,
      hostHeader: ep.hostHeader,
      readTimeoutMs: (o.CustomOriginConfig?.OriginReadTimeout ?? o.S3OriginConfig?.OriginReadTimeout ?? 30) * 1000,
      isS3: true,
    };
  }
  const custom = o.CustomOriginConfig;
  const policy = custom?.OriginProtocolPolicy ?? "http-only";
  const httpPort = custom?.HTTPPort ?? 80;
  const httpsPort = custom?.HTTPSPort ?? 443;
  const protocol = policy === "https-only" ? "https:" : policy === "match-viewer" ? "match-viewer" : "http:";
  const port = protocol === "https:" ? httpsPort : httpPort;
  const defaultPort = protocol === "https:" ? 443 : 80;
  return {
    ...common,
    protocol,
    hostname: o.DomainName as string,
    port,
    httpsPort,
    pathPrefix: originPath,
    hostHeader: port === defaultPort ? (o.DomainName as string) : `${o.DomainName}:${port}`,
    readTimeoutMs: (custom?.OriginReadTimeout ?? 30) * 1000,
    isS3: false,
  };
}

/** OAC when the origin names one (it wins: validation refuses both), else an OAI from S3OriginConfig. */
function originAccess(o: Origin, policies: PolicyLookup): OriginAccess | undefined {
  if (o.OriginAccessControlId) {
    const settings = policies.originAccessControl(o.OriginAccessControlId);
    return settings ? { kind: "oac", settings } : undefined;
  }
  // S3OriginConfig.OriginAccessIdentity: `origin-access-identity/cloudfront/<id>` (or empty).
  const oai = /^origin-access-identity\/cloudfront\/([A-Z0-9]+)$/.exec(o.S3OriginConfig?.OriginAccessIdentity ?? "");
  return oai ? { kind: "oai", id: oai[1] as string } : undefined;
}
