// Byte ranges (RFC 9110 §14.1.2), one parser for the edge and the embedded S3.

export interface ByteRange {
  readonly start: number;
  /** Inclusive. */
  readonly end: number;
}

/**
 * One `bytes=` range of an entity of `size` bytes: `a-b`, `a-` or `-n`. Undefined for a header
 * that is not one such range (several ranges, another unit, `b < a`): callers then send the whole
 * entity, as S3 and CloudFront both do; "unsatisfiable" when the range lies outside the entity.
 */
export function parseByteRange(header: string, size: number): ByteRange | "unsatisfiable" | undefined {
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === "" && m[2] === "")) return undefined;
  if (m[1] === "") {
    const n = Number(m[2]);
    if (n === 0 || size === 0) return "unsatisfiable";
    return { start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(m[1]);
  if (m[2] !== "" && Number(m[2]) < start) return undefined;
  if (start >= size) return "unsatisfiable";
  return { start, end: m[2] === "" ? size - 1 : Math.min(Number(m[2]), size - 1) };
}

/** The Content-Range of a partial response. */
export function contentRange(range: ByteRange, size: number): string {
  return `bytes ${range.start}-${range.end}/${size}`;
}
