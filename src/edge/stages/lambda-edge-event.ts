// Lambda@Edge event records (docs/functions.md §7.2; CloudFront Developer Guide, "Lambda@Edge event
// structure" and "Include body" in "Working with requests and responses"): the behavior's
// associations by event type, and the `Records[0].cf` event each event type's function receives:
// `config` (distribution, event type, request id), `request` (clientIp, method, uri, querystring,
// headers as `{lowercase: [{key, value}]}`, `body` with IncludeBody, `origin` with exactly one of
// `custom` or `s3` in origin events) and `response` (status as a string) in response events.
// Disallowed headers are not shown to functions. Pure: no I/O.
// Not done: header keys in the viewer's own case (the edge keeps names lower-cased; keys are
// canonical capitalization), CloudFront-* device and geo headers in viewer-request events.
import type { CompiledOrigin } from "../compile.ts";
import type { LambdaEventType } from "./lambda-edge-associations.ts";

export type { LambdaAssociation, LambdaEventType } from "./lambda-edge-associations.ts";

/** "Quotas on Lambda@Edge": the request body a function sees is truncated to 40 KB (viewer) or 1 MB (origin). */
export const BODY_LIMIT = { viewer: 40 * 1024, origin: 1024 * 1024 } as const;

export const isViewerEvent = (e: LambdaEventType): boolean => e === "viewer-request" || e === "viewer-response";

/**
 * Headers functions never see and may not add (docs/functions.md §4.2; CloudFront Developer Guide,
 * "Restrictions on edge functions", "Disallowed headers").
 */
const DISALLOWED = new Set([
  "connection", "expect", "keep-alive", "proxy-authenticate", "proxy-authorization", "proxy-connection", "trailer", "upgrade",
  "x-accel-buffering", "x-accel-charset", "x-accel-limit-rate", "x-accel-redirect", "x-amzn-auth", "x-amzn-cf-billing",
  "x-amzn-cf-id", "x-amzn-cf-xff", "x-amzn-errortype", "x-amzn-fle-profile", "x-amzn-header-count", "x-amzn-header-order",
  "x-amzn-lambda-integration-tag", "x-amzn-requestid", "x-cache", "x-forwarded-proto", "x-real-ip",
]);

export function isDisallowedHeader(name: string): boolean {
  return DISALLOWED.has(name) || name.startsWith("x-amz-cf-") || name.startsWith("x-edge-") || name.startsWith("x-minifront-");
}

export interface CfHeaderValue {
  key?: string;
  value: string;
}
export type CfHeaders = Record<string, CfHeaderValue[]>;

/** `x-custom-header` → `X-Custom-Header`: how CloudFront names a header a function gave no key. */
export function canonicalKey(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_m, dash: string, c: string) => dash + c.toUpperCase());
}

/** Edge headers (lower-case names) as the event shows them, without the disallowed ones. */
export function toCfHeaders(headers: Readonly<Record<string, string | readonly string[] | number | undefined>>): CfHeaders {
  const out: CfHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || isDisallowedHeader(name)) continue;
    const key = canonicalKey(name);
    const values = Array.isArray(value) ? (value as readonly string[]) : [String(value)];
    out[name] = values.map((v) => ({ key, value: v }));
  }
  return out;
}

export interface CfOriginCustom {
  customHeaders: CfHeaders;
  domainName: string;
  keepaliveTimeout: number;
  path: string;
  port: number;
  protocol: "http" | "https";
  readTimeout: number;
  sslProtocols: string[];
}
export interface CfOriginS3 {
  authMethod: "origin-access-identity" | "none";
  customHeaders: CfHeaders;
  domainName: string;
  path: string;
  region: string;
}
export type CfOrigin = { custom: CfOriginCustom } | { s3: CfOriginS3 };

/** The `origin` block of an origin event for the origin the request goes to. */
export function cfOrigin(o: CompiledOrigin, originPath: string, viewerProtocol: "http" | "https"): CfOrigin {
  const customHeaders: CfHeaders = {};
  for (const [name, value] of o.customHeaders) customHeaders[name.toLowerCase()] = [{ key: name, value }];
  if (o.isS3) {
    const region = /\.s3[.-]([a-z0-9-]+)\.amazonaws\.com$/.exec(o.domainName)?.[1] ?? "us-east-1";
    return { s3: { authMethod: o.access?.kind === "oai" ? "origin-access-identity" : "none", customHeaders, domainName: o.domainName, path: originPath, region: region === "amazonaws" ? "us-east-1" : region } };
  }
  const protocol = o.protocol === "match-viewer" ? viewerProtocol : o.protocol === "https:" ? "https" : "http";
  return {
    custom: {
      customHeaders,
      domainName: o.domainName,
      keepaliveTimeout: 5,
      path: originPath,
      port: protocol === "https" && o.protocol === "match-viewer" ? o.httpsPort : o.port,
      protocol,
      readTimeout: Math.round(o.readTimeoutMs / 1000),
      sslProtocols: ["TLSv1.2"],
    },
  };
}

/** What every event of one request shares. */
export interface LambdaRequestFacts {
  readonly distributionId: string;
  readonly distributionDomainName: string;
  readonly requestId: string;
  readonly clientIp: string;
  readonly method: string;
  readonly uri: string;
  /** The raw query string without `?` ("" for none). */
  readonly querystring: string;
  readonly headers: Readonly<Record<string, string | readonly string[] | number | undefined>>;
}

export interface CfRequest {
  clientIp: string;
  headers: CfHeaders;
  method: string;
  querystring: string;
  uri: string;
  body?: { inputTruncated: boolean; action: "read-only" | "replace"; encoding: "base64" | "text"; data: string };
  origin?: CfOrigin;
}

export interface CfResponse {
  status: string;
  statusDescription: string;
  headers: CfHeaders;
}

export interface LambdaEdgeEvent {
  Records: [{ cf: { config: { distributionDomainName: string; distributionId: string; eventType: LambdaEventType; requestId: string }; request: CfRequest; response?: CfResponse } }];
}

/** The request part of every event; `body` (IncludeBody) and `origin` (origin events) when given. */
export function cfRequest(eventType: LambdaEventType, r: LambdaRequestFacts, options: { body?: Buffer; origin?: CfOrigin } = {}): CfRequest {
  const request: CfRequest = { clientIp: r.clientIp, headers: toCfHeaders(r.headers), method: r.method, querystring: r.querystring, uri: r.uri };
  if (options.body) {
    const limit = isViewerEvent(eventType) ? BODY_LIMIT.viewer : BODY_LIMIT.origin;
    const truncated = options.body.length > limit;
    request.body = { inputTruncated: truncated, action: "read-only", encoding: "base64", data: (truncated ? options.body.subarray(0, limit) : options.body).toString("base64") };
  }
  if (options.origin) request.origin = options.origin;
  return request;
}

/** One event record. */
export function lambdaEvent(eventType: LambdaEventType, r: LambdaRequestFacts, request: CfRequest, response?: CfResponse): LambdaEdgeEvent {
  const config = { distributionDomainName: r.distributionDomainName, distributionId: r.distributionId, eventType, requestId: r.requestId };
  return { Records: [{ cf: response ? { config, request, response } : { config, request } }] };
}

/** The response part of origin-response and viewer-response events. */
export function cfResponse(status: number, statusDescription: string, headers: Readonly<Record<string, string | readonly string[] | number | undefined>>): CfResponse {
  return { status: String(status), statusDescription, headers: toCfHeaders(headers) };
}
