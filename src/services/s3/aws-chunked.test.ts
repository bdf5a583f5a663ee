import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import {
  AwsChunkedDecoder,
  AwsChunkedError,
  decodedLength,
  declaredTrailers,
  isAwsChunked,
  remainingContentEncoding,
} from "./aws-chunked.ts";
import type { AwsChunkedErrorCode } from "./aws-chunked.ts";
import { checksumHeaderName, createChecksum } from "./checksums.ts";
import type { ChecksumAlgorithm } from "./checksums.ts";
import { prng, randomBuffer } from "../../../test/helpers/random.ts";

const SIG = "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648";

interface EncodeOptions {
  chunkSizes: number[]; // payload split; the zero chunk is added
  signed?: boolean;
  trailers?: Array<[string, string]>;
  trailerSignature?: boolean;
}

/** Builds an aws-chunked body the way the SDKs and the docs' examples lay it out. */
function encode(payload: Buffer, opts: EncodeOptions): Buffer {
  const ext = opts.signed ? `;chunk-signature=${SIG}` : "";
  const parts: Buffer[] = [];
  let pos = 0;
  for (const size of opts.chunkSizes) {
    parts.push(Buffer.from(`${size.toString(16)}${ext}\r\n`), payload.subarray(pos, pos + size), Buffer.from("\r\n"));
    pos += size;
  }
  assert.equal(pos, payload.length, "chunkSizes must cover the payload");
  let tail = `0${ext}\r\n`;
  for (const [name, value] of opts.trailers ?? []) tail += `${name}:${value}\r\n`;
  if (opts.trailerSignature) tail += `x-amz-trailer-signature:${SIG}\r\n`;
  parts.push(Buffer.from(`${tail}\r\n`));
  return Buffer.concat(parts);
}

interface Decoded {
  payload: Buffer;
  trailers: Record<string, string>;
  decodedBytes: number;
}

async function decode(pieces: Uint8Array[]): Promise<Decoded> {
  const decoder = new AwsChunkedDecoder();
  const out: Buffer[] = [];
  await pipeline(Readable.from(pieces, { objectMode: false }), decoder, async (source: AsyncIterable<Buffer>) => {
    for await (const chunk of source) out.push(chunk);
  });
  return { payload: Buffer.concat(out), trailers: decoder.trailers, decodedBytes: decoder.decodedBytes };
}

function splitAt(buf: Buffer, ...cuts: number[]): Buffer[] {
  const pieces: Buffer[] = [];
  let prev = 0;
  for (const cut of [...cuts, buf.length]) {
    if (cut > prev) pieces.push(buf.subarray(prev, cut));
    prev = cut;
  }
  return pieces;
}

async function assertRejects(pieces: Uint8Array[], code: AwsChunkedErrorCode, what: string): Promise<void> {
  await assert.rejects(decode(pieces), (err: unknown) => {
    assert.ok(err instanceof AwsChunkedError, `${what}: expected AwsChunkedError, got ${String(err)}`);
    assert.equal(err.code, code, `${what}: ${err.message}`);
    return true;
  });
}

const small = Buffer.from("hello, aws-chunked world");
const smallTrailers: Array<[string, string]> = [
  ["x-amz-checksum-crc32", "ExQ1dQ=="],
  ["X-Amz-Meta-Extra", " spaced value "],
];

