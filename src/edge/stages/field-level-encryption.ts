// Field-level encryption at the edge (CloudFront Developer Guide "Using field-level encryption to help
// protect sensitive data"; "Quotas" on field-level encryption). For a POST to a cache behavior with a
// FieldLevelEncryptionId, the profile is chosen by the `fle-profile` query argument (when the
// configuration maps query arguments) or else by the request's content type; the form fields whose
// names match the profile's field patterns (a whole name, or a prefix ending in `*`; case-sensitive)
// are each replaced by an AWS Encryption SDK message (field-level-encryption-message.ts) under that
// entity's public key, base64-encoded, before the origin sees the body. Every other byte of the body
// is sent as the viewer sent it.
//
// - A content type the configuration does not list is forwarded untouched when
//   ForwardWhenContentTypeIsUnknown is true, else refused; a listed content type without a profile
//   is always forwarded ("CloudFront always forwards requests with that content type").
// - An `fle-profile` value no query argument mapping names is forwarded untouched when
//   ForwardWhenQueryArgProfileIsUnknown is true, else refused.
// - Quotas: a body of at most 1 MB, at most 10 encrypted fields in a request, each at most 16 KB.
// Unverified, and so chosen here: the status of a refusal (400 for an unknown content type or
// profile, a field too long or a field that is not valid percent-encoding; 413 for a body over
// 1 MB); that the base64 is percent-encoded in the body (+ / = as %2B %2F %3D, so any form parser
// gives back the exact base64); that the encrypted body goes with a Content-Length (CloudFront's
// guide says the origin "must support chunked encoding"); that encryption runs after the
// viewer-request function. Only application/x-www-form-urlencoded bodies (the one content type a
// configuration can name) are parsed.
import type { IncomingMessage } from "node:http";
import { encryptMessage } from "./field-level-encryption-message.ts";
import type { CompiledEncryptionProfile, CompiledFieldLevelEncryption } from "./field-level-encryption-compile.ts";
import type { Refusal } from "./viewer-checks.ts";

/** Quotas on field-level encryption (CloudFront guide "Quotas"). */
export const MAX_FLE_BODY_BYTES = 1024 * 1024;
export const MAX_ENCRYPTED_FIELDS = 10;
export const MAX_FIELD_BYTES = 16 * 1024;
const PROFILE_ARG = "fle-profile";

export type EncryptionPlan = { readonly kind: "none" } | { readonly kind: "encrypt"; readonly profile: CompiledEncryptionProfile } | Refusal;

/** Which profile, if any, encrypts this request (no I/O). */
export function chooseProfile(fle: CompiledFieldLevelEncryption, method: string, contentType: string | undefined, rawQuery: string): EncryptionPlan {
  if (method !== "POST") return { kind: "none" };
  if (fle.queryArgs) {
    const asked = new URLSearchParams(rawQuery).get(PROFILE_ARG);
    if (asked !== null) {
      const profile = fle.queryArgs.get(asked);
      if (profile) return { kind: "encrypt", profile };
      return fle.forwardUnknownQueryArg ? { kind: "none" } : refuse(400, `The field-level encryption profile "${asked}" named by the ${PROFILE_ARG} query argument is not configured.`);
    }
  }
  const type = (contentType ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  const mapped = fle.contentTypes.get(type);
  if (mapped) return { kind: "encrypt", profile: mapped };
  if (mapped === null || fle.forwardUnknownContentType) return { kind: "none" };
  return refuse(400, `Field-level encryption is not configured for the content type "${type}".`);
}

/**
 * The viewer's form body with the profile's fields encrypted, or a refusal. `already` is a body
 * read before (a Lambda@Edge IncludeBody); otherwise the request stream is read, at most 1 MB.
 */
export async function encryptRequestBody(req: IncomingMessage, already: Buffer | undefined, profile: CompiledEncryptionProfile): Promise<Buffer | Refusal> {
  const body = already ?? (await readAtMost(req, MAX_FLE_BODY_BYTES));
  if (body === undefined || body.length > MAX_FLE_BODY_BYTES) return refuse(413, `The request body is larger than ${MAX_FLE_BODY_BYTES} bytes, the most field-level encryption reads.`);
  return encryptFormFields(body, profile);
}

/** `body` (application/x-www-form-urlencoded) with each field the profile names encrypted. */
export function encryptFormFields(body: Buffer, profile: CompiledEncryptionProfile): Buffer | Refusal {
  const pairs = body.toString("latin1").split("&");
  let encrypted = 0;
  for (let i = 0; i < pairs.length; i++) {
    const pair = pairs[i] as string;
    const eq = pair.indexOf("=");
    const rawName = eq < 0 ? pair : pair.slice(0, eq);
    const name = formDecode(rawName)?.toString("utf8");
    const entity = name === undefined ? undefined : profile.entities.find((e) => e.patterns.some((p) => matchesPattern(p, name)));
    if (!entity) continue;
    const value = formDecode(eq < 0 ? "" : pair.slice(eq + 1));
    if (!value) return refuse(400, `The form field ${name} is not valid percent-encoding.`);
    if (value.length > MAX_FIELD_BYTES) return refuse(400, `The form field ${name} is longer than ${MAX_FIELD_BYTES} bytes, the most field-level encryption encrypts.`);
    if (++encrypted > MAX_ENCRYPTED_FIELDS) return refuse(400, `The request has more than ${MAX_ENCRYPTED_FIELDS} fields to encrypt.`);
    pairs[i] = `${rawName}=${encodeURIComponent(encryptMessage(value, entity.key).toString("base64"))}`;
  }
  return encrypted === 0 ? body : Buffer.from(pairs.join("&"), "latin1");
}

/** A whole field name, or a prefix followed by `*` (case-sensitive). */
export function matchesPattern(pattern: string, name: string): boolean {
  return pattern.endsWith("*") ? name.startsWith(pattern.slice(0, -1)) : name === pattern;
}

/** Form decoding to bytes: `+` is a space, `%XX` a byte; undefined when a `%` is not followed by two hex digits. */
export function formDecode(text: string): Buffer | undefined {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x2b) out.push(0x20);
    else if (c !== 0x25) out.push(c & 0xff);
    else {
      const hex = text.slice(i + 1, i + 3);
      if (!/^[0-9A-Fa-f]{2}$/.test(hex)) return undefined;
      out.push(parseInt(hex, 16));
      i += 2;
    }
  }
  return Buffer.from(out);
}

/** The body, or undefined when it passes `limit` bytes (the rest is read and dropped, so the connection stays usable). */
function readAtMost(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    req.once("end", () => resolve(size > limit ? undefined : Buffer.concat(chunks)));
    req.once("error", reject);
  });
}

function refuse(status: number, reason: string): Refusal {
  return { kind: "refuse", status, reason, errorPage: false };
}
