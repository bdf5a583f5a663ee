// Writing edge responses: a cached (or just fetched) object with conditional and Range requests
// answered from it (docs/edge.md §12), a disk-tier body streamed from its file, and CloudFront's
// own error page (§14).
import type { IncomingMessage, ServerResponse } from "node:http";
import { createReadStream } from "node:fs";
import type { CachedResponse } from "./cache/cached-response.ts";
import type { ResponseHeaders } from "./stages/response-headers.ts";
import { headerString } from "../http/headers.ts";
import { contentRange, parseByteRange } from "../http/byte-range.ts";
import { notModified } from "../http/conditional.ts";

/** Via, X-Amz-Cf-Pop and X-Amz-Cf-Id: on every response of a request. */
export type BaseHeaders = Readonly<Record<"Via" | "X-Amz-Cf-Pop" | "X-Amz-Cf-Id", string>>;

/**
 * The behavior's response headers policy (docs/edge.md §11) bound to one request: applied to the lower-cased
 * headers of whatever response the request gets. Undefined when the behavior has no policy.
 */
export type Decorate = (headers: ResponseHeaders, cache: "hit" | "refresh" | "miss") => void;

/** The Age header: whole seconds since the object was stored or revalidated (docs/edge.md §14). */
export function ageSeconds(now: number, entry: CachedResponse): string {
  return String(Math.max(0, Math.floor((now - entry.storedAt) / 1000)));
}

/** Sends a cached (or just fetched) object: conditional → 304, Range → 206, HEAD → no body (docs/edge.md §12). */
export function serveCached(
  req: IncomingMessage,
  res: ServerResponse,
  entry: CachedResponse,
  xCache: string,
  base: BaseHeaders,
  now: number,
  withAge = true,
  decorate?: (headers: ResponseHeaders) => void,
): void {
  const rh = req.headers;
  const method = req.method ?? "GET";
  if (!decorate && (entry.status !== 200 || (rh["if-none-match"] === undefined && rh["if-modified-since"] === undefined && rh.range === undefined))) {
    // The common case: the whole object, headers rendered at store time.
    const flat = [...entry.flat, "Via", base.Via, "X-Amz-Cf-Pop", base["X-Amz-Cf-Pop"], "X-Amz-Cf-Id", base["X-Amz-Cf-Id"], "X-Cache", xCache];
    if (withAge) flat.push("Age", ageSeconds(now, entry));
    res.writeHead(entry.status, flat);
    if (entry.file && method !== "HEAD") return sendFile(res, entry.file.path);
    res.end(method === "HEAD" ? undefined : entry.body);
    return;
  }
  const size = entry.file?.size ?? entry.body.length;
  const shown: ResponseHeaders = { ...entry.headers };
  decorate?.(shown);
  const headers: Record<string, string | string[]> = { ...shown, ...base, "X-Cache": xCache };
  if (withAge) headers["Age"] = ageSeconds(now, entry);
  if (entry.status === 200) {
    if (notModified(headerString(rh["if-none-match"]), headerString(rh["if-modified-since"]), headerString(entry.headers["etag"]), headerString(entry.headers["last-modified"]))) {
      delete headers["content-length"];
      delete headers["content-type"];
      res.writeHead(304, headers);
      return void res.end();
    }
    const rangeHeader = headerString(rh.range);
    const r = rangeHeader ? parseByteRange(rangeHeader, size) : undefined;
    if (r === "unsatisfiable") {
      res.writeHead(416, { ...base, "X-Cache": xCache, "Content-Range": `bytes */${size}`, "Content-Length": "0" });
      return void res.end();
    }
    if (r) {
      headers["content-range"] = contentRange(r, size);
      headers["content-length"] = String(r.end - r.start + 1);
      res.writeHead(206, headers);
      if (entry.file && method !== "HEAD") return sendFile(res, entry.file.path, r.start, r.end);
      return void res.end(method === "HEAD" ? undefined : entry.body.subarray(r.start, r.end + 1));
    }
  }
  headers["content-length"] = String(size);
  res.writeHead(entry.status, headers);
  if (entry.file && method !== "HEAD") return sendFile(res, entry.file.path);
  res.end(method === "HEAD" ? undefined : entry.body);
}

/** Streams a disk-tier body (or part of it); a file evicted meanwhile ends the response early. */
export function sendFile(res: ServerResponse, path: string, start?: number, end?: number): void {
  const stream = createReadStream(path, start === undefined ? {} : { start, end });
  stream.on("error", () => res.destroy());
  stream.pipe(res);
}

/** CloudFront's own error page (docs/edge.md §14; layout unverified). */
export function sendError(res: ServerResponse, method: string | undefined, status: number, reason: string, base: BaseHeaders, decorate?: Decorate, xCache = "Error from cloudfront"): void {
  const body =
    `<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN" "http://www.w3.org/TR/html4/loose.dtd">\n` +
    `<HTML><HEAD><META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=iso-8859-1">\n<TITLE>ERROR: The request could not be satisfied</TITLE>\n</HEAD><BODY>\n` +
    `<H1>${status} ERROR</H1>\n<H2>The request could not be satisfied.</H2>\n<HR noshade size="1px">\n${reason}\n<BR clear="all">\n` +
    `<HR noshade size="1px">\n<PRE>\nGenerated by cloudfront (CloudFront)\nRequest ID: ${base["X-Amz-Cf-Id"]}\n</PRE>\n<ADDRESS>\n</ADDRESS>\n</BODY></HTML>`;
  const shown: ResponseHeaders = { server: "CloudFront", "content-type": "text/html", "content-length": String(Buffer.byteLength(body)) };
  decorate?.(shown, "miss");
  res.writeHead(status, { ...shown, ...base, "X-Cache": xCache });
  res.end(method === "HEAD" ? undefined : body);
}

/** A body-less or small in-memory response of the edge's own (redirects, function-generated responses). */
export function sendGenerated(res: ServerResponse, method: string, status: number, statusText: string | undefined, shown: ResponseHeaders, base: BaseHeaders, xCache: string, body: Buffer): void {
  const headers = { ...shown, ...base, "X-Cache": xCache };
  if (statusText === undefined) res.writeHead(status, headers);
  else res.writeHead(status, statusText, headers);
  res.end(method === "HEAD" ? undefined : body);
}
