// Versions and aliases (Lambda API Reference: PublishVersion, ListVersionsByFunction, CreateAlias,
// GetAlias, UpdateAlias, DeleteAlias, ListAliases). A published version is a frozen copy of
// $LATEST's code and settings with the next number; PublishVersion publishes nothing new when
// neither changed since the last version ("Lambda doesn't publish a version if the function's
// configuration and code haven't changed since the last version"). Aliases point at a version,
// optionally with weights for one more (RoutingConfig), stored and returned as given.
import type {
  AliasConfiguration,
  CreateAliasRequest,
  DeleteAliasRequest,
  FunctionConfiguration,
  GetAliasRequest,
  ListAliasesRequest,
  ListAliasesResponse,
  ListVersionsByFunctionRequest,
  ListVersionsByFunctionResponse,
  PublishVersionRequest,
  UpdateAliasRequest,
} from "@aws-sdk/client-lambda";
import { fail } from "../../../api/errors.ts";
import { configurationView } from "../configuration.ts";
import { messages } from "../messages.ts";
import type { AliasRecord, FunctionRecord, VersionRecord, VersionSettings } from "../state.ts";
import { arnOf, checkRevision, findAlias, findTarget, page, type Ctx } from "./common.ts";

/** Lambda API Reference, CreateAlias "Name": not only digits (that would be a version). */
const ALIAS_NAME = /^(?!^[0-9]+$)([a-zA-Z0-9-_]{1,128})$/;

/** Settings without the description, which PublishVersion may set per version. */
function contentKey(v: VersionRecord): string {
  const { Description: _ignored, ...rest } = v.settings;
  return JSON.stringify(sortKeys(rest)) + v.code.sha256;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => [k, sortKeys(v)]));
}

/** Publishes $LATEST (or returns the last version when nothing changed): the new record and the version shown. */
export function publishVersion(ctx: Ctx, fn: FunctionRecord, description: string | undefined): [FunctionRecord, VersionRecord] {
  const last = fn.versions[fn.versions.length - 1];
  if (last && contentKey(last) === contentKey(fn.latest)) return [fn, last];
  const state = ctx.service.state;
  const settings: VersionSettings = { ...fn.latest.settings, ...(description !== undefined ? { Description: description } : {}) };
  const version: VersionRecord = { Version: String(fn.nextVersion), settings, code: fn.latest.code, lastModified: state.clock.now(), RevisionId: state.ids.uuid() };
  return [{ ...fn, versions: [...fn.versions, version], nextVersion: fn.nextVersion + 1 }, version];
}

export function PublishVersion({ FunctionName, CodeSha256, Description, RevisionId }: PublishVersionRequest, ctx: Ctx): FunctionConfiguration {
  const { fn, qualifier } = findTarget(ctx, FunctionName);
  if (qualifier !== undefined) fail("InvalidParameterValueException", messages.unsupportedQualifier("PublishVersion"));
  checkRevision(RevisionId, fn.latest.RevisionId);
  if (CodeSha256 !== undefined && CodeSha256 !== fn.latest.code.sha256) fail("InvalidParameterValueException", messages.codeShaMismatch(CodeSha256, fn.latest.code.sha256));
  const [updated, version] = publishVersion(ctx, fn, Description);
  if (updated !== fn) ctx.service.state.put(updated);
  return configurationView(updated, version, ctx.service.state.accountId, true);
}

export function ListVersionsByFunction({ FunctionName, Marker, MaxItems }: ListVersionsByFunctionRequest, ctx: Ctx): ListVersionsByFunctionResponse {
  const { fn } = findTarget(ctx, FunctionName);
  const all = [fn.latest, ...fn.versions].map((v) => configurationView(fn, v, ctx.service.state.accountId, true));
  const { items, ...rest } = page(all, Marker, MaxItems);
  return { Versions: items, ...rest };
}

function aliasView(ctx: Ctx, fn: FunctionRecord, a: AliasRecord): AliasConfiguration {
  return {
    AliasArn: arnOf(ctx, fn, a.Name),
    Name: a.Name,
    FunctionVersion: a.FunctionVersion,
    Description: a.Description,
    ...(a.AdditionalVersionWeights !== undefined ? { RoutingConfig: { AdditionalVersionWeights: { ...a.AdditionalVersionWeights } } } : {}),
    RevisionId: a.RevisionId,
  };
}

