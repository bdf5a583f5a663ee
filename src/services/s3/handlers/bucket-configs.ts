// Bucket configurations that are one document per bucket: default encryption, transfer
// acceleration, request payment, server access logging, event notifications, replication and
// ABAC. Each is validated as S3 validates it (config-validation.ts, encryption.ts), stored, and
// returned as stored. Reads with nothing set answer what S3 answers, because the AWS provider's
// refresh reads them all: a computed default with 200 where S3 has one (encryption SSE-S3,
// accelerate and logging empty, request payment BucketOwner, notification empty, ABAC Disabled),
// ReplicationConfigurationNotFoundError (404) for replication. Follows each operation's S3 API
// reference.
//
// Emulated: the default encryption is reflected on objects (encryption.ts). Not emulated: no
// access logs are delivered, no events are sent, nothing is replicated, acceleration endpoints and
// requester-pays charges do not exist here (a requester-pays bucket serves requests without
// x-amz-request-payer as well).
import type {
  DeleteBucketEncryptionRequest,
  DeleteBucketReplicationRequest,
  GetBucketAbacOutput,
  GetBucketAbacRequest,
  GetBucketAccelerateConfigurationOutput,
  GetBucketAccelerateConfigurationRequest,
  GetBucketEncryptionOutput,
  GetBucketEncryptionRequest,
  GetBucketLoggingOutput,
  GetBucketLoggingRequest,
  GetBucketNotificationConfigurationRequest,
  GetBucketReplicationOutput,
  GetBucketReplicationRequest,
  GetBucketRequestPaymentOutput,
  GetBucketRequestPaymentRequest,
  LoggingEnabled,
  NotificationConfiguration,
  PutBucketAbacRequest,
  PutBucketAccelerateConfigurationRequest,
  PutBucketEncryptionRequest,
  PutBucketLoggingRequest,
  PutBucketNotificationConfigurationRequest,
  PutBucketReplicationRequest,
  PutBucketRequestPaymentRequest,
  ReplicationConfiguration,
  ServerSideEncryptionRule,
} from "@aws-sdk/client-s3";
import type { S3Context } from "../context.ts";
import { mustGetBucket, setConfig } from "./buckets.ts";
import { versioningOf } from "./versioning.ts";
import { CONFIG_ERRORS, configFail, invalidRequest, malformedXml } from "../config-errors.ts";
import { DEFAULT_ENCRYPTION_RULE, validateEncryption } from "../encryption.ts";
import { bucketFromArn, validateNotification, validateReplication } from "../config-validation.ts";

type Ctx = S3Context;
type Empty = Record<string, never>;

/**
 * Stores a one-word setting once it is one of `allowed` (else MalformedXML, as the schema check
 * answers); `unset` is the value that means "as if never configured".
 */
function putSetting(ctx: Ctx, name: string | undefined, key: "accelerate" | "requestPayment" | "abac", value: string | undefined, allowed: readonly string[], unset?: string): Empty {
  mustGetBucket(ctx, name);
  if (value === undefined || !allowed.includes(value)) malformedXml();
  setConfig(ctx, name, { [key]: value === unset ? undefined : value });
  return {};
}

// ---- default encryption ----

export function PutBucketEncryption({ Bucket, ServerSideEncryptionConfiguration }: PutBucketEncryptionRequest, ctx: Ctx): Empty {
  mustGetBucket(ctx, Bucket);
  setConfig(ctx, Bucket, { encryption: { Rules: validateEncryption(ServerSideEncryptionConfiguration) } });
  return {};
}

export function GetBucketEncryption({ Bucket }: GetBucketEncryptionRequest, ctx: Ctx): GetBucketEncryptionOutput {
  const bucket = mustGetBucket(ctx, Bucket);
  const rules = (bucket.config.encryption?.Rules as ServerSideEncryptionRule[] | undefined) ?? [DEFAULT_ENCRYPTION_RULE];
  return { ServerSideEncryptionConfiguration: { Rules: rules } };
}

/** Back to the SSE-S3 default (DeleteBucketEncryption API reference). */
export function DeleteBucketEncryption({ Bucket }: DeleteBucketEncryptionRequest, ctx: Ctx): Empty {
  setConfig(ctx, Bucket, { encryption: undefined });
  return {};
}

// ---- transfer acceleration ----

export function PutBucketAccelerateConfiguration({ Bucket, AccelerateConfiguration }: PutBucketAccelerateConfigurationRequest, ctx: Ctx): Empty {
  // "The name of the bucket used for Transfer Acceleration must be DNS-compliant and must not contain periods."
  if (mustGetBucket(ctx, Bucket).name.includes(".")) invalidRequest("S3 Transfer Acceleration is not supported for buckets with periods (.) in their names");
  return putSetting(ctx, Bucket, "accelerate", AccelerateConfiguration?.Status, ["Enabled", "Suspended"]);
}

/** A bucket where acceleration was never set answers an empty configuration (no Status). */
export function GetBucketAccelerateConfiguration({ Bucket }: GetBucketAccelerateConfigurationRequest, ctx: Ctx): GetBucketAccelerateConfigurationOutput {
  const bucket = mustGetBucket(ctx, Bucket);
  return bucket.config.accelerate ? { Status: bucket.config.accelerate as "Enabled" | "Suspended" } : {};
}

// ---- request payment ----

export function PutBucketRequestPayment({ Bucket, RequestPaymentConfiguration }: PutBucketRequestPaymentRequest, ctx: Ctx): Empty {
  return putSetting(ctx, Bucket, "requestPayment", RequestPaymentConfiguration?.Payer, ["Requester", "BucketOwner"], "BucketOwner");
}

