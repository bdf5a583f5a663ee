// Which cached objects an invalidation path removes (docs/edge.md §15).

/** `*` only at the end matches any suffix (across `/`); otherwise the path must be exact. */
export function invalidationMatcher(path: string): (p: string) => boolean {
  if (path.endsWith("*")) {
    const prefix = path.slice(0, -1);
    return (p) => p.startsWith(prefix);
  }
  return (p) => p === path;
}

/**
 * The values of `byPath` (indexed by key path) that an invalidation path removes: one lookup for
 * an exact path, a walk over this index's paths (one distribution's) for a wildcard.
 */
export function* invalidated<V>(byPath: ReadonlyMap<string, V>, path: string): Generator<V> {
  if (!path.endsWith("*")) {
    const exact = byPath.get(path);
    if (exact !== undefined) yield exact;
    return;
  }
  const prefix = path.slice(0, -1);
  for (const [p, v] of byPath) if (p.startsWith(prefix)) yield v;
}
