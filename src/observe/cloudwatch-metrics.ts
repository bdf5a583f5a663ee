// The edge's CloudWatch metrics, put together for observing.ts: the minute history fed by the
// edge's records and its function runs, the monitoring subscriptions that turn the additional
// metrics on, and the AWS/CloudFront series the CloudWatch subset reads (services/cloudwatch/); the
// history's totals are the Prometheus metrics too (metrics.ts), counted in the same pass.
import type { Clock } from "../clock.ts";
import type { FunctionRuntime } from "../functions/index.ts";
import type { CloudFrontState } from "../services/cloudfront/state.ts";
import type { MetricSeries } from "../services/cloudwatch/series.ts";
import { cloudFrontSeries } from "./cloudfront-series.ts";
import { observeFunctionRuns } from "./function-runs.ts";
import { createMetricHistory, type FunctionRunFacts } from "./metric-history.ts";
import { edgeMetrics, type EdgeMetrics } from "./metrics.ts";
import type { RecordSink } from "./observer.ts";

export interface CloudWatchMetrics {
  readonly sink: RecordSink;
  /** Each distribution's totals since start (Prometheus text, the dashboard). */
  readonly metrics: EdgeMetrics;
  /** The edge's function runtime, counting each run (FunctionInvocations...). */
  observeFunctions(runtime: FunctionRuntime): FunctionRuntime;
  /** Counts a run made elsewhere (an edge worker of `--workers N`), at `time` (epoch ms). */
  recordFunction(name: string, time: number, run: FunctionRunFacts): void;
  /** Every AWS/CloudFront series with data in the kept history. */
  series(): MetricSeries[];
  /** Forgets the history (the reset endpoints). */
  clear(): void;
}

export function createCloudWatchMetrics(clock: Clock, cloudfront: () => CloudFrontState): CloudWatchMetrics {
  const history = createMetricHistory((id) => cloudfront().monitoringSubscriptions.additionalMetrics(id));
  return {
    sink: history.sink,
    metrics: edgeMetrics(() => history.totals()),
    observeFunctions: (runtime) => observeFunctionRuns(runtime, (name, run) => history.recordFunction(name, clock.now(), run)),
    recordFunction: (name, time, run) => history.recordFunction(name, time, run),
    series: () => cloudFrontSeries(history),
    clear: () => history.clear(),
  };
}
