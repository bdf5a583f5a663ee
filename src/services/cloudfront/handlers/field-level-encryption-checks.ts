// The rules a field-level encryption profile or configuration must follow (CloudFront Developer
// Guide "Using field-level encryption to help protect sensitive data", steps 3 and 4; "Quotas" on
// field-level encryption), with the error codes the model declares for them.
//
// Profile: Name 1-128 of letters, digits, _ and - (unique → FieldLevelEncryptionProfileAlreadyExists);
// each entity's public key must exist (NoSuchPublicKey); ProviderId 1-128 of letters, digits, : _ -;
// field patterns 1-128 of letters, digits, [ ] . _ - with an optional trailing *, case-sensitive, at
// most 10 per profile (TooManyFieldLevelEncryptionFieldPatterns), none overlapping another ("if you
// have a field name pattern of ABC*, you can't add another field name pattern that is AB*").
// Configuration: the only content type is application/x-www-form-urlencoded in Format URLEncoded;
// at most 5 query argument mappings (TooManyFieldLevelEncryptionQueryArgProfiles), each QueryArg
// 1-128 of letters, digits, - . _ * + %, each naming a profile (QueryArgProfileEmpty when none,
// NoSuchFieldLevelEncryptionProfile when unknown).
// Unverified: the limit on encryption entities per profile (10 here), and
// FieldLevelEncryptionProfileSizeExceeded (its size is not published; never raised here).
import type { FieldLevelEncryptionConfig, FieldLevelEncryptionProfileConfig } from "@aws-sdk/client-cloudfront";
import { fail } from "../../../api/errors.ts";
import type { CloudFrontState } from "../state.ts";
import { messages } from "../messages.ts";

/** Quotas (CloudFront guide "Quotas", field-level encryption). */
export const FLE_LIMITS = {
  configs: 10,
  profiles: 10,
  fieldPatternsPerProfile: 10,
  entitiesPerProfile: 10,
  queryArgProfiles: 5,
  distributionsPerConfig: 20,
} as const;

const MAX_TEXT = 128;
const NAME = /^[A-Za-z0-9_-]{1,128}$/;
const PROVIDER = /^[A-Za-z0-9:_-]{1,128}$/;
const FIELD_PATTERN = /^[A-Za-z0-9[\]._-]+\*?$/;
const QUERY_ARG = /^[A-Za-z0-9._*+%-]{1,128}$/;
export const FORM_CONTENT_TYPE = "application/x-www-form-urlencoded";

export function checkProfileConfig(config: FieldLevelEncryptionProfileConfig, state: CloudFrontState): void {
  checkCommon(config, "field-level encryption profile");
  if (!NAME.test(config.Name ?? "")) fail("InvalidArgument", `The profile name "${config.Name ?? ""}" must be 1-128 letters, digits, underscores and hyphens.`);
  const entities = config.EncryptionEntities?.Items ?? [];
  if (entities.length === 0) fail("InvalidArgument", "A field-level encryption profile needs at least one encryption entity.");
  if (entities.length > FLE_LIMITS.entitiesPerProfile) {
    fail("TooManyFieldLevelEncryptionEncryptionEntities", `A field-level encryption profile can have at most ${FLE_LIMITS.entitiesPerProfile} encryption entities.`);
  }
  const patterns: string[] = [];
  for (const e of entities) {
    if (!state.publicKeys.has(e.PublicKeyId ?? "")) fail("NoSuchPublicKey", messages.noSuchPublicKey(e.PublicKeyId));
    if (!PROVIDER.test(e.ProviderId ?? "")) fail("InvalidArgument", `The provider "${e.ProviderId ?? ""}" must be 1-128 letters, digits, colons, underscores and hyphens.`);
    const items = e.FieldPatterns?.Items ?? [];
    if (items.length === 0) fail("InvalidArgument", `The encryption entity for public key ${e.PublicKeyId} names no field patterns.`);
    for (const p of items) {
      if (p.length > MAX_TEXT || !FIELD_PATTERN.test(p)) {
        fail("InvalidArgument", `The field pattern "${p}" must be 1-128 letters, digits, [ ] . _ - with an optional trailing *.`);
      }
      const clash = patterns.find((q) => patternsOverlap(p, q));
      if (clash !== undefined) fail("InvalidArgument", `The field patterns "${clash}" and "${p}" overlap: a field name could match both.`);
      patterns.push(p);
    }
  }
  if (patterns.length > FLE_LIMITS.fieldPatternsPerProfile) {
    fail("TooManyFieldLevelEncryptionFieldPatterns", `A field-level encryption profile can name at most ${FLE_LIMITS.fieldPatternsPerProfile} field patterns.`);
  }
}

