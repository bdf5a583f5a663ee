// Key groups: CreateKeyGroup, GetKeyGroup, GetKeyGroupConfig, UpdateKeyGroup, DeleteKeyGroup,
// ListKeyGroups and ListDistributionsByKeyGroup (docs/control-plane.md §3, §4 "name-keyed resources",
// §9 quotas; docs/signed-urls.md §1; CloudFront API reference "CreateKeyGroup").
//
// - A key group lists 1-5 existing public key ids ("To create a key group, you must specify at least
//   one public key"); more than 5 → TooManyPublicKeysInKeyGroup; an unknown id → InvalidArgument (the
//   only error CreateKeyGroup declares for a bad member).
// - Names are unique per account → KeyGroupAlreadyExists; at most 10 key groups → TooManyKeyGroups.
// - A key group trusted by any cache behavior cannot be deleted → ResourceInUse (the error the model
//   declares for DeleteKeyGroup). Unknown ids are NoSuchResource, CloudFront's code for key groups.
// Also here, for the distribution and edge code: which key groups a distribution trusts, the
// ActiveTrustedKeyGroups view of GetDistribution, and the public keys a behavior trusts.
import type {
  ActiveTrustedKeyGroups,
  CreateKeyGroupRequest,
  CreateKeyGroupResult,
  DeleteKeyGroupRequest,
  DistributionConfig,
  GetKeyGroupConfigRequest,
  GetKeyGroupConfigResult,
  GetKeyGroupRequest,
  GetKeyGroupResult,
  KeyGroup,
  KeyGroupConfig,
  ListDistributionsByKeyGroupRequest,
  ListDistributionsByKeyGroupResult,
  ListKeyGroupsRequest,
  ListKeyGroupsResult,
  UpdateKeyGroupRequest,
  UpdateKeyGroupResult,
} from "@aws-sdk/client-cloudfront";
import { fail } from "../../../api/errors.ts";
import type { RequestContext } from "../../../api/service.ts";
import type { CloudFrontState } from "../state.ts";
import type { KeyGroupRecord } from "../stores/key-groups.ts";
import { messages } from "../messages.ts";
import { checkIfMatch, pageAfterMarker, markerList } from "./common.ts";

type Ctx = RequestContext<CloudFrontState>;

/** Quotas (docs/control-plane.md §9, CloudFront guide "Quotas" "Quotas on key groups"). */
export const MAX_KEY_GROUPS = 10;
export const MAX_PUBLIC_KEYS_PER_KEY_GROUP = 5;
const MAX_NAME = 128;
const MAX_COMMENT = 128;

export function CreateKeyGroup({ KeyGroupConfig: input }: CreateKeyGroupRequest, ctx: Ctx): CreateKeyGroupResult {
  const state = ctx.service;
  const config = normalize(input as KeyGroupConfig);
  validate(state, config, undefined);
  if (state.keyGroups.size >= MAX_KEY_GROUPS) fail("TooManyKeyGroups", messages.tooManyKeyGroups(MAX_KEY_GROUPS));
  const rec: KeyGroupRecord = { Id: state.ids.uuid(), ETag: state.ids.resourceId(), lastModified: state.clock.now(), config };
  state.keyGroups.put(rec);
  return { KeyGroup: view(rec), ETag: rec.ETag, Location: `${ctx.baseUrl}/2020-05-31/key-group/${rec.Id}` };
}

export function GetKeyGroup({ Id }: GetKeyGroupRequest, ctx: Ctx): GetKeyGroupResult {
  const rec = mustGet(ctx.service, Id);
  return { KeyGroup: view(rec), ETag: rec.ETag };
}

export function GetKeyGroupConfig({ Id }: GetKeyGroupConfigRequest, ctx: Ctx): GetKeyGroupConfigResult {
  const rec = mustGet(ctx.service, Id);
  return { KeyGroupConfig: rec.config, ETag: rec.ETag };
}

export function UpdateKeyGroup({ Id, IfMatch, KeyGroupConfig: input }: UpdateKeyGroupRequest, ctx: Ctx): UpdateKeyGroupResult {
  const state = ctx.service;
  const rec = mustGet(state, Id);
  checkIfMatch(IfMatch, rec.ETag);
  const config = normalize(input as KeyGroupConfig);
  validate(state, config, rec.Id);
  const updated: KeyGroupRecord = { ...rec, ETag: state.ids.resourceId(), lastModified: state.clock.now(), config };
  state.keyGroups.put(updated);
  return { KeyGroup: view(updated), ETag: updated.ETag };
}

export function DeleteKeyGroup({ Id, IfMatch }: DeleteKeyGroupRequest, ctx: Ctx): Record<string, never> {
  const state = ctx.service;
  const rec = mustGet(state, Id);
  checkIfMatch(IfMatch, rec.ETag);
  if (state.listDistributions().some((d) => trustedKeyGroupIds(d.config).has(rec.Id))) fail("ResourceInUse", messages.keyGroupInUse(rec.Id));
  state.keyGroups.delete(rec.Id);
  return {};
}

