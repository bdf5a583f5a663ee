// The edge: one viewer request through a distribution, in the order of data-plane.md §1.
//
//   distribution enabled? → behavior (§4) → method allowed? (§4) → viewer protocol (§5)
//   → default root object (§10) → cache key (§6) → cache: fresh hit / stale → revalidate (§7.2)
//   → miss: origin request (§7) → TTL (§9) → store → response headers (§14)
//
// Emulated now: behaviors, methods, viewer protocol over the HTTP listener, default root object,
// cache keys from cache policies (managed and custom) and legacy ForwardedValues, forwarding
// (incl. origin request policies), TTLs from Cache-Control/Expires, error caching, revalidation
// (RefreshHit), conditional and Range requests answered from the cache, invalidations,
// CloudFront's response headers, custom error pages (§10), compression (§13), request
// collapsing (§6.4), expired copies served when the origin errors or cannot be reached (§9.3),
// origin failover (§8), stale-while-revalidate / stale-if-error (§9.3), HTTP and HTTPS viewers,
// CloudFront-* viewer headers (§7.2), several POPs in front of one regional tier and Origin Shield
// (§16), a disk tier for large objects, custom error pages for CloudFront's own 403s.
// geo restriction (§3), response headers policies (§11) on every response of a behavior.
// signed URLs and cookies, OAC/OAI signing, CloudFront Functions (viewer-request before the
// cache, viewer-response before the response leaves; functions.md).
import type { IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders, ServerResponse } from "node:http";
import type { TLSSocket } from "node:tls";
import { randomBytes } from "node:crypto";
import { createReadStream } from "node:fs";
import { viewerHeaders } from "./stages/viewer-headers.ts";
import { geoAllowed, type CountryOf } from "./stages/geo.ts";
import type { CloudFrontIdentity } from "../services/s3/cloudfront-identity.ts";
import { signOriginRequest, type OriginAccessControlSettings } from "./stages/oac-sign.ts";
import { verifySignedRequest } from "./stages/signed-request.ts";
import { trustedPublicKeys } from "../services/cloudfront/handlers/key-groups.ts";
import { buildViewerRequestEvent, buildViewerResponseEvent, requestFromFunction, responseFromFunction, type FunctionRuntime, type FunctionToRun, type OriginChange } from "../functions/index.ts";
import { applyResponseHeaders, type ResponseHeaders } from "./stages/response-headers.ts";
import type { Clock } from "../clock.ts";
import type { Logger } from "../api/service.ts";
import type { CloudFrontState, DistributionRecord } from "../services/cloudfront/state.ts";
import { CACHE, ORIGIN_REQUEST, RESPONSE_HEADERS, findPolicy } from "../services/cloudfront/handlers/policies.ts";
import type { CachePolicyConfig, OriginRequestPolicyConfig, ResponseHeadersPolicyConfig } from "@aws-sdk/client-cloudfront";
import type { S3OriginSettings } from "../services/s3/origin-address.ts";
import { compileDistribution, type CompiledBehavior, type CompiledDistribution, type CompiledOrigin } from "./compile.ts";
import { matchBehavior } from "./stages/match-behavior.ts";
import { buildCacheKey, keyPath, selectCookies, selectQuery, selects } from "./stages/cache-key.ts";
import { errorTtl, staleUse, successTtl } from "./stages/ttl.ts";
import { fetchOrigin, OriginError } from "./stages/origin-fetch.ts";
import { chooseCoding, compress, normalizeAcceptEncoding } from "./stages/compress.ts";
import { cacheEntry, type CachedResponse, type MemoryCache } from "./cache/memory-cache.ts";
import { sendPrerendered } from "./cache/prerendered-head.ts";
import { relayAndFill } from "./cache/relay-fill.ts";
import { pipeline } from "node:stream/promises";
import { DEFAULT_ERROR_CACHING_MIN_TTL } from "../services/cloudfront/distribution-defaults.ts";

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

/** Origin statuses cached with the success TTL rules (§9.2; 3xx redirects are cached, never followed). */
const CACHEABLE_SUCCESS = new Set([200, 203, 300, 301, 302, 307, 308, 410]);
/** Never sent to the viewer as received (hop-by-hop, RFC 9110 §7.6.1). */
const HOP_BY_HOP = new Set(["connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade"]);
/** Viewer headers CloudFront never forwards (§7.2). */
const NEVER_FORWARDED = new Set(["host", "connection", "keep-alive", "proxy-connection", "te", "trailer", "upgrade", "x-real-ip", "x-forwarded-proto", "x-http-method-override", "via", "x-amz-cf-id", "x-forwarded-for"]);
/**
 * Viewer headers removed unless the cache policy or origin request policy selects them (§7.2);
 * others (Cache-Control, Content-Type, If-*, Range, custom headers...) are forwarded as-is.
 */
const REMOVED_UNLESS_SELECTED = new Set(["accept", "accept-charset", "accept-encoding", "accept-language", "authorization", "expect", "referer", "user-agent"]);
/** Message framing: set for the origin request from the body actually sent (bodyFraming), never copied. */
const FRAMING = new Set(["content-length", "transfer-encoding"]);
/** The header through which a viewer picks a POP (emulator extension, README "Edge locations"). */
export const POP_HEADER = "x-minifront-pop";
/** Cache tiers behind the POPs (§16): one regional edge cache, and Origin Shield where enabled. */
const REC = "REC";
const SHIELD = "Origin Shield";

/** One edge location: its code, and the Via name of its server (fixed for the process). */
interface Pop {
  readonly code: string;
  readonly via: string;
  /** Its Via and X-Amz-Cf-Pop as header lines, for pre-rendered hits. */
  readonly lines: string;
  /** Cache tiers a request through this POP looks in, in order (§16). */
  readonly tiers: readonly string[];
  readonly shieldTiers: readonly string[];
}

/** Where a cached response came from, for Server-Timing's cdn-hit-layer (§11, §16). */
type Layer = "EDGE" | "REC" | "Origin Shield";
const LAYERS: readonly Layer[] = ["EDGE", "REC", "Origin Shield"];

/**
 * The behavior's response headers policy (§11) bound to one request: applied to the lower-cased
 * headers of whatever response the request gets. Undefined when the behavior has no policy,
 * which keeps the pre-rendered header fast path for hits.
 */
type Decorate = (headers: ResponseHeaders, cache: "hit" | "refresh" | "miss") => void;

