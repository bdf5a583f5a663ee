// CloudFront's distribution metrics from real counters (CloudFront Developer Guide, "Monitor
// CloudFront metrics with Amazon CloudWatch": Requests, BytesDownloaded, BytesUploaded, the error
// rates; with additional metrics enabled, CacheHitRate, OriginLatency and the 401/403/404/502/503/504
// error rates), counted per distribution from the edge's records and shown as Prometheus text at
// `GET /_minifront/metrics`. Counters only: the rates are ratios of them (e.g. 4xxErrorRate =
// rate(cloudfront_responses_total{status=~"4.."}) / rate(cloudfront_requests_total)).
// BytesDownloaded counts what GET, HEAD and OPTIONS responses sent, headers included;
// BytesUploaded what POST and PUT requests carried, headers included (AWS counts bodies only).
// The same metrics by minute, the function metrics and the CloudWatch API (GetMetricStatistics,
// GetMetricData, ListMetrics) are metric-history.ts, cloudfront-series.ts and services/cloudwatch/.
// The totals are counted by the minute history's sink in the same pass as the minute (one lookup
// per request, no Map updates: a distribution has a handful of statuses and results).

/** A distribution's totals since start, as the dashboard and the Prometheus text read them. */
export interface DistributionCounters {
  readonly requests: number;
  readonly bytesDownloaded: number;
  readonly bytesUploaded: number;
  /** Responses per status code (0: none sent). */
  readonly statuses: ReadonlyMap<number, number>;
  /** Requests per X-Cache result (Hit, Miss, RefreshHit, Error...). */
  readonly results: ReadonlyMap<string, number>;
  /** Requests that asked the origin, and their summed latency (seconds). */
  readonly originRequests: number;
  readonly originSeconds: number;
}

/** Counts per key, in parallel lists scanned on each count: fewer than ten distinct keys in practice, cheaper than hashing. */
class Tally<K> {
  private readonly keys: K[] = [];
  private readonly counts: number[] = [];

  count(key: K): void {
    const keys = this.keys;
    for (let i = 0; i < keys.length; i++) {
      if (keys[i] === key) return void (this.counts[i] = (this.counts[i] as number) + 1);
    }
    keys.push(key);
    this.counts.push(1);
  }

  toMap(): ReadonlyMap<K, number> {
    return new Map(this.keys.map((k, i) => [k, this.counts[i] as number]));
  }
}

/** The running totals of one distribution, added to per request (metric-history.ts). */
export class DistributionTotals implements DistributionCounters {
  requests = 0;
  bytesDownloaded = 0;
  bytesUploaded = 0;
  originRequests = 0;
  originSeconds = 0;
  readonly statusTally = new Tally<number>();
  readonly resultTally = new Tally<string>();

  get statuses(): ReadonlyMap<number, number> {
    return this.statusTally.toMap();
  }

  get results(): ReadonlyMap<string, number> {
    return this.resultTally.toMap();
  }
}

export interface EdgeMetrics {
  /** The counters of one distribution, undefined before its first request. */
  of(distributionId: string): DistributionCounters | undefined;
  /** Prometheus text exposition format (version 0.0.4). */
  prometheus(): string;
}

/** The Prometheus view of the totals the minute history keeps (MetricHistory.totals). */
export function edgeMetrics(totals: () => ReadonlyMap<string, DistributionCounters>): EdgeMetrics {
  return {
    of: (id) => totals().get(id),
    prometheus: () => prometheusText(totals()),
  };
}

type Samples = (d: string, c: DistributionCounters) => string[];
const one = (value: (c: DistributionCounters) => number): Samples => (d, c) => [`{${d}} ${value(c)}`];
const each = <K>(label: string, map: (c: DistributionCounters) => ReadonlyMap<K, number>, shown: (k: K) => string = String): Samples => (d, c) => [...map(c)].map(([k, n]) => `{${d},${label}="${shown(k)}"} ${n}`);

/** Metric families: name, help, type, samples per distribution. */
const FAMILIES: ReadonlyArray<[name: string, help: string, type: string, samples: Samples]> = [
  ["cloudfront_requests_total", "Viewer requests for all HTTP methods (CloudWatch Requests)", "counter", one((c) => c.requests)],
  ["cloudfront_bytes_downloaded_total", "Bytes sent to viewers for GET, HEAD and OPTIONS requests (CloudWatch BytesDownloaded)", "counter", one((c) => c.bytesDownloaded)],
  ["cloudfront_bytes_uploaded_total", "Bytes viewers sent with POST and PUT requests (CloudWatch BytesUploaded)", "counter", one((c) => c.bytesUploaded)],
  ["cloudfront_responses_total", "Responses by HTTP status code, 000 for none (the error rates' numerators)", "counter", each("status", (c) => c.statuses, (s) => (s === 0 ? "000" : String(s)))],
  ["cloudfront_cache_results_total", "Requests by X-Cache result (CacheHitRate: Hit and RefreshHit over all)", "counter", each("result", (c) => c.results)],
  ["cloudfront_origin_latency_seconds", "Time to the origin's response headers (OriginLatency)", "summary", (d, c) => [`_sum{${d}} ${c.originSeconds}`, `_count{${d}} ${c.originRequests}`]],
];

export function prometheusText(byDistribution: ReadonlyMap<string, DistributionCounters>): string {
  const out: string[] = [];
  for (const [name, help, type, samples] of FAMILIES) {
    out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const [id, c] of byDistribution) for (const s of samples(`distribution_id="${id}"`, c)) out.push(name + s);
  }
  return out.join("\n") + "\n";
}
