// Plain edge data ⇄ CloudFront Functions event objects (functions.md §4.1, §4.2;
// functions-event-structure.html).
//
// Into the function: header names lower-cased, `Cookie` parsed into `cookies`, `Set-Cookie` into
// response `cookies` (`attributes` = everything after the first `;`), repeated names collapsed into
// one entry whose `value` is the first and `multiValue` lists all (only for real repeats; a single
// comma-separated header is not split). Query names and values stay as received, not
// percent-decoded: AWS's own "normalize query string" example rebuilds the query by joining
// `key + "=" + value`, which only works on the raw form. Disallowed headers (§4.2) are not exposed.
//
// Back out of it: the multiValue rule of §4.2 (a modified `multiValue` wins; otherwise a changed
// `value` replaces only the first value), an unchanged query object keeps the raw query exactly,
// and headers hidden from the function are carried over from the original.
import { STATUS_CODES } from "node:http";
import type {
  FunctionEvent,
  FunctionRequest,
  FunctionResponse,
  FunctionResponseCookie,
  FunctionValue,
} from "./types.ts";

/** Header values as the edge keeps them: lower-cased names, repeated headers as arrays. */
export type HeaderMap = Readonly<Record<string, string | readonly string[]>>;

/** The facts of a viewer request the edge has at the viewer-request stage. */
export interface ViewerRequestData {
  readonly method: string;
  /** The path as received (still percent-encoded), without the query. */
  readonly uri: string;
  /** The query as received without `?`; undefined when the URL had no `?`. */
  readonly rawQuery: string | undefined;
  readonly headers: HeaderMap;
  readonly viewerIp: string;
  readonly distributionId: string;
  readonly distributionDomainName: string;
  /** Same as X-Amz-Cf-Id (data-plane.md §1 invariant). */
  readonly requestId: string;
}

/** The response the viewer-response function sees. */
export interface ViewerResponseData {
  readonly statusCode: number;
  /** Defaults to the standard reason phrase. */
  readonly statusDescription?: string;
  readonly headers: HeaderMap;
}

/**
 * Headers CloudFront neither exposes to nor accepts from a function (§4.2 "Disallowed headers",
 * edge-functions-restrictions.html). `x-amz-cf-*` and `x-edge-*` are prefixes.
 */
const DISALLOWED_HEADERS = new Set([
  "connection",
  "expect",
  "keep-alive",
  "proxy-authenticate",
  "proxy-authorization",
  "proxy-connection",
  "trailer",
  "upgrade",
  "x-accel-buffering",
  "x-accel-charset",
  "x-accel-limit-rate",
  "x-accel-redirect",
  "x-amzn-auth",
  "x-amzn-cf-billing",
  "x-amzn-cf-id",
  "x-amzn-cf-xff",
  "x-amzn-errortype",
  "x-amzn-fle-profile",
  "x-amzn-header-count",
  "x-amzn-header-order",
  "x-amzn-lambda-integration-tag",
  "x-amzn-requestid",
  "x-cache",
  "x-forwarded-proto",
  "x-real-ip",
]);

/** True for a header a function may not see or set (§4.2). `name` must be lower-case. */
export function isDisallowedHeader(name: string): boolean {
  return DISALLOWED_HEADERS.has(name) || name.startsWith("x-amz-cf-") || name.startsWith("x-edge-");
}

/** Read-only headers per event (§4.2): a function may not add, remove or change them. */
export const READ_ONLY_HEADERS = {
  "viewer-request": ["content-length", "host", "transfer-encoding", "via"],
  "viewer-response": ["warning", "via"],
} as const;

/**
 * Events made by the two builders below: their shape is known, so wire.ts need not check it (an
 * event changed after it was built must not be passed to a runtime).
 */
const BUILT = new WeakSet<FunctionEvent>();

/** True for an event buildViewerRequestEvent or buildViewerResponseEvent made. */
export function isBuiltEvent(event: FunctionEvent): boolean {
  return BUILT.has(event);
}

/** The event for a viewer-request function. */
export function buildViewerRequestEvent(req: ViewerRequestData): FunctionEvent {
  const event: FunctionEvent = {
    version: "1.0",
    context: {
      distributionDomainName: req.distributionDomainName,
      distributionId: req.distributionId,
      eventType: "viewer-request",
      requestId: req.requestId,
    },
    viewer: { ip: req.viewerIp },
    request: requestObject(req),
  };
  BUILT.add(event);
  return event;
}

