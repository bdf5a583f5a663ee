// What the edge serves for a distribution tenant (CloudFront Developer Guide "Distribution tenant
// customizations"): its multi-tenant distribution, with
// - the tenant's parameter values (or the definitions' defaults) put in place of `{{name}}` in each
//   origin's DomainName and OriginPath ("How parameters work with distribution tenants");
// - its geographic restriction instead of the distribution's (an override, not a merge);
// - its web ACL (override, or none for `disable`) and ACM certificate recorded in place of the
//   distribution's WebACLId and ViewerCertificate (there is no WAF or TLS per domain here);
// - Enabled only when the distribution, the tenant and its connection group all are.
// The result is a DistributionRecord whose Id is the tenant's, so everything the edge keys by
// distribution (the cache, compiled configuration, purges) is per tenant: one tenant never gets
// another's cached object, and an invalidation for a tenant purges only its objects.
// Records are built once per (distribution, tenant, connection group) version and reused, so the
// edge's compile cache (keyed by record) holds, and a Host lookup stays two map lookups.
// Not emulated: wildcard tenant domains (*.example.com) are matched exactly, not as wildcards.
import type { DistributionConfig, Origin, Parameter, ParameterDefinition } from "@aws-sdk/client-cloudfront";
import type { DistributionRecord } from "./distribution-record.ts";
import type { DistributionTenantRecord } from "./stores/distribution-tenants.ts";
import type { ConnectionGroupRecord } from "./stores/connection-groups.ts";

/** A distribution as one of its tenants serves it; `Id` is the tenant's. */
export interface TenantServingRecord extends DistributionRecord {
  readonly distributionTenant: { readonly Id: string; readonly DistributionId: string; readonly Name: string };
}

const PLACEHOLDER = /\{\{([^{}]*)\}\}/g;

/** `text` with every `{{name}}` replaced by its value; unknown names are left as written. */
export function substituteParameters(text: string, values: ReadonlyMap<string, string>): string {
  return text.replace(PLACEHOLDER, (whole, name: string) => values.get(name) ?? whole);
}

/** The names `{{name}}` refers to in a string. */
export function placeholderNames(text: string): string[] {
  // Most origins hold none: every CreateDistribution asks this of each origin's domain and path.
  if (!text.includes("{{")) return [];
  return [...text.matchAll(PLACEHOLDER)].map((m) => m[1] as string);
}

/** Parameter values in effect for a tenant: its own, else each definition's default. */
export function parameterValues(definitions: readonly ParameterDefinition[], given: readonly Parameter[]): Map<string, string> {
  const values = new Map<string, string>();
  for (const d of definitions) {
    const def = d.Definition?.StringSchema?.DefaultValue;
    if (d.Name !== undefined && def !== undefined) values.set(d.Name, def);
  }
  for (const p of given) if (p.Name !== undefined && p.Value !== undefined) values.set(p.Name, p.Value);
  return values;
}

/** The distribution config a tenant is served with (see the header). */
export function tenantConfig(config: DistributionConfig, tenant: DistributionTenantRecord, groupEnabled: boolean): DistributionConfig {
  const values = parameterValues(config.TenantConfig?.ParameterDefinitions ?? [], tenant.Parameters);
  const origin = (o: Origin): Origin => ({
    ...o,
    DomainName: substituteParameters(o.DomainName ?? "", values),
    OriginPath: substituteParameters(o.OriginPath ?? "", values),
  });
  const c = tenant.Customizations;
  const geo = c?.GeoRestrictions;
  const acl = c?.WebAcl;
  return {
    ...config,
    Enabled: config.Enabled === true && tenant.Enabled && groupEnabled,
    Origins: { Quantity: config.Origins?.Quantity ?? 0, Items: (config.Origins?.Items ?? []).map(origin) },
    ...(geo
      ? { Restrictions: { GeoRestriction: { RestrictionType: geo.RestrictionType, Quantity: geo.Locations?.length ?? 0, Items: geo.Locations ?? [] } } }
      : {}),
    ...(acl ? { WebACLId: acl.Action === "override" ? (acl.Arn ?? "") : "" } : {}),
    ...(c?.Certificate?.Arn ? { ViewerCertificate: { ...config.ViewerCertificate, CloudFrontDefaultCertificate: false, ACMCertificateArn: c.Certificate.Arn } } : {}),
  };
}

interface Built {
  readonly dist: DistributionRecord;
  readonly group: ConnectionGroupRecord | undefined;
  readonly rec: TenantServingRecord;
}

const built = new WeakMap<DistributionTenantRecord, Built>();

/** What tenant serving reads of the CloudFront state (state.ts, which calls this module). */
export interface TenantLookup {
  readonly distributionTenants: { byDomain(host: string): DistributionTenantRecord | undefined };
  readonly connectionGroups: { get(id: string): ConnectionGroupRecord | undefined };
  getDistribution(id: string): DistributionRecord | undefined;
}

/** The record the edge serves `host` with when it is a tenant's domain; undefined otherwise. */
export function servingRecordForHost(state: TenantLookup, host: string): TenantServingRecord | undefined {
  const tenant = state.distributionTenants.byDomain(host);
  if (!tenant) return undefined;
  const dist = state.getDistribution(tenant.DistributionId);
  if (!dist) return undefined;
  const group = state.connectionGroups.get(tenant.ConnectionGroupId);
  const cached = built.get(tenant);
  if (cached && cached.dist === dist && cached.group === group) return cached.rec;
  const rec: TenantServingRecord = {
    ...dist,
    Id: tenant.Id,
    ETag: `${dist.ETag}/${tenant.ETag}`,
    config: tenantConfig(dist.config, tenant, group?.Enabled ?? true),
    distributionTenant: { Id: tenant.Id, DistributionId: dist.Id, Name: tenant.Name },
  };
  built.set(tenant, { dist, group, rec });
  return rec;
}
