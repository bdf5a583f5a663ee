// Object tagging: Put/Get/DeleteObjectTagging, the `x-amz-tagging` header of PutObject,
// CopyObject (TaggingDirective) and CreateMultipartUpload, and `x-amz-tagging-count` on GetObject.
// Follows the API reference of each operation and the user guide's "Categorizing your objects
// using tags": at most 10 tags per object, keys up to 128 and values up to 256 Unicode characters,
// keys unique; tags belong to one version. Not done: the `aws:` key prefix check.
import type {
  DeleteObjectTaggingOutput,
  DeleteObjectTaggingRequest,
  GetObjectTaggingOutput,
  GetObjectTaggingRequest,
  PutObjectTaggingOutput,
  PutObjectTaggingRequest,
  Tag,
} from "@aws-sdk/client-s3";
import type { S3Context } from "../context.ts";
import type { BucketRecord, ObjectMeta } from "../storage.ts";
import { s3fail } from "../errors.ts";
import { objectMessages } from "../object-messages.ts";
import { mustGetBucket } from "./buckets.ts";
import { mustGetVersion } from "./version-lookup.ts";
import { versionIdMember } from "./versioning.ts";

type Ctx = S3Context;
type Tags = NonNullable<ObjectMeta["tags"]>;

export const MAX_OBJECT_TAGS = 10;
const MAX_TAG_KEY = 128;
const MAX_TAG_VALUE = 256;

/** A tag set as S3 validates it; InvalidTag when it breaks a rule (see the header). */
export function validateTags(tags: readonly Tag[]): Tags {
  if (tags.length > MAX_OBJECT_TAGS) s3fail("InvalidTag", objectMessages.tooManyTags);
  const seen = new Set<string>();
  return tags.map(({ Key, Value }) => {
    const key = Key ?? "";
    const value = Value ?? "";
    if (key === "") s3fail("InvalidTag", objectMessages.invalidTagKey, { TagKey: key });
    if ([...key].length > MAX_TAG_KEY) s3fail("InvalidTag", objectMessages.tagKeyTooLong, { TagKey: key });
    if ([...value].length > MAX_TAG_VALUE) s3fail("InvalidTag", objectMessages.tagValueTooLong, { TagKey: key, TagValue: value });
    if (seen.has(key)) s3fail("InvalidTag", objectMessages.duplicateTagKeys);
    seen.add(key);
    return { Key: key, Value: value };
  });
}

/** The tags of an `x-amz-tagging` header (`k1=v1&k2=v2`, URL-encoded); none when absent. */
export function tagsFromHeader(header: string | undefined): Tags | undefined {
  if (header === undefined || header === "") return undefined;
  return validateTags([...new URLSearchParams(header)].map(([Key, Value]) => ({ Key, Value })));
}

export function PutObjectTagging(input: PutObjectTaggingRequest, ctx: Ctx): PutObjectTaggingOutput {
  const bucket = mustGetBucket(ctx, input.Bucket);
  const version = mustGetVersion(ctx, bucket, input.Key, input.VersionId);
  const tags = validateTags(input.Tagging?.TagSet ?? []);
  const meta: ObjectMeta = { ...version.meta, tags };
  if (tags.length === 0) delete meta.tags;
  ctx.service.storage.updateObjectMeta(bucket.name, version.key, version.versionId, meta);
  return versionMember(bucket, version.versionId);
}

export function GetObjectTagging(input: GetObjectTaggingRequest, ctx: Ctx): GetObjectTaggingOutput {
  const bucket = mustGetBucket(ctx, input.Bucket);
  const version = mustGetVersion(ctx, bucket, input.Key, input.VersionId);
  return { ...versionMember(bucket, version.versionId), TagSet: version.meta.tags ?? [] };
}

export function DeleteObjectTagging(input: DeleteObjectTaggingRequest, ctx: Ctx): DeleteObjectTaggingOutput {
  const bucket = mustGetBucket(ctx, input.Bucket);
  const version = mustGetVersion(ctx, bucket, input.Key, input.VersionId);
  const meta: ObjectMeta = { ...version.meta };
  delete meta.tags;
  ctx.service.storage.updateObjectMeta(bucket.name, version.key, version.versionId, meta);
  return versionMember(bucket, version.versionId);
}

/** Tagging answers name the version in any bucket that has been versioned. */
function versionMember(bucket: BucketRecord, versionId: string): { VersionId?: string } {
  return bucket.config.versioning ? { VersionId: versionId } : versionIdMember(bucket, versionId);
}
