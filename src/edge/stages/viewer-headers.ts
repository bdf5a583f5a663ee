// CloudFront-* viewer headers (docs/edge.md §7.2, CloudFront guide "Add CloudFront request headers"): added toward
// the origin, and put into the cache key, only when the cache policy or origin request policy
// names them; they replace same-named headers from the viewer.
//
// Where the values come from here: protocol, address, HTTP version, TLS and header order from the
// connection; device types from User-Agent with CloudFront's documented categories; the country
// from the `X-Minifront-Viewer-Country` request header (default `US`, emulator extension,
// docs/edge.md §0; see geo.ts), its name from the platform's ICU data. Other geo headers (city, region,
// postal code, time zone, latitude/longitude, metro code, ASN) are taken from the matching
// `X-Minifront-Viewer-<Name>` request header when given and are otherwise absent, as CloudFront
// leaves out what it cannot determine. Not emulated: CloudFront-Viewer-JA3-Fingerprint/JA4.
import type { IncomingMessage } from "node:http";
import type { TLSSocket } from "node:tls";
import { VIEWER_CERT_HEADERS, viewerCertHeader } from "../viewer-cert.ts";

/** The CloudFront-* header names this stage can produce, lower-cased. */
export const CLOUDFRONT_HEADERS = [
  "cloudfront-forwarded-proto",
  "cloudfront-is-android-viewer",
  "cloudfront-is-desktop-viewer",
  "cloudfront-is-ios-viewer",
  "cloudfront-is-mobile-viewer",
  "cloudfront-is-smarttv-viewer",
  "cloudfront-is-tablet-viewer",
  "cloudfront-viewer-address",
  "cloudfront-viewer-asn",
  "cloudfront-viewer-city",
  "cloudfront-viewer-country",
  "cloudfront-viewer-country-name",
  "cloudfront-viewer-country-region",
  "cloudfront-viewer-country-region-name",
  "cloudfront-viewer-header-count",
  "cloudfront-viewer-header-order",
  "cloudfront-viewer-http-version",
  "cloudfront-viewer-latitude",
  "cloudfront-viewer-longitude",
  "cloudfront-viewer-metro-code",
  "cloudfront-viewer-postal-code",
  "cloudfront-viewer-time-zone",
  "cloudfront-viewer-tls",
  // Viewer mTLS (viewer-cert.ts): only on connections of a distribution with a ViewerMtlsConfig.
  ...VIEWER_CERT_HEADERS,
] as const;

const KNOWN: ReadonlySet<string> = new Set(CLOUDFRONT_HEADERS);

/** Request headers through which a test or user states the viewer's location (emulator extension). */
const GEO_OVERRIDES: Readonly<Record<string, string>> = {
  "cloudfront-viewer-asn": "x-minifront-viewer-asn",
  "cloudfront-viewer-city": "x-minifront-viewer-city",
  "cloudfront-viewer-country-region": "x-minifront-viewer-country-region",
  "cloudfront-viewer-country-region-name": "x-minifront-viewer-country-region-name",
  "cloudfront-viewer-latitude": "x-minifront-viewer-latitude",
  "cloudfront-viewer-longitude": "x-minifront-viewer-longitude",
  "cloudfront-viewer-metro-code": "x-minifront-viewer-metro-code",
  "cloudfront-viewer-postal-code": "x-minifront-viewer-postal-code",
  "cloudfront-viewer-time-zone": "x-minifront-viewer-time-zone",
};

/** The CloudFront-* names among a policy's header names (lower-cased, known ones only). */
export function cloudFrontHeaderNames(names: Iterable<string>): string[] {
  return [...new Set([...names].map((n) => n.toLowerCase()).filter((n) => KNOWN.has(n)))].sort();
}

export interface ViewerFacts {
  readonly protocol: "http" | "https";
  readonly country: string;
}

// Made on first use: building it loads ICU region data, tens of ms of every start-up otherwise.
let regionNames: Intl.DisplayNames | undefined;

/** Values of the requested CloudFront-* headers for this request; names not determinable are left out. */
export function viewerHeaders(req: IncomingMessage, names: readonly string[], facts: ViewerFacts): Record<string, string> {
  const out: Record<string, string> = {};
  const ua = String(req.headers["user-agent"] ?? "");
  const device = names.some((n) => n.startsWith("cloudfront-is-")) ? deviceOf(ua) : undefined;
  for (const name of names) {
    const value = valueOf(name, req, facts, device);
    if (value !== undefined) out[name] = value;
  }
  return out;
}