describe("AwsChunkedDecoder: well-formed bodies", () => {
  it("decodes an unsigned body with one trailer (the SDK's STREAMING-UNSIGNED-PAYLOAD-TRAILER layout)", async () => {
    const body = encode(small, { chunkSizes: [10, 14], trailers: [["x-amz-checksum-crc32", "ExQ1dQ=="]] });
    const got = await decode([body]);
    assert.deepEqual(got.payload, small);
    assert.deepEqual(got.trailers, { "x-amz-checksum-crc32": "ExQ1dQ==" });
    assert.equal(got.decodedBytes, small.length);
  });

  it("decodes a signed body without trailers (STREAMING-AWS4-HMAC-SHA256-PAYLOAD)", async () => {
    const got = await decode([encode(small, { chunkSizes: [small.length], signed: true })]);
    assert.deepEqual(got.payload, small);
    assert.deepEqual(got.trailers, {});
  });

  it("decodes signed chunks, several trailers and a trailer signature; names are lower-cased, values trimmed", async () => {
    const body = encode(small, { chunkSizes: [1, 2, 21], signed: true, trailers: smallTrailers, trailerSignature: true });
    const got = await decode([body]);
    assert.deepEqual(got.payload, small);
    assert.deepEqual(got.trailers, {
      "x-amz-checksum-crc32": "ExQ1dQ==",
      "x-amz-meta-extra": "spaced value",
      "x-amz-trailer-signature": SIG,
    });
  });

  it("decodes an empty payload", async () => {
    const got = await decode([Buffer.from("0\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n")]);
    assert.equal(got.payload.length, 0);
    assert.deepEqual(got.trailers, { "x-amz-checksum-crc32": "AAAAAA==" });
  });

  it("accepts upper-case hex sizes and arbitrary chunk extensions", async () => {
    const payload = Buffer.alloc(0x1a, 0x61);
    const got = await decode([Buffer.from(`1A;chunk-signature=x;other=y\r\n${payload.toString()}\r\n0;foo\r\n\r\n`)]);
    assert.deepEqual(got.payload, payload);
  });

  it("accepts a body that stops right after the zero-size chunk line", async () => {
    // What the SDK's encoder emits when it has no checksum to append.
    const got = await decode([Buffer.from("5\r\nhello\r\n0\r\n")]);
    assert.equal(got.payload.toString(), "hello");
    assert.deepEqual(got.trailers, {});
  });

  it("keeps a trailer named __proto__ as plain data", async () => {
    const got = await decode([Buffer.from("0\r\n__proto__:x\r\n\r\n")]);
    assert.equal(Object.getPrototypeOf(got.trailers), Object.prototype);
    assert.ok(Object.hasOwn(got.trailers, "__proto__"));
  });

  it("exposes trailers only once the terminating empty line was read", async () => {
    const decoder = new AwsChunkedDecoder();
    decoder.resume();
    decoder.write(Buffer.from("0\r\nx-amz-checksum-crc32:AAAAAA==\r\n"));
    assert.deepEqual(decoder.trailers, {});
    decoder.end(Buffer.from("\r\n"));
    await new Promise((resolve) => decoder.on("end", resolve));
    assert.deepEqual(decoder.trailers, { "x-amz-checksum-crc32": "AAAAAA==" });
  });

  it("passes data through as it arrives instead of waiting for the whole chunk", () => {
    const decoder = new AwsChunkedDecoder();
    decoder.write(Buffer.from("3e8;chunk-signature=abc\r\n0123456789"));
    assert.equal(String(decoder.read()), "0123456789");
    decoder.write(Buffer.from("abc"));
    assert.equal(String(decoder.read()), "abc");
    decoder.destroy();
  });
});

describe("AwsChunkedDecoder: arbitrary input splits", () => {
  const bodies: Array<[string, Buffer]> = [
    ["signed with trailers", encode(small, { chunkSizes: [7, 17], signed: true, trailers: smallTrailers, trailerSignature: true })],
    ["unsigned with one trailer", encode(small, { chunkSizes: [small.length], trailers: [["x-amz-checksum-crc64nvme", "rosUhgp5mIg="]] })],
    ["unsigned without trailers", encode(small, { chunkSizes: [3, 3, 18] })],
  ];

  for (const [name, body] of bodies) {
    it(`${name}: every single split point, and one byte at a time`, async () => {
      const whole = await decode([body]);
      assert.deepEqual(whole.payload, small);
      for (let cut = 1; cut < body.length; cut++) {
        const got = await decode(splitAt(body, cut));
        assert.deepEqual(got.payload, small, `cut at ${cut}`);
        assert.deepEqual(got.trailers, whole.trailers, `cut at ${cut}`);
      }
      const bytes = [...body].map((b) => Uint8Array.of(b));
      const got = await decode(bytes);
      assert.deepEqual(got.payload, small);
      assert.deepEqual(got.trailers, whole.trailers);
    });
  }

  it("a short signed body with trailers: every pair of split points", async () => {
    // Short signatures keep the body near 100 bytes, so all ~5000 pairs stay fast.
    const body = Buffer.from("4;chunk-signature=ab\r\nhell\r\n7;chunk-signature=cd\r\no world\r\n0;chunk-signature=ef\r\nx-amz-checksum-crc32:DUoRhQ==\r\nX-Amz-Meta-A: b \r\nx-amz-trailer-signature:12\r\n\r\n");
    const trailers = { "x-amz-checksum-crc32": "DUoRhQ==", "x-amz-meta-a": "b", "x-amz-trailer-signature": "12" };
    for (let a = 1; a < body.length; a++) {
      for (let b = a + 1; b < body.length; b++) {
        const got = await decode(splitAt(body, a, b));
        assert.equal(got.payload.toString(), "hello world", `cuts at ${a},${b}`);
        assert.deepEqual(got.trailers, trailers, `cuts at ${a},${b}`);
      }
    }
  });

  it("a multi-megabyte body in random pieces, with a CRC32 trailer that matches", async () => {
    for (const seed of [1, 2, 3]) {
      const rand = prng(seed);
      const payload = randomBuffer(rand, 5 * 1024 * 1024 + Math.floor(rand() * 1000));
      const sizes: number[] = [];
      for (let left = payload.length; left > 0; ) {
        const size = Math.min(left, 1 + Math.floor(rand() * 200_000));
        sizes.push(size);
        left -= size;
      }
      const crc = createChecksum("CRC32");
      crc.update(payload);
      const body = encode(payload, { chunkSizes: sizes, signed: seed % 2 === 0, trailers: [["x-amz-checksum-crc32", crc.digest()]] });
      const pieces: Buffer[] = [];
      for (let pos = 0; pos < body.length; ) {
        // Mostly small pieces so that cuts land inside headers and CRLFs too.
        const n = rand() < 0.5 ? 1 + Math.floor(rand() * 8) : 1 + Math.floor(rand() * 100_000);
        pieces.push(body.subarray(pos, pos + n));
        pos += n;
      }
      const got = await decode(pieces);
      assert.ok(got.payload.equals(payload), `seed ${seed}`);
      assert.equal(got.decodedBytes, payload.length);
      const check = createChecksum("CRC32");
      check.update(got.payload);
      assert.equal(got.trailers["x-amz-checksum-crc32"], check.digest(), `seed ${seed}`);
    }
  });
});

