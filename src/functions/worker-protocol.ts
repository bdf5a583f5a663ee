// Messages between runtime.ts (main thread) and worker.ts (the sandbox thread).
import type { CheckResult } from "./sandbox.ts";
import type { FunctionEventType, FunctionLimits, FunctionRuntimeName, FunctionToRun, RunOptions } from "./types.ts";

export interface WorkerData {
  readonly limits: FunctionLimits;
  /**
   * 16 bytes: Int32 at 0 = id of the run whose QuickJS slice is executing (0 when none),
   * Float64 at 8 = when that slice started (epoch ms). Read by the watchdog.
   */
  readonly state: SharedArrayBuffer;
}

export type ToWorker =
  /** Events and results travel as JSON text: cloning a string is far cheaper than cloning nested objects. */
  | {
      readonly t: "run";
      readonly id: number;
      readonly fn: FunctionToRun;
      readonly eventType: FunctionEventType;
      readonly eventJson: string;
      readonly options: RunOptions;
      readonly now: number;
      /** In a fresh context without the frozen realm (sandbox.ts SandboxRun.unfrozen). */
      readonly unfrozen: boolean;
    }
  | { readonly t: "check"; readonly id: number; readonly code: string; readonly runtime: FunctionRuntimeName }
  | { readonly t: "kvs"; readonly id: number; readonly value?: string | undefined; readonly error?: string };

export type FromWorker =
  | { readonly t: "ready" }
  /** A SandboxOutcome as JSON. */
  | { readonly t: "result"; readonly id: number; readonly outcomeJson: string }
  | { readonly t: "checked"; readonly id: number; readonly result: CheckResult }
  | { readonly t: "kvs"; readonly id: number; readonly op: "get" | "meta"; readonly arn: string; readonly key: string }
  /** An unexpected error in the sandbox itself (a bug), not in the function. */
  | { readonly t: "failed"; readonly id: number; readonly message: string }
  /** The worker wants to be replaced (QuickJS broken, heap too large); it keeps answering until then. */
  | { readonly t: "retire"; readonly reason: string };

/** Above this WebAssembly heap size the worker asks to be replaced (the heap never shrinks). */
export const WASM_HEAP_RECYCLE_BYTES = 256 * 1024 * 1024;
