// The Resource Groups Tagging API operations minifront answers, over the tags the CloudFront API's
// TagResource keeps (services/cloudfront/taggable-resources.ts). Semantics from the Resource Groups
// Tagging API Reference:
// - GetResources: TagFilters AND together, a filter's Values OR together, a filter without Values
//   matches any value of its key; ResourceTypeFilters are `service` or `service:type`
//   (`cloudfront`, `cloudfront:distribution`); ResourceARNList picks resources by ARN and excludes
//   the paging parameters. Without filters, the resources that have tags. ResourcesPerPage 1-100
//   (default 50), PaginationToken opaque.
// - TagResources / UntagResources: at most 20 ARNs; a resource that cannot be tagged is reported
//   in FailedResourcesMap (InvalidParameterException, 400), the others are tagged.
// - GetTagKeys / GetTagValues: the keys (values of a key) in use, sorted.
// - CloudFront is a global service whose resources the Tagging API shows in us-east-1: another
//   region (from the request's SigV4 credential scope) sees none.
// Not done: compliance details (IncludeComplianceDetails is ignored), tag policies, reports,
// ListRequiredTags, and resources of services other than CloudFront.
import type {
  FailureInfo,
  GetResourcesInput,
  GetResourcesOutput,
  GetTagKeysInput,
  GetTagKeysOutput,
  GetTagValuesInput,
  GetTagValuesOutput,
  TagResourcesInput,
  TagResourcesOutput,
  UntagResourcesInput,
  UntagResourcesOutput,
} from "@aws-sdk/client-resource-groups-tagging-api";
import { fail, ServiceError } from "../../api/errors.ts";
import type { RequestContext } from "../../api/service.ts";

/** A resource the Tagging API sees: its ARN, `service:type`, tags, and how to store new ones (which may throw). */
export interface TaggedResource {
  readonly arn: string;
  readonly resourceType: string;
  readonly tags: ReadonlyArray<{ readonly Key?: string; readonly Value?: string }>;
  save(tags: Array<{ Key: string; Value: string }>): void;
}

/** What the handlers read: the account's taggable resources, looked up afresh on every call. */
export interface TaggingService {
  resources(): TaggedResource[];
}

type Ctx = RequestContext<TaggingService>;

const GLOBAL_REGION = "us-east-1";
const DEFAULT_PER_PAGE = 50;
const MAX_PER_PAGE = 100;
const MAX_ARNS_PER_WRITE = 20;
const KEYS_PER_PAGE = 500;

export function GetResources(input: GetResourcesInput, ctx: Ctx): GetResourcesOutput {
  const byArn = input.ResourceARNList;
  if (byArn && (input.PaginationToken || input.ResourcesPerPage !== undefined || input.TagsPerPage !== undefined)) {
    invalid("ResourceARNList cannot be combined with PaginationToken, ResourcesPerPage or TagsPerPage.");
  }
  const perPage = input.ResourcesPerPage ?? DEFAULT_PER_PAGE;
  if (!Number.isInteger(perPage) || perPage < 1 || perPage > MAX_PER_PAGE) invalid(`ResourcesPerPage must be from 1 to ${MAX_PER_PAGE}.`);
  const types = (input.ResourceTypeFilters ?? []).map((f) => {
    if (!/^[a-z0-9-]+(:[a-zA-Z0-9-]+)?$/.test(f)) invalid(`The resource type filter ${f} is not service or service:resourceType.`);
    return f;
  });
  let found = visible(ctx).filter((r) => (byArn ? byArn.includes(r.arn) : r.tags.length > 0));
  if (types.length > 0) found = found.filter((r) => types.some((t) => r.resourceType === t || r.resourceType.startsWith(`${t}:`)));
  for (const filter of input.TagFilters ?? []) {
    found = found.filter((r) => r.tags.some((t) => t.Key === filter.Key && (!filter.Values?.length || filter.Values.includes(t.Value ?? ""))));
  }
  const start = pageStart(input.PaginationToken);
  const page = found.slice(start, start + perPage);
  const next = start + perPage < found.length ? token(start + perPage) : "";
  return {
    PaginationToken: next,
    ResourceTagMappingList: page.map((r) => ({ ResourceARN: r.arn, Tags: r.tags.map((t) => ({ Key: t.Key, Value: t.Value ?? "" })) })),
  };
}

