// Default bucket encryption and the server-side encryption each object reports. Follows the
// PutBucketEncryption / GetBucketEncryption API reference and "Setting default server-side
// encryption behavior for Amazon S3 buckets" (S3 User Guide): since January 2023 every bucket
// encrypts new objects with SSE-S3 (AES256) unless configured otherwise, GetBucketEncryption
// answers that default when nothing was put, and DeleteBucketEncryption returns a bucket to it.
// An object keeps the encryption it was written with; the bucket default applies to writes that
// do not ask for one (x-amz-server-side-encryption on PutObject, CopyObject, CreateMultipartUpload).
//
// No cryptography: bytes are stored as sent. SSE-KMS keys are not checked against a KMS; an
// object written under SSE-KMS without a key id reports none (S3 names the AWS managed key).
import type { ServerSideEncryption, ServerSideEncryptionConfiguration, ServerSideEncryptionRule } from "@aws-sdk/client-s3";
import type { BucketRecord, ObjectMeta } from "./storage.ts";
import { invalidArgument, malformedXml } from "./config-errors.ts";

/** The encryption an object is stored with, as GET/HEAD/PUT answer it. */
export interface ObjectEncryption {
  ServerSideEncryption: ServerSideEncryption;
  SSEKMSKeyId?: string;
  BucketKeyEnabled?: boolean;
}

const ALGORITHMS = new Set(["AES256", "aws:kms", "aws:kms:dsse"]);
const KMS = new Set(["aws:kms", "aws:kms:dsse"]);
const BLOCKABLE = new Set(["NONE", "SSE-C"]);

/** What GetBucketEncryption answers for a bucket where nothing was put: SSE-S3. */
export const DEFAULT_ENCRYPTION_RULE: ServerSideEncryptionRule = {
  ApplyServerSideEncryptionByDefault: { SSEAlgorithm: "AES256" },
  BucketKeyEnabled: false,
};

/** Checks a PutBucketEncryption document (MalformedXML / InvalidArgument as S3 answers). */
export function validateEncryption(config: ServerSideEncryptionConfiguration | undefined): ServerSideEncryptionRule[] {
  const rules = config?.Rules ?? [];
  // The schema allows exactly one rule.
  if (rules.length !== 1) malformedXml();
  for (const rule of rules) {
    const byDefault = rule.ApplyServerSideEncryptionByDefault;
    if (!byDefault) malformedXml();
    const algorithm = byDefault.SSEAlgorithm ?? "";
    if (!ALGORITHMS.has(algorithm)) malformedXml();
    if (byDefault.KMSMasterKeyID && !KMS.has(algorithm)) {
      invalidArgument("a KMSMasterKeyID is not applicable if the default sse algorithm is not aws:kms or aws:kms:dsse", "ApplyServerSideEncryptionByDefault");
    }
    for (const t of rule.BlockedEncryptionTypes?.EncryptionType ?? []) if (!BLOCKABLE.has(t)) malformedXml();
  }
  return rules;
}

/** The bucket's default encryption rule (SSE-S3 when nothing was put). */
export function defaultEncryptionRule(bucket: BucketRecord): ServerSideEncryptionRule {
  return (bucket.config.encryption?.Rules[0] as ServerSideEncryptionRule | undefined) ?? DEFAULT_ENCRYPTION_RULE;
}

/**
 * The encryption a new object gets: what the request asked for (x-amz-server-side-encryption and
 * its KMS key / bucket key headers), else the bucket default. An unknown algorithm is S3's
 * InvalidArgument.
 */
export function encryptionForWrite(
  bucket: BucketRecord,
  requested: { ServerSideEncryption?: string | undefined; SSEKMSKeyId?: string | undefined; BucketKeyEnabled?: boolean | undefined },
): ObjectEncryption {
  const asked = requested.ServerSideEncryption;
  if (asked !== undefined && !ALGORITHMS.has(asked)) invalidArgument("The encryption method specified is not supported", "x-amz-server-side-encryption", asked);
  if (asked !== undefined && requested.SSEKMSKeyId && !KMS.has(asked)) {
    invalidArgument("Server Side Encryption with AWS KMS managed key requires HTTP header x-amz-server-side-encryption : aws:kms", "x-amz-server-side-encryption-aws-kms-key-id");
  }
  const rule = defaultEncryptionRule(bucket);
  const algorithm = (asked ?? rule.ApplyServerSideEncryptionByDefault?.SSEAlgorithm ?? "AES256") as ServerSideEncryption;
  if (!KMS.has(algorithm)) return { ServerSideEncryption: algorithm };
  const keyId = requested.SSEKMSKeyId ?? (asked === undefined ? rule.ApplyServerSideEncryptionByDefault?.KMSMasterKeyID : undefined);
  const bucketKey = requested.BucketKeyEnabled ?? (asked === undefined ? rule.BucketKeyEnabled : undefined);
  return { ServerSideEncryption: algorithm, ...(keyId ? { SSEKMSKeyId: keyId } : {}), ...(bucketKey ? { BucketKeyEnabled: true } : {}) };
}

/**
 * The encryption members of a GET/HEAD/PUT answer for a stored object. Objects written before
 * minifront recorded encryption report SSE-S3, as every S3 object written since 2023 does.
 */
export function encryptionOutput(meta: ObjectMeta): ObjectEncryption {
  return (meta.encryption as ObjectEncryption | undefined) ?? { ServerSideEncryption: "AES256" };
}
