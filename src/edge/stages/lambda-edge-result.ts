// What a Lambda@Edge function answered, checked as CloudFront checks it (docs/functions.md §7.2-§7.5;
// CloudFront Developer Guide, "Lambda@Edge event structure", "Generate HTTP responses in request
// triggers", "Update HTTP responses in origin response triggers", "Restrictions on edge functions"
// and "Quotas on Lambda@Edge"). Request events answer the request (maybe changed: uri,
// querystring, headers, body with IncludeBody, and in origin-request the origin) or a generated
// response; response events answer the response (status only in origin-response, headers, body).
// Failures: the function threw or crashed → LambdaExecutionError 500 (CloudFront Developer Guide,
// "Testing and debugging Lambda@Edge functions"; some AWS pages say 503, unverified which);
// timed out or throttled → LambdaLimitExceeded 503 ("HTTP 503 status code (Lambda limit
// exceeded)"); anything invalid → LambdaValidationError 502. Pure: no I/O.
// Not done: the 8,192-character URI limit and query-string character checks, origin validation
// beyond protocol/port/domain/path/timeouts, `statusDescription` reaching the viewer.
import type { InvokeOutcome } from "../../functions/lambda/types.ts";
import { BODY_LIMIT, isDisallowedHeader, isViewerEvent, type CfHeaders, type CfOrigin, type CfRequest, type CfResponse, type LambdaEventType } from "./lambda-edge-event.ts";

export interface LambdaFailure {
  readonly kind: "failed";
  readonly status: 500 | 502 | 503;
  /** The X-Cache value: `<error type> from cloudfront`. */
  readonly xCache: string;
  /** Shown in the error page and the log. */
  readonly message: string;
}

export type EdgeHeaderMap = Record<string, string | string[]>;

export interface GeneratedResponse {
  readonly kind: "generated";
  readonly status: number;
  readonly statusDescription: string | undefined;
  readonly headers: EdgeHeaderMap;
  readonly body: Buffer;
}

export interface RequestResult {
  readonly kind: "request";
  readonly uri: string;
  readonly querystring: string;
  readonly headers: EdgeHeaderMap;
  /** The replacement body (`body.action: "replace"`); undefined keeps the viewer's. */
  readonly body: Buffer | undefined;
  /** The origin as the function left it (origin-request only). */
  readonly origin: CfOrigin | undefined;
}

export interface ResponseResult {
  readonly kind: "response";
  readonly status: number;
  readonly headers: EdgeHeaderMap;
  /** The replacement body; undefined keeps the response's own. */
  readonly body: Buffer | undefined;
}

/** Read-only headers per event (docs/functions.md §7.2; "Restrictions on edge functions", "Read-only headers"). */
const READ_ONLY: Record<LambdaEventType, ReadonlySet<string>> = {
  "viewer-request": new Set(["content-length", "host", "transfer-encoding", "via"]),
  "origin-request": new Set(["accept-encoding", "content-length", "if-modified-since", "if-none-match", "if-range", "if-unmodified-since", "transfer-encoding", "via"]),
  "origin-response": new Set(["transfer-encoding", "via"]),
  "viewer-response": new Set(["warning", "via"]),
};

/** "Quotas on Lambda@Edge": a generated response (headers and body) is at most 40 KB (viewer request) or 1 MB (origin request). */
const GENERATED_LIMIT = { viewer: 40 * 1024, origin: 1024 * 1024 } as const;
/** A replaced request body: text up to the body limit, base64 up to 53.2 KB / 1.33 MB. */
const BASE64_BODY_LIMIT = { viewer: 53_248, origin: 1_394_606 } as const;

export const validation = (message: string): LambdaFailure => ({ kind: "failed", status: 502, xCache: "LambdaValidationError from cloudfront", message: `The Lambda function result failed validation: ${message}` });

/** An invocation that did not answer normally, as CloudFront answers the viewer; undefined when it did. */
export function invocationFailure(outcome: InvokeOutcome): LambdaFailure | undefined {
  if (!outcome.functionError) return undefined;
  let errorType = "";
  try {
    errorType = String((JSON.parse(outcome.payload) as { errorType?: unknown }).errorType ?? "");
  } catch {
    // an unreadable error payload is still an execution error
  }
  if (errorType === "Sandbox.Timedout") return limitExceeded("The Lambda function timed out.");
  return { kind: "failed", status: 500, xCache: "LambdaExecutionError from cloudfront", message: "The Lambda function associated with the CloudFront distribution is invalid or doesn't have the required permissions." };
}

export const limitExceeded = (message: string): LambdaFailure => ({ kind: "failed", status: 503, xCache: "LambdaLimitExceeded from cloudfront", message });

