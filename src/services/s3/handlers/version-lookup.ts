// Finding the version an object request names (GetObject API reference, "Versioning"): without a
// version id the latest one, which may be a delete marker (404 NoSuchKey with
// `x-amz-delete-marker: true`); with one, that version, missing → 404 NoSuchVersion, a delete
// marker → 405 MethodNotAllowed (a marker has no data), both with the marker's headers.
import { ServiceError } from "../../../api/errors.ts";
import type { S3Context } from "../context.ts";
import type { BucketRecord } from "../storage.ts";
import type { VersionRecord } from "../storage.ts";
import { s3fail } from "../errors.ts";
import { messages } from "../messages.ts";
import { objectMessages } from "../object-messages.ts";

/** Throws an S3 error whose code the S3 model does not declare, with its HTTP status. */
export function failWithStatus(status: number, code: string, message: string, details: Record<string, string> = {}, headers: Record<string, string> = {}): never {
  throw new ServiceError(code, message, status, { details, headers });
}

/** The version a request names (see the header), never a delete marker. */
export function mustGetVersion(ctx: S3Context, bucket: BucketRecord, key: string | undefined, versionId: string | undefined): VersionRecord {
  const k = key ?? "";
  if (versionId === "") s3fail("InvalidArgument", objectMessages.invalidVersionId, { ArgumentName: "versionId", ArgumentValue: "" });
  const found = ctx.service.storage.getVersion(bucket.name, k, versionId);
  if (!found) {
    if (versionId === undefined) s3fail("NoSuchKey", messages.noSuchKey, { Key: k });
    failWithStatus(404, "NoSuchVersion", objectMessages.noSuchVersion, { Key: k, VersionId: versionId });
  }
  if (found.deleteMarker) {
    const headers = { "x-amz-delete-marker": "true", "x-amz-version-id": found.versionId };
    if (versionId === undefined) s3fail("NoSuchKey", messages.noSuchKey, { Key: k }, headers);
    failWithStatus(405, "MethodNotAllowed", objectMessages.deleteMarkerMethod, { Method: "GET", ResourceType: "DeleteMarker" }, {
      ...headers,
      "Last-Modified": new Date(found.lastModified).toUTCString(),
      Allow: "DELETE",
    });
  }
  return found;
}
