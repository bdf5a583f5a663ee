// CloudFront's CloudWatch metrics as minute buckets (CloudFront Developer Guide, "Monitor CloudFront
// metrics with Amazon CloudWatch", "Types of metrics for CloudFront", "Monitoring CloudFront
// Functions"), counted from the edge's records and the functions' runs and kept for the last
// HISTORY_MINUTES, for the CloudWatch subset (cloudfront-series.ts turns them into series).
// A request adds to its distribution's current minute: a few additions, no allocation except when
// a new minute starts. Only minutes with traffic are kept (CloudFront publishes no datapoint for a
// minute without requests). The additional metrics are counted in the minutes during which the
// distribution has a monitoring subscription (looked up once a minute, not per request).
// The same pass adds to the distribution's running totals (metrics.ts: Prometheus, the dashboard),
// which the reset endpoints do not clear (Prometheus counters only go up).
// Not emulated: Lambda@Edge's metrics (they are Lambda's, in the Lambda namespace and region).
import type { EdgeRecord } from "./edge-record.ts";
import type { RecordSink } from "./observer.ts";
import { DistributionTotals, type DistributionCounters } from "./metrics.ts";

export const MINUTE_MS = 60_000;
/** How much history is kept: a day of minutes. */
export const HISTORY_MINUTES = 24 * 60;

/** One minute of a distribution's viewer requests. */
export interface DistributionMinute {
  /** Epoch minute (ms / 60 000). */
  readonly minute: number;
  requests: number;
  bytesDownloaded: number;
  bytesUploaded: number;
  errors4xx: number;
  errors5xx: number;
  /** Whether the additional metrics below are produced for this minute (a monitoring subscription). */
  readonly additional: boolean;
  errors401: number;
  errors403: number;
  errors404: number;
  errors502: number;
  errors503: number;
  errors504: number;
  /** Requests CacheHitRate counts: neither POST nor PUT, and not an error. */
  cacheable: number;
  /** Of those, served from the cache (Hit, RefreshHit). */
  hits: number;
  /** Requests that asked the origin, and their latencies (ms). */
  originCount: number;
  originSum: number;
  originMin: number;
  originMax: number;
}

/** One minute of a CloudFront Function's runs (LIVE stage, viewer requests only). */
export interface FunctionMinute {
  readonly minute: number;
  invocations: number;
  validationErrors: number;
  executionErrors: number;
  throttles: number;
  utilizationSum: number;
  utilizationMin: number;
  utilizationMax: number;
}

/** What a function run's result says, as far as the metrics care (functions/types.ts FunctionRunResult). */
export interface FunctionRunFacts {
  readonly kind: string;
  readonly error?: string;
  readonly computeUtilization: number;
}

export interface MetricHistory {
  /** Counts each finished edge request into its distribution's minute. */
  readonly sink: RecordSink;
  /** Counts one run of a CloudFront Function at `time` (epoch ms). */
  recordFunction(name: string, time: number, run: FunctionRunFacts): void;
  /** The kept minutes of each distribution that had traffic, oldest first. */
  distributions(): ReadonlyMap<string, readonly DistributionMinute[]>;
  /** Each distribution's totals since start (kept through clear()). */
  totals(): ReadonlyMap<string, DistributionCounters>;
  /** The kept minutes of each function that ran, oldest first. */
  functions(): ReadonlyMap<string, readonly FunctionMinute[]>;
  /** Forgets the minutes (the reset endpoints). */
  clear(): void;
}

/** What is kept per distribution: its minutes and its totals, found with one lookup per request. */
interface DistributionEntry {
  readonly minutes: DistributionMinute[];
  readonly totals: DistributionTotals;
}

