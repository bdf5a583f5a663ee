// CloudFront Functions on the CloudFront API: Create, Describe, Get, Update, Publish, Delete, List
// and Test (docs/functions.md §1, §5; docs/control-plane.md §3 If-Match, §6 "Functions and KVS", Appendix A).
// A function has a DEVELOPMENT stage and, once published, a LIVE stage; each has its own ETag.
// Update/Publish/Delete want the DEVELOPMENT ETag, Test the ETag of the stage it tests.
// Code is checked on Create/Update: 10 KB at most (FunctionSizeLimitExceeded), then the runtime's
// language rules and a compile (InvalidArgument). AWS documents no wording for those errors.
//
// UpdateFunction's answer carries both the model's `ETtag` header and `ETag`. Not done here: tags given to
// CreateFunction are stored but Tag/Untag/ListTagsForResource do not resolve function ARNs yet
// (handlers/tags.ts resolves distributions).
import type {
  CreateFunctionRequest,
  CreateFunctionResult,
  DeleteFunctionRequest,
  DescribeFunctionRequest,
  DescribeFunctionResult,
  FunctionConfig,
  FunctionSummary,
  GetFunctionRequest,
  GetFunctionResult,
  ListFunctionsRequest,
  ListFunctionsResult,
  PublishFunctionRequest,
  PublishFunctionResult,
  TestFunctionRequest,
  TestFunctionResult,
  UpdateFunctionRequest,
  UpdateFunctionResult,
} from "@aws-sdk/client-cloudfront";
import { fail } from "../../../api/errors.ts";
import type { RequestContext } from "../../../api/service.ts";
import type { CloudFrontState } from "../state.ts";
import type { FunctionRecord, FunctionStage, FunctionStageRecord } from "../function-store.ts";
import { messages } from "../messages.ts";
import { EXTRA_HEADERS } from "../../../api/rest-xml.ts";
import { checkIfMatch, pageAfterMarker } from "./common.ts";
import { checkFunctionConfig, decodeFunctionCode, stageEntries, stageOf } from "./function-checks.ts";
import { validateTags } from "./tags.ts";
import { formatFunctionOutput } from "../../../functions/output.ts";
import type { FunctionEvent, FunctionRunResult, FunctionRuntimeName } from "../../../functions/types.ts";

type Ctx = RequestContext<CloudFrontState>;

/** Model: FunctionName pattern `[a-zA-Z0-9-_]{1,64}`. */
const NAME = /^[a-zA-Z0-9_-]{1,64}$/;
/** Quota: functions per account (CloudFront guide "Quotas", docs/control-plane.md §9). */
export const MAX_FUNCTIONS = 100;
/** Model: FunctionEventObject is a blob of at most 40,960 bytes. */
const MAX_EVENT_OBJECT_BYTES = 40_960;
const RUNTIMES: readonly string[] = ["cloudfront-js-1.0", "cloudfront-js-2.0"];
/** GetFunction's Content-Type (the value AWS sends is unverified, docs/control-plane.md §2). */
const CODE_CONTENT_TYPE = "application/octet-stream";

export async function CreateFunction({ Name, FunctionConfig: config, FunctionCode, Tags }: CreateFunctionRequest, ctx: Ctx): Promise<CreateFunctionResult> {
  const store = ctx.service.functions;
  const name = Name ?? "";
  if (!NAME.test(name)) fail("InvalidArgument", messages.functionBadName(name));
  if (store.get(name)) fail("FunctionAlreadyExists", messages.functionAlreadyExists(name));
  if (store.size >= MAX_FUNCTIONS) fail("TooManyFunctions", messages.tooManyFunctions(MAX_FUNCTIONS));
  const cfg = validateConfig(config, ctx.service);
  const tags = Tags?.Items ?? [];
  validateTags(tags);
  const code = await checkCode(FunctionCode, cfg.Runtime as FunctionRuntimeName, ctx.service);
  // Another call may have taken the name while the code was being checked.
  if (store.get(name)) fail("FunctionAlreadyExists", messages.functionAlreadyExists(name));
  const now = ctx.service.clock.now();
  const rec: FunctionRecord = {
    Name: name,
    createdAt: now,
    development: { ETag: ctx.service.ids.resourceId(), config: cfg, code, lastModified: now },
    tags: tags.map((t) => ({ Key: t.Key, Value: t.Value ?? "" })),
  };
  store.put(rec);
  return {
    FunctionSummary: summary(ctx.service, rec, "DEVELOPMENT"),
    ETag: rec.development.ETag,
    // AWS answers with the ARN in the path: …/2020-05-31/function/arn:aws:cloudfront::<acct>:function/<name>.
    Location: `${ctx.baseUrl}/2020-05-31/function/${store.arn(name)}`,
  };
}

