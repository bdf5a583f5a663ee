// minifront's own endpoints, plus the two that test harnesses written for LocalStack and moto
// call, so they can switch to minifront unchanged:
//   GET  /_minifront/health   GET /_localstack/health  (LocalStack's shape: services → "running")
//   POST /_minifront/reset    POST /moto-api/reset     (moto server mode: 200 {"status": "ok"})
//   GET  /_minifront/metrics     the edge's per-distribution counters, Prometheus text (issue 15)
//   POST /_minifront/logs/flush  delivers the standard-log lines buffered so far (issue 15)
//   GET  /_minifront/memory   the pid, process.memoryUsage() and the edge cache's size (bytes), for `npm run soak`
//   *    /_minifront/ui/...   the dashboard (src/ui/dashboard.ts: its page, event stream and JSON API)
import type { IncomingMessage, ServerResponse } from "node:http";
import { getHeapSpaceStatistics } from "node:v8";

export interface InternalDeps {
  readonly version: string;
  /** Drops all state, as if the data directory were new. */
  reset(): void;
  /** What the edge cache holds (its own accounting), shown next to the process's memory. */
  cacheSize?(): { entries: number; bytes: number; diskBytes: number };
  /** Delivers buffered standard-log lines now (src/observe/standard-logs.ts). */
  flushLogs?(): Promise<void>;
  /** The edge's counters as Prometheus text (src/observe/metrics.ts). */
  metrics?(): string;
  /** The dashboard (src/ui/dashboard.ts), which answers its requests itself. */
  dashboard?(req: IncomingMessage, res: ServerResponse): Promise<void>;
}

/** A JSON (or text) answer, or an endpoint that writes its own response (the dashboard). */
export type InternalResult = { status: number; body: unknown } | { serve(req: IncomingMessage, res: ServerResponse): Promise<void> };

export type InternalEndpoints = (method: string, path: string) => Promise<InternalResult | undefined>;

/** Services this version serves, with LocalStack's status word for each. */
const SERVICES = { cloudfront: "running", s3: "running" } as const;

export function createInternalEndpoints(deps: InternalDeps): InternalEndpoints {
  const dashboard = deps.dashboard;
  return async (method, path) => {
    if (dashboard && (path === "/_minifront/ui" || path.startsWith("/_minifront/ui/"))) return { serve: dashboard };
    const route = `${method} ${path.replace(/\/+$/, "")}`;
    switch (route) {
      case "GET /_minifront/health":
      case "HEAD /_minifront/health":
        return { status: 200, body: { status: "running", version: deps.version, services: SERVICES } };
      case "GET /_localstack/health":
      case "HEAD /_localstack/health":
        return { status: 200, body: { services: SERVICES, edition: "minifront", version: deps.version } };
      case "GET /_minifront/memory":
        return { status: 200, body: memoryReport(deps) };
      case "GET /_minifront/metrics":
        return deps.metrics ? { status: 200, body: deps.metrics() } : undefined;
      case "POST /_minifront/logs/flush":
        await deps.flushLogs?.();
        return { status: 200, body: { status: "flushed" } };
      case "POST /_minifront/reset":
        deps.reset();
        return { status: 200, body: { status: "reset" } };
      case "POST /moto-api/reset":
        deps.reset();
        return { status: 200, body: { status: "ok" } };
      default:
        return undefined;
    }
  };
}

/** What `GET /_minifront/memory` answers: where this process's memory is, in bytes. */
function memoryReport(deps: InternalDeps): Record<string, unknown> {
  // Committed bytes per V8 heap space: heapTotal is their sum, and says which space holds it.
  const spaces = Object.fromEntries(getHeapSpaceStatistics().map((s) => [s.space_name, s.space_size]));
  return { pid: process.pid, ...process.memoryUsage(), spaces, ...(deps.cacheSize ? { cache: deps.cacheSize() } : {}) };
}
