// Lambda@Edge in an edge worker of `--workers N`: the worker runs the functions its distributions
// associate in a Lambda runtime of its own (warm child processes per version, as the primary's),
// so a request a worker serves never waits on the primary. It reads the deployed versions the way
// the primary's Lambda service stores them: the function documents in the data directory's
// database (re-read after each configuration change) and the zips under `<dataDir>/lambda/code`.
// --edge-lambda directories and --lambda-endpoint work as in one process.
// Why not the primary's LambdaState: opening one sweeps the code directory of zips its view does
// not reference, which a worker's view (a batch behind the primary's) could take for unused.
// Each worker extracts zips into its own directory (`runtimeDir`): two workers extracting the same
// code at once would otherwise replace each other's tree (functions/lambda/code-dir.ts).
import { createRequire } from "node:module";
import type { Logger } from "../log.ts";
import type { DocumentStore } from "../store/document-store.ts";
import type { EdgeLambdas } from "../edge/lambda-edge.ts";
import type { LambdaRuntime } from "../functions/lambda/runtime.ts";
import { CodeStore } from "../services/lambda/code-store.ts";
import { findDeployedCode, lambdaCode } from "../services/lambda/deployed-code.ts";
import { localCode, type LocalFunction } from "../services/lambda/local-functions.ts";
import type { RemoteFunctions } from "../services/lambda/remote-functions.ts";
import type { FunctionRecord, LambdaState } from "../services/lambda/state.ts";

/** The document kind LambdaState keeps functions under (services/lambda/state.ts). */
const FUNCTION_KIND = "lambda/function";

export interface WorkerLambdasDeps {
  readonly store: DocumentStore;
  readonly dataDir: string;
  /** Where this worker extracts function code (removed by the primary when the worker exits). */
  readonly runtimeDir: string;
  readonly accountId: string;
  readonly log: Logger;
  readonly localFunctions: readonly LocalFunction[];
  readonly lambdaEndpoint: string;
}

export interface WorkerLambdas extends EdgeLambdas {
  /** The configuration changed: read the functions again on next use. */
  reload(): void;
  /** Stops the warm processes (reset, or the worker stopping). */
  dispose(): void;
}

const require = createRequire(import.meta.url);

export function workerLambdas(deps: WorkerLambdasDeps): WorkerLambdas {
  const code = new CodeStore(deps.dataDir);
  let functions: Map<string, FunctionRecord> | undefined;
  // findDeployedCode reads only get(), accountId and code.read() of the state: this view gives
  // them from the worker's read-only store, without LambdaState's sweep (see the header).
  const view = {
    accountId: deps.accountId,
    code,
    get: (name: string) => (functions ??= new Map(deps.store.list<FunctionRecord>(FUNCTION_KIND).map((f) => [f.FunctionName, f]))).get(name),
  } as unknown as LambdaState;
  let runtime: LambdaRuntime | undefined;
  let remote: RemoteFunctions | undefined;
  const runtimeOf = () => (runtime ??= new (require("../functions/lambda/runtime.ts") as typeof import("../functions/lambda/runtime.ts")).LambdaRuntime({ dataDir: deps.runtimeDir, log: deps.log }));
  const remoteOf = () => (remote ??= (require("../services/lambda/remote-functions.ts") as typeof import("../services/lambda/remote-functions.ts")).remoteFunctions(deps.lambdaEndpoint, deps.log));
  return {
    code(arn) {
      const local = localCode(deps.localFunctions, deps.accountId, arn);
      if (local) return local;
      const deployed = findDeployedCode(view, arn);
      return deployed ? lambdaCode(deployed) : undefined;
    },
    invoke: (c, eventJson, options) => runtimeOf().invoke(c, eventJson, options),
    remote: deps.lambdaEndpoint ? async (arn, eventJson, options) => remoteOf().invoke(arn, eventJson, options) : undefined,
    reload() {
      functions = undefined;
    },
    dispose() {
      runtime?.dispose();
      runtime = undefined;
      remote?.dispose();
      remote = undefined;
    },
  };
}
