// The edge: one viewer request through a distribution, in the order of data-plane.md §1.
//
//   resolve distribution and behavior → viewer checks (disabled, geo, method, body, protocol)
//   → signed URL/cookie → viewer-request function → cache lookup (POP → REC → Origin Shield)
//   → hit: respond │ miss: one origin request (failover) → store → respond
//   (response headers policy and viewer-response function on the way out)
//
// Each step is a module: stages/ (pure decisions and per-request transforms), cache/ (tiers,
// relay-and-fill, invalidation), origin-request.ts (the one way to ask an origin),
// origin-response.ts (origin response → viewer response and cache entry), error-pages.ts (§10),
// respond.ts (writing responses). A plain cache hit takes `tryHit`, a few lookups, and the same
// tier and key code as the full path.
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";
import type { TLSSocket } from "node:tls";
import { randomBytes } from "node:crypto";
import type { Clock } from "../clock.ts";
import type { Logger } from "../log.ts";
import type { CloudFrontIdentity } from "../services/s3/cloudfront-identity.ts";
import type { CloudFrontState, DistributionRecord } from "../services/cloudfront/state.ts";
import { edgeView, type EdgeConfigView } from "../services/cloudfront/edge-view.ts";
import type { S3OriginSettings } from "../services/s3/origin-address.ts";
import type { FunctionRuntime } from "../functions/index.ts";
import { compileDistribution, type CompiledBehavior, type CompiledDistribution, type CompiledOrigin } from "./compile.ts";
import { matchBehavior } from "./stages/match-behavior.ts";
import { checkDistribution, checkViewer, type Redirect, type Refusal } from "./stages/viewer-checks.ts";
import type { CountryOf } from "./stages/geo.ts";
import { verifySignedRequest } from "./stages/signed-request.ts";
import { runViewerRequest, runViewerResponse, type FunctionRequestFacts } from "./stages/viewer-functions.ts";
import { applyOriginChanges, type Failover } from "./stages/origin-changes.ts";
import { viewerHeaders } from "./stages/viewer-headers.ts";
import { buildCacheKey, keyPath, selectQuery } from "./stages/cache-key.ts";
import { normalizeAcceptEncoding } from "./stages/compress.ts";
import { staleUse } from "./stages/ttl.ts";
import { applyResponseHeaders, type ResponseHeaders } from "./stages/response-headers.ts";
import { OriginError } from "./stages/origin-fetch.ts";
import type { CachedResponse, MemoryCache } from "./cache/memory-cache.ts";
import { sendPrerendered } from "./cache/prerendered-head.ts";
import { EdgeLocations, layerOf, lookUp, storeInTiers, tiersOf, type Layer, type Pop } from "./cache/tiers.ts";
import { invalidationMatcher } from "./cache/invalidation.ts";
import { bodyFraming, createOriginRequester, forwardedHeaders, type OriginAsk } from "./origin-request.ts";
import { answerFromOrigin, refreshEntry } from "./origin-response.ts";
import { createErrorPages } from "./error-pages.ts";
import { ageSeconds, sendError, sendFile, sendGenerated, serveCached, type BaseHeaders, type Decorate } from "./respond.ts";
import { carriesBody, headerString } from "../http/headers.ts";

export { POP_HEADER } from "./cache/tiers.ts";

export interface EdgeDeps {
  readonly clock: Clock;
  readonly cache: MemoryCache;
  readonly s3: S3OriginSettings;
  /** POP codes (X-Amz-Cf-Pop); the first serves requests that do not pick one (§0). */
  readonly pops: readonly string[];
  /** Objects larger than this are relayed without being cached (bytes). */
  readonly maxObjectBytes: number;
  /** Objects larger than this are cached in files under `diskDir` instead of memory (bytes). */
  readonly memoryObjectBytes: number;
  readonly diskDir: string;
  /** Runs CloudFront Functions (viewer-request / viewer-response). */
  readonly functions: FunctionRuntime;
  /** Credentials for signing OAC and OAI requests to S3 origins (§7.5). */
  readonly identity: CloudFrontIdentity;
  /** The viewer's country (§0, §3). */
  readonly countryOf: CountryOf;
  /** The HTTPS listener's port once listening, for redirect-to-https; undefined without one. */
  readonly httpsPort: () => number | undefined;
  readonly log: Logger;
}

