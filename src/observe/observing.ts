// What the emulator sets up to see the edge (issue 15): the observer the server hands edge
// requests to, and the sinks its records go to, chosen from the options — the terminal request
// log, the standard (legacy) logs with their delivery timer, standard logging (v2) deliveries on
// the same timer, and the metrics.
import type { Clock } from "../clock.ts";
import { LOG_LEVELS, type Logger } from "../log.ts";
import type { ResolvedOptions } from "../config.ts";
import type { CloudFrontState } from "../services/cloudfront/state.ts";
import type { S3Service } from "../services/s3/context.ts";
import { aclGrants, LOG_DELIVERY } from "../services/s3/acl.ts";
import { createEdgeObserver, type EdgeObserver, type RecordSink } from "./observer.ts";
import { requestLog } from "./request-log.ts";
import type { EdgeMetrics } from "./metrics.ts";
import { createCloudWatchMetrics, type CloudWatchMetrics } from "./cloudwatch-metrics.ts";
import { createStandardLogs, type LoggingSettings } from "./standard-logs.ts";
import { createRealtimeLogs, type RealtimeLogs } from "./realtime-logs.ts";
import type { EdgeRecord } from "./edge-record.ts";
import type { FunctionRunFacts } from "./metric-history.ts";
import type { ActiveDelivery } from "../services/logs/state.ts";
import { createVendedLogs } from "./vended-logs.ts";

/**
 * The canonical user id of `awslogsdelivery`, the account CloudFront writes standard logs as
 * (Developer Guide, "Permissions required to configure standard logging and to access your log files").
 */
export const AWSLOGSDELIVERY_ID = "c4c1ede66af53448b93c283ce9448c4ba468c9432aa01d700d3878632f77d2d0";

export interface Observing {
  readonly observer: EdgeObserver;
  /** The per-distribution counters (CloudWatch's distribution metrics, Prometheus text). */
  readonly metrics: EdgeMetrics;
  /** The minute history behind the CloudWatch subset's AWS/CloudFront metrics (cloudwatch-metrics.ts). */
  readonly cloudWatch: CloudWatchMetrics;
  /** Real-time log records (realtime-logs.ts); `subscribe(listener)` feeds the dashboard. */
  readonly realtimeLogs: Pick<RealtimeLogs, "subscribe">;
  /**
   * Takes the record of a request served elsewhere (an edge worker of `--workers N`, which prints
   * its own request-log line): every sink but the terminal request log.
   */
  ingest(record: EdgeRecord): void;
  /** Counts a CloudFront Function run made elsewhere (an edge worker) for the function metrics. */
  ingestFunctionRun(name: string, time: number, run: FunctionRunFacts): void;
  /** Delivers the buffered standard-log lines now. */
  flushLogs(): Promise<void>;
  /** Stops the delivery timer after a last delivery. */
  dispose(): Promise<void>;
}

export interface ObservingDeps {
  readonly clock: Clock;
  readonly log: Logger;
  readonly options: ResolvedOptions;
  readonly cloudfront: () => CloudFrontState;
  readonly s3: () => S3Service;
  /** Where this process's S3 API answers (known once listening). */
  readonly s3Url: () => string;
  /** The data directory (real-time log files go under it); none: no files. */
  readonly dataDir?: string;
  /** The viewer's country, as the edge resolves it (real-time logs' c-country). */
  readonly countryOf?: (record: EdgeRecord) => string | undefined;
  /** Standard logging (v2): the CloudWatch Logs deliveries of a distribution's access logs. */
  readonly vendedDeliveries?: (distributionId: string) => readonly ActiveDelivery[];
}

