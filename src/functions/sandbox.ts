// The QuickJS side of CloudFront Functions (DECISIONS.md "CloudFront Functions sandbox";
// functions.md §2–§4): compiles a function version into a context once, keeps a few contexts per
// version, and runs requests in them. The same class runs on the edge's own thread (`inline`,
// runtime.ts) and in the worker thread (worker.ts); README.md "Running on the edge's thread" says
// which protections each place has.
//
// Each request starts fresh, as in CloudFront: the code's top level runs again for every request
// (it is compiled into a wrapper function), and before the first request the prelude freezes
// everything the code can reach (sandbox-prelude.js `lockdown`). A request that fails with a
// TypeError in a frozen context may have tripped over the freeze rather than over its own bug: its
// outcome says so (`escalate: "unfrozen"`) and the caller runs it again in a fresh, unfrozen
// context made for that one request.
//
// Limits, all per run (functions.md §3):
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
//   watchdog (runtime.ts) through `hooks`; inline, the module's fuel counter (fuel.ts) traps, the
//   module is given up (`broken`) and the run goes to the worker.
import { readFileSync } from "node:fs";
import { createHash, createHmac } from "node:crypto";
import {
  Lifetime,
  newQuickJSWASMModuleFromVariant,
  newVariant,
  type QuickJSContext,
  type QuickJSDeferredPromise,
  type QuickJSHandle,
  type QuickJSRuntime,
  type QuickJSSyncVariant,
  type QuickJSWASMModule,
} from "quickjs-emscripten-core";
import * as releaseSyncModule from "@jitl/quickjs-wasmfile-release-sync";
import { FUEL_ADDRESS, FUEL_UNLIMITED, instrumentWasm } from "./fuel.ts";
import { checkFunctionOutput } from "./output.ts";
import { checkOriginChange } from "./origin.ts";
import { prepareFunctionCode } from "./syntax.ts";
import type { FunctionEvent, FunctionEventType, FunctionLimits, FunctionRunResult, FunctionRuntimeName, FunctionToRun, OriginChange, RunOptions } from "./types.ts";
import { encodeEvent } from "./wire.ts";

// The package's types describe it as CommonJS, so TypeScript types a default import as the whole
// module; under ESM (how Node loads it here) the namespace's `default` is the variant.
const RELEASE_SYNC_VARIANT = (releaseSyncModule as unknown as { default: QuickJSSyncVariant }).default;
const WASM_URL = new URL(import.meta.resolve("@jitl/quickjs-wasmfile-release-sync/wasm"));
const PRELUDE = readFileSync(new URL("./sandbox-prelude.js", import.meta.url), "utf8");
/** How often (in CPU ms of a run) the interrupt handler measures the heap. */
const MEMORY_CHECK_INTERVAL_MS = 2;
/** A WASM heap growth this large during a run triggers a heap measurement at the next interrupt. */
const HEAP_GROWTH_CHECK_BYTES = 1024 * 1024;
/** Every this many runs a reused context's heap is measured (what a context accumulates: atoms, caches). */
const RETAINED_MEMORY_CHECK_RUNS = 256;
/** Distinct failing versions remembered, so a broken function is not recompiled on every request. */
const MAX_REMEMBERED_FAILURES = 256;
/**
 * Loop iterations (fuel.ts) one inline slice may run. Measured in this build: 20 M lasted 170 ms in
 * `Array.prototype.every` over holes, 340 ms in a `toUpperCase` loop, 480 ms in `while (true)`;
 * 2 M is 17–50 ms, above any honest request (a trivial one uses a few thousand).
 */
const INLINE_FUEL_PER_SLICE = 2_000_000;
/** Inline, the WASM heap may grow at most this much during one run (then allocations fail). */
const INLINE_HEAP_GROWTH_BYTES = 32 * 1024 * 1024;
/** WebAssembly pages (64 KiB) of one module's memory: QuickJS's default, 2 GiB. */
const MAX_MEMORY_PAGES = 32768;
const INITIAL_MEMORY_PAGES = 256;

/** What the prelude's invoke and settle answer (sandbox-prelude.js); PENDING: invoke returned a promise. */
const DONE_UNCHANGED = 0;
const DONE = 1;
const PENDING = 2;

/** Reads a KeyValueStore for a running function: a value (get) or metadata JSON (meta), undefined when absent. */
export type KvsReader = (op: "get" | "meta", storeArn: string, key: string) => string | undefined | Promise<string | undefined>;

/** Marks the start and end of each synchronous slice of QuickJS work, for the watchdog. */
export interface SliceHooks {
  enter(runId: number): void;
  leave(): void;
}

export interface SandboxOptions {
  readonly kvs: KvsReader;
  /** Running on the edge's own thread: wall-clock slices, fuel, bounded heap growth (see the header). */
  readonly inline?: boolean;
  readonly hooks?: SliceHooks;
}

export interface SandboxRun {
  /** Identifies the run for the watchdog (worker protocol). */
  readonly runId: number;
  readonly fn: FunctionToRun;
  readonly eventType: FunctionEventType;
  /** `event.context.eventType` must be `eventType`. */
  readonly event: FunctionEvent;
  readonly options: RunOptions;
  /** Epoch ms the function sees as "now" (Date is frozen at the function start, §2). */
  readonly now: number;
  /** Run in a fresh context without the frozen realm, thrown away afterwards. */
  readonly unfrozen?: boolean;
}

export interface SandboxOutcome {
  readonly result: FunctionRunResult;
  /**
   * The run could not end here: "worker" — an inline protection stopped it (slice too long, fuel,
   * heap growth, a broken module), `result` is a placeholder; "unfrozen" — it threw a TypeError in
   * a frozen context (run it again with `unfrozen`).
   */
  readonly escalate?: "worker" | "unfrozen";
  /** A limit or an inline protection stopped it. */
  readonly limitHit: boolean;
  /** The longest single slice of QuickJS work in the run (ms of wall time). */
  readonly maxSliceMs: number;
}

export type CheckResult = { readonly ok: true } | { readonly ok: false; readonly message: string };

/** A QuickJS WebAssembly module with the memory it runs in. */
export interface LoadedQuickJS {
  readonly qjs: QuickJSWASMModule;
  readonly memory: WebAssembly.Memory;
  /** The module counts loop iterations (fuel.ts); false when the binary could not be instrumented. */
  readonly fuel: boolean;
  /** Asked before the WASM heap grows to `bytes`; false refuses (the allocation fails). */
  growthGuard: ((bytes: number) => boolean) | undefined;
}

