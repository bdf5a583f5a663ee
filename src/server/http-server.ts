// The single node:http listener: reads what each request is (classify.ts) and hands it to the
// CloudFront API, the embedded S3, the S3 website endpoint, the edge or minifront's own endpoints.
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { nodeHttp, nodeHttps } from "../http/node-http.ts";
import { randomUUID } from "node:crypto";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ApiRequest, ApiService, Logger } from "../api/service.ts";
import type { CloudFrontState } from "../services/cloudfront/state.ts";
import type { KeyValueStores } from "../services/cloudfront/key-value-stores.ts";
import type { S3Service } from "../services/s3/context.ts";
import { websiteBucketFromHost } from "../services/s3/router.ts";
import { classifyRequest, credentialService, hostWithoutPort, isInternalPath } from "./classify.ts";
import type { AwsServices } from "./aws-services.ts";
import { toOriginForm } from "./request-target.ts";
import { closeIdleConnections, REQUEST_TIMEOUT_RESPONSE } from "./idle-connections.ts";
import { badFraming, BAD_REQUEST_PAGE } from "./framing.ts";
import type { Edge } from "../edge/pipeline.ts";
import type { EdgeObserver } from "../observe/observer.ts";
import type { LambdaPlatform } from "../services/lambda/platform.ts";
import { rootPage, wantsRootPage } from "./root-page.ts";
import type { HttpsWarnings } from "../edge/https-warnings.ts";
import type { InternalResult } from "./internal-endpoints.ts";
import { installViewerTlsGate } from "./viewer-mtls.ts";

/** The services' current state; replaced wholesale by the reset endpoints. */
export interface LiveState {
  readonly cloudfront: CloudFrontState;
  readonly s3: S3Service;
}

export interface ServerDeps {
  readonly cloudfront: ApiService<CloudFrontState>;
  readonly s3: ApiService<S3Service>;
  /** The KeyValueStore data API (`cloudfront-keyvaluestore`). */
  readonly kvs: ApiService<KeyValueStores>;
  /** Lambda, IAM and STS (issue 14), and the download of Lambda function code. */
  readonly lambda: LambdaPlatform;
  /** Further AWS services, by credential-scope name (aws-services.ts). */
  readonly services: AwsServices;
  readonly state: () => LiveState;
  readonly edge: Edge;
  readonly log: Logger;
  /** `/_minifront/*`, `/_localstack/*`, `/moto-api/*`; undefined when no such endpoint. */
  readonly internal: (method: string, path: string) => Promise<InternalResult | undefined>;
  /** Sees each edge request's outcome (src/observe/: request log, standard logs, metrics). */
  readonly observer?: EdgeObserver;
  /** Viewer connection limits (config.ts: --header-timeout, --request-idle-timeout, --max-connections). */
  readonly limits: ViewerLimits;
  /** minifront's version, shown on the root page (root-page.ts). */
  readonly version?: string;
  /** Warns about behaviors that need HTTPS while no HTTPS listener runs (edge/https-warnings.ts). */
  readonly httpsWarnings?: HttpsWarnings;
  /** An edge worker of `--workers N` relays all but edge traffic to its primary (src/workers/forward.ts). */
  readonly forward?: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
}

export interface ViewerLimits {
  /** Time for a request line and headers to arrive, from its first byte; then 408 and close. */
  readonly headerTimeoutMs: number;
  /** Time a request in progress may wait on the viewer (body bytes, reading the response). */
  readonly requestIdleTimeoutMs: number;
  /** Open connections per listener; more are closed as soon as they are accepted. 0 = no bound. */
  readonly maxConnections: number;
}

/** How long a keep-alive connection may sit idle before it is closed (node:http's default). */
const KEEP_ALIVE_IDLE_MS = 5000;

export interface ListenerOptions {
  /** An edge-only listener (`--edge-port`): every Host is looked up as a distribution. */
  readonly edgeOnly?: boolean;
  /** PEM certificate and key: the listener speaks HTTPS (`--https-port`). */
  readonly tls?: { readonly cert: string; readonly key: string };
}

