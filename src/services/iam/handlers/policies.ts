// Role policies and managed policies (IAM API Reference: PutRolePolicy, GetRolePolicy,
// ListRolePolicies, DeleteRolePolicy, AttachRolePolicy, DetachRolePolicy, ListAttachedRolePolicies,
// CreatePolicy, GetPolicy, GetPolicyVersion, DeletePolicy). Documents are returned URL-encoded, as
// IAM does. AWS managed policy ARNs (`arn:aws:iam::aws:policy/...`) attach without being created;
// GetPolicy on one answers a stand-in whose document minifront does not know (an empty statement
// list). Not emulated: policy versions beyond `v1` (CreatePolicyVersion), policy evaluation.
import type {
  AttachRolePolicyRequest,
  CreatePolicyRequest,
  CreatePolicyResponse,
  DeletePolicyRequest,
  DeleteRolePolicyRequest,
  DetachRolePolicyRequest,
  GetPolicyRequest,
  GetPolicyResponse,
  GetPolicyVersionRequest,
  GetPolicyVersionResponse,
  GetRolePolicyRequest,
  GetRolePolicyResponse,
  ListAttachedRolePoliciesRequest,
  ListAttachedRolePoliciesResponse,
  ListRolePoliciesRequest,
  ListRolePoliciesResponse,
  Policy,
  PutRolePolicyRequest,
} from "@aws-sdk/client-iam";
import { fail } from "../../../api/errors.ts";
import { isAwsManagedPolicyArn, type PolicyRecord } from "../state.ts";
import { messages } from "../messages.ts";
import { checkName, checkPath, checkPolicyDocument, checkTags, encodeDocument, mustFindRole, page, type Ctx } from "./common.ts";

/** The only version a policy has here. */
const VERSION_ID = "v1";
/** What GetPolicyVersion answers for an AWS managed policy: minifront has no copy of its document. */
const UNKNOWN_DOCUMENT = JSON.stringify({ Version: "2012-10-17", Statement: [] });

export function PutRolePolicy({ RoleName, PolicyName, PolicyDocument }: PutRolePolicyRequest, ctx: Ctx): void {
  const role = mustFindRole(ctx, RoleName ?? "");
  const name = checkName("policyName", PolicyName ?? "", 128);
  ctx.service.putRole({ ...role, inline: { ...role.inline, [name]: checkPolicyDocument(PolicyDocument ?? "") } });
}

export function GetRolePolicy({ RoleName, PolicyName }: GetRolePolicyRequest, ctx: Ctx): GetRolePolicyResponse {
  const role = mustFindRole(ctx, RoleName ?? "");
  const doc = role.inline[PolicyName ?? ""] ?? fail("NoSuchEntity", messages.noSuchRolePolicy(PolicyName ?? ""));
  return { RoleName: role.RoleName, PolicyName, PolicyDocument: encodeDocument(doc) };
}

export function ListRolePolicies({ RoleName, Marker, MaxItems }: ListRolePoliciesRequest, ctx: Ctx): ListRolePoliciesResponse {
  const role = mustFindRole(ctx, RoleName ?? "");
  const { items, ...rest } = page(Object.keys(role.inline).sort(), Marker, MaxItems);
  return { PolicyNames: items, ...rest };
}

export function DeleteRolePolicy({ RoleName, PolicyName }: DeleteRolePolicyRequest, ctx: Ctx): void {
  const role = mustFindRole(ctx, RoleName ?? "");
  const name = PolicyName ?? "";
  if (!(name in role.inline)) fail("NoSuchEntity", messages.noSuchRolePolicy(name));
  const inline = { ...role.inline };
  delete inline[name];
  ctx.service.putRole({ ...role, inline });
}

/** A customer managed policy of this account, or an AWS managed one; NoSuchEntity otherwise. */
function mustFindAttachable(ctx: Ctx, arn: string): void {
  if (!ctx.service.policy(arn) && !isAwsManagedPolicyArn(arn)) fail("NoSuchEntity", messages.noSuchPolicy(arn));
}

export function AttachRolePolicy({ RoleName, PolicyArn }: AttachRolePolicyRequest, ctx: Ctx): void {
  const role = mustFindRole(ctx, RoleName ?? "");
  const arn = PolicyArn ?? "";
  mustFindAttachable(ctx, arn);
  // Attaching twice is not an error in IAM; the policy stays attached once.
  if (!role.attached.includes(arn)) ctx.service.putRole({ ...role, attached: [...role.attached, arn] });
}

