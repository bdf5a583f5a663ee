// Objects: PutObject, GetObject, HeadObject, CopyObject. Follows the S3 API reference for each,
// plus https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-requests.html (If-*
// precedence) and RFC 9110 §14 (Range), through the shared helpers in src/http/. Writes honour the
// bucket's versioning (object-versions.ts), tags (object-tagging.ts) and Object Lock
// (object-lock.ts); reads take a versionId. Deletes are delete-objects.ts, listings
// list-objects.ts. Not yet: ACLs, SSE (accepted and not applied), GetObject by PartNumber other
// than 1.
import type {
  CopyObjectOutput,
  CopyObjectRequest,
  GetObjectOutput,
  GetObjectRequest,
  HeadObjectOutput,
  HeadObjectRequest,
  PutObjectOutput,
  PutObjectRequest,
} from "@aws-sdk/client-s3";
import type { Readable } from "node:stream";
import type { IncomingHttpHeaders } from "node:http";
import { RESPONSE_STATUS } from "../../../api/rest-xml.ts";
import { notModified, preconditionFails, etagMatches } from "../../../http/conditional.ts";
import { contentRange, parseByteRange, type ByteRange } from "../../../http/byte-range.ts";
import type { S3Context } from "../context.ts";
import type { BucketRecord, ObjectMeta, ObjectRecord } from "../storage.ts";
import type { VersionRecord } from "../storage.ts";
import { s3fail } from "../errors.ts";
import { messages } from "../messages.ts";
import { mustGetBucket } from "./buckets.ts";
import { receiveBody } from "../upload-body.ts";
import { remainingContentEncoding } from "../aws-chunked.ts";
import { aclFromRequest } from "../acl.ts";
import { mustGetVersion } from "./version-lookup.ts";
import { newVersionId, versionIdMember, versioningOf } from "./versioning.ts";
import { tagsFromHeader } from "./object-tagging.ts";
import { lockForNewVersion, lockMembers } from "./object-lock.ts";
import { checkReadable, restoreMember } from "./object-archive.ts";
import { encryptionForWrite, encryptionOutput } from "../encryption.ts";

type Ctx = S3Context;

/** S3 keys are at most 1024 bytes of UTF-8. */
export const MAX_KEY_BYTES = 1024;
/** Default and largest page of a listing. */
export const MAX_KEYS = 1000;
/** What S3 reports for an object stored without a Content-Type. */
export const DEFAULT_CONTENT_TYPE = "binary/octet-stream";

/** The object (the latest version, or `versionId`'s) or S3's NoSuchKey / NoSuchVersion. */
export function mustGetObject(ctx: Ctx, bucket: string | undefined, key: string | undefined, versionId?: string): VersionRecord {
  return mustGetVersion(ctx, mustGetBucket(ctx, bucket), key, versionId);
}

export function checkKey(key: string | undefined): string {
  const k = key ?? "";
  if (Buffer.byteLength(k) > MAX_KEY_BYTES) s3fail("KeyTooLongError", messages.keyTooLong, { Size: String(Buffer.byteLength(k)), MaxSizeAllowed: String(MAX_KEY_BYTES) });
  return k;
}

type WriteInput = Pick<
  PutObjectRequest,
  "ContentType" | "CacheControl" | "ContentDisposition" | "ContentLanguage" | "Metadata" | "WebsiteRedirectLocation" | "StorageClass" | "Tagging" | "ObjectLockMode" | "ObjectLockRetainUntilDate" | "ObjectLockLegalHoldStatus"
  | "ACL" | "GrantFullControl" | "GrantRead" | "GrantReadACP" | "GrantWriteACP"
  | "ServerSideEncryption" | "SSEKMSKeyId" | "BucketKeyEnabled"
>;

/** System and user metadata from a write request (PutObject, CreateMultipartUpload, CopyObject REPLACE). */
export function metaFromRequest(input: WriteInput, headers: IncomingHttpHeaders): ObjectMeta {
  const meta: ObjectMeta = {};
  if (input.ContentType) meta.contentType = input.ContentType;
  if (input.CacheControl) meta.cacheControl = input.CacheControl;
  if (input.ContentDisposition) meta.contentDisposition = input.ContentDisposition;
  const encoding = remainingContentEncoding(headers);
  if (encoding) meta.contentEncoding = encoding;
  if (input.ContentLanguage) meta.contentLanguage = input.ContentLanguage;
  // Expires is echoed as the client sent it; the model would re-format it.
  if (typeof headers["expires"] === "string") meta.expires = headers["expires"];
  if (input.WebsiteRedirectLocation) meta.websiteRedirectLocation = input.WebsiteRedirectLocation;
  if (input.StorageClass && input.StorageClass !== "STANDARD") meta.storageClass = input.StorageClass;
  if (input.Metadata && Object.keys(input.Metadata).length > 0) meta.user = { ...input.Metadata };
  return meta;
}

