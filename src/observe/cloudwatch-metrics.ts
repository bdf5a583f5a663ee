// The edge's CloudWatch metrics, put together for observing.ts: the minute history fed by the
// edge's records and its function runs, the monitoring subscriptions that turn the additional
// metrics on, and the AWS/CloudFront series the CloudWatch subset reads (services/cloudwatch/).
import type { Clock } from "../clock.ts";
import type { FunctionRuntime } from "../functions/index.ts";
import type { CloudFrontState } from "../services/cloudfront/state.ts";
import type { MetricSeries } from "../services/cloudwatch/series.ts";
import { cloudFrontSeries } from "./cloudfront-series.ts";
import { observeFunctionRuns } from "./function-runs.ts";
import { createMetricHistory } from "./metric-history.ts";
import type { RecordSink } from "./observer.ts";

export interface CloudWatchMetrics {
  readonly sink: RecordSink;
  /** The edge's function runtime, counting each run (FunctionInvocations...). */
  observeFunctions(runtime: FunctionRuntime): FunctionRuntime;
  /** Every AWS/CloudFront series with data in the kept history. */
  series(): MetricSeries[];
  /** Forgets the history (the reset endpoints). */
  clear(): void;
}

export function createCloudWatchMetrics(clock: Clock, cloudfront: () => CloudFrontState): CloudWatchMetrics {
  const history = createMetricHistory((id) => cloudfront().monitoringSubscriptions.additionalMetrics(id));
  return {
    sink: history.sink,
    observeFunctions: (runtime) => observeFunctionRuns(runtime, (name, run) => history.recordFunction(name, clock.now(), run)),
    series: () => cloudFrontSeries(history),
    clear: () => history.clear(),
  };
}
