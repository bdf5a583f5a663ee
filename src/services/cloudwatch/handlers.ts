// The CloudWatch read operations a dashboard and `aws cloudwatch` use (Amazon CloudWatch API
// Reference: GetMetricStatistics, GetMetricData, ListMetrics), over the series a MetricSource
// gives (the AWS/CloudFront namespace, from the edge). Errors carry their awsQuery codes
// (aws-json-query-compat.ts maps them for awsJson clients).
// Not emulated: metric math expressions and percentile statistics (their results say so with
// StatusCode InternalError instead of failing the whole call), MaxDatapoints and NextToken paging
// of GetMetricData, cross-account observability, writes (PutMetricData, alarms, dashboards).
import type {
  Datapoint as CwDatapoint,
  GetMetricDataInput,
  GetMetricDataOutput,
  GetMetricStatisticsInput,
  GetMetricStatisticsOutput,
  ListMetricsInput,
  ListMetricsOutput,
  MetricDataQuery,
  MetricDataResult,
  Statistic as CwStatistic,
} from "@aws-sdk/client-cloudwatch";
import { fail } from "../../api/errors.ts";
import type { RequestContext } from "../../api/service.ts";
import { aggregate, roundStart, sameDimensions, statisticOf, STATISTICS, type Dimension, type MetricSeries, type MetricSource, type Statistic } from "./series.ts";

/** What the handlers read: the series and the time (the emulator's clock). */
export interface CloudWatchContext {
  readonly source: MetricSource;
  now(): number;
}

type Ctx = RequestContext<CloudWatchContext>;

/** GetMetricStatistics answers at most this many datapoints (API Reference, GetMetricStatistics). */
const MAX_DATAPOINTS = 1440;
/** GetMetricData takes at most 500 queries (API Reference, GetMetricData). */
const MAX_QUERIES = 500;
/** ListMetrics pages by 500 (API Reference, ListMetrics). */
const LIST_PAGE = 500;
/** ListMetrics' RecentlyActive=PT3H: metrics with data in the last three hours. */
const RECENT_MS = 3 * 3_600_000;

export function GetMetricStatistics(input: GetMetricStatisticsInput, ctx: Ctx): GetMetricStatisticsOutput {
  const statistics = (input.Statistics ?? []) as string[];
  if (statistics.length === 0 && (input.ExtendedStatistics ?? []).length === 0) fail("InvalidParameterCombination", "Must specify either Statistics or ExtendedStatistics, but not both.");
  statistics.forEach((s, i) => {
    if (!(STATISTICS as readonly string[]).includes(s)) fail("InvalidParameterValue", `The parameter Statistics.member.${i + 1} must be a value in the set [ ${STATISTICS.join(", ")} ].`);
  });
  const { start, end, periodMs } = window(input.StartTime, input.EndTime, input.Period, ctx.service.now());
  const asked = Math.ceil((end - start) / periodMs);
  if (asked > MAX_DATAPOINTS) {
    fail("InvalidParameterCombination", `You have requested up to ${asked} datapoints, which exceeds the limit of ${MAX_DATAPOINTS}. You may reduce the datapoints requested by increasing Period, or decreasing the time range.`);
  }
  const series = findSeries(ctx.service.source(), input.Namespace, input.MetricName, input.Dimensions, input.Unit);
  const Datapoints: CwDatapoint[] = [];
  if (series) {
    for (const { time, set } of aggregate(series.points, start, end, periodMs)) {
      const dp: CwDatapoint = { Timestamp: new Date(time), Unit: series.unit as CwDatapoint["Unit"] };
      for (const s of statistics as CwStatistic[]) dp[s] = statisticOf(set, s as Statistic);
      Datapoints.push(dp);
    }
  }
  return { Label: input.MetricName, Datapoints };
}

export function GetMetricData(input: GetMetricDataInput, ctx: Ctx): GetMetricDataOutput {
  const queries = input.MetricDataQueries ?? [];
  if (queries.length > MAX_QUERIES) fail("InvalidParameterValue", `The collection MetricDataQueries must not have a size greater than ${MAX_QUERIES}.`);
  const now = ctx.service.now();
  const all = ctx.service.source();
  const ascending = input.ScanBy === "TimestampAscending";
  const MetricDataResults: MetricDataResult[] = [];
  for (const q of queries) {
    if (!q.Id || !/^[a-z][a-zA-Z0-9_]*$/.test(q.Id)) fail("InvalidParameterValue", `The value ${q.Id ?? ""} for parameter MetricDataQueries.member.Id is invalid: it must start with a lower-case letter and contain only letters, numbers and underscores.`);
    if ((q.MetricStat === undefined) === (q.Expression === undefined)) fail("InvalidParameterValue", `The parameter MetricDataQueries.member.${q.Id} must have exactly one of MetricStat and Expression.`);
    if (q.ReturnData === false) continue;
    MetricDataResults.push(queryResult(q, all, input.StartTime, input.EndTime, now, ascending));
  }
  return { MetricDataResults, Messages: [] };
}

