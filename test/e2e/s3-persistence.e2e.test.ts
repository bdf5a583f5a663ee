// End to end with `minifront start` as a child process and @aws-sdk/client-s3: the embedded S3's
// state survives a clean restart, and a `kill -9` neither exposes a partial object nor loses an
// acknowledged one; the restart's sweep leaves no temp file and no unreferenced blob behind
// (storage.ts "Write path").
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { Readable } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import {
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetBucketCorsCommand,
  GetBucketPolicyCommand,
  GetBucketTaggingCommand,
  GetBucketWebsiteCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  ListObjectsV2Command,
  PutBucketCorsCommand,
  PutBucketPolicyCommand,
  PutBucketTaggingCommand,
  PutBucketWebsiteCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import type { CORSConfiguration, PutObjectCommandInput, Tag, WebsiteConfiguration, _Object } from "@aws-sdk/client-s3";
import { CREDENTIALS, expectServiceError, type CliProcess } from "../helpers/emulator.ts";
import { killDuringBurst, useDataDirProcesses } from "../helpers/processes.ts";

const MiB = 1024 * 1024;

const children = useDataDirProcesses("minifront-s3-persist-");

async function start(dir: string): Promise<{ proc: CliProcess; s3: S3Client }> {
  const proc = await children.start(dir);
  // Quiet: the kill tests make the SDK warn about the streaming requests they break on purpose;
  // every failure still surfaces as a rejected promise.
  const quiet = { debug() {}, info() {}, warn() {}, error() {} };
  const s3 = children.client(new S3Client({ endpoint: proc.url, region: "us-east-1", credentials: CREDENTIALS, forcePathStyle: true, maxAttempts: 1, logger: quiet }));
  return { proc, s3 };
}

const md5 = (data: Uint8Array): string => createHash("md5").update(data).digest("hex");

/** The response without the SDK's `$metadata` (request ids differ between calls). */
function strip<T extends object>(out: T): Omit<T, "$metadata"> {
  const { $metadata: _, ...rest } = out as T & { $metadata?: unknown };
  return rest;
}

async function bytes(s3: S3Client, bucket: string, key: string): Promise<Buffer> {
  const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return Buffer.from((await out.Body?.transformToByteArray()) ?? new Uint8Array());
}

async function listAll(s3: S3Client, bucket: string): Promise<_Object[]> {
  const out: _Object[] = [];
  let token: string | undefined;
  for (;;) {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }));
    out.push(...(page.Contents ?? []));
    if (!page.IsTruncated) return out;
    token = page.NextContinuationToken;
  }
}

/** A sub-resource's configuration, or the name of the error its GET answers. */
async function orError<T extends object>(p: Promise<T>): Promise<Omit<T, "$metadata"> | { error: string }> {
  try {
    return strip(await p);
  } catch (err) {
    return { error: (err as Error).name };
  }
}

/** Everything the S3 API shows of the store: buckets, sub-resources, objects with metadata and bytes. */
async function snapshot(s3: S3Client): Promise<unknown> {
  const buckets = (await s3.send(new ListBucketsCommand({}))).Buckets ?? [];
  const out: Record<string, unknown> = {};
  for (const b of buckets) {
    const Bucket = b.Name as string;
    const objects: Record<string, unknown> = {};
    const listed = await listAll(s3, Bucket);
    for (const o of listed) {
      const Key = o.Key as string;
      const head = strip(await s3.send(new HeadObjectCommand({ Bucket, Key })));
      objects[Key] = { listed: o, head, md5: md5(await bytes(s3, Bucket, Key)) };
    }
    out[Bucket] = {
      creationDate: b.CreationDate?.toISOString(),
      policy: await orError(s3.send(new GetBucketPolicyCommand({ Bucket }))),
      website: await orError(s3.send(new GetBucketWebsiteCommand({ Bucket }))),
      cors: await orError(s3.send(new GetBucketCorsCommand({ Bucket }))),
      tagging: await orError(s3.send(new GetBucketTaggingCommand({ Bucket }))),
      objects,
    };
  }
  return out;
}

