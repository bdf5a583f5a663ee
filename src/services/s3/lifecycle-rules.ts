// Lifecycle configuration: S3's validation of a PutBucketLifecycleConfiguration document, and the
// pure decisions the lifecycle sweep makes (does a rule apply to an object, when is it due).
// Follows the PutBucketLifecycleConfiguration API reference, "Lifecycle configuration elements"
// and "Setting lifecycle configuration on a bucket" (S3 User Guide): up to 1,000 rules, an ID of
// at most 255 characters (S3 makes one up when it is missing), unique IDs, a Filter or a Prefix,
// at least one action, positive Days, dates at midnight UTC. Due times follow "Lifecycle rules:
// based on an object's age": creation time plus the days, rounded up to the next midnight UTC.
//
// Not validated: overlapping filters (S3 accepts them nowadays), the storage classes' minimum
// transition ages other than the 30 days of STANDARD_IA/ONEZONE_IA, and object size filters'
// upper bounds.
import type { LifecycleRule, LifecycleRuleFilter, Tag } from "@aws-sdk/client-s3";
import { invalidArgument, invalidRequest, malformedXml } from "./config-errors.ts";

export const DAY_MS = 24 * 60 * 60 * 1000;
/** "An S3 Lifecycle configuration can have up to 1,000 rules. This limit is not adjustable." */
export const MAX_LIFECYCLE_RULES = 1000;
export const MAX_RULE_ID_LENGTH = 255;
/** The header's default when a request does not send it (PutBucketLifecycleConfiguration). */
export const DEFAULT_TRANSITION_MINIMUM_SIZE = "all_storage_classes_128K";
const TRANSITION_MINIMUM_SIZES = new Set(["all_storage_classes_128K", "varies_by_storage_class"]);
const STORAGE_CLASSES_30_DAYS = new Set(["STANDARD_IA", "ONEZONE_IA"]);
const TRANSITION_CLASSES = new Set(["GLACIER", "STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING", "DEEP_ARCHIVE", "GLACIER_IR"]);

/** A rule as stored: dates as ISO strings (the configuration is kept as JSON). */
export type StoredLifecycleRule = LifecycleRule;

/**
 * Checks a lifecycle configuration as S3 does and returns the rules to store (IDs filled in).
 * Throws MalformedXML / InvalidArgument / InvalidRequest with S3's messages.
 */
export function validateLifecycle(rules: readonly LifecycleRule[] | undefined, newId: () => string): LifecycleRule[] {
  if (!rules || rules.length === 0 || rules.length > MAX_LIFECYCLE_RULES) malformedXml();
  const ids = new Set<string>();
  return rules.map((given) => {
    const rule: LifecycleRule = { ...given, ID: given.ID || newId() };
    const id = rule.ID ?? "";
    if (id.length > MAX_RULE_ID_LENGTH) invalidArgument(`ID length should not exceed allowed limit of ${MAX_RULE_ID_LENGTH}`, "ID", id);
    if (ids.has(id)) invalidArgument("Rule ID must be unique. Found same ID for more than one rule", "ID", id);
    ids.add(id);
    if (rule.Status !== "Enabled" && rule.Status !== "Disabled") malformedXml();
    validateFilter(rule);
    validateActions(rule);
    return rule;
  });
}

function validateFilter(rule: LifecycleRule): void {
  // Exactly one of the legacy Prefix and the Filter (which may be empty: every object).
  if ((rule.Prefix !== undefined) === (rule.Filter !== undefined)) malformedXml();
  const f = rule.Filter;
  if (!f) return;
  const predicates = [f.Prefix, f.Tag, f.ObjectSizeGreaterThan, f.ObjectSizeLessThan, f.And].filter((p) => p !== undefined);
  if (predicates.length > 1) malformedXml();
  if (f.Tag && (!f.Tag.Key || f.Tag.Value === undefined)) malformedXml();
  const and = f.And;
  if (and) {
    for (const t of and.Tags ?? []) if (!t.Key || t.Value === undefined) malformedXml();
  }
  const gt = f.ObjectSizeGreaterThan ?? and?.ObjectSizeGreaterThan;
  const lt = f.ObjectSizeLessThan ?? and?.ObjectSizeLessThan;
  if (gt !== undefined && gt < 0) invalidArgument("'ObjectSizeGreaterThan' should be a non-negative integer", "ObjectSizeGreaterThan", String(gt));
  if (lt !== undefined && lt <= 0) invalidArgument("'ObjectSizeLessThan' should be a positive integer", "ObjectSizeLessThan", String(lt));
  if (gt !== undefined && lt !== undefined && gt >= lt) {
    invalidArgument("The ObjectSizeLessThan value should be greater than ObjectSizeGreaterThan value", "ObjectSizeLessThan", String(lt));
  }
}

