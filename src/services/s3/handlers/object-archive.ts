// Archived objects and RestoreObject (API reference; user guide "Restoring an archived object"):
// an object stored as GLACIER or DEEP_ARCHIVE cannot be read (GET is 403 InvalidObjectState) until
// a restore makes a temporary copy readable for RestoreRequest.Days. The emulator completes a
// restore at once: the first request answers 202 Accepted, a repeat while the copy is readable 200
// (which also sets the new expiry), and HEAD reports `x-amz-restore: ongoing-request="false",
// expiry-date="..."`. Any other storage class is 403 InvalidObjectState, as on S3. Not done:
// SELECT restores (S3 Select) and the restore tiers' delays.
import type { RestoreObjectOutput, RestoreObjectRequest } from "@aws-sdk/client-s3";
import type { S3Context } from "../context.ts";
import type { ObjectMeta } from "../storage.ts";
import { RESPONSE_STATUS } from "../../../api/rest-xml.ts";
import { s3fail } from "../errors.ts";
import { messages } from "../messages.ts";
import { mustGetBucket } from "./buckets.ts";
import { mustGetVersion } from "./version-lookup.ts";

const ARCHIVED = new Set(["GLACIER", "DEEP_ARCHIVE"]);
const DAY_MS = 24 * 3600 * 1000;

function restoredUntil(meta: ObjectMeta, now: number): number | undefined {
  const until = meta.restoreExpiry ? Date.parse(meta.restoreExpiry) : undefined;
  return until !== undefined && until > now ? until : undefined;
}

/** GetObject of an archived object that is not restored: 403 InvalidObjectState. */
export function checkReadable(meta: ObjectMeta, now: number): void {
  if (ARCHIVED.has(meta.storageClass ?? "") && restoredUntil(meta, now) === undefined) {
    s3fail("InvalidObjectState", "The operation is not valid for the object's storage class", { StorageClass: meta.storageClass ?? "" });
  }
}

/** The `Restore` member of HEAD/GET for an archived object with a restore. */
export function restoreMember(meta: ObjectMeta, now: number): { Restore?: string } {
  const until = restoredUntil(meta, now);
  return until === undefined ? {} : { Restore: `ongoing-request="false", expiry-date="${new Date(until).toUTCString()}"` };
}

export function RestoreObject(input: RestoreObjectRequest, ctx: S3Context): RestoreObjectOutput {
  const bucket = mustGetBucket(ctx, input.Bucket);
  const obj = mustGetVersion(ctx, bucket, input.Key, input.VersionId);
  if (!ARCHIVED.has(obj.meta.storageClass ?? "")) s3fail("InvalidObjectState", "Restore is not allowed for the object's current storage class");
  const days = input.RestoreRequest?.Days;
  if (input.RestoreRequest?.Type === "SELECT") s3fail("NotImplemented", "minifront does not restore with S3 Select.");
  if (days === undefined || !Number.isInteger(days) || days < 1) s3fail("MalformedXML", messages.malformedXml);
  const now = ctx.service.clock.now();
  const already = restoredUntil(obj.meta, now) !== undefined;
  const restoreExpiry = new Date(now + days * DAY_MS).toISOString();
  ctx.service.storage.updateObjectMeta(bucket.name, obj.key, obj.versionId, { ...obj.meta, restoreExpiry });
  return { [RESPONSE_STATUS]: already ? 200 : 202 } as RestoreObjectOutput;
}
