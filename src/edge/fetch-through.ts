// From the cache key to the viewer's answer (docs/edge.md §6, §9, §16): look the object up
// through the request's tiers (POP → regional → Origin Shield, then, in a cluster, the regional
// tier the nodes share: cache/remote-tier.ts); on a hit serve it; on a miss make
// the one origin request (with origin-group failover, §8) and let origin-response.ts store and
// serve what comes back. Also here, because they decide whether the origin is asked at all:
// stale-while-revalidate (§9.3: serve the expired copy and refresh it in the background through
// the same origin request), stale-if-error, and request collapsing (§6.4: concurrent misses for a
// key wait for the first one's origin response).
import type { IncomingHttpHeaders, IncomingMessage } from "node:http";
import type { Clock } from "../clock.ts";
import type { Logger } from "../log.ts";
import type { CompiledBehavior, CompiledDistribution, CompiledOrigin } from "./compile.ts";
import type { EdgeRequest, Exchange } from "./exchange.ts";
import type { Failover } from "./stages/origin-changes.ts";
import type { Refusal } from "./stages/viewer-checks.ts";
import { viewerHeaders } from "./stages/viewer-headers.ts";
import { edgeCacheKey, selectQuery } from "./stages/cache-key.ts";
import { normalizeAcceptEncoding } from "./stages/compress.ts";
import { staleUse } from "./stages/ttl.ts";
import { OriginError } from "./stages/origin-fetch.ts";
import type { CachedResponse } from "./cache/cached-response.ts";
import type { CacheStore } from "./cache/cache-store.ts";
import type { FillLimits } from "./cache/relay-fill.ts";
import type { RemoteTier } from "./cache/remote-tier.ts";
import { layerOf, lookUp, storeInTiers, tiersOf } from "./cache/tiers.ts";
import { bodyFraming, forwardedHeaders, type OriginAsk, type OriginRequester } from "./origin-request.ts";
import { answerFromOrigin, refreshEntry } from "./origin-response.ts";
import type { ErrorPages } from "./error-pages.ts";
import { sendError, type Decorate } from "./respond.ts";
import { carriesBody, headerString } from "../http/headers.ts";
import type { S3OriginSettings } from "../services/s3/origin-address.ts";
import { askWithBody, changedOriginResponse, generatedEntry, lambdaOriginRequestStep, lambdaResponse, type EdgeLambdas } from "./lambda-edge.ts";
import { noteLayer, noteMatch, noteOrigin, noteOriginRequest } from "./request-notes.ts";

/** How the request's answer leaves the edge: the response headers policy and the viewer-response function. */
export interface WayOut {
  readonly decor: Decorate | undefined;
  /** Runs the viewer-response function on a response (undefined result: it failed); absent without one. */
  readonly viewerResponse: ((entry: CachedResponse) => Promise<CachedResponse | undefined>) | undefined;
  /** Sends an entry to the viewer through the viewer-response function and the policy. */
  serve(entry: CachedResponse, xCache: string, cache: "hit" | "refresh" | "miss", withAge?: boolean): Promise<void>;
}

export interface FetchThroughDeps extends FillLimits {
  readonly clock: Clock;
  readonly cache: CacheStore;
  readonly log: Logger;
  readonly ask: OriginRequester;
  readonly errorPages: ErrorPages;
  /** Runs Lambda@Edge origin events; the S3 origins an origin-request function may switch to. */
  readonly lambdas?: EdgeLambdas | undefined;
  readonly s3: S3OriginSettings;
  /** Answers with a refusal the edge makes itself (for an origin that cannot be reached). */
  readonly refuse: (x: Exchange, verdict: Refusal, decor: Decorate | undefined) => Promise<void>;
  /** A regional tier shared with other nodes (--cluster), asked once the local tiers missed (cache/remote-tier.ts). */
  readonly remote?: RemoteTier | undefined;
}

/** The regional edge cache's place in a request's tiers (tiers.ts: POP, REC, Origin Shield). */
const REGIONAL_TIER = 1;

