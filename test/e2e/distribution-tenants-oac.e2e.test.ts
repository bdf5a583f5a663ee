// A tenant of a multi-tenant distribution reads an S3 origin through an origin access control
// (issue 17): the edge signs as the multi-tenant distribution, so the bucket policy AWS documents
// for OAC (AWS:SourceArn = the distribution's ARN) admits every tenant, with --s3-access enforce.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { CreateDistributionCommand, CreateDistributionTenantCommand, CreateOriginAccessControlCommand, type CloudFrontClient } from "@aws-sdk/client-cloudfront";
import { CreateBucketCommand, PutBucketPolicyCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { useEmulator } from "../helpers/emulator.ts";
import { sendToEdge } from "../helpers/test-origin.ts";

const CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6";

describe("distribution tenants behind an origin access control", () => {
  const t = useEmulator({ s3Access: "enforce" });
  let cf: CloudFrontClient;
  let s3: S3Client;

  before(() => {
    cf = t.cloudfront();
    s3 = new S3Client({ region: "us-east-1", endpoint: t.emu.s3Url, forcePathStyle: true, credentials: { accessKeyId: "test", secretAccessKey: "test" }, maxAttempts: 1 });
  });
  after(() => {
    cf.destroy();
    s3.destroy();
  });

  it("signs a tenant's S3 origin request as its distribution, so the distribution's bucket policy admits it", async () => {
    await s3.send(new CreateBucketCommand({ Bucket: "tenant-assets" }));
    await s3.send(new PutObjectCommand({ Bucket: "tenant-assets", Key: "gamma/page.html", Body: "gamma page", ContentType: "text/html" }));
    const oac = await cf.send(
      new CreateOriginAccessControlCommand({ OriginAccessControlConfig: { Name: "tenant-oac", SigningProtocol: "sigv4", SigningBehavior: "always", OriginAccessControlOriginType: "s3" } }),
    );
    const dist = await cf.send(
      new CreateDistributionCommand({
        DistributionConfig: {
          CallerReference: "tenants-oac",
          Comment: "multi-tenant over S3",
          Enabled: true,
          ConnectionMode: "tenant-only",
          TenantConfig: { ParameterDefinitions: [{ Name: "tenantName", Definition: { StringSchema: { Required: true } } }] },
          Origins: {
            Quantity: 1,
            Items: [
              {
                Id: "s3",
                DomainName: "tenant-assets.s3.us-east-1.amazonaws.com",
                OriginPath: "/{{tenantName}}",
                S3OriginConfig: { OriginAccessIdentity: "" },
                OriginAccessControlId: oac.OriginAccessControl?.Id as string,
              },
            ],
          },
          DefaultCacheBehavior: { TargetOriginId: "s3", ViewerProtocolPolicy: "allow-all", CachePolicyId: CACHING_OPTIMIZED },
        },
      }),
    );
    await cf.send(new CreateDistributionTenantCommand({ DistributionId: dist.Distribution?.Id as string, Name: "gamma-tenant", Domains: [{ Domain: "gamma.tenant.test" }], Parameters: [{ Name: "tenantName", Value: "gamma" }] }));
    const host = `gamma.tenant.test:${t.emu.port}`;
    assert.equal((await sendToEdge(t.emu.port, host, "/page.html")).status, 403, "no bucket policy yet: S3 refuses");
    await s3.send(
      new PutBucketPolicyCommand({
        Bucket: "tenant-assets",
        Policy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [
            {
              Effect: "Allow",
              Principal: { Service: "cloudfront.amazonaws.com" },
              Action: "s3:GetObject",
              Resource: "arn:aws:s3:::tenant-assets/*",
              Condition: { StringEquals: { "AWS:SourceArn": dist.Distribution?.ARN as string } },
            },
          ],
        }),
      }),
    );
    const ok = await sendToEdge(t.emu.port, host, "/page.html");
    assert.equal(ok.status, 200);
    assert.equal(ok.body, "gamma page");
  });
});
