// Multipart uploads: Create, UploadPart, UploadPartCopy, Complete, Abort, ListParts,
// ListMultipartUploads (S3 API reference; limits from
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/qfacts.html: parts 1-10,000, every part but
// the last at least 5 MiB). The ETag of the result is the MD5 of the parts' binary MD5s plus
// `-<count>`; flexible checksums of the result are COMPOSITE (checksum of the part checksums).
// Races: an upload ends exactly once. Of an AbortMultipartUpload and a CompleteMultipartUpload in
// flight together, whichever commits first wins and the other answers NoSuchUpload (the
// AbortMultipartUpload reference page: a completed upload can no longer be aborted); a part that
// lands after the upload ended is dropped with NoSuchUpload too.
import type {
  AbortMultipartUploadOutput,
  AbortMultipartUploadRequest,
  CompleteMultipartUploadOutput,
  CompleteMultipartUploadRequest,
  CreateMultipartUploadOutput,
  CreateMultipartUploadRequest,
  ListMultipartUploadsOutput,
  ListMultipartUploadsRequest,
  ListPartsOutput,
  ListPartsRequest,
  UploadPartCopyOutput,
  UploadPartCopyRequest,
  UploadPartOutput,
  UploadPartRequest,
} from "@aws-sdk/client-s3";
import { createHash, randomBytes } from "node:crypto";
import type { Readable } from "node:stream";
import type { S3Context } from "../context.ts";
import type { ObjectMeta, UploadRecord } from "../storage.ts";
import { s3fail } from "../errors.ts";
import { messages } from "../messages.ts";
import { mustGetBucket } from "./buckets.ts";
import { checkConditionsAsPrecondition, checkKey, checksumMembers, metaFromRequest, mustGetObject, newVersionExtras, parseCopySource, s3Range, versionIdForWrite } from "./objects.ts";
import { etagMatches } from "../../../http/conditional.ts";
import { versionIdMember, versioningOf } from "./versioning.ts";
import { receiveBody } from "../upload-body.ts";
import { encryptionOutput } from "../encryption.ts";
import { createChecksum, parseChecksumAlgorithm, type ChecksumAlgorithm } from "../checksums.ts";

type Ctx = S3Context;

export const MIN_PART_BYTES = 5 * 1024 * 1024;
export const MAX_PARTS = 10000;
const MAX_PARTS_LISTED = 1000;

export function CreateMultipartUpload(input: CreateMultipartUploadRequest, ctx: Ctx): CreateMultipartUploadOutput {
  const bucket = mustGetBucket(ctx, input.Bucket);
  const key = checkKey(input.Key);
  const meta: ObjectMeta = { ...metaFromRequest(input, ctx.headers), ...newVersionExtras(bucket, input, ctx.service.clock.now()) };
  const alg = input.ChecksumAlgorithm ? parseChecksumAlgorithm(input.ChecksumAlgorithm) : undefined;
  if (input.ChecksumAlgorithm && !alg) s3fail("InvalidRequest", `Checksum algorithm ${input.ChecksumAlgorithm} is not supported.`);
  if (alg) meta.checksums = { [alg]: "" };
  const uploadId = randomBytes(24).toString("base64url");
  ctx.service.storage.createUpload({ uploadId, bucket: bucket.name, key, initiated: ctx.service.clock.now(), meta });
  return { Bucket: bucket.name, Key: key, UploadId: uploadId, ...(alg ? { ChecksumAlgorithm: alg, ChecksumType: "COMPOSITE" } : {}), ...encryptionOutput(meta) };
}

function mustGetUpload(ctx: Ctx, bucket: string | undefined, key: string | undefined, uploadId: string | undefined): UploadRecord {
  mustGetBucket(ctx, bucket);
  const upload = ctx.service.storage.getUpload(uploadId ?? "");
  if (!upload || upload.bucket !== bucket || upload.key !== key) s3fail("NoSuchUpload", messages.noSuchUpload, { UploadId: uploadId ?? "" });
  return upload;
}

function checkPartNumber(n: number | undefined): number {
  if (n === undefined || !Number.isInteger(n) || n < 1 || n > MAX_PARTS) s3fail("InvalidArgument", messages.invalidPartNumber, { ArgumentName: "partNumber" });
  return n;
}

