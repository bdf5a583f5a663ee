// Checks on a distribution tenant's request (CloudFront API reference CreateDistributionTenant,
// UpdateDistributionTenant; Developer Guide "Distribution tenant customizations"):
// - the distribution exists (EntityNotFound) and is multi-tenant (InvalidArgument);
// - 1-5 domains (UpdateDistributionTenant: "Each distribution tenant can have up to 5 domains"),
//   each a DNS name of at most 253 characters, not another tenant's or a distribution's alias
//   (CNAMEAlreadyExists);
// - parameters: each named by the distribution's TenantConfig, given once; every Required one
//   given a value (InvalidArgument); values 1-256 characters (unverified);
// - customizations: WebAcl `override` with a WAF v2 global web ACL ARN or `disable` without one;
//   GeoRestrictions whitelist/blacklist with two-letter country codes, or none without any; an
//   ACM certificate ARN in us-east-1;
// - ManagedCertificateRequest: ValidationTokenHost cloudfront or self-hosted, a PrimaryDomainName
//   among the tenant's domains.
// Unverified: the name pattern (3-128 letters, digits, dots and hyphens, starting and ending with a
// letter or digit).
import type { Customizations, DistributionConfig, ManagedCertificateRequest, Parameter } from "@aws-sdk/client-cloudfront";
import { fail } from "../../api/errors.ts";
import type { CloudFrontState, DistributionRecord } from "./state.ts";