/** What a new version carries besides its metadata: tags from `x-amz-tagging`, Object Lock, the ACL of x-amz-acl / x-amz-grant-* (acl.ts). */
export function newVersionExtras(bucket: BucketRecord, input: WriteInput, now: number): Pick<ObjectMeta, "tags" | "retention" | "legalHold" | "acl" | "encryption"> {
  const tags = tagsFromHeader(input.Tagging);
  const acl = aclFromRequest(input);
  // The request's x-amz-server-side-encryption, else the bucket's default encryption (encryption.ts).
  const encryption = encryptionForWrite(bucket, input);
  return { ...(tags ? { tags } : {}), ...(acl ? { acl } : {}), ...lockForNewVersion(bucket, input, now), encryption };
}

/** The version id a new object gets in this bucket: a fresh one when versioning is enabled. */
export function versionIdForWrite(bucket: BucketRecord): string {
  return versioningOf(bucket) === "Enabled" ? newVersionId() : "null";
}

export async function PutObject(input: PutObjectRequest, ctx: Ctx): Promise<PutObjectOutput> {
  const body = input.Body as Readable;
  const { storage, clock } = ctx.service;
  let bucket: BucketRecord;
  let key: string;
  let extras: ReturnType<typeof newVersionExtras>;
  try {
    bucket = mustGetBucket(ctx, input.Bucket);
    key = checkKey(input.Key);
    extras = newVersionExtras(bucket, input, clock.now());
    if (input.IfNoneMatch === "*" && storage.getObject(bucket.name, key)) s3fail("PreconditionFailed", messages.preconditionFailed, { Condition: "If-None-Match" });
  } catch (err) {
    body.resume();
    throw err;
  }
  const got = await receiveBody(storage, body, ctx.headers);
  const current = storage.getObject(bucket.name, key);
  if ((input.IfNoneMatch === "*" && current) || (input.IfMatch !== undefined && (!current || !etagMatches(input.IfMatch, current.etag)))) {
    await storage.unlinkBlobs([got.blob]);
    if (input.IfMatch !== undefined && !current) s3fail("NoSuchKey", messages.noSuchKey, { Key: key });
    s3fail("PreconditionFailed", messages.preconditionFailed, { Condition: input.IfMatch !== undefined ? "If-Match" : "If-None-Match" });
  }
  const meta: ObjectMeta = { ...metaFromRequest(input, ctx.headers), ...extras };
  if (Object.keys(got.checksums).length > 0) {
    meta.checksums = got.checksums;
    meta.checksumType = "FULL_OBJECT";
  }
  const etag = `"${got.md5Hex}"`;
  const versionId = versionIdForWrite(bucket);
  await storage.commitObject({ bucket: bucket.name, key, blob: got.blob, size: got.size, etag, lastModified: clock.now(), meta, versionId }, versioningOf(bucket));
  return { ETag: etag, ...checksumMembers(meta), ...(meta.checksumType ? { ChecksumType: "FULL_OBJECT" } : {}), ...versionIdMember(bucket, versionId), ...encryptionOutput(meta) };
}

export function GetObject(input: GetObjectRequest, ctx: Ctx): GetObjectOutput {
  const bucket = mustGetBucket(ctx, input.Bucket);
  const obj = mustGetVersion(ctx, bucket, input.Key, input.VersionId);
  checkConditions(input, obj);
  checkReadable(obj.meta, ctx.service.clock.now());
  if (input.PartNumber !== undefined && input.PartNumber !== 1) {
    s3fail("InvalidPartNumber", "The requested partnumber is not satisfiable", { PartNumberRequested: String(input.PartNumber), ActualPartCount: "1" });
  }
  const range = input.Range ? s3Range(input.Range, obj.size) : undefined;
  const headers: GetObjectOutput = {
    ...objectHeaders(bucket, obj, input, range === undefined),
    ...restoreMember(obj.meta, ctx.service.clock.now()),
    ...(obj.meta.tags ? { TagCount: obj.meta.tags.length } : {}),
  };
  if (range) {
    return { ...headers, Body: ctx.service.storage.readBlob(obj.blob, range), ContentLength: range.end - range.start + 1, ContentRange: contentRange(range, obj.size), [RESPONSE_STATUS]: 206 } as GetObjectOutput;
  }
  return { ...headers, Body: ctx.service.storage.readBlob(obj.blob) as never, ContentLength: obj.size };
}

