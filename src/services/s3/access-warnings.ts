// `--s3-access warn`, the default (issue #12 "the seed tutorial works as written"): a request the
// embedded S3 would refuse on AWS is served anyway, and minifront says so once per caller and
// bucket, naming what AWS would answer and the fix. access.ts decides exactly as in `enforce`;
// this module words the warning and remembers which ones were given.
//
// What AWS would answer follows access.ts and access-decision.ts (bucket policy, ACLs, Object
// Ownership and Block Public Access, the 403-instead-of-404 rule of GetObject) and the fixes follow "Restricting access to an Amazon S3 origin" (an origin access
// control plus a bucket policy for the service principal cloudfront.amazonaws.com with
// AWS:SourceArn naming the distribution), "Restricting access ... with an origin access identity"
// (legacy OAI principal) and "Setting permissions for website access" (a public-read policy).
//
// Who asked: the edge signs OAC/OAI requests, so S3 knows their distribution or OAI. A request
// from an origin without OAC is anonymous; it is told apart from a viewer's own request by the
// headers every CloudFront origin request carries (Via `... (CloudFront)` and X-Amz-Cf-Id), and
// its distribution is looked up among the distributions whose S3 origin names this bucket without
// OAC or OAI (one for the tutorial; all of them when several share the bucket).
//
// Not done: an OAC whose signing behavior is `never` sends unsigned requests too; its warning
// does not find the distribution (the lookup skips origins with an OAC). A forged Via/X-Amz-Cf-Id makes a direct request's warning talk about CloudFront (it
// only changes the wording of a log line); warnings are kept for the process's life (a reset of
// the state does not repeat them).
import type { DistributionConfig } from "@aws-sdk/client-cloudfront";
import type { Logger } from "../../log.ts";
import { originAccessIdentityPrincipalArn, s3BucketArn } from "./bucket-policy.ts";
import { parseS3OriginDomain } from "./origin-address.ts";

/** Why the bucket policy does not allow a request. */
export type DenialReason =
  /** The bucket has no policy. */
  | "NoPolicy"
  /** A stored policy that cannot be evaluated grants nothing. */
  | "InvalidPolicy"
  /** The policy has no statement that allows it. */
  | "ImplicitDeny"
  /** A Deny statement matches. */
  | "ExplicitDeny"
  /** The policy allows it, but it is public and the bucket's RestrictPublicBuckets setting ignores it for this caller. */
  | "PublicPolicyRestricted"
  /** An ACL grants it, but the bucket's Object Ownership (BucketOwnerEnforced) disables ACLs. */
  | "AclDisabled"
  /** A public ACL grant allows it, but the bucket's IgnorePublicAcls setting ignores public grants. */
  | "PublicAclIgnored"
  /** CreateBucket and ListBuckets: no bucket policy grants them, only the account's credentials. */
  | "AccountOnly";

/** Who made a request S3 would refuse. */
export type DeniedCaller =
  /** Through CloudFront, from an origin without OAC/OAI: these distributions (may be none found). */
  | { readonly kind: "cloudfront"; readonly distributionIds: readonly string[] }
  /** An OAC-signed request of this distribution. */
  | { readonly kind: "oac"; readonly distributionId: string; readonly sourceArn: string }
  /** A request signed as this origin access identity. */
  | { readonly kind: "oai"; readonly oaiId: string }
  /** An anonymous request to the S3 REST API, not from CloudFront. */
  | { readonly kind: "anonymous"; readonly method: string }
  /** An anonymous request to a bucket's website endpoint (CloudFront's included). */
  | { readonly kind: "website" };

export interface DeniedRequest {
  readonly caller: DeniedCaller;
  readonly bucket: string;
  /** The object key of the request, for `s3://bucket/key` (none for bucket operations). */
  readonly key?: string | undefined;
  /** The S3 action the policy did not allow, e.g. `s3:GetObject`. */
  readonly action: string;
  readonly reason: DenialReason;
  /** The object is missing and s3:ListBucket was not allowed: S3 answers 403, minifront 404. */
  readonly missingKey?: boolean;
  /** The X-Amz-Cf-Id of the edge request behind it, to find it in the request log (issue 15). */
  readonly requestId?: string | undefined;
}

const CLOUDFRONT_SERVICE = "cloudfront.amazonaws.com";
const ENFORCE_HINT = "Start with --s3-access enforce to get the 403 here.";

