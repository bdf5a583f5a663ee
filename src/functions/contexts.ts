// The compiled contexts of each function version (sandbox.ts header): made once per version and
// reused, at most `contextsPerFunction` per version and `maxContexts` in all (the least recently
// used idle one goes first); a run waits for a busy version's context. A version that fails to
// compile fails the same way without being compiled again. Creating a context runs the prelude
// (sandbox-prelude.js) with the host functions, compiles the code as a script and then as the
// wrapper whose call runs its top level, and freezes the realm (`lockdown`) unless the context is
// for one unfrozen run.
import { readFileSync } from "node:fs";
import type { QuickJSContext, QuickJSDeferredPromise, QuickJSHandle, QuickJSRuntime, QuickJSWASMModule } from "quickjs-emscripten-core";
import { FUEL_UNLIMITED } from "./fuel.ts";
import { errorText, hostObject, type HostContext } from "./host-functions.ts";
import { RawCalls, type PreludeObjects } from "./raw-calls.ts";
import { RunFailure } from "./run-result.ts";
import type { KvsReader, SandboxRun } from "./sandbox-types.ts";
import type { Activity, Metered, SliceMeter } from "./slice-meter.ts";
import { prepareFunctionCode } from "./syntax.ts";
import type { FunctionLimits, FunctionToRun } from "./types.ts";

const PRELUDE = readFileSync(new URL("./sandbox-prelude.js", import.meta.url), "utf8");
/**
 * Every this many runs a reused context's heap is measured (what a context accumulates: atoms,
 * caches). A measurement walks the heap (about 0.2 ms, as much as 40 trivial runs); a run keeps
 * nothing (the frozen realm) and is measured itself past 2 ms of CPU, so this is a backstop.
 */
const RETAINED_MEMORY_CHECK_RUNS = 4096;
/** Distinct failing versions remembered, so a broken function is not recompiled on every request. */
const MAX_REMEMBERED_FAILURES = 256;

export interface Entry extends Metered, HostContext {
  readonly key: string;
  readonly rt: QuickJSRuntime;
  readonly ctx: QuickJSContext;
  readonly raw: RawCalls;
  invoke: QuickJSHandle | undefined;
  settle: QuickJSHandle | undefined;
  result: QuickJSHandle | undefined;
  takeLogs: QuickJSHandle | undefined;
  resettle: QuickJSHandle | undefined;
  /** The handler is an async function run as an ordinary one (syntax.ts `asyncRunsSync`). */
  asyncRunsSync: boolean;
  /** What the host reads a run's outcome from without calling into QuickJS. */
  objects: PreludeObjects | undefined;
  /**
   * Runs here are sent the event text: one of them read it (sandbox.ts "Runs without the event").
   * Until then they are sent only what every run needs (the time and the event's shape).
   */
  wantsInput: boolean;
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

export class ContextPool {
  private readonly qjs: QuickJSWASMModule;
  private readonly limits: FunctionLimits;
  private readonly kvs: KvsReader;
  private readonly meter: SliceMeter;
  private readonly entries = new Map<string, Entry[]>();
  private readonly waiters = new Map<string, Array<() => void>>();
  private readonly failures = new Map<string, string>();

  constructor(qjs: QuickJSWASMModule, limits: FunctionLimits, kvs: KvsReader, meter: SliceMeter) {
    this.qjs = qjs;
    this.limits = limits;
    this.kvs = kvs;
    this.meter = meter;
  }

  /** How many compiled contexts exist. */
  get count(): number {
    let n = 0;
    for (const list of this.entries.values()) n += list.length;
    return n;
  }

  /** Disposes every context. */
  dispose(): void {
    for (const list of this.entries.values()) for (const e of list) this.disposeEntry(e);
    this.entries.clear();
  }