describe("AwsChunkedDecoder: malformed bodies", () => {
  it("fails every truncation with IncompleteBody, raised at end of input", async () => {
    const body = encode(small, { chunkSizes: [7, 17], signed: true, trailers: smallTrailers, trailerSignature: true });
    const zeroLineEnd = body.indexOf(`0;chunk-signature=${SIG}\r\n`) + `0;chunk-signature=${SIG}\r\n`.length;
    for (let len = 0; len < body.length; len++) {
      if (len === zeroLineEnd) continue; // accepted on purpose, see "stops right after the zero-size chunk line"
      await assertRejects([body.subarray(0, len)], "IncompleteBody", `truncated to ${len} bytes`);
    }
  });

  it("raises the truncation error from _flush, after the received payload was emitted", async () => {
    const decoder = new AwsChunkedDecoder();
    const seen: string[] = [];
    decoder.on("data", (c: Buffer) => seen.push(c.toString()));
    const failed = new Promise<unknown>((resolve) => decoder.on("error", resolve));
    decoder.write(Buffer.from("a\r\nhello"));
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(seen, ["hello"]);
    decoder.end();
    const err = await failed;
    assert.ok(err instanceof AwsChunkedError);
    assert.equal(err.code, "IncompleteBody");
  });

  const cases: Array<[string, string, AwsChunkedErrorCode]> = [
    ["a non-hex size", "zz\r\nhello\r\n0\r\n\r\n", "InvalidChunkSizeError"],
    ["an empty size line", "\r\nhello\r\n0\r\n\r\n", "InvalidChunkSizeError"],
    ["a 0x-prefixed size", "0x5\r\nhello\r\n0\r\n\r\n", "InvalidChunkSizeError"],
    ["a space before the size", " 5\r\nhello\r\n0\r\n\r\n", "InvalidChunkSizeError"],
    ["a negative size", "-5\r\nhello\r\n0\r\n\r\n", "InvalidChunkSizeError"],
    ["a 17-digit size", "10000000000000000\r\nx\r\n", "InvalidChunkSizeError"],
    ["a size beyond 2^53", "ffffffffffffffff\r\nx\r\n", "InvalidChunkSizeError"],
    ["a size line ending in a bare LF", "5\nhello\r\n0\r\n\r\n", "InvalidChunkSizeError"],
    ["data longer than its size", "3\r\nhello\r\n0\r\n\r\n", "InvalidChunkSizeError"],
    ["data shorter than its size", "7\r\nhello\r\n0\r\n\r\n", "InvalidChunkSizeError"],
    ["data followed by LF only", "5\r\nhello\n0\r\n\r\n", "InvalidChunkSizeError"],
    ["data followed by CR and no LF", "5\r\nhello\r0\r\n\r\n", "InvalidChunkSizeError"],
    ["data followed by CR and another byte", "5\r\nhello\rx0\r\n\r\n", "InvalidChunkSizeError"],
    ["a trailer without a colon", "0\r\nx-amz-checksum-crc32\r\n\r\n", "MalformedTrailerError"],
    ["a trailer with an empty name", "0\r\n:AAAAAA==\r\n\r\n", "MalformedTrailerError"],
    ["a trailer name with a space", "0\r\nx amz:1\r\n\r\n", "MalformedTrailerError"],
    ["a trailer ending in a bare LF", "0\r\nx-amz-checksum-crc32:AAAAAA==\n\r\n", "MalformedTrailerError"],
    ["the same trailer twice", "0\r\nx-a:1\r\nX-A:2\r\n\r\n", "MalformedTrailerError"],
    ["bytes after the closing empty line", "0\r\n\r\nextra", "MalformedTrailerError"],
    ["a second body after the first", "0\r\n\r\n0\r\n\r\n", "MalformedTrailerError"],
  ];
  for (const [what, body, code] of cases) {
    it(`rejects ${what} with ${code}`, async () => {
      await assertRejects([Buffer.from(body, "latin1")], code, what);
    });
  }

  it("rejects an endless size line without buffering it", async () => {
    const decoder = new AwsChunkedDecoder();
    const failed = new Promise<unknown>((resolve) => decoder.on("error", resolve));
    // No LF ever arrives; the decoder must give up after a bounded amount.
    for (let i = 0; i < 10 && !decoder.destroyed; i++) decoder.write(Buffer.alloc(1024, 0x31));
    const err = await failed;
    assert.ok(err instanceof AwsChunkedError);
    assert.equal(err.code, "InvalidChunkSizeError");
  });

  it("rejects an oversized trailer section", async () => {
    const trailers: Array<[string, string]> = [];
    for (let i = 0; i < 100; i++) trailers.push([`x-amz-meta-t${i}`, "v".repeat(200)]);
    await assertRejects([encode(small, { chunkSizes: [small.length], trailers })], "MalformedTrailerError", "oversized trailers");
  });
});