export function DescribeFunction({ Name, Stage }: DescribeFunctionRequest, ctx: Ctx): DescribeFunctionResult {
  const rec = mustGet(ctx.service, Name);
  const stage = stageOf(Stage);
  const s = stageRecord(rec, stage);
  return { FunctionSummary: summary(ctx.service, rec, stage), ETag: s.ETag };
}

export function GetFunction({ Name, Stage }: GetFunctionRequest, ctx: Ctx): GetFunctionResult {
  const rec = mustGet(ctx.service, Name);
  const s = stageRecord(rec, stageOf(Stage));
  return { FunctionCode: new Uint8Array(Buffer.from(s.code, "base64")), ETag: s.ETag, ContentType: CODE_CONTENT_TYPE };
}

export async function UpdateFunction({ Name, IfMatch, FunctionConfig: config, FunctionCode }: UpdateFunctionRequest, ctx: Ctx): Promise<UpdateFunctionResult> {
  const store = ctx.service.functions;
  const rec = mustGet(ctx.service, Name);
  checkIfMatch(IfMatch, rec.development.ETag);
  const cfg = validateConfig(config, ctx.service);
  const code = await checkCode(FunctionCode, cfg.Runtime as FunctionRuntimeName, ctx.service);
  // A concurrent update or delete while the code was being checked wins; this one is stale.
  const current = mustGet(ctx.service, Name);
  checkIfMatch(IfMatch, current.development.ETag);
  const updated: FunctionRecord = {
    ...current,
    development: { ETag: ctx.service.ids.resourceId(), config: cfg, code, lastModified: ctx.service.clock.now() },
  };
  store.put(updated);
  // The model binds this ETag to the `ETtag` header (docs/control-plane.md §3 quirk); CloudFront sends
  // the plain `ETag` header as well, which raw HTTP clients read.
  return { FunctionSummary: summary(ctx.service, updated, "DEVELOPMENT"), ETag: updated.development.ETag, [EXTRA_HEADERS]: { ETag: updated.development.ETag } } as UpdateFunctionResult;
}

export function PublishFunction({ Name, IfMatch }: PublishFunctionRequest, ctx: Ctx): PublishFunctionResult {
  const rec = mustGet(ctx.service, Name);
  checkIfMatch(IfMatch, rec.development.ETag);
  // CloudFront guide "Publish functions": copies DEVELOPMENT to LIVE; behaviors using the ARN run the new copy.
  const live: FunctionStageRecord = { ...rec.development, ETag: ctx.service.ids.resourceId(), lastModified: ctx.service.clock.now() };
  const published: FunctionRecord = { ...rec, live };
  ctx.service.functions.put(published);
  return { FunctionSummary: summary(ctx.service, published, "LIVE") };
}

export function DeleteFunction({ Name, IfMatch }: DeleteFunctionRequest, ctx: Ctx): Record<string, never> {
  const store = ctx.service.functions;
  const rec = mustGet(ctx.service, Name);
  checkIfMatch(IfMatch, rec.development.ETag);
  if (store.isAssociated(rec.Name)) fail("FunctionInUse", messages.functionInUse(rec.Name));
  store.delete(rec.Name);
  return {};
}

export function ListFunctions({ Marker, MaxItems, Stage }: ListFunctionsRequest, ctx: Ctx): ListFunctionsResult {
  const state = ctx.service;
  // Without a Stage filter a published function is listed once per stage.
  const entries = stageEntries(state.functions.list(), Stage);
  const page = pageAfterMarker(entries, (e) => `${e.rec.Name}:${e.stage}`, Marker, MaxItems);
  return {
    FunctionList: {
      MaxItems: page.maxItems,
      Quantity: page.items.length,
      ...(page.nextMarker !== undefined ? { NextMarker: page.nextMarker } : {}),
      ...(page.items.length > 0 ? { Items: page.items.map((e) => summary(state, e.rec, e.stage)) } : {}),
    },
  };
}

/**
 * docs/functions.md §5, CloudFront guide "Test functions": runs the stage's code on the given event. Output checks are
 * off ("CloudFront only validates against function execution errors"); a function that fails
 * reports FunctionErrorMessage with CloudFront's viewer-facing sentence in front.
 */
