// Lambda function names and ARNs (Lambda API Reference, CreateFunction "FunctionName" and
// "Qualifier"): a name, a partial ARN (`123456789012:function:my-function`) or a full ARN, each
// optionally followed by `:<qualifier>` (a version number, `$LATEST` or an alias name).
import { fail } from "../../api/errors.ts";
import { messages } from "./messages.ts";

/** Where GetFunction's Code.Location points: minifront serves the zip itself (platform.ts). */
export const CODE_DOWNLOAD_PATH = "/_minifront/lambda/code/";

/** The FunctionName pattern of the Lambda model (name 1-64 characters of `[a-zA-Z0-9-_]`). */
const FUNCTION_NAME =
  /^(?:arn:(?:aws[a-zA-Z-]*)?:lambda:)?(?:([a-z]{2}(?:-gov)?-[a-z]+-\d{1}):)?(?:(\d{12}):)?(?:function:)?([a-zA-Z0-9-_]{1,64})(?::(\$LATEST|[a-zA-Z0-9-_]+))?$/;
const PATTERN_TEXT = "(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?";

export interface FunctionRef {
  readonly name: string;
  /** The qualifier in the name (`my-function:1`), if any. */
  readonly qualifier?: string;
  /** The account in a (partial) ARN, if any. */
  readonly account?: string;
}

/** Parses a FunctionName parameter; ValidationException when it does not match Lambda's pattern. */
export function parseFunctionName(value: string, param = "functionName"): FunctionRef {
  const m = FUNCTION_NAME.exec(value);
  if (!m || value.length > 170) fail("ValidationException", messages.pattern(param, value, PATTERN_TEXT), 400);
  return { name: m[3] as string, ...(m[4] !== undefined ? { qualifier: m[4] } : {}), ...(m[2] !== undefined ? { account: m[2] } : {}) };
}

/** `arn:aws:lambda:<region>:<account>:function:<name>` (and `:<qualifier>` when given). */
export function functionArn(region: string, account: string, name: string, qualifier?: string): string {
  return `arn:aws:lambda:${region}:${account}:function:${name}${qualifier !== undefined ? `:${qualifier}` : ""}`;
}

/**
 * The region a request is for: the one in its SigV4 credential scope
 * (`<key>/<date>/<region>/lambda/aws4_request`); us-east-1 when unsigned.
 */
export function requestRegion(authorization: string | string[] | undefined): string {
  const header = Array.isArray(authorization) ? authorization[0] : authorization;
  const m = /Credential=[^/,\s]+\/\d{8}\/([a-z0-9-]+)\//.exec(header ?? "");
  return m?.[1] ?? "us-east-1";
}