export function ListKeyGroups({ Marker, MaxItems }: ListKeyGroupsRequest, ctx: Ctx): ListKeyGroupsResult {
  const page = pageAfterMarker(ctx.service.keyGroups.list(), (g) => g.Id, Marker, MaxItems);
  return {
    KeyGroupList: {
      MaxItems: page.maxItems,
      Quantity: page.items.length,
      ...(page.nextMarker !== undefined ? { NextMarker: page.nextMarker } : {}),
      ...(page.items.length > 0 ? { Items: page.items.map((g) => ({ KeyGroup: view(g) })) } : {}),
    },
  };
}

export function ListDistributionsByKeyGroup({ KeyGroupId, Marker, MaxItems }: ListDistributionsByKeyGroupRequest, ctx: Ctx): ListDistributionsByKeyGroupResult {
  const group = mustGet(ctx.service, KeyGroupId);
  const using = ctx.service.listDistributions().filter((d) => trustedKeyGroupIds(d.config).has(group.Id));
  const page = pageAfterMarker(using, (d) => d.Id, Marker, MaxItems);
  return {
    DistributionIdList: {
      ...markerList(page, Marker, (d) => d.Id),
    },
  };
}

/** Key group ids listed in any cache behavior's TrustedKeyGroups (enabled or not: both reference the group). */
export function trustedKeyGroupIds(config: DistributionConfig): Set<string> {
  const ids = new Set<string>();
  for (const b of [config.DefaultCacheBehavior, ...(config.CacheBehaviors?.Items ?? [])]) {
    for (const id of b?.TrustedKeyGroups?.Items ?? []) ids.add(id);
  }
  return ids;
}

/**
 * GetDistribution's `ActiveTrustedKeyGroups` (docs/signed-urls.md §1): the key groups that enabled
 * behaviors trust, each with the ids of its public keys.
 */
export function activeTrustedKeyGroups(state: CloudFrontState, config: DistributionConfig): ActiveTrustedKeyGroups {
  const ids: string[] = [];
  let enabled = false;
  for (const b of [config.DefaultCacheBehavior, ...(config.CacheBehaviors?.Items ?? [])]) {
    if (!b?.TrustedKeyGroups?.Enabled) continue;
    enabled = true;
    for (const id of b.TrustedKeyGroups.Items ?? []) if (!ids.includes(id)) ids.push(id);
  }
  const items = ids.map((id) => {
    const keys = state.keyGroups.get(id)?.config.Items ?? [];
    return { KeyGroupId: id, KeyPairIds: { Quantity: keys.length, ...(keys.length > 0 ? { Items: [...keys] } : {}) } };
  });
  return { Enabled: enabled, Quantity: items.length, ...(items.length > 0 ? { Items: items } : {}) };
}

/**
 * The public keys trusted through `keyGroupIds`, by public key id (the Key-Pair-Id of a signed URL),
 * as PEM text. Unknown group or key ids are skipped: validation keeps them from being referenced.
 */
export function trustedPublicKeys(state: CloudFrontState, keyGroupIds: Iterable<string>): Map<string, string> {
  const keys = new Map<string, string>();
  for (const groupId of keyGroupIds) {
    for (const keyId of state.keyGroups.get(groupId)?.config.Items ?? []) {
      const pem = state.publicKeys.get(keyId)?.config.EncodedKey;
      if (pem !== undefined) keys.set(keyId, pem);
    }
  }
  return keys;
}

function validate(state: CloudFrontState, config: KeyGroupConfig, selfId: string | undefined): void {
  const name = config.Name ?? "";
  if (name.length < 1 || name.length > MAX_NAME) fail("InvalidArgument", messages.badName("key group", name, MAX_NAME));
  if ((config.Comment ?? "").length > MAX_COMMENT) fail("InvalidArgument", messages.commentTooLong("key group", MAX_COMMENT));
  const items = config.Items ?? [];
  if (items.length === 0) fail("InvalidArgument", messages.keyGroupEmpty());
  if (items.length > MAX_PUBLIC_KEYS_PER_KEY_GROUP) fail("TooManyPublicKeysInKeyGroup", messages.tooManyPublicKeysInKeyGroup(MAX_PUBLIC_KEYS_PER_KEY_GROUP));
  const seen = new Set<string>();
  for (const id of items) {
    if (seen.has(id)) fail("InvalidArgument", messages.keyGroupDuplicateKey(id));
    seen.add(id);
    if (!state.publicKeys.has(id)) fail("InvalidArgument", messages.keyGroupUnknownKey(id));
  }
  if (state.keyGroups.find((g) => g.config.Name === name && g.Id !== selfId)) fail("KeyGroupAlreadyExists", messages.keyGroupNameExists(name));
}

function normalize(config: KeyGroupConfig): KeyGroupConfig {
  return { ...config, Items: [...(config.Items ?? [])], Comment: config.Comment ?? "" };
}

function mustGet(state: CloudFrontState, id: string | undefined): KeyGroupRecord {
  return state.keyGroups.get(id) ?? fail("NoSuchResource", messages.noSuchKeyGroup(id ?? ""));
}

function view(rec: KeyGroupRecord): KeyGroup {
  return { Id: rec.Id, LastModifiedTime: new Date(rec.lastModified), KeyGroupConfig: rec.config };
}
