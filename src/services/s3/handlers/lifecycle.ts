// Bucket lifecycle: PutBucketLifecycleConfiguration, GetBucketLifecycleConfiguration,
// DeleteBucketLifecycle. The document is validated as S3 validates it (lifecycle-rules.ts) and
// stored; the lifecycle sweep (lifecycle-sweep.ts) applies its expiration and abort actions.
// Reads with nothing set answer NoSuchLifecycleConfiguration (404), as S3 does.
import type {
  DeleteBucketLifecycleRequest,
  GetBucketLifecycleConfigurationOutput,
  GetBucketLifecycleConfigurationRequest,
  LifecycleRule,
  PutBucketLifecycleConfigurationOutput,
  PutBucketLifecycleConfigurationRequest,
  TransitionDefaultMinimumObjectSize,
} from "@aws-sdk/client-s3";
import { randomBytes } from "node:crypto";
import type { S3Context } from "../context.ts";
import { mustGetBucket, setConfig } from "./buckets.ts";
import { CONFIG_ERRORS, configFail } from "../config-errors.ts";
import { transitionMinimumSize, validateLifecycle } from "../lifecycle-rules.ts";

type Ctx = S3Context;

/** S3 makes up an ID for a rule without one (48 characters of base64 text). */
function newRuleId(): string {
  return randomBytes(36).toString("base64");
}

export function PutBucketLifecycleConfiguration(
  { Bucket, LifecycleConfiguration, TransitionDefaultMinimumObjectSize: minSize }: PutBucketLifecycleConfigurationRequest,
  ctx: Ctx,
): PutBucketLifecycleConfigurationOutput {
  mustGetBucket(ctx, Bucket);
  const rules = validateLifecycle(LifecycleConfiguration?.Rules, newRuleId);
  const size = transitionMinimumSize(minSize);
  // JSON keeps dates as ISO strings; Get turns them back into dates.
  setConfig(ctx, Bucket, { lifecycle: { Rules: JSON.parse(JSON.stringify(rules)) as LifecycleRule[], TransitionDefaultMinimumObjectSize: size } });
  return { TransitionDefaultMinimumObjectSize: size as TransitionDefaultMinimumObjectSize };
}

export function GetBucketLifecycleConfiguration({ Bucket }: GetBucketLifecycleConfigurationRequest, ctx: Ctx): GetBucketLifecycleConfigurationOutput {
  const bucket = mustGetBucket(ctx, Bucket);
  const stored = bucket.config.lifecycle ?? configFail(CONFIG_ERRORS.noSuchLifecycle, { BucketName: bucket.name });
  return {
    Rules: stored.Rules.map(withDates),
    TransitionDefaultMinimumObjectSize: stored.TransitionDefaultMinimumObjectSize as TransitionDefaultMinimumObjectSize,
  };
}

export function DeleteBucketLifecycle({ Bucket }: DeleteBucketLifecycleRequest, ctx: Ctx): Record<string, never> {
  setConfig(ctx, Bucket, { lifecycle: undefined });
  return {};
}

function withDates(rule: LifecycleRule): LifecycleRule {
  const date = (d: Date | string | undefined) => (d === undefined ? undefined : new Date(d));
  return {
    ...rule,
    ...(rule.Expiration ? { Expiration: { ...rule.Expiration, Date: date(rule.Expiration.Date) } } : {}),
    ...(rule.Transitions ? { Transitions: rule.Transitions.map((t) => ({ ...t, Date: date(t.Date) })) } : {}),
  };
}

export const HANDLERS = { PutBucketLifecycleConfiguration, GetBucketLifecycleConfiguration, DeleteBucketLifecycle };
