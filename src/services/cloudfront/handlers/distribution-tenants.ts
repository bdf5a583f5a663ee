// Distribution tenants: CreateDistributionTenant, GetDistributionTenant, GetDistributionTenantByDomain,
// UpdateDistributionTenant, DeleteDistributionTenant, ListDistributionTenants,
// ListDistributionTenantsByCustomization, Associate/DisassociateDistributionTenantWebACL (CloudFront
// API reference; Developer Guide "Work with multi-tenant distributions"). What a request may hold
// is checked in tenant-checks.ts; how a tenant is served, in tenant-serving.ts.
//
// - Ids `dt_` + 27 characters; ETags and If-Match as for distributions; Status InProgress until the
//   configured deploy delay has passed, then Deployed. Unknown ids, names, ARNs and domains are
//   EntityNotFound (the model's code for these operations).
// - Update replaces the members it is given and keeps the others.
// - Delete: If-Match; an enabled tenant is ResourceNotDisabled (as DeleteDistribution wants a
//   disabled distribution); its invalidations go with it.
// - Domains read `active`: locally a domain is served the moment its tenant is created (on
//   AWS it waits for DNS and a certificate).
// - DisassociateDistributionTenantWebACL drops the tenant's web ACL customization, so the tenant
//   is back to the distribution's web ACL (unverified: AWS may record `disable` instead).
import type {
  AssociateDistributionTenantWebACLRequest,
  AssociateDistributionTenantWebACLResult,
  CreateDistributionTenantRequest,
  CreateDistributionTenantResult,
  DeleteDistributionTenantRequest,
  DisassociateDistributionTenantWebACLRequest,
  DisassociateDistributionTenantWebACLResult,
  DistributionTenant,
  DistributionTenantSummary,
  GetDistributionTenantByDomainRequest,
  GetDistributionTenantByDomainResult,
  GetDistributionTenantRequest,
  GetDistributionTenantResult,
  ListDistributionTenantsByCustomizationRequest,
  ListDistributionTenantsByCustomizationResult,
  ListDistributionTenantsRequest,
  ListDistributionTenantsResult,
  UpdateDistributionTenantRequest,
  UpdateDistributionTenantResult,
} from "@aws-sdk/client-cloudfront";
import { fail } from "../../../api/errors.ts";
import type { RequestContext } from "../../../api/service.ts";
import type { CloudFrontState } from "../state.ts";
import type { DistributionTenantRecord } from "../stores/distribution-tenants.ts";
import { messages } from "../messages.ts";
import { checkCustomizations, checkDomains, checkManagedCertificateRequest, checkParameters, checkTenantName, tenantDistribution } from "../tenant-checks.ts";
import { checkIfMatch, pageAfterMarker } from "./common.ts";
import { validateTags } from "./tags.ts";
import { nextVersion } from "../resource-version.ts";
import { defaultConnectionGroup, longId, mustGet as mustGetGroup } from "./connection-groups.ts";

type Ctx = RequestContext<CloudFrontState>;

const WHAT = "distribution tenant";
/** Quota: distribution tenants per account (unverified; AWS's default quota is larger). */
export const MAX_TENANTS = 10_000;

