// KeyValueStores on the CloudFront API: Create, Describe, Update, Delete, List (docs/functions.md §6.1,
// docs/control-plane.md Appendix A "KeyValueStore (control plane)"). Stores are addressed by Name;
// their ARN is `arn:aws:cloudfront::<account>:key-value-store/<uuid>`. The keys live behind the
// separate `cloudfront-keyvaluestore` API (src/services/kvs/).
//
// ImportSource is read from the embedded S3 (`arn:aws:s3:::bucket/key`) before the call answers:
// a good file gives a READY store holding its pairs, a missing or bad file a FAILED store whose
// reason the data API's DescribeKeyValueStore reports (AWS: PROVISIONING first, then READY or
// FAILED; here the outcome is known at once). With an external S3 (--s3-endpoint) imports still
// read the embedded one.
// Not done: tags given at creation are stored but Tag/Untag/ListTagsForResource do not resolve KVS
// ARNs yet (handlers/tags.ts resolves distributions).
import type {
  CreateKeyValueStoreRequest,
  CreateKeyValueStoreResult,
  DeleteKeyValueStoreRequest,
  DescribeKeyValueStoreRequest,
  DescribeKeyValueStoreResult,
  KeyValueStore,
  ListKeyValueStoresRequest,
  ListKeyValueStoresResult,
  UpdateKeyValueStoreRequest,
  UpdateKeyValueStoreResult,
} from "@aws-sdk/client-cloudfront";
import { fail } from "../../../api/errors.ts";
import type { RequestContext } from "../../../api/service.ts";
import type { CloudFrontState } from "../state.ts";
import { parseImportFile, type KeyValueStoreRecord } from "../key-value-stores.ts";
import { messages } from "../messages.ts";
import { checkIfMatch, pageAfterMarker } from "./common.ts";
import { validateTags } from "./tags.ts";

type Ctx = RequestContext<CloudFrontState>;

/** Model: KeyValueStoreName pattern `[a-zA-Z0-9-_]{1,64}`. */
const NAME = /^[a-zA-Z0-9_-]{1,64}$/;
/** Model: KeyValueStoreComment 0–128 characters. */
const MAX_COMMENT = 128;
/** Model: ImportSourceType has the single value S3; the ARN names an object. */
const S3_OBJECT_ARN = /^arn:aws[a-z-]*:s3:::([^/]+)\/(.+)$/;
/** Status values a list can be filtered on (unverified spelling: docs/functions.md §6.1). */
const STATUSES = new Set(["READY", "PROVISIONING", "FAILED"]);

function view(rec: KeyValueStoreRecord): KeyValueStore {
  return { Name: rec.Name, Id: rec.Id, Comment: rec.Comment, ARN: rec.ARN, Status: rec.Status, LastModifiedTime: new Date(rec.lastModified) };
}

function mustFind(state: CloudFrontState, name: string | undefined): KeyValueStoreRecord {
  return state.keyValueStores.byName(name ?? "") ?? fail("EntityNotFound", messages.noSuchKeyValueStore(name ?? ""));
}

function checkComment(comment: string): void {
  if (comment.length > MAX_COMMENT) fail("InvalidArgument", messages.keyValueStoreCommentTooLong(MAX_COMMENT));
}

export async function CreateKeyValueStore(input: CreateKeyValueStoreRequest, ctx: Ctx): Promise<CreateKeyValueStoreResult> {
  const stores = ctx.service.keyValueStores;
  const name = input.Name ?? "";
  if (!NAME.test(name)) fail("InvalidArgument", messages.keyValueStoreBadName(name));
  const comment = input.Comment ?? "";
  checkComment(comment);
  const tags = input.Tags?.Items ?? [];
  validateTags(tags);
  if (stores.byName(name)) fail("EntityAlreadyExists", messages.keyValueStoreAlreadyExists(name));

  let imported: { items?: Map<string, string>; failureReason?: string } = {};
  if (input.ImportSource) {
    const arn = input.ImportSource.SourceARN ?? "";
    const m = S3_OBJECT_ARN.exec(arn);
    if (input.ImportSource.SourceType !== "S3" || !m) fail("InvalidArgument", messages.keyValueStoreBadImportSource(arn));
    const reader = stores.imports ?? fail("UnsupportedOperation", messages.kvsImportUnavailable());
    const [bucket, key] = [m[1] as string, m[2] as string];
    const bytes = await reader(bucket, key);
    const parsed = bytes === undefined ? { failure: messages.kvsImportNoObject(bucket, key) } : parseImportFile(bytes);
    imported = "items" in parsed ? { items: parsed.items } : { failureReason: parsed.failure };
  }
  // The name is checked again inside create: another call may have taken it while S3 was read.
  const rec = stores.create({ Name: name, Comment: comment, tags, ...imported });
  return { KeyValueStore: view(rec), ETag: rec.ETag, Location: `${ctx.baseUrl}/2020-05-31/key-value-store/${encodeURIComponent(rec.Name)}` };
}

export function DescribeKeyValueStore({ Name }: DescribeKeyValueStoreRequest, ctx: Ctx): DescribeKeyValueStoreResult {
  const rec = mustFind(ctx.service, Name);
  return { KeyValueStore: view(rec), ETag: rec.ETag };
}

export function UpdateKeyValueStore({ Name, Comment, IfMatch }: UpdateKeyValueStoreRequest, ctx: Ctx): UpdateKeyValueStoreResult {
  const rec = mustFind(ctx.service, Name);
  checkIfMatch(IfMatch, rec.ETag);
  // The model makes Comment required: it is the only thing an update changes.
  if (Comment === undefined) fail("InvalidArgument", messages.keyValueStoreCommentMissing());
  checkComment(Comment);
  const updated = ctx.service.keyValueStores.updateComment(rec, Comment);
  return { KeyValueStore: view(updated), ETag: updated.ETag };
}

export function DeleteKeyValueStore({ Name, IfMatch }: DeleteKeyValueStoreRequest, ctx: Ctx): Record<string, never> {
  const stores = ctx.service.keyValueStores;
  const rec = mustFind(ctx.service, Name);
  checkIfMatch(IfMatch, rec.ETag);
  // docs/functions.md §6.1: a store associated with a function cannot be deleted.
  const users = stores.functionsUsing(rec.ARN);
  if (users.length > 0) fail("CannotDeleteEntityWhileInUse", messages.keyValueStoreInUse(rec.Name, users));
  stores.delete(rec);
  return {};
}

export function ListKeyValueStores({ Marker, MaxItems, Status }: ListKeyValueStoresRequest, ctx: Ctx): ListKeyValueStoresResult {
  if (Status !== undefined && !STATUSES.has(Status)) fail("InvalidArgument", messages.keyValueStoreBadStatus(Status));
  const all = ctx.service.keyValueStores.list().filter((s) => Status === undefined || s.Status === Status);
  const page = pageAfterMarker(all, (s) => s.Id, Marker, MaxItems);
  return {
    KeyValueStoreList: {
      MaxItems: page.maxItems,
      Quantity: page.items.length,
      ...(page.nextMarker !== undefined ? { NextMarker: page.nextMarker } : {}),
      ...(page.items.length > 0 ? { Items: page.items.map(view) } : {}),
    },
  };
}
