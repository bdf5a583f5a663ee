// Block Public Access (bucket level) and Object Ownership settings, and the test S3 applies to call
// a bucket policy public. Follows the S3 User Guide "Blocking public access to your Amazon S3
// storage" (the four settings and "The meaning of 'public'") and "Controlling ownership of objects
// and disabling ACLs for your bucket".
//
// A policy is public unless every Allow statement is limited to fixed values: a principal that is
// not a wildcard (an account, IAM ARN, service principal or canonical user), or, for a `*`
// principal, a condition with a positive operator and wildcard-free values on one of the keys the
// User Guide lists (aws:SourceArn, aws:SourceAccount, aws:SourceVpc(e), aws:SourceIp, ...). An IP
// range of all addresses (0.0.0.0/0, ::/0) does not limit anything. Deny statements never make a
// policy public.
//
// Not done: account-level and access-point-level settings (only the bucket's own configuration
// exists here); the "AROLEID:*" exception for aws:userid.
import type { ObjectOwnership, PublicAccessBlockConfiguration } from "@aws-sdk/client-s3";
import type { BucketRecord } from "./storage.ts";

/** The Object Ownership values of OwnershipControls. */
export const OBJECT_OWNERSHIP: readonly ObjectOwnership[] = ["BucketOwnerEnforced", "BucketOwnerPreferred", "ObjectWriter"];

/**
 * A bucket's Object Ownership. Buckets created by this version of minifront record it (default
 * BucketOwnerEnforced, as S3 since April 2023); a bucket without the setting (created earlier, or
 * after DeleteBucketOwnershipControls) behaves as ObjectWriter, as S3's buckets without controls do.
 */
export function objectOwnership(bucket: BucketRecord): ObjectOwnership | undefined {
  return bucket.config.ownership;
}

/** With BucketOwnerEnforced, ACLs are disabled: they neither grant nor can be set. */
export function aclsEnabled(bucket: BucketRecord): boolean {
  return objectOwnership(bucket) !== "BucketOwnerEnforced";
}

/** The bucket's public access block, all false when it has none. */
export function publicAccessBlock(bucket: BucketRecord): Required<PublicAccessBlockConfiguration> {
  const c = bucket.config.publicAccessBlock ?? {};
  return { BlockPublicAcls: c.BlockPublicAcls === true, IgnorePublicAcls: c.IgnorePublicAcls === true, BlockPublicPolicy: c.BlockPublicPolicy === true, RestrictPublicBuckets: c.RestrictPublicBuckets === true };
}

/** Condition keys whose fixed values make a `*` principal non-public ("The meaning of 'public'"). */
const LIMITING_KEYS: ReadonlySet<string> = new Set(
  [
    "aws:SourceArn",
    "aws:SourceAccount",
    "aws:SourceOwner",
    "aws:SourceVpc",
    "aws:SourceVpce",
    "aws:SourceIp",
    "aws:SourceOrgID",
    "aws:SourceOrgPaths",
    "aws:PrincipalArn",
    "aws:PrincipalAccount",
    "aws:PrincipalOrgID",
    "aws:PrincipalOrgPaths",
    "aws:userid",
    "s3:DataAccessPointArn",
    "s3:DataAccessPointAccount",
  ].map((k) => k.toLowerCase()),
);

/** Operators that limit a key to the listed values (negated ones and Null do not). */
const LIMITING_OPERATORS = /^(StringEquals|StringEqualsIgnoreCase|StringLike|ArnEquals|ArnLike|IpAddress)(IfExists)?$/;

/** True when S3 would call this bucket policy public; a document that is not JSON grants nothing. */
export function isPublicPolicy(text: string): boolean {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return false;
  }
  const raw = (doc as { Statement?: unknown } | null)?.Statement;
  const statements = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  return statements.some((s) => isObject(s) && s["Effect"] === "Allow" && !statementIsLimited(s));
}

function statementIsLimited(s: Record<string, unknown>): boolean {
  if (s["NotPrincipal"] !== undefined) return false;
  if (!principalIsWildcard(s["Principal"])) return true;
  const condition = s["Condition"];
  if (!isObject(condition)) return false;
  for (const [operator, block] of Object.entries(condition)) {
    const bare = operator.replace(/^For(Any|All)Value:/, "");
    if (!LIMITING_OPERATORS.test(bare) || !isObject(block)) continue;
    for (const [key, values] of Object.entries(block)) {
      if (!LIMITING_KEYS.has(key.toLowerCase())) continue;
      const list = (Array.isArray(values) ? values : [values]).map(String);
      if (list.length > 0 && list.every((v) => fixedValue(v, bare.startsWith("IpAddress")))) return true;
    }
  }
  return false;
}

function principalIsWildcard(principal: unknown): boolean {
  if (principal === "*") return true;
  if (!isObject(principal)) return false;
  return Object.values(principal).some((v) => (Array.isArray(v) ? v : [v]).some((x) => typeof x === "string" && x.includes("*")));
}

function fixedValue(value: string, ip: boolean): boolean {
  if (ip) return !/\/0$/.test(value.trim());
  return !/[*?]|\$\{/.test(value);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