interface Device {
  readonly android: boolean;
  readonly ios: boolean;
  readonly mobile: boolean;
  readonly tablet: boolean;
  readonly smarttv: boolean;
}

/**
 * Device categories from User-Agent (CloudFront guide "Add CloudFront request headers" "Headers for determining the
 * viewer's device type"): Desktop is true only when no other category matches.
 */
export function deviceOf(ua: string): Device {
  const android = /Android/i.test(ua);
  const ios = /iPhone|iPad|iPod/i.test(ua);
  const smarttv = /SmartTV|SMART-TV|GoogleTV|AppleTV|HbbTV|NetCast|Roku|BRAVIA|Tizen.*TV|WebOS.*TV/i.test(ua);
  const tablet = !smarttv && (/iPad|Tablet|Kindle|Silk|PlayBook/i.test(ua) || (android && !/Mobile/i.test(ua)));
  const mobile = !smarttv && !tablet && (/Mobi|iPhone|iPod|Windows Phone|BlackBerry|Opera Mini/i.test(ua) || (android && /Mobile/i.test(ua)));
  return { android, ios, mobile, tablet, smarttv };
}

function valueOf(name: string, req: IncomingMessage, facts: ViewerFacts, device: Device | undefined): string | undefined {
  const socket = req.socket;
  switch (name) {
    case "cloudfront-forwarded-proto":
      return facts.protocol;
    case "cloudfront-is-android-viewer":
      return String(device?.android === true);
    case "cloudfront-is-ios-viewer":
      return String(device?.ios === true);
    case "cloudfront-is-mobile-viewer":
      return String(device?.mobile === true);
    case "cloudfront-is-tablet-viewer":
      return String(device?.tablet === true);
    case "cloudfront-is-smarttv-viewer":
      return String(device?.smarttv === true);
    case "cloudfront-is-desktop-viewer":
      return String(device !== undefined && !device.mobile && !device.tablet && !device.smarttv);
    case "cloudfront-viewer-address":
      // `<ip>:<port>` as CloudFront writes it (IPv4-mapped IPv6 shown as plain IPv4).
      return `${(socket.remoteAddress ?? "127.0.0.1").replace(/^::ffff:/, "")}:${socket.remotePort ?? 0}`;
    case "cloudfront-viewer-country":
      return facts.country;
    case "cloudfront-viewer-country-name":
      return encodeNonAscii((regionNames ??= new Intl.DisplayNames(["en"], { type: "region" })).of(facts.country) ?? facts.country);
    case "cloudfront-viewer-http-version":
      return req.httpVersion === "1.0" ? "1.0" : req.httpVersion === "2.0" ? "2.0" : "1.1";
    case "cloudfront-viewer-tls": {
      // `<version>:<cipher>:<handshake>` (CloudFront guide "Add CloudFront request headers"); absent on plain HTTP.
      const tls = socket as TLSSocket;
      if (!tls.encrypted) return undefined;
      const cipher = tls.getCipher();
      return `${tls.getProtocol() ?? "unknown"}:${cipher.standardName ?? cipher.name}:${tls.isSessionReused() ? "sessionResumed" : "fullHandshake"}`;
    }
    case "cloudfront-viewer-header-order": {
      const names: string[] = [];
      for (let i = 0; i < req.rawHeaders.length; i += 2) names.push(req.rawHeaders[i] as string);
      return names.join(":").slice(0, 7680);
    }
    case "cloudfront-viewer-header-count":
      return String(req.rawHeaders.length / 2);
    default: {
      if (name.startsWith("cloudfront-viewer-cert-")) return viewerCertHeader(socket, name);
      const override = GEO_OVERRIDES[name];
      const v = override ? req.headers[override] : undefined;
      return typeof v === "string" && v !== "" ? encodeNonAscii(v) : undefined;
    }
  }
}

/** docs/edge.md §7.2: non-ASCII values are percent-encoded. */
function encodeNonAscii(v: string): string {
  // eslint-disable-next-line no-control-regex
  return /[^\x00-\x7f]/.test(v) ? v.replace(/[^\x00-\x7f]+/g, (m) => encodeURIComponent(m)) : v;
}
