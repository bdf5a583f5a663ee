// Keys of a KeyValueStore in the order ListKeys returns them (UTF-8 bytes), and the opaque
// NextToken that resumes a listing after a key.

/** UTF-8 byte order, which for strings is code point order (JS `<` compares UTF-16 units). */
export function compareUtf8(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i) as number;
    const y = b.codePointAt(i) as number;
    if (x !== y) return x - y;
    if (x > 0xffff) i++;
  }
  return a.length - b.length;
}

/** Index of the first key after `key` in a sorted list. */
export function upperBound(sorted: readonly string[], key: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareUtf8(sorted[mid] as string, key) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function encodeToken(key: string): string {
  return Buffer.from(key, "utf8").toString("base64url");
}

export function decodeToken(token: string): string | undefined {
  if (!/^[A-Za-z0-9_-]+$/.test(token)) return undefined;
  const key = Buffer.from(token, "base64url").toString("utf8");
  return encodeToken(key) === token ? key : undefined;
}
