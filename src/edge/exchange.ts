// One viewer request as it moves through the pipeline: the facts worked out once when it arrives
// (id, POP, protocol, the compiled distribution) and the request as the viewer-request function
// left it (path, query, headers, origin), which every later stage reads.
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";
import type { TLSSocket } from "node:tls";
import type { DistributionRecord } from "../services/cloudfront/state.ts";
import type { CompiledBehavior, CompiledDistribution, CompiledOrigin } from "./compile.ts";
import type { Failover } from "./stages/origin-changes.ts";
import { applyResponseHeaders } from "./stages/response-headers.ts";
import type { Layer, Pop } from "./cache/tiers.ts";
import type { BaseHeaders, Decorate } from "./respond.ts";
import { headerString } from "../http/headers.ts";

export interface Exchange {
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
  /** The layer that answered, for Server-Timing (docs/edge.md §11, §16). */
  layer: Layer;
}

/** The request the cache and the origin see, after signed-URL parameters and the viewer-request function. */
export interface EdgeRequest {
  /** The path as the viewer-request function left it. */
  readonly uri: string;
  /** The path with the default root object applied (docs/edge.md §10). */
  readonly path: string;
  readonly rawQuery: string;
  readonly headers: IncomingHttpHeaders;
  readonly origin: CompiledOrigin;
  /** The origin group the request fails over in (GET, HEAD and OPTIONS only; docs/edge.md §8). */
  readonly group: Failover | undefined;
  /** The request body, read whole for a Lambda@Edge function (IncludeBody) and sent instead of the viewer's stream. */
  readonly body?: Buffer | undefined;
}

export function beginExchange(
  req: IncomingMessage,
  res: ServerResponse,
  rec: DistributionRecord,
  dist: CompiledDistribution,
  id: string,
  pop: Pop,
  countryOf: (headers: IncomingHttpHeaders, ip: string) => string,
): Exchange {
  let country: string | undefined;
  return {
    req,
    res,
    method: req.method ?? "GET",
    id,
    pop,
    base: { Via: pop.via, "X-Amz-Cf-Pop": pop.code, "X-Amz-Cf-Id": id },
    protocol: (req.socket as TLSSocket).encrypted ? "https" : "http",
    dist,
    rec,
    viewerIp: viewerIpOf(req),
    country: () => (country ??= countryOf(req.headers, req.socket.remoteAddress ?? "")),
    layer: "EDGE",
  };
}

/**
 * The behavior's response headers policy (docs/edge.md §11) bound to this request, and a
 * `Set-Cookie` the edge adds itself (the continuous deployment session) beside any the response
 * already has; undefined when there is neither.
 */
export function decorator(x: Exchange, behavior: CompiledBehavior, cookie?: string): Decorate | undefined {
  const policy = behavior.responseHeaders;
  let apply: Decorate | undefined;
  if (policy) {
    const h = x.req.headers;
    const viewer = { method: x.method, origin: headerString(h.origin), accessControlRequestMethod: headerString(h["access-control-request-method"]), pragma: headerString(h.pragma) };
    apply = (headers, cache) => applyResponseHeaders(policy, viewer, headers, () => ({ cache, pop: x.pop.code, requestId: x.id, layer: x.layer }), Math.random);
  }
  if (cookie === undefined) return apply;
  return (headers, cache) => {
    apply?.(headers, cache);
    const had = headers["set-cookie"];
    headers["set-cookie"] = had === undefined ? cookie : [...(Array.isArray(had) ? had : [had]), cookie];
  };
}

/** Only a request for exactly `/` gets the default root object (docs/edge.md §10). */
export function rootObject(dist: CompiledDistribution, path: string): string {
  return path === "/" && dist.defaultRootObject ? `/${dist.defaultRootObject}` : path;
}

/** The viewer's address as CloudFront reports it (an IPv4-mapped IPv6 address as IPv4). */
export function viewerIpOf(req: IncomingMessage): string {
  return (req.socket.remoteAddress ?? "").replace(/^::ffff:/, "");
}
