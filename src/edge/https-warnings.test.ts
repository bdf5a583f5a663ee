import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { DistributionConfig } from "@aws-sdk/client-cloudfront";
import type { DistributionRecord } from "../services/cloudfront/state.ts";
import { HttpsWarnings, behaviorsNeedingHttps } from "./https-warnings.ts";

const rec = (etag: string, config: Partial<DistributionConfig>): DistributionRecord =>
  ({ Id: "E1", ETag: etag, config: { DefaultCacheBehavior: { ViewerProtocolPolicy: "allow-all" }, ...config } }) as unknown as DistributionRecord;

describe("HTTPS warnings (docs/edge.md §5)", () => {
  it("finds the behaviors whose viewer protocol policy needs HTTPS", () => {
    const r = rec("A", {
      DefaultCacheBehavior: { ViewerProtocolPolicy: "redirect-to-https" } as DistributionConfig["DefaultCacheBehavior"],
      CacheBehaviors: { Quantity: 2, Items: [{ PathPattern: "api/*", ViewerProtocolPolicy: "https-only" }, { PathPattern: "img/*", ViewerProtocolPolicy: "allow-all" }] } as DistributionConfig["CacheBehaviors"],
    });
    assert.deepEqual(behaviorsNeedingHttps(r), [
      { pattern: "default (*)", policy: "redirect-to-https" },
      { pattern: "api/*", policy: "https-only" },
    ]);
  });

  it("warns once per distribution and change, only after changes, only without an HTTPS listener", () => {
    const lines: string[] = [];
    let https: number | undefined;
    const w = new HttpsWarnings({ debug() {}, info() {}, warn: (m) => void lines.push(m), error() {} }, () => https);
    const needs = rec("A", { DefaultCacheBehavior: { ViewerProtocolPolicy: "https-only" } as DistributionConfig["DefaultCacheBehavior"] });
    w.afterOperation("GetDistribution", 200, () => [needs]);
    w.afterOperation("CreateDistribution", 400, () => [needs]);
    assert.equal(lines.length, 0);
    w.afterOperation("CreateDistribution", 201, () => [needs]);
    w.afterOperation("UpdateDistribution", 200, () => [needs]);
    assert.equal(lines.length, 1, "the same ETag is the same change");
    w.afterOperation("UpdateDistribution", 200, () => [{ ...needs, ETag: "B" }]);
    assert.equal(lines.length, 2);
    w.redirected("E1", "https://x/");
    w.redirected("E1", "https://x/");
    assert.equal(lines.length, 3, "one redirect warning per distribution");
    https = 4443;
    w.afterOperation("UpdateDistribution", 200, () => [{ ...needs, ETag: "C" }]);
    w.redirected("E2", "https://y/");
    assert.equal(lines.length, 3);
  });
});
