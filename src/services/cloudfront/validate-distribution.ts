// Semantic checks on a DistributionConfig, with the error codes CloudFront uses
// (docs/control-plane.md §5 and §9). The XML reader already checked types and required members; this
// checks the rules between fields. Throws on the first violation; the caller changes nothing.
//
// Cache policy, origin request policy and response headers policy ids must exist (managed or
// custom), and so must origin access controls (of the origin's type), origin access identities and
// trusted key groups (validateOriginAccess, validateBehavior). Function associations and field-level
// encryption ids are checked against the resources that exist; field-level encryption's HTTPS and
// method rules and VPC origin references are in validate-encryption-vpc.ts.
import type { CacheBehavior, DefaultCacheBehavior, DistributionConfig, Origin } from "@aws-sdk/client-cloudfront";
import {
  GeoRestrictionType,
  HttpVersion,
  ItemSelection,
  MinimumProtocolVersion,
  PriceClass,
  SSLSupportMethod,
  ViewerProtocolPolicy,
} from "./sdk-enums.ts";
import { fail } from "../../api/errors.ts";
import { LIMITS, oneOf, type ValidationContext } from "./distribution-limits.ts";
import { validateOriginAccess, validateOriginGroups, validateOrigins } from "./validate-origins.ts";

export { LIMITS, type ValidationContext };
import { validateLambdaAssociations } from "./lambda-associations.ts";
import { validateEncryptionAndVpcOrigins } from "./validate-encryption-vpc.ts";


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
  validateEncryptionAndVpcOrigins(config, ctx);
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
    fail("NoSuchCachePolicy", "The specified cache policy does not exist."); // seen on the wire (messages.ts)
  }
  if (b.OriginRequestPolicyId && !ctx.originRequestPolicyExists(b.OriginRequestPolicyId)) {
    fail("NoSuchOriginRequestPolicy", "The specified origin request policy does not exist.");
  }
  if (b.ResponseHeadersPolicyId && !ctx.responseHeadersPolicyExists(b.ResponseHeadersPolicyId)) {
    fail("NoSuchResponseHeadersPolicy", "The specified response headers policy does not exist.");
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
  // The account's key groups are only listed for a behavior that names some.
  const known = keyGroups.length > 0 ? ctx.keyGroupIds() : undefined;
  for (const id of keyGroups) {
    if (!known?.has(id)) fail("TrustedKeyGroupDoesNotExist", `The key group ${id} trusted by ${where} does not exist.`);
  }
  if (keyGroups.length > LIMITS.keyGroupsPerDistribution) {
    fail("TooManyKeyGroupsAssociatedToDistribution", `${where} trusts more than ${LIMITS.keyGroupsPerDistribution} key groups.`);
  }
  // Signed URLs are required with no key to verify them: every request would be refused (unverified error).
  if (b.TrustedKeyGroups?.Enabled && keyGroups.length === 0) {
    fail("InvalidArgument", `${where} enables TrustedKeyGroups but lists no key group.`);
  }
  if (b.RealtimeLogConfigArn && ctx.realtimeLogConfigExists && !ctx.realtimeLogConfigExists(b.RealtimeLogConfigArn)) {
    fail("NoSuchRealtimeLogConfig", `The real-time log configuration ${b.RealtimeLogConfigArn} named by ${where} does not exist.`);
  }
  if (b.FieldLevelEncryptionId && !ctx.fieldLevelEncryptionIds().has(b.FieldLevelEncryptionId)) {
    fail("NoSuchFieldLevelEncryptionConfig", `The field-level encryption configuration ${b.FieldLevelEncryptionId} does not exist.`);
  }
}

const LAMBDA_VERSION_ARN = /^arn:aws:lambda:us-east-1:\d{12}:function:[A-Za-z0-9_-]+:(\d+)$/;

function validateFunctionAssociations(b: DefaultCacheBehavior | CacheBehavior, ctx: ValidationContext, where: string): void {
  const functions = b.FunctionAssociations?.Items ?? [];
  const lambdas = b.LambdaFunctionAssociations?.Items ?? [];
  const live = functions.length > 0 ? ctx.liveFunctionArns() : undefined;
  const seen = new Set<string>();
  for (const f of functions) {
    if (f.EventType !== "viewer-request" && f.EventType !== "viewer-response") {
      fail("InvalidFunctionAssociation", `CloudFront Functions run on viewer-request or viewer-response only (${where}: ${f.EventType}).`);
    }
    if (seen.has(f.EventType)) fail("InvalidFunctionAssociation", `${where} associates more than one function with ${f.EventType}.`);
    seen.add(f.EventType);
    if (!live?.has(f.FunctionARN as string)) {
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
