// Bucket versioning: PutBucketVersioning, GetBucketVersioning (S3 API reference for each; the user
// guide's "Retaining multiple versions of objects with S3 Versioning"). The version rows themselves
// are object-versions.ts. Once enabled, versioning can be suspended but never turned off; a bucket
// with Object Lock cannot be suspended (InvalidBucketState). MFA delete is stored and reported, not
// enforced: there is no MFA device to check a token against.
import type { GetBucketVersioningOutput, GetBucketVersioningRequest, PutBucketVersioningRequest } from "@aws-sdk/client-s3";
import { randomBytes } from "node:crypto";
import type { S3Context } from "../context.ts";
import type { BucketRecord } from "../storage.ts";
import type { VersioningState } from "../object-versions.ts";
import { s3fail } from "../errors.ts";
import { messages } from "../messages.ts";
import { objectMessages } from "../object-messages.ts";
import { mustGetBucket } from "./buckets.ts";
import { failWithStatus } from "./version-lookup.ts";

/** The bucket's versioning state, as object writes and deletes apply it. */
export function versioningOf(bucket: BucketRecord): VersioningState {
  return bucket.config.versioning?.Status;
}

/** A new version id: 32 URL-safe characters, like S3's opaque ids. */
export function newVersionId(): string {
  return randomBytes(24).toString("base64url");
}

/** The `VersionId` member of a write's answer: only a bucket with versioning enabled has one to give. */
export function versionIdMember(bucket: BucketRecord, versionId: string | undefined): { VersionId?: string } {
  return versioningOf(bucket) === "Enabled" && versionId !== undefined ? { VersionId: versionId } : {};
}

export function PutBucketVersioning({ Bucket, VersioningConfiguration }: PutBucketVersioningRequest, ctx: S3Context): Record<string, never> {
  const bucket = mustGetBucket(ctx, Bucket);
  const status = VersioningConfiguration?.Status;
  const mfa = VersioningConfiguration?.MFADelete;
  if ((status !== "Enabled" && status !== "Suspended") || (mfa !== undefined && mfa !== "Enabled" && mfa !== "Disabled")) s3fail("MalformedXML", messages.malformedXml);
  // "You cannot suspend versioning on a bucket that has S3 Object Lock enabled" (Object Lock guide).
  if (status === "Suspended" && bucket.config.objectLock) failWithStatus(409, "InvalidBucketState", objectMessages.objectLockVersioning);
  // MFADelete can only be changed with the x-amz-mfa header (PutBucketVersioning API reference).
  if (mfa === "Enabled" && ctx.headers["x-amz-mfa"] === undefined) s3fail("InvalidRequest", objectMessages.mfaRequired);
  const versioning = { Status: status, ...(mfa ? { MFADelete: mfa } : {}) };
  ctx.service.storage.putBucket({ ...bucket, config: { ...bucket.config, versioning } });
  return {};
}

export function GetBucketVersioning({ Bucket }: GetBucketVersioningRequest, ctx: S3Context): GetBucketVersioningOutput {
  const bucket = mustGetBucket(ctx, Bucket);
  // A bucket never versioned answers an empty VersioningConfiguration.
  return { ...bucket.config.versioning };
}
