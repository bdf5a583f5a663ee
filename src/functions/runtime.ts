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
import { Worker } from "node:worker_threads";
import type { KeyValueSource } from "./key-value-source.ts";
import { loadQuickJS, Sandbox, type CheckResult, type SandboxOutcome } from "./sandbox.ts";
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
import type { FromWorker, ToWorker, WorkerData } from "./worker-protocol.ts";

const WORKER_URL = new URL("./worker.ts", import.meta.url);
/** Function versions whose placement is remembered (the oldest is forgotten first). */
const MAX_VERSIONS = 4096;
/**
 * Times a version may be stopped on the caller's thread before it stays in the worker for good;
 * before that it goes back on probation (the stop may have been the machine's fault, not the code's).
 */
const MAX_INLINE_STRIKES = 3;
/** Above this WebAssembly heap size the inline sandbox is replaced (the heap never shrinks). */
const INLINE_HEAP_RECYCLE_BYTES = 256 * 1024 * 1024;
/** A request is sent to a replacement worker at most this many times. */
const MAX_ATTEMPTS = 3;
/** The worker's own JavaScript heap (the WebAssembly memory is separate and watched by the worker). */
const WORKER_HEAP_MB = 256;

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
  run(fn: FunctionToRun, eventType: FunctionEventType, event: FunctionEvent, options?: RunOptions): Promise<FunctionRunResult>;
  /**
   * `run` without the promise when it can: a version that runs on the caller's thread answers
   * synchronously (no microtask, no await), others with a promise.
   */
  runNow(fn: FunctionToRun, eventType: FunctionEventType, event: FunctionEvent, options?: RunOptions): FunctionRunResult | Promise<FunctionRunResult>;
  /** CreateFunction/UpdateFunction's code check: the runtime's language rules and a compile. */
  check(code: string, runtime: FunctionRuntimeName): Promise<CheckResult>;
  /** How many worker threads were started so far (a replaced worker counts again). */
  readonly workersStarted: number;
  /** Stops the worker; pending runs end with an error result. */
  dispose(): Promise<void>;
}

interface Pending {
  readonly msg: Extract<ToWorker, { t: "run" } | { t: "check" }>;
  readonly settle: (outcome: { result?: SandboxOutcome | CheckResult; error?: Error }) => void;
  attempts: number;
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

  run(fn: FunctionToRun, eventType: FunctionEventType, event: FunctionEvent, options: RunOptions = {}): Promise<FunctionRunResult> {
    const r = this.runNow(fn, eventType, event, options);
    return r instanceof Promise ? r : Promise.resolve(r);
  }

