// Writes the bucket's own settings refuse, whoever asks and whatever `--s3-access` says: they are
// the document's fault, not the caller's, so they are answered like any invalid input.
// - An ACL on a bucket with ACLs disabled (Object Ownership BucketOwnerEnforced), unless it only
//   gives the bucket owner full control: AccessControlListNotSupported ("Controlling ownership of
//   objects and disabling ACLs for your bucket");
// - a public ACL with BlockPublicAcls, a public bucket policy with BlockPublicPolicy: AccessDenied
//   ("Blocking public access to your Amazon S3 storage", PublicAccessBlockConfiguration).
// PutObject, CopyObject and CreateMultipartUpload are checked here, before their bodies are read;
// PutBucketAcl and PutObjectAcl in their handlers (handlers/acl.ts), CreateBucket in
// bucketAccessAtCreate below.
import type { AuthorizeCall } from "../../api/service.ts";
import type { S3Service } from "./context.ts";
import type { CreateBucketRequest } from "@aws-sdk/client-s3";
import type { BucketConfig, BucketRecord } from "./storage.ts";
import { ACL_MESSAGES, aclFail, aclFromRequest, isPublicAcl, ownerOnlyAcl, type AclRequest, type StoredAcl } from "./acl.ts";
import { aclsEnabled, isPublicPolicy, OBJECT_OWNERSHIP, publicAccessBlock } from "./public-access.ts";
import { s3BucketArn } from "./bucket-policy.ts";

/** Operations that can carry x-amz-acl / x-amz-grant-* for the object they write. */
const OBJECT_WRITES: ReadonlySet<string> = new Set(["PutObject", "CopyObject", "CreateMultipartUpload"]);

/** Throws S3's error when the bucket's settings refuse the write this call makes. */
export function checkWriteAgainstSettings(call: AuthorizeCall, service: Pick<S3Service, "storage" | "owner" | "accountId">): void {
  const bucketName = call.labels["Bucket"];
  if (bucketName === undefined) return;
  if (OBJECT_WRITES.has(call.operation)) {
    const acl = aclFromRequest(call.input as AclRequest);
    const bucket = acl === undefined ? undefined : service.storage.getBucket(bucketName);
    if (acl !== undefined && bucket !== undefined) checkAclWrite(bucket, acl, service.owner.ID ?? "");
  } else if (call.operation === "PutBucketPolicy") {
    const bucket = service.storage.getBucket(bucketName);
    const policy = call.input["Policy"];
    if (bucket !== undefined && typeof policy === "string" && publicAccessBlock(bucket).BlockPublicPolicy && isPublicPolicy(policy)) {
      // The wording of S3's answer since 2023 (it names the caller; here always the account).
      aclFail(
        "AccessDenied",
        `User: arn:aws:iam::${service.accountId}:root is not authorized to perform: s3:PutBucketPolicy on resource: "${s3BucketArn(bucket.name)}" because public policies are blocked by the BlockPublicPolicy block public access setting.`,
        403,
      );
    }
  }
}

/**
 * What a bucket's settings allow of an ACL being set on it or its objects: only the owner's full
 * control with ACLs disabled; nothing public with BlockPublicAcls.
 */
export function checkAclWrite(bucket: BucketRecord, acl: StoredAcl, ownerId: string): StoredAcl {
  if (!aclsEnabled(bucket) && !ownerOnlyAcl(acl, ownerId)) aclFail("AccessControlListNotSupported", ACL_MESSAGES.notSupported, 400);
  if (publicAccessBlock(bucket).BlockPublicAcls && isPublicAcl(acl)) aclFail("AccessDenied", "Access Denied", 403);
  return acl;
}

/**
 * The access settings of a new bucket (CreateBucket API reference): Object Ownership from
 * x-amz-object-ownership, BucketOwnerEnforced when absent (S3's default since April 2023), and the
 * ACL of x-amz-acl / x-amz-grant-*, which BucketOwnerEnforced refuses unless it only gives the
 * owner full control (InvalidBucketAclWithObjectOwnership).
 */
export function bucketAccessAtCreate(input: CreateBucketRequest, ownerId: string): Pick<BucketConfig, "ownership" | "acl"> {
  const ownership = input.ObjectOwnership ?? "BucketOwnerEnforced";
  if (!OBJECT_OWNERSHIP.includes(ownership)) aclFail("InvalidArgument", "Invalid x-amz-object-ownership header", 400, { ArgumentName: "x-amz-object-ownership", ArgumentValue: ownership });
  const acl = aclFromRequest(input);
  if (acl === undefined) return { ownership };
  if (ownership === "BucketOwnerEnforced" && !ownerOnlyAcl(acl, ownerId)) aclFail("InvalidBucketAclWithObjectOwnership", ACL_MESSAGES.enforcedAtCreate, 400);
  return { ownership, acl };
}
