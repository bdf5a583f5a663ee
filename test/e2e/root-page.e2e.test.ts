// What a newcomer's browser sees (issue 16 "The first hour"): the endpoint's root is a small page
// about minifront, not S3's AccessDenied XML, while S3 clients keep S3's answers; and a
// distribution name that does not exist gets CloudFront's own 403 page, not S3's NoSuchBucket.
// CloudFront's answer for a host it serves no distribution for: docs/edge.md §2.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { CreateDistributionCommand, type CloudFrontClient } from "@aws-sdk/client-cloudfront";
import { CreateBucketCommand, ListBucketsCommand, S3Client } from "@aws-sdk/client-s3";
import { CREDENTIALS, useEmulator } from "../helpers/emulator.ts";
import { header, sendToEdge } from "../helpers/test-origin.ts";

const BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

describe("the root page and unknown distribution names", () => {
  const t = useEmulator();
  let cf: CloudFrontClient;
  let s3: S3Client;
  let domain = "";
  let id = "";
  before(async () => {
    cf = t.cloudfront();
    s3 = new S3Client({ endpoint: t.emu.controlUrl, region: "us-east-1", forcePathStyle: true, credentials: CREDENTIALS, maxAttempts: 1 });
    await s3.send(new CreateBucketCommand({ Bucket: "root-page-bucket" }));
    const out = await cf.send(
      new CreateDistributionCommand({
        DistributionConfig: {
          CallerReference: "root-page",
          Comment: "the <site>",
          Enabled: true,
          Origins: { Quantity: 1, Items: [{ Id: "s3", DomainName: "root-page-bucket.s3.amazonaws.com", S3OriginConfig: { OriginAccessIdentity: "" } }] },
          DefaultCacheBehavior: { TargetOriginId: "s3", ViewerProtocolPolicy: "allow-all", CachePolicyId: "658327ea-f89d-4fab-a63d-7e88639e58f6" },
        },
      }),
    );
    domain = out.Distribution?.DomainName as string;
    id = out.Distribution?.Id as string;
  });
  after(() => {
    cf.destroy();
    s3.destroy();
  });

  it("shows a browser what runs, the distributions with links and the dashboard", async () => {
    const res = await fetch(`${t.emu.controlUrl}/`, { headers: { Accept: BROWSER_ACCEPT } });
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /^text\/html/);
    const page = await res.text();
    assert.match(page, /<h1>minifront \d+\.\d+\.\d+/);
    assert.ok(page.includes(`<code>${id}</code>`), "lists the distribution's id");
    assert.ok(page.includes(`href="http://${domain}:${t.emu.port}/"`), "links to the distribution on this port");
    assert.ok(page.includes("the &#60;site&#62;"), "escapes the comment");
    assert.ok(page.includes('href="/_minifront/ui"'), "links to the dashboard");
    assert.ok(page.includes(`aws --endpoint-url http://127.0.0.1:${t.emu.port}`), "names the endpoint");
  });

  it("keeps S3's answers for S3 clients: signed ListBuckets, unsigned GET / without text/html", async () => {
    const { Buckets } = await s3.send(new ListBucketsCommand({}));
    assert.ok(Buckets?.some((b) => b.Name === "root-page-bucket"), "signed ListBuckets lists the bucket");
    // Anonymous ListBuckets: S3 refuses it; the default --s3-access warn serves it with a warning.
    const anonymous = await fetch(`${t.emu.controlUrl}/`, { headers: { Accept: "*/*" } });
    assert.equal(anonymous.status, 200);
    assert.match(await anonymous.text(), /<ListAllMyBucketsResult/);
  });

  it("leaves a virtual-hosted bucket's root to S3", async () => {
    const res = await sendToEdge(t.emu.port, `root-page-bucket.localhost:${t.emu.port}`, "/", { headers: { accept: BROWSER_ACCEPT } });
    assert.match(res.body, /<\?xml|<ListBucketResult|<Error>/, "S3 answers, not the root page");
    assert.ok(!res.body.includes("<h1>minifront"), "not the root page");
  });

  it("answers a name under the distribution suffix that no distribution has with CloudFront's 403", async () => {
    for (const path of ["/", "/index.html"]) {
      const res = await sendToEdge(t.emu.port, `e0000000000000.cloudfront.localhost:${t.emu.port}`, path, { headers: { accept: BROWSER_ACCEPT } });
      assert.equal(res.status, 403);
      assert.equal(header(res, "server"), "CloudFront");
      assert.equal(header(res, "x-cache"), "Error from cloudfront");
      assert.ok(header(res, "x-amz-cf-id"), "carries a request id");
      assert.match(res.body, /<TITLE>ERROR: The request could not be satisfied<\/TITLE>/);
      assert.match(res.body, /Bad request\./);
      assert.ok(!res.body.includes("NoSuchBucket"));
    }
  });
});
