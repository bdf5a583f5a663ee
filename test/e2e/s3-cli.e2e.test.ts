// End to end with the real AWS CLI (v1) against the embedded S3 (`--endpoint-url` = the emulator):
// the high-level `aws s3` commands (mb, cp with a multipart upload and a ranged multipart
// download, sync, ls, rm, rb) and the `aws s3api` calls behind them, then the S3 website endpoint
// (`<bucket>.s3-website.localhost:<port>`) over plain HTTP on the site that `aws s3 sync` uploaded.
// Each CLI run costs a Python start-up (~0.7 s), so in-process SDK calls do the double-checking.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateBucketCommand, GetObjectCommand, HeadObjectCommand, ListBucketsCommand, ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import type {
  CopyObjectOutput,
  DeleteObjectsOutput,
  GetBucketPolicyOutput,
  GetBucketWebsiteOutput,
  GetObjectOutput,
  HeadObjectOutput,
  ListObjectsV2Output,
  PutObjectOutput,
  WebsiteConfiguration,
} from "@aws-sdk/client-s3";
import { AWS_CLI_MISSING, awsCliAvailable, runAws, type AwsCliResult } from "../helpers/aws-cli.ts";
import { CREDENTIALS, useEmulator } from "../helpers/emulator.ts";

interface WebResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

const MiB = 1024 * 1024;
/** The CLI's default multipart_threshold and multipart_chunksize (8 MiB each). */
const CLI_CHUNK = 8 * MiB;

const md5 = (data: Uint8Array): string => createHash("md5").update(data).digest("hex");

/** S3's ETag of a multipart upload cut into `partSize` parts: md5 of the parts' binary md5s, dash, count. */
function multipartEtag(data: Buffer, partSize: number): string {
  const digests: Buffer[] = [];
  for (let at = 0; at < data.length; at += partSize) digests.push(createHash("md5").update(data.subarray(at, at + partSize)).digest());
  return `"${createHash("md5").update(Buffer.concat(digests)).digest("hex")}-${digests.length}"`;
}

/** Keys in `aws s3 ls --recursive` output: `<date> <time> <size> <key>` (the key may hold spaces). */
function listedKeys(stdout: string): string[] {
  return stdout
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => /^\S+\s+\S+\s+\d+\s(.*)$/.exec(l)?.[1] ?? assert.fail(`unexpected ls line: ${JSON.stringify(l)}`));
}

/** The `upload: <src> to <dst>` lines of `aws s3 cp/sync` output, as destinations. */
function uploads(stdout: string): string[] {
  return stdout
    .split("\n")
    .map((l) => /^upload: .* to (s3:\/\/.*)$/.exec(l.trim())?.[1])
    .filter((d): d is string => d !== undefined)
    .sort();
}