describe("aws-chunked request headers", () => {
  it("recognises aws-chunked by content-encoding or by a STREAMING-* payload hash", () => {
    assert.equal(isAwsChunked({ "content-encoding": "aws-chunked" }), true);
    assert.equal(isAwsChunked({ "content-encoding": "gzip, AWS-Chunked" }), true);
    assert.equal(isAwsChunked({ "Content-Encoding": "aws-chunked" }), true);
    assert.equal(isAwsChunked({ "content-encoding": ["gzip", "aws-chunked"] }), true);
    for (const hash of [
      "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
      "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
      "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER",
      "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD",
      "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER",
    ]) {
      assert.equal(isAwsChunked({ "x-amz-content-sha256": hash }), true, hash);
    }
    assert.equal(isAwsChunked({ "content-encoding": "gzip", "x-amz-content-sha256": "UNSIGNED-PAYLOAD" }), false);
    assert.equal(isAwsChunked({ "content-encoding": "not-aws-chunked" }), false);
    assert.equal(isAwsChunked({}), false);
  });

  it("reads x-amz-decoded-content-length", () => {
    assert.equal(decodedLength({ "x-amz-decoded-content-length": "204800" }), 204800);
    assert.equal(decodedLength({ "x-amz-decoded-content-length": "0" }), 0);
    assert.equal(decodedLength({}), undefined);
    assert.equal(decodedLength({ "x-amz-decoded-content-length": "-1" }), undefined);
    assert.equal(decodedLength({ "x-amz-decoded-content-length": "12abc" }), undefined);
    assert.equal(decodedLength({ "x-amz-decoded-content-length": "99999999999999999999" }), undefined);
  });

  it("strips aws-chunked from the stored content-encoding", () => {
    assert.equal(remainingContentEncoding({ "content-encoding": "aws-chunked" }), undefined);
    assert.equal(remainingContentEncoding({ "content-encoding": "aws-chunked,gzip" }), "gzip");
    assert.equal(remainingContentEncoding({ "content-encoding": "gzip, aws-chunked, br" }), "gzip,br");
    assert.equal(remainingContentEncoding({}), undefined);
  });

  it("lists the declared trailers", () => {
    assert.deepEqual(declaredTrailers({ "x-amz-trailer": "x-amz-checksum-crc32" }), ["x-amz-checksum-crc32"]);
    assert.deepEqual(declaredTrailers({ "x-amz-trailer": "X-Amz-Checksum-CRC32C, x-amz-meta-a" }), ["x-amz-checksum-crc32c", "x-amz-meta-a"]);
    assert.deepEqual(declaredTrailers({}), []);
  });
});

