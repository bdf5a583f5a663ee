// Objects: PutObject, GetObject, HeadObject, DeleteObject, DeleteObjects, CopyObject,
// ListObjects, ListObjectsV2. Follows the S3 API reference for each, plus
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-requests.html (If-* precedence)
// and RFC 9110 §14 (Range). Not yet: versioning (VersionId is ignored), object tagging and ACLs,
// SSE (accepted and not applied), GetObject by PartNumber other than 1.
import type {
  CopyObjectOutput,
  CopyObjectRequest,
  DeleteObjectOutput,
  DeleteObjectRequest,
  DeleteObjectsOutput,
  DeleteObjectsRequest,
  GetObjectOutput,
  GetObjectRequest,
  HeadObjectOutput,
  HeadObjectRequest,
  ListObjectsOutput,
  ListObjectsRequest,
  ListObjectsV2Output,
  ListObjectsV2Request,
  PutObjectOutput,
  PutObjectRequest,
  _Object,
} from "@aws-sdk/client-s3";
import type { Readable } from "node:stream";
import type { IncomingHttpHeaders } from "node:http";
import { RESPONSE_STATUS } from "../../../api/rest-xml.ts";
import type { S3Context } from "../context.ts";
import type { ObjectMeta, ObjectRecord } from "../storage.ts";
import { s3fail } from "../errors.ts";
import { messages } from "../messages.ts";
import { mustGetBucket } from "./buckets.ts";
import { receiveBody } from "../upload-body.ts";
import { remainingContentEncoding } from "../aws-chunked.ts";

type Ctx = S3Context;

/** S3 keys are at most 1024 bytes of UTF-8. */
export const MAX_KEY_BYTES = 1024;
/** Default and largest page of a listing. */
export const MAX_KEYS = 1000;
/** What S3 reports for an object stored without a Content-Type. */
export const DEFAULT_CONTENT_TYPE = "binary/octet-stream";

export function mustGetObject(ctx: Ctx, bucket: string | undefined, key: string | undefined): ObjectRecord {
  const b = mustGetBucket(ctx, bucket);
  return ctx.service.storage.getObject(b.name, key ?? "") ?? s3fail("NoSuchKey", messages.noSuchKey, { Key: key ?? "" });
}

export function checkKey(key: string | undefined): string {
  const k = key ?? "";
  if (Buffer.byteLength(k) > MAX_KEY_BYTES) s3fail("KeyTooLongError", messages.keyTooLong, { Size: String(Buffer.byteLength(k)), MaxSizeAllowed: String(MAX_KEY_BYTES) });
  return k;
}

