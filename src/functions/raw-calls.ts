// Calls on the per-request path, straight through quickjs-emscripten's FFI: its public API wraps
// every value in a Lifetime and copies every argument array and string through malloc, about
// 5 µs for one call with a string argument and a string result (measured), more than a trivial
// handler costs. These members are protected in quickjs-emscripten-core's types; the package is
// pinned to an exact version.
import { Lifetime, type QuickJSContext, type QuickJSHandle, type QuickJSRuntime } from "quickjs-emscripten-core";

/** What the prelude's invoke and settle answer (sandbox-prelude.js); PENDING: invoke returned a promise. */
export const DONE_UNCHANGED = 0;
export const DONE = 1;
export const PENDING = 2;

/** The prelude's STATUS words (sandbox-prelude.js): the run read the event text it was not sent; what it changed. */
const S_NEED_INPUT = 0;
const S_CHANGED = 1;
const STATUS_BYTES = 8;
/** Bits of STATUS[S_CHANGED]. */
const CHANGED_REQUEST = 1;
const CHANGED_RESPONSE = 2;
/** quickjs-emscripten's IsEqualOp.IsStrictlyEqual. */
const STRICTLY_EQUAL = 0;

/** The prelude's event objects (sandbox-prelude.js, the end). */
export interface PreludeObjects {
  /** The event's request, response and response without statusDescription: what an untouched result is. */
  readonly request: QuickJSHandle;
  readonly response: QuickJSHandle;
  readonly responseNoText: QuickJSHandle;
}

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
  QTS_IsEqual(ctx: number, a: number, b: number, op: number): number;
  QTS_NewArrayBuffer(ctx: number, buffer: number, length: number): number;
}

interface EmModule {
  HEAPU8: Uint8Array;
  _malloc(n: number): number;
  _free(p: number): void;
  UTF8ToString(p: number): string;
}

/** A QuickJS exception a raw call reported; the handle owns the exception value. */
export class QuickJSException extends Error {
  readonly handle: QuickJSHandle;
  constructor(handle: QuickJSHandle) {
    super("QuickJS exception");
    this.handle = handle;
  }
}

const encoder = new TextEncoder();

/** The raw calls of one context. */
export class RawCalls {
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
  /** Views into the WebAssembly memory, made again when it grows (which replaces its buffer). */
  private bufView: Uint8Array | undefined;
  private argvView: Int32Array | undefined;
  private heap32View: Int32Array | undefined;
  /** The promise an async handler returned, until it settles. */
  private promise = 0;
  /** Where STATUS lives in the WebAssembly memory (an int32 index), once known. */
  private statusIndex = -1;
  private objects: PreludeObjects | undefined;

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

  /**
   * The ArrayBuffer behind the prelude's STATUS: its bytes are memory this side allocated and knows
   * the address of (QuickJS takes them over and frees them with the buffer, at the context's end),
   * so STATUS is read without a call into QuickJS.
   */
  newStatusBuffer(): QuickJSHandle {
    const ptr = this.mod._malloc(STATUS_BYTES);
    this.mod.HEAPU8.fill(0, ptr, ptr + STATUS_BYTES);
    this.statusIndex = ptr >> 2;
    return this.handle(this.ffi.QTS_NewArrayBuffer(this.ctxPtr, ptr, STATUS_BYTES));
  }

  /** The prelude's event objects: from now on an async handler's untouched result is recognised without calling into QuickJS (promiseOutcome). */
  attach(objects: PreludeObjects): void {
    this.objects = objects;
  }

  /** The run read the event text it was not sent (STATUS[S_NEED_INPUT]). */
  neededInput(): boolean {
    return this.statusIndex >= 0 && this.heap32()[this.statusIndex + S_NEED_INPUT] !== 0;
  }

