// What the IAM handlers share: the context type, input checks with IAM's codes and wording, the
// URL-encoding IAM applies to policy documents in its answers, and Marker/MaxItems paging.
import type { Tag } from "@aws-sdk/client-iam";
import { fail } from "../../../api/errors.ts";
import type { RequestContext } from "../../../api/service.ts";
import type { IamState, RoleRecord } from "../state.ts";
import { messages } from "../messages.ts";

export type Ctx = RequestContext<IamState>;

/** IAM API Reference, CreateRole: RoleName pattern `[\w+=,.@-]+`, 1-64 characters (policy names 1-128). */
const NAME = /^[\w+=,.@-]+$/;
/** Path: `/` or `/…/` of printable ASCII, up to 512 characters. */
const PATH = /^(\/|\/[\x21-\x7e]{1,510}\/)$/;

export function checkName(param: string, value: string, max = 64): string {
  if (!NAME.test(value) || value.length > max) fail("ValidationError", messages.pattern(param, value, "[\\w+=,.@-]+"));
  return value;
}

export function checkPath(value: string | undefined): string {
  const path = value ?? "/";
  if (!PATH.test(path)) fail("ValidationError", messages.pattern("path", path, "(\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F)"));
  return path;
}

/** A policy document must be a JSON object (IAM's MalformedPolicyDocument otherwise). */
export function checkPolicyDocument(doc: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(doc);
  } catch {
    fail("MalformedPolicyDocument", messages.malformedPolicy());
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) fail("MalformedPolicyDocument", messages.malformedPolicy());
  return doc;
}

/** IAM API Reference, Tag: at most 50 tags on a resource. */
export function checkTags(tags: readonly Tag[]): readonly Tag[] {
  if (tags.length > 50) fail("ValidationError", messages.tooManyTags());
  return tags;
}

/** Tags merged by key: later values replace earlier ones, new keys go last. */
export function mergeTags(existing: readonly Tag[], added: readonly Tag[]): Tag[] {
  const byKey = new Map(existing.map((t) => [t.Key, t]));
  for (const t of added) byKey.set(t.Key, t);
  return checkTags([...byKey.values()]) as Tag[];
}

export function mustFindRole(ctx: Ctx, name: string): RoleRecord {
  return ctx.service.role(name) ?? fail("NoSuchEntity", messages.noSuchRole(name));
}

/** IAM returns policy documents URL-encoded (RFC 3986), as in "GetRole", "GetRolePolicy". */
export function encodeDocument(doc: string): string {
  return encodeURIComponent(doc);
}

/** Marker/MaxItems paging: the marker is the index of the next item. */
export function page<T>(items: readonly T[], marker: string | undefined, maxItems: number | undefined): { items: T[]; IsTruncated: boolean; Marker?: string } {
  const start = marker === undefined ? 0 : Number(marker);
  if (!Number.isInteger(start) || start < 0) fail("ValidationError", "Invalid Marker.");
  const size = maxItems ?? 100;
  if (!Number.isInteger(size) || size < 1 || size > 1000) fail("ValidationError", messages.range("maxItems", size, 1, 1000));
  const slice = items.slice(start, start + size);
  const next = start + slice.length;
  return next < items.length ? { items: slice, IsTruncated: true, Marker: String(next) } : { items: slice, IsTruncated: false };
}
