// Connection functions: Create, Describe, Get, Update, Publish, Delete, List and Test (CloudFront API
// reference; Developer Guide "Associate CloudFront Connection Functions", "Configuration and limits").
// Like CloudFront Functions (handlers/functions.ts): a DEVELOPMENT stage and, once published, a LIVE
// stage with their own ETags; Update/Publish/Delete want the DEVELOPMENT ETag, Test the tested stage's.
//
// - Runtime: cloudfront-js-2.0 only ("Connection functions only support JavaScript runtime 2.0");
//   code checked as a function's is (10 KB, UTF-8, the runtime's rules, a compile) → InvalidArgument
//   or EntitySizeLimitExceeded (the errors the model declares; no FunctionSizeLimitExceeded here).
// - Names unique per account → EntityAlreadyExists; unknown ids → EntityNotFound.
// - Only the LIVE stage can be associated with a distribution; an associated function cannot be
//   deleted → CannotDeleteEntityWhileInUse.
// - TestConnectionFunction runs the stage's code (functions/connection-function.ts) on the
//   ConnectionObject, JSON of the connection object the function sees; ConnectionFunctionOutput is
//   `{"decision":"allow"|"deny"}` (AWS's output format unverified).
import type {
  ConnectionFunctionSummary,
  CreateConnectionFunctionRequest,
  CreateConnectionFunctionResult,
  DeleteConnectionFunctionRequest,
  DescribeConnectionFunctionRequest,
  DescribeConnectionFunctionResult,
  FunctionConfig,
  GetConnectionFunctionRequest,
  GetConnectionFunctionResult,
  ListConnectionFunctionsRequest,
  ListConnectionFunctionsResult,
  PublishConnectionFunctionRequest,
  PublishConnectionFunctionResult,
  TestConnectionFunctionRequest,
  TestConnectionFunctionResult,
  UpdateConnectionFunctionRequest,
  UpdateConnectionFunctionResult,
} from "@aws-sdk/client-cloudfront";
import { fail } from "../../../api/errors.ts";
import type { RequestContext } from "../../../api/service.ts";
import type { CloudFrontState } from "../state.ts";
import { runnable, type ConnectionFunctionRecord, type ConnectionFunctionStage, type ConnectionFunctionStageRecord } from "../stores/connection-functions.ts";
import { messages } from "../messages.ts";
import { checkIfMatch, pageAfterMarker } from "./common.ts";
import { validateTags } from "./tags.ts";
import { checkFunctionConfig, decodeFunctionCode, stageEntries, stageOf } from "./function-checks.ts";
import { connectionFunctionSource, runConnectionFunction, type ConnectionObject } from "../../../functions/connection-function.ts";

type Ctx = RequestContext<CloudFrontState>;

/** Model: the name pattern `[a-zA-Z0-9-_]{1,64}`. */
const NAME = /^[a-zA-Z0-9_-]{1,64}$/;
/** Connection functions per account (quota unverified; as for CloudFront Functions). */
export const MAX_CONNECTION_FUNCTIONS = 100;
/** Model: the ConnectionObject blob is at most 40,960 bytes (as FunctionEventObject). */
const MAX_CONNECTION_OBJECT_BYTES = 40_960;
const CODE_CONTENT_TYPE = "application/octet-stream";
const WHAT = "connection function";

export async function CreateConnectionFunction(input: CreateConnectionFunctionRequest, ctx: Ctx): Promise<CreateConnectionFunctionResult> {
  const state = ctx.service;
  const name = input.Name ?? "";
  if (!NAME.test(name)) fail("InvalidArgument", messages.functionBadName(name));
  const taken = () => state.connectionFunctions.find((f) => f.Name === name) && fail("EntityAlreadyExists", messages.entityAlreadyExists(WHAT, name));
  taken();
  if (state.connectionFunctions.size >= MAX_CONNECTION_FUNCTIONS) fail("EntityLimitExceeded", `You have reached the maximum number of connection functions (${MAX_CONNECTION_FUNCTIONS}).`);
  const config = validateConfig(input.ConnectionFunctionConfig, state);
  const tags = input.Tags?.Items ?? [];
  validateTags(tags);
  const code = await checkCode(input.ConnectionFunctionCode, state);
  taken();
  const id = state.ids.resourceId();
  const now = state.clock.now();
  const rec: ConnectionFunctionRecord = {
    Id: id,
    Name: name,
    Arn: state.arn("connection-function", id),
    createdAt: now,
    development: { ETag: state.ids.resourceId(), config, code, lastModified: now },
    tags: tags.map((t) => ({ Key: t.Key, Value: t.Value ?? "" })),
  };
  state.connectionFunctions.put(rec);
  return { ConnectionFunctionSummary: summary(state, rec, "DEVELOPMENT"), ETag: rec.development.ETag, Location: `${ctx.baseUrl}/2020-05-31/connection-function/${rec.Id}` };
}

