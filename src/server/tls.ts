// The certificate of the HTTPS listener (issue #4 "HTTPS with a self-signed certificate generated
// at start (or one the user provides)"; issue 16: trusting it once must last). Without
// --tls-cert, minifront makes a local certificate authority once per user and a leaf certificate
// for localhost, *.localhost and *.<domain-suffix> signed by it, both kept in --tls-dir (default
// $XDG_DATA_HOME/minifront/tls, else ~/.local/share/minifront/tls), not in the data directory:
// so an --ephemeral run, a new data dir or another suffix keep the CA a user has trusted. The
// leaf is made again when it does not cover the suffix's names, is not the CA's, or is within a
// week of expiring; the CA when it is within a week of expiring. node-forge writes the X.509
// structures (node:crypto can sign but not build certificates); RSA keys come from node:crypto.
import { existsSync, linkSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { generateKeyPairSync, X509Certificate } from "node:crypto";
import { join } from "node:path";
import forge from "node-forge";
import { EmulatorError } from "../errors.ts";

export interface TlsMaterial {
  /** The served chain, PEM: the leaf, then (when generated) the local CA. */
  readonly cert: string;
  readonly key: string;
  /** What a client is told to trust: the local CA when generated, else the user's certificate. */
  readonly certPath: string;
  /** True when minifront made the certificate (and so the trust hint applies). */
  readonly selfSigned: boolean;
}

const DAY_MS = 24 * 3600 * 1000;
const WEEK_MS = 7 * DAY_MS;
/** The longest leaf lifetime macOS and browsers accept for a certificate from a user-added CA. */
const LEAF_DAYS = 825;
const CA_DAYS = 10 * 365;
/** The file clients trust; its key sits beside it in CA_BUNDLE (one file, created atomically). */
export const CA_CERT_FILE = "minifront-ca.crt";
const CA_BUNDLE = "minifront-ca.pem";

/** The user's certificate and key, or the generated leaf for `domainSuffix` and its CA in `tlsDir`. */
export function loadTlsMaterial(opts: { certPath: string; keyPath: string; tlsDir: string; domainSuffix: string; now: number }): TlsMaterial {
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
  try {
    mkdirSync(opts.tlsDir, { recursive: true, mode: 0o700 });
  } catch (err) {
    throw new EmulatorError("ERR_CONFIG", `cannot create the TLS directory ${opts.tlsDir} (--tls-dir): ${err instanceof Error ? err.message : String(err)}`);
  }
  const ca = localCa(opts.tlsDir, opts.now);
  const leaf = leafFor(opts.tlsDir, ca, certificateNames(opts.domainSuffix), opts.domainSuffix, opts.now);
  return { cert: leaf.cert + ca.cert, key: leaf.key, certPath: join(opts.tlsDir, CA_CERT_FILE), selfSigned: true };
}

/** DNS names the generated certificate covers: every distribution domain, S3 hosts, localhost. */
export function certificateNames(domainSuffix: string): string[] {
  return [...new Set(["localhost", "*.localhost", `*.${domainSuffix}`, "*.s3.localhost", "*.s3-website.localhost"])];
}

interface Pair {
  readonly cert: string;
  readonly key: string;
}

/** The per-user CA: reused while valid; a new one is published with link(), so concurrent starts agree on one. */
function localCa(dir: string, now: number): Pair {
  const bundle = join(dir, CA_BUNDLE);
  const existing = readPair(bundle);
  if (existing && Date.parse(new X509Certificate(existing.cert).validTo) - now > WEEK_MS) return publishCaCert(dir, existing);
  const made = makeCertificate({ names: [], now, days: CA_DAYS, subject: "minifront local CA" });
  const tmp = `${bundle}.${process.pid}.tmp`;
  writeFileSync(tmp, made.key + made.cert, { mode: 0o600 });
  try {
    if (existing) renameSync(tmp, bundle);
    else linkSync(tmp, bundle); // fails if another start made one meanwhile: use that one
  } catch {
    // EEXIST: read below
  } finally {
    rmSync(tmp, { force: true });
  }
  return publishCaCert(dir, readPair(bundle) ?? made);
}

/** Writes the CA's certificate alone (what users trust), when it is not already there. */
function publishCaCert(dir: string, ca: Pair): Pair {
  const path = join(dir, CA_CERT_FILE);
  if (!existsSync(path) || readFileSync(path, "utf8") !== ca.cert) writeAtomically(path, ca.cert, 0o644);
  return ca;
}

function leafFor(dir: string, ca: Pair, names: readonly string[], suffix: string, now: number): Pair {
  const path = join(dir, `leaf-${suffix}.pem`);
  const existing = readPair(path);
  if (existing) {
    const x = new X509Certificate(existing.cert);
    const sans = x.subjectAltName ?? "";
    const fresh = Date.parse(x.validTo) - now > WEEK_MS;
    if (fresh && names.every((n) => sans.includes(`DNS:${n}`)) && x.checkIssued(new X509Certificate(ca.cert)) && x.verify(new X509Certificate(ca.cert).publicKey)) return existing;
  }
  const made = makeCertificate({ names, now, days: LEAF_DAYS, subject: "minifront local CloudFront", issuer: ca });
  writeAtomically(path, made.key + made.cert, 0o600);
  return made;
}

/** A PEM file holding a private key and a certificate, or undefined when missing or unreadable. */
function readPair(path: string): Pair | undefined {
  if (!existsSync(path)) return undefined;
  try {
    const text = readFileSync(path, "utf8");
    const key = /-----BEGIN PRIVATE KEY-----[\s\S]+?-----END PRIVATE KEY-----\n/.exec(text)?.[0];
    const cert = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n/.exec(text)?.[0];
    if (key === undefined || cert === undefined) return undefined;
    new X509Certificate(cert);
    return { key, cert };
  } catch {
    return undefined;
  }
}

function writeAtomically(path: string, text: string, mode: number): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text, { mode });
  renameSync(tmp, path);
}

