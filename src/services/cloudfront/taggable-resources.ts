// The CloudFront resources that carry tags, by ARN: what TagResource / UntagResource /
// ListTagsForResource (handlers/tags.ts) and the Resource Groups Tagging API (services/tagging/)
// both read and write, so a tag set through one is seen through the other.
// Taggable here: distributions, CloudFront Functions, KeyValueStores, Anycast static IP lists,
// distribution tenants, connection groups, VPC origins, trust stores and connection functions.
import type { Tag } from "@aws-sdk/client-cloudfront";
import { fail } from "../../api/errors.ts";
import type { CloudFrontState } from "./state.ts";

/** One taggable resource: its ARN, its type as the Tagging API names it, its tags, and how to store new ones. */
export interface TaggableResource {
  readonly arn: string;
  /** The ARN's resource type: `distribution`, `function`, `key-value-store`, `anycast-ip-list`, `vpcorigin`, ... */
  readonly type: string;
  readonly tags: readonly Tag[];
  save(tags: readonly Tag[]): void;
}

const ARN = /^arn:aws:cloudfront::(\d{12}):(distribution|function|key-value-store|anycast-ip-list|distribution-tenant|connection-group|vpcorigin|trust-store|connection-function)\/([^/]+)$/;

/** The resource `arn` names in this account, if it exists and can be tagged. */
export function taggableResource(state: CloudFrontState, arn: string | undefined): TaggableResource | undefined {
  const m = ARN.exec(arn ?? "");
  if (!m || m[1] !== state.settings.accountId) return undefined;
  return taggableResources(state, m[2]).find((r) => r.arn === arn);
}

/** Every taggable resource of the account (of one type when `type` is given), each kind oldest first. */
export function taggableResources(state: CloudFrontState, type?: string): TaggableResource[] {
  const out: TaggableResource[] = [];
  const add = (kind: string, arn: string, tags: readonly Tag[], store: (tags: readonly Tag[]) => void) => {
    if (type !== undefined && type !== kind) return;
    // Every write is checked here, so both tagging APIs refuse the same tags.
    const save = (next: readonly Tag[]) => {
      validateTags(next);
      store(next);
    };
    out.push({ arn, type: kind, tags, save });
  };
  for (const rec of state.listDistributions()) {
    add("distribution", rec.ARN, rec.tags, (tags) => state.putDistribution({ ...(state.getDistribution(rec.Id) ?? rec), tags }));
  }
  for (const rec of state.functions.list()) {
    add("function", state.functions.arn(rec.Name), rec.tags, (tags) => state.functions.put({ ...(state.functions.get(rec.Name) ?? rec), tags }));
  }
  for (const rec of state.keyValueStores.list()) add("key-value-store", rec.ARN, rec.tags, (tags) => state.keyValueStores.setTags(rec, tags));
  for (const rec of state.anycastIpLists.list()) {
    add("anycast-ip-list", rec.Arn, rec.tags, (tags) => state.anycastIpLists.put({ ...(state.anycastIpLists.get(rec.Id) ?? rec), tags }));
  }
  for (const rec of state.distributionTenants.list()) {
    add("distribution-tenant", rec.Arn, rec.tags, (tags) => state.distributionTenants.put({ ...(state.distributionTenants.get(rec.Id) ?? rec), tags }));
  }
  for (const rec of state.connectionGroups.list()) {
    add("connection-group", rec.Arn, rec.tags, (tags) => state.connectionGroups.put({ ...(state.connectionGroups.get(rec.Id) ?? rec), tags }));
  }
  for (const rec of state.vpcOrigins.list()) add("vpcorigin", rec.Arn, rec.tags, (tags) => state.vpcOrigins.put({ ...(state.vpcOrigins.get(rec.Id) ?? rec), tags }));
  for (const rec of state.trustStores.list()) add("trust-store", rec.Arn, rec.tags, (tags) => state.trustStores.put({ ...(state.trustStores.get(rec.Id) ?? rec), tags }));
  for (const rec of state.connectionFunctions.list()) {
    add("connection-function", rec.Arn, rec.tags, (tags) => state.connectionFunctions.put({ ...(state.connectionFunctions.get(rec.Id) ?? rec), tags }));
  }
  return out;
}

export const MAX_TAGS = 50;
// Tag keys and values: letters, spaces, numbers and _ . : / = + - @ (CloudFront API reference "Tag").
const TAG_CHARS = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

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