/** The per-run accounting the interrupt handler reads. */
interface Activity {
  readonly runId: number;
  /**
   * Time spent in QuickJS slices, by the monotonic clock: slices are short and CPU-bound, so this
   * is the run's CPU time to the microsecond (what computeUtilization reports).
   */
  busyMs: number;
  /**
   * Worker only: thread CPU time of the slices. The kernel counts it in scheduler ticks (about
   * 4 ms here), too coarse for utilization, but unlike the monotonic clock it does not grow while
   * the thread waits for a core: the compute limit uses it, so a busy machine does not stop honest
   * functions.
   */
  cpuMs: number;
  maxSliceMs: number;
  /** performance.now() and thread CPU (ms) when the current slice started; undefined between slices. */
  sliceStart: number | undefined;
  sliceCpuStart: number;
  /** Inline: when the current slice must end (performance.now()), unless the thread was preempted. */
  sliceDeadline: number;
  /**
   * Inline: performance.now() and thread CPU at the first interrupt poll of the slice (NaN before
   * it). Thread CPU is read only there, not at every slice start (1.5 µs a call): what ran before
   * the first poll, a few thousand calls at most, is counted at wall time.
   */
  slicePollAt: number;
  slicePollCpu: number;
  lastMemoryCheckMs: number;
  heapAtCheck: number;
  heapAtStart: number;
  stop: "cpu" | "memory" | "inline-time" | "inline-heap" | undefined;
}

interface Entry {
  readonly key: string;
  readonly rt: QuickJSRuntime;
  readonly ctx: QuickJSContext;
  readonly raw: RawCalls;
  invoke: QuickJSHandle | undefined;
  settle: QuickJSHandle | undefined;
  result: QuickJSHandle | undefined;
  takeLogs: QuickJSHandle | undefined;
  /** For one unfrozen run only. */
  readonly single: boolean;
  busy: boolean;
  disposed: boolean;
  lastUsed: number;
  runs: number;
  baseline: number;
  activity: Activity | undefined;
  /** Host operations (KVS reads) the run is waiting for. */
  pending: number;
  /** Their promises inside QuickJS, released before the context is disposed. */
  readonly deferreds: Set<QuickJSDeferredPromise>;
  wake: (() => void) | undefined;
}

class RunFailure extends Error {
  readonly type: "FunctionExecutionError" | "FunctionValidationError" | "FunctionThrottledError";
  readonly output: unknown;
  /** Log lines already known (a failure after the handler returned). */
  readonly logs: string[] | undefined;
  /** The function threw a TypeError (possibly the frozen realm's doing). */
  readonly typeError: boolean;
  constructor(type: RunFailure["type"], message: string, output?: unknown, logs?: string[], typeError = false) {
    super(message);
    this.type = type;
    this.output = output;
    this.logs = logs;
    this.typeError = typeError;
  }
}

let compiled: Promise<{ module: WebAssembly.Module; fuel: boolean }> | undefined;

/** The QuickJS binary, instrumented with fuel (fuel.ts) when possible; compiled once per thread. */
function compiledModule(): Promise<{ module: WebAssembly.Module; fuel: boolean }> {
  compiled ??= (async () => {
    const raw = new Uint8Array(readFileSync(WASM_URL));
    const fueled = instrumentWasm(raw);
    const bytes = fueled && WebAssembly.validate(fueled as Uint8Array<ArrayBuffer>) ? fueled : raw;
    return { module: await WebAssembly.compile(bytes as Uint8Array<ArrayBuffer>), fuel: bytes === fueled };
  })();
  return compiled;
}

/** Loads a QuickJS WebAssembly module with its own memory (about 10 ms; the binary compiles once). */
export async function loadQuickJS(): Promise<LoadedQuickJS> {
  const { module, fuel } = await compiledModule();
  const memory = new WebAssembly.Memory({ initial: INITIAL_MEMORY_PAGES, maximum: MAX_MEMORY_PAGES });
  // Fuel must not run out while Emscripten starts the module.
  new Int32Array(memory.buffer, FUEL_ADDRESS, 1)[0] = FUEL_UNLIMITED;
  const loaded: LoadedQuickJS = { qjs: undefined as unknown as QuickJSWASMModule, memory, fuel, growthGuard: undefined };
  // Emscripten grows the heap through this Memory object's grow(); a throw is a failed malloc.
  const grow = memory.grow.bind(memory);
  Object.defineProperty(memory, "grow", {
    value: (delta: number): number => {
      if (loaded.growthGuard && !loaded.growthGuard(memory.buffer.byteLength + delta * 65536)) throw new RangeError("WebAssembly heap growth refused");
      return grow(delta);
    },
  });
  const qjs = await newQuickJSWASMModuleFromVariant(newVariant(RELEASE_SYNC_VARIANT, { wasmModule: module, wasmMemory: memory }));
  return Object.assign(loaded, { qjs });
}

/** Thread CPU time in ms (user + system of this thread only). */
function cpuNow(): number {
  const u = process.threadCpuUsage();
  return (u.user + u.system) / 1000;
}

export class Sandbox {
  private readonly loaded: LoadedQuickJS;
  private readonly qjs: QuickJSWASMModule;
  private readonly limits: FunctionLimits;
  private readonly kvs: KvsReader;
  private readonly hooks: SliceHooks | undefined;
  private readonly inline: boolean;
  private readonly entries = new Map<string, Entry[]>();
  private readonly waiters = new Map<string, Array<() => void>>();
  private readonly failures = new Map<string, string>();
  private checker: { rt: QuickJSRuntime; ctx: QuickJSContext } | undefined;
  private fuelView: Int32Array | undefined;
  /** The activity whose slice is executing (for the heap growth guard). */
  private current: Activity | undefined;
  /** Set when QuickJS itself failed (a WebAssembly trap): the module must not be used again. */
  broken = false;

  constructor(loaded: LoadedQuickJS, limits: FunctionLimits, options: SandboxOptions) {
    this.loaded = loaded;
    this.qjs = loaded.qjs;
    this.limits = limits;
    this.kvs = options.kvs;
    this.hooks = options.hooks;
    this.inline = options.inline ?? false;
    if (this.inline) loaded.growthGuard = (bytes) => this.allowGrowth(bytes);
  }

