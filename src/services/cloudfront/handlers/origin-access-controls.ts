// Origin access controls: CreateOriginAccessControl, GetOriginAccessControl,
// GetOriginAccessControlConfig, UpdateOriginAccessControl, DeleteOriginAccessControl,
// ListOriginAccessControls (docs/control-plane.md §3, §4 "name-keyed resources", §9; docs/edge.md §7.5;
// CloudFront API reference "OriginAccessControlConfig").
//
// - Name: up to 64 characters ("You can specify up to 64 characters"), unique per account →
//   OriginAccessControlAlreadyExists. At most 100 per account → TooManyOriginAccessControls.
// - SigningProtocol sigv4 | sigv4a, SigningBehavior always | never | no-override | always-amz-auth
//   (the last "is only valid with Lambda-Web origins"), OriginAccessControlOriginType s3 | mediastore
//   | mediapackagev2 | lambda: anything else → InvalidArgument.
// - Used by a distribution's origin → DeleteOriginAccessControl is OriginAccessControlInUse, and its
//   origin type cannot change (IllegalUpdate; unverified, but the origin would otherwise hold an OAC
//   of the wrong type, which CreateDistribution refuses).
import { OriginAccessControlOriginTypes, OriginAccessControlSigningBehaviors, OriginAccessControlSigningProtocols } from "../sdk-enums.ts";
import type {
  CreateOriginAccessControlRequest,
  CreateOriginAccessControlResult,
  DeleteOriginAccessControlRequest,
  DistributionConfig,
  GetOriginAccessControlConfigRequest,
  GetOriginAccessControlConfigResult,
  GetOriginAccessControlRequest,
  GetOriginAccessControlResult,
  ListOriginAccessControlsRequest,
  ListOriginAccessControlsResult,
  OriginAccessControl,
  OriginAccessControlConfig,
  UpdateOriginAccessControlRequest,
  UpdateOriginAccessControlResult,
} from "@aws-sdk/client-cloudfront";
import { fail } from "../../../api/errors.ts";
import type { RequestContext } from "../../../api/service.ts";
import type { CloudFrontState } from "../state.ts";
import type { OriginAccessControlRecord } from "../stores/origin-access-controls.ts";
import { messages } from "../messages.ts";
import { checkIfMatch, pageAfterMarker, markerList } from "./common.ts";

type Ctx = RequestContext<CloudFrontState>;

/** Quota: origin access controls per account (CloudFront guide "Quotas"). */
export const MAX_ORIGIN_ACCESS_CONTROLS = 100;
const MAX_NAME = 64;

export function CreateOriginAccessControl({ OriginAccessControlConfig: input }: CreateOriginAccessControlRequest, ctx: Ctx): CreateOriginAccessControlResult {
  const state = ctx.service;
  const config = normalize(input as OriginAccessControlConfig);
  validate(state, config, undefined);
  if (state.originAccessControls.size >= MAX_ORIGIN_ACCESS_CONTROLS) {
    fail("TooManyOriginAccessControls", messages.tooManyOriginAccessControls(MAX_ORIGIN_ACCESS_CONTROLS));
  }
  const rec: OriginAccessControlRecord = { Id: state.ids.resourceId(), ETag: state.ids.resourceId(), config };
  state.originAccessControls.put(rec);
  return { OriginAccessControl: view(rec), ETag: rec.ETag, Location: `${ctx.baseUrl}/2020-05-31/origin-access-control/${rec.Id}` };
}

export function GetOriginAccessControl({ Id }: GetOriginAccessControlRequest, ctx: Ctx): GetOriginAccessControlResult {
  const rec = mustGet(ctx.service, Id);
  return { OriginAccessControl: view(rec), ETag: rec.ETag };
}

export function GetOriginAccessControlConfig({ Id }: GetOriginAccessControlConfigRequest, ctx: Ctx): GetOriginAccessControlConfigResult {
  const rec = mustGet(ctx.service, Id);
  return { OriginAccessControlConfig: rec.config, ETag: rec.ETag };
}

