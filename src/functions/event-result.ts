// A function's request or response back to edge data (docs/functions.md §4.2): the multiValue rule (a
// modified `multiValue` wins; otherwise a changed `value` replaces only the first value), an
// unchanged query object keeps the raw query exactly, cookies are written back as `Cookie` /
// `Set-Cookie`, and headers hidden from the function are carried over from the original.
import { nodeHttp } from "../http/node-http.ts";
import { asArray, dict, isDisallowedHeader, type HeaderMap } from "./event-headers.ts";
import type { FunctionRequest, FunctionResponse, FunctionResponseCookie, FunctionValue } from "./types.ts";

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
 * the function could not see (docs/functions.md §4.2), which pass through unchanged.
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
/** The headers of an untouched request or response: those the function saw, then the hidden ones. */
function untouchedHeaders(seen: Readonly<Record<string, FunctionValue>>, originalHeaders: HeaderMap): Record<string, string[]> {
  const headers = dict<string[]>();
  for (const name in seen) {
    const e = seen[name] as FunctionValue;
    headers[name] = e.multiValue ? e.multiValue.map((v) => v.value) : [e.value];
  }
  for (const name in originalHeaders) {
    if (isDisallowedHeader(name)) headers[name] = [...asArray(originalHeaders[name] as string | readonly string[])];
  }
  return headers;
}

function unchangedRequest(original: FunctionRequest, originalRawQuery: string | undefined, originalHeaders: HeaderMap): EdgeRequestChange {
  const headers = untouchedHeaders(original.headers, originalHeaders);
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
    statusDescription: returned.statusDescription ?? nodeHttp.STATUS_CODES[returned.statusCode] ?? "",
    headers,
    body: returned.body === undefined ? undefined : bodyBytes(returned.body),
  };
}

/** responseFromFunction for the event's own response returned untouched (see unchangedRequest). */
function unchangedResponse(original: FunctionResponse, originalHeaders: HeaderMap): EdgeResponseChange {
  const headers = untouchedHeaders(original.headers, originalHeaders);
  const setCookies: string[] = [];
  for (const name in original.cookies) {
    const c = original.cookies[name] as FunctionResponseCookie;
    for (const item of c.multiValue ?? [c]) setCookies.push(item.attributes ? `${name}=${item.value}; ${item.attributes}` : `${name}=${item.value}`);
  }
  if (setCookies.length > 0) headers["set-cookie"] = setCookies;
  return { statusCode: original.statusCode, statusDescription: original.statusDescription ?? nodeHttp.STATUS_CODES[original.statusCode] ?? "", headers, body: undefined };
}

/** A body as bytes; output.ts has already checked that base64 data is valid. */
export function bodyBytes(body: NonNullable<FunctionResponse["body"]>): Buffer {
  if (typeof body === "string") return Buffer.from(body, "utf8");
  return body.encoding === "base64" ? Buffer.from(body.data, "base64") : Buffer.from(body.data, "utf8");
}

/** `x-custom-header` → `X-Custom-Header`: how CloudFront writes header names a function set (docs/functions.md §4.2). */
export function capitalizeHeaderName(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_, sep: string, c: string) => sep + c.toUpperCase());
}

/** Values per name after the docs/functions.md §4.2 multiValue rule. */
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


function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