export function createEdge(deps: EdgeDeps): Edge {
  const compiled = new WeakMap<DistributionRecord, { versions: readonly number[]; dist: CompiledDistribution }>();
  // Each POP is one edge server: its Via name is fixed for the process, as a real edge host's is.
  const pops = new Map<string, Pop>(
    deps.pops.map((code) => {
      const via = `1.1 ${randomBytes(16).toString("hex")}.cloudfront.net (CloudFront)`;
      return [code.toUpperCase(), { code, via, lines: `Via: ${via}\r\nX-Amz-Cf-Pop: ${code}\r\n`, tiers: [code, REC], shieldTiers: [code, REC, SHIELD] }];
    }),
  );
  const defaultPop = pops.values().next().value as Pop;
  const nextId = requestIds();
  /** Origin fetches in flight for cacheable keys: followers wait for the leader's result. */
  const inflight = new Map<string, Promise<CachedResponse | undefined>>();
  const compile = (rec: DistributionRecord, state: CloudFrontState) => {
    const c = compiled.get(rec);
    // What a distribution refers to by id can change without the distribution changing.
    const v = c?.versions;
    if (c && v && v[0] === state.policyVersion && v[1] === state.keyGroups.version && v[2] === state.publicKeys.version && v[3] === state.originAccessControls.version && v[4] === state.functions.version) return c.dist;
    const versions = [state.policyVersion, state.keyGroups.version, state.publicKeys.version, state.originAccessControls.version, state.functions.version];
    const dist = compileDistribution(rec, deps.s3, {
      cachePolicy: (id) => findPolicy(state, CACHE, id)?.config as CachePolicyConfig | undefined,
      originRequestPolicy: (id) => findPolicy(state, ORIGIN_REQUEST, id)?.config as OriginRequestPolicyConfig | undefined,
      responseHeadersPolicy: (id) => findPolicy(state, RESPONSE_HEADERS, id)?.config as ResponseHeadersPolicyConfig | undefined,
      originAccessControl: (id) => state.originAccessControls.get(id)?.config as OriginAccessControlSettings | undefined,
      trustedKeys: (ids) => trustedPublicKeys(state, ids),
    });
    compiled.set(rec, { versions, dist });
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
      const id = nextId();
      sendError(res, req.method, 403, "Bad request. We can't connect to the server for this app or website at this time.", { Via: defaultPop.via, "X-Amz-Cf-Pop": defaultPop.code, "X-Amz-Cf-Id": id }, id);
    },

    handle(req, res, rec, state) {
      return tryHit(req, res, rec, state) ? undefined : handleFully(req, res, rec, state);
    },
  };

  /**
   * The cache-hit fast path (STYLE.md: "a cache hit should be a few lookups"): a plain GET or HEAD
   * for a fresh cached 2xx/3xx object, on a behavior with nothing that runs per request (compile.ts
   * `plainHits`: no functions, signed URLs, response headers policy or CloudFront-* headers) and a
   * distribution without geo restriction. Same answer as handleFully gives, without its promises
   * and closures; false for anything else, which then takes the full pipeline.
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
    const path = viewerPath === "/" && dist.defaultRootObject ? `/${dist.defaultRootObject}` : viewerPath;
    const acceptEncoding = normalizeAcceptEncoding(str(h["accept-encoding"]), behavior.encodings);
    const baseKey = buildCacheKey({ distributionId: dist.id, method, path, rawQuery: q < 0 ? "" : rawUrl.slice(q + 1), headers: h }, behavior.key);
    const key = acceptEncoding === undefined ? baseKey : `${baseKey}\u0000ae:${acceptEncoding}`;
    const chosen = h[POP_HEADER];
    const pop = (typeof chosen === "string" ? pops.get(chosen.toUpperCase()) : undefined) ?? defaultPop;
    const tiers = origin.originShield ? pop.shieldTiers : pop.tiers;
    const now = deps.clock.now();
    for (let i = 0; i < tiers.length; i++) {
      const hit = deps.cache.get(tiers[i] as string, dist.id, key);
      if (hit === undefined) continue;
      if (now >= hit.storedAt + hit.ttlMs || hit.status >= 400) return false;
      for (let j = 0; j < i; j++) deps.cache.set(tiers[j] as string, dist.id, key, hit);
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
    return false;
  }

  async function handleFully(req: IncomingMessage, res: ServerResponse, rec: DistributionRecord, state: CloudFrontState): Promise<void> {
    {
      const id = nextId();
      const chosen = req.headers[POP_HEADER];
      const pop = (typeof chosen === "string" ? pops.get(chosen.toUpperCase()) : undefined) ?? defaultPop;
      const base: Record<string, string> = { Via: pop.via, "X-Amz-Cf-Pop": pop.code, "X-Amz-Cf-Id": id };
      const protocol = (req.socket as TLSSocket).encrypted ? "https" : "http";
      const dist = compile(rec, state);
      if (!dist.enabled) return sendError(res, req.method, 403, "The distribution is disabled.", base, id);
      // The country is worked out only when something needs it (geo restriction, CloudFront-* headers).
      let country: string | undefined;
      const countryNow = () => (country ??= deps.countryOf(req.headers, req.socket.remoteAddress ?? ""));
      if (dist.geo.type !== "none" && !geoAllowed(dist.geo, countryNow())) {
        req.resume();
        return refuse(dist, req, res, 403, "The Amazon CloudFront distribution is configured to block access from your country.", base, undefined);
      }
      const rawUrl = req.url ?? "/";
      const q = rawUrl.indexOf("?");
      const viewerPath = q < 0 ? rawUrl : rawUrl.slice(0, q);
      const viewerQuery = q < 0 ? "" : rawUrl.slice(q + 1);
      const method = req.method ?? "GET";

      const behavior = matchBehavior(dist, viewerPath);
      const policy = behavior.responseHeaders;
      let layer: Layer = "EDGE";
      const decor: Decorate | undefined = policy
        ? (headers, cache) =>
            applyResponseHeaders(
              policy,
              { method, origin: str(req.headers.origin), accessControlRequestMethod: str(req.headers["access-control-request-method"]), pragma: str(req.headers.pragma) },
              headers,
              () => ({ cache, pop: pop.code, requestId: id, layer }),
              Math.random,
            )
        : undefined;
      if (!behavior.allowedMethods.has(method)) {
        req.resume();
        return refuse(dist, req, res, 403, "This distribution is not configured to allow the HTTP request method that was used for this request.", base, decor);
      }
      // §1 step 10: CloudFront answers a GET (or HEAD) that carries a body with 403 ("Request and
      // response behavior for custom origins"). Checked this early so no function runs on it; the
      // connection is closed rather than kept for whatever the viewer sends next.
      if ((method === "GET" || method === "HEAD") && carriesBody(req.headers)) {
        res.shouldKeepAlive = false;
        req.resume();
        return refuse(dist, req, res, 403, "A GET or HEAD request cannot have a body.", base, decor);
      }
      // §5: over HTTP, https-only refuses and redirect-to-https redirects (to the HTTPS listener's
      // port when there is one; 307 keeps a body method's method).
      if (protocol === "http" && behavior.viewerProtocolPolicy === "https-only") {
        req.resume();
        return refuse(dist, req, res, 403, "This distribution accepts HTTPS requests only.", base, decor);
      }
      if (protocol === "http" && behavior.viewerProtocolPolicy === "redirect-to-https") {
        req.resume();
        const status = method === "GET" || method === "HEAD" ? 301 : req.httpVersion === "1.0" ? 403 : 307;
        const httpsPort = deps.httpsPort();
        const host = req.headers.host ?? "";
        const target = httpsPort === undefined ? host : `${host.replace(/:\d+$/, "")}${httpsPort === 443 ? "" : `:${httpsPort}`}`;
        res.writeHead(status, { ...base, Location: `https://${target}${rawUrl}`, "X-Cache": "Redirect from cloudfront", "Content-Length": "0", Server: "CloudFront" });
        return void res.end();
      }

      // signed-urls.md: a behavior that trusts key groups serves only signed URLs or cookies. The
      // signing parameters are not part of the cache key or the origin request.
      let rawQuery = viewerQuery;
      const trusted = behavior.trustedKeys;
      if (trusted) {
        const verdict = verifySignedRequest({
          scheme: protocol,
          host: req.headers.host ?? "",
          path: viewerPath,
          rawQuery: viewerQuery,
          cookieHeader: str(req.headers.cookie),
          viewerIp: (req.socket.remoteAddress ?? "").replace(/^::ffff:/, ""),
          now: deps.clock.now(),
          publicKey: (keyId) => trusted.get(keyId),
        });
        if (!verdict.ok) {
          req.resume();
          deps.log.debug(`edge ${dist.id} ${method} ${viewerPath}: signed request refused: ${verdict.reason}`);
          if (await serveErrorPage(dist, 403, req, res, base, deps.clock.now(), decor)) return;
          const shown: ResponseHeaders = { server: "CloudFront", "content-type": verdict.contentType, "content-length": String(Buffer.byteLength(verdict.body)) };
          decor?.(shown, "miss");
          res.writeHead(403, { ...shown, ...base, "X-Cache": "Error from cloudfront" });
          return void res.end(method === "HEAD" ? undefined : verdict.body);
        }
        if (verdict.source === "url") rawQuery = verdict.query;
      }

      // functions.md: the viewer-request function sees the request before the cache and may
      // rewrite it (URI, query, headers, cookies, origin) or answer it itself.
      let uri = viewerPath;
      let viewerHeadersIn: IncomingHttpHeaders = req.headers;
      let origin = dist.origins.get(behavior.targetOriginId);
      let group = method === "GET" || method === "HEAD" || method === "OPTIONS" ? dist.failover.get(behavior.targetOriginId) : undefined;
      const viewerRequestFn = behavior.viewerRequestFunction ? state.functions.live(behavior.viewerRequestFunction) : undefined;
      if (viewerRequestFn) {
        const event = buildViewerRequestEvent({
          method,
          uri: viewerPath,
          rawQuery: q < 0 ? undefined : rawQuery,
          headers: req.headers as Record<string, string | string[]>,
          viewerIp: (req.socket.remoteAddress ?? "").replace(/^::ffff:/, ""),
          distributionId: dist.id,
          distributionDomainName: rec.DomainName,
          requestId: id,
        });
        const result = await deps.functions.run(viewerRequestFn, "viewer-request", event, { rawQueryString: q < 0 ? undefined : rawQuery, edgeLocation: { name: pop.code, serverIp: "127.0.0.1", region: "us-east-1" } });
        if (result.kind === "error" || result.kind === "response") {
          req.resume();
          const status = result.kind === "error" ? result.status : 502;
          deps.log.debug(`edge ${dist.id} viewer-request function failed: ${result.kind === "error" ? result.message : "returned a response object"}`);
          return sendError(res, method, status, "The CloudFront function associated with the CloudFront distribution is invalid or could not run.", base, id, decor, `${result.kind === "error" ? result.error : "FunctionValidationError"} from cloudfront`);
        }
        if (result.kind === "generated-response") {
          req.resume();
          const out = responseFromFunction(result.response);
          const body = out.body ?? EMPTY;
          const shown: ResponseHeaders = { ...out.headers, "content-length": String(body.length) };
          if (!shown["server"]) shown["server"] = "CloudFront";
          decor?.(shown, "miss");
          res.writeHead(out.statusCode, out.statusDescription, { ...shown, ...base, "X-Cache": "FunctionGeneratedResponse from cloudfront" });
          return void res.end(method === "HEAD" ? undefined : body);
        }
        const change = requestFromFunction(result.request, event.request, q < 0 ? undefined : rawQuery, req.headers as Record<string, string | string[]>);
        uri = change.uri;
        rawQuery = change.rawQuery ?? "";
        viewerHeadersIn = Object.fromEntries(Object.entries(change.headers).map(([n, v]) => [n, n === "set-cookie" || v.length > 1 ? v : v[0]]));
        const routed = applyOriginChanges(dist, origin, group, result.originChanges);
        if (typeof routed === "string") {
          req.resume();
          return sendError(res, method, 502, `The CloudFront function asked for an origin change that cannot be made: ${routed}`, base, id, decor, "FunctionValidationError from cloudfront");
        }
        origin = routed.origin;
        group = routed.group;
      }

      const path = uri === "/" && dist.defaultRootObject ? `/${dist.defaultRootObject}` : uri;
      if (!origin) return sendError(res, method, 502, "The origin for this behavior is not configured.", base, id);
      const theOrigin: CompiledOrigin = origin;

      // functions.md: the viewer-response function sees successful responses (not errors, custom
      // error pages or generated responses) and may change status and headers.
      const viewerResponseFn = behavior.viewerResponseFunction ? state.functions.live(behavior.viewerResponseFunction) : undefined;
      const serve = async (entry: CachedResponse, xCache: string, cache: "hit" | "refresh" | "miss", withAge = true): Promise<void> => {
        const shown = viewerResponseFn && entry.status < 400 ? await runViewerResponse(viewerResponseFn, entry) : entry;
        if (!shown) {
          return sendError(res, method, 503, "The CloudFront function associated with the CloudFront distribution is invalid or could not run.", base, id, decor, "FunctionExecutionError from cloudfront");
        }
        serveCached(req, res, shown, xCache, base, deps.clock.now(), withAge, decor && ((h) => decor(h, cache)));
      };
      const runViewerResponse = async (fn: FunctionToRun, entry: CachedResponse): Promise<CachedResponse | undefined> => {
        const requestData = {
          method,
          uri,
          rawQuery: rawQuery === "" ? undefined : rawQuery,
          headers: viewerHeadersIn as Record<string, string | string[]>,
          viewerIp: (req.socket.remoteAddress ?? "").replace(/^::ffff:/, ""),
          distributionId: dist.id,
          distributionDomainName: rec.DomainName,
          requestId: id,
        };
        const event = buildViewerResponseEvent(requestData, { statusCode: entry.status, headers: entry.headers as Record<string, string | string[]> });
        const result = await deps.functions.run(fn, "viewer-response", event, { edgeLocation: { name: pop.code, serverIp: "127.0.0.1", region: "us-east-1" } });
        if (result.kind !== "response") {
          deps.log.debug(`edge ${dist.id} viewer-response function failed: ${result.kind === "error" ? result.message : result.kind}`);
          return undefined;
        }
        const out = responseFromFunction(result.response, event.response, entry.headers as Record<string, string | string[]>);
        const headers: Record<string, string | string[]> = Object.fromEntries(Object.entries(out.headers).map(([n, v]) => [n, n === "set-cookie" || v.length > 1 ? v : (v[0] as string)]));
        const body = out.body ?? entry.body;
        return cacheEntry({ status: out.statusCode, headers, body, storedAt: entry.storedAt, ttlMs: entry.ttlMs, ...(entry.file && !out.body ? { file: entry.file } : {}) });
      };

      const cacheable = behavior.caching && behavior.cachedMethods.has(method) && (method === "GET" || method === "HEAD" || method === "OPTIONS");
      const acceptEncoding = normalizeAcceptEncoding(str(viewerHeadersIn["accept-encoding"]), behavior.encodings);
      // §7.2: the CloudFront-* headers the policies name replace the viewer's, in key and request.
      const cloudFront = behavior.cloudFrontHeaders.length > 0 ? viewerHeaders(req, behavior.cloudFrontHeaders, { protocol, country: countryNow() }) : undefined;
      const keyHeaders = cloudFront ? { ...viewerHeadersIn, ...cloudFront } : viewerHeadersIn;
      const baseKey = buildCacheKey({ distributionId: dist.id, method, path, rawQuery, headers: keyHeaders }, behavior.key);
      const key = acceptEncoding === undefined ? baseKey : `${baseKey}\u0000ae:${acceptEncoding}`;
      const now = deps.clock.now();
      // §16: the POP's cache, then the regional tier, then Origin Shield when the origin has it.
      const tiers = theOrigin.originShield ? pop.shieldTiers : pop.tiers;
      let stale: CachedResponse | undefined;
      if (cacheable) {
        for (let i = 0; i < tiers.length; i++) {
          const hit = deps.cache.get(tiers[i] as string, dist.id, key);
          if (hit && now < hit.storedAt + hit.ttlMs) {
            req.resume();
            // A hit in a tier behind the POP fills the tiers in front of it.
            for (let j = 0; j < i; j++) deps.cache.set(tiers[j] as string, dist.id, key, hit);
            layer = LAYERS[i] as Layer;
            if (hit.status >= 400 && (await serveErrorPage(dist, hit.status, req, res, base, now, decor))) return;
            if (viewerResponseFn) return serve(hit, hit.status >= 400 ? "Error from cloudfront" : "Hit from cloudfront", "hit");
            return serveCached(req, res, hit, hit.status >= 400 ? "Error from cloudfront" : "Hit from cloudfront", base, now, true, decor && ((h) => decor(h, "hit")));
          }
          stale ??= hit;
        }
      }
      // A miss reaches the origin from the last tier (§16; Server-Timing cdn-upstream-layer).
      if (cacheable) layer = LAYERS[tiers.length - 1] as Layer;
      const store = (entry: CachedResponse) => {
        for (const t of tiers) deps.cache.set(t, dist.id, key, entry);
      };
      const staleOk = stale ? staleUse(str(stale.headers["cache-control"]), now - (stale.storedAt + stale.ttlMs)) : undefined;
      if (stale && staleOk?.whileRevalidating) {
        // §9.3 stale-while-revalidate: answer now, refresh in the background (once per key).
        req.resume();
        const flightKey = `${dist.id}\u0001${key}`;
        if (!inflight.has(flightKey)) {
          const refresh = refreshInBackground(dist, behavior, theOrigin, store, stale, path, pop, id).finally(() => inflight.delete(flightKey));
          inflight.set(flightKey, refresh);
        }
        return serve(stale, "Hit from cloudfront", "hit");
      }

      // §6.4: concurrent misses for one key wait for the first origin response and are served
      // from it (as Hits). Not when cookies reach the origin: their answers may differ.
      const collapsible = cacheable && behavior.forward.cookies.behavior === "none";
      const flightKey = `${dist.id}\u0001${key}`;
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
        const forwardQuery = selectQuery(rawQuery, behavior.forward.query);
        const ask = async (o: CompiledOrigin): Promise<IncomingMessage> => {
          const originHeaders = buildOriginHeaders(req, viewerHeadersIn, behavior, o.hostHeader, o.customHeaders, id, pop.via, cacheable);
          if (cloudFront) Object.assign(originHeaders, cloudFront);
          // §6.2: with a coding enabled, the origin sees the normalized Accept-Encoding.
          if (acceptEncoding !== undefined) originHeaders["accept-encoding"] = acceptEncoding;
          if (stale) {
            const etag = stale.headers["etag"];
            const lastModified = stale.headers["last-modified"];
            if (typeof etag === "string") originHeaders["if-none-match"] = etag;
            if (typeof lastModified === "string") originHeaders["if-modified-since"] = lastModified;
          }
          const originMethod = cacheable && method === "HEAD" ? "GET" : method;
          // The origin gets framing headers that match the bytes it is sent, never the viewer's
          // as they came (a Content-Length with no body desynchronises a pooled connection).
          const hasBody = method !== "GET" && method !== "HEAD" && carriesBody(req.headers);
          const framing = method !== "GET" && method !== "HEAD" ? bodyFraming(req.headers) : undefined;
          if (framing) Object.assign(originHeaders, framing);
          return fetchOrigin(o, {
            method: originMethod,
            path: o.pathPrefix + path + (forwardQuery ? `?${forwardQuery}` : ""),
            headers: await signForOrigin(dist, o, originMethod, o.pathPrefix + path, forwardQuery, originHeaders, hasBody),
            viewerProtocol: protocol,
            ...(hasBody ? { body: req } : {}),
          });
        };
        // §8: an origin group fails over to its secondary on its status codes or a failed
        // connection, for GET, HEAD and OPTIONS only; every request starts with the primary.
        let originRes: IncomingMessage;
        try {
          let failedOver = false;
          try {
            originRes = await ask(theOrigin);
          } catch (err) {
            if (!group) throw err;
            failedOver = true;
            originRes = await ask(group.secondary);
          }
          if (group && !failedOver && group.statusCodes.has(originRes.statusCode ?? 0)) {
            originRes.resume();
            originRes = await ask(group.secondary);
          }
        } catch (err) {
          req.resume();
          // §9.3: an expired object is served instead of an origin that cannot be reached.
          if (stale && staleOk?.onError) return serve(stale, "Hit from cloudfront", "hit");
          const status = err instanceof OriginError ? err.status : 502;
          deps.log.debug(`edge ${dist.id} ${method} ${path}: ${String(err)}`);
          return refuse(dist, req, res, status, status === 504 ? "CloudFront attempted to establish a connection with the origin, but either the attempt failed or the origin closed the connection." : "CloudFront wasn't able to connect to the origin.", base, decor);
        }
        req.resume();
        const status = originRes.statusCode ?? 502;
        const headers = cleanHeaders(originRes.headers, behavior);

        if (stale && status === 304) {
          originRes.resume();
          const refreshed: CachedResponse = { ...stale, storedAt: now, ttlMs: successTtl(behavior.ttl, str(originRes.headers["cache-control"]) ?? str(stale.headers["cache-control"]), str(originRes.headers["expires"]), now) * 1000 };
          if (refreshed.ttlMs > 0) store(refreshed);
          produced = refreshed;
          return serve(refreshed, "RefreshHit from cloudfront", "refresh");
        }

        if (stale && staleOk?.onError && status >= 500) {
          // §9.3: an origin 5xx while an expired copy exists serves the copy and keeps it.
          originRes.resume();
          return serve(stale, "Hit from cloudfront", "hit");
        }
        const declared = contentLength(originRes.headers);
        const small = !(declared !== undefined && declared > deps.maxObjectBytes);
        const errorPage = status >= 400 && dist.errorPages.has(status);
        if (errorPage && (!cacheable || !small)) {
          originRes.resume();
          if (await serveErrorPage(dist, status, req, res, base, now, decor)) return;
        }
        const ttlNow = () =>
          CACHEABLE_SUCCESS.has(status)
            ? successTtl(behavior.ttl, str(originRes.headers["cache-control"]), str(originRes.headers["expires"]), now)
            : status >= 400
              ? errorTtl(status, behavior.ttl, str(originRes.headers["cache-control"]), dist.errorCachingMinTtl.get(status) ?? DEFAULT_ERROR_CACHING_MIN_TTL)
              : 0;
        // Bodies known to fit in memory are read whole (compression and custom error pages need
        // them); all others stream to the viewer as they arrive, filling the cache on the way.
        const buffered = cacheable && small && ((declared !== undefined && declared <= deps.memoryObjectBytes) || errorPage);
        if (!buffered) {
          const xCache = status >= 400 ? "Error from cloudfront" : "Miss from cloudfront";
          let shownStatus = status;
          let shown = headers;
          if (viewerResponseFn && status < 400) {
            const changed = await runViewerResponse(viewerResponseFn, { status, headers, flat: [], body: EMPTY, storedAt: now, ttlMs: 0 });
            if (!changed) {
              originRes.resume();
              return sendError(res, method, 503, "The CloudFront function associated with the CloudFront distribution is invalid or could not run.", base, id, decor, "FunctionExecutionError from cloudfront");
            }
            shownStatus = changed.status;
            shown = { ...changed.headers };
          } else {
            shown = { ...headers };
          }
          decor?.(shown, "miss");
          res.writeHead(shownStatus, { ...shown, ...base, "X-Cache": xCache });
          const ttl = cacheable && small ? ttlNow() : 0;
          if (ttl > 0) {
            // Never compressed: CloudFront compresses only bodies with a Content-Length of at most
            // 10,000,000 bytes (§13), and those are read whole above.
            const fill = { status, headers, declared, ttlMs: ttl * 1000, storedAt: now };
            return relayAndFill(originRes, res, method !== "HEAD", fill, deps, (entry) => {
              store(entry);
              produced = entry;
            });
          }
          if (method === "HEAD") {
            originRes.resume();
            return void res.end();
          }
          // An origin that breaks off mid-body aborts the viewer's connection too (no partial
          // response left open); a viewer that goes away stops the origin transfer.
          return pipeline(originRes, res).catch(() => void res.destroy());
        }
        const body = await readAll(originRes, deps.memoryObjectBytes);
        if (body === undefined) {
          // Cut off or larger than announced: nothing was sent yet, so CloudFront's 502 (§17);
          // an error status with a custom page still gets its page.
          if (errorPage && (await serveErrorPage(dist, status, req, res, base, now, decor))) return;
          return sendError(res, method, 502, "The origin response could not be read.", base, id, decor);
        }
        const ttl = ttlNow();
        const coding = behavior.compress && ttl > 0 ? chooseCoding(acceptEncoding, status, headers, body.length) : undefined;
        const stored = coding ? await compress(coding, body, headers) : { body, headers };
        const entry = cacheEntry({ status, headers: stored.headers, body: stored.body, storedAt: now, ttlMs: ttl * 1000 });
        if (ttl > 0) {
          store(entry);
          produced = entry;
        }
        if (status >= 400 && (await serveErrorPage(dist, status, req, res, base, now, decor))) return;
        return serve(entry, status >= 400 ? "Error from cloudfront" : "Miss from cloudfront", "miss", false);
      } finally {
        if (settle) {
          inflight.delete(flightKey);
          settle(produced);
        }
      }
    }
  }

  /**
   * §7.5: an origin with an OAC gets a SigV4-signed request (per its signing behavior); one with a
   * legacy OAI is always signed as that identity. Others are sent as they are (anonymous).
   */
  async function signForOrigin(dist: CompiledDistribution, o: CompiledOrigin, method: string, path: string, query: string, headers: OutgoingHttpHeaders, hasBody: boolean): Promise<OutgoingHttpHeaders> {
    const access = o.access;
    if (!access) return headers;
    const flat: Record<string, string> = {};
    for (const [name, value] of Object.entries(headers)) if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(", ") : String(value);
    const oai = access.kind === "oai";
    const signed = await signOriginRequest(
      { method, host: String(headers["host"] ?? o.hostHeader), path, query, headers: flat, body: hasBody ? "stream" : undefined },
      oai ? { SigningBehavior: "always", SigningProtocol: "sigv4", OriginAccessControlOriginType: "s3" } : access.settings,
      {
        credentials: oai ? deps.identity.forOriginAccessIdentity(access.id) : deps.identity.forDistribution(dist.id),
        now: deps.clock.now(),
        originDomain: o.domainName,
      },
    );
    return signed.headers;
  }

  /**
   * A response CloudFront itself makes (method not allowed, HTTPS only, origin unreachable): the
   * distribution's custom error page for that status when it has one (§10), else CloudFront's page.
   */
  async function refuse(dist: CompiledDistribution, req: IncomingMessage, res: ServerResponse, status: number, reason: string, base: Record<string, string>, decor: Decorate | undefined): Promise<void> {
    if (await serveErrorPage(dist, status, req, res, base, deps.clock.now(), decor)) return;
    sendError(res, req.method, status, reason, base, base["X-Amz-Cf-Id"] as string, decor);
  }

  /**
   * §10: when the distribution has a custom error page for `status`, serve it (fetched through
   * the cache with the behavior its path selects) with the configured ResponseCode. If the page
   * itself cannot be had, the page's own error is what the viewer gets. False: no page configured.
   */
  async function serveErrorPage(dist: CompiledDistribution, status: number, req: IncomingMessage, res: ServerResponse, base: Record<string, string>, now: number, decor: Decorate | undefined): Promise<boolean> {
    const page = dist.errorPages.get(status);
    if (!page) return false;
    const entry = await fetchErrorPage(dist, page.path, base, now);
    if (!entry) return false;
    if (entry.status >= 400) {
      serveCached(req, res, entry, "Error from cloudfront", base, now, false, decor && ((h) => decor(h, "miss")));
      return true;
    }
    const shown: ResponseHeaders = { ...entry.headers, "content-length": String(entry.body.length) };
    decor?.(shown, "miss");
    const headers: Record<string, string | string[]> = { ...shown, ...base, "X-Cache": "Error from cloudfront" };
    res.writeHead(page.responseCode ?? status, headers);
    res.end(req.method === "HEAD" ? undefined : entry.body);
    return true;
  }

  /** Revalidates or refetches an expired object without a viewer waiting (stale-while-revalidate). */
  async function refreshInBackground(dist: CompiledDistribution, behavior: CompiledBehavior, origin: CompiledOrigin, store: (entry: CachedResponse) => void, stale: CachedResponse, path: string, pop: Pop, id: string): Promise<CachedResponse | undefined> {
    const headers: OutgoingHttpHeaders = { host: origin.hostHeader, "user-agent": "Amazon CloudFront", via: pop.via, "x-amz-cf-id": id };
    if (typeof stale.headers["etag"] === "string") headers["if-none-match"] = stale.headers["etag"];
    if (typeof stale.headers["last-modified"] === "string") headers["if-modified-since"] = stale.headers["last-modified"];
    try {
      const res = await fetchOrigin(origin, { method: "GET", path: origin.pathPrefix + path, headers: await signForOrigin(dist, origin, "GET", origin.pathPrefix + path, "", headers, false), viewerProtocol: "http" });
      const now = deps.clock.now();
      if (res.statusCode === 304) {
        res.resume();
        const refreshed = { ...stale, storedAt: now, ttlMs: successTtl(behavior.ttl, str(res.headers["cache-control"]) ?? str(stale.headers["cache-control"]), str(res.headers["expires"]), now) * 1000 };
        store(refreshed);
        return refreshed;
      }
      const body = await readAll(res, deps.memoryObjectBytes);
      const status = res.statusCode ?? 502;
      if (body === undefined || !CACHEABLE_SUCCESS.has(status)) return undefined;
      const h = cleanHeaders(res.headers, behavior);
      const ttl = successTtl(behavior.ttl, str(res.headers["cache-control"]), str(res.headers["expires"]), now);
      const entry = cacheEntry({ status, headers: h, body, storedAt: now, ttlMs: ttl * 1000 });
      if (ttl > 0) store(entry);
      return entry;
    } catch (err) {
      deps.log.debug(`edge ${dist.id} background refresh of ${path}: ${String(err)}`);
      return undefined;
    }
  }

  async function fetchErrorPage(dist: CompiledDistribution, path: string, base: Record<string, string>, now: number): Promise<CachedResponse | undefined> {
    const behavior = matchBehavior(dist, path);
    const origin = dist.origins.get(behavior.targetOriginId);
    if (!origin) return undefined;
    const key = buildCacheKey({ distributionId: dist.id, method: "GET", path, rawQuery: "", headers: {} }, behavior.key);
    const tier = base["X-Amz-Cf-Pop"] as string;
    const cached = deps.cache.get(tier, dist.id, key);
    if (cached && now < cached.storedAt + cached.ttlMs && !cached.file) return cached;
    let res: IncomingMessage;
    try {
      const headers = { host: origin.hostHeader, "user-agent": "Amazon CloudFront", via: base.Via as string, "x-amz-cf-id": base["X-Amz-Cf-Id"] as string };
      res = await fetchOrigin(origin, {
        method: "GET",
        path: origin.pathPrefix + path,
        headers: await signForOrigin(dist, origin, "GET", origin.pathPrefix + path, "", headers, false),
        viewerProtocol: "http",
      });
    } catch {
      return undefined;
    }
    const body = await readAll(res, deps.memoryObjectBytes);
    if (body === undefined) return undefined;
    const status = res.statusCode ?? 502;
    const headers = cleanHeaders(res.headers, behavior);
    const ttl = CACHEABLE_SUCCESS.has(status) && behavior.caching ? successTtl(behavior.ttl, str(res.headers["cache-control"]), str(res.headers["expires"]), now) : 0;
    const entry = cacheEntry({ status, headers, body, storedAt: now, ttlMs: ttl * 1000 });
    if (ttl > 0) deps.cache.set(tier, dist.id, key, entry);
    return entry;
  }
}

