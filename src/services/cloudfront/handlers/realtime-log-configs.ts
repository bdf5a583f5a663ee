// Real-time log configurations: CreateRealtimeLogConfig, GetRealtimeLogConfig, UpdateRealtimeLogConfig,
// DeleteRealtimeLogConfig, ListRealtimeLogConfigs (CloudFront Developer Guide, "Real-time logs";
// API reference "CreateRealtimeLogConfig", "UpdateRealtimeLogConfig"; docs/control-plane.md §2, §4).
//
// - SamplingRate is a whole number 1-100, Fields name fields of the guide's "Real-time log
//   configuration fields" (answered in record order, each once), EndPoints are StreamType Kinesis
//   with a Kinesis stream ARN and an IAM role ARN; anything else is InvalidArgument.
// - Names are unique per account → RealtimeLogConfigAlreadyExists; the ARN ends in the name.
// - Get, Update and Delete take Name or ARN (both: they must agree); unknown → NoSuchRealtimeLogConfig.
// - Delete of a config a cache behavior names → RealtimeLogConfigInUse.
// - No ETag or If-Match: the model has none for these operations.
// Not emulated: the account quota's exact figure (15 here, from the guide's "Quotas" page as last
// read; unverified), RealtimeLogConfigOwnerMismatch (one account), checks that the stream and role
// exist or that the role may write to the stream (AWS checks neither at creation either).
// Lenient where AWS's rule is not documented: a name may be 1-128 characters without `/` or
// whitespace, an Update may leave out members it does not change, duplicate fields are kept once.
import type {
  CreateRealtimeLogConfigRequest,
  CreateRealtimeLogConfigResult,
  DeleteRealtimeLogConfigRequest,
  DistributionConfig,
  EndPoint,
  GetRealtimeLogConfigRequest,
  GetRealtimeLogConfigResult,
  ListRealtimeLogConfigsRequest,
  ListRealtimeLogConfigsResult,
  RealtimeLogConfig,
  UpdateRealtimeLogConfigRequest,
  UpdateRealtimeLogConfigResult,
} from "@aws-sdk/client-cloudfront";
import { fail } from "../../../api/errors.ts";
import type { RequestContext } from "../../../api/service.ts";
import type { CloudFrontState } from "../state.ts";
import { messages } from "../messages.ts";
import { inRecordOrder, isRealtimeLogField } from "../realtime-log-fields.ts";
import { realtimeLogConfigArn, type RealtimeLogConfigRecord } from "../stores/realtime-log-configs.ts";
import { markerList, pageAfterMarker } from "./common.ts";

type Ctx = RequestContext<CloudFrontState>;

export const MAX_REALTIME_LOG_CONFIGS = 15;
const MAX_NAME = 128;
/** `arn:<partition>:kinesis:<region>:<account>:stream/<name>` (Kinesis stream names: 1-128 of A-Z a-z 0-9 _ . -). */
export const KINESIS_STREAM_ARN = /^arn:aws(?:-[a-z]+)*:kinesis:([a-z]{2}(?:-[a-z]+)+-\d):(\d{12}):stream\/([A-Za-z0-9_.-]{1,128})$/;
/** `arn:<partition>:iam::<account>:role/<path/><name>` (IAM role names and paths). */
const IAM_ROLE_ARN = /^arn:aws(?:-[a-z]+)*:iam::\d{12}:role\/(?:[\x21-\x7e]+\/)?[\w+=,.@-]{1,64}$/;

export function CreateRealtimeLogConfig(input: CreateRealtimeLogConfigRequest, ctx: Ctx): CreateRealtimeLogConfigResult {
  const state = ctx.service;
  const name = input.Name ?? "";
  if (name.length < 1 || name.length > MAX_NAME || /[\s/]/.test(name)) fail("InvalidArgument", messages.badName("real-time log configuration", name, MAX_NAME));
  const settings = checkSettings(input.SamplingRate, input.EndPoints, input.Fields);
  if (state.realtimeLogConfigs.has(name)) fail("RealtimeLogConfigAlreadyExists", messages.realtimeLogConfigExists(name));
  if (state.realtimeLogConfigs.size >= MAX_REALTIME_LOG_CONFIGS) fail("TooManyRealtimeLogConfigs", messages.tooManyRealtimeLogConfigs(MAX_REALTIME_LOG_CONFIGS));
  const rec: RealtimeLogConfigRecord = { Id: name, ARN: realtimeLogConfigArn(state.settings.accountId, name), ...settings };
  state.realtimeLogConfigs.put(rec);
  return { RealtimeLogConfig: view(rec) };
}

export function GetRealtimeLogConfig({ Name, ARN }: GetRealtimeLogConfigRequest, ctx: Ctx): GetRealtimeLogConfigResult {
  return { RealtimeLogConfig: view(mustFind(ctx.service, Name, ARN)) };
}

