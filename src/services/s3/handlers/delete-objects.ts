// Deletes: DeleteObject and DeleteObjects (S3 API reference for each; user guide "Deleting object
// versions from a versioning-enabled bucket"). Without a version id: an unversioned bucket removes
// the object; a versioned one adds a delete marker (versioning Enabled: a new version id;
// Suspended: the "null" version becomes the marker). With a version id: that version goes for good,
// unless Object Lock holds it (object-lock.ts): AccessDenied, per key in DeleteObjects. Deleting a
// version or key that does not exist succeeds, as on S3. Not done: MFA delete, the conditional
// deletes (If-Match, x-amz-if-match-last-modified-time, x-amz-if-match-size).
import type { DeleteObjectOutput, DeleteObjectRequest, DeleteObjectsOutput, DeleteObjectsRequest, DeletedObject, _Error } from "@aws-sdk/client-s3";
import type { S3Context } from "../context.ts";
import type { BucketRecord } from "../storage.ts";
import { ServiceError } from "../../../api/errors.ts";
import { s3fail } from "../errors.ts";
import { messages } from "../messages.ts";
import { objectMessages } from "../object-messages.ts";
import { mustGetBucket } from "./buckets.ts";
import { MAX_KEYS } from "./objects.ts";
import { newVersionId, versioningOf } from "./versioning.ts";
import { lockForbidsDelete } from "./object-lock.ts";

type Ctx = S3Context;

/** One key (and maybe version) deleted as S3 would; what DeleteObjects reports for it. */
async function deleteOne(ctx: Ctx, bucket: BucketRecord, key: string, versionId: string | undefined, bypassGovernance: boolean): Promise<DeletedObject> {
  const { storage, clock } = ctx.service;
  if (versionId === "") s3fail("InvalidArgument", objectMessages.invalidVersionId, { ArgumentName: "versionId", ArgumentValue: "" });
  if (versionId !== undefined) {
    const target = storage.getVersion(bucket.name, key, versionId);
    if (target && !target.deleteMarker && lockForbidsDelete(target.meta, clock.now(), bypassGovernance)) s3fail("AccessDenied", objectMessages.lockedVersion);
  }
  const outcome = await storage.deleteObjectVersion(bucket.name, key, {
    versioning: versioningOf(bucket),
    versionId,
    marker: { versionId: newVersionId(), lastModified: clock.now() },
  });
  if (versionId !== undefined) return { Key: key, VersionId: versionId, ...(outcome?.deleteMarker ? { DeleteMarker: true, DeleteMarkerVersionId: versionId } : {}) };
  if (outcome?.deleteMarker) return { Key: key, DeleteMarker: true, DeleteMarkerVersionId: outcome.versionId };
  return { Key: key };
}

export async function DeleteObject(input: DeleteObjectRequest, ctx: Ctx): Promise<DeleteObjectOutput> {
  const bucket = mustGetBucket(ctx, input.Bucket);
  const done = await deleteOne(ctx, bucket, input.Key ?? "", input.VersionId, input.BypassGovernanceRetention === true);
  return {
    ...(done.DeleteMarker ? { DeleteMarker: true } : {}),
    ...(done.DeleteMarkerVersionId !== undefined ? { VersionId: done.DeleteMarkerVersionId } : done.VersionId !== undefined ? { VersionId: done.VersionId } : {}),
  };
}

export async function DeleteObjects({ Bucket, Delete, BypassGovernanceRetention }: DeleteObjectsRequest, ctx: Ctx): Promise<DeleteObjectsOutput> {
  const bucket = mustGetBucket(ctx, Bucket);
  const objects = Delete?.Objects ?? [];
  if (objects.length === 0 || objects.length > MAX_KEYS) s3fail("MalformedXML", messages.malformedXml);
  const deleted: DeletedObject[] = [];
  const errors: _Error[] = [];
  for (const o of objects) {
    try {
      const done = await deleteOne(ctx, bucket, o.Key ?? "", o.VersionId, BypassGovernanceRetention === true);
      if (!Delete?.Quiet) deleted.push(done);
    } catch (err) {
      if (!(err instanceof ServiceError)) throw err;
      errors.push({ Key: o.Key, ...(o.VersionId !== undefined ? { VersionId: o.VersionId } : {}), Code: err.code, Message: err.message });
    }
  }
  return { ...(deleted.length > 0 ? { Deleted: deleted } : {}), ...(errors.length > 0 ? { Errors: errors } : {}) };
}