export function GetBucketRequestPayment({ Bucket }: GetBucketRequestPaymentRequest, ctx: Ctx): GetBucketRequestPaymentOutput {
  const bucket = mustGetBucket(ctx, Bucket);
  return { Payer: bucket.config.requestPayment === "Requester" ? "Requester" : "BucketOwner" };
}

// ---- server access logging ----

/**
 * An empty BucketLoggingStatus turns logging off. The target bucket must exist and be in the
 * source bucket's region (PutBucketLogging API reference; "Amazon S3 error responses").
 */
export function PutBucketLogging({ Bucket, BucketLoggingStatus }: PutBucketLoggingRequest, ctx: Ctx): Empty {
  const bucket = mustGetBucket(ctx, Bucket);
  const enabled = BucketLoggingStatus?.LoggingEnabled;
  if (enabled) {
    if (!enabled.TargetBucket || enabled.TargetPrefix === undefined) malformedXml();
    const target = ctx.service.storage.getBucket(enabled.TargetBucket) ?? configFail(CONFIG_ERRORS.noLoggingTarget, { TargetBucket: enabled.TargetBucket });
    if (target.region !== bucket.region) {
      configFail(CONFIG_ERRORS.crossLocationLogging, { SourceBucketLocation: bucket.region, TargetBucketLocation: target.region });
    }
    for (const g of enabled.TargetGrants ?? []) {
      if (!g.Grantee?.Type || (g.Permission !== "FULL_CONTROL" && g.Permission !== "READ" && g.Permission !== "WRITE")) malformedXml();
    }
  }
  setConfig(ctx, Bucket, { logging: enabled });
  return {};
}

export function GetBucketLogging({ Bucket }: GetBucketLoggingRequest, ctx: Ctx): GetBucketLoggingOutput {
  const bucket = mustGetBucket(ctx, Bucket);
  return bucket.config.logging ? { LoggingEnabled: bucket.config.logging as LoggingEnabled } : {};
}

// ---- event notifications ----

export function PutBucketNotificationConfiguration({ Bucket, NotificationConfiguration }: PutBucketNotificationConfigurationRequest, ctx: Ctx): Empty {
  mustGetBucket(ctx, Bucket);
  const config = validateNotification(NotificationConfiguration);
  setConfig(ctx, Bucket, { notification: Object.keys(config).length ? config : undefined });
  return {};
}

export function GetBucketNotificationConfiguration({ Bucket }: GetBucketNotificationConfigurationRequest, ctx: Ctx): NotificationConfiguration {
  const bucket = mustGetBucket(ctx, Bucket);
  return (bucket.config.notification as NotificationConfiguration | undefined) ?? {};
}

// ---- replication ----

/**
 * Needs versioning enabled on the source and on every destination bucket that lives in this S3
 * (a destination elsewhere cannot be checked and is accepted).
 */
export function PutBucketReplication({ Bucket, ReplicationConfiguration }: PutBucketReplicationRequest, ctx: Ctx): Empty {
  const bucket = mustGetBucket(ctx, Bucket);
  if (versioningOf(bucket) !== "Enabled") invalidRequest("Versioning must be 'Enabled' on the bucket to apply a replication configuration");
  const config = validateReplication(ReplicationConfiguration);
  for (const rule of config.Rules ?? []) {
    const name = bucketFromArn(rule.Destination?.Bucket) ?? "";
    const destination = ctx.service.storage.getBucket(name);
    if (!destination) invalidRequest("Destination bucket must exist.");
    if (versioningOf(destination) !== "Enabled") invalidRequest("Destination bucket must have versioning enabled.");
  }
  setConfig(ctx, Bucket, { replication: config });
  return {};
}

export function GetBucketReplication({ Bucket }: GetBucketReplicationRequest, ctx: Ctx): GetBucketReplicationOutput {
  const bucket = mustGetBucket(ctx, Bucket);
  const config = bucket.config.replication ?? configFail(CONFIG_ERRORS.noSuchReplication, { BucketName: bucket.name });
  return { ReplicationConfiguration: config as ReplicationConfiguration };
}

export function DeleteBucketReplication({ Bucket }: DeleteBucketReplicationRequest, ctx: Ctx): Empty {
  setConfig(ctx, Bucket, { replication: undefined });
  return {};
}

// ---- attribute-based access control ----

/** Stored and reported; ABAC conditions on tags are not evaluated by the access decision. */
export function PutBucketAbac({ Bucket, AbacStatus }: PutBucketAbacRequest, ctx: Ctx): Empty {
  return putSetting(ctx, Bucket, "abac", AbacStatus?.Status, ["Enabled", "Disabled"], "Disabled");
}

export function GetBucketAbac({ Bucket }: GetBucketAbacRequest, ctx: Ctx): GetBucketAbacOutput {
  const bucket = mustGetBucket(ctx, Bucket);
  return { AbacStatus: { Status: bucket.config.abac === "Enabled" ? "Enabled" : "Disabled" } };
}

export const HANDLERS = {
  PutBucketEncryption,
  GetBucketEncryption,
  DeleteBucketEncryption,
  PutBucketAccelerateConfiguration,
  GetBucketAccelerateConfiguration,
  PutBucketRequestPayment,
  GetBucketRequestPayment,
  PutBucketLogging,
  GetBucketLogging,
  PutBucketNotificationConfiguration,
  GetBucketNotificationConfiguration,
  PutBucketReplication,
  GetBucketReplication,
  DeleteBucketReplication,
  PutBucketAbac,
  GetBucketAbac,
};
