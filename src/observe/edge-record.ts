// One edge request, turned into one record once its response is done: what every consumer (the
// terminal request log, standard logs, metrics) reads. Built from the request, the response head as
// node:http sent it (`res._header`: the same text on the writeHead and the prerendered-hit paths,
// so the edge writes nothing extra for the id, POP, X-Cache and content headers) and the edge's
// request notes (edge/request-notes.ts: origin latency, the answering tier).
// The fields are those the legacy standard log needs (CloudFront Developer Guide, "Standard logging
// reference", "Log file fields"). Not emulated: time-to-first-byte is the whole time taken (the
// edge does not note when its first byte left), field-level encryption fields are always empty.
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";
import type { TLSSocket } from "node:tls";
import type { RequestNotes } from "../edge/request-notes.ts";

export interface EdgeRecord {
  /** When the response was done (clock ms since the epoch; date and time fields). */
  readonly time: number;
  readonly distributionId: string;
  /** The distribution's domain name (cs(Host)). */
  readonly distributionDomain: string;
  /** The Host the viewer sent, without port (x-host-header): the domain name or an alias. */
  readonly host: string;
  readonly pop: string;
  readonly requestId: string;
  readonly method: string;
  /** The path as the viewer sent it (cs-uri-stem), and the query without `?` ("" for none). */
  readonly path: string;
  readonly query: string;
  /** 0 when no response was sent before the connection closed (logged as 000). */
  readonly status: number;
  /** X-Cache's first word as sent (Hit, Miss, RefreshHit, Error, FunctionGeneratedResponse...); "" when none. */
  readonly xCache: string;
  /** Whether the whole response was handed to the viewer (false: the connection closed first). */
  readonly completed: boolean;
  readonly bytesSent: number;
  readonly bytesReceived: number;
  readonly totalMs: number;
  /** Origin latency to response headers; undefined when the origin was not asked. */
  readonly originMs: number | undefined;
  /** The cache layer that answered or asked the origin (EDGE, REC, Origin Shield); undefined when the cache was not consulted. */
  readonly layer: string | undefined;
  readonly viewerIp: string;
  readonly viewerPort: number;
  readonly protocol: "http" | "https";
  /** e.g. HTTP/1.1 */
  readonly httpVersion: string;
  readonly tlsProtocol: string | undefined;
  readonly tlsCipher: string | undefined;
  readonly userAgent: string | undefined;
  readonly referer: string | undefined;
  readonly cookie: string | undefined;
  readonly forwardedFor: string | undefined;
  readonly contentType: string | undefined;
  readonly contentLength: number | undefined;
  readonly rangeStart: number | undefined;
  readonly rangeEnd: number | undefined;
  /** The edge's notes of the request (behavior, cache key, functions, origin request), for the dashboard. */
  readonly notes?: Readonly<RequestNotes>;
  /** The viewer's request headers. */
  readonly requestHeaders: IncomingHttpHeaders;
  /** The response head as sent ("" when none was); absent in hand-made records. */
  readonly responseHead?: string;
}

/** What the observer keeps per watched request (its edge notes included). */
export interface Watched extends RequestNotes {
  readonly started: number;
  readonly distributionId: string;
  readonly distributionDomain: string;
}

/** Byte counters of a keep-alive connection at the end of its previous request, kept on the socket. */
const COUNTED = Symbol("minifront.counted");
type CountedSocket = TLSSocket & { [COUNTED]?: { read: number; written: number }; _bytesDispatched?: number; _pendingData?: unknown };

/**
 * socket.bytesWritten, without its cost when nothing waits to be written (the usual case once a
 * response is done): the getter copies the socket's write queue into a new array on every call.
 */
function bytesWritten(socket: CountedSocket): number {
  const dispatched = socket._bytesDispatched;
  if (typeof dispatched === "number" && socket.writableLength === 0 && socket._pendingData == null) return dispatched;
  return socket.bytesWritten ?? 0;
}

/**
 * Builds the record of a request whose response is done (or whose connection closed). Counters
 * and times are read now; what comes from the headers is read when a sink asks for it, so a cache
 * hit that only the metrics see does not parse its head.
 */
