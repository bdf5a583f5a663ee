// The terminal request log (issue 15): one compact line per edge request at `info` — time,
// distribution (and the alias it was asked by), POP, method, path, status, X-Cache result, bytes
// sent, total and origin milliseconds — or, with `--log-format json`, one JSON object per request
// with the same facts and the request id, for machines.
import type { Logger, LogFormat } from "../log.ts";
import type { EdgeRecord } from "./edge-record.ts";
import type { RecordSink } from "./observer.ts";
import { timeOfDay, utcDate } from "./utc-time.ts";

/** A sink writing each record as one `info` line; undefined when `info` lines are not shown. */
export function requestLog(log: Logger, format: LogFormat, shows: (level: "info") => boolean): RecordSink | undefined {
  if (!shows("info")) return undefined;
  return format === "json" ? (r) => log.info(JSON.stringify(requestFields(r))) : (r) => log.info(requestLine(r));
}

/** `15:12:07.123 E2QWRUHAPOMQZL LOC50-C1 GET /a.jpg 200 Hit 1234B 0.4ms` (+ ` origin 12.0ms`, ` via alias`). */
export function requestLine(r: EdgeRecord): string {
  const query = r.query;
  const origin = r.originMs !== undefined ? ` origin ${tenths(r.originMs)}ms` : "";
  const cut = r.completed ? "" : " (connection closed)";
  return `${timeOfDay(r.time)}${who(r)}${r.path}${query ? `?${query}` : ""}${outcome(r.status, r.xCache)}${r.bytesSent}B ${tenths(r.totalMs)}ms${origin}${cut}`;
}

/**
 * ` <distribution>[ (<alias>)] <POP> <method> `, the same for most lines: remembered for the last
 * request, so a line is a handful of pieces rather than twenty (each piece of a string built per
 * request is an allocation, and the line is copied once more when the batch is written).
 */
function who(r: EdgeRecord): string {
  const host = r.host;
  const alias = host !== r.distributionDomain ? host : "";
  const pop = r.pop || "-";
  if (r.distributionId !== lastWho.id || alias !== lastWho.alias || pop !== lastWho.pop || r.method !== lastWho.method) {
    lastWho = { id: r.distributionId, alias, pop, method: r.method, text: ` ${r.distributionId}${alias ? ` (${alias})` : ""} ${pop} ${r.method} ` };
  }
  return lastWho.text;
}
let lastWho = { id: "", alias: "", pop: "", method: "", text: "" };

/** ` <status> <X-Cache result> `, remembered for the last request as who() is. */
function outcome(status: number, xCache: string): string {
  if (status !== lastOutcome.status || xCache !== lastOutcome.xCache) lastOutcome = { status, xCache, text: ` ${status || "000"} ${xCache || "-"} ` };
  return lastOutcome.text;
}
let lastOutcome = { status: -1, xCache: "", text: "" };

/** A non-negative number to one decimal, as `toFixed(1)` (but for float ties), without toFixed's cost (it showed in a cache hit's profile). */
export function tenths(ms: number): string {
  const t = Math.round(ms * 10);
  return `${Math.floor(t / 10)}.${t % 10}`;
}

/** The JSON form: the record's facts under stable names. */
export function requestFields(r: EdgeRecord): Record<string, unknown> {
  return {
    type: "edge-request",
    time: `${utcDate(r.time)}T${timeOfDay(r.time)}Z`,
    distributionId: r.distributionId,
    host: r.host,
    pop: r.pop,
    requestId: r.requestId,
    method: r.method,
    path: r.path,
    query: r.query,
    status: r.status,
    result: r.xCache,
    completed: r.completed,
    bytesSent: r.bytesSent,
    bytesReceived: r.bytesReceived,
    totalMs: round(r.totalMs),
    originMs: r.originMs === undefined ? null : round(r.originMs),
    layer: r.layer ?? null,
    viewer: `${r.viewerIp}:${r.viewerPort}`,
    protocol: r.protocol,
  };
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