export function UpdateOriginAccessControl({ Id, IfMatch, OriginAccessControlConfig: input }: UpdateOriginAccessControlRequest, ctx: Ctx): UpdateOriginAccessControlResult {
  const state = ctx.service;
  const rec = mustGet(state, Id);
  checkIfMatch(IfMatch, rec.ETag);
  const config = normalize(input as OriginAccessControlConfig);
  validate(state, config, rec.Id);
  if (config.OriginAccessControlOriginType !== rec.config.OriginAccessControlOriginType && inUse(state, rec.Id)) {
    fail("IllegalUpdate", messages.originAccessControlTypeInUse(rec.Id));
  }
  const updated: OriginAccessControlRecord = { ...rec, ETag: state.ids.resourceId(), config };
  state.originAccessControls.put(updated);
  return { OriginAccessControl: view(updated), ETag: updated.ETag };
}

export function DeleteOriginAccessControl({ Id, IfMatch }: DeleteOriginAccessControlRequest, ctx: Ctx): Record<string, never> {
  const state = ctx.service;
  const rec = mustGet(state, Id);
  checkIfMatch(IfMatch, rec.ETag);
  if (inUse(state, rec.Id)) fail("OriginAccessControlInUse", messages.originAccessControlInUse(rec.Id));
  state.originAccessControls.delete(rec.Id);
  return {};
}

export function ListOriginAccessControls({ Marker, MaxItems }: ListOriginAccessControlsRequest, ctx: Ctx): ListOriginAccessControlsResult {
  const page = pageAfterMarker(ctx.service.originAccessControls.list(), (o) => o.Id, Marker, MaxItems);
  return {
    OriginAccessControlList: {
      ...markerList(page, Marker, (o) => ({
        Id: o.Id,
        Description: o.config.Description ?? "",
        Name: o.config.Name,
        SigningProtocol: o.config.SigningProtocol,
        SigningBehavior: o.config.SigningBehavior,
        OriginAccessControlOriginType: o.config.OriginAccessControlOriginType,
      })),
    },
  };
}

/** Whether any origin of `config` uses the origin access control `id`. */
export function usesOriginAccessControl(config: DistributionConfig, id: string): boolean {
  return (config.Origins?.Items ?? []).some((o) => o.OriginAccessControlId === id);
}

function inUse(state: CloudFrontState, id: string): boolean {
  return state.listDistributions().some((d) => usesOriginAccessControl(d.config, id));
}

function validate(state: CloudFrontState, config: OriginAccessControlConfig, selfId: string | undefined): void {
  const name = config.Name ?? "";
  if (name.length < 1 || name.length > MAX_NAME) fail("InvalidArgument", messages.badName("origin access control", name, MAX_NAME));
  oneOf("SigningProtocol", config.SigningProtocol, Object.values(OriginAccessControlSigningProtocols));
  oneOf("SigningBehavior", config.SigningBehavior, Object.values(OriginAccessControlSigningBehaviors));
  oneOf("OriginAccessControlOriginType", config.OriginAccessControlOriginType, Object.values(OriginAccessControlOriginTypes));
  if (config.SigningBehavior === "always-amz-auth" && config.OriginAccessControlOriginType !== "lambda") {
    fail("InvalidArgument", messages.alwaysAmzAuthNeedsLambda());
  }
  if (state.originAccessControls.find((o) => o.config.Name === name && o.Id !== selfId)) {
    fail("OriginAccessControlAlreadyExists", messages.originAccessControlNameExists(name));
  }
}

function oneOf(field: string, value: string | undefined, allowed: readonly string[]): void {
  if (!allowed.includes(value ?? "")) fail("InvalidArgument", messages.badOriginAccessControlField(field, value ?? "", allowed));
}

function normalize(config: OriginAccessControlConfig): OriginAccessControlConfig {
  return { ...config, Description: config.Description ?? "" };
}

function mustGet(state: CloudFrontState, id: string | undefined): OriginAccessControlRecord {
  return state.originAccessControls.get(id) ?? fail("NoSuchOriginAccessControl", messages.noSuchOriginAccessControl(id ?? ""));
}

function view(rec: OriginAccessControlRecord): OriginAccessControl {
  return { Id: rec.Id, OriginAccessControlConfig: rec.config };
}
