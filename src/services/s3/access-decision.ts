// The access decision for a caller that is not the account itself (anonymous, CloudFront's OAC or
// OAI): which S3 action and resource a call needs, and whether the bucket policy, the bucket or
// object ACL and the bucket's Block Public Access settings let it through. Follows the S3 User
// Guide "How Amazon S3 authorizes a request" (an explicit Deny in the policy wins; otherwise an
// Allow from the policy or a grant in the ACL admits), "Access control list (ACL) overview" (which
// ACL permission stands for which action) and "Blocking public access to your Amazon S3 storage"
// (RestrictPublicBuckets: a public policy admits only AWS service principals and the account's own
// users, so not anonymous callers nor an OAI; IgnorePublicAcls: grants to AllUsers and
// AuthenticatedUsers count for nothing). With Object Ownership BucketOwnerEnforced, ACLs are
// disabled and grant nothing.
//
// Not done: IAM identity policies and cross-account callers (there is one account; its signed
// requests are always allowed by access.ts); the LogDelivery group has no caller here yet.
import type { Owner, Permission as AclPermission } from "@aws-sdk/client-s3";
import type { AuthorizeCall } from "../../api/service.ts";
import type { BucketRecord, S3Storage } from "./storage.ts";
import type { DenialReason } from "./access-warnings.ts";
import { parseCopySource } from "./handlers/objects.ts";
import { BucketPolicyError, evaluateBucketPolicy, parseBucketPolicy, s3BucketArn, s3ObjectArn, type BucketPolicy, type PolicyPrincipal } from "./bucket-policy.ts";
import { aclAllows, type AclCaller, type StoredAcl } from "./acl.ts";
import { aclsEnabled, isPublicPolicy, publicAccessBlock } from "./public-access.ts";

/** A caller whose access the bucket's policy and ACLs decide: anonymous or CloudFront, with its condition keys. */
export interface PolicyCaller {
  readonly kind: "policy";
  readonly principal: PolicyPrincipal;
  readonly context: Readonly<Record<string, string>>;
}

/** What the decision says: allowed, or why not. */
export type Verdict = "Allow" | Exclude<DenialReason, "AccountOnly">;

/**
 * S3 actions whose name is not `s3:<Operation>` ("Required permissions for Amazon S3 API
 * operations"). Every other operation needs the action of its own name (GetBucketPolicy →
 * s3:GetBucketPolicy).
 */
const ACTIONS: Readonly<Record<string, string>> = {
  HeadObject: "s3:GetObject",
  HeadBucket: "s3:ListBucket",
  ListObjects: "s3:ListBucket",
  ListObjectsV2: "s3:ListBucket",
  ListObjectVersions: "s3:ListBucketVersions",
  ListBuckets: "s3:ListAllMyBuckets",
  CopyObject: "s3:PutObject",
  DeleteObjects: "s3:DeleteObject",
  CreateMultipartUpload: "s3:PutObject",
  UploadPart: "s3:PutObject",
  UploadPartCopy: "s3:PutObject",
  CompleteMultipartUpload: "s3:PutObject",
  ListParts: "s3:ListMultipartUploadParts",
  ListMultipartUploads: "s3:ListBucketMultipartUploads",
  GetBucketCors: "s3:GetBucketCORS",
  PutBucketCors: "s3:PutBucketCORS",
  DeleteBucketCors: "s3:PutBucketCORS",
  DeleteBucketTagging: "s3:PutBucketTagging",
  DeleteBucketPolicy: "s3:DeleteBucketPolicy",
  PutBucketOwnershipControls: "s3:PutBucketOwnershipControls",
  DeleteBucketOwnershipControls: "s3:PutBucketOwnershipControls",
  GetPublicAccessBlock: "s3:GetBucketPublicAccessBlock",
  PutPublicAccessBlock: "s3:PutBucketPublicAccessBlock",
  DeletePublicAccessBlock: "s3:PutBucketPublicAccessBlock",
  GetBucketLifecycleConfiguration: "s3:GetLifecycleConfiguration",
  PutBucketLifecycleConfiguration: "s3:PutLifecycleConfiguration",
  DeleteBucketLifecycle: "s3:PutLifecycleConfiguration",
  GetBucketEncryption: "s3:GetEncryptionConfiguration",
  PutBucketEncryption: "s3:PutEncryptionConfiguration",
  DeleteBucketEncryption: "s3:PutEncryptionConfiguration",
  GetBucketReplication: "s3:GetReplicationConfiguration",
  PutBucketReplication: "s3:PutReplicationConfiguration",
  DeleteBucketReplication: "s3:PutReplicationConfiguration",
  GetBucketAccelerateConfiguration: "s3:GetAccelerateConfiguration",
  PutBucketAccelerateConfiguration: "s3:PutAccelerateConfiguration",
  GetBucketNotificationConfiguration: "s3:GetBucketNotification",
  PutBucketNotificationConfiguration: "s3:PutBucketNotification",
  GetObjectLockConfiguration: "s3:GetBucketObjectLockConfiguration",
  PutObjectLockConfiguration: "s3:PutBucketObjectLockConfiguration",
};

