// S3 access control lists (ACLs): what a request asks for (canned ACL, x-amz-grant-* headers or an
// AccessControlPolicy document), what is stored, the grants S3 reports, and whether an ACL grants a
// caller a permission. Follows the S3 User Guide "Access control list (ACL) overview" (grantees,
// permissions, the canned ACL table), "Controlling ownership of objects and disabling ACLs for your
// bucket" (BucketOwnerEnforced accepts only ACLs that give the bucket owner full control) and the
// PutBucketAcl / PutObjectAcl API reference (errors).
//
// Stored form: the canned name as asked (expanded with the account's canonical id when read, so
// a data directory survives a change of account id), or the explicit grants.
//
// Not done: email grantees (S3 stopped accepting them in 2025 and answers 405; so do we); the EC2
// grantee of aws-exec-read (it expands to the owner's FULL_CONTROL only); objects owned by another
// account (every signed request here is the one account, so object owner = bucket owner).
import type { Grant, Grantee, Owner, Permission } from "@aws-sdk/client-s3";
import { ServiceError } from "../../api/errors.ts";

export const ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers";
export const AUTHENTICATED_USERS = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers";
export const LOG_DELIVERY = "http://acs.amazonaws.com/groups/s3/LogDelivery";
const GROUPS: ReadonlySet<string> = new Set([ALL_USERS, AUTHENTICATED_USERS, LOG_DELIVERY]);

const PERMISSIONS: ReadonlySet<string> = new Set(["FULL_CONTROL", "READ", "WRITE", "READ_ACP", "WRITE_ACP"]);

/** Canned ACLs S3 accepts ("Canned ACL" table; bucket-owner-* are accepted and ignored on buckets). */
export const CANNED_ACLS = ["private", "public-read", "public-read-write", "aws-exec-read", "authenticated-read", "bucket-owner-read", "bucket-owner-full-control", "log-delivery-write"] as const;
export type CannedAcl = (typeof CANNED_ACLS)[number];

/** An ACL as stored on a bucket or an object. */
export type StoredAcl = { readonly canned: CannedAcl } | { readonly grants: readonly Grant[] };

/** The ACL members of a request (CreateBucket, PutObject, PutBucketAcl, ...), as the model parses them. */
export interface AclRequest {
  readonly ACL?: string | undefined;
  readonly GrantFullControl?: string | undefined;
  readonly GrantRead?: string | undefined;
  readonly GrantReadACP?: string | undefined;
  readonly GrantWrite?: string | undefined;
  readonly GrantWriteACP?: string | undefined;
}

const GRANT_HEADERS: ReadonlyArray<[keyof AclRequest, Permission, string]> = [
  ["GrantFullControl", "FULL_CONTROL", "x-amz-grant-full-control"],
  ["GrantRead", "READ", "x-amz-grant-read"],
  ["GrantReadACP", "READ_ACP", "x-amz-grant-read-acp"],
  ["GrantWrite", "WRITE", "x-amz-grant-write"],
  ["GrantWriteACP", "WRITE_ACP", "x-amz-grant-write-acp"],
];

export const ACL_MESSAGES = {
  bothCannedAndGrants: "Specifying both Canned ACLs and Header Grants is not allowed",
  unexpectedContent: "This request does not support content",
  missingHeader: "Your request was missing a required header",
  malformedAcl: "The XML you provided was not well-formed or did not validate against our published schema",
  notSupported: "The bucket does not allow ACLs",
  enforcedAtCreate: "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting",
  emailGrantee: "Email Grantee ACLs are no longer supported.",
} as const;

/** Throws an S3 error with the status S3 gives it (codes the S3 model does not declare). */
export function aclFail(code: string, message: string, status: number, details: Record<string, string> = {}): never {
  throw new ServiceError(code, message, status, { details });
}

/**
 * The ACL a request's x-amz-acl / x-amz-grant-* headers ask for; undefined when it names none.
 * Throws InvalidRequest when both kinds are given, InvalidArgument for an unknown canned ACL or a
 * grantee S3 would not parse.
 */
export function aclFromRequest(req: AclRequest): StoredAcl | undefined {
  const withGrants = GRANT_HEADERS.filter(([member]) => req[member] !== undefined);
  if (req.ACL !== undefined && withGrants.length > 0) aclFail("InvalidRequest", ACL_MESSAGES.bothCannedAndGrants, 400);
  if (req.ACL !== undefined) {
    if (!(CANNED_ACLS as readonly string[]).includes(req.ACL)) aclFail("InvalidArgument", "", 400, { ArgumentName: "x-amz-acl", ArgumentValue: req.ACL });
    return { canned: req.ACL as CannedAcl };
  }
  if (withGrants.length === 0) return undefined;
  const grants: Grant[] = [];
  for (const [member, permission, header] of withGrants) {
    for (const item of splitGrantees(String(req[member]))) grants.push({ Grantee: granteeFromHeader(item, header), Permission: permission });
  }
  return { grants };
}

