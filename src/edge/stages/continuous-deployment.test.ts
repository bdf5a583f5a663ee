import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { ContinuousDeploymentPolicyConfig, TrafficConfig } from "@aws-sdk/client-cloudfront";
import { SESSION_COOKIE, routeRequest, type RoutingPolicy } from "./continuous-deployment.ts";

const NOW = Date.UTC(2026, 0, 1);
const SEC = Math.floor(NOW / 1000);

function policy(traffic: TrafficConfig, enabled = true, epoch = 0): RoutingPolicy {
  const config: ContinuousDeploymentPolicyConfig = { Enabled: enabled, StagingDistributionDnsNames: { Quantity: 1, Items: ["s.example"] }, TrafficConfig: traffic };
  return { Id: "p1", config, sessionEpoch: epoch };
}
const header = policy({ Type: "SingleHeader", SingleHeaderConfig: { Header: "aws-cf-cd-Stage", Value: "blue" } });
const weight = (w: number) => policy({ Type: "SingleWeight", SingleWeightConfig: { Weight: w } });
const sticky = (w: number, epoch = 0) => policy({ Type: "SingleWeight", SingleWeightConfig: { Weight: w, SessionStickinessConfig: { IdleTTL: 300, MaximumTTL: 600 } } }, true, epoch);

describe("routeRequest (Learn how continuous deployment works)", () => {
  const cases: Array<[string, RoutingPolicy, Record<string, string>, number, boolean]> = [
    ["header with the configured value → staging (names are case-insensitive)", header, { "aws-cf-cd-stage": "blue" }, 0.5, true],
    ["header with another value → primary", header, { "aws-cf-cd-stage": "green" }, 0, false],
    ["no header → primary", header, {}, 0, false],
    ["disabled policy routes nothing", policy(header.config.TrafficConfig as TrafficConfig, false), { "aws-cf-cd-stage": "blue" }, 0, false],
    ["weight: a roll under the weight → staging", weight(0.15), {}, 0.1, true],
    ["weight: a roll at or over the weight → primary", weight(0.15), {}, 0.15, false],
    ["weight 0 → never staging", weight(0), {}, 0, false],
  ];
  for (const [what, p, headers, roll, toStaging] of cases) {
    it(what, () => {
      const r = routeRequest(p, headers, NOW, roll);
      assert.equal(r.toStaging, toStaging);
      assert.equal(r.setCookie, undefined);
    });
  }

  it("a new sticky session sets a cookie carrying the side and times", () => {
    const r = routeRequest(sticky(0.15), {}, NOW, 0.01);
    assert.equal(r.toStaging, true);
    assert.equal(r.setCookie, `${SESSION_COOKIE}=p1.0.s.${SEC}.${SEC}; Max-Age=300; Path=/; HttpOnly`);
  });

  it("a live session keeps its side whatever the roll, and is renewed", () => {
    const cookie = `a=b; ${SESSION_COOKIE}=p1.0.s.${SEC - 400}.${SEC - 100}`;
    const r = routeRequest(sticky(0.15), { cookie }, NOW, 0.99);
    assert.equal(r.toStaging, true);
    assert.equal(r.setCookie, `${SESSION_COOKIE}=p1.0.s.${SEC - 400}.${SEC}; Max-Age=200; Path=/; HttpOnly`);
  });

  const stale: Array<[string, string, RoutingPolicy]> = [
    ["idle longer than IdleTTL", `p1.0.s.${SEC - 400}.${SEC - 301}`, sticky(0)],
    ["older than MaximumTTL", `p1.0.s.${SEC - 601}.${SEC - 1}`, sticky(0)],
    ["from before the policy was switched off and on (epoch)", `p1.0.s.${SEC - 10}.${SEC - 1}`, sticky(0, 1)],
    ["of another policy", `p2.0.s.${SEC - 10}.${SEC - 1}`, sticky(0)],
    ["malformed", "p1.0.x.1.2", sticky(0)],
  ];
  for (const [what, value, p] of stale) {
    it(`a session ${what} starts again`, () => {
      const r = routeRequest(p, { cookie: `${SESSION_COOKIE}=${value}` }, NOW, 0.5);
      assert.equal(r.toStaging, false);
      assert.match(r.setCookie ?? "", new RegExp(`=p1\\.${p.sessionEpoch}\\.p\\.${SEC}\\.${SEC};`));
    });
  }
});
