// The one way the edge asks an origin (docs/edge.md §7): a viewer's miss, a background refresh
// (stale-while-revalidate) and a custom error page's fetch all come through `askOrigin`, so each
// carries what every origin request carries: the Host the origin expects, Via, X-Amz-Cf-Id, a
// User-Agent, the origin's custom headers (which win over anything of the same name), and the
// OAC/OAI signature (§7.5), computed over the request exactly as sent.
import type { IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders } from "node:http";
import type { Readable } from "node:stream";
import type { Clock } from "../clock.ts";
import type { CloudFrontIdentity } from "../services/s3/cloudfront-identity.ts";
import type { CompiledBehavior, CompiledDistribution, CompiledOrigin } from "./compile.ts";
import { selectCookies, selects } from "./stages/cache-key.ts";
import { fetchOrigin } from "./stages/origin-fetch.ts";
import { signOriginRequest } from "./stages/oac-sign.ts";
import { headerString } from "../http/headers.ts";
import { createOriginOverrides, type OriginOverride } from "./origin-overrides.ts";
import type { VpcOriginMapping } from "./vpc-origin-map.ts";
import { createVpcOriginMapper } from "./vpc-origin-routing.ts";
import type { Logger } from "../log.ts";

/** Viewer headers CloudFront never forwards (docs/edge.md §7.2). */
const NEVER_FORWARDED = new Set(["host", "connection", "keep-alive", "proxy-connection", "te", "trailer", "upgrade", "x-real-ip", "x-forwarded-proto", "x-http-method-override", "via", "x-amz-cf-id", "x-forwarded-for"]);
/** Message framing: set from the body actually sent (bodyFraming), never copied from the viewer. */
const FRAMING = new Set(["content-length", "transfer-encoding"]);
/**
 * Viewer headers removed unless the cache policy or origin request policy selects them (docs/edge.md §7.2);
 * others (Cache-Control, Content-Type, If-*, Range, custom headers...) are forwarded as-is.
 */
const REMOVED_UNLESS_SELECTED = new Set(["accept", "accept-charset", "accept-encoding", "accept-language", "authorization", "expect", "referer", "user-agent"]);

/** What one origin request is, before the parts every origin request gets. */
export interface OriginAsk {
  readonly method: string;
  /** The path below the origin's OriginPath, as the viewer's request names it. */
  readonly path: string;
  /** The query string to send, without `?` ("" for none). */
  readonly query: string;
  /** This request's own headers (forwarded viewer headers, validators, framing); lower-case. */
  readonly headers: OutgoingHttpHeaders;
  readonly viewerProtocol: "http" | "https";
  /** The body to relay (its framing header is in `headers`). */
  readonly body?: Readable;
  /** X-Amz-Cf-Id and Via of the request on whose behalf the origin is asked. */
  readonly requestId: string;
  readonly via: string;
}

export interface OriginRequester {
  (dist: CompiledDistribution, origin: CompiledOrigin, ask: OriginAsk): Promise<IncomingMessage>;
}

export function createOriginRequester(deps: {
  readonly identity: CloudFrontIdentity;
  readonly clock: Clock;
  readonly originOverrides?: readonly OriginOverride[];
  readonly vpcOrigins?: readonly VpcOriginMapping[];
  readonly log?: Logger;
}): OriginRequester {
  // --origin: a local dev server standing in for an origin (origin-overrides.ts).
  const replace = createOriginOverrides(deps.originOverrides ?? []);
  // --vpc-origin: the local server standing in for a VPC origin (vpc-origin-map.ts); throws 502 when unmapped.
  const mapVpc = createVpcOriginMapper(deps.vpcOrigins ?? [], deps.log);
  return async (dist, configured, ask) => {
    const origin = mapVpc(replace(dist, configured));
    const headers: OutgoingHttpHeaders = { ...ask.headers };
    headers["host"] ??= origin.hostHeader;
    headers["user-agent"] ??= "Amazon CloudFront";
    headers["via"] = ask.via;
    headers["x-amz-cf-id"] = ask.requestId;
    for (const [name, value] of origin.customHeaders) headers[name.toLowerCase()] = value;
    const path = origin.pathPrefix + ask.path;
    const signed = origin.access ? await sign(dist, origin, ask.method, path, ask.query, headers, ask.body !== undefined) : headers;
    return fetchOrigin(origin, {
      method: ask.method,
      path: path + (ask.query ? `?${ask.query}` : ""),
      headers: signed,
      viewerProtocol: ask.viewerProtocol,
      ...(ask.body ? { body: ask.body } : {}),
    });
  };

  /**
   * docs/edge.md §7.5: an origin with an OAC gets a SigV4-signed request (per its signing behavior); one with a
   * legacy OAI is always signed as that identity.
   */
  async function sign(dist: CompiledDistribution, o: CompiledOrigin, method: string, path: string, query: string, headers: OutgoingHttpHeaders, hasBody: boolean): Promise<OutgoingHttpHeaders> {
    const access = o.access;
    if (!access) return headers;
    const flat: Record<string, string> = {};
    for (const [name, value] of Object.entries(headers)) if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(", ") : String(value);
    const oai = access.kind === "oai";
    const signed = await signOriginRequest(
      { method, host: String(headers["host"]), path, query, headers: flat, body: hasBody ? "stream" : undefined },
      oai ? { SigningBehavior: "always", SigningProtocol: "sigv4", OriginAccessControlOriginType: "s3" } : access.settings,
      {
        credentials: oai ? deps.identity.forOriginAccessIdentity(access.id) : deps.identity.forDistribution(dist.signingId),
        now: deps.clock.now(),
        originDomain: o.domainName,
      },
    );
    return signed.headers;
  }
}

/**
 * The viewer's headers as the behavior forwards them (docs/edge.md §7.2): what CloudFront never forwards and
 * what the policies do not select removed, the Host kept only when selected, cookies filtered,
 * X-Forwarded-For extended with the viewer's address. A cacheable request asks for the whole
 * object: Range and conditionals are answered from the cache.
 */
export function forwardedHeaders(viewer: IncomingHttpHeaders, viewerAddress: string, behavior: CompiledBehavior, cacheable: boolean): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(viewer)) {
    if (value === undefined || NEVER_FORWARDED.has(name) || FRAMING.has(name) || name === "cookie" || name.startsWith("proxy-") || name.startsWith("x-edge-") || name.startsWith("x-minifront-")) continue;
    if (cacheable && (name === "range" || name.startsWith("if-"))) continue;
    if (REMOVED_UNLESS_SELECTED.has(name) && !selects(behavior.forward.headers, name)) continue;
    out[name] = value;
  }
  if (selects(behavior.forward.headers, "host") && viewer.host) out["host"] = viewer.host;
  const cookies = selectCookies(headerString(viewer.cookie), behavior.forward.cookies);
  if (cookies.length > 0) out["cookie"] = cookies.join("; ");
  const xff = viewer["x-forwarded-for"];
  out["x-forwarded-for"] = xff ? `${String(xff)}, ${viewerAddress}` : viewerAddress;
  return out;
}

/** The framing header for relaying a viewer's body to the origin: its length, or chunked when it had none. */
export function bodyFraming(h: IncomingHttpHeaders): OutgoingHttpHeaders | undefined {
  if (h["transfer-encoding"] !== undefined) return { "transfer-encoding": "chunked" };
  if (h["content-length"] !== undefined) return { "content-length": h["content-length"] };
  return undefined;
}
