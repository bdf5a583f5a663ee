// TagResource / UntagResource / ListTagsForResource (docs/control-plane.md §6 "Tags"). Resources are
// named by ARN: distributions, CloudFront Functions and KeyValueStores are taggable here.
import type {
  ListTagsForResourceRequest,
  ListTagsForResourceResult,
  Tag,
  TagResourceRequest,
  UntagResourceRequest,
} from "@aws-sdk/client-cloudfront";
import { fail } from "../../../api/errors.ts";
import type { RequestContext } from "../../../api/service.ts";
import type { CloudFrontState, DistributionRecord } from "../state.ts";
import { messages } from "../messages.ts";

type Ctx = RequestContext<CloudFrontState>;

export const MAX_TAGS = 50;
// Tag keys and values: letters, spaces, numbers and _ . : / = + - @ (CloudFront API reference "Tag").
const TAG_CHARS = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

export function TagResource({ Resource, Tags }: TagResourceRequest, ctx: Ctx): Record<string, never> {
  const rec = resolve(ctx.service, Resource);
  const merged = new Map(rec.tags.map((t) => [t.Key as string, t]));
  for (const t of Tags?.Items ?? []) merged.set(t.Key as string, { Key: t.Key, Value: t.Value ?? "" });
  const tags = [...merged.values()];
  validateTags(tags);
  rec.save(tags);
  return {};
}

export function UntagResource({ Resource, TagKeys }: UntagResourceRequest, ctx: Ctx): Record<string, never> {
  const rec = resolve(ctx.service, Resource);
  const drop = new Set(TagKeys?.Items ?? []);
  rec.save(rec.tags.filter((t) => !drop.has(t.Key as string)));
  return {};
}

export function ListTagsForResource({ Resource }: ListTagsForResourceRequest, ctx: Ctx): ListTagsForResourceResult {
  const rec = resolve(ctx.service, Resource);
  return { Tags: { Items: rec.tags.map((t) => ({ Key: t.Key, Value: t.Value ?? "" })) } };
}

/** Throws InvalidTagging for a bad key or value, TooManyTags-style InvalidTagging past 50. */
export function validateTags(tags: readonly Tag[]): void {
  if (tags.length > MAX_TAGS) fail("InvalidTagging", `A resource can have at most ${MAX_TAGS} tags.`);
  const keys = new Set<string>();
  for (const { Key, Value } of tags) {
    const key = Key ?? "";
    const value = Value ?? "";
    if (key.length < 1 || key.length > 128 || !TAG_CHARS.test(key) || key.toLowerCase().startsWith("aws:")) {
      fail("InvalidTagging", `The tag key "${key}" is not valid: 1-128 letters, numbers, spaces and _ . : / = + - @, not starting with aws:.`);
    }
    if (value.length > 256 || !TAG_CHARS.test(value)) {
      fail("InvalidTagging", `The tag value for "${key}" is not valid: at most 256 letters, numbers, spaces and _ . : / = + - @.`);
    }
    if (keys.has(key)) fail("InvalidTagging", `The tag key "${key}" is given more than once.`);
    keys.add(key);
  }
}

/** A taggable resource: its tags, and how to store new ones. */
interface Taggable {
  readonly tags: readonly Tag[];
  save(tags: readonly Tag[]): void;
}

function resolve(state: CloudFrontState, arn: string | undefined): Taggable {
  const m = /^arn:aws:cloudfront::(\d{12}):(distribution|function|key-value-store)\/([^/]+)$/.exec(arn ?? "");
  const found = m && m[1] === state.settings.accountId ? find(state, m[2] as string, m[3] as string) : undefined;
  return found ?? fail("NoSuchResource", messages.noSuchResource(arn ?? ""));
}

function find(state: CloudFrontState, kind: string, id: string): Taggable | undefined {
  if (kind === "distribution") {
    const rec: DistributionRecord | undefined = state.getDistribution(id);
    return rec && { tags: rec.tags, save: (tags) => state.putDistribution({ ...rec, tags }) };
  }
  if (kind === "function") {
    const rec = state.functions.get(id);
    return rec && { tags: rec.tags, save: (tags) => state.functions.put({ ...rec, tags }) };
  }
  const rec = state.keyValueStores.byArn(`arn:aws:cloudfront::${state.settings.accountId}:key-value-store/${id}`);
  return rec && { tags: rec.tags, save: (tags) => state.keyValueStores.setTags(rec, tags) };
}
