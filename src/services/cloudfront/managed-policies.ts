// AWS-managed cache, origin request and response headers policies, with their real IDs and
// settings (docs/managed-policies.md §1-§3; rows marked "corroborated" there are not from AWS text).
// The edge compiles behaviors against these; the policy APIs list them with Type=managed.
import type { CachePolicyConfig, OriginRequestPolicyConfig, ResponseHeadersPolicyConfig } from "@aws-sdk/client-cloudfront";

function cachePolicy(
  name: string,
  comment: string,
  ttl: [number, number, number],
  key: { headers?: string[]; cookies?: "none" | "all"; queryStrings?: "none" | "all" | string[]; gzip: boolean; brotli: boolean },
): CachePolicyConfig {
  const qs = key.queryStrings ?? "none";
  return {
    Comment: comment,
    Name: name,
    MinTTL: ttl[0],
    DefaultTTL: ttl[1],
    MaxTTL: ttl[2],
    ParametersInCacheKeyAndForwardedToOrigin: {
      EnableAcceptEncodingGzip: key.gzip,
      EnableAcceptEncodingBrotli: key.brotli,
      HeadersConfig: key.headers?.length
        ? { HeaderBehavior: "whitelist", Headers: { Quantity: key.headers.length, Items: key.headers } }
        : { HeaderBehavior: "none" },
      CookiesConfig: { CookieBehavior: key.cookies ?? "none" },
      QueryStringsConfig: Array.isArray(qs)
        ? { QueryStringBehavior: "whitelist", QueryStrings: { Quantity: qs.length, Items: qs } }
        : { QueryStringBehavior: qs },
    },
  };
}

const ORIGIN_CACHE_CONTROL_HEADERS = ["host", "origin", "x-http-method-override", "x-http-method", "x-method-override"];

/** Managed cache policies by ID. */
export const MANAGED_CACHE_POLICIES: ReadonlyMap<string, CachePolicyConfig> = new Map([
  ["658327ea-f89d-4fab-a63d-7e88639e58f6", cachePolicy("Managed-CachingOptimized", "Policy with caching enabled. Supports Gzip and Brotli compression.", [1, 86400, 31536000], { gzip: true, brotli: true })],
  ["b2884449-e4de-46a7-ac36-70bc7f1ddd6d", cachePolicy("Managed-CachingOptimizedForUncompressedObjects", "Default policy when compression is disabled", [1, 86400, 31536000], { gzip: false, brotli: false })],
  ["4135ea2d-6df8-44a3-9df3-4b5a84be39ad", cachePolicy("Managed-CachingDisabled", "Policy with caching disabled", [0, 0, 0], { gzip: false, brotli: false })],
  ["2e54312d-136d-493c-8eb9-b001f22f67d2", cachePolicy("Managed-Amplify", "Policy for Amplify Origin", [2, 2, 600], { headers: ["Authorization", "CloudFront-Viewer-Country", "Host"], cookies: "all", queryStrings: "all", gzip: true, brotli: true })],
  ["08627262-05a9-4f76-9ded-b50ca2e3a84f", cachePolicy("Managed-Elemental-MediaPackage", "Policy for Elemental MediaPackage Origin", [0, 86400, 31536000], { headers: ["origin"], queryStrings: ["aws.manifestfilter", "start", "end", "m"], gzip: true, brotli: false })],
  ["83da9c7e-98b4-4e11-a168-04f0df8e2c65", cachePolicy("UseOriginCacheControlHeaders", "Policy for origins that return Cache-Control headers. Query strings are not included in the cache key.", [0, 0, 31536000], { headers: ORIGIN_CACHE_CONTROL_HEADERS, cookies: "all", gzip: true, brotli: true })],
  ["4cc15a8a-d715-48a4-82b8-cc0b614638fe", cachePolicy("UseOriginCacheControlHeaders-QueryStrings", "Policy for origins that return Cache-Control headers and serve different content based on values present in the query string.", [0, 0, 31536000], { headers: ORIGIN_CACHE_CONTROL_HEADERS, cookies: "all", queryStrings: "all", gzip: true, brotli: true })],
  ["4d1d2f1d-3a71-49ad-9e08-7ea5d843a556", cachePolicy("Managed-Amplify-Default", "Default Amplify cache policy", [0, 0, 31536000], { headers: ["Accept", "Authorization", "CloudFront-Viewer-Country", "Host"], cookies: "all", queryStrings: "all", gzip: true, brotli: true })],
  ["a6bad946-36c3-4c33-aa98-362c74a7fb13", cachePolicy("Managed-Amplify-DefaultNoCookies", "Default Amplify cache policy without cookies", [0, 0, 31536000], { headers: ["Accept", "Authorization", "CloudFront-Viewer-Country", "Host"], queryStrings: "all", gzip: true, brotli: true })],
  ["1c6db51a-a33f-469a-8245-dae26771f530", cachePolicy("Managed-Amplify-ImageOptimization", "Amplify cache policy for image optimization", [0, 0, 31536000], { headers: ["Accept", "Authorization", "Host"], queryStrings: "all", gzip: true, brotli: true })],
  ["7e5fad67-ee98-4ad0-b05a-394999eefc1a", cachePolicy("Managed-Amplify-StaticContent", "Amplify cache policy for static content", [0, 0, 31536000], { headers: ["Authorization", "Host"], gzip: true, brotli: true })],
]);