/** A request event's answer: the request (maybe changed) or a generated response. */
export function readRequestResult(eventType: "viewer-request" | "origin-request", payload: string, original: CfRequest): RequestResult | GeneratedResponse | LambdaFailure {
  const value = parse(payload);
  if (!isObject(value)) return validation("The function returned an invalid value: it must return the request or a response object.");
  if ("status" in value) return readGenerated(eventType, value);
  const uri = value["uri"] ?? original.uri;
  if (typeof uri !== "string" || !uri.startsWith("/")) return validation("The URI must be a string starting with /.");
  if ((value["method"] ?? original.method) !== original.method) return validation("The method is read-only.");
  if ((value["clientIp"] ?? original.clientIp) !== original.clientIp) return validation("The clientIp is read-only.");
  const querystring = value["querystring"] ?? original.querystring;
  if (typeof querystring !== "string" || /[\s#]/.test(querystring)) return validation("The querystring must be a string without spaces or #.");
  const headers = readHeaders(eventType, value["headers"] ?? original.headers, original.headers);
  if (typeof headers === "string") return validation(headers);
  const body = readRequestBody(eventType, value["body"]);
  if (typeof body === "string") return validation(body);
  let origin: CfOrigin | undefined;
  if (eventType === "origin-request" && value["origin"] !== undefined) {
    const checked = readOrigin(value["origin"]);
    if (typeof checked === "string") return validation(checked);
    origin = checked;
  }
  return { kind: "request", uri, querystring, headers, body, origin };
}

/** A response event's answer. viewer-response cannot change the status ("Restrictions on Lambda@Edge", "HTTP status codes"): a change is ignored. */
export function readResponseResult(eventType: "origin-response" | "viewer-response", payload: string, original: CfResponse): ResponseResult | LambdaFailure {
  const value = parse(payload);
  if (!isObject(value)) return validation("The function returned an invalid value: it must return the response object.");
  const status = eventType === "viewer-response" ? Number(original.status) : readStatus(value["status"] ?? original.status);
  if (status === undefined) return validation("The status must be a number from 200 to 599.");
  const headers = readHeaders(eventType, value["headers"] ?? original.headers, original.headers);
  if (typeof headers === "string") return validation(headers);
  const body = readResponseBody(value);
  if (typeof body === "string") return validation(body);
  return { kind: "response", status, headers, body };
}

function readGenerated(eventType: "viewer-request" | "origin-request", value: Record<string, unknown>): GeneratedResponse | LambdaFailure {
  const status = readStatus(value["status"]);
  if (status === undefined) return validation("The status must be a number from 200 to 599.");
  const headers = readHeaders(eventType === "viewer-request" ? "viewer-response" : "origin-response", value["headers"] ?? {}, {});
  if (typeof headers === "string") return validation(headers);
  const body = readResponseBody(value) ?? Buffer.alloc(0);
  if (typeof body === "string") return validation(body);
  const size = body.length + JSON.stringify(value["headers"] ?? {}).length;
  const limit = isViewerEvent(eventType) ? GENERATED_LIMIT.viewer : GENERATED_LIMIT.origin;
  if (size > limit) return validation(`The generated response is larger than ${limit} bytes.`);
  const description = value["statusDescription"];
  return { kind: "generated", status, statusDescription: typeof description === "string" ? description : undefined, headers, body };
}

function readStatus(value: unknown): number | undefined {
  const n = typeof value === "number" ? value : typeof value === "string" && /^\d{3}$/.test(value) ? Number(value) : NaN;
  return Number.isInteger(n) && n >= 200 && n <= 599 ? n : undefined;
}

/** `body` with `bodyEncoding` text (default) or base64; undefined when the answer has none. */
function readResponseBody(value: Record<string, unknown>): Buffer | undefined | string {
  const body = value["body"];
  if (body === undefined || body === null) return undefined;
  if (typeof body !== "string") return "The body is not a string, is not an object, or exceeds the maximum size.";
  const encoding = value["bodyEncoding"] ?? "text";
  if (encoding === "text") return Buffer.from(body, "utf8");
  if (encoding === "base64" && isBase64(body)) return Buffer.from(body, "base64");
  return "The body encoding must be text or base64, and base64 bodies must be valid base64.";
}

/** IncludeBody: `action: "replace"` with `encoding` base64 (default) or text replaces the body. */
function readRequestBody(eventType: LambdaEventType, body: unknown): Buffer | undefined | string {
  if (body === undefined || body === null) return undefined;
  if (!isObject(body)) return "The request body must be an object.";
  if ((body["action"] ?? "read-only") === "read-only") return undefined;
  if (body["action"] !== "replace") return "The body action must be read-only or replace.";
  const data = body["data"];
  if (typeof data !== "string") return "The body data must be a string.";
  const viewer = isViewerEvent(eventType);
  const encoding = body["encoding"] ?? "base64";
  if (encoding === "text") {
    const bytes = Buffer.from(data, "utf8");
    return bytes.length > (viewer ? BODY_LIMIT.viewer : BODY_LIMIT.origin) ? "The replacement body is too large." : bytes;
  }
  if (encoding !== "base64" || !isBase64(data)) return "The body encoding must be base64 or text, and base64 data must be valid base64.";
  return data.length > (viewer ? BASE64_BODY_LIMIT.viewer : BASE64_BODY_LIMIT.origin) ? "The replacement body is too large." : Buffer.from(data, "base64");
}

/**
 * Headers back in the edge's form, checked: each entry `{key?, value}` with a key that names the
 * header, no disallowed header added, read-only headers unchanged.
 */
function readHeaders(eventType: LambdaEventType, value: unknown, original: CfHeaders): EdgeHeaderMap | string {
  if (!isObject(value)) return "The headers must be an object.";
  const out: EdgeHeaderMap = {};
  for (const [name, entries] of Object.entries(value)) {
    if (name !== name.toLowerCase()) return `The header name ${name} must be lower-case.`;
    if (!Array.isArray(entries)) return `The header ${name} must be an array of {key, value} objects.`;
    const values: string[] = [];
    for (const e of entries as unknown[]) {
      if (!isObject(e) || typeof e["value"] !== "string") return `The header ${name} has an entry without a string value.`;
      if (e["key"] !== undefined && (typeof e["key"] !== "string" || e["key"].toLowerCase() !== name)) return `The header ${name} has an entry whose key does not match its name.`;
      if (/[\r\n]/.test(e["value"])) return `The header ${name} has a value with a line break.`;
      values.push(e["value"]);
    }
    if (isDisallowedHeader(name)) return `The function tried to add, delete, or change a disallowed header: ${name}.`;
    if (values.length > 0) out[name] = name === "set-cookie" || values.length > 1 ? values : (values[0] as string);
  }
  for (const name of READ_ONLY[eventType]) {
    const before = (original[name] ?? []).map((e) => e.value).join("\n");
    const after = ([out[name] ?? []].flat() as string[]).join("\n");
    if (before !== after) return `The function tried to add, delete, or change a read-only header: ${name}.`;
  }
  return out;
}

/** The origin an origin-request function set: exactly one of custom or s3, with valid fields. */
function readOrigin(value: unknown): CfOrigin | string {
  if (!isObject(value)) return "The origin must be an object.";
  const keys = Object.keys(value);
  if (keys.length !== 1 || (keys[0] !== "custom" && keys[0] !== "s3")) return "The origin must have exactly one of custom or s3.";
  const o = value[keys[0]];
  if (!isObject(o) || typeof o["domainName"] !== "string" || o["domainName"].length === 0 || o["domainName"].length > 253) return "The origin domainName must be a string of 1 to 253 characters.";
  const path = o["path"] ?? "";
  if (typeof path !== "string" || (path !== "" && (!path.startsWith("/") || path.endsWith("/") || path.length > 255))) return "The origin path must be empty or start with / and not end with /.";
  const customHeaders = readHeaders("origin-response", o["customHeaders"] ?? {}, {});
  if (typeof customHeaders === "string") return `Origin custom headers: ${customHeaders}`;
  const cf: CfHeaders = Object.fromEntries(Object.entries(customHeaders).map(([n, v]) => [n, [v].flat().map((x) => ({ key: n, value: x }))]));
  if (keys[0] === "s3") {
    const authMethod = o["authMethod"] ?? "none";
    if (authMethod !== "none" && authMethod !== "origin-access-identity") return "The s3 origin authMethod must be origin-access-identity or none.";
    return { s3: { authMethod, customHeaders: cf, domainName: o["domainName"], path, region: typeof o["region"] === "string" ? o["region"] : "us-east-1" } };
  }
  const protocol = o["protocol"];
  if (protocol !== "http" && protocol !== "https") return "The custom origin protocol must be http or https.";
  const port = o["port"] ?? (protocol === "https" ? 443 : 80);
  if (typeof port !== "number" || !(port === 80 || port === 443 || (port >= 1024 && port <= 65535))) return "The custom origin port must be 80, 443, or 1024 to 65535.";
  const readTimeout = o["readTimeout"] ?? 30;
  const keepaliveTimeout = o["keepaliveTimeout"] ?? 5;
  if (typeof readTimeout !== "number" || readTimeout < 1 || readTimeout > 120) return "The custom origin readTimeout must be from 1 to 120 seconds.";
  if (typeof keepaliveTimeout !== "number" || keepaliveTimeout < 1 || keepaliveTimeout > 120) return "The custom origin keepaliveTimeout must be from 1 to 120 seconds.";
  const ssl = o["sslProtocols"] ?? ["TLSv1.2"];
  if (!Array.isArray(ssl) || !ssl.every((p) => ["SSLv3", "TLSv1", "TLSv1.1", "TLSv1.2"].includes(p as string))) return "The custom origin sslProtocols must be from SSLv3, TLSv1, TLSv1.1, TLSv1.2.";
  return { custom: { customHeaders: cf, domainName: o["domainName"], keepaliveTimeout, path, port, protocol, readTimeout, sslProtocols: ssl as string[] } };
}

function parse(payload: string): unknown {
  try {
    return JSON.parse(payload);
  } catch {
    return undefined;
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

function isBase64(s: string): boolean {
  return /^[A-Za-z0-9+/]*={0,2}$/.test(s) && s.length % 4 === 0;
}