/**
 * Origin changes a viewer-request function asked for (functions.md §4.3), applied in order to the
 * behavior's origin: another configured origin, a changed one, or an origin group made for this
 * request. A string is the reason the change cannot be made (the viewer gets 502).
 */
function applyOriginChanges(
  dist: CompiledDistribution,
  origin: CompiledOrigin | undefined,
  group: CompiledDistribution["failover"] extends ReadonlyMap<string, infer G> ? G | undefined : never,
  changes: readonly OriginChange[],
): { origin: CompiledOrigin | undefined; group: typeof group } | string {
  for (const change of changes) {
    if (change.type === "selectRequestOriginById") {
      const chosen = dist.origins.get(change.originId);
      if (!chosen) return `no origin with id ${change.originId}`;
      origin = chosen;
      group = dist.failover.get(change.originId);
    } else if (change.type === "createRequestOriginGroup") {
      const [first, second] = change.params.originIds.map((oid) => dist.origins.get(oid));
      if (!first || !second) return `origin group members ${change.params.originIds.join(", ")} are not all origins of the distribution`;
      origin = first;
      group = { secondary: second, statusCodes: new Set(change.params.failoverCriteria.statusCodes) };
    } else {
      if (!origin) return "no origin to update";
      const p = change.params;
      const next: { -readonly [K in keyof CompiledOrigin]: CompiledOrigin[K] } = { ...origin };
      if (p.domainName !== undefined) {
        // A new domain is a custom origin on the given (or default) port and protocol.
        const https = (p.customOriginConfig?.protocol ?? (origin.protocol === "https:" ? "https" : "http")) === "https";
        next.protocol = https ? "https:" : "http:";
        next.hostname = p.domainName;
        next.port = p.customOriginConfig?.port ?? (https ? 443 : 80);
        next.httpsPort = next.port;
        next.hostHeader = next.port === (https ? 443 : 80) ? p.domainName : `${p.domainName}:${next.port}`;
        next.pathPrefix = "";
        next.domainName = p.domainName;
        next.isS3 = false;
        next.access = undefined;
      } else if (p.customOriginConfig?.port !== undefined) {
        next.port = p.customOriginConfig.port;
      }
      if (p.hostHeader !== undefined) next.hostHeader = p.hostHeader;
      if (p.originPath !== undefined) next.pathPrefix = p.originPath;
      if (p.customHeaders !== undefined) next.customHeaders = Object.entries(p.customHeaders);
      if (p.connectionAttempts !== undefined) next.connectionAttempts = p.connectionAttempts;
      if (p.timeouts?.readTimeout !== undefined) next.readTimeoutMs = p.timeouts.readTimeout * 1000;
      if (p.timeouts?.connectionTimeout !== undefined) next.connectionTimeoutMs = p.timeouts.connectionTimeout * 1000;
      if (p.originShield !== undefined) next.originShield = p.originShield.enabled;
      if (p.originAccessControlConfig !== undefined) {
        const o = p.originAccessControlConfig;
        next.access = o.enabled
          ? { kind: "oac", settings: { SigningBehavior: o.signingBehavior ?? "always", SigningProtocol: o.signingProtocol ?? "sigv4", OriginAccessControlOriginType: o.originType ?? "s3" } }
          : undefined;
      }
      origin = next;
    }
  }
  return { origin, group };
}

