// Lambda, IAM and STS on minifront's port (issue 14): one object that owns their state and their
// API services, built on the first request for any of them (src/index.ts loads this module
// lazily), plus the download of function code that GetFunction's Code.Location points at.
// Signatures are not verified; there is one account (--account-id).
import type { ApiRequest } from "../../api/service.ts";
import type { ProtocolResponse } from "../../api/protocol.ts";
import type { Clock } from "../../clock.ts";
import type { Ids } from "../../ids.ts";
import type { Logger } from "../../log.ts";
import type { DocumentStore } from "../../store/document-store.ts";
import type { S3Storage } from "../s3/storage.ts";
import { IamState } from "../iam/state.ts";
import { createIamApi } from "../iam/index.ts";
import { createStsApi } from "../sts/index.ts";
import { createLambdaApi } from "./index.ts";
import { LambdaState } from "./state.ts";
import type { LambdaContext, S3ObjectRead } from "./context.ts";
import { CODE_DOWNLOAD_PATH } from "./names.ts";
import { LambdaRuntime } from "../../functions/lambda/runtime.ts";
import { edgeFacts, type EdgeFacts } from "./edge-facts.ts";
import { findDeployedCode, lambdaCode } from "./deployed-code.ts";
import { localCode, type LocalFunction } from "./local-functions.ts";
import type { InvokeOptions, InvokeOutcome, LambdaCode } from "../../functions/lambda/types.ts";
import { remoteFunctions } from "./remote-functions.ts";

export type LambdaPlatformService = "lambda" | "iam" | "sts";

export interface LambdaPlatformDeps {
  readonly store: DocumentStore;
  readonly storage: S3Storage;
  readonly dataDir: string;
  readonly accountId: string;
  readonly clock: Clock;
  readonly ids: Ids;
  readonly log: Logger;
  /** Functions whose code is a local directory (--edge-lambda; local-functions.ts). */
  readonly localFunctions?: readonly LocalFunction[];
  /** Another emulator's Lambda that runs the functions minifront has none of (--lambda-endpoint; remote-functions.ts). */
  readonly lambdaEndpoint?: string;
}

export interface LambdaPlatform {
  /** Answers a Lambda, IAM or STS API request. */
  handle(service: LambdaPlatformService, req: ApiRequest): Promise<ProtocolResponse & { operation: string | undefined }>;
  /** `GET /_minifront/lambda/code/<sha256>.zip`: a function's zip; undefined for any other path. */
  download(method: string, path: string): ProtocolResponse | undefined;
  /** Forgets the state after the document store was cleared (the reset endpoints). */
  reset(): void;
  /** The Lambda state, for the edge: see deployed-code.ts. */
  lambdaState(): LambdaState;
  /** The runtime that runs function code (Invoke and Lambda@Edge). */
  runtime(): LambdaRuntime;
  /** The code a Lambda@Edge association's qualified ARN runs; undefined when there is no such version. */
  edgeCode(arn: string): LambdaCode | undefined;
  /** Invokes an association's function in the --lambda-endpoint emulator; undefined when there is none or it has no such version. */
  edgeRemote(arn: string, eventJson: string, options: InvokeOptions): Promise<InvokeOutcome | undefined>;
  /** What CloudFront checks about a version it associates (edge-facts.ts). */
  edgeFacts(arn: string): EdgeFacts | undefined;
  /** Stops the runtime's processes (minifront stopping). */
  dispose(): void;
}

/** A local function passes CloudFront's association checks: it has no role, environment or layers. */
const LOCAL_FACTS: EdgeFacts = { roleArn: "", roleTrustedByEdge: true, hasEnvironment: false, hasLayers: false, memorySize: 128, timeout: 5 };

export function createLambdaPlatform(deps: LambdaPlatformDeps): LambdaPlatform {
  const locals = deps.localFunctions ?? [];
  const remote = deps.lambdaEndpoint ? remoteFunctions(deps.lambdaEndpoint, deps.log) : undefined;
  const apis = { lambda: createLambdaApi(deps.log), iam: createIamApi(deps.log), sts: createStsApi(deps.log) };
  let states: { iam: IamState; lambda: LambdaContext } | undefined;
  const live = () => {
    if (states) return states;
    const iam = new IamState(deps.store, deps.accountId, deps.clock, deps.ids);
    const lambda = new LambdaState(deps.store, deps.dataDir, deps.accountId, deps.clock, deps.ids);
    const runtime = new LambdaRuntime({ dataDir: deps.dataDir, log: deps.log });
    states = { iam, lambda: { state: lambda, iam, readS3Object: (bucket, key, limit) => readS3Object(deps.storage, bucket, key, limit), log: deps.log, runtime } };
    return states;
  };
  return {
    handle(service, req) {
      const s = live();
      if (service === "iam") return apis.iam.handle(req, s.iam);
      if (service === "sts") return apis.sts.handle(req, { accountId: deps.accountId });
      return apis.lambda.handle(req, s.lambda);
    },
    download(method, path): ProtocolResponse | undefined {
      if (!path.startsWith(CODE_DOWNLOAD_PATH) || (method !== "GET" && method !== "HEAD")) return undefined;
      const zip = live().lambda.state.code.readByFileName(path.slice(CODE_DOWNLOAD_PATH.length));
      const headers: Record<string, string> = zip ? { "Content-Type": "application/zip", "Content-Length": String(zip.length) } : { "Content-Type": "text/plain" };
      return zip ? { status: 200, headers, body: zip } : { status: 404, headers, body: "No such function code\n" };
    },
    reset() {
      states?.lambda.runtime.dispose();
      states = undefined;
    },
    lambdaState: () => live().lambda.state,
    runtime: () => live().lambda.runtime,
    edgeFacts: (arn) => (localCode(locals, deps.accountId, arn) ? LOCAL_FACTS : (edgeFacts(live().lambda.state, live().iam, arn) ?? remote?.facts(arn))),
    edgeCode(arn) {
      const local = localCode(locals, deps.accountId, arn);
      if (local) return local;
      const deployed = findDeployedCode(live().lambda.state, arn);
      return deployed ? lambdaCode(deployed) : undefined;
    },
    edgeRemote: async (arn, eventJson, options) => remote?.invoke(arn, eventJson, options),
    dispose() {
      states?.lambda.runtime.dispose();
      remote?.dispose();
    },
  };
}

/** An object of the embedded S3, read through its storage as CreateKeyValueStore's import is. */
async function readS3Object(storage: S3Storage, bucket: string, key: string, limit: number): Promise<S3ObjectRead> {
  if (!storage.getBucket(bucket)) return { missing: "bucket" };
  const obj = storage.getObject(bucket, key);
  if (!obj) return { missing: "key" };
  const chunks: Buffer[] = [];
  for await (const chunk of storage.readBlob(obj.blob, { start: 0, end: limit })) chunks.push(chunk as Buffer);
  return { bytes: Buffer.concat(chunks) };
}
