// The legacy standard log's file format (CloudFront Developer Guide, "Standard logging reference",
// "Log file fields"): a `#Version: 1.0` line, a `#Fields:` line naming the 33 fields, then one
// tab-separated line per request, `-` for an empty value, times in UTC, time-taken in seconds with
// millisecond precision. Values that may hold spaces or other special characters (the URI stem and
// query, Referer, User-Agent, Cookie) are URL-encoded as the guide says; a percent sign the viewer
// sent percent-encoded stays as it is in the stem and query. Not emulated: field-level encryption
// (fle-status and fle-encrypted-fields are always `-`), time-to-first-byte (the whole time taken).
import type { EdgeRecord } from "./edge-record.ts";
import { timeOfDay, utcDate } from "./utc-time.ts";

export const STANDARD_LOG_FIELDS = [
  "date", "time", "x-edge-location", "sc-bytes", "c-ip", "cs-method", "cs(Host)", "cs-uri-stem", "sc-status", "cs(Referer)",
  "cs(User-Agent)", "cs-uri-query", "cs(Cookie)", "x-edge-result-type", "x-edge-request-id", "x-host-header", "cs-protocol", "cs-bytes", "time-taken", "x-forwarded-for",
  "ssl-protocol", "ssl-cipher", "x-edge-response-result-type", "cs-protocol-version", "fle-status", "fle-encrypted-fields", "c-port", "time-to-first-byte", "x-edge-detailed-result-type", "sc-content-type",
  "sc-content-len", "sc-range-start", "sc-range-end",
] as const;

export const STANDARD_LOG_HEADER = `#Version: 1.0\n#Fields: ${STANDARD_LOG_FIELDS.join(" ")}\n`;

/** Result types x-edge-result-type takes (the guide's list); the edge's other X-Cache words count as Error. */
const RESULT_TYPES = new Set(["Hit", "RefreshHit", "Miss", "LimitExceeded", "CapacityExceeded", "Error", "Redirect"]);

/** One log line (without newline). `includeCookies`: the distribution's Logging.IncludeCookies. */
export function standardLogLine(r: EdgeRecord, includeCookies: boolean): string {
  return standardLogValues(r, includeCookies).join("\t");
}

/** The 33 fields' values in STANDARD_LOG_FIELDS order, `-` for an empty one (standard logging v2 picks from them too). */
export function standardLogValues(r: EdgeRecord, includeCookies: boolean): string[] {
  const { result, detailed } = resultTypes(r);
  const seconds = (r.totalMs / 1000).toFixed(3);
  const fields = [
    utcDate(r.time),
    timeOfDay(r.time).slice(0, 8),
    r.pop,
    String(r.bytesSent),
    r.viewerIp,
    r.method,
    r.distributionDomain,
    encode(r.path, true),
    r.status === 0 ? "000" : String(r.status),
    encode(r.referer, false),
    encode(r.userAgent, false),
    encode(r.query, true),
    includeCookies ? encode(r.cookie, false) : "-",
    result,
    r.requestId,
    r.host,
    r.protocol,
    String(r.bytesReceived),
    seconds,
    encode(r.forwardedFor, false),
    r.tlsProtocol,
    r.tlsCipher,
    result,
    r.httpVersion,
    "-",
    "-",
    String(r.viewerPort),
    seconds,
    detailed,
    encode(r.contentType, false),
    r.contentLength === undefined ? undefined : String(r.contentLength),
    r.rangeStart === undefined ? undefined : String(r.rangeStart),
    r.rangeEnd === undefined ? undefined : String(r.rangeEnd),
  ];
  return fields.map((f) => (f === undefined || f === "" ? "-" : f));
}

/**
 * x-edge-result-type and x-edge-detailed-result-type from the X-Cache word: a response the viewer
 * did not get whole is an Error (ClientCommError); a hit from Origin Shield is OriginShieldHit in
 * the detailed type; function results (FunctionGeneratedResponse, Function*Error) keep their name
 * there.
 */
export function resultTypes(r: EdgeRecord): { result: string; detailed: string } {
  if (!r.completed) return { result: "Error", detailed: "ClientCommError" };
  const word = r.xCache || (r.status >= 400 ? "Error" : "Miss");
  const result = RESULT_TYPES.has(word) ? word : word === "FunctionGeneratedResponse" ? "Miss" : "Error";
  const detailed = word === "Hit" && r.layer === "Origin Shield" ? "OriginShieldHit" : word;
  return { result, detailed };
}

/** Percent-encodes what the log cannot hold as is: controls, space, non-ASCII and the URL-unsafe characters. */
export function encode(value: string | undefined, keepPercent: boolean): string | undefined {
  if (value === undefined || value === "") return undefined;
  if (/^[!$&'()*+,\-./0-9:;=?@A-Z_a-z]*$/.test(value)) return value;
  let out = "";
  for (const byte of Buffer.from(value, "utf8")) {
    const c = String.fromCharCode(byte);
    out += (byte === 0x25 && keepPercent) || (byte > 0x20 && byte < 0x7f && !UNSAFE.includes(c)) ? c : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}
const UNSAFE = ` "#%<>[\\]^\`{|}`;