export const MAX_TENANT_DOMAINS = 5;
const TENANT_NAME = /^[A-Za-z0-9][A-Za-z0-9.-]{1,126}[A-Za-z0-9]$/;
const DOMAIN = /^(\*\.)?([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z0-9-]{1,63}$/;
const WEB_ACL_ARN = /^arn:aws:wafv2:us-east-1:\d{12}:global\/webacl\/[A-Za-z0-9_-]{1,128}\/[A-Za-z0-9-]{1,128}$/;
const ACM_ARN = /^arn:aws:acm:us-east-1:\d{12}:certificate\/[A-Za-z0-9-]+$/;
const COUNTRY = /^[A-Z]{2}$/;

export function checkTenantName(name: string | undefined): string {
  const n = name ?? "";
  if (!TENANT_NAME.test(n)) fail("InvalidArgument", `The distribution tenant name "${n}" must be 3-128 letters, digits, dots or hyphens, starting and ending with a letter or digit.`);
  return n;
}

/** The multi-tenant distribution a tenant names. */
export function tenantDistribution(state: CloudFrontState, id: string | undefined): DistributionRecord {
  const dist = state.getDistribution(id ?? "") ?? fail("EntityNotFound", `The distribution ${id ?? ""} was not found.`);
  if (dist.config.ConnectionMode !== "tenant-only") fail("InvalidArgument", `The distribution ${dist.Id} is not a multi-tenant distribution (ConnectionMode tenant-only).`);
  return dist;
}

/** The domains as given, checked; `selfId` is the tenant being updated. */
export function checkDomains(state: CloudFrontState, domains: readonly { Domain?: string | undefined }[] | undefined, selfId: string | undefined): string[] {
  const list = (domains ?? []).map((d) => d.Domain ?? "");
  if (list.length < 1 || list.length > MAX_TENANT_DOMAINS) fail("InvalidArgument", `A distribution tenant has 1 to ${MAX_TENANT_DOMAINS} domains, not ${list.length}.`);
  const seen = new Set<string>();
  for (const d of list) {
    if (!DOMAIN.test(d) || d.length > 253) fail("InvalidArgument", `The domain "${d}" is not a valid domain name.`);
    const key = d.toLowerCase();
    if (seen.has(key)) fail("InvalidArgument", `The domain ${d} is given more than once.`);
    seen.add(key);
    const owner = state.aliasOwner(key);
    if (owner !== undefined && owner !== selfId) fail("CNAMEAlreadyExists", `The domain ${d} is already associated with ${owner}.`);
  }
  return list;
}

export function checkParameters(config: DistributionConfig, params: readonly Parameter[]): Parameter[] {
  const defs = new Map((config.TenantConfig?.ParameterDefinitions ?? []).map((d) => [d.Name ?? "", d]));
  const given = new Set<string>();
  for (const p of params) {
    const name = p.Name ?? "";
    if (!defs.has(name)) fail("InvalidArgument", `The parameter ${name} is not defined by the multi-tenant distribution's TenantConfig.`);
    if (given.has(name)) fail("InvalidArgument", `The parameter ${name} is given more than once.`);
    const value = p.Value ?? "";
    if (value.length < 1 || value.length > 256) fail("InvalidArgument", `The value of the parameter ${name} must be 1-256 characters long.`);
    given.add(name);
  }
  for (const [name, d] of defs) {
    if (d.Definition?.StringSchema?.Required && !given.has(name)) fail("InvalidArgument", `The parameter ${name} is required by the multi-tenant distribution; give it a value.`);
  }
  return params.map((p) => ({ Name: p.Name, Value: p.Value }));
}

export function checkCustomizations(c: Customizations | undefined): Customizations | undefined {
  if (!c) return undefined;
  const acl = c.WebAcl;
  if (acl) {
    if (acl.Action === "override" && !WEB_ACL_ARN.test(acl.Arn ?? "")) fail("InvalidArgument", `The web ACL ARN "${acl.Arn ?? ""}" is not a WAF v2 web ACL in the global (us-east-1) scope.`);
    if (acl.Action === "disable" && acl.Arn) fail("InvalidArgument", "A web ACL customization that disables the web ACL takes no Arn.");
    if (acl.Action !== "override" && acl.Action !== "disable") fail("InvalidArgument", `The web ACL customization Action must be override or disable, not ${acl.Action ?? ""}.`);
  }
  const geo = c.GeoRestrictions;
  if (geo) {
    const type = geo.RestrictionType ?? "";
    const locations = geo.Locations ?? [];
    if (type !== "none" && type !== "whitelist" && type !== "blacklist") fail("InvalidArgument", `The geo restriction RestrictionType must be none, whitelist or blacklist, not ${type}.`);
    if (type === "none" && locations.length > 0) fail("InvalidArgument", "A geo restriction of type none takes no Locations.");
    if (type !== "none" && locations.length === 0) fail("InvalidArgument", `A geo restriction of type ${type} needs at least one location.`);
    for (const l of locations) if (!COUNTRY.test(l)) fail("InvalidArgument", `The location "${l}" is not a two-letter country code.`);
  }
  const cert = c.Certificate;
  if (cert && !ACM_ARN.test(cert.Arn ?? "")) fail("InvalidArgument", `The certificate ARN "${cert.Arn ?? ""}" is not an ACM certificate in us-east-1.`);
  return c;
}

export function checkManagedCertificateRequest(m: ManagedCertificateRequest | undefined, domains: readonly string[]): ManagedCertificateRequest | undefined {
  if (!m) return undefined;
  if (m.ValidationTokenHost !== "cloudfront" && m.ValidationTokenHost !== "self-hosted") {
    fail("InvalidArgument", `ValidationTokenHost must be cloudfront or self-hosted, not ${m.ValidationTokenHost ?? ""}.`);
  }
  const pref = m.CertificateTransparencyLoggingPreference;
  if (pref !== undefined && pref !== "enabled" && pref !== "disabled") fail("InvalidArgument", `CertificateTransparencyLoggingPreference must be enabled or disabled, not ${pref}.`);
  if (m.PrimaryDomainName !== undefined && !domains.some((d) => d.toLowerCase() === m.PrimaryDomainName?.toLowerCase())) {
    fail("InvalidArgument", `The PrimaryDomainName ${m.PrimaryDomainName} is not one of the tenant's domains.`);
  }
  return m;
}
