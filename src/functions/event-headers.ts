// Header rules shared by the event builders (event.ts) and the way back to edge data
// (event-result.ts): how the edge keeps header values, and the headers a function may not see,
// set or change (docs/functions.md §4.2; CloudFront guide "Restrictions on edge functions").

/** Header values as the edge keeps them: lower-cased names, repeated headers as arrays. */
export type HeaderMap = Readonly<Record<string, string | readonly string[]>>;

/**
 * Headers CloudFront neither exposes to nor accepts from a function (docs/functions.md §4.2 "Disallowed headers",
 * CloudFront guide "Restrictions on edge functions"). `x-amz-cf-*` and `x-edge-*` are prefixes.
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

/** True for a header a function may not see or set (docs/functions.md §4.2). `name` must be lower-case. */
export function isDisallowedHeader(name: string): boolean {
  return DISALLOWED_HEADERS.has(name) || name.startsWith("x-amz-cf-") || name.startsWith("x-edge-");
}

/** Read-only headers per event (docs/functions.md §4.2): a function may not add, remove or change them. */
export const READ_ONLY_HEADERS = {
  "viewer-request": ["content-length", "host", "transfer-encoding", "via"],
  "viewer-response": ["warning", "via"],
} as const;

/** One header value or several, as a list. */
export function asArray(v: string | readonly string[]): readonly string[] {
  return typeof v === "string" ? [v] : v;
}

/** A map without a prototype, so any header, cookie or parameter name is a plain key. */
export function dict<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}
