// A trust store's CA certificates bundle (CloudFront Developer Guide "Trust stores and certificate
// management": a PEM file of root and intermediate CA certificates in S3). Parsed with node:crypto's
// X509Certificate; a bundle with no certificate, a block that does not parse, or a certificate that
// is not a CA is refused. AWS's exact wording for a bad bundle is unverified.
import { X509Certificate } from "node:crypto";

/** CloudFront's quota on CA certificates per trust store is unverified; a generous bound here. */
export const MAX_CA_CERTIFICATES = 200;

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** The bundle's certificates as PEM, or why the bundle is refused. */
export function parseCaBundle(bytes: Uint8Array): { pems: string[] } | { failure: string } {
  const text = Buffer.from(bytes).toString("utf8");
  const blocks = text.match(PEM_BLOCK) ?? [];
  if (blocks.length === 0) return { failure: "The CA certificates bundle contains no PEM certificate." };
  if (blocks.length > MAX_CA_CERTIFICATES) return { failure: `The CA certificates bundle has more than ${MAX_CA_CERTIFICATES} certificates.` };
  const pems: string[] = [];
  for (const [i, block] of blocks.entries()) {
    let cert: X509Certificate;
    try {
      cert = new X509Certificate(block);
    } catch (err) {
      return { failure: `Certificate ${i + 1} of the CA certificates bundle is not a valid X.509 certificate: ${err instanceof Error ? err.message : String(err)}` };
    }
    if (!cert.ca) return { failure: `Certificate ${i + 1} of the CA certificates bundle (${cert.subject.replace(/\n/g, ", ")}) is not a CA certificate.` };
    pems.push(`${block}\n`);
  }
  return { pems };
}
