// What the dashboard shows of one edge request: a summary line for the live list and the detail a
// click opens (behavior, cache key, tier, function input and output, the origin request, both
// header sets, the access warnings it caused). Built from the observer's record and the edge's
// request notes (edge/request-notes.ts) once, when the response is done, and only while a
// browser listens (live-feed.ts). Function inputs and outputs are the edge's own objects: they
// are turned into plain JSON here, bodies shortened.
import type { EdgeRecord } from "../observe/edge-record.ts";

export interface RequestSummary {
  readonly seq: number;
  readonly time: number;
  readonly distributionId: string;
  readonly host: string;
  readonly pop: string;
  readonly method: string;
  readonly path: string;
  readonly query: string;
  readonly status: number;
  readonly xCache: string;
  /** The cache layer that answered or asked the origin (EDGE, REC, Origin Shield). */
  readonly layer: string | undefined;
  readonly behavior: string | undefined;
  readonly totalMs: number;
  readonly originMs: number | undefined;
  readonly bytesSent: number;
  readonly requestId: string;
  readonly warnings: number;
}

export interface RequestDetail extends RequestSummary {
  /** The cache key's parts (path and query, then the headers, cookies and encoding the policy selects). */
  readonly cacheKey: readonly string[] | undefined;
  readonly functions: ReadonlyArray<{ event: string; kind: string; name: string; input: unknown; output: unknown }>;
  readonly origin: { originId: string; method: string; path: string; query: string; headers: unknown; status: number | undefined; latencyMs: number | undefined } | undefined;
  readonly requestHeaders: Readonly<Record<string, string>>;
  /** The response's status line and headers as sent, in order. */
  readonly statusLine: string;
  readonly responseHeaders: ReadonlyArray<readonly [string, string]>;
  readonly accessWarnings: readonly string[];
}

/** Longest text or body shown of a function's input or output. */
const MAX_TEXT = 4096;

export function requestDetail(seq: number, r: EdgeRecord, warnings: readonly string[] = []): RequestDetail {
  const notes = r.notes ?? {};
  const { statusLine, headers } = parseHead(r.responseHead ?? "");
  const requestHeaders: Record<string, string> = {};
  for (const [name, value] of Object.entries(r.requestHeaders)) if (value !== undefined) requestHeaders[name] = Array.isArray(value) ? value.join(", ") : value;
  return {
    seq,
    time: r.time,
    distributionId: r.distributionId,
    host: r.host,
    pop: r.pop,
    method: r.method,
    path: r.path,
    query: r.query,
    status: r.status,
    xCache: r.xCache,
    layer: r.layer,
    behavior: notes.behavior,
    totalMs: round(r.totalMs),
    originMs: r.originMs === undefined ? undefined : round(r.originMs),
    bytesSent: r.bytesSent,
    requestId: r.requestId,
    warnings: warnings.length,
    cacheKey: notes.cacheKey?.split("\u0000").filter((part) => part !== ""),
    functions: (notes.functions ?? []).map((f) => ({ event: f.event, kind: f.kind, name: f.name, input: plain(f.input), output: plain(f.output) })),
    origin: notes.origin && { ...notes.origin, headers: plain(notes.origin.headers), latencyMs: r.originMs === undefined ? undefined : round(r.originMs) },
    requestHeaders,
    statusLine,
    responseHeaders: headers,
    accessWarnings: warnings,
  };
}

/** The summary fields of a detail (what the live list and its event stream carry). */
export function summaryOf(d: RequestDetail): RequestSummary {
  const { seq, time, distributionId, host, pop, method, path, query, status, xCache, layer, behavior, totalMs, originMs, bytesSent, requestId, warnings } = d;
  return { seq, time, distributionId, host, pop, method, path, query, status, xCache, layer, behavior, totalMs, originMs, bytesSent, requestId, warnings };
}

/** A rendered response head → its status line and header lines. */
export function parseHead(head: string): { statusLine: string; headers: Array<readonly [string, string]> } {
  const lines = head.split("\r\n").filter((l) => l !== "");
  const headers: Array<readonly [string, string]> = [];
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(":");
    if (colon > 0) headers.push([line.slice(0, colon), line.slice(colon + 1).trim()]);
  }
  return { statusLine: lines[0] ?? "", headers };
}

/**
 * A JSON-safe copy of what a function was given or answered: bodies as (shortened) text, a cache
 * entry as its status and headers, a Lambda answer's JSON text parsed, cycles and depth cut.
 */
export function plain(value: unknown, depth = 0): unknown {
  if (value === null || value === undefined) return value ?? null;
  if (typeof value === "string") {
    if (depth === 0 && value.startsWith("{")) {
      try {
        return plain(JSON.parse(value), 1);
      } catch {
        // Not JSON: shown as text.
      }
    }
    return value.length > MAX_TEXT ? `${value.slice(0, MAX_TEXT)}… (${value.length} characters)` : value;
  }
  if (typeof value === "number" || typeof value === "boolean") return value;
  if (typeof value !== "object" || depth > 8) return String(value);
  if (value instanceof Uint8Array) return bodyText(value);
  if (Array.isArray(value)) return value.map((v) => plain(v, depth + 1));
  if (value instanceof Map) return plain(Object.fromEntries(value), depth);
  const o = value as Record<string, unknown>;
  // A cache entry (viewer-response input and output): its body and pre-rendered forms are not the function's business.
  if ("flat" in o && "status" in o && "headers" in o) return { status: o["status"], headers: plain(o["headers"], depth + 1) };
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (typeof v !== "function" && v !== undefined) out[k] = plain(v, depth + 1);
  return out;
}

function bodyText(bytes: Uint8Array): string {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, MAX_TEXT)).toString("utf8");
  return bytes.length > MAX_TEXT ? `${text}… (${bytes.length} bytes)` : text;
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
