// minifront/testing (issue 16): useEmulator with node:test's hooks, the edge fetch that needs no
// *.localhost resolution, reset between tests, and the per-run start read back by connectEmulator.
import { after, before, beforeEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import { CloudFrontClient, CreateDistributionCommand, ListDistributionsCommand } from "@aws-sdk/client-cloudfront";
import { CreateBucketCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { connectEmulator, startEmulatorForRun, useEmulator } from "../../src/testing/index.ts";

const CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad";

describe("useEmulator (per file)", () => {
  const emu = useEmulator({ before, after, beforeEach });

  it("fetches a distribution by its domain name, GET and HEAD", async () => {
    const s3 = new S3Client(emu.s3ClientConfig);
    await s3.send(new CreateBucketCommand({ Bucket: "site" }));
    await s3.send(new PutObjectCommand({ Bucket: "site", Key: "a.txt", Body: "hello" }));
    const cf = new CloudFrontClient(emu.clientConfig);
    const out = await cf.send(
      new CreateDistributionCommand({
        DistributionConfig: {
          CallerReference: "helpers",
          Comment: "",
          Enabled: true,
          Origins: { Quantity: 1, Items: [{ Id: "s3", DomainName: "site.s3.us-east-1.amazonaws.com", S3OriginConfig: { OriginAccessIdentity: "" } }] },
          DefaultCacheBehavior: { TargetOriginId: "s3", ViewerProtocolPolicy: "allow-all", CachePolicyId: CACHING_DISABLED },
        },
      }),
    );
    const url = emu.edgeUrlFor(out.Distribution?.DomainName ?? assert.fail("no domain"), "/a.txt");
    const res = await emu.fetch(url);
    assert.equal(res.status, 200);
    assert.equal(await res.text(), "hello");
    assert.ok(res.headers.get("x-amz-cf-id"), "answered by the edge");
    const head = await emu.fetch(url, { method: "HEAD" });
    assert.equal(head.status, 200);
    assert.equal(head.body, null);
    cf.destroy();
    s3.destroy();
  });

  it("starts each test from empty state", async () => {
    const cf = new CloudFrontClient(emu.clientConfig);
    assert.equal((await cf.send(new ListDistributionsCommand({}))).DistributionList?.Quantity, 0);
    cf.destroy();
  });
});

describe("startEmulatorForRun + connectEmulator (per run)", () => {
  it("publishes MINIFRONT_URL, which connectEmulator reads, and stops", async () => {
    const stop = await startEmulatorForRun();
    try {
      const emu = connectEmulator();
      assert.equal(emu.controlUrl, process.env.MINIFRONT_URL);
      const res = await emu.fetch(emu.edgeUrlFor("unknown.cloudfront.localhost"));
      await res.arrayBuffer();
      assert.ok(res.status >= 400, `an unknown distribution is an error (${res.status})`);
      await emu.reset();
    } finally {
      await stop();
    }
    assert.equal(process.env.MINIFRONT_URL, undefined);
    assert.throws(() => connectEmulator(), /MINIFRONT_URL is not set/);
  });
});
