// chainProblem (client-cert-verify.ts) on certificates made by tls.ts: its local CA and the leaf it
// signs stand in for a trust store's CA and a client certificate.
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadTlsMaterial } from "./tls.ts";
import forge from "node-forge";
import { chainProblem } from "./client-cert-verify.ts";

const dirs: string[] = [];
const DAY = 24 * 3600 * 1000;

/** A CA and a leaf it signed, in a fresh TLS directory. */
function pki(now: number): { ca: X509Certificate; leaf: X509Certificate } {
  const dir = mkdtempSync(join(tmpdir(), "minifront-verify-"));
  dirs.push(dir);
  const { cert } = loadTlsMaterial({ certPath: "", keyPath: "", tlsDir: dir, domainSuffix: "example.test", now });
  const [leaf, ca] = (cert.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []).map((p) => new X509Certificate(p));
  return { ca: ca as X509Certificate, leaf: leaf as X509Certificate };
}

/** Root CA → intermediate CA → leaf, made with node-forge (as tls.ts makes its certificates). */
function threeLevels(now: number): { root: X509Certificate; intermediate: X509Certificate; leaf: X509Certificate } {
  const make = (cn: string, ca: boolean, issuer?: { cert: forge.pki.Certificate; key: forge.pki.rsa.PrivateKey }) => {
    const keys = forge.pki.rsa.generateKeyPair(1024);
    const cert = forge.pki.createCertificate();
    cert.publicKey = keys.publicKey;
    cert.serialNumber = `0${cn.length}${ca ? 1 : 2}`;
    cert.validity.notBefore = new Date(now - DAY);
    cert.validity.notAfter = new Date(now + DAY);
    cert.setSubject([{ name: "commonName", value: cn }]);
    cert.setIssuer(issuer ? issuer.cert.subject.attributes : cert.subject.attributes);
    cert.setExtensions([{ name: "basicConstraints", cA: ca, critical: true }]);
    cert.sign(issuer?.key ?? keys.privateKey, forge.md.sha256.create());
    return { cert, key: keys.privateKey };
  };
  const root = make("root", true);
  const intermediate = make("intermediate", true, root);
  const leaf = make("leaf", false, intermediate);
  const x509 = (c: { cert: forge.pki.Certificate }) => new X509Certificate(forge.pki.certificateToPem(c.cert));
  return { root: x509(root), intermediate: x509(intermediate), leaf: x509(leaf) };
}

describe("chainProblem", () => {
  after(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });
  const now = Date.now();
  const a = pki(now);
  const b = pki(now);

  it("accepts a certificate issued by a CA of the trust store", () => {
    assert.equal(chainProblem(a.leaf, [], [b.ca, a.ca], now, false), undefined);
  });

  it("accepts one that reaches the trust store only through an intermediate the client sent", () => {
    const chain = threeLevels(now);
    assert.equal(chainProblem(chain.leaf, [chain.intermediate], [chain.root], now, false), undefined);
    assert.match(chainProblem(chain.leaf, [], [chain.root], now, false) ?? "", /does not chain/, "without the intermediate");
  });

  it("refuses a certificate of another CA", () => {
    assert.match(chainProblem(a.leaf, [], [b.ca], now, false) ?? "", /does not chain/);
    // Sending the other CA as an intermediate does not help: it did not sign the leaf.
    assert.match(chainProblem(a.leaf, [b.ca], [b.ca], now, false) ?? "", /does not chain/);
  });

  it("refuses an expired certificate unless IgnoreCertificateExpiry", () => {
    const later = now + 900 * DAY; // the leaf lives 825 days (tls.ts)
    assert.match(chainProblem(a.leaf, [], [a.ca], later, false) ?? "", /expired/);
    assert.equal(chainProblem(a.leaf, [], [a.ca], later, true), undefined);
  });
});
