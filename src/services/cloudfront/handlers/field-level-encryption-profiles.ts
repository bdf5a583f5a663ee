// Field-level encryption profiles: CreateFieldLevelEncryptionProfile, GetFieldLevelEncryptionProfile,
// GetFieldLevelEncryptionProfileConfig, UpdateFieldLevelEncryptionProfile,
// DeleteFieldLevelEncryptionProfile, ListFieldLevelEncryptionProfiles (CloudFront API reference;
// Developer Guide "Using field-level encryption to help protect sensitive data", step 3).
//
// - The rules on names, providers, public keys and field patterns are in field-level-encryption-checks.ts.
// - A reused CallerReference or Name is FieldLevelEncryptionProfileAlreadyExists; more than 10
//   profiles is TooManyFieldLevelEncryptionProfiles.
// - An update may change everything but the CallerReference (IllegalUpdate).
// - A profile a configuration maps is FieldLevelEncryptionProfileInUse on delete.
import type {
  CreateFieldLevelEncryptionProfileRequest,
  CreateFieldLevelEncryptionProfileResult,
  DeleteFieldLevelEncryptionProfileRequest,
  FieldLevelEncryptionProfile,
  FieldLevelEncryptionProfileConfig,
  GetFieldLevelEncryptionProfileConfigRequest,
  GetFieldLevelEncryptionProfileConfigResult,
  GetFieldLevelEncryptionProfileRequest,
  GetFieldLevelEncryptionProfileResult,
  ListFieldLevelEncryptionProfilesRequest,
  ListFieldLevelEncryptionProfilesResult,
  UpdateFieldLevelEncryptionProfileRequest,
  UpdateFieldLevelEncryptionProfileResult,
} from "@aws-sdk/client-cloudfront";
import { fail } from "../../../api/errors.ts";
import type { RequestContext } from "../../../api/service.ts";
import type { CloudFrontState } from "../state.ts";
import type { FieldLevelEncryptionProfileRecord } from "../stores/field-level-encryption.ts";
import { checkIfMatch, pageAfterMarker } from "./common.ts";
import { FLE_LIMITS, checkProfileConfig, noSuchProfile } from "./field-level-encryption-checks.ts";

type Ctx = RequestContext<CloudFrontState>;

export function CreateFieldLevelEncryptionProfile({ FieldLevelEncryptionProfileConfig: input }: CreateFieldLevelEncryptionProfileRequest, ctx: Ctx): CreateFieldLevelEncryptionProfileResult {
  const state = ctx.service;
  const config = normalize(input as FieldLevelEncryptionProfileConfig);
  checkProfileConfig(config, state);
  const byRef = state.fieldLevelEncryptionProfiles.find((p) => p.config.CallerReference === config.CallerReference);
  if (byRef) fail("FieldLevelEncryptionProfileAlreadyExists", `The CallerReference is already used by field-level encryption profile ${byRef.Id}.`);
  checkNameFree(state, config.Name as string, undefined);
  if (state.fieldLevelEncryptionProfiles.size >= FLE_LIMITS.profiles) {
    fail("TooManyFieldLevelEncryptionProfiles", `You cannot create more than ${FLE_LIMITS.profiles} field-level encryption profiles.`);
  }
  const rec: FieldLevelEncryptionProfileRecord = { Id: state.ids.resourceId("P"), ETag: state.ids.resourceId(), lastModified: state.clock.now(), config };
  state.fieldLevelEncryptionProfiles.put(rec);
  return { FieldLevelEncryptionProfile: view(rec), ETag: rec.ETag, Location: `${ctx.baseUrl}/2020-05-31/field-level-encryption-profile/${rec.Id}` };
}

export function GetFieldLevelEncryptionProfile({ Id }: GetFieldLevelEncryptionProfileRequest, ctx: Ctx): GetFieldLevelEncryptionProfileResult {
  const rec = mustGet(ctx.service, Id);
  return { FieldLevelEncryptionProfile: view(rec), ETag: rec.ETag };
}

