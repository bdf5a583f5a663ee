// Browser-based uploads: `POST /<bucket>` with a multipart/form-data form (S3 API reference "POST
// Object"; "Creating a POST policy" and "Browser-based uploads using POST"). The form names the key
// (`${filename}` is replaced by the uploaded file's name), carries the metadata fields
// (Content-Type, Cache-Control, x-amz-meta-*, tagging, acl, ...) and, when signed, a base64 JSON
// policy whose expiration and conditions every field must satisfy: exact matches, `eq`,
// `starts-with` and `content-length-range`; a field no condition covers is refused ("Extra input
// fields"). The answer is 204 by default, success_action_status 200 or 201 (with the PostResponse
// document), or a 303 to success_action_redirect.
//
// Not done: the form signature is not verified (as for every request signed with the account's
// own keys), and the access decision sees the form as anonymous since its credential is in the
// body (access.ts decides on the request line and headers). The form is read into memory
// (Response.formData), so very large files cost their size in memory.
import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import type { IncomingHttpHeaders } from "node:http";
import type { PutObjectOutput, PutObjectRequest } from "@aws-sdk/client-s3";
import type { S3Context } from "./context.ts";
import type { BucketRecord, ObjectMeta } from "./storage.ts";
import { s3fail } from "./errors.ts";
import { messages } from "./messages.ts";
import { checkKey, newVersionExtras, versionIdForWrite } from "./handlers/objects.ts";
import { versionIdMember, versioningOf } from "./handlers/versioning.ts";
import { validateTags } from "./handlers/object-tagging.ts";
import { EXTRA_HEADERS, RESPONSE_BODY, RESPONSE_STATUS, escapeXml } from "../../api/rest-xml.ts";
import { mustGetBucket } from "./handlers/buckets.ts";
import { isFormUpload } from "./form-upload-request.ts";
import { PutObject } from "./handlers/objects.ts";

/**
 * PutObject as the handler table has it: a browser form upload arrives with an empty key (router.ts
 * routes it so) and is read here; every other request is the PutObject handler's.
 */
export async function PutObjectOrForm(input: PutObjectRequest, ctx: S3Context): Promise<PutObjectOutput> {
  if (input.Key !== "" || !isFormUpload("POST", ctx.headers)) return PutObject(input, ctx);
  const body = input.Body as Readable;
  let bucket: BucketRecord;
  try {
    bucket = mustGetBucket(ctx, input.Bucket);
  } catch (err) {
    body.resume();
    throw err;
  }
  const done = await postUpload(bucket, body, ctx);
  return { [RESPONSE_STATUS]: done.status, [EXTRA_HEADERS]: done.headers, [RESPONSE_BODY]: done.body } as PutObjectOutput;
}

/** Fields that need no policy condition (POST Object reference, "Form fields"). */
const UNCHECKED = new Set(["policy", "x-amz-signature", "signature", "file", "awsaccesskeyid", "x-amz-security-token"]);