export async function UploadPart(input: UploadPartRequest, ctx: Ctx): Promise<UploadPartOutput> {
  const body = input.Body as Readable;
  let upload: UploadRecord;
  let partNumber: number;
  try {
    upload = mustGetUpload(ctx, input.Bucket, input.Key, input.UploadId);
    partNumber = checkPartNumber(input.PartNumber);
  } catch (err) {
    body.resume();
    throw err;
  }
  const got = await receiveBody(ctx.service.storage, body, ctx.headers);
  const etag = `"${got.md5Hex}"`;
  const committed = await ctx.service.storage.commitPart({
    uploadId: upload.uploadId,
    partNumber,
    blob: got.blob,
    size: got.size,
    etag,
    lastModified: ctx.service.clock.now(),
    checksums: got.checksums,
  });
  // Aborted or completed while this part was in flight.
  if (!committed) s3fail("NoSuchUpload", messages.noSuchUpload, { UploadId: upload.uploadId });
  return { ETag: etag, ...checksumMembers({ checksums: got.checksums }) };
}

export async function UploadPartCopy(input: UploadPartCopyRequest, ctx: Ctx): Promise<UploadPartCopyOutput> {
  const upload = mustGetUpload(ctx, input.Bucket, input.Key, input.UploadId);
  const partNumber = checkPartNumber(input.PartNumber);
  const source = parseCopySource(input.CopySource ?? "");
  const src = mustGetObject(ctx, source.bucket, source.key, source.versionId);
  checkConditionsAsPrecondition(
    { IfMatch: input.CopySourceIfMatch, IfNoneMatch: input.CopySourceIfNoneMatch, IfModifiedSince: input.CopySourceIfModifiedSince, IfUnmodifiedSince: input.CopySourceIfUnmodifiedSince },
    src,
  );
  const range = input.CopySourceRange ? s3Range(input.CopySourceRange, src.size) : undefined;
  if (input.CopySourceRange && !range) s3fail("InvalidArgument", "The x-amz-copy-source-range value must be of the form bytes=first-last", { ArgumentName: "x-amz-copy-source-range" });
  const { storage, clock } = ctx.service;
  const md5 = createHash("md5");
  const written = await storage.writeBlob(storage.readBlob(src.blob, range), (c) => md5.update(c), { drain: false });
  const etag = `"${md5.digest("hex")}"`;
  const now = clock.now();
  const committed = await storage.commitPart({ uploadId: upload.uploadId, partNumber, blob: written.blob, size: written.size, etag, lastModified: now, checksums: {} });
  if (!committed) s3fail("NoSuchUpload", messages.noSuchUpload, { UploadId: upload.uploadId });
  return { CopyPartResult: { ETag: etag, LastModified: new Date(now) } };
}