/** System and user metadata from a write request (PutObject, CreateMultipartUpload, CopyObject REPLACE). */
export function metaFromRequest(
  input: Pick<PutObjectRequest, "ContentType" | "CacheControl" | "ContentDisposition" | "ContentLanguage" | "Metadata" | "WebsiteRedirectLocation" | "StorageClass">,
  headers: IncomingHttpHeaders,
): ObjectMeta {
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

export async function PutObject(input: PutObjectRequest, ctx: Ctx): Promise<PutObjectOutput> {
  const bucket = mustGetBucket(ctx, input.Bucket);
  const key = checkKey(input.Key);
  const body = input.Body as Readable;
  const { storage, clock } = ctx.service;
  if (input.IfNoneMatch === "*" && storage.getObject(bucket.name, key)) {
    body.resume();
    s3fail("PreconditionFailed", messages.preconditionFailed, { Condition: "If-None-Match" });
  }
  const got = await receiveBody(storage, body, ctx.headers);
  const current = storage.getObject(bucket.name, key);
  if ((input.IfNoneMatch === "*" && current) || (input.IfMatch !== undefined && (!current || !etagMatches(input.IfMatch, current.etag)))) {
    await storage.unlinkBlobs([got.blob]);
    if (input.IfMatch !== undefined && !current) s3fail("NoSuchKey", messages.noSuchKey, { Key: key });
    s3fail("PreconditionFailed", messages.preconditionFailed, { Condition: input.IfMatch !== undefined ? "If-Match" : "If-None-Match" });
  }
  const meta = metaFromRequest(input, ctx.headers);
  if (Object.keys(got.checksums).length > 0) {
    meta.checksums = got.checksums;
    meta.checksumType = "FULL_OBJECT";
  }
  const etag = `"${got.md5Hex}"`;
  await storage.commitObject({ bucket: bucket.name, key, blob: got.blob, size: got.size, etag, lastModified: clock.now(), meta });
  return { ETag: etag, ...checksumMembers(meta), ...(meta.checksumType ? { ChecksumType: "FULL_OBJECT" } : {}) };
}

export function GetObject(input: GetObjectRequest, ctx: Ctx): GetObjectOutput {
  const obj = mustGetObject(ctx, input.Bucket, input.Key);
  checkConditions(input, obj);
  if (input.PartNumber !== undefined && input.PartNumber !== 1) {
    s3fail("InvalidPartNumber", "The requested partnumber is not satisfiable", { PartNumberRequested: String(input.PartNumber), ActualPartCount: "1" });
  }
  const range = input.Range ? parseRange(input.Range, obj.size) : undefined;
  const headers = objectHeaders(obj, input, range === undefined);
  if (range) {
    return {
      ...headers,
      Body: ctx.service.storage.readBlob(obj.blob, range),
      ContentLength: range.end - range.start + 1,
      ContentRange: `bytes ${range.start}-${range.end}/${obj.size}`,
      [RESPONSE_STATUS]: 206,
    } as GetObjectOutput;
  }
  return { ...headers, Body: ctx.service.storage.readBlob(obj.blob) as never, ContentLength: obj.size };
}

export function HeadObject(input: HeadObjectRequest, ctx: Ctx): HeadObjectOutput {
  const obj = mustGetObject(ctx, input.Bucket, input.Key);
  checkConditions(input, obj);
  const range = input.Range ? parseRange(input.Range, obj.size) : undefined;
  const headers = objectHeaders(obj, input, range === undefined);
  if (range) {
    return { ...headers, ContentLength: range.end - range.start + 1, ContentRange: `bytes ${range.start}-${range.end}/${obj.size}`, [RESPONSE_STATUS]: 206 } as HeadObjectOutput;
  }
  return { ...headers, ContentLength: obj.size };
}

export async function DeleteObject({ Bucket, Key }: DeleteObjectRequest, ctx: Ctx): Promise<DeleteObjectOutput> {
  const bucket = mustGetBucket(ctx, Bucket);
  await ctx.service.storage.deleteObject(bucket.name, Key ?? "");
  return {};
}

export async function DeleteObjects({ Bucket, Delete }: DeleteObjectsRequest, ctx: Ctx): Promise<DeleteObjectsOutput> {
  const bucket = mustGetBucket(ctx, Bucket);
  const objects = Delete?.Objects ?? [];
  if (objects.length === 0 || objects.length > MAX_KEYS) s3fail("MalformedXML", messages.malformedXml);
  const deleted: NonNullable<DeleteObjectsOutput["Deleted"]> = [];
  for (const o of objects) {
    await ctx.service.storage.deleteObject(bucket.name, o.Key ?? "");
    if (!Delete?.Quiet) deleted.push({ Key: o.Key });
  }
  return { ...(deleted.length > 0 ? { Deleted: deleted } : {}) };
}

export async function CopyObject(input: CopyObjectRequest, ctx: Ctx): Promise<CopyObjectOutput> {
  const dest = mustGetBucket(ctx, input.Bucket);
  const key = checkKey(input.Key);
  const source = parseCopySource(input.CopySource ?? "");
  const src = mustGetObject(ctx, source.bucket, source.key);
  checkCopyConditions(input, src);
  const replace = input.MetadataDirective === "REPLACE";
  if (src.bucket === dest.name && src.key === key && !replace && !input.WebsiteRedirectLocation && !input.StorageClass && !input.ServerSideEncryption) {
    s3fail("InvalidRequest", messages.copyToItself);
  }
  const { storage, clock } = ctx.service;
  const meta: ObjectMeta = replace ? metaFromRequest(input, ctx.headers) : { ...src.meta };
  if (replace && src.meta.checksums) {
    meta.checksums = src.meta.checksums;
    if (src.meta.checksumType) meta.checksumType = src.meta.checksumType;
  }
  if (src.meta.partsCount) meta.partsCount = src.meta.partsCount;
  const blob = await storage.copyBlob(src.blob);
  const now = clock.now();
  await storage.commitObject({ bucket: dest.name, key, blob, size: src.size, etag: src.etag, lastModified: now, meta });
  return { CopyObjectResult: { ETag: src.etag, LastModified: new Date(now), ...checksumMembers(meta) } };
}

export function ListObjects(input: ListObjectsRequest, ctx: Ctx): ListObjectsOutput {
  const bucket = mustGetBucket(ctx, input.Bucket);
  const maxKeys = clampMaxKeys(input.MaxKeys);
  const prefix = input.Prefix ?? "";
  const page = ctx.service.storage.list(bucket.name, { prefix, delimiter: input.Delimiter || undefined, after: input.Marker ?? "", maxKeys });
  const enc = encoder(input.EncodingType);
  return {
    Name: bucket.name,
    Prefix: enc(prefix),
    Marker: enc(input.Marker ?? ""),
    MaxKeys: maxKeys,
    ...(input.Delimiter ? { Delimiter: enc(input.Delimiter) } : {}),
    IsTruncated: page.truncated,
    // NextMarker is only returned with a delimiter; without one the last key is the marker.
    ...(page.truncated && input.Delimiter && page.lastReturned !== undefined ? { NextMarker: enc(page.lastReturned) } : {}),
    ...(page.objects.length > 0 ? { Contents: page.objects.map((o) => listEntry(o, enc, ctx, true)) } : {}),
    ...(page.commonPrefixes.length > 0 ? { CommonPrefixes: page.commonPrefixes.map((p) => ({ Prefix: enc(p) })) } : {}),
    ...(input.EncodingType ? { EncodingType: input.EncodingType } : {}),
  };
}

export function ListObjectsV2(input: ListObjectsV2Request, ctx: Ctx): ListObjectsV2Output {
  const bucket = mustGetBucket(ctx, input.Bucket);
  const maxKeys = clampMaxKeys(input.MaxKeys);
  const prefix = input.Prefix ?? "";
  let after = input.StartAfter ?? "";
  if (input.ContinuationToken !== undefined) {
    const decoded = Buffer.from(input.ContinuationToken, "base64url").toString("utf8");
    if (!decoded.startsWith("k:")) s3fail("InvalidArgument", messages.invalidContinuationToken, { ArgumentName: "continuation-token" });
    after = decoded.slice(2);
  }
  const page = ctx.service.storage.list(bucket.name, { prefix, delimiter: input.Delimiter || undefined, after, maxKeys });
  const enc = encoder(input.EncodingType);
  return {
    Name: bucket.name,
    Prefix: enc(prefix),
    MaxKeys: maxKeys,
    KeyCount: page.objects.length + page.commonPrefixes.length,
    IsTruncated: page.truncated,
    ...(input.Delimiter ? { Delimiter: enc(input.Delimiter) } : {}),
    ...(input.ContinuationToken !== undefined ? { ContinuationToken: input.ContinuationToken } : {}),
    ...(input.StartAfter !== undefined ? { StartAfter: enc(input.StartAfter) } : {}),
    ...(page.truncated && page.lastReturned !== undefined
      ? { NextContinuationToken: Buffer.from(`k:${page.lastReturned}`).toString("base64url") }
      : {}),
    ...(page.objects.length > 0 ? { Contents: page.objects.map((o) => listEntry(o, enc, ctx, !!input.FetchOwner)) } : {}),
    ...(page.commonPrefixes.length > 0 ? { CommonPrefixes: page.commonPrefixes.map((p) => ({ Prefix: enc(p) })) } : {}),
    ...(input.EncodingType ? { EncodingType: input.EncodingType } : {}),
  };
}

// ---- helpers ----

function clampMaxKeys(value: number | undefined): number {
  if (value === undefined) return MAX_KEYS;
  if (!Number.isInteger(value) || value < 0) s3fail("InvalidArgument", "Provided max-keys not an integer or within integer range", { ArgumentName: "max-keys" });
  return Math.min(value, MAX_KEYS);
}

/** EncodingType=url: keys percent-encoded, space as `+` (what botocore's decoder expects). */
function encoder(type: string | undefined): (s: string) => string {
  if (type !== "url") return (s) => s;
  return (s) => encodeURIComponent(s).replace(/%20/g, "+").replace(/%2F/g, "/");
}

function listEntry(o: ObjectRecord, enc: (s: string) => string, ctx: Ctx, withOwner: boolean): _Object {
  const algs = Object.keys(o.meta.checksums ?? {});
  return {
    Key: enc(o.key),
    LastModified: new Date(o.lastModified),
    ETag: o.etag,
    ...(algs.length > 0 ? { ChecksumAlgorithm: algs as _Object["ChecksumAlgorithm"], ChecksumType: (o.meta.checksumType ?? "FULL_OBJECT") as _Object["ChecksumType"] } : {}),
    Size: o.size,
    StorageClass: (o.meta.storageClass ?? "STANDARD") as _Object["StorageClass"],
    ...(withOwner ? { Owner: ctx.service.owner } : {}),
  };
}

export function etagMatches(condition: string, etag: string): boolean {
  const bare = etag.replace(/"/g, "");
  return condition.split(",").some((c) => {
    const t = c.trim().replace(/^W\//, "").replace(/"/g, "");
    return t === "*" || t === bare;
  });
}

type Conditions = Pick<GetObjectRequest, "IfMatch" | "IfNoneMatch" | "IfModifiedSince" | "IfUnmodifiedSince">;

/**
 * S3's conditional GET/HEAD: If-Match beats If-Unmodified-Since (412 when it fails), If-None-Match
 * beats If-Modified-Since (304 when it fails). Times compare at one-second granularity.
 */
function checkConditions(c: Conditions, obj: ObjectRecord): void {
  const modified = Math.floor(obj.lastModified / 1000);
  const cacheHeaders = { ETag: obj.etag, "Last-Modified": new Date(obj.lastModified).toUTCString() };
  if (c.IfMatch !== undefined) {
    if (!etagMatches(c.IfMatch, obj.etag)) s3fail("PreconditionFailed", messages.preconditionFailed, { Condition: "If-Match" });
  } else if (c.IfUnmodifiedSince !== undefined && modified > Math.floor(c.IfUnmodifiedSince.getTime() / 1000)) {
    s3fail("PreconditionFailed", messages.preconditionFailed, { Condition: "If-Unmodified-Since" });
  }
  if (c.IfNoneMatch !== undefined) {
    if (etagMatches(c.IfNoneMatch, obj.etag)) s3fail("NotModified", "Not Modified", {}, cacheHeaders);
  } else if (c.IfModifiedSince !== undefined && modified <= Math.floor(c.IfModifiedSince.getTime() / 1000)) {
    s3fail("NotModified", "Not Modified", {}, cacheHeaders);
  }
}

function checkCopyConditions(c: CopyObjectRequest, src: ObjectRecord): void {
  checkConditionsAsPrecondition(
    { IfMatch: c.CopySourceIfMatch, IfNoneMatch: c.CopySourceIfNoneMatch, IfModifiedSince: c.CopySourceIfModifiedSince, IfUnmodifiedSince: c.CopySourceIfUnmodifiedSince },
    src,
  );
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
 * One byte range (RFC 9110 §14.1.2): `bytes=a-b`, `bytes=a-`, `bytes=-n`. A header S3 cannot
 * parse, or with several ranges, is ignored (the whole object is sent); an unsatisfiable one is
 * InvalidRange (416).
 */
export function parseRange(header: string, size: number): { start: number; end: number } | undefined {
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === "" && m[2] === "")) return undefined;
  let start: number;
  let end: number;
  if (m[1] === "") {
    const suffix = Number(m[2]);
    if (suffix === 0) unsatisfiable(size);
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === "" ? size - 1 : Math.min(Number(m[2]), size - 1);
    if (m[2] !== "" && Number(m[2]) < start) return undefined;
  }
  if (start >= size || size === 0) unsatisfiable(size);
  return { start, end };
}

function unsatisfiable(size: number): never {
  s3fail("InvalidRange", messages.invalidRange, { RangeRequested: "", ActualObjectSize: String(size) }, { "Content-Range": `bytes */${size}` });
}

/** `x-amz-copy-source`: `bucket/key` or `/bucket/key`, URL-encoded, maybe `?versionId=`. */
export function parseCopySource(value: string): { bucket: string; key: string } {
  let v = value;
  const q = v.indexOf("?");
  if (q >= 0) v = v.slice(0, q);
  try {
    v = decodeURIComponent(v);
  } catch {
    s3fail("InvalidArgument", "Invalid copy source encoding", { ArgumentName: "x-amz-copy-source" });
  }
  if (v.startsWith("/")) v = v.slice(1);
  const slash = v.indexOf("/");
  if (slash <= 0 || slash === v.length - 1) s3fail("InvalidArgument", "Invalid copy source object key", { ArgumentName: "x-amz-copy-source" });
  return { bucket: v.slice(0, slash), key: v.slice(slash + 1) };
}

type Overrides = Partial<Pick<GetObjectRequest, "ResponseCacheControl" | "ResponseContentDisposition" | "ResponseContentEncoding" | "ResponseContentLanguage" | "ResponseContentType" | "ResponseExpires">>;

function objectHeaders(obj: ObjectRecord, o: Overrides & { ChecksumMode?: string }, wholeObject: boolean): GetObjectOutput {
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
