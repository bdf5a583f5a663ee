// The edge, built on the first request to a distribution or to the edge-only listener, so that a
// process that only serves the API or S3 never loads the pipeline (start-up time, issue 12).
import type { Edge } from "./pipeline.ts";

/**
 * `unbuilt.invalidate` runs for an invalidation that arrives before the edge exists: this process's
 * caches are empty then, but a cache it shares with others (the `--cluster` regional tier in
 * Redis) may hold the paths.
 */
export function onFirstEdgeRequest(build: () => Edge, unbuilt: { invalidate?(distributionId: string, paths: readonly string[]): void } = {}): Edge {
  let edge: Edge | undefined;
  return {
    handle: (req, res, rec, state) => (edge ??= build()).handle(req, res, rec, state),
    unknownHost: (req, res) => (edge ??= build()).unknownHost(req, res),
    invalidate(distributionId, paths) {
      if (edge) return edge.invalidate(distributionId, paths);
      unbuilt.invalidate?.(distributionId, paths);
      return 0;
    },
  };
}
