// ACLs, Object Ownership and Block Public Access on the embedded S3, with the SDK on a real port
// (issue 13; acl.ts, public-access.ts, access-decision.ts, write-checks.ts): the operations answer
// as S3 does, and the settings change who may read — anonymous callers, CloudFront's OAC and OAI
// through the edge, and the account. Sources: S3 User Guide "Access control list (ACL) overview",
// "Controlling ownership of objects and disabling ACLs for your bucket", "Blocking public access to
// your Amazon S3 storage"; the API reference of each operation.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  CreateCloudFrontOriginAccessIdentityCommand,
  CreateDistributionCommand,
  CreateOriginAccessControlCommand,
  type CloudFrontClient,
  type Origin,
} from "@aws-sdk/client-cloudfront";
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteBucketOwnershipControlsCommand,
  DeletePublicAccessBlockCommand,
  GetBucketAclCommand,
  GetBucketOwnershipControlsCommand,
  GetBucketPolicyStatusCommand,
  GetObjectAclCommand,
  GetObjectCommand,
  GetPublicAccessBlockCommand,
  PutBucketAclCommand,
  PutBucketOwnershipControlsCommand,
  PutBucketPolicyCommand,
  PutObjectAclCommand,
  PutObjectCommand,
  PutPublicAccessBlockCommand,
  S3Client,
  UploadPartCommand,
  type ObjectOwnership,
} from "@aws-sdk/client-s3";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CREDENTIALS, expectServiceError, useEmulator } from "../helpers/emulator.ts";
import { AWS_CLI_MISSING, awsCliAvailable, runAws } from "../helpers/aws-cli.ts";
import { sendToEdge, type EdgeResponse } from "../helpers/test-origin.ts";

const CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad";
const ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers";
const LOG_DELIVERY = "http://acs.amazonaws.com/groups/s3/LogDelivery";
const policy = (...statements: Array<Record<string, unknown>>) => JSON.stringify({ Version: "2012-10-17", Statement: statements });
const publicRead = (bucket: string) => ({ Sid: "PublicRead", Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: `arn:aws:s3:::${bucket}/*` });
const codeOf = (xml: string) => /<Code>([^<]+)<\/Code>/.exec(xml)?.[1];
/** S3 accepts log-delivery-write on buckets; the SDK's BucketCannedACL enum leaves it out. */
const LOG_DELIVERY_WRITE = "log-delivery-write" as "private";