/** An alias points at `$LATEST` or an existing published version. */
function checkVersionExists(ctx: Ctx, fn: FunctionRecord, version: string): string {
  if (version !== "$LATEST" && !fn.versions.some((v) => v.Version === version)) fail("ResourceNotFoundException", messages.functionNotFound(arnOf(ctx, fn, version)));
  return version;
}

function checkWeights(ctx: Ctx, fn: FunctionRecord, weights: Record<string, number> | undefined): Record<string, number> | undefined {
  if (weights === undefined || Object.keys(weights).length === 0) return undefined;
  for (const [version, weight] of Object.entries(weights)) {
    checkVersionExists(ctx, fn, version);
    if (!(weight >= 0 && weight <= 1)) fail("ValidationException", messages.range(`routingConfig.additionalVersionWeights.${version}`, weight, 0, 1), 400);
  }
  return { ...weights };
}

export function CreateAlias({ FunctionName, Name, FunctionVersion, Description, RoutingConfig }: CreateAliasRequest, ctx: Ctx): AliasConfiguration {
  const { fn } = findTarget(ctx, FunctionName);
  const name = Name ?? "";
  if (!ALIAS_NAME.test(name)) fail("ValidationException", messages.pattern("name", name, "(?!^[0-9]+$)([a-zA-Z0-9-_]+)"), 400);
  if (fn.aliases.some((a) => a.Name === name)) fail("ResourceConflictException", messages.aliasExists(arnOf(ctx, fn, name)));
  const weights = checkWeights(ctx, fn, RoutingConfig?.AdditionalVersionWeights);
  const alias: AliasRecord = {
    Name: name,
    FunctionVersion: checkVersionExists(ctx, fn, FunctionVersion ?? ""),
    Description: Description ?? "",
    ...(weights !== undefined ? { AdditionalVersionWeights: weights } : {}),
    RevisionId: ctx.service.state.ids.uuid(),
  };
  const updated = { ...fn, aliases: [...fn.aliases, alias] };
  ctx.service.state.put(updated);
  return aliasView(ctx, updated, alias);
}

export function GetAlias({ FunctionName, Name }: GetAliasRequest, ctx: Ctx): AliasConfiguration {
  const { fn } = findTarget(ctx, FunctionName);
  return aliasView(ctx, fn, findAlias(ctx, fn, Name ?? ""));
}

export function UpdateAlias({ FunctionName, Name, FunctionVersion, Description, RoutingConfig, RevisionId }: UpdateAliasRequest, ctx: Ctx): AliasConfiguration {
  const { fn } = findTarget(ctx, FunctionName);
  const alias = findAlias(ctx, fn, Name ?? "");
  checkRevision(RevisionId, alias.RevisionId);
  const { AdditionalVersionWeights: oldWeights, ...rest } = alias;
  const weights = RoutingConfig !== undefined ? checkWeights(ctx, fn, RoutingConfig.AdditionalVersionWeights) : oldWeights;
  const updatedAlias: AliasRecord = {
    ...rest,
    ...(FunctionVersion !== undefined ? { FunctionVersion: checkVersionExists(ctx, fn, FunctionVersion) } : {}),
    ...(Description !== undefined ? { Description } : {}),
    ...(weights !== undefined ? { AdditionalVersionWeights: weights } : {}),
    RevisionId: ctx.service.state.ids.uuid(),
  };
  const updated = { ...fn, aliases: fn.aliases.map((a) => (a === alias ? updatedAlias : a)) };
  ctx.service.state.put(updated);
  return aliasView(ctx, updated, updatedAlias);
}

export function DeleteAlias({ FunctionName, Name }: DeleteAliasRequest, ctx: Ctx): void {
  const { fn } = findTarget(ctx, FunctionName);
  const alias = findAlias(ctx, fn, Name ?? "");
  const policies = { ...fn.policies };
  delete policies[alias.Name];
  ctx.service.state.put({ ...fn, aliases: fn.aliases.filter((a) => a !== alias), policies });
}

export function ListAliases({ FunctionName, FunctionVersion, Marker, MaxItems }: ListAliasesRequest, ctx: Ctx): ListAliasesResponse {
  const { fn } = findTarget(ctx, FunctionName);
  const all = fn.aliases.filter((a) => FunctionVersion === undefined || a.FunctionVersion === FunctionVersion).map((a) => aliasView(ctx, fn, a));
  const { items, ...rest } = page(all, Marker, MaxItems);
  return { Aliases: items, ...rest };
}
