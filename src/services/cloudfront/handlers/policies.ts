// Cache policies and origin request policies: Create, Get, GetConfig, Update, Delete, List, and
// ListDistributionsBy{CachePolicy,OriginRequestPolicy}Id (control-plane.md §4 "name-keyed
// resources", §9 "Cache policy", managed-policies.md). Both kinds share one implementation; what
// differs (shape names, error codes, limits, defaults) is in the two KIND tables below.
// Managed policies are listed with Type=managed, readable by id, never updatable (IllegalUpdate)
// or deletable (IllegalDelete). A policy used by a distribution cannot be deleted (…InUse).
import type {
  CachePolicyConfig,
  DistributionConfig,
  OriginRequestPolicyConfig,
} from "@aws-sdk/client-cloudfront";
import { fail } from "../../../api/errors.ts";
import type { RequestContext } from "../../../api/service.ts";
import type { CloudFrontState, PolicyRecord } from "../state.ts";
import { MANAGED_CACHE_POLICIES, MANAGED_ORIGIN_REQUEST_POLICIES } from "../managed-policies.ts";
import { LEGACY_DEFAULT_TTL, LEGACY_MAX_TTL } from "../distribution-defaults.ts";
import { checkIfMatch, pageAfterMarker } from "./common.ts";

type Ctx = RequestContext<CloudFrontState>;
type AnyConfig = CachePolicyConfig | OriginRequestPolicyConfig;

/** Custom policies per account, and names/headers/cookies/query strings per policy (cloudfront-limits.html). */
export const MAX_CUSTOM_POLICIES = 20;
const MAX_ITEMS = 10;
/** Managed policies have fixed versions; any stable value works as their ETag. */
const MANAGED_ETAG = "E23ZP02F085DFQ";
const MANAGED_TIME = new Date("2020-07-22T00:00:00.000Z");

interface Kind {
  readonly kind: "cache" | "origin-request";
  /** Output member names: `CachePolicy`, `CachePolicyConfig`, `CachePolicyList`. */
  readonly shape: "CachePolicy" | "OriginRequestPolicy";
  readonly managed: ReadonlyMap<string, AnyConfig>;
  readonly codes: { readonly exists: string; readonly noSuch: string; readonly inUse: string; readonly tooMany: string; readonly tooManyHeaders: string; readonly tooManyCookies: string; readonly tooManyQueryStrings: string };
  /** URI path segment for Location headers. */
  readonly path: string;
  /** Which distributions use the policy. */
  readonly usedBy: (config: DistributionConfig, id: string) => boolean;
  readonly normalize: (config: AnyConfig) => AnyConfig;
  readonly selectors: (config: AnyConfig) => Array<[string, { behavior?: string; items: readonly string[] }, string]>;
}

const behaviors = (c: DistributionConfig) => [c.DefaultCacheBehavior, ...(c.CacheBehaviors?.Items ?? [])];