export function CreateDistributionTenant(input: CreateDistributionTenantRequest, ctx: Ctx): CreateDistributionTenantResult {
  const state = ctx.service;
  const name = checkTenantName(input.Name);
  if (state.distributionTenants.find((t) => t.Name === name)) fail("EntityAlreadyExists", `A distribution tenant named ${name} already exists.`);
  const dist = tenantDistribution(state, input.DistributionId);
  const domains = checkDomains(state, input.Domains, undefined);
  const parameters = checkParameters(dist.config, input.Parameters ?? []);
  const customizations = checkCustomizations(input.Customizations);
  const certificate = checkManagedCertificateRequest(input.ManagedCertificateRequest, domains);
  const tags = input.Tags?.Items ?? [];
  validateTags(tags);
  if (state.distributionTenants.size >= MAX_TENANTS) fail("EntityLimitExceeded", `You cannot create more than ${MAX_TENANTS} distribution tenants.`);
  const group = input.ConnectionGroupId ? mustGetGroup(state, input.ConnectionGroupId) : defaultConnectionGroup(state);
  const id = longId(state, "dt_");
  const version = nextVersion(state);
  const rec: DistributionTenantRecord = {
    Id: id,
    Arn: state.arn("distribution-tenant", id),
    ...version,
    createdAt: version.lastModified,
    Name: name,
    DistributionId: dist.Id,
    ConnectionGroupId: group.Id,
    Domains: domains,
    Parameters: parameters,
    Customizations: customizations,
    ManagedCertificateRequest: certificate,
    Enabled: input.Enabled ?? true,
    tags: tags.map((t) => ({ Key: t.Key, Value: t.Value ?? "" })),
  };
  state.distributionTenants.put(rec);
  return { DistributionTenant: view(rec, state, "InProgress"), ETag: rec.ETag };
}

export function GetDistributionTenant({ Identifier }: GetDistributionTenantRequest, ctx: Ctx): GetDistributionTenantResult {
  const rec = mustGet(ctx.service, Identifier);
  return { DistributionTenant: view(rec, ctx.service), ETag: rec.ETag };
}

export function GetDistributionTenantByDomain({ Domain }: GetDistributionTenantByDomainRequest, ctx: Ctx): GetDistributionTenantByDomainResult {
  const rec = ctx.service.distributionTenants.byDomain(Domain ?? "") ?? fail("EntityNotFound", messages.entityNotFound(WHAT));
  return { DistributionTenant: view(rec, ctx.service), ETag: rec.ETag };
}

export function UpdateDistributionTenant(input: UpdateDistributionTenantRequest, ctx: Ctx): UpdateDistributionTenantResult {
  const state = ctx.service;
  const rec = mustGet(state, input.Id);
  checkIfMatch(input.IfMatch, rec.ETag);
  const dist = tenantDistribution(state, input.DistributionId ?? rec.DistributionId);
  const domains = input.Domains !== undefined ? checkDomains(state, input.Domains, rec.Id) : [...rec.Domains];
  const parameters = checkParameters(dist.config, input.Parameters ?? rec.Parameters);
  const updated = saveTenant(state, rec, {
    DistributionId: dist.Id,
    Domains: domains,
    Parameters: parameters,
    Customizations: input.Customizations !== undefined ? checkCustomizations(input.Customizations) : rec.Customizations,
    ManagedCertificateRequest: checkManagedCertificateRequest(input.ManagedCertificateRequest ?? rec.ManagedCertificateRequest, domains),
    ConnectionGroupId: input.ConnectionGroupId ? mustGetGroup(state, input.ConnectionGroupId).Id : rec.ConnectionGroupId,
    Enabled: input.Enabled ?? rec.Enabled,
  });
  return { DistributionTenant: view(updated, state, "InProgress"), ETag: updated.ETag };
}

export function DeleteDistributionTenant({ Id, IfMatch }: DeleteDistributionTenantRequest, ctx: Ctx): Record<string, never> {
  const state = ctx.service;
  const rec = mustGet(state, Id);
  checkIfMatch(IfMatch, rec.ETag);
  if (rec.Enabled) fail("ResourceNotDisabled", `The distribution tenant ${rec.Id} must be disabled before it can be deleted.`);
  state.distributionTenants.delete(rec.Id);
  state.deleteInvalidations(rec.Id);
  return {};
}

export function ListDistributionTenants({ AssociationFilter: f, Marker, MaxItems }: ListDistributionTenantsRequest, ctx: Ctx): ListDistributionTenantsResult {
  const all = ctx.service.distributionTenants.list().filter(
    (t) => (f?.DistributionId === undefined || t.DistributionId === f.DistributionId) && (f?.ConnectionGroupId === undefined || t.ConnectionGroupId === f.ConnectionGroupId),
  );
  return tenantList(ctx.service, all, Marker, MaxItems);
}

