// Semantic checks on a DistributionConfig, with the error codes CloudFront uses
// (docs/control-plane.md §5 and §9). The XML reader already checked types and required members; this
// checks the rules between fields. Throws on the first violation; the caller changes nothing.
//
// Cache policy, origin request policy and response headers policy ids must exist (managed or
// custom), and so must origin access controls (of the origin's type), origin access identities and
// trusted key groups (validateOriginAccess, validateBehavior). Function associations and field-level
// encryption ids are checked against the (so far empty) sets of those resources, so a reference to
// one is rejected as unknown, as CloudFront would.
import type { CacheBehavior, DefaultCacheBehavior, DistributionConfig, Origin } from "@aws-sdk/client-cloudfront";
import {
  GeoRestrictionType,
  HttpVersion,
  ItemSelection,
  MinimumProtocolVersion,
  OriginProtocolPolicy,
  PriceClass,
  SslProtocol,
  SSLSupportMethod,
  ViewerProtocolPolicy,
} from "./sdk-enums.ts";
import { fail } from "../../api/errors.ts";
import { parseS3OriginDomain } from "../s3/origin-address.ts";
import { validateLambdaAssociations, type EdgeLambdaLookup } from "./lambda-associations.ts";

/** Quotas (docs/control-plane.md §9, CloudFront guide "Quotas"). */
export const LIMITS = {
  origins: 25,
  originGroups: 10,
  cacheBehaviors: 75,
  aliases: 100,
  originCustomHeaders: 10,
  forwardedHeaders: 10,
  whitelistedCookies: 10,
  queryStringCacheKeys: 10,
  comment: 128,
  pathPattern: 255,
  defaultRootObject: 255,
  /** Key groups per cache behavior and per distribution ("Quotas on key groups"). */
  keyGroupsPerDistribution: 4,
} as const;

const ALLOWED_METHOD_SETS = [
  ["GET", "HEAD"],
  ["GET", "HEAD", "OPTIONS"],
  ["DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"],
];
const CACHED_METHOD_SETS = [
  ["GET", "HEAD"],
  ["GET", "HEAD", "OPTIONS"],
];
/** docs/edge.md §10: the codes CustomErrorResponses accept. */
const ERROR_CODES = new Set([400, 403, 404, 405, 414, 416, 500, 501, 502, 503, 504]);
const RESPONSE_CODES = new Set(["200", "400", "403", "404", "405", "414", "416", "500", "501", "502", "503", "504"]);
const FAILOVER_CODES = new Set([400, 403, 404, 416, 500, 502, 503, 504]);

/** What the validator needs to know about the rest of the account. */
export interface ValidationContext {
  /** Which distribution, if any, already uses this alias (case-insensitive). */
  aliasOwner(alias: string): string | undefined;
  /** The distribution being updated; its own aliases are not conflicts. */
  readonly selfId?: string;
  /** Functions published to LIVE, by ARN (CloudFront Functions issue). */
  liveFunctionArns(): ReadonlySet<string>;
  /** Key groups that exist (TrustedKeyGroups must name them). */
  keyGroupIds(): ReadonlySet<string>;
  /** The OriginAccessControlOriginType of an origin access control, or undefined when there is none with this id. */
  originAccessControlType(id: string): string | undefined;
  /** Whether an origin access identity with this id exists. */
  originAccessIdentityExists(id: string): boolean;
  fieldLevelEncryptionIds(): ReadonlySet<string>;
  /** Cache policies and origin request policies that exist (managed ones, and custom ones later). */
  cachePolicyExists(id: string): boolean;
  originRequestPolicyExists(id: string): boolean;
  responseHeadersPolicyExists(id: string): boolean;
  /** Lambda@Edge: what the Lambda service knows of an associated version (lambda-associations.ts). */
  readonly edgeLambdas?: EdgeLambdaLookup;
}

