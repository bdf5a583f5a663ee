// The QuickJS side of CloudFront Functions (docs/decisions.md "CloudFront Functions sandbox";
// docs/functions.md §2–§4): compiles a function version into a context once, keeps a few contexts per
// version, and runs requests in them. The same class runs on the edge's own thread (`inline`,
// runtime.ts) and in the worker thread (worker.ts); README.md "Running on the edge's thread" says
// which protections each place has.
//
// Each request starts fresh, as in CloudFront: the code's top level runs again for every request
// (it is compiled into a wrapper function; code that is its handler alone keeps the handler, see
// syntax.ts `handlerOnly`), and before the first request the prelude freezes
// everything the code can reach (sandbox-prelude.js `lockdown`). A request that fails with a
// TypeError in a frozen context may have tripped over the freeze rather than over its own bug: its
// outcome says so (`escalate: "unfrozen"`) and the caller runs it again in a fresh, unfrozen
// context made for that one request.
//
// Limits, all per run (docs/functions.md §3):
// - CPU: in the worker, thread CPU time around every slice of QuickJS work; QuickJS's interrupt
//   handler stops the run past `maxCpuMs` (FunctionThrottledError, 503). Inline, a slice may take
//   `inlineSliceMs` of wall time; past it the run stops and is handed to the worker
//   (`escalate: "worker"`), which applies the real limit.
// - Memory: QuickJS's own memory limit does not add up allocation sizes in this WASM build (it
//   counts allocations, measured: 140 MB of strings passed a 2 MB limit), so it only guards single
//   huge allocations. The interrupt handler measures the heap every few ms of CPU, or at once when
//   the WASM heap grows, and stops the run above `memoryBytes` over the context's baseline. Inline,
//   the WASM heap may not grow by more than INLINE_HEAP_GROWTH_BYTES during one run (the
//   allocation fails; the run goes to the worker).
// - Stack: `stackBytes`; deeper recursion is a stack overflow error.
// - Work QuickJS's interrupt handler never sees (one long built-in call): in the worker, the
//   watchdog (worker-pool.ts) through `hooks`; inline, the module's fuel counter (fuel.ts) traps,
//   the module is given up (`broken`) and the run goes to the worker.
//
// This file is one run from event to outcome; its parts: contexts.ts (the compiled contexts of each
// version), slice-meter.ts (the limits around each slice of QuickJS work), raw-calls.ts (the
// per-request FFI calls), host-functions.ts (what the prelude calls back), quickjs-module.ts (the
// WebAssembly module), run-result.ts (failure results) and untouched-result.ts (a request or
// response returned untouched).
import type { QuickJSContext, QuickJSHandle, QuickJSRuntime, QuickJSWASMModule } from "quickjs-emscripten-core";
import { ContextPool, type Entry } from "./contexts.ts";
import { FUEL_UNLIMITED } from "./fuel.ts";
import { errorText } from "./host-functions.ts";
import { checkOriginChange } from "./origin.ts";
import { checkFunctionOutput } from "./output.ts";
import type { LoadedQuickJS } from "./quickjs-module.ts";
import { DONE, DONE_UNCHANGED, PENDING } from "./raw-calls.ts";
import { failed, round3, RunFailure, utilization } from "./run-result.ts";
import { SliceMeter, type Activity } from "./slice-meter.ts";
import { prepareFunctionCode } from "./syntax.ts";
import type { CheckResult, SandboxOptions, SandboxOutcome, SandboxRun, SliceHooks } from "./sandbox-types.ts";
import type { FunctionLimits, FunctionRunResult, FunctionRuntimeName, OriginChange } from "./types.ts";
import { untouchedResult } from "./untouched-result.ts";
import { eventOf } from "./viewer-event.ts";
import { encodeEvent, packedShape } from "./wire.ts";

export { loadQuickJS, type LoadedQuickJS } from "./quickjs-module.ts";
export type { CheckResult, KvsReader, SandboxOptions, SandboxOutcome, SandboxRun, SliceHooks } from "./sandbox-types.ts";

export class Sandbox {
  private readonly qjs: QuickJSWASMModule;
  private readonly limits: FunctionLimits;
  private readonly hooks: SliceHooks | undefined;
  private readonly inline: boolean;
  private readonly meter: SliceMeter;
  private readonly contexts: ContextPool;
  private checker: { rt: QuickJSRuntime; ctx: QuickJSContext } | undefined;

  constructor(loaded: LoadedQuickJS, limits: FunctionLimits, options: SandboxOptions) {
    this.qjs = loaded.qjs;
    this.limits = limits;
    this.hooks = options.hooks;
    this.inline = options.inline ?? false;
    this.meter = new SliceMeter(loaded, limits, this.inline, options.hooks);
    this.contexts = new ContextPool(loaded.qjs, limits, options.kvs, this.meter);
  }