/** The event for a viewer-response function: the (possibly rewritten) request and the response. */
export function buildViewerResponseEvent(req: ViewerRequestData, res: ViewerResponseData): FunctionEvent {
  const cookies: string[] = [];
  const headers: Array<[string, string]> = [];
  for (const [name, value] of Object.entries(res.headers)) {
    for (const v of asArray(value)) {
      if (name === "set-cookie") cookies.push(v);
      else if (!isDisallowedHeader(name)) headers.push([name, v]);
    }
  }
  const event: FunctionEvent = {
    version: "1.0",
    context: {
      distributionDomainName: req.distributionDomainName,
      distributionId: req.distributionId,
      eventType: "viewer-response",
      requestId: req.requestId,
    },
    viewer: { ip: req.viewerIp },
    request: requestObject(req),
    response: {
      statusCode: res.statusCode,
      statusDescription: res.statusDescription ?? STATUS_CODES[res.statusCode] ?? "",
      headers: collapse(headers),
      cookies: parseSetCookies(cookies),
    },
  };
  BUILT.add(event);
  return event;
}

function requestObject(req: ViewerRequestData): FunctionRequest {
  // Built directly (no intermediate pairs): this runs for every request of a behavior with a function.
  let cookieHeaders: string[] | undefined;
  const headers: Record<string, FunctionValue> = {};
  for (const name of Object.keys(req.headers)) {
    const value = req.headers[name] as string | readonly string[];
    if (name === "cookie") {
      (cookieHeaders ??= []).push(...asArray(value));
      continue;
    }
    if (isDisallowedHeader(name)) continue;
    if (typeof value === "string") add(headers, name, value);
    else for (const v of value) add(headers, name, v);
  }
  return {
    method: req.method,
    uri: req.uri,
    querystring: parseQueryString(req.rawQuery),
    headers,
    cookies: cookieHeaders ? parseCookieHeaders(cookieHeaders) : {},
  };
}

/** `a=1&b&a=2` → `{a: {value: "1", multiValue: [1, 2]}, b: {value: ""}}`; names and values as received. */
export function parseQueryString(raw: string | undefined): Record<string, FunctionValue> {
  const pairs: Array<[string, string]> = [];
  if (raw) {
    for (const part of raw.split("&")) {
      if (part === "") continue;
      const eq = part.indexOf("=");
      pairs.push(eq < 0 ? [part, ""] : [part.slice(0, eq), part.slice(eq + 1)]);
    }
  }
  return collapse(pairs);
}

/** `Cookie` header values → cookies; `a=1; b=2`. A pair without `=` is a cookie with an empty value. */
export function parseCookieHeaders(values: readonly string[]): Record<string, FunctionValue> {
  const pairs: Array<[string, string]> = [];
  for (const header of values) {
    for (const part of header.split(";")) {
      const item = part.trim();
      if (item === "") continue;
      const eq = item.indexOf("=");
      pairs.push(eq < 0 ? [item, ""] : [item.slice(0, eq).trim(), item.slice(eq + 1).trim()]);
    }
  }
  return collapse(pairs);
}

/** `Set-Cookie` values → response cookies with `attributes` (functions-event-structure.html "Cookie attributes"). */
export function parseSetCookies(values: readonly string[]): Record<string, FunctionResponseCookie> {
  const out = dict<FunctionResponseCookie>();
  for (const header of values) {
    const semi = header.indexOf(";");
    const pair = semi < 0 ? header : header.slice(0, semi);
    const attributes = semi < 0 ? "" : header.slice(semi + 1).trim();
    const eq = pair.indexOf("=");
    const name = (eq < 0 ? pair : pair.slice(0, eq)).trim();
    const value = eq < 0 ? "" : pair.slice(eq + 1).trim();
    if (name === "") continue;
    const item = attributes ? { value, attributes } : { value };
    const existing = out[name];
    if (!existing) {
      out[name] = { ...item };
    } else {
      existing.multiValue ??= [existing.attributes !== undefined ? { value: existing.value, attributes: existing.attributes } : { value: existing.value }];
      existing.multiValue.push(item);
    }
  }
  return { ...out };
}

/** Repeated names → one entry with `multiValue` (only for real repeats, §4.1). */
function collapse(pairs: ReadonlyArray<[string, string]>): Record<string, FunctionValue> {
  const out: Record<string, FunctionValue> = {};
  for (const [name, value] of pairs) add(out, name, value);
  return out;
}

/** One value of `name` into a map of collapsed values (a name such as `__proto__` is an ordinary key). */
function add(map: Record<string, FunctionValue>, name: string, value: string): void {
  const existing = Object.hasOwn(map, name) ? map[name] : undefined;
  if (existing) (existing.multiValue ??= [{ value: existing.value }]).push({ value });
  else if (name === "__proto__") Object.defineProperty(map, name, { value: { value }, writable: true, enumerable: true, configurable: true });
  else map[name] = { value };
}

