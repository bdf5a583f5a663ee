// The edge: one viewer request through a distribution, in the order of docs/edge.md §1.
//
//   resolve distribution and behavior → viewer checks (disabled, geo, method, body, protocol)
//   → signed URL/cookie → viewer-request function → cache lookup (POP → REC → Origin Shield)
//   → hit: respond │ miss: one origin request (failover) → store → respond
//   (response headers policy and viewer-response function on the way out)
//
// This file is the orchestrator; each step is a module: stages/ (pure decisions and per-request
// transforms), edge-answers.ts (refusals, redirects, signed URLs), fetch-through.ts (lookup,
// collapsing, stale copies, the origin request), cache/ (tiers, relay-and-fill, invalidation),
// origin-request.ts (the one way to ask an origin), origin-response.ts (origin response → viewer
// response and cache entry), error-pages.ts (§10), respond.ts (writing responses). A plain cache
// hit takes `tryHit`: a few lookups, through the same POP, key and tier code as the full path.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { TLSSocket } from "node:tls";
import type { Clock } from "../clock.ts";
import type { Logger } from "../log.ts";
import type { CloudFrontIdentity } from "../services/s3/cloudfront-identity.ts";
import type { CloudFrontState, DistributionRecord } from "../services/cloudfront/state.ts";
import { edgeView, type EdgeConfigView } from "../services/cloudfront/edge-view.ts";
import type { S3OriginSettings } from "../services/s3/origin-address.ts";
import type { FunctionRuntime } from "../functions/index.ts";
import { compileDistribution, type CompiledBehavior, type CompiledDistribution } from "./compile.ts";
import { beginExchange, decorator, rootObject, viewerIpOf, type EdgeRequest, type Exchange } from "./exchange.ts";
import { requestIds } from "./request-ids.ts";
import { matchBehavior } from "./stages/match-behavior.ts";
import { checkDistribution, checkViewer } from "./stages/viewer-checks.ts";
import type { CountryOf } from "./stages/geo.ts";
import { runViewerRequest, runViewerResponse, type FunctionRequestFacts, type ViewerRequestOutcome } from "./stages/viewer-functions.ts";
import { applyOriginChanges } from "./stages/origin-changes.ts";
import { edgeCacheKey } from "./stages/cache-key.ts";
import { normalizeAcceptEncoding } from "./stages/compress.ts";
import type { CachedResponse } from "./cache/cached-response.ts";
import type { CacheStore } from "./cache/cache-store.ts";
import type { RemoteTier } from "./cache/remote-tier.ts";
import { sendPrerendered } from "./cache/prerendered-head.ts";
import { EdgeLocations, layerOf, lookUp, tiersOf } from "./cache/tiers.ts";
import { createOriginRequester } from "./origin-request.ts";
import type { OriginOverride } from "./origin-overrides.ts";
import type { VpcOriginMapping } from "./vpc-origin-map.ts";
import { chooseProfile, encryptRequestBody } from "./stages/field-level-encryption.ts";
import { createErrorPages } from "./error-pages.ts";
import { createEdgeAnswers } from "./edge-answers.ts";
import { createFetchThrough, type WayOut } from "./fetch-through.ts";
import { ageSeconds, sendError, sendFile, sendGenerated, serveCached, type Decorate } from "./respond.ts";
import { carriesBody, headerString } from "../http/headers.ts";
import { generatedHeaders, lambdaViewerRequest, lambdaViewerResponse, readRequestBody, type EdgeLambdas } from "./lambda-edge.ts";
import type { LambdaFailure } from "./stages/lambda-edge-result.ts";
import { routeToStaging } from "./staging-route.ts";
import { HttpsWarnings } from "./https-warnings.ts";
import { noteFunction, noteHit, noteMatch } from "./request-notes.ts";

export { POP_HEADER } from "./cache/tiers.ts";