export interface PostUploadResult {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** Reads the form, checks its policy and stores the object; S3's errors as ServiceErrors. */
export async function postUpload(bucket: BucketRecord, body: Readable, ctx: S3Context): Promise<PostUploadResult> {
  const form = await readForm(body, ctx.headers);
  const fields = new Map<string, string>();
  let file: File | undefined;
  for (const [name, value] of form) {
    if (name.toLowerCase() === "file") {
      if (typeof value !== "string") file = value;
      continue;
    }
    if (typeof value === "string") fields.set(name.toLowerCase(), value);
  }
  if (!fields.has("key")) {
    s3fail("InvalidArgument", "Bucket POST must contain a field named 'key'.  If it is specified, please check the order of the fields.", { ArgumentName: "key", ArgumentValue: "" });
  }
  if (!file) s3fail("InvalidArgument", "POST requires exactly one file upload per request.", { ArgumentName: "file", ArgumentValue: "0" });
  const key = checkKey((fields.get("key") as string).replaceAll("${filename}", file.name));
  const bytes = Buffer.from(await file.arrayBuffer());
  const { clock, storage } = ctx.service;
  const policy = fields.get("policy");
  if (policy !== undefined) checkPolicy(policy, fields, bucket.name, key, bytes.length, clock.now());

  const input = {
    ContentType: fields.get("content-type") ?? (file.type || undefined),
    CacheControl: fields.get("cache-control"),
    ContentDisposition: fields.get("content-disposition"),
    ContentLanguage: fields.get("content-language"),
    WebsiteRedirectLocation: fields.get("x-amz-website-redirect-location"),
    StorageClass: fields.get("x-amz-storage-class"),
    ServerSideEncryption: fields.get("x-amz-server-side-encryption"),
    ACL: fields.get("acl"),
  };
  const meta: ObjectMeta = { ...newVersionExtras(bucket, input as Parameters<typeof newVersionExtras>[1], clock.now()) };
  for (const [k, v] of Object.entries(input)) if (v !== undefined && k in FIELD_META) meta[FIELD_META[k] as "contentType"] = v;
  const user = Object.fromEntries([...fields].filter(([k]) => k.startsWith("x-amz-meta-")).map(([k, v]) => [k.slice("x-amz-meta-".length), v]));
  if (Object.keys(user).length > 0) meta.user = user;
  const tagging = fields.get("tagging");
  if (tagging !== undefined) meta.tags = validateTags([...tagging.matchAll(/<Tag>\s*<Key>([^<]*)<\/Key>\s*<Value>([^<]*)<\/Value>\s*<\/Tag>/g)].map((m) => ({ Key: m[1] ?? "", Value: m[2] ?? "" })));

  const md5 = createHash("md5");
  const written = await storage.writeBlob(Readable.from([bytes]), (c) => md5.update(c), { drain: false });
  const etag = `"${md5.digest("hex")}"`;
  const versionId = versionIdForWrite(bucket);
  await storage.commitObject({ bucket: bucket.name, key, blob: written.blob, size: written.size, etag, lastModified: clock.now(), meta, versionId }, versioningOf(bucket));

  const location = `${ctx.baseUrl}/${bucket.name}/${key.split("/").map(encodeURIComponent).join("/")}`;
  const headers: Record<string, string> = { ETag: etag, Location: location };
  const vid = versionIdMember(bucket, versionId).VersionId;
  if (vid) headers["x-amz-version-id"] = vid;
  const redirect = fields.get("success_action_redirect") ?? fields.get("redirect");
  if (redirect) {
    const target = new URL(redirect);
    target.searchParams.set("bucket", bucket.name);
    target.searchParams.set("key", key);
    target.searchParams.set("etag", etag);
    return { status: 303, headers: { ...headers, Location: target.toString() }, body: "" };
  }
  const status = fields.get("success_action_status");
  if (status === "201") {
    const doc = `<?xml version="1.0" encoding="UTF-8"?>\n<PostResponse><Location>${escapeXml(location)}</Location><Bucket>${escapeXml(bucket.name)}</Bucket><Key>${escapeXml(key)}</Key><ETag>${escapeXml(etag)}</ETag></PostResponse>`;
    return { status: 201, headers: { ...headers, "Content-Type": "application/xml" }, body: doc };
  }
  return { status: status === "200" ? 200 : 204, headers, body: "" };
}

const FIELD_META: Record<string, keyof ObjectMeta> = {
  ContentType: "contentType",
  CacheControl: "cacheControl",
  ContentDisposition: "contentDisposition",
  ContentLanguage: "contentLanguage",
  WebsiteRedirectLocation: "websiteRedirectLocation",
};

async function readForm(body: Readable, headers: IncomingHttpHeaders): Promise<FormData> {
  try {
    return await new Response(Readable.toWeb(body) as ReadableStream, { headers: { "content-type": String(headers["content-type"]) } }).formData();
  } catch {
    s3fail("MalformedPOSTRequest", "The body of your POST request is not well-formed multipart/form-data.");
  }
}

type Condition = Record<string, string> | [string, string | number, string | number];

/** The policy's expiration and conditions against the form (see the header); AccessDenied when one fails. */
export function checkPolicy(policyB64: string, fields: ReadonlyMap<string, string>, bucket: string, key: string, size: number, now: number): void {
  let policy: { expiration?: string; conditions?: Condition[] };
  try {
    policy = JSON.parse(Buffer.from(policyB64, "base64").toString("utf8")) as typeof policy;
  } catch {
    s3fail("InvalidPolicyDocument", "Invalid Policy: Invalid JSON.");
  }
  const expiration = Date.parse(policy.expiration ?? "");
  if (Number.isNaN(expiration)) s3fail("InvalidPolicyDocument", "Invalid Policy: Policy missing expiration.");
  if (now > expiration) s3fail("AccessDenied", "Invalid according to Policy: Policy expired.");
  const values = new Map(fields);
  values.set("bucket", bucket);
  values.set("key", key);
  const covered = new Set<string>(["bucket"]);
  const denied = (c: unknown): never => s3fail("AccessDenied", `Invalid according to Policy: Policy Condition failed: ${JSON.stringify(c)}`);
  for (const c of policy.conditions ?? []) {
    if (!Array.isArray(c)) {
      for (const [name, want] of Object.entries(c)) {
        covered.add(name.toLowerCase());
        if (values.get(name.toLowerCase()) !== want) denied(["eq", `$${name}`, want]);
      }
      continue;
    }
    const [op, a, b] = c;
    if (String(op).toLowerCase() === "content-length-range") {
      if (size > Number(b)) s3fail("EntityTooLarge", "Your proposed upload exceeds the maximum allowed size", { ProposedSize: String(size), MaxSizeAllowed: String(b) });
      if (size < Number(a)) s3fail("EntityTooSmall", messages.entityTooSmall, { ProposedSize: String(size), MinSizeAllowed: String(a) });
      continue;
    }
    const name = String(a).replace(/^\$/, "").toLowerCase();
    covered.add(name);
    const value = values.get(name) ?? "";
    if (String(op).toLowerCase() === "eq" ? value !== String(b) : String(op).toLowerCase() === "starts-with" ? !value.startsWith(String(b)) : true) denied(c);
  }
  const extra = [...fields.keys()].filter((f) => !UNCHECKED.has(f) && !f.startsWith("x-ignore-") && !covered.has(f));
  if (extra.length > 0) s3fail("AccessDenied", `Invalid according to Policy: Extra input fields: ${extra.join(", ")}`);
}