describe("S3 ACLs, Object Ownership and Block Public Access (--s3-access enforce)", () => {
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
  const anonymousGet = (path: string) => fetch(`${t.emu.s3Url}${path}`);

  async function bucket(name: string, ownership?: ObjectOwnership, objects: Record<string, string> = {}): Promise<void> {
    await s3().send(new CreateBucketCommand({ Bucket: name, ...(ownership ? { ObjectOwnership: ownership } : {}) }));
    for (const [key, body] of Object.entries(objects)) await s3().send(new PutObjectCommand({ Bucket: name, Key: key, Body: body }));
  }

  describe("Object Ownership", () => {
    it("a new bucket is BucketOwnerEnforced: its ACL reads as the owner's FULL_CONTROL and an ACL that grants more is AccessControlListNotSupported", async () => {
      await bucket("enforced");
      const controls = await s3().send(new GetBucketOwnershipControlsCommand({ Bucket: "enforced" }));
      assert.deepEqual(controls.OwnershipControls?.Rules, [{ ObjectOwnership: "BucketOwnerEnforced" }]);
      const acl = await s3().send(new GetBucketAclCommand({ Bucket: "enforced" }));
      assert.equal(acl.Grants?.length, 1);
      assert.equal(acl.Grants?.[0]?.Permission, "FULL_CONTROL");
      assert.equal(acl.Grants?.[0]?.Grantee?.Type, "CanonicalUser");
      assert.equal(acl.Grants?.[0]?.Grantee?.ID, acl.Owner?.ID);
      await expectServiceError(s3().send(new PutBucketAclCommand({ Bucket: "enforced", ACL: "public-read" })), 400, "AccessControlListNotSupported");
      await expectServiceError(s3().send(new PutObjectCommand({ Bucket: "enforced", Key: "a.txt", Body: "A", ACL: "public-read" })), 400, "AccessControlListNotSupported");
      await expectServiceError(s3().send(new GetObjectCommand({ Bucket: "enforced", Key: "a.txt" })), 404, "NoSuchKey");
      // "bucket-owner-full-control ... or an equivalent form" is still accepted.
      await s3().send(new PutObjectCommand({ Bucket: "enforced", Key: "a.txt", Body: "A", ACL: "bucket-owner-full-control" }));
      await s3().send(new PutBucketAclCommand({ Bucket: "enforced", ACL: "private" }));
    });

    it("CreateBucket with a public ACL and no x-amz-object-ownership is InvalidBucketAclWithObjectOwnership, and creates nothing", async () => {
      await expectServiceError(s3().send(new CreateBucketCommand({ Bucket: "acl-at-create", ACL: "public-read" })), 400, "InvalidBucketAclWithObjectOwnership");
      await expectServiceError(s3().send(new GetBucketAclCommand({ Bucket: "acl-at-create" })), 404, "NoSuchBucket");
      await s3().send(new CreateBucketCommand({ Bucket: "acl-at-create", ACL: "public-read", ObjectOwnership: "ObjectWriter" }));
      const acl = await s3().send(new GetBucketAclCommand({ Bucket: "acl-at-create" }));
      assert.ok(acl.Grants?.some((g) => g.Grantee?.URI === ALL_USERS && g.Permission === "READ"));
    });

    it("a log bucket: BucketOwnerPreferred, then the log-delivery-write canned ACL gives the LogDelivery group WRITE and READ_ACP", async () => {
      await bucket("logs");
      await s3().send(new PutBucketOwnershipControlsCommand({ Bucket: "logs", OwnershipControls: { Rules: [{ ObjectOwnership: "BucketOwnerPreferred" }] } }));
      await s3().send(new PutBucketAclCommand({ Bucket: "logs", ACL: LOG_DELIVERY_WRITE }));
      const acl = await s3().send(new GetBucketAclCommand({ Bucket: "logs" }));
      const grants = (acl.Grants ?? []).map((g) => `${g.Grantee?.Type}:${g.Grantee?.URI ?? (g.Grantee?.ID === acl.Owner?.ID ? "owner" : g.Grantee?.ID)}:${g.Permission}`);
      assert.deepEqual(grants, ["CanonicalUser:owner:FULL_CONTROL", `Group:${LOG_DELIVERY}:WRITE`, `Group:${LOG_DELIVERY}:READ_ACP`]);
      // The controls cannot turn ACLs off while the bucket ACL grants others something.
      await expectServiceError(
        s3().send(new PutBucketOwnershipControlsCommand({ Bucket: "logs", OwnershipControls: { Rules: [{ ObjectOwnership: "BucketOwnerEnforced" }] } })),
        400,
        "InvalidBucketAclWithObjectOwnership",
      );
    });

    it("invalid controls are MalformedXML and change nothing; deleted controls read as OwnershipControlsNotFoundError", async () => {
      await bucket("controls", "ObjectWriter");
      const unknown = { Rules: [{ ObjectOwnership: "Nobody" as ObjectOwnership }] };
      await expectServiceError(s3().send(new PutBucketOwnershipControlsCommand({ Bucket: "controls", OwnershipControls: unknown })), 400, "MalformedXML");
      assert.deepEqual((await s3().send(new GetBucketOwnershipControlsCommand({ Bucket: "controls" }))).OwnershipControls?.Rules, [{ ObjectOwnership: "ObjectWriter" }]);
      await s3().send(new DeleteBucketOwnershipControlsCommand({ Bucket: "controls" }));
      await expectServiceError(s3().send(new GetBucketOwnershipControlsCommand({ Bucket: "controls" })), 404, "OwnershipControlsNotFoundError");
    });
  });

  describe("ACL documents", () => {
    it("PutBucketAcl takes a canned ACL, grant headers or an AccessControlPolicy, exactly one of them", async () => {
      await bucket("acl-docs", "BucketOwnerPreferred");
      const { Owner } = await s3().send(new GetBucketAclCommand({ Bucket: "acl-docs" }));
      await expectServiceError(s3().send(new PutBucketAclCommand({ Bucket: "acl-docs", ACL: "public-read", GrantRead: `uri="${ALL_USERS}"` })), 400, "InvalidRequest");
      await expectServiceError(s3().send(new PutBucketAclCommand({ Bucket: "acl-docs" })), 400, "MissingSecurityHeader");
      await expectServiceError(s3().send(new PutBucketAclCommand({ Bucket: "acl-docs", ACL: "no-such-acl" as "private" })), 400, "InvalidArgument");
      await expectServiceError(s3().send(new PutBucketAclCommand({ Bucket: "acl-docs", GrantRead: 'uri="http://example.com/group"' })), 400, "InvalidArgument");
      assert.equal((await s3().send(new GetBucketAclCommand({ Bucket: "acl-docs" }))).Grants?.length, 1, "refused documents change nothing");

      await s3().send(new PutBucketAclCommand({ Bucket: "acl-docs", GrantRead: `uri="${ALL_USERS}"`, GrantFullControl: `id="${Owner?.ID}"` }));
      let grants = (await s3().send(new GetBucketAclCommand({ Bucket: "acl-docs" }))).Grants ?? [];
      assert.deepEqual(grants.map((g) => g.Permission).sort(), ["FULL_CONTROL", "READ"]);

      await s3().send(
        new PutBucketAclCommand({
          Bucket: "acl-docs",
          AccessControlPolicy: { Owner, Grants: [{ Grantee: { Type: "CanonicalUser", ID: Owner?.ID }, Permission: "FULL_CONTROL" }, { Grantee: { Type: "Group", URI: LOG_DELIVERY }, Permission: "WRITE" }] },
        }),
      );
      grants = (await s3().send(new GetBucketAclCommand({ Bucket: "acl-docs" }))).Grants ?? [];
      assert.deepEqual(grants.map((g) => [g.Grantee?.Type, g.Grantee?.URI, g.Permission]), [["CanonicalUser", undefined, "FULL_CONTROL"], ["Group", LOG_DELIVERY, "WRITE"]]);
    });

    it("an object's ACL comes from x-amz-acl on PutObject, is replaced by PutObjectAcl, and a copy starts private", async () => {
      await bucket("object-acls", "BucketOwnerPreferred");
      await s3().send(new PutObjectCommand({ Bucket: "object-acls", Key: "pub.txt", Body: "P", ACL: "public-read" }));
      const read = await s3().send(new GetObjectAclCommand({ Bucket: "object-acls", Key: "pub.txt" }));
      assert.ok(read.Grants?.some((g) => g.Grantee?.URI === ALL_USERS && g.Permission === "READ"));
      await s3().send(new CopyObjectCommand({ Bucket: "object-acls", Key: "copy.txt", CopySource: "object-acls/pub.txt" }));
      assert.equal((await s3().send(new GetObjectAclCommand({ Bucket: "object-acls", Key: "copy.txt" }))).Grants?.length, 1);
      await s3().send(new PutObjectAclCommand({ Bucket: "object-acls", Key: "pub.txt", ACL: "private" }));
      assert.equal((await s3().send(new GetObjectAclCommand({ Bucket: "object-acls", Key: "pub.txt" }))).Grants?.length, 1);
      await expectServiceError(s3().send(new GetObjectAclCommand({ Bucket: "object-acls", Key: "missing.txt" })), 404, "NoSuchKey");
    });

    it("a multipart upload's object gets the ACL CreateMultipartUpload asked for", async () => {
      const { UploadId } = await s3().send(new CreateMultipartUploadCommand({ Bucket: "object-acls", Key: "big.bin", ACL: "authenticated-read" }));
      const part = await s3().send(new UploadPartCommand({ Bucket: "object-acls", Key: "big.bin", UploadId, PartNumber: 1, Body: "only part" }));
      await s3().send(new CompleteMultipartUploadCommand({ Bucket: "object-acls", Key: "big.bin", UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] } }));
      const acl = await s3().send(new GetObjectAclCommand({ Bucket: "object-acls", Key: "big.bin" }));
      assert.ok(acl.Grants?.some((g) => g.Grantee?.URI === "http://acs.amazonaws.com/groups/global/AuthenticatedUsers" && g.Permission === "READ"));
    });
  });

  describe("who may read", () => {
    it("an object's public-read ACL admits anonymous GETs; IgnorePublicAcls and BucketOwnerEnforced take that back; the owner keeps access", async () => {
      await bucket("acl-public", "BucketOwnerPreferred");
      await s3().send(new PutObjectCommand({ Bucket: "acl-public", Key: "pub.txt", Body: "public by ACL", ACL: "public-read" }));
      await s3().send(new PutObjectCommand({ Bucket: "acl-public", Key: "private.txt", Body: "private" }));
      const ok = await anonymousGet("/acl-public/pub.txt");
      assert.equal(ok.status, 200);
      assert.equal(await ok.text(), "public by ACL");
      assert.equal((await anonymousGet("/acl-public/private.txt")).status, 403);

      await s3().send(new PutPublicAccessBlockCommand({ Bucket: "acl-public", PublicAccessBlockConfiguration: { IgnorePublicAcls: true } }));
      assert.equal(codeOf(await (await anonymousGet("/acl-public/pub.txt")).text()), "AccessDenied");
      await s3().send(new DeletePublicAccessBlockCommand({ Bucket: "acl-public" }));
      assert.equal((await anonymousGet("/acl-public/pub.txt")).status, 200);

      await s3().send(new PutBucketOwnershipControlsCommand({ Bucket: "acl-public", OwnershipControls: { Rules: [{ ObjectOwnership: "BucketOwnerEnforced" }] } }));
      assert.equal((await anonymousGet("/acl-public/pub.txt")).status, 403, "ACLs disabled: the object's grant no longer counts");
      assert.equal(await (await s3().send(new GetObjectCommand({ Bucket: "acl-public", Key: "pub.txt" }))).Body?.transformToString(), "public by ACL");
    });

    it("a public-read bucket ACL lets anonymous callers list, so with a public-read policy a missing key is 404 instead of 403", async () => {
      await bucket("acl-list", "ObjectWriter", { "a.txt": "A" });
      await s3().send(new PutBucketPolicyCommand({ Bucket: "acl-list", Policy: policy(publicRead("acl-list")) }));
      assert.equal((await anonymousGet("/acl-list?list-type=2")).status, 403);
      assert.equal((await anonymousGet("/acl-list/missing.txt")).status, 403);
      await s3().send(new PutBucketAclCommand({ Bucket: "acl-list", ACL: "public-read" }));
      assert.equal((await anonymousGet("/acl-list?list-type=2")).status, 200);
      const missing = await anonymousGet("/acl-list/missing.txt");
      assert.equal(missing.status, 404);
      assert.equal(codeOf(await missing.text()), "NoSuchKey");
    });

    it("Block Public Access: BlockPublicPolicy refuses a public policy but not an OAC one; RestrictPublicBuckets makes an existing public policy ineffective for anonymous callers", async () => {
      await bucket("blocked", undefined, { "a.txt": "A" });
      await expectServiceError(s3().send(new GetPublicAccessBlockCommand({ Bucket: "blocked" })), 404, "NoSuchPublicAccessBlockConfiguration");
      await s3().send(new PutBucketPolicyCommand({ Bucket: "blocked", Policy: policy(publicRead("blocked")) }));
      assert.equal((await s3().send(new GetBucketPolicyStatusCommand({ Bucket: "blocked" }))).PolicyStatus?.IsPublic, true);
      assert.equal((await anonymousGet("/blocked/a.txt")).status, 200);

      const all = { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true };
      await s3().send(new PutPublicAccessBlockCommand({ Bucket: "blocked", PublicAccessBlockConfiguration: all }));
      assert.deepEqual((await s3().send(new GetPublicAccessBlockCommand({ Bucket: "blocked" }))).PublicAccessBlockConfiguration, all);
      assert.equal((await anonymousGet("/blocked/a.txt")).status, 403, "RestrictPublicBuckets");
      assert.equal(await (await s3().send(new GetObjectCommand({ Bucket: "blocked", Key: "a.txt" }))).Body?.transformToString(), "A", "the account is not affected");

      const denied = await expectServiceError(s3().send(new PutBucketPolicyCommand({ Bucket: "blocked", Policy: policy({ ...publicRead("blocked"), Sid: "Again" }) })), 403, "AccessDenied");
      assert.match(denied.message, /BlockPublicPolicy/);
      const oacOnly = policy({
        Effect: "Allow",
        Principal: { Service: "cloudfront.amazonaws.com" },
        Action: "s3:GetObject",
        Resource: "arn:aws:s3:::blocked/*",
        Condition: { StringEquals: { "AWS:SourceArn": "arn:aws:cloudfront::000000000000:distribution/EXAMPLE" } },
      });
      await s3().send(new PutBucketPolicyCommand({ Bucket: "blocked", Policy: oacOnly }));
      assert.equal((await s3().send(new GetBucketPolicyStatusCommand({ Bucket: "blocked" }))).PolicyStatus?.IsPublic, false);
    });

    it("BlockPublicAcls refuses public ACLs on PutObject, PutObjectAcl and PutBucketAcl", async () => {
      await bucket("acl-blocked", "BucketOwnerPreferred", { "a.txt": "A" });
      await s3().send(new PutPublicAccessBlockCommand({ Bucket: "acl-blocked", PublicAccessBlockConfiguration: { BlockPublicAcls: true } }));
      await expectServiceError(s3().send(new PutObjectCommand({ Bucket: "acl-blocked", Key: "b.txt", Body: "B", ACL: "public-read" })), 403, "AccessDenied");
      await expectServiceError(s3().send(new PutObjectAclCommand({ Bucket: "acl-blocked", Key: "a.txt", ACL: "public-read" })), 403, "AccessDenied");
      await expectServiceError(s3().send(new PutBucketAclCommand({ Bucket: "acl-blocked", ACL: "public-read-write" })), 403, "AccessDenied");
      await s3().send(new PutBucketAclCommand({ Bucket: "acl-blocked", ACL: LOG_DELIVERY_WRITE }));
    });

    it("a policy condition on s3:x-amz-acl sees the ACL a write asks for", async () => {
      await bucket("acl-condition");
      const statement = { Effect: "Allow", Principal: "*", Action: "s3:PutObject", Resource: "arn:aws:s3:::acl-condition/*", Condition: { StringEquals: { "s3:x-amz-acl": "bucket-owner-full-control" } } };
      await s3().send(new PutBucketPolicyCommand({ Bucket: "acl-condition", Policy: policy(statement) }));
      const put = (headers: Record<string, string>) => fetch(`${t.emu.s3Url}/acl-condition/drop.txt`, { method: "PUT", body: "x", headers });
      assert.equal((await put({})).status, 403);
      assert.equal((await put({ "x-amz-acl": "bucket-owner-full-control" })).status, 200);
    });

    describe("CloudFront's requests, through the edge", () => {
      let refs = 0;
      async function distribution(origin: Origin) {
        const out = await (cfClient as CloudFrontClient).send(
          new CreateDistributionCommand({
            DistributionConfig: {
              CallerReference: `s3-acl-${++refs}`,
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

      it("an OAI is admitted by an object ACL that grants its canonical user READ (the legacy setup), unless ACLs are disabled", async () => {
        await bucket("oai-acl", "BucketOwnerPreferred", { "a.txt": "granted by ACL" });
        const created = await (cfClient as CloudFrontClient).send(new CreateCloudFrontOriginAccessIdentityCommand({ CloudFrontOriginAccessIdentityConfig: { CallerReference: "s3-acl-oai", Comment: "" } }));
        const oai = created.CloudFrontOriginAccessIdentity;
        const d = await distribution({ Id: "s3", DomainName: "oai-acl.s3.amazonaws.com", S3OriginConfig: { OriginAccessIdentity: `origin-access-identity/cloudfront/${oai?.Id as string}` } });
        assert.equal((await d.get("/a.txt")).status, 403);
        await s3().send(new PutObjectAclCommand({ Bucket: "oai-acl", Key: "a.txt", GrantRead: `id="${oai?.S3CanonicalUserId as string}"` }));
        const ok = await d.get("/a.txt");
        assert.equal(ok.status, 200);
        assert.equal(ok.body, "granted by ACL");
        await s3().send(new PutBucketOwnershipControlsCommand({ Bucket: "oai-acl", OwnershipControls: { Rules: [{ ObjectOwnership: "BucketOwnerEnforced" }] } }));
        assert.equal((await d.get("/a.txt")).status, 403);
      });

      it("RestrictPublicBuckets leaves an OAC (an AWS service principal) its access under a public policy, while anonymous callers lose theirs", async () => {
        await bucket("oac-restricted", undefined, { "a.txt": "for CloudFront" });
        const oac = await (cfClient as CloudFrontClient).send(
          new CreateOriginAccessControlCommand({ OriginAccessControlConfig: { Name: "s3-acl-oac", SigningProtocol: "sigv4", SigningBehavior: "always", OriginAccessControlOriginType: "s3" } }),
        );
        const d = await distribution({ Id: "s3", DomainName: "oac-restricted.s3.us-east-1.amazonaws.com", S3OriginConfig: { OriginAccessIdentity: "" }, OriginAccessControlId: oac.OriginAccessControl?.Id as string });
        await s3().send(new PutBucketPolicyCommand({ Bucket: "oac-restricted", Policy: policy({ Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::oac-restricted/*" }) }));
        await s3().send(new PutPublicAccessBlockCommand({ Bucket: "oac-restricted", PublicAccessBlockConfiguration: { RestrictPublicBuckets: true } }));
        assert.equal((await anonymousGet("/oac-restricted/a.txt")).status, 403);
        const ok = await d.get("/a.txt");
        assert.equal(ok.status, 200);
        assert.equal(ok.body, "for CloudFront");
      });
    });
  });
});

describe("S3 access warnings name ACL and Block Public Access reasons (--s3-access warn)", () => {
  const t = useEmulator();
  let s3Client: S3Client | undefined;
  before(() => {
    s3Client = new S3Client({ region: "us-east-1", endpoint: t.emu.s3Url, forcePathStyle: true, credentials: CREDENTIALS, maxAttempts: 1 });
  });
  after(() => s3Client?.destroy());

  it("an object made public by an ACL on a bucket with ACLs disabled is served with a warning that says why AWS would refuse it", async () => {
    const s3 = s3Client as S3Client;
    await s3.send(new CreateBucketCommand({ Bucket: "warned-acl", ObjectOwnership: "BucketOwnerPreferred" }));
    await s3.send(new PutObjectCommand({ Bucket: "warned-acl", Key: "a.txt", Body: "A", ACL: "public-read" }));
    await s3.send(new PutBucketOwnershipControlsCommand({ Bucket: "warned-acl", OwnershipControls: { Rules: [{ ObjectOwnership: "BucketOwnerEnforced" }] } }));
    const res = await fetch(`${t.emu.s3Url}/warned-acl/a.txt`);
    assert.equal(res.status, 200);
    const warning = t.emu.warnings().find((w) => w.startsWith("anonymous GET -> s3://warned-acl/"));
    assert.ok(warning, t.emu.warnings().join("\n"));
    assert.match(warning, /BucketOwnerEnforced, which disables ACLs/);
  });
});

describe("ACLs and Block Public Access with the aws CLI (s3api)", { skip: awsCliAvailable() ? false : AWS_CLI_MISSING }, () => {
  const t = useEmulator({ s3Access: "enforce" });
  let dir = "";
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "minifront-s3-acl-cli-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  const aws = async (...args: string[]) => {
    const out = await runAws(["s3api", ...args], { endpoint: t.emu.s3Url, configDir: dir });
    return { ...out, json: out.stdout.trim() === "" ? undefined : (JSON.parse(out.stdout) as Record<string, unknown>) };
  };

  it("a log bucket as the CloudFront logging guide sets it up: ObjectWriter at creation, then log-delivery-write", async () => {
    assert.equal((await aws("create-bucket", "--bucket", "cli-logs", "--object-ownership", "ObjectWriter")).code, 0);
    assert.equal((await aws("put-bucket-acl", "--bucket", "cli-logs", "--acl", "log-delivery-write")).code, 0);
    const acl = (await aws("get-bucket-acl", "--bucket", "cli-logs")).json as { Grants: Array<{ Grantee: { Type: string; URI?: string }; Permission: string }> };
    assert.deepEqual(acl.Grants.filter((g) => g.Grantee.URI === LOG_DELIVERY).map((g) => g.Permission), ["WRITE", "READ_ACP"]);
    const controls = (await aws("get-bucket-ownership-controls", "--bucket", "cli-logs")).json as { OwnershipControls: { Rules: Array<{ ObjectOwnership: string }> } };
    assert.equal(controls.OwnershipControls.Rules[0]?.ObjectOwnership, "ObjectWriter");
  });

  it("put-public-access-block, get-public-access-block, get-bucket-policy-status, and the error for a public policy", async () => {
    assert.equal((await aws("create-bucket", "--bucket", "cli-blocked")).code, 0);
    const config = "BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true";
    assert.equal((await aws("put-public-access-block", "--bucket", "cli-blocked", "--public-access-block-configuration", config)).code, 0);
    const got = (await aws("get-public-access-block", "--bucket", "cli-blocked")).json as { PublicAccessBlockConfiguration: Record<string, boolean> };
    assert.deepEqual(got.PublicAccessBlockConfiguration, { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true });
    const refused = await aws("put-bucket-policy", "--bucket", "cli-blocked", "--policy", policy(publicRead("cli-blocked")));
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /AccessDenied/);
    const missing = await aws("get-bucket-policy-status", "--bucket", "cli-blocked");
    assert.match(missing.stderr, /NoSuchBucketPolicy/);
    assert.equal((await aws("delete-public-access-block", "--bucket", "cli-blocked")).code, 0);
    assert.equal((await aws("put-bucket-policy", "--bucket", "cli-blocked", "--policy", policy(publicRead("cli-blocked")))).code, 0);
    assert.deepEqual((await aws("get-bucket-policy-status", "--bucket", "cli-blocked")).json, { PolicyStatus: { IsPublic: true } });
  });
});
