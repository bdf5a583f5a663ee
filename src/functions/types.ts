// The data that crosses the CloudFront Functions boundary: the event object a function receives,
// what it may return, the limits the sandbox enforces and the result of one run
// (docs/functions.md §2–§4). Plain JSON-able objects only: they travel between threads.

/** The two runtimes CreateFunction accepts (FunctionConfig.Runtime). */
export type FunctionRuntimeName = "cloudfront-js-1.0" | "cloudfront-js-2.0";

/** CloudFront Functions run on these two events only (docs/functions.md §1 "Association"). */
export type FunctionEventType = "viewer-request" | "viewer-response";

/** One query parameter, header or cookie: `value` is the first one; `multiValue` lists all when repeated (docs/functions.md §4.1). */
export interface FunctionValue {
  value: string;
  multiValue?: Array<{ value: string }>;
}

/** A response cookie (`Set-Cookie`): `attributes` is everything after the first `;`, trimmed (docs/functions.md §4.1). */
export interface FunctionResponseCookie {
  value: string;
  attributes?: string;
  multiValue?: Array<{ value: string; attributes?: string }>;
}

export interface FunctionRequest {
  method: string;
  uri: string;
  /** Names and values as received (not percent-decoded); a function may also set it to a string. */
  querystring: Record<string, FunctionValue> | string;
  headers: Record<string, FunctionValue>;
  cookies: Record<string, FunctionValue>;
}

/** A response body a function sets: plain text, or `{encoding, data}` (docs/functions.md §4.2). */
export type FunctionBody = string | { encoding: "text" | "base64"; data: string };

export interface FunctionResponse {
  statusCode: number;
  statusDescription?: string;
  headers: Record<string, FunctionValue>;
  cookies: Record<string, FunctionResponseCookie>;
  /** Absent: the original body is kept (viewer-response) or there is none (generated). */
  body?: FunctionBody;
}

/** The event object (docs/functions.md §4.1). `response` only for viewer-response. */
export interface FunctionEvent {
  version: "1.0";
  context: {
    distributionDomainName?: string;
    distributionId?: string;
    eventType: FunctionEventType;
    requestId?: string;
  };
  viewer: { ip: string };
  request: FunctionRequest;
  response?: FunctionResponse;
}

/** `cf.edgeLocation` (CloudFront guide "General helper methods"); viewer-request only. */
export interface EdgeLocation {
  readonly name: string;
  readonly serverIp: string;
  readonly region: string;
}

/**
 * An origin change a 2.0 viewer-request function asked for through the `cloudfront` module
 * (CloudFront guide "Helper methods for origin modification"). The edge applies them in order; parameters are
 * validated by the sandbox, the origin ids are not (only the distribution knows them).
 */
export type OriginChange =
  | { readonly type: "updateRequestOrigin"; readonly params: UpdateRequestOriginParams }
  | { readonly type: "selectRequestOriginById"; readonly originId: string }
  | { readonly type: "createRequestOriginGroup"; readonly params: RequestOriginGroupParams };

/** `cf.updateRequestOrigin(params)`: omitted fields inherit from the behavior's origin (docs/functions.md §4.3). */
export interface UpdateRequestOriginParams {
  readonly domainName?: string;
  readonly hostHeader?: string;
  readonly originPath?: string;
  /** `{}` clears the origin's custom headers. */
  readonly customHeaders?: Readonly<Record<string, string>>;
  readonly connectionAttempts?: number;
  readonly originShield?: { readonly enabled: boolean; readonly region?: string };
  readonly originAccessControlConfig?: {
    readonly enabled: boolean;
    readonly signingBehavior?: "always" | "never" | "no-override";
    readonly signingProtocol?: "sigv4";
    readonly originType?: "s3" | "mediastore" | "mediapackagev2" | "lambda";
  };
  readonly timeouts?: { readonly readTimeout?: number; readonly keepAliveTimeout?: number; readonly connectionTimeout?: number };
  readonly customOriginConfig?: {
    readonly port?: number;
    readonly protocol?: "http" | "https";
    readonly sslProtocols?: readonly string[];
    readonly ipAddressType?: string;
  };
}

/** `cf.createRequestOriginGroup(params)`; `originIds` normalized to plain ids. */
export interface RequestOriginGroupParams {
  readonly originIds: readonly string[];
  readonly failoverCriteria: { readonly statusCodes: readonly number[] };
  readonly selectionCriteria?: "default" | "media-quality-based";
}

/** What the sandbox needs to run one published version of a function. */
export interface FunctionToRun {
  /** Identifies the code version: ARN + ETag. Contexts are compiled once per key and reused. */
  readonly key: string;
  readonly code: string;
  readonly runtime: FunctionRuntimeName;
  /** ARNs of the associated KeyValueStores (at most one, docs/functions.md §3). */
  readonly kvsArns: readonly string[];
}

