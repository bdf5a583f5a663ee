// Versioning, object tagging and Object Lock of the embedded S3 through @aws-sdk/client-s3 on a
// real port. Expected behaviour is S3's: the user guide's "Retaining multiple versions of objects
// with S3 Versioning", "Categorizing your objects using tags" and "Locking objects with Object
// Lock", and the API reference page of each operation.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  CopyObjectCommand,
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  DeleteObjectTaggingCommand,
  DeleteObjectsCommand,
  GetBucketVersioningCommand,
  GetObjectCommand,
  GetObjectLegalHoldCommand,
  GetObjectLockConfigurationCommand,
  GetObjectRetentionCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  ListObjectVersionsCommand,
  ListObjectsV2Command,
  PutBucketVersioningCommand,
  PutObjectCommand,
  PutObjectLegalHoldCommand,
  PutObjectLockConfigurationCommand,
  PutObjectRetentionCommand,
  PutObjectTaggingCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { CreateDistributionCommand, CreateInvalidationCommand } from "@aws-sdk/client-cloudfront";
import { CREDENTIALS, expectServiceError, useEmulator } from "../helpers/emulator.ts";
import { sendToEdge } from "../helpers/test-origin.ts";
import { ManualClock } from "../../src/index.ts";

const DAY = 24 * 3600 * 1000;

