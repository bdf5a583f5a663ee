// Continuous deployment end to end (issue 17): policies, staging distributions and promotion
// through @aws-sdk/client-cloudfront on a real port, and the edge routing requests to a primary by
// the policy's SingleHeader and SingleWeight (session stickiness) rules. Semantics: the CloudFront
// API reference for each operation and the Developer Guide's "Learn how continuous deployment
// works"; the cookie's name is our choice (src/edge/stages/continuous-deployment.ts).
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  CopyDistributionCommand,
  CreateContinuousDeploymentPolicyCommand,
  CreateDistributionCommand,
  DeleteContinuousDeploymentPolicyCommand,
  DeleteDistributionCommand,
  GetContinuousDeploymentPolicyCommand,
  GetContinuousDeploymentPolicyConfigCommand,
  GetDistributionConfigCommand,
  ListContinuousDeploymentPoliciesCommand,
  UpdateContinuousDeploymentPolicyCommand,
  UpdateDistributionCommand,
  UpdateDistributionWithStagingConfigCommand,
  type CloudFrontClient,
  type ContinuousDeploymentPolicyConfig,
  type DistributionConfig,
  type TrafficConfig,
} from "@aws-sdk/client-cloudfront";
import { ManualClock } from "../../src/index.ts";
import { expectServiceError, useEmulator } from "../helpers/emulator.ts";
import { TestOrigin, header, sendToEdge } from "../helpers/test-origin.ts";

const HEADER_RULE: TrafficConfig = { Type: "SingleHeader", SingleHeaderConfig: { Header: "aws-cf-cd-stage", Value: "blue" } };

