// Public keys for signed URLs and signed cookies: CreatePublicKey, GetPublicKey,
// GetPublicKeyConfig, UpdatePublicKey, DeletePublicKey, ListPublicKeys (docs/control-plane.md §3, §4, §6;
// docs/signed-urls.md §5.5; CloudFront API reference "PublicKey").
//
// - EncodedKey must be a PEM SubjectPublicKeyInfo holding an RSA 2048 or ECDSA P-256 key ("CloudFront
//   supports signed URLs and signed cookies with RSA 2048 or ECDSA 256 key signatures") → InvalidArgument.
// - A reused CallerReference or Name is PublicKeyAlreadyExists (docs/control-plane.md §4; AWS's message for
//   a name clash reads "The name that you are using to create a CloudFront public key is associated
//   with another public key in your account").
// - UpdatePublicKey changes the Comment only ("The only field you can update is the key's comment");
//   anything else is CannotChangeImmutablePublicKeyFields.
// - A key listed in a key group or used by a field-level encryption profile cannot be deleted (PublicKeyInUse).
import { createPublicKey } from "node:crypto";
import type {
  CreatePublicKeyRequest,
  CreatePublicKeyResult,
  DeletePublicKeyRequest,
  GetPublicKeyConfigRequest,
  GetPublicKeyConfigResult,
  GetPublicKeyRequest,
  GetPublicKeyResult,
  ListPublicKeysRequest,
  ListPublicKeysResult,
  PublicKey,
  PublicKeyConfig,
  UpdatePublicKeyRequest,
  UpdatePublicKeyResult,
} from "@aws-sdk/client-cloudfront";
import { fail } from "../../../api/errors.ts";
import type { RequestContext } from "../../../api/service.ts";
import type { CloudFrontState } from "../state.ts";
import type { PublicKeyRecord } from "../stores/public-keys.ts";
import { messages } from "../messages.ts";
import { checkIfMatch, pageAfterMarker } from "./common.ts";

type Ctx = RequestContext<CloudFrontState>;

/** Quota: public keys per account (CloudFront guide "Quotas", field-level encryption quotas). */
export const MAX_PUBLIC_KEYS = 10;
const MAX_NAME = 128;
const MAX_COMMENT = 128;

export function CreatePublicKey({ PublicKeyConfig: input }: CreatePublicKeyRequest, ctx: Ctx): CreatePublicKeyResult {
  const state = ctx.service;
  const config = normalize(input as PublicKeyConfig);
  validate(config);
  const byRef = state.publicKeys.find((k) => k.config.CallerReference === config.CallerReference);
  if (byRef) fail("PublicKeyAlreadyExists", messages.publicKeyCallerReferenceExists(byRef.Id));
  if (state.publicKeys.find((k) => k.config.Name === config.Name)) fail("PublicKeyAlreadyExists", messages.publicKeyNameExists(config.Name as string));
  if (state.publicKeys.size >= MAX_PUBLIC_KEYS) fail("TooManyPublicKeys", messages.tooManyPublicKeys(MAX_PUBLIC_KEYS));
  const rec: PublicKeyRecord = { Id: state.ids.resourceId("K"), ETag: state.ids.resourceId(), createdAt: state.clock.now(), config };
  state.publicKeys.put(rec);
  return { PublicKey: view(rec), ETag: rec.ETag, Location: `${ctx.baseUrl}/2020-05-31/public-key/${rec.Id}` };
}

export function GetPublicKey({ Id }: GetPublicKeyRequest, ctx: Ctx): GetPublicKeyResult {
  const rec = mustGet(ctx.service, Id);
  return { PublicKey: view(rec), ETag: rec.ETag };
}

export function GetPublicKeyConfig({ Id }: GetPublicKeyConfigRequest, ctx: Ctx): GetPublicKeyConfigResult {
  const rec = mustGet(ctx.service, Id);
  return { PublicKeyConfig: rec.config, ETag: rec.ETag };
}

export function UpdatePublicKey({ Id, IfMatch, PublicKeyConfig: input }: UpdatePublicKeyRequest, ctx: Ctx): UpdatePublicKeyResult {
  const state = ctx.service;
  const rec = mustGet(state, Id);
  checkIfMatch(IfMatch, rec.ETag);
  const next = normalize(input as PublicKeyConfig);
  for (const field of ["CallerReference", "Name"] as const) {
    if (next[field] !== rec.config[field]) fail("CannotChangeImmutablePublicKeyFields", messages.publicKeyImmutable(field));
  }
  if (pemText(next.EncodedKey) !== pemText(rec.config.EncodedKey)) fail("CannotChangeImmutablePublicKeyFields", messages.publicKeyImmutable("EncodedKey"));
  if ((next.Comment ?? "").length > MAX_COMMENT) fail("InvalidArgument", messages.commentTooLong("public key", MAX_COMMENT));
  const updated: PublicKeyRecord = { ...rec, ETag: state.ids.resourceId(), config: { ...rec.config, Comment: next.Comment } };
  state.publicKeys.put(updated);
  return { PublicKey: view(updated), ETag: updated.ETag };
}

