// Listings: ListObjects, ListObjectsV2 and ListObjectVersions (S3 API reference for each). Keys
// come in UTF-8 byte order; with a delimiter, keys that contain it after the prefix roll up into
// common prefixes, each counting as one entry against max-keys. ListObjectVersions lists each
// key's versions newest first, objects under Versions and delete markers under DeleteMarkers.
import type {
  DeleteMarkerEntry,
  ListObjectsOutput,
  ListObjectsRequest,
  ListObjectsV2Output,
  ListObjectsV2Request,
  ListObjectVersionsOutput,
  ListObjectVersionsRequest,
  ObjectVersion,
  _Object,
} from "@aws-sdk/client-s3";
import type { S3Context } from "../context.ts";
import type { ObjectRecord } from "../storage.ts";
import { s3fail } from "../errors.ts";
import { messages } from "../messages.ts";
import { mustGetBucket } from "./buckets.ts";
import { MAX_KEYS } from "./objects.ts";

type Ctx = S3Context;

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

export function ListObjectVersions(input: ListObjectVersionsRequest, ctx: Ctx): ListObjectVersionsOutput {
  const bucket = mustGetBucket(ctx, input.Bucket);
  const maxKeys = clampMaxKeys(input.MaxKeys);
  const prefix = input.Prefix ?? "";
  const keyMarker = input.KeyMarker ?? "";
  if (input.VersionIdMarker !== undefined && keyMarker === "") {
    s3fail("InvalidArgument", "A version-id marker cannot be specified without a key marker.", { ArgumentName: "version-id-marker", ArgumentValue: input.VersionIdMarker });
  }
  const page = ctx.service.storage.listVersions(bucket.name, { prefix, delimiter: input.Delimiter || undefined, keyMarker, versionIdMarker: input.VersionIdMarker || undefined, maxKeys });
  const enc = encoder(input.EncodingType);
  const owner = ctx.service.owner;
  const versions: ObjectVersion[] = [];
  const markers: DeleteMarkerEntry[] = [];
  for (const v of page.versions) {
    const common = { Key: enc(v.key), VersionId: v.versionId, IsLatest: v.isLatest, LastModified: new Date(v.lastModified), Owner: owner };
    if (v.deleteMarker) markers.push(common);
    else {
      const entry = listEntry(v, enc, ctx, true);
      versions.push({ ...common, ETag: entry.ETag, Size: entry.Size, StorageClass: "STANDARD", ...(entry.ChecksumAlgorithm ? { ChecksumAlgorithm: entry.ChecksumAlgorithm, ChecksumType: entry.ChecksumType } : {}) });
    }
  }
  return {
    Name: bucket.name,
    Prefix: enc(prefix),
    KeyMarker: enc(keyMarker),
    VersionIdMarker: input.VersionIdMarker ?? "",
    MaxKeys: maxKeys,
    ...(input.Delimiter ? { Delimiter: enc(input.Delimiter) } : {}),
    IsTruncated: page.truncated,
    ...(page.truncated && page.next ? { NextKeyMarker: enc(page.next.key), ...(page.next.versionId !== undefined ? { NextVersionIdMarker: page.next.versionId } : {}) } : {}),
    ...(versions.length > 0 ? { Versions: versions } : {}),
    ...(markers.length > 0 ? { DeleteMarkers: markers } : {}),
    ...(page.commonPrefixes.length > 0 ? { CommonPrefixes: page.commonPrefixes.map((p) => ({ Prefix: enc(p) })) } : {}),
    ...(input.EncodingType ? { EncodingType: input.EncodingType } : {}),
  };
}
