// Distribution lifecycle: Create(WithTags), Get, GetConfig, List, Update, Delete, Copy.
// Semantics from docs/control-plane.md §3 (ETag/If-Match), §4 (CallerReference), §6 (lifecycle, ids),
// §9 (validation, defaults). Status: a change makes the distribution InProgress for the configured
// deploy delay (default 0, so the first waiter poll already sees Deployed); the response to the
// change itself always says InProgress, as CloudFront's does.
//
// CallerReference reuse is DistributionAlreadyExists (409) whatever the config, as AWS's API
// reference says ("If CallerReference is a value that you already sent in a previous request to
// create a distribution, CloudFront returns a DistributionAlreadyExists error"; issue 17).
// Invalidations keep their idempotent reuse (invalidations.ts), as AWS's do.
import type {
  CopyDistributionRequest,
  CopyDistributionResult,
  CreateDistributionRequest,
  CreateDistributionResult,
  CreateDistributionWithTagsRequest,
  CreateDistributionWithTagsResult,
  DeleteDistributionRequest,
  Distribution,
  DistributionConfig,
  DistributionSummary,
  GetDistributionConfigRequest,
  GetDistributionConfigResult,
  GetDistributionRequest,
  GetDistributionResult,
  ListDistributionsRequest,
  ListDistributionsResult,
  Tag,
  UpdateDistributionRequest,
  UpdateDistributionResult,
} from "@aws-sdk/client-cloudfront";
import { fail } from "../../../api/errors.ts";
import { unchangingXmlValue } from "../../../api/xml-writer.ts";
import type { RequestContext } from "../../../api/service.ts";
import type { CloudFrontState, DistributionRecord } from "../state.ts";
import { withDistributionDefaults } from "../distribution-defaults.ts";
import { validateDistributionConfig } from "../validate-distribution.ts";
import { validateViewerMtls } from "../validate-viewer-mtls.ts";
import { CACHE, ORIGIN_REQUEST, RESPONSE_HEADERS, findPolicy } from "./policies.ts";
import { messages } from "../messages.ts";
import { activeTrustedKeyGroups } from "./key-groups.ts";
import { checkIfMatch, pageAfterMarker, markerList } from "./common.ts";
import { validateTags } from "./tags.ts";
import { checkContinuousDeployment, checkDeletable } from "../continuous-deployment-checks.ts";
import { checkConnectionMode, checkNoTenants } from "../validate-multi-tenant.ts";

type Ctx = RequestContext<CloudFrontState>;

/** Quota: distributions per account (CloudFront guide "Quotas"). */
export const MAX_DISTRIBUTIONS = 500;

export function CreateDistribution({ DistributionConfig: config }: CreateDistributionRequest, ctx: Ctx): CreateDistributionResult {
  return createDistribution(config as DistributionConfig, [], ctx);
}

export function CreateDistributionWithTags(
  { DistributionConfigWithTags: body }: CreateDistributionWithTagsRequest,
  ctx: Ctx,
): CreateDistributionWithTagsResult {
  const tags = body?.Tags?.Items ?? [];
  validateTags(tags);
  return createDistribution(body?.DistributionConfig as DistributionConfig, tags, ctx);
}

export function GetDistribution({ Id }: GetDistributionRequest, ctx: Ctx): GetDistributionResult {
  const rec = mustGet(ctx.service, Id);
  return { Distribution: view(rec, ctx.service), ETag: rec.ETag };
}

export function GetDistributionConfig({ Id }: GetDistributionConfigRequest, ctx: Ctx): GetDistributionConfigResult {
  const rec = mustGet(ctx.service, Id);
  return { DistributionConfig: rec.config, ETag: rec.ETag };
}

export function ListDistributions({ Marker, MaxItems }: ListDistributionsRequest, ctx: Ctx): ListDistributionsResult {
  const all = ctx.service.listDistributions();
  const page = pageAfterMarker(all, (r) => r.Id, Marker, MaxItems);
  return {
    DistributionList: {
      ...markerList(page, Marker, (r) => summary(r, ctx.service)),
    },
  };
}

