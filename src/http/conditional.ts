// Conditional requests (RFC 9110 §13), one ETag comparison for the edge and the embedded S3.

/** An entity tag without its weakness marker and quotes: the one form two tags are compared in. */
function opaque(tag: string): string {
  return tag.trim().replace(/^W\//, "").replace(/"/g, "");
}

/**
 * Whether an If-None-Match / If-Match list (`"a", W/"b"` or `*`) names `etag`. The weak comparison
 * (RFC 9110 §8.8.3.2), which is what If-None-Match uses and what S3 applies to both.
 */
export function etagMatches(condition: string, etag: string): boolean {
  const tag = opaque(etag);
  return condition.split(",").some((c) => {
    const t = c.trim();
    return t === "*" || opaque(t) === tag;
  });
}

/**
 * A GET's validators against the entity's (RFC 9110 §13.2.2): If-None-Match when present, else
 * If-Modified-Since. True: answer 304 Not Modified.
 */
export function notModified(ifNoneMatch: string | undefined, ifModifiedSince: string | undefined, etag: string | undefined, lastModified: string | undefined): boolean {
  if (ifNoneMatch !== undefined) return etag !== undefined && etagMatches(ifNoneMatch, etag);
  if (ifModifiedSince === undefined || lastModified === undefined) return false;
  return Date.parse(lastModified) <= Date.parse(ifModifiedSince);
}

/**
 * A request's preconditions against the entity's (RFC 9110 §13.2.2 steps 1-2): If-Match when
 * present, else If-Unmodified-Since. True: answer 412 Precondition Failed. Times compare at
 * one-second granularity, as HTTP dates carry them.
 */
export function preconditionFails(ifMatch: string | undefined, ifUnmodifiedSince: string | undefined, etag: string | undefined, lastModified: string | undefined): boolean {
  if (ifMatch !== undefined) return etag === undefined || !etagMatches(ifMatch, etag);
  if (ifUnmodifiedSince === undefined || lastModified === undefined) return false;
  return Date.parse(lastModified) > Date.parse(ifUnmodifiedSince);
}
