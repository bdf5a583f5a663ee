// Origin changes from the 2.0 cloudfront module (docs/functions.md §4.3, CloudFront guide "Helper methods for origin modification").
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { checkOriginChange } from "./origin.ts";

describe("checkOriginChange", () => {
  it("accepts a full updateRequestOrigin and keeps its parameters", () => {
    const params = {
      domainName: "origin.example.com",
      originPath: "/v2",
      customHeaders: { "x-secret": "1" },
      connectionAttempts: 2,
      originShield: { enabled: true, region: "us-east-1" },
      originAccessControlConfig: { enabled: true, signingBehavior: "always", signingProtocol: "sigv4", originType: "s3" },
      timeouts: { readTimeout: 30, connectionTimeout: 5, keepAliveTimeout: 5 },
      customOriginConfig: { port: 8443, protocol: "https", sslProtocols: ["TLSv1.2"] },
    };
    assert.deepEqual(checkOriginChange({ type: "updateRequestOrigin", params }), { ok: true, change: { type: "updateRequestOrigin", params } });
  });

  it("normalizes createRequestOriginGroup origin ids written either way", () => {
    const r = checkOriginChange({ type: "createRequestOriginGroup", params: { originIds: [{ originId: "a" }, "b"], failoverCriteria: { statusCodes: [500, 503] } } });
    assert.deepEqual(r, { ok: true, change: { type: "createRequestOriginGroup", params: { originIds: ["a", "b"], failoverCriteria: { statusCodes: [500, 503] } } } });
  });

  for (const [what, change] of [
    ["an unknown parameter", { type: "updateRequestOrigin", params: { domain: "x" } }],
    ["a domain with a space", { type: "updateRequestOrigin", params: { domainName: "a b" } }],
    ["an origin path ending with /", { type: "updateRequestOrigin", params: { originPath: "/a/" } }],
    ["four connection attempts", { type: "updateRequestOrigin", params: { connectionAttempts: 4 } }],
    ["an unknown signing behavior", { type: "updateRequestOrigin", params: { originAccessControlConfig: { enabled: true, signingBehavior: "sometimes" } } }],
    ["port 0", { type: "updateRequestOrigin", params: { customOriginConfig: { port: 0 } } }],
    ["an origin group of one", { type: "createRequestOriginGroup", params: { originIds: ["a"], failoverCriteria: { statusCodes: [500] } } }],
    ["a failover status of 200", { type: "createRequestOriginGroup", params: { originIds: ["a", "b"], failoverCriteria: { statusCodes: [200] } } }],
    ["an empty origin id", { type: "selectRequestOriginById", originId: "" }],
  ] as const) {
    it(`refuses ${what} as an invalid origin rewrite`, () => {
      const r = checkOriginChange(change);
      assert.equal(r.ok, false);
      assert.match((r as { message: string }).message, /invalid value for origin rewrite/);
    });
  }
});
