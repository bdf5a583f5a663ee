// VPC origins at the edge (CloudFront Developer Guide "Restrict access with VPC origins"). On AWS a
// VPC origin is a load balancer or EC2 instance in a private subnet that only CloudFront reaches;
// here nothing is private, so `--vpc-origin <id|arn>=host[:port]` says which local server stands in
// for it; the VPC origin is named by its id or ARN, or by its endpoint's ARN (the load balancer or
// instance ARN, which a template knows before the VPC origin exists). What the VPC origin says still applies: its OriginProtocolPolicy (http-only, https-only,
// match-viewer) picks the scheme, its HTTPPort/HTTPSPort the port when the mapping gives none, the
// distribution origin's DomainName is the Host header (with the port when not 80/443, as for custom
// origins), and VpcOriginConfig's OriginReadTimeout the read timeout.
// A VPC origin with no mapping cannot be reached: the request gets CloudFront's 502 ("CloudFront
// wasn't able to connect to the origin"), and a warning says once per VPC origin how to map it.
// Not emulated: OriginSslProtocols (certificates are not verified, as for custom origins),
// OriginKeepaliveTimeout, IpAddressType, cross-account VPC origins (OwnerAccountId is ignored).
// This module is the option's parser (read at start) and how compile.ts sees a VPC origin;
// vpc-origin-routing.ts applies the mappings at request time.
import type { Origin, VpcOriginEndpointConfig } from "@aws-sdk/client-cloudfront";
import { EmulatorError } from "../errors.ts";

/** A VPC origin's id or ARN, or the ARN of the load balancer or EC2 instance it fronts (known before the VPC origin exists). */
const TARGET = /^(vo_[A-Za-z0-9]+|arn:aws:cloudfront::\d{12}:vpcorigin\/vo_[A-Za-z0-9]+|arn:aws[a-z-]*:(elasticloadbalancing|ec2):[a-z0-9-]+:\d{12}:[A-Za-z0-9/_.-]+)$/;

export interface VpcOriginMapping {
  /** A VPC origin id (vo_…) or ARN, or its endpoint's (load balancer or instance) ARN. */
  readonly target: string;
  readonly hostname: string;
  /** Undefined: the VPC origin's HTTPPort or HTTPSPort, per the scheme used. */
  readonly port: number | undefined;
}

/**
 * Parses `--vpc-origin`: comma-separated `<target>=host[:port]` (IPv6 hosts in brackets), the target a
 * VPC origin's id or ARN or its endpoint's ARN.
 * Throws EmulatorError ERR_CONFIG on a malformed entry.
 */
export function parseVpcOriginMappings(spec: string): VpcOriginMapping[] {
  const out: VpcOriginMapping[] = [];
  for (const raw of spec.split(",")) {
    const entry = raw.trim();
    if (entry === "") continue;
    const eq = entry.lastIndexOf("=");
    const target = eq > 0 ? entry.slice(0, eq) : "";
    const m = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(?::(\d{1,5}))?$/.exec(entry.slice(eq + 1));
    const port = m?.[2] === undefined ? undefined : Number(m[2]);
    if (!m || !TARGET.test(target) || (port !== undefined && (port < 1 || port > 65535))) {
      throw new EmulatorError("ERR_CONFIG", `--vpc-origin takes <VPC origin id or ARN, or its load balancer or instance ARN>=host[:port], e.g. vo_Ffua5QO1LTlCYJyo1GLcJc=127.0.0.1:8080, not "${entry}"`);
    }
    out.push({ target, hostname: (m[1] as string).replace(/^\[|\]$/g, ""), port });
  }
  return out;
}

/** Which VPC origin a compiled origin is (its id, ARN and endpoint ARN), for the mapping. */
export interface VpcOriginRef {
  readonly id: string;
  readonly arn: string;
  readonly endpointArn: string;
}

/** A VPC origin as the edge reads it: its ARN and endpoint settings. */
export interface VpcOriginView {
  readonly Arn: string;
  readonly config: VpcOriginEndpointConfig;
}

export interface VpcOriginLookup {
  vpcOrigin?(id: string): VpcOriginView | undefined;
}

/**
 * An origin with a VpcOriginConfig as the custom origin the edge reaches (compile.ts compiles it as
 * one): the VPC origin's OriginProtocolPolicy and ports, VpcOriginConfig's OriginReadTimeout, and
 * which VPC origin it is, for the mapping at request time.
 */
export function vpcOriginAsCustom(o: Origin, lookup: VpcOriginLookup): { readonly origin: Origin; readonly vpcOrigin: VpcOriginRef } {
  const id = o.VpcOriginConfig?.VpcOriginId ?? "";
  const vpc = lookup.vpcOrigin?.(id);
  const { VpcOriginConfig: config, ...rest } = o;
  return {
    origin: {
      ...rest,
      CustomOriginConfig: {
        HTTPPort: vpc?.config.HTTPPort ?? 80,
        HTTPSPort: vpc?.config.HTTPSPort ?? 443,
        OriginProtocolPolicy: vpc?.config.OriginProtocolPolicy ?? "http-only",
        OriginReadTimeout: config?.OriginReadTimeout,
      },
    },
    vpcOrigin: { id, arn: vpc?.Arn ?? "", endpointArn: vpc?.config.Arn ?? "" },
  };
}