  /** fn(n) or fn(n, text) → a number, or PENDING when it returned a promise (kept for promiseOutcome). */
  callWithNumber(fn: number, n: number, text?: string): number {
    const num = this.ffi.QTS_NewFloat64(this.ctxPtr, n);
    const arg = text === undefined ? 0 : this.newString(text);
    try {
      return this.numberOrPromise(this.call(fn, arg ? [num, arg] : [num]));
    } finally {
      this.ffi.QTS_FreeValuePointer(this.ctxPtr, num);
      if (arg) this.ffi.QTS_FreeValuePointer(this.ctxPtr, arg);
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
   * Where the kept promise stands: PENDING, or — settled — DONE_UNCHANGED when it resolved to the
   * event's own request (`response` false) or response, untouched (STATUS says so: no call into
   * QuickJS), otherwise `settle(value)`'s answer; throws a QuickJSException with the reason when it
   * was rejected.
   */
  promiseOutcome(settle: number, response: boolean): number {
    const promise = this.promise;
    if (!promise) throw new Error("no promise to look at");
    const state = this.ffi.QTS_PromiseState(this.ctxPtr, promise);
    if (state === 0) return PENDING;
    this.promise = 0;
    const value = this.ffi.QTS_PromiseResult(this.ctxPtr, promise);
    this.ffi.QTS_FreeValuePointer(this.ctxPtr, promise);
    if (state !== 1) throw new QuickJSException(this.handle(value));
    try {
      return this.untouched(value, response) ? DONE_UNCHANGED : this.number(this.call(settle, [value]));
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

  /** fn() → a number. */
  callForNumber(fn: number): number {
    return this.number(this.call(fn, []));
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
    const heap = this.argv();
    for (let i = 0; i < args.length; i++) heap[i] = args[i] as number;
    const result = this.ffi.QTS_Call(this.ctxPtr, fn, this.undefinedPtr, args.length, argv);
    const error = this.ffi.QTS_ResolveException(this.ctxPtr, result);
    if (error) {
      this.ffi.QTS_FreeValuePointer(this.ctxPtr, result);
      throw new QuickJSException(this.handle(error));
    }
    return result;
  }

  /** The prelude's `unchanged(value)` (sandbox-prelude.js), answered from STATUS and two comparisons. */
  private untouched(value: number, response: boolean): boolean {
    const o = this.objects;
    if (!o) return false;
    const changed = this.heap32()[this.statusIndex + S_CHANGED] as number;
    if (!response) return (changed & ~CHANGED_RESPONSE) === 0 && this.same(value, o.request);
    return (changed & ~CHANGED_REQUEST) === 0 && (this.same(value, o.response) || this.same(value, o.responseNoText));
  }

  private same(value: number, h: QuickJSHandle): boolean {
    return this.ffi.QTS_IsEqual(this.ctxPtr, value, h.value as number, STRICTLY_EQUAL) !== 0;
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
    const view = this.bufView;
    if (view?.buffer !== heap.buffer || view.byteOffset !== this.buf || view.length !== this.bufSize - 1) this.bufView = heap.subarray(this.buf, this.buf + this.bufSize - 1);
    const { written } = encoder.encodeInto(text, this.bufView as Uint8Array);
    heap[this.buf + written] = 0;
    return this.ffi.QTS_NewString(this.ctxPtr, this.buf);
  }

  /** The whole memory as int32s. */
  private heap32(): Int32Array {
    const buffer = this.mod.HEAPU8.buffer;
    if (this.heap32View?.buffer !== buffer) this.heap32View = new Int32Array(buffer);
    return this.heap32View;
  }

  /** The argv slots of `scratch`. */
  private argv(): Int32Array {
    const buffer = this.mod.HEAPU8.buffer;
    if (this.argvView?.buffer !== buffer) this.argvView = new Int32Array(buffer, this.scratch, 4);
    return this.argvView;
  }

  private handle(ptr: number): QuickJSHandle {
    return new Lifetime(ptr, undefined, (p: number) => this.ffi.QTS_FreeValuePointer(this.ctxPtr, p), this.ctx.runtime) as unknown as QuickJSHandle;
  }
}
