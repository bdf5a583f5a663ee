// Tags on delivery sources, destinations and deliveries (CloudWatch Logs API Reference:
// TagResource, UntagResource, ListTagsForResource), found by the resource's ARN. Terraform's
// transparent tagging reads and writes them through these three calls. Not emulated: tags on log
// groups and other CloudWatch Logs resources minifront does not have.
import type { ListTagsForResourceRequest, ListTagsForResourceResponse, TagResourceRequest, UntagResourceRequest } from "@aws-sdk/client-cloudwatch-logs";
import { fail } from "../../../api/errors.ts";
import { messages } from "../messages.ts";
import { checkTags, type Ctx } from "./common.ts";

interface Tagged {
  readonly tags: Readonly<Record<string, string>>;
  /** Stores the resource with these tags. */
  retag(tags: Record<string, string>): void;
}

function mustFindTagged(ctx: Ctx, arn: string): Tagged {
  const state = ctx.service.state;
  const source = state.sources.list().find((s) => s.arn === arn);
  if (source) return { tags: source.tags, retag: (tags) => state.sources.put({ ...source, tags }) };
  const destination = state.destinationByArn(arn);
  if (destination) return { tags: destination.tags, retag: (tags) => state.destinations.put({ ...destination, tags }) };
  const delivery = state.deliveries.list().find((d) => d.arn === arn);
  if (delivery) return { tags: delivery.tags, retag: (tags) => state.deliveries.put({ ...delivery, tags }) };
  return fail("ResourceNotFoundException", messages.noSuchResource(arn));
}

export function ListTagsForResource(input: ListTagsForResourceRequest, ctx: Ctx): ListTagsForResourceResponse {
  return { tags: { ...mustFindTagged(ctx, input.resourceArn ?? "").tags } };
}

export function TagResource(input: TagResourceRequest, ctx: Ctx): void {
  const target = mustFindTagged(ctx, input.resourceArn ?? "");
  target.retag(checkTags({ ...target.tags, ...input.tags }));
}

export function UntagResource(input: UntagResourceRequest, ctx: Ctx): void {
  const target = mustFindTagged(ctx, input.resourceArn ?? "");
  const tags = { ...target.tags };
  for (const key of input.tagKeys ?? []) delete tags[key];
  target.retag(tags);
}
