// Custom error pages (docs/edge.md §10): when the distribution has one for a status, the page is
// fetched through the cache with the behavior its path selects and served with the configured
// ResponseCode. If the page itself cannot be had, the page's own error is what the viewer gets.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { CompiledDistribution } from "./compile.ts";
import { cacheEntry, type CachedResponse } from "./cache/cached-response.ts";
import type { CacheStore } from "./cache/cache-store.ts";
import { matchBehavior } from "./stages/match-behavior.ts";
import { buildCacheKey } from "./stages/cache-key.ts";
import { successTtl } from "./stages/ttl.ts";
import type { OriginRequester } from "./origin-request.ts";
import { readBody, CACHEABLE_SUCCESS, originResponseHeaders } from "./origin-body.ts";
import { serveCached, type BaseHeaders, type Decorate } from "./respond.ts";
import type { ResponseHeaders } from "./stages/response-headers.ts";
import { headerString } from "../http/headers.ts";

export interface ErrorPages {
  /** Serves the custom error page for `status`; false when the distribution has none. */
  serve(dist: CompiledDistribution, status: number, req: IncomingMessage, res: ServerResponse, base: BaseHeaders, now: number, decor: Decorate | undefined): Promise<boolean>;
}

export function createErrorPages(deps: { readonly cache: CacheStore; readonly ask: OriginRequester; readonly memoryObjectBytes: number }): ErrorPages {
  return {
    async serve(dist, status, req, res, base, now, decor) {
      const page = dist.errorPages.get(status);
      if (!page) return false;
      const entry = await fetchPage(dist, page.path, base, now);
      if (!entry) return false;
      if (entry.status >= 400) {
        serveCached(req, res, entry, "Error from cloudfront", base, now, false, decor && ((h) => decor(h, "miss")));
        return true;
      }
      const shown: ResponseHeaders = { ...entry.headers, "content-length": String(entry.body.length) };
      decor?.(shown, "miss");
      res.writeHead(page.responseCode ?? status, { ...shown, ...base, "X-Cache": "Error from cloudfront" });
      res.end(req.method === "HEAD" ? undefined : entry.body);
      return true;
    },
  };

  /** The page from the POP's cache, else from its behavior's origin (cached there when it may be). */
  async function fetchPage(dist: CompiledDistribution, path: string, base: BaseHeaders, now: number): Promise<CachedResponse | undefined> {
    const behavior = matchBehavior(dist, path);
    const origin = dist.origins.get(behavior.targetOriginId);
    if (!origin) return undefined;
    const key = buildCacheKey({ distributionId: dist.id, method: "GET", path, rawQuery: "", headers: {} }, behavior.key);
    const tier = base["X-Amz-Cf-Pop"];
    const cached = deps.cache.get(tier, dist.id, key);
    if (cached && now < cached.storedAt + cached.ttlMs && !cached.file) return cached;
    let res: IncomingMessage;
    try {
      res = await deps.ask(dist, origin, { method: "GET", path, query: "", headers: {}, viewerProtocol: "http", requestId: base["X-Amz-Cf-Id"], via: base.Via });
    } catch {
      return undefined;
    }
    const body = await readBody(res, deps.memoryObjectBytes);
    if (body === undefined) return undefined;
    const status = res.statusCode ?? 502;
    const headers = originResponseHeaders(res.headers, behavior);
    const ttl = CACHEABLE_SUCCESS.has(status) && behavior.caching ? successTtl(behavior.ttl, headerString(res.headers["cache-control"]), headerString(res.headers["expires"]), now) : 0;
    const entry = cacheEntry({ status, headers, body, storedAt: now, ttlMs: ttl * 1000 });
    if (ttl > 0) deps.cache.put(tier, dist.id, key, entry);
    return entry;
  }
}