  /** Size of the WebAssembly heap shared by all contexts (only grows). */
  get heapBytes(): number {
    return this.meter.heapBytes;
  }

  /** QuickJS itself failed (a WebAssembly trap): the module must not be used again. */
  get broken(): boolean {
    return this.meter.broken;
  }

  /**
   * Checks code as CreateFunction/UpdateFunction must: the runtime's language rules, then a
   * QuickJS compile (nothing runs).
   */
  check(runId: number, code: string, runtime: FunctionRuntimeName): CheckResult {
    const prepared = prepareFunctionCode(code, runtime);
    if (!prepared.ok) return prepared;
    this.checker ??= this.newChecker();
    const { ctx } = this.checker;
    this.meter.setFuel(FUEL_UNLIMITED);
    this.hooks?.enter(runId);
    try {
      const r = this.meter.guard(() => ctx.evalCode(prepared.script, "function.js", { type: "global", strict: true, compileOnly: true }));
      if (r.error) {
        const line = ctx.getProp(r.error, "lineNumber");
        const at = ctx.typeof(line) === "number" ? ` in line ${ctx.getNumber(line)}` : "";
        line.dispose();
        const message = errorText(ctx, r.error) + at;
        r.error.dispose();
        return { ok: false, message };
      }
      r.value.dispose();
      return { ok: true };
    } finally {
      this.hooks?.leave();
    }
  }

  /**
   * Runs one request to the end on this thread (inline sandboxes only: their KVS reader answers at
   * once). Never throws for anything the function does.
   */
  runSync(req: SandboxRun): SandboxOutcome {
    const outcome = this.runSyncOnce(req, false);
    return outcome.retryWithInput ? this.runSyncOnce(req, true) : outcome;
  }

  /** Runs one request; waits for KVS reads the host answers later. Never rejects for anything the function does. */
  async run(req: SandboxRun): Promise<SandboxOutcome> {
    const outcome = await this.runOnce(req, false);
    return outcome.retryWithInput ? this.runOnce(req, true) : outcome;
  }

  private runSyncOnce(req: SandboxRun, withInput: boolean): SandboxOutcome {
    let entry: Entry;
    try {
      const got = this.contexts.acquire(req);
      if (got instanceof Promise) throw new Error("runSync: every context of this version is busy");
      entry = got;
    } catch (err) {
      return this.loadFailure(err);
    }
    const activity = this.meter.startActivity(entry, req.runId);
    return this.conclude(entry, req, activity, () => {
      const code = this.begin(entry, req, withInput);
      return code === PENDING ? this.drive(entry, req) : code;
    });
  }

  private async runOnce(req: SandboxRun, withInput: boolean): Promise<SandboxOutcome> {
    let entry: Entry;
    try {
      entry = await this.contexts.acquire(req);
    } catch (err) {
      return this.loadFailure(err);
    }
    const activity = this.meter.startActivity(entry, req.runId);
    let code: number;
    try {
      code = this.begin(entry, req, withInput);
      if (code === PENDING) code = this.drive(entry, req);
      // KVS reads the host answers later: wait for each one, then run the jobs it queued.
      while (code === PENDING && entry.pending > 0) {
        await new Promise<void>((resolve) => {
          entry.wake = resolve;
        });
        code = this.drive(entry, req);
      }
    } catch (error) {
      return this.conclude(entry, req, activity, () => {
        throw error;
      });
    }
    return this.conclude(entry, req, activity, () => code);
  }

  /** Disposes every context. */
  dispose(): void {
    this.meter.dispose();
    this.contexts.dispose();
    if (this.checker && !this.broken) {
      this.checker.ctx.dispose();
      this.checker.rt.dispose();
    }
    this.checker = undefined;
  }

  /** How many compiled contexts exist (for tests and diagnostics). */
  get contextCount(): number {
    return this.contexts.count;
  }

  // -------------------------------------------------------------------------------------------
  // One run