/** The files in `<dataDir>/s3/<sub>`. */
function filesIn(dir: string, sub: "tmp" | "blobs"): string[] {
  return readdirSync(join(dir, "s3", sub));
}

async function objectCount(s3: S3Client): Promise<number> {
  let n = 0;
  for (const b of (await s3.send(new ListBucketsCommand({}))).Buckets ?? []) n += (await listAll(s3, b.Name as string)).length;
  return n;
}

describe("the embedded S3 across restarts of `minifront start`", () => {
  it("after SIGTERM and a restart on the same data dir, every bucket, object (bytes, ETag, metadata, content type) and bucket configuration is back", async () => {
    const dir = children.dataDir();
    const first = await start(dir);
    const s3 = first.s3;
    const ONE = "persist-one";
    const TWO = "persist-two";
    await s3.send(new CreateBucketCommand({ Bucket: ONE }));
    await s3.send(new CreateBucketCommand({ Bucket: TWO }));

    const random = randomBytes(3 * MiB);
    const puts: PutObjectCommandInput[] = [
      {
        Bucket: ONE,
        Key: "text/hello.txt",
        Body: "hello, persisted world\n",
        ContentType: "text/plain; charset=utf-8",
        CacheControl: "max-age=60",
        ContentDisposition: 'attachment; filename="hello.txt"',
        ContentLanguage: "en",
        Metadata: { color: "blue", "multi-word": "a b c" },
      },
      { Bucket: ONE, Key: "bin/random.bin", Body: random, ContentType: "application/octet-stream" },
      { Bucket: ONE, Key: "unicode/ü ñ 日本 – space.txt", Body: "unicode key\n", ContentType: "text/plain" },
      { Bucket: ONE, Key: "empty", Body: Buffer.alloc(0) },
      { Bucket: ONE, Key: "moved.html", Body: Buffer.alloc(0), WebsiteRedirectLocation: "/elsewhere.html", ContentType: "text/html" },
      { Bucket: TWO, Key: "index.html", Body: "<h1>two</h1>", ContentType: "text/html" },
    ];
    const etags = new Map<string, string>();
    for (const p of puts) {
      const out = await s3.send(new PutObjectCommand(p));
      assert.ok(out.ETag);
      etags.set(`${p.Bucket}/${p.Key}`, out.ETag);
    }
    assert.equal(etags.get(`${ONE}/bin/random.bin`), `"${md5(random)}"`);

    // A multipart object (5 MiB + 1 MiB): its ETag has the -2 suffix.
    const mpBody = randomBytes(6 * MiB);
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: ONE, Key: "mp/big.bin", ContentType: "video/mp4", Metadata: { part: "yes" } }));
    const parts = [];
    for (const [n, slice] of [mpBody.subarray(0, 5 * MiB), mpBody.subarray(5 * MiB)].entries()) {
      const up = await s3.send(new UploadPartCommand({ Bucket: ONE, Key: "mp/big.bin", UploadId, PartNumber: n + 1, Body: slice }));
      parts.push({ PartNumber: n + 1, ETag: up.ETag });
    }
    const done = await s3.send(new CompleteMultipartUploadCommand({ Bucket: ONE, Key: "mp/big.bin", UploadId, MultipartUpload: { Parts: parts } }));
    assert.match(done.ETag ?? "", /^"[0-9a-f]{32}-2"$/);

    const policy = JSON.stringify({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: `arn:aws:s3:::${ONE}/*` }],
    });
    const website: WebsiteConfiguration = {
      IndexDocument: { Suffix: "index.html" },
      ErrorDocument: { Key: "error.html" },
      RoutingRules: [{ Condition: { KeyPrefixEquals: "old/" }, Redirect: { ReplaceKeyPrefixWith: "new/", HttpRedirectCode: "301" } }],
    };
    const cors: CORSConfiguration = { CORSRules: [{ AllowedMethods: ["GET", "HEAD"], AllowedOrigins: ["*"], AllowedHeaders: ["*"], MaxAgeSeconds: 300 }] };
    const tags: Tag[] = [{ Key: "team", Value: "edge" }];
    await s3.send(new PutBucketPolicyCommand({ Bucket: ONE, Policy: policy }));
    await s3.send(new PutBucketWebsiteCommand({ Bucket: ONE, WebsiteConfiguration: website }));
    await s3.send(new PutBucketCorsCommand({ Bucket: TWO, CORSConfiguration: cors }));
    await s3.send(new PutBucketTaggingCommand({ Bucket: TWO, Tagging: { TagSet: tags } }));

    const before = await snapshot(s3);
    // The snapshot holds what was written (so comparing snapshots compares the real thing).
    const b = before as Record<string, { policy: unknown; website: unknown; cors: unknown; tagging: unknown; objects: Record<string, { head: Record<string, unknown>; md5: string }> }>;
    assert.deepEqual(Object.keys(b), [ONE, TWO]);
    assert.deepEqual(Object.keys(b[ONE]?.objects ?? {}).sort(), ["bin/random.bin", "empty", "moved.html", "mp/big.bin", "text/hello.txt", "unicode/ü ñ 日本 – space.txt"]);
    assert.deepEqual(b[ONE]?.policy, { Policy: policy });
    assert.deepEqual((b[ONE]?.website as WebsiteConfiguration).RoutingRules, website.RoutingRules);
    assert.deepEqual((b[TWO]?.cors as CORSConfiguration).CORSRules, cors.CORSRules);
    assert.deepEqual((b[TWO]?.tagging as { TagSet?: Tag[] }).TagSet, tags);
    const hello = b[ONE]?.objects["text/hello.txt"]?.head;
    assert.equal(hello?.["ContentType"], "text/plain; charset=utf-8");
    assert.deepEqual(hello?.["Metadata"], { color: "blue", "multi-word": "a b c" });
    assert.equal(b[ONE]?.objects["bin/random.bin"]?.md5, md5(random));
    assert.equal(b[ONE]?.objects["mp/big.bin"]?.md5, md5(mpBody));
    assert.equal(b[ONE]?.objects["mp/big.bin"]?.head["ETag"], done.ETag);
    assert.equal(b[ONE]?.objects["moved.html"]?.head["WebsiteRedirectLocation"], "/elsewhere.html");
    for (const [where, etag] of etags) {
      const [bucket, ...key] = where.split("/");
      assert.equal(b[bucket as string]?.objects[key.join("/")]?.head["ETag"], etag, where);
    }

    assert.equal(await first.proc.stop("SIGTERM"), 0, "SIGTERM exits with code 0");

    const second = await start(dir);
    assert.deepEqual(await snapshot(second.s3), before, "the same buckets, objects, bytes, metadata and configurations");
    assert.deepEqual(filesIn(dir, "tmp"), []);
    assert.equal(filesIn(dir, "blobs").length, 7, "one blob per object, no leftovers of the multipart parts");
    assert.equal(await second.proc.stop("SIGTERM"), 0);
  });

  it("kill -9 in the middle of a large streamed PutObject leaves no object at that key, keeps the completed ones, and no temp file or orphan blob after the restart", async (t) => {
    const dir = children.dataDir();
    const first = await start(dir);
    const BUCKET = "kill-upload";
    await first.s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    const kept = randomBytes(2 * MiB);
    const keptPut = await first.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "kept.bin", Body: kept }));

    const TOTAL = 200 * MiB;
    const MIDWAY = 16 * MiB;
    let produced = 0;
    let reachedMidway!: () => void;
    const midway = new Promise<void>((resolve) => (reachedMidway = resolve));
    const chunk = Buffer.alloc(MiB, 0x5a);
    async function* body() {
      while (produced < TOTAL) {
        if (produced >= MIDWAY) {
          reachedMidway();
          // Paced from here on, so the upload is surely still in flight when the kill comes.
          await sleep(25);
        }
        produced += chunk.length;
        yield chunk;
      }
    }
    const upload = first.s3
      .send(new PutObjectCommand({ Bucket: BUCKET, Key: "huge.bin", Body: Readable.from(body(), { objectMode: false }), ContentLength: TOTAL }))
      .then(
        () => "completed",
        (err: Error) => `failed: ${err.name}`,
      );
    const outcome = await Promise.race([midway.then(() => "midway"), upload]);
    assert.equal(outcome, "midway", "the upload is under way");

    // The server is writing the body to a temp file; the key is not visible yet.
    const tmpDir = join(dir, "s3", "tmp");
    const deadline = Date.now() + 10_000;
    while (!filesIn(dir, "tmp").some((f) => statSync(join(tmpDir, f)).size > 0)) {
      assert.ok(Date.now() < deadline, "a temp file with the upload's first bytes appears");
      await sleep(10);
    }
    await expectServiceError(first.s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: "huge.bin" })), 404, "NotFound");

    assert.equal(await first.proc.stop("SIGKILL"), null, "killed by the signal, not exited");
    const result = await Promise.race([upload, sleep(20_000, "still pending 20 s after the kill", { ref: false })]);
    t.diagnostic(`killed after ${produced / MiB} MiB of ${TOTAL / MiB} MiB were produced; the upload ${result}`);
    assert.match(result, /^failed: /, "the client sees the upload fail");
    assert.ok(produced < TOTAL, "the kill came before the whole body was sent");

    const second = await start(dir);
    await expectServiceError(second.s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: "huge.bin" })), 404, "NotFound");
    await expectServiceError(second.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: "huge.bin" })), 404, "NoSuchKey");
    const head = await second.s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: "kept.bin" }));
    assert.equal(head.ETag, keptPut.ETag);
    assert.equal(head.ContentLength, kept.length);
    assert.ok((await bytes(second.s3, BUCKET, "kept.bin")).equals(kept), "the completed object is intact");
    assert.deepEqual((await listAll(second.s3, BUCKET)).map((o) => o.Key), ["kept.bin"]);

    assert.deepEqual(filesIn(dir, "tmp"), [], "the restart removed the partial temp file");
    assert.equal(filesIn(dir, "blobs").length, await objectCount(second.s3), "one blob per object, no orphans");
    assert.equal(await second.proc.stop("SIGTERM"), 0);
  });

  it("after kill -9 during a burst of small PutObjects, every acknowledged object is there with its acknowledged ETag and bytes", async (t) => {
    const dir = children.dataDir();
    const first = await start(dir);
    const BUCKET = "kill-burst";
    await first.s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    const BURST = 80;
    const KILL_AFTER = 30;
    const bodies = new Map(Array.from({ length: BURST }, (_, i) => [`burst/obj-${String(i).padStart(3, "0")}`, randomBytes(1024 + i * 997)]));
    const acked = new Map<string, string>();
    await killDuringBurst(t, first.proc, {
      items: [...bodies],
      send: ([key, body]) => first.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body })),
      onAck: ([key], out) => {
        assert.ok(out.ETag);
        acked.set(key, out.ETag);
      },
      killAfter: KILL_AFTER,
      what: "puts",
    });

    const second = await start(dir);
    const listed = new Map((await listAll(second.s3, BUCKET)).map((o) => [o.Key as string, o]));
    t.diagnostic(`${listed.size} objects present after the restart`);
    for (const [key, etag] of acked) {
      assert.equal(listed.get(key)?.ETag, etag, `acknowledged ${key} is listed with its ETag`);
      const head = await second.s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }));
      assert.equal(head.ETag, etag, `${key}: ETag`);
    }
    // Whatever else survived is whole: every listed object has exactly the bytes that were sent.
    for (const [key, o] of listed) {
      const sent = bodies.get(key);
      assert.ok(sent, `${key} was one of the burst's keys`);
      const got = await bytes(second.s3, BUCKET, key);
      assert.ok(got.equals(sent), `${key}: the bytes that were sent`);
      assert.equal(o.ETag, `"${md5(sent)}"`);
    }
    assert.deepEqual(filesIn(dir, "tmp"), [], "no temp file left after the restart");
    assert.equal(filesIn(dir, "blobs").length, listed.size, "one blob per object, no orphans");
    assert.equal(await second.proc.stop("SIGTERM"), 0);
  });
});
