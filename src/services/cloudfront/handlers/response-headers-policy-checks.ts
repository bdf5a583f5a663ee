// Response headers policy configs checked as CloudFront checks them (CloudFront guide "Understand
// response headers policies" and "Quotas"; docs/edge.md §11): header names and values, the
// headers CloudFront manages itself, CORS, security headers and Server-Timing settings.
import type { ResponseHeadersPolicyConfig } from "@aws-sdk/client-cloudfront";
import { fail } from "../../../api/errors.ts";

/** Response headers policy limits (CloudFront guide "Understand response headers policies", CloudFront guide "Quotas"). */
export const RHP_LIMITS = {
  /** "The Content-Security-Policy header value is limited to 1783 characters." */
  csp: 1783,
  customHeaders: 10,
  /** Not on the quota page we have; the same as custom headers (unverified). */
  removeHeaders: 10,
} as const;

/**
 * docs/edge.md §11 / remove-headers-disallowed: headers a response headers policy may not remove.
 * Exact names, plus the documented `X-Amz-Cf-.*` and `X-Edge-.*` patterns and (per the spec's
 * summary of the four documented X-Accel-* names) the `X-Accel-` prefix.
 */
const CLOUDFRONT_MANAGED_HEADERS = new Set([
  "connection", "content-encoding", "content-length", "expect", "host", "keep-alive", "proxy-authenticate", "proxy-authorization",
  "proxy-connection", "trailer", "transfer-encoding", "upgrade", "via", "warning", "x-amzn-auth", "x-amzn-cf-billing", "x-amzn-cf-id",
  "x-amzn-cf-xff", "x-amzn-errortype", "x-amzn-fle-profile", "x-amzn-header-count", "x-amzn-header-order",
  "x-amzn-lambda-integration-tag", "x-amzn-requestid", "x-cache", "x-forwarded-proto", "x-real-ip",
]);
const CLOUDFRONT_MANAGED_PREFIXES = ["x-amz-cf-", "x-edge-", "x-accel-"];

/** Whether CloudFront manages this header itself, so a policy may neither remove nor add it. */
export function isCloudFrontManagedHeader(name: string): boolean {
  const lower = name.toLowerCase();
  return CLOUDFRONT_MANAGED_HEADERS.has(lower) || CLOUDFRONT_MANAGED_PREFIXES.some((p) => lower.startsWith(p));
}

/** RFC 9110 §5.6.2 token: what a header name may be made of. */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** A field value without control characters other than HTAB (RFC 9110 §5.5). */
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;
const REFERRER_POLICIES = new Set(["no-referrer", "no-referrer-when-downgrade", "origin", "origin-when-cross-origin", "same-origin", "strict-origin", "strict-origin-when-cross-origin", "unsafe-url"]);
const FRAME_OPTIONS = new Set(["DENY", "SAMEORIGIN"]);
const CORS_METHODS = new Set(["GET", "DELETE", "HEAD", "OPTIONS", "PATCH", "POST", "PUT", "ALL"]);
const CORS_HEADERS = ["access-control-allow-origin", "access-control-allow-credentials", "access-control-allow-headers", "access-control-allow-methods", "access-control-expose-headers", "access-control-max-age"];
/** `*`, or an origin whose host's leftmost label may be `*` (`https://*.example.org`); no other `*`. */
const ALLOWED_ORIGIN = /^(?:\*|(?:[A-Za-z][A-Za-z0-9+.-]*:\/\/)?(?:\*\.)?[^\s,*/]+)$/;

function checkValue(value: string, where: string): void {
  if (!FIELD_VALUE.test(value)) fail("InvalidArgument", `The value of ${where} contains characters that are not allowed in an HTTP header.`);
}

function checkNonNegativeInteger(value: number | undefined, where: string): void {
  if (value !== undefined && !(Number.isInteger(value) && value >= 0)) fail("InvalidArgument", `${where} must be a non-negative whole number of seconds.`);
}

