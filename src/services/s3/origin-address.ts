// Where an S3 origin of a distribution really is (issue 3 "Origin addressing"). A distribution
// names its S3 origin by an AWS host name (`bucket.s3.amazonaws.com`, `bucket.s3.<region>.amazonaws.com`,
// LocalStack's `bucket.s3.localhost.localstack.cloud`, a website endpoint `bucket.s3-website...`).
// minifront serves those from its embedded S3 by default, or from an external S3 (LocalStack,
// MinIO, another minifront) when `--s3-endpoint` is set; REST origins are reached path-style
// (`<endpoint>/<bucket>/<key>`), which every S3 implementation accepts, and website origins with
// the website Host header on the endpoint's address.
import { bucketFromHost, websiteBucketFromHost } from "./router.ts";

export interface S3OriginName {
  readonly kind: "rest" | "website";
  readonly bucket: string;
}

/** Reads an origin DomainName as an S3 bucket endpoint, or undefined when it is not one. */
export function parseS3OriginDomain(domainName: string): S3OriginName | undefined {
  const host = domainName.toLowerCase().replace(/\.$/, "");
  const website = websiteBucketFromHost(host);
  if (website !== undefined) return { kind: "website", bucket: website };
  // Only the S3-specific base hosts count here: `anything.localhost` is not an S3 origin name.
  if (!/\.s3([.-][a-z0-9-]+)*\.(amazonaws\.com|localhost|localhost\.localstack\.cloud)$/.test(host)) return undefined;
  const rest = bucketFromHost(host);
  return rest === undefined ? undefined : { kind: "rest", bucket: rest };
}

/** How to reach one bucket: the URL prefix to put the object path after, and the Host to send. */
export interface S3OriginEndpoint {
  readonly protocol: "http:" | "https:";
  readonly hostname: string;
  readonly port: number;
  /** Path prefix before the object's path: `/<bucket>` for REST origins, empty for websites. */
  readonly pathPrefix: string;
  readonly hostHeader: string;
}

export interface S3OriginSettings {
  /** The embedded S3 (this process): host and port it listens on. */
  readonly embedded: { readonly hostname: string; readonly port: number };
  /** `--s3-endpoint`, when set: everything goes there instead. */
  readonly external: URL | undefined;
}

export function resolveS3Origin(name: S3OriginName, settings: S3OriginSettings): S3OriginEndpoint {
  const target = settings.external
    ? {
        protocol: settings.external.protocol === "https:" ? ("https:" as const) : ("http:" as const),
        hostname: settings.external.hostname,
        port: Number(settings.external.port || (settings.external.protocol === "https:" ? 443 : 80)),
      }
    : { protocol: "http:" as const, hostname: settings.embedded.hostname, port: settings.embedded.port };
  const authority = `${target.hostname.includes(":") ? `[${target.hostname}]` : target.hostname}:${target.port}`;
  if (name.kind === "website") {
    const suffix = settings.external ? "s3-website.localhost.localstack.cloud" : "s3-website.localhost";
    return { ...target, pathPrefix: "", hostHeader: `${name.bucket}.${suffix}:${target.port}` };
  }
  return { ...target, pathPrefix: `/${encodeURIComponent(name.bucket)}`, hostHeader: authority };
}