/** Actions that have a `…Version…` form when the call names a version id. */
const VERSION_ACTIONS: Readonly<Record<string, string>> = {
  "s3:GetObject": "s3:GetObjectVersion",
  "s3:DeleteObject": "s3:DeleteObjectVersion",
  "s3:GetObjectAcl": "s3:GetObjectVersionAcl",
  "s3:PutObjectAcl": "s3:PutObjectVersionAcl",
  "s3:GetObjectTagging": "s3:GetObjectVersionTagging",
  "s3:PutObjectTagging": "s3:PutObjectVersionTagging",
  "s3:DeleteObjectTagging": "s3:DeleteObjectVersionTagging",
};

/** The S3 action an operation needs. */
export function s3ActionFor(operation: string): string {
  return ACTIONS[operation] ?? `s3:${operation}`;
}

/** One permission a call needs: an action on a resource of a bucket, with extra condition keys. */
export interface Permission {
  readonly bucket: string;
  readonly action: string;
  readonly resource: string;
  /** The object of an object action (its ACL may grant the action). */
  readonly key?: string | undefined;
  readonly versionId?: string | undefined;
  readonly context?: Readonly<Record<string, string>>;
}

/** Every permission a call needs. */
export function permissionsFor(call: AuthorizeCall, bucket: string, key: string | undefined): Permission[] {
  const input = call.input;
  const versionId = typeof input["VersionId"] === "string" ? input["VersionId"] : undefined;
  const base = s3ActionFor(call.operation);
  const action = versionId !== undefined ? (VERSION_ACTIONS[base] ?? base) : base;
  const resource = key === undefined ? s3BucketArn(bucket) : s3ObjectArn(bucket, key);
  switch (call.operation) {
    case "ListObjects":
    case "ListObjectsV2": {
      // The listing condition keys (S3 guide "Bucket policy examples using condition keys"): s3:prefix, s3:delimiter, s3:max-keys.
      const context: Record<string, string> = {};
      if (typeof input["Prefix"] === "string") context["s3:prefix"] = input["Prefix"];
      if (typeof input["Delimiter"] === "string") context["s3:delimiter"] = input["Delimiter"];
      if (input["MaxKeys"] !== undefined) context["s3:max-keys"] = String(input["MaxKeys"]);
      return [{ bucket, action, resource, context }];
    }
    case "DeleteObjects": {
      const objects = (input["Delete"] as { Objects?: Array<{ Key?: string; VersionId?: string }> } | undefined)?.Objects ?? [];
      return objects.map((o) => ({ bucket, action: o.VersionId !== undefined ? "s3:DeleteObjectVersion" : action, resource: s3ObjectArn(bucket, o.Key ?? ""), key: o.Key ?? "" }));
    }
    case "CopyObject":
    case "UploadPartCopy": {
      // Copying reads the source as s3:GetObject under the source bucket's policy and ACL.
      const source = parseCopySource(String(input["CopySource"] ?? ""));
      return [
        { bucket, action: base, resource, key, context: aclConditionKeys(input) },
        { bucket: source.bucket, action: "s3:GetObject", resource: s3ObjectArn(source.bucket, source.key), key: source.key },
      ];
    }
    default:
      return [{ bucket, action, resource, key, versionId, context: aclConditionKeys(input) }];
  }
}

/** s3:x-amz-acl and s3:x-amz-grant-* of a request that sets an ACL ("Condition keys for Amazon S3"). */
function aclConditionKeys(input: Readonly<Record<string, unknown>>): Record<string, string> {
  const context: Record<string, string> = {};
  for (const [member, key] of ACL_CONDITION_KEYS) {
    const value = input[member];
    if (typeof value === "string") context[key] = value;
  }
  return context;
}

const ACL_CONDITION_KEYS: ReadonlyArray<[string, string]> = [
  ["ACL", "s3:x-amz-acl"],
  ["GrantFullControl", "s3:x-amz-grant-full-control"],
  ["GrantRead", "s3:x-amz-grant-read"],
  ["GrantReadACP", "s3:x-amz-grant-read-acp"],
  ["GrantWrite", "s3:x-amz-grant-write"],
  ["GrantWriteACP", "s3:x-amz-grant-write-acp"],
];

/**
 * The decision on one permission: an explicit Deny of the policy wins, then an Allow of the policy,
 * then a grant of the ACL; otherwise the most telling reason why not.
 */
