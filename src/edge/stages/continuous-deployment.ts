// Continuous deployment at the edge (issue 17; CloudFront Developer Guide, "Learn how continuous
// deployment works"): whether a viewer request to a primary distribution is served by the staging
// distribution its enabled policy names.
//
// - SingleHeader: the request carries the policy's `aws-cf-cd-…` header with exactly its Value.
// - SingleWeight: a share `Weight` of requests (a roll in [0, 1) below the weight). With session
//   stickiness CloudFront "sets a cookie so that all requests from the same viewer in a single
//   session are served by one distribution"; the guide names neither the cookie nor its format, so
//   here it is `aws-cf-cd-session=<policy id>.<epoch>.<p|s>.<start>.<last>` (seconds), renewed on
//   every response: a session ends after IdleTTL without requests or MaximumTTL after it began,
//   and when the policy or its stickiness is switched on or off (the epoch moves; the guide says
//   those reset all sessions). Max-Age is what is left of the session.
// - A disabled policy routes nothing. A staging distribution reached by its own domain name is not
//   served ("Viewers cannot send requests directly to a staging distribution"); pipeline.ts answers
//   it as an unknown host.
// Not emulated: CloudFront sending everything to the primary under load, and the HTTP/3 exclusion.
import type { IncomingHttpHeaders } from "node:http";
import type { ContinuousDeploymentPolicyConfig } from "@aws-sdk/client-cloudfront";
import { cookiePairs } from "../../http/cookies.ts";

export const SESSION_COOKIE = "aws-cf-cd-session";

/** The parts of a stored policy the edge reads. */
export interface RoutingPolicy {
  readonly Id: string;
  readonly config: ContinuousDeploymentPolicyConfig;
  readonly sessionEpoch: number;
}

export interface Routing {
  readonly toStaging: boolean;
  /** A Set-Cookie value to send with the response (weight-based with stickiness). */
  readonly setCookie?: string;
}

const PRIMARY: Routing = { toStaging: false };
const STAGING: Routing = { toStaging: true };

/**
 * Where one request goes. `nowMs` is the edge clock; `roll` a uniform random number in [0, 1),
 * used only when the request is not already in a session.
 */
export function routeRequest(policy: RoutingPolicy, headers: IncomingHttpHeaders, nowMs: number, roll: number): Routing {
  const c = policy.config;
  const traffic = c.TrafficConfig;
  if (!c.Enabled || !traffic) return PRIMARY;
  if (traffic.Type === "SingleHeader") {
    const rule = traffic.SingleHeaderConfig;
    const got = rule?.Header ? headers[rule.Header.toLowerCase()] : undefined;
    return (Array.isArray(got) ? got.includes(rule?.Value ?? "") : got === rule?.Value) ? STAGING : PRIMARY;
  }
  const weight = traffic.SingleWeightConfig?.Weight ?? 0;
  const sticky = traffic.SingleWeightConfig?.SessionStickinessConfig;
  if (!sticky) return roll < weight ? STAGING : PRIMARY;
  const now = Math.floor(nowMs / 1000);
  const session = readSession(headers.cookie, policy, now, sticky.IdleTTL ?? 0, sticky.MaximumTTL ?? 0);
  const toStaging = session ? session.toStaging : roll < weight;
  const start = session ? session.start : now;
  const maxAge = Math.min(sticky.IdleTTL ?? 0, start + (sticky.MaximumTTL ?? 0) - now);
  const value = `${policy.Id}.${policy.sessionEpoch}.${toStaging ? "s" : "p"}.${start}.${now}`;
  return { toStaging, setCookie: `${SESSION_COOKIE}=${value}; Max-Age=${maxAge}; Path=/; HttpOnly` };
}

interface Session {
  readonly toStaging: boolean;
  readonly start: number;
}

/** The viewer's live session of this policy, from its Cookie header. */
export function readSession(cookieHeader: string | undefined, policy: RoutingPolicy, now: number, idleTtl: number, maxTtl: number): Session | undefined {
  if (!cookieHeader) return undefined;
  for (const [name, value] of cookiePairs(cookieHeader)) {
    if (name !== SESSION_COOKIE) continue;
    const [id, epoch, side, start, last] = value.split(".");
    if (id !== policy.Id || epoch !== String(policy.sessionEpoch) || (side !== "s" && side !== "p")) continue;
    const began = Number(start);
    const seen = Number(last);
    if (!Number.isInteger(began) || !Number.isInteger(seen) || seen < began || seen > now) continue;
    if (now - seen > idleTtl || now - began > maxTtl) continue;
    return { toStaging: side === "s", start: began };
  }
  return undefined;
}
