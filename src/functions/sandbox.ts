// The QuickJS side of CloudFront Functions: compiles a function version into a context once,
// keeps a few contexts per version, and runs requests in them (DECISIONS.md "CloudFront Functions
// sandbox"; functions.md §2–§4). It runs inside the worker thread (worker.ts); runtime.ts is the
// API the rest of the emulator uses.
//
// Limits, all per run (functions.md §3):
// - CPU: thread CPU time is measured around every slice of QuickJS work; QuickJS's interrupt
//   handler stops the run once it passes `maxCpuMs` (FunctionThrottledError, 503).
// - Memory: QuickJS's own memory limit does not add up allocation sizes in this WASM build (it
//   counts allocations, measured: 140 MB of strings passed a 2 MB limit), so it only guards single
//   huge allocations. The interrupt handler measures the heap every few ms of CPU, or at once when
//   the WASM heap grows, and stops the run above `memoryBytes` over the context's baseline.
// - Stack: `stackBytes`; deeper recursion is a stack overflow error.
// - Anything QuickJS cannot interrupt is the watchdog's job (runtime.ts): `hooks` mark each slice.
// A context is reused only after a run that succeeded; any failure disposes it (its state may be
// half-changed, and CloudFront starts every request from a fresh copy of the function).
import { readFileSync } from "node:fs";
import { createHash, createHmac } from "node:crypto";
import {
  newQuickJSWASMModuleFromVariant,
  type QuickJSContext,
  type QuickJSDeferredPromise,
  type QuickJSHandle,
  type QuickJSRuntime,
  type QuickJSSyncVariant,
  type QuickJSWASMModule,
} from "quickjs-emscripten-core";
import * as releaseSyncModule from "@jitl/quickjs-wasmfile-release-sync";
import { checkFunctionOutput } from "./output.ts";
import { checkOriginChange } from "./origin.ts";
import { prepareFunctionCode } from "./syntax.ts";
import type { FunctionEvent, FunctionLimits, FunctionRunResult, FunctionRuntimeName, FunctionToRun, OriginChange, RunOptions } from "./types.ts";

// The package's types describe it as CommonJS, so TypeScript types a default import as the whole
// module; under ESM (how Node loads it here) the namespace's `default` is the variant.
const RELEASE_SYNC_VARIANT = (releaseSyncModule as unknown as { default: QuickJSSyncVariant }).default;
const PRELUDE = readFileSync(new URL("./sandbox-prelude.js", import.meta.url), "utf8");
/** How often (in CPU ms of a run) the interrupt handler measures the heap. */
const MEMORY_CHECK_INTERVAL_MS = 2;
/** A WASM heap growth this large during a run triggers a heap measurement at the next interrupt. */
const HEAP_GROWTH_CHECK_BYTES = 1024 * 1024;
/** Every this many runs a reused context's heap is measured (state a function keeps between requests). */
const RETAINED_MEMORY_CHECK_RUNS = 64;
/** Distinct failing versions remembered, so a broken function is not recompiled on every request. */
const MAX_REMEMBERED_FAILURES = 256;

/** Reads a KeyValueStore for a running function: a value (get) or metadata JSON (meta), undefined when absent. */
export type KvsReader = (op: "get" | "meta", storeArn: string, key: string) => Promise<string | undefined>;

/** Marks the start and end of each synchronous slice of QuickJS work, for the watchdog. */
export interface SliceHooks {
  enter(runId: number): void;
  leave(): void;
}

export interface SandboxRun {
  /** Identifies the run for the watchdog (worker protocol). */
  readonly runId: number;
  readonly fn: FunctionToRun;
  readonly event: FunctionEvent;
  /** `event` as JSON (what the function's context parses). */
  readonly eventJson: string;
  readonly options: RunOptions;
  /** Epoch ms the function sees as "now" (Date is frozen at the function start, §2). */
  readonly now: number;
}

export type CheckResult = { readonly ok: true } | { readonly ok: false; readonly message: string };

/** The per-run accounting the interrupt handler reads. */
interface Activity {
  readonly runId: number;
  readonly limitMs: number;
  /**
   * Time spent in QuickJS slices, by the monotonic clock: slices are short and CPU-bound, so this
   * is the run's CPU time to the microsecond (what computeUtilization reports).
   */
  busyMs: number;
  /**
   * Thread CPU time of the slices. The kernel counts it in scheduler ticks (about 4 ms here), too
   * coarse for utilization, but unlike the monotonic clock it does not grow while the thread waits
   * for a core: the compute limit uses it, so a busy machine does not stop honest functions.
   */
  cpuMs: number;
  /** performance.now() and thread CPU (ms) when the current slice started; undefined between slices. */
  sliceStart: number | undefined;
  sliceCpuStart: number;
  lastMemoryCheckMs: number;
  heapAtCheck: number;
  stop: "cpu" | "memory" | undefined;
}

