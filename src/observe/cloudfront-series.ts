// The AWS/CloudFront namespace as CloudWatch shows it (CloudFront Developer Guide, "Types of
// metrics for CloudFront"): per distribution, dimensions DistributionId and Region=Global,
// Requests, BytesDownloaded, BytesUploaded (Sum; Count and Bytes) and TotalErrorRate,
// 4xxErrorRate, 5xxErrorRate (Average; Percent); with additional metrics on (a monitoring
// subscription), CacheHitRate, OriginLatency and 401/403/404/502/503/504ErrorRate. Per CloudFront
// Function, dimensions FunctionName and Region=Global: FunctionInvocations, FunctionValidationErrors,
// FunctionExecutionErrors, FunctionThrottles (Sum) and FunctionComputeUtilization (Average)
// ("Monitoring CloudFront Functions").
// Each minute of traffic is one datapoint per metric: counts are the minute's totals and rates the
// minute's percentage (CloudFront publishes one value a minute); OriginLatency and
// FunctionComputeUtilization are statistic sets of the minute's samples, so their Minimum,
// Maximum and SampleCount are per request.
import type { Datapoint, Dimension, MetricSeries } from "../services/cloudwatch/series.ts";
import { MINUTE_MS, type DistributionMinute, type FunctionMinute, type MetricHistory } from "./metric-history.ts";

export const CLOUDFRONT_NAMESPACE = "AWS/CloudFront";

type Value<M> = (m: M) => number | undefined;
type Family<M> = readonly [name: string, unit: string, value: Value<M>, additional: boolean];

const percent = (part: (m: DistributionMinute) => number, whole: (m: DistributionMinute) => number): Value<DistributionMinute> => (m) => {
  const w = whole(m);
  return w === 0 ? undefined : (100 * part(m)) / w;
};
const requests = (m: DistributionMinute) => m.requests;

const DISTRIBUTION_METRICS: readonly Family<DistributionMinute>[] = [
  ["Requests", "None", requests, false],
  ["BytesDownloaded", "None", (m) => m.bytesDownloaded, false],
  ["BytesUploaded", "None", (m) => m.bytesUploaded, false],
  ["TotalErrorRate", "Percent", percent((m) => m.errors4xx + m.errors5xx, requests), false],
  ["4xxErrorRate", "Percent", percent((m) => m.errors4xx, requests), false],
  ["5xxErrorRate", "Percent", percent((m) => m.errors5xx, requests), false],
  ["CacheHitRate", "Percent", percent((m) => m.hits, (m) => m.cacheable), true],
  ["401ErrorRate", "Percent", percent((m) => m.errors401, requests), true],
  ["403ErrorRate", "Percent", percent((m) => m.errors403, requests), true],
  ["404ErrorRate", "Percent", percent((m) => m.errors404, requests), true],
  ["502ErrorRate", "Percent", percent((m) => m.errors502, requests), true],
  ["503ErrorRate", "Percent", percent((m) => m.errors503, requests), true],
  ["504ErrorRate", "Percent", percent((m) => m.errors504, requests), true],
];

const FUNCTION_METRICS: readonly Family<FunctionMinute>[] = [
  ["FunctionInvocations", "None", (m) => m.invocations, false],
  ["FunctionValidationErrors", "None", (m) => m.validationErrors, false],
  ["FunctionExecutionErrors", "None", (m) => m.executionErrors, false],
  ["FunctionThrottles", "None", (m) => m.throttles, false],
];

/** Every series the history holds data for. */
export function cloudFrontSeries(history: MetricHistory): MetricSeries[] {
  const out: MetricSeries[] = [];
  for (const [id, minutes] of history.distributions()) {
    const dimensions: Dimension[] = [
      { Name: "DistributionId", Value: id },
      { Name: "Region", Value: "Global" },
    ];
    for (const [name, unit, value, additional] of DISTRIBUTION_METRICS) {
      push(out, name, dimensions, unit, single(additional ? minutes.filter((m) => m.additional) : minutes, value));
    }
    const origin = minutes.filter((m) => m.additional && m.originCount > 0);
    push(out, "OriginLatency", dimensions, "Milliseconds", origin.map((m) => ({ time: m.minute * MINUTE_MS, sampleCount: m.originCount, sum: m.originSum, min: m.originMin, max: m.originMax })));
  }
  for (const [name, minutes] of history.functions()) {
    const dimensions: Dimension[] = [
      { Name: "FunctionName", Value: name },
      { Name: "Region", Value: "Global" },
    ];
    for (const [metric, unit, value] of FUNCTION_METRICS) push(out, metric, dimensions, unit, single(minutes, value));
    push(out, "FunctionComputeUtilization", dimensions, "Percent", minutes.map((m) => ({ time: m.minute * MINUTE_MS, sampleCount: m.invocations, sum: m.utilizationSum, min: m.utilizationMin, max: m.utilizationMax })));
  }
  return out;
}

/** One datapoint per minute whose value is defined (a rate needs a denominator). */
function single<M extends { readonly minute: number }>(minutes: readonly M[], value: Value<M>): Datapoint[] {
  const points: Datapoint[] = [];
  for (const m of minutes) {
    const v = value(m);
    if (v !== undefined) points.push({ time: m.minute * MINUTE_MS, sampleCount: 1, sum: v, min: v, max: v });
  }
  return points;
}

function push(out: MetricSeries[], metricName: string, dimensions: readonly Dimension[], unit: string, points: Datapoint[]): void {
  if (points.length > 0) out.push({ namespace: CLOUDFRONT_NAMESPACE, metricName, dimensions, unit, points });
}