/** Per-run facts that are not part of the event object. */
export interface RunOptions {
  /** What `event.request.rawQueryString()` returns (2.0): the query without `?`, or undefined when the URL had none. */
  readonly rawQueryString?: string | undefined;
  readonly edgeLocation?: EdgeLocation;
  /**
   * Validate the returned object as the edge must (read-only headers, status, body…). TestFunction
   * turns this off: "CloudFront only validates against function execution errors" (CloudFront guide "Test functions").
   */
  readonly validateOutput?: boolean;
}

/**
 * How CloudFront tells function failures apart (docs/edge.md §17: a runtime error or exceeding
 * compute → 503, an invalid returned object → 502). The names are the ones CloudFront puts in
 * `X-Cache` / `x-edge-detailed-result-type` (FunctionExecutionError seen in public reports; the
 * other two unverified).
 */
export type FunctionErrorType = "FunctionExecutionError" | "FunctionValidationError" | "FunctionThrottledError";

interface RunResultBase {
  /** console.log lines, at most `maxLogBytes` in total (docs/functions.md §3). */
  readonly logs: string[];
  /** 0–100: CPU time of the run against `computeBudgetMs` (docs/functions.md §3). */
  readonly computeUtilization: number;
  /** Measured CPU time of the run in milliseconds (thread CPU, compile excluded). */
  readonly cpuMs: number;
}

export type FunctionRunResult =
  | (RunResultBase & {
      readonly kind: "request";
      readonly request: FunctionRequest;
      readonly originChanges: readonly OriginChange[];
      /** The function returned the event's own request untouched (`request` is that object). */
      readonly unchanged?: boolean;
    })
  /** A viewer-request function answered itself: no cache, no origin, no viewer-response function (docs/functions.md §4.2). */
  | (RunResultBase & { readonly kind: "generated-response"; readonly response: FunctionResponse })
  /** What a viewer-response function returned; `unchanged`: the event's own response, untouched. */
  | (RunResultBase & { readonly kind: "response"; readonly response: FunctionResponse; readonly unchanged?: boolean })
  | (RunResultBase & {
      readonly kind: "error";
      readonly error: FunctionErrorType;
      /** What the viewer gets: 503 for execution errors and limits, 502 for invalid output. */
      readonly status: 502 | 503;
      readonly message: string;
      /** What the function returned, when it returned something that failed validation. */
      readonly output?: unknown;
    });

/** Sandbox limits. Every field has a default (DEFAULT_FUNCTION_LIMITS). */
export interface FunctionLimits {
  /**
   * CPU time that counts as 100 % compute utilization. AWS does not publish the budget
   * (docs/functions.md §3); the emulator's default is 1 ms.
   */
  readonly computeBudgetMs: number;
  /** CPU time after which a run is stopped and fails with FunctionThrottledError ("far above" the budget, docs/functions.md §3). */
  readonly maxCpuMs: number;
  /** Memory a function may allocate beyond the sandbox's own baseline (docs/functions.md §3: 2 MB). */
  readonly memoryBytes: number;
  /** QuickJS stack for one run; deeper recursion fails with a stack overflow. */
  readonly stackBytes: number;
  /** console.log output kept per run (docs/functions.md §3: 10 KB). */
  readonly maxLogBytes: number;
  /**
   * Wall-clock time one uninterrupted slice of sandbox work may take before the watchdog
   * terminates the worker thread and starts a new one (for work QuickJS's interrupt handler cannot
   * stop, such as one enormous built-in call).
   */
  readonly watchdogMs: number;
  /**
   * Longest slice of sandbox work (ms of wall time) a function may take on the edge's own thread.
   * A run that needs more is stopped there and run again in the worker thread, and its version runs
   * there from then on (README.md "Running on the edge's thread").
   */
  readonly inlineSliceMs: number;
  /**
   * A new function version runs in the worker thread until this many runs in a row stayed within
   * `inlineSliceMs` without hitting a limit; then it runs on the edge's thread. 0: at once.
   */
  readonly probationRuns: number;
  /** Compiled contexts kept per function version, for concurrent runs of it. */
  readonly contextsPerFunction: number;
  /** Compiled contexts kept in total; the least recently used go first. */
  readonly maxContexts: number;
}

export const DEFAULT_FUNCTION_LIMITS: FunctionLimits = Object.freeze({
  computeBudgetMs: 1,
  maxCpuMs: 50,
  memoryBytes: 2 * 1024 * 1024,
  stackBytes: 256 * 1024,
  maxLogBytes: 10 * 1024,
  watchdogMs: 1000,
  inlineSliceMs: 10,
  probationRuns: 16,
  contextsPerFunction: 4,
  maxContexts: 64,
});

/** CloudFront's quota on function code (docs/functions.md §3, CloudFront guide "Quotas": 10 KB). */
export const MAX_FUNCTION_CODE_BYTES = 10 * 1024;
