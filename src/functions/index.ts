// CloudFront Functions: the public surface the edge and the control plane use (README.md here).
export { createFunctionRuntime, type FunctionRuntime, type FunctionRuntimeOptions } from "./runtime.ts";
export type { CheckResult } from "./sandbox.ts";
export {
  buildViewerRequestEvent,
  buildViewerResponseEvent,
  capitalizeHeaderName,
  isDisallowedHeader,
  requestFromFunction,
  responseFromFunction,
  type EdgeRequestChange,
  type EdgeResponseChange,
  type HeaderMap,
  type ViewerRequestData,
  type ViewerResponseData,
} from "./event.ts";
export { checkFunctionOutput, formatFunctionOutput } from "./output.ts";
export { eventOf, ViewerEvent, type RunnableEvent } from "./viewer-event.ts";
export { prepareFunctionCode } from "./syntax.ts";
export {
  DEFAULT_FUNCTION_LIMITS,
  MAX_FUNCTION_CODE_BYTES,
  type EdgeLocation,
  type FunctionErrorType,
  type FunctionEvent,
  type FunctionEventType,
  type FunctionLimits,
  type FunctionRequest,
  type FunctionResponse,
  type FunctionRunResult,
  type FunctionRuntimeName,
  type FunctionToRun,
  type OriginChange,
  type RunOptions,
} from "./types.ts";
export type { KeyValueSource, KeyValueStoreMeta } from "./key-value-source.ts";
