// Object Lock: Put/GetObjectLockConfiguration, Put/GetObjectRetention, Put/GetObjectLegalHold, the
// lock headers of PutObject/CopyObject/CreateMultipartUpload, and the rule deletes obey (user
// guide "Locking objects with Object Lock" and the API reference of each operation):
// - a bucket gets Object Lock at creation (`x-amz-bucket-object-lock-enabled`, which also enables
//   versioning) or later through PutObjectLockConfiguration on a bucket with versioning Enabled;
// - a version under an unexpired retention or a legal hold cannot be deleted by version id:
//   COMPLIANCE never, GOVERNANCE only with `x-amz-bypass-governance-retention: true` (the caller is
//   taken to hold s3:BypassGovernanceRetention); a delete without a version id only adds a delete
//   marker, which Object Lock does not prevent; overwriting adds a version, so nothing is lost;
// - a retention can be lengthened freely; shortened, removed or turned from GOVERNANCE to
//   GOVERNANCE (or a COMPLIANCE one turned into GOVERNANCE) only under GOVERNANCE with the bypass header.
// Not done: the Content-MD5/checksum requirement on writes that carry lock headers; the `Token`
// of PutObjectLockConfiguration (accepted, not checked).
import type {
  GetObjectLegalHoldOutput,
  GetObjectLegalHoldRequest,
  GetObjectLockConfigurationOutput,
  GetObjectLockConfigurationRequest,
  GetObjectRetentionOutput,
  GetObjectRetentionRequest,
  GetObjectOutput,
  PutObjectLegalHoldRequest,
  PutObjectLockConfigurationRequest,
  PutObjectRetentionRequest,
} from "@aws-sdk/client-s3";
import type { S3Context } from "../context.ts";
import type { BucketConfig, BucketRecord, ObjectMeta } from "../storage.ts";
import type { VersionRecord } from "../storage.ts";
import { s3fail } from "../errors.ts";
import { messages } from "../messages.ts";
import { objectMessages } from "../object-messages.ts";
import { mustGetBucket } from "./buckets.ts";
import { mustGetVersion, failWithStatus } from "./version-lookup.ts";
import { versioningOf } from "./versioning.ts";

type Ctx = S3Context;
const MODES = new Set(["GOVERNANCE", "COMPLIANCE"]);
const DAY_MS = 24 * 3600 * 1000;

/** The bucket (which must have Object Lock) and the version a retention or legal hold call names. */
function lockTarget(input: { Bucket?: string | undefined; Key?: string | undefined; VersionId?: string | undefined }, ctx: Ctx): { bucket: BucketRecord; version: VersionRecord } {
  const bucket = mustGetBucket(ctx, input.Bucket);
  if (!bucket.config.objectLock) s3fail("InvalidRequest", objectMessages.missingLockConfiguration);
  return { bucket, version: mustGetVersion(ctx, bucket, input.Key, input.VersionId) };
}

export function PutObjectLockConfiguration({ Bucket, ObjectLockConfiguration: conf }: PutObjectLockConfigurationRequest, ctx: Ctx): Record<string, never> {
  const bucket = mustGetBucket(ctx, Bucket);
  if (conf?.ObjectLockEnabled !== "Enabled") s3fail("MalformedXML", messages.malformedXml);
  if (versioningOf(bucket) !== "Enabled") failWithStatus(409, "InvalidBucketState", objectMessages.lockNeedsVersioning);
  const retention = conf.Rule?.DefaultRetention;
  let rule: NonNullable<BucketConfig["objectLock"]>["rule"];
  if (conf.Rule) {
    if (!retention || !MODES.has(retention.Mode ?? "") || (retention.Days === undefined) === (retention.Years === undefined)) s3fail("MalformedXML", messages.malformedXml);
    const period = retention.Days ?? retention.Years ?? 0;
    if (!Number.isInteger(period) || period <= 0) s3fail("InvalidArgument", "Default retention period must be a positive integer value.", { ArgumentName: retention.Days !== undefined ? "Days" : "Years" });
    rule = { Mode: retention.Mode as string, ...(retention.Days !== undefined ? { Days: retention.Days } : { Years: retention.Years as number }) };
  }
  ctx.service.storage.putBucket({ ...bucket, config: { ...bucket.config, objectLock: { enabled: true, ...(rule ? { rule } : {}) } } });
  return {};
}

