// Cache policies, origin request policies and response headers policies: Create, Get, GetConfig,
// Update, Delete, List and ListDistributionsBy…PolicyId (docs/control-plane.md §4 "name-keyed
// resources", §9 "Cache policy", docs/managed-policies.md, docs/edge.md §11). The three kinds share
// one implementation; what differs (shape names, error codes, defaults, kind-specific checks) is in
// the KIND tables below. Managed policies are listed with Type=managed, readable by id, never
// updatable (IllegalUpdate) or deletable (IllegalDelete). A policy used by a distribution cannot be
// deleted (…InUse). Every check runs before anything is stored, so a refused call changes nothing.
//
// Response headers policy checks (CloudFront guide "Understand response headers policies", the model docs and
// observed CloudFront errors). Where AWS documents nothing the rule is marked "(choice)":
// - Content-Security-Policy longer than 1,783 characters → TooLongCSPInResponseHeadersPolicy.
// - More than 10 custom headers → TooManyCustomHeadersInResponseHeadersPolicy; more than 10 remove
//   headers → TooManyRemoveHeadersInResponseHeadersPolicy (the quota page lists 10 custom headers;
//   10 remove headers is our choice, unverified).
// - Removing a header CloudFront manages (the documented list) → InvalidArgument; adding one of
//   those as a custom header → InvalidArgument too (choice: CloudFront sets them itself, and a
//   policy value would break framing or spoof CloudFront's own headers).
// - The same header twice in custom headers or in remove headers, or a custom header that another
//   section of the same policy already sets (security headers, CORS headers when CorsConfig is
//   present, Server-Timing when enabled) → InvalidArgument (choice: which one wins is undefined).
// - X-XSS-Protection with both ModeBlock and ReportUri → InvalidArgument (documented).
// - Server-Timing SamplingRate outside 0–100 or with more than four decimals → InvalidArgument.
// - CORS: AllowOrigins/AllowHeaders/AllowMethods need at least one item; `*` only alone or as the
//   leftmost label of an origin's host (documented); methods from the model's enum with `ALL`
//   alone; AllowHeaders containing `*` together with AllowCredentials → InvalidArgument (observed
//   CloudFront message). AllowOrigins `*` with AllowCredentials is accepted (no evidence either way).
// - Header names must be HTTP tokens and values must not hold control characters (choice: a CR/LF
//   in a value would split the response at the edge).
import type {
  CachePolicyConfig,
  DistributionConfig,
  OriginRequestPolicyConfig,
  ResponseHeadersPolicyConfig,
} from "@aws-sdk/client-cloudfront";
import { fail } from "../../../api/errors.ts";
import { messages } from "../messages.ts";
import type { RequestContext } from "../../../api/service.ts";
import type { CloudFrontState, PolicyRecord } from "../state.ts";
import { MANAGED_CACHE_POLICIES, MANAGED_ORIGIN_REQUEST_POLICIES, MANAGED_RESPONSE_HEADERS_POLICIES } from "../managed-policies.ts";
import { LEGACY_DEFAULT_TTL, LEGACY_MAX_TTL } from "../distribution-defaults.ts";
import { checkIfMatch, pageAfterMarker, markerList } from "./common.ts";
import { RHP_LIMITS, isCloudFrontManagedHeader, validateResponseHeadersPolicyConfig } from "./response-headers-policy-checks.ts";

export { RHP_LIMITS, isCloudFrontManagedHeader, validateResponseHeadersPolicyConfig };

type Ctx = RequestContext<CloudFrontState>;
type AnyConfig = CachePolicyConfig | OriginRequestPolicyConfig | ResponseHeadersPolicyConfig;

/** Custom policies per account, and names/headers/cookies/query strings per policy (CloudFront guide "Quotas"). */
export const MAX_CUSTOM_POLICIES = 20;
const MAX_ITEMS = 10;
/** Managed policies have fixed versions; any stable value works as their ETag. */
const MANAGED_ETAG = "E23ZP02F085DFQ";
const MANAGED_TIME = new Date("2020-07-22T00:00:00.000Z");


export interface Kind {
  readonly kind: PolicyRecord["kind"];
  /** For messages: "cache policy". */
  readonly label: string;
  /** Output member names: `CachePolicy`, `CachePolicyConfig`, `CachePolicyList`. */
  readonly shape: "CachePolicy" | "OriginRequestPolicy" | "ResponseHeadersPolicy";
  /** The List operation's noun: `ListCachePolicies`. */
  readonly plural: "CachePolicies" | "OriginRequestPolicies" | "ResponseHeadersPolicies";
  readonly managed: ReadonlyMap<string, AnyConfig>;
  readonly codes: { readonly exists: string; readonly noSuch: string; readonly inUse: string; readonly tooMany: string };
  /** URI path segment for Location headers. */
  readonly path: string;
  /** Which distributions use the policy. */
  readonly usedBy: (config: DistributionConfig, id: string) => boolean;
  /** Fills the defaults CloudFront returns for omitted members. */
  readonly normalize: (config: AnyConfig) => AnyConfig;
  /** Kind-specific checks, after the shared name, comment and uniqueness checks. */
  readonly validate: (config: AnyConfig) => void;
}