  /** Size of the WebAssembly heap shared by all contexts (only grows). */
  get heapBytes(): number {
    return this.loaded.memory.buffer.byteLength;
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
    this.setFuel(FUEL_UNLIMITED);
    this.hooks?.enter(runId);
    try {
      const r = this.guard(() => ctx.evalCode(prepared.script, "function.js", { type: "global", strict: true, compileOnly: true }));
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
    let entry: Entry;
    try {
      const got = this.acquire(req);
      if (got instanceof Promise) throw new Error("runSync: every context of this version is busy");
      entry = got;
    } catch (err) {
      return this.loadFailure(err);
    }
    const activity = this.startActivity(entry, req.runId);
    let reusable = false;
    try {
      let code = this.begin(entry, req);
      // An async handler that returned without waiting has settled already: no jobs to run.
      if (code === PENDING) code = entry.raw.hasJobs() ? this.drive(entry) : this.slice(entry, () => entry.raw.promiseOutcome((entry.settle as QuickJSHandle).value as number), (e) => this.thrown(entry, e));
      if (code === PENDING) {
        throw new RunFailure("FunctionExecutionError", "The handler's promise never settled: it waits for something that cannot happen.");
      }
      const outcome = this.complete(entry, req, code, activity);
      reusable = this.cleanUp(entry);
      return outcome;
    } catch (err) {
      const outcome = this.failure(entry, req, err, activity);
      // Nothing a request did outlives it (the frozen realm), so a context is reused after an
      // error too; not after a limit stopped it mid-way, nor with promise callbacks still queued.
      reusable = this.reusableAfterFailure(entry, activity);
      return outcome;
    } finally {
      entry.activity = undefined;
      this.release(entry, reusable);
    }
  }

  /** Runs one request; waits for KVS reads the host answers later. Never rejects for anything the function does. */
  async run(req: SandboxRun): Promise<SandboxOutcome> {
    let entry: Entry;
    try {
      entry = await this.acquire(req);
    } catch (err) {
      return this.loadFailure(err);
    }
    const activity = this.startActivity(entry, req.runId);
    let reusable = false;
    try {
      let code = this.begin(entry, req);
      while (code === PENDING) {
        code = this.drive(entry);
        if (code !== PENDING) break;
        if (entry.pending === 0) {
          throw new RunFailure("FunctionExecutionError", "The handler's promise never settled: it waits for something that cannot happen.");
        }
        await new Promise<void>((resolve) => {
          entry.wake = resolve;
        });
      }
      const outcome = this.complete(entry, req, code, activity);
      // A read still in flight would settle into the next request's run: start that one fresh.
      reusable = this.cleanUp(entry) && entry.pending === 0;
      return outcome;
    } catch (err) {
      const outcome = this.failure(entry, req, err, activity);
      reusable = this.reusableAfterFailure(entry, activity) && entry.pending === 0;
      return outcome;
    } finally {
      entry.activity = undefined;
      this.release(entry, reusable);
    }
  }

  /** Disposes every context. */
  dispose(): void {
    if (this.inline && this.loaded.growthGuard) this.loaded.growthGuard = undefined;
    for (const list of this.entries.values()) for (const e of list) this.disposeEntry(e);
    this.entries.clear();
    if (this.checker && !this.broken) {
      this.checker.ctx.dispose();
      this.checker.rt.dispose();
    }
    this.checker = undefined;
  }

  /** How many compiled contexts exist (for tests and diagnostics). */
  get contextCount(): number {
    let n = 0;
    for (const list of this.entries.values()) n += list.length;
    return n;
  }

  // -------------------------------------------------------------------------------------------
  // One run

  /** Sends the event in and calls the handler: DONE_UNCHANGED, DONE or PENDING. */
  private begin(entry: Entry, req: SandboxRun): number {
    const flat = encodeEvent(req.event, req.eventType, req.options, req.now);
    const { raw } = entry;
    const invoke = (entry.invoke as QuickJSHandle).value as number;
    return this.slice(entry, () => {
      if (flat !== undefined) return raw.callWithStringAndNumber(invoke, flat.input, flat.packed);
      const q = req.options.rawQueryString;
      const edge = req.options.edgeLocation;
      return raw.callWithStrings(invoke, JSON.stringify(req.event), req.now, q, edge === undefined ? undefined : JSON.stringify(edge));
    }, (e) => this.thrown(entry, e));
  }

  /** Runs the queued jobs (an async handler's continuations) and looks at its promise again. */
  private drive(entry: Entry): number {
    const { raw } = entry;
    const settle = (entry.settle as QuickJSHandle).value as number;
    return this.slice(entry, () => {
      raw.runJobs();
      return raw.promiseOutcome(settle);
    }, (e) => this.thrown(entry, e));
  }

  /** Turns what the run produced into its outcome. */
  private complete(entry: Entry, req: SandboxRun, code: number, activity: Activity): SandboxOutcome {
    if (code === DONE_UNCHANGED) {
      const base = { logs: [], cpuMs: round3(activity.busyMs), computeUtilization: utilization(activity.busyMs, this.limits) };
      const result: FunctionRunResult =
        req.eventType === "viewer-request"
          ? { ...base, kind: "request", request: req.event.request, originChanges: [] }
          : { ...base, kind: "response", response: req.event.response as NonNullable<FunctionEvent["response"]> };
      return { result, limitHit: false, maxSliceMs: activity.maxSliceMs };
    }
    if (code !== DONE) throw new RunFailure("FunctionExecutionError", "The handler did not return a value CloudFront can use.");
    const { raw } = entry;
    const json = this.slice(entry, () => raw.callForString((entry.result as QuickJSHandle).value as number), (e) => this.thrown(entry, e));
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
      this.slice(entry, () => entry.raw.runJobs(), (e) => this.thrown(entry, e));
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
      this.broken = true;
      const result = failed(new RunFailure("FunctionExecutionError", `The function could not run: ${err instanceof Error ? err.message : String(err)}`), activity.busyMs, [], this.limits);
      return { result, escalate: "worker", limitHit: true, maxSliceMs: activity.maxSliceMs };
    }
    if (!(err instanceof RunFailure)) throw err;
    const stop = activity.stop;
    if (stop === "inline-time" || stop === "inline-heap") {
      return { result: failed(err, activity.busyMs, [], this.limits), escalate: "worker", limitHit: true, maxSliceMs: activity.maxSliceMs };
    }
    const limit = this.limitFailure(activity);
    const result = failed(limit ?? err, activity.busyMs, err.logs ?? this.logsOf(entry), this.limits);
    const escalate = limit === undefined && err.typeError && !req.unfrozen ? "unfrozen" : undefined;
    return { result, ...(escalate ? { escalate } : {}), limitHit: limit !== undefined, maxSliceMs: activity.maxSliceMs };
  }

