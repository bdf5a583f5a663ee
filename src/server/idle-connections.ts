// The keep-alive idle timeout and the stalled-viewer timeout, kept by one sweep instead of a timer
// per request.
//
// node:http enforces `keepAliveTimeout` by re-arming the socket's timer twice per request (set
// when a response finishes, cleared when the next request starts): two timer-list updates that
// cost about 5% of a 100 KiB cache hit (issue 4's notes). The listeners run with
// keepAliveTimeout 0, and this sweep:
// - closes a connection that has had no response in progress and no bytes in either direction for
//   `idleMs` (the keep-alive idle timeout);
// - closes a connection whose request is in progress but stuck on the viewer for `stalledMs`: the
//   request body has not been fully received and no byte arrived although minifront is reading
//   (not pausing the socket for backpressure), or a response is queued that the viewer does not
//   read. This is an idle timeout, not a total: an upload or download of any size that keeps
//   moving is never cut. The viewer gets `408 Request Timeout` when no response has started.
//   A request that waits on minifront or its origin (nothing queued, body complete or paused by
//   us) is left alone here; origin timeouts are the edge's business.
// The per-request work is one property write.
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { Socket } from "node:net";

const RESPONSE = Symbol("minifront.lastResponse");

interface TrackedSocket extends Socket {
  /** The latest response on the connection (earlier ones finish first). */
  [RESPONSE]?: ServerResponse;
}

export interface IdleOptions {
  /** A connection without a request in progress is closed after this long without a byte. */
  readonly idleMs: number;
  /** A request stuck on the viewer (body not arriving, response not read) is closed after this long. */
  readonly stalledMs: number;
  /** How often the sweep runs; a timeout fires up to one sweep late. Default: a quarter of the shorter timeout, at most 1 s. */
  readonly sweepMs?: number;
  /** The server speaks TLS: watch the TLS sockets ("secureConnection"), which requests arrive on. */
  readonly secure?: boolean;
}

/** What node:http itself sends when its headersTimeout fires (ERR_HTTP_REQUEST_TIMEOUT). */
export const REQUEST_TIMEOUT_RESPONSE = "HTTP/1.1 408 Request Timeout\r\nConnection: close\r\nContent-Length: 0\r\n\r\n";

/**
 * Starts watching the server's connections (the sweep stops when the server closes) and returns
 * the function to call for every request: it records the response, so the sweep knows the
 * connection is busy.
 */
export function closeIdleConnections(server: Server, options: IdleOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const { idleMs, stalledMs } = options;
  const sweepMs = options.sweepMs ?? Math.max(10, Math.min(1000, Math.floor(Math.min(idleMs, stalledMs) / 4)));
  // since: when the connection last moved a byte or was seen busy (the keep-alive clock);
  // moved: when it last moved a byte (the stalled-viewer clock).
  const sockets = new Map<TrackedSocket, { bytes: number; since: number; moved: number }>();
  let lastSweep = performance.now();
  const sweep = setInterval(() => {
    const now = performance.now();
    // A sweep far behind schedule means the process did not run (stopped in a debugger, a
    // suspended machine, a blocked event loop): bytes that arrived meanwhile are still unread, so
    // no connection can be judged idle or stalled now. Restart every clock instead.
    const late = now - lastSweep > 3 * sweepMs + 100;
    lastSweep = now;
    for (const [socket, seen] of sockets) {
      if (late) {
        seen.since = seen.moved = now;
        continue;
      }
      const bytes = socket.bytesRead + socket.bytesWritten;
      const res = socket[RESPONSE];
      if (bytes !== seen.bytes) {
        seen.bytes = bytes;
        seen.since = now;
        seen.moved = now;
      } else if (res !== undefined && !res.writableFinished) {
        if (now - seen.moved >= stalledMs && waitsOnViewer(socket, res)) closeStalled(socket, res);
        else seen.since = now;
      } else if (now - seen.since >= idleMs) {
        socket.destroy();
      }
    }
  }, sweepMs);
  sweep.unref();
  server.on("close", () => clearInterval(sweep));
  // Every connection, including those whose only answer node:http wrote itself (a 417 for an
  // unknown Expect, a 400): the socket a request arrives on, the TLS one for HTTPS.
  server.on(options.secure ? "secureConnection" : "connection", (socket: TrackedSocket) => {
    const now = performance.now();
    sockets.set(socket, { bytes: -1, since: now, moved: now });
    socket.once("close", () => sockets.delete(socket));
  });
  return (req, res) => {
    (req.socket as TrackedSocket)[RESPONSE] = res;
  };
}

/**
 * The request in progress cannot go on until the viewer acts: its body is incomplete and the
 * socket is reading (a paused socket is minifront's backpressure, not the viewer's silence), or
 * response bytes are queued that the viewer has not taken.
 */
function waitsOnViewer(socket: Socket, res: ServerResponse): boolean {
  return (!res.req.complete && !socket.isPaused()) || socket.writableLength > 0;
}

/** As node:http does for its own request timeout: 408 if nothing was answered yet, then close. */
function closeStalled(socket: Socket, res: ServerResponse): void {
  if (!res.headersSent && socket.writable) socket.write(REQUEST_TIMEOUT_RESPONSE);
  socket.destroy();
}
