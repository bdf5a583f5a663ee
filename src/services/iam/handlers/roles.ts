// IAM roles (IAM API Reference: CreateRole, GetRole, UpdateRole, UpdateAssumeRolePolicy, DeleteRole,
// TagRole, UntagRole, ListRoleTags, ListInstanceProfilesForRole). A role's trust policy is stored
// as sent and returned URL-encoded, as IAM does. Not emulated: RoleLastUsed, instance profiles
// (the list is always empty), permissions boundaries beyond storing the ARN.
import type {
  CreateRoleRequest,
  CreateRoleResponse,
  DeleteRoleRequest,
  GetRoleRequest,
  GetRoleResponse,
  ListInstanceProfilesForRoleRequest,
  ListInstanceProfilesForRoleResponse,
  ListRoleTagsRequest,
  ListRoleTagsResponse,
  Role,
  TagRoleRequest,
  UntagRoleRequest,
  UpdateAssumeRolePolicyRequest,
  UpdateRoleRequest,
  UpdateRoleResponse,
} from "@aws-sdk/client-iam";
import { fail } from "../../../api/errors.ts";
import type { RoleRecord } from "../state.ts";
import { messages } from "../messages.ts";
import { checkName, checkPath, checkPolicyDocument, checkTags, encodeDocument, mergeTags, mustFindRole, page, type Ctx } from "./common.ts";

/** IAM API Reference, CreateRole: MaxSessionDuration 3600-43200 seconds, default 3600. */
const MIN_SESSION = 3600;
const MAX_SESSION = 43200;

function roleView(r: RoleRecord): Role {
  return {
    Path: r.Path,
    RoleName: r.RoleName,
    RoleId: r.RoleId,
    Arn: r.Arn,
    CreateDate: new Date(r.createdAt),
    AssumeRolePolicyDocument: encodeDocument(r.AssumeRolePolicyDocument),
    MaxSessionDuration: r.MaxSessionDuration,
    ...(r.Description !== undefined ? { Description: r.Description } : {}),
    ...(r.PermissionsBoundary !== undefined ? { PermissionsBoundary: { PermissionsBoundaryType: "PermissionsBoundaryPolicy", PermissionsBoundaryArn: r.PermissionsBoundary } } : {}),
    ...(r.Tags.length > 0 ? { Tags: [...r.Tags] } : {}),
    RoleLastUsed: {},
  };
}

function checkSession(value: number | undefined): number {
  const v = value ?? MIN_SESSION;
  if (v < MIN_SESSION || v > MAX_SESSION) fail("ValidationError", messages.range("maxSessionDuration", v, MIN_SESSION, MAX_SESSION));
  return v;
}

export function CreateRole(input: CreateRoleRequest, ctx: Ctx): CreateRoleResponse {
  const name = checkName("roleName", input.RoleName ?? "");
  const fields = {
    RoleName: name,
    Path: checkPath(input.Path),
    AssumeRolePolicyDocument: checkPolicyDocument(input.AssumeRolePolicyDocument ?? ""),
    MaxSessionDuration: checkSession(input.MaxSessionDuration),
    Tags: checkTags(input.Tags ?? []),
    ...(input.Description !== undefined ? { Description: input.Description } : {}),
    ...(input.PermissionsBoundary !== undefined ? { PermissionsBoundary: input.PermissionsBoundary } : {}),
  };
  if (ctx.service.role(name)) fail("EntityAlreadyExists", messages.roleExists(name));
  return { Role: roleView(ctx.service.newRole(fields)) };
}

export function GetRole({ RoleName }: GetRoleRequest, ctx: Ctx): GetRoleResponse {
  return { Role: roleView(mustFindRole(ctx, RoleName ?? "")) };
}

export function UpdateRole(input: UpdateRoleRequest, ctx: Ctx): UpdateRoleResponse {
  const role = mustFindRole(ctx, input.RoleName ?? "");
  ctx.service.putRole({
    ...role,
    ...(input.Description !== undefined ? { Description: input.Description } : {}),
    ...(input.MaxSessionDuration !== undefined ? { MaxSessionDuration: checkSession(input.MaxSessionDuration) } : {}),
  });
  return {};
}

export function UpdateAssumeRolePolicy(input: UpdateAssumeRolePolicyRequest, ctx: Ctx): void {
  const role = mustFindRole(ctx, input.RoleName ?? "");
  ctx.service.putRole({ ...role, AssumeRolePolicyDocument: checkPolicyDocument(input.PolicyDocument ?? "") });
}

/** IAM API Reference, DeleteRole: inline and attached policies must be removed first (DeleteConflict). */
export function DeleteRole({ RoleName }: DeleteRoleRequest, ctx: Ctx): void {
  const role = mustFindRole(ctx, RoleName ?? "");
  if (role.attached.length > 0) fail("DeleteConflict", messages.deleteRoleAttached());
  if (Object.keys(role.inline).length > 0) fail("DeleteConflict", messages.deleteRoleInline());
  ctx.service.deleteRole(role.RoleName);
}

export function TagRole({ RoleName, Tags }: TagRoleRequest, ctx: Ctx): void {
  const role = mustFindRole(ctx, RoleName ?? "");
  ctx.service.putRole({ ...role, Tags: mergeTags(role.Tags, Tags ?? []) });
}

export function UntagRole({ RoleName, TagKeys }: UntagRoleRequest, ctx: Ctx): void {
  const role = mustFindRole(ctx, RoleName ?? "");
  const drop = new Set(TagKeys ?? []);
  ctx.service.putRole({ ...role, Tags: role.Tags.filter((t) => !drop.has(t.Key ?? "")) });
}

export function ListRoleTags({ RoleName, Marker, MaxItems }: ListRoleTagsRequest, ctx: Ctx): ListRoleTagsResponse {
  const role = mustFindRole(ctx, RoleName ?? "");
  const { items, ...rest } = page(role.Tags, Marker, MaxItems);
  return { Tags: items, ...rest };
}

export function ListInstanceProfilesForRole({ RoleName }: ListInstanceProfilesForRoleRequest, ctx: Ctx): ListInstanceProfilesForRoleResponse {
  mustFindRole(ctx, RoleName ?? "");
  return { InstanceProfiles: [], IsTruncated: false };
}
