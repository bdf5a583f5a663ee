// Origin addressing (issue 3): an S3 origin's DomainName reaches the embedded S3, or an external
// S3 given with --s3-endpoint. Here a second minifront plays the external S3 (LocalStack or MinIO
// would sit in its place). Each request goes through a distribution's edge, the real path.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { S3Client, CreateBucketCommand, PutObjectCommand, PutBucketPolicyCommand, PutBucketWebsiteCommand } from "@aws-sdk/client-s3";
import { CreateDistributionCommand, type Origin } from "@aws-sdk/client-cloudfront";
import { startEmulator, type Emulator } from "../../src/index.ts";
import { CREDENTIALS, cloudFrontClient } from "../helpers/emulator.ts";
import { sendToEdge, type EdgeResponse } from "../helpers/test-origin.ts";

function s3(emu: Emulator): S3Client {
  return new S3Client({ region: "us-east-1", endpoint: emu.s3Url, forcePathStyle: true, credentials: CREDENTIALS, maxAttempts: 1 });
}

const CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad";
const hosts = new Map<string, string>();

/** GET `path` through a distribution of `emu` whose one origin is named `domain` (made once per pair). */
async function viaEdge(emu: Emulator, domain: string, path: string): Promise<EdgeResponse> {
  let host = hosts.get(`${emu.port} ${domain}`);
  if (!host) {
    const website = domain.includes("s3-website");
    const origin: Origin = website
      ? { Id: "s3", DomainName: domain, CustomOriginConfig: { HTTPPort: 80, HTTPSPort: 443, OriginProtocolPolicy: "http-only" } }
      : { Id: "s3", DomainName: domain, S3OriginConfig: { OriginAccessIdentity: "" } };
    const cf = cloudFrontClient(emu.controlUrl);
    const out = await cf.send(
      new CreateDistributionCommand({
        DistributionConfig: {
          CallerReference: `s3-origin-${domain}`,
          Comment: "",
          Enabled: true,
          Origins: { Quantity: 1, Items: [origin] },
          DefaultCacheBehavior: { TargetOriginId: "s3", ViewerProtocolPolicy: "allow-all", CachePolicyId: CACHING_DISABLED },
        },
      }),
    );
    cf.destroy();
    host = `${out.Distribution?.DomainName ?? assert.fail("no domain")}:${emu.port}`;
    hosts.set(`${emu.port} ${domain}`, host);
  }
  return sendToEdge(emu.port, host, path);
}

/**
 * The origin requests here are anonymous (no OAC), so the buckets are public, with s3:ListBucket
 * so that a missing key is 404 rather than 403 (GetObject API reference; access.ts).
 */
const PUBLIC_POLICY = JSON.stringify({
  Version: "2012-10-17",
  Statement: [
    { Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::shared/*" },
    { Effect: "Allow", Principal: "*", Action: "s3:ListBucket", Resource: "arn:aws:s3:::shared" },
  ],
});

describe("S3 origin addressing", () => {
  let upstream: Emulator;
  let front: Emulator;
  before(async () => {
    upstream = await startEmulator({ port: 0, ephemeral: true, logLevel: "warn" });
    front = await startEmulator({ port: 0, ephemeral: true, logLevel: "warn", s3Endpoint: upstream.s3Url });
    for (const [emu, body] of [[upstream, "from the upstream S3"], [front, "from the embedded S3"]] as const) {
      await s3(emu).send(new CreateBucketCommand({ Bucket: "shared" }));
      await s3(emu).send(new PutObjectCommand({ Bucket: "shared", Key: "dir/hello.txt", Body: body, ContentType: "text/plain" }));
      await s3(emu).send(new PutObjectCommand({ Bucket: "shared", Key: "index.html", Body: `<h1>${body}</h1>`, ContentType: "text/html" }));
      await s3(emu).send(new PutBucketWebsiteCommand({ Bucket: "shared", WebsiteConfiguration: { IndexDocument: { Suffix: "index.html" } } }));
      await s3(emu).send(new PutBucketPolicyCommand({ Bucket: "shared", Policy: PUBLIC_POLICY }));
    }
  });
  after(async () => {
    await front?.dispose();
    await upstream?.dispose();
  });

  it("serves a REST origin from the embedded S3 when no --s3-endpoint is set", async () => {
    const res = await viaEdge(upstream, "shared.s3.amazonaws.com", "/dir/hello.txt");
    assert.equal(res.status, 200);
    assert.equal(res.body, "from the upstream S3");
  });

  it("serves a REST origin from the external S3 when --s3-endpoint is set", async () => {
    const res = await viaEdge(front, "shared.s3.us-east-1.amazonaws.com", "/dir/hello.txt");
    assert.equal(res.status, 200);
    assert.equal(res.headers["content-type"], "text/plain");
    assert.equal(res.body, "from the upstream S3");
  });

  it("serves the tutorial's LocalStack-style origin name the same way", async () => {
    const res = await viaEdge(front, "shared.s3.localhost.localstack.cloud", "/dir/hello.txt");
    assert.equal(res.body, "from the upstream S3");
  });

  it("serves a website origin (index document) from the external S3", async () => {
    const res = await viaEdge(front, "shared.s3-website-us-east-1.amazonaws.com", "/");
    assert.equal(res.status, 200);
    assert.equal(res.body, "<h1>from the upstream S3</h1>");
  });

  it("reports a missing key as S3 does (404 NoSuchKey)", async () => {
    const res = await viaEdge(front, "shared.s3.amazonaws.com", "/nope.txt");
    assert.equal(res.status, 404);
    assert.match(res.body, /<Code>NoSuchKey<\/Code>/);
  });
});
