// The edge's in-process test seam: a request in, a response out, no listening socket. The
// request is a real node:http IncomingMessage and the response a real ServerResponse, attached to
// an in-memory duplex that stands in for the connection, so everything the pipeline does to them
// (writeHead, pre-rendered heads, piped files, keep-alive) happens as on a socket; the bytes written
// are parsed back into status, headers and body.
import { IncomingMessage, ServerResponse } from "node:http";
import { Duplex } from "node:stream";

export interface InMemoryRequest {
  readonly method?: string;
  readonly url: string;
  /** Lower-case names. */
  readonly headers?: Record<string, string>;
  readonly body?: Buffer | string;
  /** The viewer's address (socket.remoteAddress). */
  readonly remoteAddress?: string;
  readonly encrypted?: boolean;
}

export interface InMemoryResponse {
  readonly status: number;
  /** Lower-case names; repeated headers joined with ", " except set-cookie (an array). */
  readonly headers: Record<string, string>;
  readonly setCookies: readonly string[];
  readonly body: Buffer;
}

type Handler = (req: IncomingMessage, res: ServerResponse) => unknown;

/** Runs `handler` on one request and resolves with what it wrote, once the response has finished. */
export async function exchangeInMemory(handler: Handler, request: InMemoryRequest): Promise<InMemoryResponse> {
  const written: Buffer[] = [];
  const socket = new Duplex({
    read() {},
    write(chunk: Buffer, _enc, done) {
      written.push(Buffer.from(chunk));
      done();
    },
  });
  Object.assign(socket, { remoteAddress: request.remoteAddress ?? "127.0.0.1", encrypted: request.encrypted === true, setKeepAlive() {}, setNoDelay() {}, setTimeout() {} });
  const req = new IncomingMessage(socket as never);
  req.method = request.method ?? "GET";
  req.url = request.url;
  req.httpVersion = "1.1";
  req.httpVersionMajor = 1;
  req.httpVersionMinor = 1;
  const headers: Record<string, string> = { host: "edge.test", ...request.headers };
  const body = request.body === undefined ? undefined : Buffer.from(request.body);
  if (body && headers["content-length"] === undefined && headers["transfer-encoding"] === undefined) headers["content-length"] = String(body.length);
  req.headers = headers;
  req.rawHeaders = Object.entries(headers).flat();
  if (body) req.push(body);
  req.push(null);
  req.complete = true;

  const res = new ServerResponse(req);
  res.shouldKeepAlive = true;
  res.assignSocket(socket as never);
  const finished = new Promise<void>((resolve, reject) => {
    res.on("finish", () => resolve());
    res.on("close", () => resolve());
    res.on("error", reject);
  });
  await handler(req, res);
  await finished;
  return parseResponse(Buffer.concat(written), req.method === "HEAD");
}

/** Parses an HTTP/1.1 response as written to the socket (Content-Length or chunked framing). */
export function parseResponse(bytes: Buffer, headRequest = false): InMemoryResponse {
  const end = bytes.indexOf("\r\n\r\n");
  if (end < 0) throw new Error(`no complete response head in ${JSON.stringify(bytes.toString("latin1").slice(0, 200))}`);
  const [statusLine, ...lines] = bytes.subarray(0, end).toString("latin1").split("\r\n");
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(statusLine ?? "")?.[1]);
  const headers: Record<string, string> = {};
  const setCookies: string[] = [];
  for (const line of lines) {
    const colon = line.indexOf(":");
    const name = line.slice(0, colon).toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === "set-cookie") setCookies.push(value);
    else headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  }
  let rest = bytes.subarray(end + 4);
  if (headRequest || status === 304 || status === 204) return { status, headers, setCookies, body: Buffer.alloc(0) };
  if (headers["transfer-encoding"] === "chunked") {
    const parts: Buffer[] = [];
    for (;;) {
      const lineEnd = rest.indexOf("\r\n");
      const size = parseInt(rest.subarray(0, lineEnd).toString("latin1"), 16);
      if (!(size > 0)) break;
      parts.push(rest.subarray(lineEnd + 2, lineEnd + 2 + size));
      rest = rest.subarray(lineEnd + 2 + size + 2);
    }
    return { status, headers, setCookies, body: Buffer.concat(parts) };
  }
  const length = headers["content-length"] === undefined ? rest.length : Number(headers["content-length"]);
  return { status, headers, setCookies, body: rest.subarray(0, length) };
}
