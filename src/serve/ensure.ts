// Find-or-create through the AWS APIs, for `minifront serve` and the seed file: each helper makes
// one resource exist and says whether it had to create (or change) it, so that a second start on
// persisted state changes nothing and can say so. Resources are recognised by what AWS itself
// keeps unique: bucket, OAC, function and KeyValueStore names, a distribution's CallerReference.
import { createHash } from "node:crypto";
import {
  CreateDistributionCommand,
  CreateOriginAccessControlCommand,
  GetDistributionConfigCommand,
  paginateListDistributions,
  paginateListOriginAccessControls,
  type DistributionConfig,
  type OriginAccessControlConfig,
} from "@aws-sdk/client-cloudfront";
import { CreateBucketCommand, GetBucketPolicyCommand, HeadObjectCommand, PutBucketPolicyCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import type { AwsClients } from "./aws-clients.ts";

export interface Ensured<T> {
  readonly value: T;
  /** True when this call created or changed the resource. */
  readonly changed: boolean;
}

export async function ensureBucket(aws: AwsClients, bucket: string): Promise<Ensured<string>> {
  try {
    await aws.s3.send(new CreateBucketCommand({ Bucket: bucket }));
    return { value: bucket, changed: true };
  } catch (err) {
    if ((err as Error).name === "BucketAlreadyOwnedByYou") return { value: bucket, changed: false };
    throw err;
  }
}

/** Puts the object unless one with the same bytes and content type is there. */
export async function ensureObject(aws: AwsClients, bucket: string, key: string, body: Buffer, contentType: string | undefined): Promise<Ensured<string>> {
  const md5 = createHash("md5").update(body).digest("hex");
  try {
    const head = await aws.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    if (head.ETag === `"${md5}"` && (contentType === undefined || head.ContentType === contentType)) return { value: key, changed: false };
  } catch (err) {
    if ((err as Error).name !== "NotFound") throw err;
  }
  await aws.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ...(contentType ? { ContentType: contentType } : {}) }));
  return { value: key, changed: true };
}

/** Puts the bucket policy unless the same document (compared as JSON) is in place. */
export async function ensureBucketPolicy(aws: AwsClients, bucket: string, policy: unknown): Promise<Ensured<string>> {
  const wanted = JSON.stringify(policy);
  try {
    const current = await aws.s3.send(new GetBucketPolicyCommand({ Bucket: bucket }));
    if (current.Policy !== undefined && JSON.stringify(JSON.parse(current.Policy)) === wanted) return { value: bucket, changed: false };
  } catch (err) {
    if ((err as Error).name !== "NoSuchBucketPolicy") throw err;
  }
  await aws.s3.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: wanted }));
  return { value: bucket, changed: true };
}

/** The id of the OAC of this name, created with `config` when there is none. */
export async function ensureOriginAccessControl(aws: AwsClients, config: OriginAccessControlConfig): Promise<Ensured<string>> {
  for await (const page of paginateListOriginAccessControls({ client: aws.cloudfront }, {})) {
    const found = page.OriginAccessControlList?.Items?.find((o) => o.Name === config.Name);
    if (found?.Id) return { value: found.Id, changed: false };
  }
  const out = await aws.cloudfront.send(new CreateOriginAccessControlCommand({ OriginAccessControlConfig: config }));
  return { value: out.OriginAccessControl?.Id as string, changed: true };
}

export interface DistributionRef {
  readonly Id: string;
  readonly ARN: string;
  readonly DomainName: string;
}

/**
 * The distribution created with `config.CallerReference`, created from `config` when there is
 * none. An existing one is left as it is (its configuration may have been changed on purpose).
 */
export async function ensureDistribution(aws: AwsClients, config: DistributionConfig): Promise<Ensured<DistributionRef>> {
  for await (const page of paginateListDistributions({ client: aws.cloudfront }, {})) {
    for (const d of page.DistributionList?.Items ?? []) {
      const current = await aws.cloudfront.send(new GetDistributionConfigCommand({ Id: d.Id }));
      if (current.DistributionConfig?.CallerReference === config.CallerReference) {
        return { value: { Id: d.Id as string, ARN: d.ARN as string, DomainName: d.DomainName as string }, changed: false };
      }
    }
  }
  const out = await aws.cloudfront.send(new CreateDistributionCommand({ DistributionConfig: config }));
  const d = out.Distribution;
  return { value: { Id: d?.Id as string, ARN: d?.ARN as string, DomainName: d?.DomainName as string }, changed: true };
}

/** The bucket policy AWS documents for an OAC: CloudFront may read the bucket's objects for these distributions. */
export function oacReadPolicy(bucket: string, distributionArns: readonly string[]): unknown {
  // "Restricting access to an Amazon S3 origin" (CloudFront Developer Guide): the service
  // principal, s3:GetObject, and AWS:SourceArn naming the distribution.
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "AllowCloudFrontServicePrincipalReadOnly",
        Effect: "Allow",
        Principal: { Service: "cloudfront.amazonaws.com" },
        Action: "s3:GetObject",
        Resource: `arn:aws:s3:::${bucket}/*`,
        Condition: { StringEquals: { "AWS:SourceArn": distributionArns.length === 1 ? distributionArns[0] : [...distributionArns] } },
      },
    ],
  };
}
