// A misbehaving origin for the edge's fault tests: a raw TCP server on 127.0.0.1 that reads
// HTTP/1.1 requests (keep-alive, one after another on a connection) and answers each with
// whatever bytes a test's handler writes, or with nothing at all. It can do what a correct HTTP
// server never would: reset, stop halfway through a body, hang, send framing that lies, trickle.
import { createServer, type Server, type Socket } from "node:net";
import type { AddressInfo } from "node:net";

/** One request as the origin read it off the wire. */
export interface RawRequest {
  readonly method: string;
  readonly path: string;
  /** Lower-cased header names; a repeated header keeps its values joined with ", ". */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

/** Answers one request by writing to (or destroying, or ignoring) the socket. */
export type RawHandler = (socket: Socket, req: RawRequest) => void;

export class FaultyOrigin {
  /** Every request read, in order. */
  readonly received: RawRequest[] = [];
  private readonly handlers = new Map<string, RawHandler>();
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private listeningPort = 0;

  constructor() {
    this.server = createServer((socket) => this.accept(socket));
  }

  get port(): number {
    return this.listeningPort;
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.listeningPort = (this.server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  on(path: string, handler: RawHandler): void {
    this.handlers.set(path, handler);
  }

  hits(path: string): number {
    return this.received.filter((r) => r.path === path).length;
  }

  private accept(socket: Socket): void {
    this.sockets.add(socket);
    socket.on("close", () => this.sockets.delete(socket));
    socket.on("error", () => undefined);
    let buffered = Buffer.alloc(0);
    socket.on("data", (data: Buffer) => {
      buffered = Buffer.concat([buffered, data]);
      for (;;) {
        const end = buffered.indexOf("\r\n\r\n");
        if (end < 0) return;
        const [line = "", ...fields] = buffered.subarray(0, end).toString("latin1").split("\r\n");
        const headers: Record<string, string> = {};
        for (const f of fields) {
          const colon = f.indexOf(":");
          const name = f.slice(0, colon).trim().toLowerCase();
          const value = f.slice(colon + 1).trim();
          headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
        }
        const length = Number(headers["content-length"] ?? 0);
        if (buffered.length < end + 4 + length) return;
        const body = buffered.subarray(end + 4, end + 4 + length);
        buffered = buffered.subarray(end + 4 + length);
        const [method = "", target = ""] = line.split(" ");
        const path = target.split("?")[0] ?? target;
        const req: RawRequest = { method, path, headers, body };
        this.received.push(req);
        const handler = this.handlers.get(path) ?? okHandler(`faulty origin ${path}`);
        handler(socket, req);
      }
    });
  }
}

/** A correct response with a Content-Length (for the paths a test does not break). */
export function okHandler(body: string, headers: Record<string, string> = {}): RawHandler {
  return (socket) => {
    const extra = Object.entries(headers).map(([n, v]) => `${n}: ${v}\r\n`).join("");
    socket.write(`HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${extra}\r\n${body}`);
  };
}

/** A chunk of a chunked body, as written on the wire. */
export function chunk(data: string | Buffer): Buffer {
  const bytes = typeof data === "string" ? Buffer.from(data) : data;
  return Buffer.concat([Buffer.from(`${bytes.length.toString(16)}\r\n`), bytes, Buffer.from("\r\n")]);
}

/** The end of a chunked body. */
export const LAST_CHUNK = "0\r\n\r\n";
