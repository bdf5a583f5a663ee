// Object annotations: Put/Get/DeleteObjectAnnotation and ListObjectAnnotations (API reference of
// each; user guide "Annotating objects"): named payloads of 1 byte to 1 MiB on one object version,
// at most 1,000 per version, names of 1 to 512 bytes; a put with the name of an existing annotation
// replaces it; `x-amz-object-if-match` makes a put conditional on the object's ETag. The listing is
// in name order, paged with an opaque continuation token. Not done: the payload checksums
// (x-amz-checksum-*) are not verified or returned; the annotation tables of S3 Metadata.
import type {
  DeleteObjectAnnotationOutput,
  DeleteObjectAnnotationRequest,
  GetObjectAnnotationOutput,
  GetObjectAnnotationRequest,
  ListObjectAnnotationsOutput,
  ListObjectAnnotationsRequest,
  PutObjectAnnotationOutput,
  PutObjectAnnotationRequest,
} from "@aws-sdk/client-s3";
import { createHash } from "node:crypto";
import type { Readable } from "node:stream";
import type { S3Context } from "../context.ts";
import type { BucketRecord, ObjectMeta } from "../storage.ts";
import type { VersionRecord } from "../storage.ts";
import { s3fail } from "../errors.ts";
import { messages } from "../messages.ts";
import { etagMatches } from "../../../http/conditional.ts";
import { mustGetBucket } from "./buckets.ts";
import { failWithStatus, mustGetVersion } from "./version-lookup.ts";

type Ctx = S3Context;
type Annotation = NonNullable<ObjectMeta["annotations"]>[string];

export const MAX_ANNOTATION_BYTES = 1024 * 1024;
export const MAX_ANNOTATIONS = 1000;
const MAX_NAME_BYTES = 512;
const MAX_LISTED = 1000;

function checkName(name: string | undefined): string {
  const n = name ?? "";
  if (Buffer.byteLength(n) > MAX_NAME_BYTES) s3fail("AnnotationNameTooLong", `The annotation name must be at most ${MAX_NAME_BYTES} bytes long.`);
  // eslint-disable-next-line no-control-regex -- control characters are what is refused
  if (n === "" || /[\u0000-\u001f\u007f]/.test(n)) s3fail("InvalidAnnotationName", "The annotation name is not valid.");
  return n;
}

function mustGetAnnotation(version: VersionRecord, name: string): Annotation {
  return version.meta.annotations?.[name] ?? failWithStatus(404, "NoSuchAnnotation", "The specified annotation does not exist.", { AnnotationName: name });
}

/** Versioned buckets name the version the annotation belongs to. */
function versionMember(bucket: BucketRecord, version: VersionRecord): { ObjectVersionId?: string } {
  return bucket.config.versioning ? { ObjectVersionId: version.versionId } : {};
}

async function readPayload(body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += (chunk as Buffer).length;
    if (size <= MAX_ANNOTATION_BYTES) chunks.push(chunk as Buffer);
  }
  if (size > MAX_ANNOTATION_BYTES) s3fail("EntityTooLarge", "Your proposed upload exceeds the maximum allowed size.", { ProposedSize: String(size), MaxSizeAllowed: String(MAX_ANNOTATION_BYTES) });
  if (size === 0) s3fail("EntityTooSmall", messages.entityTooSmall, { ProposedSize: "0", MinSizeAllowed: "1" });
  return Buffer.concat(chunks);
}

