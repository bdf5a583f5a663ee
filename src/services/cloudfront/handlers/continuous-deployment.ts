// Continuous deployment (issue 17): Create/Get/GetConfig/Update/Delete/List
// ContinuousDeploymentPolicy and UpdateDistributionWithStagingConfig (promotion). Semantics from
// the CloudFront API reference (CreateContinuousDeploymentPolicy, ContinuousDeploymentPolicyConfig,
// SessionStickinessConfig, UpdateDistributionWithStagingConfig) and the Developer Guide's "Learn
// how continuous deployment works" (quotas, session resets):
//
// - StagingDistributionDnsNames names one staging distribution (Quantity must match Items:
//   InconsistentQuantities); it must exist and be Staging (InvalidArgument), and no other policy
//   may name it (StagingDistributionInUse). At most 20 policies (TooManyContinuousDeploymentPolicies).
// - TrafficConfig: SingleWeight with Weight 0–0.15 and optional SessionStickinessConfig
//   (IdleTTL and MaximumTTL 300–3600 s, IdleTTL <= MaximumTTL), or SingleHeader whose Header
//   starts with `aws-cf-cd-`; anything else is InvalidArgument.
// - A policy attached to a primary cannot be deleted (ContinuousDeploymentPolicyInUse).
// - Promotion takes `If-Match: <primary ETag>, <staging ETag>`, copies the staging config onto the
//   primary except its CallerReference, Aliases, ContinuousDeploymentPolicyId and Staging, and
//   disables the policy.
// The edge side is src/edge/stages/continuous-deployment.ts. Distribution-side rules are in
// ../continuous-deployment-checks.ts.
import type {
  ContinuousDeploymentPolicy,
  ContinuousDeploymentPolicyConfig,
  CreateContinuousDeploymentPolicyRequest,
  CreateContinuousDeploymentPolicyResult,
  DeleteContinuousDeploymentPolicyRequest,
  DistributionConfig,
  GetContinuousDeploymentPolicyConfigRequest,
  GetContinuousDeploymentPolicyConfigResult,
  GetContinuousDeploymentPolicyRequest,
  GetContinuousDeploymentPolicyResult,
  ListContinuousDeploymentPoliciesRequest,
  ListContinuousDeploymentPoliciesResult,
  TrafficConfig,
  UpdateContinuousDeploymentPolicyRequest,
  UpdateContinuousDeploymentPolicyResult,
  UpdateDistributionWithStagingConfigRequest,
  UpdateDistributionWithStagingConfigResult,
} from "@aws-sdk/client-cloudfront";
import { fail } from "../../../api/errors.ts";
import type { RequestContext } from "../../../api/service.ts";
import type { CloudFrontState } from "../state.ts";
import type { ContinuousDeploymentPolicyRecord } from "../stores/continuous-deployment-policies.ts";
import { messages } from "../messages.ts";
import { primaryOf } from "../continuous-deployment-checks.ts";
import { checkIfMatch, pageAfterMarker } from "./common.ts";
import { mustGet as mustGetDistribution, replaceConfig, view as distributionView } from "./distributions.ts";

type Ctx = RequestContext<CloudFrontState>;

/** Quotas ("Quotas and other considerations for continuous deployment"). */
export const MAX_CONTINUOUS_DEPLOYMENT_POLICIES = 20;
export const MAX_STAGING_WEIGHT = 0.15;
export const MIN_SESSION_TTL = 300;
export const MAX_SESSION_TTL = 3600;
/** "Headers routed to your staging distribution must contain the prefix aws-cf-cd-." */
export const STAGING_HEADER_PREFIX = "aws-cf-cd-";
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

export function CreateContinuousDeploymentPolicy({ ContinuousDeploymentPolicyConfig: input }: CreateContinuousDeploymentPolicyRequest, ctx: Ctx): CreateContinuousDeploymentPolicyResult {
  const state = ctx.service;
  const config = normalize(input as ContinuousDeploymentPolicyConfig);
  validate(state, config, undefined);
  const max = MAX_CONTINUOUS_DEPLOYMENT_POLICIES;
  if (state.continuousDeploymentPolicies.size >= max) fail("TooManyContinuousDeploymentPolicies", messages.tooManyContinuousDeploymentPolicies(max));
  const rec: ContinuousDeploymentPolicyRecord = { Id: state.ids.uuid(), ETag: state.ids.resourceId(), lastModified: state.clock.now(), config, sessionEpoch: 0 };
  state.continuousDeploymentPolicies.put(rec);
  return { ContinuousDeploymentPolicy: view(rec), ETag: rec.ETag, Location: `${ctx.baseUrl}/2020-05-31/continuous-deployment-policy/${rec.Id}` };
}