interface Entry {
  readonly key: string;
  readonly rt: QuickJSRuntime;
  readonly ctx: QuickJSContext;
  invoke: QuickJSHandle | undefined;
  takeLogs: QuickJSHandle | undefined;
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
  constructor(type: RunFailure["type"], message: string, output?: unknown, logs?: string[]) {
    super(message);
    this.type = type;
    this.output = output;
    this.logs = logs;
  }
}

/** Loads the QuickJS WebAssembly module (about 10 ms). */
export function loadQuickJS(): Promise<QuickJSWASMModule> {
  return newQuickJSWASMModuleFromVariant(RELEASE_SYNC_VARIANT);
}

/** Thread CPU time in ms (user + system of this thread only). */
function cpuNow(): number {
  const u = process.threadCpuUsage();
  return (u.user + u.system) / 1000;
}

export class Sandbox {
  private readonly qjs: QuickJSWASMModule;
  private readonly limits: FunctionLimits;
  private readonly kvs: KvsReader;
  private readonly hooks: SliceHooks | undefined;
  private readonly entries = new Map<string, Entry[]>();
  private readonly waiters = new Map<string, Array<() => void>>();
  private readonly failures = new Map<string, string>();
  private checker: { rt: QuickJSRuntime; ctx: QuickJSContext } | undefined;
  /** Set when QuickJS itself failed (a WebAssembly trap): the module must not be used again. */
  broken = false;

