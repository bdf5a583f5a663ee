// ListDistributions and GetDistribution answer from XML kept per stored record (summaries and
// configs are written once, issue 12 "Control plane"): every answer must still follow each change
// that moves what CloudFront shows: Status once the deployment time passes (docs/control-plane.md
// §6), a new config and ETag after an update, tags, and in-progress invalidations.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  CreateDistributionCommand,
  CreateInvalidationCommand,
  GetDistributionCommand,
  ListDistributionsByCachePolicyIdCommand,
  ListDistributionsCommand,
  TagResourceCommand,
  UpdateDistributionCommand,
  type CloudFrontClient,
  type DistributionConfig,
} from "@aws-sdk/client-cloudfront";
import { ManualClock } from "../../src/index.ts";
import { useEmulator } from "../helpers/emulator.ts";

const CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6";

function config(ref: string, comment: string): DistributionConfig {
  return {
    CallerReference: ref,
    Comment: comment,
    Enabled: true,
    Origins: { Quantity: 1, Items: [{ Id: "o", DomainName: "origin.example.com", CustomOriginConfig: { HTTPPort: 80, HTTPSPort: 443, OriginProtocolPolicy: "http-only" } }] },
    DefaultCacheBehavior: { TargetOriginId: "o", ViewerProtocolPolicy: "allow-all", CachePolicyId: CACHING_OPTIMIZED },
  };
}

async function listed(cf: CloudFrontClient, id: string) {
  const list = await cf.send(new ListDistributionsCommand({}));
  return list.DistributionList?.Items?.find((s) => s.Id === id);
}

describe("answers written once per stored distribution", () => {
  const clock = new ManualClock();
  const t = useEmulator({ clock, deployDelayMs: 30_000, invalidationDelayMs: 60_000 });

  it("a listed summary follows Status, updates and a second distribution", async () => {
    const cf = t.cloudfront();
    const created = await cf.send(new CreateDistributionCommand({ DistributionConfig: config("kept-1", "first") }));
    const id = created.Distribution!.Id!;
    assert.equal((await listed(cf, id))?.Status, "InProgress");
    assert.deepEqual(await listed(cf, id), await listed(cf, id)); // the same answer twice
    clock.advance(30_000);
    assert.equal((await listed(cf, id))?.Status, "Deployed");

    const updated = await cf.send(new UpdateDistributionCommand({ Id: id, IfMatch: created.ETag, DistributionConfig: { ...created.Distribution!.DistributionConfig!, Comment: "second" } }));
    const summary = await listed(cf, id);
    assert.equal(summary?.Comment, "second");
    assert.equal(summary?.ETag, updated.ETag);
    assert.equal(summary?.Status, "InProgress");

    const other = await cf.send(new CreateDistributionCommand({ DistributionConfig: config("kept-2", "other") }));
    const list = await cf.send(new ListDistributionsCommand({}));
    assert.deepEqual(list.DistributionList?.Items?.map((s) => [s.Id, s.Comment]), [[id, "second"], [other.Distribution!.Id, "other"]]);
    const byPolicy = await cf.send(new ListDistributionsByCachePolicyIdCommand({ CachePolicyId: CACHING_OPTIMIZED }));
    assert.deepEqual(byPolicy.DistributionIdList?.Items, [id, other.Distribution!.Id]);
  });

  it("GetDistribution shows the current config, tags aside, and the invalidations in progress", async () => {
    const cf = t.cloudfront();
    const created = await cf.send(new CreateDistributionCommand({ DistributionConfig: config("kept-3", "before") }));
    const id = created.Distribution!.Id!;
    const first = await cf.send(new GetDistributionCommand({ Id: id }));
    assert.equal(first.Distribution?.DistributionConfig?.Comment, "before");
    assert.equal(first.Distribution?.InProgressInvalidationBatches, 0);

    await cf.send(new TagResourceCommand({ Resource: created.Distribution!.ARN!, Tags: { Items: [{ Key: "team", Value: "web" }] } }));
    await cf.send(new CreateInvalidationCommand({ DistributionId: id, InvalidationBatch: { CallerReference: "inv-1", Paths: { Quantity: 1, Items: ["/*"] } } }));
    const during = await cf.send(new GetDistributionCommand({ Id: id }));
    assert.equal(during.Distribution?.InProgressInvalidationBatches, 1);
    assert.equal(during.ETag, created.ETag);
    assert.deepEqual(during.Distribution?.DistributionConfig, first.Distribution?.DistributionConfig);

    const updated = await cf.send(new UpdateDistributionCommand({ Id: id, IfMatch: created.ETag, DistributionConfig: { ...first.Distribution!.DistributionConfig!, Comment: "after" } }));
    const after = await cf.send(new GetDistributionCommand({ Id: id }));
    assert.equal(after.Distribution?.DistributionConfig?.Comment, "after");
    assert.equal(after.ETag, updated.ETag);
  });
});
