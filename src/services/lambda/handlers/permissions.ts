// Resource-based policies and tags (Lambda API Reference: AddPermission, RemovePermission,
// GetPolicy, TagResource, UntagResource, ListTags). A statement is built the way Lambda writes it
// (Effect Allow, the principal as `Service` or `AWS`, Resource the function's or version's ARN,
// SourceArn/SourceAccount as conditions). Changing the policy gives the function (or the alias)
// a new RevisionId, which GetPolicy returns. Policies are stored, never evaluated.
import type {
  AddPermissionRequest,
  AddPermissionResponse,
  GetPolicyRequest,
  GetPolicyResponse,
  ListTagsRequest,
  ListTagsResponse,
  RemovePermissionRequest,
  TagResourceRequest,
  UntagResourceRequest,
} from "@aws-sdk/client-lambda";
import { fail } from "../../../api/errors.ts";
import { messages } from "../messages.ts";
import type { FunctionRecord, PolicyStatement } from "../state.ts";
import { arnOf, checkRevision, findTarget, resolveVersion, type Ctx } from "./common.ts";
import { MAX_TAGS } from "./functions.ts";

/** The qualifier's RevisionId (an alias's own, or the version's) and a record with it renewed. */
function revisionOf(ctx: Ctx, fn: FunctionRecord, qualifier: string | undefined): { current: string; renew(next: FunctionRecord): FunctionRecord } {
  const alias = qualifier !== undefined ? fn.aliases.find((a) => a.Name === qualifier) : undefined;
  const fresh = ctx.service.state.ids.uuid();
  if (alias) return { current: alias.RevisionId, renew: (next) => ({ ...next, aliases: next.aliases.map((a) => (a.Name === alias.Name ? { ...a, RevisionId: fresh } : a)) }) };
  const version = resolveVersion(ctx, fn, qualifier);
  if (version.Version === "$LATEST") return { current: version.RevisionId, renew: (next) => ({ ...next, latest: { ...next.latest, RevisionId: fresh } }) };
  // A published version never changes: its policy has its own life, without a new RevisionId.
  return { current: version.RevisionId, renew: (next) => next };
}

function principalOf(principal: string): Record<string, string> {
  if (principal === "*") return { AWS: "*" };
  if (/^\d{12}$/.test(principal)) return { AWS: `arn:aws:iam::${principal}:root` };
  if (principal.startsWith("arn:")) return { AWS: principal };
  return { Service: principal };
}

export function AddPermission(input: AddPermissionRequest, ctx: Ctx): AddPermissionResponse {
  const { fn, qualifier } = findTarget(ctx, input.FunctionName, input.Qualifier);
  const revision = revisionOf(ctx, fn, qualifier);
  checkRevision(input.RevisionId, revision.current);
  const sid = input.StatementId ?? "";
  if (!/^([a-zA-Z0-9-_.]+)$/.test(sid) || sid.length > 100) fail("ValidationException", messages.pattern("statementId", sid, "([a-zA-Z0-9-_.]+)"), 400);
  const key = qualifier ?? "";
  const existing = fn.policies[key] ?? [];
  if (existing.some((s) => s.Sid === sid)) fail("ResourceConflictException", messages.statementExists(sid));
  const condition: Record<string, Record<string, string>> = {};
  if (input.SourceArn !== undefined) condition["ArnLike"] = { "AWS:SourceArn": input.SourceArn };
  if (input.SourceAccount !== undefined) condition["StringEquals"] = { "AWS:SourceAccount": input.SourceAccount };
  if (input.PrincipalOrgID !== undefined) condition["StringEquals"] = { ...condition["StringEquals"], "aws:PrincipalOrgID": input.PrincipalOrgID };
  if (input.FunctionUrlAuthType !== undefined) condition["StringEquals"] = { ...condition["StringEquals"], "lambda:FunctionUrlAuthType": input.FunctionUrlAuthType };
  if (input.EventSourceToken !== undefined) condition["StringEquals"] = { ...condition["StringEquals"], "lambda:EventSourceToken": input.EventSourceToken };
  const statement: PolicyStatement = {
    Sid: sid,
    Effect: "Allow",
    Principal: principalOf(input.Principal ?? ""),
    Action: input.Action ?? "",
    Resource: arnOf(ctx, fn, qualifier),
    ...(Object.keys(condition).length > 0 ? { Condition: condition } : {}),
  };
  ctx.service.state.put(revision.renew({ ...fn, policies: { ...fn.policies, [key]: [...existing, statement] } }));
  return { Statement: JSON.stringify(statement) };
}

export function RemovePermission({ FunctionName, StatementId, Qualifier, RevisionId }: RemovePermissionRequest, ctx: Ctx): void {
  const { fn, qualifier } = findTarget(ctx, FunctionName, Qualifier);
  const revision = revisionOf(ctx, fn, qualifier);
  checkRevision(RevisionId, revision.current);
  const key = qualifier ?? "";
  const existing = fn.policies[key] ?? [];
  if (!existing.some((s) => s.Sid === StatementId)) fail("ResourceNotFoundException", messages.statementNotFound(StatementId ?? ""));
  const remaining = existing.filter((s) => s.Sid !== StatementId);
  const policies = { ...fn.policies, [key]: remaining };
  if (remaining.length === 0) delete policies[key];
  ctx.service.state.put(revision.renew({ ...fn, policies }));
}

export function GetPolicy({ FunctionName, Qualifier }: GetPolicyRequest, ctx: Ctx): GetPolicyResponse {
  const { fn, qualifier } = findTarget(ctx, FunctionName, Qualifier);
  const revision = revisionOf(ctx, fn, qualifier);
  const statements = fn.policies[qualifier ?? ""] ?? [];
  if (statements.length === 0) fail("ResourceNotFoundException", messages.noPolicy());
  return { Policy: JSON.stringify({ Version: "2012-10-17", Id: "default", Statement: statements }), RevisionId: revision.current };
}

/** Tags belong to the function: a qualified ARN is refused, as Lambda does. */
function taggable(ctx: Ctx, resource: string | undefined): FunctionRecord {
  const { fn, qualifier } = findTarget(ctx, resource);
  if (qualifier !== undefined) fail("InvalidParameterValueException", messages.tagsOnQualified());
  return fn;
}

export function TagResource({ Resource, Tags }: TagResourceRequest, ctx: Ctx): void {
  const fn = taggable(ctx, Resource);
  const merged = { ...fn.Tags, ...Tags };
  if (Object.keys(merged).length > MAX_TAGS) fail("InvalidParameterValueException", messages.tooManyTags(MAX_TAGS));
  ctx.service.state.put({ ...fn, Tags: merged });
}

export function UntagResource({ Resource, TagKeys }: UntagResourceRequest, ctx: Ctx): void {
  const fn = taggable(ctx, Resource);
  const tags = { ...fn.Tags };
  for (const k of TagKeys ?? []) delete tags[k];
  ctx.service.state.put({ ...fn, Tags: tags });
}

export function ListTags({ Resource }: ListTagsRequest, ctx: Ctx): ListTagsResponse {
  return { Tags: { ...taggable(ctx, Resource).Tags } };
}
