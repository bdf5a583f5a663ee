// Origin access identities (legacy OAI): CreateCloudFrontOriginAccessIdentity,
// GetCloudFrontOriginAccessIdentity, GetCloudFrontOriginAccessIdentityConfig,
// UpdateCloudFrontOriginAccessIdentity, DeleteCloudFrontOriginAccessIdentity,
// ListCloudFrontOriginAccessIdentities (docs/control-plane.md §3, §4, §6; docs/edge.md §7.5;
// CloudFront API reference "CloudFrontOriginAccessIdentityConfig").
//
// - CallerReference: reused with the same config → the original identity (same Id); with a
//   different config → CloudFrontOriginAccessIdentityAlreadyExists (the model documentation says
//   exactly this). UpdateCloudFrontOriginAccessIdentity cannot change it → IllegalUpdate.
// - S3CanonicalUserId: 64 hex digits, the name S3 bucket policies can use for the identity
//   (`"Principal": {"CanonicalUser": ...}`); derived from the account and the identity's Id.
// - An identity referenced by an S3 origin (`origin-access-identity/cloudfront/<Id>`) cannot be
//   deleted → CloudFrontOriginAccessIdentityInUse. At most 100 → TooManyCloudFrontOriginAccessIdentities.
import { originAccessIdentityCanonicalUserId } from "../../s3/cloudfront-identity.ts";
import type {
  CloudFrontOriginAccessIdentity,
  CloudFrontOriginAccessIdentityConfig,
  CreateCloudFrontOriginAccessIdentityRequest,
  CreateCloudFrontOriginAccessIdentityResult,
  DeleteCloudFrontOriginAccessIdentityRequest,
  DistributionConfig,
  GetCloudFrontOriginAccessIdentityConfigRequest,
  GetCloudFrontOriginAccessIdentityConfigResult,
  GetCloudFrontOriginAccessIdentityRequest,
  GetCloudFrontOriginAccessIdentityResult,
  ListCloudFrontOriginAccessIdentitiesRequest,
  ListCloudFrontOriginAccessIdentitiesResult,
  UpdateCloudFrontOriginAccessIdentityRequest,
  UpdateCloudFrontOriginAccessIdentityResult,
} from "@aws-sdk/client-cloudfront";
import { fail } from "../../../api/errors.ts";
import type { RequestContext } from "../../../api/service.ts";
import type { CloudFrontState } from "../state.ts";
import { OAI_REFERENCE_PREFIX, type OriginAccessIdentityRecord } from "../stores/origin-access-identities.ts";
import { messages } from "../messages.ts";
import { checkIfMatch, pageAfterMarker, markerList } from "./common.ts";

type Ctx = RequestContext<CloudFrontState>;

/** Quota: origin access identities per account (CloudFront guide "Quotas"). */
export const MAX_ORIGIN_ACCESS_IDENTITIES = 100;
const MAX_COMMENT = 128;

export function CreateCloudFrontOriginAccessIdentity(
  { CloudFrontOriginAccessIdentityConfig: input }: CreateCloudFrontOriginAccessIdentityRequest,
  ctx: Ctx,
): CreateCloudFrontOriginAccessIdentityResult {
  const state = ctx.service;
  const config = input as CloudFrontOriginAccessIdentityConfig;
  validate(config);
  const existing = state.originAccessIdentities.find((r) => r.config.CallerReference === config.CallerReference);
  if (existing) {
    // "…identical to the original request (ignoring white space), the response includes the same information".
    if (squash(existing.config.Comment) !== squash(config.Comment)) {
      fail("CloudFrontOriginAccessIdentityAlreadyExists", messages.originAccessIdentityAlreadyExists(existing.Id));
    }
    return { CloudFrontOriginAccessIdentity: view(existing), ETag: existing.ETag, Location: location(ctx, existing.Id) };
  }
  if (state.originAccessIdentities.size >= MAX_ORIGIN_ACCESS_IDENTITIES) {
    fail("TooManyCloudFrontOriginAccessIdentities", messages.tooManyOriginAccessIdentities(MAX_ORIGIN_ACCESS_IDENTITIES));
  }
  const id = state.ids.resourceId();
  const rec: OriginAccessIdentityRecord = {
    Id: id,
    ETag: state.ids.resourceId(),
    S3CanonicalUserId: originAccessIdentityCanonicalUserId(state.settings.accountId, id),
    config: { CallerReference: config.CallerReference, Comment: config.Comment ?? "" },
  };
  state.originAccessIdentities.put(rec);
  return { CloudFrontOriginAccessIdentity: view(rec), ETag: rec.ETag, Location: location(ctx, id) };
}