export function UpdateRealtimeLogConfig(input: UpdateRealtimeLogConfigRequest, ctx: Ctx): UpdateRealtimeLogConfigResult {
  const state = ctx.service;
  const rec = mustFind(state, input.Name, input.ARN);
  const settings = checkSettings(input.SamplingRate ?? rec.SamplingRate, input.EndPoints ?? [...rec.EndPoints], input.Fields ?? [...rec.Fields]);
  const updated: RealtimeLogConfigRecord = { ...rec, ...settings };
  state.realtimeLogConfigs.put(updated);
  return { RealtimeLogConfig: view(updated) };
}

export function DeleteRealtimeLogConfig({ Name, ARN }: DeleteRealtimeLogConfigRequest, ctx: Ctx): Record<string, never> {
  const state = ctx.service;
  const rec = mustFind(state, Name, ARN);
  if (state.listDistributions().some((d) => realtimeLogConfigArns(d.config).has(rec.ARN))) fail("RealtimeLogConfigInUse", messages.realtimeLogConfigInUse(rec.Id));
  state.realtimeLogConfigs.delete(rec.Id);
  return {};
}

export function ListRealtimeLogConfigs({ Marker, MaxItems }: ListRealtimeLogConfigsRequest, ctx: Ctx): ListRealtimeLogConfigsResult {
  const page = pageAfterMarker(ctx.service.realtimeLogConfigs.list(), (c) => c.Id, Marker, MaxItems);
  // RealtimeLogConfigs has no Quantity: the model-driven serializer leaves out what its shape lacks.
  return { RealtimeLogConfigs: markerList(page, Marker, view) };
}

/** The ARNs of the real-time log configurations a distribution's cache behaviors name. */
export function realtimeLogConfigArns(config: DistributionConfig): Set<string> {
  const arns = new Set<string>();
  for (const b of [config.DefaultCacheBehavior, ...(config.CacheBehaviors?.Items ?? [])]) {
    if (b?.RealtimeLogConfigArn) arns.add(b.RealtimeLogConfigArn);
  }
  return arns;
}

function checkSettings(rate: number | undefined, endPoints: EndPoint[] | undefined, fields: string[] | undefined): Pick<RealtimeLogConfigRecord, "SamplingRate" | "EndPoints" | "Fields"> {
  // "The sampling rate is a whole number between 1 and 100 (inclusive)" (guide, "Sampling rate").
  if (rate === undefined || !Number.isInteger(rate) || rate < 1 || rate > 100) fail("InvalidArgument", messages.badRealtimeLogConfig(`SamplingRate must be a whole number from 1 to 100, not ${String(rate)}.`));
  if (!fields || fields.length === 0) fail("InvalidArgument", messages.badRealtimeLogConfig("Fields must name at least one field."));
  for (const f of fields) if (!isRealtimeLogField(f)) fail("InvalidArgument", messages.badRealtimeLogConfig(`${f} is not a real-time log field.`));
  if (!endPoints || endPoints.length === 0) fail("InvalidArgument", messages.badRealtimeLogConfig("EndPoints must name a Kinesis data stream."));
  for (const e of endPoints) {
    if (e.StreamType !== "Kinesis") fail("InvalidArgument", messages.badRealtimeLogConfig(`StreamType must be Kinesis, not ${String(e.StreamType)}.`));
    const stream = e.KinesisStreamConfig?.StreamARN ?? "";
    const role = e.KinesisStreamConfig?.RoleARN ?? "";
    if (!KINESIS_STREAM_ARN.test(stream)) fail("InvalidArgument", messages.badRealtimeLogConfig(`StreamARN ${stream} is not the ARN of a Kinesis data stream.`));
    if (!IAM_ROLE_ARN.test(role)) fail("InvalidArgument", messages.badRealtimeLogConfig(`RoleARN ${role} is not the ARN of an IAM role.`));
  }
  const kept = endPoints.map((e) => ({ StreamType: "Kinesis", KinesisStreamConfig: { RoleARN: e.KinesisStreamConfig?.RoleARN ?? "", StreamARN: e.KinesisStreamConfig?.StreamARN ?? "" } }));
  return { SamplingRate: rate, EndPoints: kept, Fields: inRecordOrder(fields) };
}

function mustFind(state: CloudFrontState, name: string | undefined, arn: string | undefined): RealtimeLogConfigRecord {
  if (!name && !arn) fail("InvalidArgument", messages.realtimeLogConfigWhich());
  const rec = arn ? state.realtimeLogConfigs.byArn(arn) : state.realtimeLogConfigs.get(name);
  if (rec && name && rec.Id !== name) fail("InvalidArgument", messages.realtimeLogConfigWhich());
  return rec ?? fail("NoSuchRealtimeLogConfig", messages.noSuchRealtimeLogConfig(arn ?? name ?? ""));
}

function view(rec: RealtimeLogConfigRecord): RealtimeLogConfig {
  return { ARN: rec.ARN, Name: rec.Id, SamplingRate: rec.SamplingRate, EndPoints: rec.EndPoints.map((e) => ({ ...e })), Fields: [...rec.Fields] };
}
