// Client certificate verification against a trust store (CloudFront Developer Guide "Trust stores
// and certificate management": "Only clients presenting certificates that chain to one of the CAs
// in your trust store will be authenticated successfully"; "Mutual TLS authentication with
// CloudFront": expiry checked unless TrustStoreConfig.IgnoreCertificateExpiry). The chain is
// walked from the leaf through the intermediates the client sent until a certificate of the trust
// store issued (and signed) the current one. Not done: OCSP, name constraints, key usage.
import { X509Certificate } from "node:crypto";

const MAX_DEPTH = 6;

/** Why the chain is refused, or undefined when it chains to one of `cas`. */
export function chainProblem(leaf: X509Certificate, intermediates: readonly X509Certificate[], cas: readonly X509Certificate[], now: number, ignoreExpiry: boolean): string | undefined {
  let cur = leaf;
  for (let depth = 0; depth < MAX_DEPTH; depth++) {
    if (!ignoreExpiry && !validAt(cur, now)) return `certificate ${cur.subject.replace(/\n/g, ",")} is expired or not yet valid`;
    const anchor = cas.find((ca) => issued(ca, cur));
    if (anchor) return ignoreExpiry || validAt(anchor, now) ? undefined : "the trust store's CA certificate is expired";
    const next = intermediates.find((c) => c !== cur && c.ca && issued(c, cur));
    if (!next) return "the certificate does not chain to a CA certificate of the trust store";
    cur = next;
  }
  return "the certificate chain is too long";
}

/** The trust store's CA certificates, parsed once per bundle (the same array for the same record). */
const PARSED = new WeakMap<readonly string[], X509Certificate[]>();

export function parsedCas(pems: readonly string[]): X509Certificate[] {
  let cas = PARSED.get(pems);
  if (!cas) {
    cas = pems.map((p) => new X509Certificate(p));
    PARSED.set(pems, cas);
  }
  return cas;
}

function issued(issuer: X509Certificate, cert: X509Certificate): boolean {
  return cert.checkIssued(issuer) && cert.verify(issuer.publicKey);
}

function validAt(cert: X509Certificate, now: number): boolean {
  return Date.parse(cert.validFrom) <= now && now <= Date.parse(cert.validTo);
}