export function GetCloudFrontOriginAccessIdentity({ Id }: GetCloudFrontOriginAccessIdentityRequest, ctx: Ctx): GetCloudFrontOriginAccessIdentityResult {
  const rec = mustGet(ctx.service, Id);
  return { CloudFrontOriginAccessIdentity: view(rec), ETag: rec.ETag };
}

export function GetCloudFrontOriginAccessIdentityConfig(
  { Id }: GetCloudFrontOriginAccessIdentityConfigRequest,
  ctx: Ctx,
): GetCloudFrontOriginAccessIdentityConfigResult {
  const rec = mustGet(ctx.service, Id);
  return { CloudFrontOriginAccessIdentityConfig: rec.config, ETag: rec.ETag };
}

export function UpdateCloudFrontOriginAccessIdentity(
  { Id, IfMatch, CloudFrontOriginAccessIdentityConfig: input }: UpdateCloudFrontOriginAccessIdentityRequest,
  ctx: Ctx,
): UpdateCloudFrontOriginAccessIdentityResult {
  const state = ctx.service;
  const rec = mustGet(state, Id);
  checkIfMatch(IfMatch, rec.ETag);
  const config = input as CloudFrontOriginAccessIdentityConfig;
  validate(config);
  if (config.CallerReference !== rec.config.CallerReference) fail("IllegalUpdate", messages.originAccessIdentityCallerReference());
  const updated: OriginAccessIdentityRecord = { ...rec, ETag: state.ids.resourceId(), config: { ...rec.config, Comment: config.Comment ?? "" } };
  state.originAccessIdentities.put(updated);
  return { CloudFrontOriginAccessIdentity: view(updated), ETag: updated.ETag };
}

export function DeleteCloudFrontOriginAccessIdentity({ Id, IfMatch }: DeleteCloudFrontOriginAccessIdentityRequest, ctx: Ctx): Record<string, never> {
  const state = ctx.service;
  const rec = mustGet(state, Id);
  checkIfMatch(IfMatch, rec.ETag);
  if (state.listDistributions().some((d) => usesOriginAccessIdentity(d.config, rec.Id))) {
    fail("CloudFrontOriginAccessIdentityInUse", messages.originAccessIdentityInUse(rec.Id));
  }
  state.originAccessIdentities.delete(rec.Id);
  return {};
}

export function ListCloudFrontOriginAccessIdentities(
  { Marker, MaxItems }: ListCloudFrontOriginAccessIdentitiesRequest,
  ctx: Ctx,
): ListCloudFrontOriginAccessIdentitiesResult {
  const page = pageAfterMarker(ctx.service.originAccessIdentities.list(), (r) => r.Id, Marker, MaxItems);
  return {
    CloudFrontOriginAccessIdentityList: {
      ...markerList(page, Marker, (r) => ({ Id: r.Id, S3CanonicalUserId: r.S3CanonicalUserId, Comment: r.config.Comment ?? "" })),
    },
  };
}

/** The OAI id in an S3OriginConfig.OriginAccessIdentity value, or undefined when it names none. */
export function originAccessIdentityId(reference: string | undefined): string | undefined {
  return reference?.startsWith(OAI_REFERENCE_PREFIX) ? reference.slice(OAI_REFERENCE_PREFIX.length) : undefined;
}

/** Whether any S3 origin of `config` uses the identity `id`. */
export function usesOriginAccessIdentity(config: DistributionConfig, id: string): boolean {
  return (config.Origins?.Items ?? []).some((o) => originAccessIdentityId(o.S3OriginConfig?.OriginAccessIdentity) === id);
}

function validate(config: CloudFrontOriginAccessIdentityConfig): void {
  if (!config.CallerReference) fail("InvalidArgument", messages.emptyCallerReference("origin access identity"));
  if ((config.Comment ?? "").length > MAX_COMMENT) fail("InvalidArgument", messages.commentTooLong("origin access identity", MAX_COMMENT));
}

function squash(text: string | undefined): string {
  return (text ?? "").replace(/\s+/g, "");
}

function mustGet(state: CloudFrontState, id: string | undefined): OriginAccessIdentityRecord {
  return state.originAccessIdentities.get(id) ?? fail("NoSuchCloudFrontOriginAccessIdentity", messages.noSuchOriginAccessIdentity(id ?? ""));
}

function view(rec: OriginAccessIdentityRecord): CloudFrontOriginAccessIdentity {
  return { Id: rec.Id, S3CanonicalUserId: rec.S3CanonicalUserId, CloudFrontOriginAccessIdentityConfig: rec.config };
}

function location(ctx: Ctx, id: string): string {
  return `${ctx.baseUrl}/2020-05-31/origin-access-identity/cloudfront/${id}`;
}
