// The CloudFront Functions runtime the emulator calls (README.md "Running on the edge's thread").
// A function version runs in a worker thread (worker.ts) until it has shown that its requests are
// short (`probationRuns`); then it runs on the caller's own thread in an inline sandbox, with no
// thread hop and no JSON. Whatever an inline run cannot finish there — a slice longer than
// `inlineSliceMs`, a runaway built-in that burns the module's fuel, a heap that grows too much —
// is run again in the worker, and its version stays there. The worker is the watchdog of last
// resort: it is replaced when a slice of its work does not come back. A misbehaving function costs
// its own request a 5xx result and nothing else: requests of other functions that were in flight
// on a replaced worker are sent again to the new one (a function's only side effects are KVS reads,
// which are safe to repeat).
import type { KeyValueSource } from "./key-value-source.ts";
import { stopped } from "./run-result.ts";
import { loadQuickJS, Sandbox, type CheckResult } from "./sandbox.ts";
import {
  DEFAULT_FUNCTION_LIMITS,
  type FunctionEvent,
  type FunctionEventType,
  type FunctionLimits,
  type FunctionRunResult,
  type FunctionRuntimeName,
  type FunctionToRun,
  type RunOptions,
} from "./types.ts";
import { eventOf, ViewerEvent, type RunnableEvent } from "./viewer-event.ts";
import { WorkerPool } from "./worker-pool.ts";

/** Function versions whose placement is remembered (the oldest is forgotten first). */
const MAX_VERSIONS = 4096;
/**
 * Times a version may be stopped on the caller's thread before it stays in the worker for good;
 * before that it goes back on probation (the stop may have been the machine's fault, not the code's).
 */
const MAX_INLINE_STRIKES = 3;
/** Above this WebAssembly heap size the inline sandbox is replaced (the heap never shrinks). */
const INLINE_HEAP_RECYCLE_BYTES = 256 * 1024 * 1024;

export interface FunctionRuntimeOptions {
  /** Where `cf.kvs()` reads from. Without it every store is empty. */
  readonly kvs?: KeyValueSource;
  /** Overrides of DEFAULT_FUNCTION_LIMITS. */
  readonly limits?: Partial<FunctionLimits>;
  /** Stop the worker after this long without work; it starts again on demand. Default: keep it. */
  readonly idleTimeoutMs?: number;
  /** The time functions see (Date is frozen at the function's start). Default: Date.now. */
  readonly now?: () => number;
}

export interface FunctionRuntime {
  /**
   * Runs one published version of a function on an event. Resolves with the function's request
   * or response, or with an error result (never rejects for anything the function does).
   */
  run(fn: FunctionToRun, eventType: FunctionEventType, event: RunnableEvent, options?: RunOptions): Promise<FunctionRunResult>;
  /**
   * `run` without the promise when it can: a version that runs on the caller's thread answers
   * synchronously (no microtask, no await), others with a promise. The edge passes a ViewerEvent,
   * whose event objects are made only if the run needs them.
   */
  runNow(fn: FunctionToRun, eventType: FunctionEventType, event: RunnableEvent, options?: RunOptions): FunctionRunResult | Promise<FunctionRunResult>;
  /** CreateFunction/UpdateFunction's code check: the runtime's language rules and a compile. */
  check(code: string, runtime: FunctionRuntimeName): Promise<CheckResult>;
  /** How many worker threads were started so far (a replaced worker counts again). */
  readonly workersStarted: number;
  /** Stops the worker; pending runs end with an error result. */
  dispose(): Promise<void>;
}

/** Where a function version runs. */
interface Placement {
  /** "probation": the worker, counting good runs; "inline": the caller's thread; "worker": for good. */
  place: "probation" | "inline" | "worker";
  /** Good runs in a row while on probation. */
  good: number;
  /** Times a run of it was stopped on the caller's thread. */
  strikes: number;
  /** Its requests need a context without the frozen realm (each one fresh, in the worker). */
  unfrozen: boolean;
}

/**
 * Starts a CloudFront Functions runtime.
 *
 * @example
 * const runtime = createFunctionRuntime({ kvs: state.keyValueStores });
 * const event = buildViewerRequestEvent({ method: "GET", uri: "/", rawQuery: undefined, headers: { host: "d1.cloudfront.net" },
 *   viewerIp: "127.0.0.1", distributionId: "E1", distributionDomainName: "d1.cloudfront.net", requestId: "r1" });
 * const result = await runtime.run({ key: `${arn}@${etag}`, code, runtime: "cloudfront-js-2.0", kvsArns: [] }, "viewer-request", event);
 * await runtime.dispose();
 */
export function createFunctionRuntime(options: FunctionRuntimeOptions = {}): FunctionRuntime {
  return new Runtime(options);
}

/** `event` with `context.eventType` set to `eventType` (a copy when it was not). */
function withEventType(event: RunnableEvent, eventType: FunctionEventType): RunnableEvent {
  if (event instanceof ViewerEvent) return event.eventType === eventType ? event : withEventType(event.event, eventType);
  return event.context?.eventType === eventType ? event : { ...event, context: { ...event.context, eventType } };
}

class Runtime implements FunctionRuntime {
  private readonly limits: FunctionLimits;
  private readonly kvs: KeyValueSource | undefined;
  private readonly now: () => number;
  private readonly pool: WorkerPool;
  private readonly placements = new Map<string, Placement>();
  /** The inline sandbox, once loaded; `loading` while it is. */
  private inline: Sandbox | undefined;
  private loading: Promise<void> | undefined;
  private nextRunId = 1;
  private disposed = false;