export function validateDistributionConfig(config: DistributionConfig, ctx: ValidationContext): void {
  if ((config.Comment ?? "").length > LIMITS.comment) {
    fail("InvalidArgument", `The parameter Comment is too long: at most ${LIMITS.comment} characters.`);
  }
  const originIds = validateOrigins(config);
  validateOriginAccess(config, ctx);
  const groupIds = validateOriginGroups(config, originIds);
  const targets = new Set([...originIds, ...groupIds]);

  validateBehavior(config.DefaultCacheBehavior as DefaultCacheBehavior, targets, ctx, "DefaultCacheBehavior");
  const behaviors = config.CacheBehaviors?.Items ?? [];
  if (behaviors.length > LIMITS.cacheBehaviors) {
    fail("TooManyCacheBehaviors", `Your request contains more cache behaviors (${behaviors.length}) than are allowed per distribution (${LIMITS.cacheBehaviors}).`);
  }
  const patterns = new Set<string>();
  for (const b of behaviors) {
    validatePathPattern(b.PathPattern);
    if (patterns.has(b.PathPattern as string)) fail("InvalidArgument", `The path pattern ${b.PathPattern} is used by more than one cache behavior.`);
    patterns.add(b.PathPattern as string);
    validateBehavior(b, targets, ctx, `CacheBehavior ${b.PathPattern}`);
  }

  validateAliases(config, ctx);
  validateDefaultRootObject(config.DefaultRootObject);
  validateCustomErrorResponses(config);
  validateRestrictions(config);
  validateCertificateAndProtocols(config);
  validateLogging(config);
}

function oneOf<T extends string>(value: string | undefined, allowed: Record<string, T>, field: string, code = "InvalidArgument"): void {
  if (value !== undefined && !Object.values(allowed).includes(value as T)) {
    fail(code, `The value of ${field} is invalid: "${value}". Valid values: ${Object.values(allowed).join(", ")}.`);
  }
}

function validateOrigins(config: DistributionConfig): Set<string> {
  const origins = config.Origins?.Items ?? [];
  if (origins.length === 0) fail("InvalidArgument", "The parameter Origins must contain at least one origin.");
  if (origins.length > LIMITS.origins) {
    fail("TooManyOrigins", `You cannot create more than ${LIMITS.origins} origins for a distribution.`);
  }
  const ids = new Set<string>();
  for (const origin of origins) {
    if (!origin.Id) fail("InvalidArgument", "The parameter Origin Id cannot be empty.");
    if (ids.has(origin.Id)) fail("InvalidArgument", `The parameter Origin Id must be unique: ${origin.Id} is used more than once.`);
    ids.add(origin.Id);
    validateOrigin(origin);
  }
  return ids;
}

