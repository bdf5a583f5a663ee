// Who CloudFront is when it calls the embedded S3 (docs/edge.md §7.5; issue #6 "Origin access").
// Real CloudFront signs origin requests with its service credentials (OAC) or as the origin access
// identity (OAI), and S3 learns from the request context which distribution is asking
// (aws:SourceArn). Here the edge signs with SigV4 using access keys that name the caller —
// `CFD<distribution id>` for an OAC, `CFO<OAI id>` for an OAI — and secrets derived from one
// random per-process key, so only this process's edge can produce a signature S3 accepts for
// them. Any other access key is the account's own user (there is no IAM here).
import { createHash, createHmac, randomBytes } from "node:crypto";

/** Access keys a request is signed with (the SDK's shape). */
export interface AwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string | undefined;
}

export type CloudFrontCaller =
  /** An OAC request on behalf of a distribution: principal cloudfront.amazonaws.com. */
  | { readonly kind: "distribution"; readonly distributionId: string; readonly sourceArn: string }
  /** A request signed as an origin access identity. */
  | { readonly kind: "oai"; readonly oaiId: string };

const DISTRIBUTION_PREFIX = "CFD";
const OAI_PREFIX = "CFO";

export class CloudFrontIdentity {
  private readonly key: Buffer;
  private readonly accountId: string;

  constructor(accountId: string, key: Buffer = randomBytes(32)) {
    this.accountId = accountId;
    this.key = key;
  }

  /** Credentials the edge signs an OAC origin request with for `distributionId`. */
  forDistribution(distributionId: string): AwsCredentials {
    return this.credentials(DISTRIBUTION_PREFIX + distributionId);
  }

  /** Credentials the edge signs an OAI origin request with. */
  forOriginAccessIdentity(oaiId: string): AwsCredentials {
    return this.credentials(OAI_PREFIX + oaiId);
  }

  /**
   * The CloudFront caller an access key stands for, with the secret to verify its signature;
   * undefined for keys that are not CloudFront's.
   */
  resolve(accessKeyId: string): { caller: CloudFrontCaller; secretAccessKey: string } | undefined {
    const secretAccessKey = this.secret(accessKeyId);
    if (accessKeyId.startsWith(DISTRIBUTION_PREFIX) && accessKeyId.length > DISTRIBUTION_PREFIX.length) {
      const distributionId = accessKeyId.slice(DISTRIBUTION_PREFIX.length);
      return { caller: { kind: "distribution", distributionId, sourceArn: `arn:aws:cloudfront::${this.accountId}:distribution/${distributionId}` }, secretAccessKey };
    }
    if (accessKeyId.startsWith(OAI_PREFIX) && accessKeyId.length > OAI_PREFIX.length) {
      return { caller: { kind: "oai", oaiId: accessKeyId.slice(OAI_PREFIX.length) }, secretAccessKey };
    }
    return undefined;
  }

  private credentials(accessKeyId: string): AwsCredentials {
    return { accessKeyId, secretAccessKey: this.secret(accessKeyId) };
  }

  private secret(accessKeyId: string): string {
    return createHmac("sha256", this.key).update(accessKeyId).digest("base64url");
  }
}

/**
 * The S3 canonical user id of an origin access identity: what the CloudFront API reports as
 * S3CanonicalUserId and what S3 matches `"Principal": {"CanonicalUser": ...}` against (64 hex
 * digits, derived from the account and the identity's id).
 */
export function originAccessIdentityCanonicalUserId(accountId: string, oaiId: string): string {
  return createHash("sha256").update(`cloudfront-oai:${accountId}:${oaiId}`).digest("hex");
}
