// The embedded S3 through @aws-sdk/client-s3 on a real port: path-style and virtual-hosted-style
// clients, buckets and their sub-resources, objects (bodies, checksums, metadata, keys, ranges,
// conditions), copy/delete, listings and paging, multipart uploads (including one of 55 MiB) and
// versioning on a new bucket. Expected behaviour is real
// S3's, from the S3 API reference (https://docs.aws.amazon.com/AmazonS3/latest/API/).
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { Agent } from "node:http";
import type { LookupFunction } from "node:net";
import { createCipheriv, createHash } from "node:crypto";
import { existsSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { Readable } from "node:stream";
import { crc32 } from "node:zlib";
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteBucketCommand,
  DeleteBucketCorsCommand,
  DeleteBucketPolicyCommand,
  DeleteBucketTaggingCommand,
  DeleteBucketWebsiteCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetBucketCorsCommand,
  GetBucketLocationCommand,
  GetBucketPolicyCommand,
  GetBucketTaggingCommand,
  GetBucketVersioningCommand,
  GetBucketWebsiteCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  ListMultipartUploadsCommand,
  ListObjectsCommand,
  ListObjectsV2Command,
  ListPartsCommand,
  PutBucketCorsCommand,
  PutBucketPolicyCommand,
  PutBucketTaggingCommand,
  PutBucketWebsiteCommand,
  PutObjectCommand,
  PutObjectLockConfigurationCommand,
  S3Client,
  UploadPartCommand,
  paginateListObjectsV2,
  type CompletedPart,
} from "@aws-sdk/client-s3";
import { CREDENTIALS, expectServiceError, useEmulator } from "../helpers/emulator.ts";

const MiB = 1024 * 1024;

interface SentRequest {
  readonly method: string;
  readonly hostname: string;
  readonly path: string;
  readonly headers: Record<string, string>;
}

/** Records every request the client sends (after signing), to check what went on the wire. */
function capture(client: S3Client): SentRequest[] {
  const sent: SentRequest[] = [];
  client.middlewareStack.add(
    (next) => async (args) => {
      const r = args.request as SentRequest;
      sent.push({ method: r.method, hostname: r.hostname, path: r.path, headers: { ...r.headers } });
      return next(args);
    },
    { step: "finalizeRequest", priority: "low", name: "captureSentRequests" },
  );
  return sent;
}

/** `<bucket>.localhost` does not resolve on every system: this agent sends every name to 127.0.0.1. */
const toLoopback = ((_host: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
  if (options.all) callback(null, [{ address: "127.0.0.1", family: 4 }]);
  else callback(null, "127.0.0.1", 4);
}) as unknown as LookupFunction;

async function bytes(body: { transformToByteArray(): Promise<Uint8Array> } | undefined): Promise<Buffer> {
  assert.ok(body, "response has a body");
  return Buffer.from(await body.transformToByteArray());
}

const md5Hex = (data: Buffer | string): string => createHash("md5").update(data).digest("hex");
const md5B64 = (data: Buffer | string): string => createHash("md5").update(data).digest("base64");
const sha256B64 = (data: Buffer | string): string => createHash("sha256").update(data).digest("base64");
function crc32B64(data: Buffer): string {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(crc32(data));
  return out.toString("base64");
}

/** Deterministic pseudo-random bytes (AES-CTR keystream), different for every seed. */
function pseudoRandom(size: number, seed: number): Buffer {
  const iv = Buffer.alloc(16);
  iv.writeUInt32BE(seed, 0);
  const cipher = createCipheriv("aes-128-ctr", Buffer.alloc(16, 0x5a), iv);
  return Buffer.concat([cipher.update(Buffer.alloc(size)), cipher.final()]);
}

/** A multipart ETag: MD5 of the concatenated binary part MD5s, `-<count>`. */
function multipartEtag(partMd5Hex: readonly string[]): string {
  const h = createHash("md5");
  for (const p of partMd5Hex) h.update(Buffer.from(p, "hex"));
  return `"${h.digest("hex")}-${partMd5Hex.length}"`;
}

/** For errors without an S3 error code (HEAD, 304): only the status is reliable. */
async function expectStatus(promise: Promise<unknown>, status: number): Promise<Error & { $metadata?: { httpStatusCode?: number } }> {
  try {
    await promise;
  } catch (err) {
    const e = err as Error & { $metadata?: { httpStatusCode?: number } };
    assert.equal(e.$metadata?.httpStatusCode, status, `expected HTTP ${status}, got ${e.name}: ${e.message} (${e.$metadata?.httpStatusCode})`);
    return e;
  }
  assert.fail(`expected HTTP ${status}, but the call succeeded`);
}