export function UpdateDistribution({ Id, IfMatch, DistributionConfig: config }: UpdateDistributionRequest, ctx: Ctx): UpdateDistributionResult {
  const state = ctx.service;
  const rec = mustGet(state, Id);
  checkIfMatch(IfMatch, rec.ETag);
  const next = config as DistributionConfig;
  if (next.CallerReference !== rec.config.CallerReference) {
    fail("IllegalUpdate", messages.callerReferenceImmutable());
  }
  checkContinuousDeployment(state, next, rec);
  const updated = replaceConfig(state, rec, next);
  return { Distribution: view(updated, state, "InProgress"), ETag: updated.ETag };
}

/** Validates `next` and stores it as `rec`'s config (UpdateDistribution, and promotion of a staging config). */
export function replaceConfig(state: CloudFrontState, rec: DistributionRecord, next: DistributionConfig): DistributionRecord {
  validate(state, next, rec.Id);
  const now = state.clock.now();
  const updated: DistributionRecord = {
    ...rec,
    ETag: state.ids.resourceId(),
    lastModified: now,
    deployAt: now + state.settings.deployDelayMs,
    config: withDistributionDefaults(next),
  };
  state.putDistribution(updated);
  return updated;
}

export function DeleteDistribution({ Id, IfMatch }: DeleteDistributionRequest, ctx: Ctx): Record<string, never> {
  const state = ctx.service;
  const rec = mustGet(state, Id);
  checkIfMatch(IfMatch, rec.ETag);
  if (rec.config.Enabled || status(rec, state) !== "Deployed") {
    fail("DistributionNotDisabled", messages.distributionNotDisabled(rec.Id));
  }
  checkDeletable(state, rec);
  checkNoTenants(state, rec);
  state.deleteDistribution(rec.Id);
  return {};
}

/**
 * CopyDistribution: a new distribution with the primary's config, the given CallerReference,
 * Staging and (optionally) Enabled. Aliases and the continuous deployment policy are not copied:
 * a CNAME belongs to one distribution, and the copy is not the primary of any policy.
 */
export function CopyDistribution(
  { PrimaryDistributionId, CallerReference, Staging, IfMatch, Enabled }: CopyDistributionRequest,
  ctx: Ctx,
): CopyDistributionResult {
  const primary = mustGet(ctx.service, PrimaryDistributionId);
  if (IfMatch !== undefined) checkIfMatch(IfMatch, primary.ETag);
  const config: DistributionConfig = {
    ...primary.config,
    CallerReference,
    Aliases: { Quantity: 0 },
    ContinuousDeploymentPolicyId: "",
    Staging: Staging ?? false,
    Enabled: Enabled ?? primary.config.Enabled,
  };
  return createDistribution(config, [], ctx);
}

function createDistribution(config: DistributionConfig, tags: readonly Tag[], ctx: Ctx): CreateDistributionResult {
  const state = ctx.service;
  const filled = withDistributionDefaults(config);
  const existing = state.findDistributionByCallerReference(config.CallerReference as string);
  if (existing) fail("DistributionAlreadyExists", messages.distributionAlreadyExists(existing.Id));
  validate(state, config, undefined);
  checkContinuousDeployment(state, config, undefined);
  if (state.distributionCount >= MAX_DISTRIBUTIONS) {
    fail("TooManyDistributions", messages.tooManyDistributions(MAX_DISTRIBUTIONS));
  }
  const id = state.ids.resourceId();
  const now = state.clock.now();
  const rec: DistributionRecord = {
    Id: id,
    ARN: state.arn("distribution", id),
    DomainName: `${id.toLowerCase()}.${state.settings.domainSuffix}`,
    ETag: state.ids.resourceId(),
    createdAt: now,
    lastModified: now,
    deployAt: now + state.settings.deployDelayMs,
    config: filled,
    tags: [...tags],
  };
  state.putDistribution(rec);
  return { Distribution: view(rec, state, "InProgress"), ETag: rec.ETag, Location: location(ctx, id) };
}

