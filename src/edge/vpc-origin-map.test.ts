// --vpc-origin: parsing, and the mapping of a VPC origin to a local server (vpc-origin-map.ts).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseVpcOriginMappings } from "./vpc-origin-map.ts";
import { createVpcOriginMapper } from "./vpc-origin-routing.ts";
import type { CompiledOrigin } from "./compile.ts";
import { OriginError } from "./stages/origin-fetch.ts";
import type { Logger } from "../log.ts";

const ID = "vo_Ffua5QO1LTlCYJyo1GLcJc";
const ARN = `arn:aws:cloudfront::123456789012:vpcorigin/${ID}`;
const ALB = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/my-alb/50dc6c495c0c9188";

describe("parseVpcOriginMappings", () => {
  it("reads ids and ARNs with host and optional port", () => {
    assert.deepEqual(parseVpcOriginMappings(`${ID}=127.0.0.1:8080, ${ARN}=localhost,vo_X=[::1]:9000,${ALB}=127.0.0.1:81`), [
      { target: ID, hostname: "127.0.0.1", port: 8080 },
      { target: ARN, hostname: "localhost", port: undefined },
      { target: "vo_X", hostname: "::1", port: 9000 },
      { target: ALB, hostname: "127.0.0.1", port: 81 },
    ]);
    assert.deepEqual(parseVpcOriginMappings(""), []);
  });

  for (const bad of ["127.0.0.1:8080", `${ID}=`, `${ID}=http://localhost:80`, `E123=localhost:80`, `${ID}=localhost:99999`]) {
    it(`refuses "${bad}"`, () => assert.throws(() => parseVpcOriginMappings(bad), { code: "ERR_CONFIG" }));
  }
});

describe("createVpcOriginMapper", () => {
  const origin = { id: "alb", hostname: "internal-alb.example.com", port: 443, httpsPort: 443, protocol: "https:", vpcOrigin: { id: ID, arn: ARN, endpointArn: ALB } } as unknown as CompiledOrigin;
  const warnings: string[] = [];
  const log = { warn: (m: string) => warnings.push(m), info() {}, debug() {}, error() {} } as unknown as Logger;

  it("puts the mapped host and port in place of the VPC origin's, by id, ARN or endpoint ARN", () => {
    const byId = createVpcOriginMapper(parseVpcOriginMappings(`${ID}=127.0.0.1:8443`), log)(origin);
    assert.equal(byId.hostname, "127.0.0.1");
    assert.equal(byId.port, 8443);
    assert.equal(byId.protocol, "https:", "the VPC origin's protocol policy stays");
    const byArn = createVpcOriginMapper(parseVpcOriginMappings(`${ARN}=localhost`), log)(origin);
    assert.equal(byArn.port, 443, "without a port, the VPC origin's own");
    assert.equal(createVpcOriginMapper(parseVpcOriginMappings(`${ALB}=127.0.0.2:9443`), log)(origin).hostname, "127.0.0.2");
  });

  it("leaves other origins alone", () => {
    const plain = { ...origin, vpcOrigin: undefined } as CompiledOrigin;
    assert.equal(createVpcOriginMapper([], log)(plain), plain);
  });

  it("answers 502 for an unmapped VPC origin and says so once", () => {
    const map = createVpcOriginMapper([], log);
    for (let i = 0; i < 3; i++) assert.throws(() => map(origin), (err) => err instanceof OriginError && err.status === 502);
    assert.equal(warnings.filter((w) => w.includes(`--vpc-origin ${ID}=host:port`)).length, 1);
  });
});