export interface EdgeDeps {
  readonly clock: Clock;
  readonly cache: CacheStore;
  readonly s3: S3OriginSettings;
  /** POP codes (X-Amz-Cf-Pop); the first serves requests that do not pick one (docs/edge.md §0). */
  readonly pops: readonly string[];
  /** Objects larger than this are relayed without being cached (bytes). */
  readonly maxObjectBytes: number;
  /** Objects larger than this are cached on disk instead of in memory (bytes; the cache's choice, edge-cache.ts). */
  readonly memoryObjectBytes: number;
  /** Runs CloudFront Functions (viewer-request / viewer-response). */
  readonly functions: FunctionRuntime;
  /** Credentials for signing OAC and OAI requests to S3 origins (docs/edge.md §7.5). */
  readonly identity: CloudFrontIdentity;
  /** The viewer's country (docs/edge.md §0, §3). */
  readonly countryOf: CountryOf;
  /** The HTTPS listener's port once listening, for redirect-to-https; undefined without one. */
  readonly httpsPort: () => number | undefined;
  readonly log: Logger;
  /** Runs Lambda@Edge functions (lambda-edge.ts); without it, associations are not run. */
  readonly lambdas?: EdgeLambdas;
  /** `--origin`: local servers standing in for origins (origin-overrides.ts). */
  readonly originOverrides?: readonly OriginOverride[];
  /** `--vpc-origin`: local servers standing in for VPC origins (vpc-origin-map.ts). */
  readonly vpcOrigins?: readonly VpcOriginMapping[];
  /** `--cluster`: the regional tier shared with the other nodes, asked after the local tiers miss (cache/remote-tier.ts). */
  readonly remote?: RemoteTier;
}

export interface Edge {
  /** Undefined when the response was sent synchronously (a plain cache hit). */
  handle(req: IncomingMessage, res: ServerResponse, rec: DistributionRecord, state: CloudFrontState): Promise<void> | undefined;
  /** A Host that is no distribution's (edge-only listener): CloudFront's 403 (docs/edge.md §2). */
  unknownHost(req: IncomingMessage, res: ServerResponse): void;
  /** Removes cached objects of a distribution matching invalidation paths (docs/edge.md §15). */
  invalidate(distributionId: string, paths: readonly string[]): number;
}

const FUNCTION_FAILED = "The CloudFront function associated with the CloudFront distribution is invalid or could not run.";