export interface Edge {
  /** Undefined when the response was sent synchronously (a plain cache hit). */
  handle(req: IncomingMessage, res: ServerResponse, rec: DistributionRecord, state: CloudFrontState): Promise<void> | undefined;
  /** A Host that is no distribution's (edge-only listener): CloudFront's 403 (§2). */
  unknownHost(req: IncomingMessage, res: ServerResponse): void;
  /** Removes cached objects of a distribution matching invalidation paths (§15). */
  invalidate(distributionId: string, paths: readonly string[]): number;
}

const FUNCTION_FAILED = "The CloudFront function associated with the CloudFront distribution is invalid or could not run.";

/** One viewer request as it moves through the pipeline. */
interface Exchange {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly method: string;
  readonly id: string;
  readonly pop: Pop;
  readonly base: BaseHeaders;
  readonly protocol: "http" | "https";
  readonly dist: CompiledDistribution;
  readonly rec: DistributionRecord;
  readonly viewerIp: string;
  /** The country, worked out only when something needs it (geo restriction, CloudFront-* headers). */
  country(): string;
  /** The layer that answered, for Server-Timing (§11, §16). */
  layer: Layer;
}

export function createEdge(deps: EdgeDeps): Edge {
  const compiled = new WeakMap<DistributionRecord, { version: number; dist: CompiledDistribution }>();
  /** The read-only view of each state (the reset endpoints replace the state). */
  const views = new WeakMap<CloudFrontState, EdgeConfigView>();
  const viewOf = (state: CloudFrontState): EdgeConfigView => {
    let v = views.get(state);
    if (!v) views.set(state, (v = edgeView(state)));
    return v;
  };
  const locations = new EdgeLocations(deps.pops);
  const nextId = requestIds();
  const ask = createOriginRequester(deps);
  const errorPages = createErrorPages({ cache: deps.cache, ask, memoryObjectBytes: deps.memoryObjectBytes });
  /** Origin fetches in flight for cacheable keys: followers wait for the leader's result (§6.4). */
  const inflight = new Map<string, Promise<CachedResponse | undefined>>();

  const compile = (rec: DistributionRecord, state: CloudFrontState) => {
    const c = compiled.get(rec);
    // What a distribution refers to by id can change without the distribution changing.
    const view = viewOf(state);
    const version = view.configVersion();
    if (c && c.version === version) return c.dist;
    const dist = compileDistribution(rec, deps.s3, view);
    compiled.set(rec, { version, dist });
    return dist;
  };

  return {
    invalidate(distributionId, paths) {
      const matchers = paths.map(invalidationMatcher);
      return deps.cache.purge(distributionId, (key) => {
        const p = keyPath(key);
        return matchers.some((m) => m(p));
      });
    },

    unknownHost(req, res) {
      req.resume();
      const pop = locations.defaultPop;
      sendError(res, req.method, 403, "Bad request. We can't connect to the server for this app or website at this time.", { Via: pop.via, "X-Amz-Cf-Pop": pop.code, "X-Amz-Cf-Id": nextId() });
    },

    handle(req, res, rec, state) {
      return tryHit(req, res, rec, state) ? undefined : handleFully(req, res, rec, state);
    },
  };

  /**
   * The cache-hit fast path (STYLE.md: "a cache hit should be a few lookups"): a plain GET or HEAD
   * for a fresh cached 2xx/3xx object, on a behavior with nothing that runs per request (compile.ts
   * `plainHits`: no functions, signed URLs, response headers policy or CloudFront-* headers) and a
   * distribution without geo restriction. The same answer handleFully gives (the same POP, key and
   * tiers code), without its promises and closures; false for anything else.
   */
  function tryHit(req: IncomingMessage, res: ServerResponse, rec: DistributionRecord, state: CloudFrontState): boolean {
    const method = req.method;
    if (method !== "GET" && method !== "HEAD") return false;
    const h = req.headers;
    if (h["if-none-match"] !== undefined || h["if-modified-since"] !== undefined || h.range !== undefined) return false;
    // A body (or a framing header announcing one) is refused by the full path (§1 step 10).
    if (h["content-length"] !== undefined || h["transfer-encoding"] !== undefined) return false;
    const dist = compile(rec, state);
    if (!dist.enabled || dist.geo.type !== "none") return false;
    const rawUrl = req.url ?? "/";
    const q = rawUrl.indexOf("?");
    const viewerPath = q < 0 ? rawUrl : rawUrl.slice(0, q);
    const behavior = matchBehavior(dist, viewerPath);
    if (!behavior.plainHits) return false;
    if (behavior.viewerProtocolPolicy !== "allow-all" && !(req.socket as TLSSocket).encrypted) return false;
    const origin = dist.origins.get(behavior.targetOriginId);
    if (!origin) return false;
    const path = rootObject(dist, viewerPath);
    const key = cacheKey(dist, behavior, method, path, q < 0 ? "" : rawUrl.slice(q + 1), h, normalizeAcceptEncoding(headerString(h["accept-encoding"]), behavior.encodings));
    const pop = locations.popFor(h);
    const now = deps.clock.now();
    const found = lookUp(deps.cache, tiersOf(pop, origin.originShield), dist.id, key, now);
    if (!found || found.entry.status >= 400) return false;
    const hit = found.entry;
    // A GET or HEAD has normally been read whole already; resuming costs a tick per request.
    if (!req.readableEnded && !req.complete) req.resume();
    const id = nextId();
    if (hit.head && sendPrerendered(res, hit.head, `${pop.lines}X-Amz-Cf-Id: ${id}\r\nX-Cache: Hit from cloudfront\r\nAge: ${ageSeconds(now, hit)}\r\n`, hit.file ? undefined : hit.body)) {
      if (hit.file && method === "HEAD") res.end();
      else if (hit.file) sendFile(res, hit.file.path);
    } else {
      serveCached(req, res, hit, "Hit from cloudfront", { Via: pop.via, "X-Amz-Cf-Pop": pop.code, "X-Amz-Cf-Id": id }, now);
    }
    return true;
  }

  async function handleFully(req: IncomingMessage, res: ServerResponse, rec: DistributionRecord, state: CloudFrontState): Promise<void> {
    // 1. The distribution and the request's facts.
    const x = begin(req, res, rec, state);
    const { dist, method } = x;
    const refused = checkDistribution(dist, x.country);
    if (refused) return answerRefusal(x, refused, undefined);
    const rawUrl = req.url ?? "/";
    const q = rawUrl.indexOf("?");
    const viewerPath = q < 0 ? rawUrl : rawUrl.slice(0, q);

    // 2. The behavior, and the checks it makes (§4, §5, §1 step 10).
    const behavior = matchBehavior(dist, viewerPath);
    const decor = decorator(x, behavior);
    const verdict = checkViewer(behavior, {
      method,
      protocol: x.protocol,
      httpVersion: req.httpVersion,
      hasBody: carriesBody(req.headers),
      host: req.headers.host ?? "",
      rawUrl,
      httpsPort: deps.httpsPort(),
    });
    if (verdict) return answerRefusal(x, verdict, decor);

    // 3. Signed URLs and cookies (signed-urls.md): the signing parameters are not part of the key
    // or the origin request.
    let rawQuery = q < 0 ? "" : rawUrl.slice(q + 1);
    if (behavior.trustedKeys) {
      const signed = await checkSignature(x, behavior.trustedKeys, viewerPath, rawQuery, decor);
      if (signed === undefined) return;
      rawQuery = signed;
    }

    // 4. The viewer-request function may rewrite the request or answer it (functions.md).
    let uri = viewerPath;
    let headers: IncomingHttpHeaders = req.headers;
    let origin = dist.origins.get(behavior.targetOriginId);
    let group = method === "GET" || method === "HEAD" || method === "OPTIONS" ? dist.failover.get(behavior.targetOriginId) : undefined;
    const facts = (): FunctionRequestFacts => ({
      method,
      uri,
      rawQuery: q < 0 ? undefined : rawQuery,
      headers,
      viewerIp: x.viewerIp,
      distributionId: dist.id,
      distributionDomainName: rec.DomainName,
      requestId: x.id,
      pop: x.pop.code,
    });
    const requestFn = behavior.viewerRequestFunction ? viewOf(state).liveFunction(behavior.viewerRequestFunction) : undefined;
    if (requestFn) {
      const out = await runViewerRequest(deps.functions, requestFn, facts());
      if (out.kind !== "continue") req.resume();
      if (out.kind === "failed") {
        deps.log.debug(`edge ${dist.id} viewer-request function failed: ${out.message}`);
        return sendError(res, method, out.status, FUNCTION_FAILED, x.base, decor, out.xCache);
      }
      if (out.kind === "generated") {
        decor?.(out.headers, "miss");
        return sendGenerated(res, method, out.status, out.statusText, out.headers, x.base, "FunctionGeneratedResponse from cloudfront", out.body);
      }
      uri = out.uri;
      rawQuery = out.rawQuery;
      headers = out.headers;
      const routed = applyOriginChanges(dist, origin, group, out.originChanges);
      if (typeof routed === "string") {
        req.resume();
        return sendError(res, method, 502, `The CloudFront function asked for an origin change that cannot be made: ${routed}`, x.base, decor, "FunctionValidationError from cloudfront");
      }
      origin = routed.origin;
      group = routed.group;
    }
    if (!origin) return sendError(res, method, 502, "The origin for this behavior is not configured.", x.base);
    const path = rootObject(dist, uri);

    // The way out: the viewer-response function on successful responses, then the response
    // headers policy (respond.ts).
    const responseFn = behavior.viewerResponseFunction ? viewOf(state).liveFunction(behavior.viewerResponseFunction) : undefined;
    const viewerResponse = responseFn ? (entry: CachedResponse) => runViewerResponse(deps.functions, responseFn, { ...facts(), rawQuery }, entry) : undefined;
    const serve = async (entry: CachedResponse, xCache: string, cache: "hit" | "refresh" | "miss", withAge = true): Promise<void> => {
      const shown = viewerResponse && entry.status < 400 ? await viewerResponse(entry) : entry;
      if (!shown) return sendError(res, method, 503, FUNCTION_FAILED, x.base, decor, "FunctionExecutionError from cloudfront");
      serveCached(req, res, shown, xCache, x.base, deps.clock.now(), withAge, decor && ((h) => decor(h, cache)));
    };

    // 5. The cache key (§6) and the lookup through the tiers (§16).
    const cacheable = behavior.caching && behavior.cachedMethods.has(method) && (method === "GET" || method === "HEAD" || method === "OPTIONS");
    const acceptEncoding = normalizeAcceptEncoding(headerString(headers["accept-encoding"]), behavior.encodings);
    // §7.2: the CloudFront-* headers the policies name replace the viewer's, in key and request.
    const cloudFront = behavior.cloudFrontHeaders.length > 0 ? viewerHeaders(req, behavior.cloudFrontHeaders, { protocol: x.protocol, country: x.country() }) : undefined;
    const key = cacheKey(dist, behavior, method, path, rawQuery, cloudFront ? { ...headers, ...cloudFront } : headers, acceptEncoding);
    const now = deps.clock.now();
    const tiers = tiersOf(x.pop, origin.originShield);
    let stale: CachedResponse | undefined;
    if (cacheable) {
      const found = lookUp(deps.cache, tiers, dist.id, key, now, (e) => (stale = e));
      if (found) {
        req.resume();
        x.layer = layerOf(found.tier);
        const hit = found.entry;
        if (hit.status >= 400 && (await errorPages.serve(dist, hit.status, req, res, x.base, now, decor))) return;
        return serve(hit, hit.status >= 400 ? "Error from cloudfront" : "Hit from cloudfront", "hit");
      }
      // A miss reaches the origin from the last tier (§16; Server-Timing cdn-upstream-layer).
      x.layer = layerOf(tiers.length - 1);
    }
    const store = (entry: CachedResponse) => storeInTiers(deps.cache, tiers, dist.id, key, entry);
    const staleOk = stale ? staleUse(headerString(stale.headers["cache-control"]), now - (stale.storedAt + stale.ttlMs)) : undefined;
    const forwardQuery = selectQuery(rawQuery, behavior.forward.query);
    const flightKey = `${dist.id}\u0001${key}`;

    if (stale && staleOk?.whileRevalidating) {
      // §9.3 stale-while-revalidate: answer now, refresh in the background (once per key),
      // through the same origin request a miss makes.
      req.resume();
      if (!inflight.has(flightKey)) {
        const theOrigin = origin;
        const validators = (v: Record<string, string>) => ask(dist, theOrigin, originAsk(x, "GET", path, forwardQuery, { ...baseOriginHeaders(x, headers, behavior, false, acceptEncoding, cloudFront), ...v }));
        const refresh = refreshEntry(validators, behavior, stale, now, deps.memoryObjectBytes)
          .then((entry) => {
            if (entry && entry.ttlMs > 0) store(entry);
            return entry;
          })
          .catch((err: unknown) => void deps.log.debug(`edge ${dist.id} background refresh of ${path}: ${String(err)}`))
          .finally(() => inflight.delete(flightKey));
        inflight.set(flightKey, refresh as Promise<CachedResponse | undefined>);
      }
      return serve(stale, "Hit from cloudfront", "hit");
    }

    // §6.4: concurrent misses for one key wait for the first origin response and are served from
    // it (as Hits). Not when cookies reach the origin: their answers may differ.
    const collapsible = cacheable && behavior.forward.cookies.behavior === "none";
    const flight = collapsible ? inflight.get(flightKey) : undefined;
    if (flight) {
      const entry = await flight;
      if (entry) {
        req.resume();
        return serve(entry, entry.status >= 400 ? "Error from cloudfront" : "Hit from cloudfront", "hit");
      }
    }
    let settle: ((entry: CachedResponse | undefined) => void) | undefined;
    if (collapsible && !inflight.has(flightKey)) inflight.set(flightKey, new Promise((resolve) => (settle = resolve)));
    let produced: CachedResponse | undefined;
    try {
      // 6. The origin request (§7), with failover for origin groups (§8).
      const originMethod = cacheable && method === "HEAD" ? "GET" : method;
      const requestHeaders = baseOriginHeaders(x, headers, behavior, cacheable, acceptEncoding, cloudFront);
      if (stale) {
        if (typeof stale.headers["etag"] === "string") requestHeaders["if-none-match"] = stale.headers["etag"];
        if (typeof stale.headers["last-modified"] === "string") requestHeaders["if-modified-since"] = stale.headers["last-modified"];
      }
      // The origin gets framing that matches the bytes it is sent, never the viewer's as they came
      // (a Content-Length with no body desynchronises a pooled connection).
      const withBody = method !== "GET" && method !== "HEAD";
      const framing = withBody ? bodyFraming(req.headers) : undefined;
      if (framing) Object.assign(requestHeaders, framing);
      const request = originAsk(x, originMethod, path, forwardQuery, requestHeaders, withBody && carriesBody(req.headers) ? req : undefined);
      let originRes: IncomingMessage;
      try {
        originRes = await askWithFailover(dist, origin, group, request);
      } catch (err) {
        req.resume();
        // §9.3: an expired object is served instead of an origin that cannot be reached.
        if (stale && staleOk?.onError) return serve(stale, "Hit from cloudfront", "hit");
        const status = err instanceof OriginError ? err.status : 502;
        deps.log.debug(`edge ${dist.id} ${method} ${path}: ${String(err)}`);
        const reason =
          status === 504
            ? "CloudFront attempted to establish a connection with the origin, but either the attempt failed or the origin closed the connection."
            : "CloudFront wasn't able to connect to the origin.";
        return answerRefusal(x, { kind: "refuse", status, reason, errorPage: true }, decor);
      }
      req.resume();

      // 7. The origin's response → the cache and the viewer (§9, §10, §13).
      return await answerFromOrigin(
        {
          req,
          res,
          method,
          base: x.base,
          dist,
          behavior,
          now,
          cacheable,
          acceptEncoding,
          stale,
          staleOnError: staleOk?.onError === true,
          decor,
          errorPages,
          limits: deps,
          viewerResponse,
          serve,
          store(entry) {
            store(entry);
            produced = entry;
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
  }

  /** The request's id, POP, base headers and compiled distribution. */
  function begin(req: IncomingMessage, res: ServerResponse, rec: DistributionRecord, state: CloudFrontState): Exchange {
    const id = nextId();
    const pop = locations.popFor(req.headers);
    let country: string | undefined;
    return {
      req,
      res,
      method: req.method ?? "GET",
      id,
      pop,
      base: { Via: pop.via, "X-Amz-Cf-Pop": pop.code, "X-Amz-Cf-Id": id },
      protocol: (req.socket as TLSSocket).encrypted ? "https" : "http",
      dist: compile(rec, state),
      rec,
      viewerIp: (req.socket.remoteAddress ?? "").replace(/^::ffff:/, ""),
      country: () => (country ??= deps.countryOf(req.headers, req.socket.remoteAddress ?? "")),
      layer: "EDGE",
    };
  }

  /** The behavior's response headers policy (§11) bound to this request; undefined without one. */
  function decorator(x: Exchange, behavior: CompiledBehavior): Decorate | undefined {
    const policy = behavior.responseHeaders;
    if (!policy) return undefined;
    const h = x.req.headers;
    const viewer = { method: x.method, origin: headerString(h.origin), accessControlRequestMethod: headerString(h["access-control-request-method"]), pragma: headerString(h.pragma) };
    return (headers, cache) => applyResponseHeaders(policy, viewer, headers, () => ({ cache, pop: x.pop.code, requestId: x.id, layer: x.layer }), Math.random);
  }

  /** A refusal or redirect the edge makes itself; a custom error page for its status may replace a refusal (§10). */
  async function answerRefusal(x: Exchange, verdict: Refusal | Redirect, decor: Decorate | undefined): Promise<void> {
    const { req, res } = x;
    req.resume();
    if (verdict.kind === "redirect") {
      res.writeHead(verdict.status, { ...x.base, Location: verdict.location, "X-Cache": "Redirect from cloudfront", "Content-Length": "0", Server: "CloudFront" });
      return void res.end();
    }
    if (verdict.close) res.shouldKeepAlive = false;
    if (verdict.errorPage && (await errorPages.serve(x.dist, verdict.status, req, res, x.base, deps.clock.now(), decor))) return;
    sendError(res, req.method, verdict.status, verdict.reason, x.base, decor);
  }

  /** Verifies a signed URL or cookie; the query without signing parameters, or undefined when refused (answered). */
  async function checkSignature(x: Exchange, trusted: ReadonlyMap<string, string>, path: string, rawQuery: string, decor: Decorate | undefined): Promise<string | undefined> {
    const { req, res } = x;
    const verdict = verifySignedRequest({
      scheme: x.protocol,
      host: req.headers.host ?? "",
      path,
      rawQuery,
      cookieHeader: headerString(req.headers.cookie),
      viewerIp: x.viewerIp,
      now: deps.clock.now(),
      publicKey: (keyId) => trusted.get(keyId),
    });
    if (verdict.ok) return verdict.source === "url" ? verdict.query : rawQuery;
    req.resume();
    deps.log.debug(`edge ${x.dist.id} ${x.method} ${path}: signed request refused: ${verdict.reason}`);
    if (await errorPages.serve(x.dist, 403, req, res, x.base, deps.clock.now(), decor)) return undefined;
    const shown: ResponseHeaders = { server: "CloudFront", "content-type": verdict.contentType, "content-length": String(Buffer.byteLength(verdict.body)) };
    decor?.(shown, "miss");
    sendGenerated(res, x.method, 403, undefined, shown, x.base, "Error from cloudfront", Buffer.from(verdict.body));
    return undefined;
  }

  /** §8: an origin group fails over to its secondary on its status codes or a failed connection; every request starts with the primary. */
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

/** §10: only a request for exactly `/` gets the default root object. */
function rootObject(dist: CompiledDistribution, path: string): string {
  return path === "/" && dist.defaultRootObject ? `/${dist.defaultRootObject}` : path;
}

/** The cache key (§6), with the normalized Accept-Encoding when a coding is enabled (§6.2). */
function cacheKey(dist: CompiledDistribution, behavior: CompiledBehavior, method: string, path: string, rawQuery: string, headers: IncomingHttpHeaders, acceptEncoding: string | undefined): string {
  const base = buildCacheKey({ distributionId: dist.id, method, path, rawQuery, headers }, behavior.key);
  return acceptEncoding === undefined ? base : `${base}\u0000ae:${acceptEncoding}`;
}

/** The viewer-derived headers of this request's origin requests (§7.2, §6.2). */
function baseOriginHeaders(x: Exchange, headers: IncomingHttpHeaders, behavior: CompiledBehavior, cacheable: boolean, acceptEncoding: string | undefined, cloudFront: Record<string, string> | undefined) {
  const out = forwardedHeaders(headers, x.req.socket.remoteAddress ?? "127.0.0.1", behavior, cacheable);
  if (cloudFront) Object.assign(out, cloudFront);
  // §6.2: with a coding enabled, the origin sees the normalized Accept-Encoding.
  if (acceptEncoding !== undefined) out["accept-encoding"] = acceptEncoding;
  return out;
}

function originAsk(x: Exchange, method: string, path: string, query: string, headers: OriginAsk["headers"], body?: IncomingMessage): OriginAsk {
  return { method, path, query, headers, viewerProtocol: x.protocol, requestId: x.id, via: x.pop.via, ...(body ? { body } : {}) };
}

/**
 * X-Amz-Cf-Id: 56 characters of URL-safe base64 ending in `==` (data-plane.md §14). 40 random
 * characters per process and a 14-digit request counter (base 36, whose digits are base64url
 * characters too): unique per request without a crypto or Buffer call each time.
 */
function requestIds(): () => string {
  const prefix = randomBytes(30).toString("base64url");
  let n = 0;
  return () => `${prefix}${(++n).toString(36).padStart(14, "0")}==`;
}