export function GetFieldLevelEncryptionProfileConfig({ Id }: GetFieldLevelEncryptionProfileConfigRequest, ctx: Ctx): GetFieldLevelEncryptionProfileConfigResult {
  const rec = mustGet(ctx.service, Id);
  return { FieldLevelEncryptionProfileConfig: rec.config, ETag: rec.ETag };
}

export function UpdateFieldLevelEncryptionProfile({ Id, IfMatch, FieldLevelEncryptionProfileConfig: input }: UpdateFieldLevelEncryptionProfileRequest, ctx: Ctx): UpdateFieldLevelEncryptionProfileResult {
  const state = ctx.service;
  const rec = mustGet(state, Id);
  checkIfMatch(IfMatch, rec.ETag);
  const config = normalize(input as FieldLevelEncryptionProfileConfig);
  if (config.CallerReference !== rec.config.CallerReference) fail("IllegalUpdate", "The CallerReference of a field-level encryption profile cannot be changed.");
  checkProfileConfig(config, state);
  checkNameFree(state, config.Name as string, rec.Id);
  const updated: FieldLevelEncryptionProfileRecord = { ...rec, ETag: state.ids.resourceId(), lastModified: state.clock.now(), config };
  state.fieldLevelEncryptionProfiles.put(updated);
  return { FieldLevelEncryptionProfile: view(updated), ETag: updated.ETag };
}

export function DeleteFieldLevelEncryptionProfile({ Id, IfMatch }: DeleteFieldLevelEncryptionProfileRequest, ctx: Ctx): Record<string, never> {
  const state = ctx.service;
  const rec = mustGet(state, Id);
  checkIfMatch(IfMatch, rec.ETag);
  if (state.fieldLevelEncryptionConfigs.usesProfile(rec.Id)) {
    fail("FieldLevelEncryptionProfileInUse", `The field-level encryption profile ${rec.Id} is used by one or more field-level encryption configurations.`);
  }
  state.fieldLevelEncryptionProfiles.delete(rec.Id);
  return {};
}

export function ListFieldLevelEncryptionProfiles({ Marker, MaxItems }: ListFieldLevelEncryptionProfilesRequest, ctx: Ctx): ListFieldLevelEncryptionProfilesResult {
  const page = pageAfterMarker(ctx.service.fieldLevelEncryptionProfiles.list(), (p) => p.Id, Marker, MaxItems);
  return {
    FieldLevelEncryptionProfileList: {
      MaxItems: page.maxItems,
      Quantity: page.items.length,
      ...(page.nextMarker !== undefined ? { NextMarker: page.nextMarker } : {}),
      ...(page.items.length > 0
        ? {
            Items: page.items.map((p) => ({
              Id: p.Id,
              LastModifiedTime: new Date(p.lastModified),
              Name: p.config.Name,
              EncryptionEntities: p.config.EncryptionEntities,
              Comment: p.config.Comment,
            })),
          }
        : {}),
    },
  };
}

function checkNameFree(state: CloudFrontState, name: string, selfId: string | undefined): void {
  if (state.fieldLevelEncryptionProfiles.find((p) => p.config.Name === name && p.Id !== selfId)) {
    fail("FieldLevelEncryptionProfileAlreadyExists", `A field-level encryption profile named ${name} already exists.`);
  }
}

function normalize(config: FieldLevelEncryptionProfileConfig): FieldLevelEncryptionProfileConfig {
  return { ...config, Comment: config.Comment ?? "" };
}

function mustGet(state: CloudFrontState, id: string | undefined): FieldLevelEncryptionProfileRecord {
  return state.fieldLevelEncryptionProfiles.get(id) ?? fail("NoSuchFieldLevelEncryptionProfile", noSuchProfile());
}

function view(rec: FieldLevelEncryptionProfileRecord): FieldLevelEncryptionProfile {
  return { Id: rec.Id, LastModifiedTime: new Date(rec.lastModified), FieldLevelEncryptionProfileConfig: rec.config };
}
