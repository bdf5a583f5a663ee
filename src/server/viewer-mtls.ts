// Viewer mTLS and connection functions on the HTTPS listener (issue 17; CloudFront Developer Guide
// "Mutual TLS authentication with CloudFront (Viewer mTLS)", "Associate CloudFront Connection
// Functions"). Each TLS connection is held after its handshake, before any HTTP byte is read, and
// decided for the distribution its SNI names, in CloudFront's order:
//  1. ViewerMtlsConfig required/optional: the client certificate is verified against the trust
//     store (client-cert-verify.ts). None in required mode, or one that does not verify in either
//     mode, closes the connection. What was verified is recorded for the CloudFront-Viewer-Cert-*
//     headers (edge/viewer-cert.ts), which reach the origin when a policy names them.
//  2. ConnectionFunctionAssociation: the LIVE code runs on the connection (functions/
//     connection-function.ts) "after client certificate validation"; deny (or a failure) closes
//     the connection, allow hands it to HTTP.
// Connections whose SNI names no such distribution (or none) go straight on; so does plain HTTP.
//
// Differences from CloudFront: a refused connection is closed right after the handshake (TLS 1.3
// clients see it on their first read) instead of failing the handshake with a TLS alert; the
// decision follows SNI, a Host header naming another distribution is not checked again. The
// listener asks for a client certificate only while some distribution has a ViewerMtlsConfig, and
// then on every connection (CloudFront asks on mTLS distributions only), advertising no CA names
// (AdvertiseTrustStoreCaNames is stored only). Mode passthrough is not verified.
import type { Server } from "node:http";
import type { TLSSocket, DetailedPeerCertificate } from "node:tls";
import { createHash, X509Certificate } from "node:crypto";
import type { Logger } from "../api/service.ts";
import type { CloudFrontState, DistributionRecord } from "../services/cloudfront/state.ts";
import { certSerial, iso, recordViewerCert, rfc2253 } from "../edge/viewer-cert.ts";
import { runConnectionFunction, type ConnectionObject } from "../functions/connection-function.ts";
import { chainProblem, parsedCas } from "./client-cert-verify.ts";

/**
 * Holds every TLS connection of `server` until the distribution its SNI names has accepted it.
 * node's HTTPS server starts HTTP from its "secureConnection" listener; that listener is taken out
 * and called only for accepted connections (bytes the viewer sent meanwhile wait in the socket).
 */
export function installViewerTlsGate(server: Server, state: () => CloudFrontState, log: Logger): void {
  const tlsServer = server as Server & { requestCert: boolean };
  // Read by node for each accepted connection (tls.Server's own "connection" listener), so a
  // prepended listener decides whether this one is asked for a certificate.
  server.prependListener("connection", () => {
    tlsServer.requestCert = state().listDistributions().some((d) => d.config.ViewerMtlsConfig !== undefined);
  });
  const http = server.listeners("secureConnection") as Array<(socket: TLSSocket) => void>;
  server.removeAllListeners("secureConnection");
  // Installed before the idle sweep (idle-connections.ts), whose listener, added later, sees every connection.
  server.on("secureConnection", (socket: TLSSocket) => {
    const cf = state();
    const name = typeof socket.servername === "string" ? socket.servername.toLowerCase() : "";
    const dist = name === "" ? undefined : cf.distributionForHost(name);
    const pass = () => {
      for (const l of http) l.call(server, socket);
    };
    if (!dist || (!dist.config.ViewerMtlsConfig && !dist.config.ConnectionFunctionAssociation?.Id)) return pass();
    socket.pause();
    decide(socket, dist, cf, name).then(
      (refusal) => {
        if (socket.destroyed) return;
        if (refusal === undefined) {
          pass();
          socket.resume();
          return;
        }
        log.debug(`TLS connection from ${socket.remoteAddress} for ${name} (${dist.Id}) closed: ${refusal}`);
        socket.destroy();
      },
      (err: unknown) => {
        log.error(`TLS connection check for ${name} failed: ${err instanceof Error ? err.message : String(err)}`);
        socket.destroy();
      },
    );
  });
}

/** Undefined when the connection may go on, else why it is refused. */
async function decide(socket: TLSSocket, dist: DistributionRecord, state: CloudFrontState, serverName: string): Promise<string | undefined> {
  let cert: X509Certificate | undefined;
  const mtls = dist.config.ViewerMtlsConfig;
  if (mtls && mtls.Mode !== "passthrough") {
    const store = state.trustStores.get(mtls.TrustStoreConfig?.TrustStoreId);
    if (!store) return "the distribution's trust store does not exist";
    const chain = peerChain(socket);
    if (!chain) {
      if ((mtls.Mode ?? "required") === "required") return "no client certificate (viewer mTLS mode required)";
    } else {
      const problem = chainProblem(chain.leaf, chain.intermediates, parsedCas(store.caPems), state.clock.now(), mtls.TrustStoreConfig?.IgnoreCertificateExpiry === true);
      if (problem) return `client certificate refused: ${problem}`;
      cert = chain.leaf;
    }
    recordViewerCert(socket, cert);
  }
  const fn = state.connectionFunctions.live(dist.config.ConnectionFunctionAssociation?.Id);
  if (!fn) return undefined;
  const result = await runConnectionFunction(state.functions.runtime(), fn, connectionObject(socket, dist, serverName, cert));
  if (result.decision === "allow") return undefined;
  return result.error ? `connection function failed: ${result.error}` : "denied by the connection function";
}

/** The client's certificate and the intermediates it sent; undefined when it sent none. */
function peerChain(socket: TLSSocket): { leaf: X509Certificate; intermediates: X509Certificate[] } | undefined {
  const leaf = socket.getPeerX509Certificate();
  if (!leaf) return undefined;
  const intermediates: X509Certificate[] = [];
  let cur: DetailedPeerCertificate | undefined = socket.getPeerCertificate(true);
  // node links the chain through issuerCertificate; the last one points at itself.
  for (let i = 0; cur?.issuerCertificate && cur.issuerCertificate !== cur && i < 8; i++) {
    cur = cur.issuerCertificate;
    if (cur.raw) intermediates.push(new X509Certificate(cur.raw));
  }
  return { leaf, intermediates };
}

function connectionObject(socket: TLSSocket, dist: DistributionRecord, serverName: string, cert: X509Certificate | undefined): ConnectionObject {
  const cipher = socket.getCipher();
  return {
    clientIp: (socket.remoteAddress ?? "").replace(/^::ffff:/, ""),
    serverName,
    tlsVersion: socket.getProtocol() ?? "",
    cipherSuite: cipher.standardName ?? cipher.name,
    distributionId: dist.Id,
    ...(cert
      ? {
          clientCertInfo: {
            serialNumber: certSerial(cert),
            issuer: rfc2253(cert.issuer),
            subject: rfc2253(cert.subject),
            sha256: createHash("sha256").update(cert.raw).digest("hex"),
            validity: { notBefore: iso(cert.validFrom), notAfter: iso(cert.validTo) },
          },
        }
      : {}),
  };
}
