// Multi-tenant distributions (ConnectionMode tenant-only) and what sets them apart from standard
// ones, per the fields the CloudFront API reference marks "only supports standard distributions"
// (Developer Guide "Unsupported features for SaaS Manager for Amazon CloudFront"):
// - a multi-tenant distribution has no Aliases (its tenants have domains), no IAMCertificateId, no
//   PriceClass other than PriceClass_All, no continuous deployment (ContinuousDeploymentPolicyId,
//   Staging), no AnycastIpListId (a connection group carries it), no TrustedSigners or
//   SmoothStreaming on a behavior, and uses cache policies, not the legacy ForwardedValues/TTLs;
// - TenantConfig (parameter definitions) is for multi-tenant distributions only;
// - ConnectionMode cannot change on update;
// - parameters are named in origins as {{name}}; every name used must be defined, and a name is
//   1-128 letters, digits, `_` or `-` (unverified);
// - a distribution with tenants cannot be deleted (ResourceInUse; unverified code).
// A default-valued field (PriceClass_All, IsIPV6Enabled, empty Aliases) is accepted, since
// GetDistributionConfig shows the defaults and clients send them back on update.
// CloudFrontDefaultCertificate is allowed (unverified): tenants bring their own certificates.
import type { CacheBehavior, DistributionConfig } from "@aws-sdk/client-cloudfront";
import { fail } from "../../api/errors.ts";
import type { CloudFrontState, DistributionRecord } from "./state.ts";
import { placeholderNames } from "./tenant-serving.ts";

const PARAMETER_NAME = /^[A-Za-z0-9_-]{1,128}$/;

/** Throws InvalidArgument (or IllegalUpdate for a changed ConnectionMode) for what a multi-tenant distribution may not have. */
export function checkConnectionMode(config: DistributionConfig, current: DistributionRecord | undefined): void {
  const mode = config.ConnectionMode || "direct";
  if (mode !== "direct" && mode !== "tenant-only") fail("InvalidArgument", `ConnectionMode must be direct or tenant-only, not ${mode}.`);
  if (current && (current.config.ConnectionMode || "direct") !== mode) {
    fail("IllegalUpdate", "The ConnectionMode of a distribution cannot be changed after it is created.");
  }
  if (mode === "direct") {
    if (config.TenantConfig !== undefined && (config.TenantConfig.ParameterDefinitions ?? []).length > 0) {
      fail("InvalidArgument", "TenantConfig is only supported for multi-tenant distributions (ConnectionMode tenant-only).");
    }
    // No definitions: any {{placeholder}} in an origin is refused.
    return checkParameterDefinitions(config);
  }
  const refuse = (field: string) => fail("InvalidArgument", `${field} is not supported for multi-tenant distributions (ConnectionMode tenant-only).`);
  if ((config.Aliases?.Items ?? []).length > 0) refuse("Aliases");
  if (config.ViewerCertificate?.IAMCertificateId) refuse("ViewerCertificate.IAMCertificateId");
  if (config.PriceClass !== undefined && config.PriceClass !== "PriceClass_All") refuse("PriceClass");
  if (config.ContinuousDeploymentPolicyId) refuse("ContinuousDeploymentPolicyId");
  if (config.Staging === true) refuse("Staging");
  if (config.AnycastIpListId) refuse("AnycastIpListId");
  const behaviors: CacheBehavior[] = [config.DefaultCacheBehavior as CacheBehavior, ...(config.CacheBehaviors?.Items ?? [])];
  for (const b of behaviors) {
    if (!b) continue;
    if (b.TrustedSigners?.Enabled === true) refuse("TrustedSigners");
    if (b.SmoothStreaming === true) refuse("SmoothStreaming");
    if (b.ForwardedValues !== undefined || !b.CachePolicyId) refuse("A cache behavior without a cache policy (legacy ForwardedValues and TTLs)");
  }
  checkParameterDefinitions(config);
}

function checkParameterDefinitions(config: DistributionConfig): void {
  const defined = new Set<string>();
  for (const d of config.TenantConfig?.ParameterDefinitions ?? []) {
    const name = d.Name ?? "";
    if (!PARAMETER_NAME.test(name)) fail("InvalidArgument", `The parameter name "${name}" must be 1-128 letters, digits, _ or -.`);
    if (defined.has(name)) fail("InvalidArgument", `The parameter ${name} is defined more than once.`);
    if (d.Definition?.StringSchema === undefined) fail("InvalidArgument", `The parameter ${name} needs a Definition with a StringSchema.`);
    defined.add(name);
  }
  for (const o of config.Origins?.Items ?? []) {
    for (const name of [...placeholderNames(o.DomainName ?? ""), ...placeholderNames(o.OriginPath ?? "")]) {
      if (!defined.has(name)) fail("InvalidArgument", `The origin ${o.Id ?? ""} uses the parameter {{${name}}}, which TenantConfig.ParameterDefinitions does not define.`);
    }
  }
}

/** DeleteDistribution of a multi-tenant distribution that still has tenants: ResourceInUse. */
export function checkNoTenants(state: CloudFrontState, rec: DistributionRecord): void {
  const tenant = state.distributionTenants.find((t) => t.DistributionId === rec.Id);
  if (tenant) fail("ResourceInUse", `The distribution ${rec.Id} still has distribution tenants (${tenant.Id}); delete them first.`);
}