  /**
   * Sends the event in and calls the handler: DONE_UNCHANGED, DONE or PENDING. Runs without the
   * event: an event the edge built (its shape is known) goes in as its time and shape alone until a
   * run of the context reads its text (most of a trivial run's cost is making that text a QuickJS
   * string); such a run stops at the read and is run again with it (`retryWithInput`), and the
   * context's runs get the text from then on. A run's only side effects are KVS reads, which are
   * safe to repeat, and nothing of the stopped run outlives it (the frozen realm).
   */
  private begin(entry: Entry, req: SandboxRun, withInput: boolean): number {
    // A context made for one unfrozen run has no later runs to learn for: it gets the text at once.
    const packed = withInput || entry.wantsInput || entry.single ? undefined : packedShape(req.event, req.eventType, req.options, req.now);
    const flat = packed === undefined ? encodeEvent(eventOf(req.event), req.eventType, req.options, req.now) : undefined;
    const { raw } = entry;
    const invoke = (entry.invoke as QuickJSHandle).value as number;
    const response = req.eventType === "viewer-response";
    return this.meter.slice(entry, () => {
      let code: number;
      if (packed !== undefined) {
        code = raw.callWithNumber(invoke, packed);
      } else if (flat !== undefined) {
        code = raw.callWithNumber(invoke, flat.packed, flat.input);
      } else {
        const q = req.options.rawQueryString;
        const edge = req.options.edgeLocation;
        code = raw.callWithStrings(invoke, JSON.stringify(eventOf(req.event)), req.now, q, edge === undefined ? undefined : JSON.stringify(edge));
      }
      if (code !== PENDING) {
        // An async handler run as an ordinary function: its result counts once the promise
        // callbacks it queued have run, as an async function's would.
        if (!entry.asyncRunsSync || !raw.hasJobs()) return code;
        raw.runJobs();
        return raw.callForNumber((entry.resettle as QuickJSHandle).value as number);
      }
      // An async handler that returned without waiting has settled already: read its value in the
      // same slice (no jobs to run).
      return raw.hasJobs() ? code : raw.promiseOutcome((entry.settle as QuickJSHandle).value as number, response);
    }, (e) => this.thrown(entry, e));
  }

  /** Runs the queued jobs (an async handler's continuations) and looks at its promise again. */
  private drive(entry: Entry, req: SandboxRun): number {
    const { raw } = entry;
    const settle = (entry.settle as QuickJSHandle).value as number;
    const response = req.eventType === "viewer-response";
    return this.meter.slice(entry, () => {
      raw.runJobs();
      return raw.promiseOutcome(settle, response);
    }, (e) => this.thrown(entry, e));
  }

  /**
   * The outcome of a run whose handler's code `ran()` answers (DONE_UNCHANGED, DONE, or PENDING for
   * a promise that never settled) or throws, and the context's release: reused unless the run left
   * it unusable.
   */
  private conclude(entry: Entry, req: SandboxRun, activity: Activity, ran: () => number): SandboxOutcome {
    let reusable = false;
    let retry = false;
    let outcome: SandboxOutcome;
    try {
      const code = ran();
      if (code === PENDING) throw neverSettled();
      outcome = this.complete(entry, req, code, activity);
      // A read still in flight would settle into the next request's run: start that one fresh.
      reusable = this.cleanUp(entry) && entry.pending === 0;
    } catch (err) {
      outcome = this.failure(entry, req, err, activity);
      // Nothing a request did outlives it (the frozen realm), so a context is reused after an
      // error too; not after a limit stopped it mid-way, nor with promise callbacks still queued.
      reusable = this.reusableAfterFailure(entry, activity) && entry.pending === 0;
    } finally {
      entry.activity = undefined;
      if (!entry.wantsInput && !entry.disposed && !this.broken && entry.raw.neededInput()) {
        entry.wantsInput = true;
        retry = true;
      }
      this.contexts.release(entry, reusable);
    }
    return retry ? { ...outcome, retryWithInput: true } : outcome;
  }

  /** Turns what the run produced into its outcome. */
  private complete(entry: Entry, req: SandboxRun, code: number, activity: Activity): SandboxOutcome {
    if (code === DONE_UNCHANGED) return { result: untouchedResult(req, activity.busyMs, this.limits), limitHit: false, maxSliceMs: activity.maxSliceMs };
    if (code !== DONE) throw new RunFailure("FunctionExecutionError", "The handler did not return a value CloudFront can use.");
    const { raw } = entry;
    const json = this.meter.slice(entry, () => raw.callForString((entry.result as QuickJSHandle).value as number), (e) => this.thrown(entry, e));
    if (json === undefined) throw new RunFailure("FunctionExecutionError", "The handler did not return a value CloudFront can use.");
    return { result: this.interpret(json, req, activity), limitHit: false, maxSliceMs: activity.maxSliceMs };
  }

  /**
   * After a run: promise callbacks it left queued run now, with no request to act on (their logs
   * and origin changes go nowhere). False when the context should not be reused.
   */
  private cleanUp(entry: Entry): boolean {
    if (entry.single || this.broken) return false;
    if (!entry.raw.hasJobs()) return true;
    try {
      this.meter.slice(entry, () => entry.raw.runJobs(), (e) => this.thrown(entry, e));
    } catch {
      return false;
    }
    return !entry.raw.hasJobs() && entry.activity?.stop === undefined;
  }

  private reusableAfterFailure(entry: Entry, activity: Activity): boolean {
    return !entry.single && !this.broken && !entry.disposed && activity.stop === undefined && !entry.raw.hasJobs();
  }

