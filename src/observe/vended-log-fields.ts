// The values of the fields a standard logging (v2) delivery chose (CloudFront Developer Guide,
// "Configure standard logging (v2)": the legacy log's fields plus a subset of the real-time log
// fields). The legacy 33 are written as the legacy log writes them (standard-log-format.ts: same
// encoding, `-` for empty), cs(Cookie) included whenever the field is chosen (v2 has no
// IncludeCookies switch: choosing the field is the switch). Of the real-time fields: timestamp is
// epoch seconds with milliseconds, timestamp(ms) epoch milliseconds, origin-fbl the origin's
// latency to its response headers in seconds. Written as `-` because minifront has no value for
// them: asn, c-country, origin-lbl, primary-distribution-*, sr-reason.
import type { EdgeRecord } from "./edge-record.ts";
import { STANDARD_LOG_FIELDS, encode, standardLogValues } from "./standard-log-format.ts";

const LEGACY_INDEX: ReadonlyMap<string, number> = new Map(STANDARD_LOG_FIELDS.map((f, i) => [f, i]));

/** A record's values for `fields`, in that order (strings, `-` for none). */
export function vendedLogValues(r: EdgeRecord, fields: readonly string[]): string[] {
  let legacy: string[] | undefined;
  return fields.map((field) => {
    const i = LEGACY_INDEX.get(field);
    if (i !== undefined) return (legacy ??= standardLogValues(r, true))[i] as string;
    return extraValue(r, field) ?? "-";
  });
}

function extraValue(r: EdgeRecord, field: string): string | undefined {
  switch (field) {
    case "timestamp(ms)":
      return String(Math.round(r.time));
    case "timestamp":
      return (r.time / 1000).toFixed(3);
    case "DistributionId":
      return r.distributionId;
    case "origin-fbl":
      return r.originMs === undefined ? undefined : (r.originMs / 1000).toFixed(3);
    case "c-ip-version":
      return r.viewerIp.includes(":") ? "IPv6" : "IPv4";
    case "cache-behavior-path-pattern":
      return r.notes?.behavior;
    case "cs-accept":
      return encode(header(r, "accept"), false);
    case "cs-accept-encoding":
      return encode(header(r, "accept-encoding"), false);
    case "cs-header-names":
      return r.requestHeaders ? encode(Object.keys(r.requestHeaders).join("\n"), false) : undefined;
    case "cs-headers":
      return r.requestHeaders ? encode(Object.entries(r.requestHeaders).map(([k, v]) => `${k}:${Array.isArray(v) ? v.join(",") : (v ?? "")}`).join("\n"), false) : undefined;
    case "cs-headers-count":
      return r.requestHeaders ? String(Object.keys(r.requestHeaders).length) : undefined;
    default:
      return undefined;
  }
}

function header(r: EdgeRecord, name: string): string | undefined {
  const v = r.requestHeaders?.[name];
  return Array.isArray(v) ? v.join(", ") : v;
}