function validateOrigin(origin: Origin): void {
  const where = `origin ${origin.Id}`;
  const kinds = [origin.S3OriginConfig, origin.CustomOriginConfig, origin.VpcOriginConfig].filter((k) => k !== undefined);
  if (kinds.length !== 1) {
    fail("InvalidOrigin", `Specify exactly one of S3OriginConfig, CustomOriginConfig or VpcOriginConfig for ${where}.`);
  }
  if (!origin.DomainName || !/^[A-Za-z0-9.-]+$/.test(origin.DomainName) || origin.DomainName.length > 253) {
    fail("InvalidArgument", `The parameter origin DomainName "${origin.DomainName}" of ${where} is not a valid domain name.`);
  }
  const path = origin.OriginPath ?? "";
  if (path !== "" && (!path.startsWith("/") || path.endsWith("/"))) {
    fail("InvalidArgument", `The parameter OriginPath of ${where} must begin with a slash and must not end with one.`);
  }
  const attempts = origin.ConnectionAttempts;
  if (attempts !== undefined && !(Number.isInteger(attempts) && attempts >= 1 && attempts <= 3)) {
    fail("InvalidArgument", `ConnectionAttempts of ${where} must be 1, 2 or 3.`);
  }
  const timeout = origin.ConnectionTimeout;
  if (timeout !== undefined && !(Number.isInteger(timeout) && timeout >= 1 && timeout <= 10)) {
    fail("InvalidArgument", `ConnectionTimeout of ${where} must be between 1 and 10 seconds.`);
  }
  if ((origin.CustomHeaders?.Items?.length ?? 0) > LIMITS.originCustomHeaders) {
    fail("TooManyOriginCustomHeaders", `Your request contains too many origin custom headers for ${where} (at most ${LIMITS.originCustomHeaders}).`);
  }
  for (const h of origin.CustomHeaders?.Items ?? []) {
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(h.HeaderName ?? "")) {
      fail("InvalidArgument", `The origin custom header name "${h.HeaderName}" of ${where} is not a valid header name.`);
    }
  }
  const s3 = origin.S3OriginConfig;
  if (s3 && parseS3OriginDomain(origin.DomainName)?.kind !== "rest") {
    // S3 website endpoints are custom origins (docs/edge.md §7.4).
    fail("InvalidArgument", `The parameter Origin DomainName "${origin.DomainName}" of ${where} does not refer to a valid S3 bucket.`);
  }
  if (s3) {
    const oai = s3.OriginAccessIdentity ?? "";
    if (oai !== "" && !/^origin-access-identity\/cloudfront\/[A-Z0-9]+$/.test(oai)) {
      fail("InvalidOriginAccessIdentity", `The OriginAccessIdentity of ${where} must be empty or origin-access-identity/cloudfront/<id>.`);
    }
    if (oai !== "" && origin.OriginAccessControlId) {
      fail("IllegalOriginAccessConfiguration", `${where} cannot use both an origin access control and an origin access identity.`);
    }
  }
  const custom = origin.CustomOriginConfig;
  if (custom) {
    for (const [name, port] of [["HTTPPort", custom.HTTPPort], ["HTTPSPort", custom.HTTPSPort]] as const) {
      if (!(port === 80 || port === 443 || (Number.isInteger(port) && (port as number) >= 1024 && (port as number) <= 65535))) {
        fail("InvalidArgument", `${name} of ${where} must be 80, 443 or between 1024 and 65535.`);
      }
    }
    oneOf(custom.OriginProtocolPolicy, OriginProtocolPolicy, `OriginProtocolPolicy of ${where}`);
    for (const p of custom.OriginSslProtocols?.Items ?? []) oneOf(p, SslProtocol, `OriginSslProtocols of ${where}`);
    const read = custom.OriginReadTimeout;
    if (read !== undefined && !(Number.isInteger(read) && read >= 1 && read <= 120)) {
      fail("InvalidOriginReadTimeout", `OriginReadTimeout of ${where} must be between 1 and 120 seconds.`);
    }
    const keepalive = custom.OriginKeepaliveTimeout;
    if (keepalive !== undefined && !(Number.isInteger(keepalive) && keepalive >= 1 && keepalive <= 120)) {
      fail("InvalidOriginKeepaliveTimeout", `OriginKeepaliveTimeout of ${where} must be between 1 and 120 seconds.`);
    }
  }
}

function validateOriginGroups(config: DistributionConfig, originIds: Set<string>): Set<string> {
  const groups = config.OriginGroups?.Items ?? [];
  if (groups.length > LIMITS.originGroups) {
    fail("TooManyOriginGroupsPerDistribution", `You cannot create more than ${LIMITS.originGroups} origin groups for a distribution.`);
  }
  const ids = new Set<string>();
  for (const g of groups) {
    const id = g.Id as string;
    if (originIds.has(id) || ids.has(id)) fail("InvalidArgument", `The origin group Id ${id} must be unique among origins and origin groups.`);
    ids.add(id);
    const members = g.Members?.Items ?? [];
    if (members.length !== 2) fail("InvalidArgument", `Origin group ${id} must have exactly 2 members.`);
    for (const m of members) {
      if (!originIds.has(m.OriginId as string)) fail("NoSuchOrigin", `Origin group ${id} refers to an origin that does not exist: ${m.OriginId}.`);
    }
    const codes = g.FailoverCriteria?.StatusCodes?.Items ?? [];
    if (codes.length === 0) fail("InvalidArgument", `Origin group ${id} must list at least one failover status code.`);
    for (const c of codes) {
      if (!FAILOVER_CODES.has(c)) fail("InvalidArgument", `Origin group ${id}: ${c} is not a status code CloudFront can fail over on.`);
    }
  }
  return ids;
}

