// CreateBucket with `x-amz-bucket-object-lock-enabled: true` (CreateBucket API reference): the
// bucket gets Object Lock and, as S3 requires for it, versioning Enabled (handlers/object-lock.ts).
import type { BucketConfig } from "./storage.ts";

/** The config fields of a bucket created with Object Lock enabled (none without). */
export function objectLockAtCreation(enabled: boolean | undefined): Partial<BucketConfig> {
  return enabled ? { objectLock: { enabled: true }, versioning: { Status: "Enabled" } } : {};
}