  constructor(qjs: QuickJSWASMModule, limits: FunctionLimits, kvs: KvsReader, hooks?: SliceHooks) {
    this.qjs = qjs;
    this.limits = limits;
    this.kvs = kvs;
    this.hooks = hooks;
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

  /** Runs one request. Never throws for anything the function does. */
  async run(req: SandboxRun): Promise<FunctionRunResult> {
    let entry: Entry;
    try {
      entry = await this.acquire(req);
    } catch (err) {
      if (err instanceof RunFailure) return failed(err, 0, [], this.limits);
      if (err instanceof WebAssembly.RuntimeError) return failed(new RunFailure("FunctionExecutionError", `The function could not be loaded: ${err.message}`), 0, [], this.limits);
      throw err;
    }
    const activity = this.startActivity(entry, req.runId);
    let ok = false;
    try {
      const json = await this.invoke(entry, req);
      const result = this.interpret(json, req, activity);
      // A read still in flight would settle into the next request's run: start that one fresh.
      ok = entry.pending === 0;
      return result;
    } catch (err) {
      if (err instanceof RunFailure) return failed(this.limitFailure(activity) ?? err, activity.busyMs, err.logs ?? this.logsOf(entry), this.limits);
      if (err instanceof WebAssembly.RuntimeError) {
        this.broken = true;
        return failed(new RunFailure("FunctionExecutionError", `The function could not run: ${err.message}`), activity.busyMs, [], this.limits);
      }
      throw err;
    } finally {
      entry.activity = undefined;
      this.release(entry, ok);
    }
  }

  /** Disposes every context. */
  dispose(): void {
    for (const list of this.entries.values()) for (const e of list) this.disposeEntry(e);
    this.entries.clear();
    if (this.checker) {
      this.checker.ctx.dispose();
      this.checker.rt.dispose();
      this.checker = undefined;
    }
  }

  /** How many compiled contexts exist (for tests and diagnostics). */
  get contextCount(): number {
    let n = 0;
    for (const list of this.entries.values()) n += list.length;
    return n;
  }

  // -------------------------------------------------------------------------------------------
  // Contexts

  private async acquire(req: SandboxRun): Promise<Entry> {
    for (;;) {
      // A version that failed to load while this run waited fails the same way.
      const remembered = this.failures.get(req.fn.key);
      if (remembered !== undefined) throw new RunFailure("FunctionExecutionError", remembered);
      const list = this.entries.get(req.fn.key) ?? [];
      const idle = list.find((e) => !e.busy);
      if (idle) {
        idle.busy = true;
        return idle;
      }
      if (list.length < this.limits.contextsPerFunction) return this.create(req);
      await new Promise<void>((resolve) => {
        const q = this.waiters.get(req.fn.key) ?? [];
        q.push(resolve);
        this.waiters.set(req.fn.key, q);
      });
    }
  }

  private release(entry: Entry, reusable: boolean): void {
    entry.busy = false;
    entry.lastUsed = performance.now();
    entry.runs++;
    if (!reusable || this.broken || this.retainsTooMuch(entry)) this.removeEntry(entry);
    const q = this.waiters.get(entry.key);
    const next = q?.shift();
    if (q && q.length === 0) this.waiters.delete(entry.key);
    next?.();
  }

  /** State a function keeps in globals between requests counts against its memory too. */
  private retainsTooMuch(entry: Entry): boolean {
    if (entry.runs % RETAINED_MEMORY_CHECK_RUNS !== 0) return false;
    return this.memoryUsed(entry) > entry.baseline + this.limits.memoryBytes;
  }

  /** Compiles the function into a new context: prelude, the code's top level, the handler. */
  private create(req: SandboxRun): Entry {
    const fn = req.fn;
    const prepared = prepareFunctionCode(fn.code, fn.runtime);
    if (!prepared.ok) throw this.remember(fn.key, prepared.message);
    this.makeRoom();
    const rt = this.qjs.newRuntime();
    rt.setMaxStackSize(this.limits.stackBytes);
    const ctx = rt.newContext();
    const entry: Entry = {
      key: fn.key,
      rt,
      ctx,
      invoke: undefined,
      takeLogs: undefined,
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
    const list = this.entries.get(fn.key) ?? [];
    list.push(entry);
    this.entries.set(fn.key, list);
    const activity = this.startActivity(entry, req.runId);
    // Every handle must be released before a context can be disposed (QuickJS asserts on leaks).
    const held: QuickJSHandle[] = [];
    const hold = (h: QuickJSHandle): QuickJSHandle => {
      held.push(h);
      return h;
    };
    try {
      const api = hold(this.slice(entry, () => this.installPrelude(entry, fn)));
      // The baseline is the sandbox's own footprint: what the function's code allocates, at its
      // top level too, counts against its memory. (The first measurement creates QuickJS's
      // bookkeeping context, so it is taken twice.)
      this.memoryUsed(entry);
      entry.baseline = this.memoryUsed(entry);
      rt.setMemoryLimit(entry.baseline + this.limits.memoryBytes);
      const top = this.slice(entry, () => ctx.evalCode(prepared.script, "function.js", { type: "global", strict: true }));
      if (top.error) {
        const message = errorText(ctx, hold(top.error));
        // A failing top level fails every request the same way; a limit hit might not (load).
        throw this.limitFailure(activity) ?? this.remember(fn.key, message);
      }
      hold(top.value);
      const lookup = this.slice(entry, () => ctx.evalCode(`typeof handler === "function" ? handler : undefined`, "lookup.js", { type: "global" }));
      const handler = hold(lookup.error ?? lookup.value);
      if (lookup.error || ctx.typeof(handler) !== "function") throw this.remember(fn.key, 'ReferenceError: "handler" is not defined');
      const setHandler = hold(ctx.getProp(api, "setHandler"));
      const set = this.slice(entry, () => ctx.callFunction(setHandler, ctx.undefined, handler));
      hold(set.error ?? set.value);
      if (set.error) throw new RunFailure("FunctionExecutionError", errorText(ctx, set.error));
      entry.invoke = ctx.getProp(api, "invoke");
      entry.takeLogs = ctx.getProp(api, "takeLogs");
      return entry;
    } catch (err) {
      for (const h of held.splice(0)) if (h.alive) h.dispose();
      this.removeEntry(entry);
      if (err instanceof WebAssembly.RuntimeError) this.broken = true;
      throw err;
    } finally {
      for (const h of held) if (h.alive) h.dispose();
      entry.activity = undefined;
    }
  }

  /** Evaluates the prelude and calls it with the host functions; returns `{invoke, setHandler}`. */
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

  /** A promise inside QuickJS, settled when the KVS answer arrives (the run waits for it). */
  private kvsRead(entry: Entry, op: "get" | "meta", arn: string, key: string): QuickJSHandle {
    const { ctx } = entry;
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
      if (entry.activity) this.slice(entry, run);
      else run();
      const wake = entry.wake;
      entry.wake = undefined;
      wake?.();
    };
    // Values travel as JSON text: newString would cut a value at a NUL character.
    this.kvs(op, arn, key).then(
      (v) => settle(v === undefined || op === "meta" ? v : JSON.stringify(v)),
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
    if (this.broken) return; // the WASM memory may be corrupt: leave it to the worker's exit
    try {
      for (const d of entry.deferreds) d.dispose();
      entry.deferreds.clear();
      entry.invoke?.dispose();
      entry.takeLogs?.dispose();
      entry.ctx.dispose();
      entry.rt.dispose();
    } catch {
      // A context stopped mid-run can still hold handles QuickJS asserts on; the memory is
      // reclaimed with the module when the worker is replaced.
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
    const activity: Activity = {
      runId,
      limitMs: this.limits.maxCpuMs,
      busyMs: 0,
      cpuMs: 0,
      sliceStart: undefined,
      sliceCpuStart: 0,
      lastMemoryCheckMs: 0,
      heapAtCheck: this.heapBytes(),
      stop: undefined,
    };
    entry.activity = activity;
    return activity;
  }

  /** Calls `invoke` and drives its promise (KVS reads, async handlers) to the end; returns its JSON. */
  private async invoke(entry: Entry, req: SandboxRun): Promise<string> {
    const { ctx, rt } = entry;
    const q = req.options.rawQueryString;
    const edge = req.options.edgeLocation;
    const args = [
      ctx.newString(req.eventJson),
      ctx.newNumber(req.now),
      ctx.newString(req.event.context.eventType),
      q === undefined ? ctx.undefined : ctx.newString(q),
      edge === undefined ? ctx.undefined : ctx.newString(JSON.stringify(edge)),
    ];
    const r = this.slice(entry, () => ctx.callFunction(entry.invoke as QuickJSHandle, ctx.undefined, args));
    for (const h of args) h.dispose();
    if (r.error) throw this.thrown(entry, r.error);
    const value = r.value;
    try {
      if (ctx.typeof(value) === "string") return ctx.getString(value);
      for (;;) {
        // Asking first is one cheap call; running an empty job queue is several.
        if (rt.hasPendingJob()) {
          const jobs = this.slice(entry, () => rt.executePendingJobs());
          if (jobs.error) throw this.thrown(entry, jobs.error);
        }
        const state = ctx.getPromiseState(value);
        if (state.type === "fulfilled") {
          const text = ctx.typeof(state.value) === "string" ? ctx.getString(state.value) : undefined;
          state.value.dispose();
          if (text === undefined) throw new RunFailure("FunctionExecutionError", "The handler did not return a value CloudFront can use.");
          return text;
        }
        if (state.type === "rejected") throw this.thrown(entry, state.error);
        if (entry.pending === 0) {
          throw new RunFailure("FunctionExecutionError", "The handler's promise never settled: it waits for something that cannot happen.");
        }
        await new Promise<void>((resolve) => {
          entry.wake = resolve;
        });
      }
    } finally {
      value.dispose();
    }
  }

  /** The log lines of a run that failed (read before the context is thrown away). */
  private logsOf(entry: Entry): string[] {
    if (entry.disposed || this.broken || !entry.takeLogs) return [];
    // Outside any activity, so the interrupt handler lets this tiny call finish.
    entry.activity = undefined;
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

  /** Turns what `invoke` produced into the run result. */
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
    const message = errorText(entry.ctx, error);
    error.dispose();
    return this.limitFailure(entry.activity) ?? new RunFailure("FunctionExecutionError", message);
  }

  /** The failure for a run the interrupt handler stopped, if it was stopped. */
  private limitFailure(activity: Activity | undefined): RunFailure | undefined {
    if (activity?.stop === "cpu") {
      return new RunFailure("FunctionThrottledError", `The function exceeded its compute limit (${this.limits.maxCpuMs} ms of CPU time).`);
    }
    if (activity?.stop === "memory") {
      return new RunFailure("FunctionExecutionError", `The function exceeded its memory limit (${this.limits.memoryBytes} bytes).`);
    }
    return undefined;
  }

  /** One synchronous slice of QuickJS work: CPU accounting and watchdog marks around it. */
  private slice<T>(entry: Entry, fn: () => T): T {
    const activity = entry.activity;
    if (!activity) return this.guard(fn);
    this.hooks?.enter(activity.runId);
    activity.sliceStart = performance.now();
    activity.sliceCpuStart = cpuNow();
    try {
      return this.guard(fn);
    } finally {
      activity.busyMs += performance.now() - activity.sliceStart;
      activity.cpuMs += cpuNow() - activity.sliceCpuStart;
      activity.sliceStart = undefined;
      this.hooks?.leave();
    }
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

  private shouldInterrupt(entry: Entry): boolean {
    const a = entry.activity;
    if (!a || a.sliceStart === undefined) return false;
    if (a.stop) return true;
    const used = a.cpuMs + cpuNow() - a.sliceCpuStart;
    if (used > a.limitMs) {
      a.stop = "cpu";
      return true;
    }
    const heap = this.heapBytes();
    const busy = a.busyMs + performance.now() - a.sliceStart;
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
    }
  }

  /** Size of the WebAssembly heap shared by all contexts (only grows). */
  private heapBytes(): number {
    // `module` is not part of quickjs-emscripten's typed API; it is the Emscripten module whose
    // HEAPU8 views the WebAssembly memory.
    const mod = (this.qjs as unknown as { module?: { HEAPU8?: Uint8Array } }).module;
    return mod?.HEAPU8?.length ?? 0;
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
