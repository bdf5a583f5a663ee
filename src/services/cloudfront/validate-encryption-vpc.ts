// Two references a DistributionConfig makes that validate-distribution.ts leaves to this module:
// a cache behavior's field-level encryption configuration, and an origin's VPC origin.
//
// Field-level encryption (CloudFront Developer Guide "Using field-level encryption to help protect
// sensitive data", step 5): "the distribution must be configured to always use HTTPS, and to accept
// HTTP POST and PUT requests from viewers": ViewerProtocolPolicy redirect-to-https or https-only,
// AllowedMethods all seven, and the origin's OriginProtocolPolicy match-viewer or https-only, else
// IllegalFieldLevelEncryptionConfigAssociationWithCacheBehavior. (The configuration's existence is
// checked with the behavior: NoSuchFieldLevelEncryptionConfig.) At most 20 distributions may name one
// configuration (CloudFront guide "Quotas") → TooManyDistributionsAssociatedToFieldLevelEncryptionConfig.
// VPC origins: VpcOriginConfig.VpcOriginId must name a VPC origin of the account → EntityNotFound,
// the not-found error CreateDistribution declares for them.
import type { CacheBehavior, DefaultCacheBehavior, DistributionConfig, Origin } from "@aws-sdk/client-cloudfront";
import { fail } from "../../api/errors.ts";
import type { ValidationContext } from "./distribution-limits.ts";

const ALL_METHODS = ["DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"].join(",");
const ILLEGAL = "IllegalFieldLevelEncryptionConfigAssociationWithCacheBehavior";
const MAX_DISTRIBUTIONS_PER_CONFIG = 20;

export function validateEncryptionAndVpcOrigins(config: DistributionConfig, ctx: ValidationContext): void {
  const origins = new Map((config.Origins?.Items ?? []).map((o) => [o.Id as string, o]));
  const groups = new Map((config.OriginGroups?.Items ?? []).map((g) => [g.Id as string, (g.Members?.Items ?? []).map((m) => origins.get(m.OriginId ?? ""))]));
  const behaviors: (DefaultCacheBehavior | CacheBehavior | undefined)[] = [config.DefaultCacheBehavior, ...(config.CacheBehaviors?.Items ?? [])];
  for (const b of behaviors) {
    if (!b?.FieldLevelEncryptionId) continue;
    const where = "PathPattern" in b && b.PathPattern ? `cache behavior ${b.PathPattern}` : "the default cache behavior";
    if (b.ViewerProtocolPolicy !== "redirect-to-https" && b.ViewerProtocolPolicy !== "https-only") {
      fail(ILLEGAL, `Field-level encryption needs ViewerProtocolPolicy redirect-to-https or https-only on ${where}.`);
    }
    if ([...(b.AllowedMethods?.Items ?? [])].sort().join(",") !== ALL_METHODS) {
      fail(ILLEGAL, `Field-level encryption needs AllowedMethods GET, HEAD, OPTIONS, PUT, POST, PATCH, DELETE on ${where}.`);
    }
    const targets: (Origin | undefined)[] = groups.get(b.TargetOriginId ?? "") ?? [origins.get(b.TargetOriginId ?? "")];
    for (const o of targets) {
      const policy = o?.CustomOriginConfig?.OriginProtocolPolicy;
      if (policy !== undefined && policy !== "match-viewer" && policy !== "https-only") {
        fail(ILLEGAL, `Field-level encryption on ${where} needs its origin ${o?.Id} to use OriginProtocolPolicy match-viewer or https-only.`);
      }
    }
    if ((ctx.distributionsUsingFieldLevelEncryption?.(b.FieldLevelEncryptionId) ?? 0) >= MAX_DISTRIBUTIONS_PER_CONFIG) {
      fail("TooManyDistributionsAssociatedToFieldLevelEncryptionConfig", `At most ${MAX_DISTRIBUTIONS_PER_CONFIG} distributions can use the field-level encryption configuration ${b.FieldLevelEncryptionId}.`);
    }
  }
  for (const o of origins.values()) {
    const id = o.VpcOriginConfig?.VpcOriginId;
    if (id !== undefined && ctx.vpcOriginExists && !ctx.vpcOriginExists(id)) {
      fail("EntityNotFound", `The VPC origin ${id} used by origin ${o.Id} does not exist.`);
    }
  }
}
