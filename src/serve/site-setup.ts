// What `minifront serve <dir>` creates for a folder: a bucket, an OAC, a distribution with a
// single-page-application's defaults, and the bucket policy that lets that distribution read the
// bucket (so `--s3-access enforce` serves it too). Names derive from the folder's absolute path,
// so a restart on persisted state finds and reuses them instead of making new ones.
import { createHash } from "node:crypto";
import { basename, resolve } from "node:path";
import type { DistributionConfig } from "@aws-sdk/client-cloudfront";
import type { AwsClients } from "./aws-clients.ts";
import { ensureBucket, ensureBucketPolicy, ensureDistribution, ensureOriginAccessControl, oacReadPolicy, type DistributionRef } from "./ensure.ts";

/** The managed cache policy "CachingOptimized" (Managed cache policies, CloudFront Developer Guide). */
const CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6";

export interface SiteNames {
  /** Also the OAC's name and the origin's id. */
  readonly bucket: string;
  readonly originId: string;
  readonly callerReference: string;
  readonly comment: string;
}

/** Stable names for a folder: its base name (readable) and a hash of its absolute path (unique). */
export function siteNames(dir: string): SiteNames {
  const abs = resolve(dir);
  // Bucket names: 3-63 lower-case letters, digits and hyphens (Bucket naming rules, S3 User Guide).
  const readable = basename(abs).toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 30) || "site";
  const hash = createHash("sha256").update(abs).digest("hex").slice(0, 8);
  const bucket = `minifront-${readable}-${hash}`;
  return { bucket, originId: bucket, callerReference: `minifront-serve:${bucket}`, comment: `minifront serve ${abs}`.slice(0, 128) };
}

/** The distribution config `serve` creates: default root object and SPA fallbacks. */
export function siteDistributionConfig(names: SiteNames, oacId: string): DistributionConfig {
  return {
    CallerReference: names.callerReference,
    Comment: names.comment,
    Enabled: true,
    DefaultRootObject: "index.html",
    Origins: {
      Quantity: 1,
      Items: [{ Id: names.originId, DomainName: `${names.bucket}.s3.us-east-1.amazonaws.com`, OriginPath: "", S3OriginConfig: { OriginAccessIdentity: "" }, OriginAccessControlId: oacId }],
    },
    DefaultCacheBehavior: { TargetOriginId: names.originId, ViewerProtocolPolicy: "allow-all", CachePolicyId: CACHING_OPTIMIZED, Compress: true },
    // A single-page app routes in the browser: a path that is no object gets index.html with 200.
    // The S3 origin answers 403 for a missing key when the policy does not allow s3:ListBucket
    // (as the OAC policy does not), 404 when it does. ErrorCachingMinTTL 0, so a file added at such
    // a path is served at once.
    CustomErrorResponses: {
      Quantity: 2,
      Items: [403, 404].map((code) => ({ ErrorCode: code, ResponsePagePath: "/index.html", ResponseCode: "200", ErrorCachingMinTTL: 0 })),
    },
  };
}

export interface Site {
  readonly names: SiteNames;
  readonly distribution: DistributionRef;
  /** False when everything already existed (a restart on persisted state). */
  readonly created: boolean;
}

/** Makes the folder's bucket, OAC, distribution and bucket policy exist. */
export async function ensureSite(aws: AwsClients, names: SiteNames): Promise<Site> {
  const bucket = await ensureBucket(aws, names.bucket);
  const oac = await ensureOriginAccessControl(aws, {
    Name: names.bucket,
    Description: names.comment,
    SigningProtocol: "sigv4",
    SigningBehavior: "always",
    OriginAccessControlOriginType: "s3",
  });
  const dist = await ensureDistribution(aws, siteDistributionConfig(names, oac.value));
  const policy = await ensureBucketPolicy(aws, names.bucket, oacReadPolicy(names.bucket, [dist.value.ARN]));
  return { names, distribution: dist.value, created: bucket.changed || oac.changed || dist.changed || policy.changed };
}
