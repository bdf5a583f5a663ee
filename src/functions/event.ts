// Plain edge data ⇄ CloudFront Functions event objects (docs/functions.md §4.1, §4.2;
// CloudFront guide "CloudFront Functions event structure").
//
// Into the function: header names lower-cased, `Cookie` parsed into `cookies`, `Set-Cookie` into
// response `cookies` (`attributes` = everything after the first `;`), repeated names collapsed into
// one entry whose `value` is the first and `multiValue` lists all (only for real repeats; a single
// comma-separated header is not split). Query names and values stay as received, not
// percent-decoded: AWS's own "normalize query string" example rebuilds the query by joining
// `key + "=" + value`, which only works on the raw form. Disallowed headers (§4.2) are not exposed.
//
// Back out of it: event-result.ts (re-exported here). Header rules: event-headers.ts.
import { nodeHttp } from "../http/node-http.ts";
import type { FunctionEvent, FunctionRequest, FunctionResponseCookie, FunctionValue } from "./types.ts";
import { asArray, dict, isDisallowedHeader, type HeaderMap } from "./event-headers.ts";

export { isDisallowedHeader, READ_ONLY_HEADERS, type HeaderMap } from "./event-headers.ts";
export {
  bodyBytes,
  capitalizeHeaderName,
  requestFromFunction,
  responseFromFunction,
  type EdgeRequestChange,
  type EdgeResponseChange,
} from "./event-result.ts";

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
  /** Same as X-Amz-Cf-Id (docs/edge.md §1 invariant). */
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
 * The last events made by the two builders below: their shape is known, so wire.ts need not check
 * it (an event changed after it was built must not be passed to a runtime). The edge runs an event
 * right after building it, so a few recent ones are enough; an older one is checked member by
 * member. (A WeakSet costs an ephemeron entry per request, and the garbage collector's time.)
 */
const RECENT: Array<FunctionEvent | undefined> = [undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined];
let recentNext = 0;

function built(event: FunctionEvent): FunctionEvent {
  RECENT[recentNext] = event;
  recentNext = (recentNext + 1) % RECENT.length;
  return event;
}

/** True for an event buildViewerRequestEvent or buildViewerResponseEvent made recently. */
export function isBuiltEvent(event: FunctionEvent): boolean {
  return RECENT.includes(event);
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
  return built(event);
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
      statusDescription: res.statusDescription ?? nodeHttp.STATUS_CODES[res.statusCode] ?? "",
      headers: collapse(headers),
      cookies: parseSetCookies(cookies),
    },
  };
  return built(event);
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

/** `Set-Cookie` values → response cookies with `attributes` (CloudFront guide "CloudFront Functions event structure" "Cookie attributes"). */
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

/** Repeated names → one entry with `multiValue` (only for real repeats, docs/functions.md §4.1). */
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
