// Which cached objects an invalidation path removes (data-plane.md §15).

/** `*` only at the end matches any suffix (across `/`); otherwise the path must be exact. */
export function invalidationMatcher(path: string): (p: string) => boolean {
  if (path.endsWith("*")) {
    const prefix = path.slice(0, -1);
    return (p) => p.startsWith(prefix);
  }
  return (p) => p === path;
}