/** docs/edge.md §11: the checks on a ResponseHeadersPolicyConfig (see the module header). */
export function validateResponseHeadersPolicyConfig(c: ResponseHeadersPolicyConfig): void {
  const setBySections = new Map<string, string>();

  const cors = c.CorsConfig;
  if (cors) {
    const origins = cors.AccessControlAllowOrigins?.Items ?? [];
    const allowHeaders = cors.AccessControlAllowHeaders?.Items ?? [];
    const methods = cors.AccessControlAllowMethods?.Items ?? [];
    const expose = cors.AccessControlExposeHeaders?.Items ?? [];
    if (origins.length === 0) fail("InvalidArgument", "CorsConfig AccessControlAllowOrigins must list at least one origin.");
    if (allowHeaders.length === 0) fail("InvalidArgument", "CorsConfig AccessControlAllowHeaders must list at least one header name or *.");
    if (methods.length === 0) fail("InvalidArgument", "CorsConfig AccessControlAllowMethods must list at least one method.");
    for (const o of origins) {
      if (!ALLOWED_ORIGIN.test(o)) {
        fail("InvalidArgument", `The origin "${o}" in AccessControlAllowOrigins is not valid: use *, an origin, or an origin whose leftmost domain label is * (https://*.example.org).`);
      }
    }
    for (const h of [...allowHeaders, ...expose]) {
      if (!TOKEN.test(h)) fail("InvalidArgument", `"${h}" in the CORS header lists is not a valid header name or *.`);
    }
    for (const m of methods) {
      if (!CORS_METHODS.has(m)) fail("InvalidArgument", `"${m}" in AccessControlAllowMethods is not one of GET, DELETE, HEAD, OPTIONS, PATCH, POST, PUT, ALL.`);
    }
    if (methods.includes("ALL") && methods.length > 1) fail("InvalidArgument", "AccessControlAllowMethods ALL stands for every method and cannot be combined with others.");
    if (cors.AccessControlAllowCredentials && allowHeaders.some((h) => h.includes("*"))) {
      // The message CloudFront returns for this case (observed through CloudFormation).
      fail("InvalidArgument", "The parameter Access-Control-Allow-Headers cannot contain * when allowCredentials is true.");
    }
    checkNonNegativeInteger(cors.AccessControlMaxAgeSec, "CorsConfig AccessControlMaxAgeSec");
    for (const h of CORS_HEADERS) setBySections.set(h, "CorsConfig");
  }

  const sec = c.SecurityHeadersConfig;
  if (sec) {
    const csp = sec.ContentSecurityPolicy;
    if (csp) {
      const value = csp.ContentSecurityPolicy ?? "";
      if (value.length > RHP_LIMITS.csp) {
        fail("TooLongCSPInResponseHeadersPolicy", `The Content-Security-Policy is ${value.length} characters long; the maximum is ${RHP_LIMITS.csp}.`);
      }
      if (value.trim() === "") fail("InvalidArgument", "The Content-Security-Policy value cannot be empty.");
      checkValue(value, "Content-Security-Policy");
      setBySections.set("content-security-policy", "SecurityHeadersConfig");
    }
    if (sec.ReferrerPolicy) {
      if (!REFERRER_POLICIES.has(sec.ReferrerPolicy.ReferrerPolicy ?? "")) {
        fail("InvalidArgument", `"${sec.ReferrerPolicy.ReferrerPolicy ?? ""}" is not a valid Referrer-Policy: use one of ${[...REFERRER_POLICIES].join(", ")}.`);
      }
      setBySections.set("referrer-policy", "SecurityHeadersConfig");
    }
    if (sec.FrameOptions) {
      if (!FRAME_OPTIONS.has(sec.FrameOptions.FrameOption ?? "")) fail("InvalidArgument", `"${sec.FrameOptions.FrameOption ?? ""}" is not a valid X-Frame-Options value: use DENY or SAMEORIGIN.`);
      setBySections.set("x-frame-options", "SecurityHeadersConfig");
    }
    if (sec.StrictTransportSecurity) {
      checkNonNegativeInteger(sec.StrictTransportSecurity.AccessControlMaxAgeSec, "StrictTransportSecurity AccessControlMaxAgeSec");
      setBySections.set("strict-transport-security", "SecurityHeadersConfig");
    }
    if (sec.ContentTypeOptions) setBySections.set("x-content-type-options", "SecurityHeadersConfig");
    const xss = sec.XSSProtection;
    if (xss) {
      // Model docs: "You cannot specify a ReportUri when ModeBlock is true."
      if (xss.ModeBlock && xss.ReportUri) fail("InvalidArgument", "X-XSS-Protection cannot have both ModeBlock and a ReportUri.");
      if (xss.ReportUri !== undefined) checkValue(xss.ReportUri, "X-XSS-Protection ReportUri");
      setBySections.set("x-xss-protection", "SecurityHeadersConfig");
    }
  }

  const timing = c.ServerTimingHeadersConfig;
  if (timing) {
    const rate = timing.SamplingRate;
    // Model docs: "any number 0–100 with up to four decimal places".
    if (rate !== undefined && !(rate >= 0 && rate <= 100 && /^\d+(\.\d{1,4})?$/.test(String(rate)))) {
      fail("InvalidArgument", `The Server-Timing SamplingRate ${rate} must be a number from 0 to 100 with at most four decimal places.`);
    }
    if (timing.Enabled) setBySections.set("server-timing", "ServerTimingHeadersConfig");
  }

  const custom = c.CustomHeadersConfig?.Items ?? [];
  if (custom.length > RHP_LIMITS.customHeaders) {
    fail("TooManyCustomHeadersInResponseHeadersPolicy", `A response headers policy can have at most ${RHP_LIMITS.customHeaders} custom headers; this one has ${custom.length}.`);
  }
  const customNames = new Set<string>();
  for (const h of custom) {
    const name = h.Header ?? "";
    const lower = name.toLowerCase();
    if (!TOKEN.test(name)) fail("InvalidArgument", `The custom header name "${name}" is not a valid HTTP header name.`);
    if (isCloudFrontManagedHeader(name)) fail("InvalidArgument", `The custom header ${name} is set by CloudFront and cannot be added by a response headers policy.`);
    if (customNames.has(lower)) fail("InvalidArgument", `The custom header ${name} is listed more than once.`);
    const section = setBySections.get(lower);
    if (section) fail("InvalidArgument", `The custom header ${name} is already set by the policy's ${section}.`);
    customNames.add(lower);
    checkValue(h.Value ?? "", `the custom header ${name}`);
  }

  const remove = c.RemoveHeadersConfig?.Items ?? [];
  if (remove.length > RHP_LIMITS.removeHeaders) {
    fail("TooManyRemoveHeadersInResponseHeadersPolicy", `A response headers policy can remove at most ${RHP_LIMITS.removeHeaders} headers; this one lists ${remove.length}.`);
  }
  const removeNames = new Set<string>();
  for (const r of remove) {
    const name = r.Header ?? "";
    if (!TOKEN.test(name)) fail("InvalidArgument", `The header name "${name}" in RemoveHeadersConfig is not a valid HTTP header name.`);
    if (isCloudFrontManagedHeader(name)) fail("InvalidArgument", `The header ${name} cannot be removed by a response headers policy.`);
    if (removeNames.has(name.toLowerCase())) fail("InvalidArgument", `The header ${name} is listed more than once in RemoveHeadersConfig.`);
    removeNames.add(name.toLowerCase());
  }
}

