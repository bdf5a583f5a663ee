// Domains and certificates of distribution tenants: GetManagedCertificateDetails,
// UpdateDomainAssociation, VerifyDnsConfiguration, ListDomainConflicts (CloudFront API reference;
// Developer Guide "Request certificates for your CloudFront distribution tenant").
//
// There is no ACM or public DNS here, so these answer what a local machine can tell:
// - GetManagedCertificateDetails: a tenant created with a ManagedCertificateRequest has a
//   certificate that reads `issued` at once (nothing to validate locally; no certificate exists),
//   with an ARN derived from the tenant id and a validation token path per domain. A tenant
//   without a request: EntityNotFound.
// - VerifyDnsConfiguration asks this machine's resolver: a domain that is a CNAME of the tenant's
//   connection group routing endpoint, or resolves to a loopback address (where minifront serves
//   it), is `valid-configuration`; one that resolves elsewhere is `invalid-configuration`; one
//   that does not resolve (or not within 2 seconds) is `unknown-configuration`, with the reason.
//   `*.localhost` is loopback and `*.invalid` never resolves without asking (RFC 6761).
// - UpdateDomainAssociation moves a domain between standard distributions' Aliases and tenants'
//   Domains (If-Match: the target's ETag, optional); the source and target get new ETags.
// - ListDomainConflicts lists the other distributions and tenants of this account whose domains
//   equal the domain or match it through a wildcard (`*.example.com` and `a.example.com`).
//   There are no other accounts here, so every conflict is in this one.
import { createHash } from "node:crypto";
import { lookup, Resolver } from "node:dns/promises";
import type {
  DnsConfiguration,
  DomainConflict,
  GetManagedCertificateDetailsRequest,
  GetManagedCertificateDetailsResult,
  ListDomainConflictsRequest,
  ListDomainConflictsResult,
  UpdateDomainAssociationRequest,
  UpdateDomainAssociationResult,
  VerifyDnsConfigurationRequest,
  VerifyDnsConfigurationResult,
} from "@aws-sdk/client-cloudfront";
import { fail } from "../../../api/errors.ts";
import type { RequestContext } from "../../../api/service.ts";
import type { CloudFrontState, DistributionRecord } from "../state.ts";
import type { DistributionTenantRecord } from "../stores/distribution-tenants.ts";
import { MAX_TENANT_DOMAINS } from "../tenant-checks.ts";
import { messages } from "../messages.ts";
import { nextVersion } from "../resource-version.ts";
import { checkIfMatch, pageAfterMarker } from "./common.ts";
import { mustGet as mustGetTenant, saveTenant } from "./distribution-tenants.ts";

type Ctx = RequestContext<CloudFrontState>;

const DNS_TIMEOUT_MS = 2000;

export function GetManagedCertificateDetails({ Identifier }: GetManagedCertificateDetailsRequest, ctx: Ctx): GetManagedCertificateDetailsResult {
  const state = ctx.service;
  const tenant = mustGetTenant(state, Identifier);
  const request = tenant.ManagedCertificateRequest ?? fail("EntityNotFound", `The distribution tenant ${tenant.Id} has no CloudFront managed certificate.`);
  const hash = createHash("sha256").update(tenant.Id).digest("hex");
  const certificateId = `${hash.slice(0, 8)}-${hash.slice(8, 12)}-${hash.slice(12, 16)}-${hash.slice(16, 20)}-${hash.slice(20, 32)}`;
  return {
    ManagedCertificateDetails: {
      CertificateArn: `arn:aws:acm:us-east-1:${state.settings.accountId}:certificate/${certificateId}`,
      CertificateStatus: "issued",
      ValidationTokenHost: request.ValidationTokenHost,
      ValidationTokenDetails: tenant.Domains.map((d) => ({
        Domain: d,
        RedirectFrom: `${d}/.well-known/pki-validation/${hash.slice(32, 64)}.txt`,
        RedirectTo: `validation.us-east-1.acm-validations.aws/${state.settings.accountId}/.well-known/pki-validation/${hash.slice(32, 64)}.txt`,
      })),
    },
  };
}

export function UpdateDomainAssociation({ Domain, TargetResource, IfMatch }: UpdateDomainAssociationRequest, ctx: Ctx): UpdateDomainAssociationResult {
  const state = ctx.service;
  const domain = (Domain ?? "").toLowerCase();
  const target = resource(state, TargetResource);
  if (IfMatch !== undefined) checkIfMatch(IfMatch, target.ETag);
  const ownerId = state.aliasOwner(domain) ?? fail("EntityNotFound", `The domain ${Domain ?? ""} is not associated with a distribution or distribution tenant.`);
  if (ownerId === target.Id) fail("IllegalUpdate", `The domain ${Domain ?? ""} is already associated with ${target.Id}.`);
  if ("config" in target && target.config.ConnectionMode === "tenant-only") fail("IllegalUpdate", `The distribution ${target.Id} is a multi-tenant distribution: its tenants take domains, it does not.`);
  if ("Domains" in target && target.Domains.length >= MAX_TENANT_DOMAINS) fail("InvalidArgument", `The distribution tenant ${target.Id} already has ${MAX_TENANT_DOMAINS} domains.`);
  const source = state.getDistribution(ownerId) ?? state.distributionTenants.get(ownerId);
  if (source && "Domains" in source && source.Domains.length === 1) fail("IllegalUpdate", `The domain ${Domain ?? ""} is the only domain of the distribution tenant ${source.Id}.`);
  if (source) setDomains(state, source, domainsOf(source).filter((d) => d.toLowerCase() !== domain));
  const etag = setDomains(state, target, [...domainsOf(target), Domain ?? ""]);
  return { Domain, ResourceId: target.Id, ETag: etag };
}

