// What the Lambda runtime (runtime.ts) is given and gives back. Kept free of the Lambda service's
// types: services/lambda builds a LambdaCode from a deployed version, the edge from an association.

/**
 * Where a function's code lives: a zip (extracted once under the data dir; read only when not yet
 * extracted) or a local directory (read live).
 */
export type CodeSource = { readonly zip: () => Buffer } | { readonly dir: string };

export interface LambdaCode {
  readonly functionName: string;
  /** `$LATEST` or a published version number. */
  readonly version: string;
  /** The qualified ARN the invocation names (`context.invokedFunctionArn`). */
  readonly functionArn: string;
  /** Identifies the code of a zip: a warm process is reused while it is the same. */
  readonly codeSha256: string;
  readonly source: CodeSource;
  readonly handler: string;
  /** A Lambda runtime identifier: `nodejs18.x`..`nodejs22.x`, `python3.9`..`python3.13`. */
  readonly runtime: string;
  readonly memorySize: number;
  /** Seconds. */
  readonly timeout: number;
  readonly environment: Readonly<Record<string, string>>;
  readonly logGroup: string;
}

export interface InvokeOptions {
  /** The request id (`context.awsRequestId`); generated when absent. */
  readonly requestId?: string;
  /** Overrides the function's timeout (Lambda@Edge caps viewer events at 5 s, origin events at 30 s). */
  readonly timeoutMs?: number;
}

/** The answer of one invocation, as Lambda's Invoke shows it. */
export interface InvokeOutcome {
  readonly requestId: string;
  /** The JSON text the handler answered, or the error payload. */
  readonly payload: string;
  /** "Unhandled" when the handler threw, timed out or its process crashed. */
  readonly functionError?: "Unhandled";
  /** The invocation's log lines (START, the function's output, END, REPORT). */
  readonly logs: readonly string[];
}

/** Too many invocations of one version at once (Lambda's TooManyRequestsException; at the edge LambdaLimitExceeded). */
export class LambdaThrottledError extends Error {
  constructor(functionArn: string) {
    super(`Rate Exceeded. (${functionArn})`);
    this.name = "LambdaThrottledError";
  }
}

/** A runtime minifront cannot run (Lambda's InvalidRuntimeException). */
export class UnsupportedRuntimeError extends Error {
  constructor(runtime: string) {
    super(`The runtime parameter of ${runtime} is not supported by minifront (Node.js nodejs18.x-nodejs22.x and Python python3.9-python3.13 are).`);
    this.name = "UnsupportedRuntimeError";
  }
}
