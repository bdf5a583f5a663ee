// Anycast static IP lists: CreateAnycastIpList, GetAnycastIpList, UpdateAnycastIpList,
// DeleteAnycastIpList, ListAnycastIpLists, ListDistributionsByAnycastIpListId (CloudFront API
// reference; Developer Guide "Anycast static IPs"). Stored with ETags and a Deploying → Deployed
// status on the configured deploy delay, as distributions are: the answer to a create or update
// itself says Deploying, as a distribution's says InProgress.
//
// - Name: 1-64 letters, digits, hyphens and underscores, unique in the account → EntityAlreadyExists
//   (uniqueness unverified). IpCount 3 or 21 (the two sizes AWS offers). IpAddressType ipv4 (default),
//   ipv6 or dualstack. IpamCidrConfigs (bring your own IP) are stored and shown with Status advertised.
// - A list named by a distribution's AnycastIpListId cannot be deleted → CannotDeleteEntityWhileInUse,
//   the error the model declares (there is no AnycastIpListInUse code).
// Not emulated: the addresses route nowhere; they are made up from the documentation ranges
// (RFC 5737 / RFC 3849), so distributions keep their usual hostnames here.
import type {
  AnycastIpList,
  CreateAnycastIpListRequest,
  CreateAnycastIpListResult,
  DeleteAnycastIpListRequest,
  GetAnycastIpListRequest,
  GetAnycastIpListResult,
  IpamCidrConfig,
  ListAnycastIpListsRequest,
  ListAnycastIpListsResult,
  ListDistributionsByAnycastIpListIdRequest,
  ListDistributionsByAnycastIpListIdResult,
  UpdateAnycastIpListRequest,
  UpdateAnycastIpListResult,
} from "@aws-sdk/client-cloudfront";
import { fail } from "../../../api/errors.ts";
import type { RequestContext } from "../../../api/service.ts";
import type { CloudFrontState } from "../state.ts";
import type { AnycastIpListRecord } from "../stores/anycast-ip-lists.ts";
import { messages } from "../messages.ts";
import { checkIfMatch, pageAfterMarker, markerList } from "./common.ts";
import { validateTags } from "./tags.ts";
import { distributionListWhere } from "./distributions-by.ts";

type Ctx = RequestContext<CloudFrontState>;

const NAME = /^[A-Za-z0-9_-]{1,64}$/;
const IP_COUNTS = [3, 21];
const ADDRESS_TYPES = ["ipv4", "ipv6", "dualstack"];

export function CreateAnycastIpList(input: CreateAnycastIpListRequest, ctx: Ctx): CreateAnycastIpListResult {
  const state = ctx.service;
  const name = input.Name ?? "";
  if (!NAME.test(name)) fail("InvalidArgument", messages.badAnycastIpList(`Name "${name}" must be 1-64 letters, digits, hyphens and underscores.`));
  if (!IP_COUNTS.includes(input.IpCount ?? 0)) fail("InvalidArgument", messages.badAnycastIpList(`IpCount must be 3 or 21, not ${input.IpCount}.`));
  const type = addressType(input.IpAddressType);
  const tags = input.Tags?.Items ?? [];
  validateTags(tags);
  if (state.anycastIpLists.find((l) => l.Name === name)) fail("EntityAlreadyExists", messages.entityAlreadyExists("Anycast static IP list", name));
  const id = `aip_${state.ids.resourceId("").toLowerCase()}${state.ids.resourceId("").slice(0, 9)}`;
  const now = state.clock.now();
  const rec: AnycastIpListRecord = {
    Id: id,
    Name: name,
    Arn: state.arn("anycast-ip-list", id),
    ETag: state.ids.resourceId(),
    IpCount: input.IpCount as number,
    IpAddressType: type,
    ...ipam(input.IpamCidrConfigs),
    AnycastIps: addresses(state.anycastIpLists.size, input.IpCount as number, type),
    lastModified: now,
    deployAt: now + state.settings.deployDelayMs,
    tags: tags.map((t) => ({ Key: t.Key, Value: t.Value ?? "" })),
  };
  state.anycastIpLists.put(rec);
  return { AnycastIpList: view(rec, state, "Deploying"), ETag: rec.ETag };
}

export function GetAnycastIpList({ Id }: GetAnycastIpListRequest, ctx: Ctx): GetAnycastIpListResult {
  const rec = mustGet(ctx.service, Id);
  return { AnycastIpList: view(rec, ctx.service), ETag: rec.ETag };
}

