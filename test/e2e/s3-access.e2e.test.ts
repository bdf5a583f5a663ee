// The embedded S3's access control on a real port (issue 6 "Origin access"; access.ts): the
// account's signed requests work as before; anonymous requests get only what the bucket policy
// allows (403 AccessDenied otherwise, and 403 instead of 404 for a missing key without
// s3:ListBucket, per the GetObject API reference); CloudFront's requests through the edge are
// admitted by the OAC (AWS:SourceArn) or OAI policies AWS documents; the website endpoint serves
// only public content; `--s3-access open` allows everything. The signature checks of CloudFront's
// credentials are unit-tested in src/services/s3/access.test.ts (the per-process secret is not
// reachable from outside the emulator).
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createHash, createHmac, type Hash, type Hmac } from "node:crypto";
import {
  CreateCloudFrontOriginAccessIdentityCommand,
  CreateDistributionCommand,
  CreateOriginAccessControlCommand,
  type CloudFrontClient,
  type Origin,
} from "@aws-sdk/client-cloudfront";
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutBucketPolicyCommand,
  PutBucketWebsiteCommand,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { SignatureV4 } from "@smithy/signature-v4";
import { CREDENTIALS, expectServiceError, useEmulator } from "../helpers/emulator.ts";
import { header, sendToEdge, type EdgeResponse } from "../helpers/test-origin.ts";
import { originAccessIdentityCanonicalUserId } from "../../src/services/s3/cloudfront-identity.ts";

const CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad";

type Statement = Record<string, unknown>;
const policy = (...statements: Statement[]) => JSON.stringify({ Version: "2012-10-17", Statement: statements });
const publicRead = (bucket: string): Statement => ({ Sid: "PublicRead", Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: `arn:aws:s3:::${bucket}/*` });
const publicList = (bucket: string): Statement => ({ Sid: "PublicList", Effect: "Allow", Principal: "*", Action: "s3:ListBucket", Resource: `arn:aws:s3:::${bucket}` });

/** `<Code>` of an S3 error document. */
const codeOf = (xml: string) => /<Code>([^<]+)<\/Code>/.exec(xml)?.[1];