/** A CA certificate (no names, no issuer) or a leaf for `names` signed by `issuer`. */
function makeCertificate(o: { names: readonly string[]; now: number; days: number; subject: string; issuer?: Pair }): Pair {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const keyPem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: "spki", format: "pem" }).toString());
  // A positive serial from the clock and the pid: unique enough for certificates made on one machine.
  cert.serialNumber = `01${o.now.toString(16)}${process.pid.toString(16)}`;
  cert.validity.notBefore = new Date(o.now - 3600_000);
  cert.validity.notAfter = new Date(o.now + o.days * DAY_MS);
  cert.setSubject([{ name: "commonName", value: o.subject }, { name: "organizationName", value: "minifront" }]);
  const isCa = o.issuer === undefined;
  const issuerCert = o.issuer ? forge.pki.certificateFromPem(o.issuer.cert) : undefined;
  cert.setIssuer(issuerCert ? issuerCert.subject.attributes : cert.subject.attributes);
  cert.setExtensions(
    isCa
      ? [
          { name: "basicConstraints", cA: true, pathLenConstraint: 0, critical: true },
          { name: "keyUsage", keyCertSign: true, cRLSign: true, critical: true },
          { name: "subjectKeyIdentifier" },
        ]
      : [
          { name: "basicConstraints", cA: false, critical: true },
          { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true },
          { name: "extKeyUsage", serverAuth: true },
          { name: "subjectAltName", altNames: [...o.names.map((value) => ({ type: 2, value })), { type: 7, ip: "127.0.0.1" }, { type: 7, ip: "::1" }] },
        ],
  );
  cert.sign(forge.pki.privateKeyFromPem(o.issuer?.key ?? keyPem), forge.md.sha256.create());
  return { cert: forge.pki.certificateToPem(cert).replace(/\r\n/g, "\n"), key: keyPem };
}

/** The one command that makes this machine trust the local CA (printed by the CLI at start). */
export function trustCommand(caPath: string, platform: NodeJS.Platform = process.platform): string {
  if (platform === "darwin") return `sudo security add-trusted-cert -d -r trustRoot -k /Library/Keychains/System.keychain ${caPath}`;
  if (platform === "win32") return `certutil -user -addstore Root ${caPath}`;
  return `sudo cp ${caPath} /usr/local/share/ca-certificates/minifront-ca.crt && sudo update-ca-certificates`;
}

/** How to make single clients trust the local CA instead (printed by the CLI). */
export function trustHint(certPath: string): string[] {
  return [
    `curl:     curl --cacert ${certPath} https://...`,
    `Node:     NODE_EXTRA_CA_CERTS=${certPath}`,
    `aws CLI:  --ca-bundle ${certPath}  (or AWS_CA_BUNDLE)`,
  ];
}
