// An edge request's record (observe/edge-record.ts) as an edge worker of `--workers N` sends it to
// the primary, whose sinks (metrics, CloudWatch, standard, v2 and real-time logs) take it as one of
// their own. Two forms, both plain arrays (cheap to build on the worker's hot path, small in JSON):
// - a full record, for a distribution that some log writes out request by request: every field
//   the logs read, the viewer's request headers included;
// - a counted record, for any other distribution, whose requests only the metrics see: the few
//   facts they read, and how many requests had exactly those facts in the same minute (record-
//   shipper.ts counts alike requests into one, so a run of cache hits costs one record per batch).
// A CloudFront Function's run goes as a PackedRun. Not carried: the edge's notes other than the behavior's pattern (the dashboard's request details
// show only the primary's own requests), and the response head.
import type { IncomingHttpHeaders } from "node:http";
import type { EdgeRecord } from "../observe/edge-record.ts";

type Detail = [httpVersion: string, tlsProtocol: string | null, tlsCipher: string | null, contentType: string | null, contentLength: number | null, rangeStart: number | null, rangeEnd: number | null, requestHeaders: IncomingHttpHeaders, behavior: string | null];

export type PackedRecord = [
  time: number,
  distributionId: string,
  distributionDomain: string,
  host: string,
  pop: string,
  requestId: string,
  method: string,
  path: string,
  query: string,
  status: number,
  xCache: string,
  completed: boolean,
  bytesSent: number,
  bytesReceived: number,
  totalMs: number,
  originMs: number | null,
  layer: string | null,
  viewerIp: string,
  viewerPort: number,
  https: boolean,
  detail: Detail | null,
];

/** What the metrics read (metrics.ts, metric-history.ts), and how many requests it stands for. */
export type CountedRecord = [count: number, time: number, distributionId: string, method: string, status: number, xCache: string, completed: boolean, bytesSent: number, bytesReceived: number, originMs: number | null, layer: string | null];

/** One CloudFront Function run the worker's edge made, for the function metrics (observe/function-runs.ts). */
export type PackedRun = [name: string, time: number, kind: string, error: string | null, computeUtilization: number];

/** The full record as sent. */
export function packRecord(r: EdgeRecord): PackedRecord {
  const detail: Detail = [r.httpVersion, r.tlsProtocol ?? null, r.tlsCipher ?? null, r.contentType ?? null, r.contentLength ?? null, r.rangeStart ?? null, r.rangeEnd ?? null, r.requestHeaders, r.notes?.behavior ?? null];
  return [r.time, r.distributionId, r.distributionDomain, r.host, r.pop, r.requestId, r.method, r.path, r.query, r.status, r.xCache, r.completed, r.bytesSent, r.bytesReceived, r.totalMs, r.originMs ?? null, r.layer ?? null, r.viewerIp, r.viewerPort, r.protocol === "https", detail];
}

/** One request's counted record (count 1). */
export function countRecord(r: EdgeRecord): CountedRecord {
  return [1, r.time, r.distributionId, r.method, r.status, r.xCache, r.completed, r.bytesSent, r.bytesReceived, r.originMs ?? null, r.layer ?? null];
}

/** The full record again, as the primary's sinks read it. */
export function unpackRecord(p: PackedRecord): EdgeRecord {
  const d = p[20];
  const headers = d?.[7] ?? NO_HEADERS;
  return {
    time: p[0],
    distributionId: p[1],
    distributionDomain: p[2],
    host: p[3],
    pop: p[4],
    requestId: p[5],
    method: p[6],
    path: p[7],
    query: p[8],
    status: p[9],
    xCache: p[10],
    completed: p[11],
    bytesSent: p[12],
    bytesReceived: p[13],
    totalMs: p[14],
    originMs: p[15] ?? undefined,
    layer: p[16] ?? undefined,
    viewerIp: p[17],
    viewerPort: p[18],
    protocol: p[19] ? "https" : "http",
    httpVersion: d?.[0] ?? "HTTP/1.1",
    tlsProtocol: d?.[1] ?? undefined,
    tlsCipher: d?.[2] ?? undefined,
    contentType: d?.[3] ?? undefined,
    contentLength: d?.[4] ?? undefined,
    rangeStart: d?.[5] ?? undefined,
    rangeEnd: d?.[6] ?? undefined,
    requestHeaders: headers,
    notes: d?.[8] ? { behavior: d[8] } : NO_NOTES,
    // As edge-record.ts reads them from the request's headers.
    userAgent: one(headers["user-agent"]),
    referer: one(headers.referer),
    cookie: one(headers.cookie),
    forwardedFor: one(headers["x-forwarded-for"]),
  };
}

/** A counted record as one record to hand to the sinks `count` times (its other fields are empty). */
export function unpackCounted(c: CountedRecord): EdgeRecord {
  const [, time, distributionId, method, status, xCache, completed, bytesSent, bytesReceived, originMs, layer] = c;
  return unpackRecord([time, distributionId, "", "", "", "", method, "", "", status, xCache, completed, bytesSent, bytesReceived, 0, originMs, layer, "", 0, false, null]);
}

const NO_HEADERS: IncomingHttpHeaders = Object.freeze({});
const NO_NOTES = Object.freeze({});

function one(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v.join(", ") : v;
}
