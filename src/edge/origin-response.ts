// From an origin's response to the viewer's (docs/edge.md §9, §10, §13, §17): a revalidated
// copy (304 → RefreshHit), an expired copy kept when the origin fails (stale-if-error), a custom
// error page, and the body itself: read whole when it is known to fit in memory (it may be
// compressed, and error bodies are served through their pages), streamed otherwise while the
// cache fills (relay-fill.ts), or relayed when it is not to be cached.
import type { IncomingMessage, ServerResponse } from "node:http";
import { pipeline } from "node:stream/promises";
import type { CompiledBehavior, CompiledDistribution } from "./compile.ts";
import { cacheEntry, type CachedResponse } from "./cache/cached-response.ts";
import { relayAndFill, type FillLimits } from "./cache/relay-fill.ts";
import { errorTtl, successTtl } from "./stages/ttl.ts";
import { chooseCoding, compress } from "./stages/compress.ts";
import type { ErrorPages } from "./error-pages.ts";
import { sendError, type BaseHeaders, type Decorate } from "./respond.ts";
import { DEFAULT_ERROR_CACHING_MIN_TTL } from "../services/cloudfront/distribution-defaults.ts";
import { contentLength, headerString } from "../http/headers.ts";
import { CACHEABLE_SUCCESS, originResponseHeaders, readBody } from "./origin-body.ts";

const EMPTY = Buffer.alloc(0);
const FUNCTION_FAILED = "The CloudFront function associated with the CloudFront distribution is invalid or could not run.";

/** One viewer request's miss, as far as answering it from the origin's response goes. */
export interface Miss {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly method: string;
  readonly base: BaseHeaders;
  readonly dist: CompiledDistribution;
  /** The cache key (a streaming fill reserves it: one fill per key at a time). */
  readonly key: string;
  readonly behavior: CompiledBehavior;
  readonly now: number;
  readonly cacheable: boolean;
  /** The normalized Accept-Encoding in the key (docs/edge.md §6.2), for compression. */
  readonly acceptEncoding: string | undefined;
  /** An expired copy the request found, and what its Cache-Control lets the edge do with it (docs/edge.md §9.3). */
  readonly stale: CachedResponse | undefined;
  readonly staleOnError: boolean;
  readonly decor: Decorate | undefined;
  readonly errorPages: ErrorPages;
  readonly limits: FillLimits;
  /** Runs the viewer-response function on a response (undefined result: it failed); absent without one. */
  readonly viewerResponse: ((entry: CachedResponse) => Promise<CachedResponse | undefined>) | undefined;
  /** Sends an entry to the viewer (through the viewer-response function when there is one). */
  serve(entry: CachedResponse, xCache: string, cache: "hit" | "refresh" | "miss", withAge?: boolean): Promise<void>;
  /** Keeps an entry in every tier the request went through, and offers it to collapsed requests. */
  store(entry: CachedResponse): void;
}

export async function answerFromOrigin(m: Miss, originRes: IncomingMessage): Promise<void> {
  const { req, res, method, dist, behavior, now, stale } = m;
  const status = originRes.statusCode ?? 502;
  const headers = originResponseHeaders(originRes.headers, behavior);
  const cacheControl = headerString(originRes.headers["cache-control"]);

  if (stale && status === 304) {
    originRes.resume();
    const refreshed: CachedResponse = { ...stale, storedAt: now, ttlMs: successTtl(behavior.ttl, cacheControl ?? headerString(stale.headers["cache-control"]), headerString(originRes.headers["expires"]), now) * 1000 };
    if (refreshed.ttlMs > 0) m.store(refreshed);
    return m.serve(refreshed, "RefreshHit from cloudfront", "refresh");
  }
  if (stale && m.staleOnError && status >= 500) {
    // docs/edge.md §9.3: an origin 5xx while an expired copy exists serves the copy and keeps it.
    originRes.resume();
    return m.serve(stale, "Hit from cloudfront", "hit");
  }

  const declared = contentLength(originRes.headers);
  const cacheableSize = !(declared !== undefined && declared > m.limits.maxObjectBytes);
  const errorPage = status >= 400 && dist.errorPages.has(status);
  if (errorPage && (!m.cacheable || !cacheableSize)) {
    originRes.resume();
    if (await m.errorPages.serve(dist, status, req, res, m.base, now, m.decor)) return;
  }
  const ttl = () =>
    CACHEABLE_SUCCESS.has(status)
      ? successTtl(behavior.ttl, cacheControl, headerString(originRes.headers["expires"]), now)
      : status >= 400
        ? errorTtl(status, behavior.ttl, cacheControl, dist.errorCachingMinTtl.get(status) ?? DEFAULT_ERROR_CACHING_MIN_TTL)
        : 0;

  // Bodies known to fit in memory are read whole (compression and custom error pages need them);
  // all others stream to the viewer as they arrive.
  const buffered = m.cacheable && cacheableSize && ((declared !== undefined && declared <= m.limits.memoryObjectBytes) || errorPage);
  if (!buffered) return stream(m, originRes, status, headers, m.cacheable && cacheableSize ? ttl() : 0, declared);

  const body = await readBody(originRes, m.limits.memoryObjectBytes);
  if (body === undefined) {
    // Cut off or larger than announced: nothing was sent yet, so CloudFront's 502 (docs/edge.md §17); an
    // error status with a custom page still gets its page.
    if (errorPage && (await m.errorPages.serve(dist, status, req, res, m.base, now, m.decor))) return;
    return sendError(res, method, 502, "The origin response could not be read.", m.base, m.decor);
  }
  const seconds = ttl();
  const coding = behavior.compress && seconds > 0 ? chooseCoding(m.acceptEncoding, status, headers, body.length) : undefined;
  const stored = coding ? await compress(coding, body, headers) : { body, headers };
  const entry = cacheEntry({ status, headers: stored.headers, body: stored.body, storedAt: now, ttlMs: seconds * 1000 });
  if (seconds > 0) m.store(entry);
  if (status >= 400 && (await m.errorPages.serve(dist, status, req, res, m.base, now, m.decor))) return;
  return m.serve(entry, status >= 400 ? "Error from cloudfront" : "Miss from cloudfront", "miss", false);
}