export function UpdateAnycastIpList(input: UpdateAnycastIpListRequest, ctx: Ctx): UpdateAnycastIpListResult {
  const state = ctx.service;
  const rec = mustGet(state, input.Id);
  checkIfMatch(input.IfMatch, rec.ETag);
  const type = input.IpAddressType === undefined ? rec.IpAddressType : addressType(input.IpAddressType);
  const now = state.clock.now();
  const updated: AnycastIpListRecord = {
    ...rec,
    ETag: state.ids.resourceId(),
    IpAddressType: type,
    ...(input.IpamCidrConfigs !== undefined ? ipam(input.IpamCidrConfigs) : {}),
    AnycastIps: type === rec.IpAddressType ? rec.AnycastIps : addresses(state.anycastIpLists.list().indexOf(rec), rec.IpCount, type),
    lastModified: now,
    deployAt: now + state.settings.deployDelayMs,
  };
  state.anycastIpLists.put(updated);
  return { AnycastIpList: view(updated, state, "Deploying"), ETag: updated.ETag };
}

export function DeleteAnycastIpList({ Id, IfMatch }: DeleteAnycastIpListRequest, ctx: Ctx): Record<string, never> {
  const state = ctx.service;
  const rec = mustGet(state, Id);
  checkIfMatch(IfMatch, rec.ETag);
  if (state.listDistributions().some((d) => d.config.AnycastIpListId === rec.Id)) {
    fail("CannotDeleteEntityWhileInUse", messages.entityInUse("Anycast static IP list", rec.Id));
  }
  state.anycastIpLists.delete(rec.Id);
  return {};
}

export function ListAnycastIpLists({ Marker, MaxItems }: ListAnycastIpListsRequest, ctx: Ctx): ListAnycastIpListsResult {
  const state = ctx.service;
  const page = pageAfterMarker(state.anycastIpLists.list(), (l) => l.Id, Marker, MaxItems);
  return {
    AnycastIpLists: markerList(page, Marker, (l) => {
      const { AnycastIps: _ips, ...rest } = view(l, state);
      return { ...rest, ETag: l.ETag };
    }),
  };
}

export function ListDistributionsByAnycastIpListId(input: ListDistributionsByAnycastIpListIdRequest, ctx: Ctx): ListDistributionsByAnycastIpListIdResult {
  const rec = mustGet(ctx.service, input.AnycastIpListId);
  return distributionListWhere(ctx, (c) => c.AnycastIpListId === rec.Id, input);
}

function mustGet(state: CloudFrontState, id: string | undefined): AnycastIpListRecord {
  return state.anycastIpLists.get(id) ?? fail("EntityNotFound", messages.entityNotFound("Anycast static IP list"));
}

function addressType(value: string | undefined): string {
  const type = value ?? "ipv4";
  if (!ADDRESS_TYPES.includes(type)) fail("InvalidArgument", messages.badAnycastIpList(`IpAddressType must be ipv4, ipv6 or dualstack, not ${type}.`));
  return type;
}

function ipam(configs: readonly IpamCidrConfig[] | undefined): Pick<AnycastIpListRecord, "IpamConfig"> {
  if (!configs || configs.length === 0) return {};
  for (const c of configs) {
    if (!c.Cidr || !c.IpamPoolArn) fail("InvalidArgument", messages.badAnycastIpList("each IpamCidrConfig needs a Cidr and an IpamPoolArn."));
  }
  return { IpamConfig: { Quantity: configs.length, IpamCidrConfigs: configs.map((c) => ({ Cidr: c.Cidr, IpamPoolArn: c.IpamPoolArn, AnycastIp: c.AnycastIp ?? c.Cidr?.split("/")[0], Status: "advertised" as const })) } };
}

/** `count` made-up addresses for the `index`th list: IPv4 from 198.51.100.0/24, IPv6 from 2001:db8::/32. */
function addresses(index: number, count: number, type: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const n = (index * count + i) % 254;
    if (type !== "ipv6") out.push(`198.51.100.${n + 1}`);
    if (type !== "ipv4") out.push(`2001:db8::${(n + 1).toString(16)}`);
  }
  return out;
}

function view(rec: AnycastIpListRecord, state: CloudFrontState, forceStatus?: "Deploying"): AnycastIpList {
  return {
    Id: rec.Id,
    Name: rec.Name,
    Status: forceStatus ?? (state.clock.now() >= rec.deployAt ? "Deployed" : "Deploying"),
    Arn: rec.Arn,
    IpAddressType: rec.IpAddressType as AnycastIpList["IpAddressType"],
    ...(rec.IpamConfig ? { IpamConfig: rec.IpamConfig } : {}),
    AnycastIps: [...rec.AnycastIps],
    IpCount: rec.IpCount,
    LastModifiedTime: new Date(rec.lastModified),
  };
}
