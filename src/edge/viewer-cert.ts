// The client certificate of a viewer connection to a distribution with viewer mTLS, as the
// CloudFront-Viewer-Cert-* headers carry it (CloudFront Developer Guide "Viewer mTLS headers for
// cache policies and forwarded to origin"): the HTTPS listener (server/viewer-mtls.ts) records
// what it verified per TLS socket; viewer-headers.ts reads it when a policy names the headers.
// Sockets of distributions without mTLS have no record, so the headers are absent for them.
import { createHash, type X509Certificate } from "node:crypto";

/** What the listener found on one TLS connection of a distribution with viewer mTLS. */
export interface ViewerCert {
  /** The verified leaf certificate; undefined when the viewer sent none (optional mode). */
  readonly cert: X509Certificate | undefined;
}

const BY_SOCKET = new WeakMap<object, ViewerCert>();

/** Records the outcome of the listener's verification for a socket. */
export function recordViewerCert(socket: object, cert: X509Certificate | undefined): void {
  BY_SOCKET.set(socket, { cert });
}

export function viewerCertOf(socket: object): ViewerCert | undefined {
  return BY_SOCKET.get(socket);
}

/** The header names, lower-cased, in the guide's order. */
export const VIEWER_CERT_HEADERS = [
  "cloudfront-viewer-cert-serial-number",
  "cloudfront-viewer-cert-issuer",
  "cloudfront-viewer-cert-subject",
  "cloudfront-viewer-cert-present",
  "cloudfront-viewer-cert-sha256",
  "cloudfront-viewer-cert-validity",
  "cloudfront-viewer-cert-pem",
] as const;

/** One CloudFront-Viewer-Cert-* value for a socket; undefined when the socket has none to give. */
export function viewerCertHeader(socket: object, name: string): string | undefined {
  const rec = BY_SOCKET.get(socket);
  if (!rec) return undefined;
  if (name === "cloudfront-viewer-cert-present") return rec.cert ? "1" : "0";
  const cert = rec.cert;
  if (!cert) return undefined;
  switch (name) {
    case "cloudfront-viewer-cert-serial-number":
      // "Hexadecimal representation of the certificate serial number": 4a:3f:5c:… (guide's example).
      return certSerial(cert);
    case "cloudfront-viewer-cert-issuer":
      return rfc2253(cert.issuer);
    case "cloudfront-viewer-cert-subject":
      return rfc2253(cert.subject);
    case "cloudfront-viewer-cert-sha256":
      return createHash("sha256").update(cert.raw).digest("hex");
    case "cloudfront-viewer-cert-validity":
      return `NotBefore=${iso(cert.validFrom)};NotAfter=${iso(cert.validTo)}`;
    case "cloudfront-viewer-cert-pem":
      // "URL-encoded PEM format of the leaf certificate".
      return encodeURIComponent(cert.toString());
    default:
      return undefined;
  }
}

/** The serial number as lower-case hex pairs joined by colons. */
export function certSerial(cert: X509Certificate): string {
  const hex = cert.serialNumber.toLowerCase();
  return (hex.length % 2 === 1 ? `0${hex}` : hex).replace(/(..)(?!$)/g, "$1:");
}

/** node's DN (one `K=V` a line, most significant first) as RFC 2253: least significant first, commas. */
export function rfc2253(dn: string): string {
  return dn
    .split("\n")
    .filter((l) => l !== "")
    .reverse()
    .map((l) => l.replace(/([,+"\\<>;])/g, "\\$1"))
    .join(",");
}

/** `Sep 21 01:50:17 2023 GMT` → `2023-09-21T01:50:17Z`. */
export function iso(date: string): string {
  return new Date(date).toISOString().replace(/\.\d{3}Z$/, "Z");
}
