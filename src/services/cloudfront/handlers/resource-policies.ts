// Resource policies for shared CloudFront resources: PutResourcePolicy, GetResourcePolicy,
// DeleteResourcePolicy and ListDistributionsByOwnedResource (CloudFront API reference; Developer
// Guide "Work with shared resources in CloudFront": VPC origins are what an account shares).
//
// - ResourceArn names a VPC origin of this account (`arn:aws:cloudfront::<account>:vpcorigin/<id>`);
//   anything else → InvalidArgument; a VPC origin that does not exist → EntityNotFound. The policy
//   must be a JSON object → InvalidArgument.
// - Get or Delete of a VPC origin without a policy → EntityNotFound.
// - ListDistributionsByOwnedResource lists the distributions whose origins use the VPC origin, each
//   with its owner account (always this one here).
// Not emulated: no other account exists, so the policy grants nothing. A deleted VPC origin's policy
// is not removed with it (unverified what AWS does); Get answers it until DeleteResourcePolicy.
import type {
  DeleteResourcePolicyRequest,
  GetResourcePolicyRequest,
  GetResourcePolicyResult,
  ListDistributionsByOwnedResourceRequest,
  ListDistributionsByOwnedResourceResult,
  PutResourcePolicyRequest,
  PutResourcePolicyResult,
} from "@aws-sdk/client-cloudfront";
import { fail } from "../../../api/errors.ts";
import type { RequestContext } from "../../../api/service.ts";
import type { CloudFrontState } from "../state.ts";
import { messages } from "../messages.ts";
import { pageAfterMarker, markerList } from "./common.ts";
import { usesVpcOrigin } from "./distributions-by.ts";

type Ctx = RequestContext<CloudFrontState>;

export function PutResourcePolicy({ ResourceArn, PolicyDocument }: PutResourcePolicyRequest, ctx: Ctx): PutResourcePolicyResult {
  const arn = resourceArn(ctx.service, ResourceArn).arn;
  const doc = PolicyDocument ?? "";
  let parsed: unknown;
  try {
    parsed = JSON.parse(doc);
  } catch (err) {
    fail("InvalidArgument", messages.badPolicyDocument((err as Error).message));
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) fail("InvalidArgument", messages.badPolicyDocument("it must be a JSON object."));
  ctx.service.resourcePolicies.put({ Id: arn, PolicyDocument: doc });
  return { ResourceArn: arn };
}

export function GetResourcePolicy({ ResourceArn }: GetResourcePolicyRequest, ctx: Ctx): GetResourcePolicyResult {
  const arn = resourceArn(ctx.service, ResourceArn).arn;
  const rec = ctx.service.resourcePolicies.get(arn) ?? fail("EntityNotFound", messages.entityNotFound("resource policy"));
  return { ResourceArn: arn, PolicyDocument: rec.PolicyDocument };
}

export function DeleteResourcePolicy({ ResourceArn }: DeleteResourcePolicyRequest, ctx: Ctx): Record<string, never> {
  const arn = resourceArn(ctx.service, ResourceArn).arn;
  if (!ctx.service.resourcePolicies.has(arn)) fail("EntityNotFound", messages.entityNotFound("resource policy"));
  ctx.service.resourcePolicies.delete(arn);
  return {};
}

export function ListDistributionsByOwnedResource({ ResourceArn, Marker, MaxItems }: ListDistributionsByOwnedResourceRequest, ctx: Ctx): ListDistributionsByOwnedResourceResult {
  const state = ctx.service;
  const { id } = resourceArn(state, ResourceArn);
  const using = state.listDistributions().filter((d) => usesVpcOrigin(d.config, id));
  const page = pageAfterMarker(using, (d) => d.Id, Marker, MaxItems);
  return { DistributionList: markerList(page, Marker, (d) => ({ DistributionId: d.Id, OwnerAccountId: state.settings.accountId })) };
}

function resourceArn(state: CloudFrontState, value: string | undefined): { arn: string; id: string } {
  const arn = value ?? "";
  const m = /^arn:aws:cloudfront::(\d{12}):vpcorigin\/([A-Za-z0-9_-]+)$/.exec(arn);
  if (!m || m[1] !== state.settings.accountId) fail("InvalidArgument", messages.badResourceArn(arn));
  const id = m[2] as string;
  if (!state.vpcOrigins.has(id)) fail("EntityNotFound", messages.entityNotFound("VPC origin"));
  return { arn, id };
}