function asArray(v: string | readonly string[]): readonly string[] {
  return typeof v === "string" ? [v] : v;
}

// ---------------------------------------------------------------------------------------------
// Back to edge data

/** A request as the edge continues with it after a viewer-request function. */
export interface EdgeRequestChange {
  readonly uri: string;
  /** Without `?`; undefined when the request has no query. */
  readonly rawQuery: string | undefined;
  /** Lower-cased names; `cookie` rebuilt from the cookies; hidden headers carried over. */
  readonly headers: Record<string, string[]>;
}

/**
 * The request a viewer-request function returned (already validated, see output.ts), as edge data.
 * `original` is the event's request and `originalRawQuery` the query it was built from: an
 * unchanged query object keeps the raw query byte for byte. `originalHeaders` supplies the headers
 * the function could not see (§4.2), which pass through unchanged.
 */
export function requestFromFunction(
  returned: FunctionRequest,
  original: FunctionRequest,
  originalRawQuery: string | undefined,
  originalHeaders: HeaderMap = {},
): EdgeRequestChange {
  if (returned === original) return unchangedRequest(original, originalRawQuery, originalHeaders);
  const headers = mergeEntries(returned.headers, original.headers);
  for (const [name, value] of Object.entries(originalHeaders)) {
    if (isDisallowedHeader(name)) headers[name] = [...asArray(value)];
  }
  const cookies = mergeEntries(returned.cookies, original.cookies);
  const cookiePairs: string[] = [];
  for (const [name, values] of Object.entries(cookies)) for (const v of values) cookiePairs.push(`${name}=${v}`);
  if (cookiePairs.length > 0) headers["cookie"] = [cookiePairs.join("; ")];
  return { uri: returned.uri, rawQuery: rawQueryOf(returned.querystring, original.querystring, originalRawQuery), headers };
}

/**
 * What requestFromFunction makes of the event's own request returned untouched (the sandbox
 * returns that very object then), without merging it with itself: the same headers in the same
 * order — those the function saw, then the hidden ones, then `cookie` rebuilt from the cookies.
 */
function unchangedRequest(original: FunctionRequest, originalRawQuery: string | undefined, originalHeaders: HeaderMap): EdgeRequestChange {
  const headers = dict<string[]>();
  for (const name in original.headers) {
    const e = original.headers[name] as FunctionValue;
    headers[name] = e.multiValue ? e.multiValue.map((v) => v.value) : [e.value];
  }
  for (const name in originalHeaders) {
    if (isDisallowedHeader(name)) headers[name] = [...asArray(originalHeaders[name] as string | readonly string[])];
  }
  let cookie = "";
  for (const name in original.cookies) {
    const c = original.cookies[name] as FunctionValue;
    if (c.multiValue) for (const v of c.multiValue) cookie += `${cookie ? "; " : ""}${name}=${v.value}`;
    else cookie += `${cookie ? "; " : ""}${name}=${c.value}`;
  }
  if (cookie) headers["cookie"] = [cookie];
  return { uri: original.uri, rawQuery: typeof original.querystring === "string" ? rawQueryOf(original.querystring, original.querystring, originalRawQuery) : originalRawQuery, headers };
}

function rawQueryOf(
  returned: FunctionRequest["querystring"],
  original: FunctionRequest["querystring"],
  originalRawQuery: string | undefined,
): string | undefined {
  // A function may assign a string (AWS's normalize-query-string example does).
  if (typeof returned === "string") {
    const q = returned.startsWith("?") ? returned.slice(1) : returned;
    return q === "" ? undefined : q;
  }
  if (typeof original !== "string" && sameJson(returned, original)) return originalRawQuery;
  const parts: string[] = [];
  const merged = mergeEntries(returned, typeof original === "string" ? {} : original);
  for (const [name, values] of Object.entries(merged)) for (const v of values) parts.push(`${name}=${v}`);
  return parts.length > 0 ? parts.join("&") : undefined;
}

/** The response a function produced, as edge data. `body` undefined: keep the original body. */
export interface EdgeResponseChange {
  readonly statusCode: number;
  readonly statusDescription: string;
  /** Lower-cased names; `set-cookie` rebuilt from the cookies; hidden headers carried over. */
  readonly headers: Record<string, string[]>;
  readonly body: Buffer | undefined;
}

/**
 * A generated (viewer-request) or modified (viewer-response) response as edge data. For a
 * modified response pass the event's response as `original` (multiValue rule) and the origin's
 * headers as `originalHeaders` (headers the function could not see pass through).
 */