describe("continuous deployment", () => {
  const clock = new ManualClock();
  const t = useEmulator({ clock });
  const origin = new TestOrigin();
  let cf: CloudFrontClient | undefined;
  let refs = 0;
  const cloudfront = (): CloudFrontClient => cf ?? assert.fail("client not created yet");

  before(async () => {
    await origin.start();
    cf = t.cloudfront();
  });
  after(async () => {
    cf?.destroy();
    await origin.close();
  });

  function baseConfig(): DistributionConfig {
    return {
      CallerReference: `cd-${++refs}`,
      Comment: "",
      Enabled: true,
      Origins: { Quantity: 1, Items: [{ Id: "o", DomainName: "127.0.0.1", CustomOriginConfig: { HTTPPort: origin.port, HTTPSPort: 443, OriginProtocolPolicy: "http-only" } }] },
      DefaultCacheBehavior: { TargetOriginId: "o", ViewerProtocolPolicy: "allow-all", ForwardedValues: { QueryString: false, Cookies: { Forward: "none" } } },
    };
  }

  async function getConfig(id: string): Promise<{ config: DistributionConfig; etag: string }> {
    const out = await cloudfront().send(new GetDistributionConfigCommand({ Id: id }));
    return { config: out.DistributionConfig ?? assert.fail("no config"), etag: out.ETag ?? assert.fail("no etag") };
  }

  async function updateDistribution(id: string, change: (c: DistributionConfig) => DistributionConfig): Promise<string> {
    const { config, etag } = await getConfig(id);
    const out = await cloudfront().send(new UpdateDistributionCommand({ Id: id, IfMatch: etag, DistributionConfig: change(config) }));
    return out.ETag ?? assert.fail("no etag");
  }

  interface Pair {
    readonly primary: { id: string; domain: string };
    readonly staging: { id: string; domain: string };
    readonly policyId: string;
  }

  /** A primary, its staging copy (whose origin path is /staging), and a policy between them, attached. */
  async function pair(traffic: TrafficConfig = HEADER_RULE, enabled = true): Promise<Pair> {
    const p = await cloudfront().send(new CreateDistributionCommand({ DistributionConfig: baseConfig() }));
    const primary = { id: p.Distribution?.Id ?? "", domain: p.Distribution?.DomainName ?? "" };
    const s = await cloudfront().send(new CopyDistributionCommand({ PrimaryDistributionId: primary.id, CallerReference: `cd-${++refs}`, Staging: true, IfMatch: p.ETag }));
    const staging = { id: s.Distribution?.Id ?? "", domain: s.Distribution?.DomainName ?? "" };
    assert.equal(s.Distribution?.DistributionConfig?.Staging, true);
    await updateDistribution(staging.id, (c) => ({ ...c, Origins: { Quantity: 1, Items: [{ ...c.Origins?.Items?.[0], Id: "o", DomainName: "127.0.0.1", OriginPath: "/staging" }] } }));
    const policy = await cloudfront().send(new CreateContinuousDeploymentPolicyCommand({ ContinuousDeploymentPolicyConfig: policyConfig(staging.domain, traffic, enabled) }));
    const policyId = policy.ContinuousDeploymentPolicy?.Id ?? assert.fail("no policy id");
    await updateDistribution(primary.id, (c) => ({ ...c, ContinuousDeploymentPolicyId: policyId }));
    return { primary, staging, policyId };
  }

  function policyConfig(stagingDomain: string, traffic: TrafficConfig = HEADER_RULE, enabled = true): ContinuousDeploymentPolicyConfig {
    return { Enabled: enabled, StagingDistributionDnsNames: { Quantity: 1, Items: [stagingDomain] }, TrafficConfig: traffic };
  }

  async function policyOf(id: string): Promise<{ config: ContinuousDeploymentPolicyConfig; etag: string }> {
    const out = await cloudfront().send(new GetContinuousDeploymentPolicyConfigCommand({ Id: id }));
    return { config: out.ContinuousDeploymentPolicyConfig ?? assert.fail("no config"), etag: out.ETag ?? assert.fail("no etag") };
  }

  async function updatePolicy(id: string, change: (c: ContinuousDeploymentPolicyConfig) => ContinuousDeploymentPolicyConfig): Promise<string> {
    const { config, etag } = await policyOf(id);
    const out = await cloudfront().send(new UpdateContinuousDeploymentPolicyCommand({ Id: id, IfMatch: etag, ContinuousDeploymentPolicyConfig: change(config) }));
    return out.ETag ?? assert.fail("no etag");
  }

  const get = (domain: string, path: string, headers: Record<string, string> = {}) => sendToEdge(t.emu.port, `${domain}:${t.emu.port}`, path, { headers });

  describe("the API", () => {
    it("creates, reads, lists, updates and deletes a policy with ETags", async () => {
      const { primary, staging, policyId } = await pair();
      const got = await cloudfront().send(new GetContinuousDeploymentPolicyCommand({ Id: policyId }));
      assert.match(policyId, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      assert.deepEqual(got.ContinuousDeploymentPolicy?.ContinuousDeploymentPolicyConfig?.StagingDistributionDnsNames?.Items, [staging.domain]);
      assert.deepEqual(got.ContinuousDeploymentPolicy?.ContinuousDeploymentPolicyConfig?.TrafficConfig, HEADER_RULE);
      const listed = await cloudfront().send(new ListContinuousDeploymentPoliciesCommand({}));
      assert.ok(listed.ContinuousDeploymentPolicyList?.Items?.some((i) => i.ContinuousDeploymentPolicy?.Id === policyId));
      const paged = await cloudfront().send(new ListContinuousDeploymentPoliciesCommand({ MaxItems: 1 }));
      assert.equal(paged.ContinuousDeploymentPolicyList?.Quantity, 1);

      const weight: TrafficConfig = { Type: "SingleWeight", SingleWeightConfig: { Weight: 0.1, SessionStickinessConfig: { IdleTTL: 300, MaximumTTL: 600 } } };
      const etag = await updatePolicy(policyId, (c) => ({ ...c, TrafficConfig: weight }));
      assert.notEqual(etag, got.ETag);
      assert.deepEqual((await policyOf(policyId)).config.TrafficConfig, weight);
      await expectServiceError(cloudfront().send(new UpdateContinuousDeploymentPolicyCommand({ Id: policyId, IfMatch: got.ETag, ContinuousDeploymentPolicyConfig: policyConfig(staging.domain) })), 412, "PreconditionFailed");
      await expectServiceError(cloudfront().send(new DeleteContinuousDeploymentPolicyCommand({ Id: policyId })), 400, "InvalidIfMatchVersion");

      // Attached to a primary: in use until the primary lets go of it.
      await expectServiceError(cloudfront().send(new DeleteContinuousDeploymentPolicyCommand({ Id: policyId, IfMatch: etag })), 409, "ContinuousDeploymentPolicyInUse");
      await updateDistribution(primary.id, (c) => ({ ...c, ContinuousDeploymentPolicyId: "" }));
      await cloudfront().send(new DeleteContinuousDeploymentPolicyCommand({ Id: policyId, IfMatch: etag }));
      await expectServiceError(cloudfront().send(new GetContinuousDeploymentPolicyCommand({ Id: policyId })), 404, "NoSuchContinuousDeploymentPolicy");
    });

    it("refuses invalid policies with AWS's codes and changes nothing", async () => {
      const { staging, policyId } = await pair();
      const other = await cloudfront().send(new CreateDistributionCommand({ DistributionConfig: baseConfig() }));
      const before = await policyOf(policyId);
      const count = (await cloudfront().send(new ListContinuousDeploymentPoliciesCommand({}))).ContinuousDeploymentPolicyList?.Quantity;
      const bad: Array<[ContinuousDeploymentPolicyConfig, number, string]> = [
        [policyConfig(staging.domain, { Type: "SingleHeader", SingleHeaderConfig: { Header: "x-stage", Value: "blue" } }), 400, "InvalidArgument"],
        [policyConfig(staging.domain, { Type: "SingleWeight", SingleWeightConfig: { Weight: 0.2 } }), 400, "InvalidArgument"],
        [policyConfig(staging.domain, { Type: "SingleWeight", SingleWeightConfig: { Weight: 0.1, SessionStickinessConfig: { IdleTTL: 299, MaximumTTL: 600 } } }), 400, "InvalidArgument"],
        [policyConfig(staging.domain, { Type: "SingleWeight", SingleWeightConfig: { Weight: 0.1, SessionStickinessConfig: { IdleTTL: 900, MaximumTTL: 600 } } }), 400, "InvalidArgument"],
        [policyConfig(staging.domain, { Type: "SingleWeight", SingleWeightConfig: { Weight: 0.1, SessionStickinessConfig: { IdleTTL: 300, MaximumTTL: 3601 } } }), 400, "InvalidArgument"],
        [{ ...policyConfig(staging.domain), StagingDistributionDnsNames: { Quantity: 2, Items: [staging.domain] } }, 400, "InconsistentQuantities"],
        [policyConfig(other.Distribution?.DomainName ?? ""), 400, "InvalidArgument"], // not a staging distribution
        [policyConfig(staging.domain), 409, "StagingDistributionInUse"], // already in policyId
      ];
      for (const [config, status, code] of bad) {
        await expectServiceError(cloudfront().send(new CreateContinuousDeploymentPolicyCommand({ ContinuousDeploymentPolicyConfig: config })), status, code);
        if (code !== "StagingDistributionInUse") {
          await expectServiceError(cloudfront().send(new UpdateContinuousDeploymentPolicyCommand({ Id: policyId, IfMatch: before.etag, ContinuousDeploymentPolicyConfig: config })), status, code);
        }
      }
      assert.deepEqual(await policyOf(policyId), before);
      assert.equal((await cloudfront().send(new ListContinuousDeploymentPoliciesCommand({}))).ContinuousDeploymentPolicyList?.Quantity, count);
      await expectServiceError(cloudfront().send(new GetContinuousDeploymentPolicyConfigCommand({ Id: "nope" })), 404, "NoSuchContinuousDeploymentPolicy");
      await expectServiceError(cloudfront().send(new UpdateContinuousDeploymentPolicyCommand({ Id: "nope", IfMatch: "E1", ContinuousDeploymentPolicyConfig: policyConfig(staging.domain) })), 404, "NoSuchContinuousDeploymentPolicy");
      await expectServiceError(cloudfront().send(new DeleteContinuousDeploymentPolicyCommand({ Id: "nope", IfMatch: "E1" })), 404, "NoSuchContinuousDeploymentPolicy");
    });

    it("keeps staging and primary distributions apart", async () => {
      const { primary, staging, policyId } = await pair();
      const before = await getConfig(primary.id);
      await expectServiceError(updateDistribution(primary.id, (c) => ({ ...c, ContinuousDeploymentPolicyId: "nope" })), 404, "NoSuchContinuousDeploymentPolicy");
      await expectServiceError(updateDistribution(staging.id, (c) => ({ ...c, ContinuousDeploymentPolicyId: policyId })), 400, "IllegalUpdate");
      await expectServiceError(updateDistribution(staging.id, (c) => ({ ...c, Staging: false })), 400, "IllegalUpdate");
      await expectServiceError(updateDistribution(primary.id, (c) => ({ ...c, Staging: true })), 400, "IllegalUpdate");
      await expectServiceError(
        cloudfront().send(new CreateDistributionCommand({ DistributionConfig: { ...baseConfig(), ContinuousDeploymentPolicyId: policyId } })),
        409,
        "ContinuousDeploymentPolicyInUse",
      );
      assert.deepEqual(await getConfig(primary.id), before);

      // Deleting: the staging side while a primary routes to it, the primary while its policy is enabled.
      await updateDistribution(staging.id, (c) => ({ ...c, Enabled: false }));
      await expectServiceError(cloudfront().send(new DeleteDistributionCommand({ Id: staging.id, IfMatch: (await getConfig(staging.id)).etag })), 409, "ResourceInUse");
      const disabled = await updateDistribution(primary.id, (c) => ({ ...c, Enabled: false }));
      await expectServiceError(cloudfront().send(new DeleteDistributionCommand({ Id: primary.id, IfMatch: disabled })), 409, "ResourceInUse");
      // What the Terraform provider does: disable the policy, then delete the primary.
      await updatePolicy(policyId, (c) => ({ ...c, Enabled: false }));
      await cloudfront().send(new DeleteDistributionCommand({ Id: primary.id, IfMatch: disabled }));
      const policyEtag = (await policyOf(policyId)).etag;
      await cloudfront().send(new DeleteContinuousDeploymentPolicyCommand({ Id: policyId, IfMatch: policyEtag }));
      await cloudfront().send(new DeleteDistributionCommand({ Id: staging.id, IfMatch: (await getConfig(staging.id)).etag }));
    });

    it("promotes the staging config onto the primary with both ETags, and disables the policy", async () => {
      const { primary, staging, policyId } = await pair();
      await updateDistribution(primary.id, (c) => ({ ...c, Comment: "primary" }));
      await updateDistribution(staging.id, (c) => ({ ...c, Comment: "staging" }));
      const p = await getConfig(primary.id);
      const s = await getConfig(staging.id);
      const promote = (IfMatch: string | undefined, StagingDistributionId = staging.id) =>
        cloudfront().send(new UpdateDistributionWithStagingConfigCommand({ Id: primary.id, StagingDistributionId, IfMatch }));
      await expectServiceError(promote(p.etag), 400, "InvalidIfMatchVersion");
      await expectServiceError(promote(`${p.etag}, ${p.etag}`), 412, "PreconditionFailed");
      await expectServiceError(promote(`${p.etag}, ${s.etag}`, "ENOSUCHDIST0001"), 404, "NoSuchDistribution");
      assert.deepEqual(await getConfig(primary.id), p);

      const out = await promote(`${p.etag}, ${s.etag}`);
      const c = out.Distribution?.DistributionConfig;
      assert.equal(c?.Comment, "staging");
      assert.equal(c?.Origins?.Items?.[0]?.OriginPath, "/staging");
      assert.equal(c?.Staging, false);
      assert.equal(c?.CallerReference, p.config.CallerReference);
      assert.equal(c?.ContinuousDeploymentPolicyId, policyId);
      assert.notEqual(out.ETag, p.etag);
      assert.equal((await policyOf(policyId)).config.Enabled, false);
    });
  });

  describe("at the edge", () => {
    it("routes by the policy's header, and not a staging distribution by its own name", async () => {
      origin.on("/staging/h", { body: "staging" });
      origin.on("/h", { body: "primary" });
      const { primary, staging, policyId } = await pair();
      assert.equal((await get(primary.domain, "/h")).body, "primary");
      assert.equal((await get(primary.domain, "/h", { "aws-cf-cd-stage": "blue" })).body, "staging");
      assert.equal((await get(primary.domain, "/h", { "aws-cf-cd-stage": "green" })).body, "primary");
      // Each side has its own cache: the second request of each is a hit on its own side.
      const again = await get(primary.domain, "/h", { "aws-cf-cd-stage": "blue" });
      assert.equal(again.body, "staging");
      assert.equal(header(again, "x-cache"), "Hit from cloudfront");
      assert.equal((await get(staging.domain, "/h")).status, 403);

      await updatePolicy(policyId, (c) => ({ ...c, Enabled: false }));
      assert.equal((await get(primary.domain, "/h", { "aws-cf-cd-stage": "blue" })).body, "primary");
    });

    it("sends a share of viewers to staging by weight, each kept on its side by the session cookie", async () => {
      origin.on("/staging/w", { body: "staging", headers: { "Cache-Control": "no-store" } });
      origin.on("/w", { body: "primary", headers: { "Cache-Control": "no-store" } });
      const sticky: TrafficConfig = { Type: "SingleWeight", SingleWeightConfig: { Weight: 0.15, SessionStickinessConfig: { IdleTTL: 300, MaximumTTL: 3600 } } };
      const { primary, policyId } = await pair(sticky);
      // 200 new viewers at 15%: none reaching staging has a chance of 0.85^200 (about 1e-14).
      const cookies = { primary: "", staging: "" };
      for (let i = 0; i < 200; i++) {
        const r = await get(primary.domain, "/w");
        const cookie = header(r, "set-cookie") ?? assert.fail("no session cookie");
        assert.match(cookie, /^aws-cf-cd-session=[^;]+; Max-Age=300; Path=\/; HttpOnly$/);
        cookies[r.body as "primary" | "staging"] = cookie.split(";")[0] as string;
      }
      assert.ok(cookies.staging !== "" && cookies.primary !== "", "both sides were chosen");
      for (const side of ["staging", "primary"] as const) {
        for (let i = 0; i < 20; i++) assert.equal((await get(primary.domain, "/w", { cookie: cookies[side] })).body, side);
      }
      // A weight of 0 keeps live sessions where they are; once idle past IdleTTL the viewer starts again.
      await updatePolicy(policyId, (c) => ({ ...c, TrafficConfig: { ...sticky, SingleWeightConfig: { Weight: 0, SessionStickinessConfig: { IdleTTL: 300, MaximumTTL: 3600 } } } }));
      assert.equal((await get(primary.domain, "/w", { cookie: cookies.staging })).body, "staging");
      clock.advance(301_000);
      assert.equal((await get(primary.domain, "/w", { cookie: cookies.staging })).body, "primary");
    });

    it("sends the origin's own cookies beside the session cookie", async () => {
      origin.on("/c", { body: "primary", headers: { "Cache-Control": "no-store", "Set-Cookie": "theme=dark; Path=/" } });
      origin.on("/staging/c", { body: "staging", headers: { "Cache-Control": "no-store", "Set-Cookie": "theme=dark; Path=/" } });
      const { primary, staging } = await pair({ Type: "SingleWeight", SingleWeightConfig: { Weight: 0.15, SessionStickinessConfig: { IdleTTL: 300, MaximumTTL: 3600 } } });
      // Cookies reach the viewer only when the behavior forwards them (origin-body.ts); on both sides.
      for (const side of [primary, staging]) {
        await updateDistribution(side.id, (c) => ({ ...c, DefaultCacheBehavior: { ...c.DefaultCacheBehavior, TargetOriginId: "o", ViewerProtocolPolicy: "allow-all", ForwardedValues: { QueryString: false, Cookies: { Forward: "all" } } } }));
      }
      for (let i = 0; i < 10; i++) {
        const both = (await get(primary.domain, "/c")).headers["set-cookie"];
        assert.ok(Array.isArray(both) && both.length === 2, `two cookies: ${JSON.stringify(both)}`);
        assert.ok(both.some((c) => c.startsWith("theme=dark")) && both.some((c) => c.startsWith("aws-cf-cd-session=")));
      }
    });

    it("serves the staging config from the primary once promoted", async () => {
      origin.on("/staging/p", { body: "staging config" });
      origin.on("/p", { body: "primary config" });
      const { primary, staging } = await pair();
      assert.equal((await get(primary.domain, "/p")).body, "primary config");
      const p = await getConfig(primary.id);
      const s = await getConfig(staging.id);
      await cloudfront().send(new UpdateDistributionWithStagingConfigCommand({ Id: primary.id, StagingDistributionId: staging.id, IfMatch: `${p.etag}, ${s.etag}` }));
      // A path not yet cached by the primary (promotion, like any config change, does not purge).
      origin.on("/staging/p2", { body: "staging config" });
      assert.equal((await get(primary.domain, "/p2")).body, "staging config");
      // The policy is disabled now: the header no longer reaches staging, the primary serves it.
      assert.equal((await get(primary.domain, "/p2", { "aws-cf-cd-stage": "blue" })).body, "staging config");
    });
  });
});
