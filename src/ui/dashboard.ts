// The dashboard at /_minifront/ui (issue 15): a page, a script and a stylesheet served from the
// package (no build step, nothing fetched from elsewhere: it works offline), the live request
// stream (live-feed.ts) and the JSON API the page reads and writes under /_minifront/ui/api/.
// Loaded on the first dashboard request (index.ts), so start-up does not pay for it.
//
// State changes (purge, KeyValueStore keys) are POSTs with a JSON body: a page on another site
// cannot send `Content-Type: application/json` across origins without a CORS preflight, which
// minifront does not answer, so it cannot drive them from a browser.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Clock } from "../clock.ts";
import type { CloudFrontState } from "../services/cloudfront/state.ts";
import type { S3Storage } from "../services/s3/storage.ts";
import type { EdgeMetrics } from "../observe/metrics.ts";
import type { EdgeObserver } from "../observe/observer.ts";
import type { RealtimeLogs } from "../observe/realtime-logs.ts";
import { createLiveFeed, type DenialSource } from "./live-feed.ts";
import { field, readJson, sendFailure, sendJson, UiError } from "./http-io.ts";
import { cacheView, distributionsView, invalidationsView, purgeObject, type CacheView } from "./edge-panels.ts";
import { functionsView, keysView, keyValueStoresView, testFunction, writeKey } from "./state-panels.ts";
import { logFiles, sendLogFile } from "./log-files.ts";
import { sendAsset } from "./assets.ts";

export const DASHBOARD_PATH = "/_minifront/ui";

export interface DashboardDeps {
  readonly clock: Clock;
  /** The live CloudFront state (a reset replaces it). */
  readonly cloudfront: () => CloudFrontState;
  /** The embedded S3's storage, where standard log files are delivered. */
  readonly storage: () => S3Storage;
  readonly cache: CacheView;
  /** The POP codes (--pop). */
  readonly pops: readonly string[];
  readonly metrics: EdgeMetrics;
  readonly observer: Pick<EdgeObserver, "subscribe">;
  /** The S3 access warnings (`--s3-access warn`): those given, and each denial as it happens. */
  readonly warnings: DenialSource & { list(): readonly string[] };
  /** Real-time log records as they are made (observe/realtime-logs.ts). */
  readonly realtimeLogs?: Pick<RealtimeLogs, "subscribe">;
}

export type Dashboard = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

type Route = (req: IncomingMessage, res: ServerResponse, query: URLSearchParams) => unknown;

export function createDashboard(deps: DashboardDeps): Dashboard {
  const feed = createLiveFeed(deps.observer, deps.warnings, deps.realtimeLogs);
  const now = () => deps.clock.now();
  const json = (body: () => unknown): Route => (_req, res) => sendJson(res, 200, body());

  const routes: Record<string, Route> = {
    "GET /events": (req, res) => feed.stream(req, res),
    "GET /api/requests": json(() => ({ requests: feed.recent(), listening: feed.listeners })),
    "GET /api/distributions": json(() => ({ now: now(), distributions: distributionsView(deps.cloudfront(), deps.metrics, now()) })),
    "GET /api/realtime": json(() => ({ records: feed.realtime() })),
    "GET /api/warnings": json(() => ({ warnings: deps.warnings.list() })),
    "GET /api/cache": (_req, res, q) => sendJson(res, 200, cacheView(deps.cache, deps.pops, now(), { tier: q.get("tier") ?? undefined, distributionId: q.get("distributionId") ?? undefined })),
    "POST /api/cache/purge": async (req, res) => {
      const body = await readJson(req);
      const tier = typeof body["tier"] === "string" && body["tier"] !== "" ? body["tier"] : undefined;
      sendJson(res, 200, { purged: purgeObject(deps.cache, field(body, "distributionId"), field(body, "key"), tier) });
    },
    "GET /api/invalidations": json(() => ({ invalidations: invalidationsView(deps.cloudfront(), now()) })),
    "GET /api/kvs": json(() => ({ stores: keyValueStoresView(deps.cloudfront()) })),
    "GET /api/kvs/keys": (_req, res, q) => sendJson(res, 200, keysView(deps.cloudfront(), q.get("arn") ?? "")),
    "POST /api/kvs/put": async (req, res) => {
      const body = await readJson(req);
      const value = typeof body["value"] === "string" ? body["value"] : "";
      sendJson(res, 200, writeKey(deps.cloudfront(), field(body, "arn"), field(body, "etag"), { put: { Key: field(body, "key"), Value: value } }));
    },
    "POST /api/kvs/delete": async (req, res) => {
      const body = await readJson(req);
      sendJson(res, 200, writeKey(deps.cloudfront(), field(body, "arn"), field(body, "etag"), { delete: field(body, "key") }));
    },
    "GET /api/functions": json(() => ({ functions: functionsView(deps.cloudfront()) })),
    "POST /api/functions/test": async (req, res) => {
      const body = await readJson(req);
      const event = typeof body["event"] === "string" ? body["event"] : JSON.stringify(body["event"] ?? {});
      sendJson(res, 200, await testFunction(deps.cloudfront(), field(body, "name"), typeof body["stage"] === "string" ? body["stage"] : "DEVELOPMENT", event));
    },
    "GET /api/logs": json(() => ({ files: logFiles(deps.cloudfront(), deps.storage()) })),
    "GET /api/logs/download": (_req, res, q) => sendLogFile(res, deps.cloudfront(), deps.storage(), q.get("bucket") ?? "", q.get("key") ?? ""),
  };

  return async (req, res) => {
    const url = new URL(req.url ?? "/", "http://dashboard");
    const method = req.method === "HEAD" ? "GET" : (req.method ?? "GET");
    const sub = url.pathname.slice(DASHBOARD_PATH.length).replace(/\/+$/, "");
    try {
      if (method === "GET" && (sub === "" || !sub.includes("/api/") && sub !== "/events")) {
        if (!sendAsset(res, sub === "" ? "index.html" : sub.slice(1))) sendJson(res, 404, { error: "NotFound", message: `no dashboard file ${url.pathname}` });
        return;
      }
      const detail = /^\/api\/requests\/(\d+)$/.exec(sub);
      if (method === "GET" && detail) {
        const d = feed.detail(Number(detail[1]));
        return d ? sendJson(res, 200, d) : sendJson(res, 404, { error: "NotFound", message: `request ${detail[1]} is no longer kept` });
      }
      const route = routes[`${method} ${sub}`];
      if (!route) return sendJson(res, 404, { error: "NotFound", message: `no dashboard endpoint ${method} ${url.pathname}` });
      if (method === "POST" && !/^application\/json\b/.test(req.headers["content-type"] ?? "")) throw new UiError(415, "UnsupportedMediaType", "send the body as application/json");
      await route(req, res, url.searchParams);
    } catch (err) {
      if (res.headersSent) return void res.destroy();
      sendFailure(res, err);
    }
  };
}
