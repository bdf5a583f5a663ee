// Invoke (Lambda API Reference, "Invoke"): runs a version in the child-process runtime
// (functions/lambda/runtime.ts). RequestResponse answers 200 with the handler's JSON, or with the
// error payload and `X-Amz-Function-Error: Unhandled` (still 200, as Lambda does); Event answers
// 202 at once and runs in the background; DryRun checks the call and answers 204. `LogType: Tail`
// returns the last 4 KB of the invocation's log, base64, in `X-Amz-Log-Result`. Qualifier (or a
// qualified FunctionName) picks `$LATEST`, a version or an alias; X-Amz-Executed-Version names it.
// Not emulated: ClientContext (accepted, not passed on), asynchronous retries and destinations,
// response streaming (InvokeWithResponseStream), the 256 KB Event payload quota.
import type { InvocationRequest, InvocationResponse } from "@aws-sdk/client-lambda";
import { fail } from "../../../api/errors.ts";
import { LambdaThrottledError, UnsupportedRuntimeError } from "../../../functions/lambda/types.ts";
import { deployedCode, lambdaCode } from "../deployed-code.ts";
import { messages } from "../messages.ts";
import { findTarget, resolveVersion, type Ctx } from "./common.ts";

/** Lambda quotas: 6 MB request and response payloads for synchronous invocations. */
const MAX_SYNC_PAYLOAD = 6 * 1024 * 1024;
/** Invoke "LogResult": "the last 4 KB of the execution log". */
const LOG_TAIL_BYTES = 4096;

export async function Invoke({ FunctionName, InvocationType, LogType, Payload, Qualifier }: InvocationRequest, ctx: Ctx): Promise<InvocationResponse> {
  const { fn, qualifier } = findTarget(ctx, FunctionName, Qualifier);
  const version = resolveVersion(ctx, fn, qualifier);
  const type = InvocationType ?? "RequestResponse";
  if (!["RequestResponse", "Event", "DryRun"].includes(type)) fail("InvalidParameterValueException", messages.enumValue("invocationType", type, ["RequestResponse", "Event", "DryRun"]));
  const bytes = Buffer.from(Payload ?? new Uint8Array());
  if (bytes.length > MAX_SYNC_PAYLOAD) fail("RequestTooLargeException", messages.payloadTooLarge(bytes.length, MAX_SYNC_PAYLOAD));
  const eventJson = bytes.length === 0 ? "{}" : bytes.toString("utf8");
  try {
    JSON.parse(eventJson);
  } catch (err) {
    fail("InvalidRequestContentException", messages.badPayload((err as Error).message));
  }
  const ExecutedVersion = version.Version;
  if (type === "DryRun") return { StatusCode: 204, ExecutedVersion };
  const code = lambdaCode(deployedCode(ctx.service.state, fn, version));
  const runtime = ctx.service.runtime;
  if (type === "Event") {
    runtime.invoke(code, eventJson).catch((err: unknown) => ctx.service.log.warn(`lambda ${code.functionArn}: asynchronous invocation failed: ${String(err)}`));
    return { StatusCode: 202 };
  }
  let outcome;
  try {
    outcome = await runtime.invoke(code, eventJson, { requestId: ctx.requestId });
  } catch (err) {
    if (err instanceof LambdaThrottledError) fail("TooManyRequestsException", err.message, undefined, { details: { Reason: "ConcurrentInvocationLimitExceeded" } });
    if (err instanceof UnsupportedRuntimeError) fail("InvalidRuntimeException", err.message);
    throw err;
  }
  const tail = Buffer.from(outcome.logs.join("\n") + "\n");
  return {
    StatusCode: 200,
    ExecutedVersion,
    Payload: Buffer.from(outcome.payload),
    ...(outcome.functionError ? { FunctionError: outcome.functionError } : {}),
    ...(LogType === "Tail" ? { LogResult: tail.subarray(Math.max(0, tail.length - LOG_TAIL_BYTES)).toString("base64") } : {}),
  };
}
