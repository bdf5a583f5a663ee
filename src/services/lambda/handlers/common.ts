// What the Lambda handlers share: finding a function from a FunctionName parameter, resolving a
// qualifier to a version, RevisionId checks, and Marker/MaxItems paging.
import { fail } from "../../../api/errors.ts";
import type { RequestContext } from "../../../api/service.ts";
import type { LambdaContext } from "../context.ts";
import { messages } from "../messages.ts";
import { functionArn, parseFunctionName, requestRegion } from "../names.ts";
import type { AliasRecord, FunctionRecord, VersionRecord } from "../state.ts";

export type Ctx = RequestContext<LambdaContext>;

export interface Target {
  readonly fn: FunctionRecord;
  /** The qualifier from the name or the Qualifier parameter, if any. */
  readonly qualifier: string | undefined;
}

/**
 * The function a FunctionName (name, partial or full ARN, optionally qualified) and an optional
 * Qualifier parameter name. ResourceNotFoundException names the unqualified ARN, as Lambda does.
 */
export function findTarget(ctx: Ctx, functionName: string | undefined, qualifier?: string): Target {
  const ref = parseFunctionName(functionName ?? "");
  if (ref.qualifier !== undefined && qualifier !== undefined && ref.qualifier !== qualifier) fail("InvalidParameterValueException", messages.qualifierMismatch());
  const accountId = ctx.service.state.accountId;
  const fn = ref.account === undefined || ref.account === accountId ? ctx.service.state.get(ref.name) : undefined;
  if (!fn) fail("ResourceNotFoundException", messages.functionNotFound(functionArn(requestRegion(ctx.headers.authorization), ref.account ?? accountId, ref.name)));
  return { fn, qualifier: qualifier ?? ref.qualifier };
}

/** The version a qualifier names: `$LATEST`, a published version number, or an alias. */
export function resolveVersion(ctx: Ctx, fn: FunctionRecord, qualifier: string | undefined): VersionRecord {
  if (qualifier === undefined || qualifier === "$LATEST") return fn.latest;
  const alias = fn.aliases.find((a) => a.Name === qualifier);
  const version = alias?.FunctionVersion ?? qualifier;
  if (version === "$LATEST") return fn.latest;
  return fn.versions.find((v) => v.Version === version) ?? fail("ResourceNotFoundException", messages.functionNotFound(arnOf(ctx, fn, qualifier)));
}

export function findAlias(ctx: Ctx, fn: FunctionRecord, name: string): AliasRecord {
  return fn.aliases.find((a) => a.Name === name) ?? fail("ResourceNotFoundException", messages.aliasNotFound(arnOf(ctx, fn, name)));
}

export function arnOf(ctx: Ctx, fn: FunctionRecord, qualifier?: string): string {
  return functionArn(fn.region, ctx.service.state.accountId, fn.FunctionName, qualifier);
}

/** PreconditionFailedException when the caller's RevisionId is not the current one. */
export function checkRevision(given: string | undefined, current: string): void {
  if (given !== undefined && given !== current) fail("PreconditionFailedException", messages.staleRevision());
}

/** Lambda API Reference, CreateFunction "Role": the role must exist and Lambda must be able to assume it. */
export function checkRoleAssumable(ctx: Ctx, roleArn: string): void {
  const role = ctx.service.iam.roleByArn(roleArn);
  if (!role || !trustsLambda(role.AssumeRolePolicyDocument)) fail("InvalidParameterValueException", messages.roleCannotBeAssumed());
}

/** A trust policy with an Allow statement for sts:AssumeRole by lambda.amazonaws.com (or edgelambda). */
function trustsLambda(document: string): boolean {
  return trustsService(document, "lambda.amazonaws.com") || trustsService(document, "edgelambda.amazonaws.com");
}

/** Whether a role's trust policy has an Allow statement for sts:AssumeRole by this service principal. */
export function trustsService(document: string, service: string): boolean {
  let doc: { Statement?: unknown };
  try {
    doc = JSON.parse(document) as { Statement?: unknown };
  } catch {
    return false;
  }
  const statements = Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];
  return statements.some((st) => {
    if (st === null || typeof st !== "object") return false;
    const { Effect, Principal, Action } = st as { Effect?: unknown; Principal?: { Service?: unknown }; Action?: unknown };
    const services = [Principal?.Service].flat();
    const actions = [Action].flat();
    return Effect === "Allow" && services.includes(service) && actions.some((a) => a === "sts:AssumeRole" || a === "sts:*" || a === "*");
  });
}

/** Marker/MaxItems paging: the marker is the index of the next item. */
export function page<T>(items: readonly T[], marker: string | undefined, maxItems: number | undefined): { items: T[]; NextMarker?: string } {
  const start = marker === undefined ? 0 : Number(marker);
  if (!Number.isInteger(start) || start < 0) fail("InvalidParameterValueException", `Invalid Marker: ${marker}`);
  const size = maxItems ?? 50;
  if (!Number.isInteger(size) || size < 1 || size > 10000) fail("ValidationException", messages.range("maxItems", size, 1, 10000), 400);
  const slice = items.slice(start, start + size);
  const next = start + slice.length;
  return next < items.length ? { items: slice, NextMarker: String(next) } : { items: slice };
}
