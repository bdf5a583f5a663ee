// Real-time logs at the edge (CloudFront Developer Guide, "Real-time logs"): a request whose cache
// behavior names a real-time log configuration (CacheBehavior.RealtimeLogConfigArn) is sampled at
// the configuration's SamplingRate and, when chosen, written as one record of its Fields
// (realtime-record.ts) to every Kinesis stream of its EndPoints when `--kinesis-endpoint` is given
// (realtime-kinesis.ts), always to `<data-dir>/realtime-logs/<config-name>.log`, and to in-process
// listeners (the dashboard's live stream). All of it happens after the response is done, and file
// and Kinesis writes are batched, so the viewer never waits on them. The behavior is matched again
// from the viewer's path, as the edge matches it (edge/stages/match-behavior.ts); a request routed
// to a staging distribution is logged under the primary's behaviors.
import { appendFile, mkdir } from "node:fs/promises";
import { createRequire } from "node:module";
import { join } from "node:path";
import type { Logger } from "../log.ts";
import type { CloudFrontState, DistributionRecord } from "../services/cloudfront/state.ts";
import type { RealtimeLogConfigRecord } from "../services/cloudfront/stores/realtime-log-configs.ts";
import type { EdgeRecord } from "./edge-record.ts";
import type { RecordSink } from "./observer.ts";
import { realtimeLogLine } from "./realtime-record.ts";
import { createKinesisDelivery, type KinesisDelivery, type PutRecordsFn } from "./realtime-kinesis.ts";

/** One real-time log record as delivered. */
export interface RealtimeLogEntry {
  readonly configName: string;
  readonly configArn: string;
  readonly distributionId: string;
  readonly time: number;
  /** The configuration's fields, in record order: the names of the line's tab-separated values. */
  readonly fields: readonly string[];
  /** The record, newline included. */
  readonly line: string;
}

export type RealtimeLogListener = (entry: RealtimeLogEntry) => void;

export interface RealtimeLogs {
  readonly sink: RecordSink;
  /** Calls `listener` with every record from now on, until the returned function is called. */
  subscribe(listener: RealtimeLogListener): () => void;
  /** Writes the buffered records to their files and sends what waits for Kinesis. */
  flush(): Promise<void>;
  dispose(): Promise<void>;
}

export interface RealtimeLogDeps {
  readonly cloudfront: () => CloudFrontState;
  readonly log: Logger;
  /** Where `realtime-logs/` goes; undefined writes no files. */
  readonly dataDir: string | undefined;
  /** Kinesis API endpoint; "" delivers to no stream. */
  readonly kinesisEndpoint: string;
  /** The viewer's country for c-country (undefined: `-`). */
  readonly countryOf?: (record: EdgeRecord) => string | undefined;
  /** 0 <= n < 1; Math.random by default. */
  readonly random?: () => number;
  /** Tests: a Kinesis stand-in. */
  readonly putRecords?: PutRecordsFn;
}

/** The behaviors of a distribution that name a real-time log configuration, in matching order. */
interface Plan {
  readonly behaviors: readonly { readonly matcher: RegExp | undefined; readonly pattern: string; readonly arn: string | undefined }[];
}

/** Delay before buffered lines are appended to their files. */
const FILE_DELAY_MS = 100;