/** The warnings given so far; each distinct one is logged once, at `warn`. */
export class AccessWarnings {
  private readonly log: Pick<Logger, "warn">;
  private readonly accountId: string;
  private readonly seen = new Set<string>();
  private readonly lines: string[] = [];
  private readonly listeners = new Set<(denial: { readonly requestId: string | undefined; readonly line: string }) => void>();

  constructor(log: Pick<Logger, "warn">, accountId: string) {
    this.log = log;
    this.accountId = accountId;
  }

  /** Logs the warning for `denied` unless one was given for the same caller and bucket. */
  record(denied: DeniedRequest): void {
    // Every denial, repeated ones too, for whoever listens (the dashboard's request detail).
    if (this.listeners.size > 0) {
      const heard = { requestId: denied.requestId, line: describeDenial(denied, this.accountId) };
      for (const listener of this.listeners) listener(heard);
    }
    const key = `${callerKey(denied.caller)}\u0000${denied.bucket}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    const line = withRequestId(describeDenial(denied, this.accountId), denied.requestId);
    this.lines.push(line);
    this.log.warn(line);
  }

  /** Hears every denial until the returned function is called. */
  onDenial(listener: (denial: { readonly requestId: string | undefined; readonly line: string }) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  /** Every warning given, in order. */
  list(): readonly string[] {
    return [...this.lines];
  }
}

/** Names the edge request behind the warning, before the closing hint (the line still ends with it). */
function withRequestId(line: string, requestId: string | undefined): string {
  if (!requestId) return line;
  const at = line.endsWith(ENFORCE_HINT) ? line.length - ENFORCE_HINT.length : line.length;
  return `${line.slice(0, at)}${at === line.length ? " " : ""}Edge request ${requestId}.${at < line.length ? " " : ""}${line.slice(at)}`;
}

/** One warning per distribution (or OAI, website, anonymous method) and bucket. */
function callerKey(caller: DeniedCaller): string {
  switch (caller.kind) {
    case "cloudfront":
      return `cloudfront:${caller.distributionIds.join(",")}`;
    case "oac":
      return `oac:${caller.distributionId}`;
    case "oai":
      return `oai:${caller.oaiId}`;
    case "anonymous":
      // A GET and a PUT need different fixes.
      return `anonymous:${caller.method}`;
    case "website":
      return "website";
  }
}

/**
 * The warning: who -> what, what AWS would answer and why, the fix, and how to see the 403 here.
 *
 * @example
 * // E1ABC -> s3://my-cloudfront-bucket/index.html: AWS would answer 403 AccessDenied (the origin
 * // has no origin access control, so CloudFront asks anonymously, and the bucket has no policy).
 * // Add an origin access control to the origin and this bucket policy: {...}. Start with ...
 */
export function describeDenial(d: DeniedRequest, accountId: string): string {
  const target = `s3://${d.bucket}/${d.key ?? ""}`;
  const answer = d.missingKey ? "AWS would answer 403 AccessDenied instead of 404 NoSuchKey" : "AWS would answer 403 AccessDenied";
  const action = d.missingKey ? "s3:ListBucket" : d.action;
  const why = d.missingKey ? `the object does not exist and the bucket policy does not allow ${action}, so S3 does not say that it is missing` : reasonText(d.reason, action);
  const resource = action === "s3:ListBucket" || d.key === undefined ? s3BucketArn(d.bucket) : `${s3BucketArn(d.bucket)}/*`;
  const c = d.caller;
  switch (c.kind) {
    case "cloudfront": {
      const who = c.distributionIds.length > 0 ? c.distributionIds.join(", ") : "a CloudFront distribution";
      const arns = c.distributionIds.length > 0 ? c.distributionIds.map((id) => distributionArn(accountId, id)) : [distributionArn(accountId, "<distribution id>")];
      const policy = policyJson({ Sid: "AllowCloudFrontServicePrincipalReadOnly", Effect: "Allow", Principal: { Service: CLOUDFRONT_SERVICE }, Action: action, Resource: resource, Condition: { StringEquals: { "AWS:SourceArn": arns.length === 1 ? arns[0] : arns } } });
      return `${who} -> ${target}: ${answer} (the origin has no origin access control, so CloudFront asks anonymously, and ${why}). Add an origin access control to the origin and this bucket policy: ${policy}. ${ENFORCE_HINT}`;
    }
    case "oac": {
      const policy = policyJson({ Sid: "AllowCloudFrontServicePrincipalReadOnly", Effect: "Allow", Principal: { Service: CLOUDFRONT_SERVICE }, Action: action, Resource: resource, Condition: { StringEquals: { "AWS:SourceArn": c.sourceArn } } });
      return `${c.distributionId} (origin access control) -> ${target}: ${answer} (${why}). Allow the distribution in the bucket policy: ${policy}. ${ENFORCE_HINT}`;
    }
    case "oai": {
      const policy = policyJson({ Effect: "Allow", Principal: { AWS: originAccessIdentityPrincipalArn(c.oaiId) }, Action: action, Resource: resource });
      return `origin access identity ${c.oaiId} -> ${target}: ${answer} (${why}). Allow the identity in the bucket policy: ${policy}. ${ENFORCE_HINT}`;
    }
    case "anonymous": {
      if (d.reason === "AccountOnly") {
        return `anonymous ${c.method} -> ${target}: ${answer} (${why}). Sign the request with your credentials (aws --endpoint-url ..., any access key). ${ENFORCE_HINT}`;
      }
      if (d.reason === "PublicPolicyRestricted") {
        return `anonymous ${c.method} -> ${target}: ${answer} (the request is unsigned and ${why}). Sign the request with your credentials, or set RestrictPublicBuckets to false with put-public-access-block. ${ENFORCE_HINT}`;
      }
      const policy = policyJson({ Sid: "PublicAccess", Effect: "Allow", Principal: "*", Action: action, Resource: resource });
      return `anonymous ${c.method} -> ${target}: ${answer} (the request is unsigned and ${why}). Sign the request with your credentials, or make this public with a bucket policy: ${policy}. ${ENFORCE_HINT}`;
    }
    case "website": {
      if (d.reason === "PublicPolicyRestricted") {
        return `website endpoint -> ${target}: ${answer} (${why}). Set RestrictPublicBuckets to false with put-public-access-block. ${ENFORCE_HINT}`;
      }
      const policy = policyJson({ Sid: "PublicReadGetObject", Effect: "Allow", Principal: "*", Action: action, Resource: resource });
      return `website endpoint -> ${target}: ${answer} (website endpoints serve only what the bucket policy makes public, and ${why}). Make the content public with a bucket policy: ${policy}. ${ENFORCE_HINT}`;
    }
  }
}

function reasonText(reason: DenialReason, action: string): string {
  switch (reason) {
    case "NoPolicy":
      return "the bucket has no policy";
    case "InvalidPolicy":
      return "the bucket policy cannot be evaluated, so it allows nothing";
    case "ImplicitDeny":
      return `the bucket policy does not allow ${action} to this caller`;
    case "ExplicitDeny":
      return `a Deny statement of the bucket policy refuses ${action}`;
    case "AccountOnly":
      return `only the account's own credentials may do ${action}; no bucket policy grants it`;
    case "PublicPolicyRestricted":
      return `the bucket policy allows ${action} publicly, but the bucket's public access block has RestrictPublicBuckets, so the public policy admits only AWS services and the account`;
    case "AclDisabled":
      return `an ACL grants ${action}, but the bucket's Object Ownership is BucketOwnerEnforced, which disables ACLs`;
    case "PublicAclIgnored":
      return `a public ACL grants ${action}, but the bucket's public access block has IgnorePublicAcls`;
  }
}

function distributionArn(accountId: string, id: string): string {
  return `arn:aws:cloudfront::${accountId}:distribution/${id}`;
}

function policyJson(statement: object): string {
  return JSON.stringify({ Version: "2012-10-17", Statement: [statement] });
}

/** The headers every CloudFront origin request carries (docs/edge.md §7): Via `... (CloudFront)` and X-Amz-Cf-Id. */
export function looksLikeCloudFront(headers: Readonly<Record<string, string | string[] | undefined>>): boolean {
  const via = headers["via"];
  return headers["x-amz-cf-id"] !== undefined && typeof via === "string" && /\(CloudFront\)\s*$/.test(via);
}

/**
 * The distributions whose S3 REST origin is `bucket` with neither OAC nor OAI: the ones whose
 * origin requests reach this bucket anonymously.
 */
export function distributionsReadingAnonymously(distributions: Iterable<{ readonly Id: string; readonly config: DistributionConfig }>, bucket: string): string[] {
  const out: string[] = [];
  for (const d of distributions) {
    const unsigned = (d.config.Origins?.Items ?? []).some((o) => {
      const name = parseS3OriginDomain(o.DomainName ?? "");
      return name?.kind === "rest" && name.bucket === bucket && !o.OriginAccessControlId && !o.S3OriginConfig?.OriginAccessIdentity;
    });
    if (unsigned) out.push(d.Id);
  }
  return out.sort();
}