export async function TestFunction({ Name, IfMatch, Stage, EventObject }: TestFunctionRequest, ctx: Ctx): Promise<TestFunctionResult> {
  const state = ctx.service;
  const rec = mustGet(state, Name);
  const stage = stageOf(Stage);
  const s = stageRecord(rec, stage);
  checkIfMatch(IfMatch, s.ETag);
  const event = parseEventObject(EventObject);
  const fn = state.functions.runnable(rec, stage) ?? fail("NoSuchFunctionExists", messages.noSuchFunctionStage(rec.Name, stage));
  let result: FunctionRunResult;
  try {
    // The console's tests see "" from rawQueryString() whatever the event holds (a public report); the API's likewise.
    result = await state.functions.runtime().run(fn, event.context.eventType, event, { validateOutput: false, rawQueryString: "" });
  } catch (err) {
    fail("TestFunctionFailed", messages.functionTestFailed(err instanceof Error ? err.message : String(err)));
  }
  return {
    TestResult: {
      FunctionSummary: summary(state, rec, stage),
      ComputeUtilization: String(result.computeUtilization),
      FunctionExecutionLogs: result.logs,
      FunctionErrorMessage: result.kind === "error" ? messages.functionCouldNotRun(result.message) : "",
      FunctionOutput: testOutput(result),
    },
  };
}

// ---------------------------------------------------------------------------------------------

function testOutput(result: FunctionRunResult): string {
  switch (result.kind) {
    case "error":
      return "";
    case "request":
      return formatFunctionOutput({ ok: true, kind: "request", request: result.request });
    default:
      return formatFunctionOutput({ ok: true, kind: result.kind, response: result.response });
  }
}

function mustGet(state: CloudFrontState, name: string | undefined): FunctionRecord {
  return state.functions.get(name) ?? fail("NoSuchFunctionExists", messages.noSuchFunction(name ?? ""));
}

/** Asking for LIVE of an unpublished function is NoSuchFunctionExists (docs/functions.md §1). */
function stageRecord(rec: FunctionRecord, stage: FunctionStage): FunctionStageRecord {
  const s = stage === "LIVE" ? rec.live : rec.development;
  return s ?? fail("NoSuchFunctionExists", messages.noSuchFunctionStage(rec.Name, stage));
}

function summary(state: CloudFrontState, rec: FunctionRecord, stage: FunctionStage): FunctionSummary {
  const s = stageRecord(rec, stage);
  return {
    Name: rec.Name,
    Status: state.functions.status(rec),
    FunctionConfig: s.config,
    FunctionMetadata: {
      FunctionARN: state.functions.arn(rec.Name),
      Stage: stage,
      CreatedTime: new Date(rec.createdAt),
      LastModifiedTime: new Date(s.lastModified),
    },
  };
}

function validateConfig(config: FunctionConfig | undefined, state: CloudFrontState): FunctionConfig {
  return checkFunctionConfig(config, state, RUNTIMES, messages.functionBadRuntime);
}

/** Size, then UTF-8, then the runtime's rules and a compile; returns the code as base64. */
async function checkCode(code: Uint8Array | undefined, runtime: FunctionRuntimeName, state: CloudFrontState): Promise<string> {
  // docs/functions.md §3: 10 KB per the quotas page (the model allows 40,960 bytes).
  const text = decodeFunctionCode(code, "FunctionSizeLimitExceeded");
  const checked = await state.functions.runtime().check(text, runtime);
  if (!checked.ok) fail("InvalidArgument", messages.functionCodeInvalid(checked.message));
  return Buffer.from(code as Uint8Array).toString("base64");
}

/** TestFunction's EventObject: JSON with a viewer-request or viewer-response context and a request. */
function parseEventObject(blob: Uint8Array | undefined): FunctionEvent {
  const bytes = blob ?? new Uint8Array();
  if (bytes.length > MAX_EVENT_OBJECT_BYTES) fail("InvalidArgument", messages.functionBadEventObject(`it is larger than ${MAX_EVENT_OBJECT_BYTES} bytes`));
  let event: unknown;
  try {
    event = JSON.parse(Buffer.from(bytes).toString("utf8"));
  } catch (err) {
    fail("InvalidArgument", messages.functionBadEventObject(err instanceof Error ? err.message : "not JSON"));
  }
  const e = event as Partial<FunctionEvent> | null;
  if (e === null || typeof e !== "object" || Array.isArray(e)) fail("InvalidArgument", messages.functionBadEventObject("it must be a JSON object"));
  const eventType = e.context?.eventType;
  if (eventType !== "viewer-request" && eventType !== "viewer-response") {
    fail("InvalidArgument", messages.functionBadEventObject("context.eventType must be viewer-request or viewer-response"));
  }
  if (typeof e.request !== "object" || e.request === null) fail("InvalidArgument", messages.functionBadEventObject("it has no request object"));
  if (eventType === "viewer-response" && (typeof e.response !== "object" || e.response === null)) {
    fail("InvalidArgument", messages.functionBadEventObject("a viewer-response event needs a response object"));
  }
  return e as FunctionEvent;
}
