// What the edge refuses before a request reaches a function or the cache (docs/edge.md §1 steps
// 2-10), as pure decisions on the distribution, the behavior and facts about the viewer:
// a disabled distribution, geo restriction (§3), a method the behavior does not allow (§4),
// a GET or HEAD with a body, and the viewer protocol policy (§5). Signed URLs (step 8) have their
// own stage (signed-request.ts).
import type { CompiledBehavior, CompiledDistribution } from "../compile.ts";
import { geoAllowed } from "./geo.ts";

/** A response CloudFront makes itself, with its reason; `errorPage`: a custom error page for 403 may replace it. */
export interface Refusal {
  readonly kind: "refuse";
  /** 403 for the viewer checks; 502/504 when the edge answers for an origin it could not reach. */
  readonly status: number;
  readonly reason: string;
  readonly errorPage: boolean;
  /** Close the connection afterwards (the viewer sent bytes the edge will not read as a request). */
  readonly close?: boolean;
}

/** docs/edge.md §5: an HTTP request on a redirect-to-https behavior. */
export interface Redirect {
  readonly kind: "redirect";
  readonly status: 301 | 307 | 403;
  readonly location: string;
}

/** The distribution itself refuses: disabled (docs/edge.md §2), or the viewer's country is blocked (§3). */
export function checkDistribution(dist: CompiledDistribution, country: () => string): Refusal | undefined {
  if (!dist.enabled) return { kind: "refuse", status: 403, reason: "The distribution is disabled.", errorPage: false };
  if (dist.geo.type !== "none" && !geoAllowed(dist.geo, country())) {
    return { kind: "refuse", status: 403, reason: "The Amazon CloudFront distribution is configured to block access from your country.", errorPage: true };
  }
  return undefined;
}

export interface ViewerFacts {
  readonly method: string;
  readonly protocol: "http" | "https";
  readonly httpVersion: string;
  /** The request carries a body (chunked, or a non-zero Content-Length). */
  readonly hasBody: boolean;
  /** The Host header as sent, and the request target (path and query). */
  readonly host: string;
  readonly rawUrl: string;
  /** The HTTPS listener's port, when there is one (redirects point there). */
  readonly httpsPort: number | undefined;
}

/** The behavior refuses or redirects the request; undefined when it may go on. */
export function checkViewer(behavior: CompiledBehavior, v: ViewerFacts): Refusal | Redirect | undefined {
  if (!behavior.allowedMethods.has(v.method)) {
    return { kind: "refuse", status: 403, reason: "This distribution is not configured to allow the HTTP request method that was used for this request.", errorPage: true };
  }
  // docs/edge.md §1 step 10: a GET (or HEAD) that carries a body is 403 ("Request and response behavior for
  // custom origins"). Checked before any function runs; its position among the 403s is
  // unverified. The connection closes: its remaining bytes are not a request the edge will read.
  if ((v.method === "GET" || v.method === "HEAD") && v.hasBody) {
    return { kind: "refuse", status: 403, reason: "A GET or HEAD request cannot have a body.", errorPage: true, close: true };
  }
  if (v.protocol === "http" && behavior.viewerProtocolPolicy === "https-only") {
    return { kind: "refuse", status: 403, reason: "This distribution accepts HTTPS requests only.", errorPage: true };
  }
  if (v.protocol === "http" && behavior.viewerProtocolPolicy === "redirect-to-https") {
    // docs/edge.md §5: 301 for GET/HEAD, 307 keeps a body method's method, 403 for those over HTTP/1.0.
    const status = v.method === "GET" || v.method === "HEAD" ? 301 : v.httpVersion === "1.0" ? 403 : 307;
    const target = v.httpsPort === undefined ? v.host : `${v.host.replace(/:\d+$/, "")}${v.httpsPort === 443 ? "" : `:${v.httpsPort}`}`;
    return { kind: "redirect", status, location: `https://${target}${v.rawUrl}` };
  }
  return undefined;
}
