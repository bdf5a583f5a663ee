// Fills a DistributionConfig the way CloudFront echoes it back: every optional element that a
// client may omit comes back with CloudFront's default (docs/control-plane.md §9 "Defaults the server
// fills"). Exact values there are observed AWS output; the legacy TTL defaults are documented.
// The input is never mutated.
import type {
  CacheBehavior,
  CustomErrorResponse,
  CustomOriginConfig,
  DefaultCacheBehavior,
  DistributionConfig,
  ForwardedValues,
  Origin,
} from "@aws-sdk/client-cloudfront";

/** Legacy TTL defaults (CloudFront guide "All distribution settings reference": Default TTL 1 day, Maximum TTL 1 year). */
export const LEGACY_DEFAULT_TTL = 86400;
export const LEGACY_MAX_TTL = 31536000;
/** CloudFront caches error responses for 10 s unless ErrorCachingMinTTL says otherwise. */
export const DEFAULT_ERROR_CACHING_MIN_TTL = 10;

const EMPTY = { Quantity: 0 } as const;

export function withDistributionDefaults(config: DistributionConfig): DistributionConfig {
  return {
    ...config,
    Aliases: config.Aliases ?? { ...EMPTY },
    DefaultRootObject: config.DefaultRootObject ?? "",
    Origins: { ...config.Origins, Items: config.Origins?.Items?.map(withOriginDefaults) } as DistributionConfig["Origins"],
    OriginGroups: config.OriginGroups ?? { ...EMPTY },
    DefaultCacheBehavior: withBehaviorDefaults(config.DefaultCacheBehavior as DefaultCacheBehavior),
    CacheBehaviors: config.CacheBehaviors?.Items?.length
      ? { Quantity: config.CacheBehaviors.Items.length, Items: config.CacheBehaviors.Items.map((b) => withBehaviorDefaults(b)) }
      : { ...EMPTY },
    CustomErrorResponses: config.CustomErrorResponses?.Items?.length
      ? { Quantity: config.CustomErrorResponses.Items.length, Items: config.CustomErrorResponses.Items.map(withErrorResponseDefaults) }
      : { ...EMPTY },
    Comment: config.Comment ?? "",
    Logging: {
      Enabled: config.Logging?.Enabled ?? false,
      IncludeCookies: config.Logging?.IncludeCookies ?? false,
      Bucket: config.Logging?.Bucket ?? "",
      Prefix: config.Logging?.Prefix ?? "",
    },
    PriceClass: config.PriceClass ?? "PriceClass_All",
    ViewerCertificate: withCertificateDefaults(config.ViewerCertificate),
    Restrictions: config.Restrictions ?? { GeoRestriction: { RestrictionType: "none", Quantity: 0 } },
    WebACLId: config.WebACLId ?? "",
    HttpVersion: config.HttpVersion ?? "http2",
    IsIPV6Enabled: config.IsIPV6Enabled ?? true,
    ContinuousDeploymentPolicyId: config.ContinuousDeploymentPolicyId ?? "",
    Staging: config.Staging ?? false,
  };
}

function withOriginDefaults(origin: Origin): Origin {
  return {
    ...origin,
    OriginPath: origin.OriginPath ?? "",
    CustomHeaders: origin.CustomHeaders ?? { ...EMPTY },
    ...(origin.CustomOriginConfig ? { CustomOriginConfig: withCustomOriginDefaults(origin.CustomOriginConfig) } : {}),
    ConnectionAttempts: origin.ConnectionAttempts ?? 3,
    ConnectionTimeout: origin.ConnectionTimeout ?? 10,
    OriginShield: origin.OriginShield ?? { Enabled: false },
    OriginAccessControlId: origin.OriginAccessControlId ?? "",
  };
}

function withCustomOriginDefaults(c: CustomOriginConfig): CustomOriginConfig {
  return {
    ...c,
    OriginSslProtocols: c.OriginSslProtocols ?? { Quantity: 1, Items: ["TLSv1.2"] },
    OriginReadTimeout: c.OriginReadTimeout ?? 30,
    OriginKeepaliveTimeout: c.OriginKeepaliveTimeout ?? 5,
  };
}

function withBehaviorDefaults<B extends DefaultCacheBehavior | CacheBehavior>(b: B): B {
  const allowed = b.AllowedMethods ?? { Quantity: 2, Items: ["HEAD", "GET"] };
  const out: B = {
    ...b,
    TrustedSigners: b.TrustedSigners ?? { Enabled: false, Quantity: 0 },
    TrustedKeyGroups: b.TrustedKeyGroups ?? { Enabled: false, Quantity: 0 },
    AllowedMethods: { ...allowed, CachedMethods: allowed.CachedMethods ?? { Quantity: 2, Items: ["HEAD", "GET"] } },
    SmoothStreaming: b.SmoothStreaming ?? false,
    Compress: b.Compress ?? false,
    LambdaFunctionAssociations: b.LambdaFunctionAssociations ?? { ...EMPTY },
    FunctionAssociations: b.FunctionAssociations ?? { ...EMPTY },
    FieldLevelEncryptionId: b.FieldLevelEncryptionId ?? "",
  };
  if (b.ForwardedValues) {
    // Legacy cache settings: the TTLs belong to them (with a cache policy the policy has the TTLs).
    out.ForwardedValues = withForwardedValuesDefaults(b.ForwardedValues);
    out.MinTTL = b.MinTTL ?? 0;
    out.DefaultTTL = b.DefaultTTL ?? Math.max(LEGACY_DEFAULT_TTL, out.MinTTL);
    out.MaxTTL = b.MaxTTL ?? Math.max(LEGACY_MAX_TTL, out.DefaultTTL);
  }
  return out;
}

function withForwardedValuesDefaults(f: ForwardedValues): ForwardedValues {
  return {
    ...f,
    Headers: f.Headers ?? { ...EMPTY },
    QueryStringCacheKeys: f.QueryStringCacheKeys ?? { ...EMPTY },
  };
}

function withErrorResponseDefaults(e: CustomErrorResponse): CustomErrorResponse {
  return {
    ...e,
    ResponsePagePath: e.ResponsePagePath ?? "",
    ResponseCode: e.ResponseCode ?? "",
    ErrorCachingMinTTL: e.ErrorCachingMinTTL ?? DEFAULT_ERROR_CACHING_MIN_TTL,
  };
}

function withCertificateDefaults(v: DistributionConfig["ViewerCertificate"]): NonNullable<DistributionConfig["ViewerCertificate"]> {
  if (!v || (!v.ACMCertificateArn && !v.IAMCertificateId)) {
    return {
      CloudFrontDefaultCertificate: true,
      SSLSupportMethod: v?.SSLSupportMethod ?? "vip",
      MinimumProtocolVersion: v?.MinimumProtocolVersion ?? "TLSv1",
      CertificateSource: "cloudfront",
    };
  }
  const acm = !!v.ACMCertificateArn;
  return {
    ...v,
    CloudFrontDefaultCertificate: false,
    SSLSupportMethod: v.SSLSupportMethod ?? "sni-only",
    MinimumProtocolVersion: v.MinimumProtocolVersion ?? "TLSv1",
    Certificate: acm ? v.ACMCertificateArn : v.IAMCertificateId,
    CertificateSource: acm ? "acm" : "iam",
  };
}
