// A cache behavior's Lambda@Edge associations by event type (docs/functions.md §7.1), compiled once
// with the distribution (compile.ts); the events themselves are built in lambda-edge-event.ts.
import type { CacheBehavior, DefaultCacheBehavior } from "@aws-sdk/client-cloudfront";

export type LambdaEventType = "viewer-request" | "origin-request" | "origin-response" | "viewer-response";

export interface LambdaAssociation {
  readonly arn: string;
  readonly includeBody: boolean;
}

export type LambdaAssociations = Readonly<Partial<Record<LambdaEventType, LambdaAssociation>>>;

/** The associations of a cache behavior, by event type (validation allows one per type). */
export function lambdaAssociations(b: DefaultCacheBehavior | CacheBehavior): LambdaAssociations {
  const out: Partial<Record<LambdaEventType, LambdaAssociation>> = {};
  for (const l of b.LambdaFunctionAssociations?.Items ?? []) {
    out[l.EventType as LambdaEventType] = { arn: l.LambdaFunctionARN as string, includeBody: l.IncludeBody === true };
  }
  return out;
}
