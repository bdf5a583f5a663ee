// One real-time log record (CloudFront Developer Guide, "Real-time logs", "Real-time log
// configuration fields"): the configured fields, in CloudFront's record order, tab-separated, `-`
// for an empty value, ending in a newline. Values follow the guide's field descriptions, which
// differ from the standard log's in places: `timestamp` is epoch seconds with milliseconds,
// `cs-host` is the Host the viewer sent and `x-host-header` the distribution's domain name,
// `cs-uri-stem` includes the query string, `c-ip-version` is IPv4 or IPv6, `cs-cookie`,
// `cs-headers` and `cs-header-names` are cut at 800 bytes, CMCD fields come from the viewer's CMCD
// query parameter or CMCD-* headers. Values are URL-encoded as in the standard log
// (standard-log-format.ts), the headers list being `name:value` lines joined by a newline (%0A).
// Not emulated (always `-`): s-ip, asn, fle-*, primary-distribution-* (a staging distribution's
// requests are logged as the primary's), origin-lbl, r-host, sr-reason, x-edge-mqcs,
// distribution-tenant-id, connection-id and the CloudFront Functions log-data fields;
// time-to-first-byte is the whole time taken, as in the standard log.
import type { IncomingHttpHeaders } from "node:http";
import type { EdgeRecord } from "./edge-record.ts";
import { encode, resultTypes } from "./standard-log-format.ts";

/** What the record needs besides the edge record: the behavior that matched and the viewer's country. */
export interface RecordContext {
  readonly pathPattern: string;
  readonly country: string | undefined;
}

/** "This field is truncated to 800 bytes" (cs-cookie, cs-headers, cs-header-names). */
const TRUNCATE_BYTES = 800;

/** CMCD keys (CTA-5004) by the field that logs them. */
const CMCD_KEYS: Readonly<Record<string, string>> = {
  "cmcd-encoded-bitrate": "br", "cmcd-buffer-length": "bl", "cmcd-buffer-starvation": "bs", "cmcd-content-id": "cid",
  "cmcd-object-duration": "d", "cmcd-deadline": "dl", "cmcd-measured-throughput": "mtp", "cmcd-next-object-request": "nor",
  "cmcd-next-range-request": "nrr", "cmcd-object-type": "ot", "cmcd-playback-rate": "pr", "cmcd-requested-maximum-throughput": "rtp",
  "cmcd-streaming-format": "sf", "cmcd-session-id": "sid", "cmcd-stream-type": "st", "cmcd-startup": "su", "cmcd-top-bitrate": "tb", "cmcd-version": "v",
};

/** The record line for `fields` (already in record order), newline included. */
export function realtimeLogLine(r: EdgeRecord, fields: readonly string[], ctx: RecordContext): string {
  let types: { result: string; detailed: string } | undefined;
  let cmcd: Map<string, string> | undefined;
  const out: string[] = [];
  for (const f of fields) {
    let v: string | undefined;
    if (f in CMCD_KEYS) v = (cmcd ??= cmcdOf(r)).get(CMCD_KEYS[f] as string);
    else if (f === "x-edge-result-type" || f === "x-edge-response-result-type") v = (types ??= resultTypes(r)).result;
    else if (f === "x-edge-detailed-result-type") v = (types ??= resultTypes(r)).detailed;
    else v = fieldValue(f, r, ctx);
    out.push(v === undefined || v === "" ? "-" : v);
  }
  return out.join("\t") + "\n";
}