function str(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v.join(", ") : v;
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

const EMPTY = Buffer.alloc(0);

function buildOriginHeaders(
  req: IncomingMessage,
  viewer: IncomingHttpHeaders,
  behavior: CompiledBehavior,
  hostHeader: string,
  customHeaders: ReadonlyArray<readonly [string, string]>,
  id: string,
  via: string,
  cacheable: boolean,
): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(viewer)) {
    if (value === undefined || NEVER_FORWARDED.has(name) || FRAMING.has(name) || name === "cookie" || name.startsWith("proxy-") || name.startsWith("x-edge-") || name.startsWith("x-minifront-")) continue;
    // A cacheable request fetches the whole object; Range and conditionals are answered from the cache.
    if (cacheable && (name === "range" || name.startsWith("if-"))) continue;
    if (REMOVED_UNLESS_SELECTED.has(name) && !selects(behavior.forward.headers, name)) continue;
    out[name] = value;
  }
  out["host"] = selects(behavior.forward.headers, "host") && viewer.host ? viewer.host : hostHeader;
  if (!out["user-agent"]) out["user-agent"] = "Amazon CloudFront";
  const cookies = selectCookies(str(viewer.cookie), behavior.forward.cookies);
  if (cookies.length > 0) out["cookie"] = cookies.join("; ");
  const peer = req.socket.remoteAddress ?? "127.0.0.1";
  const xff = viewer["x-forwarded-for"];
  out["x-forwarded-for"] = xff ? `${String(xff)}, ${peer}` : peer;
  out["via"] = via;
  out["x-amz-cf-id"] = id;
  for (const [name, value] of customHeaders) out[name.toLowerCase()] = value;
  return out;
}