export function DescribeConnectionFunction({ Identifier, Stage }: DescribeConnectionFunctionRequest, ctx: Ctx): DescribeConnectionFunctionResult {
  const rec = mustGet(ctx.service, Identifier);
  const stage = stageOf(Stage);
  return { ConnectionFunctionSummary: summary(ctx.service, rec, stage), ETag: stageRecord(rec, stage).ETag };
}

export function GetConnectionFunction({ Identifier, Stage }: GetConnectionFunctionRequest, ctx: Ctx): GetConnectionFunctionResult {
  const s = stageRecord(mustGet(ctx.service, Identifier), stageOf(Stage));
  return { ConnectionFunctionCode: new Uint8Array(Buffer.from(s.code, "base64")), ETag: s.ETag, ContentType: CODE_CONTENT_TYPE };
}

export async function UpdateConnectionFunction(input: UpdateConnectionFunctionRequest, ctx: Ctx): Promise<UpdateConnectionFunctionResult> {
  const state = ctx.service;
  checkIfMatch(input.IfMatch, mustGet(state, input.Id).development.ETag);
  const config = validateConfig(input.ConnectionFunctionConfig, state);
  const code = await checkCode(input.ConnectionFunctionCode, state);
  // A concurrent update or delete while the code was being checked wins; this one is stale.
  const current = mustGet(state, input.Id);
  checkIfMatch(input.IfMatch, current.development.ETag);
  const updated: ConnectionFunctionRecord = { ...current, development: { ETag: state.ids.resourceId(), config, code, lastModified: state.clock.now() } };
  state.connectionFunctions.put(updated);
  return { ConnectionFunctionSummary: summary(state, updated, "DEVELOPMENT"), ETag: updated.development.ETag };
}

export function PublishConnectionFunction({ Id, IfMatch }: PublishConnectionFunctionRequest, ctx: Ctx): PublishConnectionFunctionResult {
  const state = ctx.service;
  const rec = mustGet(state, Id);
  checkIfMatch(IfMatch, rec.development.ETag);
  // As PublishFunction: DEVELOPMENT is copied to LIVE; distributions associating the function run the new copy.
  const published: ConnectionFunctionRecord = { ...rec, live: { ...rec.development, ETag: state.ids.resourceId(), lastModified: state.clock.now() } };
  state.connectionFunctions.put(published);
  return { ConnectionFunctionSummary: summary(state, published, "LIVE") };
}

export function DeleteConnectionFunction({ Id, IfMatch }: DeleteConnectionFunctionRequest, ctx: Ctx): Record<string, never> {
  const state = ctx.service;
  const rec = mustGet(state, Id);
  checkIfMatch(IfMatch, rec.development.ETag);
  if (isAssociated(state, rec)) fail("CannotDeleteEntityWhileInUse", messages.entityInUse(WHAT, rec.Id));
  state.connectionFunctions.delete(rec.Id);
  return {};
}

export function ListConnectionFunctions({ Marker, MaxItems, Stage }: ListConnectionFunctionsRequest, ctx: Ctx): ListConnectionFunctionsResult {
  const state = ctx.service;
  // Without a Stage filter a published function is listed once per stage, as ListFunctions does.
  const entries = stageEntries(state.connectionFunctions.list(), Stage);
  const page = pageAfterMarker(entries, (e) => `${e.rec.Id}:${e.stage}`, Marker, MaxItems);
  return { ...(page.nextMarker !== undefined ? { NextMarker: page.nextMarker } : {}), ConnectionFunctions: page.items.map((e) => summary(state, e.rec, e.stage)) };
}