export function recordOf(req: IncomingMessage, res: ServerResponse, w: Watched, now: number): EdgeRecord {
  const socket = req.socket as CountedSocket;
  const read = socket.bytesRead ?? 0;
  const written = bytesWritten(socket);
  let counted = socket[COUNTED];
  if (!counted) socket[COUNTED] = counted = { read: 0, written: 0 };
  const record = new FinishedRequest(req, res, w, now, written - counted.written, read - counted.read);
  counted.read = read;
  counted.written = written;
  return record;
}

class FinishedRequest implements EdgeRecord {
  readonly time: number;
  readonly distributionId: string;
  readonly distributionDomain: string;
  readonly status: number;
  readonly completed: boolean;
  readonly bytesSent: number;
  readonly bytesReceived: number;
  readonly totalMs: number;
  readonly originMs: number | undefined;
  readonly layer: string | undefined;
  readonly method: string;
  readonly notes: Readonly<RequestNotes>;
  private readonly req: IncomingMessage;
  private readonly head: string;
  private lower: string | undefined;
  private xCacheWord: string | undefined;
  private popValue: string | undefined;
  private idValue: string | undefined;
  private edgeRead = false;

  constructor(req: IncomingMessage, res: ServerResponse, w: Watched, now: number, sent: number, received: number) {
    this.req = req;
    this.head = (res as unknown as { _header: string | null })._header ?? "";
    this.time = now;
    this.distributionId = w.distributionId;
    this.distributionDomain = w.distributionDomain;
    this.status = this.head === "" ? 0 : res.statusCode;
    this.completed = res.writableFinished;
    this.bytesSent = sent;
    this.bytesReceived = received;
    this.totalMs = performance.now() - w.started;
    this.originMs = w.originMs;
    this.layer = w.layer;
    this.method = req.method ?? "GET";
    this.notes = w;
  }

  /** A response header; `canonical` is how the edge writes it (found without lower-casing the head). */
  private field(canonical: string): string | undefined {
    const found = headField(this.head, this.head, canonical);
    if (found !== undefined) return found;
    this.lower ??= this.head.toLowerCase();
    return headField(this.head, this.lower, canonical.toLowerCase());
  }

  /**
   * X-Amz-Cf-Pop, X-Amz-Cf-Id and X-Cache in one pass where the edge writes them: one after the
   * other near the end of the head (edge/respond.ts, the pre-rendered hit's lines). One search
   * instead of three over a head of hundreds of bytes; what is not found there is looked up by name.
   */
  private readEdgeLines(): void {
    this.edgeRead = true;
    const head = this.head;
    const at = head.indexOf(POP_LINE, head.length > EDGE_TAIL ? head.length - EDGE_TAIL : 0);
    if (at < 0) return;
    const popStart = at + POP_LINE.length;
    const popEnd = head.indexOf("\r\n", popStart);
    if (popEnd < 0) return;
    this.popValue = head.slice(popStart, popEnd);
    if (!head.startsWith(ID_LINE, popEnd + 2)) return;
    const idStart = popEnd + 2 + ID_LINE.length;
    const idEnd = head.indexOf("\r\n", idStart);
    if (idEnd < 0) return;
    this.idValue = head.slice(idStart, idEnd);
    if (!head.startsWith(CACHE_LINE, idEnd + 2)) return;
    const wordStart = idEnd + 2 + CACHE_LINE.length;
    let wordEnd = wordStart;
    while (wordEnd < head.length) {
      const c = head.charCodeAt(wordEnd);
      if (c === 32 || c === 13) break;
      wordEnd++;
    }
    this.xCacheWord = head.slice(wordStart, wordEnd);
  }

