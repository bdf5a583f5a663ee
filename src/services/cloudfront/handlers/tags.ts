// TagResource / UntagResource / ListTagsForResource (docs/control-plane.md §6 "Tags"). Resources are
// named by ARN: distributions, CloudFront Functions, KeyValueStores and Anycast static IP lists are
// taggable here (taggable-resources.ts, shared with the Resource Groups Tagging API).
import type {
  ListTagsForResourceRequest,
  ListTagsForResourceResult,
  TagResourceRequest,
  UntagResourceRequest,
} from "@aws-sdk/client-cloudfront";
import { fail } from "../../../api/errors.ts";
import type { RequestContext } from "../../../api/service.ts";
import type { CloudFrontState } from "../state.ts";
import { taggableResource, validateTags, type TaggableResource } from "../taggable-resources.ts";
import { messages } from "../messages.ts";

// Tag rules live beside the resources they guard; re-exported for the create handlers that take Tags.
export { MAX_TAGS, validateTags } from "../taggable-resources.ts";

type Ctx = RequestContext<CloudFrontState>;

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

function resolve(state: CloudFrontState, arn: string | undefined): TaggableResource {
  return taggableResource(state, arn) ?? fail("NoSuchResource", messages.noSuchResource(arn ?? ""));
}
