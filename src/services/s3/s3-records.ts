// The records the embedded S3 keeps (storage.ts writes them to SQLite): buckets with their
// sub-resource configurations, objects and their versions, multipart uploads and parts.
import type { StoredVersion } from "./object-versions.ts";

/** One version of an object, or a delete marker (object-versions.ts). */
export type VersionRecord = StoredVersion<ObjectMeta>;

export interface BucketRecord {
  readonly name: string;
  readonly created: number;
  readonly region: string;
  /** Sub-resource configurations, stored as given (policy text, website/CORS/tagging objects). */
  readonly config: BucketConfig;
}

export interface BucketConfig {
  policy?: string;
  website?: unknown;
  cors?: unknown;
  tagging?: unknown;
  /** Access control (acl.ts, public-access.ts): the bucket ACL, Object Ownership, Block Public Access. */
  acl?: import("./acl.ts").StoredAcl;
  ownership?: import("@aws-sdk/client-s3").ObjectOwnership;
  publicAccessBlock?: import("@aws-sdk/client-s3").PublicAccessBlockConfiguration;
  /** PutBucketVersioning (handlers/versioning.ts); absent while versioning was never enabled. */
  versioning?: { Status: "Enabled" | "Suspended"; MFADelete?: "Enabled" | "Disabled" };
  /** Object Lock (handlers/object-lock.ts): enabled at creation or later, with its default retention. */
  objectLock?: { enabled: true; rule?: { Mode: string; Days?: number; Years?: number } };
  // Bucket configurations (handlers/bucket-configs.ts, bucket-config-sets.ts, lifecycle.ts,
  // bucket-metadata.ts): validated, then stored as the SDK shapes them (dates as ISO strings).
  encryption?: { Rules: unknown[] };
  lifecycle?: { Rules: import("@aws-sdk/client-s3").LifecycleRule[]; TransitionDefaultMinimumObjectSize: string };
  accelerate?: string;
  requestPayment?: string;
  logging?: unknown;
  notification?: unknown;
  replication?: unknown;
  abac?: string;
  /** Analytics, metrics, inventory and intelligent-tiering configurations by kind, then by id. */
  configSets?: Partial<Record<string, Record<string, unknown>>>;
  metadata?: unknown;
  metadataTable?: unknown;
}

/** System and user metadata stored with an object and returned on GET/HEAD. */
export interface ObjectMeta {
  contentType?: string;
  cacheControl?: string;
  contentDisposition?: string;
  contentEncoding?: string;
  contentLanguage?: string;
  /** Kept as the client sent it: S3 echoes Expires verbatim. */
  expires?: string;
  websiteRedirectLocation?: string;
  storageClass?: string;
  user?: Record<string, string>;
  /** Base64 checksums by algorithm (CRC32, SHA256, ...) as S3 reports them. */
  checksums?: Record<string, string>;
  /** `FULL_OBJECT` or `COMPOSITE` (multipart). */
  checksumType?: string;
  partsCount?: number;
  /** The object's ACL (acl.ts); absent: private. */
  acl?: import("./acl.ts").StoredAcl;
  /** Object tags, in the order they were set (handlers/object-tagging.ts). */
  tags?: Array<{ Key: string; Value: string }>;
  /** Object Lock retention and legal hold of this version (handlers/object-lock.ts). */
  retention?: { Mode: string; RetainUntilDate: string };
  legalHold?: "ON" | "OFF";
  /** Until when a restored copy of an archived object is readable (handlers/object-archive.ts). */
  restoreExpiry?: string;
  /** Object annotations by name: the payload (base64) and what S3 reports of it (handlers/object-annotations.ts). */
  annotations?: Record<string, { payload: string; size: number; etag: string; lastModified: number }>;
  /** Server-side encryption recorded at write time (encryption.ts). */
  encryption?: { ServerSideEncryption: string; SSEKMSKeyId?: string; BucketKeyEnabled?: boolean };
}

export interface ObjectRecord {
  readonly bucket: string;
  readonly key: string;
  readonly blob: string;
  readonly size: number;
  /** Quoted, as S3 sends it: `"<md5>"` or `"<md5>-<parts>"`. */
  readonly etag: string;
  readonly lastModified: number;
  readonly meta: ObjectMeta;
  /** "null" (object-versions.ts) when absent. */
  readonly versionId?: string;
}

export interface UploadRecord {
  readonly uploadId: string;
  readonly bucket: string;
  readonly key: string;
  readonly initiated: number;
  readonly meta: ObjectMeta;
}

export interface PartRecord {
  readonly uploadId: string;
  readonly partNumber: number;
  readonly blob: string;
  readonly size: number;
  readonly etag: string;
  readonly lastModified: number;
  readonly checksums: Record<string, string>;
}

export type { WrittenBlob } from "./blob-files.ts";

export interface ListPage {
  readonly objects: ObjectRecord[];
  readonly commonPrefixes: string[];
  readonly truncated: boolean;
  /** The last key or common prefix returned: where the next page starts after. */
  readonly lastReturned: string | undefined;
}