const behaviors = (c: DistributionConfig) => [c.DefaultCacheBehavior, ...(c.CacheBehaviors?.Items ?? [])];

type Selector = [what: string, sel: { behavior?: string | undefined; items: readonly string[] }, tooMany: string];

/** Header/cookie/query string selections: items exactly when the behavior lists names, at most 10. */
function validateSelectors(selectors: readonly Selector[]): void {
  for (const [what, sel, tooMany] of selectors) {
    const needsItems = sel.behavior === "whitelist" || sel.behavior === "allExcept" || sel.behavior === "allViewerAndWhitelistCloudFront";
    if (needsItems && sel.items.length === 0) fail("InvalidArgument", `${what}Config with behavior ${sel.behavior} must list at least one name.`);
    if (!needsItems && sel.items.length > 0) fail("InvalidArgument", `${what}Config with behavior ${sel.behavior ?? "none"} cannot list names.`);
    if (sel.items.length > MAX_ITEMS) fail(tooMany, `A policy can list at most ${MAX_ITEMS} ${what.toLowerCase()}.`);
  }
}

export const CACHE: Kind = {
  kind: "cache",
  label: "cache policy",
  shape: "CachePolicy",
  plural: "CachePolicies",
  managed: MANAGED_CACHE_POLICIES,
  codes: { exists: "CachePolicyAlreadyExists", noSuch: "NoSuchCachePolicy", inUse: "CachePolicyInUse", tooMany: "TooManyCachePolicies" },
  path: "cache-policy",
  usedBy: (c, id) => behaviors(c).some((b) => b?.CachePolicyId === id),
  normalize(config) {
    // docs/control-plane.md §9: DefaultTTL defaults to 86400 (or MinTTL if larger), MaxTTL to 31536000 (or DefaultTTL if larger).
    const c = config as CachePolicyConfig;
    const min = c.MinTTL ?? 0;
    const def = c.DefaultTTL ?? Math.max(LEGACY_DEFAULT_TTL, min);
    const max = c.MaxTTL ?? Math.max(LEGACY_MAX_TTL, def);
    const p = c.ParametersInCacheKeyAndForwardedToOrigin;
    return {
      ...c,
      Comment: c.Comment ?? "",
      MinTTL: min,
      DefaultTTL: def,
      MaxTTL: max,
      ParametersInCacheKeyAndForwardedToOrigin: {
        EnableAcceptEncodingGzip: p?.EnableAcceptEncodingGzip ?? false,
        EnableAcceptEncodingBrotli: p?.EnableAcceptEncodingBrotli ?? false,
        HeadersConfig: p?.HeadersConfig ?? { HeaderBehavior: "none" },
        CookiesConfig: p?.CookiesConfig ?? { CookieBehavior: "none" },
        QueryStringsConfig: p?.QueryStringsConfig ?? { QueryStringBehavior: "none" },
      },
    };
  },
  validate(config) {
    const c = config as CachePolicyConfig;
    for (const [field, v] of [["MinTTL", c.MinTTL], ["DefaultTTL", c.DefaultTTL], ["MaxTTL", c.MaxTTL]] as const) {
      if (v !== undefined && !(Number.isInteger(v) && v >= 0)) fail("InvalidArgument", `${field} must be a non-negative whole number of seconds.`);
    }
    if (c.DefaultTTL !== undefined && (c.MinTTL ?? 0) > c.DefaultTTL) fail("InvalidArgument", "MinTTL must be less than or equal to DefaultTTL.");
    if (c.MaxTTL !== undefined && ((c.DefaultTTL ?? 0) > c.MaxTTL || (c.MinTTL ?? 0) > c.MaxTTL)) fail("InvalidArgument", "DefaultTTL and MinTTL must be less than or equal to MaxTTL.");
    const p = c.ParametersInCacheKeyAndForwardedToOrigin;
    validateSelectors([
      ["Headers", { behavior: p?.HeadersConfig?.HeaderBehavior, items: p?.HeadersConfig?.Headers?.Items ?? [] }, "TooManyHeadersInCachePolicy"],
      ["Cookies", { behavior: p?.CookiesConfig?.CookieBehavior, items: p?.CookiesConfig?.Cookies?.Items ?? [] }, "TooManyCookiesInCachePolicy"],
      ["QueryStrings", { behavior: p?.QueryStringsConfig?.QueryStringBehavior, items: p?.QueryStringsConfig?.QueryStrings?.Items ?? [] }, "TooManyQueryStringsInCachePolicy"],
    ]);
  },
};

