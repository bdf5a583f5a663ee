// docs/edge.md §4: cache behaviors are tried in list order, the first whose path pattern matches
// the viewer's path wins, and the default behavior takes the rest. Patterns are case-sensitive.
import type { CompiledBehavior, CompiledDistribution } from "../compile.ts";

export function matchBehavior(dist: CompiledDistribution, path: string): CompiledBehavior {
  for (const b of dist.behaviors) {
    if (b.matcher?.test(path)) return b;
  }
  return dist.defaultBehavior;
}