function fieldValue(f: string, r: EdgeRecord, ctx: RecordContext): string | undefined {
  switch (f) {
    case "timestamp": return (r.time / 1000).toFixed(3);
    case "c-ip": return r.viewerIp;
    case "time-to-first-byte":
    case "time-taken": return (r.totalMs / 1000).toFixed(3);
    case "sc-status": return r.status === 0 ? "000" : String(r.status);
    case "sc-bytes": return String(r.bytesSent);
    case "cs-method": return r.method;
    case "cs-protocol": return r.protocol;
    case "cs-host": return r.host;
    case "cs-uri-stem": return encode(r.query === "" ? r.path : `${r.path}?${r.query}`, true);
    case "cs-bytes": return String(r.bytesReceived);
    case "x-edge-location": return r.pop;
    case "x-edge-request-id": return r.requestId;
    case "x-host-header": return r.distributionDomain;
    case "cs-protocol-version": return r.httpVersion;
    case "c-ip-version": return r.viewerIp.includes(":") ? "IPv6" : "IPv4";
    case "cs-user-agent": return encode(r.userAgent, false);
    case "cs-referer": return encode(r.referer, false);
    case "cs-cookie": return encode(truncate(r.cookie), false);
    case "cs-uri-query": return encode(r.query, true);
    case "x-forwarded-for": return encode(r.forwardedFor, false);
    case "ssl-protocol": return r.tlsProtocol;
    case "ssl-cipher": return r.tlsCipher;
    case "sc-content-type": return encode(r.contentType, false);
    case "sc-content-len": return r.contentLength === undefined ? undefined : String(r.contentLength);
    case "sc-range-start": return r.rangeStart === undefined ? undefined : String(r.rangeStart);
    case "sc-range-end": return r.rangeEnd === undefined ? undefined : String(r.rangeEnd);
    case "c-port": return String(r.viewerPort);
    case "c-country": return ctx.country;
    case "cs-accept-encoding": return encode(header(r.requestHeaders, "accept-encoding"), false);
    case "cs-accept": return encode(header(r.requestHeaders, "accept"), false);
    case "cache-behavior-path-pattern": return ctx.pathPattern;
    case "cs-headers": return encode(truncate(headerLines(r.requestHeaders, true)), false);
    case "cs-header-names": return encode(truncate(headerLines(r.requestHeaders, false)), false);
    case "cs-headers-count": return String(Object.keys(r.requestHeaders).length);
    case "origin-fbl": return r.originMs === undefined ? undefined : (r.originMs / 1000).toFixed(3);
    default: return undefined;
  }
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v.join(", ") : v;
}

function headerLines(headers: IncomingHttpHeaders, withValues: boolean): string {
  let out = "";
  for (const name of Object.keys(headers)) out += withValues ? `${name}:${header(headers, name) ?? ""}\n` : `${name}\n`;
  return out;
}

function truncate(value: string | undefined): string | undefined {
  if (value === undefined || Buffer.byteLength(value) <= TRUNCATE_BYTES) return value;
  return Buffer.from(value).subarray(0, TRUNCATE_BYTES).toString("utf8").replace(/\uFFFD$/, "");
}

/**
 * CMCD data from the `CMCD` query parameter or the CMCD-Request, -Object, -Status and -Session
 * headers: `key=value` pairs separated by commas, strings quoted, a key alone meaning true.
 */
function cmcdOf(r: EdgeRecord): Map<string, string> {
  const found = new Map<string, string>();
  const param = /(?:^|&)CMCD=([^&]*)/.exec(r.query)?.[1];
  let text = "";
  if (param !== undefined) {
    try {
      text = decodeURIComponent(param.replace(/\+/g, " "));
    } catch {
      text = "";
    }
  } else {
    text = ["cmcd-request", "cmcd-object", "cmcd-status", "cmcd-session"].map((h) => header(r.requestHeaders, h) ?? "").filter((v) => v !== "").join(",");
  }
  for (const pair of text.split(",")) {
    const eq = pair.indexOf("=");
    const key = (eq < 0 ? pair : pair.slice(0, eq)).trim();
    if (key === "") continue;
    const value = eq < 0 ? "true" : pair.slice(eq + 1).trim().replace(/^"(.*)"$/, "$1");
    found.set(key, encode(value, false) ?? "");
  }
  return found;
}