export function createEdge(deps: EdgeDeps): Edge {
  const compile = compiler(deps);
  const locations = new EdgeLocations(deps.pops);
  const nextId = requestIds();
  const ask = createOriginRequester(deps);
  const errorPages = createErrorPages({ cache: deps.cache, ask, memoryObjectBytes: deps.memoryObjectBytes });
  const answers = createEdgeAnswers({ clock: deps.clock, log: deps.log, errorPages });
  const httpsWarnings = new HttpsWarnings(deps.log, deps.httpsPort);
  const fetchThrough = createFetchThrough({ ...deps, ask, errorPages, refuse: answers.refuse });

  return {
    invalidate(distributionId, paths) {
      // The shared tier's purge is sent now, so no later lookup from this node finds what it removes.
      void deps.remote?.purge(distributionId, paths);
      return deps.cache.purge(distributionId, paths);
    },

    unknownHost(req, res) {
      req.resume();
      const pop = locations.defaultPop;
      sendError(res, req.method, 403, "Bad request. We can't connect to the server for this app or website at this time.", { Via: pop.via, "X-Amz-Cf-Pop": pop.code, "X-Amz-Cf-Id": nextId() });
    },

    handle(req, res, rec, state) {
      // Continuous deployment (stages/continuous-deployment.ts): a staging distribution is not
      // served by its own name; a primary's policy may hand the request to its staging
      // distribution, whose compiled config and cache (keyed by its id) serve it from here on.
      if (rec.config.Staging) return void this.unknownHost(req, res);
      if (rec.config.ContinuousDeploymentPolicyId) {
        const route = routeToStaging(rec, state, req.headers, deps.clock.now());
        rec = route.rec;
        // A prerendered hit head cannot carry the session cookie: the full path sends it.
        if (route.setCookie) {
          res.setHeader("Set-Cookie", route.setCookie);
          return handleFully(req, res, rec, state, route.setCookie);
        }
      }
      const hit = tryHit(req, res, rec, state);
      return hit === true ? undefined : handleFully(req, res, rec, state, undefined, hit || undefined);
    },
  };

  /**
   * The cache-hit fast path (docs/style.md: "a cache hit should be a few lookups"): a plain GET or HEAD
   * for a fresh cached 2xx/3xx object, on a behavior with nothing that runs per request (compile.ts
   * `plainHits`: no functions, signed URLs, response headers policy or CloudFront-* headers) or only
   * a viewer-request CloudFront Function that lets the request through untouched, and a
   * distribution without geo restriction. The same answer handleFully gives (the same POP, key and
   * tiers code), without its promises and closures; false for anything else, or the function's run
   * for handleFully to go on with.
   */
  function tryHit(req: IncomingMessage, res: ServerResponse, rec: DistributionRecord, state: CloudFrontState): boolean | RanFirst {
    const method = req.method;
    if (method !== "GET" && method !== "HEAD") return false;
    const h = req.headers;
    if (h["if-none-match"] !== undefined || h["if-modified-since"] !== undefined || h.range !== undefined) return false;
    // A body (or a framing header announcing one) is refused by the full path (docs/edge.md §1 step 10).
    if (h["content-length"] !== undefined || h["transfer-encoding"] !== undefined) return false;
    const { dist, view } = compile(rec, state);
    if (!dist.enabled || dist.geo.type !== "none") return false;
    const rawUrl = req.url ?? "/";
    const q = rawUrl.indexOf("?");
    const viewerPath = q < 0 ? rawUrl : rawUrl.slice(0, q);
    const behavior = matchBehavior(dist, viewerPath);
    if (!behavior.plainHits && !behavior.plainHitsAfterViewerRequest) return false;
    if (behavior.viewerProtocolPolicy !== "allow-all" && !(req.socket as TLSSocket).encrypted) return false;
    const origin = dist.origins.get(behavior.targetOriginId);
    if (!origin) return false;
    const rawQuery = q < 0 ? "" : rawUrl.slice(q + 1);
    const pop = locations.popFor(h);
    let id: string | undefined;
    let ran: { readonly facts: FunctionRequestFacts; readonly outcome: ViewerRequestOutcome } | undefined;
    if (!behavior.plainHits) {
      // The viewer-request function runs first (after the checks above, as on the full path). Only
      // an in-thread run that leaves the request untouched goes on here; any other outcome, or a
      // run still pending, continues on the full path with this run and request id (no second run).
      const fn = view.liveFunction(behavior.viewerRequestFunction as string);
      if (!fn) return false;
      id = nextId();
      const facts = functionFacts(req, rec, dist.id, viewerPath, q < 0 ? undefined : rawQuery, id, pop.code);
      const outcome = runViewerRequest(deps.functions, fn, facts);
      if (outcome instanceof Promise || !untouched(outcome, facts)) return { id, outcome };
      ran = { facts, outcome };
    }
    const path = rootObject(dist, viewerPath);
    const key = edgeCacheKey(dist.id, behavior, method, path, rawQuery, h, normalizeAcceptEncoding(headerString(h["accept-encoding"]), behavior.encodings));
    const now = deps.clock.now();
    const found = lookUp(deps.cache, tiersOf(pop, origin.originShield), dist.id, key, now);
    if (!found || found.entry.status >= 400) return id === undefined || ran === undefined ? false : { id, outcome: ran.outcome };
    const hit = found.entry;
    // A GET or HEAD has normally been read whole already; resuming costs a tick per request.
    if (!req.readableEnded && !req.complete) req.resume();
    noteMatch(req, behavior.pathPattern, key, layerOf(found.tier));
    id ??= nextId();
    noteHit(req, pop.code, id);
    if (ran) noteFunction(req, "viewer-request", "CloudFront Function", behavior.viewerRequestFunction ?? "", ran.facts, ran.outcome);
    if (hit.head && sendPrerendered(res, hit.head, `${pop.lines}X-Amz-Cf-Id: ${id}\r\nX-Cache: Hit from cloudfront\r\nAge: ${ageSeconds(now, hit)}\r\n`, hit.file ? undefined : hit.body)) {
      if (hit.file && method === "HEAD") res.end();
      else if (hit.file) sendFile(res, hit.file.path);
    } else {
      serveCached(req, res, hit, "Hit from cloudfront", { Via: pop.via, "X-Amz-Cf-Pop": pop.code, "X-Amz-Cf-Id": id }, now);
    }
    return true;
  }

  /**
   * `sessionCookie`: a continuous deployment session cookie the response carries beside the origin's own.
   * `ranFirst`: the viewer-request function already ran on the fast path (tryHit), with this request id.
   */
  async function handleFully(req: IncomingMessage, res: ServerResponse, rec: DistributionRecord, state: CloudFrontState, sessionCookie?: string, ranFirst?: RanFirst): Promise<void> {
    // 1. The distribution and the request's facts.
    const { dist, view } = compile(rec, state);
    const x = beginExchange(req, res, rec, dist, ranFirst?.id ?? nextId(), locations.popFor(req.headers), deps.countryOf);
    const refused = checkDistribution(dist, x.country);
    if (refused) return answers.refuse(x, refused, undefined);
    const rawUrl = req.url ?? "/";
    const q = rawUrl.indexOf("?");
    const viewerPath = q < 0 ? rawUrl : rawUrl.slice(0, q);

    // 2. The behavior, and the checks it makes (docs/edge.md §4, §5, §1 step 10).
    const behavior = matchBehavior(dist, viewerPath);
    noteMatch(req, behavior.pathPattern, undefined);
    const decor = decorator(x, behavior, sessionCookie);
    const verdict = checkViewer(behavior, {
      method: x.method,
      protocol: x.protocol,
      httpVersion: req.httpVersion,
      hasBody: carriesBody(req.headers),
      host: req.headers.host ?? "",
      rawUrl,
      httpsPort: deps.httpsPort(),
    });
    if (verdict) {
      if (verdict.kind === "redirect") httpsWarnings.redirected(dist.id, verdict.location);
      return answers.refuse(x, verdict, decor);
    }

    // 3. Signed URLs and cookies (docs/signed-urls.md): the signing parameters are not part of the key
    // or the origin request.
    let rawQuery = q < 0 ? "" : rawUrl.slice(q + 1);
    if (behavior.trustedKeys) {
      const signed = await answers.checkSignature(x, behavior.trustedKeys, viewerPath, rawQuery, decor);
      if (signed === undefined) return;
      rawQuery = signed;
    }

    // 4. The viewer-request function may rewrite the request or answer it (docs/functions.md).
    const facts = functionFacts(req, rec, dist.id, viewerPath, q < 0 ? undefined : rawQuery, x.id, x.pop.code);
    const request = await viewerRequest(x, behavior, view, facts, decor, ranFirst?.outcome);
    if (!request) return;

    // 5–7. The cache, and on a miss the origin; on the way out the viewer-response function (on
    // successful responses) and the response headers policy.
    return fetchThrough(x, behavior, request, wayOut(x, behavior, view, { ...facts, uri: request.uri, rawQuery: request.rawQuery, headers: request.headers }, decor));
  }

  /** Step 4: the request the cache and origin see, or undefined when the request was answered. */
  async function viewerRequest(
    x: Exchange,
    behavior: CompiledBehavior,
    view: EdgeConfigView,
    facts: FunctionRequestFacts,
    decor: Decorate | undefined,
    ranFirst: RanFirst["outcome"] | undefined,
  ): Promise<EdgeRequest | undefined> {
    const { req, res, dist, method } = x;
    let origin = dist.origins.get(behavior.targetOriginId);
    let group = method === "GET" || method === "HEAD" || method === "OPTIONS" ? dist.failover.get(behavior.targetOriginId) : undefined;
    let { uri, headers } = facts;
    let rawQuery = facts.rawQuery ?? "";
    const fn = behavior.viewerRequestFunction ? view.liveFunction(behavior.viewerRequestFunction) : undefined;
    if (fn) {
      // In-thread functions answer synchronously: no await (and no microtask) for them.
      const ran = ranFirst ?? runViewerRequest(deps.functions, fn, facts);
      const out = ran instanceof Promise ? await ran : ran;
      noteFunction(req, "viewer-request", "CloudFront Function", behavior.viewerRequestFunction ?? "", facts, out);
      if (out.kind !== "continue") req.resume();
      if (out.kind === "failed") {
        deps.log.warn(`edge ${dist.id} ${method} ${facts.uri}: viewer-request function ${behavior.viewerRequestFunction ?? ""} failed: ${out.message} (X-Amz-Cf-Id ${x.id})`);
        return void sendError(res, method, out.status, FUNCTION_FAILED, x.base, decor, out.xCache);
      }
      if (out.kind === "generated") {
        decor?.(out.headers, "miss");
        return void sendGenerated(res, method, out.status, out.statusText, out.headers, x.base, "FunctionGeneratedResponse from cloudfront", out.body);
      }
      ({ uri, rawQuery, headers } = out);
      const routed = applyOriginChanges(dist, origin, group, out.originChanges);
      if (typeof routed === "string") {
        req.resume();
        return void sendError(res, method, 502, `The CloudFront function asked for an origin change that cannot be made: ${routed}`, x.base, decor, "FunctionValidationError from cloudfront");
      }
      ({ origin, group } = routed);
    }
    // A viewer event has a CloudFront Function or a Lambda@Edge function, never both (validation).
    const lambda = behavior.lambdaAssociations["viewer-request"];
    let body: Buffer | undefined;
    if (lambda && deps.lambdas) {
      if (lambda.includeBody && carriesBody(req.headers)) body = await readRequestBody(req);
      const out = await lambdaViewerRequest(deps.lambdas, deps.log, lambda, x, { uri, querystring: rawQuery, headers, body });
      if (out.kind !== "request") req.resume();
      if (out.kind === "failed") return void sendError(res, method, out.status, out.message, x.base, decor, out.xCache);
      if (out.kind === "generated") {
        const shown = generatedHeaders(out);
        decor?.(shown, "miss");
        return void sendGenerated(res, method, out.status, out.statusDescription, shown, x.base, "LambdaGeneratedResponse from cloudfront", out.body);
      }
      ({ uri, headers } = out);
      rawQuery = out.querystring;
      body = out.body ?? body;
    }
    if (!origin) return void sendError(res, method, 502, "The origin for this behavior is not configured.", x.base);
    // Field-level encryption (stages/field-level-encryption.ts): the profile's form fields are
    // encrypted before the origin sees the body.
    if (behavior.fieldLevelEncryption) {
      const plan = chooseProfile(behavior.fieldLevelEncryption, method, headerString(headers["content-type"]), rawQuery);
      const sealed = plan.kind === "encrypt" ? await encryptRequestBody(req, body, plan.profile) : plan.kind === "refuse" ? plan : body;
      if (sealed && "kind" in sealed) {
        req.resume();
        return void (await answers.refuse(x, sealed, decor));
      }
      body = sealed;
    }
    return { uri, path: rootObject(dist, uri), rawQuery, headers, origin, group, body };
  }

  /** Steps 8–9: the viewer-response function on successful responses, then the response headers policy (respond.ts). */
  function wayOut(x: Exchange, behavior: CompiledBehavior, view: EdgeConfigView, facts: FunctionRequestFacts, decor: Decorate | undefined): WayOut {
    const fn = behavior.viewerResponseFunction ? view.liveFunction(behavior.viewerResponseFunction) : undefined;
    const lambdas = deps.lambdas;
    const lambda = behavior.lambdaAssociations["viewer-response"];
    let failure: LambdaFailure | undefined;
    const viewerResponse = fn
      ? async (entry: CachedResponse) => {
          const shown = await runViewerResponse(deps.functions, fn, facts, entry);
          noteFunction(x.req, "viewer-response", "CloudFront Function", behavior.viewerResponseFunction ?? "", entry, shown);
          if (!shown) deps.log.warn(`edge ${x.dist.id} ${x.method} ${facts.uri}: viewer-response function ${behavior.viewerResponseFunction ?? ""} failed (X-Amz-Cf-Id ${x.id})`);
          return shown;
        }
      : lambda && lambdas
        ? async (entry: CachedResponse) => {
            const out = await lambdaViewerResponse(lambdas, deps.log, lambda, x, facts, entry);
            if (out.kind === "failed") failure = out;
            return out.kind === "failed" ? undefined : out.entry;
          }
        : undefined;
    return {
      decor,
      viewerResponse,
      async serve(entry, xCache, cache, withAge = true) {
        const shown = viewerResponse && entry.status < 400 ? await viewerResponse(entry) : entry;
        if (!shown && failure) return sendError(x.res, x.method, failure.status, failure.message, x.base, decor, failure.xCache);
        if (!shown) return sendError(x.res, x.method, 503, FUNCTION_FAILED, x.base, decor, "FunctionExecutionError from cloudfront");
        serveCached(x.req, x.res, shown, xCache, x.base, deps.clock.now(), withAge, decor && ((h) => decor(h, cache)));
      },
    };
  }
}

