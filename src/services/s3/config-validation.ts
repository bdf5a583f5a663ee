// S3's validation of the bucket configurations that are stored and returned but not acted on:
// notification, replication, logging (the target bucket checks live in the handler, which has
// the storage). Each follows the operation's API reference; the messages are S3's.
//
// Not validated: notification destinations (S3 sends each SNS topic / SQS queue / Lambda function
// a test event and answers "Unable to validate the following destination configurations"; there
// is nothing to deliver to here), replication roles (no IAM), KMS keys.
import type { NotificationConfiguration, ReplicationConfiguration, ReplicationRule } from "@aws-sdk/client-s3";
import { Event } from "./sdk-enums.ts";
import { randomBytes } from "node:crypto";
import { invalidArgument, invalidRequest, malformedXml } from "./config-errors.ts";
import { MAX_RULE_ID_LENGTH } from "./lifecycle-rules.ts";

const EVENTS = new Set<string>(Object.values(Event));
/** "A replication configuration can contain up to 1,000 rules" (Replication configuration file elements). */
const MAX_REPLICATION_RULES = 1000;

/** S3 names a notification configuration or rule that was given no id. */
export function generatedId(): string {
  return randomBytes(36).toString("base64");
}

/** Checks a notification document and gives every configuration an Id (PutBucketNotificationConfiguration). */
export function validateNotification(config: NotificationConfiguration | undefined): NotificationConfiguration {
  const c = config ?? {};
  const ids = new Set<string>();
  const check = <T extends { Id?: string; Events?: string[]; Filter?: { Key?: { FilterRules?: Array<{ Name?: string; Value?: string }> } } }>(
    list: T[] | undefined,
    arn: (item: T) => string | undefined,
  ): T[] | undefined =>
    list?.map((item) => {
      if (!arn(item)) malformedXml();
      if (!item.Events?.length) malformedXml();
      for (const e of item.Events) if (!EVENTS.has(e)) invalidArgument("The event is not supported for notifications", "Event", e);
      const seen = new Set<string>();
      for (const rule of item.Filter?.Key?.FilterRules ?? []) {
        const name = (rule.Name ?? "").toLowerCase();
        if (name !== "prefix" && name !== "suffix") invalidArgument("filter rule name must be either prefix or suffix", "FilterRule", rule.Name ?? "");
        if (seen.has(name)) invalidArgument(`Cannot specify more than one ${name} rule in a filter.`, "FilterRule", rule.Name ?? "");
        seen.add(name);
      }
      const id = item.Id || generatedId();
      if (ids.has(id)) invalidArgument("Configuration Ids must be unique.", "Id", id);
      ids.add(id);
      return { ...item, Id: id };
    });
  const out: NotificationConfiguration = {};
  const topics = check(c.TopicConfigurations, (t) => t.TopicArn);
  const queues = check(c.QueueConfigurations, (q) => q.QueueArn);
  const lambdas = check(c.LambdaFunctionConfigurations, (l) => l.LambdaFunctionArn);
  if (topics?.length) out.TopicConfigurations = topics;
  if (queues?.length) out.QueueConfigurations = queues;
  if (lambdas?.length) out.LambdaFunctionConfigurations = lambdas;
  if (c.EventBridgeConfiguration) out.EventBridgeConfiguration = {};
  return out;
}

/** The bucket name in a destination bucket ARN (`arn:aws:s3:::name`), or undefined when malformed. */
export function bucketFromArn(arn: string | undefined): string | undefined {
  const m = /^arn:aws[a-z-]*:s3:::([^/]+)$/.exec(arn ?? "");
  return m?.[1];
}

/**
 * Checks a replication document's shape (PutBucketReplication API reference, "Replication
 * configuration file elements") and fills in rule IDs. The bucket checks (versioning on both
 * sides, the destination exists) are the handler's.
 */
export function validateReplication(config: ReplicationConfiguration | undefined): ReplicationConfiguration {
  const rules = config?.Rules ?? [];
  if (!config?.Role || rules.length === 0 || rules.length > MAX_REPLICATION_RULES) malformedXml();
  const ids = new Set<string>();
  const priorities = new Set<number>();
  const v2 = rules.some((r) => r.Filter !== undefined);
  const checked = rules.map((given): ReplicationRule => {
    const rule = { ...given, ID: given.ID || generatedId() };
    if (rule.ID.length > MAX_RULE_ID_LENGTH) invalidArgument(`ID length should not exceed allowed limit of ${MAX_RULE_ID_LENGTH}`, "ID", rule.ID);
    if (ids.has(rule.ID)) invalidArgument("Rule Id must be unique", "ID", rule.ID);
    ids.add(rule.ID);
    if (rule.Status !== "Enabled" && rule.Status !== "Disabled") malformedXml();
    if (rule.Prefix !== undefined && rule.Filter !== undefined) malformedXml();
    if (!rule.Destination?.Bucket) malformedXml();
    if (!bucketFromArn(rule.Destination.Bucket)) invalidArgument("Invalid bucket ARN", "Bucket", rule.Destination.Bucket);
    if (v2) {
      // The V2 schema (rules with a Filter) needs a priority and the delete marker setting.
      if (rule.Filter === undefined) invalidRequest("Filter must be specified for all rules when using this version of Cross Region Replication configuration schema.");
      if (!rule.DeleteMarkerReplication) invalidRequest("DeleteMarkerReplication must be specified for this version of Cross Region Replication configuration schema.");
      const priority = rule.Priority ?? 0;
      if (priorities.has(priority)) invalidRequest("Found duplicate priority. Rule priorities must be unique");
      priorities.add(priority);
    }
    return rule;
  });
  return { Role: config.Role, Rules: checked };
}