/** docs/edge.md §4: path patterns are at most 255 characters from a URL-safe set, `*` and `?` wildcards. */
function validatePathPattern(pattern: string | undefined): void {
  if (!pattern || pattern.length > LIMITS.pathPattern || !/^[A-Za-z0-9_\-.*$/~"'@:+?&=!%]+$/.test(pattern)) {
    fail("InvalidArgument", `The path pattern "${pattern ?? ""}" is not valid: use 1-${LIMITS.pathPattern} characters of A-Z a-z 0-9 _ - . * $ / ~ " ' @ : + ? & = ! %.`);
  }
}

function sameSet(items: readonly string[] | undefined, sets: string[][]): boolean {
  const sorted = [...(items ?? [])].sort().join(",");
  return sets.some((s) => s.join(",") === sorted);
}

function validateBehavior(b: DefaultCacheBehavior | CacheBehavior, targets: Set<string>, ctx: ValidationContext, where: string): void {
  if (!targets.has(b.TargetOriginId as string)) {
    fail("NoSuchOrigin", `One or more of your origins or origin groups do not exist: ${where} targets "${b.TargetOriginId}".`);
  }
  oneOf(b.ViewerProtocolPolicy, ViewerProtocolPolicy, `ViewerProtocolPolicy of ${where}`);

  if (b.AllowedMethods) {
    if (!sameSet(b.AllowedMethods.Items, ALLOWED_METHOD_SETS)) {
      fail("InvalidArgument", `AllowedMethods of ${where} must be GET,HEAD or GET,HEAD,OPTIONS or GET,HEAD,OPTIONS,PUT,POST,PATCH,DELETE.`);
    }
    const cached = b.AllowedMethods.CachedMethods?.Items;
    if (cached && (!sameSet(cached, CACHED_METHOD_SETS) || !cached.every((m) => b.AllowedMethods?.Items?.includes(m)))) {
      fail("InvalidArgument", `CachedMethods of ${where} must be GET,HEAD or GET,HEAD,OPTIONS, and allowed methods.`);
    }
  }

  const legacy = b.ForwardedValues;
  if (b.CachePolicyId && legacy) {
    fail("InvalidArgument", `${where} cannot have both a CachePolicyId and ForwardedValues.`);
  }
  if (!b.CachePolicyId && !legacy) {
    fail("InvalidArgument", `${where} needs either a CachePolicyId or ForwardedValues.`);
  }
  if (b.CachePolicyId && !ctx.cachePolicyExists(b.CachePolicyId)) {
    fail("NoSuchCachePolicy", `The cache policy ${b.CachePolicyId} used by ${where} does not exist.`);
  }
  if (b.OriginRequestPolicyId && !ctx.originRequestPolicyExists(b.OriginRequestPolicyId)) {
    fail("NoSuchOriginRequestPolicy", `The origin request policy ${b.OriginRequestPolicyId} used by ${where} does not exist.`);
  }
  if (b.ResponseHeadersPolicyId && !ctx.responseHeadersPolicyExists(b.ResponseHeadersPolicyId)) {
    fail("NoSuchResponseHeadersPolicy", `The response headers policy ${b.ResponseHeadersPolicyId} used by ${where} does not exist.`);
  }
  if (legacy) {
    oneOf(legacy.Cookies?.Forward, ItemSelection, `Cookies.Forward of ${where}`, "InvalidForwardCookies");
    const names = legacy.Cookies?.WhitelistedNames?.Items ?? [];
    if (legacy.Cookies?.Forward === "whitelist" && names.length === 0) {
      fail("InvalidForwardCookies", `${where} forwards a whitelist of cookies but names none.`);
    }
    if (legacy.Cookies?.Forward !== "whitelist" && names.length > 0) {
      fail("InvalidForwardCookies", `${where} names cookies, but Cookies.Forward is not whitelist.`);
    }
    if (names.length > LIMITS.whitelistedCookies) {
      fail("TooManyCookieNamesInWhiteList", `${where} whitelists more than ${LIMITS.whitelistedCookies} cookie names.`);
    }
    if ((legacy.Headers?.Items?.length ?? 0) > LIMITS.forwardedHeaders) {
      fail("TooManyHeadersInForwardedValues", `${where} forwards more than ${LIMITS.forwardedHeaders} headers.`);
    }
    const keys = legacy.QueryStringCacheKeys?.Items ?? [];
    if (keys.length > 0 && !legacy.QueryString) {
      fail("InvalidQueryStringParameters", `${where} lists QueryStringCacheKeys but does not forward query strings.`);
    }
    if (keys.length > LIMITS.queryStringCacheKeys) {
      fail("TooManyQueryStringParameters", `${where} lists more than ${LIMITS.queryStringCacheKeys} query string cache keys.`);
    }
  }
  for (const [name, ttl] of [["MinTTL", b.MinTTL], ["DefaultTTL", b.DefaultTTL], ["MaxTTL", b.MaxTTL]] as const) {
    if (ttl !== undefined && !(Number.isInteger(ttl) && ttl >= 0)) fail("InvalidArgument", `${name} of ${where} must be a non-negative whole number of seconds.`);
  }
  const min = b.MinTTL ?? 0;
  if ((b.DefaultTTL !== undefined && min > b.DefaultTTL) || (b.MaxTTL !== undefined && min > b.MaxTTL) ||
      (b.DefaultTTL !== undefined && b.MaxTTL !== undefined && b.DefaultTTL > b.MaxTTL)) {
    fail("InvalidTTLOrder", `The TTLs of ${where} must satisfy MinTTL <= DefaultTTL <= MaxTTL.`);
  }

  validateFunctionAssociations(b, ctx, where);
  const keyGroups = b.TrustedKeyGroups?.Items ?? [];
  const known = ctx.keyGroupIds();
  for (const id of keyGroups) {
    if (!known.has(id)) fail("TrustedKeyGroupDoesNotExist", `The key group ${id} trusted by ${where} does not exist.`);
  }
  if (keyGroups.length > LIMITS.keyGroupsPerDistribution) {
    fail("TooManyKeyGroupsAssociatedToDistribution", `${where} trusts more than ${LIMITS.keyGroupsPerDistribution} key groups.`);
  }
  // Signed URLs are required with no key to verify them: every request would be refused (unverified error).
  if (b.TrustedKeyGroups?.Enabled && keyGroups.length === 0) {
    fail("InvalidArgument", `${where} enables TrustedKeyGroups but lists no key group.`);
  }
  if (b.FieldLevelEncryptionId && !ctx.fieldLevelEncryptionIds().has(b.FieldLevelEncryptionId)) {
    fail("NoSuchFieldLevelEncryptionConfig", `The field-level encryption configuration ${b.FieldLevelEncryptionId} does not exist.`);
  }
}

/**
 * Origin access (docs/edge.md §7.5, docs/control-plane.md §5): an origin's OriginAccessControlId must
 * name an existing OAC (InvalidOriginAccessControl) whose OriginAccessControlOriginType fits the
 * origin's domain (an S3 REST endpoint for s3, a Lambda function URL for lambda, …): a domain of
 * another OAC-capable type is InvalidOriginAccessControl, any other domain (an S3 website endpoint,
 * a custom server) InvalidDomainNameForOriginAccessControl. An S3 origin's OriginAccessIdentity must
 * name an existing OAI (InvalidOriginAccessIdentity; its format is checked in validateOrigin). A
 * distribution trusts at most 4 key groups across its behaviors (CloudFront guide "Quotas").
 */
function validateOriginAccess(config: DistributionConfig, ctx: ValidationContext): void {
  for (const origin of config.Origins?.Items ?? []) {
    const where = `origin ${origin.Id}`;
    const oacId = origin.OriginAccessControlId ?? "";
    if (oacId !== "") {
      const type = ctx.originAccessControlType(oacId);
      if (type === undefined) fail("InvalidOriginAccessControl", `The origin access control ${oacId} used by ${where} does not exist.`);
      const kind = oacOriginKind(origin.DomainName ?? "");
      if (kind === undefined) {
        fail("InvalidDomainNameForOriginAccessControl", `The domain name ${origin.DomainName} of ${where} cannot be used with an origin access control of type ${type}.`);
      }
      if (kind !== type) {
        fail("InvalidOriginAccessControl", `${where} is a ${kind} origin, but the origin access control ${oacId} is for ${type} origins.`);
      }
    }
    const oai = origin.S3OriginConfig?.OriginAccessIdentity ?? "";
    const oaiId = /^origin-access-identity\/cloudfront\/([A-Z0-9]+)$/.exec(oai)?.[1];
    if (oaiId !== undefined && !ctx.originAccessIdentityExists(oaiId)) {
      fail("InvalidOriginAccessIdentity", `The origin access identity ${oaiId} used by ${where} does not exist.`);
    }
  }
  const trusted = new Set<string>();
  for (const b of [config.DefaultCacheBehavior, ...(config.CacheBehaviors?.Items ?? [])]) {
    for (const id of b?.TrustedKeyGroups?.Items ?? []) trusted.add(id);
  }
  if (trusted.size > LIMITS.keyGroupsPerDistribution) {
    fail("TooManyKeyGroupsAssociatedToDistribution", `The distribution trusts ${trusted.size} key groups; at most ${LIMITS.keyGroupsPerDistribution} are allowed.`);
  }
}

/** Which OriginAccessControlOriginType an origin domain name is, if any (docs/edge.md §7.5 "Origin types"). */
function oacOriginKind(domainName: string): string | undefined {
  const host = domainName.toLowerCase();
  if (parseS3OriginDomain(host)?.kind === "rest") return "s3";
  if (/\.lambda-url\.[a-z0-9-]+\.on\.aws$/.test(host)) return "lambda";
  if (/\.mediastore\.([a-z0-9-]+\.)*amazonaws\.com$/.test(host)) return "mediastore";
  if (/\.mediapackagev2\.([a-z0-9-]+\.)*amazonaws\.com$/.test(host)) return "mediapackagev2";
  return undefined;
}

const LAMBDA_VERSION_ARN = /^arn:aws:lambda:us-east-1:\d{12}:function:[A-Za-z0-9_-]+:(\d+)$/;

function validateFunctionAssociations(b: DefaultCacheBehavior | CacheBehavior, ctx: ValidationContext, where: string): void {
  const functions = b.FunctionAssociations?.Items ?? [];
  const lambdas = b.LambdaFunctionAssociations?.Items ?? [];
  const live = ctx.liveFunctionArns();
  const seen = new Set<string>();
  for (const f of functions) {
    if (f.EventType !== "viewer-request" && f.EventType !== "viewer-response") {
      fail("InvalidFunctionAssociation", `CloudFront Functions run on viewer-request or viewer-response only (${where}: ${f.EventType}).`);
    }
    if (seen.has(f.EventType)) fail("InvalidFunctionAssociation", `${where} associates more than one function with ${f.EventType}.`);
    seen.add(f.EventType);
    if (!live.has(f.FunctionARN as string)) {
      fail("InvalidFunctionAssociation", `The function ${f.FunctionARN} associated with ${where} does not exist or is not published.`);
    }
  }
  validateLambdaAssociations(b, ctx.edgeLambdas);
  const lambdaEvents = new Set<string>();
  for (const l of lambdas) {
    if (!LAMBDA_VERSION_ARN.test(l.LambdaFunctionARN ?? "")) {
      fail("InvalidLambdaFunctionAssociation", `The Lambda function ARN ${l.LambdaFunctionARN} must be a numbered version of a function in us-east-1.`);
    }
    if (lambdaEvents.has(l.EventType as string)) fail("InvalidLambdaFunctionAssociation", `${where} associates more than one Lambda function with ${l.EventType}.`);
    lambdaEvents.add(l.EventType as string);
    if (seen.has(l.EventType as string)) {
      fail("InvalidLambdaFunctionAssociation", `${where} cannot have a CloudFront function and a Lambda@Edge function on ${l.EventType}.`);
    }
  }
}

function validateAliases(config: DistributionConfig, ctx: ValidationContext): void {
  const aliases = config.Aliases?.Items ?? [];
  if (aliases.length > LIMITS.aliases) {
    fail("TooManyDistributionCNAMEs", `Your request contains more CNAMEs than are allowed per distribution (${LIMITS.aliases}).`);
  }
  const seen = new Set<string>();
  for (const alias of aliases) {
    const lower = alias.toLowerCase();
    if (!/^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{1,63}$/.test(lower) || lower.length > 253) {
      fail("InvalidArgument", `The CNAME ${alias} is not a valid domain name.`);
    }
    if (seen.has(lower)) fail("InvalidArgument", `The CNAME ${alias} is listed more than once.`);
    seen.add(lower);
    const owner = ctx.aliasOwner(lower);
    if (owner !== undefined && owner !== ctx.selfId) {
      fail("CNAMEAlreadyExists", `One or more of the CNAMEs you provided are already associated with a different resource: ${alias}.`);
    }
  }
  const cert = config.ViewerCertificate;
  const customCert = !!(cert?.ACMCertificateArn || cert?.IAMCertificateId);
  if (aliases.length > 0 && !customCert) {
    fail("InvalidViewerCertificate", "To add an alternate domain name (CNAME) to a CloudFront distribution, you must attach a trusted certificate that validates your authorization to use the domain name.");
  }
}

function validateDefaultRootObject(value: string | undefined): void {
  if (!value) return;
  if (value.startsWith("/") || value.length > LIMITS.defaultRootObject || !/^[A-Za-z0-9_\-.*$/~"'&@:+?=!%]+$/.test(value)) {
    fail("InvalidDefaultRootObject", `The specified default root object is invalid: "${value}". It must not begin with a slash.`);
  }
}

function validateCustomErrorResponses(config: DistributionConfig): void {
  const seen = new Set<number>();
  for (const e of config.CustomErrorResponses?.Items ?? []) {
    if (!ERROR_CODES.has(e.ErrorCode as number)) fail("InvalidErrorCode", `CloudFront cannot customize the response for status ${e.ErrorCode}.`);
    if (seen.has(e.ErrorCode as number)) fail("InvalidArgument", `ErrorCode ${e.ErrorCode} has more than one custom error response.`);
    seen.add(e.ErrorCode as number);
    const page = e.ResponsePagePath ?? "";
    const code = e.ResponseCode ?? "";
    if (code !== "" && !RESPONSE_CODES.has(code)) fail("InvalidResponseCode", `${code} is not a response code CloudFront can return for an error.`);
    if (page !== "" && !page.startsWith("/")) fail("InvalidRelativePath", `The ResponsePagePath ${page} must begin with a slash.`);
    if ((page === "") !== (code === "")) {
      fail("InvalidArgument", `ErrorCode ${e.ErrorCode}: specify ResponsePagePath and ResponseCode together.`);
    }
    const ttl = e.ErrorCachingMinTTL;
    if (ttl !== undefined && !(Number.isInteger(ttl) && ttl >= 0)) fail("InvalidArgument", "ErrorCachingMinTTL must be a non-negative whole number.");
  }
}

function validateRestrictions(config: DistributionConfig): void {
  const geo = config.Restrictions?.GeoRestriction;
  if (!geo) return;
  oneOf(geo.RestrictionType, GeoRestrictionType, "GeoRestriction RestrictionType", "InvalidGeoRestrictionParameter");
  const items = geo.Items ?? [];
  if (geo.RestrictionType === "none" && items.length > 0) {
    fail("InvalidGeoRestrictionParameter", "With RestrictionType none, do not list any locations.");
  }
  if (geo.RestrictionType !== "none" && items.length === 0) {
    fail("InvalidGeoRestrictionParameter", `With RestrictionType ${geo.RestrictionType}, list at least one location.`);
  }
  for (const code of items) {
    if (!/^[A-Z]{2}$/.test(code)) fail("InvalidLocationCode", `The location code ${code} is not a two-letter ISO 3166-1 country code.`);
  }
}

function validateCertificateAndProtocols(config: DistributionConfig): void {
  oneOf(config.PriceClass, PriceClass, "PriceClass");
  oneOf(config.HttpVersion, HttpVersion, "HttpVersion");
  const cert = config.ViewerCertificate;
  if (!cert) return;
  oneOf(cert.MinimumProtocolVersion, MinimumProtocolVersion, "MinimumProtocolVersion", "InvalidMinimumProtocolVersion");
  oneOf(cert.SSLSupportMethod, SSLSupportMethod, "SSLSupportMethod", "InvalidViewerCertificate");
  const sources = [cert.CloudFrontDefaultCertificate === true, !!cert.ACMCertificateArn, !!cert.IAMCertificateId].filter(Boolean);
  if (sources.length > 1) {
    fail("InvalidViewerCertificate", "Specify only one of CloudFrontDefaultCertificate, ACMCertificateArn or IAMCertificateId.");
  }
  if (cert.ACMCertificateArn && !/^arn:aws:acm:us-east-1:\d{12}:certificate\/[A-Za-z0-9-]+$/.test(cert.ACMCertificateArn)) {
    fail("InvalidViewerCertificate", `The ACM certificate ${cert.ACMCertificateArn} must be an ACM certificate ARN in us-east-1.`);
  }
}

function validateLogging(config: DistributionConfig): void {
  const logging = config.Logging;
  if (logging?.Enabled && !/\.s3(\.[a-z0-9-]+)?\.amazonaws\.com$/.test(logging.Bucket ?? "")) {
    fail("InvalidArgument", `The S3 bucket for standard logs must be given as bucket-name.s3.amazonaws.com, not "${logging.Bucket ?? ""}".`);
  }
}
