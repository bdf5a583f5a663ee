// What a run ends with when it does not end with what the function returned: a failure (a throw, a
// limit, an invalid result: docs/functions.md §3, docs/edge.md §11), a stopped or shut-down runtime;
// and the compute accounting every result carries (computeUtilization: `computeBudgetMs` is 100 %).
import type { SandboxOutcome } from "./sandbox-types.ts";
import type { FunctionLimits, FunctionRunResult } from "./types.ts";

/** Why a run failed; `type` decides the status (502 for validation, 503 otherwise). */
export class RunFailure extends Error {
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

/** The error result for a failure after `cpuMs` of work. */
export function failed(err: RunFailure, cpuMs: number, logs: string[], limits: FunctionLimits): FunctionRunResult {
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

/** Percent of the compute budget, at most 100. */
export function utilization(cpuMs: number, limits: FunctionLimits): number {
  return Math.min(100, Math.round((cpuMs / limits.computeBudgetMs) * 100));
}

/** Milliseconds to the microsecond. */
export function round3(n: number): number {
  return Math.round(n * 1000) / 1000;
}

// ---------------------------------------------------------------------------------------------
// Results the runtime gives without a sandbox run

/** An outcome that is only a result (no escalation, no slice measured). */
export function outcomeOf(result: FunctionRunResult, limitHit = false): SandboxOutcome {
  return { result, limitHit, maxSliceMs: 0 };
}

function base(): { logs: string[]; cpuMs: number; computeUtilization: number } {
  return { logs: [], cpuMs: 0, computeUtilization: 0 };
}

/** The runtime was shut down. */
export function stopped(): FunctionRunResult {
  return { ...base(), kind: "error", error: "FunctionExecutionError", status: 503, message: "The function runtime was shut down." };
}

/** The sandbox itself failed (a worker that died, restarted too often). */
export function internalError(message: string): FunctionRunResult {
  return { ...base(), kind: "error", error: "FunctionExecutionError", status: 503, message };
}

/** The watchdog stopped the run. */
export function limitError(message: string): FunctionRunResult {
  return { ...base(), computeUtilization: 100, kind: "error", error: "FunctionThrottledError", status: 503, message };
}