export type FetchThrough = (x: Exchange, behavior: CompiledBehavior, request: EdgeRequest, out: WayOut) => Promise<void>;

export function createFetchThrough(deps: FetchThroughDeps): FetchThrough {
  const { clock, cache, log, ask, errorPages } = deps;
  /** Origin fetches in flight for cacheable keys: followers wait for the leader's result (docs/edge.md §6.4). */
  const inflight = new Map<string, Promise<CachedResponse | undefined>>();

  return async function fetchThrough(x, behavior, request, out) {
    const { req, dist, method } = x;
    const { path, rawQuery, headers, origin } = request;

    // The cache key (docs/edge.md §6) and the lookup through the tiers (§16).
    const cacheable = behavior.caching && behavior.cachedMethods.has(method) && (method === "GET" || method === "HEAD" || method === "OPTIONS");
    const acceptEncoding = normalizeAcceptEncoding(headerString(headers["accept-encoding"]), behavior.encodings);
    // docs/edge.md §7.2: the CloudFront-* headers the policies name replace the viewer's, in key and request.
    const cloudFront = behavior.cloudFrontHeaders.length > 0 ? viewerHeaders(req, behavior.cloudFrontHeaders, { protocol: x.protocol, country: x.country() }) : undefined;
    const key = edgeCacheKey(dist.id, behavior, method, path, rawQuery, cloudFront ? { ...headers, ...cloudFront } : headers, acceptEncoding);
    noteMatch(req, behavior.pathPattern, key);
    const now = clock.now();
    const tiers = tiersOf(x.pop, origin.originShield);
    let stale: CachedResponse | undefined;
    if (cacheable) {
      const found = lookUp(cache, tiers, dist.id, key, now, (e) => (stale = e));
      if (found) return serveHit(x, found.entry, found.tier, now, out);
      // Every local tier missed: the shared regional tier (--cluster), before the origin. A fresh
      // entry there is a regional hit, kept in this POP's tier; an expired one may be revalidated.
      const shared = deps.remote && (await deps.remote.get(dist.id, key));
      if (shared && now < shared.storedAt + shared.ttlMs) {
        cache.put(tiers[0] as string, dist.id, key, shared);
        return serveHit(x, shared, REGIONAL_TIER, now, out);
      }
      if (shared && (!stale || shared.storedAt > stale.storedAt)) stale = shared;
      // A miss reaches the origin from the last tier (docs/edge.md §16; Server-Timing cdn-upstream-layer).
      x.layer = layerOf(tiers.length - 1);
      noteLayer(req, x.layer);
    }
    const store = (entry: CachedResponse) => {
      const kept = storeInTiers(cache, tiers, dist.id, key, entry);
      // Offered to the shared tier as it is stored here (the request is sent now; nobody waits for it).
      deps.remote?.put(dist.id, key, entry);
      return kept;
    };
    const staleOk = stale ? staleUse(headerString(stale.headers["cache-control"]), now - (stale.storedAt + stale.ttlMs)) : undefined;
    const forwardQuery = selectQuery(rawQuery, behavior.forward.query);
    const originHeaders = (forCache: boolean) => baseOriginHeaders(x, headers, behavior, forCache, acceptEncoding, cloudFront);
    const flightKey = `${dist.id}\u0001${key}`;

    if (stale && staleOk?.whileRevalidating) {
      // docs/edge.md §9.3 stale-while-revalidate: answer now, refresh in the background (once per key),
      // through the same origin request a miss makes.
      req.resume();
      if (!inflight.has(flightKey)) {
        const revalidate = (validators: Record<string, string>) => ask(dist, origin, originAsk(x, "GET", path, forwardQuery, { ...originHeaders(false), ...validators }));
        const refresh = refreshEntry(revalidate, behavior, stale, now, deps.memoryObjectBytes)
          .then((entry) => {
            if (entry && entry.ttlMs > 0) store(entry);
            return entry;
          })
          .catch((err: unknown) => void log.debug(`edge ${dist.id} background refresh of ${path}: ${String(err)}`))
          .finally(() => inflight.delete(flightKey));
        inflight.set(flightKey, refresh as Promise<CachedResponse | undefined>);
      }
      return out.serve(stale, "Hit from cloudfront", "hit");
    }

    // docs/edge.md §6.4: concurrent misses for one key wait for the first origin response and are served from
    // it (as Hits). Not when cookies reach the origin: their answers may differ.
    const collapsible = cacheable && behavior.forward.cookies.behavior === "none";
    const flight = collapsible ? inflight.get(flightKey) : undefined;
    if (flight) {
      const entry = await flight;
      if (entry) {
        req.resume();
        return out.serve(entry, entry.status >= 400 ? "Error from cloudfront" : "Hit from cloudfront", "hit");
      }
    }
    let settle: ((entry: CachedResponse | undefined) => void) | undefined;
    if (collapsible && !inflight.has(flightKey)) inflight.set(flightKey, new Promise((resolve) => (settle = resolve)));
    let produced: CachedResponse | undefined;
    try {
      // The origin request (docs/edge.md §7), with failover for origin groups (§8).
      const requestHeaders = originHeaders(cacheable);
      if (stale) {
        if (typeof stale.headers["etag"] === "string") requestHeaders["if-none-match"] = stale.headers["etag"];
        if (typeof stale.headers["last-modified"] === "string") requestHeaders["if-modified-since"] = stale.headers["last-modified"];
      }
      // The origin gets framing that matches the bytes it is sent, never the viewer's as they came
      // (a Content-Length with no body desynchronises a pooled connection).
      const withBody = method !== "GET" && method !== "HEAD";
      const framing = withBody ? bodyFraming(req.headers) : undefined;
      if (framing) Object.assign(requestHeaders, framing);
      const originMethod = cacheable && method === "HEAD" ? "GET" : method;
      let asked = originAsk(x, originMethod, path, forwardQuery, requestHeaders, withBody && carriesBody(req.headers) ? req : undefined);
      // Lambda@Edge origin-request (lambda-edge.ts): may change the request and its origin, or
      // answer it with a response that is cached like the origin's.
      let target = { origin, group: request.group };
      const originRequest = deps.lambdas && behavior.lambdaAssociations["origin-request"];
      if (originRequest && deps.lambdas) {
        const decided = await lambdaOriginRequestStep(deps.lambdas, log, originRequest, x, asked, origin, deps.s3, request.body);
        if (decided.kind !== "ask") req.resume();
        if (decided.kind === "failed") return sendError(x.res, method, decided.status, decided.message, x.base, out.decor, decided.xCache);
        if (decided.kind === "generated") {
          const entry = generatedEntry(decided, behavior, now);
          if (cacheable && entry.ttlMs > 0 && (store(entry) || !entry.file)) produced = entry;
          return out.serve(entry, "LambdaGeneratedResponse from cloudfront", "miss", false);
        }
        asked = decided.ask;
        target = { origin: decided.origin, group: decided.origin === origin ? request.group : undefined };
      } else if (request.body) {
        asked = askWithBody(asked, request.body);
      }
      let originRes: IncomingMessage;
      try {
        const asking = performance.now();
        originRes = await askWithFailover(dist, target.origin, target.group, asked);
        noteOrigin(req, asking);
        noteOriginRequest(req, { originId: target.origin.id, method: asked.method, path: asked.path, query: asked.query, headers: asked.headers, status: originRes.statusCode });
      } catch (err) {
        req.resume();
        // docs/edge.md §9.3: an expired object is served instead of an origin that cannot be reached.
        if (stale && staleOk?.onError) return out.serve(stale, "Hit from cloudfront", "hit");
        const status = err instanceof OriginError ? err.status : 502;
        // At warn (issue 16): an origin that cannot be reached is the first thing to know about.
        log.warn(`edge ${dist.id} ${method} ${path}: origin ${target.origin.id} failed, answered ${status}: ${String(err)} (X-Amz-Cf-Id ${x.id})`);
        const reason =
          status === 504
            ? "CloudFront attempted to establish a connection with the origin, but either the attempt failed or the origin closed the connection."
            : "CloudFront wasn't able to connect to the origin.";
        return deps.refuse(x, { kind: "refuse", status, reason, errorPage: true }, out.decor);
      }
      req.resume();
      // Lambda@Edge origin-response: may change the status, headers and body before caching.
      const originResponse = deps.lambdas && behavior.lambdaAssociations["origin-response"];
      if (originResponse && deps.lambdas) {
        const seen = { uri: asked.path, querystring: asked.query, headers: asked.headers as Record<string, string | string[]> };
        const shown = { status: originRes.statusCode ?? 502, statusDescription: originRes.statusMessage ?? "", headers: originRes.headers };
        const changed = await lambdaResponse(deps.lambdas, log, originResponse, "origin-response", x, seen, shown, target.origin);
        if (changed.kind === "failed") {
          originRes.resume();
          return sendError(x.res, method, changed.status, changed.message, x.base, out.decor, changed.xCache);
        }
        originRes = changedOriginResponse(originRes, changed);
      }

      // The origin's response → the cache and the viewer (docs/edge.md §9, §10, §13).
      return await answerFromOrigin(
        {
          req,
          res: x.res,
          method,
          base: x.base,
          dist,
          key,
          behavior,
          now,
          cacheable,
          acceptEncoding,
          stale,
          staleOnError: staleOk?.onError === true,
          decor: out.decor,
          errorPages,
          limits: deps,
          viewerResponse: out.viewerResponse,
          serve: out.serve,
          store(entry) {
            // Requests collapsed onto this miss are served the entry, unless its body is a disk
            // file that no tier kept (larger than the disk budget): that file is gone already.
            if (store(entry) || !entry.file) produced = entry;
          },
        },
        originRes,
      );
    } finally {
      if (settle) {
        inflight.delete(flightKey);
        settle(produced);
      }
    }
  };

  /** A cached entry found in tier `tier` of the request's tiers: served as a Hit (an error status through its custom error page). */
  function serveHit(x: Exchange, hit: CachedResponse, tier: number, now: number, out: WayOut): Promise<void> {
    x.req.resume();
    x.layer = layerOf(tier);
    noteLayer(x.req, x.layer);
    if (hit.status < 400) return out.serve(hit, "Hit from cloudfront", "hit");
    return errorPages.serve(x.dist, hit.status, x.req, x.res, x.base, now, out.decor).then((served) => (served ? undefined : out.serve(hit, "Error from cloudfront", "hit")));
  }

  /** docs/edge.md §8: an origin group fails over to its secondary on its status codes or a failed connection; every request starts with the primary. */
  async function askWithFailover(dist: CompiledDistribution, origin: CompiledOrigin, group: Failover | undefined, request: OriginAsk): Promise<IncomingMessage> {
    let first: IncomingMessage;
    try {
      first = await ask(dist, origin, request);
    } catch (err) {
      if (!group) throw err;
      return ask(dist, group.secondary, request);
    }
    if (!group || !group.statusCodes.has(first.statusCode ?? 0)) return first;
    first.resume();
    return ask(dist, group.secondary, request);
  }
}

/** The viewer-derived headers of this request's origin requests (docs/edge.md §7.2, §6.2). */
function baseOriginHeaders(x: Exchange, headers: IncomingHttpHeaders, behavior: CompiledBehavior, cacheable: boolean, acceptEncoding: string | undefined, cloudFront: Record<string, string> | undefined) {
  const out = forwardedHeaders(headers, x.req.socket.remoteAddress ?? "127.0.0.1", behavior, cacheable);
  if (cloudFront) Object.assign(out, cloudFront);
  // docs/edge.md §6.2: with a coding enabled, the origin sees the normalized Accept-Encoding.
  if (acceptEncoding !== undefined) out["accept-encoding"] = acceptEncoding;
  return out;
}

function originAsk(x: Exchange, method: string, path: string, query: string, headers: OriginAsk["headers"], body?: IncomingMessage): OriginAsk {
  return { method, path, query, headers, viewerProtocol: x.protocol, requestId: x.id, via: x.pop.via, ...(body ? { body } : {}) };
}