export function DeletePublicKey({ Id, IfMatch }: DeletePublicKeyRequest, ctx: Ctx): Record<string, never> {
  const state = ctx.service;
  const rec = mustGet(state, Id);
  checkIfMatch(IfMatch, rec.ETag);
  if (state.keyGroups.usesPublicKey(rec.Id)) fail("PublicKeyInUse", messages.publicKeyInUse(rec.Id));
  if (state.fieldLevelEncryptionProfiles.usesPublicKey(rec.Id)) fail("PublicKeyInUse", `The public key ${rec.Id} is used by one or more field-level encryption profiles.`);
  state.publicKeys.delete(rec.Id);
  return {};
}

export function ListPublicKeys({ Marker, MaxItems }: ListPublicKeysRequest, ctx: Ctx): ListPublicKeysResult {
  const page = pageAfterMarker(ctx.service.publicKeys.list(), (k) => k.Id, Marker, MaxItems);
  return {
    PublicKeyList: {
      MaxItems: page.maxItems,
      Quantity: page.items.length,
      ...(page.nextMarker !== undefined ? { NextMarker: page.nextMarker } : {}),
      ...(page.items.length > 0
        ? {
            Items: page.items.map((k) => ({
              Id: k.Id,
              Name: k.config.Name,
              CreatedTime: new Date(k.createdAt),
              EncodedKey: k.config.EncodedKey,
              Comment: k.config.Comment,
            })),
          }
        : {}),
    },
  };
}

/**
 * Throws InvalidArgument unless `pem` is a PEM SubjectPublicKeyInfo with an RSA 2048-bit or ECDSA
 * P-256 key (CloudFront API reference "PublicKey"; docs/signed-urls.md §5.5).
 */
export function checkEncodedKey(pem: string | undefined): void {
  const text = pemText(pem);
  if (!/^-----BEGIN PUBLIC KEY-----\n[A-Za-z0-9+/=\n]+\n-----END PUBLIC KEY-----$/.test(text)) {
    fail("InvalidArgument", messages.badEncodedKey("not a PEM block starting with -----BEGIN PUBLIC KEY-----"));
  }
  let key;
  try {
    key = createPublicKey({ key: text, format: "pem" });
  } catch {
    fail("InvalidArgument", messages.badEncodedKey("the PEM does not decode to a public key"));
  }
  const details = key.asymmetricKeyDetails;
  if (key.asymmetricKeyType === "rsa" && details?.modulusLength === 2048) return;
  if (key.asymmetricKeyType === "ec" && details?.namedCurve === "prime256v1") return;
  const what = key.asymmetricKeyType === "rsa" ? `an RSA ${details?.modulusLength ?? "?"}-bit key` : `a ${key.asymmetricKeyType ?? "?"} key${details?.namedCurve ? ` on ${details.namedCurve}` : ""}`;
  fail("InvalidArgument", messages.badEncodedKey(what));
}

function validate(config: PublicKeyConfig): void {
  const name = config.Name ?? "";
  if (name.length < 1 || name.length > MAX_NAME) fail("InvalidArgument", messages.badName("public key", name, MAX_NAME));
  if ((config.Comment ?? "").length > MAX_COMMENT) fail("InvalidArgument", messages.commentTooLong("public key", MAX_COMMENT));
  if (!config.CallerReference) fail("InvalidArgument", messages.emptyCallerReference("public key"));
  checkEncodedKey(config.EncodedKey);
}

/** The key text without surrounding blank space and with Unix line ends, for comparisons and parsing. */
function pemText(pem: string | undefined): string {
  return (pem ?? "").replace(/\r\n/g, "\n").trim();
}

function normalize(config: PublicKeyConfig): PublicKeyConfig {
  return { ...config, Comment: config.Comment ?? "" };
}

function mustGet(state: CloudFrontState, id: string | undefined): PublicKeyRecord {
  return state.publicKeys.get(id) ?? fail("NoSuchPublicKey", messages.noSuchPublicKey(id ?? ""));
}

function view(rec: PublicKeyRecord): PublicKey {
  return { Id: rec.Id, CreatedTime: new Date(rec.createdAt), PublicKeyConfig: rec.config };
}