export const ORIGIN_REQUEST: Kind = {
  kind: "origin-request",
  label: "origin request policy",
  shape: "OriginRequestPolicy",
  plural: "OriginRequestPolicies",
  managed: MANAGED_ORIGIN_REQUEST_POLICIES,
  codes: { exists: "OriginRequestPolicyAlreadyExists", noSuch: "NoSuchOriginRequestPolicy", inUse: "OriginRequestPolicyInUse", tooMany: "TooManyOriginRequestPolicies" },
  path: "origin-request-policy",
  usedBy: (c, id) => behaviors(c).some((b) => b?.OriginRequestPolicyId === id),
  normalize: (config) => ({ ...config, Comment: config.Comment ?? "" }),
  validate(config) {
    const c = config as OriginRequestPolicyConfig;
    validateSelectors([
      ["Headers", { behavior: c.HeadersConfig?.HeaderBehavior, items: c.HeadersConfig?.Headers?.Items ?? [] }, "TooManyHeadersInOriginRequestPolicy"],
      ["Cookies", { behavior: c.CookiesConfig?.CookieBehavior, items: c.CookiesConfig?.Cookies?.Items ?? [] }, "TooManyCookiesInOriginRequestPolicy"],
      ["QueryStrings", { behavior: c.QueryStringsConfig?.QueryStringBehavior, items: c.QueryStringsConfig?.QueryStrings?.Items ?? [] }, "TooManyQueryStringsInOriginRequestPolicy"],
    ]);
  },
};

export const RESPONSE_HEADERS: Kind = {
  kind: "response-headers",
  label: "response headers policy",
  shape: "ResponseHeadersPolicy",
  plural: "ResponseHeadersPolicies",
  managed: MANAGED_RESPONSE_HEADERS_POLICIES,
  codes: { exists: "ResponseHeadersPolicyAlreadyExists", noSuch: "NoSuchResponseHeadersPolicy", inUse: "ResponseHeadersPolicyInUse", tooMany: "TooManyResponseHeadersPolicies" },
  path: "response-headers-policy",
  usedBy: (c, id) => behaviors(c).some((b) => b?.ResponseHeadersPolicyId === id),
  normalize(config) {
    const c = config as ResponseHeadersPolicyConfig;
    const cors = c.CorsConfig;
    return {
      ...c,
      Comment: c.Comment ?? "",
      // Observed: CloudFront returns an omitted AccessControlExposeHeaders as Quantity 0.
      ...(cors ? { CorsConfig: { ...cors, AccessControlExposeHeaders: cors.AccessControlExposeHeaders ?? { Quantity: 0 } } } : {}),
    };
  },
  validate: (config) => validateResponseHeadersPolicyConfig(config as ResponseHeadersPolicyConfig),
};

/** A policy by id, managed or custom, as stored or as seeded. */
export function findPolicy(state: CloudFrontState, k: Kind, id: string): PolicyRecord | undefined {
  const managed = k.managed.get(id);
  if (managed) return { Id: id, kind: k.kind, ETag: MANAGED_ETAG, lastModified: MANAGED_TIME.getTime(), config: managed };
  return state.getPolicy(k.kind, id);
}

function mustFind(state: CloudFrontState, k: Kind, id: string | undefined): PolicyRecord {
  return findPolicy(state, k, id ?? "") ?? fail(k.codes.noSuch, messages.noSuchPolicy(k.label));
}

function validate(state: CloudFrontState, k: Kind, config: AnyConfig, selfId: string | undefined): void {
  const name = config.Name ?? "";
  if (!/^[A-Za-z0-9_-]{1,128}$/.test(name)) fail("InvalidArgument", `The policy name "${name}" must be 1-128 letters, digits, hyphens and underscores.`);
  if ((config.Comment ?? "").length > 128) fail("InvalidArgument", "The policy Comment is longer than 128 characters.");
  const clash = [...k.managed.values()].some((m) => m.Name === name) || state.listPolicies(k.kind).some((p) => p.config.Name === name && p.Id !== selfId);
  if (clash) fail(k.codes.exists, `A ${k.label} named ${name} already exists.`);
  k.validate(config);
}

function view(k: Kind, rec: PolicyRecord): Record<string, unknown> {
  return { Id: rec.Id, LastModifiedTime: new Date(rec.lastModified), [`${k.shape}Config`]: rec.config };
}

