// A new version of a stored CloudFront resource: a fresh ETag, the modification time, and when the
// change has deployed (the configured deploy delay; Status reads InProgress until then).
import type { CloudFrontState } from "./state.ts";

export interface ResourceVersion {
  readonly ETag: string;
  readonly lastModified: number;
  readonly deployAt: number;
}

export function nextVersion(state: CloudFrontState): ResourceVersion {
  const now = state.clock.now();
  return { ETag: state.ids.resourceId(), lastModified: now, deployAt: now + state.settings.deployDelayMs };
}
