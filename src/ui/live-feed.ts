// The dashboard's live request list: a server-sent event stream of edge requests, access warnings
// and real-time log records, and bounded rings of the recent requests' details and records. The
// hot path pays nothing while no browser listens: the feed subscribes to the observer (and to the
// S3 access warnings and the real-time logs) when its first stream opens and lets go when the
// last one closes; the rings keep what was seen.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { EdgeObserver } from "../observe/observer.ts";
import type { EdgeRecord } from "../observe/edge-record.ts";
import type { RealtimeLogEntry, RealtimeLogs } from "../observe/realtime-logs.ts";
import { requestDetail, summaryOf, type RequestDetail, type RequestSummary } from "./request-view.ts";

/** What the feed hears S3 access warnings from (services/s3/access-warnings.ts). */
export interface DenialSource {
  onDenial(listener: (denial: { readonly requestId: string | undefined; readonly line: string }) => void): () => void;
}

export interface LiveFeed {
  /** Answers `GET /_minifront/ui/events`: keeps the response open and writes events to it. */
  stream(req: IncomingMessage, res: ServerResponse): void;
  /** The recent requests, oldest first. */
  recent(): RequestSummary[];
  detail(seq: number): RequestDetail | undefined;
  /** The recent real-time log records (observe/realtime-logs.ts), oldest first. */
  realtime(): readonly RealtimeLogEntry[];
  /** Open streams. */
  readonly listeners: number;
}

/** Requests kept for the list and their details. */
export const RECENT_REQUESTS = 200;
/** A comment line now and then keeps proxies and idle sweeps from taking the stream for dead. */
const HEARTBEAT_MS = 15_000;
/** Warnings waiting for their edge request's record (it closes after the origin request that caused them). */
const MAX_PENDING_WARNINGS = 500;

export function createLiveFeed(observer: Pick<EdgeObserver, "subscribe">, denials: DenialSource, realtimeLogs?: Pick<RealtimeLogs, "subscribe">, capacity = RECENT_REQUESTS): LiveFeed {
  const ring: RequestDetail[] = [];
  const records: RealtimeLogEntry[] = [];
  const clients = new Set<ServerResponse>();
  const pendingWarnings = new Map<string, string[]>();
  let seq = 0;
  let unsubscribe: (() => void) | undefined;
  let heartbeat: NodeJS.Timeout | undefined;

  function broadcast(event: string, data: unknown): void {
    const text = `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
    for (const c of clients) c.write(text);
  }

  function onRecord(r: EdgeRecord): void {
    const warnings = pendingWarnings.get(r.requestId);
    if (warnings) pendingWarnings.delete(r.requestId);
    const d = requestDetail(++seq, r, warnings);
    ring.push(d);
    if (ring.length > capacity) ring.shift();
    broadcast("request", summaryOf(d));
  }

  function onDenial(denial: { readonly requestId: string | undefined; readonly line: string }): void {
    if (denial.requestId) {
      let lines = pendingWarnings.get(denial.requestId);
      if (!lines) {
        if (pendingWarnings.size >= MAX_PENDING_WARNINGS) pendingWarnings.delete(pendingWarnings.keys().next().value as string);
        pendingWarnings.set(denial.requestId, (lines = []));
      }
      lines.push(denial.line);
    }
    broadcast("warning", denial);
  }

  function start(): void {
    const stopRecords = observer.subscribe(onRecord);
    const stopDenials = denials.onDenial(onDenial);
    const stopRealtime = realtimeLogs?.subscribe((entry) => {
      records.push(entry);
      if (records.length > capacity) records.shift();
      broadcast("realtime", entry);
    });
    heartbeat = setInterval(() => {
      for (const c of clients) c.write(": keep-alive\n\n");
    }, HEARTBEAT_MS);
    heartbeat.unref();
    unsubscribe = () => {
      stopRecords();
      stopDenials();
      stopRealtime?.();
      clearInterval(heartbeat);
      pendingWarnings.clear();
    };
  }

  return {
    stream(req, res) {
      res.writeHead(200, { "Content-Type": "text/event-stream; charset=utf-8", "Cache-Control": "no-store", "X-Accel-Buffering": "no" });
      if (req.method === "HEAD") return void res.end();
      // The reconnection delay, and a first line so the browser sees the stream open at once.
      res.write("retry: 1000\n: connected\n\n");
      if (clients.size === 0) start();
      clients.add(res);
      const close = () => {
        if (!clients.delete(res)) return;
        if (clients.size === 0) {
          unsubscribe?.();
          unsubscribe = undefined;
        }
      };
      req.once("close", close);
      res.once("close", close);
    },
    recent: () => ring.map(summaryOf),
    detail: (n) => ring.find((d) => d.seq === n),
    realtime: () => [...records],
    get listeners() {
      return clients.size;
    },
  };
}
