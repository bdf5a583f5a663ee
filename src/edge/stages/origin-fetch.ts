// One request to an origin (docs/edge.md §7.2-§7.3): HTTP/1.1 over keep-alive agents, the
// connection timeout per attempt, up to ConnectionAttempts attempts for GET/HEAD when the
// connection fails, and the read timeout on the wait for each byte. Connect failures become 502,
// timeouts 504, an invalid response 502 (§17). Not yet: origin TLS settings (certificates are not verified), failover.
import type { IncomingMessage, OutgoingHttpHeaders } from "node:http";
import { nodeHttp, nodeHttps } from "../../http/node-http.ts";
import type { CompiledOrigin } from "../compile.ts";

const httpAgent = new nodeHttp.Agent({ keepAlive: true, keepAliveMsecs: 5000 });
// Made on the first HTTPS origin request, so that a run without one never loads node:tls.
let httpsAgent: import("node:https").Agent | undefined;

export class OriginError extends Error {
  /** 502 for connection failures, 504 for timeouts. */
  readonly status: 502 | 504;
  constructor(status: 502 | 504, message: string) {
    super(message);
    this.status = status;
  }
}

export interface OriginRequest {
  readonly method: string;
  /** Path and query, as sent to the origin (already including the origin's path prefix). */
  readonly path: string;
  readonly headers: OutgoingHttpHeaders;
  readonly viewerProtocol: "http" | "https";
  /** A body to send (methods other than GET/HEAD), or undefined. */
  readonly body?: NodeJS.ReadableStream;
}

export async function fetchOrigin(origin: CompiledOrigin, req: OriginRequest): Promise<IncomingMessage> {
  const retryable = (req.method === "GET" || req.method === "HEAD") && !req.body;
  const attempts = retryable ? Math.max(1, origin.connectionAttempts) : 1;
  let last: OriginError | undefined;
  for (let i = 0; i < attempts; i++) {
    try {
      return await attempt(origin, req);
    } catch (err) {
      last = err instanceof OriginError ? err : new OriginError(502, String(err));
      if (last.status === 504 && !retryable) break;
    }
  }
  throw last ?? new OriginError(502, "origin unreachable");
}

function attempt(origin: CompiledOrigin, req: OriginRequest): Promise<IncomingMessage> {
  const https = origin.protocol === "https:" || (origin.protocol === "match-viewer" && req.viewerProtocol === "https");
  const port = origin.protocol === "match-viewer" && https ? origin.httpsPort : origin.port;
  const request = https ? nodeHttps().request : nodeHttp.request;
  return new Promise((resolve, reject) => {
    const r = request({
      hostname: origin.hostname,
      port,
      method: req.method,
      path: req.path,
      headers: req.headers,
      agent: https ? (httpsAgent ??= new (nodeHttps().Agent)({ keepAlive: true, keepAliveMsecs: 5000, rejectUnauthorized: false })) : httpAgent,
      servername: https ? origin.hostname : undefined,
    });
    let connected = false;
    const connectTimer = setTimeout(() => {
      if (!connected) r.destroy(new OriginError(502, `could not connect to origin ${origin.id} within ${origin.connectionTimeoutMs} ms`));
    }, origin.connectionTimeoutMs);
    r.on("socket", (socket) => {
      const onConnect = () => {
        connected = true;
        clearTimeout(connectTimer);
        r.setTimeout(origin.readTimeoutMs, () => r.destroy(new OriginError(504, `origin ${origin.id} did not answer within ${origin.readTimeoutMs} ms`)));
      };
      if ((socket as { connecting?: boolean }).connecting) socket.once(https ? "secureConnect" : "connect", onConnect);
      else onConnect();
    });
    r.once("response", (res) => {
      clearTimeout(connectTimer);
      r.setTimeout(0);
      // The read timeout also covers gaps between body chunks. The socket is pooled (keep-alive),
      // so the listener must go when this response is done, not stay for the socket's lifetime.
      const socket = res.socket;
      const onStall = () => res.destroy(new OriginError(504, `origin ${origin.id} stalled`));
      socket?.setTimeout(origin.readTimeoutMs, onStall);
      const release = () => {
        socket?.setTimeout(0);
        socket?.removeListener("timeout", onStall);
      };
      res.once("end", release);
      res.once("close", release);
      resolve(res);
    });
    r.once("error", (err) => {
      clearTimeout(connectTimer);
      // A response node's parser refuses (HPE_*: bad status line, bad header, conflicting
      // framing) is an invalid origin response: 502, as for a connection failure (docs/edge.md §17).
      const invalid = (err as NodeJS.ErrnoException).code?.startsWith("HPE_") === true;
      reject(err instanceof OriginError ? err : new OriginError(connected && !invalid ? 504 : 502, `origin ${origin.id}: ${err.message}`));
    });
    if (req.body) req.body.pipe(r);
    else r.end();
  });
}