describe("embedded S3 through @aws-sdk/client-s3", () => {
  const t = useEmulator();
  const clients: S3Client[] = [];
  let names = 0;
  /** A fresh, valid bucket name. */
  const bucketName = (label: string): string => `sdk-${label}-${++names}`;

  function s3(region = "us-east-1"): S3Client {
    const c = new S3Client({ region, endpoint: t.emu.s3Url, forcePathStyle: true, credentials: CREDENTIALS, maxAttempts: 1 });
    clients.push(c);
    return c;
  }

  function vhostS3(): S3Client {
    const c = new S3Client({
      region: "us-east-1",
      endpoint: `http://localhost:${t.emu.port}`,
      forcePathStyle: false,
      credentials: CREDENTIALS,
      maxAttempts: 1,
      requestHandler: { httpAgent: new Agent({ keepAlive: true, lookup: toLoopback }) },
    });
    clients.push(c);
    return c;
  }

  async function newBucket(label: string, client = s3()): Promise<string> {
    const name = bucketName(label);
    await client.send(new CreateBucketCommand({ Bucket: name }));
    return name;
  }

  after(() => {
    for (const c of clients) c.destroy();
  });

  // ---------------------------------------------------------------- addressing

  describe("virtual-hosted-style addressing", () => {
    it("creates a bucket, puts, gets and lists objects with Host: <bucket>.localhost:<port>", async () => {
      const client = vhostS3();
      const sent = capture(client);
      const bucket = bucketName("vhost");
      await client.send(new CreateBucketCommand({ Bucket: bucket }));
      const put = await client.send(new PutObjectCommand({ Bucket: bucket, Key: "dir/hello.txt", Body: "hello vhost", ContentType: "text/plain" }));
      assert.equal(put.ETag, `"${md5Hex("hello vhost")}"`);
      const got = await client.send(new GetObjectCommand({ Bucket: bucket, Key: "dir/hello.txt" }));
      assert.equal((await bytes(got.Body)).toString(), "hello vhost");
      assert.equal(got.ContentType, "text/plain");
      const listed = await client.send(new ListObjectsV2Command({ Bucket: bucket }));
      assert.deepEqual(listed.Contents?.map((o) => o.Key), ["dir/hello.txt"]);
      assert.equal(listed.Name, bucket);

      // Every request really was virtual-hosted: the bucket in the host, not in the path.
      assert.equal(sent.length, 4);
      for (const r of sent) {
        assert.equal(r.hostname, `${bucket}.localhost`);
        assert.ok(!r.path.startsWith(`/${bucket}`), `path ${r.path} should not name the bucket`);
      }
      // The same bucket and object through the path-style endpoint.
      const viaPath = await s3().send(new GetObjectCommand({ Bucket: bucket, Key: "dir/hello.txt" }));
      assert.equal((await bytes(viaPath.Body)).toString(), "hello vhost");
    });
  });

  // ---------------------------------------------------------------- buckets

  describe("buckets", () => {
    it("CreateBucket without a LocationConstraint is in us-east-1: empty GetBucketLocation, HeadBucket BucketRegion", async () => {
      const client = s3();
      const bucket = bucketName("use1");
      const created = await client.send(new CreateBucketCommand({ Bucket: bucket }));
      assert.equal(created.$metadata.httpStatusCode, 200);
      assert.equal(created.Location, `/${bucket}`);
      const loc = await client.send(new GetBucketLocationCommand({ Bucket: bucket }));
      const constraint: string | undefined = loc.LocationConstraint;
      assert.ok(constraint === undefined || constraint === "", `got ${String(constraint)}`);
      const head = await client.send(new HeadBucketCommand({ Bucket: bucket }));
      assert.equal(head.$metadata.httpStatusCode, 200);
      assert.equal(head.BucketRegion, "us-east-1");
    });

    it("CreateBucket with LocationConstraint eu-west-1 is reported by GetBucketLocation and HeadBucket", async () => {
      const client = s3("eu-west-1");
      const bucket = bucketName("euw1");
      await client.send(new CreateBucketCommand({ Bucket: bucket, CreateBucketConfiguration: { LocationConstraint: "eu-west-1" } }));
      const loc = await client.send(new GetBucketLocationCommand({ Bucket: bucket }));
      assert.equal(loc.LocationConstraint, "eu-west-1");
      const head = await client.send(new HeadBucketCommand({ Bucket: bucket }));
      assert.equal(head.BucketRegion, "eu-west-1");
    });

    it("ListBuckets lists the created buckets with creation dates and an owner", async () => {
      const client = s3();
      const a = await newBucket("list-a");
      const b = await newBucket("list-b");
      const out = await client.send(new ListBucketsCommand({}));
      const mine = (out.Buckets ?? []).filter((x) => x.Name === a || x.Name === b);
      assert.deepEqual(mine.map((x) => x.Name), [a, b]);
      for (const x of mine) assert.ok(x.CreationDate instanceof Date && Math.abs(x.CreationDate.getTime() - Date.now()) < 60_000);
      assert.ok(out.Owner?.ID, "owner id present");
      const names = (out.Buckets ?? []).map((x) => x.Name ?? "");
      assert.deepEqual(names, [...names].sort());
    });

    it("DeleteBucket refuses a bucket with objects (BucketNotEmpty 409), then deletes it once empty", async () => {
      const client = s3();
      const bucket = await newBucket("del");
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: "k", Body: "x" }));
      await expectServiceError(client.send(new DeleteBucketCommand({ Bucket: bucket })), 409, "BucketNotEmpty");
      await client.send(new HeadBucketCommand({ Bucket: bucket }));
      await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: "k" }));
      const deleted = await client.send(new DeleteBucketCommand({ Bucket: bucket }));
      assert.equal(deleted.$metadata.httpStatusCode, 204);
      await expectStatus(client.send(new HeadBucketCommand({ Bucket: bucket })), 404);
      const listed = await client.send(new ListBucketsCommand({}));
      assert.ok(!(listed.Buckets ?? []).some((x) => x.Name === bucket));
    });

    it("CreateBucket refuses invalid names with InvalidBucketName (400)", async () => {
      const client = s3();
      for (const name of ["UPPER", "ab", "a..b", "-leading", "trailing-", "192.168.1.1", "a".repeat(64), "under_score"]) {
        await expectServiceError(client.send(new CreateBucketCommand({ Bucket: name })), 400, "InvalidBucketName");
      }
      // Boundaries that are valid.
      for (const name of ["abc", "a".repeat(63), "my.dotted.bucket-1"]) {
        await client.send(new CreateBucketCommand({ Bucket: name }));
        await client.send(new DeleteBucketCommand({ Bucket: name }));
      }
    });

    it("CreateBucket on an existing bucket answers BucketAlreadyOwnedByYou (409)", async () => {
      const client = s3();
      const bucket = await newBucket("dup");
      await expectServiceError(client.send(new CreateBucketCommand({ Bucket: bucket })), 409, "BucketAlreadyOwnedByYou");
    });

    it("operations on a missing bucket answer NoSuchBucket (404)", async () => {
      const client = s3();
      const Bucket = bucketName("missing");
      await expectServiceError(client.send(new PutObjectCommand({ Bucket, Key: "k", Body: "x" })), 404, "NoSuchBucket");
      await expectServiceError(client.send(new GetObjectCommand({ Bucket, Key: "k" })), 404, "NoSuchBucket");
      await expectServiceError(client.send(new ListObjectsV2Command({ Bucket })), 404, "NoSuchBucket");
      await expectServiceError(client.send(new ListObjectsCommand({ Bucket })), 404, "NoSuchBucket");
      await expectServiceError(client.send(new DeleteBucketCommand({ Bucket })), 404, "NoSuchBucket");
      await expectServiceError(client.send(new DeleteObjectCommand({ Bucket, Key: "k" })), 404, "NoSuchBucket");
      await expectServiceError(client.send(new GetBucketPolicyCommand({ Bucket })), 404, "NoSuchBucket");
      await expectServiceError(client.send(new GetBucketLocationCommand({ Bucket })), 404, "NoSuchBucket");
      await expectServiceError(client.send(new CreateMultipartUploadCommand({ Bucket, Key: "k" })), 404, "NoSuchBucket");
      await expectStatus(client.send(new HeadBucketCommand({ Bucket })), 404);
      await expectStatus(client.send(new HeadObjectCommand({ Bucket, Key: "k" })), 404);
      // A refused upload with a body big enough not to fit the socket buffers: the error arrives,
      // and the keep-alive connection still serves the next request.
      await expectServiceError(client.send(new PutObjectCommand({ Bucket, Key: "big", Body: pseudoRandom(4 * MiB, 4) })), 404, "NoSuchBucket");
      await expectServiceError(client.send(new PutObjectCommand({ Bucket, Key: "big", Body: Readable.from([pseudoRandom(MiB, 5)]), ContentLength: MiB })), 404, "NoSuchBucket");
      const listed = await client.send(new ListBucketsCommand({}));
      assert.equal(listed.$metadata.httpStatusCode, 200);
    });
  });

  // ---------------------------------------------------------------- bucket sub-resources

  describe("bucket sub-resources", () => {
    it("bucket policy: put, get as stored, MalformedPolicy for non-JSON, NoSuchBucketPolicy after delete", async () => {
      const client = s3();
      const bucket = await newBucket("policy");
      await expectServiceError(client.send(new GetBucketPolicyCommand({ Bucket: bucket })), 404, "NoSuchBucketPolicy");
      const policy = JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Sid: "PublicRead", Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: `arn:aws:s3:::${bucket}/*` }],
      });
      const put = await client.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: policy }));
      // The API reference's response syntax says 200, its old sample response 204: accept either.
      assert.ok([200, 204].includes(put.$metadata.httpStatusCode ?? 0), `PutBucketPolicy answered ${put.$metadata.httpStatusCode}`);
      const got = await client.send(new GetBucketPolicyCommand({ Bucket: bucket }));
      assert.deepEqual(JSON.parse(got.Policy ?? ""), JSON.parse(policy));

      await expectServiceError(client.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: "this is not json" })), 400, "MalformedPolicy");
      // A refused policy leaves the stored one alone.
      const still = await client.send(new GetBucketPolicyCommand({ Bucket: bucket }));
      assert.deepEqual(JSON.parse(still.Policy ?? ""), JSON.parse(policy));

      const del = await client.send(new DeleteBucketPolicyCommand({ Bucket: bucket }));
      assert.equal(del.$metadata.httpStatusCode, 204);
      await expectServiceError(client.send(new GetBucketPolicyCommand({ Bucket: bucket })), 404, "NoSuchBucketPolicy");
    });

    it("bucket website: put, get, delete, then NoSuchWebsiteConfiguration", async () => {
      const client = s3();
      const bucket = await newBucket("website");
      await expectServiceError(client.send(new GetBucketWebsiteCommand({ Bucket: bucket })), 404, "NoSuchWebsiteConfiguration");
      await client.send(
        new PutBucketWebsiteCommand({ Bucket: bucket, WebsiteConfiguration: { IndexDocument: { Suffix: "index.html" }, ErrorDocument: { Key: "error.html" } } }),
      );
      const got = await client.send(new GetBucketWebsiteCommand({ Bucket: bucket }));
      assert.equal(got.IndexDocument?.Suffix, "index.html");
      assert.equal(got.ErrorDocument?.Key, "error.html");
      const del = await client.send(new DeleteBucketWebsiteCommand({ Bucket: bucket }));
      assert.equal(del.$metadata.httpStatusCode, 204);
      await expectServiceError(client.send(new GetBucketWebsiteCommand({ Bucket: bucket })), 404, "NoSuchWebsiteConfiguration");
    });

    it("bucket CORS: put, get, delete, then NoSuchCORSConfiguration", async () => {
      const client = s3();
      const bucket = await newBucket("cors");
      await expectServiceError(client.send(new GetBucketCorsCommand({ Bucket: bucket })), 404, "NoSuchCORSConfiguration");
      const rules = [
        { AllowedMethods: ["GET", "HEAD"], AllowedOrigins: ["https://example.com"], AllowedHeaders: ["*"], ExposeHeaders: ["ETag"], MaxAgeSeconds: 3000 },
        { AllowedMethods: ["PUT"], AllowedOrigins: ["*"] },
      ];
      await client.send(new PutBucketCorsCommand({ Bucket: bucket, CORSConfiguration: { CORSRules: rules } }));
      const got = await client.send(new GetBucketCorsCommand({ Bucket: bucket }));
      assert.deepEqual(got.CORSRules, rules);
      const del = await client.send(new DeleteBucketCorsCommand({ Bucket: bucket }));
      assert.equal(del.$metadata.httpStatusCode, 204);
      await expectServiceError(client.send(new GetBucketCorsCommand({ Bucket: bucket })), 404, "NoSuchCORSConfiguration");
    });

    it("bucket tagging: put, get, delete, then NoSuchTagSet", async () => {
      const client = s3();
      const bucket = await newBucket("tagging");
      await expectServiceError(client.send(new GetBucketTaggingCommand({ Bucket: bucket })), 404, "NoSuchTagSet");
      const TagSet = [
        { Key: "env", Value: "dev" },
        { Key: "team", Value: "edge" },
      ];
      await client.send(new PutBucketTaggingCommand({ Bucket: bucket, Tagging: { TagSet } }));
      const got = await client.send(new GetBucketTaggingCommand({ Bucket: bucket }));
      assert.deepEqual(got.TagSet, TagSet);
      const del = await client.send(new DeleteBucketTaggingCommand({ Bucket: bucket }));
      assert.equal(del.$metadata.httpStatusCode, 204);
      await expectServiceError(client.send(new GetBucketTaggingCommand({ Bucket: bucket })), 404, "NoSuchTagSet");
    });
  });

  // ---------------------------------------------------------------- objects

  describe("objects", () => {
    it("PutObject with a Buffer body: GetObject returns the same bytes, ETag is the quoted MD5", async () => {
      const client = s3();
      const bucket = await newBucket("buf");
      const data = pseudoRandom(70_000, 1);
      const put = await client.send(new PutObjectCommand({ Bucket: bucket, Key: "blob.bin", Body: data }));
      assert.equal(put.ETag, `"${md5Hex(data)}"`);
      const got = await client.send(new GetObjectCommand({ Bucket: bucket, Key: "blob.bin" }));
      assert.equal(got.ETag, put.ETag);
      assert.equal(got.ContentLength, data.length);
      assert.ok((await bytes(got.Body)).equals(data));
      const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: "blob.bin" }));
      assert.equal(head.ContentLength, data.length);
      assert.equal(head.ETag, put.ETag);
      assert.equal(head.AcceptRanges, "bytes");
      assert.ok(head.LastModified instanceof Date && Math.abs(head.LastModified.getTime() - Date.now()) < 60_000);
    });

    it("PutObject with a stream body and ContentLength goes aws-chunked with a CRC32 trailer; ChecksumMode returns the CRC32", async () => {
      const client = s3();
      const sent = capture(client);
      const bucket = await newBucket("stream");
      const data = pseudoRandom(200_000, 2);
      const chunks = [data.subarray(0, 65_536), data.subarray(65_536, 150_000), data.subarray(150_000)];
      const put = await client.send(new PutObjectCommand({ Bucket: bucket, Key: "streamed.bin", Body: Readable.from(chunks), ContentLength: data.length }));
      const putReq = sent.find((r) => r.method === "PUT" && r.path.endsWith("/streamed.bin"));
      assert.ok(putReq, "PutObject request captured");
      const lower = Object.fromEntries(Object.entries(putReq.headers).map(([k, v]) => [k.toLowerCase(), v]));
      assert.match(lower["content-encoding"] ?? "", /aws-chunked/);
      assert.equal(lower["x-amz-trailer"], "x-amz-checksum-crc32");
      assert.equal(lower["x-amz-decoded-content-length"], String(data.length));

      assert.equal(put.ETag, `"${md5Hex(data)}"`);
      assert.equal(put.ChecksumCRC32, crc32B64(data));
      const got = await client.send(new GetObjectCommand({ Bucket: bucket, Key: "streamed.bin", ChecksumMode: "ENABLED" }));
      assert.equal(got.ChecksumCRC32, crc32B64(data));
      assert.equal(got.ContentLength, data.length);
      // Stored without the aws-chunked framing or its content-encoding.
      assert.equal(got.ContentEncoding, undefined);
      assert.ok((await bytes(got.Body)).equals(data));
    });

    it("system and user metadata round-trip through HeadObject and GetObject", async () => {
      const client = s3();
      const bucket = await newBucket("meta");
      const expires = new Date("2030-01-02T03:04:05Z");
      await client.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: "doc.txt",
          Body: "metadata",
          Metadata: { a: "1", "long-name": "some value" },
          ContentType: "text/plain; charset=utf-8",
          CacheControl: "max-age=60, public",
          ContentDisposition: 'attachment; filename="doc.txt"',
          ContentLanguage: "de-DE",
          Expires: expires,
        }),
      );
      const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: "doc.txt" }));
      const got = await client.send(new GetObjectCommand({ Bucket: bucket, Key: "doc.txt" }));
      for (const out of [head, got]) {
        assert.deepEqual(out.Metadata, { a: "1", "long-name": "some value" });
        assert.equal(out.ContentType, "text/plain; charset=utf-8");
        assert.equal(out.CacheControl, "max-age=60, public");
        assert.equal(out.ContentDisposition, 'attachment; filename="doc.txt"');
        assert.equal(out.ContentLanguage, "de-DE");
        assert.equal(out.Expires?.getTime(), expires.getTime());
      }
      assert.equal((await bytes(got.Body)).toString(), "metadata");
    });

    it("an object stored without a Content-Type is served as binary/octet-stream", async () => {
      const client = s3();
      const bucket = await newBucket("ctype");
      // The SDK always sends Content-Type (application/octet-stream by default): take it off
      // before signing, as a client that sends none (curl -T, a presigned PUT) would.
      const put = new PutObjectCommand({ Bucket: bucket, Key: "no-type", Body: Buffer.from([1, 2, 3]) });
      put.middlewareStack.add(
        (next) => async (args) => {
          const headers = (args.request as { headers: Record<string, string> }).headers;
          for (const h of Object.keys(headers)) if (h.toLowerCase() === "content-type") delete headers[h];
          return next(args);
        },
        { step: "build", priority: "low", name: "dropContentType" },
      );
      const sent = capture(client);
      await client.send(put);
      assert.ok(sent[0] && !Object.keys(sent[0].headers).some((h) => h.toLowerCase() === "content-type"), "PutObject went without Content-Type");
      const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: "no-type" }));
      assert.equal(head.ContentType, "binary/octet-stream");
      const got = await client.send(new GetObjectCommand({ Bucket: bucket, Key: "no-type" }));
      assert.equal(got.ContentType, "binary/octet-stream");
      assert.deepEqual([...(await bytes(got.Body))], [1, 2, 3]);
    });

    it("a wrong ContentMD5 is BadDigest (400) and leaves the stored object unchanged", async () => {
      const client = s3();
      const bucket = await newBucket("md5");
      const original = await client.send(new PutObjectCommand({ Bucket: bucket, Key: "k", Body: "original", ContentMD5: md5B64("original") }));
      assert.equal(original.ETag, `"${md5Hex("original")}"`);
      await expectServiceError(client.send(new PutObjectCommand({ Bucket: bucket, Key: "k", Body: "replacement", ContentMD5: md5B64("something else") })), 400, "BadDigest");
      const got = await client.send(new GetObjectCommand({ Bucket: bucket, Key: "k" }));
      assert.equal((await bytes(got.Body)).toString(), "original");
      assert.equal(got.ETag, original.ETag);
      // A new key refused the same way never appears.
      await expectServiceError(client.send(new PutObjectCommand({ Bucket: bucket, Key: "new", Body: "data", ContentMD5: md5B64("other") })), 400, "BadDigest");
      await expectStatus(client.send(new HeadObjectCommand({ Bucket: bucket, Key: "new" })), 404);
    });

    it("ChecksumAlgorithm SHA256: the SHA-256 is verified, returned by PutObject and by GetObject with ChecksumMode", async () => {
      const client = s3();
      const bucket = await newBucket("sha");
      const data = pseudoRandom(10_000, 3);
      const put = await client.send(new PutObjectCommand({ Bucket: bucket, Key: "s", Body: data, ChecksumAlgorithm: "SHA256" }));
      assert.equal(put.ChecksumSHA256, sha256B64(data));
      const got = await client.send(new GetObjectCommand({ Bucket: bucket, Key: "s", ChecksumMode: "ENABLED" }));
      assert.equal(got.ChecksumSHA256, sha256B64(data));
      assert.ok((await bytes(got.Body)).equals(data));
      // A stream body with SHA256 uses a SHA256 trailer.
      const put2 = await client.send(new PutObjectCommand({ Bucket: bucket, Key: "s2", Body: Readable.from([data]), ContentLength: data.length, ChecksumAlgorithm: "SHA256" }));
      assert.equal(put2.ChecksumSHA256, sha256B64(data));
      // A declared checksum that does not match is refused.
      await expectServiceError(client.send(new PutObjectCommand({ Bucket: bucket, Key: "bad", Body: data, ChecksumSHA256: sha256B64("other") })), 400, "BadDigest");
      await expectStatus(client.send(new HeadObjectCommand({ Bucket: bucket, Key: "bad" })), 404);
    });
  });

  // ---------------------------------------------------------------- keys

  describe("keys", () => {
    it("awkward keys are stored, read and listed exactly; 1024 bytes works, 1025 is KeyTooLongError; nothing lands outside the data dir", async () => {
      const client = s3();
      const bucket = await newBucket("keys");
      const key1024 = `long/${"k".repeat(1024 - 5)}`;
      const keys = ["../x", "../../escape.txt", "a//b", "dir/", "/leading", "ünïcødé/😀.txt", "with space+plus.txt", "a+b c", "%2F-literal", "q?x=1&y#frag", key1024];
      assert.equal(Buffer.byteLength(key1024), 1024);
      for (const [i, Key] of keys.entries()) {
        await client.send(new PutObjectCommand({ Bucket: bucket, Key, Body: `body ${i}` }));
      }
      for (const [i, Key] of keys.entries()) {
        const got = await client.send(new GetObjectCommand({ Bucket: bucket, Key }));
        assert.equal((await bytes(got.Body)).toString(), `body ${i}`, `key ${JSON.stringify(Key)}`);
      }
      const listed = await client.send(new ListObjectsV2Command({ Bucket: bucket }));
      const expected = [...keys].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
      assert.deepEqual(listed.Contents?.map((o) => o.Key), expected);
      assert.equal(listed.KeyCount, keys.length);

      const key1025 = `long/${"k".repeat(1025 - 5)}`;
      await expectServiceError(client.send(new PutObjectCommand({ Bucket: bucket, Key: key1025, Body: "x" })), 400, "KeyTooLongError");
      await expectServiceError(client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key1025 })), 400, "KeyTooLongError");
      const multibyte1025 = "é".repeat(512) + "x"; // 1025 bytes in 513 characters
      await expectServiceError(client.send(new PutObjectCommand({ Bucket: bucket, Key: multibyte1025, Body: "x" })), 400, "KeyTooLongError");

      // On disk: the SQLite state, the blob store, the edge's disk cache tier (src/index.ts) and
      // the data dir's lock (store/data-dir-lock.ts), nothing named after a key, nothing outside.
      const dir = t.emu.dataDir;
      const top = readdirSync(dir);
      for (const name of top) assert.match(name, /^(state\.sqlite(-wal|-shm|-journal)?|s3|edge-cache|minifront\.(lock|pid))$/, `unexpected entry ${name} in the data dir`);
      for (const name of readdirSync(join(dir, "s3"))) assert.match(name, /^(blobs|tmp)$/, `unexpected entry s3/${name}`);
      for (const name of readdirSync(join(dir, "s3", "blobs"))) assert.match(name, /^[0-9a-f-]{36}$/, `unexpected blob name ${name}`);
      assert.equal(existsSync(resolve(dir, "..", "x")), false);
      assert.equal(existsSync(resolve(dir, "..", "..", "escape.txt")), false);
      assert.equal(existsSync(resolve(dir, "s3", "..", "x")), false);
    });
  });

  // ---------------------------------------------------------------- ranges and conditions

  describe("ranges and conditional reads", () => {
    const DATA = "0123456789abcdef";
    let bucket = "";
    let etag = "";
    async function setup(client: S3Client): Promise<void> {
      if (bucket) return;
      bucket = await newBucket("range", client);
      const put = await client.send(new PutObjectCommand({ Bucket: bucket, Key: "r.txt", Body: DATA, ContentType: "text/plain", CacheControl: "no-cache" }));
      etag = put.ETag ?? "";
    }

    it("GetObject Range bytes=0-4, bytes=5-, bytes=-3 answers 206 with ContentRange and the exact bytes", async () => {
      const client = s3();
      await setup(client);
      const cases: Array<[string, string, string]> = [
        ["bytes=0-4", "01234", "bytes 0-4/16"],
        ["bytes=5-", "56789abcdef", "bytes 5-15/16"],
        ["bytes=-3", "def", "bytes 13-15/16"],
        ["bytes=10-1000", "abcdef", "bytes 10-15/16"],
        ["bytes=-100", DATA, "bytes 0-15/16"],
      ];
      for (const [Range, body, contentRange] of cases) {
        const got = await client.send(new GetObjectCommand({ Bucket: bucket, Key: "r.txt", Range }));
        assert.equal(got.$metadata.httpStatusCode, 206, Range);
        assert.equal(got.ContentRange, contentRange, Range);
        assert.equal(got.ContentLength, body.length, Range);
        assert.equal(got.ETag, etag);
        assert.equal((await bytes(got.Body)).toString(), body, Range);
      }
    });

    it("GetObject Range past the end of the object is InvalidRange (416)", async () => {
      const client = s3();
      await setup(client);
      await expectServiceError(client.send(new GetObjectCommand({ Bucket: bucket, Key: "r.txt", Range: "bytes=100000-" })), 416, "InvalidRange");
      await expectServiceError(client.send(new GetObjectCommand({ Bucket: bucket, Key: "r.txt", Range: "bytes=16-20" })), 416, "InvalidRange");
    });

    it("IfNoneMatch with the ETag and IfModifiedSince in the future answer 304", async () => {
      const client = s3();
      await setup(client);
      await expectStatus(client.send(new GetObjectCommand({ Bucket: bucket, Key: "r.txt", IfNoneMatch: etag })), 304);
      await expectStatus(client.send(new GetObjectCommand({ Bucket: bucket, Key: "r.txt", IfModifiedSince: new Date(Date.now() + 3_600_000) })), 304);
      await expectStatus(client.send(new HeadObjectCommand({ Bucket: bucket, Key: "r.txt", IfNoneMatch: etag })), 304);
      // The opposite conditions read the object.
      const other = await client.send(new GetObjectCommand({ Bucket: bucket, Key: "r.txt", IfNoneMatch: '"0000"' }));
      assert.equal((await bytes(other.Body)).toString(), DATA);
      const older = await client.send(new GetObjectCommand({ Bucket: bucket, Key: "r.txt", IfModifiedSince: new Date(Date.now() - 3_600_000) }));
      assert.equal((await bytes(older.Body)).toString(), DATA);
    });

    it("IfMatch with a wrong ETag and IfUnmodifiedSince in the past answer PreconditionFailed (412)", async () => {
      const client = s3();
      await setup(client);
      await expectServiceError(client.send(new GetObjectCommand({ Bucket: bucket, Key: "r.txt", IfMatch: '"wrong"' })), 412, "PreconditionFailed");
      await expectServiceError(client.send(new GetObjectCommand({ Bucket: bucket, Key: "r.txt", IfUnmodifiedSince: new Date(Date.now() - 3_600_000) })), 412, "PreconditionFailed");
      await expectStatus(client.send(new HeadObjectCommand({ Bucket: bucket, Key: "r.txt", IfMatch: '"wrong"' })), 412);
      const ok = await client.send(new GetObjectCommand({ Bucket: bucket, Key: "r.txt", IfMatch: etag, IfUnmodifiedSince: new Date(Date.now() + 3_600_000) }));
      assert.equal((await bytes(ok.Body)).toString(), DATA);
    });

    it("response-* overrides change the returned Content-Type, Cache-Control and Content-Disposition", async () => {
      const client = s3();
      await setup(client);
      const got = await client.send(
        new GetObjectCommand({
          Bucket: bucket,
          Key: "r.txt",
          ResponseContentType: "application/json",
          ResponseCacheControl: "max-age=5",
          ResponseContentDisposition: 'inline; filename="r.json"',
          ResponseContentLanguage: "fr",
        }),
      );
      assert.equal(got.ContentType, "application/json");
      assert.equal(got.CacheControl, "max-age=5");
      assert.equal(got.ContentDisposition, 'inline; filename="r.json"');
      assert.equal(got.ContentLanguage, "fr");
      assert.equal((await bytes(got.Body)).toString(), DATA);
      // The stored metadata is unchanged.
      const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: "r.txt" }));
      assert.equal(head.ContentType, "text/plain");
      assert.equal(head.CacheControl, "no-cache");
      assert.equal(head.ContentDisposition, undefined);
    });
  });

  // ---------------------------------------------------------------- delete and copy

  describe("delete and copy", () => {
    it("DeleteObject answers 204, also for a key that does not exist", async () => {
      const client = s3();
      const bucket = await newBucket("delobj");
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: "k", Body: "x" }));
      const first = await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: "k" }));
      assert.equal(first.$metadata.httpStatusCode, 204);
      await expectServiceError(client.send(new GetObjectCommand({ Bucket: bucket, Key: "k" })), 404, "NoSuchKey");
      const again = await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: "k" }));
      assert.equal(again.$metadata.httpStatusCode, 204);
      const never = await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: "never/existed" }));
      assert.equal(never.$metadata.httpStatusCode, 204);
    });

    it("DeleteObjects reports every key as Deleted (missing ones too), and nothing in Quiet mode", async () => {
      const client = s3();
      const bucket = await newBucket("delobjs");
      for (const Key of ["a", "b", "c/d", "e", "f"]) await client.send(new PutObjectCommand({ Bucket: bucket, Key, Body: Key }));
      const out = await client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: [{ Key: "a" }, { Key: "c/d" }, { Key: "missing" }] } }));
      assert.deepEqual(out.Deleted?.map((d) => d.Key).sort(), ["a", "c/d", "missing"]);
      assert.equal(out.Errors, undefined);
      const quiet = await client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: [{ Key: "b" }, { Key: "e" }], Quiet: true } }));
      assert.equal(quiet.Deleted, undefined);
      assert.equal(quiet.Errors, undefined);
      const left = await client.send(new ListObjectsV2Command({ Bucket: bucket }));
      assert.deepEqual(left.Contents?.map((o) => o.Key), ["f"]);
    });

    it("CopyObject COPY keeps the metadata, REPLACE replaces it", async () => {
      const client = s3();
      const bucket = await newBucket("copy");
      const dest = await newBucket("copy-dest");
      const put = await client.send(
        new PutObjectCommand({ Bucket: bucket, Key: "src dir/ü.txt", Body: "copy me", ContentType: "text/plain", CacheControl: "max-age=1", Metadata: { a: "1" } }),
      );
      const CopySource = `${bucket}/${encodeURIComponent("src dir/ü.txt")}`;
      const copied = await client.send(new CopyObjectCommand({ Bucket: dest, Key: "copied.txt", CopySource }));
      assert.equal(copied.CopyObjectResult?.ETag, put.ETag);
      const head = await client.send(new HeadObjectCommand({ Bucket: dest, Key: "copied.txt" }));
      assert.deepEqual(head.Metadata, { a: "1" });
      assert.equal(head.ContentType, "text/plain");
      assert.equal(head.CacheControl, "max-age=1");
      const body = await client.send(new GetObjectCommand({ Bucket: dest, Key: "copied.txt" }));
      assert.equal((await bytes(body.Body)).toString(), "copy me");

      await client.send(
        new CopyObjectCommand({ Bucket: dest, Key: "replaced.txt", CopySource, MetadataDirective: "REPLACE", ContentType: "text/html", Metadata: { b: "2" } }),
      );
      const replaced = await client.send(new HeadObjectCommand({ Bucket: dest, Key: "replaced.txt" }));
      assert.deepEqual(replaced.Metadata, { b: "2" });
      assert.equal(replaced.ContentType, "text/html");
      assert.equal(replaced.CacheControl, undefined);
      assert.equal(replaced.ETag, put.ETag);

      // Copying an object onto itself with REPLACE updates its metadata in place.
      await client.send(new CopyObjectCommand({ Bucket: bucket, Key: "src dir/ü.txt", CopySource, MetadataDirective: "REPLACE", Metadata: { c: "3" } }));
      const self = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: "src dir/ü.txt" }));
      assert.deepEqual(self.Metadata, { c: "3" });
    });

    it("CopyObject onto itself without REPLACE is InvalidRequest (400); a missing source is NoSuchKey (404)", async () => {
      const client = s3();
      const bucket = await newBucket("copyerr");
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: "k", Body: "x", Metadata: { keep: "yes" } }));
      await expectServiceError(client.send(new CopyObjectCommand({ Bucket: bucket, Key: "k", CopySource: `${bucket}/k` })), 400, "InvalidRequest");
      const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: "k" }));
      assert.deepEqual(head.Metadata, { keep: "yes" });
      await expectServiceError(client.send(new CopyObjectCommand({ Bucket: bucket, Key: "to", CopySource: `${bucket}/nope` })), 404, "NoSuchKey");
      await expectServiceError(client.send(new CopyObjectCommand({ Bucket: bucket, Key: "to", CopySource: `${bucketName("nobucket")}/k` })), 404, "NoSuchBucket");
      await expectStatus(client.send(new HeadObjectCommand({ Bucket: bucket, Key: "to" })), 404);
    });
  });

  // ---------------------------------------------------------------- listings

  describe("listings", () => {
    it("ListObjectsV2 filters by Prefix and rolls keys up into CommonPrefixes with a Delimiter", async () => {
      const client = s3();
      const bucket = await newBucket("prefix");
      for (const Key of ["photos/2024/a.jpg", "photos/2024/b.jpg", "photos/2025/c.jpg", "photos/top.jpg", "docs/readme.md", "root.txt"]) {
        await client.send(new PutObjectCommand({ Bucket: bucket, Key, Body: Key }));
      }
      const byPrefix = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: "photos/2024/" }));
      assert.deepEqual(byPrefix.Contents?.map((o) => o.Key), ["photos/2024/a.jpg", "photos/2024/b.jpg"]);
      assert.equal(byPrefix.KeyCount, 2);
      assert.equal(byPrefix.Prefix, "photos/2024/");

      const top = await client.send(new ListObjectsV2Command({ Bucket: bucket, Delimiter: "/" }));
      assert.deepEqual(top.Contents?.map((o) => o.Key), ["root.txt"]);
      assert.deepEqual(top.CommonPrefixes?.map((p) => p.Prefix), ["docs/", "photos/"]);
      assert.equal(top.KeyCount, 3);
      assert.equal(top.Delimiter, "/");

      const photos = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: "photos/", Delimiter: "/" }));
      assert.deepEqual(photos.Contents?.map((o) => o.Key), ["photos/top.jpg"]);
      assert.deepEqual(photos.CommonPrefixes?.map((p) => p.Prefix), ["photos/2024/", "photos/2025/"]);

      const entry = byPrefix.Contents?.[0];
      assert.equal(entry?.Size, "photos/2024/a.jpg".length);
      assert.equal(entry?.ETag, `"${md5Hex("photos/2024/a.jpg")}"`);
      assert.equal(entry?.StorageClass, "STANDARD");
    });

    it("ListObjectsV2 StartAfter, and MaxKeys with ContinuationToken over three or more pages with KeyCount", async () => {
      const client = s3();
      const bucket = await newBucket("paging");
      const keys = Array.from({ length: 8 }, (_, i) => `key-${String(i).padStart(2, "0")}`);
      for (const Key of keys) await client.send(new PutObjectCommand({ Bucket: bucket, Key, Body: Key }));

      const after = await client.send(new ListObjectsV2Command({ Bucket: bucket, StartAfter: "key-05" }));
      assert.deepEqual(after.Contents?.map((o) => o.Key), ["key-06", "key-07"]);
      assert.equal(after.StartAfter, "key-05");

      const pages: string[][] = [];
      const counts: number[] = [];
      let token: string | undefined;
      do {
        const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, MaxKeys: 3, ContinuationToken: token }));
        pages.push(page.Contents?.map((o) => o.Key ?? "") ?? []);
        counts.push(page.KeyCount ?? -1);
        assert.equal(page.MaxKeys, 3);
        assert.equal(page.IsTruncated, page.NextContinuationToken !== undefined);
        if (token !== undefined) assert.equal(page.ContinuationToken, token);
        token = page.NextContinuationToken;
      } while (token !== undefined && pages.length < 10);
      assert.deepEqual(pages, [keys.slice(0, 3), keys.slice(3, 6), keys.slice(6)]);
      assert.deepEqual(counts, [3, 3, 2]);

      // StartAfter and MaxKeys together.
      const combined = await client.send(new ListObjectsV2Command({ Bucket: bucket, StartAfter: "key-01", MaxKeys: 2 }));
      assert.deepEqual(combined.Contents?.map((o) => o.Key), ["key-02", "key-03"]);
      assert.equal(combined.IsTruncated, true);
    });

    it("listings are ordered by UTF-8 bytes, also across pages", async () => {
      const client = s3();
      const bucket = await newBucket("utf8");
      // UTF-16 order differs from UTF-8 order for "😀" (surrogates D83D…) against "Ａ" (U+FF21).
      const keys = ["a", "B", "é", "Ａ", "😀", "z", "éx", "\uE000", "A b", "A+b", "A-b"];
      for (const Key of keys) await client.send(new PutObjectCommand({ Bucket: bucket, Key, Body: "x" }));
      const expected = [...keys].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
      const all = await client.send(new ListObjectsV2Command({ Bucket: bucket }));
      assert.deepEqual(all.Contents?.map((o) => o.Key), expected);
      const paged: string[] = [];
      let token: string | undefined;
      do {
        const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, MaxKeys: 2, ContinuationToken: token }));
        paged.push(...(page.Contents?.map((o) => o.Key ?? "") ?? []));
        token = page.NextContinuationToken;
      } while (token !== undefined && paged.length <= keys.length);
      assert.deepEqual(paged, expected);
      // StartAfter compares in UTF-8 order too: after "Ａ" comes "😀", not the other way round.
      const afterFullwidth = await client.send(new ListObjectsV2Command({ Bucket: bucket, StartAfter: "Ａ" }));
      assert.deepEqual(afterFullwidth.Contents?.map((o) => o.Key), expected.slice(expected.indexOf("Ａ") + 1));
    });

    it("ListObjects (v1) pages with Marker and NextMarker when a Delimiter is given", async () => {
      const client = s3();
      const bucket = await newBucket("v1");
      for (const Key of ["a/1", "a/2", "b/1", "c", "d/1", "d/2", "e"]) await client.send(new PutObjectCommand({ Bucket: bucket, Key, Body: Key }));
      const seenKeys: string[] = [];
      const seenPrefixes: string[] = [];
      const markers: string[] = [];
      let marker: string | undefined;
      for (let i = 0; i < 10; i++) {
        const page = await client.send(new ListObjectsCommand({ Bucket: bucket, Delimiter: "/", MaxKeys: 2, Marker: marker }));
        seenKeys.push(...(page.Contents?.map((o) => o.Key ?? "") ?? []));
        seenPrefixes.push(...(page.CommonPrefixes?.map((p) => p.Prefix ?? "") ?? []));
        assert.equal(page.Marker ?? "", marker ?? "");
        if (!page.IsTruncated) {
          assert.equal(page.NextMarker, undefined);
          break;
        }
        assert.ok(page.NextMarker, "a truncated v1 listing with a delimiter has NextMarker");
        marker = page.NextMarker;
        markers.push(marker);
      }
      assert.deepEqual(seenPrefixes, ["a/", "b/", "d/"]);
      assert.deepEqual(seenKeys, ["c", "e"]);
      assert.deepEqual(markers, ["b/", "d/"]);

      // Without a delimiter, paging goes by the last key of the page as Marker.
      const first = await client.send(new ListObjectsCommand({ Bucket: bucket, MaxKeys: 3 }));
      assert.deepEqual(first.Contents?.map((o) => o.Key), ["a/1", "a/2", "b/1"]);
      assert.equal(first.IsTruncated, true);
      const second = await client.send(new ListObjectsCommand({ Bucket: bucket, MaxKeys: 3, Marker: "b/1" }));
      assert.deepEqual(second.Contents?.map((o) => o.Key), ["c", "d/1", "d/2"]);
    });

    it("paginateListObjectsV2 walks every page", async () => {
      const client = s3();
      const bucket = await newBucket("paginator");
      const keys = Array.from({ length: 7 }, (_, i) => `p/${i}`);
      for (const Key of keys) await client.send(new PutObjectCommand({ Bucket: bucket, Key, Body: Key }));
      const seen: string[] = [];
      let pages = 0;
      for await (const page of paginateListObjectsV2({ client, pageSize: 2 }, { Bucket: bucket, Prefix: "p/" })) {
        pages++;
        seen.push(...(page.Contents?.map((o) => o.Key ?? "") ?? []));
      }
      assert.equal(pages, 4);
      assert.deepEqual(seen, keys);
    });
  });

  // ---------------------------------------------------------------- multipart

  describe("multipart uploads", () => {
    it("Create, UploadPart x3, ListParts, ListMultipartUploads, Complete: multipart ETag and the exact concatenation", async () => {
      const client = s3();
      const bucket = await newBucket("mpu");
      const Key = "big/object.bin";
      const parts = [pseudoRandom(5 * MiB, 10), pseudoRandom(5 * MiB, 11), pseudoRandom(1024, 12)];
      const created = await client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key, ContentType: "application/x-test", Metadata: { m: "v" } }));
      const UploadId = created.UploadId ?? assert.fail("no UploadId");
      assert.equal(created.Bucket, bucket);
      assert.equal(created.Key, Key);

      const completed: CompletedPart[] = [];
      for (const [i, data] of parts.entries()) {
        const out = await client.send(new UploadPartCommand({ Bucket: bucket, Key, UploadId, PartNumber: i + 1, Body: data }));
        assert.equal(out.ETag, `"${md5Hex(data)}"`);
        completed.push({ PartNumber: i + 1, ETag: out.ETag });
      }

      const listed = await client.send(new ListPartsCommand({ Bucket: bucket, Key, UploadId }));
      assert.deepEqual(
        listed.Parts?.map((p) => [p.PartNumber, p.ETag, p.Size]),
        parts.map((d, i) => [i + 1, `"${md5Hex(d)}"`, d.length]),
      );
      assert.equal(listed.UploadId, UploadId);
      assert.equal(listed.IsTruncated, false);

      const uploads = await client.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
      assert.deepEqual(uploads.Uploads?.map((u) => [u.Key, u.UploadId]), [[Key, UploadId]]);

      // Not visible until completed.
      await expectServiceError(client.send(new GetObjectCommand({ Bucket: bucket, Key })), 404, "NoSuchKey");

      const done = await client.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key, UploadId, MultipartUpload: { Parts: completed } }));
      const expectedEtag = multipartEtag(parts.map((d) => md5Hex(d)));
      assert.match(done.ETag ?? "", /^"[0-9a-f]{32}-3"$/);
      assert.equal(done.ETag, expectedEtag);
      assert.equal(done.Key, Key);
      assert.equal(done.Bucket, bucket);

      const got = await client.send(new GetObjectCommand({ Bucket: bucket, Key }));
      assert.equal(got.ETag, expectedEtag);
      assert.equal(got.ContentType, "application/x-test");
      assert.deepEqual(got.Metadata, { m: "v" });
      const body = await bytes(got.Body);
      assert.equal(body.length, 10 * MiB + 1024);
      assert.ok(body.equals(Buffer.concat(parts)), "the object is the exact concatenation of the parts");

      const after = await client.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
      assert.equal(after.Uploads, undefined);
      await expectServiceError(client.send(new ListPartsCommand({ Bucket: bucket, Key, UploadId })), 404, "NoSuchUpload");
    });

    it("CompleteMultipartUpload refuses a non-last part under 5 MiB (EntityTooSmall 400)", async () => {
      const client = s3();
      const bucket = await newBucket("small");
      const Key = "k";
      const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key }));
      const Parts: CompletedPart[] = [];
      for (const n of [1, 2]) {
        const out = await client.send(new UploadPartCommand({ Bucket: bucket, Key, UploadId, PartNumber: n, Body: pseudoRandom(1024, n) }));
        Parts.push({ PartNumber: n, ETag: out.ETag });
      }
      await expectServiceError(client.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key, UploadId, MultipartUpload: { Parts } })), 400, "EntityTooSmall");
      // The upload is still open and a single small part is a valid (last) part.
      const single = await client.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key, UploadId, MultipartUpload: { Parts: Parts.slice(0, 1) } }));
      assert.equal(single.ETag, multipartEtag([md5Hex(pseudoRandom(1024, 1))]));
      const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key }));
      assert.equal(head.ContentLength, 1024);
    });

    it("CompleteMultipartUpload refuses a wrong ETag (InvalidPart 400) and parts out of order (InvalidPartOrder 400)", async () => {
      const client = s3();
      const bucket = await newBucket("invalid");
      const Key = "k";
      const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key }));
      const one = await client.send(new UploadPartCommand({ Bucket: bucket, Key, UploadId, PartNumber: 1, Body: "part one" }));
      // Part 2 is big enough to come first, so the only fault in [2, 1] is the order.
      const two = await client.send(new UploadPartCommand({ Bucket: bucket, Key, UploadId, PartNumber: 2, Body: pseudoRandom(5 * MiB, 20) }));
      await expectServiceError(
        client.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key, UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: `"${md5Hex("not it")}"` }] } })),
        400,
        "InvalidPart",
      );
      await expectServiceError(
        client.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key, UploadId, MultipartUpload: { Parts: [{ PartNumber: 3, ETag: one.ETag }] } })),
        400,
        "InvalidPart",
      );
      await expectServiceError(
        client.send(
          new CompleteMultipartUploadCommand({
            Bucket: bucket,
            Key,
            UploadId,
            MultipartUpload: {
              Parts: [
                { PartNumber: 2, ETag: two.ETag },
                { PartNumber: 1, ETag: one.ETag },
              ],
            },
          }),
        ),
        400,
        "InvalidPartOrder",
      );
      await expectServiceError(client.send(new GetObjectCommand({ Bucket: bucket, Key })), 404, "NoSuchKey");
      await client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key, UploadId }));
    });

    it("AbortMultipartUpload: afterwards UploadPart and ListParts answer NoSuchUpload (404)", async () => {
      const client = s3();
      const bucket = await newBucket("abort");
      const Key = "k";
      const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key }));
      await client.send(new UploadPartCommand({ Bucket: bucket, Key, UploadId, PartNumber: 1, Body: "data" }));
      const aborted = await client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key, UploadId }));
      assert.equal(aborted.$metadata.httpStatusCode, 204);
      await expectServiceError(client.send(new UploadPartCommand({ Bucket: bucket, Key, UploadId, PartNumber: 2, Body: "more" })), 404, "NoSuchUpload");
      await expectServiceError(client.send(new ListPartsCommand({ Bucket: bucket, Key, UploadId })), 404, "NoSuchUpload");
      await expectServiceError(client.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key, UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: '"x"' }] } })), 404, "NoSuchUpload");
      const uploads = await client.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
      assert.equal(uploads.Uploads, undefined);
      await expectServiceError(client.send(new UploadPartCommand({ Bucket: bucket, Key, UploadId: "no-such-upload", PartNumber: 1, Body: "x" })), 404, "NoSuchUpload");
      // The bucket is empty again: no object, so it can be deleted.
      await client.send(new DeleteBucketCommand({ Bucket: bucket }));
    });

    it("a 55 MiB upload in 11 parts of 5 MiB downloads with the right size and MD5", { timeout: 60_000 }, async () => {
      const client = s3();
      const bucket = await newBucket("large");
      const Key = "large.bin";
      const PARTS = 11;
      const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key }));
      const whole = createHash("md5");
      const partMd5s: string[] = [];
      const Parts: CompletedPart[] = [];
      for (let n = 1; n <= PARTS; n++) {
        const data = pseudoRandom(5 * MiB, 100 + n); // one part in memory at a time
        whole.update(data);
        partMd5s.push(md5Hex(data));
        const out = await client.send(new UploadPartCommand({ Bucket: bucket, Key, UploadId, PartNumber: n, Body: data }));
        Parts.push({ PartNumber: n, ETag: out.ETag });
      }
      const listed = await client.send(new ListPartsCommand({ Bucket: bucket, Key, UploadId }));
      assert.equal(listed.Parts?.length, PARTS);
      const done = await client.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key, UploadId, MultipartUpload: { Parts } }));
      assert.equal(done.ETag, multipartEtag(partMd5s));

      const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key }));
      assert.equal(head.ContentLength, PARTS * 5 * MiB);
      const got = await client.send(new GetObjectCommand({ Bucket: bucket, Key }));
      assert.equal(got.ContentLength, PARTS * 5 * MiB);
      const downloaded = createHash("md5");
      let size = 0;
      for await (const chunk of got.Body as unknown as AsyncIterable<Uint8Array>) {
        downloaded.update(chunk);
        size += chunk.length;
      }
      assert.equal(size, PARTS * 5 * MiB);
      assert.equal(downloaded.digest("hex"), whole.digest("hex"));
    });
  });

  // ---------------------------------------------------------------- unsupported

  describe("versioning and Object Lock on a new bucket", () => {
    // GetBucketVersioning: a bucket never versioned has an empty configuration; Object Lock needs
    // versioning Enabled first (PutObjectLockConfiguration API reference). More in s3-versioning.e2e.test.ts.
    it("GetBucketVersioning answers no Status; PutObjectLockConfiguration is InvalidBucketState (409)", async () => {
      const client = s3();
      const bucket = await newBucket("unversioned");
      const v = await client.send(new GetBucketVersioningCommand({ Bucket: bucket }));
      assert.equal(v.Status, undefined);
      await expectServiceError(
        client.send(new PutObjectLockConfigurationCommand({ Bucket: bucket, ObjectLockConfiguration: { ObjectLockEnabled: "Enabled" } })),
        409,
        "InvalidBucketState",
      );
    });
  });
});