export function createHttpServer(deps: ServerDeps, listener: ListenerOptions = {}): Server {
  // optimizeEmptyRequests: a request without Content-Length or Transfer-Encoding has no body
  // (RFC 9112 §6.3), so node:http hands it over already ended instead of running the stream
  // life cycle for nothing; readBody (api/service.ts) answers an ended stream at once.
  // keepAliveTimeout 0: idle-connections.ts closes idle keep-alive connections instead.
  // headersTimeout is given explicitly: node derives its default from requestTimeout, so with
  // requestTimeout 0 (no cap on a whole request: a large upload may take as long as it keeps
  // moving; idle-connections.ts closes one that stalls) headers could take forever. node checks
  // both only every connectionsCheckingInterval (30 s by default), hence a quarter of the timeout.
  const { headerTimeoutMs, requestIdleTimeoutMs, maxConnections } = deps.limits;
  const options = {
    keepAlive: true,
    requestTimeout: 0,
    headersTimeout: headerTimeoutMs,
    connectionsCheckingInterval: Math.max(10, Math.min(1000, Math.floor(headerTimeoutMs / 4))),
    optimizeEmptyRequests: true,
    keepAliveTimeout: 0,
  };
  // handshakeTimeout: a TLS handshake that stalls is a slowloris before the headers' clock starts
  // (tls's default is 120 s); the idle sweep only sees connections once they are secure.
  // rejectUnauthorized false: client certificates (asked for only while a distribution has viewer
  // mTLS) are verified per distribution by viewer-mtls.ts, not against a listener-wide CA list.
  const server: Server = listener.tls
    ? nodeHttps().createServer({ ...options, handshakeTimeout: headerTimeoutMs, cert: listener.tls.cert, key: listener.tls.key, requestCert: false, rejectUnauthorized: false })
    : nodeHttp.createServer(options);
  // Viewer mTLS and connection functions decide each TLS connection before HTTP reads from it.
  if (listener.tls) installViewerTlsGate(server, () => deps.state().cloudfront, deps.log);
  // node emits tlsClientError for a handshake that timed out or failed, and leaves the socket open.
  if (listener.tls) server.on("tlsClientError", (_err, socket) => socket.destroy());
  // node:http closes a connection accepted beyond the bound at once; those already open go on.
  if (maxConnections > 0) server.maxConnections = maxConnections;
  const trackIdle = closeIdleConnections(server, { idleMs: KEEP_ALIVE_IDLE_MS, stalledMs: requestIdleTimeoutMs, secure: listener.tls !== undefined });
  server.on("request", (req: IncomingMessage, res: ServerResponse) => {
    trackIdle(req, res);
    let handled: Promise<void> | undefined;
    try {
      // Duplicate Host, or HTTP/1.0 with Transfer-Encoding (framing.ts): a few length
      // comparisons on a normal request.
      if (badFraming(req) || !toOriginForm(req)) return void refuse(res);
      handled = listener.edgeOnly ? handleEdgeOnly(req, res, deps) : edgeShortcut(req, res, deps);
    } catch (err) {
      // The synchronous hit path threw: answered below like any failed request.
      handled = Promise.reject(err);
    }
    // Undefined: a cache hit already answered synchronously.
    handled?.catch((err: unknown) => {
      deps.log.error(`request failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      if (!res.headersSent) {
        res.writeHead(500, { "Content-Type": "text/plain" });
        res.end("Internal error\n");
      } else {
        res.destroy();
      }
    });
  });
  // A request node:http could not parse, or whose headers did not arrive within headersTimeout:
  // answer as node:http would (408 for the timeout) and close. Destroyed once the answer is
  // flushed, not just ended: the server allows half-open sockets, so a viewer that keeps
  // trickling bytes would keep an ended one open (one that never reads is the idle sweep's).
  server.on("clientError", (err: NodeJS.ErrnoException, socket) => {
    if (!socket.writable) return void socket.destroy();
    socket.end(err.code === "ERR_HTTP_REQUEST_TIMEOUT" ? REQUEST_TIMEOUT_RESPONSE : "HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n", () => socket.destroy());
  });
  return server;
}

/** 400 and close, without reading the body (framing.ts: the body's length cannot be trusted). */
function refuse(res: ServerResponse): void {
  res.writeHead(400, { Server: "CloudFront", "Content-Type": "text/html", "Content-Length": Buffer.byteLength(BAD_REQUEST_PAGE), Connection: "close", "X-Cache": "Error from cloudfront" });
  res.end(res.req.method === "HEAD" ? undefined : BAD_REQUEST_PAGE);
}

/**
 * The edge's hot path skips the general dispatch: a request without credentials, not for
 * minifront's own endpoints, whose Host is a distribution's, is edge traffic (the same answer
 * classifyRequest gives) and goes straight to the edge; anything else to `handle`.
 */
function edgeShortcut(req: IncomingMessage, res: ServerResponse, deps: ServerDeps): Promise<void> | undefined {
  const url = req.url ?? "/";
  if (req.headers.authorization !== undefined || url.includes("X-Amz-Credential") || isInternalPath(url)) return handle(req, res, deps);
  const state = deps.state().cloudfront;
  const dist = state.distributionForHost(hostWithoutPort(req.headers.host ?? ""));
  if (!dist) return handle(req, res, deps);
  deps.observer?.watch(req, res, dist);
  return deps.edge.handle(req, res, dist, state);
}

/** `--edge-port`: only distributions are served; an unknown Host gets CloudFront's 403. */
function handleEdgeOnly(req: IncomingMessage, res: ServerResponse, deps: ServerDeps): Promise<void> | undefined {
  const state = deps.state().cloudfront;
  const dist = state.distributionForHost(hostWithoutPort(req.headers.host ?? ""));
  if (!dist) return void deps.edge.unknownHost(req, res);
  deps.observer?.watch(req, res, dist);
  return deps.edge.handle(req, res, dist, state);
}

async function handle(req: IncomingMessage, res: ServerResponse, deps: ServerDeps): Promise<void> {
  const host = req.headers.host ?? "localhost";
  const rawUrl = req.url ?? "/";
  const q = rawUrl.indexOf("?");
  const path = q < 0 ? rawUrl : rawUrl.slice(0, q);
  const rawQuery = q < 0 ? "" : rawUrl.slice(q + 1);
  const method = req.method ?? "GET";
  const state = deps.state();
  const traffic = classifyRequest(
    { path, host, authorization: req.headers.authorization, rawQuery },
    (h) => state.cloudfront.distributionForHost(h) !== undefined,
    (name) => deps.services.has(name),
    (h) => h.endsWith(`.${state.cloudfront.settings.domainSuffix}`),
  );
  if (traffic !== "edge") deps.log.debug(`${method} ${host}${rawUrl} → ${traffic}`);
  if (deps.forward && traffic !== "edge") return deps.forward(req, res);
  const apiRequest = (): ApiRequest => ({ method, path, query: new URLSearchParams(rawQuery), rawQuery, headers: req.headers, body: req, requestId: randomUUID(), baseUrl: `http://${host}`, ...client(req) });

  switch (traffic) {
    case "internal": {
      const code = deps.lambda.download(method, path);
      if (code) return send(res, method, code);
      const result = await deps.internal(method, path);
      if (!result) return sendJson(res, 404, { error: `No minifront endpoint ${method} ${path}` });
      if ("serve" in result) return result.serve(req, res);
      // A text body (Prometheus metrics) goes out as it is.
      if (typeof result.body === "string") return send(res, method, { status: result.status, headers: { "Content-Type": "text/plain; version=0.0.4; charset=utf-8" }, body: result.body });
      return sendJson(res, result.status, result.body);
    }
    case "cloudfront": {
      const out = await deps.cloudfront.handle(apiRequest(), state.cloudfront);
      deps.log.debug(`${out.operation ?? "?"} → ${out.status}`);
      // Taken after every call, so the list stays as short as the call's own writes.
      const written = state.cloudfront.takeWrittenDistributions();
      deps.httpsWarnings?.afterOperation(out.operation, out.status, () => written);
      return send(res, method, out);
    }
    case "s3": {
      if (wantsRootPage({ method, path, rawQuery, host, headers: req.headers })) {
        return send(res, method, rootPage({ version: deps.version ?? "", host, secure: client(req).secure, distributions: state.cloudfront.listDistributions() }));
      }
      const out = await deps.s3.handle(apiRequest(), state.s3);
      deps.log.debug(`S3 ${out.operation ?? "?"} → ${out.status}`);
      return send(res, method, out);
    }
    case "website": {
      const bucket = websiteBucketFromHost(hostWithoutPort(host)) as string;
      // The full Host (with port) is where "same host" redirects must point.
      // Website endpoints serve anonymous requests only, so the bucket policy decides (website.ts).
      // Loaded on the first website request: it brings most of the S3 object code with it.
      const { serveWebsite } = await import("../services/s3/website.ts");
      const out = serveWebsite(state.s3, bucket, { method, path, host, headers: req.headers, requestId: randomUUID(), ...client(req) });
      return send(res, method, out);
    }
    case "kvs": {
      const out = await deps.kvs.handle(apiRequest(), state.cloudfront.keyValueStores);
      deps.log.debug(`KeyValueStore ${out.operation ?? "?"} → ${out.status}`);
      return send(res, method, out);
    }
    case "lambda":
    case "iam":
    case "sts": {
      const out = await deps.lambda.handle(traffic, apiRequest());
      deps.log.debug(`${traffic} ${out.operation ?? "?"} → ${out.status}`);
      return send(res, method, out);
    }
    case "service": {
      const name = credentialService(req.headers.authorization, rawQuery) as string;
      const out = await (deps.services.get(name) as NonNullable<ReturnType<AwsServices["get"]>>).handle(apiRequest());
      deps.log.debug(`${name} ${out.operation ?? "?"} → ${out.status}`);
      return send(res, method, out);
    }
    case "unknown-distribution":
      return deps.edge.unknownHost(req, res);
    case "edge": {
      const dist = state.cloudfront.distributionForHost(hostWithoutPort(host));
      if (!dist) return sendJson(res, 404, { error: "no such distribution" });
      deps.observer?.watch(req, res, dist);
      return deps.edge.handle(req, res, dist, state.cloudfront);
    }
  }
}

/** Who is asking, for bucket policies' aws:SourceIp and aws:SecureTransport. */
function client(req: IncomingMessage): { sourceIp?: string; secure: boolean } {
  const ip = req.socket.remoteAddress;
  return { ...(ip !== undefined ? { sourceIp: ip } : {}), secure: "encrypted" in req.socket && req.socket.encrypted === true };
}

/** Writes a response; streams a Readable body, never sends one for HEAD. */
function send(res: ServerResponse, method: string, out: { status: number; headers: Record<string, string>; body: string | Uint8Array | Readable }): void {
  res.writeHead(out.status, out.headers);
  const body = out.body;
  if (method === "HEAD") {
    if (body instanceof Readable) body.destroy();
    res.end();
  } else if (body instanceof Readable) {
    pipeline(body, res).catch(() => res.destroy());
  } else {
    res.end(body);
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text) });
  res.end(text);
}
