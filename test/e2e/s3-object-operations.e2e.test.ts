// The object operations beyond GET/PUT of the embedded S3, through real clients on a real port:
// @aws-sdk/client-s3, the aws CLI (`aws s3 presign`) and fetch with a browser-style FormData.
// Expected behaviour is S3's (API reference of each operation; "Checking object integrity",
// "Authenticating Requests: Using Query Parameters", "Browser-based uploads using POST").
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  CreateSessionCommand,
  DeleteObjectAnnotationCommand,
  GetObjectAnnotationCommand,
  ListObjectAnnotationsCommand,
  PutObjectAnnotationCommand,
  GetObjectAttributesCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  GetObjectTorrentCommand,
  HeadObjectCommand,
  ListDirectoryBucketsCommand,
  PutObjectCommand,
  RenameObjectCommand,
  RestoreObjectCommand,
  S3Client,
  UpdateObjectEncryptionCommand,
  UploadPartCommand,
  type ChecksumAlgorithm,
} from "@aws-sdk/client-s3";
import { CREDENTIALS, expectServiceError, useEmulator } from "../helpers/emulator.ts";
import { AWS_CLI_MISSING, awsCliAvailable, runAws } from "../helpers/aws-cli.ts";
import { ManualClock } from "../../src/index.ts";