export async function CompleteMultipartUpload(input: CompleteMultipartUploadRequest, ctx: Ctx): Promise<CompleteMultipartUploadOutput> {
  const upload = mustGetUpload(ctx, input.Bucket, input.Key, input.UploadId);
  const listed = input.MultipartUpload?.Parts ?? [];
  if (listed.length === 0) s3fail("MalformedXML", messages.malformedXml);
  const { storage, clock } = ctx.service;
  const stored = new Map(storage.listParts(upload.uploadId).map((p) => [p.partNumber, p]));
  // Order first, then each part's identity, then sizes, so the error names the first kind of
  // mistake in the whole list rather than the first part with any mistake.
  let previous = 0;
  for (const l of listed) {
    const n = l.PartNumber ?? 0;
    if (n <= previous) s3fail("InvalidPartOrder", messages.invalidPartOrder, { UploadId: upload.uploadId });
    previous = n;
  }
  const parts = listed.map((l) => {
    const part = stored.get(l.PartNumber ?? 0);
    if (!part || !l.ETag || !etagMatches(l.ETag, part.etag)) {
      s3fail("InvalidPart", messages.invalidPart, { UploadId: upload.uploadId, PartNumber: String(l.PartNumber), ETag: l.ETag ?? "" });
    }
    return part;
  });
  parts.forEach((part, i) => {
    if (i < parts.length - 1 && part.size < MIN_PART_BYTES) {
      s3fail("EntityTooSmall", messages.entityTooSmall, { UploadId: upload.uploadId, PartNumber: String(part.partNumber), ProposedSize: String(part.size), MinSizeAllowed: String(MIN_PART_BYTES) });
    }
  });

  const etagHash = createHash("md5");
  for (const p of parts) etagHash.update(Buffer.from(p.etag.replace(/"/g, ""), "hex"));
  const etag = `"${etagHash.digest("hex")}-${parts.length}"`;

  const meta: ObjectMeta = { ...upload.meta, partsCount: parts.length };
  delete meta.checksums;
  const alg = Object.keys(upload.meta.checksums ?? {})[0] as ChecksumAlgorithm | undefined;
  if (alg && parts.every((p) => p.checksums[alg])) {
    const composite = createChecksum(alg);
    for (const p of parts) composite.update(Buffer.from(p.checksums[alg] as string, "base64"));
    meta.checksums = { [alg]: `${composite.digest()}-${parts.length}` };
    meta.checksumType = "COMPOSITE";
  }
  // The parts stay readable even if an abort ends the upload meanwhile (storage.ts pins them);
  // finishUpload then tells which of the two came first.
  const written = await storage.concatBlobs(parts.map((p) => p.blob));
  const bucket = mustGetBucket(ctx, upload.bucket);
  const versionId = versionIdForWrite(bucket);
  const completed = await storage.finishUpload(
    upload.uploadId,
    { bucket: upload.bucket, key: upload.key, blob: written.blob, size: written.size, etag, lastModified: clock.now(), meta, versionId },
    versioningOf(bucket),
  );
  if (!completed) s3fail("NoSuchUpload", messages.noSuchUpload, { UploadId: upload.uploadId });
  return {
    Location: `${ctx.baseUrl}/${upload.bucket}/${encodeURI(upload.key)}`,
    Bucket: upload.bucket,
    Key: upload.key,
    ETag: etag,
    ...checksumMembers(meta),
    ...versionIdMember(bucket, versionId),
    ...encryptionOutput(meta),
  };
}

export async function AbortMultipartUpload(input: AbortMultipartUploadRequest, ctx: Ctx): Promise<AbortMultipartUploadOutput> {
  const upload = mustGetUpload(ctx, input.Bucket, input.Key, input.UploadId);
  if (!(await ctx.service.storage.finishUpload(upload.uploadId))) s3fail("NoSuchUpload", messages.noSuchUpload, { UploadId: upload.uploadId });
  return {};
}

export function ListParts(input: ListPartsRequest, ctx: Ctx): ListPartsOutput {
  const upload = mustGetUpload(ctx, input.Bucket, input.Key, input.UploadId);
  const marker = Number(input.PartNumberMarker ?? 0);
  const max = Math.min(input.MaxParts ?? MAX_PARTS_LISTED, MAX_PARTS_LISTED);
  const all = ctx.service.storage.listParts(upload.uploadId).filter((p) => p.partNumber > marker);
  const page = all.slice(0, max);
  const truncated = all.length > page.length;
  return {
    Bucket: upload.bucket,
    Key: upload.key,
    UploadId: upload.uploadId,
    PartNumberMarker: input.PartNumberMarker ?? "0",
    ...(truncated ? { NextPartNumberMarker: String(page[page.length - 1]?.partNumber) } : {}),
    MaxParts: max,
    IsTruncated: truncated,
    Parts: page.map((p) => ({ PartNumber: p.partNumber, LastModified: new Date(p.lastModified), ETag: p.etag, Size: p.size, ...checksumMembers({ checksums: p.checksums }) })),
    Initiator: { ID: ctx.service.owner.ID, DisplayName: ctx.service.owner.DisplayName },
    Owner: ctx.service.owner,
    StorageClass: "STANDARD",
  };
}

export function ListMultipartUploads(input: ListMultipartUploadsRequest, ctx: Ctx): ListMultipartUploadsOutput {
  const bucket = mustGetBucket(ctx, input.Bucket);
  const prefix = input.Prefix ?? "";
  const max = Math.min(input.MaxUploads ?? MAX_PARTS_LISTED, MAX_PARTS_LISTED);
  const all = ctx.service.storage
    .listUploads(bucket.name)
    .filter((u) => u.key.startsWith(prefix) && (!input.KeyMarker || u.key > input.KeyMarker || (u.key === input.KeyMarker && !!input.UploadIdMarker && u.uploadId > input.UploadIdMarker)));
  const page = all.slice(0, max);
  const last = page[page.length - 1];
  const truncated = all.length > page.length;
  return {
    Bucket: bucket.name,
    KeyMarker: input.KeyMarker ?? "",
    UploadIdMarker: input.UploadIdMarker ?? "",
    ...(truncated && last ? { NextKeyMarker: last.key, NextUploadIdMarker: last.uploadId } : {}),
    MaxUploads: max,
    IsTruncated: truncated,
    Prefix: prefix,
    ...(page.length > 0
      ? {
          Uploads: page.map((u) => ({
            UploadId: u.uploadId,
            Key: u.key,
            Initiated: new Date(u.initiated),
            StorageClass: "STANDARD" as const,
            Owner: ctx.service.owner,
            Initiator: { ID: ctx.service.owner.ID, DisplayName: ctx.service.owner.DisplayName },
          })),
        }
      : {}),
  };
}