function validate(state: CloudFrontState, config: DistributionConfig, selfId: string | undefined): void {
  checkConnectionMode(config, selfId === undefined ? undefined : state.getDistribution(selfId));
  validateDistributionConfig(config, {
    selfId,
    aliasOwner: (alias) => state.aliasOwner(alias),
    liveFunctionArns: () => state.functions.liveArns(),
    keyGroupIds: () => state.keyGroups.ids(),
    originAccessControlType: (id) => state.originAccessControls.get(id)?.config.OriginAccessControlOriginType,
    originAccessIdentityExists: (id) => state.originAccessIdentities.has(id),
    fieldLevelEncryptionIds: () => new Set(state.fieldLevelEncryptionConfigs.list().map((c) => c.Id)),
    cachePolicyExists: (id) => findPolicy(state, CACHE, id) !== undefined,
    originRequestPolicyExists: (id) => findPolicy(state, ORIGIN_REQUEST, id) !== undefined,
    responseHeadersPolicyExists: (id) => findPolicy(state, RESPONSE_HEADERS, id) !== undefined,
    edgeLambdas: state.settings.edgeLambdas,
    realtimeLogConfigExists: (arn) => state.realtimeLogConfigs.byArn(arn) !== undefined,
    vpcOriginExists: (id) => state.vpcOrigins.has(id),
    distributionsUsingFieldLevelEncryption: (id) => {
      const users = state.distributionsUsingEncryptionConfig(id);
      return users.size - (selfId !== undefined && users.has(selfId) ? 1 : 0);
    },
  });
  validateViewerMtls(config, state);
}

export function mustGet(state: CloudFrontState, id: string | undefined): DistributionRecord {
  return state.getDistribution(id ?? "") ?? fail("NoSuchDistribution", messages.noSuchDistribution(id ?? ""));
}

export function status(rec: DistributionRecord, state: CloudFrontState): "InProgress" | "Deployed" {
  return state.clock.now() >= rec.deployAt ? "Deployed" : "InProgress";
}

export function view(rec: DistributionRecord, state: CloudFrontState, forceStatus?: "InProgress"): Distribution {
  const behaviors = [rec.config.DefaultCacheBehavior, ...(rec.config.CacheBehaviors?.Items ?? [])];
  return {
    Id: rec.Id,
    ARN: rec.ARN,
    Status: forceStatus ?? status(rec, state),
    LastModifiedTime: new Date(rec.lastModified),
    InProgressInvalidationBatches: state.invalidationsInProgress(rec.Id).length,
    DomainName: rec.DomainName,
    ActiveTrustedSigners: { Enabled: behaviors.some((b) => b?.TrustedSigners?.Enabled), Quantity: 0 },
    ActiveTrustedKeyGroups: activeTrustedKeyGroups(state, rec.config),
    // A stored config is never changed (a change stores a new record), so its XML is written once.
    DistributionConfig: unchangingXmlValue(rec.config),
  };
}

// The last summary of each stored record: a record is never changed (a change stores a new one),
// so its summary only moves with its Status, and is marked unchanging so that the XML writer keeps
// its XML too (a list of 200 then writes nothing it wrote before).
const SUMMARIES = new WeakMap<DistributionRecord, DistributionSummary>();

/** A distribution as ListDistributions and the ListDistributionsBy… operations that answer summaries show it. */
export function summary(rec: DistributionRecord, state: CloudFrontState): DistributionSummary {
  const current = status(rec, state);
  const known = SUMMARIES.get(rec);
  if (known?.Status === current) return known;
  const made = unchangingXmlValue(summaryOf(rec, current));
  SUMMARIES.set(rec, made);
  return made;
}

function summaryOf(rec: DistributionRecord, current: "InProgress" | "Deployed"): DistributionSummary {
  const c = rec.config;
  return {
    Id: rec.Id,
    ARN: rec.ARN,
    ETag: rec.ETag,
    Status: current,
    LastModifiedTime: new Date(rec.lastModified),
    DomainName: rec.DomainName,
    Aliases: c.Aliases,
    Origins: c.Origins,
    OriginGroups: c.OriginGroups,
    DefaultCacheBehavior: c.DefaultCacheBehavior,
    CacheBehaviors: c.CacheBehaviors,
    CustomErrorResponses: c.CustomErrorResponses,
    Comment: c.Comment,
    PriceClass: c.PriceClass,
    Enabled: c.Enabled,
    ViewerCertificate: c.ViewerCertificate,
    Restrictions: c.Restrictions,
    WebACLId: c.WebACLId,
    HttpVersion: c.HttpVersion,
    IsIPV6Enabled: c.IsIPV6Enabled,
    Staging: c.Staging,
  } as DistributionSummary;
}

function location(ctx: Ctx, id: string): string {
  return `${ctx.baseUrl}/2020-05-31/distribution/${id}`;
}