describe("embedded S3: object operations", () => {
  const clock = new ManualClock(Date.now());
  const t = useEmulator({ clock, s3Access: "warn" });
  let names = 0;
  const s3 = () => new S3Client({ region: "us-east-1", endpoint: t.emu.s3Url, forcePathStyle: true, credentials: CREDENTIALS, maxAttempts: 1 });
  async function newBucket(label: string): Promise<string> {
    const Bucket = `obj-${label}-${++names}`;
    await s3().send(new CreateBucketCommand({ Bucket }));
    return Bucket;
  }

  describe("checksums", () => {
    // "Checking object integrity": each algorithm's checksum is returned by PUT, by GET with
    // ChecksumMode ENABLED, and by GetObjectAttributes.
    for (const [alg, expected] of [
      ["CRC32", undefined],
      ["CRC32C", undefined],
      ["CRC64NVME", undefined],
      ["SHA1", createHash("sha1").update("checksum me").digest("base64")],
      ["SHA256", createHash("sha256").update("checksum me").digest("base64")],
    ] as Array<[ChecksumAlgorithm, string | undefined]>) {
      it(`${alg}: PutObject, GetObject with ChecksumMode and GetObjectAttributes agree`, async () => {
        const c = s3();
        const Bucket = await newBucket(alg.toLowerCase());
        const put = await c.send(new PutObjectCommand({ Bucket, Key: "k", Body: "checksum me", ChecksumAlgorithm: alg }));
        const member = `Checksum${alg}` as const;
        const sent = put[member];
        assert.ok(sent);
        if (expected) assert.equal(sent, expected);
        const got = await c.send(new GetObjectCommand({ Bucket, Key: "k", ChecksumMode: "ENABLED" }));
        assert.equal(got[member], sent);
        await got.Body?.transformToString();
        const attrs = await c.send(new GetObjectAttributesCommand({ Bucket, Key: "k", ObjectAttributes: ["Checksum", "ETag", "ObjectSize", "StorageClass"] }));
        assert.equal(attrs.Checksum?.[member], sent);
        assert.equal(attrs.Checksum?.ChecksumType, "FULL_OBJECT");
        assert.equal(attrs.ETag, createHash("md5").update("checksum me").digest("hex"));
        assert.equal(attrs.ObjectSize, 11);
        assert.equal(attrs.StorageClass, "STANDARD");
      });
    }

    it("a multipart object reports its part count and COMPOSITE checksum in GetObjectAttributes", async () => {
      const c = s3();
      const Bucket = await newBucket("mpu");
      const { UploadId } = await c.send(new CreateMultipartUploadCommand({ Bucket, Key: "m", ChecksumAlgorithm: "SHA256" }));
      const part = await c.send(new UploadPartCommand({ Bucket, Key: "m", UploadId, PartNumber: 1, Body: "only part", ChecksumAlgorithm: "SHA256" }));
      await c.send(new CompleteMultipartUploadCommand({ Bucket, Key: "m", UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag, ChecksumSHA256: part.ChecksumSHA256 }] } }));
      const attrs = await c.send(new GetObjectAttributesCommand({ Bucket, Key: "m", ObjectAttributes: ["ObjectParts", "Checksum"] }));
      assert.equal(attrs.ObjectParts?.TotalPartsCount, 1);
      assert.equal(attrs.Checksum?.ChecksumType, "COMPOSITE");
    });
  });

  describe("archives, torrents, encryption, sessions, renames", () => {
    it("RestoreObject: STANDARD is InvalidObjectState; GLACIER is unreadable until restored, then 202, 200 and x-amz-restore", async () => {
      const c = s3();
      const Bucket = await newBucket("restore");
      await c.send(new PutObjectCommand({ Bucket, Key: "hot", Body: "x" }));
      await expectServiceError(c.send(new RestoreObjectCommand({ Bucket, Key: "hot", RestoreRequest: { Days: 1 } })), 403, "InvalidObjectState");
      await c.send(new PutObjectCommand({ Bucket, Key: "cold", Body: "frozen", StorageClass: "GLACIER" }));
      await expectServiceError(c.send(new GetObjectCommand({ Bucket, Key: "cold" })), 403, "InvalidObjectState");
      const first = await c.send(new RestoreObjectCommand({ Bucket, Key: "cold", RestoreRequest: { Days: 2 } }));
      assert.equal(first.$metadata.httpStatusCode, 202);
      const again = await c.send(new RestoreObjectCommand({ Bucket, Key: "cold", RestoreRequest: { Days: 2 } }));
      assert.equal(again.$metadata.httpStatusCode, 200);
      const head = await c.send(new HeadObjectCommand({ Bucket, Key: "cold" }));
      assert.match(head.Restore ?? "", /^ongoing-request="false", expiry-date=".+ GMT"$/);
      assert.equal(await (await c.send(new GetObjectCommand({ Bucket, Key: "cold" }))).Body?.transformToString(), "frozen");
      clock.advance(3 * 24 * 3600 * 1000);
      await expectServiceError(c.send(new GetObjectCommand({ Bucket, Key: "cold" })), 403, "InvalidObjectState");
    });

    it("GetObjectTorrent answers a bencoded torrent with the object's SHA-1 piece and a web seed", async () => {
      const c = s3();
      const Bucket = await newBucket("torrent");
      await c.send(new PutObjectCommand({ Bucket, Key: "dir/file.bin", Body: "torrent data" }));
      const out = await c.send(new GetObjectTorrentCommand({ Bucket, Key: "dir/file.bin" }));
      const torrent = Buffer.from((await out.Body?.transformToByteArray()) ?? []);
      const text = torrent.toString("latin1");
      assert.ok(text.startsWith("d"));
      assert.ok(text.includes("4:name8:file.bin"));
      assert.ok(text.includes("6:lengthi12e"));
      assert.ok(torrent.includes(Buffer.concat([Buffer.from("6:pieces20:"), createHash("sha1").update("torrent data").digest()])));
      assert.ok(text.includes(`/${Bucket}/dir/file.bin`));
    });

    it("UpdateObjectEncryption records SSE-KMS with the key on the object", async () => {
      const c = s3();
      const Bucket = await newBucket("sse");
      await c.send(new PutObjectCommand({ Bucket, Key: "k", Body: "x" }));
      const KMSKeyArn = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
      await c.send(new UpdateObjectEncryptionCommand({ Bucket, Key: "k", ObjectEncryption: { SSEKMS: { KMSKeyArn } } }));
      const head = await c.send(new HeadObjectCommand({ Bucket, Key: "k" }));
      assert.equal(head.ServerSideEncryption, "aws:kms");
      assert.equal(head.SSEKMSKeyId, KMSKeyArn);
      await expectServiceError(c.send(new UpdateObjectEncryptionCommand({ Bucket, Key: "missing", ObjectEncryption: { SSEKMS: { KMSKeyArn } } })), 404, "NoSuchKey");
    });

    it("CreateSession hands out session credentials; ListDirectoryBuckets lists none", async () => {
      const c = s3();
      const Bucket = await newBucket("session");
      const session = await c.send(new CreateSessionCommand({ Bucket }));
      assert.match(session.Credentials?.AccessKeyId ?? "", /^ASIA/);
      assert.equal(session.Credentials?.Expiration?.getTime(), clock.now() + 5 * 60 * 1000);
      await expectServiceError(c.send(new CreateSessionCommand({ Bucket: "obj-no-such-bucket" })), 404, "NoSuchBucket");
      assert.deepEqual((await c.send(new ListDirectoryBucketsCommand({}))).Buckets, []);
    });

    it("RenameObject moves the object with its metadata and tags; If-None-Match * keeps an existing destination", async () => {
      const c = s3();
      const Bucket = await newBucket("rename");
      await c.send(new PutObjectCommand({ Bucket, Key: "old", Body: "moved", ContentType: "text/plain", Tagging: "a=1" }));
      await c.send(new PutObjectCommand({ Bucket, Key: "taken", Body: "stays" }));
      await expectServiceError(c.send(new RenameObjectCommand({ Bucket, Key: "taken", RenameSource: "old", DestinationIfNoneMatch: "*" })), 412, "PreconditionFailed");
      await c.send(new RenameObjectCommand({ Bucket, Key: "new", RenameSource: "old" }));
      await expectServiceError(c.send(new HeadObjectCommand({ Bucket, Key: "old" })), 404, "NotFound");
      const got = await c.send(new GetObjectCommand({ Bucket, Key: "new" }));
      assert.equal(await got.Body?.transformToString(), "moved");
      assert.equal(got.ContentType, "text/plain");
      assert.deepEqual((await c.send(new GetObjectTaggingCommand({ Bucket, Key: "new" }))).TagSet, [{ Key: "a", Value: "1" }]);
    });
  });

  describe("object annotations", () => {
    it("put, get, list (by prefix, paged) and delete named payloads; a missing one is NoSuchAnnotation", async () => {
      const c = s3();
      const Bucket = await newBucket("annotate");
      const obj = await c.send(new PutObjectCommand({ Bucket, Key: "doc.pdf", Body: "pdf" }));
      const put = await c.send(new PutObjectAnnotationCommand({ Bucket, Key: "doc.pdf", AnnotationName: "ml/labels", AnnotationPayload: '{"cat":0.9}' }));
      assert.equal(put.ETag, `"${createHash("md5").update('{"cat":0.9}').digest("hex")}"`);
      await c.send(new PutObjectAnnotationCommand({ Bucket, Key: "doc.pdf", AnnotationName: "ml/summary", AnnotationPayload: "a cat" }));
      await c.send(new PutObjectAnnotationCommand({ Bucket, Key: "doc.pdf", AnnotationName: "audit", AnnotationPayload: "ok", ObjectIfMatch: obj.ETag }));
      await expectServiceError(c.send(new PutObjectAnnotationCommand({ Bucket, Key: "doc.pdf", AnnotationName: "x", AnnotationPayload: "y", ObjectIfMatch: '"other"' })), 412, "PreconditionFailed");
      const got = await c.send(new GetObjectAnnotationCommand({ Bucket, Key: "doc.pdf", AnnotationName: "ml/labels" }));
      assert.equal(await got.AnnotationPayload?.transformToString(), '{"cat":0.9}');
      const ml = await c.send(new ListObjectAnnotationsCommand({ Bucket, Key: "doc.pdf", AnnotationPrefix: "ml/", MaxAnnotationResults: 1 }));
      assert.deepEqual(ml.Annotations?.map((a) => a.AnnotationName), ["ml/labels"]);
      const next = await c.send(new ListObjectAnnotationsCommand({ Bucket, Key: "doc.pdf", AnnotationPrefix: "ml/", ContinuationToken: ml.ContinuationToken }));
      assert.deepEqual(next.Annotations?.map((a) => [a.AnnotationName, a.Size]), [["ml/summary", 5]]);
      assert.equal(next.ContinuationToken, undefined);
      await c.send(new DeleteObjectAnnotationCommand({ Bucket, Key: "doc.pdf", AnnotationName: "ml/labels" }));
      await expectServiceError(c.send(new GetObjectAnnotationCommand({ Bucket, Key: "doc.pdf", AnnotationName: "ml/labels" })), 404, "NoSuchAnnotation");
      await expectServiceError(c.send(new PutObjectAnnotationCommand({ Bucket, Key: "doc.pdf", AnnotationName: "n".repeat(513), AnnotationPayload: "y" })), 400, "AnnotationNameTooLong");
      assert.deepEqual((await c.send(new ListObjectAnnotationsCommand({ Bucket, Key: "doc.pdf" }))).Annotations?.map((a) => a.AnnotationName), ["audit", "ml/summary"]);
    });
  });

  describe("browser POST uploads", () => {
    function policy(conditions: unknown[], expiresInMs = 3600_000): string {
      return Buffer.from(JSON.stringify({ expiration: new Date(clock.now() + expiresInMs).toISOString(), conditions })).toString("base64");
    }
    async function post(Bucket: string, fields: Record<string, string>, file = "hello form"): Promise<Response> {
      const form = new FormData();
      for (const [k, v] of Object.entries(fields)) form.append(k, v);
      form.append("file", new Blob([file], { type: "text/plain" }), "upload.txt");
      return fetch(`${t.emu.s3Url}/${Bucket}`, { method: "POST", body: form });
    }
    const signed = { "x-amz-algorithm": "AWS4-HMAC-SHA256", "x-amz-credential": "test/20260101/us-east-1/s3/aws4_request", "x-amz-date": "20260101T000000Z", "x-amz-signature": "0".repeat(64) };
    const signedConditions = [{ "x-amz-algorithm": "AWS4-HMAC-SHA256" }, { "x-amz-credential": signed["x-amz-credential"] }, { "x-amz-date": signed["x-amz-date"] }];

    it("a form within its policy stores the object (${filename}, metadata, 201 PostResponse)", async () => {
      const Bucket = await newBucket("post");
      const conditions = [{ bucket: Bucket }, ["starts-with", "$key", "uploads/"], ["content-length-range", 1, 1024], { success_action_status: "201" }, ["starts-with", "$Content-Type", "text/"], { "x-amz-meta-owner": "me" }, ...signedConditions];
      const res = await post(Bucket, { key: "uploads/${filename}", policy: policy(conditions), success_action_status: "201", "Content-Type": "text/plain", "x-amz-meta-owner": "me", ...signed });
      assert.equal(res.status, 201);
      const xml = await res.text();
      assert.match(xml, /<Key>uploads\/upload\.txt<\/Key>/);
      assert.match(xml, new RegExp(`<Bucket>${Bucket}</Bucket>`));
      const got = await s3().send(new GetObjectCommand({ Bucket, Key: "uploads/upload.txt" }));
      assert.equal(await got.Body?.transformToString(), "hello form");
      assert.equal(got.ContentType, "text/plain");
      assert.deepEqual(got.Metadata, { owner: "me" });
      assert.equal(got.ETag, `"${createHash("md5").update("hello form").digest("hex")}"`);
    });

    it("without success_action_status the answer is 204; success_action_redirect is a 303 with bucket, key and etag", async () => {
      const Bucket = await newBucket("post204");
      assert.equal((await post(Bucket, { key: "plain.txt" })).status, 204);
      const res = await fetch(`${t.emu.s3Url}/${Bucket}`, {
        method: "POST",
        redirect: "manual",
        body: (() => {
          const f = new FormData();
          f.append("key", "r.txt");
          f.append("success_action_redirect", "http://127.0.0.1:9/done");
          f.append("file", new Blob(["r"]), "r.txt");
          return f;
        })(),
      });
      assert.equal(res.status, 303);
      const location = new URL(res.headers.get("location") ?? "");
      assert.equal(location.searchParams.get("key"), "r.txt");
      assert.equal(location.searchParams.get("bucket"), Bucket);
    });

    it("a policy that does not hold is AccessDenied and stores nothing: expired, failed condition, extra field; a file too large is EntityTooLarge", async () => {
      const Bucket = await newBucket("postbad");
      const base = [{ bucket: Bucket }, ["starts-with", "$key", "ok/"], ...signedConditions];
      const cases: Array<[Record<string, string>, number, RegExp]> = [
        [{ key: "ok/a", policy: policy(base, -1000), ...signed }, 403, /Policy expired/],
        [{ key: "bad/a", policy: policy(base), ...signed }, 403, /Policy Condition failed/],
        [{ key: "ok/a", policy: policy(base), "x-amz-meta-sneaky": "1", ...signed }, 403, /Extra input fields: x-amz-meta-sneaky/],
        [{ key: "ok/a", policy: policy([...base, ["content-length-range", 0, 3]]), ...signed }, 400, /EntityTooLarge/],
      ];
      for (const [fields, status, pattern] of cases) {
        const res = await post(Bucket, fields);
        assert.equal(res.status, status);
        assert.match(await res.text(), pattern);
      }
      await expectServiceError(s3().send(new HeadObjectCommand({ Bucket, Key: "ok/a" })), 404, "NotFound");
      const noFile = new FormData();
      noFile.append("key", "k");
      const res = await fetch(`${t.emu.s3Url}/${Bucket}`, { method: "POST", body: noFile });
      assert.equal(res.status, 400);
      assert.match(await res.text(), /InvalidArgument/);
    });
  });

  describe("presigned URLs (aws s3 presign)", { skip: awsCliAvailable() ? false : AWS_CLI_MISSING }, () => {
    let dir = "";
    before(() => {
      dir = mkdtempSync(join(tmpdir(), "minifront-presign-"));
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    it("a presigned GET works until X-Amz-Expires passes, then is AccessDenied \"Request has expired\"", async () => {
      clock.set(Date.now()); // the CLI signs with the real time; earlier tests moved the emulator's clock
      const Bucket = await newBucket("presign");
      await s3().send(new PutObjectCommand({ Bucket, Key: "doc.txt", Body: "presigned body" }));
      // CLI v1 presigns with SigV2 unless the profile asks for SigV4.
      writeFileSync(join(dir, "config"), "[default]\ns3 =\n    signature_version = s3v4\n");
      const out = await runAws(["s3", "presign", `s3://${Bucket}/doc.txt`, "--expires-in", "60"], {
        endpoint: t.emu.s3Url,
        configDir: dir,
        extraEnv: { AWS_CONFIG_FILE: join(dir, "config") },
      });
      assert.equal(out.code, 0, out.stderr);
      const url = out.stdout.trim();
      assert.match(url, /X-Amz-Expires=60/);
      const ok = await fetch(url);
      assert.equal(ok.status, 200);
      assert.equal(await ok.text(), "presigned body");
      clock.advance(120_000);
      const expired = await fetch(url);
      assert.equal(expired.status, 403);
      const body = await expired.text();
      assert.match(body, /<Code>AccessDenied<\/Code>/);
      assert.match(body, /<Message>Request has expired<\/Message>/);
    });
  });
});
