// Functions (Lambda API Reference: CreateFunction, GetFunction, GetFunctionConfiguration,
// ListFunctions, UpdateFunctionCode, UpdateFunctionConfiguration, DeleteFunction,
// GetFunctionCodeSigningConfig). Code comes in the request (ZipFile) or from the embedded S3
// (S3Bucket/S3Key); GetFunction's Code.Location is a minifront URL the zip downloads from. Every
// change gives the version a new RevisionId; a stale RevisionId is PreconditionFailedException.
// Not emulated: container images, S3ObjectVersion (the current object is read), code signing
// (GetFunctionCodeSigningConfig answers none), reserved concurrency, VPCs, DryRun beyond checks.
import type {
  CreateFunctionRequest,
  DeleteFunctionRequest,
  DeleteFunctionResponse,
  FunctionCode,
  FunctionConfiguration,
  GetFunctionCodeSigningConfigRequest,
  GetFunctionCodeSigningConfigResponse,
  GetFunctionConfigurationRequest,
  GetFunctionRequest,
  GetFunctionResponse,
  ListFunctionsRequest,
  ListFunctionsResponse,
  UpdateFunctionCodeRequest,
  UpdateFunctionConfigurationRequest,
} from "@aws-sdk/client-lambda";
import { fail } from "../../../api/errors.ts";
import { MAX_UNZIPPED_BYTES } from "../code-store.ts";
import { applySettings, configurationView, newSettings } from "../configuration.ts";
import { messages } from "../messages.ts";
import { CODE_DOWNLOAD_PATH, parseFunctionName, requestRegion } from "../names.ts";
import type { FunctionRecord, VersionRecord } from "../state.ts";
import { arnOf, checkRevision, checkRoleAssumable, findTarget, page, resolveVersion, type Ctx } from "./common.ts";
import { publishVersion } from "./versions.ts";

const ARCHITECTURES = ["x86_64", "arm64"];
/** Lambda quotas: 50 tags per function. */
export const MAX_TAGS = 50;

export async function CreateFunction(input: CreateFunctionRequest, ctx: Ctx): Promise<FunctionConfiguration> {
  const ref = parseFunctionName(input.FunctionName ?? "");
  if (ref.qualifier !== undefined) fail("InvalidParameterValueException", messages.qualifierOnCreate());
  if (input.PackageType === "Image" || input.Code?.ImageUri !== undefined) fail("InvalidParameterValueException", messages.imagesUnsupported());
  const settings = { ...newSettings(ref.name, input), Architectures: checkArchitectures(input.Architectures) ?? ["x86_64"] };
  const state = ctx.service.state;
  if (state.get(ref.name)) fail("ResourceConflictException", messages.functionExists(ref.name));
  checkRoleAssumable(ctx, settings.Role);
  if (Object.keys(input.Tags ?? {}).length > MAX_TAGS) fail("InvalidParameterValueException", messages.tooManyTags(MAX_TAGS));
  const zip = await readCode(ctx, input.Code);
  // The S3 read awaited: another CreateFunction may have taken the name meanwhile.
  if (state.get(ref.name)) fail("ResourceConflictException", messages.functionExists(ref.name));
  const latest: VersionRecord = { Version: "$LATEST", settings, code: state.code.put(zip), lastModified: state.clock.now(), RevisionId: state.ids.uuid() };
  let fn: FunctionRecord = { FunctionName: ref.name, region: requestRegion(ctx.headers.authorization), latest, versions: [], nextVersion: 1, aliases: [], policies: {}, Tags: { ...input.Tags } };
  let shown = latest;
  if (input.Publish) [fn, shown] = publishVersion(ctx, fn, undefined);
  state.put(fn);
  return configurationView(fn, shown, state.accountId, false);
}

function checkArchitectures(value: string[] | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  if (value.length !== 1 || !ARCHITECTURES.includes(value[0] as string)) fail("ValidationException", messages.enumValue("architectures", value.join(","), ARCHITECTURES), 400);
  return value;
}

/** The zip from the request or from the embedded S3 (CreateFunction and UpdateFunctionCode's FunctionCode). */
async function readCode(ctx: Ctx, code: Pick<FunctionCode, "ZipFile" | "S3Bucket" | "S3Key"> | undefined): Promise<Uint8Array> {
  if (code?.ZipFile !== undefined) {
    if (code.S3Bucket !== undefined || code.S3Key !== undefined) fail("InvalidParameterValueException", messages.bothCodeSources());
    return code.ZipFile;
  }
  if (code?.S3Bucket === undefined || code.S3Key === undefined) fail("InvalidParameterValueException", messages.noCode());
  const read = await ctx.service.readS3Object(code.S3Bucket, code.S3Key, MAX_UNZIPPED_BYTES);
  if ("missing" in read) fail("InvalidParameterValueException", read.missing === "bucket" ? messages.s3BucketMissing(code.S3Bucket) : messages.s3ObjectMissing(code.S3Bucket, code.S3Key));
  return read.bytes;
}

export function GetFunction({ FunctionName, Qualifier }: GetFunctionRequest, ctx: Ctx): GetFunctionResponse {
  const { fn, qualifier } = findTarget(ctx, FunctionName, Qualifier);
  const version = resolveVersion(ctx, fn, qualifier);
  return {
    Configuration: configurationView(fn, version, ctx.service.state.accountId, qualifier !== undefined),
    Code: { RepositoryType: "S3", Location: `${ctx.baseUrl}${CODE_DOWNLOAD_PATH}${ctx.service.state.code.fileName(version.code.sha256)}` },
    ...(Object.keys(fn.Tags).length > 0 ? { Tags: { ...fn.Tags } } : {}),
  };
}

