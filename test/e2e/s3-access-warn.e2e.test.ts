// `--s3-access warn`, the default (issue #12): every request the embedded S3 would refuse under
// `enforce` (s3-access.e2e, access-control-edge.e2e) is served, and `emu.warnings()` holds one line
// per caller and bucket saying what AWS would answer and the fix: a direct anonymous client (per
// method), the website endpoint, a distribution whose OAC the bucket policy does not allow.
// AWS pages: "Restricting access to an Amazon S3 origin", "Setting permissions for website access".
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { CreateDistributionCommand, CreateOriginAccessControlCommand, type CloudFrontClient } from "@aws-sdk/client-cloudfront";
import { CreateBucketCommand, GetObjectCommand, PutBucketWebsiteCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { CREDENTIALS, useEmulator } from "../helpers/emulator.ts";
import { sendToEdge } from "../helpers/test-origin.ts";

describe("embedded S3 with the default --s3-access warn", () => {
  const t = useEmulator();
  let s3Client: S3Client | undefined;
  let cfClient: CloudFrontClient | undefined;
  before(async () => {
    s3Client = new S3Client({ region: "us-east-1", endpoint: t.emu.s3Url, forcePathStyle: true, credentials: CREDENTIALS, maxAttempts: 1 });
    cfClient = t.cloudfront();
    await s3Client.send(new CreateBucketCommand({ Bucket: "warned" }));
    await s3Client.send(new PutObjectCommand({ Bucket: "warned", Key: "index.html", Body: "<h1>hi</h1>", ContentType: "text/html" }));
    await s3Client.send(new PutBucketWebsiteCommand({ Bucket: "warned", WebsiteConfiguration: { IndexDocument: { Suffix: "index.html" } } }));
  });
  after(() => {
    s3Client?.destroy();
    cfClient?.destroy();
  });
  const s3 = () => s3Client as S3Client;
  const url = (path: string) => `${t.emu.s3Url}${path}`;
  const warningsAbout = (prefix: string) => t.emu.warnings().filter((w) => w.startsWith(prefix));

  it("is the default", () => {
    assert.equal(t.emu.options.s3Access, "warn");
  });

  it("serves direct anonymous reads and writes, warning once per method and bucket", async () => {
    for (let i = 0; i < 3; i++) {
      const res = await fetch(url("/warned/index.html"));
      assert.equal(res.status, 200);
      assert.equal(await res.text(), "<h1>hi</h1>");
    }
    assert.equal((await fetch(url("/warned/planted.txt"), { method: "PUT", body: "x" })).status, 200);
    assert.equal((await fetch(url("/warned/planted2.txt"), { method: "PUT", body: "y" })).status, 200);
    const planted = await s3().send(new GetObjectCommand({ Bucket: "warned", Key: "planted.txt" }));
    assert.equal(await planted.Body?.transformToString(), "x", "the write happened");

    const gets = warningsAbout("anonymous GET -> s3://warned/");
    assert.equal(gets.length, 1, t.emu.warnings().join("\n"));
    assert.match(gets[0] ?? "", /^anonymous GET -> s3:\/\/warned\/index\.html: AWS would answer 403 AccessDenied \(the request is unsigned and the bucket has no policy\)\. Sign the request with your credentials, or make this public with a bucket policy: .*"Principal":"\*","Action":"s3:GetObject","Resource":"arn:aws:s3:::warned\/\*".*Start with --s3-access enforce to get the 403 here\.$/);
    const puts = warningsAbout("anonymous PUT -> s3://warned/");
    assert.equal(puts.length, 1);
    assert.match(puts[0] ?? "", /"Action":"s3:PutObject"/);
  });

  it("serves the website endpoint, a missing page as 404, warning once", async () => {
    const web = (path: string) => sendToEdge(t.emu.port, `warned.s3-website.localhost:${t.emu.port}`, path);
    const page = await web("/");
    assert.equal(page.status, 200);
    assert.equal(page.body, "<h1>hi</h1>");
    assert.equal((await web("/index.html")).status, 200);
    assert.equal((await web("/nope.html")).status, 404);
    const lines = warningsAbout("website endpoint -> s3://warned/");
    assert.equal(lines.length, 1, t.emu.warnings().join("\n"));
    assert.match(lines[0] ?? "", /^website endpoint -> s3:\/\/warned\/index\.html: AWS would answer 403 AccessDenied \(website endpoints serve only what the bucket policy makes public/);
  });

  it("serves a distribution whose OAC no bucket policy allows, naming the distribution once", async () => {
    const cf = cfClient as CloudFrontClient;
    const oac = await cf.send(new CreateOriginAccessControlCommand({ OriginAccessControlConfig: { Name: "warn-oac", SigningProtocol: "sigv4", SigningBehavior: "always", OriginAccessControlOriginType: "s3" } }));
    const created = await cf.send(
      new CreateDistributionCommand({
        DistributionConfig: {
          CallerReference: "warn-oac-dist",
          Comment: "",
          Enabled: true,
          Origins: { Quantity: 1, Items: [{ Id: "s3", DomainName: "warned.s3.us-east-1.amazonaws.com", OriginAccessControlId: oac.OriginAccessControl?.Id, S3OriginConfig: { OriginAccessIdentity: "" } }] },
          DefaultCacheBehavior: { TargetOriginId: "s3", ViewerProtocolPolicy: "allow-all", ForwardedValues: { QueryString: false, Cookies: { Forward: "none" } } },
        },
      }),
    );
    const id = created.Distribution?.Id ?? assert.fail("no distribution id");
    const host = created.Distribution?.DomainName ?? assert.fail("no domain name");
    const first = await sendToEdge(t.emu.port, host, "/index.html");
    assert.equal(first.status, 200);
    assert.equal(first.body, "<h1>hi</h1>");
    assert.equal((await sendToEdge(t.emu.port, host, "/planted.txt")).status, 200);
    const lines = warningsAbout(`${id} (origin access control) -> s3://warned/`);
    assert.equal(lines.length, 1, t.emu.warnings().join("\n"));
    assert.ok(lines[0]?.includes(`"AWS:SourceArn":"${created.Distribution?.ARN}"`), lines[0]);
    assert.match(lines[0] ?? "", /the bucket has no policy/);
  });

  it("every warning is given once", () => {
    const all = t.emu.warnings();
    assert.equal(new Set(all).size, all.length);
    assert.equal(all.length, 4, all.join("\n"));
  });
});