/** `subscribed`: whether a distribution has a monitoring subscription (asked when one of its minutes starts). */
export function createMetricHistory(subscribed: (distributionId: string) => boolean): MetricHistory {
  const byDistribution = new Map<string, DistributionEntry>();
  const byFunction = new Map<string, FunctionMinute[]>();

  const sink: RecordSink = (r: EdgeRecord) => {
    const minute = Math.floor(r.time / MINUTE_MS);
    let d = byDistribution.get(r.distributionId);
    if (!d) byDistribution.set(r.distributionId, (d = { minutes: [], totals: new DistributionTotals() }));
    const list = d.minutes;
    let m = list[list.length - 1];
    // A record a little older than the newest minute (requests finish out of order) counts in it.
    if (m === undefined || m.minute < minute) {
      m = newDistributionMinute(minute, subscribed(r.distributionId));
      append(list, m);
    }
    const status = r.status;
    const method = r.method;
    const x = r.xCache;
    const origin = r.originMs;
    const t = d.totals;
    m.requests++;
    t.requests++;
    // BytesDownloaded: GET, HEAD and OPTIONS responses; BytesUploaded: POST and PUT requests (metrics.ts).
    if (method === "GET" || method === "HEAD" || method === "OPTIONS") {
      const sent = r.bytesSent;
      m.bytesDownloaded += sent;
      t.bytesDownloaded += sent;
    } else if (method === "POST" || method === "PUT") {
      const received = r.bytesReceived;
      m.bytesUploaded += received;
      t.bytesUploaded += received;
    }
    t.statusTally.count(status);
    t.resultTally.count(x || "-");
    if (origin !== undefined) {
      t.originRequests++;
      t.originSeconds += origin / 1000;
    }
    if (status >= 400 && status < 500) m.errors4xx++;
    else if (status >= 500) m.errors5xx++;
    if (!m.additional) return;
    if (status === 401) m.errors401++;
    else if (status === 403) m.errors403++;
    else if (status === 404) m.errors404++;
    else if (status === 502) m.errors502++;
    else if (status === 503) m.errors503++;
    else if (status === 504) m.errors504++;
    // CacheHitRate: "HTTP POST and PUT requests, and errors, are not considered cacheable requests."
    if (method !== "POST" && method !== "PUT" && status > 0 && status < 400) {
      m.cacheable++;
      if (x === "Hit" || x === "RefreshHit") m.hits++;
    }
    if (origin !== undefined) {
      m.originCount++;
      m.originSum += origin;
      if (origin < m.originMin) m.originMin = origin;
      if (origin > m.originMax) m.originMax = origin;
    }
  };

  return {
    sink,
    recordFunction(name, time, run) {
      const minute = Math.floor(time / MINUTE_MS);
      const list = listOf(byFunction, name);
      let m = list[list.length - 1];
      if (m === undefined || m.minute < minute) {
        m = { minute, invocations: 0, validationErrors: 0, executionErrors: 0, throttles: 0, utilizationSum: 0, utilizationMin: Infinity, utilizationMax: -Infinity };
        append(list, m);
      }
      m.invocations++;
      if (run.kind === "error") {
        if (run.error === "FunctionValidationError") m.validationErrors++;
        else if (run.error === "FunctionThrottledError") m.throttles++;
        else m.executionErrors++;
      }
      const u = run.computeUtilization;
      m.utilizationSum += u;
      if (u < m.utilizationMin) m.utilizationMin = u;
      if (u > m.utilizationMax) m.utilizationMax = u;
    },
    distributions: () => new Map([...byDistribution].filter(([, d]) => d.minutes.length > 0).map(([id, d]) => [id, d.minutes])),
    totals: () => new Map([...byDistribution].map(([id, d]) => [id, d.totals])),
    functions: () => byFunction,
    clear() {
      for (const d of byDistribution.values()) d.minutes.length = 0;
      byFunction.clear();
    },
  };
}

function newDistributionMinute(minute: number, additional: boolean): DistributionMinute {
  return {
    minute,
    requests: 0,
    bytesDownloaded: 0,
    bytesUploaded: 0,
    errors4xx: 0,
    errors5xx: 0,
    additional,
    errors401: 0,
    errors403: 0,
    errors404: 0,
    errors502: 0,
    errors503: 0,
    errors504: 0,
    cacheable: 0,
    hits: 0,
    originCount: 0,
    originSum: 0,
    originMin: Infinity,
    originMax: -Infinity,
  };
}

function listOf<T>(map: Map<string, T[]>, key: string): T[] {
  let list = map.get(key);
  if (!list) map.set(key, (list = []));
  return list;
}

/** Appends a new minute and drops those that fell out of the history (at most once a minute per series). */
function append<T extends { readonly minute: number }>(list: T[], m: T): void {
  list.push(m);
  const oldest = m.minute - HISTORY_MINUTES;
  let drop = 0;
  while (drop < list.length && (list[drop] as T).minute <= oldest) drop++;
  if (drop > 0) list.splice(0, drop);
}
