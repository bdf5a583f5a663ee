// Origin addressing (issue 3): an S3 origin's DomainName reaches the embedded S3, or an external
// S3 given with --s3-endpoint. Here a second minifront plays the external S3 (LocalStack or MinIO
// would sit in its place).
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { S3Client, CreateBucketCommand, PutObjectCommand, PutBucketPolicyCommand, PutBucketWebsiteCommand } from "@aws-sdk/client-s3";
import type { IncomingMessage } from "node:http";
import { startEmulator, type Emulator } from "../../src/index.ts";
import { CREDENTIALS } from "../helpers/emulator.ts";
import { parseS3OriginDomain, requestS3Origin, resolveS3Origin } from "../../src/services/s3/origin-address.ts";

function s3(emu: Emulator): S3Client {
  return new S3Client({ region: "us-east-1", endpoint: emu.s3Url, forcePathStyle: true, credentials: CREDENTIALS, maxAttempts: 1 });
}

async function text(res: IncomingMessage): Promise<string> {
  let out = "";
  for await (const chunk of res) out += String(chunk);
  return out;
}

function originOf(emu: Emulator, domain: string) {
  const name = parseS3OriginDomain(domain);
  assert.ok(name, `${domain} is an S3 origin`);
  return resolveS3Origin(name, {
    embedded: { hostname: "127.0.0.1", port: emu.port },
    external: emu.options.s3Endpoint ? new URL(emu.options.s3Endpoint) : undefined,
  });
}

/**
 * The origin requests here are anonymous (no OAC), so the buckets are public, with s3:ListBucket
 * so that a missing key is 404 rather than 403 (GetObject API reference; access.ts).
 */
const PUBLIC_POLICY = JSON.stringify({
  Version: "2012-10-17",
  Statement: [
    { Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::shared/*" },
    { Effect: "Allow", Principal: "*", Action: "s3:ListBucket", Resource: "arn:aws:s3:::shared" },
  ],
});

describe("S3 origin addressing", () => {
  let upstream: Emulator;
  let front: Emulator;
  before(async () => {
    upstream = await startEmulator({ port: 0, ephemeral: true, logLevel: "warn" });
    front = await startEmulator({ port: 0, ephemeral: true, logLevel: "warn", s3Endpoint: upstream.s3Url });
    for (const [emu, body] of [[upstream, "from the upstream S3"], [front, "from the embedded S3"]] as const) {
      await s3(emu).send(new CreateBucketCommand({ Bucket: "shared" }));
      await s3(emu).send(new PutObjectCommand({ Bucket: "shared", Key: "dir/hello.txt", Body: body, ContentType: "text/plain" }));
      await s3(emu).send(new PutObjectCommand({ Bucket: "shared", Key: "index.html", Body: `<h1>${body}</h1>`, ContentType: "text/html" }));
      await s3(emu).send(new PutBucketWebsiteCommand({ Bucket: "shared", WebsiteConfiguration: { IndexDocument: { Suffix: "index.html" } } }));
      await s3(emu).send(new PutBucketPolicyCommand({ Bucket: "shared", Policy: PUBLIC_POLICY }));
    }
  });
  after(async () => {
    await front?.dispose();
    await upstream?.dispose();
  });

  it("serves a REST origin from the embedded S3 when no --s3-endpoint is set", async () => {
    const res = await requestS3Origin(originOf(upstream, "shared.s3.amazonaws.com"), "GET", "/dir/hello.txt");
    assert.equal(res.statusCode, 200);
    assert.equal(await text(res), "from the upstream S3");
  });

  it("serves a REST origin from the external S3 when --s3-endpoint is set", async () => {
    const res = await requestS3Origin(originOf(front, "shared.s3.us-east-1.amazonaws.com"), "GET", "/dir/hello.txt");
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers["content-type"], "text/plain");
    assert.equal(await text(res), "from the upstream S3");
  });

  it("serves the tutorial's LocalStack-style origin name the same way", async () => {
    const res = await requestS3Origin(originOf(front, "shared.s3.localhost.localstack.cloud"), "GET", "/dir/hello.txt");
    assert.equal(await text(res), "from the upstream S3");
  });

  it("serves a website origin (index document) from the external S3", async () => {
    const res = await requestS3Origin(originOf(front, "shared.s3-website-us-east-1.amazonaws.com"), "GET", "/");
    assert.equal(res.statusCode, 200);
    assert.equal(await text(res), "<h1>from the upstream S3</h1>");
  });

  it("reports a missing key as S3 does (404 NoSuchKey)", async () => {
    const res = await requestS3Origin(originOf(front, "shared.s3.amazonaws.com"), "GET", "/nope.txt");
    assert.equal(res.statusCode, 404);
    assert.match(await text(res), /<Code>NoSuchKey<\/Code>/);
  });
});
