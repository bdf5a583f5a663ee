// The limits around each slice of QuickJS work (sandbox.ts header, README.md "Running on the edge's
// thread"): time and fuel per slice, the heap measured from the interrupt handler, the WASM heap's
// growth during a run; and the accounting of a run (busy time, CPU time, the longest slice). A
// WebAssembly trap inside QuickJS poisons the whole module: `broken` says so, and the sandbox stops
// using it.
import type { QuickJSContext, QuickJSHandle, QuickJSRuntime } from "quickjs-emscripten-core";
import { FUEL_ADDRESS, FUEL_UNLIMITED } from "./fuel.ts";
import type { LoadedQuickJS } from "./quickjs-module.ts";
import { QuickJSException } from "./raw-calls.ts";
import { RunFailure } from "./run-result.ts";
import type { SliceHooks } from "./sandbox-types.ts";
import type { FunctionLimits } from "./types.ts";

/** How often (in CPU ms of a run) the interrupt handler measures the heap. */
const MEMORY_CHECK_INTERVAL_MS = 2;
/** A WASM heap growth this large during a run triggers a heap measurement at the next interrupt. */
const HEAP_GROWTH_CHECK_BYTES = 1024 * 1024;
/**
 * Loop iterations (fuel.ts) one inline slice may run. Measured in this build: 20 M lasted 170 ms in
 * `Array.prototype.every` over holes, 340 ms in a `toUpperCase` loop, 480 ms in `while (true)`;
 * 2 M is 17–50 ms, above any honest request (a trivial one uses a few thousand).
 */
const INLINE_FUEL_PER_SLICE = 2_000_000;
/** Inline, the WASM heap may grow at most this much during one run (then allocations fail). */
const INLINE_HEAP_GROWTH_BYTES = 32 * 1024 * 1024;

/** The per-run accounting the interrupt handler reads. */
export interface Activity {
  runId: number;
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

/** What the meter reads of a context. */
export interface Metered {
  readonly rt: QuickJSRuntime;
  readonly ctx: QuickJSContext;
  activity: Activity | undefined;
  /** The object the last run's activity was (reused by the next). */
  lastActivity?: Activity;
  /** Bytes the context uses before any request (0 until measured). */
  baseline: number;
}

/** Thread CPU time in ms (user + system of this thread only). */
function cpuNow(): number {
  const u = process.threadCpuUsage();
  return (u.user + u.system) / 1000;
}

export class SliceMeter {
  private readonly loaded: LoadedQuickJS;
  private readonly limits: FunctionLimits;
  private readonly hooks: SliceHooks | undefined;
  private readonly inline: boolean;
  private fuelView: Int32Array | undefined;
  private fuelViewHeap = 0;
  /** The activity whose slice is executing (for the heap growth guard). */
  private current: Activity | undefined;
  /** Set when QuickJS itself failed (a WebAssembly trap): the module must not be used again. */
  broken = false;

  constructor(loaded: LoadedQuickJS, limits: FunctionLimits, inline: boolean, hooks: SliceHooks | undefined) {
    this.loaded = loaded;
    this.limits = limits;
    this.inline = inline;
    this.hooks = hooks;
    if (inline) loaded.growthGuard = (bytes) => this.allowGrowth(bytes);
  }

  /** Size of the WebAssembly heap shared by all contexts (only grows). */
  get heapBytes(): number {
    return this.loaded.heapBytes;
  }

  /** Stops guarding the heap's growth (the sandbox is disposed). */
  dispose(): void {
    if (this.inline && this.loaded.growthGuard) this.loaded.growthGuard = undefined;
  }

  startActivity(entry: Metered, runId: number): Activity {
    const heap = this.heapBytes;
    // One object per context, reset for each run (a context runs one request at a time).
    let activity = entry.lastActivity;
    if (activity === undefined) {
      activity = entry.lastActivity = {
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
    } else {
      activity.runId = runId;
      activity.busyMs = activity.cpuMs = activity.maxSliceMs = activity.sliceCpuStart = activity.sliceDeadline = activity.slicePollCpu = activity.lastMemoryCheckMs = 0;
      activity.sliceStart = undefined;
      activity.slicePollAt = NaN;
      activity.heapAtCheck = activity.heapAtStart = heap;
      activity.stop = undefined;
    }
    entry.activity = activity;
    return activity;
  }

  /** The failure for a run the interrupt handler stopped, if it was stopped for a limit. */
  limitFailure(activity: Activity | undefined): RunFailure | undefined {
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
  slice<T>(entry: Metered, fn: () => T, onThrow?: (error: QuickJSHandle) => RunFailure): T {
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

  setFuel(n: number | undefined): void {
    if (!this.loaded.fuel || this.broken) return;
    // A grown memory has a new buffer: the view is made again (the heap's size says when).
    if (this.fuelView === undefined || this.fuelViewHeap !== this.loaded.heapBytes) {
      this.fuelView = new Int32Array(this.loaded.memory.buffer, FUEL_ADDRESS, 1);
      this.fuelViewHeap = this.loaded.heapBytes;
    }
    if (n !== undefined) this.fuelView[0] = n;
  }

  /** A WebAssembly trap inside QuickJS poisons the whole module. */
  guard<T>(fn: () => T): T {
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

  shouldInterrupt(entry: Metered): boolean {
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
  memoryUsed(entry: Metered): number {
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