function cleanHeaders(h: IncomingMessage["headers"], behavior: CompiledBehavior): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(h)) {
    if (value === undefined || HOP_BY_HOP.has(name) || name === "via" || name === "age") continue;
    // Set-Cookie reaches the viewer only when cookies are forwarded (§14).
    if (name === "set-cookie" && behavior.forward.cookies.behavior === "none") continue;
    out[name] = value;
  }
  return out;
}

/** Whether a viewer request carries a body (RFC 9112 §6.3): chunked, or a non-zero Content-Length. */
function carriesBody(h: IncomingHttpHeaders): boolean {
  return h["transfer-encoding"] !== undefined || (h["content-length"] !== undefined && h["content-length"] !== "0");
}

/** The framing header for relaying a viewer's body to the origin: its length, or chunked when it had none. */
function bodyFraming(h: IncomingHttpHeaders): OutgoingHttpHeaders | undefined {
  if (h["transfer-encoding"] !== undefined) return { "transfer-encoding": "chunked" };
  if (h["content-length"] !== undefined) return { "content-length": h["content-length"] };
  return undefined;
}

/** An origin response's Content-Length; undefined when chunked, absent or not a number. */
function contentLength(h: IncomingHttpHeaders): number | undefined {
  const v = h["content-length"];
  if (v === undefined || h["transfer-encoding"] !== undefined) return undefined;
  const n = Number(v);
  return Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

async function readAll(res: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of res as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > limit) return undefined;
      chunks.push(chunk);
    }
  } catch {
    return undefined;
  }
  return Buffer.concat(chunks);
}