function originRequestPolicy(name: string, headers: OriginRequestPolicyConfig["HeadersConfig"], all: boolean): OriginRequestPolicyConfig {
  return {
    Name: name,
    HeadersConfig: headers,
    CookiesConfig: { CookieBehavior: all ? "all" : "none" },
    QueryStringsConfig: { QueryStringBehavior: all ? "all" : "none" },
  };
}

const whitelist = (...names: string[]): OriginRequestPolicyConfig["HeadersConfig"] => ({ HeaderBehavior: "whitelist", Headers: { Quantity: names.length, Items: names } });

/** Managed origin request policies by ID. */
export const MANAGED_ORIGIN_REQUEST_POLICIES: ReadonlyMap<string, OriginRequestPolicyConfig> = new Map([
  ["216adef6-5c7f-47e4-b989-5492eafa07d3", originRequestPolicy("Managed-AllViewer", { HeaderBehavior: "allViewer" }, true)],
  ["33f36d7e-f396-46d9-90e0-52428a34d9dc", originRequestPolicy("Managed-AllViewerAndCloudFrontHeaders-2022-06", { HeaderBehavior: "allViewerAndWhitelistCloudFront", Headers: { Quantity: 21, Items: ["CloudFront-Forwarded-Proto", "CloudFront-Is-Android-Viewer", "CloudFront-Is-Desktop-Viewer", "CloudFront-Is-IOS-Viewer", "CloudFront-Is-Mobile-Viewer", "CloudFront-Is-SmartTV-Viewer", "CloudFront-Is-Tablet-Viewer", "CloudFront-Viewer-Address", "CloudFront-Viewer-ASN", "CloudFront-Viewer-City", "CloudFront-Viewer-Country", "CloudFront-Viewer-Country-Name", "CloudFront-Viewer-Country-Region", "CloudFront-Viewer-Country-Region-Name", "CloudFront-Viewer-Http-Version", "CloudFront-Viewer-Latitude", "CloudFront-Viewer-Longitude", "CloudFront-Viewer-Metro-Code", "CloudFront-Viewer-Postal-Code", "CloudFront-Viewer-Time-Zone", "CloudFront-Viewer-TLS"] } }, true)],
  ["b689b0a8-53d0-40ab-baf2-68738e2966ac", originRequestPolicy("Managed-AllViewerExceptHostHeader", { HeaderBehavior: "allExcept", Headers: { Quantity: 1, Items: ["host"] } }, true)],
  ["59781a5b-3903-41f3-afcb-af62929ccde1", originRequestPolicy("Managed-CORS-CustomOrigin", whitelist("origin"), false)],
  ["88a5eaf4-2fd4-4709-b370-b4c650ea3fcf", originRequestPolicy("Managed-CORS-S3Origin", whitelist("origin", "access-control-request-headers", "access-control-request-method"), false)],
  ["775133bc-15f2-49f9-abea-afb2e0bf67d2", { ...originRequestPolicy("Managed-Elemental-MediaTailor-PersonalizedManifests", whitelist("origin", "access-control-request-headers", "access-control-request-method", "user-agent", "x-forwarded-for"), false), QueryStringsConfig: { QueryStringBehavior: "all" } }],
  ["acba4595-bd28-49b8-b9fe-13317c0390fa", originRequestPolicy("Managed-UserAgentRefererHeaders", whitelist("user-agent", "referer"), false)],
  ["bf0718e1-ba1e-49d1-88b1-f726733018ae", originRequestPolicy("Managed-HostHeaderOnly", whitelist("host"), false)],
]);

