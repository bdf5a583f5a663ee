// PutBucketAcl, GetBucketAcl, PutObjectAcl, GetObjectAcl (S3 API reference for each; acl.ts for
// the documents). A bucket with ACLs disabled (Object Ownership BucketOwnerEnforced) still answers
// reads with the bucket owner's FULL_CONTROL, and accepts only a write that gives the bucket owner
// full control; anything else is AccessControlListNotSupported ("Controlling ownership of objects
// and disabling ACLs for your bucket"). With BlockPublicAcls a public ACL is AccessDenied.
import type {
  GetBucketAclOutput,
  GetBucketAclRequest,
  GetObjectAclOutput,
  GetObjectAclRequest,
  PutBucketAclRequest,
  PutObjectAclOutput,
  PutObjectAclRequest,
} from "@aws-sdk/client-s3";
import type { S3Context } from "../context.ts";
import type { BucketRecord } from "../storage.ts";
import { s3fail } from "../errors.ts";
import { messages } from "../messages.ts";
import { mustGetBucket } from "./buckets.ts";
import { aclFromPut, aclGrants } from "../acl.ts";
import { aclsEnabled } from "../public-access.ts";
import { checkAclWrite } from "../write-checks.ts";

type Ctx = S3Context;

export function GetBucketAcl({ Bucket }: GetBucketAclRequest, ctx: Ctx): GetBucketAclOutput {
  const bucket = mustGetBucket(ctx, Bucket);
  const owner = ctx.service.owner;
  return { Owner: owner, Grants: aclGrants(aclsEnabled(bucket) ? bucket.config.acl : undefined, owner) };
}

export function PutBucketAcl(input: PutBucketAclRequest, ctx: Ctx): Record<string, never> {
  const bucket = mustGetBucket(ctx, input.Bucket);
  const acl = checkAclWrite(bucket, aclFromPut(input), ctx.service.owner.ID ?? "");
  ctx.service.storage.putBucket({ ...bucket, config: { ...bucket.config, acl } });
  return {};
}

export function GetObjectAcl({ Bucket, Key, VersionId }: GetObjectAclRequest, ctx: Ctx): GetObjectAclOutput {
  const bucket = mustGetBucket(ctx, Bucket);
  const version = objectVersion(ctx, bucket, Key, VersionId);
  const owner = ctx.service.owner;
  return { Owner: owner, Grants: aclGrants(aclsEnabled(bucket) ? version.meta.acl : undefined, owner), ...versionHeader(version.versionId, VersionId) };
}

export function PutObjectAcl(input: PutObjectAclRequest, ctx: Ctx): PutObjectAclOutput {
  const bucket = mustGetBucket(ctx, input.Bucket);
  const version = objectVersion(ctx, bucket, input.Key, input.VersionId);
  const acl = checkAclWrite(bucket, aclFromPut(input), ctx.service.owner.ID ?? "");
  ctx.service.storage.updateObjectMeta(bucket.name, version.key, version.versionId, { ...version.meta, acl });
  return {};
}

/** The object version an ACL request is about: the latest, or the one named. */
function objectVersion(ctx: Ctx, bucket: BucketRecord, key: string | undefined, versionId: string | undefined) {
  const version = ctx.service.storage.getVersion(bucket.name, key ?? "", versionId);
  if (version === undefined || version.deleteMarker) {
    if (versionId !== undefined && version === undefined) s3fail("NoSuchVersion", "The specified version does not exist.", { Key: key ?? "", VersionId: versionId });
    s3fail("NoSuchKey", messages.noSuchKey, { Key: key ?? "" });
  }
  return version;
}

/** x-amz-version-id is answered when a version was asked for or the object has one. */
function versionHeader(versionId: string, asked: string | undefined): { VersionId?: string } {
  return asked !== undefined || versionId !== "null" ? { VersionId: versionId } : {};
}

export const HANDLERS = { GetBucketAcl, PutBucketAcl, GetObjectAcl, PutObjectAcl };
