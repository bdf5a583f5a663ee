// Invalidations of a distribution tenant: CreateInvalidationForDistributionTenant,
// GetInvalidationForDistributionTenant, ListInvalidationsForDistributionTenant (CloudFront API
// reference; Developer Guide "Distribution tenant customizations", invalidation paths). The same
// rules as a distribution's (invalidations.ts): a tenant's objects are cached under its id
// (tenant-serving.ts), so its invalidation purges only them. Unknown tenants are EntityNotFound.
import type {
  CreateInvalidationForDistributionTenantRequest,
  CreateInvalidationForDistributionTenantResult,
  GetInvalidationForDistributionTenantRequest,
  GetInvalidationForDistributionTenantResult,
  ListInvalidationsForDistributionTenantRequest,
  ListInvalidationsForDistributionTenantResult,
} from "@aws-sdk/client-cloudfront";
import { fail } from "../../../api/errors.ts";
import type { RequestContext } from "../../../api/service.ts";
import type { CloudFrontState } from "../state.ts";
import { messages } from "../messages.ts";
import { addInvalidationFor, invalidationList, view } from "./invalidations.ts";
import { mustGet } from "./distribution-tenants.ts";

type Ctx = RequestContext<CloudFrontState>;

export function CreateInvalidationForDistributionTenant(
  { Id, InvalidationBatch }: CreateInvalidationForDistributionTenantRequest,
  ctx: Ctx,
): CreateInvalidationForDistributionTenantResult {
  const state = ctx.service;
  const tenant = mustGet(state, Id);
  const { inv, reused } = addInvalidationFor(state, tenant.Id, InvalidationBatch);
  return {
    Invalidation: view(inv, state, reused ? undefined : "InProgress"),
    Location: `${ctx.baseUrl}/2020-05-31/distribution-tenant/${tenant.Id}/invalidation/${inv.Id}`,
  };
}

export function GetInvalidationForDistributionTenant({ DistributionTenantId, Id }: GetInvalidationForDistributionTenantRequest, ctx: Ctx): GetInvalidationForDistributionTenantResult {
  const state = ctx.service;
  const tenant = mustGet(state, DistributionTenantId);
  const inv = state.listInvalidations(tenant.Id).find((i) => i.Id === Id) ?? fail("NoSuchInvalidation", messages.noSuchInvalidation(Id ?? ""));
  return { Invalidation: view(inv, state) };
}

export function ListInvalidationsForDistributionTenant({ Id, Marker, MaxItems }: ListInvalidationsForDistributionTenantRequest, ctx: Ctx): ListInvalidationsForDistributionTenantResult {
  const state = ctx.service;
  const tenant = mustGet(state, Id);
  return { InvalidationList: invalidationList(state, tenant.Id, Marker, MaxItems) };
}
