// `--origin [<distributionId>/]<originId>=<url>`: a local development server (Vite, Next, an API on
// localhost) standing in for one origin of a distribution, behind that distribution's real
// behaviors, cache and origin request policies, functions and error pages, as Netlify's and
// Vercel's dev servers put a dev server behind the production routing. No AWS counterpart: this
// is a development aid of minifront's own.
//
// What changes for a replaced origin: where requests go (the URL's scheme, host and port), the
// path prefix (the URL's path instead of OriginPath or the S3 bucket), the Host header (the dev
// server's own), and signing (none: a dev server has no use for OAC/OAI signatures). What stays:
// the origin's id, custom headers, timeouts, connection attempts and Origin Shield, and
// everything the distribution decides before and after asking the origin.
// Not done: WebSocket upgrades (a dev server's hot-reload channel is reached directly, not
// through the edge).
import { EmulatorError } from "../errors.ts";
import type { CompiledDistribution, CompiledOrigin } from "./compile.ts";

export interface OriginOverride {
  /** Only this distribution's origin; undefined = the origin of that id in every distribution. */
  readonly distributionId: string | undefined;
  readonly originId: string;
  readonly url: URL;
}

/**
 * Parses the `--origin` option: comma-separated `[<distributionId>/]<originId>=<http(s) URL>`.
 * Throws EmulatorError ERR_CONFIG on a malformed entry.
 */
export function parseOriginOverrides(spec: string): OriginOverride[] {
  const out: OriginOverride[] = [];
  for (const raw of spec.split(",")) {
    const entry = raw.trim();
    if (entry === "") continue;
    const eq = entry.indexOf("=");
    const target = eq > 0 ? entry.slice(0, eq) : "";
    const slash = target.indexOf("/");
    const distributionId = slash >= 0 ? target.slice(0, slash) : undefined;
    const originId = slash >= 0 ? target.slice(slash + 1) : target;
    const url = URL.canParse(entry.slice(eq + 1)) ? new URL(entry.slice(eq + 1)) : undefined;
    if (eq <= 0 || originId === "" || distributionId === "" || !url || (url.protocol !== "http:" && url.protocol !== "https:")) {
      throw new EmulatorError("ERR_CONFIG", `--origin takes [<distributionId>/]<originId>=http(s)://host:port, not "${entry}"`);
    }
    out.push({ distributionId, originId, url });
  }
  return out;
}

/** Replaces the origins named by `overrides`; the same replacement object for the same origin. */
export function createOriginOverrides(overrides: readonly OriginOverride[]): (dist: CompiledDistribution, origin: CompiledOrigin) => CompiledOrigin {
  if (overrides.length === 0) return (_dist, origin) => origin;
  // A distribution's compiled origins live until its next change; the answer for each with them.
  const decided = new WeakMap<CompiledOrigin, { readonly distributionId: string; readonly origin: CompiledOrigin }>();
  return (dist, origin) => {
    const hit = decided.get(origin);
    if (hit?.distributionId === dist.id) return hit.origin;
    // A distribution-specific entry wins over one for every distribution.
    const o = overrides.find((x) => x.originId === origin.id && x.distributionId === dist.id) ?? overrides.find((x) => x.originId === origin.id && x.distributionId === undefined);
    const next = o ? replaceOrigin(origin, o.url) : origin;
    decided.set(origin, { distributionId: dist.id, origin: next });
    return next;
  };
}

function replaceOrigin(origin: CompiledOrigin, url: URL): CompiledOrigin {
  const https = url.protocol === "https:";
  const port = url.port === "" ? (https ? 443 : 80) : Number(url.port);
  return {
    ...origin,
    protocol: https ? "https:" : "http:",
    // URL keeps IPv6 literals in brackets; node:http wants them bare.
    hostname: url.hostname.replace(/^\[|\]$/g, ""),
    port,
    httpsPort: port,
    pathPrefix: url.pathname.replace(/\/+$/, ""),
    hostHeader: url.host,
    isS3: false,
    access: undefined,
  };
}
