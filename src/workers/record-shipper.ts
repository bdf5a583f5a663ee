// How an edge worker of `--workers N` hands the records of the requests it served to the primary,
// whose sinks count and log them (the worker prints its own request-log lines): records are packed
// (packed-record.ts) and sent in batches over the IPC channel, one message per SHIP_COUNT requests
// or per SHIP_DELAY_MS, never one per request. A distribution no log writes out request by request
// gets counted records: alike requests of one minute (same method, status, X-Cache, sizes, tier,
// no origin request) are one record with a count, so a run of cache hits costs the worker a map
// update and the IPC channel next to nothing. `drain()` sends what is held at once: the primary
// asks for it before anything reads what the edge observed (record-collector.ts), so a count read
// through the API includes every request answered before it.
// The worker's CloudFront Function runs go the same way, for the function metrics.
// A worker killed with SIGKILL loses the records it held (at most SHIP_DELAY_MS worth).
import type { RecordSink } from "../observe/observer.ts";
import { MINUTE_MS, type FunctionRunFacts } from "../observe/metric-history.ts";
import type { CloudFrontState } from "../services/cloudfront/state.ts";
import type { LogsState } from "../services/logs/state.ts";
import { countRecord, packRecord, type CountedRecord, type PackedRecord, type PackedRun } from "./packed-record.ts";

/** A batch goes out when it holds this many requests... */
export const SHIP_COUNT = 512;
/** ...or this long after the first of them. */
export const SHIP_DELAY_MS = 100;

export interface RecordShipper {
  readonly sink: RecordSink;
  /** Holds one CloudFront Function run made at `time` (epoch ms). */
  functionRun(name: string, time: number, run: FunctionRunFacts): void;
  /** Sends the records held now, if any. */
  drain(): void;
}

/** `detailed(id)`: whether the distribution's records need the fields only the logs read. */
export function recordShipper(send: (full: PackedRecord[], counted: CountedRecord[], runs: PackedRun[]) => void, detailed: (distributionId: string) => boolean): RecordShipper {
  let full: PackedRecord[] = [];
  let counted = new Map<string, CountedRecord>();
  let runs: PackedRun[] = [];
  let held = 0;
  let timer: NodeJS.Timeout | undefined;
  const drain = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (held === 0) return;
    const batch: [PackedRecord[], CountedRecord[], PackedRun[]] = [full, [...counted.values()], runs];
    full = [];
    counted = new Map();
    runs = [];
    held = 0;
    send(...batch);
  };
  const holdOne = () => {
    if (++held >= SHIP_COUNT) drain();
    else if (!timer) {
      timer = setTimeout(drain, SHIP_DELAY_MS);
      // A batch still held when the worker goes is drained by the primary first (start-workers.ts).
      timer.unref();
    }
  };
  return {
    sink(r) {
      if (detailed(r.distributionId)) full.push(packRecord(r));
      // A request that asked the origin has a latency of its own: never merged (its key is its place in the batch).
      else if (r.originMs !== undefined) counted.set(String(held), countRecord(r));
      else {
        // \u0001 cannot occur in an id, a method or an X-Cache word.
        const key = `${r.distributionId}\u0001${Math.floor(r.time / MINUTE_MS)}\u0001${r.method}\u0001${r.status}\u0001${r.xCache}\u0001${r.completed}\u0001${r.bytesSent}\u0001${r.bytesReceived}\u0001${r.layer}`;
        const same = counted.get(key);
        if (same) same[0]++;
        else counted.set(key, countRecord(r));
      }
      holdOne();
    },
    functionRun(name, time, run) {
      runs.push([name, time, run.kind, run.error ?? null, run.computeUtilization]);
      holdOne();
    },
    drain,
  };
}

/**
 * Whether some log writes a distribution's requests out in full: standard logging (legacy), a
 * real-time log configuration on one of its behaviors, or a standard logging (v2) delivery. Asked
 * once per distribution until the configuration changes (a new predicate is made on reload).
 */
export function loggedInFull(cloudfront: CloudFrontState, logs: LogsState): (distributionId: string) => boolean {
  const known = new Map<string, boolean>();
  return (id) => {
    let full = known.get(id);
    if (full === undefined) {
      const c = cloudfront.getDistribution(id)?.config;
      full = c?.Logging?.Enabled === true || Boolean(c?.DefaultCacheBehavior?.RealtimeLogConfigArn) || (c?.CacheBehaviors?.Items ?? []).some((b) => Boolean(b.RealtimeLogConfigArn)) || logs.deliveriesForDistribution(id).length > 0;
      known.set(id, full);
    }
    return full;
  };
}