/** The Age header: whole seconds since the object was stored or revalidated (§14). */
function ageSeconds(now: number, entry: CachedResponse): string {
  return String(Math.max(0, Math.floor((now - entry.storedAt) / 1000)));
}

/** Sends a cached (or just fetched) object: conditional → 304, Range → 206, HEAD → no body (§12). */
function serveCached(
  req: IncomingMessage,
  res: ServerResponse,
  entry: CachedResponse,
  xCache: string,
  base: Record<string, string>,
  now: number,
  withAge = true,
  decorate?: (headers: ResponseHeaders) => void,
): void {
  const rh = req.headers;
  if (!decorate && (entry.status !== 200 || (rh["if-none-match"] === undefined && rh["if-modified-since"] === undefined && rh.range === undefined))) {
    // The common case: the whole object, headers rendered at store time.
    const flat = [...entry.flat, "Via", base.Via as string, "X-Amz-Cf-Pop", base["X-Amz-Cf-Pop"] as string, "X-Amz-Cf-Id", base["X-Amz-Cf-Id"] as string, "X-Cache", xCache];
    if (withAge) flat.push("Age", ageSeconds(now, entry));
    res.writeHead(entry.status, flat);
    if (entry.file && req.method !== "HEAD") return sendFile(res, entry.file.path);
    res.end(req.method === "HEAD" ? undefined : entry.body);
    return;
  }
  const size = entry.file?.size ?? entry.body.length;
  const shown: ResponseHeaders = { ...entry.headers };
  decorate?.(shown);
  const headers: Record<string, string | string[]> = { ...shown, ...base, "X-Cache": xCache };
  if (withAge) headers["Age"] = ageSeconds(now, entry);
  const method = req.method ?? "GET";
  if (entry.status === 200) {
    const etag = str(entry.headers["etag"]);
    const inm = str(req.headers["if-none-match"]);
    const ims = str(req.headers["if-modified-since"]);
    const lm = str(entry.headers["last-modified"]);
    const notModified = inm !== undefined ? etag !== undefined && weakMatch(inm, etag) : ims !== undefined && lm !== undefined && Date.parse(lm) <= Date.parse(ims);
    if (notModified) {
      delete headers["content-length"];
      delete headers["content-type"];
      res.writeHead(304, headers);
      return void res.end();
    }
    const range = str(req.headers["range"]);
    const r = range ? parseByteRange(range, size) : undefined;
    if (r === "unsatisfiable") {
      res.writeHead(416, { ...base, "X-Cache": xCache, "Content-Range": `bytes */${size}`, "Content-Length": "0" });
      return void res.end();
    }
    if (r) {
      headers["content-range"] = `bytes ${r.start}-${r.end}/${size}`;
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
function sendFile(res: ServerResponse, path: string, start?: number, end?: number): void {
  const stream = createReadStream(path, start === undefined ? {} : { start, end });
  stream.on("error", () => res.destroy());
  stream.pipe(res);
}

function weakMatch(condition: string, etag: string): boolean {
  const bare = etag.replace(/^W\//, "");
  return condition.split(",").some((c) => {
    const t = c.trim();
    return t === "*" || t.replace(/^W\//, "") === bare;
  });
}

/** One `bytes=` range; several ranges or a malformed header → whole object (§12). */
function parseByteRange(header: string, size: number): { start: number; end: number } | "unsatisfiable" | undefined {
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === "" && m[2] === "")) return undefined;
  if (m[1] === "") {
    const n = Number(m[2]);
    if (n === 0 || size === 0) return "unsatisfiable";
    return { start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === "" ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (m[2] !== "" && Number(m[2]) < start) return undefined;
  if (start >= size) return "unsatisfiable";
  return { start, end };
}

/** §15: `*` only at the end matches any suffix (across `/`); otherwise the path must be exact. */
export function invalidationMatcher(path: string): (p: string) => boolean {
  if (path.endsWith("*")) {
    const prefix = path.slice(0, -1);
    return (p) => p.startsWith(prefix);
  }
  return (p) => p === path;
}

/** CloudFront's own error page (data-plane.md §14; layout unverified). */
function sendError(res: ServerResponse, method: string | undefined, status: number, reason: string, base: Record<string, string>, id: string, decorate?: Decorate, xCache = "Error from cloudfront"): void {
  const body =
    `<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN" "http://www.w3.org/TR/html4/loose.dtd">\n` +
    `<HTML><HEAD><META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=iso-8859-1">\n<TITLE>ERROR: The request could not be satisfied</TITLE>\n</HEAD><BODY>\n` +
    `<H1>${status} ERROR</H1>\n<H2>The request could not be satisfied.</H2>\n<HR noshade size="1px">\n${reason}\n<BR clear="all">\n` +
    `<HR noshade size="1px">\n<PRE>\nGenerated by cloudfront (CloudFront)\nRequest ID: ${id}\n</PRE>\n<ADDRESS>\n</ADDRESS>\n</BODY></HTML>`;
  const shown: ResponseHeaders = { server: "CloudFront", "content-type": "text/html", "content-length": String(Buffer.byteLength(body)) };
  decorate?.(shown, "miss");
  res.writeHead(status, { ...shown, ...base, "X-Cache": xCache });
  res.end(method === "HEAD" ? undefined : body);
}