export function responseFromFunction(
  returned: FunctionResponse,
  original?: FunctionResponse,
  originalHeaders: HeaderMap = {},
): EdgeResponseChange {
  if (returned === original && returned.body === undefined) return unchangedResponse(original, originalHeaders);
  const headers = mergeEntries(returned.headers, original?.headers ?? {});
  for (const [name, value] of Object.entries(originalHeaders)) {
    if (isDisallowedHeader(name)) headers[name] = [...asArray(value)];
  }
  const setCookies: string[] = [];
  for (const [name, items] of Object.entries(mergeCookies(returned.cookies, original?.cookies ?? {}))) {
    for (const c of items) setCookies.push(c.attributes ? `${name}=${c.value}; ${c.attributes}` : `${name}=${c.value}`);
  }
  if (setCookies.length > 0) headers["set-cookie"] = setCookies;
  return {
    statusCode: returned.statusCode,
    statusDescription: returned.statusDescription ?? STATUS_CODES[returned.statusCode] ?? "",
    headers,
    body: returned.body === undefined ? undefined : bodyBytes(returned.body),
  };
}

/** responseFromFunction for the event's own response returned untouched (see unchangedRequest). */
function unchangedResponse(original: FunctionResponse, originalHeaders: HeaderMap): EdgeResponseChange {
  const headers = dict<string[]>();
  for (const name in original.headers) {
    const e = original.headers[name] as FunctionValue;
    headers[name] = e.multiValue ? e.multiValue.map((v) => v.value) : [e.value];
  }
  for (const name in originalHeaders) {
    if (isDisallowedHeader(name)) headers[name] = [...asArray(originalHeaders[name] as string | readonly string[])];
  }
  const setCookies: string[] = [];
  for (const name in original.cookies) {
    const c = original.cookies[name] as FunctionResponseCookie;
    for (const item of c.multiValue ?? [c]) setCookies.push(item.attributes ? `${name}=${item.value}; ${item.attributes}` : `${name}=${item.value}`);
  }
  if (setCookies.length > 0) headers["set-cookie"] = setCookies;
  return { statusCode: original.statusCode, statusDescription: original.statusDescription ?? STATUS_CODES[original.statusCode] ?? "", headers, body: undefined };
}

/** A body as bytes; output.ts has already checked that base64 data is valid. */
export function bodyBytes(body: NonNullable<FunctionResponse["body"]>): Buffer {
  if (typeof body === "string") return Buffer.from(body, "utf8");
  return body.encoding === "base64" ? Buffer.from(body.data, "base64") : Buffer.from(body.data, "utf8");
}

/** `x-custom-header` → `X-Custom-Header`: how CloudFront writes header names a function set (§4.2). */
export function capitalizeHeaderName(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_, sep: string, c: string) => sep + c.toUpperCase());
}

/** Values per name after the §4.2 multiValue rule. */
function mergeEntries(returned: Readonly<Record<string, FunctionValue>>, original: Readonly<Record<string, FunctionValue>>): Record<string, string[]> {
  const out = dict<string[]>();
  for (const [name, entry] of Object.entries(returned)) {
    const before = own(original, name);
    const all = before ? (before.multiValue ? before.multiValue.map((v) => v.value) : [before.value]) : [];
    if (entry.multiValue) {
      const mv = entry.multiValue.map((v) => v.value);
      if (!before?.multiValue || !sameJson(mv, all)) {
        out[name] = mv;
        continue;
      }
    }
    out[name] = before && entry.value === before.value ? all : [entry.value, ...all.slice(1)];
  }
  return out;
}

function mergeCookies(
  returned: Readonly<Record<string, FunctionResponseCookie>>,
  original: Readonly<Record<string, FunctionResponseCookie>>,
): Record<string, Array<{ value: string; attributes?: string | undefined }>> {
  const out = dict<Array<{ value: string; attributes?: string | undefined }>>();
  for (const [name, entry] of Object.entries(returned)) {
    const before = own(original, name);
    const all = before ? (before.multiValue ?? [{ value: before.value, attributes: before.attributes }]) : [];
    if (entry.multiValue && (!before?.multiValue || !sameJson(entry.multiValue, before.multiValue))) {
      out[name] = entry.multiValue;
      continue;
    }
    const first = { value: entry.value, attributes: entry.attributes };
    const unchanged = before !== undefined && entry.value === before.value && entry.attributes === before.attributes;
    out[name] = unchanged ? all : [first, ...all.slice(1)];
  }
  return out;
}

/** An own property only: names such as `__proto__` or `constructor` are ordinary names here. */
function own<T>(obj: Readonly<Record<string, T>>, name: string): T | undefined {
  return Object.hasOwn(obj, name) ? obj[name] : undefined;
}

/** A map without a prototype, so any header, cookie or parameter name is a plain key. */
function dict<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
