// Field-level encryption configurations: CreateFieldLevelEncryptionConfig, GetFieldLevelEncryption,
// GetFieldLevelEncryptionConfig, UpdateFieldLevelEncryptionConfig, DeleteFieldLevelEncryptionConfig,
// ListFieldLevelEncryptionConfigs (CloudFront API reference; Developer Guide "Using field-level
// encryption to help protect sensitive data", step 4).
//
// - The rules on content type and query argument profiles are in field-level-encryption-checks.ts.
// - A reused CallerReference is FieldLevelEncryptionConfigAlreadyExists; more than 10
//   configurations is TooManyFieldLevelEncryptionConfigs.
// - An update may change everything but the CallerReference (IllegalUpdate).
// - A configuration a cache behavior names (FieldLevelEncryptionId) is FieldLevelEncryptionConfigInUse on delete.
import type {
  CreateFieldLevelEncryptionConfigRequest,
  CreateFieldLevelEncryptionConfigResult,
  DeleteFieldLevelEncryptionConfigRequest,
  FieldLevelEncryption,
  FieldLevelEncryptionConfig,
  GetFieldLevelEncryptionConfigRequest,
  GetFieldLevelEncryptionConfigResult,
  GetFieldLevelEncryptionRequest,
  GetFieldLevelEncryptionResult,
  ListFieldLevelEncryptionConfigsRequest,
  ListFieldLevelEncryptionConfigsResult,
  UpdateFieldLevelEncryptionConfigRequest,
  UpdateFieldLevelEncryptionConfigResult,
} from "@aws-sdk/client-cloudfront";
import { fail } from "../../../api/errors.ts";
import type { RequestContext } from "../../../api/service.ts";
import type { CloudFrontState } from "../state.ts";
import type { FieldLevelEncryptionConfigRecord } from "../stores/field-level-encryption.ts";
import { checkIfMatch, pageAfterMarker } from "./common.ts";
import { FLE_LIMITS, checkEncryptionConfig, noSuchConfig } from "./field-level-encryption-checks.ts";

type Ctx = RequestContext<CloudFrontState>;

export function CreateFieldLevelEncryptionConfig({ FieldLevelEncryptionConfig: input }: CreateFieldLevelEncryptionConfigRequest, ctx: Ctx): CreateFieldLevelEncryptionConfigResult {
  const state = ctx.service;
  const config = normalize(input as FieldLevelEncryptionConfig);
  checkEncryptionConfig(config, state);
  const byRef = state.fieldLevelEncryptionConfigs.find((c) => c.config.CallerReference === config.CallerReference);
  if (byRef) fail("FieldLevelEncryptionConfigAlreadyExists", `The CallerReference is already used by field-level encryption configuration ${byRef.Id}.`);
  if (state.fieldLevelEncryptionConfigs.size >= FLE_LIMITS.configs) {
    fail("TooManyFieldLevelEncryptionConfigs", `You cannot create more than ${FLE_LIMITS.configs} field-level encryption configurations.`);
  }
  const rec: FieldLevelEncryptionConfigRecord = { Id: state.ids.resourceId("C"), ETag: state.ids.resourceId(), lastModified: state.clock.now(), config };
  state.fieldLevelEncryptionConfigs.put(rec);
  return { FieldLevelEncryption: view(rec), ETag: rec.ETag, Location: `${ctx.baseUrl}/2020-05-31/field-level-encryption/${rec.Id}` };
}

export function GetFieldLevelEncryption({ Id }: GetFieldLevelEncryptionRequest, ctx: Ctx): GetFieldLevelEncryptionResult {
  const rec = mustGet(ctx.service, Id);
  return { FieldLevelEncryption: view(rec), ETag: rec.ETag };
}

export function GetFieldLevelEncryptionConfig({ Id }: GetFieldLevelEncryptionConfigRequest, ctx: Ctx): GetFieldLevelEncryptionConfigResult {
  const rec = mustGet(ctx.service, Id);
  return { FieldLevelEncryptionConfig: rec.config, ETag: rec.ETag };
}

export function UpdateFieldLevelEncryptionConfig({ Id, IfMatch, FieldLevelEncryptionConfig: input }: UpdateFieldLevelEncryptionConfigRequest, ctx: Ctx): UpdateFieldLevelEncryptionConfigResult {
  const state = ctx.service;
  const rec = mustGet(state, Id);
  checkIfMatch(IfMatch, rec.ETag);
  const config = normalize(input as FieldLevelEncryptionConfig);
  if (config.CallerReference !== rec.config.CallerReference) fail("IllegalUpdate", "The CallerReference of a field-level encryption configuration cannot be changed.");
  checkEncryptionConfig(config, state);
  const updated: FieldLevelEncryptionConfigRecord = { ...rec, ETag: state.ids.resourceId(), lastModified: state.clock.now(), config };
  state.fieldLevelEncryptionConfigs.put(updated);
  return { FieldLevelEncryption: view(updated), ETag: updated.ETag };
}

export function DeleteFieldLevelEncryptionConfig({ Id, IfMatch }: DeleteFieldLevelEncryptionConfigRequest, ctx: Ctx): Record<string, never> {
  const state = ctx.service;
  const rec = mustGet(state, Id);
  checkIfMatch(IfMatch, rec.ETag);
  if (state.distributionsUsingEncryptionConfig(rec.Id).size > 0) {
    fail("FieldLevelEncryptionConfigInUse", `The field-level encryption configuration ${rec.Id} is associated with one or more cache behaviors.`);
  }
  state.fieldLevelEncryptionConfigs.delete(rec.Id);
  return {};
}

export function ListFieldLevelEncryptionConfigs({ Marker, MaxItems }: ListFieldLevelEncryptionConfigsRequest, ctx: Ctx): ListFieldLevelEncryptionConfigsResult {
  const page = pageAfterMarker(ctx.service.fieldLevelEncryptionConfigs.list(), (c) => c.Id, Marker, MaxItems);
  return {
    FieldLevelEncryptionList: {
      MaxItems: page.maxItems,
      Quantity: page.items.length,
      ...(page.nextMarker !== undefined ? { NextMarker: page.nextMarker } : {}),
      ...(page.items.length > 0
        ? {
            Items: page.items.map((c) => ({
              Id: c.Id,
              LastModifiedTime: new Date(c.lastModified),
              Comment: c.config.Comment,
              ...(c.config.QueryArgProfileConfig ? { QueryArgProfileConfig: c.config.QueryArgProfileConfig } : {}),
              ...(c.config.ContentTypeProfileConfig ? { ContentTypeProfileConfig: c.config.ContentTypeProfileConfig } : {}),
            })),
          }
        : {}),
    },
  };
}

function normalize(config: FieldLevelEncryptionConfig): FieldLevelEncryptionConfig {
  return { ...config, Comment: config.Comment ?? "" };
}

function mustGet(state: CloudFrontState, id: string | undefined): FieldLevelEncryptionConfigRecord {
  return state.fieldLevelEncryptionConfigs.get(id) ?? fail("NoSuchFieldLevelEncryptionConfig", noSuchConfig());
}

function view(rec: FieldLevelEncryptionConfigRecord): FieldLevelEncryption {
  return { Id: rec.Id, LastModifiedTime: new Date(rec.lastModified), FieldLevelEncryptionConfig: rec.config };
}
