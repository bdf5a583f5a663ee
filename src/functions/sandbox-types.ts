// What the sandbox (sandbox.ts) takes and gives: one run's request and outcome, its options, and
// the hooks through which the worker's watchdog sees each slice of QuickJS work.
import type { FunctionEventType, FunctionRunResult, FunctionToRun, RunOptions } from "./types.ts";
import type { RunnableEvent } from "./viewer-event.ts";

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
  readonly event: RunnableEvent;
  readonly options: RunOptions;
  /** Epoch ms the function sees as "now" (Date is frozen at the function start, docs/functions.md §2). */
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
  /** The run was sent no event text and read it: run it again with the text (sandbox.ts `begin`). */
  readonly retryWithInput?: boolean;
}

export type CheckResult = { readonly ok: true } | { readonly ok: false; readonly message: string };
