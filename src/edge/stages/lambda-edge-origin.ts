// The origin an origin-request Lambda@Edge function chose (CloudFront Developer Guide, "Lambda@Edge
// event structure", "Origin request events": changing `request.origin` sends the request to
// another custom or S3 origin), as the edge's compiled origin. An S3 domain the embedded (or
// --s3-endpoint) S3 serves resolves as a distribution's S3 origin does. Pure: no I/O.
// Emulator: a custom domainName may be an IP address or localhost (CloudFront refuses IPs) so that
// local origins can be reached. Not done: authMethod origin-access-identity signing (the request
// goes unsigned), keepaliveTimeout and sslProtocols (accepted, not applied).
import type { CompiledOrigin } from "../compile.ts";
import { parseS3OriginDomain, resolveS3Origin, type S3OriginSettings } from "../../services/s3/origin-address.ts";
import type { CfHeaders, CfOrigin } from "./lambda-edge-event.ts";

/** The origin to ask, or a validation message when the function named an S3 origin minifront cannot serve. */
export function originFromLambda(cf: CfOrigin, current: CompiledOrigin, s3: S3OriginSettings): CompiledOrigin | string {
  if ("s3" in cf) {
    const name = parseS3OriginDomain(cf.s3.domainName);
    if (!name) return `The s3 origin domainName ${cf.s3.domainName} is not an S3 bucket endpoint.`;
    const ep = resolveS3Origin(name, s3);
    return {
      ...current,
      id: `${current.id}/lambda`,
      protocol: ep.protocol,
      hostname: ep.hostname,
      port: ep.port,
      httpsPort: ep.port,
      pathPrefix: ep.pathPrefix + cf.s3.path,
      hostHeader: ep.hostHeader,
      customHeaders: headerPairs(cf.s3.customHeaders),
      isS3: true,
      access: undefined,
      domainName: cf.s3.domainName,
    };
  }
  const c = cf.custom;
  const protocol = c.protocol === "https" ? "https:" : "http:";
  const defaultPort = protocol === "https:" ? 443 : 80;
  return {
    ...current,
    id: `${current.id}/lambda`,
    protocol,
    hostname: c.domainName,
    port: c.port,
    httpsPort: c.port,
    pathPrefix: c.path,
    hostHeader: c.port === defaultPort ? c.domainName : `${c.domainName}:${c.port}`,
    customHeaders: headerPairs(c.customHeaders),
    readTimeoutMs: c.readTimeout * 1000,
    isS3: false,
    access: undefined,
    originShield: false,
    domainName: c.domainName,
  };
}

function headerPairs(h: CfHeaders): Array<readonly [string, string]> {
  return Object.entries(h).flatMap(([name, entries]) => entries.map((e) => [e.key ?? name, e.value] as const));
}