  acquire(req: SandboxRun): Entry | Promise<Entry> {
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

  release(entry: Entry, reusable: boolean): void {
    if (!entry.disposed && !this.meter.broken) entry.raw.forget();
    entry.busy = false;
    entry.lastUsed = performance.now();
    entry.runs++;
    if (!reusable || this.meter.broken || this.retainsTooMuch(entry)) this.removeEntry(entry);
    const q = this.waiters.get(entry.key);
    if (!q) return;
    const next = q.shift();
    if (q.length === 0) this.waiters.delete(entry.key);
    next?.();
  }

  /** What a context accumulates between requests (atoms, caches) counts against its memory too. */
  private retainsTooMuch(entry: Entry): boolean {
    if (entry.runs % RETAINED_MEMORY_CHECK_RUNS !== 0) return false;
    return this.meter.memoryUsed(entry) > entry.baseline + this.limits.memoryBytes;
  }

  /**
   * Compiles the function into a new context: prelude, a compile of the code as a script (so that
   * only a whole script gets wrapped), the wrapper, and the lockdown.
   */
  private create(fn: FunctionToRun, unfrozen: boolean): Entry {
    this.meter.setFuel(FUEL_UNLIMITED);
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
      resettle: undefined,
      asyncRunsSync: prepared.asyncRunsSync,
      objects: undefined,
      wantsInput: false,
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
    rt.setInterruptHandler(() => this.meter.shouldInterrupt(entry));
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
      const api = hold(this.meter.guard(() => this.installPrelude(entry, fn)));
      const script = this.meter.guard(() => ctx.evalCode(prepared.script, "function.js", { type: "global", strict: true, compileOnly: true }));
      if (script.error) throw this.remember(fn.key, errorText(ctx, hold(script.error)));
      hold(script.value);
      // The code's top level becomes the body of a function that returns its handler; line 1 stays line 1.
      const wrapper = this.meter.guard(() => ctx.evalCode(`(function () { "use strict"; ${prepared.script}\n;return typeof handler === "function" ? handler : undefined; })`, "function.js", { type: "global", strict: true }));
      if (wrapper.error) throw this.remember(fn.key, errorText(ctx, hold(wrapper.error)));
      const factory = hold(wrapper.value);
      const reuse = prepared.handlerOnly && !unfrozen ? ctx.true : ctx.false;
      const steps: Array<[string, QuickJSHandle[]]> = [["setFactory", [factory, reuse]]];
      if (!unfrozen) steps.push(["lockdown", []]);
      for (const [name, args] of steps) {
        const f = hold(ctx.getProp(api, name));
        const r = this.meter.guard(() => ctx.callFunction(f, ctx.undefined, ...args));
        hold(r.error ?? r.value);
        if (r.error) throw new Error(`The sandbox's ${name} failed: ${errorText(ctx, r.error)}`);
      }
      entry.invoke = ctx.getProp(api, "invoke");
      entry.settle = ctx.getProp(api, "settle");
      entry.result = ctx.getProp(api, "result");
      entry.takeLogs = ctx.getProp(api, "takeLogs");
      entry.resettle = ctx.getProp(api, "resettle");
      entry.objects = { request: ctx.getProp(api, "request"), response: ctx.getProp(api, "response"), responseNoText: ctx.getProp(api, "responseNoText") };
      entry.raw.attach(entry.objects);
      // The baseline is the sandbox's own footprint: what the function's code allocates counts
      // against its memory. (The first measurement creates QuickJS's bookkeeping, so it is taken twice.)
      this.meter.memoryUsed(entry);
      entry.baseline = this.meter.memoryUsed(entry);
      rt.setMemoryLimit(entry.baseline + this.limits.memoryBytes);
      return entry;
    } catch (err) {
      for (const h of held.splice(0)) if (h.alive) h.dispose();
      this.removeEntry(entry);
      if (err instanceof WebAssembly.RuntimeError) this.meter.broken = true;
      throw err;
    } finally {
      for (const h of held) if (h.alive) h.dispose();
    }
  }

  /** Evaluates the prelude and calls it with the host functions; returns its API object. */
  private installPrelude(entry: Entry, fn: FunctionToRun): QuickJSHandle {
    const { ctx } = entry;
    const factory = ctx.evalCode(PRELUDE, "prelude.js", { type: "global" }).unwrap();
    const host = hostObject(entry, this.kvs, (e, run) => this.meter.slice(e as Entry, run));
    const version = ctx.newNumber(fn.runtime === "cloudfront-js-2.0" ? 2 : 1);
    const arns = ctx.newArray();
    fn.kvsArns.forEach((arn, i) => {
      const s = ctx.newString(arn);
      ctx.setProp(arns, i, s);
      s.dispose();
    });
    const maxLogBytes = ctx.newNumber(this.limits.maxLogBytes);
    const status = entry.raw.newStatusBuffer();
    const r = ctx.callFunction(factory, ctx.undefined, host, version, arns, maxLogBytes, status);
    for (const h of [factory, host, version, arns, maxLogBytes, status]) h.dispose();
    if (r.error) {
      const message = errorText(ctx, r.error);
      r.error.dispose();
      throw new Error(`The sandbox prelude failed: ${message}`);
    }
    return r.value;
  }

  private makeRoom(): void {
    let total = this.count;
    if (total < this.limits.maxContexts) return;
    const idle = [...this.entries.values()].flat().filter((e) => !e.busy).sort((a, b) => a.lastUsed - b.lastUsed);
    for (const e of idle) {
      if (total < this.limits.maxContexts) break;
      this.removeEntry(e);
      total--;
    }
  }

  removeEntry(entry: Entry): void {
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
    if (this.meter.broken) return; // the WASM memory may be corrupt: leave it to the module's end
    try {
      for (const d of entry.deferreds) d.dispose();
      entry.deferreds.clear();
      for (const h of [entry.invoke, entry.settle, entry.result, entry.takeLogs, entry.resettle]) h?.dispose();
      const o = entry.objects;
      if (o) for (const h of [o.request, o.response, o.responseNoText]) h.dispose();
      entry.raw.forget();
      entry.raw.dispose();
      entry.ctx.dispose();
      entry.rt.dispose();
    } catch {
      // A context stopped mid-run can still hold handles QuickJS asserts on; the memory is
      // reclaimed with the module when it is replaced.
      this.meter.broken = true;
    }
  }

  private remember(key: string, message: string): RunFailure {
    if (this.failures.size >= MAX_REMEMBERED_FAILURES) this.failures.delete(this.failures.keys().next().value as string);
    this.failures.set(key, message);
    return new RunFailure("FunctionExecutionError", message);
  }
}