export async function VerifyDnsConfiguration({ Domain, Identifier }: VerifyDnsConfigurationRequest, ctx: Ctx): Promise<VerifyDnsConfigurationResult> {
  const state = ctx.service;
  const tenant = mustGetTenant(state, Identifier);
  const endpoint = state.connectionGroups.get(tenant.ConnectionGroupId)?.RoutingEndpoint ?? "";
  let domains = [...tenant.Domains];
  if (Domain !== undefined) {
    if (!domains.some((d) => d.toLowerCase() === Domain.toLowerCase())) fail("InvalidArgument", `The domain ${Domain} is not one of the distribution tenant's domains.`);
    domains = [Domain];
  }
  return { DnsConfigurationList: await Promise.all(domains.map((d) => dnsConfiguration(d, endpoint))) };
}

export function ListDomainConflicts({ Domain, DomainControlValidationResource, Marker, MaxItems }: ListDomainConflictsRequest, ctx: Ctx): ListDomainConflictsResult {
  const state = ctx.service;
  const domain = (Domain ?? "").toLowerCase();
  if (domain === "") fail("InvalidArgument", "Domain is required.");
  const self = resource(state, DomainControlValidationResource);
  const conflicts: DomainConflict[] = [];
  const add = (id: string, type: "distribution" | "distribution-tenant", domains: readonly string[]) => {
    for (const d of domains) {
      if (id !== self.Id && overlaps(d.toLowerCase(), domain)) conflicts.push({ Domain: d, ResourceType: type, ResourceId: id, AccountId: state.settings.accountId });
    }
  };
  for (const d of state.listDistributions()) add(d.Id, "distribution", d.config.Aliases?.Items ?? []);
  for (const t of state.distributionTenants.list()) add(t.Id, "distribution-tenant", t.Domains);
  const page = pageAfterMarker(conflicts, (c) => `${c.ResourceId}/${c.Domain}`, Marker, MaxItems);
  return { DomainConflicts: page.items, ...(page.nextMarker !== undefined ? { NextMarker: page.nextMarker } : {}) };
}

/** The same name, or one a wildcard of the other covers (one label deep). */
export function overlaps(a: string, b: string): boolean {
  if (a === b) return true;
  const covers = (wild: string, name: string) => wild.startsWith("*.") && name.slice(name.indexOf(".") + 1) === wild.slice(2);
  return covers(a, b) || covers(b, a);
}

/** What the local resolver says of `domain` (see the header). */
export async function dnsConfiguration(domain: string, endpoint: string): Promise<DnsConfiguration> {
  const d = domain.toLowerCase();
  const answer = (Status: DnsConfiguration["Status"], Reason: string): DnsConfiguration => ({ Domain: domain, Status, Reason });
  if (d === "localhost" || d.endsWith(".localhost")) return answer("valid-configuration", "The domain is a loopback name (RFC 6761), served by minifront on this machine.");
  if (d.endsWith(".invalid")) return answer("unknown-configuration", "The domain is under .invalid, which never resolves (RFC 6761).");
  const resolver = new Resolver({ timeout: DNS_TIMEOUT_MS, tries: 1 });
  const cnames = await withTimeout(resolver.resolveCname(d)).catch(() => [] as string[]);
  if (endpoint !== "" && cnames.some((c) => c.toLowerCase() === endpoint)) return answer("valid-configuration", `The domain is a CNAME of the connection group's routing endpoint ${endpoint}.`);
  let addresses: { address: string }[];
  try {
    addresses = await withTimeout(lookup(d, { all: true }));
  } catch (err) {
    return answer("unknown-configuration", `The local resolver could not resolve the domain (${(err as NodeJS.ErrnoException).code ?? String(err)}).`);
  }
  const loopback = (a: string) => a.startsWith("127.") || a === "::1";
  if (addresses.length > 0 && addresses.every((a) => loopback(a.address))) return answer("valid-configuration", "The domain resolves to this machine, where minifront serves it.");
  return answer("invalid-configuration", `The domain resolves to ${addresses.map((a) => a.address).join(", ")}, not to the routing endpoint ${endpoint} or this machine.`);
}

function withTimeout<T>(p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error("timed out"), { code: "ETIMEOUT" })), DNS_TIMEOUT_MS);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

type DomainHolder = DistributionRecord | DistributionTenantRecord;

/** The distribution or tenant a DistributionResourceId names (exactly one of the two ids). */
function resource(state: CloudFrontState, r: { DistributionId?: string | undefined; DistributionTenantId?: string | undefined } | undefined): DomainHolder {
  const dist = r?.DistributionId;
  const tenant = r?.DistributionTenantId;
  if ((dist === undefined) === (tenant === undefined)) fail("InvalidArgument", "Give either DistributionId or DistributionTenantId, not both.");
  if (dist !== undefined) return state.getDistribution(dist) ?? fail("EntityNotFound", messages.entityNotFound("distribution"));
  return state.distributionTenants.get(tenant) ?? fail("EntityNotFound", messages.entityNotFound("distribution tenant"));
}

function domainsOf(r: DomainHolder): readonly string[] {
  return "Domains" in r ? r.Domains : (r.config.Aliases?.Items ?? []);
}

/** Stores new domains (tenant) or aliases (distribution) as a new version; returns its ETag. */
function setDomains(state: CloudFrontState, r: DomainHolder, domains: string[]): string {
  if ("Domains" in r) return saveTenant(state, r, { Domains: domains }).ETag;
  const updated: DistributionRecord = {
    ...r,
    ...nextVersion(state),
    config: { ...r.config, Aliases: { Quantity: domains.length, ...(domains.length > 0 ? { Items: domains } : {}) } },
  };
  state.putDistribution(updated);
  return updated.ETag;
}
