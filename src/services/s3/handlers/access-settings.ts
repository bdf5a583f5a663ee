// Object Ownership (Put/Get/DeleteBucketOwnershipControls), Block Public Access at bucket level
// (Put/Get/DeletePublicAccessBlock) and GetBucketPolicyStatus, with S3's answers when nothing is
// set (OwnershipControlsNotFoundError, NoSuchPublicAccessBlockConfiguration, NoSuchBucketPolicy).
// Follows the API reference of each operation; what the settings do is in access.ts, acl.ts and
// public-access.ts. CreateBucket's part (ObjectOwnership, ACL headers) is bucketAccessAtCreate
// (write-checks.ts).
import type {
  DeleteBucketOwnershipControlsRequest,
  DeletePublicAccessBlockRequest,
  GetBucketOwnershipControlsOutput,
  GetBucketOwnershipControlsRequest,
  GetBucketPolicyStatusOutput,
  GetBucketPolicyStatusRequest,
  GetPublicAccessBlockOutput,
  GetPublicAccessBlockRequest,
  PutBucketOwnershipControlsRequest,
  PutPublicAccessBlockRequest,
} from "@aws-sdk/client-s3";
import type { S3Context } from "../context.ts";
import { s3fail } from "../errors.ts";
import { messages } from "../messages.ts";
import { mustGetBucket, setConfig } from "./buckets.ts";
import { ACL_MESSAGES, aclFail, ownerOnlyAcl } from "../acl.ts";
import { isPublicPolicy, OBJECT_OWNERSHIP } from "../public-access.ts";

type Ctx = S3Context;
type Empty = Record<string, never>;

export const ACCESS_SETTINGS_MESSAGES = {
  noOwnershipControls: "The bucket ownership controls were not found",
  noPublicAccessBlock: "The public access block configuration was not found",
} as const;

export function GetBucketOwnershipControls({ Bucket }: GetBucketOwnershipControlsRequest, ctx: Ctx): GetBucketOwnershipControlsOutput {
  const bucket = mustGetBucket(ctx, Bucket);
  const ownership = bucket.config.ownership ?? aclFail("OwnershipControlsNotFoundError", ACCESS_SETTINGS_MESSAGES.noOwnershipControls, 404, { BucketName: bucket.name });
  return { OwnershipControls: { Rules: [{ ObjectOwnership: ownership }] } };
}

export function PutBucketOwnershipControls({ Bucket, OwnershipControls }: PutBucketOwnershipControlsRequest, ctx: Ctx): Empty {
  const bucket = mustGetBucket(ctx, Bucket);
  const rules = OwnershipControls?.Rules ?? [];
  const ownership = rules[0]?.ObjectOwnership;
  if (rules.length !== 1 || ownership === undefined || !OBJECT_OWNERSHIP.includes(ownership)) s3fail("MalformedXML", messages.malformedXml);
  // Disabling ACLs needs a bucket ACL that gives nobody but the owner anything.
  if (ownership === "BucketOwnerEnforced" && bucket.config.acl !== undefined && !ownerOnlyAcl(bucket.config.acl, ctx.service.owner.ID ?? "")) {
    aclFail("InvalidBucketAclWithObjectOwnership", ACL_MESSAGES.enforcedAtCreate, 400);
  }
  setConfig(ctx, Bucket, { ownership });
  return {};
}

export function DeleteBucketOwnershipControls({ Bucket }: DeleteBucketOwnershipControlsRequest, ctx: Ctx): Empty {
  setConfig(ctx, Bucket, { ownership: undefined });
  return {};
}

export function GetPublicAccessBlock({ Bucket }: GetPublicAccessBlockRequest, ctx: Ctx): GetPublicAccessBlockOutput {
  const bucket = mustGetBucket(ctx, Bucket);
  const block = bucket.config.publicAccessBlock ?? aclFail("NoSuchPublicAccessBlockConfiguration", ACCESS_SETTINGS_MESSAGES.noPublicAccessBlock, 404, { BucketName: bucket.name });
  return { PublicAccessBlockConfiguration: block };
}

export function PutPublicAccessBlock({ Bucket, PublicAccessBlockConfiguration }: PutPublicAccessBlockRequest, ctx: Ctx): Empty {
  mustGetBucket(ctx, Bucket);
  const c = PublicAccessBlockConfiguration ?? s3fail("MalformedXML", messages.malformedXml);
  // Every setting is answered on reads; one left out of the document is false.
  const publicAccessBlock = {
    BlockPublicAcls: c.BlockPublicAcls === true,
    IgnorePublicAcls: c.IgnorePublicAcls === true,
    BlockPublicPolicy: c.BlockPublicPolicy === true,
    RestrictPublicBuckets: c.RestrictPublicBuckets === true,
  };
  setConfig(ctx, Bucket, { publicAccessBlock });
  return {};
}

export function DeletePublicAccessBlock({ Bucket }: DeletePublicAccessBlockRequest, ctx: Ctx): Empty {
  setConfig(ctx, Bucket, { publicAccessBlock: undefined });
  return {};
}

export function GetBucketPolicyStatus({ Bucket }: GetBucketPolicyStatusRequest, ctx: Ctx): GetBucketPolicyStatusOutput {
  const bucket = mustGetBucket(ctx, Bucket);
  const policy = bucket.config.policy ?? s3fail("NoSuchBucketPolicy", messages.noSuchBucketPolicy, { BucketName: bucket.name });
  return { PolicyStatus: { IsPublic: isPublicPolicy(policy) } };
}

export const HANDLERS = {
  GetBucketOwnershipControls,
  PutBucketOwnershipControls,
  DeleteBucketOwnershipControls,
  GetPublicAccessBlock,
  PutPublicAccessBlock,
  DeletePublicAccessBlock,
  GetBucketPolicyStatus,
};
