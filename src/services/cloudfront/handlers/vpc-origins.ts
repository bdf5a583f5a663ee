// VPC origins: CreateVpcOrigin, GetVpcOrigin, UpdateVpcOrigin, DeleteVpcOrigin, ListVpcOrigins
// (CloudFront API reference; Developer Guide "Restrict access with VPC origins"). Stored with ETags
// and a Deploying → Deployed status on the configured deploy delay, as distributions are.
//
// - VpcOriginEndpointConfig: Name 1-128 characters; Arn an Application or Network Load Balancer or an
//   EC2 instance ARN; HTTPPort/HTTPSPort 80, 443 or 1024-65535; OriginProtocolPolicy http-only,
//   match-viewer or https-only; OriginSslProtocols of SSLv3, TLSv1, TLSv1.1, TLSv1.2; IpAddressType
//   ipv4 or dualstack → InvalidArgument.
// - The model declares no NoSuchVpcOrigin or VpcOriginInUse: an unknown id is EntityNotFound, and a
//   VPC origin a distribution's origin names (VpcOriginConfig.VpcOriginId) is
//   CannotDeleteEntityWhileInUse on delete; an update while Deploying is CannotUpdateEntityWhileInUse.
// - DeleteVpcOrigin answers the VPC origin with Status Deleting; it is gone at once after that.
// Unverified: the id's length, one VPC origin per endpoint ARN (EntityAlreadyExists), the quota of
// 25 per account (EntityLimitExceeded). At the edge a VPC origin is a local host:port given with
// --vpc-origin (src/edge/vpc-origin-map.ts).
import type {
  CreateVpcOriginRequest,
  CreateVpcOriginResult,
  DeleteVpcOriginRequest,
  DeleteVpcOriginResult,
  GetVpcOriginRequest,
  GetVpcOriginResult,
  ListVpcOriginsRequest,
  ListVpcOriginsResult,
  UpdateVpcOriginRequest,
  UpdateVpcOriginResult,
  VpcOrigin,
  VpcOriginEndpointConfig,
} from "@aws-sdk/client-cloudfront";
import { fail } from "../../../api/errors.ts";
import type { RequestContext } from "../../../api/service.ts";
import type { CloudFrontState } from "../state.ts";
import type { VpcOriginRecord } from "../stores/vpc-origins.ts";
import { OriginProtocolPolicy, SslProtocol } from "../sdk-enums.ts";
import { oneOf } from "../distribution-limits.ts";
import { messages } from "../messages.ts";
import { checkIfMatch, markerList, pageAfterMarker } from "./common.ts";
import { validateTags } from "./tags.ts";
import { usesVpcOrigin } from "./distributions-by.ts";

type Ctx = RequestContext<CloudFrontState>;

const MAX_VPC_ORIGINS = 25;
/** An ALB or NLB (elasticloadbalancing …:loadbalancer/app|net/…) or an EC2 instance (ec2 …:instance/i-…). */
const ENDPOINT_ARN = /^arn:aws[a-z-]*:(elasticloadbalancing:[a-z0-9-]+:\d{12}:loadbalancer\/(app|net)\/[A-Za-z0-9-]+\/[a-f0-9]+|ec2:[a-z0-9-]+:\d{12}:instance\/i-[a-f0-9]+)$/;
const WHAT = "VPC origin";

export function CreateVpcOrigin({ VpcOriginEndpointConfig: input, Tags }: CreateVpcOriginRequest, ctx: Ctx): CreateVpcOriginResult {
  const state = ctx.service;
  const config = checkEndpoint(input);
  const tags = Tags?.Items ?? [];
  validateTags(tags);
  if (state.vpcOrigins.find((v) => v.config.Arn === config.Arn)) fail("EntityAlreadyExists", `A VPC origin for ${config.Arn} already exists.`);
  if (state.vpcOrigins.size >= MAX_VPC_ORIGINS) fail("EntityLimitExceeded", `You cannot create more than ${MAX_VPC_ORIGINS} VPC origins.`);
  // `vo_` and 22 letters and digits, as in AWS's examples (vo_Ffua5QO1LTlCYJyo1GLcJc).
  const id = `vo_${state.ids.resourceId("").slice(0, 11)}${state.ids.resourceId("").toLowerCase().slice(0, 11)}`;
  const now = state.clock.now();
  const rec: VpcOriginRecord = {
    Id: id,
    Arn: state.arn("vpcorigin", id),
    ETag: state.ids.resourceId(),
    createdAt: now,
    lastModified: now,
    deployAt: now + state.settings.deployDelayMs,
    config,
    tags: tags.map((t) => ({ Key: t.Key, Value: t.Value ?? "" })),
  };
  state.vpcOrigins.put(rec);
  return { VpcOrigin: view(rec, state), ETag: rec.ETag, Location: `${ctx.baseUrl}/2020-05-31/vpc-origin/${rec.Id}` };
}

export function GetVpcOrigin({ Id }: GetVpcOriginRequest, ctx: Ctx): GetVpcOriginResult {
  const rec = mustGet(ctx.service, Id);
  return { VpcOrigin: view(rec, ctx.service), ETag: rec.ETag };
}

