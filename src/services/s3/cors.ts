// CORS on the embedded S3 itself: preflight OPTIONS requests and the CORS headers of other
// responses, from the bucket's CORS rules (PutBucketCors). Follows the S3 User Guide "Using
// cross-origin resource sharing (CORS)", its page on how S3 evaluates the CORS configuration (the
// first rule whose AllowedOrigin, AllowedMethod and, for a preflight, every requested header match
// is used; one `*` wildcard in an origin or header; headers compare case-insensitively) and
// "Troubleshooting CORS" (403 "CORS is not enabled for this bucket" / "This CORS request is not
// allowed"). A preflight is answered without credentials and without the access decision, as S3
// does. A response whose request carries Origin gets the matching rule's Access-Control-* headers;
// with a `*` origin the answer is `*` without Access-Control-Allow-Credentials.
//
// CloudFront forwards Origin and OPTIONS to an S3 origin when the behavior's policies pass them
// through, so a distribution sees these headers as S3 would send them.
//
// Not done: CORS on the website endpoint (only the REST endpoint answers preflights).
import type { CORSRule } from "@aws-sdk/client-s3";
import type { ApiRequest, ApiService } from "../../api/service.ts";
import type { ProtocolResponse } from "../../api/protocol.ts";
import { ServiceError } from "../../api/errors.ts";
import type { S3Service } from "./context.ts";
import type { BucketRecord } from "./storage.ts";
import { bucketAndKey } from "./router.ts";
import { hostWithoutPort } from "../../api/host.ts";
import { serializeS3Error } from "./errors.ts";

const VARY = "Origin, Access-Control-Request-Headers, Access-Control-Request-Method";
const METHODS: ReadonlySet<string> = new Set(["GET", "PUT", "POST", "DELETE", "HEAD"]);

export const CORS_MESSAGES = {
  missingOrigin: "Insufficient information. Origin request header needed.",
  badMethod: (method: string) => `Invalid Access-Control-Request-Method: ${method}`,
  notEnabled: "CORSResponse: CORS is not enabled for this bucket.",
  notAllowed:
    "CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, request method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the resource's CORS spec.",
} as const;

/** The bucket's CORS rules, none when it has no CORS configuration. */
export function corsRules(bucket: BucketRecord): readonly CORSRule[] | undefined {
  return (bucket.config.cors as { CORSRules?: CORSRule[] } | undefined)?.CORSRules;
}

/** The first rule that admits this origin, method and (for a preflight) request headers. */
export function matchCorsRule(rules: readonly CORSRule[], origin: string, method: string, requestHeaders: readonly string[] = []): CORSRule | undefined {
  return rules.find(
    (r) =>
      (r.AllowedOrigins ?? []).some((o) => wildcardMatch(o, origin, false)) &&
      (r.AllowedMethods ?? []).includes(method) &&
      requestHeaders.every((h) => (r.AllowedHeaders ?? []).some((a) => wildcardMatch(a, h, true))),
  );
}

/** A pattern with at most one `*` (S3 refuses more on PutBucketCors's AllowedOrigin). */
function wildcardMatch(pattern: string, value: string, ignoreCase: boolean): boolean {
  const p = ignoreCase ? pattern.toLowerCase() : pattern;
  const v = ignoreCase ? value.toLowerCase() : value;
  const star = p.indexOf("*");
  if (star < 0) return p === v;
  const head = p.slice(0, star);
  const tail = p.slice(star + 1);
  return v.length >= head.length + tail.length && v.startsWith(head) && v.endsWith(tail);
}

/**
 * What PutBucketCors refuses beyond the schema: an AllowedOrigin or AllowedHeader with more than one
 * `*` (InvalidRequest, as S3 words it).
 */
export function validateCorsWildcards(rules: readonly CORSRule[]): void {
  for (const r of rules) {
    for (const o of r.AllowedOrigins ?? []) {
      if (o.split("*").length > 2) throw new ServiceError("InvalidRequest", `AllowedOrigin "${o}" can not have more than one wildcard.`, 400);
    }
    for (const h of r.AllowedHeaders ?? []) {
      if (h.split("*").length > 2) throw new ServiceError("InvalidRequest", `AllowedHeader "${h}" can not have more than one wildcard.`, 400);
    }
  }
}

