// CreateInvalidation, GetInvalidation, ListInvalidations (docs/control-plane.md §4, §6 "Invalidation";
// docs/edge.md §15). The edge purges the paths before CreateInvalidation answers; the status
// reads InProgress until the configured invalidation delay has passed (default 0), then Completed,
// so `aws cloudfront wait invalidation-completed` returns at its first poll.
import type {
  CreateInvalidationRequest,
  CreateInvalidationResult,
  GetInvalidationRequest,
  GetInvalidationResult,
  Invalidation,
  InvalidationBatch,
  ListInvalidationsRequest,
  ListInvalidationsResult,
} from "@aws-sdk/client-cloudfront";
import { fail } from "../../../api/errors.ts";
import type { RequestContext } from "../../../api/service.ts";
import type { CloudFrontState, InvalidationRecord } from "../state.ts";
import { messages } from "../messages.ts";
import { pageAfterMarker, markerList } from "./common.ts";

type Ctx = RequestContext<CloudFrontState>;

/** Quotas (CloudFront guide "Quotas"): paths in flight per distribution, wildcard paths in flight. */
export const MAX_PATHS_IN_PROGRESS = 3000;
export const MAX_WILDCARDS_IN_PROGRESS = 15;
export const MAX_PATH_LENGTH = 4000;

export function CreateInvalidation({ DistributionId, InvalidationBatch: batch }: CreateInvalidationRequest, ctx: Ctx): CreateInvalidationResult {
  const state = ctx.service;
  const dist = state.getDistribution(DistributionId ?? "") ?? fail("NoSuchDistribution", messages.noSuchDistribution(DistributionId ?? ""));
  const { inv, reused } = addInvalidationFor(state, dist.Id, batch);
  return { Invalidation: view(inv, state, reused ? undefined : "InProgress"), Location: location(ctx, inv) };
}

/**
 * Validates and stores an invalidation of a distribution's (or a distribution tenant's) cached
 * objects and purges them; a CallerReference already used with the same paths answers the earlier
 * invalidation (`reused`).
 */
export function addInvalidationFor(state: CloudFrontState, ownerId: string, batch: InvalidationBatch | undefined): { inv: InvalidationRecord; reused: boolean } {
  const paths = batch?.Paths?.Items ?? [];
  validatePaths(paths);
  const existing = state.listInvalidations(ownerId).find((i) => i.batch.CallerReference === batch?.CallerReference);
  if (existing) {
    if (samePaths(existing.batch, batch as InvalidationBatch)) return { inv: existing, reused: true };
    fail("InvalidationBatchAlreadyExists", messages.invalidationBatchAlreadyExists(existing.Id), 409);
  }
  if (paths.length > MAX_PATHS_IN_PROGRESS) fail("BatchTooLarge", messages.batchTooLarge(MAX_PATHS_IN_PROGRESS));
  const inFlight = state.invalidationsInProgress(ownerId).flatMap((i) => i.batch.Paths?.Items ?? []);
  const wildcards = [...inFlight, ...paths].filter((p) => p.endsWith("*")).length;
  if (inFlight.length + paths.length > MAX_PATHS_IN_PROGRESS || wildcards > MAX_WILDCARDS_IN_PROGRESS) {
    fail("TooManyInvalidationsInProgress", messages.tooManyInvalidations(MAX_PATHS_IN_PROGRESS, MAX_WILDCARDS_IN_PROGRESS));
  }
  const now = state.clock.now();
  const inv: InvalidationRecord = {
    Id: state.ids.resourceId("I"),
    distributionId: ownerId,
    createdAt: now,
    completeAt: now + state.settings.invalidationDelayMs,
    batch: { CallerReference: batch?.CallerReference, Paths: { Quantity: paths.length, Items: [...paths] } },
  };
  state.addInvalidation(inv);
  return { inv, reused: false };
}

export function GetInvalidation({ DistributionId, Id }: GetInvalidationRequest, ctx: Ctx): GetInvalidationResult {
  const state = ctx.service;
  const dist = state.getDistribution(DistributionId ?? "") ?? fail("NoSuchDistribution", messages.noSuchDistribution(DistributionId ?? ""));
  const inv = state.listInvalidations(dist.Id).find((i) => i.Id === Id) ?? fail("NoSuchInvalidation", messages.noSuchInvalidation(Id ?? ""));
  return { Invalidation: view(inv, state) };
}

export function ListInvalidations({ DistributionId, Marker, MaxItems }: ListInvalidationsRequest, ctx: Ctx): ListInvalidationsResult {
  const state = ctx.service;
  const dist = state.getDistribution(DistributionId ?? "") ?? fail("NoSuchDistribution", messages.noSuchDistribution(DistributionId ?? ""));
  // Newest first, as CloudFront lists them.
  return { InvalidationList: invalidationList(state, dist.Id, Marker, MaxItems) };
}

/** The InvalidationList of a distribution or tenant: newest first, as CloudFront lists them. */
export function invalidationList(state: CloudFrontState, ownerId: string, marker: string | undefined, maxItems: number | undefined) {
  const all = [...state.listInvalidations(ownerId)].reverse();
  const page = pageAfterMarker(all, (i) => i.Id, marker, maxItems);
  return markerList(page, marker, (i) => ({ Id: i.Id, CreateTime: new Date(i.createdAt), Status: status(i, state) }));
}

/** Paths start with `/`, `*` only as the last character, at most 4,000 characters (docs/control-plane.md §6). */
function validatePaths(paths: readonly string[]): void {
  if (paths.length === 0) fail("InvalidArgument", messages.noInvalidationPaths());
  for (const p of paths) {
    if (!p.startsWith("/") || p.length > MAX_PATH_LENGTH || p.slice(0, -1).includes("*")) {
      fail("InvalidArgument", messages.badInvalidationPath(p));
    }
  }
}

function samePaths(a: InvalidationBatch, b: InvalidationBatch): boolean {
  return JSON.stringify(a.Paths?.Items ?? []) === JSON.stringify(b.Paths?.Items ?? []);
}

export function status(inv: InvalidationRecord, state: CloudFrontState): "InProgress" | "Completed" {
  return state.clock.now() >= inv.completeAt ? "Completed" : "InProgress";
}

export function view(inv: InvalidationRecord, state: CloudFrontState, forceStatus?: "InProgress"): Invalidation {
  return { Id: inv.Id, Status: forceStatus ?? status(inv, state), CreateTime: new Date(inv.createdAt), InvalidationBatch: inv.batch };
}

function location(ctx: Ctx, inv: InvalidationRecord): string {
  return `${ctx.baseUrl}/2020-05-31/distribution/${inv.distributionId}/invalidation/${inv.Id}`;
}