export async function PutObjectAnnotation(input: PutObjectAnnotationRequest, ctx: Ctx): Promise<PutObjectAnnotationOutput> {
  const body = input.AnnotationPayload as Readable;
  let bucket: BucketRecord;
  let name: string;
  try {
    bucket = mustGetBucket(ctx, input.Bucket);
    name = checkName(input.AnnotationName);
    mustGetVersion(ctx, bucket, input.Key, input.VersionId);
  } catch (err) {
    body.resume();
    throw err;
  }
  const payload = await readPayload(body);
  // Read again after the body: the version may have changed meanwhile.
  const version = mustGetVersion(ctx, bucket, input.Key, input.VersionId);
  if (input.ObjectIfMatch !== undefined && !etagMatches(input.ObjectIfMatch, version.etag)) s3fail("PreconditionFailed", messages.preconditionFailed, { Condition: "x-amz-object-if-match" });
  const annotations = { ...version.meta.annotations };
  if (!(name in annotations) && Object.keys(annotations).length >= MAX_ANNOTATIONS) s3fail("AnnotationLimitExceeded", "The request would exceed the maximum number of annotations allowed per object.");
  const etag = `"${createHash("md5").update(payload).digest("hex")}"`;
  annotations[name] = { payload: payload.toString("base64"), size: payload.length, etag, lastModified: ctx.service.clock.now() };
  ctx.service.storage.updateObjectMeta(bucket.name, version.key, version.versionId, { ...version.meta, annotations });
  return { Key: version.key, AnnotationName: name, ETag: etag, ...versionMember(bucket, version) };
}

export function GetObjectAnnotation(input: GetObjectAnnotationRequest, ctx: Ctx): GetObjectAnnotationOutput {
  const bucket = mustGetBucket(ctx, input.Bucket);
  const version = mustGetVersion(ctx, bucket, input.Key, input.VersionId);
  const a = mustGetAnnotation(version, checkName(input.AnnotationName));
  const payload = Buffer.from(a.payload, "base64");
  return { AnnotationPayload: payload as unknown as GetObjectAnnotationOutput["AnnotationPayload"], ContentLength: a.size, ETag: a.etag, LastModified: new Date(a.lastModified), ...versionMember(bucket, version) };
}

export function DeleteObjectAnnotation(input: DeleteObjectAnnotationRequest, ctx: Ctx): DeleteObjectAnnotationOutput {
  const bucket = mustGetBucket(ctx, input.Bucket);
  const version = mustGetVersion(ctx, bucket, input.Key, input.VersionId);
  const name = checkName(input.AnnotationName);
  mustGetAnnotation(version, name);
  const annotations = { ...version.meta.annotations };
  delete annotations[name];
  const meta: ObjectMeta = { ...version.meta, annotations };
  if (Object.keys(annotations).length === 0) delete meta.annotations;
  ctx.service.storage.updateObjectMeta(bucket.name, version.key, version.versionId, meta);
  return versionMember(bucket, version);
}

export function ListObjectAnnotations(input: ListObjectAnnotationsRequest, ctx: Ctx): ListObjectAnnotationsOutput {
  const bucket = mustGetBucket(ctx, input.Bucket);
  const version = mustGetVersion(ctx, bucket, input.Key, input.VersionId);
  const max = Math.min(input.MaxAnnotationResults ?? MAX_LISTED, MAX_LISTED);
  if (!Number.isInteger(max) || max < 1) s3fail("InvalidArgument", "MaxAnnotationResults must be between 1 and 1000.", { ArgumentName: "max-annotation-results" });
  let after = "";
  if (input.ContinuationToken !== undefined) {
    const decoded = Buffer.from(input.ContinuationToken, "base64url").toString("utf8");
    if (!decoded.startsWith("a:")) s3fail("InvalidArgument", messages.invalidContinuationToken, { ArgumentName: "continuation-token" });
    after = decoded.slice(2);
  }
  const prefix = input.AnnotationPrefix ?? "";
  const names = Object.keys(version.meta.annotations ?? {})
    .filter((n) => n.startsWith(prefix) && n > after)
    .sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  const page = names.slice(0, max);
  const last = page[page.length - 1];
  return {
    Bucket: bucket.name,
    Key: version.key,
    ...versionMember(bucket, version),
    ...(input.AnnotationPrefix !== undefined ? { AnnotationPrefix: prefix } : {}),
    MaxAnnotationResults: max,
    AnnotationCount: page.length,
    Annotations: page.map((n) => {
      const a = mustGetAnnotation(version, n);
      return { AnnotationName: n, LastModified: new Date(a.lastModified), ETag: a.etag, Size: a.size };
    }),
    ...(names.length > page.length && last !== undefined ? { ContinuationToken: Buffer.from(`a:${last}`).toString("base64url") } : {}),
  };
}