/** `id="…", uri="…"`: commas inside quotes do not split. */
function splitGrantees(value: string): string[] {
  const out: string[] = [];
  let current = "";
  let quoted = false;
  for (const c of value) {
    if (c === '"') quoted = !quoted;
    if (c === "," && !quoted) {
      out.push(current.trim());
      current = "";
    } else current += c;
  }
  if (current.trim() !== "") out.push(current.trim());
  return out;
}

function granteeFromHeader(item: string, header: string): Grantee {
  const eq = item.indexOf("=");
  const type = eq < 0 ? "" : item.slice(0, eq).trim();
  const value = eq < 0 ? "" : item.slice(eq + 1).trim().replace(/^"(.*)"$/, "$1");
  switch (type) {
    case "id":
      if (!isCanonicalId(value)) aclFail("InvalidArgument", "Invalid id", 400, { ArgumentName: "id", ArgumentValue: value });
      return { Type: "CanonicalUser", ID: value };
    case "uri":
      if (!GROUPS.has(value)) aclFail("InvalidArgument", "Invalid group uri", 400, { ArgumentName: "uri", ArgumentValue: value });
      return { Type: "Group", URI: value };
    case "emailAddress":
      // "End of support notice": email grantees are answered 405 since October 2025.
      return aclFail("MethodNotAllowed", ACL_MESSAGES.emailGrantee, 405);
    default:
      return aclFail("InvalidArgument", "Argument format not recognized", 400, { ArgumentName: header, ArgumentValue: item });
  }
}

/**
 * The ACL of a PutBucketAcl / PutObjectAcl request: headers or an AccessControlPolicy body, exactly
 * one of them (MissingSecurityHeader without either, UnexpectedContent with both).
 */
export function aclFromPut(req: AclRequest & { readonly AccessControlPolicy?: { Grants?: Grant[]; Owner?: Owner } | undefined }): StoredAcl {
  const fromHeaders = aclFromRequest(req);
  const body = req.AccessControlPolicy;
  if (fromHeaders !== undefined && body !== undefined) aclFail("UnexpectedContent", ACL_MESSAGES.unexpectedContent, 400);
  if (fromHeaders !== undefined) return fromHeaders;
  if (body === undefined) aclFail("MissingSecurityHeader", ACL_MESSAGES.missingHeader, 400, { MissingHeaderName: "x-amz-acl" });
  return { grants: grantsFromPolicy(body) };
}

/** Checks an AccessControlPolicy document's grants (MalformedACLError / InvalidArgument as S3 answers). */
function grantsFromPolicy(policy: { Grants?: Grant[]; Owner?: Owner }): Grant[] {
  if (policy.Owner === undefined) aclFail("MalformedACLError", ACL_MESSAGES.malformedAcl, 400);
  if (!isCanonicalId(policy.Owner.ID ?? "")) aclFail("InvalidArgument", "Invalid id", 400, { ArgumentName: "CanonicalUser/ID", ArgumentValue: policy.Owner.ID ?? "" });
  const grants: Grant[] = [];
  for (const g of policy.Grants ?? []) {
    if (!PERMISSIONS.has(g.Permission ?? "")) aclFail("MalformedACLError", ACL_MESSAGES.malformedAcl, 400);
    const grantee = g.Grantee ?? aclFail("MalformedACLError", ACL_MESSAGES.malformedAcl, 400);
    // The reader ignores XML attributes, so xsi:type is told from the element the grantee has.
    if (grantee.EmailAddress !== undefined) aclFail("MethodNotAllowed", ACL_MESSAGES.emailGrantee, 405);
    if (grantee.URI !== undefined) {
      if (!GROUPS.has(grantee.URI)) aclFail("InvalidArgument", "Invalid group uri", 400, { ArgumentName: "Group/URI", ArgumentValue: grantee.URI });
      grants.push({ Grantee: { Type: "Group", URI: grantee.URI }, Permission: g.Permission as Permission });
    } else if (grantee.ID !== undefined) {
      if (!isCanonicalId(grantee.ID)) aclFail("InvalidArgument", "Invalid id", 400, { ArgumentName: "CanonicalUser/ID", ArgumentValue: grantee.ID });
      grants.push({ Grantee: { Type: "CanonicalUser", ID: grantee.ID }, Permission: g.Permission as Permission });
    } else {
      aclFail("MalformedACLError", ACL_MESSAGES.malformedAcl, 400);
    }
  }
  return grants;
}

