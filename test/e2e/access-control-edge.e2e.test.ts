// Access control at the edge, end to end (issue #6): private buckets behind OAC and OAI with the
// bucket policies AWS documents (and the 403s without them), signed URLs and cookies made by the
// real signers (@aws-sdk/cloudfront-signer and `aws cloudfront sign`). Geo restriction is in
// edge-listeners.e2e, CORS and security headers in edge-response-headers.e2e.
// docs/edge.md §7.5, docs/signed-urls.md; AWS "Restricting access to an Amazon S3 origin".
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CreateCloudFrontOriginAccessIdentityCommand,
  CreateDistributionCommand,
  CreateKeyGroupCommand,
  CreateOriginAccessControlCommand,
  CreatePublicKeyCommand,
  type CloudFrontClient,
  type DefaultCacheBehavior,
  type Origin,
} from "@aws-sdk/client-cloudfront";
import { CreateBucketCommand, PutBucketPolicyCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { getSignedCookies, getSignedUrl } from "@aws-sdk/cloudfront-signer";
import { ManualClock } from "../../src/index.ts";
import { CREDENTIALS, useEmulator } from "../helpers/emulator.ts";
import { header, sendToEdge } from "../helpers/test-origin.ts";
import { awsCliAvailable } from "../helpers/aws-cli.ts";

const list = <T>(items: readonly T[]) => ({ Quantity: items.length, Items: [...items] });
const CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad";


describe("access control at the edge (#6)", () => {
  const clock = new ManualClock(Date.parse("2026-06-01T00:00:00Z"));
  // The 403s without OAC/policy are S3's answer under `enforce` (the default is `warn`, issue #12).
  const t = useEmulator({ clock, s3Access: "enforce" });
  let cf: CloudFrontClient | undefined;
  let s3: S3Client | undefined;
  let refs = 0;
  before(() => {
    cf = t.cloudfront();
    s3 = new S3Client({ endpoint: t.emu.s3Url, region: "us-east-1", credentials: CREDENTIALS, forcePathStyle: true, maxAttempts: 1 });
  });
  after(() => {
    cf?.destroy();
    s3?.destroy();
  });
  const cloudfront = () => cf as CloudFrontClient;

  async function bucket(name: string, objects: Record<string, string>): Promise<void> {
    await (s3 as S3Client).send(new CreateBucketCommand({ Bucket: name }));
    for (const [key, body] of Object.entries(objects)) await (s3 as S3Client).send(new PutObjectCommand({ Bucket: name, Key: key, Body: body, ContentType: "text/plain" }));
  }

  async function distribution(origin: Origin, behavior: Partial<DefaultCacheBehavior> = {}) {
    const out = await cloudfront().send(
      new CreateDistributionCommand({
        DistributionConfig: {
          CallerReference: `access-${++refs}`,
          Comment: "",
          Enabled: true,
          Origins: list([origin]),
          DefaultCacheBehavior: { TargetOriginId: origin.Id as string, ViewerProtocolPolicy: "allow-all", CachePolicyId: CACHING_DISABLED, ...behavior },
        },
      }),
    );
    const id = out.Distribution?.Id as string;
    const domain = out.Distribution?.DomainName as string;
    const host = `${domain}:${t.emu.port}`;
    return { id, arn: out.Distribution?.ARN as string, domain, host, url: (path: string) => `http://${host}${path}`, get: (path: string, headers?: Record<string, string>) => sendToEdge(t.emu.port, host, path, headers ? { headers } : {}) };
  }

  /** The bucket policy AWS's OAC page gives: only this distribution may read. */
  const oacPolicy = (bucketName: string, distributionArn: string) =>
    JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "AllowCloudFrontServicePrincipalReadOnly",
          Effect: "Allow",
          Principal: { Service: "cloudfront.amazonaws.com" },
          Action: "s3:GetObject",
          Resource: `arn:aws:s3:::${bucketName}/*`,
          Condition: { StringEquals: { "AWS:SourceArn": distributionArn } },
        },
      ],
    });

  describe("origin access control (OAC)", () => {
    it("reproduces the classic 403, and its fix: OAC plus the bucket policy for this distribution", async () => {
      await bucket("private-oac", { "index.html": "private page" });
      const oac = await cloudfront().send(
        new CreateOriginAccessControlCommand({ OriginAccessControlConfig: { Name: "private-oac", SigningProtocol: "sigv4", SigningBehavior: "always", OriginAccessControlOriginType: "s3" } }),
      );
      const oacId = oac.OriginAccessControl?.Id as string;
      const origin: Origin = { Id: "s3", DomainName: "private-oac.s3.us-east-1.amazonaws.com", S3OriginConfig: { OriginAccessIdentity: "" }, OriginAccessControlId: oacId };
      const d = await distribution(origin);
      const other = await distribution(origin);
      const noOac = await distribution({ ...origin, OriginAccessControlId: "" });

      const before = await d.get("/index.html");
      assert.equal(before.status, 403, "no bucket policy yet: S3 refuses CloudFront");
      assert.match(before.body, /AccessDenied/);
      assert.equal(header(before, "x-cache"), "Error from cloudfront");

      await (s3 as S3Client).send(new PutBucketPolicyCommand({ Bucket: "private-oac", Policy: oacPolicy("private-oac", d.arn) }));
      const fixed = await d.get("/index.html");
      assert.equal(fixed.status, 200);
      assert.equal(fixed.body, "private page");
      assert.equal((await other.get("/index.html")).status, 403, "another distribution is not in the policy's AWS:SourceArn");
      assert.equal((await noOac.get("/index.html")).status, 403, "without OAC the request is anonymous");
      const direct = await fetch(`${t.emu.s3Url}/private-oac/index.html`);
      assert.equal(direct.status, 403, "anonymous direct S3 access is denied");
      assert.match(await direct.text(), /AccessDenied/);
    });

    it("passes a viewer's Authorization through unsigned under no-override", async () => {
      await bucket("private-no-override", { "a.txt": "a" });
      const oac = await cloudfront().send(
        new CreateOriginAccessControlCommand({ OriginAccessControlConfig: { Name: "no-override", SigningProtocol: "sigv4", SigningBehavior: "no-override", OriginAccessControlOriginType: "s3" } }),
      );
      const d = await distribution({ Id: "s3", DomainName: "private-no-override.s3.amazonaws.com", S3OriginConfig: { OriginAccessIdentity: "" }, OriginAccessControlId: oac.OriginAccessControl?.Id as string });
      await (s3 as S3Client).send(new PutBucketPolicyCommand({ Bucket: "private-no-override", Policy: oacPolicy("private-no-override", d.arn) }));
      assert.equal((await d.get("/a.txt")).status, 200, "no viewer Authorization: CloudFront signs");
    });
  });

  describe("origin access identity (OAI)", () => {
    it("serves a bucket whose policy names the OAI, and nothing else", async () => {
      await bucket("private-oai", { "a.txt": "via oai" });
      const oai = await cloudfront().send(new CreateCloudFrontOriginAccessIdentityCommand({ CloudFrontOriginAccessIdentityConfig: { CallerReference: "oai-1", Comment: "" } }));
      const oaiId = oai.CloudFrontOriginAccessIdentity?.Id as string;
      const d = await distribution({ Id: "s3", DomainName: "private-oai.s3.amazonaws.com", S3OriginConfig: { OriginAccessIdentity: `origin-access-identity/cloudfront/${oaiId}` } });
      assert.equal((await d.get("/a.txt")).status, 403);
      const policy = {
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { AWS: `arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity ${oaiId}` }, Action: "s3:GetObject", Resource: "arn:aws:s3:::private-oai/*" }],
      };
      await (s3 as S3Client).send(new PutBucketPolicyCommand({ Bucket: "private-oai", Policy: JSON.stringify(policy) }));
      const ok = await d.get("/a.txt");
      assert.equal(ok.status, 200);
      assert.equal(ok.body, "via oai");
    });
  });

  describe("signed URLs and cookies", () => {
    const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const other = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const privatePem = rsa.privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    const otherPem = other.privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    let keyId = "";
    let d: Awaited<ReturnType<typeof distribution>> | undefined;
    const dist = () => d ?? assert.fail("no distribution");
    const inOneHour = () => new Date(clock.now() + 3600_000).toISOString();

    before(async () => {
      await bucket("signed-content", { "video.mp4": "secret video", "free.txt": "free" });
      await (s3 as S3Client).send(
        new PutBucketPolicyCommand({
          Bucket: "signed-content",
          Policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::signed-content/*" }] }),
        }),
      );
      const pk = await cloudfront().send(
        new CreatePublicKeyCommand({ PublicKeyConfig: { CallerReference: "signer-key", Name: "signer-key", EncodedKey: rsa.publicKey.export({ type: "spki", format: "pem" }).toString() } }),
      );
      keyId = pk.PublicKey?.Id as string;
      const group = await cloudfront().send(new CreateKeyGroupCommand({ KeyGroupConfig: { Name: "signers", Items: [keyId] } }));
      d = await distribution(
        { Id: "s3", DomainName: "signed-content.s3.amazonaws.com", S3OriginConfig: { OriginAccessIdentity: "" } },
        { TrustedKeyGroups: { Enabled: true, Quantity: 1, Items: [group.KeyGroup?.Id as string] } },
      );
    });

    it("serves a canned-policy URL signed by @aws-sdk/cloudfront-signer and refuses unsigned, tampered and wrong-key ones", async () => {
      const url = getSignedUrl({ url: dist().url("/video.mp4"), keyPairId: keyId, privateKey: privatePem, dateLessThan: inOneHour() });
      const path = url.slice(url.indexOf("/", "http://".length));
      const ok = await dist().get(path);
      assert.equal(ok.status, 200);
      assert.equal(ok.body, "secret video");

      const unsigned = await dist().get("/video.mp4");
      assert.equal(unsigned.status, 403);
      assert.match(unsigned.body, /MissingKey/);
      assert.equal((await dist().get(path.replace("video.mp4", "free.txt"))).status, 403, "the signature covers the URL");
      const wrong = getSignedUrl({ url: dist().url("/video.mp4"), keyPairId: keyId, privateKey: otherPem, dateLessThan: inOneHour() });
      assert.equal((await dist().get(wrong.slice(wrong.indexOf("/", 7)))).status, 403, "signed with a key not in the group");
      const unknown = getSignedUrl({ url: dist().url("/video.mp4"), keyPairId: "K2UNKNOWNKEYID", privateKey: privatePem, dateLessThan: inOneHour() });
      assert.match((await dist().get(unknown.slice(unknown.indexOf("/", 7)))).body, /InvalidKey|AccessDenied/);
    });

    it("checks expiry and start time against the edge's clock", async () => {
      const url = getSignedUrl({ url: dist().url("/video.mp4"), keyPairId: keyId, privateKey: privatePem, dateLessThan: new Date(clock.now() + 60_000).toISOString() });
      const path = url.slice(url.indexOf("/", 7));
      assert.equal((await dist().get(path)).status, 200);
      clock.advance(61_000);
      const expired = await dist().get(path);
      assert.equal(expired.status, 403);
      assert.match(expired.body, /AccessDenied/);
      const future = getSignedUrl({
        url: dist().url("/video.mp4"),
        keyPairId: keyId,
        privateKey: privatePem,
        dateLessThan: inOneHour(),
        dateGreaterThan: new Date(clock.now() + 600_000).toISOString(),
      });
      assert.equal((await dist().get(future.slice(future.indexOf("/", 7)))).status, 403, "not valid yet");
    });

    it("honours a custom policy's IP condition and resource wildcard", async () => {
      const policy = (cidr: string) =>
        JSON.stringify({
          Statement: [{ Resource: `http://${dist().host}/*`, Condition: { DateLessThan: { "AWS:EpochTime": Math.floor(clock.now() / 1000) + 3600 }, IpAddress: { "AWS:SourceIp": cidr } } }],
        });
      const local = getSignedUrl({ url: dist().url("/video.mp4"), keyPairId: keyId, privateKey: privatePem, policy: policy("127.0.0.1/32") });
      assert.equal((await dist().get(local.slice(local.indexOf("/", 7)))).status, 200);
      const elsewhere = getSignedUrl({ url: dist().url("/video.mp4"), keyPairId: keyId, privateKey: privatePem, policy: policy("10.0.0.0/8") });
      assert.equal((await dist().get(elsewhere.slice(elsewhere.indexOf("/", 7)))).status, 403);
      const tampered = local.replace(/Policy=[^&]+/, (m) => m.slice(0, -4) + "AAAA");
      assert.equal((await dist().get(tampered.slice(tampered.indexOf("/", 7)))).status, 403, "a changed policy no longer matches its signature");
    });

    it("accepts signed cookies", async () => {
      const cookies = getSignedCookies({
        url: dist().url("/*"),
        keyPairId: keyId,
        privateKey: privatePem,
        policy: JSON.stringify({ Statement: [{ Resource: `http://${dist().host}/*`, Condition: { DateLessThan: { "AWS:EpochTime": Math.floor(clock.now() / 1000) + 3600 } } }] }),
      });
      const cookie = Object.entries(cookies)
        .map(([k, v]) => `${k}=${String(v)}`)
        .join("; ");
      const ok = await dist().get("/video.mp4", { Cookie: cookie });
      assert.equal(ok.status, 200);
      assert.equal(ok.body, "secret video");
      assert.equal((await dist().get("/video.mp4", { Cookie: cookie.replace(/CloudFront-Signature=[^;]+/, "CloudFront-Signature=AAAA") })).status, 403);
    });

    it("accepts a URL from `aws cloudfront sign`", { skip: !awsCliAvailable() && "the aws CLI is not installed" }, async () => {
      const dir = mkdtempSync(join(tmpdir(), "minifront-sign-"));
      try {
        const keyFile = join(dir, "key.pem");
        writeFileSync(keyFile, rsa.privateKey.export({ type: "pkcs1", format: "pem" }).toString());
        // The CLI signs with the wall clock: give the edge's clock the same time for this test.
        clock.set(Date.now());
        const out = await promisify(execFile)("aws", ["cloudfront", "sign", "--url", dist().url("/video.mp4"), "--key-pair-id", keyId, "--private-key", `file://${keyFile}`, "--date-less-than", new Date(Date.now() + 3600_000).toISOString()], {
          env: { ...process.env, AWS_ACCESS_KEY_ID: "test", AWS_SECRET_ACCESS_KEY: "test", AWS_DEFAULT_REGION: "us-east-1" },
        });
        const signed = out.stdout.trim();
        const res = await dist().get(signed.slice(signed.indexOf("/", 7)));
        assert.equal(res.status, 200);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});


