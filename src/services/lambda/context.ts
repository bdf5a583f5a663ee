// What the Lambda handlers work with: their state, the IAM state (a function's role must exist
// and trust Lambda), the runtime that runs code, and a reader of the embedded S3 for code uploaded there first.
import type { Logger } from "../../log.ts";
import type { IamState } from "../iam/state.ts";
import type { LambdaState } from "./state.ts";
import type { LambdaRuntime } from "../../functions/lambda/runtime.ts";

/** An object of the embedded S3: its bytes, or which of bucket or key is missing. */
export type S3ObjectRead = { readonly bytes: Buffer } | { readonly missing: "bucket" | "key" };

export interface LambdaContext {
  readonly state: LambdaState;
  readonly iam: IamState;
  /** Reads an object of the embedded S3, up to `limit` bytes (one more tells a file that is too large). */
  readS3Object(bucket: string, key: string, limit: number): Promise<S3ObjectRead>;
  readonly log: Logger;
  /** Runs function code (Invoke). */
  readonly runtime: LambdaRuntime;
}