describe("embedded S3 access control (--s3-access enforce)", () => {
  const t = useEmulator({ s3Access: "enforce" });
  let s3Client: S3Client | undefined;
  let cfClient: CloudFrontClient | undefined;
  before(() => {
    s3Client = new S3Client({ region: "us-east-1", endpoint: t.emu.s3Url, forcePathStyle: true, credentials: CREDENTIALS, maxAttempts: 1 });
    cfClient = t.cloudfront();
  });
  after(() => {
    s3Client?.destroy();
    cfClient?.destroy();
  });
  const s3 = () => s3Client as S3Client;
  const cloudfront = () => cfClient as CloudFrontClient;
  const url = (path: string) => `${t.emu.s3Url}${path}`;

  async function bucket(name: string, objects: Record<string, string> = { "index.html": "<h1>home</h1>" }, bucketPolicy?: string): Promise<void> {
    await s3().send(new CreateBucketCommand({ Bucket: name }));
    for (const [key, body] of Object.entries(objects)) await s3().send(new PutObjectCommand({ Bucket: name, Key: key, Body: body, ContentType: "text/html" }));
    if (bucketPolicy) await s3().send(new PutBucketPolicyCommand({ Bucket: name, Policy: bucketPolicy }));
  }

  it("the account's signed requests work as before: put, get, head, list, delete", async () => {
    await bucket("owner-bucket", { "a.txt": "A" });
    assert.equal(await (await s3().send(new GetObjectCommand({ Bucket: "owner-bucket", Key: "a.txt" }))).Body?.transformToString(), "A");
    assert.equal((await s3().send(new HeadObjectCommand({ Bucket: "owner-bucket", Key: "a.txt" }))).ContentLength, 1);
    assert.deepEqual((await s3().send(new ListObjectsV2Command({ Bucket: "owner-bucket" }))).Contents?.map((o) => o.Key), ["a.txt"]);
    await expectServiceError(s3().send(new GetObjectCommand({ Bucket: "owner-bucket", Key: "missing" })), 404, "NoSuchKey");
    await s3().send(new DeleteObjectCommand({ Bucket: "owner-bucket", Key: "a.txt" }));
  });

  it("an anonymous GET of an object in a bucket without a policy is 403 AccessDenied; HEAD is 403 without a body; PUT is refused", async () => {
    await bucket("private-bucket");
    const res = await fetch(url("/private-bucket/index.html"));
    assert.equal(res.status, 403);
    assert.match(String(res.headers.get("content-type")), /xml/);
    const body = await res.text();
    assert.equal(codeOf(body), "AccessDenied");
    assert.match(body, /<Message>Access Denied<\/Message>/);
    const head = await sendToEdge(t.emu.port, `127.0.0.1:${t.emu.port}`, "/private-bucket/index.html", { method: "HEAD" });
    assert.equal(head.status, 403);
    assert.equal(head.body, "");
    const put = await fetch(url("/private-bucket/planted.txt"), { method: "PUT", body: "x" });
    assert.equal(put.status, 403);
    assert.equal(codeOf(await put.text()), "AccessDenied");
    await expectServiceError(s3().send(new HeadObjectCommand({ Bucket: "private-bucket", Key: "planted.txt" })), 404, "NotFound");
  });

  it("a public-read policy (Principal *, s3:GetObject) serves anonymous GETs, and anonymous listing stays 403", async () => {
    await bucket("public-bucket", { "index.html": "<h1>public</h1>" }, policy(publicRead("public-bucket")));
    const res = await fetch(url("/public-bucket/index.html"));
    assert.equal(res.status, 200);
    assert.equal(await res.text(), "<h1>public</h1>");
    const list = await fetch(url("/public-bucket?list-type=2"));
    assert.equal(list.status, 403);
    assert.equal(codeOf(await list.text()), "AccessDenied");
  });

  it("an anonymous GET of a missing key is 403 without s3:ListBucket and 404 NoSuchKey with it (GetObject API reference)", async () => {
    await bucket("missing-keys", {}, policy(publicRead("missing-keys")));
    const denied = await fetch(url("/missing-keys/nope.html"));
    assert.equal(denied.status, 403);
    assert.equal(codeOf(await denied.text()), "AccessDenied");
    await s3().send(new PutBucketPolicyCommand({ Bucket: "missing-keys", Policy: policy(publicRead("missing-keys"), publicList("missing-keys")) }));
    const missing = await fetch(url("/missing-keys/nope.html"));
    assert.equal(missing.status, 404);
    assert.equal(codeOf(await missing.text()), "NoSuchKey");
    assert.equal((await fetch(url("/missing-keys?list-type=2"))).status, 200);
    assert.equal((await fetch(url("/no-such-bucket/nope.html"))).status, 404, "a missing bucket is NoSuchBucket for everyone");
  });

  it("aws:SourceIp conditions see the client's address", async () => {
    const fromLoopback = { ...publicRead("by-ip"), Condition: { IpAddress: { "aws:SourceIp": ["127.0.0.0/8", "::1/128"] } } };
    await bucket("by-ip", { "a.txt": "near" }, policy(fromLoopback));
    assert.equal((await fetch(url("/by-ip/a.txt"))).status, 200);
    await s3().send(new PutBucketPolicyCommand({ Bucket: "by-ip", Policy: policy({ ...fromLoopback, Condition: { IpAddress: { "aws:SourceIp": "203.0.113.0/24" } } }) }));
    assert.equal((await fetch(url("/by-ip/a.txt"))).status, 403);
  });

  it("a URL presigned with the account's credentials works for whoever holds it", async () => {
    await bucket("presigned-bucket", { "a.txt": "shared" });
    const { hostname, port } = new URL(t.emu.s3Url);
    const signer = new SignatureV4({ credentials: CREDENTIALS, region: "us-east-1", service: "s3", sha256: NodeSha256, uriEscapePath: false });
    const hidden = new Set(["x-amz-content-sha256"]);
    const signed = await signer.presign(
      { method: "GET", protocol: "http:", hostname, port: Number(port), path: "/presigned-bucket/a.txt", query: {}, headers: { host: `${hostname}:${port}`, "x-amz-content-sha256": "UNSIGNED-PAYLOAD" } },
      { expiresIn: 300, unsignableHeaders: hidden, unhoistableHeaders: hidden },
    );
    const query = new URLSearchParams(signed.query as Record<string, string>).toString();
    const res = await fetch(url(`/presigned-bucket/a.txt?${query}`));
    assert.equal(res.status, 200);
    assert.equal(await res.text(), "shared");
  });

  it("CloudFront's access keys with a made-up secret are SignatureDoesNotMatch (403), not the account", async () => {
    await bucket("impersonated", { "a.txt": "A" });
    const impostor = new S3Client({ region: "us-east-1", endpoint: t.emu.s3Url, forcePathStyle: true, credentials: { accessKeyId: "CFDEDIST1", secretAccessKey: "guessed" }, maxAttempts: 1 });
    try {
      await expectServiceError(impostor.send(new GetObjectCommand({ Bucket: "impersonated", Key: "a.txt" })), 403, "SignatureDoesNotMatch");
    } finally {
      impostor.destroy();
    }
  });

  describe("CloudFront's requests, through the edge", () => {
    let refs = 0;
    async function distribution(origin: Origin) {
      const out = await cloudfront().send(
        new CreateDistributionCommand({
          DistributionConfig: {
            CallerReference: `s3-access-${++refs}`,
            Comment: "",
            Enabled: true,
            Origins: { Quantity: 1, Items: [origin] },
            DefaultCacheBehavior: { TargetOriginId: origin.Id as string, ViewerProtocolPolicy: "allow-all", CachePolicyId: CACHING_DISABLED },
          },
        }),
      );
      const host = `${out.Distribution?.DomainName as string}:${t.emu.port}`;
      return { arn: out.Distribution?.ARN as string, get: (path: string): Promise<EdgeResponse> => sendToEdge(t.emu.port, host, path) };
    }

    it("an OAC policy with AWS:SourceArn admits that distribution and not another one with the same OAC", async () => {
      await bucket("oac-origin", { "page.html": "for one distribution" });
      const oac = await cloudfront().send(
        new CreateOriginAccessControlCommand({ OriginAccessControlConfig: { Name: "s3-access-oac", SigningProtocol: "sigv4", SigningBehavior: "always", OriginAccessControlOriginType: "s3" } }),
      );
      const origin: Origin = { Id: "s3", DomainName: "oac-origin.s3.us-east-1.amazonaws.com", S3OriginConfig: { OriginAccessIdentity: "" }, OriginAccessControlId: oac.OriginAccessControl?.Id as string };
      const one = await distribution(origin);
      const two = await distribution(origin);
      await s3().send(
        new PutBucketPolicyCommand({
          Bucket: "oac-origin",
          Policy: policy({
            Sid: "AllowCloudFrontServicePrincipalReadOnly",
            Effect: "Allow",
            Principal: { Service: "cloudfront.amazonaws.com" },
            Action: "s3:GetObject",
            Resource: "arn:aws:s3:::oac-origin/*",
            Condition: { StringEquals: { "AWS:SourceArn": one.arn } },
          }),
        }),
      );
      const ok = await one.get("/page.html");
      assert.equal(ok.status, 200);
      assert.equal(ok.body, "for one distribution");
      const refused = await two.get("/page.html");
      assert.equal(refused.status, 403);
      assert.match(refused.body, /AccessDenied/);
      assert.equal(header(refused, "x-cache"), "Error from cloudfront");
      assert.equal((await one.get("/missing.html")).status, 403, "no s3:ListBucket for CloudFront: a missing key is 403");
      assert.equal((await fetch(url("/oac-origin/page.html"))).status, 403, "direct anonymous access stays denied");
    });

    it("an OAI named by its S3CanonicalUserId (CanonicalUser principal) is admitted; the id S3 derives is the one the API reports", async () => {
      await bucket("oai-origin", { "a.txt": "via the canonical user" });
      const created = await cloudfront().send(new CreateCloudFrontOriginAccessIdentityCommand({ CloudFrontOriginAccessIdentityConfig: { CallerReference: "s3-access-oai", Comment: "" } }));
      const oai = created.CloudFrontOriginAccessIdentity;
      const oaiId = oai?.Id as string;
      assert.equal(oai?.S3CanonicalUserId, originAccessIdentityCanonicalUserId(t.emu.options.accountId, oaiId));
      const d = await distribution({ Id: "s3", DomainName: "oai-origin.s3.amazonaws.com", S3OriginConfig: { OriginAccessIdentity: `origin-access-identity/cloudfront/${oaiId}` } });
      assert.equal((await d.get("/a.txt")).status, 403);
      await s3().send(
        new PutBucketPolicyCommand({
          Bucket: "oai-origin",
          Policy: policy({ Effect: "Allow", Principal: { CanonicalUser: oai?.S3CanonicalUserId }, Action: "s3:GetObject", Resource: "arn:aws:s3:::oai-origin/*" }),
        }),
      );
      const ok = await d.get("/a.txt");
      assert.equal(ok.status, 200);
      assert.equal(ok.body, "via the canonical user");
    });
  });

  describe("the website endpoint (always anonymous)", () => {
    const web = (bucketName: string, path: string, method = "GET") => sendToEdge(t.emu.port, `${bucketName}.s3-website.localhost:${t.emu.port}`, path, { method });
    const website = (bucketName: string) =>
      s3().send(new PutBucketWebsiteCommand({ Bucket: bucketName, WebsiteConfiguration: { IndexDocument: { Suffix: "index.html" }, ErrorDocument: { Key: "error.html" } } }));

    it("a bucket without a public policy is 403 with S3's HTML AccessDenied page, which also reports the unreadable error document", async () => {
      await bucket("private-site", { "index.html": "<h1>private</h1>", "error.html": "<h1>oops</h1>" });
      await website("private-site");
      const res = await web("private-site", "/");
      assert.equal(res.status, 403);
      assert.match(String(header(res, "content-type")), /^text\/html/);
      assert.match(res.body, /<h1>403 Forbidden<\/h1>/);
      assert.match(res.body, /<li>Code: AccessDenied<\/li>/);
      assert.match(res.body, /An Error Occurred While Attempting to Retrieve a Custom Error Document/);
      const head = await web("private-site", "/", "HEAD");
      assert.equal(head.status, 403);
      assert.equal(head.body, "");
    });

    it("a public-read bucket is served; a missing page is 403 with the error document without s3:ListBucket, 404 with it", async () => {
      await bucket("public-site", { "index.html": "<h1>welcome</h1>", "error.html": "<h1>not here</h1>" }, policy(publicRead("public-site")));
      await website("public-site");
      const home = await web("public-site", "/");
      assert.equal(home.status, 200);
      assert.equal(home.body, "<h1>welcome</h1>");
      const hidden = await web("public-site", "/nope.html");
      assert.equal(hidden.status, 403);
      assert.equal(hidden.body, "<h1>not here</h1>");
      await s3().send(new PutBucketPolicyCommand({ Bucket: "public-site", Policy: policy(publicRead("public-site"), publicList("public-site")) }));
      const missing = await web("public-site", "/nope.html");
      assert.equal(missing.status, 404);
      assert.equal(missing.body, "<h1>not here</h1>");
    });
  });
});

