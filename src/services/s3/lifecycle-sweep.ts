// The lifecycle sweep: applies buckets' lifecycle rules the way S3 does, once per (UTC) day of the
// injectable clock. S3 "queues objects for removal" at midnight UTC once they are due and removes
// them asynchronously ("Expiring objects", S3 User Guide); here lifecycle-schedule.ts runs this
// sweep whenever the clock enters a new day, over every bucket with a lifecycle configuration:
// - Expiration (Days / Date): the current version is removed (unversioned bucket) or hidden
//   behind a delete marker (versioned or suspended bucket), as a DeleteObject would;
// - NoncurrentVersionExpiration: a noncurrent version is removed for good NoncurrentDays after it
//   became noncurrent, keeping the NewerNoncurrentVersions newest ones;
// - ExpiredObjectDeleteMarker (or Expiration Days in a versioned bucket): a delete marker with no
//   other version left is removed;
// - AbortIncompleteMultipartUpload: an upload DaysAfterInitiation days old is aborted.
// Versions under an Object Lock retention or legal hold are never removed ("Object Lock
// considerations": lifecycle cannot delete locked versions). Transitions change nothing (one
// storage class here).
import type { LifecycleRule } from "@aws-sdk/client-s3";
import type { BucketRecord, S3Storage } from "./storage.ts";
import type { VersionRecord } from "./storage.ts";
import { DAY_MS, dueAfterDays, expiryOf, ruleApplies, tagMap, type LifecycleSubject } from "./lifecycle-rules.ts";
import { lockForbidsDelete } from "./handlers/object-lock.ts";
import { newVersionId } from "./handlers/versioning.ts";

const PAGE = 1000;

export interface SweepResult {
  /** Current versions removed or hidden behind a delete marker. */
  expired: number;
  /** Noncurrent versions and lone delete markers removed. */
  removedVersions: number;
  /** Multipart uploads aborted. */
  aborted: number;
}

/** Applies every bucket's lifecycle rules as of `now`. */
export async function sweepLifecycle(storage: S3Storage, now: number): Promise<SweepResult> {
  const result: SweepResult = { expired: 0, removedVersions: 0, aborted: 0 };
  for (const bucket of storage.listBuckets()) {
    const rules = (bucket.config.lifecycle?.Rules ?? []).filter((r) => r.Status === "Enabled");
    if (rules.length === 0) continue;
    result.expired += await expireCurrent(storage, bucket, rules, now);
    if (bucket.config.versioning) result.removedVersions += await expireVersions(storage, bucket, rules, now);
    result.aborted += await abortUploads(storage, bucket, rules, now);
  }
  return result;
}

function subject(rec: { key: string; size: number; meta: { tags?: unknown } }): LifecycleSubject {
  return { key: rec.key, size: rec.size, tags: tagMap(rec.meta.tags) };
}

async function expireCurrent(storage: S3Storage, bucket: BucketRecord, rules: LifecycleRule[], now: number): Promise<number> {
  const expiring = rules.filter((r) => r.Expiration?.Days !== undefined || r.Expiration?.Date !== undefined);
  if (expiring.length === 0) return 0;
  const due: string[] = [];
  let after = "";
  for (;;) {
    const page = storage.list(bucket.name, { prefix: "", delimiter: undefined, after, maxKeys: PAGE });
    for (const obj of page.objects) {
      const s = subject(obj);
      if (expiring.some((r) => ruleApplies(r, s) && (expiryOf(r, obj.lastModified) ?? Infinity) <= now)) due.push(obj.key);
    }
    if (!page.truncated || page.lastReturned === undefined) break;
    after = page.lastReturned;
  }
  const versioning = bucket.config.versioning?.Status;
  for (const key of due) {
    // The marker is the newest version, made now (a DeleteObject by S3 itself).
    if (versioning) await storage.deleteObjectVersion(bucket.name, key, { versioning, marker: { versionId: newVersionId(), lastModified: now } });
    else await storage.deleteObject(bucket.name, key);
  }
  return due.length;
}

/** Noncurrent versions past NoncurrentDays, and delete markers that are all that is left of a key. */
async function expireVersions(storage: S3Storage, bucket: BucketRecord, rules: LifecycleRule[], now: number): Promise<number> {
  const doomed: Array<{ key: string; versionId: string }> = [];
  let keyMarker = "";
  let versionIdMarker: string | undefined;
  let group: VersionRecord[] = [];
  const judge = (versions: VersionRecord[]) => {
    if (versions.length === 0) return;
    const only = versions.length === 1 ? versions[0] : undefined;
    if (only?.deleteMarker && only.isLatest) {
      const s = { key: only.key, size: 0, tags: new Map<string, string>() };
      if (rules.some((r) => ruleApplies(r, s) && (r.Expiration?.ExpiredObjectDeleteMarker === true || r.Expiration?.Days !== undefined))) {
        doomed.push({ key: only.key, versionId: only.versionId });
      }
      return;
    }
    // versions[i] became noncurrent when versions[i - 1] was written.
    let noncurrentSeen = 0;
    for (let i = 1; i < versions.length; i++) {
      const v = versions[i] as VersionRecord;
      const since = (versions[i - 1] as VersionRecord).lastModified;
      noncurrentSeen++;
      if (v.deleteMarker) continue;
      const s = subject(v);
      const expired = rules.some((r) => {
        const nve = r.NoncurrentVersionExpiration;
        if (!nve?.NoncurrentDays || !ruleApplies(r, s)) return false;
        if (nve.NewerNoncurrentVersions !== undefined && noncurrentSeen <= nve.NewerNoncurrentVersions) return false;
        return dueAfterDays(since, nve.NoncurrentDays) <= now;
      });
      if (expired && !lockForbidsDelete(v.meta, now, false)) doomed.push({ key: v.key, versionId: v.versionId });
    }
  };
  for (;;) {
    const page = storage.listVersions(bucket.name, { prefix: "", delimiter: undefined, keyMarker, versionIdMarker, maxKeys: PAGE });
    for (const v of page.versions) {
      if (group.length > 0 && group[0]?.key !== v.key) {
        judge(group);
        group = [];
      }
      group.push(v);
    }
    if (!page.truncated || !page.next) break;
    keyMarker = page.next.key;
    versionIdMarker = page.next.versionId;
  }
  judge(group);
  const versioning = bucket.config.versioning?.Status;
  for (const d of doomed) {
    await storage.deleteObjectVersion(bucket.name, d.key, { versioning, versionId: d.versionId, marker: { versionId: d.versionId, lastModified: now } });
  }
  return doomed.length;
}

async function abortUploads(storage: S3Storage, bucket: BucketRecord, rules: LifecycleRule[], now: number): Promise<number> {
  const aborting = rules.filter((r) => r.AbortIncompleteMultipartUpload?.DaysAfterInitiation !== undefined);
  if (aborting.length === 0) return 0;
  let aborted = 0;
  for (const upload of storage.listUploads(bucket.name)) {
    // Tags cannot filter this action; the prefix (and size, which an upload does not have yet) can.
    const s = { key: upload.key, size: 0, tags: new Map<string, string>() };
    const due = aborting.some((r) => {
      const { ObjectSizeGreaterThan: _gt, ObjectSizeLessThan: _lt, ...prefixOnly } = r.Filter ?? {};
      return ruleApplies({ ...r, ...(r.Filter ? { Filter: prefixOnly } : {}) }, s) && dueAfterDays(upload.initiated, r.AbortIncompleteMultipartUpload?.DaysAfterInitiation ?? 0) <= now;
    });
    if (due && (await storage.finishUpload(upload.uploadId))) aborted++;
  }
  return aborted;
}
