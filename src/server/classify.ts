// One port, several kinds of traffic (issue 2, docs/control-plane.md §1 "Telling CloudFront API calls
// apart"). Order matters:
// 1. minifront's own endpoints and the LocalStack/moto compatibility endpoints;
// 2. a SigV4/SigV4A credential scope names the service outright (header or presigned query);
// 3. a Host that is a distribution's domain name or alias is edge traffic; a Host under the
//    distributions' domain suffix that is no distribution's gets CloudFront's own 403 (issue 16),
//    not S3's NoSuchBucket; a `<bucket>.s3-website.localhost` host is the S3 website endpoint;
// 4. an unsigned `/2020-05-31/...` path is the CloudFront API (a bucket may be named 2020-05-31,
//    so this comes after the signature check);
// 5. everything else addressed to the endpoint is S3 (path-style or bucket.s3.localhost...).

import { hostWithoutPort } from "../api/host.ts";
import { websiteBucketFromHost } from "../services/s3/router.ts";

export { hostWithoutPort };

/** "service": a service registered in aws-services.ts, named by the credential scope. */
export type Traffic = "internal" | "cloudfront" | "kvs" | "lambda" | "iam" | "sts" | "service" | "s3" | "website" | "edge" | "unknown-distribution";

export interface ClassifyInput {
  readonly path: string;
  readonly host: string;
  readonly authorization: string | undefined;
  /** The raw query string (without `?`): parsed only when it may carry a presigned credential. */
  readonly rawQuery: string;
}

const INTERNAL_PREFIXES: readonly string[] = ["/_minifront/", "/_localstack/", "/moto-api/"];

/** minifront's own endpoints and the LocalStack/moto compatibility ones. */
export function isInternalPath(path: string): boolean {
  for (const p of INTERNAL_PREFIXES) if (path.startsWith(p)) return true;
  return false;
}

export function classifyRequest(
  req: ClassifyInput,
  isDistributionHost: (host: string) => boolean,
  isService: (name: string) => boolean = () => false,
  isDistributionDomain: (host: string) => boolean = () => false,
): Traffic {
  if (isInternalPath(req.path)) return "internal";
  const service = credentialService(req.authorization, req.rawQuery);
  if (service === "cloudfront") return "cloudfront";
  if (service === "cloudfront-keyvaluestore") return "kvs";
  // Lambda, IAM and STS (issue 14): services/lambda/platform.ts.
  if (service === "lambda" || service === "iam" || service === "sts") return service;
  if (service !== undefined) return isService(service) ? "service" : "s3";
  const host = hostWithoutPort(req.host);
  if (isDistributionHost(host)) return "edge";
  if (isDistributionDomain(host)) return "unknown-distribution";
  if (websiteBucketFromHost(host) !== undefined) return "website";
  if (req.path.startsWith("/2020-05-31/")) return "cloudfront";
  return "s3";
}

/**
 * The service named in a request's credential scope: `<date>/<region>/<service>/aws4_request`
 * for SigV4, `<date>/<service>/aws4_request` for SigV4A. An S3 SigV2 header (`AWS key:sig`) is s3.
 */
export function credentialService(authorization: string | undefined, rawQuery: string): string | undefined {
  let credential: string | undefined;
  if (authorization) {
    if (/^AWS [^:\s]+:/.test(authorization)) return "s3";
    credential = /Credential=([^,\s]+)/.exec(authorization)?.[1];
  }
  if (credential === undefined && rawQuery.includes("X-Amz-Credential")) credential = new URLSearchParams(rawQuery).get("X-Amz-Credential") ?? undefined;
  if (!credential) return undefined;
  const parts = credential.split("/");
  if (parts.length < 4 || parts[parts.length - 1] !== "aws4_request") return undefined;
  return parts[parts.length - 2];
}