describe("embedded S3 with --s3-access open (LocalStack's permissive behaviour)", () => {
  const t = useEmulator({ s3Access: "open" });
  let s3Client: S3Client | undefined;
  before(async () => {
    s3Client = new S3Client({ region: "us-east-1", endpoint: t.emu.s3Url, forcePathStyle: true, credentials: CREDENTIALS, maxAttempts: 1 });
    await s3Client.send(new CreateBucketCommand({ Bucket: "wide-open" }));
    await s3Client.send(new PutObjectCommand({ Bucket: "wide-open", Key: "index.html", Body: "<h1>open</h1>", ContentType: "text/html" }));
    await s3Client.send(new PutBucketWebsiteCommand({ Bucket: "wide-open", WebsiteConfiguration: { IndexDocument: { Suffix: "index.html" } } }));
  });
  after(() => s3Client?.destroy());

  it("anonymous requests read, list and write without any bucket policy", async () => {
    const get = await fetch(`${t.emu.s3Url}/wide-open/index.html`);
    assert.equal(get.status, 200);
    assert.equal(await get.text(), "<h1>open</h1>");
    assert.equal((await fetch(`${t.emu.s3Url}/wide-open?list-type=2`)).status, 200);
    assert.equal((await fetch(`${t.emu.s3Url}/wide-open/new.txt`, { method: "PUT", body: "anyone" })).status, 200);
    assert.equal((await fetch(`${t.emu.s3Url}/wide-open/nope.txt`)).status, 404);
  });

  it("the website endpoint serves a bucket without a policy", async () => {
    const res = await sendToEdge(t.emu.port, `wide-open.s3-website.localhost:${t.emu.port}`, "/");
    assert.equal(res.status, 200);
    assert.equal(res.body, "<h1>open</h1>");
  });
});

/** SHA-256 / HMAC-SHA-256 for the smithy signer, from node:crypto. */
class NodeSha256 {
  private readonly hash: Hash | Hmac;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.hash = secret === undefined ? createHash("sha256") : createHmac("sha256", toBytes(secret));
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.hash.update(toBytes(data));
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.hash.digest()));
  }
}

function toBytes(data: string | ArrayBuffer | ArrayBufferView): Uint8Array {
  if (typeof data === "string") return Buffer.from(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return new Uint8Array(data);
}
