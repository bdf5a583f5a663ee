// Connection groups: CreateConnectionGroup, GetConnectionGroup, GetConnectionGroupByRoutingEndpoint,
// UpdateConnectionGroup, DeleteConnectionGroup, ListConnectionGroups (CloudFront API reference;
// Developer Guide "Create custom connection group"). Stored with ETags and an InProgress →
// Deployed status on the configured deploy delay, as distributions are.
//
// - Name: unique in the account (EntityAlreadyExists), 1-128 characters (unverified length);
//   Ipv6Enabled and Enabled default to true; AnycastIpListId must name a list (EntityNotFound).
// - The routing endpoint is `d` + 13 characters under the distribution domain suffix. Locally it
//   routes nothing by itself: tenants are served on their own domains (tenant-serving.ts), and a
//   disabled group stops serving its tenants.
// - The first tenant created without a connection group gets the default group, created then
//   (IsDefault; its name `CreatedByCloudFront-<id>` is ours).
// - Delete: If-Match; an enabled group is ResourceNotDisabled; a group tenants use is
//   CannotDeleteEntityWhileInUse.
import type {
  ConnectionGroup,
  ConnectionGroupSummary,
  CreateConnectionGroupRequest,
  CreateConnectionGroupResult,
  DeleteConnectionGroupRequest,
  GetConnectionGroupByRoutingEndpointRequest,
  GetConnectionGroupByRoutingEndpointResult,
  GetConnectionGroupRequest,
  GetConnectionGroupResult,
  ListConnectionGroupsRequest,
  ListConnectionGroupsResult,
  UpdateConnectionGroupRequest,
  UpdateConnectionGroupResult,
} from "@aws-sdk/client-cloudfront";
import { fail } from "../../../api/errors.ts";
import type { RequestContext } from "../../../api/service.ts";
import type { CloudFrontState } from "../state.ts";
import type { ConnectionGroupRecord } from "../stores/connection-groups.ts";
import { messages } from "../messages.ts";
import { checkIfMatch, pageAfterMarker } from "./common.ts";
import { validateTags } from "./tags.ts";
import { nextVersion } from "../resource-version.ts";

type Ctx = RequestContext<CloudFrontState>;

const WHAT = "connection group";

export function CreateConnectionGroup({ Name, Ipv6Enabled, Tags, AnycastIpListId, Enabled }: CreateConnectionGroupRequest, ctx: Ctx): CreateConnectionGroupResult {
  const state = ctx.service;
  const name = Name ?? "";
  if (name.length < 1 || name.length > 128) fail("InvalidArgument", messages.badName(WHAT, name, 128));
  if (state.connectionGroups.find((g) => g.Name === name)) fail("EntityAlreadyExists", `A connection group named ${name} already exists.`);
  const tags = Tags?.Items ?? [];
  validateTags(tags);
  checkAnycastList(state, AnycastIpListId);
  const rec = newGroup(state, name, { Ipv6Enabled: Ipv6Enabled ?? true, AnycastIpListId: AnycastIpListId || undefined, Enabled: Enabled ?? true, IsDefault: false });
  state.connectionGroups.put({ ...rec, tags: tags.map((t) => ({ Key: t.Key, Value: t.Value ?? "" })) });
  return { ConnectionGroup: view(state.connectionGroups.get(rec.Id) as ConnectionGroupRecord, state), ETag: rec.ETag };
}

export function GetConnectionGroup({ Identifier }: GetConnectionGroupRequest, ctx: Ctx): GetConnectionGroupResult {
  const rec = ctx.service.connectionGroups.byIdentifier(Identifier) ?? fail("EntityNotFound", messages.entityNotFound(WHAT));
  return { ConnectionGroup: view(rec, ctx.service), ETag: rec.ETag };
}

export function GetConnectionGroupByRoutingEndpoint({ RoutingEndpoint }: GetConnectionGroupByRoutingEndpointRequest, ctx: Ctx): GetConnectionGroupByRoutingEndpointResult {
  const rec = ctx.service.connectionGroups.byRoutingEndpoint(RoutingEndpoint ?? "") ?? fail("EntityNotFound", messages.entityNotFound(WHAT));
  return { ConnectionGroup: view(rec, ctx.service), ETag: rec.ETag };
}

export function UpdateConnectionGroup({ Id, IfMatch, Ipv6Enabled, AnycastIpListId, Enabled }: UpdateConnectionGroupRequest, ctx: Ctx): UpdateConnectionGroupResult {
  const state = ctx.service;
  const rec = mustGet(state, Id);
  checkIfMatch(IfMatch, rec.ETag);
  checkAnycastList(state, AnycastIpListId);
  const updated: ConnectionGroupRecord = {
    ...rec,
    ...nextVersion(state),
    Ipv6Enabled: Ipv6Enabled ?? rec.Ipv6Enabled,
    AnycastIpListId: AnycastIpListId === undefined ? rec.AnycastIpListId : AnycastIpListId || undefined,
    Enabled: Enabled ?? rec.Enabled,
  };
  state.connectionGroups.put(updated);
  return { ConnectionGroup: view(updated, state), ETag: updated.ETag };
}