export function startObserving(deps: ObservingDeps): Observing {
  const { options } = deps;
  const sinks: RecordSink[] = [];
  const terminal = requestLog(deps.log, options.logFormat, (level) => LOG_LEVELS.indexOf(options.logLevel) <= LOG_LEVELS.indexOf(level));
  if (terminal) sinks.push(terminal);
  const put = logFilePut(() => options.s3Endpoint || deps.s3Url());
  const standard = createStandardLogs({
    loggingOf: (id) => loggingSettings(deps.cloudfront().getDistribution(id)?.config.Logging),
    put,
    deliveryAllowed: (bucket) => options.s3Endpoint !== "" || options.s3Access !== "enforce" || logDeliveryGranted(deps.s3(), bucket),
    log: deps.log,
  });
  sinks.push(standard.sink);
  const vended = deps.vendedDeliveries ? createVendedLogs({ deliveriesOf: deps.vendedDeliveries, accountId: options.accountId, put, log: deps.log }) : undefined;
  if (vended) sinks.push(vended.sink);
  const flushLogs = async () => {
    await Promise.all([standard.flush(), vended?.flush(), realtime.flush()]);
  };
  const realtime = createRealtimeLogs({ cloudfront: deps.cloudfront, log: deps.log, dataDir: deps.dataDir, kinesisEndpoint: options.kinesisEndpoint, countryOf: deps.countryOf });
  sinks.push(realtime.sink);
  // The minute history's sink counts the Prometheus totals too (one pass per request).
  const cloudWatch = createCloudWatchMetrics(deps.clock, deps.cloudfront);
  sinks.push(cloudWatch.sink);
  const metrics = cloudWatch.metrics;
  const timer = setInterval(() => void flushLogs(), options.logDeliveryIntervalMs);
  timer.unref();
  const elsewhere = sinks.filter((s) => s !== terminal);
  return {
    observer: createEdgeObserver(deps.clock, sinks),
    ingest(record) {
      for (const sink of elsewhere) sink(record);
    },
    ingestFunctionRun: (name, time, run) => cloudWatch.recordFunction(name, time, run),
    flushLogs,
    metrics,
    cloudWatch,
    realtimeLogs: realtime,
    async dispose() {
      clearInterval(timer);
      await flushLogs();
      await realtime.dispose();
    },
  };
}

function loggingSettings(l: { Enabled?: boolean | undefined; Bucket?: string | undefined; Prefix?: string | undefined; IncludeCookies?: boolean | undefined } | undefined): LoggingSettings | undefined {
  if (l?.Enabled !== true) return undefined;
  return { Enabled: true, Bucket: l.Bucket ?? "", Prefix: l.Prefix ?? "", IncludeCookies: l.IncludeCookies === true };
}

/** Does the embedded bucket's ACL give the log delivery FULL_CONTROL? (A missing bucket fails at the put.) */
function logDeliveryGranted(s3: S3Service, bucket: string): boolean {
  const rec = s3.storage.getBucket(bucket);
  if (!rec) return true;
  return aclGrants(rec.config.acl, s3.owner).some((g) => g.Permission === "FULL_CONTROL" && (g.Grantee?.ID === AWSLOGSDELIVERY_ID || g.Grantee?.URI === LOG_DELIVERY));
}

/** Writes log files through the S3 API (the client is loaded on the first delivery). */
function logFilePut(endpoint: () => string): (bucket: string, key: string, body: Buffer, contentType?: string) => Promise<void> {
  let client: Promise<{ send(bucket: string, key: string, body: Buffer, contentType: string): Promise<unknown> }> | undefined;
  return async (bucket, key, body, contentType = "application/x-gzip") => {
    client ??= import("@aws-sdk/client-s3").then(({ S3Client, PutObjectCommand }) => {
      const s3 = new S3Client({ endpoint: endpoint(), forcePathStyle: true, region: "us-east-1", maxAttempts: 1, credentials: { accessKeyId: "minifront-log-delivery", secretAccessKey: "minifront" } });
      return { send: (b: string, k: string, data: Buffer, type: string) => s3.send(new PutObjectCommand({ Bucket: b, Key: k, Body: data, ContentType: type })) };
    });
    await (await client).send(bucket, key, body, contentType);
  };
}
