// The ListDistributionsBy… operations over fields of the distribution configs (issue 17): by
// Anycast static IP list, web ACL, real-time log configuration, VPC origin, connection mode,
// connection function and trust store. Each pages with Marker/MaxItems in list order (common.ts);
// most answer DistributionSummary items, ByVpcOriginId a DistributionIdList, as the model says.
// A VPC origin, connection function or trust store that does not exist is EntityNotFound, the
// error the model declares for those three.
import type {
  DistributionConfig,
  ListDistributionsByConnectionFunctionRequest,
  ListDistributionsByConnectionFunctionResult,
  ListDistributionsByConnectionModeRequest,
  ListDistributionsByConnectionModeResult,
  ListDistributionsByRealtimeLogConfigRequest,
  ListDistributionsByRealtimeLogConfigResult,
  ListDistributionsByTrustStoreRequest,
  ListDistributionsByTrustStoreResult,
  ListDistributionsByVpcOriginIdRequest,
  ListDistributionsByVpcOriginIdResult,
  ListDistributionsByWebACLIdRequest,
  ListDistributionsByWebACLIdResult,
} from "@aws-sdk/client-cloudfront";
import { fail } from "../../../api/errors.ts";
import type { RequestContext } from "../../../api/service.ts";
import type { CloudFrontState, DistributionRecord } from "../state.ts";
import { messages } from "../messages.ts";
import { pageAfterMarker, markerList } from "./common.ts";
import { summary } from "./distributions.ts";

type Ctx = RequestContext<CloudFrontState>;

interface Paging {
  readonly Marker?: string | undefined;
  readonly MaxItems?: number | undefined;
}

/** A `DistributionList` of the summaries of the distributions that pass `test`. */
export function distributionListWhere(ctx: Ctx, test: (config: DistributionConfig) => boolean, { Marker, MaxItems }: Paging) {
  const page = pageAfterMarker(matching(ctx.service, test), (d) => d.Id, Marker, MaxItems);
  return { DistributionList: markerList(page, Marker, (d) => summary(d, ctx.service)) };
}

/** A `DistributionIdList` of the ids of the distributions that pass `test`. */
export function distributionIdListWhere(ctx: Ctx, test: (config: DistributionConfig) => boolean, { Marker, MaxItems }: Paging) {
  const page = pageAfterMarker(matching(ctx.service, test), (d) => d.Id, Marker, MaxItems);
  return { DistributionIdList: markerList(page, Marker, (d) => d.Id) };
}

function matching(state: CloudFrontState, test: (config: DistributionConfig) => boolean): DistributionRecord[] {
  return state.listDistributions().filter((d) => test(d.config));
}

// A WAF Classic web ACL id (a UUID) or a WAF v2 web ACL ARN, or "null" (CloudFront API reference
// "ListDistributionsByWebACLId": "If you specify "null" for the ID, the request returns a list of the
// distributions that aren't associated with a web ACL").
const WEB_ACL_ID = /^(null|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|arn:aws:wafv2:[a-z0-9-]+:\d{12}:global\/webacl\/[^/]+\/[^/]+)$/i;

export function ListDistributionsByWebACLId(input: ListDistributionsByWebACLIdRequest, ctx: Ctx): ListDistributionsByWebACLIdResult {
  const id = input.WebACLId ?? "";
  if (!WEB_ACL_ID.test(id)) fail("InvalidWebACLId", messages.badWebAclId(id));
  return distributionListWhere(ctx, (c) => (id === "null" ? !c.WebACLId : c.WebACLId === id), input);
}

/** Distributions with a behavior that logs to the configuration named by Name or ARN (either will do). */
export function ListDistributionsByRealtimeLogConfig(input: ListDistributionsByRealtimeLogConfigRequest, ctx: Ctx): ListDistributionsByRealtimeLogConfigResult {
  const { RealtimeLogConfigName: name, RealtimeLogConfigArn: arn } = input;
  if (!name && !arn) fail("InvalidArgument", messages.realtimeLogConfigWhich());
  const rec = arn ? ctx.service.realtimeLogConfigs.byArn(arn) : ctx.service.realtimeLogConfigs.get(name);
  // An unknown configuration has no distributions; the operation declares no not-found error.
  const target = rec?.ARN ?? arn ?? "";
  if (rec && name && rec.Id !== name) fail("InvalidArgument", messages.realtimeLogConfigWhich());
  return distributionListWhere(ctx, (c) => behaviors(c).some((b) => b?.RealtimeLogConfigArn === target), input);
}

export function ListDistributionsByVpcOriginId(input: ListDistributionsByVpcOriginIdRequest, ctx: Ctx): ListDistributionsByVpcOriginIdResult {
  const id = input.VpcOriginId ?? "";
  if (!ctx.service.vpcOrigins.has(id)) fail("EntityNotFound", messages.entityNotFound("VPC origin"));
  return distributionIdListWhere(ctx, (c) => usesVpcOrigin(c, id), input);
}

export function ListDistributionsByConnectionMode(input: ListDistributionsByConnectionModeRequest, ctx: Ctx): ListDistributionsByConnectionModeResult {
  const mode = input.ConnectionMode ?? "";
  if (mode !== "direct" && mode !== "tenant-only") fail("InvalidArgument", `ConnectionMode must be direct or tenant-only, not ${mode}.`);
  // A distribution without a ConnectionMode is a standard one: direct.
  return distributionListWhere(ctx, (c) => (c.ConnectionMode ?? "direct") === mode, input);
}

export function ListDistributionsByConnectionFunction(input: ListDistributionsByConnectionFunctionRequest, ctx: Ctx): ListDistributionsByConnectionFunctionResult {
  // The identifier is the function's id, name or ARN; the association names it by id.
  const fn = ctx.service.connectionFunctions.byIdentifier(input.ConnectionFunctionIdentifier ?? "") ?? fail("EntityNotFound", messages.entityNotFound("connection function"));
  return distributionListWhere(ctx, (c) => c.ConnectionFunctionAssociation?.Id === fn.Id, input);
}

export function ListDistributionsByTrustStore(input: ListDistributionsByTrustStoreRequest, ctx: Ctx): ListDistributionsByTrustStoreResult {
  const store = ctx.service.trustStores.byIdentifier(input.TrustStoreIdentifier ?? "") ?? fail("EntityNotFound", messages.entityNotFound("trust store"));
  return distributionListWhere(ctx, (c) => c.ViewerMtlsConfig?.TrustStoreConfig?.TrustStoreId === store.Id, input);
}

/** Whether an origin of `config` is the VPC origin `id`. */
export function usesVpcOrigin(config: DistributionConfig, id: string): boolean {
  return (config.Origins?.Items ?? []).some((o) => o.VpcOriginConfig?.VpcOriginId === id);
}

function behaviors(c: DistributionConfig) {
  return [c.DefaultCacheBehavior, ...(c.CacheBehaviors?.Items ?? [])];
}