export function HeadObject(input: HeadObjectRequest, ctx: Ctx): HeadObjectOutput {
  const bucket = mustGetBucket(ctx, input.Bucket);
  const obj = mustGetVersion(ctx, bucket, input.Key, input.VersionId);
  checkConditions(input, obj);
  const range = input.Range ? s3Range(input.Range, obj.size) : undefined;
  const headers = { ...objectHeaders(bucket, obj, input, range === undefined), ...restoreMember(obj.meta, ctx.service.clock.now()) };
  if (range) return { ...headers, ContentLength: range.end - range.start + 1, ContentRange: contentRange(range, obj.size), [RESPONSE_STATUS]: 206 } as HeadObjectOutput;
  return { ...headers, ContentLength: obj.size };
}

export async function CopyObject(input: CopyObjectRequest, ctx: Ctx): Promise<CopyObjectOutput> {
  const dest = mustGetBucket(ctx, input.Bucket);
  const key = checkKey(input.Key);
  const source = parseCopySource(input.CopySource ?? "");
  const src = mustGetObject(ctx, source.bucket, source.key, source.versionId);
  checkConditionsAsPrecondition(
    { IfMatch: input.CopySourceIfMatch, IfNoneMatch: input.CopySourceIfNoneMatch, IfModifiedSince: input.CopySourceIfModifiedSince, IfUnmodifiedSince: input.CopySourceIfUnmodifiedSince },
    src,
  );
  const replace = input.MetadataDirective === "REPLACE";
  const replaceTags = input.TaggingDirective === "REPLACE";
  if (input.TaggingDirective !== undefined && !replaceTags && input.TaggingDirective !== "COPY") s3fail("InvalidArgument", "Unknown tagging directive.", { ArgumentName: "x-amz-tagging-directive" });
  const sameObject = src.bucket === dest.name && src.key === key && source.versionId === undefined;
  if (sameObject && !replace && !input.WebsiteRedirectLocation && !input.StorageClass && !input.ServerSideEncryption) s3fail("InvalidRequest", messages.copyToItself);
  const { storage, clock } = ctx.service;
  const now = clock.now();
  const meta: ObjectMeta = replace ? metaFromRequest(input, ctx.headers) : { ...src.meta };
  // The copy is a new version: the source's lock does not travel, its tags do unless replaced.
  delete meta.retention;
  delete meta.legalHold;
  delete meta.tags;
  delete meta.acl; // a copy gets the request's ACL, private by default (CopyObject API reference)
  Object.assign(meta, newVersionExtras(dest, { ...input, Tagging: replaceTags ? input.Tagging : undefined }, now));
  if (!replaceTags && src.meta.tags) meta.tags = src.meta.tags;
  if (replace && src.meta.checksums) {
    meta.checksums = src.meta.checksums;
    if (src.meta.checksumType) meta.checksumType = src.meta.checksumType;
  }
  if (src.meta.partsCount) meta.partsCount = src.meta.partsCount;
  const blob = await storage.copyBlob(src.blob);
  const versionId = versionIdForWrite(dest);
  await storage.commitObject({ bucket: dest.name, key, blob, size: src.size, etag: src.etag, lastModified: now, meta, versionId }, versioningOf(dest));
  const srcBucket = storage.getBucket(src.bucket);
  return {
    CopyObjectResult: { ETag: src.etag, LastModified: new Date(now), ...checksumMembers(meta) },
    ...versionIdMember(dest, versionId),
    ...(srcBucket?.config.versioning ? { CopySourceVersionId: src.versionId } : {}),
    ...encryptionOutput(meta),
  };
}

type Conditions = Pick<GetObjectRequest, "IfMatch" | "IfNoneMatch" | "IfModifiedSince" | "IfUnmodifiedSince">;

/**
 * S3's conditional GET/HEAD (RFC 9110 §13.2.2 through src/http/conditional.ts): If-Match beats
 * If-Unmodified-Since (412 when it fails), If-None-Match beats If-Modified-Since (304 when it
 * fails). Times compare at one-second granularity.
 */
function checkConditions(c: Conditions, obj: ObjectRecord): void {
  const lastModified = new Date(obj.lastModified).toUTCString();
  if (preconditionFails(c.IfMatch, c.IfUnmodifiedSince?.toUTCString(), obj.etag, lastModified)) {
    s3fail("PreconditionFailed", messages.preconditionFailed, { Condition: c.IfMatch !== undefined ? "If-Match" : "If-Unmodified-Since" });
  }
  if (notModified(c.IfNoneMatch, c.IfModifiedSince?.toUTCString(), obj.etag, lastModified)) {
    s3fail("NotModified", "Not Modified", {}, { ETag: obj.etag, "Last-Modified": lastModified });
  }
}