/** The six handlers of one policy kind, and its ListDistributionsBy…Id, named as the operations are. */
export function policyHandlers(k: Kind) {
  const s = k.shape;
  return {
    [`Create${s}`]: (input: Record<string, unknown>, ctx: Ctx) => {
      const state = ctx.service;
      const config = k.normalize(input[`${s}Config`] as AnyConfig);
      validate(state, k, config, undefined);
      if (state.listPolicies(k.kind).length >= MAX_CUSTOM_POLICIES) fail(k.codes.tooMany, `You cannot create more than ${MAX_CUSTOM_POLICIES} ${k.label} resources.`);
      const rec: PolicyRecord = { Id: state.ids.uuid(), kind: k.kind, ETag: state.ids.resourceId(), lastModified: state.clock.now(), config };
      state.putPolicy(rec);
      return { [s]: view(k, rec), ETag: rec.ETag, Location: `${ctx.baseUrl}/2020-05-31/${k.path}/${rec.Id}` };
    },
    [`Get${s}`]: ({ Id }: { Id?: string }, ctx: Ctx) => {
      const rec = mustFind(ctx.service, k, Id);
      return { [s]: view(k, rec), ETag: rec.ETag };
    },
    [`Get${s}Config`]: ({ Id }: { Id?: string }, ctx: Ctx) => {
      const rec = mustFind(ctx.service, k, Id);
      return { [`${s}Config`]: rec.config, ETag: rec.ETag };
    },
    [`Update${s}`]: (input: Record<string, unknown> & { Id?: string; IfMatch?: string }, ctx: Ctx) => {
      const state = ctx.service;
      const rec = mustFind(state, k, input.Id);
      if (k.managed.has(rec.Id)) fail("IllegalUpdate", `The managed ${k.label} ${rec.Id} cannot be updated.`);
      checkIfMatch(input.IfMatch, rec.ETag);
      const config = k.normalize(input[`${s}Config`] as AnyConfig);
      validate(state, k, config, rec.Id);
      const updated: PolicyRecord = { ...rec, ETag: state.ids.resourceId(), lastModified: state.clock.now(), config };
      state.putPolicy(updated);
      return { [s]: view(k, updated), ETag: updated.ETag };
    },
    [`Delete${s}`]: ({ Id, IfMatch }: { Id?: string; IfMatch?: string }, ctx: Ctx) => {
      const state = ctx.service;
      const rec = mustFind(state, k, Id);
      if (k.managed.has(rec.Id)) fail("IllegalDelete", `The managed ${k.label} ${rec.Id} cannot be deleted.`);
      checkIfMatch(IfMatch, rec.ETag);
      if (state.listDistributions().some((d) => k.usedBy(d.config, rec.Id))) fail(k.codes.inUse, `The ${k.label} ${rec.Id} is attached to one or more cache behaviors.`);
      state.deletePolicy(k.kind, rec.Id);
      return {};
    },
    [`List${k.plural}`]: ({ Type, Marker, MaxItems }: { Type?: string; Marker?: string; MaxItems?: number }, ctx: Ctx) => {
      if (Type !== undefined && Type !== "managed" && Type !== "custom") fail("InvalidArgument", `Type must be managed or custom, not ${Type}.`);
      const managed = Type === "custom" ? [] : [...k.managed.keys()].map((id) => ({ type: "managed", rec: findPolicy(ctx.service, k, id) as PolicyRecord }));
      const custom = Type === "managed" ? [] : ctx.service.listPolicies(k.kind).map((rec) => ({ type: "custom", rec }));
      const page = pageAfterMarker([...managed, ...custom], (p) => p.rec.Id, Marker, MaxItems);
      return {
        [`${s}List`]: {
          MaxItems: page.maxItems,
          Quantity: page.items.length,
          ...(page.nextMarker !== undefined ? { NextMarker: page.nextMarker } : {}),
          ...(page.items.length > 0 ? { Items: page.items.map((p) => ({ Type: p.type, [s]: view(k, p.rec) })) } : {}),
        },
      };
    },
    [`ListDistributionsBy${s}Id`]: (input: Record<string, string | number | undefined>, ctx: Ctx) => {
      const id = String(input[`${s}Id`] ?? "");
      mustFind(ctx.service, k, id);
      const ids = ctx.service.listDistributions().filter((d) => k.usedBy(d.config, id));
      const page = pageAfterMarker(ids, (d) => d.Id, input["Marker"] as string | undefined, input["MaxItems"] as number | undefined);
      return {
        DistributionIdList: {
          ...markerList(page, input["Marker"] as string | undefined, (d) => d.Id),
        },
      };
    },
  };
}