export function GetObjectLockConfiguration({ Bucket }: GetObjectLockConfigurationRequest, ctx: Ctx): GetObjectLockConfigurationOutput {
  const bucket = mustGetBucket(ctx, Bucket);
  const lock = bucket.config.objectLock ?? failWithStatus(404, "ObjectLockConfigurationNotFoundError", objectMessages.noLockConfiguration, { BucketName: bucket.name });
  const rule = lock.rule ? { Rule: { DefaultRetention: { ...lock.rule, Mode: lock.rule.Mode as "GOVERNANCE" } } } : {};
  return { ObjectLockConfiguration: { ObjectLockEnabled: "Enabled", ...rule } };
}

export function PutObjectRetention(input: PutObjectRetentionRequest, ctx: Ctx): Record<string, never> {
  const { bucket, version } = lockTarget(input, ctx);
  const now = ctx.service.clock.now();
  const wanted = input.Retention;
  if (wanted?.Mode !== undefined && !MODES.has(wanted.Mode)) s3fail("MalformedXML", messages.malformedXml);
  if ((wanted?.Mode === undefined) !== (wanted?.RetainUntilDate === undefined)) s3fail("MalformedXML", messages.malformedXml);
  const until = wanted?.RetainUntilDate?.getTime();
  if (until !== undefined && until <= now) s3fail("InvalidArgument", objectMessages.retentionInPast, { ArgumentName: "RetainUntilDate" });
  const current = activeRetention(version.meta, now);
  if (current) {
    const weaker = until === undefined || until < Date.parse(current.RetainUntilDate) || (current.Mode === "COMPLIANCE" && wanted?.Mode !== "COMPLIANCE");
    if (weaker && (current.Mode === "COMPLIANCE" || input.BypassGovernanceRetention !== true)) s3fail("AccessDenied", objectMessages.lockedVersion);
  }
  const meta: ObjectMeta = { ...version.meta };
  if (wanted?.Mode && until !== undefined) meta.retention = { Mode: wanted.Mode, RetainUntilDate: new Date(until).toISOString() };
  else delete meta.retention;
  ctx.service.storage.updateObjectMeta(bucket.name, version.key, version.versionId, meta);
  return {};
}

export function GetObjectRetention(input: GetObjectRetentionRequest, ctx: Ctx): GetObjectRetentionOutput {
  const { version } = lockTarget(input, ctx);
  const r = version.meta.retention ?? failWithStatus(404, "NoSuchObjectLockConfiguration", objectMessages.noSuchObjectLockConfiguration);
  return { Retention: { Mode: r.Mode as "GOVERNANCE", RetainUntilDate: new Date(r.RetainUntilDate) } };
}

export function PutObjectLegalHold(input: PutObjectLegalHoldRequest, ctx: Ctx): Record<string, never> {
  const { bucket, version } = lockTarget(input, ctx);
  const status = input.LegalHold?.Status;
  if (status !== "ON" && status !== "OFF") s3fail("MalformedXML", messages.malformedXml);
  ctx.service.storage.updateObjectMeta(bucket.name, version.key, version.versionId, { ...version.meta, legalHold: status });
  return {};
}

export function GetObjectLegalHold(input: GetObjectLegalHoldRequest, ctx: Ctx): GetObjectLegalHoldOutput {
  const { version } = lockTarget(input, ctx);
  const status = version.meta.legalHold ?? failWithStatus(404, "NoSuchObjectLockConfiguration", objectMessages.noSuchObjectLockConfiguration);
  return { LegalHold: { Status: status } };
}