  private loadFailure(err: unknown): SandboxOutcome {
    if (err instanceof RunFailure) return { result: failed(err, 0, [], this.limits), limitHit: false, maxSliceMs: 0 };
    if (err instanceof WebAssembly.RuntimeError) {
      this.broken = true;
      const result = failed(new RunFailure("FunctionExecutionError", `The function could not be loaded: ${err.message}`), 0, [], this.limits);
      return { result, ...(this.inline ? { escalate: "worker" as const } : {}), limitHit: false, maxSliceMs: 0 };
    }
    throw err;
  }

  // -------------------------------------------------------------------------------------------
  // Contexts

  private acquire(req: SandboxRun): Entry | Promise<Entry> {
    // A version that failed to load fails the same way every time.
    const remembered = this.failures.get(req.fn.key);
    if (remembered !== undefined) throw new RunFailure("FunctionExecutionError", remembered);
    if (req.unfrozen) return this.create(req.fn, true);
    const list = this.entries.get(req.fn.key);
    if (list) {
      for (const e of list) {
        if (!e.busy) {
          e.busy = true;
          return e;
        }
      }
    }
    if ((list?.length ?? 0) < this.limits.contextsPerFunction) return this.create(req.fn, false);
    return new Promise<void>((resolve) => {
      const q = this.waiters.get(req.fn.key) ?? [];
      q.push(resolve);
      this.waiters.set(req.fn.key, q);
    }).then(() => this.acquire(req));
  }

  private release(entry: Entry, reusable: boolean): void {
    if (!entry.disposed && !this.broken) entry.raw.forget();
    entry.busy = false;
    entry.lastUsed = performance.now();
    entry.runs++;
    if (!reusable || this.broken || this.retainsTooMuch(entry)) this.removeEntry(entry);
    const q = this.waiters.get(entry.key);
    if (!q) return;
    const next = q.shift();
    if (q.length === 0) this.waiters.delete(entry.key);
    next?.();
  }

  /** What a context accumulates between requests (atoms, caches) counts against its memory too. */
  private retainsTooMuch(entry: Entry): boolean {
    if (entry.runs % RETAINED_MEMORY_CHECK_RUNS !== 0) return false;
    return this.memoryUsed(entry) > entry.baseline + this.limits.memoryBytes;
  }

  /**
   * Compiles the function into a new context: prelude, a compile of the code as a script (so that
   * only a whole script gets wrapped), the wrapper, and the lockdown.
   */
  private create(fn: FunctionToRun, unfrozen: boolean): Entry {
    this.setFuel(FUEL_UNLIMITED);
    const prepared = prepareFunctionCode(fn.code, fn.runtime);
    if (!prepared.ok) throw this.remember(fn.key, prepared.message);
    if (!unfrozen) this.makeRoom();
    const rt = this.qjs.newRuntime();
    rt.setMaxStackSize(this.limits.stackBytes);
    const ctx = rt.newContext();
    const entry: Entry = {
      key: fn.key,
      rt,
      ctx,
      raw: new RawCalls(ctx, rt),
      invoke: undefined,
      settle: undefined,
      result: undefined,
      takeLogs: undefined,
      single: unfrozen,
      busy: true,
      disposed: false,
      lastUsed: performance.now(),
      runs: 0,
      baseline: 0,
      activity: undefined,
      pending: 0,
      deferreds: new Set(),
      wake: undefined,
    };
    rt.setInterruptHandler(() => this.shouldInterrupt(entry));
    if (!unfrozen) {
      const list = this.entries.get(fn.key) ?? [];
      list.push(entry);
      this.entries.set(fn.key, list);
    }
    // Every handle must be released before a context can be disposed (QuickJS asserts on leaks).
    const held: QuickJSHandle[] = [];
    const hold = (h: QuickJSHandle): QuickJSHandle => {
      held.push(h);
      return h;
    };
    try {
      const api = hold(this.guard(() => this.installPrelude(entry, fn)));
      const script = this.guard(() => ctx.evalCode(prepared.script, "function.js", { type: "global", strict: true, compileOnly: true }));
      if (script.error) throw this.remember(fn.key, errorText(ctx, hold(script.error)));
      hold(script.value);
      // The code's top level becomes the body of a function that returns its handler; line 1 stays line 1.
      const wrapper = this.guard(() => ctx.evalCode(`(function () { "use strict"; ${prepared.script}\n;return typeof handler === "function" ? handler : undefined; })`, "function.js", { type: "global", strict: true }));
      if (wrapper.error) throw this.remember(fn.key, errorText(ctx, hold(wrapper.error)));
      const factory = hold(wrapper.value);
      const steps: Array<[string, QuickJSHandle[]]> = [["setFactory", [factory]]];
      if (!unfrozen) steps.push(["lockdown", []]);
      for (const [name, args] of steps) {
        const f = hold(ctx.getProp(api, name));
        const r = this.guard(() => ctx.callFunction(f, ctx.undefined, ...args));
        hold(r.error ?? r.value);
        if (r.error) throw new Error(`The sandbox's ${name} failed: ${errorText(ctx, r.error)}`);
      }
      entry.invoke = ctx.getProp(api, "invoke");
      entry.settle = ctx.getProp(api, "settle");
      entry.result = ctx.getProp(api, "result");
      entry.takeLogs = ctx.getProp(api, "takeLogs");
      // The baseline is the sandbox's own footprint: what the function's code allocates counts
      // against its memory. (The first measurement creates QuickJS's bookkeeping, so it is taken twice.)
      this.memoryUsed(entry);
      entry.baseline = this.memoryUsed(entry);
      rt.setMemoryLimit(entry.baseline + this.limits.memoryBytes);
      return entry;
    } catch (err) {
      for (const h of held.splice(0)) if (h.alive) h.dispose();
      this.removeEntry(entry);
      if (err instanceof WebAssembly.RuntimeError) this.broken = true;
      throw err;
    } finally {
      for (const h of held) if (h.alive) h.dispose();
    }
  }