  runNow(fn: FunctionToRun, eventType: FunctionEventType, event: FunctionEvent, options: RunOptions = {}): FunctionRunResult | Promise<FunctionRunResult> {
    if (this.disposed) return stopped();
    const ev = event.context?.eventType === eventType ? event : { ...event, context: { ...event.context, eventType } };
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
  private async inWorker(fn: FunctionToRun, eventType: FunctionEventType, event: FunctionEvent, options: RunOptions, placement: Placement, unfrozen = placement.unfrozen): Promise<FunctionRunResult> {
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

/** The worker thread and its watchdog. */
class WorkerPool {
  private readonly limits: FunctionLimits;
  private readonly kvs: KeyValueSource | undefined;
  private readonly idleTimeoutMs: number | undefined;
  private readonly now: () => number;
  private readonly pending = new Map<number, Pending>();
  private worker: Worker | undefined;
  private busy: Int32Array<ArrayBufferLike> = new Int32Array(1);
  private since: Float64Array<ArrayBufferLike> = new Float64Array(1);
  private nextId = 1;
  private watchdog: NodeJS.Timeout | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  /** The run the watchdog stopped, so the worker's exit is blamed on it. */
  private killed: number | undefined;
  private disposed = false;
  workersStarted = 0;

  constructor(limits: FunctionLimits, options: FunctionRuntimeOptions) {
    this.limits = limits;
    this.kvs = options.kvs;
    this.idleTimeoutMs = options.idleTimeoutMs;
    this.now = options.now ?? Date.now;
  }

  run(fn: FunctionToRun, eventType: FunctionEventType, event: FunctionEvent, options: RunOptions, unfrozen: boolean): Promise<SandboxOutcome> {
    if (this.disposed) return Promise.resolve(outcomeOf(stopped()));
    const id = this.id();
    return new Promise((resolve) => {
      this.submit({
        msg: { t: "run", id, fn: { key: fn.key, code: fn.code, runtime: fn.runtime, kvsArns: [...fn.kvsArns] }, eventType, eventJson: JSON.stringify(event), options, now: this.now(), unfrozen },
        settle: ({ result, error }) => resolve(error ? outcomeOf(internalError(error.message)) : (result as SandboxOutcome)),
        attempts: 0,
      });
    });
  }

  check(code: string, runtime: FunctionRuntimeName): Promise<CheckResult> {
    if (this.disposed) return Promise.reject(new Error("The function runtime was shut down."));
    const id = this.id();
    return new Promise((resolve, reject) => {
      this.submit({
        msg: { t: "check", id, code, runtime },
        settle: ({ result, error }) => (error ? reject(error) : resolve(result as CheckResult)),
        attempts: 0,
      });
    });
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    this.stopWatchdog();
    if (this.idleTimer) clearTimeout(this.idleTimer);
    const w = this.worker;
    this.worker = undefined;
    const all = [...this.pending.values()];
    this.pending.clear();
    for (const p of all) p.settle(p.msg.t === "run" ? { result: outcomeOf(stopped()) } : { error: new Error("The function runtime was shut down.") });
    await w?.terminate();
  }

  // -------------------------------------------------------------------------------------------

  private id(): number {
    const id = this.nextId;
    // Run ids live in an Int32 slot shared with the worker; 0 means "idle".
    this.nextId = this.nextId >= 0x7ffffffe ? 1 : this.nextId + 1;
    return id;
  }

  private submit(p: Pending): void {
    this.pending.set(p.msg.id, p);
    if (this.idleTimer) {
      clearTimeout(this.idleTimer);
      this.idleTimer = undefined;
    }
    const w = this.ensureWorker();
    w.ref();
    p.attempts++;
    w.postMessage(p.msg);
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const state = new SharedArrayBuffer(16);
    this.busy = new Int32Array(state, 0, 1);
    this.since = new Float64Array(state, 8, 1);
    const data: WorkerData = { limits: this.limits, state };
    const w = new Worker(WORKER_URL, { workerData: data, resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB } });
    this.workersStarted++;
    w.on("message", (m: FromWorker) => this.onMessage(w, m));
    w.on("error", (err) => this.onDeath(w, err.message));
    w.on("exit", (code) => this.onDeath(w, `the worker exited with code ${code}`));
    this.worker = w;
    this.startWatchdog();
    return w;
  }

  private onMessage(w: Worker, m: FromWorker): void {
    if (w !== this.worker) return;
    switch (m.t) {
      case "ready":
        return;
      case "kvs":
        w.postMessage(this.answerKvs(m));
        return;
      case "retire":
        this.replace(w);
        return;
      case "result":
      case "checked":
      case "failed": {
        const p = this.pending.get(m.id);
        if (!p) return;
        this.pending.delete(m.id);
        if (m.t === "failed") p.settle({ error: new Error(`The function sandbox failed: ${m.message}`) });
        else if (m.t === "result") p.settle({ result: JSON.parse(m.outcomeJson) as SandboxOutcome });
        else p.settle({ result: m.result });
        this.afterSettle(w);
        return;
      }
    }
  }

  private answerKvs(m: Extract<FromWorker, { t: "kvs" }>): ToWorker {
    try {
      if (!this.kvs) return { t: "kvs", id: m.id, value: undefined };
      if (m.op === "get") return { t: "kvs", id: m.id, value: this.kvs.get(m.arn, m.key) };
      const meta = this.kvs.meta(m.arn);
      return { t: "kvs", id: m.id, value: meta === undefined ? undefined : JSON.stringify(meta) };
    } catch (err) {
      return { t: "kvs", id: m.id, error: err instanceof Error ? err.message : String(err) };
    }
  }

  private afterSettle(w: Worker): void {
    if (this.pending.size > 0) return;
    w.unref();
    if (this.idleTimeoutMs !== undefined) {
      this.idleTimer = setTimeout(() => {
        this.idleTimer = undefined;
        if (this.pending.size === 0 && this.worker === w) {
          this.worker = undefined;
          this.stopWatchdog();
          void w.terminate();
        }
      }, this.idleTimeoutMs);
      this.idleTimer.unref();
    }
  }

  /** A new worker takes over everything in flight (the old one asked to retire). */
  private replace(w: Worker): void {
    this.worker = undefined;
    this.stopWatchdog();
    void w.terminate();
    this.resend([...this.pending.values()]);
  }

  /** The worker died or was killed: blame the run it was executing, send the others again. */
  private onDeath(w: Worker, reason: string): void {
    if (w !== this.worker) return;
    this.worker = undefined;
    this.stopWatchdog();
    const culprit = this.killed ?? Atomics.load(this.busy, 0);
    const byWatchdog = this.killed !== undefined;
    this.killed = undefined;
    const retry: Pending[] = [];
    for (const p of this.pending.values()) {
      if (p.msg.id === culprit) {
        this.pending.delete(p.msg.id);
        if (p.msg.t === "run") {
          p.settle({
            result: outcomeOf(
              byWatchdog
                ? limitError(`The function ran for more than ${this.limits.watchdogMs} ms without yielding and was stopped.`)
                : internalError(`The function sandbox stopped while running the function (${reason}).`),
              byWatchdog,
            ),
          });
        } else {
          p.settle({ error: new Error(`The function sandbox stopped while checking the code (${reason}).`) });
        }
      } else {
        retry.push(p);
      }
    }
    if (this.disposed) return;
    this.resend(retry);
  }

  private resend(list: readonly Pending[]): void {
    for (const p of list) {
      if (p.attempts >= MAX_ATTEMPTS) {
        this.pending.delete(p.msg.id);
        p.settle(p.msg.t === "run" ? { result: outcomeOf(internalError("The function sandbox was restarted too many times while this request waited.")) } : { error: new Error("The function sandbox kept restarting.") });
        continue;
      }
      this.submit(p);
    }
  }

  private startWatchdog(): void {
    if (this.watchdog) return;
    const interval = Math.max(5, Math.floor(this.limits.watchdogMs / 4));
    this.watchdog = setInterval(() => this.checkWatchdog(), interval);
    this.watchdog.unref();
  }

  private stopWatchdog(): void {
    if (this.watchdog) clearInterval(this.watchdog);
    this.watchdog = undefined;
  }

  private checkWatchdog(): void {
    const w = this.worker;
    if (!w) return;
    const runId = Atomics.load(this.busy, 0);
    if (runId === 0) return;
    const elapsed = performance.timeOrigin + performance.now() - (this.since[0] as number);
    if (elapsed <= this.limits.watchdogMs) return;
    this.killed = runId;
    void w.terminate();
  }
}

function outcomeOf(result: FunctionRunResult, limitHit = false): SandboxOutcome {
  return { result, limitHit, maxSliceMs: 0 };
}

function base(): { logs: string[]; cpuMs: number; computeUtilization: number } {
  return { logs: [], cpuMs: 0, computeUtilization: 0 };
}

function stopped(): FunctionRunResult {
  return { ...base(), kind: "error", error: "FunctionExecutionError", status: 503, message: "The function runtime was shut down." };
}

function internalError(message: string): FunctionRunResult {
  return { ...base(), kind: "error", error: "FunctionExecutionError", status: 503, message };
}

function limitError(message: string): FunctionRunResult {
  return { ...base(), computeUtilization: 100, kind: "error", error: "FunctionThrottledError", status: 503, message };
}