/** Copy-source conditions: every failure is 412 (there is no 304 for a copy). */
export function checkConditionsAsPrecondition(c: Conditions, obj: ObjectRecord): void {
  try {
    checkConditions(c, obj);
  } catch (err) {
    if ((err as { code?: string }).code === "NotModified") s3fail("PreconditionFailed", messages.preconditionFailed);
    throw err;
  }
}

/**
 * The one byte range of a Range header (src/http/byte-range.ts). A header S3 cannot parse, or
 * with several ranges, is ignored (the whole object is sent); an unsatisfiable one is
 * InvalidRange (416).
 */
export function s3Range(header: string, size: number): ByteRange | undefined {
  const range = parseByteRange(header, size);
  if (range === "unsatisfiable") {
    s3fail("InvalidRange", messages.invalidRange, { RangeRequested: header, ActualObjectSize: String(size) }, { "Content-Range": `bytes */${size}` });
  }
  return range;
}

/** `x-amz-copy-source`: `bucket/key` or `/bucket/key`, URL-encoded, maybe `?versionId=`. */
export function parseCopySource(value: string): { bucket: string; key: string; versionId?: string } {
  let v = value;
  let versionId: string | undefined;
  const q = v.indexOf("?");
  if (q >= 0) {
    versionId = new URLSearchParams(v.slice(q + 1)).get("versionId") ?? undefined;
    v = v.slice(0, q);
  }
  try {
    v = decodeURIComponent(v);
  } catch {
    s3fail("InvalidArgument", "Invalid copy source encoding", { ArgumentName: "x-amz-copy-source" });
  }
  if (v.startsWith("/")) v = v.slice(1);
  const slash = v.indexOf("/");
  if (slash <= 0 || slash === v.length - 1) s3fail("InvalidArgument", "Invalid copy source object key", { ArgumentName: "x-amz-copy-source" });
  return { bucket: v.slice(0, slash), key: v.slice(slash + 1), ...(versionId !== undefined ? { versionId } : {}) };
}

type Overrides = Partial<Pick<GetObjectRequest, "ResponseCacheControl" | "ResponseContentDisposition" | "ResponseContentEncoding" | "ResponseContentLanguage" | "ResponseContentType" | "ResponseExpires">>;

function objectHeaders(bucket: BucketRecord, obj: VersionRecord, o: Overrides & { ChecksumMode?: string }, wholeObject: boolean): GetObjectOutput {
  const m = obj.meta;
  const expires = m.expires;
  return {
    AcceptRanges: "bytes",
    LastModified: new Date(obj.lastModified),
    ETag: obj.etag,
    ContentType: o.ResponseContentType ?? m.contentType ?? DEFAULT_CONTENT_TYPE,
    ...optional("CacheControl", o.ResponseCacheControl ?? m.cacheControl),
    ...optional("ContentDisposition", o.ResponseContentDisposition ?? m.contentDisposition),
    ...optional("ContentEncoding", o.ResponseContentEncoding ?? m.contentEncoding),
    ...optional("ContentLanguage", o.ResponseContentLanguage ?? m.contentLanguage),
    ...(o.ResponseExpires ? { Expires: o.ResponseExpires } : expires && !Number.isNaN(Date.parse(expires)) ? { Expires: new Date(expires) } : {}),
    ...optional("WebsiteRedirectLocation", m.websiteRedirectLocation),
    ...(m.storageClass ? { StorageClass: m.storageClass as GetObjectOutput["StorageClass"] } : {}),
    ...(m.user ? { Metadata: m.user } : {}),
    // A bucket that has ever been versioned names the version, "null" included.
    ...(bucket.config.versioning ? { VersionId: obj.versionId } : {}),
    ...lockMembers(m),
    ...encryptionOutput(m),
    ...(o.ChecksumMode === "ENABLED" && wholeObject ? { ...checksumMembers(m), ...(m.checksumType ? { ChecksumType: m.checksumType as GetObjectOutput["ChecksumType"] } : {}) } : {}),
  };
}

function optional<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, string>);
}

/** `ChecksumCRC32: "..."` members from stored checksums. */
export function checksumMembers(meta: ObjectMeta): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [alg, value] of Object.entries(meta.checksums ?? {})) out[`Checksum${alg}`] = value;
  return out;
}
