// The pieces validate-distribution.ts and validate-origins.ts share: CloudFront's quotas on one
// distribution's config, the check every enumerated field gets, and what the checks know of the account.
import { fail } from "../../api/errors.ts";
import type { EdgeLambdaLookup } from "./lambda-associations.ts";

/** Quotas (docs/control-plane.md §9, CloudFront guide "Quotas"). */
export const LIMITS = {
  origins: 25,
  originGroups: 10,
  cacheBehaviors: 75,
  aliases: 100,
  originCustomHeaders: 10,
  forwardedHeaders: 10,
  whitelistedCookies: 10,
  queryStringCacheKeys: 10,
  comment: 128,
  pathPattern: 255,
  defaultRootObject: 255,
  /** Key groups per cache behavior and per distribution ("Quotas on key groups"). */
  keyGroupsPerDistribution: 4,
} as const;

// Each enum's values as a set, made on first use (a config is checked against a dozen enums).
const ENUM_VALUES = new WeakMap<object, ReadonlySet<string>>();

function enumValues(allowed: Record<string, string>): ReadonlySet<string> {
  let values = ENUM_VALUES.get(allowed);
  if (!values) ENUM_VALUES.set(allowed, (values = new Set(Object.values(allowed))));
  return values;
}

/** Fails with CloudFront's message when `value` is set and not one of the model's enum values. */
export function oneOf<T extends string>(value: string | undefined, allowed: Record<string, T>, field: string, code = "InvalidArgument"): void {
  if (value !== undefined && !enumValues(allowed).has(value)) {
    fail(code, `The value of ${field} is invalid: "${value}". Valid values: ${Object.values(allowed).join(", ")}.`);
  }
}

/** What the validator needs to know about the rest of the account. */
export interface ValidationContext {
  /** Which distribution, if any, already uses this alias (case-insensitive). */
  aliasOwner(alias: string): string | undefined;
  /** The distribution being updated; its own aliases are not conflicts. */
  readonly selfId?: string;
  /** Functions published to LIVE, by ARN (CloudFront Functions issue). */
  liveFunctionArns(): ReadonlySet<string>;
  /** Key groups that exist (TrustedKeyGroups must name them). */
  keyGroupIds(): ReadonlySet<string>;
  /** The OriginAccessControlOriginType of an origin access control, or undefined when there is none with this id. */
  originAccessControlType(id: string): string | undefined;
  /** Whether an origin access identity with this id exists. */
  originAccessIdentityExists(id: string): boolean;
  fieldLevelEncryptionIds(): ReadonlySet<string>;
  /** Cache policies and origin request policies that exist (managed ones, and custom ones later). */
  cachePolicyExists(id: string): boolean;
  originRequestPolicyExists(id: string): boolean;
  responseHeadersPolicyExists(id: string): boolean;
  /** Lambda@Edge: what the Lambda service knows of an associated version (lambda-associations.ts). */
  readonly edgeLambdas?: EdgeLambdaLookup;
  /** Whether a real-time log configuration with this ARN exists (a behavior's RealtimeLogConfigArn must name one). */
  realtimeLogConfigExists?(arn: string): boolean;
  /** Whether a VPC origin with this id exists (an origin's VpcOriginConfig must name one). */
  vpcOriginExists?(id: string): boolean;
  /** How many other distributions name this field-level encryption configuration (at most 20 may). */
  distributionsUsingFieldLevelEncryption?(id: string): number;
}
