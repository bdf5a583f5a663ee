// The wording and the once-only bookkeeping of `--s3-access warn` (access-warnings.ts; issue #12).
// The fixes are AWS's: "Restricting access to an Amazon S3 origin" (OAC + a policy for
// cloudfront.amazonaws.com with AWS:SourceArn), the legacy OAI principal, and a public-read policy
// for anonymous and website access ("Setting permissions for website access").
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { DistributionConfig } from "@aws-sdk/client-cloudfront";
import { AccessWarnings, describeDenial, distributionsReadingAnonymously, looksLikeCloudFront, type DeniedRequest } from "./access-warnings.ts";

const ACCOUNT = "111122223333";

/** The bucket policy JSON a warning proposes. */
function proposedPolicy(line: string): { Statement: Array<Record<string, unknown>> } {
  const m = /(\{"Version":"2012-10-17".*\}\]\})/.exec(line);
  assert.ok(m, `no policy in: ${line}`);
  return JSON.parse(m[1] as string) as { Statement: Array<Record<string, unknown>> };
}

describe("describeDenial", () => {
  it("CloudFront without OAC and a bucket without policy: 403, why, add an OAC and the SourceArn policy, enforce", () => {
    const line = describeDenial({ caller: { kind: "cloudfront", distributionIds: ["E1ABC"] }, bucket: "my-cloudfront-bucket", key: "index.html", action: "s3:GetObject", reason: "NoPolicy" }, ACCOUNT);
    assert.match(line, /^E1ABC -> s3:\/\/my-cloudfront-bucket\/index\.html: AWS would answer 403 AccessDenied \(/);
    assert.match(line, /no origin access control/);
    assert.match(line, /the bucket has no policy/);
    assert.match(line, /Add an origin access control to the origin and this bucket policy: /);
    assert.match(line, /Start with --s3-access enforce to get the 403 here\.$/);
    assert.deepEqual(proposedPolicy(line).Statement, [
      {
        Sid: "AllowCloudFrontServicePrincipalReadOnly",
        Effect: "Allow",
        Principal: { Service: "cloudfront.amazonaws.com" },
        Action: "s3:GetObject",
        Resource: "arn:aws:s3:::my-cloudfront-bucket/*",
        Condition: { StringEquals: { "AWS:SourceArn": `arn:aws:cloudfront::${ACCOUNT}:distribution/E1ABC` } },
      },
    ]);
  });

  it("several distributions share the bucket: all are named and all their ARNs go into the condition", () => {
    const line = describeDenial({ caller: { kind: "cloudfront", distributionIds: ["E1", "E2"] }, bucket: "b", key: "k", action: "s3:GetObject", reason: "NoPolicy" }, ACCOUNT);
    assert.match(line, /^E1, E2 -> s3:\/\/b\/k:/);
    const condition = proposedPolicy(line).Statement[0]?.["Condition"] as { StringEquals: Record<string, unknown> };
    assert.deepEqual(condition.StringEquals["AWS:SourceArn"], [`arn:aws:cloudfront::${ACCOUNT}:distribution/E1`, `arn:aws:cloudfront::${ACCOUNT}:distribution/E2`]);
  });

  it("no distribution found: a placeholder ARN", () => {
    const line = describeDenial({ caller: { kind: "cloudfront", distributionIds: [] }, bucket: "b", key: "k", action: "s3:GetObject", reason: "NoPolicy" }, ACCOUNT);
    assert.match(line, /^a CloudFront distribution -> /);
    assert.match(line, /distribution\/<distribution id>/);
  });

  it("an OAC request the policy does not allow: allow that distribution", () => {
    const sourceArn = `arn:aws:cloudfront::${ACCOUNT}:distribution/E9`;
    const line = describeDenial({ caller: { kind: "oac", distributionId: "E9", sourceArn }, bucket: "b", key: "a.txt", action: "s3:GetObject", reason: "ImplicitDeny" }, ACCOUNT);
    assert.match(line, /^E9 \(origin access control\) -> s3:\/\/b\/a\.txt: AWS would answer 403 AccessDenied \(the bucket policy does not allow s3:GetObject/);
    assert.deepEqual((proposedPolicy(line).Statement[0]?.["Condition"] as { StringEquals: unknown }).StringEquals, { "AWS:SourceArn": sourceArn });
  });

  it("an OAI: allow its principal ARN", () => {
    const line = describeDenial({ caller: { kind: "oai", oaiId: "E2OAI" }, bucket: "b", key: "a", action: "s3:GetObject", reason: "ExplicitDeny" }, ACCOUNT);
    assert.match(line, /a Deny statement of the bucket policy refuses s3:GetObject/);
    assert.deepEqual(proposedPolicy(line).Statement[0]?.["Principal"], { AWS: "arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity E2OAI" });
  });

  it("a direct anonymous request: sign it, or a public policy for that action", () => {
    const line = describeDenial({ caller: { kind: "anonymous", method: "PUT" }, bucket: "b", key: "up.txt", action: "s3:PutObject", reason: "NoPolicy" }, ACCOUNT);
    assert.match(line, /^anonymous PUT -> s3:\/\/b\/up\.txt: .*Sign the request with your credentials, or make this public/);
    assert.deepEqual(proposedPolicy(line).Statement[0], { Sid: "PublicAccess", Effect: "Allow", Principal: "*", Action: "s3:PutObject", Resource: "arn:aws:s3:::b/*" });
  });

  it("an anonymous CreateBucket: only signing helps", () => {
    const line = describeDenial({ caller: { kind: "anonymous", method: "PUT" }, bucket: "b", action: "s3:CreateBucket", reason: "AccountOnly" }, ACCOUNT);
    assert.match(line, /only the account's own credentials may do s3:CreateBucket/);
    assert.doesNotMatch(line, /Version/);
  });

  it("a missing key without s3:ListBucket: 403 instead of 404, and the policy grants s3:ListBucket on the bucket", () => {
    const line = describeDenial({ caller: { kind: "website" }, bucket: "site", key: "nope.html", action: "s3:ListBucket", reason: "ImplicitDeny", missingKey: true }, ACCOUNT);
    assert.match(line, /^website endpoint -> s3:\/\/site\/nope\.html: AWS would answer 403 AccessDenied instead of 404 NoSuchKey/);
    assert.deepEqual(proposedPolicy(line).Statement[0], { Sid: "PublicReadGetObject", Effect: "Allow", Principal: "*", Action: "s3:ListBucket", Resource: "arn:aws:s3:::site" });
  });
});

describe("AccessWarnings", () => {
  const denied = (over: Partial<DeniedRequest>): DeniedRequest => ({ caller: { kind: "cloudfront", distributionIds: ["E1"] }, bucket: "b", key: "k", action: "s3:GetObject", reason: "NoPolicy", ...over });

  it("logs one line per caller and bucket, at warn, and lists them in order", () => {
    const logged: string[] = [];
    const warnings = new AccessWarnings({ warn: (l) => logged.push(l) }, ACCOUNT);
    warnings.record(denied({}));
    warnings.record(denied({ key: "other" }));
    warnings.record(denied({ bucket: "b2" }));
    warnings.record(denied({ caller: { kind: "cloudfront", distributionIds: ["E2"] } }));
    warnings.record(denied({ caller: { kind: "anonymous", method: "GET" } }));
    warnings.record(denied({ caller: { kind: "anonymous", method: "GET" }, key: "again" }));
    warnings.record(denied({ caller: { kind: "anonymous", method: "PUT" } }));
    assert.equal(logged.length, 5);
    assert.deepEqual(warnings.list(), logged);
    assert.match(logged[0] ?? "", /^E1 -> s3:\/\/b\/k:/);
    assert.match(logged[1] ?? "", /^E1 -> s3:\/\/b2\/k:/);
    assert.match(logged[2] ?? "", /^E2 -> /);
  });
});

describe("looksLikeCloudFront", () => {
  it("needs both Via ... (CloudFront) and X-Amz-Cf-Id", () => {
    const via = "1.1 0123456789abcdef0123456789abcdef.cloudfront.net (CloudFront)";
    assert.equal(looksLikeCloudFront({ via, "x-amz-cf-id": "abc==" }), true);
    assert.equal(looksLikeCloudFront({ via }), false);
    assert.equal(looksLikeCloudFront({ "x-amz-cf-id": "abc==" }), false);
    assert.equal(looksLikeCloudFront({ via: "1.1 proxy", "x-amz-cf-id": "abc==" }), false);
  });
});

describe("distributionsReadingAnonymously", () => {
  const dist = (Id: string, origins: NonNullable<DistributionConfig["Origins"]>["Items"]) => ({ Id, config: { Origins: { Quantity: origins?.length ?? 0, Items: origins } } as DistributionConfig });

  it("names distributions whose S3 REST origin is the bucket with neither OAC nor OAI", () => {
    const found = distributionsReadingAnonymously(
      [
        dist("E3TUTORIAL", [{ Id: "o", DomainName: "my-cloudfront-bucket.s3.localhost.localstack.cloud", S3OriginConfig: { OriginAccessIdentity: "" } }]),
        dist("E1AMAZON", [{ Id: "o", DomainName: "my-cloudfront-bucket.s3.us-east-1.amazonaws.com", S3OriginConfig: { OriginAccessIdentity: "" } }]),
        dist("EOAC", [{ Id: "o", DomainName: "my-cloudfront-bucket.s3.amazonaws.com", OriginAccessControlId: "E123", S3OriginConfig: { OriginAccessIdentity: "" } }]),
        dist("EOAI", [{ Id: "o", DomainName: "my-cloudfront-bucket.s3.amazonaws.com", S3OriginConfig: { OriginAccessIdentity: "origin-access-identity/cloudfront/E2OAI" } }]),
        dist("EOTHER", [{ Id: "o", DomainName: "other-bucket.s3.amazonaws.com", S3OriginConfig: { OriginAccessIdentity: "" } }]),
        dist("EWEBSITE", [{ Id: "o", DomainName: "my-cloudfront-bucket.s3-website-us-east-1.amazonaws.com", CustomOriginConfig: { HTTPPort: 80, HTTPSPort: 443, OriginProtocolPolicy: "http-only" } }]),
      ],
      "my-cloudfront-bucket",
    );
    assert.deepEqual(found, ["E1AMAZON", "E3TUTORIAL"]);
  });
});