describe("embedded S3: versioning, tagging and Object Lock", () => {
  const clock = new ManualClock(Date.now());
  const t = useEmulator({ clock, s3Access: "open" });
  let names = 0;
  const s3 = () => new S3Client({ region: "us-east-1", endpoint: t.emu.s3Url, forcePathStyle: true, credentials: CREDENTIALS, maxAttempts: 1 });
  async function newBucket(label: string, versioned: boolean | "lock" = true): Promise<string> {
    const Bucket = `ver-${label}-${++names}`;
    await s3().send(new CreateBucketCommand({ Bucket, ...(versioned === "lock" ? { ObjectLockEnabledForBucket: true } : {}) }));
    if (versioned === true) await s3().send(new PutBucketVersioningCommand({ Bucket, VersioningConfiguration: { Status: "Enabled" } }));
    return Bucket;
  }
  const text = async (out: { Body?: { transformToString(): Promise<string> } }) => (out.Body ? out.Body.transformToString() : "");

  describe("versioning", () => {
    it("every write adds a version; GET reads the latest or the one named; ListObjectVersions lists them newest first", async () => {
      const c = s3();
      const Bucket = await newBucket("writes");
      assert.equal((await c.send(new GetBucketVersioningCommand({ Bucket }))).Status, "Enabled");
      const v1 = await c.send(new PutObjectCommand({ Bucket, Key: "a.txt", Body: "one" }));
      const v2 = await c.send(new PutObjectCommand({ Bucket, Key: "a.txt", Body: "two" }));
      assert.ok(v1.VersionId && v2.VersionId && v1.VersionId !== v2.VersionId);
      const latest = await c.send(new GetObjectCommand({ Bucket, Key: "a.txt" }));
      assert.equal(await text(latest), "two");
      assert.equal(latest.VersionId, v2.VersionId);
      assert.equal(await text(await c.send(new GetObjectCommand({ Bucket, Key: "a.txt", VersionId: v1.VersionId }))), "one");
      assert.equal((await c.send(new HeadObjectCommand({ Bucket, Key: "a.txt", VersionId: v1.VersionId }))).ContentLength, 3);
      const listed = await c.send(new ListObjectVersionsCommand({ Bucket }));
      assert.deepEqual(
        listed.Versions?.map((v) => [v.Key, v.VersionId, v.IsLatest]),
        [
          ["a.txt", v2.VersionId, true],
          ["a.txt", v1.VersionId, false],
        ],
      );
      await expectServiceError(c.send(new GetObjectCommand({ Bucket, Key: "a.txt", VersionId: "no-such-version-id" })), 404, "NoSuchVersion");
    });

    it("a delete adds a delete marker: GET is 404 with x-amz-delete-marker, older versions stay; removing the marker brings the object back", async () => {
      const c = s3();
      const Bucket = await newBucket("markers");
      const v1 = await c.send(new PutObjectCommand({ Bucket, Key: "k", Body: "kept" }));
      const del = await c.send(new DeleteObjectCommand({ Bucket, Key: "k" }));
      assert.equal(del.DeleteMarker, true);
      assert.ok(del.VersionId && del.VersionId !== v1.VersionId);
      await expectServiceError(c.send(new GetObjectCommand({ Bucket, Key: "k" })), 404, "NoSuchKey");
      const raw = await fetch(`${t.emu.s3Url}/${Bucket}/k`);
      assert.equal(raw.status, 404);
      assert.equal(raw.headers.get("x-amz-delete-marker"), "true");
      assert.equal(raw.headers.get("x-amz-version-id"), del.VersionId);
      // A delete marker named by id has no data: 405 MethodNotAllowed.
      await expectServiceError(c.send(new GetObjectCommand({ Bucket, Key: "k", VersionId: del.VersionId })), 405, "MethodNotAllowed");
      assert.equal((await c.send(new ListObjectsV2Command({ Bucket }))).KeyCount, 0);
      const versions = await c.send(new ListObjectVersionsCommand({ Bucket }));
      assert.deepEqual(versions.DeleteMarkers?.map((m) => [m.VersionId, m.IsLatest]), [[del.VersionId, true]]);
      assert.deepEqual(versions.Versions?.map((v) => [v.VersionId, v.IsLatest]), [[v1.VersionId, false]]);
      assert.equal(await text(await c.send(new GetObjectCommand({ Bucket, Key: "k", VersionId: v1.VersionId }))), "kept");
      const undo = await c.send(new DeleteObjectCommand({ Bucket, Key: "k", VersionId: del.VersionId }));
      assert.equal(undo.DeleteMarker, true);
      assert.equal(await text(await c.send(new GetObjectCommand({ Bucket, Key: "k" }))), "kept");
    });

    it("deleting the latest version by id makes the previous one current", async () => {
      const c = s3();
      const Bucket = await newBucket("promote");
      await c.send(new PutObjectCommand({ Bucket, Key: "k", Body: "old" }));
      const v2 = await c.send(new PutObjectCommand({ Bucket, Key: "k", Body: "new" }));
      const out = await c.send(new DeleteObjectCommand({ Bucket, Key: "k", VersionId: v2.VersionId }));
      assert.equal(out.VersionId, v2.VersionId);
      assert.equal(await text(await c.send(new GetObjectCommand({ Bucket, Key: "k" }))), "old");
    });

    it("suspended: writes replace the null version and keep the versions made while enabled", async () => {
      const c = s3();
      const Bucket = await newBucket("suspended");
      const v1 = await c.send(new PutObjectCommand({ Bucket, Key: "k", Body: "versioned" }));
      await c.send(new PutBucketVersioningCommand({ Bucket, VersioningConfiguration: { Status: "Suspended" } }));
      await c.send(new PutObjectCommand({ Bucket, Key: "k", Body: "null-1" }));
      await c.send(new PutObjectCommand({ Bucket, Key: "k", Body: "null-2" }));
      const head = await c.send(new HeadObjectCommand({ Bucket, Key: "k" }));
      assert.equal(head.VersionId, "null");
      const versions = await c.send(new ListObjectVersionsCommand({ Bucket }));
      assert.deepEqual(versions.Versions?.map((v) => [v.VersionId, v.IsLatest]), [
        ["null", true],
        [v1.VersionId, false],
      ]);
      assert.equal(await text(await c.send(new GetObjectCommand({ Bucket, Key: "k", VersionId: "null" }))), "null-2");
      await expectServiceError(c.send(new PutBucketVersioningCommand({ Bucket, VersioningConfiguration: { Status: "Off" as "Enabled" } })), 400, "MalformedXML");
    });

    it("a bucket holding only old versions is not empty; deleting every version with DeleteObjects empties it", async () => {
      const c = s3();
      const Bucket = await newBucket("destroy");
      for (const body of ["1", "2", "3"]) await c.send(new PutObjectCommand({ Bucket, Key: `dir/${body}`, Body: body }));
      await c.send(new PutObjectCommand({ Bucket, Key: "dir/1", Body: "1b" }));
      await c.send(new DeleteObjectCommand({ Bucket, Key: "dir/2" }));
      await c.send(new DeleteObjectCommand({ Bucket, Key: "dir/3" }));
      await c.send(new DeleteObjectCommand({ Bucket, Key: "dir/1" }));
      assert.equal((await c.send(new ListObjectsV2Command({ Bucket }))).KeyCount, 0);
      await expectServiceError(c.send(new DeleteBucketCommand({ Bucket })), 409, "BucketNotEmpty");
      // Paged, one entry at a time, as the provider's force_destroy and `aws s3api` page.
      const all: Array<{ Key: string; VersionId: string }> = [];
      let KeyMarker: string | undefined;
      let VersionIdMarker: string | undefined;
      for (;;) {
        const page = await c.send(new ListObjectVersionsCommand({ Bucket, MaxKeys: 1, KeyMarker, VersionIdMarker }));
        for (const v of [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])]) all.push({ Key: v.Key as string, VersionId: v.VersionId as string });
        if (!page.IsTruncated) break;
        KeyMarker = page.NextKeyMarker;
        VersionIdMarker = page.NextVersionIdMarker;
      }
      assert.equal(all.length, 7);
      assert.equal(new Set(all.map((v) => v.VersionId)).size, 7);
      const out = await c.send(new DeleteObjectsCommand({ Bucket, Delete: { Objects: all } }));
      assert.equal(out.Deleted?.length, 7);
      assert.equal(out.Errors, undefined);
      await c.send(new DeleteBucketCommand({ Bucket }));
    });

    it("CopyObject copies a named source version and answers both version ids", async () => {
      const c = s3();
      const Bucket = await newBucket("copy");
      const v1 = await c.send(new PutObjectCommand({ Bucket, Key: "src", Body: "first" }));
      await c.send(new PutObjectCommand({ Bucket, Key: "src", Body: "second" }));
      const copy = await c.send(new CopyObjectCommand({ Bucket, Key: "dst", CopySource: `${Bucket}/src?versionId=${v1.VersionId}` }));
      assert.equal(copy.CopySourceVersionId, v1.VersionId);
      assert.ok(copy.VersionId);
      assert.equal(await text(await c.send(new GetObjectCommand({ Bucket, Key: "dst" }))), "first");
    });
  });

  describe("through the edge", () => {
    // The "overwrite + invalidate serves the new one": an S3 origin request names no
    // version, so it reads the latest; a cached copy stays until an invalidation.
    it("an origin request reads the current version; after an overwrite and an invalidation the edge serves the new one", async () => {
      const c = s3();
      const Bucket = await newBucket("edge");
      await c.send(new PutObjectCommand({ Bucket, Key: "page.html", Body: "version one", ContentType: "text/html" }));
      const cf = t.cloudfront();
      const dist = await cf.send(
        new CreateDistributionCommand({
          DistributionConfig: {
            CallerReference: `versioned-${Bucket}`,
            Comment: "",
            Enabled: true,
            Origins: { Quantity: 1, Items: [{ Id: "s3", DomainName: `${Bucket}.s3.amazonaws.com`, S3OriginConfig: { OriginAccessIdentity: "" } }] },
            // CachingOptimized (managed): the first answer is cached.
            DefaultCacheBehavior: { TargetOriginId: "s3", ViewerProtocolPolicy: "allow-all", CachePolicyId: "658327ea-f89d-4fab-a63d-7e88639e58f6" },
          },
        }),
      );
      const host = `${dist.Distribution?.DomainName}:${t.emu.port}`;
      assert.equal((await sendToEdge(t.emu.port, host, "/page.html")).body, "version one");
      await c.send(new PutObjectCommand({ Bucket, Key: "page.html", Body: "version two", ContentType: "text/html" }));
      assert.equal((await sendToEdge(t.emu.port, host, "/page.html")).body, "version one", "still cached");
      await cf.send(new CreateInvalidationCommand({ DistributionId: dist.Distribution?.Id, InvalidationBatch: { CallerReference: "v2", Paths: { Quantity: 1, Items: ["/*"] } } }));
      assert.equal((await sendToEdge(t.emu.port, host, "/page.html")).body, "version two");
      assert.equal((await c.send(new ListObjectVersionsCommand({ Bucket }))).Versions?.length, 2);
      cf.destroy();
    });
  });

  describe("object tagging", () => {
    it("x-amz-tagging on PUT, x-amz-tagging-count on GET, Put/Get/DeleteObjectTagging per version", async () => {
      const c = s3();
      const Bucket = await newBucket("tags");
      const v1 = await c.send(new PutObjectCommand({ Bucket, Key: "k", Body: "x", Tagging: "team=web&env=prod%20eu" }));
      const got = await c.send(new GetObjectCommand({ Bucket, Key: "k" }));
      assert.equal(got.TagCount, 2);
      await got.Body?.transformToString();
      assert.deepEqual((await c.send(new GetObjectTaggingCommand({ Bucket, Key: "k" }))).TagSet, [
        { Key: "team", Value: "web" },
        { Key: "env", Value: "prod eu" },
      ]);
      const v2 = await c.send(new PutObjectCommand({ Bucket, Key: "k", Body: "y" }));
      const put = await c.send(new PutObjectTaggingCommand({ Bucket, Key: "k", Tagging: { TagSet: [{ Key: "only", Value: "v2" }] } }));
      assert.equal(put.VersionId, v2.VersionId);
      assert.deepEqual((await c.send(new GetObjectTaggingCommand({ Bucket, Key: "k", VersionId: v1.VersionId }))).TagSet?.length, 2);
      await c.send(new DeleteObjectTaggingCommand({ Bucket, Key: "k" }));
      assert.deepEqual((await c.send(new GetObjectTaggingCommand({ Bucket, Key: "k" }))).TagSet, []);
    });

    it("bad tag sets are InvalidTag and change nothing", async () => {
      const c = s3();
      const Bucket = await newBucket("badtags", false);
      await c.send(new PutObjectCommand({ Bucket, Key: "k", Body: "x", Tagging: "a=1" }));
      const eleven = Array.from({ length: 11 }, (_, i) => ({ Key: `k${i}`, Value: "v" }));
      await expectServiceError(c.send(new PutObjectTaggingCommand({ Bucket, Key: "k", Tagging: { TagSet: eleven } })), 400, "InvalidTag");
      await expectServiceError(
        c.send(new PutObjectTaggingCommand({ Bucket, Key: "k", Tagging: { TagSet: [{ Key: "d", Value: "1" }, { Key: "d", Value: "2" }] } })),
        400,
        "InvalidTag",
      );
      await expectServiceError(c.send(new PutObjectTaggingCommand({ Bucket, Key: "k", Tagging: { TagSet: [{ Key: "x".repeat(129), Value: "" }] } })), 400, "InvalidTag");
      await expectServiceError(c.send(new PutObjectCommand({ Bucket, Key: "k2", Body: "x", Tagging: "a=1&a=2" })), 400, "InvalidTag");
      await expectServiceError(c.send(new HeadObjectCommand({ Bucket, Key: "k2" })), 404, "NotFound");
      assert.deepEqual((await c.send(new GetObjectTaggingCommand({ Bucket, Key: "k" }))).TagSet, [{ Key: "a", Value: "1" }]);
    });

    it("CopyObject keeps the source's tags, or replaces them with TaggingDirective REPLACE", async () => {
      const c = s3();
      const Bucket = await newBucket("copytags", false);
      await c.send(new PutObjectCommand({ Bucket, Key: "src", Body: "x", Tagging: "a=1" }));
      await c.send(new CopyObjectCommand({ Bucket, Key: "kept", CopySource: `${Bucket}/src` }));
      await c.send(new CopyObjectCommand({ Bucket, Key: "replaced", CopySource: `${Bucket}/src`, TaggingDirective: "REPLACE", Tagging: "b=2" }));
      assert.deepEqual((await c.send(new GetObjectTaggingCommand({ Bucket, Key: "kept" }))).TagSet, [{ Key: "a", Value: "1" }]);
      assert.deepEqual((await c.send(new GetObjectTaggingCommand({ Bucket, Key: "replaced" }))).TagSet, [{ Key: "b", Value: "2" }]);
    });
  });

  describe("Object Lock", () => {
    it("a bucket created with Object Lock is versioned; its default retention applies to new objects", async () => {
      const c = s3();
      const Bucket = await newBucket("lockdefault", "lock");
      assert.equal((await c.send(new GetBucketVersioningCommand({ Bucket }))).Status, "Enabled");
      assert.deepEqual((await c.send(new GetObjectLockConfigurationCommand({ Bucket }))).ObjectLockConfiguration, { ObjectLockEnabled: "Enabled" });
      await c.send(
        new PutObjectLockConfigurationCommand({ Bucket, ObjectLockConfiguration: { ObjectLockEnabled: "Enabled", Rule: { DefaultRetention: { Mode: "GOVERNANCE", Days: 1 } } } }),
      );
      const v = await c.send(new PutObjectCommand({ Bucket, Key: "k", Body: "x" }));
      const head = await c.send(new HeadObjectCommand({ Bucket, Key: "k" }));
      assert.equal(head.ObjectLockMode, "GOVERNANCE");
      assert.equal(head.ObjectLockRetainUntilDate?.getTime(), clock.now() + DAY);
      // A delete without a version id only adds a marker; the locked version stays.
      await c.send(new DeleteObjectCommand({ Bucket, Key: "k" }));
      await expectServiceError(c.send(new DeleteObjectCommand({ Bucket, Key: "k", VersionId: v.VersionId })), 403, "AccessDenied");
      // Governance gives way to the bypass header.
      await c.send(new DeleteObjectCommand({ Bucket, Key: "k", VersionId: v.VersionId, BypassGovernanceRetention: true }));
      await expectServiceError(c.send(new HeadObjectCommand({ Bucket, Key: "k", VersionId: v.VersionId })), 404, "NotFound");
      await expectServiceError(c.send(new PutBucketVersioningCommand({ Bucket, VersioningConfiguration: { Status: "Suspended" } })), 409, "InvalidBucketState");
    });

    it("COMPLIANCE holds against the bypass header until the date passes; a legal hold until it is lifted", async () => {
      const c = s3();
      const Bucket = await newBucket("compliance", "lock");
      const until = new Date(clock.now() + 2 * DAY);
      const v = await c.send(new PutObjectCommand({ Bucket, Key: "k", Body: "x", ObjectLockMode: "COMPLIANCE", ObjectLockRetainUntilDate: until }));
      assert.equal((await c.send(new GetObjectRetentionCommand({ Bucket, Key: "k" }))).Retention?.Mode, "COMPLIANCE");
      await expectServiceError(c.send(new DeleteObjectCommand({ Bucket, Key: "k", VersionId: v.VersionId, BypassGovernanceRetention: true })), 403, "AccessDenied");
      // Shortening a COMPLIANCE retention is refused; lengthening it is fine.
      await expectServiceError(
        c.send(new PutObjectRetentionCommand({ Bucket, Key: "k", Retention: { Mode: "COMPLIANCE", RetainUntilDate: new Date(clock.now() + DAY) }, BypassGovernanceRetention: true })),
        403,
        "AccessDenied",
      );
      await c.send(new PutObjectRetentionCommand({ Bucket, Key: "k", Retention: { Mode: "COMPLIANCE", RetainUntilDate: new Date(clock.now() + 3 * DAY) } }));
      await c.send(new PutObjectLegalHoldCommand({ Bucket, Key: "k", LegalHold: { Status: "ON" } }));
      assert.equal((await c.send(new GetObjectLegalHoldCommand({ Bucket, Key: "k" }))).LegalHold?.Status, "ON");
      clock.advance(4 * DAY);
      const batch = await c.send(new DeleteObjectsCommand({ Bucket, Delete: { Objects: [{ Key: "k", VersionId: v.VersionId }] } }));
      assert.equal(batch.Errors?.[0]?.Code, "AccessDenied");
      await c.send(new PutObjectLegalHoldCommand({ Bucket, Key: "k", LegalHold: { Status: "OFF" } }));
      await c.send(new DeleteObjectCommand({ Bucket, Key: "k", VersionId: v.VersionId }));
    });

    it("bad input: lock headers without Object Lock, a past date, a configuration without versioning; no configuration is 404", async () => {
      const c = s3();
      const plain = await newBucket("nolock");
      await expectServiceError(c.send(new GetObjectLockConfigurationCommand({ Bucket: plain })), 404, "ObjectLockConfigurationNotFoundError");
      await expectServiceError(
        c.send(new PutObjectCommand({ Bucket: plain, Key: "k", Body: "x", ObjectLockMode: "GOVERNANCE", ObjectLockRetainUntilDate: new Date(clock.now() + DAY) })),
        400,
        "InvalidRequest",
      );
      await expectServiceError(c.send(new HeadObjectCommand({ Bucket: plain, Key: "k" })), 404, "NotFound");
      const locked = await newBucket("pastdate", "lock");
      await c.send(new PutObjectCommand({ Bucket: locked, Key: "k", Body: "x" }));
      await expectServiceError(c.send(new GetObjectRetentionCommand({ Bucket: locked, Key: "k" })), 404, "NoSuchObjectLockConfiguration");
      await expectServiceError(
        c.send(new PutObjectRetentionCommand({ Bucket: locked, Key: "k", Retention: { Mode: "GOVERNANCE", RetainUntilDate: new Date(clock.now() - DAY) } })),
        400,
        "InvalidArgument",
      );
      await expectServiceError(
        c.send(new PutObjectLockConfigurationCommand({ Bucket: locked, ObjectLockConfiguration: { ObjectLockEnabled: "Enabled", Rule: { DefaultRetention: { Mode: "GOVERNANCE", Days: 0 } } } })),
        400,
        "InvalidArgument",
      );
      assert.deepEqual((await c.send(new GetObjectLockConfigurationCommand({ Bucket: locked }))).ObjectLockConfiguration, { ObjectLockEnabled: "Enabled" });
    });
  });
});
