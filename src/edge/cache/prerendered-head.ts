// A cached object's response head, rendered once when it is stored, so a hit sends it without
// node:http checking and joining each header again (about a tenth of a 1 KiB hit's CPU time; see
// issue 4's notes and bench/).
//
// node:http has no public way to send a head that is already rendered. ServerResponse.writeHead
// ends by storing the rendered head in `res._header`, which the first write sends ahead of the
// body; sendPrerendered stores it there itself. It takes that path only for the case it renders
// exactly as writeHead would (a keep-alive HTTP/1.1 response with a Content-Length and a body),
// and returns false for everything else so the caller uses writeHead. `PRERENDER_SUPPORTED` checks
// at load that ServerResponse still has these fields, and prerendered-head.test.ts compares the
// bytes of both paths on real sockets for the pinned Node version.
import type { ServerResponse } from "node:http";
import { nodeHttp } from "../../http/node-http.ts";
import { Socket } from "node:net";

/** The checks writeHead applies to header names (RFC 9110 token) and values (field-value). */
const TOKEN = /^[\^_`a-zA-Z\-0-9!#$%&'*+.|~]+$/;
const INVALID_VALUE = /[^\t\x20-\x7e\x80-\xff]/;

/** The ServerResponse fields writeHead reads and writes (node:_http_outgoing, node:_http_server). */
interface ResponseInternals {
  _header: string | null;
  _headerSent: boolean;
  _contentLength: number | null;
  _hasBody: boolean;
  _defaultKeepAlive: boolean;
  _keepAliveTimeout?: number;
  _maxRequestsPerSocket?: number;
  _expect_continue?: boolean;
  shouldKeepAlive: boolean;
  maxRequestsOnConnectionReached?: boolean;
  sendDate: boolean;
  statusCode: number;
  statusMessage: string;
}

export const PRERENDER_SUPPORTED = ((): boolean => {
  const res = new nodeHttp.ServerResponse(new nodeHttp.IncomingMessage(new Socket())) as unknown as Partial<ResponseInternals>;
  return res._header === null && res._headerSent === false && res._hasBody === true && res._defaultKeepAlive === true && typeof res.shouldKeepAlive === "boolean" && res.sendDate === true && typeof (res as { _send?: unknown })._send === "function";
})();

export interface PrerenderedHead {
  /** Status line and headers, each line ending in CRLF; the per-request lines come after. */
  readonly text: string;
  readonly status: number;
  readonly contentLength: number;
  /** Whether the headers carry a Date (the origin's); otherwise one is added per response, as writeHead does. */
  readonly hasDate: boolean;
}

/**
 * Renders `flat` ([name, value, ...], Content-Length included) after the status line. Undefined
 * when writeHead must send it: a status without a body (1xx, 204, 304), no single numeric
 * Content-Length, a Connection/Transfer-Encoding/Keep-Alive header, or a name or value writeHead
 * would refuse (it then fails the same way it always did).
 */
export function renderHead(status: number, flat: readonly string[]): PrerenderedHead | undefined {
  if (status < 200 || status === 204 || status === 304 || status > 999) return undefined;
  let text = `HTTP/1.1 ${status} ${nodeHttp.STATUS_CODES[status] ?? "unknown"}\r\n`;
  let contentLength: number | undefined;
  let hasDate = false;
  for (let i = 0; i < flat.length; i += 2) {
    const name = flat[i] as string;
    const value = flat[i + 1] as string;
    if (!TOKEN.test(name) || INVALID_VALUE.test(value)) return undefined;
    const lower = name.toLowerCase();
    if (lower === "connection" || lower === "transfer-encoding" || lower === "keep-alive" || lower === "expect" || lower === "trailer") return undefined;
    // writeHead re-encodes a Content-Disposition value when it is not ASCII (node:_http_outgoing).
    if (lower === "content-disposition" && /[^\x00-\x7f]/.test(value)) return undefined;
    if (lower === "content-length") {
      if (contentLength !== undefined || !/^\d+$/.test(value)) return undefined;
      contentLength = Number(value);
    }
    if (lower === "date") hasDate = true;
    text += `${name}: ${value}\r\n`;
  }
  return contentLength === undefined ? undefined : { text, status, contentLength, hasDate };
}

/**
 * Sends `head`, then `lines` (per-request header lines, each ending in CRLF), the Date and
 * keep-alive lines writeHead would add, and `body` (undefined: the caller writes the body, e.g.
 * by piping a file). False, with nothing sent, when the response must go through writeHead.
 */
export function sendPrerendered(res: ServerResponse, head: PrerenderedHead, lines: string, body: Buffer | undefined): boolean {
  const r = res as unknown as ResponseInternals;
  if (!PRERENDER_SUPPORTED || r._header !== null || !r.shouldKeepAlive || r.maxRequestsOnConnectionReached || r._expect_continue || !r.sendDate) return false;
  r.statusCode = head.status;
  r.statusMessage = nodeHttp.STATUS_CODES[head.status] ?? "unknown";
  r._contentLength = head.contentLength;
  r._header = head.text + lines + (head.hasDate ? "" : dateLine()) + keepAliveLines(r) + "\r\n";
  r._headerSent = false;
  if (body !== undefined) res.end(r._hasBody ? body : undefined);
  return true;
}

/** `Connection: keep-alive` and, when the server has a keep-alive timeout, `Keep-Alive` (as writeHead). */
function keepAliveLines(r: ResponseInternals): string {
  if (!r._keepAliveTimeout || !r._defaultKeepAlive) return "Connection: keep-alive\r\n";
  const max = r._maxRequestsPerSocket;
  if (r._keepAliveTimeout !== lastTimeout || max !== lastMax) {
    lastTimeout = r._keepAliveTimeout;
    lastMax = max;
    lastKeepAlive = `Connection: keep-alive\r\nKeep-Alive: timeout=${Math.floor(lastTimeout / 1000)}${max !== undefined && ~~max > 0 ? `, max=${max}` : ""}\r\n`;
  }
  return lastKeepAlive;
}
let lastTimeout = -1;
let lastMax: number | undefined;
let lastKeepAlive = "";

/** The Date line writeHead adds, re-rendered once a second (the real time of sending, as node:http does). */
function dateLine(): string {
  const second = Math.floor(Date.now() / 1000);
  if (second !== dateSecond) {
    dateSecond = second;
    dateText = `Date: ${new Date(second * 1000).toUTCString()}\r\n`;
  }
  return dateText;
}
let dateSecond = -1;
let dateText = "";