export function decide(bucket: BucketRecord, who: PolicyCaller, p: Permission, storage: S3Storage, owner: Owner): Verdict {
  const byPolicy = policyVerdict(bucket, who, p);
  if (byPolicy === "Allow" || byPolicy === "ExplicitDeny") return byPolicy;
  const byAcl = aclVerdict(bucket, who, p, storage, owner);
  return byAcl ?? byPolicy;
}

function policyVerdict(bucket: BucketRecord, who: PolicyCaller, p: Permission): Verdict {
  const text = bucket.config.policy;
  if (text === undefined) return "NoPolicy";
  const policy = compiledPolicy(text);
  if (policy === undefined) return "InvalidPolicy";
  const verdict = evaluateBucketPolicy(policy.parsed, { principal: who.principal, action: p.action, resource: p.resource, context: { ...who.context, ...p.context } }).decision;
  // RestrictPublicBuckets: of a public policy, only AWS service principals (an OAC) keep their access.
  if (verdict === "Allow" && policy.isPublic && who.principal.type !== "service" && publicAccessBlock(bucket).RestrictPublicBuckets) return "PublicPolicyRestricted";
  return verdict;
}

/** What the ACL says: Allow, why a grant it has does not count, or undefined when it grants nothing. */
function aclVerdict(bucket: BucketRecord, who: PolicyCaller, p: Permission, storage: S3Storage, owner: Owner): Verdict | undefined {
  const target = ACL_PERMISSIONS[p.action];
  if (target === undefined) return undefined;
  let acl: StoredAcl | undefined;
  if (target.on === "bucket") {
    acl = bucket.config.acl;
  } else {
    const version = p.key === undefined ? undefined : storage.getVersion(bucket.name, p.key, p.versionId);
    if (version === undefined || version.deleteMarker) return undefined;
    acl = version.meta.acl;
  }
  const caller = aclCaller(who);
  if (!aclAllows(acl, owner, caller, target.permission, false)) return undefined;
  if (!aclsEnabled(bucket)) return "AclDisabled";
  if (publicAccessBlock(bucket).IgnorePublicAcls && !aclAllows(acl, owner, caller, target.permission, true)) return "PublicAclIgnored";
  return "Allow";
}

/** Which ACL permission, of the bucket or of the object, grants an action (ACL overview, "Mapping of ACL permissions and access policy permissions"). */
const ACL_PERMISSIONS: Readonly<Record<string, { on: "bucket" | "object"; permission: AclPermission }>> = {
  "s3:GetObject": { on: "object", permission: "READ" },
  "s3:GetObjectVersion": { on: "object", permission: "READ" },
  "s3:GetObjectAcl": { on: "object", permission: "READ_ACP" },
  "s3:GetObjectVersionAcl": { on: "object", permission: "READ_ACP" },
  "s3:PutObjectAcl": { on: "object", permission: "WRITE_ACP" },
  "s3:PutObjectVersionAcl": { on: "object", permission: "WRITE_ACP" },
  "s3:ListBucket": { on: "bucket", permission: "READ" },
  "s3:ListBucketVersions": { on: "bucket", permission: "READ" },
  "s3:ListBucketMultipartUploads": { on: "bucket", permission: "READ" },
  "s3:PutObject": { on: "bucket", permission: "WRITE" },
  "s3:DeleteObject": { on: "bucket", permission: "WRITE" },
  "s3:DeleteObjectVersion": { on: "bucket", permission: "WRITE" },
  "s3:GetBucketAcl": { on: "bucket", permission: "READ_ACP" },
  "s3:PutBucketAcl": { on: "bucket", permission: "WRITE_ACP" },
};

/** Anonymous callers match AllUsers; CloudFront's signed requests AuthenticatedUsers too, and an OAI its canonical user. */
function aclCaller(who: PolicyCaller): AclCaller {
  const p = who.principal;
  if (p.type === "anonymous") return { authenticated: false };
  if (p.type === "oai") return { authenticated: true, canonicalUserId: p.canonicalUserId };
  if (p.type === "canonicalUser") return { authenticated: true, canonicalUserId: p.id };
  return { authenticated: true };
}

const policyCache = new Map<string, { parsed: BucketPolicy; isPublic: boolean } | null>();

/** The parsed policy and whether it is public (cached by text); undefined when it cannot be evaluated. */
function compiledPolicy(text: string): { parsed: BucketPolicy; isPublic: boolean } | undefined {
  let entry = policyCache.get(text);
  if (entry === undefined) {
    try {
      entry = { parsed: parseBucketPolicy(text), isPublic: isPublicPolicy(text) };
    } catch (err) {
      // Stored before it could be checked: a policy S3 would have refused grants nothing.
      if (!(err instanceof BucketPolicyError)) throw err;
      entry = null;
    }
    if (policyCache.size > 100) policyCache.clear();
    policyCache.set(text, entry);
  }
  return entry ?? undefined;
}
