// The keep-alive idle timeout, kept by one sweep instead of a timer per request.
//
// node:http enforces `keepAliveTimeout` by re-arming the socket's timer twice per request (set
// when a response finishes, cleared when the next request starts): two timer-list updates that
// cost about 5% of a 100 KiB cache hit (issue 4's notes). The listeners run with
// keepAliveTimeout 0, and this sweep closes a connection that has had no response in progress and
// no bytes in either direction for `idleMs`. The per-request work is one property write.
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { Server as TlsServer } from "node:tls";

const RESPONSE = Symbol("minifront.lastResponse");

interface TrackedSocket extends Socket {
  /** The latest response on the connection (earlier ones finish first). */
  [RESPONSE]?: ServerResponse;
}

/**
 * Starts watching the server's connections (the sweep stops when the server closes) and returns
 * the function to call for every request: it records the response, so the sweep knows the
 * connection is busy.
 */
export function closeIdleConnections(server: Server, idleMs: number, sweepMs = 1000): (req: IncomingMessage, res: ServerResponse) => void {
  const sockets = new Map<TrackedSocket, { bytes: number; since: number }>();
  const sweep = setInterval(() => {
    const now = performance.now();
    for (const [socket, seen] of sockets) {
      const bytes = socket.bytesRead + socket.bytesWritten;
      const res = socket[RESPONSE];
      if (bytes !== seen.bytes || (res !== undefined && !res.writableFinished)) {
        seen.bytes = bytes;
        seen.since = now;
      } else if (now - seen.since >= idleMs) {
        socket.destroy();
      }
    }
  }, sweepMs);
  sweep.unref();
  server.on("close", () => clearInterval(sweep));
  // Every connection, including those whose only answer node:http wrote itself (a 417 for an
  // unknown Expect, a 400): the socket a request arrives on, the TLS one for HTTPS.
  server.on(server instanceof TlsServer ? "secureConnection" : "connection", (socket: TrackedSocket) => {
    sockets.set(socket, { bytes: -1, since: performance.now() });
    socket.once("close", () => sockets.delete(socket));
  });
  return (req, res) => {
    (req.socket as TrackedSocket)[RESPONSE] = res;
  };
}