export function checkEncryptionConfig(config: FieldLevelEncryptionConfig, state: CloudFrontState): void {
  checkCommon(config, "field-level encryption configuration");
  const types = config.ContentTypeProfileConfig?.ContentTypeProfiles?.Items ?? [];
  if (types.length > 1) fail("TooManyFieldLevelEncryptionContentTypeProfiles", `A field-level encryption configuration can map only the content type ${FORM_CONTENT_TYPE}.`);
  for (const t of types) {
    if (t.ContentType !== FORM_CONTENT_TYPE || t.Format !== "URLEncoded") {
      fail("InvalidArgument", `The content type profile must be ${FORM_CONTENT_TYPE} with Format URLEncoded, not ${t.ContentType ?? ""} with ${t.Format ?? ""}.`);
    }
    if (t.ProfileId && !state.fieldLevelEncryptionProfiles.has(t.ProfileId)) fail("NoSuchFieldLevelEncryptionProfile", noSuchProfile());
  }
  const args = config.QueryArgProfileConfig?.QueryArgProfiles?.Items ?? [];
  if (args.length > FLE_LIMITS.queryArgProfiles) {
    fail("TooManyFieldLevelEncryptionQueryArgProfiles", `A field-level encryption configuration can map at most ${FLE_LIMITS.queryArgProfiles} query arguments.`);
  }
  const seen = new Set<string>();
  for (const a of args) {
    const arg = a.QueryArg ?? "";
    if (!QUERY_ARG.test(arg)) fail("InvalidArgument", `The query argument "${arg}" must be 1-128 letters, digits and - . _ * + %.`);
    if (seen.has(arg)) fail("InvalidArgument", `The query argument "${arg}" is mapped more than once.`);
    seen.add(arg);
    if (!a.ProfileId) fail("QueryArgProfileEmpty", `No profile specified for the field-level encryption query argument ${arg}.`);
    if (!state.fieldLevelEncryptionProfiles.has(a.ProfileId)) fail("NoSuchFieldLevelEncryptionProfile", noSuchProfile());
  }
}

/** Whether some field name matches both patterns (`ABC*` and `AB*` do; so do `AB*` and `ABC`). */
export function patternsOverlap(a: string, b: string): boolean {
  const aw = a.endsWith("*");
  const bw = b.endsWith("*");
  const A = aw ? a.slice(0, -1) : a;
  const B = bw ? b.slice(0, -1) : b;
  if (aw && bw) return A.startsWith(B) || B.startsWith(A);
  if (aw) return B.startsWith(A);
  if (bw) return A.startsWith(B);
  return A === B;
}

export const noSuchProfile = () => "The specified profile for field-level encryption doesn't exist.";
export const noSuchConfig = () => "The specified configuration for field-level encryption doesn't exist.";

function checkCommon(config: { CallerReference?: string | undefined; Comment?: string | undefined }, what: string): void {
  if (!config.CallerReference) fail("InvalidArgument", messages.emptyCallerReference(what));
  if ((config.Comment ?? "").length > MAX_TEXT) fail("InvalidArgument", messages.commentTooLong(what, MAX_TEXT));
}
