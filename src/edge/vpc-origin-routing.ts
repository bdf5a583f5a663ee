// How the edge reaches a VPC origin (vpc-origin-map.ts says what --vpc-origin means and what is not
// emulated): the mapper that puts the local server of --vpc-origin in place of the private endpoint
// at request time.
import type { Logger } from "../log.ts";
import type { CompiledOrigin } from "./compile.ts";
import { OriginError } from "./stages/origin-fetch.ts";
import type { VpcOriginMapping } from "./vpc-origin-map.ts";

/**
 * Where each VPC origin is locally: the origin with its host and port replaced by its mapping;
 * an origin that is no VPC origin as it is. An unmapped VPC origin throws OriginError 502.
 */
export function createVpcOriginMapper(mappings: readonly VpcOriginMapping[], log: Logger | undefined): (origin: CompiledOrigin) => CompiledOrigin {
  const warned = new Set<string>();
  const mapped = new WeakMap<CompiledOrigin, CompiledOrigin>();
  return (origin) => {
    const vpc = origin.vpcOrigin;
    if (!vpc) return origin;
    const hit = mapped.get(origin);
    if (hit) return hit;
    const m = mappings.find((x) => x.target === vpc.id || x.target === vpc.arn || x.target === vpc.endpointArn);
    if (!m) {
      if (!warned.has(vpc.id)) {
        warned.add(vpc.id);
        log?.warn(`VPC origin ${vpc.id} (origin ${origin.id}) is not mapped to a local server, so requests to it get CloudFront's 502: start minifront with --vpc-origin ${vpc.id}=host:port`);
      }
      throw new OriginError(502, `VPC origin ${vpc.id} is not mapped to a local server (--vpc-origin ${vpc.id}=host:port)`);
    }
    const next: CompiledOrigin = { ...origin, hostname: m.hostname, port: m.port ?? origin.port, httpsPort: m.port ?? origin.httpsPort };
    mapped.set(origin, next);
    return next;
  };
}