export function createRealtimeLogs(deps: RealtimeLogDeps): RealtimeLogs {
  const random = deps.random ?? Math.random;
  const kinesis: KinesisDelivery | undefined = deps.kinesisEndpoint ? createKinesisDelivery({ endpoint: deps.kinesisEndpoint, log: deps.log, putRecords: deps.putRecords }) : undefined;
  const plans = new WeakMap<DistributionRecord, Plan | null>();
  let listeners: readonly RealtimeLogListener[] = [];
  let pending = new Map<string, string[]>();
  let fileTimer: NodeJS.Timeout | undefined;
  let writing: Promise<void> = Promise.resolve();
  const dir = deps.dataDir === undefined ? undefined : join(deps.dataDir, "realtime-logs");
  let dirMade: Promise<unknown> | undefined;
  let fileWarned = false;

  const sink: RecordSink = (r) => {
    const state = deps.cloudfront();
    const dist = state.getDistribution(r.distributionId);
    if (!dist) return;
    let plan = plans.get(dist);
    if (plan === undefined) plans.set(dist, (plan = planOf(dist)));
    if (plan === null) return;
    const behavior = plan.behaviors.find((b) => b.matcher === undefined || b.matcher.test(r.path));
    if (!behavior?.arn) return;
    const config = state.realtimeLogConfigs.byArn(behavior.arn);
    if (!config || random() * 100 >= config.SamplingRate) return;
    deliver(r, config, behavior.pattern);
  };

  function deliver(r: EdgeRecord, config: RealtimeLogConfigRecord, pattern: string): void {
    const line = realtimeLogLine(r, config.Fields, { pathPattern: pattern, country: deps.countryOf?.(r) });
    if (kinesis) for (const e of config.EndPoints) kinesis.enqueue(e.KinesisStreamConfig?.StreamARN ?? "", line, r.requestId || String(r.time));
    if (dir) {
      let lines = pending.get(config.Id);
      if (!lines) pending.set(config.Id, (lines = []));
      lines.push(line);
      if (!fileTimer) {
        fileTimer = setTimeout(() => void writeFiles(), FILE_DELAY_MS);
        fileTimer.unref();
      }
    }
    const entry: RealtimeLogEntry = { configName: config.Id, configArn: config.ARN, distributionId: r.distributionId, time: r.time, fields: config.Fields, line };
    for (const listener of listeners) {
      try {
        listener(entry);
      } catch (err) {
        deps.log.warn(`real-time logs: a listener failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }

  function writeFiles(): Promise<void> {
    if (fileTimer) clearTimeout(fileTimer);
    fileTimer = undefined;
    const files = pending;
    pending = new Map();
    // Appends run one batch after another, so a file's lines stay in request order.
    writing = writing.then(async () => {
      if (!dir || files.size === 0) return;
      try {
        await (dirMade ??= mkdir(dir, { recursive: true }));
        for (const [name, lines] of files) await appendFile(join(dir, `${name}.log`), lines.join(""));
      } catch (err) {
        dirMade = undefined;
        if (!fileWarned) deps.log.warn(`real-time logs: cannot write under ${dir}: ${err instanceof Error ? err.message : String(err)}`);
        fileWarned = true;
      }
    });
    return writing;
  }

  return {
    sink,
    subscribe(listener) {
      listeners = [...listeners, listener];
      return () => {
        listeners = listeners.filter((l) => l !== listener);
      };
    },
    async flush() {
      await Promise.all([writeFiles(), kinesis?.flush()]);
    },
    async dispose() {
      await Promise.all([writeFiles(), kinesis?.dispose()]);
    },
  };
}

const require = createRequire(import.meta.url);

/** The distribution's behaviors in matching order (default last), or null when none logs in real time. */
function planOf(dist: DistributionRecord): Plan | null {
  const c = dist.config;
  const items = c.CacheBehaviors?.Items ?? [];
  if (!c.DefaultCacheBehavior?.RealtimeLogConfigArn && !items.some((b) => b.RealtimeLogConfigArn)) return null;
  // The edge's own pattern matcher, loaded when a distribution first logs in real time (the edge's
  // modules wait for first use: test/e2e/startup-footprint.e2e.test.ts).
  const { patternToRegExp } = require("../edge/compile.ts") as typeof import("../edge/compile.ts");
  const behaviors = items.map((b) => ({
    matcher: b.PathPattern === "*" ? undefined : patternToRegExp(b.PathPattern ?? ""),
    pattern: b.PathPattern ?? "",
    arn: b.RealtimeLogConfigArn || undefined,
  }));
  behaviors.push({ matcher: undefined, pattern: "*", arn: c.DefaultCacheBehavior?.RealtimeLogConfigArn || undefined });
  return { behaviors };
}