function queryResult(q: MetricDataQuery, all: readonly MetricSeries[], startTime: Date | undefined, endTime: Date | undefined, now: number, ascending: boolean): MetricDataResult {
  const stat = q.MetricStat;
  const label = q.Label ?? stat?.Metric?.MetricName ?? q.Id ?? "";
  if (!stat) return unsupported(q.Id as string, label, "minifront does not evaluate metric math expressions.");
  if (!(STATISTICS as readonly string[]).includes(stat.Stat ?? "")) return unsupported(q.Id as string, label, `minifront computes ${STATISTICS.join(", ")}, not ${stat.Stat ?? "(none)"}.`);
  const { start, end, periodMs } = window(startTime, endTime, stat.Period, now);
  const series = findSeries(all, stat.Metric?.Namespace, stat.Metric?.MetricName, stat.Metric?.Dimensions, stat.Unit);
  const points = series ? aggregate(series.points, start, end, periodMs) : [];
  if (!ascending) points.reverse();
  return {
    Id: q.Id,
    Label: label,
    Timestamps: points.map((p) => new Date(p.time)),
    Values: points.map((p) => statisticOf(p.set, stat.Stat as Statistic)),
    StatusCode: "Complete",
    Messages: [],
  };
}

function unsupported(id: string, label: string, message: string): MetricDataResult {
  return { Id: id, Label: label, Timestamps: [], Values: [], StatusCode: "InternalError", Messages: [{ Code: "Unsupported", Value: message }] };
}

export function ListMetrics(input: ListMetricsInput, ctx: Ctx): ListMetricsOutput {
  const now = ctx.service.now();
  const filters = input.Dimensions ?? [];
  const matching = ctx.service.source().filter(
    (s) =>
      (input.Namespace === undefined || s.namespace === input.Namespace) &&
      (input.MetricName === undefined || s.metricName === input.MetricName) &&
      filters.every((f) => s.dimensions.some((d) => d.Name === f.Name && (f.Value === undefined || d.Value === f.Value))) &&
      (input.RecentlyActive !== "PT3H" || (s.points[s.points.length - 1]?.time ?? -Infinity) >= now - RECENT_MS),
  );
  const from = input.NextToken === undefined ? 0 : Number(input.NextToken);
  if (!Number.isInteger(from) || from < 0 || from > matching.length) fail("InvalidNextToken", "The service returned an invalid NextToken.");
  const page = matching.slice(from, from + LIST_PAGE);
  return {
    Metrics: page.map((s) => ({ Namespace: s.namespace, MetricName: s.metricName, Dimensions: s.dimensions.map((d) => ({ Name: d.Name, Value: d.Value })) })),
    ...(from + LIST_PAGE < matching.length ? { NextToken: String(from + LIST_PAGE) } : {}),
  };
}

/** The checked time window and period of a query, the start rounded as CloudWatch rounds it. */
function window(startTime: Date | undefined, endTime: Date | undefined, period: number | undefined, now: number): { start: number; end: number; periodMs: number } {
  const p = period ?? 0;
  // Periods: 1, 5, 10, 30 (high resolution) or a multiple of 60 seconds (API Reference, GetMetricStatistics "Period").
  if (!Number.isInteger(p) || p < 1 || (p % 60 !== 0 && ![1, 5, 10, 30].includes(p))) fail("InvalidParameterValue", "The parameter Period must be 1, 5, 10, 30, or a multiple of 60.");
  const startMs = startTime?.getTime() ?? NaN;
  const end = endTime?.getTime() ?? NaN;
  if (!(startMs < end)) fail("InvalidParameterValue", "The parameter StartTime must be less than the parameter EndTime.");
  return { start: roundStart(startMs, now), end, periodMs: p * 1000 };
}

function findSeries(all: readonly MetricSeries[], namespace: string | undefined, metricName: string | undefined, dimensions: readonly { Name?: string | undefined; Value?: string | undefined }[] | undefined, unit: string | undefined): MetricSeries | undefined {
  const asked: Dimension[] = (dimensions ?? []).map((d) => ({ Name: d.Name ?? "", Value: d.Value ?? "" }));
  // A Unit that is not the metric's finds no data, as on CloudWatch.
  return all.find((s) => s.namespace === namespace && s.metricName === metricName && sameDimensions(s.dimensions, asked) && (unit === undefined || unit === s.unit));
}
