// Edge compression (docs/edge.md §13) and the Accept-Encoding normalization it relies on (§6.2).
// CloudFront compresses a cacheable origin response itself when the behavior asks for it, the
// cache policy enables gzip and/or Brotli, the viewer accepts one of them (Brotli preferred), and
// the response is a 200/403/404 of a listed content type between 1,000 and 10,000,000 bytes with
// no Content-Encoding of its own.
import { brotliCompress, gzip, constants } from "node:zlib";
import { promisify } from "node:util";

const gzipAsync = promisify(gzip);
const brotliAsync = promisify(brotliCompress);

export interface EncodingFlags {
  readonly gzip: boolean;
  readonly brotli: boolean;
}

/**
 * docs/edge.md §6.2: the Accept-Encoding that goes into the cache key and to the origin: `br,gzip`, `br`,
 * `gzip`, `identity` (the viewer accepts neither enabled coding) or undefined (no header at all,
 * or neither flag on: then Accept-Encoding is an ordinary header).
 */
/** Viewers send few distinct Accept-Encoding values: remember the last few hundred results. */
const normalized = new Map<string, string>();

export function normalizeAcceptEncoding(header: string | undefined, flags: EncodingFlags): string | undefined {
  if (header === undefined || (!flags.gzip && !flags.brotli)) return undefined;
  const memoKey = `${flags.gzip ? 1 : 0}${flags.brotli ? 1 : 0}${header}`;
  const known = normalized.get(memoKey);
  if (known !== undefined) return known;
  const value = normalizeUncached(header, flags);
  if (normalized.size >= 256) normalized.clear();
  normalized.set(memoKey, value);
  return value;
}

function normalizeUncached(header: string, flags: EncodingFlags): string {
  const tokens = new Set(
    header
      .toLowerCase()
      .split(",")
      .map((t) => t.trim())
      .filter((t) => !/;\s*q=0(\.0*)?$/.test(t))
      .map((t) => t.split(";")[0]?.trim() ?? ""),
  );
  const br = flags.brotli && tokens.has("br");
  const gz = flags.gzip && tokens.has("gzip");
  if (br && gz) return "br,gzip";
  if (br) return "br";
  if (gz) return "gzip";
  return "identity";
}

const COMPRESSIBLE = new Set(
  (
    "application/dash+xml application/eot application/font application/font-sfnt application/javascript application/json " +
    "application/opentype application/otf application/pkcs7-mime application/protobuf application/rss+xml application/truetype " +
    "application/ttf application/vnd.apple.mpegurl application/vnd.mapbox-vector-tile application/vnd.ms-fontobject " +
    "application/xhtml+xml application/xml application/x-font-opentype application/x-font-truetype application/x-font-ttf " +
    "application/x-httpd-cgi application/x-javascript application/x-mpegurl application/x-opentype application/x-otf " +
    "application/x-perl application/x-ttf font/eot font/opentype font/otf font/ttf image/svg+xml text/css text/csv text/html " +
    "text/javascript text/js text/plain text/richtext text/tab-separated-values text/xml text/x-component text/x-java-source " +
    "text/x-script vnd.apple.mpegurl"
  ).split(" "),
);

export const MIN_COMPRESS_BYTES = 1000;
export const MAX_COMPRESS_BYTES = 10_000_000;

/** The coding to apply to this response, or undefined to send it as is. */
export function chooseCoding(
  normalized: string | undefined,
  status: number,
  headers: Readonly<Record<string, string | string[]>>,
  length: number,
): "br" | "gzip" | undefined {
  if (normalized === undefined || normalized === "identity") return undefined;
  if (status !== 200 && status !== 403 && status !== 404) return undefined;
  if (headers["content-encoding"] !== undefined) return undefined;
  if (length < MIN_COMPRESS_BYTES || length > MAX_COMPRESS_BYTES) return undefined;
  const type = String(headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  if (!COMPRESSIBLE.has(type)) return undefined;
  return normalized.startsWith("br") ? "br" : "gzip";
}

/** Compresses the body and adjusts the headers: Content-Encoding, Vary, weak ETag (docs/edge.md §13 "Effects"). */
export async function compress(
  coding: "br" | "gzip",
  body: Buffer,
  headers: Readonly<Record<string, string | string[]>>,
): Promise<{ body: Buffer; headers: Record<string, string | string[]> }> {
  const out = coding === "br" ? await brotliAsync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 5 } }) : await gzipAsync(body);
  const h: Record<string, string | string[]> = { ...headers, "content-encoding": coding };
  const vary = String(headers["vary"] ?? "");
  if (!/(^|,)\s*accept-encoding\s*(,|$)/i.test(vary)) h["vary"] = vary ? `${vary}, Accept-Encoding` : "Accept-Encoding";
  const etag = headers["etag"];
  if (typeof etag === "string") {
    if (etag.startsWith('"')) h["etag"] = `W/${etag}`;
    else if (!etag.startsWith("W/")) delete h["etag"];
  }
  delete h["content-length"];
  return { body: out, headers: h };
}