/**
 * Streams an origin body to the viewer: filling the cache on the way when it has a TTL (never
 * compressed: CloudFront compresses only bodies with a Content-Length of at most 10,000,000
 * bytes, docs/edge.md §13, and those are read whole), relayed as it is otherwise.
 */
async function stream(m: Miss, originRes: IncomingMessage, status: number, headers: Record<string, string | string[]>, ttlSeconds: number, declared: number | undefined): Promise<void> {
  const { res, method } = m;
  let shownStatus = status;
  let shown: Record<string, string | string[]> = { ...headers };
  if (m.viewerResponse && status < 400) {
    const changed = await m.viewerResponse({ status, headers, flat: [], body: EMPTY, storedAt: m.now, ttlMs: 0 });
    if (!changed) {
      originRes.resume();
      return sendError(res, method, 503, FUNCTION_FAILED, m.base, m.decor, "FunctionExecutionError from cloudfront");
    }
    shownStatus = changed.status;
    shown = { ...changed.headers };
  }
  m.decor?.(shown, "miss");
  res.writeHead(shownStatus, { ...shown, ...m.base, "X-Cache": status >= 400 ? "Error from cloudfront" : "Miss from cloudfront" });
  if (ttlSeconds > 0) {
    const fill = { dist: m.dist.id, key: m.key, status, headers, declared, ttlMs: ttlSeconds * 1000, storedAt: m.now };
    return relayAndFill(originRes, res, method !== "HEAD", fill, m.limits, (entry) => m.store(entry));
  }
  if (method === "HEAD") {
    originRes.resume();
    return void res.end();
  }
  // An origin that breaks off mid-body aborts the viewer's connection too (no partial response
  // left open); a viewer that goes away stops the origin transfer.
  return pipeline(originRes, res).catch(() => void res.destroy());
}

/**
 * docs/edge.md §9.3 stale-while-revalidate: refreshes an expired entry with no viewer waiting, through the same
 * origin request as a miss (validators from the stale copy). Bodies up to memoryObjectBytes only:
 * a larger object is fetched again by the next miss once the stale window ends.
 */
export async function refreshEntry(
  fetch: (validators: Record<string, string>) => Promise<IncomingMessage>,
  behavior: CompiledBehavior,
  stale: CachedResponse,
  now: number,
  memoryObjectBytes: number,
): Promise<CachedResponse | undefined> {
  const validators: Record<string, string> = {};
  if (typeof stale.headers["etag"] === "string") validators["if-none-match"] = stale.headers["etag"];
  if (typeof stale.headers["last-modified"] === "string") validators["if-modified-since"] = stale.headers["last-modified"];
  const res = await fetch(validators);
  if (res.statusCode === 304) {
    res.resume();
    return { ...stale, storedAt: now, ttlMs: successTtl(behavior.ttl, headerString(res.headers["cache-control"]) ?? headerString(stale.headers["cache-control"]), headerString(res.headers["expires"]), now) * 1000 };
  }
  const body = await readBody(res, memoryObjectBytes);
  const status = res.statusCode ?? 502;
  if (body === undefined || !CACHEABLE_SUCCESS.has(status)) return undefined;
  const ttl = successTtl(behavior.ttl, headerString(res.headers["cache-control"]), headerString(res.headers["expires"]), now);
  return cacheEntry({ status, headers: originResponseHeaders(res.headers, behavior), body, storedAt: now, ttlMs: ttl * 1000 });
}
