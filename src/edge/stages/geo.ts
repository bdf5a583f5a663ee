// The viewer's country and geo restriction (docs/edge.md §0, §3). CloudFront knows the country
// from the viewer's IP; here it comes from, in order: the `X-Minifront-Viewer-Country` request
// header (a test or a developer says where the viewer is), the user's IP-to-country map
// (`--viewer-country-map`, CIDR → ISO code, matched against the TCP peer), and the default
// (`--viewer-country`, US). A blocked country gets 403 (with the distribution's 403 page when it
// has one); an unknown country is allowed (§3).
import { readFileSync } from "node:fs";
import { BlockList, isIPv6 } from "node:net";
import type { IncomingHttpHeaders } from "node:http";
import { EmulatorError } from "../../errors.ts";

export const VIEWER_COUNTRY_HEADER = "x-minifront-viewer-country";

export type CountryOf = (headers: IncomingHttpHeaders, ip: string) => string;

/**
 * A resolver from request to country. `map` is CIDR (or single address) → ISO 3166-1 alpha-2
 * code; the first matching entry wins, in the map's order.
 */
export function countryResolver(defaultCountry: string, map: Readonly<Record<string, string>> = {}): CountryOf {
  const ranges: Array<[BlockList, string]> = [];
  for (const [cidr, code] of Object.entries(map)) {
    if (!/^[A-Z]{2}$/.test(code)) throw new EmulatorError("ERR_CONFIG", `viewer country map: "${code}" is not a two-letter ISO country code`);
    const [address = "", bits] = cidr.split("/");
    const family = isIPv6(address) ? "ipv6" : "ipv4";
    const list = new BlockList();
    try {
      if (bits === undefined) list.addAddress(address, family);
      else list.addSubnet(address, Number(bits), family);
    } catch {
      throw new EmulatorError("ERR_CONFIG", `viewer country map: "${cidr}" is not an IP address or CIDR range`);
    }
    ranges.push([list, code]);
  }
  return (headers, ip) => {
    const given = headers[VIEWER_COUNTRY_HEADER];
    const code = (Array.isArray(given) ? given[0] : given)?.trim().toUpperCase();
    if (code && /^[A-Z]{2}$/.test(code)) return code;
    if (ranges.length > 0) {
      const plain = ip.replace(/^::ffff:/, "");
      const family = isIPv6(plain) ? "ipv6" : "ipv4";
      for (const [list, c] of ranges) if (list.check(plain, family)) return c;
    }
    return defaultCountry;
  };
}

export interface GeoRestriction {
  readonly type: "none" | "whitelist" | "blacklist";
  readonly locations: ReadonlySet<string>;
}

/** docs/edge.md §3: an allow list admits only its countries, a block list refuses its countries. */
export function geoAllowed(restriction: GeoRestriction, country: string): boolean {
  if (restriction.type === "whitelist") return restriction.locations.has(country);
  if (restriction.type === "blacklist") return !restriction.locations.has(country);
  return true;
}

/** `--viewer-country-map`: a JSON object of CIDR range → ISO country code. */
export function readCountryMap(path: string): Record<string, string> {
  if (path === "") return {};
  let map: unknown;
  try {
    map = JSON.parse(readFileSync(path, "utf8"));
  } catch (err) {
    throw new EmulatorError("ERR_CONFIG", `cannot read the viewer country map ${path}: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (typeof map !== "object" || map === null || Array.isArray(map) || !Object.values(map).every((v) => typeof v === "string")) {
    throw new EmulatorError("ERR_CONFIG", `the viewer country map ${path} must be a JSON object of "CIDR": "CC" pairs`);
  }
  return map as Record<string, string>;
}
