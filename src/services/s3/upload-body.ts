// Receiving an object body (PutObject, UploadPart): undo the aws-chunked framing the SDK and CLI
// use, stream to a blob while computing MD5 (the ETag) and the requested flexible checksums, then
// check what the client declared: Content-MD5, x-amz-decoded-content-length, and the checksum
// header or trailer. A mismatch removes the blob and fails with S3's error; nothing is visible.
import type { IncomingHttpHeaders } from "node:http";
import type { Readable } from "node:stream";
import { createHash } from "node:crypto";
import { AwsChunkedDecoder, AwsChunkedError, declaredTrailers, decodedLength, isAwsChunked } from "./aws-chunked.ts";
import { algorithmFromHeader, checksumHeaderName, createChecksum, parseChecksumAlgorithm, type ChecksumAlgorithm, type Checksum } from "./checksums.ts";
import type { S3Storage } from "./storage.ts";
import { s3fail } from "./errors.ts";
import { ServiceError } from "../../api/errors.ts";

export interface ReceivedBody {
  readonly blob: string;
  readonly size: number;
  readonly md5Hex: string;
  /** Base64 checksums by algorithm, for every algorithm the client asked for or sent. */
  readonly checksums: Partial<Record<ChecksumAlgorithm, string>>;
}

/** S3's single PUT limit (5 GiB). */
export const MAX_SINGLE_PUT_BYTES = 5 * 1024 ** 3;

export async function receiveBody(storage: S3Storage, body: Readable, headers: IncomingHttpHeaders): Promise<ReceivedBody> {
  const chunked = isAwsChunked(headers);
  const declared = chunked ? decodedLength(headers) : headerNumber(headers["content-length"]);
  if (declared !== undefined && declared > MAX_SINGLE_PUT_BYTES) {
    body.resume();
    s3fail("EntityTooLarge", "Your proposed upload exceeds the maximum allowed size.", { ProposedSize: String(declared), MaxSizeAllowed: String(MAX_SINGLE_PUT_BYTES) });
  }
  const algorithms = requestedAlgorithms(headers);
  const sums = new Map<ChecksumAlgorithm, Checksum>(algorithms.map((a) => [a, createChecksum(a)]));
  const md5 = createHash("md5");
  let source: Readable = body;
  let decoder: AwsChunkedDecoder | undefined;
  if (chunked) {
    decoder = new AwsChunkedDecoder();
    body.on("error", (err) => decoder?.destroy(err));
    source = body.pipe(decoder);
  }
  let written;
  try {
    written = await storage.writeBlob(source, (chunk) => {
      md5.update(chunk);
      for (const s of sums.values()) s.update(chunk);
    });
  } catch (err) {
    if (err instanceof AwsChunkedError) s3fail(err.code === "IncompleteBody" ? "IncompleteBody" : "InvalidRequest", err.message);
    if ((err as NodeJS.ErrnoException).code === "ECONNRESET" || (err as Error).message === "aborted") {
      s3fail("IncompleteBody", "You did not provide the number of bytes specified by the Content-Length HTTP header.");
    }
    throw err;
  }
  const result: ReceivedBody = {
    blob: written.blob,
    size: written.size,
    md5Hex: md5.digest("hex"),
    checksums: Object.fromEntries([...sums].map(([a, s]) => [a, s.digest()])),
  };
  try {
    verify(result, headers, decoder?.trailers ?? {}, declared);
  } catch (err) {
    await storage.unlinkBlobs([written.blob]);
    throw err;
  }
  return result;
}

/** Algorithms to compute: the one the SDK names, any sent as a header, any announced as a trailer. */
function requestedAlgorithms(headers: IncomingHttpHeaders): ChecksumAlgorithm[] {
  const out = new Set<ChecksumAlgorithm>();
  const named = headers["x-amz-sdk-checksum-algorithm"] ?? headers["x-amz-checksum-algorithm"];
  if (typeof named === "string") {
    const alg = parseChecksumAlgorithm(named);
    if (!alg) s3fail("InvalidRequest", `Checksum algorithm ${named} is not supported.`);
    out.add(alg);
  }
  for (const name of [...Object.keys(headers), ...declaredTrailers(headers)]) {
    const alg = algorithmFromHeader(name);
    if (alg) out.add(alg);
  }
  return [...out];
}

function verify(got: ReceivedBody, headers: IncomingHttpHeaders, trailers: Record<string, string>, declared: number | undefined): void {
  if (declared !== undefined && declared !== got.size) {
    s3fail("IncompleteBody", "You did not provide the number of bytes specified by the Content-Length HTTP header.");
  }
  const contentMd5 = headers["content-md5"];
  if (typeof contentMd5 === "string") {
    if (!/^[A-Za-z0-9+/]{22}==$/.test(contentMd5)) s3fail("InvalidDigest", "The Content-MD5 you specified was invalid.");
    if (Buffer.from(contentMd5, "base64").toString("hex") !== got.md5Hex) {
      s3fail("BadDigest", "The Content-MD5 you specified did not match what we received.");
    }
  }
  for (const [alg, actual] of Object.entries(got.checksums) as Array<[ChecksumAlgorithm, string]>) {
    const name = checksumHeaderName(alg);
    const expected = headerString(headers[name]) ?? trailers[name];
    if (expected !== undefined && expected !== actual) {
      throw new ServiceError("BadDigest", `The ${alg} you specified did not match the calculated checksum.`);
    }
  }
}

function headerNumber(value: string | undefined): number | undefined {
  return value !== undefined && /^\d+$/.test(value) ? Number(value) : undefined;
}

function headerString(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
