// A controllable test origin for the edge end-to-end suites (a node:http server on 127.0.0.1 that
// answers what a test sets per path and records every request), and a viewer-request helper that
// sends one request to the edge as a given Host.
import assert from "node:assert/strict";
import { createServer, request, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

// ---------------------------------------------------------------------------------------------
// The test origin

/** One request as the origin received it. */
export interface Received {
  readonly method: string;
  /** Path and query as received. */
  readonly url: string;
  readonly path: string;
  /** The raw query string without `?` ("" when none). */
  readonly query: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

export interface Reply {
  readonly status?: number;
  readonly headers?: Record<string, string>;
  readonly body?: string;
  /** Send the body chunked (no Content-Length), in two writes. */
  readonly chunked?: boolean;
}

/** A reply, or "hang" to never answer. */
export type Handler = (req: Received) => Reply | "hang" | Promise<Reply | "hang">;

export interface TestOriginOptions {
  /**
   * Number the default body (`origin <url> #<n>`, n = requests received so far), so every
   * response is distinct and a test can tell which origin fetch it got. Default: `origin <url>`.
   */
  readonly numberDefaultBodies?: boolean;
}

/** A node:http origin on 127.0.0.1 whose answers are set per path and which records every request. */
export class TestOrigin {
  readonly received: Received[] = [];
  private readonly handlers = new Map<string, Handler>();
  private readonly server: Server;
  private readonly numberDefaultBodies: boolean;
  private listeningPort = 0;

  constructor(options: TestOriginOptions = {}) {
    this.numberDefaultBodies = options.numberDefaultBodies ?? false;
    this.server = createServer((req, res) => void this.serve(req, res));
  }

  get port(): number {
    return this.listeningPort;
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.listeningPort = (this.server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  /** Sets what the origin answers for `path` (as the origin sees it, without query). */
  on(path: string, reply: Reply | Handler): void {
    this.handlers.set(path, typeof reply === "function" ? reply : () => reply);
  }

  /** Requests received for `path` (without query). */
  requests(path: string): Received[] {
    return this.received.filter((r) => r.path === path);
  }

  hits(path: string): number {
    return this.requests(path).length;
  }

  last(path: string): Received {
    const all = this.requests(path);
    return all[all.length - 1] ?? assert.fail(`the origin received no request for ${path}`);
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = req.url ?? "/";
    const q = url.indexOf("?");
    const received: Received = {
      method: req.method ?? "GET",
      url,
      path: q < 0 ? url : url.slice(0, q),
      query: q < 0 ? "" : url.slice(q + 1),
      headers: req.headers,
      body: Buffer.concat(chunks).toString("utf8"),
    };
    this.received.push(received);
    const handler = this.handlers.get(received.path);
    const reply = handler ? await handler(received) : { body: this.numberDefaultBodies ? `origin ${url} #${this.received.length}` : `origin ${url}` };
    if (reply === "hang") return;
    const body = reply.body ?? "";
    if (reply.chunked) {
      res.writeHead(reply.status ?? 200, { "Content-Type": "text/plain", ...reply.headers });
      const half = Math.floor(body.length / 2);
      res.write(body.slice(0, half));
      setTimeout(() => res.end(body.slice(half)), 5);
      return;
    }
    res.writeHead(reply.status ?? 200, { "Content-Type": "text/plain", ...reply.headers, "Content-Length": String(Buffer.byteLength(body)) });
    res.end(req.method === "HEAD" ? undefined : body);
  }
}

// ---------------------------------------------------------------------------------------------
// Viewer requests

export interface EdgeResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

export interface ViewerRequest {
  readonly method?: string;
  readonly headers?: Record<string, string>;
  readonly body?: string;
}

/** One header as a single string (undefined when absent). */
export function header(res: EdgeResponse, name: string): string | undefined {
  const v = res.headers[name.toLowerCase()];
  return Array.isArray(v) ? v.join(", ") : v;
}

/** Sends one request to the edge on `port` as `host` (127.0.0.1:<port> with an explicit Host header). */
export function sendToEdge(port: number, host: string, path: string, req: ViewerRequest = {}): Promise<EdgeResponse> {
  return new Promise((resolve, reject) => {
    const r = request(
      { host: "127.0.0.1", port, path, method: req.method ?? "GET", headers: { ...req.headers, host }, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("error", reject);
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }));
      },
    );
    r.on("error", reject);
    r.end(req.body);
  });
}