export function UpdateVpcOrigin({ Id, IfMatch, VpcOriginEndpointConfig: input }: UpdateVpcOriginRequest, ctx: Ctx): UpdateVpcOriginResult {
  const state = ctx.service;
  const rec = mustGet(state, Id);
  checkIfMatch(IfMatch, rec.ETag);
  if (status(rec, state) !== "Deployed") fail("CannotUpdateEntityWhileInUse", `The VPC origin ${rec.Id} is still deploying; update it once it is Deployed.`);
  const config = checkEndpoint(input);
  if (state.vpcOrigins.find((v) => v.config.Arn === config.Arn && v.Id !== rec.Id)) fail("EntityAlreadyExists", `A VPC origin for ${config.Arn} already exists.`);
  const now = state.clock.now();
  const updated: VpcOriginRecord = { ...rec, ETag: state.ids.resourceId(), lastModified: now, deployAt: now + state.settings.deployDelayMs, config };
  state.vpcOrigins.put(updated);
  return { VpcOrigin: view(updated, state), ETag: updated.ETag };
}

export function DeleteVpcOrigin({ Id, IfMatch }: DeleteVpcOriginRequest, ctx: Ctx): DeleteVpcOriginResult {
  const state = ctx.service;
  const rec = mustGet(state, Id);
  checkIfMatch(IfMatch, rec.ETag);
  if (state.listDistributions().some((d) => usesVpcOrigin(d.config, rec.Id))) fail("CannotDeleteEntityWhileInUse", messages.entityInUse(WHAT, rec.Id));
  state.vpcOrigins.delete(rec.Id);
  return { VpcOrigin: { ...view(rec, state), Status: "Deleting" }, ETag: rec.ETag };
}

export function ListVpcOrigins({ Marker, MaxItems }: ListVpcOriginsRequest, ctx: Ctx): ListVpcOriginsResult {
  const state = ctx.service;
  const page = pageAfterMarker(state.vpcOrigins.list(), (v) => v.Id, Marker, MaxItems);
  return {
    VpcOriginList: markerList(page, Marker, (v) => ({
      Id: v.Id,
      Name: v.config.Name,
      Status: status(v, state),
      CreatedTime: new Date(v.createdAt),
      LastModifiedTime: new Date(v.lastModified),
      Arn: v.Arn,
      AccountId: state.settings.accountId,
      OriginEndpointArn: v.config.Arn,
      IpAddressType: v.config.IpAddressType,
    })),
  };
}

function checkEndpoint(input: VpcOriginEndpointConfig | undefined): VpcOriginEndpointConfig {
  const c = input ?? fail("InvalidArgument", "VpcOriginEndpointConfig is required.");
  const name = c.Name ?? "";
  if (name.length < 1 || name.length > 128) fail("InvalidArgument", messages.badName(WHAT, name, 128));
  if (!ENDPOINT_ARN.test(c.Arn ?? "")) {
    fail("InvalidArgument", `The VPC origin endpoint ${c.Arn ?? ""} must be an Application Load Balancer, Network Load Balancer or EC2 instance ARN.`);
  }
  for (const [field, port] of [["HTTPPort", c.HTTPPort], ["HTTPSPort", c.HTTPSPort]] as const) {
    if (!(port === 80 || port === 443 || (Number.isInteger(port) && (port as number) >= 1024 && (port as number) <= 65535))) {
      fail("InvalidArgument", `${field} of the VPC origin must be 80, 443 or between 1024 and 65535.`);
    }
  }
  oneOf(c.OriginProtocolPolicy, OriginProtocolPolicy, "OriginProtocolPolicy of the VPC origin");
  for (const p of c.OriginSslProtocols?.Items ?? []) oneOf(p, SslProtocol, "OriginSslProtocols of the VPC origin");
  const type = c.IpAddressType ?? "ipv4";
  if (type !== "ipv4" && type !== "dualstack") fail("InvalidArgument", `IpAddressType of the VPC origin must be ipv4 or dualstack, not ${type}.`);
  // Filled as AWS shows them when left out (unverified): TLSv1.2 only, IPv4.
  return {
    ...c,
    OriginSslProtocols: c.OriginSslProtocols ?? { Quantity: 1, Items: ["TLSv1.2"] },
    IpAddressType: type,
  };
}

function status(rec: VpcOriginRecord, state: CloudFrontState): "Deploying" | "Deployed" {
  return state.clock.now() >= rec.deployAt ? "Deployed" : "Deploying";
}

function mustGet(state: CloudFrontState, id: string | undefined): VpcOriginRecord {
  return state.vpcOrigins.get(id) ?? fail("EntityNotFound", messages.entityNotFound(WHAT));
}

function view(rec: VpcOriginRecord, state: CloudFrontState): VpcOrigin {
  return {
    Id: rec.Id,
    Arn: rec.Arn,
    AccountId: state.settings.accountId,
    Status: status(rec, state),
    CreatedTime: new Date(rec.createdAt),
    LastModifiedTime: new Date(rec.lastModified),
    VpcOriginEndpointConfig: rec.config,
  };
}
