// The seam for running functions (issue 14 part 2, the child-process runtime): given a function
// version, what it runs: the zip's bytes, handler, runtime, memory, timeout and environment.
// Nothing here runs code.
import { functionArn, parseFunctionName } from "./names.ts";
import type { LambdaCode } from "../../functions/lambda/types.ts";
import type { FunctionRecord, LambdaState, VersionRecord } from "./state.ts";

/** A version as the runtime's LambdaCode describes it, with the zip's bytes (read on use) instead of a source. */
export interface DeployedCode extends Omit<LambdaCode, "source"> {
  readonly zip: Buffer;
}

/** What one version of a function runs. */
export function deployedCode(state: LambdaState, fn: FunctionRecord, version: VersionRecord): DeployedCode {
  const s = version.settings;
  return {
    functionName: fn.FunctionName,
    version: version.Version,
    functionArn: functionArn(fn.region, state.accountId, fn.FunctionName, version.Version),
    codeSha256: version.code.sha256,
    // Read on use: the runtime needs the bytes only the first time it extracts them.
    get zip() {
      return state.code.read(version.code.sha256);
    },
    handler: s.Handler,
    runtime: s.Runtime,
    memorySize: s.MemorySize,
    timeout: s.Timeout,
    environment: { ...s.Environment },
    logGroup: s.LogGroup,
  };
}

/** What the runtime (functions/lambda) runs for a deployed version. */
export function lambdaCode(d: DeployedCode): LambdaCode {
  return {
    functionName: d.functionName,
    version: d.version,
    functionArn: d.functionArn,
    codeSha256: d.codeSha256,
    source: { zip: () => d.zip },
    handler: d.handler,
    runtime: d.runtime,
    memorySize: d.memorySize,
    timeout: d.timeout,
    environment: d.environment,
    logGroup: d.logGroup,
  };
}

/**
 * The version a (qualified) function name or ARN designates, as Lambda@Edge associations name them
 * (`arn:aws:lambda:us-east-1:123456789012:function:name:3`); an alias resolves to its version.
 * Undefined when the function, version or alias does not exist.
 */
export function findDeployedCode(state: LambdaState, nameOrArn: string): DeployedCode | undefined {
  let ref;
  try {
    ref = parseFunctionName(nameOrArn);
  } catch {
    return undefined;
  }
  const fn = state.get(ref.name);
  if (!fn || (ref.account !== undefined && ref.account !== state.accountId)) return undefined;
  const qualifier = ref.qualifier ?? "$LATEST";
  const target = fn.aliases.find((a) => a.Name === qualifier)?.FunctionVersion ?? qualifier;
  const version = target === "$LATEST" ? fn.latest : fn.versions.find((v) => v.Version === target);
  return version ? deployedCode(state, fn, version) : undefined;
}
