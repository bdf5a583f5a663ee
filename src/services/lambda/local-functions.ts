// Local Lambda@Edge functions for the edit-reload loop (`--edge-lambda name=./dir`, issue 14):
// a function whose code is a directory on this machine, run from there, so an edit takes effect on
// the next request (the runtime replaces warm processes when a file's modification time changes).
// A distribution associates it as it would a deployed one, with any version number:
// `arn:aws:lambda:us-east-1:<account>:function:<name>:1`. It shadows a deployed function of the
// same name. Emulator-only: AWS has no such thing.
//
// Syntax: comma-separated `name=dir` or `name=dir@module.function` (handler; default
// `index.handler`). The runtime is python3.13 when the handler's module is a .py file, nodejs22.x
// otherwise. Memory 128 MB, timeout 5 s (Lambda@Edge's viewer-event limits), no environment.
import { existsSync, statSync } from "node:fs";
import path from "node:path";
import { EmulatorError } from "../../errors.ts";
import type { LambdaCode } from "../../functions/lambda/types.ts";
import { parseFunctionName } from "./names.ts";

export interface LocalFunction {
  readonly name: string;
  readonly dir: string;
  readonly handler: string;
  readonly runtime: string;
}

const NAME = /^[A-Za-z0-9_-]{1,64}$/;

/** Parses the --edge-lambda value; a bad entry or a missing directory stops the start (ERR_CONFIG). */
export function parseLocalFunctions(spec: string, cwd = process.cwd()): LocalFunction[] {
  if (spec.trim() === "") return [];
  return spec.split(",").map((entry) => {
    const m = /^([^=]+)=([^@]+)(?:@(.+))?$/.exec(entry.trim());
    if (!m || !NAME.test(m[1] as string)) throw new EmulatorError("ERR_CONFIG", `--edge-lambda entries are name=dir or name=dir@module.function, not "${entry}"`);
    const dir = path.resolve(cwd, m[2] as string);
    if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new EmulatorError("ERR_CONFIG", `--edge-lambda ${m[1]}: ${dir} is not a directory`);
    const handler = m[3] ?? "index.handler";
    const module = handler.slice(0, handler.lastIndexOf("."));
    return { name: m[1] as string, dir, handler, runtime: existsSync(path.join(dir, `${module}.py`)) ? "python3.13" : "nodejs22.x" };
  });
}

/** The local function a qualified ARN names (any version), as the runtime runs it. */
export function localCode(functions: readonly LocalFunction[], accountId: string, arn: string): LambdaCode | undefined {
  if (functions.length === 0) return undefined;
  let ref;
  try {
    ref = parseFunctionName(arn);
  } catch {
    return undefined;
  }
  const fn = functions.find((f) => f.name === ref.name);
  if (!fn || (ref.account !== undefined && ref.account !== accountId)) return undefined;
  const version = ref.qualifier ?? "$LATEST";
  return {
    functionName: fn.name,
    version,
    functionArn: `arn:aws:lambda:us-east-1:${accountId}:function:${fn.name}:${version}`,
    codeSha256: `local:${fn.dir}`,
    source: { dir: fn.dir },
    handler: fn.handler,
    runtime: fn.runtime,
    memorySize: 128,
    timeout: 5,
    environment: {},
    logGroup: `/aws/lambda/us-east-1.${fn.name}`,
  };
}