export function DeleteConnectionGroup({ Id, IfMatch }: DeleteConnectionGroupRequest, ctx: Ctx): Record<string, never> {
  const state = ctx.service;
  const rec = mustGet(state, Id);
  checkIfMatch(IfMatch, rec.ETag);
  if (rec.Enabled) fail("ResourceNotDisabled", `The connection group ${rec.Id} must be disabled before it can be deleted.`);
  const user = state.distributionTenants.find((t) => t.ConnectionGroupId === rec.Id);
  if (user) fail("CannotDeleteEntityWhileInUse", `The connection group ${rec.Id} is used by the distribution tenant ${user.Id}.`);
  state.connectionGroups.delete(rec.Id);
  return {};
}

export function ListConnectionGroups({ AssociationFilter, Marker, MaxItems }: ListConnectionGroupsRequest, ctx: Ctx): ListConnectionGroupsResult {
  const state = ctx.service;
  const anycast = AssociationFilter?.AnycastIpListId;
  const all = state.connectionGroups.list().filter((g) => anycast === undefined || g.AnycastIpListId === anycast);
  const page = pageAfterMarker(all, (g) => g.Id, Marker, MaxItems);
  return {
    ...(page.nextMarker !== undefined ? { NextMarker: page.nextMarker } : {}),
    ConnectionGroups: page.items.map((g): ConnectionGroupSummary => {
      const { Tags: _tags, ...rest } = view(g, state);
      return { ...rest, ETag: g.ETag } as ConnectionGroupSummary;
    }),
  };
}

/** The account's default connection group, created on first use (a tenant created without a group). */
export function defaultConnectionGroup(state: CloudFrontState): ConnectionGroupRecord {
  const existing = state.connectionGroups.defaultGroup;
  if (existing) return existing;
  const id = longId(state, "cg_");
  const rec = newGroup(state, `CreatedByCloudFront-${id}`, { Ipv6Enabled: true, AnycastIpListId: undefined, Enabled: true, IsDefault: true }, id);
  state.connectionGroups.put(rec);
  return rec;
}

/** `prefix` + 27 letters and digits, the shape of AWS's tenant and connection group ids. */
export function longId(state: CloudFrontState, prefix: string): string {
  const a = state.ids.resourceId("");
  const b = state.ids.resourceId("").toLowerCase();
  return `${prefix}${a}${b}${state.ids.resourceId("").slice(0, 1)}`;
}

export function mustGet(state: CloudFrontState, id: string | undefined): ConnectionGroupRecord {
  return state.connectionGroups.get(id) ?? fail("EntityNotFound", messages.entityNotFound(WHAT));
}

type Settings = Pick<ConnectionGroupRecord, "Ipv6Enabled" | "AnycastIpListId" | "Enabled" | "IsDefault">;

function newGroup(state: CloudFrontState, name: string, settings: Settings, id = longId(state, "cg_")): ConnectionGroupRecord {
  const version = nextVersion(state);
  return {
    Id: id,
    Arn: state.arn("connection-group", id),
    Name: name,
    RoutingEndpoint: `d${state.ids.resourceId("").toLowerCase()}.${state.settings.domainSuffix}`,
    ...settings,
    ...version,
    createdAt: version.lastModified,
    tags: [],
  };
}

function checkAnycastList(state: CloudFrontState, id: string | undefined): void {
  if (id && !state.anycastIpLists.has(id)) fail("EntityNotFound", messages.entityNotFound("Anycast static IP list"));
}

function view(rec: ConnectionGroupRecord, state: CloudFrontState): ConnectionGroup {
  return {
    Id: rec.Id,
    Name: rec.Name,
    Arn: rec.Arn,
    CreatedTime: new Date(rec.createdAt),
    LastModifiedTime: new Date(rec.lastModified),
    Tags: { Items: rec.tags.map((t) => ({ Key: t.Key, Value: t.Value ?? "" })) },
    Ipv6Enabled: rec.Ipv6Enabled,
    RoutingEndpoint: rec.RoutingEndpoint,
    ...(rec.AnycastIpListId ? { AnycastIpListId: rec.AnycastIpListId } : {}),
    Status: state.clock.now() >= rec.deployAt ? "Deployed" : "InProgress",
    Enabled: rec.Enabled,
    IsDefault: rec.IsDefault,
  };
}