export function GetContinuousDeploymentPolicy({ Id }: GetContinuousDeploymentPolicyRequest, ctx: Ctx): GetContinuousDeploymentPolicyResult {
  const rec = mustGet(ctx.service, Id);
  return { ContinuousDeploymentPolicy: view(rec), ETag: rec.ETag };
}

export function GetContinuousDeploymentPolicyConfig({ Id }: GetContinuousDeploymentPolicyConfigRequest, ctx: Ctx): GetContinuousDeploymentPolicyConfigResult {
  const rec = mustGet(ctx.service, Id);
  return { ContinuousDeploymentPolicyConfig: rec.config, ETag: rec.ETag };
}

export function UpdateContinuousDeploymentPolicy(
  { Id, IfMatch, ContinuousDeploymentPolicyConfig: input }: UpdateContinuousDeploymentPolicyRequest,
  ctx: Ctx,
): UpdateContinuousDeploymentPolicyResult {
  const state = ctx.service;
  const rec = mustGet(state, Id);
  checkIfMatch(IfMatch, rec.ETag);
  const config = normalize(input as ContinuousDeploymentPolicyConfig);
  validate(state, config, rec.Id);
  const updated = replace(state, rec, config);
  return { ContinuousDeploymentPolicy: view(updated), ETag: updated.ETag };
}

export function DeleteContinuousDeploymentPolicy({ Id, IfMatch }: DeleteContinuousDeploymentPolicyRequest, ctx: Ctx): Record<string, never> {
  const state = ctx.service;
  const rec = mustGet(state, Id);
  checkIfMatch(IfMatch, rec.ETag);
  if (primaryOf(state, rec.Id)) fail("ContinuousDeploymentPolicyInUse", messages.continuousDeploymentPolicyInUse(rec.Id));
  state.continuousDeploymentPolicies.delete(rec.Id);
  return {};
}

export function ListContinuousDeploymentPolicies({ Marker, MaxItems }: ListContinuousDeploymentPoliciesRequest, ctx: Ctx): ListContinuousDeploymentPoliciesResult {
  const page = pageAfterMarker(ctx.service.continuousDeploymentPolicies.list(), (p) => p.Id, Marker, MaxItems);
  return {
    ContinuousDeploymentPolicyList: {
      MaxItems: page.maxItems,
      Quantity: page.items.length,
      ...(page.nextMarker !== undefined ? { NextMarker: page.nextMarker } : {}),
      ...(page.items.length > 0 ? { Items: page.items.map((p) => ({ ContinuousDeploymentPolicy: view(p) })) } : {}),
    },
  };
}

/** Promotion: the staging distribution's config onto its primary; the policy is disabled. */
export function UpdateDistributionWithStagingConfig(
  { Id, StagingDistributionId, IfMatch }: UpdateDistributionWithStagingConfigRequest,
  ctx: Ctx,
): UpdateDistributionWithStagingConfigResult {
  const state = ctx.service;
  const primary = mustGetDistribution(state, Id);
  const staging = mustGetDistribution(state, StagingDistributionId);
  const etags = (IfMatch ?? "").split(",").map((e) => e.trim());
  if (etags.length !== 2) fail("InvalidIfMatchVersion", messages.promoteIfMatch());
  checkIfMatch(etags[0], primary.ETag);
  checkIfMatch(etags[1], staging.ETag);
  if (!staging.config.Staging) fail("IllegalUpdate", messages.promoteNotStaging(staging.Id));
  const policy = state.continuousDeploymentPolicies.get(primary.config.ContinuousDeploymentPolicyId ?? "");
  const named = policy?.config.StagingDistributionDnsNames?.Items?.some((n) => n.toLowerCase() === staging.DomainName) ?? false;
  if (!policy || !named) fail("IllegalUpdate", messages.promoteNotPrimary(primary.Id, staging.Id));
  const promoted: DistributionConfig = {
    ...staging.config,
    CallerReference: primary.config.CallerReference,
    Aliases: primary.config.Aliases,
    ContinuousDeploymentPolicyId: primary.config.ContinuousDeploymentPolicyId,
    Staging: false,
  };
  const updated = replaceConfig(state, primary, promoted);
  if (policy.config.Enabled) replace(state, policy, { ...policy.config, Enabled: false });
  return { Distribution: distributionView(updated, state, "InProgress"), ETag: updated.ETag };
}