describe("aws-chunked as sent by @aws-sdk/client-s3", () => {
  interface Captured {
    headers: Record<string, string | string[] | undefined>;
    body: Buffer;
  }

  async function capturePut(payload: Buffer, pieces: number[], algorithm: ChecksumAlgorithm | undefined): Promise<Captured> {
    const captured: Captured[] = [];
    const server = createServer((req, res) => {
      const parts: Buffer[] = [];
      req.on("data", (c: Buffer) => parts.push(c));
      req.on("end", () => {
        captured.push({ headers: req.headers, body: Buffer.concat(parts) });
        res.writeHead(200, { ETag: '"0123456789abcdef0123456789abcdef"' });
        res.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    const client = new S3Client({
      region: "us-east-1",
      endpoint: `http://127.0.0.1:${port}`,
      forcePathStyle: true,
      credentials: { accessKeyId: "test", secretAccessKey: "test" },
    });
    try {
      const chunks: Buffer[] = [];
      let pos = 0;
      for (const n of pieces) {
        chunks.push(payload.subarray(pos, pos + n));
        pos += n;
      }
      const out = await client.send(
        new PutObjectCommand({
          Bucket: "bucket",
          Key: "key",
          Body: Readable.from(chunks),
          ContentLength: payload.length,
          ...(algorithm === undefined ? {} : { ChecksumAlgorithm: algorithm }),
        }),
      );
      assert.equal(out.ETag, '"0123456789abcdef0123456789abcdef"');
    } finally {
      client.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
    assert.equal(captured.length, 1);
    return captured[0]!;
  }

  const payload = randomBuffer(prng(42), 200 * 1024 + 3);
  // Uneven pieces, including one far below S3's 8 KiB minimum chunk size.
  const pieces = [70_000, 5, 65_536, payload.length - 70_000 - 5 - 65_536];

  it("default settings: a stream body goes out aws-chunked with a CRC32 trailer that the decoder reads back", async () => {
    const req = await capturePut(payload, pieces, undefined);
    assert.equal(req.headers["content-encoding"], "aws-chunked");
    assert.equal(req.headers["x-amz-content-sha256"], "STREAMING-UNSIGNED-PAYLOAD-TRAILER");
    assert.equal(req.headers["x-amz-trailer"], "x-amz-checksum-crc32");
    assert.equal(req.headers["x-amz-decoded-content-length"], String(payload.length));
    assert.equal(req.headers["content-length"], undefined, "the SDK streams with transfer-encoding: chunked");
    assert.equal(isAwsChunked(req.headers), true);
    assert.equal(decodedLength(req.headers), payload.length);
    assert.equal(remainingContentEncoding(req.headers), undefined);

    // The SDK frames each piece of its input stream as one chunk, without re-buffering, so chunks
    // can be far smaller than the 8 KiB S3 demands; the decoder must not enforce that minimum.
    const sizes: number[] = [];
    for (let off = 0; ; ) {
      const eol = req.body.indexOf("\r\n", off);
      const size = parseInt(req.body.toString("latin1", off, eol), 16);
      sizes.push(size);
      if (size === 0) break;
      off = eol + 2 + size + 2;
    }
    assert.deepEqual(sizes, [...pieces, 0]);
    const crc = createChecksum("CRC32");
    crc.update(payload);
    assert.ok(req.body.toString("latin1").endsWith(`\r\n0\r\nx-amz-checksum-crc32:${crc.digest()}\r\n\r\n`));

    const got = await decode([req.body]);
    assert.ok(got.payload.equals(payload));
    assert.deepEqual(got.trailers, { "x-amz-checksum-crc32": crc.digest() });
    assert.deepEqual(Object.keys(got.trailers), declaredTrailers(req.headers));
  });

  for (const alg of ["CRC32C", "CRC64NVME", "SHA1", "SHA256"] as const) {
    it(`ChecksumAlgorithm ${alg}: the trailer matches createChecksum`, async () => {
      const req = await capturePut(payload, pieces, alg);
      assert.equal(req.headers["x-amz-trailer"], checksumHeaderName(alg));
      const got = await decode(splitAt(req.body, 1, 8, 9, 70_010));
      assert.ok(got.payload.equals(payload));
      const sum = createChecksum(alg);
      sum.update(payload);
      assert.deepEqual(got.trailers, { [checksumHeaderName(alg)]: sum.digest() });
    });
  }
});
