// Small helpers for node:http header maps, shared by the edge and the services.
import type { IncomingHttpHeaders } from "node:http";

/** One header value as a single string: a repeated header's values joined with ", " (RFC 9110 §5.3). */
export function headerString(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v.join(", ") : v;
}

/** Whether a request carries a body (RFC 9112 §6.3): chunked, or a non-zero Content-Length. */
export function carriesBody(h: IncomingHttpHeaders): boolean {
  return h["transfer-encoding"] !== undefined || (h["content-length"] !== undefined && h["content-length"] !== "0");
}

/** A message's Content-Length; undefined when chunked, absent or not a whole number. */
export function contentLength(h: IncomingHttpHeaders): number | undefined {
  const v = h["content-length"];
  if (v === undefined || h["transfer-encoding"] !== undefined) return undefined;
  const n = Number(v);
  return Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}