export function ListDistributionTenantsByCustomization(
  { WebACLArn, CertificateArn, Marker, MaxItems }: ListDistributionTenantsByCustomizationRequest,
  ctx: Ctx,
): ListDistributionTenantsByCustomizationResult {
  const all = ctx.service.distributionTenants.list().filter(
    (t) =>
      (WebACLArn === undefined || (t.Customizations?.WebAcl?.Action === "override" && t.Customizations.WebAcl.Arn === WebACLArn)) &&
      (CertificateArn === undefined || t.Customizations?.Certificate?.Arn === CertificateArn),
  );
  return tenantList(ctx.service, all, Marker, MaxItems);
}

export function AssociateDistributionTenantWebACL({ Id, WebACLArn, IfMatch }: AssociateDistributionTenantWebACLRequest, ctx: Ctx): AssociateDistributionTenantWebACLResult {
  const state = ctx.service;
  const rec = mustGet(state, Id);
  if (IfMatch !== undefined) checkIfMatch(IfMatch, rec.ETag);
  const customizations = checkCustomizations({ ...rec.Customizations, WebAcl: { Action: "override", Arn: WebACLArn ?? "" } });
  const updated = saveTenant(state, rec, { Customizations: customizations });
  return { Id: updated.Id, WebACLArn, ETag: updated.ETag };
}

export function DisassociateDistributionTenantWebACL({ Id, IfMatch }: DisassociateDistributionTenantWebACLRequest, ctx: Ctx): DisassociateDistributionTenantWebACLResult {
  const state = ctx.service;
  const rec = mustGet(state, Id);
  if (IfMatch !== undefined) checkIfMatch(IfMatch, rec.ETag);
  const { WebAcl: _dropped, ...rest } = rec.Customizations ?? {};
  const updated = saveTenant(state, rec, { Customizations: Object.keys(rest).length > 0 ? rest : undefined });
  return { Id: updated.Id, ETag: updated.ETag };
}

/** A tenant by the ARN, id or name the API accepts. */
export function mustGet(state: CloudFrontState, identifier: string | undefined): DistributionTenantRecord {
  return state.distributionTenants.byIdentifier(identifier) ?? fail("EntityNotFound", messages.entityNotFound(WHAT));
}

/** Stores `changes` as a new version of `rec` (new ETag, redeploys). */
export function saveTenant(state: CloudFrontState, rec: DistributionTenantRecord, changes: Partial<DistributionTenantRecord>): DistributionTenantRecord {
  const updated: DistributionTenantRecord = { ...rec, ...changes, ...nextVersion(state) };
  state.distributionTenants.put(updated);
  return updated;
}

function tenantList(state: CloudFrontState, all: DistributionTenantRecord[], marker: string | undefined, maxItems: number | undefined) {
  const page = pageAfterMarker(all, (t) => t.Id, marker, maxItems);
  return {
    ...(page.nextMarker !== undefined ? { NextMarker: page.nextMarker } : {}),
    DistributionTenantList: page.items.map((t): DistributionTenantSummary => {
      const { Tags: _tags, Parameters: _parameters, ...rest } = view(t, state);
      return { ...rest, ETag: t.ETag } as DistributionTenantSummary;
    }),
  };
}

function view(rec: DistributionTenantRecord, state: CloudFrontState, forceStatus?: "InProgress"): DistributionTenant {
  return {
    Id: rec.Id,
    DistributionId: rec.DistributionId,
    Name: rec.Name,
    Arn: rec.Arn,
    Domains: rec.Domains.map((d) => ({ Domain: d, Status: "active" })),
    Tags: { Items: rec.tags.map((t) => ({ Key: t.Key, Value: t.Value ?? "" })) },
    ...(rec.Customizations ? { Customizations: rec.Customizations } : {}),
    Parameters: [...rec.Parameters],
    ConnectionGroupId: rec.ConnectionGroupId,
    CreatedTime: new Date(rec.createdAt),
    LastModifiedTime: new Date(rec.lastModified),
    Enabled: rec.Enabled,
    Status: forceStatus ?? (state.clock.now() >= rec.deployAt ? "Deployed" : "InProgress"),
  };
}
