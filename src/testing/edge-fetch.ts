// A fetch for distribution URLs that does not need `*.localhost` to resolve. Node's resolver does
// not resolve `d111111abcdef8.cloudfront.localhost` on most Linux machines (ENOTFOUND), and the
// global fetch refuses to send a Host header of the caller's choosing. This one connects to the
// emulator's own address and port and sends the URL's host as the Host header, which is how the
// emulator tells distributions apart: what a browser would send had the name resolved.
//
// What it does not do: follow redirects (a 301 from redirect-to-https or a function comes back as
// it is, which is what a test of that redirect wants), HTTPS, or cookies across calls.
import { request, type IncomingMessage } from "node:http";
import { Readable } from "node:stream";

/** `fetch` for edge URLs (`emu.edgeUrlFor(domain) + path`); any host, always the emulator's port. */
export type EdgeFetch = (input: string | URL, init?: EdgeFetchInit) => Promise<Response>;

export interface EdgeFetchInit {
  readonly method?: string;
  readonly headers?: HeadersInit;
  readonly body?: string | Uint8Array | null;
  readonly signal?: AbortSignal;
}

/** Statuses whose Response must have no body (the Fetch standard's "null body status"). */
const NULL_BODY_STATUS = new Set([101, 103, 204, 205, 304]);

/**
 * A fetch whose requests all go to `address:port` (the emulator), with the URL's host as the
 * Host header.
 *
 * @example
 * const fetchEdge = edgeFetch(emu.port);
 * const res = await fetchEdge(`http://${distribution.DomainName}/index.html`);
 */
export function edgeFetch(port: number, address = "127.0.0.1"): EdgeFetch {
  return (input, init = {}) => {
    const url = new URL(input);
    if (url.protocol !== "http:") return Promise.reject(new TypeError(`edgeFetch: only http: URLs (got ${url.protocol})`));
    const headers = new Headers(init.headers);
    if (!headers.has("host")) headers.set("host", url.host);
    const method = (init.method ?? "GET").toUpperCase();
    const body = typeof init.body === "string" ? Buffer.from(init.body) : init.body;
    if (body && !headers.has("content-length")) headers.set("content-length", String(body.byteLength));
    return new Promise<Response>((resolve, reject) => {
      const req = request(
        { host: address, port, method, path: `${url.pathname}${url.search}`, headers: Object.fromEntries(headers), signal: init.signal },
        (res) => resolve(toResponse(res, method)),
      );
      req.once("error", reject);
      req.end(body ?? undefined);
    });
  };
}

function toResponse(res: IncomingMessage, method: string): Response {
  const headers = new Headers();
  // rawHeaders keeps repeated fields (Set-Cookie) apart.
  for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) headers.append(res.rawHeaders[i] as string, res.rawHeaders[i + 1] as string);
  const status = res.statusCode ?? 502;
  const noBody = method === "HEAD" || NULL_BODY_STATUS.has(status);
  if (noBody) res.resume();
  // Readable.toWeb's type is node:stream/web's ReadableStream; Response takes the DOM one (same object).
  const body = noBody ? null : (Readable.toWeb(res) as unknown as ReadableStream<Uint8Array>);
  return new Response(body, { status, statusText: res.statusMessage ?? "", headers });
}
