// The S3 Express One Zone operations (directory buckets), given their directory-bucket behaviour
// on this emulator's buckets, which are all general purpose (API reference of each):
// - CreateSession hands out session credentials for the bucket (valid 5 minutes, as S3's are);
//   requests signed with them are the account's own, like every non-CloudFront signed request;
// - ListDirectoryBuckets lists no buckets: CreateBucket here makes general-purpose buckets only;
// - RenameObject renames the latest version within the bucket atomically, keeping its metadata
//   and Last-Modified, with the Destination*/Source* conditions; S3 offers it on directory buckets
//   only, and on a versioned bucket here it is a copy to the new key plus a delete (marker) of the
//   old one. The RenameSource may name the bucket (`/bucket/key`) or just the key.
import type {
  CreateSessionOutput,
  CreateSessionRequest,
  ListDirectoryBucketsOutput,
  ListDirectoryBucketsRequest,
  RenameObjectOutput,
  RenameObjectRequest,
} from "@aws-sdk/client-s3";
import { randomBytes } from "node:crypto";
import type { S3Context } from "../context.ts";
import { s3fail } from "../errors.ts";
import { messages } from "../messages.ts";
import { mustGetBucket } from "./buckets.ts";
import { mustGetVersion } from "./version-lookup.ts";
import { checkConditionsAsPrecondition, checkKey, versionIdForWrite } from "./objects.ts";
import { newVersionId, versioningOf } from "./versioning.ts";

/** S3 Express session credentials last 5 minutes (CreateSession API reference). */
const SESSION_MS = 5 * 60 * 1000;

export function CreateSession(input: CreateSessionRequest, ctx: S3Context): CreateSessionOutput {
  mustGetBucket(ctx, input.Bucket);
  if (input.SessionMode !== undefined && input.SessionMode !== "ReadWrite" && input.SessionMode !== "ReadOnly") {
    s3fail("InvalidArgument", "Invalid session mode", { ArgumentName: "x-amz-create-session-mode", ArgumentValue: input.SessionMode });
  }
  return {
    Credentials: {
      AccessKeyId: `ASIA${randomBytes(8).toString("hex").toUpperCase()}`,
      SecretAccessKey: randomBytes(30).toString("base64"),
      SessionToken: randomBytes(48).toString("base64"),
      Expiration: new Date(ctx.service.clock.now() + SESSION_MS),
    },
  };
}

export function ListDirectoryBuckets(_input: ListDirectoryBucketsRequest, _ctx: S3Context): ListDirectoryBucketsOutput {
  return { Buckets: [] };
}

export async function RenameObject(input: RenameObjectRequest, ctx: S3Context): Promise<RenameObjectOutput> {
  const bucket = mustGetBucket(ctx, input.Bucket);
  const key = checkKey(input.Key);
  let source: string;
  try {
    source = decodeURIComponent(input.RenameSource ?? "");
  } catch {
    s3fail("InvalidArgument", "Invalid rename source encoding", { ArgumentName: "x-amz-rename-source" });
  }
  const prefix = `/${bucket.name}/`;
  if (source.startsWith(prefix)) source = source.slice(prefix.length);
  if (source === "" || key.endsWith("/") || source.endsWith("/")) s3fail("InvalidRequest", "The rename source and destination must be object keys that do not end with '/'.");
  const src = mustGetVersion(ctx, bucket, source, undefined);
  checkConditionsAsPrecondition({ IfMatch: input.SourceIfMatch, IfNoneMatch: input.SourceIfNoneMatch, IfModifiedSince: input.SourceIfModifiedSince, IfUnmodifiedSince: input.SourceIfUnmodifiedSince }, src);
  const { storage } = ctx.service;
  const dest = storage.getObject(bucket.name, key);
  if (input.DestinationIfNoneMatch === "*" && dest) s3fail("PreconditionFailed", messages.preconditionFailed, { Condition: "If-None-Match" });
  if (dest) {
    checkConditionsAsPrecondition(
      { IfMatch: input.DestinationIfMatch, IfModifiedSince: input.DestinationIfModifiedSince, IfUnmodifiedSince: input.DestinationIfUnmodifiedSince },
      dest,
    );
  } else if (input.DestinationIfMatch !== undefined) {
    s3fail("NoSuchKey", messages.noSuchKey, { Key: key });
  }
  if (source === key) return {};
  const state = versioningOf(bucket);
  const blob = await storage.copyBlob(src.blob);
  await storage.commitObject({ bucket: bucket.name, key, blob, size: src.size, etag: src.etag, lastModified: src.lastModified, meta: src.meta, versionId: versionIdForWrite(bucket) }, state);
  await storage.deleteObjectVersion(bucket.name, source, { versioning: state, marker: { versionId: newVersionId(), lastModified: ctx.service.clock.now() } });
  return {};
}
