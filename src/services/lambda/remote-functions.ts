// Lambda@Edge functions that live in another emulator (`--lambda-endpoint URL`, issue 14), such as
// LocalStack or another minifront: the edge invokes them through that emulator's Lambda Invoke API
// (Lambda API Reference, "Invoke": `POST /2015-03-31/functions/<name>/invocations?Qualifier=<n>`,
// SigV4-signed, made by @aws-sdk/client-lambda's LambdaClient). Only associations that name no
// function of minifront's own (deployed, or --edge-lambda) go there: a user can keep some
// functions here and use the other emulator for the rest, and a minifront function never depends
// on the other emulator being up.
// The request is signed with the ARN's account as access key id: LocalStack takes a 12-digit
// access key id as the account to act in (LocalStack docs, "Credentials"); minifront ignores it.
// The answer is read as a local invocation's: FunctionError → LambdaExecutionError, the function's
// own timeout (Sandbox.Timedout) → LambdaLimitExceeded, TooManyRequestsException →
// LambdaLimitExceeded, ResourceNotFoundException → LambdaValidationError (no such version); no answer
// within the event's cap (viewer 5 s, origin 30 s) counts as a timeout. `LogType: Tail` brings
// back the end of the invocation's log, shown in minifront's log with the request id.
// Association checks: CloudFront's checks at CreateDistribution/UpdateDistribution are synchronous
// here and cannot read the other emulator's function, role or its trust policy, so a remote
// version passes them (the ARN's form and region are still checked); the version is looked up in
// the background instead and a warning names what CloudFront would refuse (missing version,
// environment variables, layers). Not done: the role's trust by edgelambda.amazonaws.com (the other
// emulator's IAM is not read), retries.
import { GetFunctionConfigurationCommand, InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import type { Logger } from "../../log.ts";
import { LambdaThrottledError, type InvokeOptions, type InvokeOutcome } from "../../functions/lambda/types.ts";
import type { EdgeFacts } from "./edge-facts.ts";

/** Functions of another emulator's Lambda, as the edge and CloudFront's association checks use them. */
export interface RemoteFunctions {
  /** Invokes a qualified ARN there; undefined when that emulator has no such function or version. */
  invoke(arn: string, eventJson: string, options: InvokeOptions): Promise<InvokeOutcome | undefined>;
  /** What CloudFront's association checks see for a remote version (see the header), after starting the background look-up. */
  facts(arn: string): EdgeFacts | undefined;
  /** Closes the clients' connections. */
  dispose(): void;
}

/** A remote version passes the synchronous association checks (the header says why). */
const REMOTE_FACTS: EdgeFacts = { roleArn: "", roleTrustedByEdge: true, hasEnvironment: false, hasLayers: false, memorySize: 128, timeout: 5 };

const QUALIFIED_ARN = /^arn:aws[a-zA-Z-]*:lambda:([a-z0-9-]+):(\d{12}):function:([A-Za-z0-9_-]{1,64}):([A-Za-z0-9_$-]+)$/;

interface RemoteRef {
  readonly region: string;
  readonly account: string;
  readonly name: string;
  readonly qualifier: string;
}

function parseArn(arn: string): RemoteRef | undefined {
  const m = QUALIFIED_ARN.exec(arn);
  return m ? { region: m[1] as string, account: m[2] as string, name: m[3] as string, qualifier: m[4] as string } : undefined;
}

/** The functions of the Lambda at `endpoint`. */
export function remoteFunctions(endpoint: string, log: Logger): RemoteFunctions {
  const clients = new Map<string, LambdaClient>();
  // One client (and keep-alive connection pool) per account and region the ARNs name.
  const clientFor = (ref: RemoteRef): LambdaClient => {
    const key = `${ref.account}/${ref.region}`;
    let client = clients.get(key);
    if (!client) {
      // No retries: the viewer is waiting, and CloudFront does not retry a function either.
      client = new LambdaClient({ endpoint, region: ref.region, credentials: { accessKeyId: ref.account, secretAccessKey: "minifront" }, maxAttempts: 1 });
      clients.set(key, client);
    }
    return client;
  };
  return {
    async invoke(arn, eventJson, options) {
      const ref = parseArn(arn);
      if (!ref) return undefined;
      const timeoutMs = options.timeoutMs ?? 5_000;
      const signal = AbortSignal.timeout(timeoutMs);
      let out;
      try {
        out = await clientFor(ref).send(new InvokeCommand({ FunctionName: ref.name, Qualifier: ref.qualifier, Payload: Buffer.from(eventJson), LogType: "Tail" }), { abortSignal: signal });
      } catch (err) {
        const name = (err as { name?: unknown }).name;
        if (name === "ResourceNotFoundException") return undefined;
        if (name === "TooManyRequestsException") throw new LambdaThrottledError(arn);
        if (signal.aborted) return timedOut(options.requestId ?? "", timeoutMs);
        throw new Error(`${endpoint} did not invoke ${arn}: ${err instanceof Error ? err.message : String(err)}`);
      }
      const requestId = out.$metadata.requestId ?? options.requestId ?? "";
      const logs = out.LogResult ? Buffer.from(out.LogResult, "base64").toString("utf8").split("\n").filter((l) => l !== "") : [];
      for (const line of logs) log.info(`lambda ${ref.name}:${ref.qualifier} ${options.requestId ?? requestId} (${endpoint}): ${line}`);
      const payload = out.Payload ? Buffer.from(out.Payload).toString("utf8") : "null";
      return { requestId, payload, logs, ...(out.FunctionError ? { functionError: "Unhandled" as const } : {}) };
    },
    facts(arn) {
      const ref = parseArn(arn);
      if (!ref) return undefined;
      void checkInBackground(clientFor(ref), ref, arn, endpoint, log);
      return REMOTE_FACTS;
    },
    dispose() {
      for (const c of clients.values()) c.destroy();
      clients.clear();
    },
  };
}

/** The answer for an invocation that did not finish within the event's cap, worded as Lambda's timeout. */
function timedOut(requestId: string, timeoutMs: number): InvokeOutcome {
  const errorMessage = `RequestId: ${requestId} Error: Task timed out after ${(timeoutMs / 1000).toFixed(2)} seconds`;
  return { requestId, payload: JSON.stringify({ errorType: "Sandbox.Timedout", errorMessage }), functionError: "Unhandled", logs: [] };
}

/** How long the background look-up may wait for the other emulator (it only feeds a warning). */
const CHECK_TIMEOUT_MS = 10_000;

/** Reads the remote version's configuration and warns about what CloudFront would refuse (see the header). */
async function checkInBackground(client: LambdaClient, ref: RemoteRef, arn: string, endpoint: string, log: Logger): Promise<void> {
  const refuse = (why: string) => log.warn(`Lambda@Edge association ${arn} (${endpoint}): CloudFront would refuse it: ${why}`);
  try {
    const c = await client.send(new GetFunctionConfigurationCommand({ FunctionName: ref.name, Qualifier: ref.qualifier }), { abortSignal: AbortSignal.timeout(CHECK_TIMEOUT_MS) });
    if (Object.keys(c.Environment?.Variables ?? {}).length > 0) refuse("the function cannot have environment variables");
    if ((c.Layers ?? []).length > 0) refuse("the function cannot have layers");
  } catch (err) {
    if ((err as { name?: unknown }).name === "ResourceNotFoundException") refuse("the function version does not exist");
    else log.warn(`Lambda@Edge association ${arn}: ${endpoint} could not be asked about it: ${err instanceof Error ? err.message : String(err)}`);
  }
}