  constructor(options: FunctionRuntimeOptions) {
    this.limits = Object.freeze({ ...DEFAULT_FUNCTION_LIMITS, ...options.limits });
    this.kvs = options.kvs;
    this.now = options.now ?? Date.now;
    this.pool = new WorkerPool(this.limits, options);
  }

  get workersStarted(): number {
    return this.pool.workersStarted;
  }

  run(fn: FunctionToRun, eventType: FunctionEventType, event: RunnableEvent, options: RunOptions = {}): Promise<FunctionRunResult> {
    const r = this.runNow(fn, eventType, event, options);
    return r instanceof Promise ? r : Promise.resolve(r);
  }

  runNow(fn: FunctionToRun, eventType: FunctionEventType, event: RunnableEvent, options: RunOptions = {}): FunctionRunResult | Promise<FunctionRunResult> {
    if (this.disposed) return stopped();
    const ev = withEventType(event, eventType);
    const placement = this.placement(fn.key);
    if (placement.place !== "inline") return this.inWorker(fn, eventType, ev, options, placement);
    const inline = this.inline;
    if (!inline) {
      // Loading (the first time, or after a trap gave the last one up): wait for it rather than
      // queue behind whatever the worker is doing, which may be the very function that broke it.
      return this.loadInline().then(() => (this.inline ? this.runNow(fn, eventType, ev, options) : this.inWorker(fn, eventType, ev, options, placement)));
    }
    const outcome = inline.runSync({ runId: this.runId(), fn, eventType, event: ev, options, now: this.now(), unfrozen: false });
    if (inline.broken || inline.heapBytes > INLINE_HEAP_RECYCLE_BYTES) this.dropInline();
    // A limit hit here cost the edge's thread: the version goes back to the worker.
    if (outcome.limitHit || outcome.escalate === "worker") this.strike(placement);
    if (outcome.escalate === undefined) return outcome.result;
    return this.inWorker(fn, eventType, ev, options, placement, outcome.escalate === "unfrozen");
  }

  check(code: string, runtime: FunctionRuntimeName): Promise<CheckResult> {
    return this.pool.check(code, runtime);
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    this.dropInline();
    await this.pool.dispose();
  }

  // -------------------------------------------------------------------------------------------

  private runId(): number {
    const id = this.nextRunId;
    this.nextRunId = this.nextRunId >= 0x7ffffffe ? 1 : this.nextRunId + 1;
    return id;
  }

  private placement(key: string): Placement {
    let p = this.placements.get(key);
    if (p) return p;
    if (this.placements.size >= MAX_VERSIONS) this.placements.delete(this.placements.keys().next().value as string);
    p = { place: this.limits.probationRuns > 0 ? "probation" : "inline", good: 0, strikes: 0, unfrozen: false };
    this.placements.set(key, p);
    return p;
  }

  /** Back on probation, or in the worker for good after MAX_INLINE_STRIKES. */
  private strike(placement: Placement): void {
    placement.strikes++;
    placement.good = 0;
    placement.place = placement.strikes >= MAX_INLINE_STRIKES || this.limits.probationRuns === 0 ? "worker" : "probation";
  }

  /** A run in the worker; on probation it counts towards running inline. */
  private async inWorker(fn: FunctionToRun, eventType: FunctionEventType, runnable: RunnableEvent, options: RunOptions, placement: Placement, unfrozen = placement.unfrozen): Promise<FunctionRunResult> {
    const event = eventOf(runnable);
    let outcome = await this.pool.run(fn, eventType, event, options, unfrozen);
    if (outcome.escalate === "unfrozen") {
      outcome = await this.pool.run(fn, eventType, event, options, true);
      // Only the freeze stood in its way: its requests get an unfrozen context from now on.
      if (outcome.result.kind !== "error") placement.unfrozen = true;
    } else if (unfrozen && !placement.unfrozen && outcome.result.kind !== "error") {
      placement.unfrozen = true;
    }
    if (placement.place === "probation") {
      const good = !outcome.limitHit && outcome.escalate === undefined && outcome.maxSliceMs <= this.limits.inlineSliceMs && !placement.unfrozen;
      placement.good = good ? placement.good + 1 : 0;
      if (placement.unfrozen) placement.place = "worker";
      else if (placement.good >= this.limits.probationRuns) {
        placement.place = "inline";
        void this.loadInline();
      }
    } else if (placement.place === "inline" && placement.unfrozen) {
      placement.place = "worker";
    }
    return outcome.result;
  }

  private loadInline(): Promise<void> {
    if (this.inline || this.disposed) return Promise.resolve();
    this.loading ??= loadQuickJS().then(
      (loaded) => {
        this.loading = undefined;
        if (this.disposed) return;
        // Inline, KVS reads are answered at once from the caller's KeyValueSource.
        const kvs = this.kvs;
        this.inline = new Sandbox(loaded, this.limits, {
          inline: true,
          kvs: (op, arn, key) => {
            if (!kvs) return undefined;
            if (op === "get") return kvs.get(arn, key);
            const meta = kvs.meta(arn);
            return meta === undefined ? undefined : JSON.stringify(meta);
          },
        });
      },
      () => {
        // Without an inline sandbox every run goes to the worker.
        this.loading = undefined;
      },
    );
    return this.loading;
  }

  /** A trap poisoned the inline module, or its heap grew too large: the next run loads a new one. */
  private dropInline(): void {
    const s = this.inline;
    this.inline = undefined;
    if (s && !s.broken) s.dispose();
  }
}
