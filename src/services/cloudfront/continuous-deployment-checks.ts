// What continuous deployment asks of distributions (issue 17; CloudFront Developer Guide, "Use
// CloudFront continuous deployment to safely test CDN configuration changes"): the checks that
// CreateDistribution, UpdateDistribution and DeleteDistribution make about staging distributions
// and the policy a primary names, with the error codes the model declares for those operations.
//
// - `Staging` is fixed when a distribution is created: changing it is IllegalUpdate.
// - A staging distribution cannot name a policy (IllegalUpdate on update, InvalidArgument on
//   create, whose model has no IllegalUpdate). A primary's policy must exist
//   (NoSuchContinuousDeploymentPolicy), belong to no other primary (ContinuousDeploymentPolicyInUse)
//   and name a staging distribution that exists.
// - Deletion (ResourceInUse, DeleteDistribution's only in-use error): a primary whose policy is
//   still enabled, and a staging distribution that an attached policy names. This is why the
//   Terraform provider disables the policy before deleting the primary. Not documented by AWS in
//   these words; chosen so a live routing pair cannot lose one side.
// Not done: the quota of 20 staging distributions per account, and the HTTP/3 exclusion.
import type { DistributionConfig } from "@aws-sdk/client-cloudfront";
import { fail } from "../../api/errors.ts";
import type { CloudFrontState, DistributionRecord } from "./state.ts";
import type { ContinuousDeploymentPolicyRecord } from "./stores/continuous-deployment-policies.ts";
import { messages } from "./messages.ts";

/** Throws unless `next` (a new config, or the update of `current`) keeps continuous deployment's rules. */
export function checkContinuousDeployment(state: CloudFrontState, next: DistributionConfig, current: DistributionRecord | undefined): void {
  if (current && (next.Staging ?? false) !== (current.config.Staging ?? false)) fail("IllegalUpdate", messages.stagingImmutable());
  const policyId = next.ContinuousDeploymentPolicyId ?? "";
  if (policyId === "") return;
  if (next.Staging) fail(current ? "IllegalUpdate" : "InvalidArgument", messages.stagingWithPolicy());
  const policy = state.continuousDeploymentPolicies.get(policyId) ?? fail("NoSuchContinuousDeploymentPolicy", messages.noSuchContinuousDeploymentPolicy());
  const other = primaryOf(state, policyId);
  if (other && other.Id !== current?.Id) fail("ContinuousDeploymentPolicyInUse", messages.continuousDeploymentPolicyInUse(policyId));
  if (!stagingOf(state, policy)) fail("InvalidArgument", messages.policyStagingGone(policyId));
}

/** Throws ResourceInUse when deleting `rec` would break an attached continuous deployment policy. */
export function checkDeletable(state: CloudFrontState, rec: DistributionRecord): void {
  const policyId = rec.config.ContinuousDeploymentPolicyId ?? "";
  if (policyId !== "" && state.continuousDeploymentPolicies.get(policyId)?.config.Enabled) {
    fail("ResourceInUse", messages.distributionInContinuousDeployment(rec.Id, `its continuous deployment policy ${policyId} is enabled`));
  }
  if (rec.config.Staging) {
    const policy = state.continuousDeploymentPolicies.namingStaging(rec.DomainName);
    if (policy && primaryOf(state, policy.Id)) {
      fail("ResourceInUse", messages.distributionInContinuousDeployment(rec.Id, `continuous deployment policy ${policy.Id} routes to it`));
    }
  }
}

/** The primary distribution that names this policy, if any. */
export function primaryOf(state: CloudFrontState, policyId: string): DistributionRecord | undefined {
  return state.listDistributions().find((d) => d.config.ContinuousDeploymentPolicyId === policyId);
}

/** The staging distribution a policy names, when it exists and is one. */
export function stagingOf(state: CloudFrontState, policy: ContinuousDeploymentPolicyRecord): DistributionRecord | undefined {
  const name = policy.config.StagingDistributionDnsNames?.Items?.[0];
  const rec = name === undefined ? undefined : state.distributionForHost(name);
  return rec?.config.Staging && rec.DomainName === name?.toLowerCase() ? rec : undefined;
}