export async function TestConnectionFunction(input: TestConnectionFunctionRequest, ctx: Ctx): Promise<TestConnectionFunctionResult> {
  const state = ctx.service;
  const rec = mustGet(state, input.Id);
  const stage = stageOf(input.Stage);
  const s = stageRecord(rec, stage);
  checkIfMatch(input.IfMatch, s.ETag);
  const connection = parseConnectionObject(input.ConnectionObject);
  let result;
  try {
    result = await runConnectionFunction(state.functions.runtime(), runnable(rec, stage, s), connection);
  } catch (err) {
    fail("TestFunctionFailed", messages.functionTestFailed(err instanceof Error ? err.message : String(err)));
  }
  return {
    ConnectionFunctionTestResult: {
      ConnectionFunctionSummary: summary(state, rec, stage),
      ComputeUtilization: String(result.computeUtilization),
      ConnectionFunctionExecutionLogs: [...result.logs],
      ConnectionFunctionErrorMessage: result.error ?? "",
      ConnectionFunctionOutput: JSON.stringify({ decision: result.decision }),
    },
  };
}

// ---------------------------------------------------------------------------------------------

function isAssociated(state: CloudFrontState, rec: ConnectionFunctionRecord): boolean {
  return state.listDistributions().some((d) => {
    const id = d.config.ConnectionFunctionAssociation?.Id;
    return id !== undefined && (id === rec.Id || id === rec.Arn);
  });
}

function mustGet(state: CloudFrontState, identifier: string | undefined): ConnectionFunctionRecord {
  return state.connectionFunctions.byIdentifier(identifier) ?? fail("EntityNotFound", messages.entityNotFound(WHAT));
}

/** LIVE of an unpublished function is EntityNotFound. */
function stageRecord(rec: ConnectionFunctionRecord, stage: ConnectionFunctionStage): ConnectionFunctionStageRecord {
  return (stage === "LIVE" ? rec.live : rec.development) ?? fail("EntityNotFound", messages.entityNotFound(WHAT));
}

function summary(state: CloudFrontState, rec: ConnectionFunctionRecord, stage: ConnectionFunctionStage): ConnectionFunctionSummary {
  const s = stageRecord(rec, stage);
  return {
    Name: rec.Name,
    Id: rec.Id,
    ConnectionFunctionConfig: s.config,
    ConnectionFunctionArn: rec.Arn,
    // As FunctionSummary.Status (function-store.ts): UNPUBLISHED, UNASSOCIATED or DEPLOYED (unverified for this family).
    Status: !rec.live ? "UNPUBLISHED" : isAssociated(state, rec) ? "DEPLOYED" : "UNASSOCIATED",
    Stage: stage,
    CreatedTime: new Date(rec.createdAt),
    LastModifiedTime: new Date(s.lastModified),
  };
}

function validateConfig(config: FunctionConfig | undefined, state: CloudFrontState): FunctionConfig {
  return checkFunctionConfig(config, state, ["cloudfront-js-2.0"], (runtime) => `Connection functions run on cloudfront-js-2.0 only, not ${runtime || "(none)"}.`);
}

/** Size, UTF-8, then the runtime's rules and a compile of the code as it will run; returns base64. */
async function checkCode(code: Uint8Array | undefined, state: CloudFrontState): Promise<string> {
  const text = decodeFunctionCode(code, "EntitySizeLimitExceeded");
  if (!/\bconnectionHandler\b/.test(text)) fail("InvalidArgument", messages.functionCodeInvalid("the code defines no connectionHandler function."));
  const checked = await state.functions.runtime().check(connectionFunctionSource(text), "cloudfront-js-2.0");
  if (!checked.ok) fail("InvalidArgument", messages.functionCodeInvalid(checked.message));
  return Buffer.from(code as Uint8Array).toString("base64");
}

/** TestConnectionFunction's ConnectionObject: JSON of the connection object, with a clientIp at least. */
function parseConnectionObject(blob: Uint8Array | undefined): ConnectionObject {
  const bytes = blob ?? new Uint8Array();
  if (bytes.length > MAX_CONNECTION_OBJECT_BYTES) fail("InvalidArgument", `The ConnectionObject is larger than ${MAX_CONNECTION_OBJECT_BYTES} bytes.`);
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(bytes).toString("utf8"));
  } catch (err) {
    fail("InvalidArgument", `The ConnectionObject is not JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) fail("InvalidArgument", "The ConnectionObject must be a JSON object.");
  const obj = value as Record<string, unknown>;
  return { ...obj, clientIp: typeof obj["clientIp"] === "string" ? obj["clientIp"] : "127.0.0.1" } as ConnectionObject;
}