  get xCache(): string {
    if (this.xCacheWord === undefined && this.notes.hitId !== undefined) this.xCacheWord = "Hit";
    if (this.xCacheWord === undefined && !this.edgeRead) this.readEdgeLines();
    if (this.xCacheWord === undefined) {
      const v = this.field("X-Cache") ?? "";
      const space = v.indexOf(" ");
      this.xCacheWord = space < 0 ? v : v.slice(0, space);
    }
    return this.xCacheWord;
  }
  get pop(): string {
    if (this.popValue === undefined) this.popValue = this.notes.hitPop;
    if (this.popValue === undefined && !this.edgeRead) this.readEdgeLines();
    return (this.popValue ??= this.field("X-Amz-Cf-Pop") ?? "");
  }
  get requestId(): string {
    if (this.idValue === undefined) this.idValue = this.notes.hitId;
    if (this.idValue === undefined && !this.edgeRead) this.readEdgeLines();
    return (this.idValue ??= this.field("X-Amz-Cf-Id") ?? "");
  }
  get requestHeaders(): IncomingHttpHeaders {
    return this.req.headers;
  }
  get responseHead(): string {
    return this.head;
  }
  get host(): string {
    const raw = this.req.headers.host ?? "";
    // Most requests name the distribution's own (lower-case) domain: no lower-casing copy for them.
    // (`lastIndexOf(domain, 0) === 0` is startsWith, at a third of its cost on Node 24.)
    const domain = this.distributionDomain;
    if ((raw.length === domain.length || raw.charCodeAt(domain.length) === 58) && raw.lastIndexOf(domain, 0) === 0) return domain;
    return hostOnly(raw);
  }
  get path(): string {
    const url = this.req.url ?? "/";
    const q = url.indexOf("?");
    return q < 0 ? url : url.slice(0, q);
  }
  get query(): string {
    const url = this.req.url ?? "/";
    const q = url.indexOf("?");
    return q < 0 ? "" : url.slice(q + 1);
  }
  get viewerIp(): string {
    return (this.req.socket.remoteAddress ?? "").replace(/^::ffff:/, "");
  }
  get viewerPort(): number {
    return this.req.socket.remotePort ?? 0;
  }
  get protocol(): "http" | "https" {
    return (this.req.socket as TLSSocket).encrypted === true ? "https" : "http";
  }
  get httpVersion(): string {
    return `HTTP/${this.req.httpVersion}`;
  }
  get tlsProtocol(): string | undefined {
    const s = this.req.socket as TLSSocket;
    return s.encrypted === true ? (s.getProtocol() ?? undefined) : undefined;
  }
  get tlsCipher(): string | undefined {
    const s = this.req.socket as TLSSocket;
    return s.encrypted === true ? s.getCipher()?.name : undefined;
  }
  get userAgent(): string | undefined {
    return one(this.req.headers["user-agent"]);
  }
  get referer(): string | undefined {
    return one(this.req.headers.referer);
  }
  get cookie(): string | undefined {
    return one(this.req.headers.cookie);
  }
  get forwardedFor(): string | undefined {
    return one(this.req.headers["x-forwarded-for"]);
  }
  get contentType(): string | undefined {
    return this.field("Content-Type");
  }
  get contentLength(): number | undefined {
    const v = this.field("Content-Length");
    return v !== undefined && /^\d+$/.test(v) ? Number(v) : undefined;
  }
  get rangeStart(): number | undefined {
    const r = this.range();
    return r ? Number(r[1]) : undefined;
  }
  get rangeEnd(): number | undefined {
    const r = this.range();
    return r ? Number(r[2]) : undefined;
  }
  private range(): RegExpExecArray | null {
    return /^bytes (\d+)-(\d+)\//.exec(this.field("Content-Range") ?? "");
  }
}

/** A header's value in a rendered response head, or undefined; `search` is the head or its lower-cased copy, matching `name`'s case. */
export function headField(head: string, search: string, name: string): string | undefined {
  let needle = NEEDLES.get(name);
  if (needle === undefined) NEEDLES.set(name, (needle = `\r\n${name}:`));
  const at = search.indexOf(needle);
  if (at < 0) return undefined;
  // One slice of the value, without the spaces around it (no trim copy).
  let start = at + name.length + 3;
  let end = head.indexOf("\r\n", start);
  if (end < 0) end = head.length;
  while (start < end && isSpace(head.charCodeAt(start))) start++;
  while (end > start && isSpace(head.charCodeAt(end - 1))) end--;
  return head.slice(start, end);
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9;
}

/** The edge's own lines as node:http renders them (readEdgeLines), and how far from the end they are looked for. */
const POP_LINE = "\r\nX-Amz-Cf-Pop: ";
const ID_LINE = "X-Amz-Cf-Id: ";
const CACHE_LINE = "X-Cache: ";
const EDGE_TAIL = 512;

/** `\r\n<name>:` per header name asked for: built once, not per request. */
const NEEDLES = new Map<string, string>();

function hostOnly(host: string): string {
  if (host.startsWith("[")) return host.slice(0, host.indexOf("]") + 1);
  const colon = host.indexOf(":");
  return (colon < 0 ? host : host.slice(0, colon)).toLowerCase();
}

function one(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v.join(", ") : v;
}
