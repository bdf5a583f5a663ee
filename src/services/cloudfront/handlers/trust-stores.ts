// Trust stores: CreateTrustStore, GetTrustStore, UpdateTrustStore, DeleteTrustStore, ListTrustStores
// (CloudFront API reference; Developer Guide "Trust stores and certificate management").
//
// - The CA bundle is read from the embedded S3 (CaCertificatesBundleS3Location Bucket/Key) when the
//   call is made and parsed (trust-store-bundle.ts): a missing object is EntityNotFound, a bad bundle
//   InvalidArgument. The record keeps the certificates, so a later change to the S3 object does not
//   reach the store until UpdateTrustStore reads it again, as with AWS's import.
// - Name: 1-64 letters, digits, hyphens and underscores (unverified), unique → EntityAlreadyExists.
// - Status is `active` at once (AWS validates asynchronously: pending → active | failed); a bundle
//   that would fail is refused by the call instead.
// - A trust store named by a distribution's ViewerMtlsConfig cannot be deleted →
//   CannotDeleteEntityWhileInUse, the error the model declares.
// Not emulated: S3 object versions (Version is stored and shown, the current object is read),
// OCSP (UseClientCertificateOCSPEndpoint is stored only).
import type {
  CaCertificatesBundleSource,
  CreateTrustStoreRequest,
  CreateTrustStoreResult,
  DeleteTrustStoreRequest,
  GetTrustStoreRequest,
  GetTrustStoreResult,
  ListTrustStoresRequest,
  ListTrustStoresResult,
  TrustStore,
  UpdateTrustStoreRequest,
  UpdateTrustStoreResult,
} from "@aws-sdk/client-cloudfront";
import { fail } from "../../../api/errors.ts";
import type { RequestContext } from "../../../api/service.ts";
import type { CloudFrontState } from "../state.ts";
import type { TrustStoreRecord } from "../stores/trust-stores.ts";
import { messages } from "../messages.ts";
import { parseCaBundle } from "../trust-store-bundle.ts";
import { checkIfMatch, pageAfterMarker } from "./common.ts";
import { validateTags } from "./tags.ts";

type Ctx = RequestContext<CloudFrontState>;

const NAME = /^[A-Za-z0-9_-]{1,64}$/;
/** Trust stores per account (CloudFront quota unverified). */
export const MAX_TRUST_STORES = 100;

export async function CreateTrustStore(input: CreateTrustStoreRequest, ctx: Ctx): Promise<CreateTrustStoreResult> {
  const state = ctx.service;
  const name = input.Name ?? "";
  if (!NAME.test(name)) fail("InvalidArgument", `The trust store name "${name}" must be 1-64 letters, digits, hyphens and underscores.`);
  const tags = input.Tags?.Items ?? [];
  validateTags(tags);
  if (state.trustStores.find((t) => t.Name === name)) fail("EntityAlreadyExists", messages.entityAlreadyExists("trust store", name));
  if (state.trustStores.size >= MAX_TRUST_STORES) fail("EntityLimitExceeded", `You have reached the maximum number of trust stores (${MAX_TRUST_STORES}).`);
  const bundle = await readBundle(state, input.CaCertificatesBundleSource);
  // Another call may have taken the name while S3 was read.
  if (state.trustStores.find((t) => t.Name === name)) fail("EntityAlreadyExists", messages.entityAlreadyExists("trust store", name));
  const id = `ts_${state.ids.resourceId("").toLowerCase()}${state.ids.resourceId("").slice(0, 9)}`;
  const rec: TrustStoreRecord = {
    Id: id,
    Name: name,
    Arn: state.arn("trust-store", id),
    ETag: state.ids.resourceId(),
    ...bundle,
    UseClientCertificateOCSPEndpoint: input.UseClientCertificateOCSPEndpoint ?? false,
    lastModified: state.clock.now(),
    tags: tags.map((t) => ({ Key: t.Key, Value: t.Value ?? "" })),
  };
  state.trustStores.put(rec);
  return { TrustStore: view(rec), ETag: rec.ETag };
}

export function GetTrustStore({ Identifier }: GetTrustStoreRequest, ctx: Ctx): GetTrustStoreResult {
  const rec = mustGet(ctx.service, Identifier);
  return { TrustStore: view(rec), ETag: rec.ETag };
}