/**
 * Compiled distributions, recompiled when the distribution or anything it refers to by id changes
 * (the view's configuration version), and the read-only view of each state (the reset endpoints
 * replace the state).
 */
function compiler(deps: Pick<EdgeDeps, "s3">): (rec: DistributionRecord, state: CloudFrontState) => Compiled {
  const compiled = new WeakMap<DistributionRecord, Compiled>();
  const views = new WeakMap<CloudFrontState, EdgeConfigView>();
  return (rec, state) => {
    let view = views.get(state);
    if (!view) views.set(state, (view = edgeView(state)));
    const version = view.configVersion();
    const c = compiled.get(rec);
    if (c && c.version === version && c.view === view) return c;
    const fresh = { version, view, dist: compileDistribution(rec, deps.s3, view) };
    compiled.set(rec, fresh);
    return fresh;
  };
}

interface Compiled {
  readonly version: number;
  readonly view: EdgeConfigView;
  readonly dist: CompiledDistribution;
}

/** The viewer-request function's run on the fast path, handed to the full path with its request id. */
interface RanFirst {
  readonly id: string;
  readonly outcome: ViewerRequestOutcome | Promise<ViewerRequestOutcome>;
}

/** What a viewer-request function is given (the full path builds the same from its exchange). */
function functionFacts(req: IncomingMessage, rec: DistributionRecord, distributionId: string, uri: string, rawQuery: string | undefined, requestId: string, pop: string): FunctionRequestFacts {
  return { method: req.method ?? "GET", uri, rawQuery, headers: req.headers, viewerIp: viewerIpOf(req), distributionId, distributionDomainName: rec.DomainName, requestId, pop };
}

/** The function let the request through as it came: same URI, query and headers object, no origin change. */
function untouched(out: ViewerRequestOutcome, facts: FunctionRequestFacts): boolean {
  return out.kind === "continue" && out.uri === facts.uri && out.rawQuery === (facts.rawQuery ?? "") && out.headers === facts.headers && out.originChanges.length === 0;
}