  /** Evaluates the prelude and calls it with the host functions; returns its API object. */
  private installPrelude(entry: Entry, fn: FunctionToRun): QuickJSHandle {
    const { ctx } = entry;
    const factory = ctx.evalCode(PRELUDE, "prelude.js", { type: "global" }).unwrap();
    const host = this.hostObject(entry);
    const version = ctx.newNumber(fn.runtime === "cloudfront-js-2.0" ? 2 : 1);
    const arns = ctx.newArray();
    fn.kvsArns.forEach((arn, i) => {
      const s = ctx.newString(arn);
      ctx.setProp(arns, i, s);
      s.dispose();
    });
    const maxLogBytes = ctx.newNumber(this.limits.maxLogBytes);
    const r = ctx.callFunction(factory, ctx.undefined, host, version, arns, maxLogBytes);
    for (const h of [factory, host, version, arns, maxLogBytes]) h.dispose();
    if (r.error) {
      const message = errorText(ctx, r.error);
      r.error.dispose();
      throw new Error(`The sandbox prelude failed: ${message}`);
    }
    return r.value;
  }

  /** The native half of the prelude: logging, hashing, byte conversion, KVS reads. */
  private hostObject(entry: Entry): QuickJSHandle {
    const { ctx } = entry;
    const host = ctx.newObject();
    const fn = (name: string, impl: (...args: QuickJSHandle[]) => QuickJSHandle | undefined) => {
      const h = ctx.newFunction(name, impl);
      ctx.setProp(host, name, h);
      h.dispose();
    };
    fn("digest", (alg, key, data, encoding) => {
      const algorithm = ctx.getString(alg);
      const hash = ctx.typeof(key) === "undefined" ? createHash(algorithm) : createHmac(algorithm, bytesOrString(ctx, key));
      hash.update(bytesOrString(ctx, data));
      const enc = ctx.getString(encoding);
      if (enc === "buffer") return newArrayBuffer(ctx, hash.digest());
      return ctx.newString(hash.digest(enc === "latin1" ? "binary" : (enc as "hex" | "base64" | "base64url")));
    });
    fn("encode", (data, encoding) => ctx.newString(Buffer.from(arrayBufferBytes(ctx, data)).toString(ctx.getString(encoding) as BufferEncoding)));
    // For text with NUL characters, which newString would cut off (see the prelude).
    fn("encodeJson", (data, encoding) => ctx.newString(JSON.stringify(Buffer.from(arrayBufferBytes(ctx, data)).toString(ctx.getString(encoding) as BufferEncoding))));
    fn("decode", (text, encoding) => newArrayBuffer(ctx, Buffer.from(ctx.getString(text), ctx.getString(encoding) as BufferEncoding)));
    fn("kvs", (op, arn, key) => this.kvsRead(entry, ctx.getString(op) as "get" | "meta", ctx.getString(arn), ctx.getString(key)));
    return host;
  }

  /**
   * A KVS read: the answer itself when the reader has it at once (values travel as JSON text:
   * newString would cut a value at a NUL character), otherwise a promise inside QuickJS, settled
   * when the answer arrives (the run waits for it).
   */
  private kvsRead(entry: Entry, op: "get" | "meta", arn: string, key: string): QuickJSHandle {
    const { ctx } = entry;
    const asText = (v: string | undefined) => (v === undefined || op === "meta" ? v : JSON.stringify(v));
    const answer = this.kvs(op, arn, key);
    if (!(answer instanceof Promise)) {
      const text = asText(answer);
      return text === undefined ? ctx.undefined : ctx.newString(text);
    }
    const deferred = ctx.newPromise();
    entry.deferreds.add(deferred);
    entry.pending++;
    const settle = (value: string | undefined, error?: string) => {
      entry.pending--;
      entry.deferreds.delete(deferred);
      if (entry.disposed || !deferred.alive) return;
      const run = () => {
        if (error !== undefined) {
          const e = ctx.newError(error);
          deferred.reject(e);
          e.dispose();
        } else if (value === undefined) {
          deferred.resolve(ctx.undefined);
        } else {
          const s = ctx.newString(value);
          deferred.resolve(s);
          s.dispose();
        }
        deferred.dispose();
      };
      this.slice(entry, run);
      const wake = entry.wake;
      entry.wake = undefined;
      wake?.();
    };
    answer.then(
      (v) => settle(asText(v)),
      (err: unknown) => settle(undefined, err instanceof Error ? err.message : String(err)),
    );
    return deferred.handle;
  }

  private makeRoom(): void {
    let total = this.contextCount;
    if (total < this.limits.maxContexts) return;
    const idle = [...this.entries.values()].flat().filter((e) => !e.busy).sort((a, b) => a.lastUsed - b.lastUsed);
    for (const e of idle) {
      if (total < this.limits.maxContexts) break;
      this.removeEntry(e);
      total--;
    }
  }

  private removeEntry(entry: Entry): void {
    const list = this.entries.get(entry.key);
    if (list) {
      const i = list.indexOf(entry);
      if (i >= 0) list.splice(i, 1);
      if (list.length === 0) this.entries.delete(entry.key);
    }
    this.disposeEntry(entry);
  }

  private disposeEntry(entry: Entry): void {
    if (entry.disposed) return;
    entry.disposed = true;
    if (this.broken) return; // the WASM memory may be corrupt: leave it to the module's end
    try {
      for (const d of entry.deferreds) d.dispose();
      entry.deferreds.clear();
      for (const h of [entry.invoke, entry.settle, entry.result, entry.takeLogs]) h?.dispose();
      entry.raw.forget();
      entry.raw.dispose();
      entry.ctx.dispose();
      entry.rt.dispose();
    } catch {
      // A context stopped mid-run can still hold handles QuickJS asserts on; the memory is
      // reclaimed with the module when it is replaced.
      this.broken = true;
    }
  }

  private remember(key: string, message: string): RunFailure {
    if (this.failures.size >= MAX_REMEMBERED_FAILURES) this.failures.delete(this.failures.keys().next().value as string);
    this.failures.set(key, message);
    return new RunFailure("FunctionExecutionError", message);
  }