/** The Access-Control-* headers of a matched rule (preflight and actual requests alike). */
export function corsHeaders(rule: CORSRule, origin: string, allowHeaders: readonly string[] = []): Record<string, string> {
  const anyOrigin = (rule.AllowedOrigins ?? []).includes("*");
  const headers: Record<string, string> = {
    "Access-Control-Allow-Origin": anyOrigin ? "*" : origin,
    "Access-Control-Allow-Methods": (rule.AllowedMethods ?? []).join(", "),
    Vary: VARY,
  };
  if (!anyOrigin) headers["Access-Control-Allow-Credentials"] = "true";
  if (allowHeaders.length > 0) headers["Access-Control-Allow-Headers"] = allowHeaders.join(", ");
  if (rule.ExposeHeaders?.length) headers["Access-Control-Expose-Headers"] = rule.ExposeHeaders.join(", ");
  if (rule.MaxAgeSeconds !== undefined) headers["Access-Control-Max-Age"] = String(rule.MaxAgeSeconds);
  return headers;
}

/**
 * The answer to a preflight: 200 with the rule's headers, or S3's error (BadRequest without Origin
 * or with a method S3 does not know, AccessForbidden without a configuration or a matching rule).
 */
export function preflight(bucket: BucketRecord | undefined, isObject: boolean, headers: Readonly<Record<string, string | string[] | undefined>>): Record<string, string> {
  const origin = single(headers["origin"]);
  if (origin === undefined) throw new ServiceError("BadRequest", CORS_MESSAGES.missingOrigin, 400);
  const method = single(headers["access-control-request-method"]);
  if (method === undefined || !METHODS.has(method)) throw new ServiceError("BadRequest", CORS_MESSAGES.badMethod(method ?? "null"), 400);
  const details = { Method: method, ResourceType: isObject ? "OBJECT" : "BUCKET" };
  const rules = bucket === undefined ? undefined : corsRules(bucket);
  if (rules === undefined) throw new ServiceError("AccessForbidden", CORS_MESSAGES.notEnabled, 403, { details });
  const requested = (single(headers["access-control-request-headers"]) ?? "")
    .split(",")
    .map((h) => h.trim().toLowerCase())
    .filter((h) => h !== "");
  const rule = matchCorsRule(rules, origin, method, requested) ?? fail403(details);
  return corsHeaders(rule, origin, requested);
}

function fail403(details: Record<string, string>): never {
  throw new ServiceError("AccessForbidden", CORS_MESSAGES.notAllowed, 403, { details });
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(",") : value;
}

/**
 * The S3 API with CORS around it: OPTIONS requests are preflights; any other response to a
 * request with Origin, for a bucket with CORS rules, gets the matching rule's headers.
 */
export function withS3Cors(api: ApiService<S3Service>): ApiService<S3Service> {
  return {
    model: api.model,
    supported: api.supported,
    async handle(req, service) {
      const origin = single(req.headers["origin"]);
      // Most requests carry no Origin: they skip the bucket lookup.
      if (req.method !== "OPTIONS" && origin === undefined) return api.handle(req, service);
      const where = bucketAndKey(hostWithoutPort(req.headers.host ?? ""), req.path);
      const bucketOf = () => (where?.bucket === undefined ? undefined : service.storage.getBucket(where.bucket));
      if (req.method === "OPTIONS") {
        req.body.resume();
        return { ...answerPreflight(api, req, bucketOf(), where?.key !== undefined), operation: undefined };
      }
      const out = await api.handle(req, service);
      // The rules as they are after the call (it may have set or removed them).
      const bucket = bucketOf();
      const rules = bucket === undefined ? undefined : corsRules(bucket);
      if (origin === undefined || rules === undefined) return out;
      const rule = matchCorsRule(rules, origin, req.method);
      return { ...out, headers: { ...out.headers, ...(rule ? corsHeaders(rule, origin) : { Vary: VARY }) } };
    },
  };
}

function answerPreflight(api: ApiService<S3Service>, req: ApiRequest, bucket: BucketRecord | undefined, isObject: boolean): ProtocolResponse {
  const ids = { "x-amz-request-id": req.requestId, "x-amz-id-2": req.requestId };
  try {
    return { status: 200, headers: { ...preflight(bucket, isObject, req.headers), ...ids, "Content-Length": "0" }, body: "" };
  } catch (err) {
    if (!(err instanceof ServiceError)) throw err;
    const res = serializeS3Error(api.model, err, req.requestId);
    return { ...res, headers: { ...res.headers, ...ids } };
  }
}