/** S3 canonical user ids are 64 hex digits. */
function isCanonicalId(id: string): boolean {
  return /^[0-9a-f]{64}$/.test(id);
}

/**
 * The grants an ACL stands for. `undefined` is the default ACL, private: the owner's FULL_CONTROL.
 * Canned ACLs follow the "Canned ACL" table; the bucket-owner-* ones give nothing extra on a bucket
 * and, with one account owning bucket and objects, nothing beyond the owner's FULL_CONTROL on objects.
 */
export function aclGrants(acl: StoredAcl | undefined, owner: Owner): Grant[] {
  if (acl !== undefined && "grants" in acl) return acl.grants.map((g) => ({ ...g, Grantee: withDisplayName(g.Grantee, owner) }));
  const ownerGrant: Grant = { Grantee: { Type: "CanonicalUser", ...owner }, Permission: "FULL_CONTROL" };
  const group = (uri: string, permission: Permission): Grant => ({ Grantee: { Type: "Group", URI: uri }, Permission: permission });
  switch (acl?.canned) {
    case "public-read":
      return [ownerGrant, group(ALL_USERS, "READ")];
    case "public-read-write":
      return [ownerGrant, group(ALL_USERS, "READ"), group(ALL_USERS, "WRITE")];
    case "authenticated-read":
      return [ownerGrant, group(AUTHENTICATED_USERS, "READ")];
    case "log-delivery-write":
      return [ownerGrant, group(LOG_DELIVERY, "WRITE"), group(LOG_DELIVERY, "READ_ACP")];
    default:
      return [ownerGrant];
  }
}

function withDisplayName(grantee: Grantee | undefined, owner: Owner): Grantee {
  const g: Grantee = { ...(grantee ?? { Type: "CanonicalUser" }) };
  if (g.Type === "CanonicalUser" && g.ID === owner.ID && owner.DisplayName !== undefined) g.DisplayName = owner.DisplayName;
  return g;
}

/** "Amazon S3 considers a bucket or object ACL public if it grants any permissions to members of the predefined AllUsers or AuthenticatedUsers groups." */
export function isPublicAcl(acl: StoredAcl | undefined): boolean {
  return publicGrantIn(aclGrants(acl, { ID: "" }));
}

function publicGrantIn(grants: readonly Grant[]): boolean {
  return grants.some((g) => g.Grantee?.URI === ALL_USERS || g.Grantee?.URI === AUTHENTICATED_USERS);
}

/**
 * True when the ACL only gives the bucket owner full control: what a bucket with ACLs disabled
 * (BucketOwnerEnforced) still accepts ("bucket-owner-full-control ... or an equivalent form").
 */
export function ownerOnlyAcl(acl: StoredAcl, ownerId: string): boolean {
  return aclGrants(acl, { ID: ownerId }).every((g) => g.Grantee?.Type === "CanonicalUser" && g.Grantee.ID === ownerId && g.Permission === "FULL_CONTROL");
}

/** Who asks, as ACL grantees see it. */
export interface AclCaller {
  /** Signed (an AWS identity): AuthenticatedUsers grants apply. */
  readonly authenticated: boolean;
  /** The caller's canonical user id, when it has one (an OAI). */
  readonly canonicalUserId?: string | undefined;
}

/**
 * Does the ACL grant `permission` to `caller`? FULL_CONTROL includes every permission. With
 * `ignorePublic` (IgnorePublicAcls), grants to AllUsers and AuthenticatedUsers count for nothing.
 */
export function aclAllows(acl: StoredAcl | undefined, owner: Owner, caller: AclCaller, permission: Permission, ignorePublic: boolean): boolean {
  return aclGrants(acl, owner).some((g) => {
    if (g.Permission !== permission && g.Permission !== "FULL_CONTROL") return false;
    const grantee = g.Grantee;
    if (grantee?.URI === ALL_USERS) return !ignorePublic;
    if (grantee?.URI === AUTHENTICATED_USERS) return !ignorePublic && caller.authenticated;
    return grantee?.Type === "CanonicalUser" && caller.canonicalUserId !== undefined && grantee.ID === caller.canonicalUserId;
  });
}