/** The retention that still holds at `now`, if any. */
function activeRetention(meta: ObjectMeta, now: number): ObjectMeta["retention"] {
  return meta.retention && Date.parse(meta.retention.RetainUntilDate) > now ? meta.retention : undefined;
}

/** Whether Object Lock keeps this version from being deleted for good (see the header). */
export function lockForbidsDelete(meta: ObjectMeta, now: number, bypassGovernance: boolean): boolean {
  if (meta.legalHold === "ON") return true;
  const r = activeRetention(meta, now);
  return r !== undefined && (r.Mode === "COMPLIANCE" || !bypassGovernance);
}

type LockHeaders = { ObjectLockMode?: string | undefined; ObjectLockRetainUntilDate?: Date | undefined; ObjectLockLegalHoldStatus?: string | undefined };

/**
 * The retention and legal hold of a new version: the request's lock headers, else the bucket's
 * default retention counted from `now`. Lock headers on a bucket without Object Lock are
 * InvalidRequest; a mode without a date (or the reverse) is InvalidArgument.
 */
export function lockForNewVersion(bucket: BucketRecord, input: LockHeaders, now: number): Pick<ObjectMeta, "retention" | "legalHold"> {
  const asked = input.ObjectLockMode !== undefined || input.ObjectLockRetainUntilDate !== undefined || input.ObjectLockLegalHoldStatus !== undefined;
  const lock = bucket.config.objectLock;
  if (!lock) {
    if (asked) s3fail("InvalidRequest", objectMessages.missingLockConfiguration);
    return {};
  }
  const out: Pick<ObjectMeta, "retention" | "legalHold"> = {};
  if ((input.ObjectLockMode === undefined) !== (input.ObjectLockRetainUntilDate === undefined)) {
    s3fail("InvalidArgument", "x-amz-object-lock-retain-until-date and x-amz-object-lock-mode must both be supplied", { ArgumentName: "x-amz-object-lock-mode" });
  }
  if (input.ObjectLockMode !== undefined && input.ObjectLockRetainUntilDate !== undefined) {
    if (!MODES.has(input.ObjectLockMode)) s3fail("InvalidArgument", "Unknown wormMode directive.", { ArgumentName: "x-amz-object-lock-mode" });
    if (input.ObjectLockRetainUntilDate.getTime() <= now) s3fail("InvalidArgument", objectMessages.retentionInPast, { ArgumentName: "x-amz-object-lock-retain-until-date" });
    out.retention = { Mode: input.ObjectLockMode, RetainUntilDate: input.ObjectLockRetainUntilDate.toISOString() };
  } else if (lock.rule) {
    const days = lock.rule.Days ?? (lock.rule.Years ?? 0) * 365;
    out.retention = { Mode: lock.rule.Mode, RetainUntilDate: new Date(now + days * DAY_MS).toISOString() };
  }
  if (input.ObjectLockLegalHoldStatus !== undefined) {
    if (input.ObjectLockLegalHoldStatus !== "ON" && input.ObjectLockLegalHoldStatus !== "OFF") s3fail("InvalidArgument", "Legal Hold must be either of 'ON' or 'OFF'", { ArgumentName: "x-amz-object-lock-legal-hold" });
    out.legalHold = input.ObjectLockLegalHoldStatus;
  }
  return out;
}

/** The lock members of a GET/HEAD answer. */
export function lockMembers(meta: ObjectMeta): Pick<GetObjectOutput, "ObjectLockMode" | "ObjectLockRetainUntilDate" | "ObjectLockLegalHoldStatus"> {
  return {
    ...(meta.retention ? { ObjectLockMode: meta.retention.Mode as "GOVERNANCE", ObjectLockRetainUntilDate: new Date(meta.retention.RetainUntilDate) } : {}),
    ...(meta.legalHold ? { ObjectLockLegalHoldStatus: meta.legalHold } : {}),
  };
}