export const CACHE: Kind = {
  kind: "cache",
  shape: "CachePolicy",
  managed: MANAGED_CACHE_POLICIES,
  codes: {
    exists: "CachePolicyAlreadyExists",
    noSuch: "NoSuchCachePolicy",
    inUse: "CachePolicyInUse",
    tooMany: "TooManyCachePolicies",
    tooManyHeaders: "TooManyHeadersInCachePolicy",
    tooManyCookies: "TooManyCookiesInCachePolicy",
    tooManyQueryStrings: "TooManyQueryStringsInCachePolicy",
  },
  path: "cache-policy",
  usedBy: (c, id) => behaviors(c).some((b) => b?.CachePolicyId === id),
  normalize(config) {
    // §9: DefaultTTL defaults to 86400 (or MinTTL if larger), MaxTTL to 31536000 (or DefaultTTL if larger).
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
  selectors(config) {
    const p = (config as CachePolicyConfig).ParametersInCacheKeyAndForwardedToOrigin;
    return [
      ["Headers", { behavior: p?.HeadersConfig?.HeaderBehavior, items: p?.HeadersConfig?.Headers?.Items ?? [] }, CACHE.codes.tooManyHeaders],
      ["Cookies", { behavior: p?.CookiesConfig?.CookieBehavior, items: p?.CookiesConfig?.Cookies?.Items ?? [] }, CACHE.codes.tooManyCookies],
      ["QueryStrings", { behavior: p?.QueryStringsConfig?.QueryStringBehavior, items: p?.QueryStringsConfig?.QueryStrings?.Items ?? [] }, CACHE.codes.tooManyQueryStrings],
    ];
  },
};

export const ORIGIN_REQUEST: Kind = {
  kind: "origin-request",
  shape: "OriginRequestPolicy",
  managed: MANAGED_ORIGIN_REQUEST_POLICIES,
  codes: {
    exists: "OriginRequestPolicyAlreadyExists",
    noSuch: "NoSuchOriginRequestPolicy",
    inUse: "OriginRequestPolicyInUse",
    tooMany: "TooManyOriginRequestPolicies",
    tooManyHeaders: "TooManyHeadersInOriginRequestPolicy",
    tooManyCookies: "TooManyCookiesInOriginRequestPolicy",
    tooManyQueryStrings: "TooManyQueryStringsInOriginRequestPolicy",
  },
  path: "origin-request-policy",
  usedBy: (c, id) => behaviors(c).some((b) => b?.OriginRequestPolicyId === id),
  normalize: (config) => ({ ...config, Comment: config.Comment ?? "" }),
  selectors(config) {
    const c = config as OriginRequestPolicyConfig;
    return [
      ["Headers", { behavior: c.HeadersConfig?.HeaderBehavior, items: c.HeadersConfig?.Headers?.Items ?? [] }, ORIGIN_REQUEST.codes.tooManyHeaders],
      ["Cookies", { behavior: c.CookiesConfig?.CookieBehavior, items: c.CookiesConfig?.Cookies?.Items ?? [] }, ORIGIN_REQUEST.codes.tooManyCookies],
      ["QueryStrings", { behavior: c.QueryStringsConfig?.QueryStringBehavior, items: c.QueryStringsConfig?.QueryStrings?.Items ?? [] }, ORIGIN_REQUEST.codes.tooManyQueryStrings],
    ];
  },
};

/** A policy by id, managed or custom, as stored or as seeded. */
export function findPolicy(state: CloudFrontState, k: Kind, id: string): PolicyRecord | undefined {
  const managed = k.managed.get(id);
  if (managed) return { Id: id, kind: k.kind, ETag: MANAGED_ETAG, lastModified: MANAGED_TIME.getTime(), config: managed };
  return state.getPolicy(k.kind, id);
}

function mustFind(state: CloudFrontState, k: Kind, id: string | undefined): PolicyRecord {
  return findPolicy(state, k, id ?? "") ?? fail(k.codes.noSuch, `The ${k.kind} policy ${id ?? ""} does not exist.`);
}

function validate(state: CloudFrontState, k: Kind, config: AnyConfig, selfId: string | undefined): void {
  const name = config.Name ?? "";
  if (!/^[A-Za-z0-9_-]{1,128}$/.test(name)) fail("InvalidArgument", `The policy name "${name}" must be 1-128 letters, digits, hyphens and underscores.`);
  if ((config.Comment ?? "").length > 128) fail("InvalidArgument", "The policy Comment is longer than 128 characters.");
  const clash = [...k.managed.values()].some((m) => m.Name === name) || state.listPolicies(k.kind).some((p) => p.config.Name === name && p.Id !== selfId);
  if (clash) fail(k.codes.exists, `A ${k.kind} policy named ${name} already exists.`);
  if (k === CACHE) {
    const c = config as CachePolicyConfig;
    for (const [field, v] of [["MinTTL", c.MinTTL], ["DefaultTTL", c.DefaultTTL], ["MaxTTL", c.MaxTTL]] as const) {
      if (v !== undefined && !(Number.isInteger(v) && v >= 0)) fail("InvalidArgument", `${field} must be a non-negative whole number of seconds.`);
    }
    if (c.DefaultTTL !== undefined && (c.MinTTL ?? 0) > c.DefaultTTL) fail("InvalidArgument", "MinTTL must be less than or equal to DefaultTTL.");
    if (c.MaxTTL !== undefined && ((c.DefaultTTL ?? 0) > c.MaxTTL || (c.MinTTL ?? 0) > c.MaxTTL)) fail("InvalidArgument", "DefaultTTL and MinTTL must be less than or equal to MaxTTL.");
  }
  for (const [what, sel, tooMany] of k.selectors(config)) {
    const needsItems = sel.behavior === "whitelist" || sel.behavior === "allExcept" || sel.behavior === "allViewerAndWhitelistCloudFront";
    if (needsItems && sel.items.length === 0) fail("InvalidArgument", `${what}Config with behavior ${sel.behavior} must list at least one name.`);
    if (!needsItems && sel.items.length > 0) fail("InvalidArgument", `${what}Config with behavior ${sel.behavior ?? "none"} cannot list names.`);
    if (sel.items.length > MAX_ITEMS) fail(tooMany, `A policy can list at most ${MAX_ITEMS} ${what.toLowerCase()}.`);
  }
}

function view(k: Kind, rec: PolicyRecord): Record<string, unknown> {
  return { Id: rec.Id, LastModifiedTime: new Date(rec.lastModified), [`${k.shape}Config`]: rec.config };
}

/** The six handlers of one policy kind, named as the operations are. */
export function policyHandlers(k: Kind) {
  const s = k.shape;
  return {
    [`Create${s}`]: (input: Record<string, unknown>, ctx: Ctx) => {
      const state = ctx.service;
      const config = k.normalize(input[`${s}Config`] as AnyConfig);
      validate(state, k, config, undefined);
      if (state.listPolicies(k.kind).length >= MAX_CUSTOM_POLICIES) fail(k.codes.tooMany, `You cannot create more than ${MAX_CUSTOM_POLICIES} ${k.kind} policies.`);
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
      if (k.managed.has(rec.Id)) fail("IllegalUpdate", `The managed ${k.kind} policy ${rec.Id} cannot be updated.`);
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
      if (k.managed.has(rec.Id)) fail("IllegalDelete", `The managed ${k.kind} policy ${rec.Id} cannot be deleted.`);
      checkIfMatch(IfMatch, rec.ETag);
      if (state.listDistributions().some((d) => k.usedBy(d.config, rec.Id))) fail(k.codes.inUse, `The ${k.kind} policy ${rec.Id} is attached to one or more cache behaviors.`);
      state.deletePolicy(k.kind, rec.Id);
      return {};
    },
    [`List${s === "CachePolicy" ? "CachePolicies" : "OriginRequestPolicies"}`]: ({ Type, Marker, MaxItems }: { Type?: string; Marker?: string; MaxItems?: number }, ctx: Ctx) => {
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
    [`ListDistributionsBy${s === "CachePolicy" ? "CachePolicyId" : "OriginRequestPolicyId"}`]: (input: Record<string, string | number | undefined>, ctx: Ctx) => {
      const id = String(input[`${s}Id`] ?? "");
      mustFind(ctx.service, k, id);
      const ids = ctx.service.listDistributions().filter((d) => k.usedBy(d.config, id));
      const page = pageAfterMarker(ids, (d) => d.Id, input["Marker"] as string | undefined, input["MaxItems"] as number | undefined);
      return {
        DistributionIdList: {
          Marker: (input["Marker"] as string | undefined) ?? "",
          MaxItems: page.maxItems,
          IsTruncated: page.nextMarker !== undefined,
          Quantity: page.items.length,
          ...(page.nextMarker !== undefined ? { NextMarker: page.nextMarker } : {}),
          ...(page.items.length > 0 ? { Items: page.items.map((d) => d.Id) } : {}),
        },
      };
    },
  };
}
