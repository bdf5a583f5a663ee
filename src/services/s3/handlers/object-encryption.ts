// UpdateObjectEncryption (API reference): changes the server-side encryption an existing object
// version is recorded with, to SSE-KMS with the key named (the only ObjectEncryption member the
// model has). No bytes change: the emulator stores objects unencrypted (encryption.ts), so this
// records what GET/HEAD report from then on. Not done: checking the key against a KMS.
import type { UpdateObjectEncryptionRequest, UpdateObjectEncryptionResponse } from "@aws-sdk/client-s3";
import type { S3Context } from "../context.ts";
import { s3fail } from "../errors.ts";
import { messages } from "../messages.ts";
import { mustGetBucket } from "./buckets.ts";
import { mustGetVersion } from "./version-lookup.ts";

export function UpdateObjectEncryption(input: UpdateObjectEncryptionRequest, ctx: S3Context): UpdateObjectEncryptionResponse {
  const bucket = mustGetBucket(ctx, input.Bucket);
  const version = mustGetVersion(ctx, bucket, input.Key, input.VersionId);
  const kms = input.ObjectEncryption?.SSEKMS;
  if (!kms?.KMSKeyArn) s3fail("MalformedXML", messages.malformedXml);
  const encryption = { ServerSideEncryption: "aws:kms", SSEKMSKeyId: kms.KMSKeyArn, ...(kms.BucketKeyEnabled ? { BucketKeyEnabled: true } : {}) };
  ctx.service.storage.updateObjectMeta(bucket.name, version.key, version.versionId, { ...version.meta, encryption });
  return {};
}
