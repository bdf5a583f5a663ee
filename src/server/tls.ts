// The certificate of the HTTPS listener (issue #4 "HTTPS with a self-signed certificate generated
// at start (or one the user provides)"). A generated pair is kept in <data-dir>/tls/ and reused
// across restarts, so a user who trusted it once keeps trusting it; it is made again when the
// domain suffix changes or it is within a week of expiring. node-forge writes the X.509 structure
// (node:crypto can sign but not build certificates); the RSA key comes from node:crypto.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { generateKeyPairSync, X509Certificate } from "node:crypto";
import { join } from "node:path";
import forge from "node-forge";
import { EmulatorError } from "../errors.ts";

export interface TlsMaterial {
  readonly cert: string;
  readonly key: string;
  /** The certificate file: what a client is told to trust. */
  readonly certPath: string;
  /** True when minifront made the certificate (and so the trust hint applies). */
  readonly selfSigned: boolean;
}

const WEEK_MS = 7 * 24 * 3600 * 1000;

/** The user's certificate and key, or the generated pair for `domainSuffix`, made if needed. */
export function loadTlsMaterial(opts: { certPath: string; keyPath: string; dataDir: string; domainSuffix: string; now: number }): TlsMaterial {
  if (opts.certPath !== "") {
    try {
      const cert = readFileSync(opts.certPath, "utf8");
      const key = readFileSync(opts.keyPath, "utf8");
      new X509Certificate(cert); // fails early on a file that is not a PEM certificate
      return { cert, key, certPath: opts.certPath, selfSigned: false };
    } catch (err) {
      throw new EmulatorError("ERR_CONFIG", `cannot read the TLS certificate or key: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  const dir = join(opts.dataDir, "tls");
  const certPath = join(dir, "minifront.crt");
  const keyPath = join(dir, "minifront.key");
  const names = certificateNames(opts.domainSuffix);
  if (existsSync(certPath) && existsSync(keyPath)) {
    const cert = readFileSync(certPath, "utf8");
    const x = new X509Certificate(cert);
    const sans = x.subjectAltName ?? "";
    if (names.every((n) => sans.includes(`DNS:${n}`)) && Date.parse(x.validTo) - opts.now > WEEK_MS) {
      return { cert, key: readFileSync(keyPath, "utf8"), certPath, selfSigned: true };
    }
  }
  const made = selfSignedCertificate(names, opts.now);
  mkdirSync(dir, { recursive: true });
  writeFileSync(`${keyPath}.tmp`, made.key, { mode: 0o600 });
  writeFileSync(`${certPath}.tmp`, made.cert);
  renameSync(`${keyPath}.tmp`, keyPath);
  renameSync(`${certPath}.tmp`, certPath);
  return { ...made, certPath, selfSigned: true };
}

/** DNS names the generated certificate covers: every distribution domain, S3 hosts, localhost. */
export function certificateNames(domainSuffix: string): string[] {
  return [...new Set(["localhost", "*.localhost", `*.${domainSuffix}`, "*.s3.localhost", "*.s3-website.localhost"])];
}

function selfSignedCertificate(dnsNames: readonly string[], now: number): { cert: string; key: string } {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const keyPem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: "spki", format: "pem" }).toString());
  // A positive serial from the clock: unique enough for certificates made on one machine.
  cert.serialNumber = `01${now.toString(16)}`;
  cert.validity.notBefore = new Date(now - 3600_000);
  cert.validity.notAfter = new Date(now + 825 * 24 * 3600_000); // the longest lifetime macOS accepts
  const subject = [{ name: "commonName", value: "minifront local CloudFront" }, { name: "organizationName", value: "minifront" }];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    // CA:true lets the certificate be added to a trust store as its own root.
    { name: "basicConstraints", cA: true, critical: true },
    { name: "keyUsage", digitalSignature: true, keyEncipherment: true, keyCertSign: true, critical: true },
    { name: "extKeyUsage", serverAuth: true },
    { name: "subjectAltName", altNames: [...dnsNames.map((value) => ({ type: 2, value })), { type: 7, ip: "127.0.0.1" }, { type: 7, ip: "::1" }] },
  ]);
  cert.sign(forge.pki.privateKeyFromPem(keyPem), forge.md.sha256.create());
  return { cert: forge.pki.certificateToPem(cert), key: keyPem };
}

/** How to make clients trust the generated certificate (printed by the CLI). */
export function trustHint(certPath: string): string[] {
  return [
    `curl:     curl --cacert ${certPath} https://...`,
    `Node:     NODE_EXTRA_CA_CERTS=${certPath}`,
    `aws CLI:  --ca-bundle ${certPath}  (or AWS_CA_BUNDLE)`,
    `Debian:   cp ${certPath} /usr/local/share/ca-certificates/minifront.crt && update-ca-certificates`,
  ];
}