export function DetachRolePolicy({ RoleName, PolicyArn }: DetachRolePolicyRequest, ctx: Ctx): void {
  const role = mustFindRole(ctx, RoleName ?? "");
  const arn = PolicyArn ?? "";
  if (!role.attached.includes(arn)) fail("NoSuchEntity", messages.policyNotAttached(arn));
  ctx.service.putRole({ ...role, attached: role.attached.filter((a) => a !== arn) });
}

export function ListAttachedRolePolicies({ RoleName, PathPrefix, Marker, MaxItems }: ListAttachedRolePoliciesRequest, ctx: Ctx): ListAttachedRolePoliciesResponse {
  const role = mustFindRole(ctx, RoleName ?? "");
  const attached = role.attached
    .map((arn) => ({ PolicyArn: arn, PolicyName: arn.slice(arn.lastIndexOf("/") + 1), path: pathOfArn(arn) }))
    .filter((p) => PathPrefix === undefined || p.path.startsWith(PathPrefix))
    .map(({ PolicyArn, PolicyName }) => ({ PolicyArn, PolicyName }));
  const { items, ...rest } = page(attached, Marker, MaxItems);
  return { AttachedPolicies: items, ...rest };
}

/** `arn:aws:iam::aws:policy/service-role/X` → `/service-role/`. */
function pathOfArn(arn: string): string {
  const resource = arn.slice(arn.indexOf(":policy") + ":policy".length);
  return resource.slice(0, resource.lastIndexOf("/") + 1) || "/";
}

function policyView(p: PolicyRecord, attachments: number): Policy {
  return {
    PolicyName: p.PolicyName,
    PolicyId: p.PolicyId,
    Arn: p.Arn,
    Path: p.Path,
    DefaultVersionId: VERSION_ID,
    AttachmentCount: attachments,
    PermissionsBoundaryUsageCount: 0,
    IsAttachable: true,
    CreateDate: new Date(p.createdAt),
    UpdateDate: new Date(p.createdAt),
    ...(p.Description !== undefined ? { Description: p.Description } : {}),
    ...(p.Tags.length > 0 ? { Tags: [...p.Tags] } : {}),
  };
}

/** A customer managed policy, or a stand-in for an AWS managed one. */
function findPolicy(ctx: Ctx, arn: string): PolicyRecord {
  const own = ctx.service.policy(arn);
  if (own) return own;
  if (!isAwsManagedPolicyArn(arn)) fail("NoSuchEntity", messages.noSuchPolicy(arn));
  return { PolicyName: arn.slice(arn.lastIndexOf("/") + 1), PolicyId: "ANPAMINIFRONTMANAGED", Arn: arn, Path: pathOfArn(arn), Document: UNKNOWN_DOCUMENT, createdAt: 0, Tags: [] };
}

export function CreatePolicy(input: CreatePolicyRequest, ctx: Ctx): CreatePolicyResponse {
  const name = checkName("policyName", input.PolicyName ?? "", 128);
  const fields = {
    PolicyName: name,
    Path: checkPath(input.Path),
    Document: checkPolicyDocument(input.PolicyDocument ?? ""),
    Tags: checkTags(input.Tags ?? []),
    ...(input.Description !== undefined ? { Description: input.Description } : {}),
  };
  if (ctx.service.policyByName(name)) fail("EntityAlreadyExists", messages.policyExists(name));
  return { Policy: policyView(ctx.service.newPolicy(fields), 0) };
}

export function GetPolicy({ PolicyArn }: GetPolicyRequest, ctx: Ctx): GetPolicyResponse {
  const p = findPolicy(ctx, PolicyArn ?? "");
  return { Policy: policyView(p, ctx.service.attachmentCount(p.Arn)) };
}

export function GetPolicyVersion({ PolicyArn, VersionId }: GetPolicyVersionRequest, ctx: Ctx): GetPolicyVersionResponse {
  const p = findPolicy(ctx, PolicyArn ?? "");
  if (VersionId !== VERSION_ID) fail("NoSuchEntity", messages.noSuchPolicyVersion(p.Arn, VersionId ?? ""));
  return { PolicyVersion: { Document: encodeDocument(p.Document), VersionId: VERSION_ID, IsDefaultVersion: true, CreateDate: new Date(p.createdAt) } };
}

/** IAM API Reference, DeletePolicy: a policy still attached cannot be deleted (DeleteConflict). */
export function DeletePolicy({ PolicyArn }: DeletePolicyRequest, ctx: Ctx): void {
  const arn = PolicyArn ?? "";
  if (!ctx.service.policy(arn)) fail("NoSuchEntity", messages.noSuchPolicy(arn));
  if (ctx.service.attachmentCount(arn) > 0) fail("DeleteConflict", messages.deletePolicyAttached());
  ctx.service.deletePolicy(arn);
}