export function GetFunctionConfiguration({ FunctionName, Qualifier }: GetFunctionConfigurationRequest, ctx: Ctx): FunctionConfiguration {
  const { fn, qualifier } = findTarget(ctx, FunctionName, Qualifier);
  return configurationView(fn, resolveVersion(ctx, fn, qualifier), ctx.service.state.accountId, qualifier !== undefined);
}

/** ListFunctions: $LATEST of each function, or every version with `FunctionVersion=ALL`; by name. */
export function ListFunctions({ FunctionVersion, Marker, MaxItems }: ListFunctionsRequest, ctx: Ctx): ListFunctionsResponse {
  if (FunctionVersion !== undefined && FunctionVersion !== "ALL") fail("ValidationException", messages.enumValue("functionVersion", FunctionVersion, ["ALL"]), 400);
  const { accountId } = ctx.service.state;
  const all = ctx.service.state
    .list()
    .sort((a, b) => (a.FunctionName < b.FunctionName ? -1 : 1))
    .flatMap((fn) => (FunctionVersion === "ALL" ? [fn.latest, ...fn.versions].map((v) => configurationView(fn, v, accountId, true)) : [configurationView(fn, fn.latest, accountId, false)]));
  const { items, ...rest } = page(all, Marker, MaxItems);
  return { Functions: items, ...rest };
}

export async function UpdateFunctionCode(input: UpdateFunctionCodeRequest, ctx: Ctx): Promise<FunctionConfiguration> {
  const { fn: before, qualifier } = findTarget(ctx, input.FunctionName);
  if (qualifier !== undefined) fail("InvalidParameterValueException", messages.unsupportedQualifier("UpdateFunctionCode"));
  if (input.ImageUri !== undefined) fail("InvalidParameterValueException", messages.imagesUnsupported());
  checkRevision(input.RevisionId, before.latest.RevisionId);
  const architectures = checkArchitectures(input.Architectures);
  const zip = await readCode(ctx, input);
  const state = ctx.service.state;
  const fn = state.get(before.FunctionName) ?? fail("ResourceNotFoundException", messages.functionNotFound(arnOf(ctx, before)));
  checkRevision(input.RevisionId, fn.latest.RevisionId);
  if (input.DryRun) return configurationView(fn, fn.latest, state.accountId, false);
  const settings = architectures ? { ...fn.latest.settings, Architectures: architectures } : fn.latest.settings;
  const latest: VersionRecord = { ...fn.latest, settings, code: state.code.put(zip), lastModified: state.clock.now(), RevisionId: state.ids.uuid() };
  let updated: FunctionRecord = { ...fn, latest };
  let shown = latest;
  if (input.Publish) [updated, shown] = publishVersion(ctx, updated, undefined);
  state.put(updated);
  state.sweepCode();
  return configurationView(updated, shown, state.accountId, false);
}

export function UpdateFunctionConfiguration(input: UpdateFunctionConfigurationRequest, ctx: Ctx): FunctionConfiguration {
  const { fn, qualifier } = findTarget(ctx, input.FunctionName);
  if (qualifier !== undefined) fail("InvalidParameterValueException", messages.unsupportedQualifier("UpdateFunctionConfiguration"));
  checkRevision(input.RevisionId, fn.latest.RevisionId);
  const settings = applySettings(fn.latest.settings, input);
  if (input.Role !== undefined) checkRoleAssumable(ctx, settings.Role);
  const state = ctx.service.state;
  const latest: VersionRecord = { ...fn.latest, settings, lastModified: state.clock.now(), RevisionId: state.ids.uuid() };
  const updated = { ...fn, latest };
  state.put(updated);
  return configurationView(updated, latest, state.accountId, false);
}

/** DeleteFunction: the whole function, or with a Qualifier one published version (not one an alias uses). */
export function DeleteFunction({ FunctionName, Qualifier }: DeleteFunctionRequest, ctx: Ctx): DeleteFunctionResponse {
  const { fn, qualifier } = findTarget(ctx, FunctionName, Qualifier);
  const state = ctx.service.state;
  if (qualifier === undefined) {
    state.delete(fn.FunctionName);
    return { StatusCode: 204 };
  }
  if (qualifier === "$LATEST") fail("InvalidParameterValueException", messages.cannotDeleteLatest());
  const version = fn.versions.find((v) => v.Version === qualifier) ?? fail("ResourceNotFoundException", messages.functionNotFound(arnOf(ctx, fn, qualifier)));
  const alias = fn.aliases.find((a) => a.FunctionVersion === version.Version || a.AdditionalVersionWeights?.[version.Version] !== undefined);
  if (alias) fail("ResourceConflictException", messages.versionInUseByAlias(version.Version, arnOf(ctx, fn, alias.Name)));
  const policies = { ...fn.policies };
  delete policies[version.Version];
  state.put({ ...fn, versions: fn.versions.filter((v) => v !== version), policies });
  state.sweepCode();
  return { StatusCode: 204 };
}

/** No code signing in minifront: every function answers without a configuration. */
export function GetFunctionCodeSigningConfig({ FunctionName }: GetFunctionCodeSigningConfigRequest, ctx: Ctx): GetFunctionCodeSigningConfigResponse {
  const { fn } = findTarget(ctx, FunctionName);
  return { FunctionName: fn.FunctionName, CodeSigningConfigArn: "" };
}