function validateActions(rule: LifecycleRule): void {
  const { Expiration: exp, Transitions, NoncurrentVersionExpiration: nve, NoncurrentVersionTransitions, AbortIncompleteMultipartUpload: abort } = rule;
  if (!exp && !Transitions?.length && !nve && !NoncurrentVersionTransitions?.length && !abort) {
    invalidRequest("At least one action needs to be specified in a rule");
  }
  const tagged = hasTags(rule.Filter);
  if (exp) {
    const given = [exp.Days, exp.Date, exp.ExpiredObjectDeleteMarker].filter((v) => v !== undefined).length;
    if (given !== 1) malformedXml();
    if (exp.Days !== undefined && exp.Days <= 0) invalidArgument("'Days' for Expiration action must be a positive integer", "Days", String(exp.Days));
    if (exp.Date !== undefined) checkMidnight(exp.Date);
    if (exp.ExpiredObjectDeleteMarker !== undefined && tagged) invalidRequest("ExpiredObjectDeleteMarker cannot be specified with tags.");
  }
  for (const t of Transitions ?? []) {
    if ((t.Days === undefined) === (t.Date === undefined) || !t.StorageClass || !TRANSITION_CLASSES.has(t.StorageClass)) malformedXml();
    if (t.Days !== undefined && t.Days < 0) invalidArgument("'Days' in Transition action must be a non-negative integer", "Days", String(t.Days));
    if (t.Date !== undefined) checkMidnight(t.Date);
    if (t.Days !== undefined && t.Days < 30 && STORAGE_CLASSES_30_DAYS.has(t.StorageClass)) {
      invalidArgument(`'Days' in Transition action must be greater than or equal to 30 for storageClass '${t.StorageClass}'`, "Days", String(t.Days));
    }
    if (exp?.Days !== undefined && t.Days !== undefined && exp.Days <= t.Days) {
      invalidArgument(`'Days' in the Expiration action for filter '${filterPrefix(rule)}' must be greater than 'Days' in the Transition action`, "Days", String(exp.Days));
    }
  }
  if (nve) {
    if (nve.NoncurrentDays === undefined) malformedXml();
    if (nve.NoncurrentDays <= 0) {
      invalidArgument("'NoncurrentDays' for NoncurrentVersionExpiration action must be a positive integer", "NoncurrentDays", String(nve.NoncurrentDays));
    }
  }
  for (const t of NoncurrentVersionTransitions ?? []) {
    if (t.NoncurrentDays === undefined || !t.StorageClass || !TRANSITION_CLASSES.has(t.StorageClass)) malformedXml();
    if (t.NoncurrentDays < 0) {
      invalidArgument("'NoncurrentDays' in NoncurrentVersionTransition action must be a non-negative integer", "NoncurrentDays", String(t.NoncurrentDays));
    }
  }
  if (abort) {
    if (abort.DaysAfterInitiation === undefined) malformedXml();
    if (abort.DaysAfterInitiation <= 0) {
      invalidArgument("'DaysAfterInitiation' for AbortIncompleteMultipartUpload action must be a positive integer", "DaysAfterInitiation", String(abort.DaysAfterInitiation));
    }
    if (tagged) invalidRequest("AbortIncompleteMultipartUpload cannot be specified with Tags.");
  }
}

/** The x-amz-transition-default-minimum-object-size header, defaulted as S3 defaults it. */
export function transitionMinimumSize(value: string | undefined): string {
  if (value === undefined || value === "") return DEFAULT_TRANSITION_MINIMUM_SIZE;
  if (!TRANSITION_MINIMUM_SIZES.has(value)) invalidRequest(`Invalid value for x-amz-transition-default-minimum-object-size: ${value}`);
  return value;
}

function checkMidnight(date: Date | string): void {
  const ms = new Date(date).getTime();
  if (Number.isNaN(ms) || ms % DAY_MS !== 0) invalidArgument("'Date' must be at midnight GMT", "Date", String(date));
}

function hasTags(f: LifecycleRuleFilter | undefined): boolean {
  return f?.Tag !== undefined || (f?.And?.Tags?.length ?? 0) > 0;
}

function filterPrefix(rule: LifecycleRule): string {
  return rule.Prefix ?? rule.Filter?.Prefix ?? rule.Filter?.And?.Prefix ?? "";
}

// ---- what the sweep decides ----

/** What a rule's filter looks at. */
export interface LifecycleSubject {
  readonly key: string;
  readonly size: number;
  readonly tags: ReadonlyMap<string, string>;
}

/** True when an enabled rule's filter selects the object (prefix, tags and size all match). */
export function ruleApplies(rule: LifecycleRule, obj: LifecycleSubject): boolean {
  if (rule.Status !== "Enabled") return false;
  if (!obj.key.startsWith(filterPrefix(rule))) return false;
  const f = rule.Filter;
  const tags: Tag[] = [...(f?.Tag ? [f.Tag] : []), ...(f?.And?.Tags ?? [])];
  if (!tags.every((t) => obj.tags.get(t.Key ?? "") === (t.Value ?? ""))) return false;
  const gt = f?.ObjectSizeGreaterThan ?? f?.And?.ObjectSizeGreaterThan;
  const lt = f?.ObjectSizeLessThan ?? f?.And?.ObjectSizeLessThan;
  return (gt === undefined || obj.size > gt) && (lt === undefined || obj.size < lt);
}

/** `from` plus `days`, rounded up to the next midnight UTC: when S3 acts on the object. */
export function dueAfterDays(from: number, days: number): number {
  return Math.ceil((from + days * DAY_MS) / DAY_MS) * DAY_MS;
}

/** When the current version of an object created at `created` expires under `rule`, if it does. */
export function expiryOf(rule: LifecycleRule, created: number): number | undefined {
  const exp = rule.Expiration;
  if (exp?.Days !== undefined) return dueAfterDays(created, exp.Days);
  if (exp?.Date !== undefined) return new Date(exp.Date).getTime();
  return undefined;
}

/** Object tags from the stored `x-amz-tagging` form (`k1=v1&k2=v2`) or a tag set. */
export function tagMap(tagging: unknown): Map<string, string> {
  if (typeof tagging === "string") return new Map(new URLSearchParams(tagging));
  if (Array.isArray(tagging)) return new Map((tagging as Tag[]).map((t) => [t.Key ?? "", t.Value ?? ""]));
  return new Map();
}