export async function UpdateTrustStore(input: UpdateTrustStoreRequest, ctx: Ctx): Promise<UpdateTrustStoreResult> {
  const state = ctx.service;
  const rec = mustGet(state, input.Id);
  checkIfMatch(input.IfMatch, rec.ETag);
  const bundle = input.CaCertificatesBundleSource ? await readBundle(state, input.CaCertificatesBundleSource) : {};
  // A concurrent update or delete while S3 was read wins; this one is stale.
  const current = mustGet(state, input.Id);
  checkIfMatch(input.IfMatch, current.ETag);
  const updated: TrustStoreRecord = {
    ...current,
    ...bundle,
    ETag: state.ids.resourceId(),
    UseClientCertificateOCSPEndpoint: input.UseClientCertificateOCSPEndpoint ?? current.UseClientCertificateOCSPEndpoint,
    lastModified: state.clock.now(),
  };
  state.trustStores.put(updated);
  return { TrustStore: view(updated), ETag: updated.ETag };
}

export function DeleteTrustStore({ Id, IfMatch }: DeleteTrustStoreRequest, ctx: Ctx): Record<string, never> {
  const state = ctx.service;
  const rec = mustGet(state, Id);
  checkIfMatch(IfMatch, rec.ETag);
  if (state.listDistributions().some((d) => d.config.ViewerMtlsConfig?.TrustStoreConfig?.TrustStoreId === rec.Id)) {
    fail("CannotDeleteEntityWhileInUse", messages.entityInUse("trust store", rec.Id));
  }
  state.trustStores.delete(rec.Id);
  return {};
}

export function ListTrustStores({ Marker, MaxItems }: ListTrustStoresRequest, ctx: Ctx): ListTrustStoresResult {
  const page = pageAfterMarker(ctx.service.trustStores.list(), (t) => t.Id, Marker, MaxItems);
  return {
    ...(page.nextMarker !== undefined ? { NextMarker: page.nextMarker } : {}),
    TrustStoreList: page.items.map((t) => ({ Id: t.Id, Arn: t.Arn, Name: t.Name, Status: "active", NumberOfCaCertificates: t.caPems.length, LastModifiedTime: new Date(t.lastModified), ETag: t.ETag })),
  };
}

// ---------------------------------------------------------------------------------------------

function mustGet(state: CloudFrontState, identifier: string | undefined): TrustStoreRecord {
  return state.trustStores.byIdentifier(identifier) ?? fail("EntityNotFound", messages.entityNotFound("trust store"));
}

/** Reads and parses the bundle named by the source; fails as the API does. */
async function readBundle(state: CloudFrontState, source: CaCertificatesBundleSource | undefined): Promise<Pick<TrustStoreRecord, "source" | "caPems">> {
  const loc = source?.CaCertificatesBundleS3Location;
  if (!loc?.Bucket || !loc.Key) fail("InvalidArgument", "CaCertificatesBundleSource needs a CaCertificatesBundleS3Location with a Bucket and a Key.");
  // The KeyValueStore import's reader: the embedded S3, wired by startEmulator.
  const reader = state.keyValueStores.imports ?? fail("InvalidArgument", "CaCertificatesBundleSource needs the embedded S3, which this emulator was not given.");
  const bytes = await reader(loc.Bucket, loc.Key);
  if (bytes === undefined) fail("EntityNotFound", `The CA certificates bundle s3://${loc.Bucket}/${loc.Key} was not found.`);
  const parsed = parseCaBundle(bytes);
  if ("failure" in parsed) fail("InvalidArgument", parsed.failure);
  return {
    source: { Bucket: loc.Bucket, Key: loc.Key, Region: loc.Region ?? "us-east-1", ...(loc.Version ? { Version: loc.Version } : {}) },
    caPems: parsed.pems,
  };
}

function view(rec: TrustStoreRecord): TrustStore {
  return {
    Id: rec.Id,
    Arn: rec.Arn,
    Name: rec.Name,
    Status: "active",
    NumberOfCaCertificates: rec.caPems.length,
    LastModifiedTime: new Date(rec.lastModified),
    UseClientCertificateOCSPEndpoint: rec.UseClientCertificateOCSPEndpoint,
  };
}
