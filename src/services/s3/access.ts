// Access control of the embedded S3 (issue 6 "Origin access"; docs/edge.md §7.4–7.5): who is
// asking, and may they? Real S3 grants the bucket owner's own identities through IAM and everybody
// else through the bucket policy and ACLs; objects are private unless one of them allows the request.
//
// Who is asking (resolvePrincipal):
// - a SigV4 request (Authorization header or presigned query) whose access key is one the edge signs
//   with (cloudfront-identity.ts: `CFD<distribution>` for an OAC, `CFO<OAI>` for an OAI) has its
//   signature verified by signing the request again as received; a wrong one is
//   SignatureDoesNotMatch, as S3 answers. Verified, it is CloudFront: the service principal
//   cloudfront.amazonaws.com with aws:SourceArn / aws:SourceAccount naming the distribution (what S3
//   evaluates for OAC, "Restricting access to an Amazon S3 origin"), or the OAI;
// - any other signed request is the account itself: always allowed (there is no IAM here, and its
//   signature is not checked, as before access control existed);
// - no credentials: anonymous, which only `"Principal": "*"` statements admit.
// May they (authorizeS3, the S3 profile's authorize step): the operation's S3 action on the object
// or bucket ARN ("Required permissions for Amazon S3 API operations", using-with-s3-policy-actions),
// decided by the bucket policy, the bucket and object ACLs and the bucket's Object Ownership and
// Block Public Access settings (access-decision.ts); anything but Allow is AccessDenied (403).
// GetObject/HeadObject of a missing key needs s3:ListBucket too, or it is 403 instead of 404
// (GetObject API reference, "Permissions"). A missing bucket is NoSuchBucket for everyone. Writes
// that the bucket's settings refuse (an ACL where ACLs are disabled, a public policy or ACL where
// they are blocked) are refused for every caller and in every mode (write-checks.ts).
//
// `--s3-access enforce` answers those 403s as S3 does. `warn`, the default, decides the same way
// but serves a refused request and records a warning once per caller and bucket (access-warnings.ts:
// what AWS would answer and the fix), so that a tutorial written for LocalStack's open S3 works and
// says what AWS would do. Authentication errors (a CloudFront signature that does not hold) are
// answered in `warn` too: only a forged request gets them. `open` switches the access decision off
// silently (LocalStack's permissive behaviour); the write checks stay.
//
// Not done: IAM identity policies (the owner is always allowed, even past an explicit Deny in the
// bucket policy); chunk signatures of aws-chunked uploads (the seed signature is verified, the
// chunks are not); a signed `Date` header (the smithy signer recomputes
// it from x-amz-date); SigV4A and SigV2 from CloudFront keys (the edge signs with SigV4 only);
// DeleteObjects is refused whole when any key is denied, where S3 reports AccessDenied per key.
import { timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import { isIP } from "node:net";
import { SignatureV4 } from "@smithy/signature-v4";
import type { AuthorizeCall } from "../../api/service.ts";
import { ServiceError } from "../../api/errors.ts";
import type { S3Service } from "./context.ts";
import { originAccessIdentityCanonicalUserId } from "./cloudfront-identity.ts";
import type { BucketRecord } from "./storage.ts";
import { looksLikeCloudFront, type DeniedCaller, type DeniedRequest } from "./access-warnings.ts";
import { headerString } from "../../http/headers.ts";
import { s3BucketArn, s3ObjectArn } from "./bucket-policy.ts";
import { decide, permissionsFor, s3ActionFor, type PolicyCaller } from "./access-decision.ts";
import { checkWriteAgainstSettings } from "./write-checks.ts";
import { NodeSha256 } from "../../api/node-sha256.ts";

/** Who a request is, as far as access control is concerned. */
export type RequestPrincipal =
  /** Signed with the account's own (non-CloudFront) credentials: allowed everything. */
  | { readonly kind: "owner" }
  /** Anonymous or CloudFront: only what the bucket policy and ACLs allow, with these condition keys. */
  | PolicyCaller;

/** The parts of a request that authentication reads. */
export interface RequestFacts {
  readonly method: string;
  /** The path exactly as sent, percent-encoded. */
  readonly path: string;
  /** The query exactly as sent, without `?`. */
  readonly rawQuery: string;
  readonly headers: IncomingHttpHeaders;
  readonly sourceIp?: string | undefined;
  readonly secure?: boolean | undefined;
}

/** What resolving a principal needs from the service. */
export type AccessSettings = Pick<S3Service, "cloudFrontIdentity" | "clock" | "accountId">;

/** Messages as S3 words them (S3 API reference "Error responses", list of error codes, and observed responses). */
export const ACCESS_MESSAGES = {
  accessDenied: "Access Denied",
  signatureDoesNotMatch: "The request signature we calculated does not match the signature you provided. Check your key and signing method.",
  requestTimeTooSkewed: "The difference between the request time and the current time is too large.",
  requestExpired: "Request has expired",
  missingDate: "AWS authentication requires a valid Date or x-amz-date header",
  missingContentSha256: "Missing required header for this request: x-amz-content-sha256",
  credentialDate: "Invalid credential date. Date is not the same as X-Amz-Date.",
} as const;

const SIGV4 = "AWS4-HMAC-SHA256";
const UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD";
/** S3 refuses header-signed requests more than 15 minutes off its clock (RequestTimeTooSkewed). */
export const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;
/** A presigned URL lives at most 7 days (X-Amz-Expires ≤ 604800, sigv4-query-string-auth). */
const MAX_PRESIGNED_EXPIRES_S = 7 * 24 * 3600;
const CLOUDFRONT_SERVICE = "cloudfront.amazonaws.com";


/**
 * The principal of a request. Throws S3's authentication errors (SignatureDoesNotMatch,
 * RequestTimeTooSkewed, AccessDenied for an expired presigned URL, …) for CloudFront keys whose
 * signature does not hold.
 */
export async function resolvePrincipal(req: RequestFacts, settings: AccessSettings): Promise<RequestPrincipal> {
  const now = settings.clock.now();
  const auth = readAuthentication(req);
  if (auth.kind === "anonymous") {
    return { kind: "policy", principal: { type: "anonymous" }, context: { ...clientContext(req, now), "aws:PrincipalType": "Anonymous" } };
  }
  if (auth.kind === "other") return { kind: "owner" };
  const known = settings.cloudFrontIdentity.resolve(auth.accessKeyId);
  if (known === undefined) {
    // The account's own presigned URL: its signature is not checked, its expiry is.
    if (auth.kind === "query") checkPresignedExpiry(auth, now);
    return { kind: "owner" };
  }
  await verifySigV4(req, auth, known.secretAccessKey, now);
  const signed = { ...clientContext(req, now), "s3:authType": auth.kind === "header" ? "REST-HEADER" : "REST-QUERY-STRING", "s3:signatureversion": SIGV4 };
  const caller = known.caller;
  if (caller.kind === "distribution") {
    const account = caller.sourceArn.split(":")[4] ?? settings.accountId;
    return {
      kind: "policy",
      principal: { type: "service", service: CLOUDFRONT_SERVICE },
      context: { ...signed, "aws:SourceArn": caller.sourceArn, "aws:SourceAccount": account, "aws:PrincipalServiceName": CLOUDFRONT_SERVICE },
    };
  }
  return {
    kind: "policy",
    principal: { type: "oai", id: caller.oaiId, canonicalUserId: originAccessIdentityCanonicalUserId(settings.accountId, caller.oaiId) },
    context: signed,
  };
}

// ---------------------------------------------------------------------------------------------
// Authentication

type Authentication =
  | { readonly kind: "anonymous" }
  /** SigV2, SigV4A, or anything else we do not verify: the account's own credentials. */
  | { readonly kind: "other" }
  | SigV4Authentication;

interface SigV4Authentication {
  readonly kind: "header" | "query";
  readonly accessKeyId: string;
  /** `<date>/<region>/<service>/aws4_request`, split; undefined parts when malformed. */
  readonly scope: readonly string[];
  readonly signedHeaders: readonly string[];
  readonly signature: string;
  /** x-amz-date / X-Amz-Date, as sent. */
  readonly amzDate: string | undefined;
  /** X-Amz-Expires (presigned only). */
  readonly expires: string | undefined;
}

/** How a request authenticates (sigv4-auth-using-authorization-header, sigv4-query-string-auth). */
function readAuthentication(req: RequestFacts): Authentication {
  const authorization = header(req.headers, "authorization");
  if (authorization !== undefined) {
    if (!authorization.startsWith(`${SIGV4} `)) return { kind: "other" };
    const fields = new Map<string, string>();
    for (const part of authorization.slice(SIGV4.length + 1).split(",")) {
      const eq = part.indexOf("=");
      if (eq > 0) fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
    }
    const credential = fields.get("Credential") ?? "";
    const [accessKeyId = "", ...scope] = credential.split("/");
    return {
      kind: "header",
      accessKeyId,
      scope,
      signedHeaders: (fields.get("SignedHeaders") ?? "").split(";").filter((h) => h !== ""),
      signature: fields.get("Signature") ?? "",
      amzDate: header(req.headers, "x-amz-date"),
      expires: undefined,
    };
  }
  const query = parseRawQuery(req.rawQuery);
  const first = (name: string) => query.find(([k]) => k === name)?.[1];
  const algorithm = first("X-Amz-Algorithm");
  const credential = first("X-Amz-Credential");
  if (algorithm === undefined && credential === undefined) {
    // SigV2 query authentication (AWSAccessKeyId + Signature) is an owner's presigned URL too.
    return first("AWSAccessKeyId") !== undefined ? { kind: "other" } : { kind: "anonymous" };
  }
  if (algorithm !== SIGV4) return { kind: "other" };
  const [accessKeyId = "", ...scope] = (credential ?? "").split("/");
  return {
    kind: "query",
    accessKeyId,
    scope,
    signedHeaders: (first("X-Amz-SignedHeaders") ?? "").split(";").filter((h) => h !== ""),
    signature: first("X-Amz-Signature") ?? "",
    amzDate: first("X-Amz-Date"),
    expires: first("X-Amz-Expires"),
  };
}

/**
 * Signs the request again, as received, with the key's secret and compares signatures in constant
 * time; then the time checks S3 makes (RequestTimeTooSkewed for headers, expiry for presigned URLs).
 */
async function verifySigV4(req: RequestFacts, auth: SigV4Authentication, secretAccessKey: string, now: number): Promise<void> {
  const malformed = auth.kind === "header" ? "AuthorizationHeaderMalformed" : "AuthorizationQueryParametersError";
  const [scopeDate, region, service, terminator] = auth.scope;
  if (auth.scope.length !== 4 || !scopeDate || !region || !service || terminator !== "aws4_request" || auth.signedHeaders.length === 0 || !/^[0-9a-f]{64}$/.test(auth.signature)) {
    throw new ServiceError(malformed, `The ${auth.kind === "header" ? "authorization header" : "authorization query parameters"} is malformed.`);
  }
  const signingDate = auth.amzDate === undefined ? undefined : parseAmzDate(auth.amzDate);
  if (signingDate === undefined) throw new ServiceError("AccessDenied", ACCESS_MESSAGES.missingDate);
  if (auth.amzDate?.slice(0, 8) !== scopeDate) throw new ServiceError(malformed, ACCESS_MESSAGES.credentialDate);

  const signed = new Set(auth.signedHeaders);
  const headers: Record<string, string> = {};
  for (const name of signed) {
    const value = header(req.headers, name);
    if (value !== undefined) headers[name] = value;
  }
  // The payload hash is x-amz-content-sha256 as sent (S3 requires it on header-signed requests);
  // presigned URLs sign UNSIGNED-PAYLOAD (sigv4-query-string-auth). The signer reads it from this
  // header; marked unsignable when the client did not sign it, so it stays out of the canonical headers.
  const contentSha256 = header(req.headers, "x-amz-content-sha256");
  if (auth.kind === "header" && contentSha256 === undefined) throw new ServiceError("InvalidRequest", ACCESS_MESSAGES.missingContentSha256);
  headers["x-amz-content-sha256"] = contentSha256 ?? UNSIGNED_PAYLOAD;
  const unsignable = new Set<string>();
  if (!signed.has("x-amz-content-sha256")) unsignable.add("x-amz-content-sha256");
  // The signer always sets x-amz-date from the signing date; a presigned URL carries it in the query.
  if (!signed.has("x-amz-date")) unsignable.add("x-amz-date");

  const query: Record<string, string | string[]> = {};
  for (const [name, value] of parseRawQuery(req.rawQuery)) {
    if (name === "X-Amz-Signature") continue;
    const prev = query[name];
    query[name] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
  }
  const signer = new SignatureV4({
    credentials: { accessKeyId: auth.accessKeyId, secretAccessKey },
    region,
    service,
    sha256: NodeSha256,
    // S3 signs the path as sent, without encoding it a second time.
    uriEscapePath: service !== "s3",
    applyChecksum: false,
  });
  const resigned = await signer.sign(
    { method: req.method.toUpperCase(), protocol: "https:", hostname: hostName(headers["host"] ?? ""), path: req.path, query, headers },
    { signingDate, signableHeaders: signed, unsignableHeaders: unsignable },
  );
  const expected = /Signature=([0-9a-f]{64})/.exec(String(resigned.headers["authorization"] ?? ""))?.[1] ?? "";
  // Both are 64 hex digits here (the provided one was checked above), as timingSafeEqual needs.
  if (expected.length !== auth.signature.length || !timingSafeEqual(Buffer.from(expected), Buffer.from(auth.signature))) {
    throw new ServiceError("SignatureDoesNotMatch", ACCESS_MESSAGES.signatureDoesNotMatch, undefined, {
      details: { AWSAccessKeyId: auth.accessKeyId, SignatureProvided: auth.signature },
    });
  }

  if (auth.kind === "header") {
    if (Math.abs(now - signingDate.getTime()) > MAX_CLOCK_SKEW_MS) {
      throw new ServiceError("RequestTimeTooSkewed", ACCESS_MESSAGES.requestTimeTooSkewed, undefined, {
        details: { RequestTime: auth.amzDate ?? "", ServerTime: new Date(now).toISOString(), MaxAllowedSkewMilliseconds: String(MAX_CLOCK_SKEW_MS) },
      });
    }
    return;
  }
  checkPresignedExpiry(auth, now);
}

/**
 * A presigned URL's lifetime (sigv4-query-string-auth): X-Amz-Expires of 1 to 604800 seconds from
 * X-Amz-Date, after which S3 answers AccessDenied "Request has expired".
 */
function checkPresignedExpiry(auth: SigV4Authentication, now: number): void {
  const signingDate = auth.amzDate === undefined ? undefined : parseAmzDate(auth.amzDate);
  if (signingDate === undefined) throw new ServiceError("AccessDenied", ACCESS_MESSAGES.missingDate);
  const expires = Number(auth.expires);
  if (!/^\d+$/.test(auth.expires ?? "") || expires < 1 || expires > MAX_PRESIGNED_EXPIRES_S) {
    throw new ServiceError("AuthorizationQueryParametersError", "X-Amz-Expires must be between 1 and 604800 seconds.");
  }
  const expiry = signingDate.getTime() + expires * 1000;
  if (now > expiry) {
    throw new ServiceError("AccessDenied", ACCESS_MESSAGES.requestExpired, undefined, {
      details: { "X-Amz-Expires": String(expires), Expires: new Date(expiry).toISOString(), ServerTime: new Date(now).toISOString() },
    });
  }
}

/** `20260601T120000Z` → Date, or undefined. */
function parseAmzDate(text: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/**
 * A raw query as name/value pairs, percent-decoded but `+` kept literal: SigV4 canonicalizes the
 * decoded values, and the edge's signer (oac-sign.ts) decodes the same way.
 */
function parseRawQuery(raw: string): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  for (const part of raw.split("&")) {
    if (part === "") continue;
    const eq = part.indexOf("=");
    pairs.push([decode(eq < 0 ? part : part.slice(0, eq)), eq < 0 ? "" : decode(part.slice(eq + 1))]);
  }
  return pairs;
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(",") : value;
}

function hostName(host: string): string {
  return host.replace(/:\d+$/, "");
}


// ---------------------------------------------------------------------------------------------
// Authorization

export { s3ActionFor } from "./access-decision.ts";

/**
 * The S3 profile's authorize step (api/service.ts): first the checks of a write against the bucket's
 * own settings, which hold for every caller and in every mode (write-checks.ts); then the caller's
 * principal, and every permission the call needs against the bucket policy and ACLs
 * (access-decision.ts). Throws AccessDenied (or an authentication error); in `warn` mode records
 * the refusal instead of throwing it.
 */
export async function authorizeS3(call: AuthorizeCall, service: S3Service): Promise<void> {
  checkWriteAgainstSettings(call, service);
  if (service.accessMode === "open") return;
  const req = call.request;
  const who = await resolvePrincipal({ method: req.method, path: req.path, rawQuery: req.rawQuery ?? req.query.toString(), headers: req.headers, sourceIp: req.sourceIp, secure: req.secure }, service);
  if (who.kind === "owner") return;
  const denial = findDenial(call, service, who);
  if (denial === undefined) return;
  if (service.accessMode === "enforce") throw accessDenied();
  const bucket = call.labels["Bucket"];
  service.accessWarnings.record({ ...denial, caller: deniedCaller(who, req.method, req.headers, bucket, service), bucket: bucket ?? "", key: call.labels["Key"], requestId: headerString(req.headers["x-amz-cf-id"]) });
}

/** Why the call would be refused, or undefined when the bucket policy or an ACL allows all of it. */
function findDenial(call: AuthorizeCall, service: S3Service, who: PolicyCaller): Omit<DeniedRequest, "caller" | "bucket" | "key"> | undefined {
  const bucketName = call.labels["Bucket"];
  // Creating a bucket or listing the account's buckets is never granted by a bucket policy.
  if (bucketName === undefined || call.operation === "CreateBucket") return { action: s3ActionFor(call.operation), reason: "AccountOnly" };
  const bucket = service.storage.getBucket(bucketName);
  // S3 tells everybody that a bucket does not exist (NoSuchBucket, from the handler).
  if (bucket === undefined) return undefined;
  const key = call.labels["Key"];
  for (const p of permissionsFor(call, bucketName, key)) {
    const target = p.bucket === bucket.name ? bucket : service.storage.getBucket(p.bucket);
    // A missing copy source bucket is the handler's NoSuchBucket.
    if (target === undefined) continue;
    const verdict = decide(target, who, p, service.storage, service.owner);
    if (verdict !== "Allow") return { action: p.action, reason: verdict };
  }
  // "If the object you request doesn't exist, the error that Amazon S3 returns depends on whether
  // you also have the s3:ListBucket permission": 404 with it, 403 without (GetObject, HeadObject).
  if ((call.operation === "GetObject" || call.operation === "HeadObject") && key !== undefined && service.storage.getObject(bucket.name, key) === undefined) {
    const verdict = decide(bucket, who, { bucket: bucket.name, action: "s3:ListBucket", resource: s3BucketArn(bucket.name) }, service.storage, service.owner);
    if (verdict !== "Allow") return { action: "s3:ListBucket", reason: verdict, missingKey: true };
  }
  return undefined;
}

/** Who a refused caller is, for the warning: the OAC's distribution, the OAI, CloudFront without either, or a direct client. */
function deniedCaller(who: PolicyCaller, method: string, headers: IncomingHttpHeaders, bucket: string | undefined, service: S3Service): DeniedCaller {
  const principal = who.principal;
  if (principal.type === "oai") return { kind: "oai", oaiId: principal.id };
  const sourceArn = who.context["aws:SourceArn"];
  if (principal.type === "service" && sourceArn !== undefined) return { kind: "oac", distributionId: sourceArn.slice(sourceArn.lastIndexOf("/") + 1), sourceArn };
  if (bucket !== undefined && looksLikeCloudFront(headers)) return { kind: "cloudfront", distributionIds: service.unsignedDistributions(bucket) };
  return { kind: "anonymous", method: method.toUpperCase() };
}

function accessDenied(): ServiceError {
  return new ServiceError("AccessDenied", ACCESS_MESSAGES.accessDenied);
}

/**
 * What an anonymous request to the website endpoint may do in this bucket: `may(action, key)`
 * checks an object action on `key`, or a bucket action without one. S3 website endpoints serve
 * only what the bucket policy or ACLs make public (S3 guide "Setting permissions for website access"). In `warn`
 * mode a refusal is recorded and the answer is yes.
 */
export function anonymousAccess(service: S3Service, bucket: BucketRecord, client: { headers: IncomingHttpHeaders; sourceIp?: string | undefined; secure?: boolean | undefined }): (action: string, key?: string) => boolean {
  if (service.accessMode === "open") return () => true;
  const who: PolicyCaller = { kind: "policy", principal: { type: "anonymous" }, context: { ...clientContext(client, service.clock.now()), "aws:PrincipalType": "Anonymous" } };
  return (action, key) => {
    const resource = key === undefined ? s3BucketArn(bucket.name) : s3ObjectArn(bucket.name, key);
    const verdict = decide(bucket, who, { bucket: bucket.name, action, resource, key }, service.storage, service.owner);
    if (verdict === "Allow") return true;
    if (service.accessMode === "enforce") return false;
    // The website asks s3:ListBucket only to choose between 403 and 404 for a missing key.
    const missingKey = action === "s3:ListBucket";
    service.accessWarnings.record({ caller: { kind: "website" }, bucket: bucket.name, key, action, reason: verdict, missingKey });
    return true;
  };
}

/** Condition keys every request has (IAM "AWS global condition context keys"). */
function clientContext(client: { headers: IncomingHttpHeaders; sourceIp?: string | undefined; secure?: boolean | undefined }, now: number): Record<string, string> {
  const context: Record<string, string> = {
    "aws:SecureTransport": String(client.secure === true),
    "aws:CurrentTime": new Date(now).toISOString().replace(/\.\d{3}Z$/, "Z"),
    "aws:EpochTime": String(Math.floor(now / 1000)),
  };
  const ip = client.sourceIp;
  if (ip !== undefined) context["aws:SourceIp"] = ip.startsWith("::ffff:") && isIP(ip.slice(7)) === 4 ? ip.slice(7) : ip;
  const userAgent = header(client.headers, "user-agent");
  if (userAgent !== undefined) context["aws:UserAgent"] = userAgent;
  const referer = header(client.headers, "referer");
  if (referer !== undefined) context["aws:Referer"] = referer;
  return context;
}