describe("aws s3 / s3api (CLI v1) against the embedded S3", { skip: awsCliAvailable() ? false : AWS_CLI_MISSING }, () => {
  const ctx = useEmulator();
  let dir = "";
  let files = 0;
  let sdk: S3Client | undefined;
  const s3 = (): S3Client => sdk ?? assert.fail("SDK client not created yet");

  const FILES = "cli-files";
  const SITE = "cli-site";
  const PLAIN = "cli-plain";

  before(() => {
    dir = mkdtempSync(join(tmpdir(), "minifront-s3-cli-"));
    sdk = new S3Client({ endpoint: ctx.emu.s3Url, region: "us-east-1", credentials: CREDENTIALS, forcePathStyle: true, maxAttempts: 1 });
  });
  after(() => {
    sdk?.destroy();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Runs `aws <args>` against the emulator's S3; never rejects on a non-zero exit. */
  function run(args: readonly string[], timeoutMs = 30_000): Promise<AwsCliResult> {
    return runAws(args, { endpoint: ctx.emu.s3Url, configDir: dir, timeoutMs });
  }

  /** Runs a command that must succeed and returns its stdout. */
  async function ok(args: readonly string[], timeoutMs?: number): Promise<string> {
    const r = await run(args, timeoutMs);
    assert.equal(r.code, 0, `aws ${args.join(" ")} exited with ${r.code}:\n${r.stderr}\n${r.stdout}`);
    return r.stdout;
  }

  /** Runs an `s3api` command that must succeed and returns its parsed JSON output. */
  async function api<T>(...args: string[]): Promise<T> {
    const out = await ok(["s3api", ...args]);
    return (out.trim() === "" ? {} : JSON.parse(out)) as T;
  }

  /** Runs a command that must fail with the AWS error `code` (shown as `(<code>)` by the CLI). */
  async function fails(code: string, args: readonly string[]): Promise<AwsCliResult> {
    const r = await run(args);
    assert.notEqual(r.code, 0, `aws ${args.join(" ")} should fail with ${code}, but succeeded:\n${r.stdout}`);
    assert.match(r.stderr + r.stdout, new RegExp(`\\(${code}\\)`), `expected (${code}) in the output:\n${r.stderr}`);
    return r;
  }

  /** Writes `body` to a fresh temp file and returns its path. */
  function tempFile(body: string | Uint8Array, name = `input-${++files}`): string {
    const path = join(dir, name);
    writeFileSync(path, body);
    return path;
  }

  async function sdkBytes(bucket: string, key: string): Promise<Buffer> {
    const out = await s3().send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return Buffer.from((await out.Body?.transformToByteArray()) ?? new Uint8Array());
  }

  describe("aws s3: mb, cp, ls", () => {
    it("s3 mb creates a bucket that s3 ls lists", async () => {
      const out = await ok(["s3", "mb", `s3://${FILES}`]);
      assert.match(out, new RegExp(`make_bucket: ${FILES}`));
      const ls = await ok(["s3", "ls"]);
      assert.match(ls, new RegExp(`^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d ${FILES}$`, "m"), ls);
    });

    it("s3 mb of an invalid bucket name fails with InvalidBucketName", async () => {
      await fails("InvalidBucketName", ["s3", "mb", "s3://Invalid_Bucket_Name"]);
      const buckets = await s3().send(new ListBucketsCommand({}));
      assert.deepEqual(buckets.Buckets?.map((b) => b.Name), [FILES]);
    });

    it("s3 cp uploads a small file and downloads it back byte for byte; s3 ls shows it with its size", async () => {
      const body = "hello from the aws CLI\n";
      const src = tempFile(body, "hello.txt");
      const up = await ok(["s3", "cp", src, `s3://${FILES}/dir/hello.txt`, "--no-progress"]);
      assert.deepEqual(uploads(up), [`s3://${FILES}/dir/hello.txt`]);
      assert.equal((await sdkBytes(FILES, "dir/hello.txt")).toString(), body);

      const dst = join(dir, "hello-back.txt");
      await ok(["s3", "cp", `s3://${FILES}/dir/hello.txt`, dst, "--no-progress"]);
      assert.equal(readFileSync(dst, "utf8"), body);

      const ls = await ok(["s3", "ls", `s3://${FILES}/dir/`]);
      assert.match(ls, new RegExp(`^\\S+ \\S+\\s+${Buffer.byteLength(body)} hello\\.txt$`, "m"), ls);
    });

    it("s3 cp of a 60 MiB file is a multipart upload (ETag -<parts>) and downloads back intact", async () => {
      const size = 60 * MiB;
      const data = randomBytes(size);
      const src = tempFile(data, "big.bin");
      await ok(["s3", "cp", src, `s3://${FILES}/big.bin`, "--no-progress"], 120_000);

      const head = await api<HeadObjectOutput>("head-object", "--bucket", FILES, "--key", "big.bin");
      assert.equal(head.ContentLength, size);
      assert.match(head.ETag ?? "", /^"[0-9a-f]{32}-\d+"$/, `multipart ETag: ${head.ETag}`);
      assert.equal(head.ETag, multipartEtag(data, CLI_CHUNK), "ETag = md5 of the 8 MiB parts' md5s, dash, 8");

      // The CLI downloads a large object with parallel ranged GETs.
      const dst = join(dir, "big-back.bin");
      await ok(["s3", "cp", `s3://${FILES}/big.bin`, dst, "--no-progress"], 120_000);
      const back = readFileSync(dst);
      assert.equal(back.length, size);
      assert.equal(md5(back), md5(data));
      assert.ok(back.equals(data), "the downloaded bytes are the uploaded bytes");
      rmSync(dst);
      rmSync(src);
    });
  });

  describe("aws s3api: objects", () => {
    let etag = "";
    const body = "0123456789abcdefghijklmnopqrstuvwxyz";

    it("put-object with a content type and metadata, then get-object returns them and the bytes", async () => {
      const put = await api<PutObjectOutput>(
        "put-object", "--bucket", FILES, "--key", "api/alpha.txt", "--body", tempFile(body),
        "--content-type", "text/plain; charset=utf-8", "--metadata", "color=blue,owner=cli",
      );
      assert.equal(put.ETag, `"${md5(Buffer.from(body))}"`);
      etag = put.ETag;

      const out = join(dir, "alpha-out.txt");
      const got = await api<GetObjectOutput>("get-object", "--bucket", FILES, "--key", "api/alpha.txt", out);
      assert.equal(readFileSync(out, "utf8"), body);
      assert.equal(got.ETag, etag);
      assert.equal(got.ContentLength, body.length);
      assert.equal(got.ContentType, "text/plain; charset=utf-8");
      assert.deepEqual(got.Metadata, { color: "blue", owner: "cli" });
    });

    it("get-object --range bytes=0-9 returns the first ten bytes and their Content-Range", async () => {
      const out = join(dir, "alpha-range.txt");
      const got = await api<GetObjectOutput>("get-object", "--bucket", FILES, "--key", "api/alpha.txt", "--range", "bytes=0-9", out);
      assert.equal(readFileSync(out, "utf8"), "0123456789");
      assert.equal(got.ContentLength, 10);
      assert.equal(got.ContentRange, `bytes 0-9/${body.length}`);
    });

    it("get-object --if-none-match <current ETag> answers 304 Not Modified (an error for the CLI)", async () => {
      const r = await run(["s3api", "get-object", "--bucket", FILES, "--key", "api/alpha.txt", "--if-none-match", etag, join(dir, "inm.txt")]);
      assert.notEqual(r.code, 0, `expected a 304 error, got success:\n${r.stdout}`);
      assert.match(r.stderr, /304|Not Modified/, r.stderr);
    });

    it("copy-object copies bytes and metadata under a new key", async () => {
      const out = await api<CopyObjectOutput>("copy-object", "--bucket", FILES, "--key", "api/nested/beta.txt", "--copy-source", `${FILES}/api/alpha.txt`);
      assert.equal(out.CopyObjectResult?.ETag, etag);
      const head = await s3().send(new HeadObjectCommand({ Bucket: FILES, Key: "api/nested/beta.txt" }));
      assert.equal(head.ETag, etag);
      assert.equal(head.ContentType, "text/plain; charset=utf-8");
      assert.deepEqual(head.Metadata, { color: "blue", owner: "cli" });
      assert.equal((await sdkBytes(FILES, "api/nested/beta.txt")).toString(), body);
    });

    it("list-objects-v2 --prefix --delimiter returns the direct objects and rolls the rest into CommonPrefixes", async () => {
      await api("put-object", "--bucket", FILES, "--key", "api/gamma.txt", "--body", tempFile("gamma"));
      // --no-paginate: the CLI's merge of pages keeps only some top-level members (it drops Delimiter).
      const out = await api<ListObjectsV2Output>("list-objects-v2", "--bucket", FILES, "--prefix", "api/", "--delimiter", "/", "--no-paginate");
      assert.deepEqual(out.Contents?.map((o) => o.Key), ["api/alpha.txt", "api/gamma.txt"]);
      assert.deepEqual(out.CommonPrefixes?.map((p) => p.Prefix), ["api/nested/"]);
      assert.equal(out.Contents?.[0]?.ETag, etag);
      assert.equal(out.Contents?.[0]?.Size, body.length);
      assert.equal(out.Name, FILES);
      assert.equal(out.Prefix, "api/");
      assert.equal(out.Delimiter, "/");
      assert.equal(out.KeyCount, 3, "two objects and one common prefix");
      assert.equal(out.IsTruncated, false);
    });

    it("delete-objects removes the listed keys and reports each, including a key that did not exist", async () => {
      const del = tempFile(JSON.stringify({ Objects: [{ Key: "api/alpha.txt" }, { Key: "api/gamma.txt" }, { Key: "api/never-there.txt" }] }), "delete.json");
      const out = await api<DeleteObjectsOutput>("delete-objects", "--bucket", FILES, "--delete", `file://${del}`);
      assert.deepEqual(out.Deleted?.map((d) => d.Key).sort(), ["api/alpha.txt", "api/gamma.txt", "api/never-there.txt"]);
      assert.equal(out.Errors, undefined);
      const left = await s3().send(new ListObjectsV2Command({ Bucket: FILES, Prefix: "api/" }));
      assert.deepEqual(left.Contents?.map((o) => o.Key), ["api/nested/beta.txt"]);
    });

    it("get-object of a missing key fails with NoSuchKey", async () => {
      await fails("NoSuchKey", ["s3api", "get-object", "--bucket", FILES, "--key", "api/alpha.txt", join(dir, "missing.txt")]);
    });
  });

  describe("aws s3 sync", () => {
    const site = (): string => join(dir, "site");
    const UNICODE = "docs/guide/café menu – ü.txt";
    const SITE_FILES: Record<string, string> = {
      "index.html": "<html><body><h1>home</h1></body></html>\n",
      "error.html": "<html><body><h1>not here</h1></body></html>\n",
      "docs/index.html": "<html><body><h1>docs</h1></body></html>\n",
      [UNICODE]: "spaces and unicode in the key\n",
      "data/digits.txt": "0123456789abcdefghij",
    };

    before(() => {
      // Local mtimes a minute in the past: sync compares them with the objects' LastModified.
      const past = new Date(Date.now() - 60_000);
      for (const [rel, text] of Object.entries(SITE_FILES)) {
        const path = join(site(), rel);
        mkdirSync(join(path, ".."), { recursive: true });
        writeFileSync(path, text);
        utimesSync(path, past, past);
      }
    });

    it("sync of a folder with nested dirs and a unicode file name uploads every file; s3 ls --recursive lists exactly those keys", async () => {
      await s3().send(new CreateBucketCommand({ Bucket: SITE }));
      const out = await ok(["s3", "sync", site(), `s3://${SITE}/`, "--no-progress"]);
      const expected = Object.keys(SITE_FILES).sort();
      assert.deepEqual(uploads(out), expected.map((k) => `s3://${SITE}/${k}`));
      const ls = await ok(["s3", "ls", "--recursive", `s3://${SITE}/`]);
      assert.deepEqual(listedKeys(ls).sort(), expected);
      for (const [key, text] of Object.entries(SITE_FILES)) assert.equal((await sdkBytes(SITE, key)).toString(), text, key);
      const head = await s3().send(new HeadObjectCommand({ Bucket: SITE, Key: "index.html" }));
      assert.equal(head.ContentType, "text/html", "the CLI guesses the content type from the extension");
    });

    it("a second sync uploads nothing", async () => {
      const out = await ok(["s3", "sync", site(), `s3://${SITE}/`, "--no-progress"]);
      assert.deepEqual(uploads(out), [], out);
    });

    it("after one file changes, sync uploads only that file", async () => {
      const text = "spaces and unicode in the key, edited\n";
      writeFileSync(join(site(), UNICODE), text);
      const out = await ok(["s3", "sync", site(), `s3://${SITE}/`, "--no-progress"]);
      assert.deepEqual(uploads(out), [`s3://${SITE}/${UNICODE}`], out);
      assert.equal((await sdkBytes(SITE, UNICODE)).toString(), text);
    });
  });

  describe("aws s3api: bucket policy and website configuration", () => {
    const policy = {
      Version: "2012-10-17",
      // The website endpoint is anonymous: public read, and public listing so that a missing page
      // is the 404 error document rather than 403 (access.ts, website.ts).
      Statement: [
        { Sid: "PublicRead", Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: `arn:aws:s3:::${SITE}/*` },
        { Sid: "PublicList", Effect: "Allow", Principal: "*", Action: "s3:ListBucket", Resource: `arn:aws:s3:::${SITE}` },
      ],
    };
    const website: WebsiteConfiguration = {
      IndexDocument: { Suffix: "index.html" },
      ErrorDocument: { Key: "error.html" },
      RoutingRules: [{ Condition: { KeyPrefixEquals: "old/" }, Redirect: { ReplaceKeyPrefixWith: "new/" } }],
    };

    it("put-bucket-policy with a JSON policy file, then get-bucket-policy returns it", async () => {
      await api("put-bucket-policy", "--bucket", SITE, "--policy", `file://${tempFile(JSON.stringify(policy, null, 2), "policy.json")}`);
      const out = await api<GetBucketPolicyOutput>("get-bucket-policy", "--bucket", SITE);
      assert.deepEqual(JSON.parse(out.Policy ?? "null"), policy);
    });

    it("put-bucket-website, then get-bucket-website returns the index, error document and routing rules", async () => {
      await api("put-bucket-website", "--bucket", SITE, "--website-configuration", `file://${tempFile(JSON.stringify(website), "website.json")}`);
      const out = await api<GetBucketWebsiteOutput>("get-bucket-website", "--bucket", SITE);
      assert.deepEqual(out.IndexDocument, website.IndexDocument);
      assert.deepEqual(out.ErrorDocument, website.ErrorDocument);
      assert.deepEqual(out.RoutingRules, website.RoutingRules);
    });

    it("put-object --website-redirect-location stores the redirect", async () => {
      await api("put-object", "--bucket", SITE, "--key", "moved.html", "--website-redirect-location", "/other");
      const head = await s3().send(new HeadObjectCommand({ Bucket: SITE, Key: "moved.html" }));
      assert.equal(head.WebsiteRedirectLocation, "/other");
    });
  });

  describe("the S3 website endpoint over plain HTTP", () => {
    before(async () => {
      await s3().send(new CreateBucketCommand({ Bucket: PLAIN }));
    });

    /** A request to `http://<bucket>.s3-website.localhost:<port><path>`, sent to the emulator's address. */
    function web(bucket: string, path: string, opts: { method?: string; headers?: Record<string, string> } = {}): Promise<WebResponse> {
      const url = new URL(ctx.emu.s3Url);
      return new Promise((resolve, reject) => {
        const req = request(
          {
            host: url.hostname,
            port: url.port,
            method: opts.method ?? "GET",
            path,
            headers: { host: `${bucket}.s3-website.localhost:${ctx.emu.port}`, ...opts.headers },
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on("data", (c: Buffer) => chunks.push(c));
            res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }));
            res.on("error", reject);
          },
        );
        req.on("error", reject);
        req.end();
      });
    }

    it("/ serves index.html as text/html", async () => {
      const r = await web(SITE, "/");
      assert.equal(r.status, 200);
      assert.match(String(r.headers["content-type"]), /^text\/html/);
      assert.equal(r.body, "<html><body><h1>home</h1></body></html>\n");
      assert.equal(r.headers["etag"], `"${md5(Buffer.from(r.body))}"`);
    });

    it("/docs/ serves docs/index.html", async () => {
      const r = await web(SITE, "/docs/");
      assert.equal(r.status, 200);
      assert.equal(r.body, "<html><body><h1>docs</h1></body></html>\n");
    });

    it("/docs (no slash) redirects 302 to /docs/", async () => {
      const r = await web(SITE, "/docs");
      assert.equal(r.status, 302);
      assert.equal(r.headers["location"], "/docs/");
    });

    it("a key with spaces and unicode, percent-encoded in the path, is served", async () => {
      const r = await web(SITE, `/${encodeURI("docs/guide/café menu – ü.txt")}`);
      assert.equal(r.status, 200);
      assert.equal(r.body, "spaces and unicode in the key, edited\n");
    });

    it("a missing key serves error.html with status 404", async () => {
      const r = await web(SITE, "/no/such/page.html");
      assert.equal(r.status, 404);
      assert.match(String(r.headers["content-type"]), /^text\/html/);
      assert.equal(r.body, "<html><body><h1>not here</h1></body></html>\n");
    });

    it("an object with x-amz-website-redirect-location answers 301 to that location", async () => {
      const r = await web(SITE, "/moved.html");
      assert.equal(r.status, 301);
      assert.equal(r.headers["location"], "/other");
    });

    it("a KeyPrefixEquals routing rule redirects 301 with the prefix replaced, on the same host", async () => {
      const r = await web(SITE, "/old/page.html");
      assert.equal(r.status, 301);
      assert.equal(r.headers["location"], `http://${SITE}.s3-website.localhost:${ctx.emu.port}/new/page.html`);
    });

    it("a Range request answers 206 with the slice and its Content-Range", async () => {
      const r = await web(SITE, "/data/digits.txt", { headers: { range: "bytes=2-5" } });
      assert.equal(r.status, 206);
      assert.equal(r.body, "2345");
      assert.equal(r.headers["content-range"], "bytes 2-5/20");
      assert.equal(r.headers["content-length"], "4");
    });

    it("POST answers 405 Method Not Allowed", async () => {
      const r = await web(SITE, "/index.html", { method: "POST" });
      assert.equal(r.status, 405);
      assert.match(r.body, /MethodNotAllowed/);
    });

    it("a bucket without a website configuration answers 404 with an HTML page naming NoSuchWebsiteConfiguration", async () => {
      const r = await web(PLAIN, "/");
      assert.equal(r.status, 404);
      assert.match(String(r.headers["content-type"]), /^text\/html/);
      assert.match(r.body, /NoSuchWebsiteConfiguration/);
      assert.match(r.body, new RegExp(PLAIN));
    });
  });

  describe("aws s3: rm and rb", () => {
    it("s3 rb of a bucket that still has objects fails with BucketNotEmpty and keeps it", async () => {
      await fails("BucketNotEmpty", ["s3", "rb", `s3://${FILES}`]);
      const buckets = await s3().send(new ListBucketsCommand({}));
      assert.ok(buckets.Buckets?.some((b) => b.Name === FILES), "the bucket is still there");
    });

    it("s3 rm --recursive empties the bucket, then s3 rb removes it", async () => {
      const out = await ok(["s3", "rm", `s3://${FILES}`, "--recursive"]);
      const deleted = out
        .split("\n")
        .map((l) => /^delete: s3:\/\/[^/]+\/(.*)$/.exec(l.trim())?.[1])
        .filter((k): k is string => k !== undefined)
        .sort();
      assert.deepEqual(deleted, ["api/nested/beta.txt", "big.bin", "dir/hello.txt"]);
      const left = await s3().send(new ListObjectsV2Command({ Bucket: FILES }));
      assert.equal(left.KeyCount, 0);

      const rb = await ok(["s3", "rb", `s3://${FILES}`]);
      assert.match(rb, new RegExp(`remove_bucket: ${FILES}`));
      const buckets = await s3().send(new ListBucketsCommand({}));
      assert.ok(!buckets.Buckets?.some((b) => b.Name === FILES), "the bucket is gone");
    });
  });
});