/** Stores a new config for `rec`; switching the policy or its stickiness on or off resets sessions. */
function replace(state: CloudFrontState, rec: ContinuousDeploymentPolicyRecord, config: ContinuousDeploymentPolicyConfig): ContinuousDeploymentPolicyRecord {
  const sticky = (c: ContinuousDeploymentPolicyConfig) => c.TrafficConfig?.SingleWeightConfig?.SessionStickinessConfig !== undefined;
  const reset = config.Enabled !== rec.config.Enabled || sticky(config) !== sticky(rec.config);
  const updated = { ...rec, ETag: state.ids.resourceId(), lastModified: state.clock.now(), config, sessionEpoch: rec.sessionEpoch + (reset ? 1 : 0) };
  state.continuousDeploymentPolicies.put(updated);
  return updated;
}

function validate(state: CloudFrontState, config: ContinuousDeploymentPolicyConfig, selfId: string | undefined): void {
  const names = config.StagingDistributionDnsNames;
  const items = names?.Items ?? [];
  if (names?.Quantity !== items.length) fail("InconsistentQuantities", `StagingDistributionDnsNames Quantity ${names?.Quantity} does not match its ${items.length} items.`);
  if (items.length !== 1) fail("InvalidArgument", messages.stagingDnsNamesCount());
  if (config.TrafficConfig) validateTraffic(config.TrafficConfig);
  const name = items[0] as string;
  const staging = state.distributionForHost(name);
  if (!staging?.config.Staging || staging.DomainName !== name.toLowerCase()) fail("InvalidArgument", messages.stagingDnsNameUnknown(name));
  const other = state.continuousDeploymentPolicies.namingStaging(name, selfId);
  if (other) fail("StagingDistributionInUse", messages.stagingDistributionInUse(name, other.Id));
}

function validateTraffic(t: TrafficConfig): void {
  const bad = (detail: string): never => fail("InvalidArgument", messages.badTrafficConfig(detail));
  if (t.Type === "SingleWeight") {
    if (t.SingleHeaderConfig) bad("a SingleWeight policy cannot have a SingleHeaderConfig.");
    const weight = t.SingleWeightConfig?.Weight ?? bad("SingleWeightConfig with a Weight is required for Type SingleWeight.");
    if (!(weight >= 0 && weight <= MAX_STAGING_WEIGHT)) bad(`Weight must be between 0 and ${MAX_STAGING_WEIGHT}, not ${weight}.`);
    const s = t.SingleWeightConfig?.SessionStickinessConfig;
    if (s) {
      for (const [field, v] of [["IdleTTL", s.IdleTTL], ["MaximumTTL", s.MaximumTTL]] as const) {
        if (!(Number.isInteger(v) && (v as number) >= MIN_SESSION_TTL && (v as number) <= MAX_SESSION_TTL)) bad(`${field} must be ${MIN_SESSION_TTL}-${MAX_SESSION_TTL} seconds, not ${v}.`);
      }
      if ((s.IdleTTL as number) > (s.MaximumTTL as number)) bad("IdleTTL must be less than or equal to MaximumTTL.");
    }
  } else if (t.Type === "SingleHeader") {
    if (t.SingleWeightConfig) bad("a SingleHeader policy cannot have a SingleWeightConfig.");
    const header = t.SingleHeaderConfig?.Header ?? bad("SingleHeaderConfig with a Header and Value is required for Type SingleHeader.");
    if (!header.toLowerCase().startsWith(STAGING_HEADER_PREFIX) || header.length === STAGING_HEADER_PREFIX.length || !HEADER_NAME.test(header)) {
      bad(`the header name ${header} must start with ${STAGING_HEADER_PREFIX} and be a valid header name.`);
    }
    if (!t.SingleHeaderConfig?.Value) bad("SingleHeaderConfig needs a Value.");
  } else {
    bad(`Type must be SingleWeight or SingleHeader, not ${t.Type}.`);
  }
}

function normalize(config: ContinuousDeploymentPolicyConfig): ContinuousDeploymentPolicyConfig {
  const names = config.StagingDistributionDnsNames;
  return { ...config, StagingDistributionDnsNames: { Quantity: names?.Quantity, Items: [...(names?.Items ?? [])] } };
}

function mustGet(state: CloudFrontState, id: string | undefined): ContinuousDeploymentPolicyRecord {
  return state.continuousDeploymentPolicies.get(id) ?? fail("NoSuchContinuousDeploymentPolicy", messages.noSuchContinuousDeploymentPolicy());
}

function view(rec: ContinuousDeploymentPolicyRecord): ContinuousDeploymentPolicy {
  return { Id: rec.Id, LastModifiedTime: new Date(rec.lastModified), ContinuousDeploymentPolicyConfig: rec.config };
}