  private failure(entry: Entry, req: SandboxRun, err: unknown, activity: Activity): SandboxOutcome {
    if (err instanceof WebAssembly.RuntimeError || this.broken) {
      this.meter.broken = true;
      const result = failed(new RunFailure("FunctionExecutionError", `The function could not run: ${err instanceof Error ? err.message : String(err)}`), activity.busyMs, [], this.limits);
      return { result, escalate: "worker", limitHit: true, maxSliceMs: activity.maxSliceMs };
    }
    if (!(err instanceof RunFailure)) throw err;
    const stop = activity.stop;
    if (stop === "inline-time" || stop === "inline-heap") {
      return { result: failed(err, activity.busyMs, [], this.limits), escalate: "worker", limitHit: true, maxSliceMs: activity.maxSliceMs };
    }
    const limit = this.meter.limitFailure(activity);
    const result = failed(limit ?? err, activity.busyMs, err.logs ?? this.logsOf(entry), this.limits);
    const escalate = limit === undefined && err.typeError && !req.unfrozen ? "unfrozen" : undefined;
    return { result, ...(escalate ? { escalate } : {}), limitHit: limit !== undefined, maxSliceMs: activity.maxSliceMs };
  }

  private loadFailure(err: unknown): SandboxOutcome {
    if (err instanceof RunFailure) return { result: failed(err, 0, [], this.limits), limitHit: false, maxSliceMs: 0 };
    if (err instanceof WebAssembly.RuntimeError) {
      this.meter.broken = true;
      const result = failed(new RunFailure("FunctionExecutionError", `The function could not be loaded: ${err.message}`), 0, [], this.limits);
      return { result, ...(this.inline ? { escalate: "worker" as const } : {}), limitHit: false, maxSliceMs: 0 };
    }
    throw err;
  }

  /** The log lines of a run that failed (read before the context is thrown away). */
  private logsOf(entry: Entry): string[] {
    if (entry.disposed || this.broken || !entry.takeLogs) return [];
    // Outside any activity, so the interrupt handler lets this tiny call finish.
    entry.activity = undefined;
    this.meter.setFuel(FUEL_UNLIMITED);
    try {
      const r = entry.ctx.callFunction(entry.takeLogs, entry.ctx.undefined);
      if (r.error) {
        r.error.dispose();
        return [];
      }
      const json = entry.ctx.typeof(r.value) === "string" ? entry.ctx.getString(r.value) : "[]";
      r.value.dispose();
      return JSON.parse(json) as string[];
    } catch (err) {
      if (err instanceof WebAssembly.RuntimeError) this.meter.broken = true;
      return [];
    }
  }

  /** Turns the result JSON of a run into its result. */
  private interpret(json: string, req: SandboxRun, activity: Activity): FunctionRunResult {
    const parsed = JSON.parse(json) as { output: unknown; undefinedOutput: boolean; origin: unknown[]; logs: string[] };
    const logs = parsed.logs;
    const returned = parsed.undefinedOutput ? undefined : parsed.output;
    const validate = req.options.validateOutput ?? true;
    const check = checkFunctionOutput(eventOf(req.event), returned, validate);
    if (!check.ok) throw new RunFailure("FunctionValidationError", check.message, returned, logs);
    const base = { logs, cpuMs: round3(activity.busyMs), computeUtilization: utilization(activity.busyMs, this.limits) };
    if (check.kind === "request") {
      const originChanges: OriginChange[] = [];
      for (const raw of parsed.origin) {
        const c = checkOriginChange(raw);
        if (c.ok) originChanges.push(c.change);
        else if (validate) throw new RunFailure("FunctionValidationError", c.message, returned, logs);
      }
      return { ...base, kind: "request", request: check.request, originChanges };
    }
    return { ...base, kind: check.kind, response: check.response };
  }

  /** A QuickJS exception as a failure (disposes the handle). */
  private thrown(entry: Entry, error: QuickJSHandle): RunFailure {
    const { ctx } = entry;
    let typeError = false;
    if (!this.broken && ctx.typeof(error) === "object") {
      const name = ctx.getProp(error, "name");
      typeError = ctx.typeof(name) === "string" && ctx.getString(name) === "TypeError";
      name.dispose();
    }
    const message = errorText(ctx, error);
    error.dispose();
    return this.meter.limitFailure(entry.activity) ?? new RunFailure("FunctionExecutionError", message, undefined, undefined, typeError);
  }

  private newChecker(): { rt: QuickJSRuntime; ctx: QuickJSContext } {
    const rt = this.qjs.newRuntime();
    rt.setMaxStackSize(this.limits.stackBytes);
    return { rt, ctx: rt.newContext() };
  }
}

function neverSettled(): RunFailure {
  return new RunFailure("FunctionExecutionError", "The handler's promise never settled: it waits for something that cannot happen.");
}