// docs/managed-policies.md §3. The API form of the CORS part is unverified: `*` origins and headers,
// `ALL` methods for SimpleCORS and the explicit seven-method list for the preflight variants,
// Expose-Headers `*` only in the preflight variants, no Max-Age, credentials off, OriginOverride
// false. The Comments are the console descriptions (unverified as API strings).
const list = <T>(items: T[]) => ({ Quantity: items.length, Items: items });

const SIMPLE_CORS: NonNullable<ResponseHeadersPolicyConfig["CorsConfig"]> = {
  AccessControlAllowOrigins: list(["*"]),
  AccessControlAllowHeaders: list(["*"]),
  AccessControlAllowMethods: list(["ALL"]),
  AccessControlAllowCredentials: false,
  AccessControlExposeHeaders: { Quantity: 0 },
  OriginOverride: false,
};

const CORS_WITH_PREFLIGHT: NonNullable<ResponseHeadersPolicyConfig["CorsConfig"]> = {
  ...SIMPLE_CORS,
  AccessControlAllowMethods: list(["DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"]),
  AccessControlExposeHeaders: list(["*"]),
};

/** Only X-Content-Type-Options overrides the origin's value (AWS doc); the values are corroborated. */
const SECURITY_HEADERS: NonNullable<ResponseHeadersPolicyConfig["SecurityHeadersConfig"]> = {
  ReferrerPolicy: { ReferrerPolicy: "strict-origin-when-cross-origin", Override: false },
  StrictTransportSecurity: { AccessControlMaxAgeSec: 31536000, IncludeSubdomains: false, Preload: false, Override: false },
  ContentTypeOptions: { Override: true },
  FrameOptions: { FrameOption: "SAMEORIGIN", Override: false },
  XSSProtection: { Protection: true, ModeBlock: true, Override: false },
};

/** Managed response headers policies by ID. */
export const MANAGED_RESPONSE_HEADERS_POLICIES: ReadonlyMap<string, ResponseHeadersPolicyConfig> = new Map<string, ResponseHeadersPolicyConfig>([
  ["60669652-455b-4ae9-85a4-c4c02393f86c", { Name: "Managed-SimpleCORS", Comment: "Allows all origins for simple CORS requests", CorsConfig: SIMPLE_CORS }],
  ["5cc3b908-e619-4b99-88e5-2cf7f45965bd", { Name: "Managed-CORS-With-Preflight", Comment: "Allows all origins for CORS requests, including preflight requests", CorsConfig: CORS_WITH_PREFLIGHT }],
  ["67f7725c-6f97-4210-82d7-5512b31e9d03", { Name: "Managed-SecurityHeadersPolicy", Comment: "Adds a set of security headers to every response", SecurityHeadersConfig: SECURITY_HEADERS }],
  ["e61eb60c-9c35-4d20-a928-2b84e02af89c", { Name: "Managed-CORS-and-SecurityHeadersPolicy", Comment: "Allows all origins for simple CORS requests and adds a set of security headers to every response", CorsConfig: SIMPLE_CORS, SecurityHeadersConfig: SECURITY_HEADERS }],
  ["eaab4381-ed33-4a86-88ca-d9558dc6cd63", { Name: "Managed-CORS-with-preflight-and-SecurityHeadersPolicy", Comment: "Allows all origins for CORS requests, including preflight requests, and adds a set of security headers to every response", CorsConfig: CORS_WITH_PREFLIGHT, SecurityHeadersConfig: SECURITY_HEADERS }],
]);