  private newChecker(): { rt: QuickJSRuntime; ctx: QuickJSContext } {
    const rt = this.qjs.newRuntime();
    rt.setMaxStackSize(this.limits.stackBytes);
    return { rt, ctx: rt.newContext() };
  }

  // -------------------------------------------------------------------------------------------
  // Running

  private startActivity(entry: Entry, runId: number): Activity {
    const heap = this.heapBytes;
    const activity: Activity = {
      runId,
      busyMs: 0,
      cpuMs: 0,
      maxSliceMs: 0,
      sliceStart: undefined,
      sliceCpuStart: 0,
      sliceDeadline: 0,
      slicePollAt: NaN,
      slicePollCpu: 0,
      lastMemoryCheckMs: 0,
      heapAtCheck: heap,
      heapAtStart: heap,
      stop: undefined,
    };
    entry.activity = activity;
    return activity;
  }

  /** The log lines of a run that failed (read before the context is thrown away). */
  private logsOf(entry: Entry): string[] {
    if (entry.disposed || this.broken || !entry.takeLogs) return [];
    // Outside any activity, so the interrupt handler lets this tiny call finish.
    entry.activity = undefined;
    this.setFuel(FUEL_UNLIMITED);
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
      if (err instanceof WebAssembly.RuntimeError) this.broken = true;
      return [];
    }
  }

  /** Turns the result JSON of a run into its result. */
  private interpret(json: string, req: SandboxRun, activity: Activity): FunctionRunResult {
    const parsed = JSON.parse(json) as { output: unknown; undefinedOutput: boolean; origin: unknown[]; logs: string[] };
    const logs = parsed.logs;
    const returned = parsed.undefinedOutput ? undefined : parsed.output;
    const validate = req.options.validateOutput ?? true;
    const check = checkFunctionOutput(req.event, returned, validate);
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
    return this.limitFailure(entry.activity) ?? new RunFailure("FunctionExecutionError", message, undefined, undefined, typeError);
  }

  /** The failure for a run the interrupt handler stopped, if it was stopped for a limit. */
  private limitFailure(activity: Activity | undefined): RunFailure | undefined {
    if (activity?.stop === "cpu") {
      return new RunFailure("FunctionThrottledError", `The function exceeded its compute limit (${this.limits.maxCpuMs} ms of CPU time).`);
    }
    if (activity?.stop === "memory") {
      return new RunFailure("FunctionExecutionError", `The function exceeded its memory limit (${this.limits.memoryBytes} bytes).`);
    }
    return undefined;
  }

  /**
   * One synchronous slice of QuickJS work: accounting, watchdog marks and (inline) the deadline and
   * fuel around it. `onThrow` turns a QuickJS exception the raw call reports into a failure.
   */
  private slice<T>(entry: Entry, fn: () => T, onThrow?: (error: QuickJSHandle) => RunFailure): T {
    const a = entry.activity;
    if (!a) {
      this.setFuel(FUEL_UNLIMITED);
      return this.guard(fn);
    }
    try {
      this.hooks?.enter(a.runId);
      const start = performance.now();
      a.sliceStart = start;
      this.current = a;
      if (this.inline) {
        a.sliceDeadline = start + this.inlineLimitMs();
        a.slicePollAt = NaN;
        this.setFuel(INLINE_FUEL_PER_SLICE);
      } else {
        a.sliceCpuStart = cpuNow();
        this.setFuel(FUEL_UNLIMITED);
      }
      try {
        return this.guard(fn);
      } finally {
        const ms = performance.now() - start;
        a.busyMs += ms;
        if (ms > a.maxSliceMs) a.maxSliceMs = ms;
        if (this.inline) this.setFuel(FUEL_UNLIMITED);
        else a.cpuMs += cpuNow() - a.sliceCpuStart;
        a.sliceStart = undefined;
        this.current = undefined;
        this.hooks?.leave();
      }
    } catch (err) {
      // Outside the slice: reading the exception must not be interrupted.
      if (err instanceof QuickJSException) {
        if (onThrow) throw onThrow(err.handle);
        err.handle.dispose();
        throw new RunFailure("FunctionExecutionError", "The sandbox failed.");
      }
      throw err;
    }
  }

  private readFuel(): number | undefined {
    if (!this.loaded.fuel || this.broken) return undefined;
    this.setFuel(undefined);
    return this.fuelView?.[0];
  }

  /** Refills the fuel counter (undefined: only refresh the view after the heap grew). */
  private inlineLimitMs(): number {
    return Math.min(this.limits.inlineSliceMs, this.limits.maxCpuMs);
  }

  private setFuel(n: number | undefined): void {
    if (!this.loaded.fuel || this.broken) return;
    const buffer = this.loaded.memory.buffer;
    if (this.fuelView?.buffer !== buffer) this.fuelView = new Int32Array(buffer, FUEL_ADDRESS, 1);
    if (n !== undefined) this.fuelView[0] = n;
  }

  /** A WebAssembly trap inside QuickJS poisons the whole module. */
  private guard<T>(fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      if (err instanceof WebAssembly.RuntimeError) this.broken = true;
      throw err;
    }
  }

  /** Inline: the heap may grow during a run, but not by more than INLINE_HEAP_GROWTH_BYTES. */
  private allowGrowth(bytes: number): boolean {
    const a = this.current;
    if (!a || bytes - a.heapAtStart <= INLINE_HEAP_GROWTH_BYTES) return true;
    a.stop ??= "inline-heap";
    return false;
  }

  private shouldInterrupt(entry: Entry): boolean {
    const a = entry.activity;
    if (!a || a.sliceStart === undefined) return false;
    if (a.stop) return true;
    const now = performance.now();
    if (this.inline) {
      if (Number.isNaN(a.slicePollAt)) {
        a.slicePollAt = now;
        a.slicePollCpu = cpuNow();
      }
      if (now > a.sliceDeadline) {
        // Wall time says the slice is late; a busy machine may have taken the thread away. Stop
        // only when the thread itself worked that long.
        const used = a.slicePollAt - a.sliceStart + cpuNow() - a.slicePollCpu;
        const limit = this.inlineLimitMs();
        if (used > limit) {
          a.stop = "inline-time";
          return true;
        }
        a.sliceDeadline = now + (limit - used);
      }
    } else if (a.cpuMs + cpuNow() - a.sliceCpuStart > this.limits.maxCpuMs) {
      a.stop = "cpu";
      return true;
    }
    const heap = this.heapBytes;
    const busy = a.busyMs + now - a.sliceStart;
    if (busy - a.lastMemoryCheckMs >= MEMORY_CHECK_INTERVAL_MS || heap - a.heapAtCheck >= HEAP_GROWTH_CHECK_BYTES) {
      a.lastMemoryCheckMs = busy;
      a.heapAtCheck = heap;
      if (entry.baseline > 0 && this.memoryUsed(entry) > entry.baseline + this.limits.memoryBytes) {
        a.stop = "memory";
        return true;
      }
    }
    return false;
  }

  /** Bytes QuickJS has allocated for this context's runtime. */
  private memoryUsed(entry: Entry): number {
    // Measuring walks the whole heap: not on the run's fuel.
    const fuel = this.readFuel();
    this.setFuel(FUEL_UNLIMITED);
    try {
      const h = entry.rt.computeMemoryUsage();
      try {
        const used = entry.ctx.getProp(h, "memory_used_size");
        const n = entry.ctx.typeof(used) === "number" ? entry.ctx.getNumber(used) : Infinity;
        used.dispose();
        return n;
      } finally {
        h.dispose();
      }
    } catch (err) {
      if (err instanceof WebAssembly.RuntimeError) throw err;
      // Measuring needs a little memory itself; failing to get it means the heap is full.
      return Infinity;
    } finally {
      if (fuel !== undefined && this.fuelView) this.fuelView[0] = fuel;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Calls on the per-request path, straight through quickjs-emscripten's FFI: its public API wraps
// every value in a Lifetime and copies every argument array and string through malloc, about
// 5 µs for one call with a string argument and a string result (measured), more than a trivial
// handler costs. These members are protected in quickjs-emscripten-core's types; the package is
// pinned to an exact version.

interface Ffi {
  QTS_NewString(ctx: number, str: number): number;
  QTS_NewFloat64(ctx: number, n: number): number;
  QTS_Call(ctx: number, fn: number, thisVal: number, argc: number, argv: number): number;
  QTS_ResolveException(ctx: number, value: number): number;
  QTS_GetFloat64(ctx: number, value: number): number;
  QTS_GetString(ctx: number, value: number): number;
  QTS_FreeCString(ctx: number, str: number): void;
  QTS_FreeValuePointer(ctx: number, value: number): void;
  QTS_FreeValuePointerRuntime(rt: number, value: number): void;
  QTS_IsJobPending(rt: number): number;
  QTS_ExecutePendingJob(rt: number, max: number, ctxOut: number): number;
  QTS_Typeof(ctx: number, value: number): number;
  QTS_PromiseState(ctx: number, value: number): number;
  QTS_PromiseResult(ctx: number, value: number): number;
}

interface EmModule {
  HEAPU8: Uint8Array;
  _malloc(n: number): number;
  _free(p: number): void;
  UTF8ToString(p: number): string;
}

/** A QuickJS exception a raw call reported; the handle owns the exception value. */
class QuickJSException extends Error {
  readonly handle: QuickJSHandle;
  constructor(handle: QuickJSHandle) {
    super("QuickJS exception");
    this.handle = handle;
  }
}

const encoder = new TextEncoder();

class RawCalls {
  private readonly ctx: QuickJSContext;
  private readonly ffi: Ffi;
  private readonly mod: EmModule;
  private readonly ctxPtr: number;
  private readonly rtPtr: number;
  private readonly undefinedPtr: number;
  /** argv (4 pointers) and the job-context out pointer, allocated once. */
  private readonly scratch: number;
  private buf = 0;
  private bufSize = 0;
  /** The promise an async handler returned, until it settles. */
  private promise = 0;

  constructor(ctx: QuickJSContext, rt: QuickJSRuntime) {
    const inner = ctx as unknown as { ffi: Ffi; module: EmModule; ctx: { value: number } };
    this.ctx = ctx;
    this.ffi = inner.ffi;
    this.mod = inner.module;
    this.ctxPtr = inner.ctx.value;
    this.rtPtr = (rt as unknown as { rt: { value: number } }).rt.value;
    this.undefinedPtr = ctx.undefined.value as number;
    this.scratch = this.mod._malloc(20);
  }

  dispose(): void {
    this.mod._free(this.scratch);
    if (this.buf) this.mod._free(this.buf);
  }

  /** fn(text, n) → a number, or PENDING when it returned a promise (kept for promiseOutcome). */
  callWithStringAndNumber(fn: number, text: string, n: number): number {
    const arg = this.newString(text);
    const num = this.ffi.QTS_NewFloat64(this.ctxPtr, n);
    try {
      return this.numberOrPromise(this.call(fn, [arg, num]));
    } finally {
      this.ffi.QTS_FreeValuePointer(this.ctxPtr, arg);
      this.ffi.QTS_FreeValuePointer(this.ctxPtr, num);
    }
  }

  /** fn(json, now, rawQuery, edgeJson) → a number (the JSON input of the prelude's invoke). */
  callWithStrings(fn: number, json: string, now: number, rawQuery: string | undefined, edgeJson: string | undefined): number {
    const args = [this.newString(json), this.ffi.QTS_NewFloat64(this.ctxPtr, now), rawQuery === undefined ? 0 : this.newString(rawQuery), edgeJson === undefined ? 0 : this.newString(edgeJson)];
    try {
      return this.numberOrPromise(this.call(fn, args.map((p) => p || this.undefinedPtr)));
    } finally {
      for (const p of args) if (p) this.ffi.QTS_FreeValuePointer(this.ctxPtr, p);
    }
  }

  /**
   * Where the kept promise stands: PENDING, or — settled — `settle(value)`'s answer; throws a
   * QuickJSException with the reason when it was rejected.
   */
  promiseOutcome(settle: number): number {
    const promise = this.promise;
    if (!promise) throw new Error("no promise to look at");
    const state = this.ffi.QTS_PromiseState(this.ctxPtr, promise);
    if (state === 0) return PENDING;
    this.promise = 0;
    const value = this.ffi.QTS_PromiseResult(this.ctxPtr, promise);
    this.ffi.QTS_FreeValuePointer(this.ctxPtr, promise);
    if (state !== 1) throw new QuickJSException(this.handle(value));
    try {
      return this.number(this.call(settle, [value]));
    } finally {
      this.ffi.QTS_FreeValuePointer(this.ctxPtr, value);
    }
  }

  /** Drops the kept promise (a run that ended without it settling). */
  forget(): void {
    const p = this.promise;
    this.promise = 0;
    if (p) this.ffi.QTS_FreeValuePointer(this.ctxPtr, p);
  }

  /** fn() → a string, or undefined when it returned something else. */
  callForString(fn: number): string | undefined {
    const result = this.call(fn, []);
    try {
      const type = this.ffi.QTS_Typeof(this.ctxPtr, result);
      const isString = this.mod.UTF8ToString(type) === "string";
      this.mod._free(type);
      if (!isString) return undefined;
      const chars = this.ffi.QTS_GetString(this.ctxPtr, result);
      const text = this.mod.UTF8ToString(chars);
      this.ffi.QTS_FreeCString(this.ctxPtr, chars);
      return text;
    } finally {
      this.ffi.QTS_FreeValuePointer(this.ctxPtr, result);
    }
  }

  hasJobs(): boolean {
    return this.ffi.QTS_IsJobPending(this.rtPtr) !== 0;
  }

  /** Runs every queued job; throws a QuickJSException when one fails. */
  runJobs(): void {
    if (!this.hasJobs()) return;
    const out = this.scratch + 16;
    new Int32Array(this.mod.HEAPU8.buffer, out, 1)[0] = 0;
    const result = this.ffi.QTS_ExecutePendingJob(this.rtPtr, -1, out);
    const jobCtx = new Int32Array(this.mod.HEAPU8.buffer, out, 1)[0] as number;
    if (jobCtx === 0) {
      this.ffi.QTS_FreeValuePointerRuntime(this.rtPtr, result);
      return;
    }
    const type = this.ffi.QTS_Typeof(this.ctxPtr, result);
    const isNumber = this.mod.UTF8ToString(type) === "number";
    this.mod._free(type);
    if (isNumber) {
      this.ffi.QTS_FreeValuePointerRuntime(this.rtPtr, result);
      return;
    }
    throw new QuickJSException(this.handle(result));
  }

  private call(fn: number, args: readonly number[]): number {
    const argv = this.scratch;
    const heap = new Int32Array(this.mod.HEAPU8.buffer, argv, 4);
    for (let i = 0; i < args.length; i++) heap[i] = args[i] as number;
    const result = this.ffi.QTS_Call(this.ctxPtr, fn, this.undefinedPtr, args.length, argv);
    const error = this.ffi.QTS_ResolveException(this.ctxPtr, result);
    if (error) {
      this.ffi.QTS_FreeValuePointer(this.ctxPtr, result);
      throw new QuickJSException(this.handle(error));
    }
    return result;
  }

  private numberOrPromise(result: number): number {
    // QTS_PromiseState is -1 for anything that is not a promise.
    if (this.ffi.QTS_PromiseState(this.ctxPtr, result) < 0) return this.number(result);
    this.forget();
    this.promise = result;
    return PENDING;
  }

  private number(result: number): number {
    const n = this.ffi.QTS_GetFloat64(this.ctxPtr, result);
    this.ffi.QTS_FreeValuePointer(this.ctxPtr, result);
    return n;
  }

  /** A QuickJS string from `text` (UTF-8, NUL-terminated, through a buffer kept for the next call). */
  private newString(text: string): number {
    const need = text.length * 3 + 1;
    if (need > this.bufSize) {
      if (this.buf) this.mod._free(this.buf);
      this.bufSize = Math.max(need, 1024);
      this.buf = this.mod._malloc(this.bufSize);
    }
    const heap = this.mod.HEAPU8;
    const { written } = encoder.encodeInto(text, heap.subarray(this.buf, this.buf + this.bufSize - 1));
    heap[this.buf + written] = 0;
    return this.ffi.QTS_NewString(this.ctxPtr, this.buf);
  }

  private handle(ptr: number): QuickJSHandle {
    return new Lifetime(ptr, undefined, (p: number) => this.ffi.QTS_FreeValuePointer(this.ctxPtr, p), this.ctx.runtime) as unknown as QuickJSHandle;
  }
}

// ---------------------------------------------------------------------------------------------

function failed(err: RunFailure, cpuMs: number, logs: string[], limits: FunctionLimits): FunctionRunResult {
  return {
    kind: "error",
    error: err.type,
    status: err.type === "FunctionValidationError" ? 502 : 503,
    message: err.message,
    ...(err.output !== undefined ? { output: err.output } : {}),
    logs,
    cpuMs: round3(cpuMs),
    computeUtilization: err.type === "FunctionThrottledError" ? 100 : utilization(cpuMs, limits),
  };
}

function utilization(cpuMs: number, limits: FunctionLimits): number {
  return Math.min(100, Math.round((cpuMs / limits.computeBudgetMs) * 100));
}

function round3(n: number): number {
  return Math.round(n * 1000) / 1000;
}

/** `TypeError: message` for an Error, the value itself otherwise. */
function errorText(ctx: QuickJSContext, error: QuickJSHandle): string {
  if (ctx.typeof(error) === "object") {
    const name = ctx.getProp(error, "name");
    const message = ctx.getProp(error, "message");
    try {
      if (ctx.typeof(message) === "string") {
        const n = ctx.typeof(name) === "string" ? ctx.getString(name) : "Error";
        return `${n}: ${ctx.getString(message)}`;
      }
    } finally {
      name.dispose();
      message.dispose();
    }
  }
  try {
    return String(ctx.dump(error));
  } catch {
    return "an exception that cannot be displayed";
  }
}

function bytesOrString(ctx: QuickJSContext, h: QuickJSHandle): string | Buffer {
  return ctx.typeof(h) === "string" ? ctx.getString(h) : arrayBufferBytes(ctx, h);
}

/** A copy of an ArrayBuffer's bytes out of the WebAssembly memory. */
function arrayBufferBytes(ctx: QuickJSContext, h: QuickJSHandle): Buffer {
  const view = ctx.getArrayBuffer(h);
  try {
    return Buffer.from(view.value);
  } finally {
    view.dispose();
  }
}

function newArrayBuffer(ctx: QuickJSContext, bytes: Buffer): QuickJSHandle {
  return ctx.newArrayBuffer(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}