export function TagResources({ ResourceARNList, Tags }: TagResourcesInput, ctx: Ctx): TagResourcesOutput {
  const add = Object.entries(Tags ?? {});
  if (add.length === 0) invalid("Tags must name at least one tag.");
  return { FailedResourcesMap: eachResource(ctx, ResourceARNList, (r) => {
    const merged = new Map(r.tags.map((t) => [t.Key ?? "", t.Value ?? ""]));
    for (const [k, v] of add) merged.set(k, v);
    r.save([...merged].map(([Key, Value]) => ({ Key, Value })));
  }) };
}

export function UntagResources({ ResourceARNList, TagKeys }: UntagResourcesInput, ctx: Ctx): UntagResourcesOutput {
  const drop = new Set(TagKeys ?? []);
  if (drop.size === 0) invalid("TagKeys must name at least one key.");
  return { FailedResourcesMap: eachResource(ctx, ResourceARNList, (r) => {
    r.save(r.tags.filter((t) => !drop.has(t.Key ?? "")).map((t) => ({ Key: t.Key ?? "", Value: t.Value ?? "" })));
  }) };
}

export function GetTagKeys({ PaginationToken }: GetTagKeysInput, ctx: Ctx): GetTagKeysOutput {
  const keys = new Set(visible(ctx).flatMap((r) => r.tags.map((t) => t.Key ?? "")));
  const { items, next } = pageOf([...keys].sort(), PaginationToken);
  return { PaginationToken: next, TagKeys: items };
}

export function GetTagValues({ Key, PaginationToken }: GetTagValuesInput, ctx: Ctx): GetTagValuesOutput {
  const values = new Set(visible(ctx).flatMap((r) => r.tags.filter((t) => t.Key === Key).map((t) => t.Value ?? "")));
  const { items, next } = pageOf([...values].sort(), PaginationToken);
  return { PaginationToken: next, TagValues: items };
}

/** Runs `write` on each ARN; the ones that fail are reported, not thrown (the API's partial success). */
function eachResource(ctx: Ctx, arns: readonly string[] | undefined, write: (r: TaggedResource) => void): Record<string, FailureInfo> {
  const list = arns ?? [];
  if (list.length < 1 || list.length > MAX_ARNS_PER_WRITE) invalid(`ResourceARNList must have 1 to ${MAX_ARNS_PER_WRITE} ARNs.`);
  const failed: Record<string, FailureInfo> = {};
  for (const arn of list) {
    const r = visible(ctx).find((x) => x.arn === arn);
    try {
      if (!r) invalid(`The resource ${arn} does not exist or cannot be tagged through the Tagging API here.`);
      write(r);
    } catch (err) {
      if (!(err instanceof ServiceError)) throw err;
      failed[arn] = { StatusCode: 400, ErrorCode: "InvalidParameterException", ErrorMessage: err.message };
    }
  }
  return failed;
}

/** The resources the caller's region sees: CloudFront's only from us-east-1. */
function visible(ctx: Ctx): TaggedResource[] {
  const region = /Credential=[^/]+\/\d{8}\/([^/]+)\//.exec(String(ctx.headers.authorization ?? ""))?.[1] ?? GLOBAL_REGION;
  return region === GLOBAL_REGION ? ctx.service.resources() : [];
}

function pageOf(all: string[], paginationToken: string | undefined): { items: string[]; next: string } {
  const start = pageStart(paginationToken);
  return { items: all.slice(start, start + KEYS_PER_PAGE), next: start + KEYS_PER_PAGE < all.length ? token(start + KEYS_PER_PAGE) : "" };
}

function token(offset: number): string {
  return Buffer.from(JSON.stringify({ offset })).toString("base64url");
}

function pageStart(paginationToken: string | undefined): number {
  if (!paginationToken) return 0;
  try {
    const { offset } = JSON.parse(Buffer.from(paginationToken, "base64url").toString("utf8")) as { offset?: unknown };
    if (typeof offset === "number" && Number.isInteger(offset) && offset >= 0) return offset;
  } catch {
    // falls through to the error below
  }
  return invalid("The PaginationToken is not one this API returned.");
}

function invalid(message: string): never {
  return fail("InvalidParameterException", message);
}
