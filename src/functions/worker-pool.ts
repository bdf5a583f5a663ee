// The worker thread functions run in while on probation or for good (runtime.ts), and its watchdog
// (README.md "Running on the edge's thread"): one worker; a run is a message with the event as
// JSON, answered by a message with the outcome as JSON; a KVS read in the worker is a message round
// trip to this thread. The watchdog replaces the worker when one slice of QuickJS work runs longer
// than `watchdogMs` of wall time: the run it was executing fails (FunctionThrottledError), the
// others in flight are sent again to the new worker (a function's only side effects are KVS reads).
import { Worker } from "node:worker_threads";
import type { KeyValueSource } from "./key-value-source.ts";
import { internalError, limitError, outcomeOf, stopped } from "./run-result.ts";
import type { CheckResult, SandboxOutcome } from "./sandbox-types.ts";
import type { FunctionEvent, FunctionEventType, FunctionLimits, FunctionRuntimeName, FunctionToRun, RunOptions } from "./types.ts";
import type { FromWorker, ToWorker, WorkerData } from "./worker-protocol.ts";

const WORKER_URL = new URL("./worker.ts", import.meta.url);
/** A request is sent to a replacement worker at most this many times. */
const MAX_ATTEMPTS = 3;
/** The worker's own JavaScript heap (the WebAssembly memory is separate and watched by the worker). */
const WORKER_HEAP_MB = 256;

/** What the pool takes of the runtime's options (runtime.ts FunctionRuntimeOptions). */
export interface WorkerPoolOptions {
  readonly kvs?: KeyValueSource;
  readonly idleTimeoutMs?: number;
  readonly now?: () => number;
}

interface Pending {
  readonly msg: Extract<ToWorker, { t: "run" } | { t: "check" }>;
  readonly settle: (outcome: { result?: SandboxOutcome | CheckResult; error?: Error }) => void;
  attempts: number;
}

/** The worker thread and its watchdog. */
export class WorkerPool {
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

  constructor(limits: FunctionLimits, options: WorkerPoolOptions) {
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
