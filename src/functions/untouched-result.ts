// The result of a run that returned the event's own request or response untouched (sandbox.ts
// `complete`): the edge goes on with its own request when `unchanged` says so, without reading the
// result's `request` (which, for a ViewerEvent, would make the event objects).
import { round3, utilization } from "./run-result.ts";
import type { SandboxRun } from "./sandbox-types.ts";
import type { FunctionLimits, FunctionRequest, FunctionResponse, FunctionRunResult, OriginChange } from "./types.ts";
import { ViewerEvent } from "./viewer-event.ts";

/**
 * The result of a run that returned the event's own request or response untouched: that object
 * (made only if someone reads it: a ViewerEvent's edge needs only `unchanged`).
 */
export function untouchedResult(req: SandboxRun, busyMs: number, limits: FunctionLimits): FunctionRunResult {
  const source = req.event;
  const cpuMs = round3(busyMs);
  const computeUtilization = utilization(busyMs, limits);
  if (source instanceof ViewerEvent) return new UntouchedViewerResult(source, cpuMs, computeUtilization);
  const base = { logs: NO_LOGS, cpuMs, computeUtilization, unchanged: true };
  return req.eventType === "viewer-request"
    ? { ...base, kind: "request", request: source.request, originChanges: NO_ORIGIN_CHANGES }
    : { ...base, kind: "response", response: source.response as FunctionResponse };
}

const NO_LOGS: string[] = [];
Object.freeze(NO_LOGS);
const NO_ORIGIN_CHANGES: readonly OriginChange[] = Object.freeze([]);

/**
 * An untouched request or response of a ViewerEvent: `request` / `response` are getters (on the
 * prototype: an object literal with a getter costs V8 about 1 µs to make) that make the event
 * objects on first read. Only runs on the caller's thread get one (nothing copies it).
 */
class UntouchedViewerResult {
  readonly kind: "request" | "response";
  readonly logs = NO_LOGS;
  readonly originChanges = NO_ORIGIN_CHANGES;
  readonly unchanged = true;
  readonly cpuMs: number;
  readonly computeUtilization: number;
  private readonly source: ViewerEvent;

  constructor(source: ViewerEvent, cpuMs: number, computeUtilization: number) {
    this.source = source;
    this.kind = source.eventType === "viewer-request" ? "request" : "response";
    this.cpuMs = cpuMs;
    this.computeUtilization = computeUtilization;
  }

  get request(): FunctionRequest {
    return this.source.event.request;
  }

  get response(): FunctionResponse {
    return this.source.event.response as FunctionResponse;
  }
}
