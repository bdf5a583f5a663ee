// GetObjectAttributes (API reference): the attributes asked for in x-amz-object-attributes, of the
// latest version or the one named. The ETag is reported without quotes, as S3 does here.
// ObjectParts of a multipart object reports TotalPartsCount only: the parts' sizes and checksums
// are not kept once the upload completes, so the Parts list is left out.
import type { GetObjectAttributesOutput, GetObjectAttributesRequest } from "@aws-sdk/client-s3";
import type { S3Context } from "../context.ts";
import { mustGetBucket } from "./buckets.ts";
import { mustGetVersion } from "./version-lookup.ts";
import { checksumMembers } from "./objects.ts";

export function GetObjectAttributes(input: GetObjectAttributesRequest, ctx: S3Context): GetObjectAttributesOutput {
  const bucket = mustGetBucket(ctx, input.Bucket);
  const obj = mustGetVersion(ctx, bucket, input.Key, input.VersionId);
  // The list travels as one comma-separated header, which the protocol layer hands over as sent.
  const raw = input.ObjectAttributes as unknown;
  const wanted = new Set((Array.isArray(raw) ? raw : [raw]).flatMap((a) => String(a ?? "").split(",")).map((a) => a.trim()));
  const m = obj.meta;
  return {
    LastModified: new Date(obj.lastModified),
    ...(bucket.config.versioning ? { VersionId: obj.versionId } : {}),
    ...(wanted.has("ETag") ? { ETag: obj.etag.replace(/"/g, "") } : {}),
    ...(wanted.has("Checksum") && m.checksums ? { Checksum: { ...checksumMembers(m), ...(m.checksumType ? { ChecksumType: m.checksumType as "COMPOSITE" } : {}) } } : {}),
    ...(wanted.has("ObjectParts") && m.partsCount ? { ObjectParts: { TotalPartsCount: m.partsCount } } : {}),
    ...(wanted.has("StorageClass") ? { StorageClass: (m.storageClass ?? "STANDARD") as "STANDARD" } : {}),
    ...(wanted.has("ObjectSize") ? { ObjectSize: obj.size } : {}),
  };
}
