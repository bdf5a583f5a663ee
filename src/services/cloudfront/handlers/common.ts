// Conventions shared by every CloudFront resource: If-Match checks (docs/control-plane.md §3) and
// Marker/MaxItems paging (§2 "Pagination").
import { fail } from "../../../api/errors.ts";
import { messages } from "../messages.ts";

/** List operations return 100 items unless MaxItems says otherwise (unverified default). */
export const DEFAULT_MAX_ITEMS = 100;

/** Missing If-Match → InvalidIfMatchVersion (400); stale → PreconditionFailed (412). */
export function checkIfMatch(ifMatch: string | undefined, etag: string): void {
  if (ifMatch === undefined || ifMatch === "") fail("InvalidIfMatchVersion", messages.ifMatchMissing());
  // Clients sometimes quote the ETag they echo back; CloudFront's are never quoted.
  if (ifMatch.replace(/^"|"$/g, "") !== etag) fail("PreconditionFailed", messages.preconditionFailed());
}

export interface Page<T> {
  readonly items: T[];
  readonly maxItems: number;
  /** Present when more items follow: the marker for the next request. */
  readonly nextMarker: string | undefined;
}

/**
 * One page of `all` (in list order): the items after the one whose key is `marker`, at most
 * `maxItems` of them. The marker is the key of the last item of the previous page, as CloudFront's
 * distribution list uses it. An unknown marker starts after nothing matched: an empty page.
 */
export function pageAfterMarker<T>(all: readonly T[], key: (item: T) => string, marker: string | undefined, maxItems: number | undefined): Page<T> {
  const max = maxItems ?? DEFAULT_MAX_ITEMS;
  if (!Number.isInteger(max) || max < 0) fail("InvalidArgument", messages.badMaxItems(String(maxItems)));
  let start = 0;
  if (marker) {
    const at = all.findIndex((item) => key(item) === marker);
    start = at < 0 ? all.length : at + 1;
  }
  const items = all.slice(start, start + max);
  const more = start + max < all.length && items.length > 0;
  return { items, maxItems: max, nextMarker: more ? key(items[items.length - 1] as T) : undefined };
}

/**
 * CloudFront's paged-list envelope (`DistributionList`, `InvalidationList`, `DistributionIdList`,
 * ...): the request's Marker, MaxItems, IsTruncated, Quantity, NextMarker when more follow, and
 * Items only when there are any (as CloudFront omits an empty Items element).
 */
export function markerList<T, U>(page: Page<T>, marker: string | undefined, item: (t: T) => U) {
  return {
    Marker: marker ?? "",
    MaxItems: page.maxItems,
    IsTruncated: page.nextMarker !== undefined,
    Quantity: page.items.length,
    ...(page.nextMarker !== undefined ? { NextMarker: page.nextMarker } : {}),
    ...(page.items.length > 0 ? { Items: page.items.map(item) } : {}),
  };
}
