// The Resource Groups Tagging API on minifront's port (issue 17), through
// @aws-sdk/client-resource-groups-tagging-api and the aws CLI: CloudFront resources found by tag and
// type, tagged and untagged in bulk, backed by the same tags as the CloudFront API's TagResource.
// Semantics: Resource Groups Tagging API Reference (GetResources, TagResources, UntagResources,
// GetTagKeys, GetTagValues).
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  GetResourcesCommand,
  GetTagKeysCommand,
  GetTagValuesCommand,
  ResourceGroupsTaggingAPIClient,
  TagResourcesCommand,
  UntagResourcesCommand,
  paginateGetResources,
} from "@aws-sdk/client-resource-groups-tagging-api";
import { CreateAnycastIpListCommand, CreateDistributionCommand, ListTagsForResourceCommand, TagResourceCommand, type DistributionConfig } from "@aws-sdk/client-cloudfront";
import { CREDENTIALS, expectServiceError, useEmulator } from "../helpers/emulator.ts";
import { AWS_CLI_MISSING, awsCliAvailable, runAws } from "../helpers/aws-cli.ts";

let refs = 0;
function config(): DistributionConfig {
  return {
    CallerReference: `tagging-${++refs}`,
    Comment: "",
    Origins: { Quantity: 1, Items: [{ Id: "o", DomainName: "origin.example.com", CustomOriginConfig: { HTTPPort: 80, HTTPSPort: 443, OriginProtocolPolicy: "http-only" } }] },
    DefaultCacheBehavior: { TargetOriginId: "o", ViewerProtocolPolicy: "allow-all", CachePolicyId: "658327ea-f89d-4fab-a63d-7e88639e58f6" },
    Enabled: true,
  };
}

describe("Resource Groups Tagging API (issue 17)", () => {
  const t = useEmulator();
  const tagging = (region = "us-east-1") => new ResourceGroupsTaggingAPIClient({ endpoint: t.emu.controlUrl, region, credentials: CREDENTIALS, maxAttempts: 1 });
  let arns: { a: string; b: string; list: string };

  before(async () => {
    const cf = t.cloudfront();
    const a = await cf.send(new CreateDistributionCommand({ DistributionConfig: config() }));
    const b = await cf.send(new CreateDistributionCommand({ DistributionConfig: config() }));
    const list = await cf.send(new CreateAnycastIpListCommand({ Name: "tagged-ips", IpCount: 3, Tags: { Items: [{ Key: "team", Value: "net" }] } }));
    arns = { a: a.Distribution!.ARN!, b: b.Distribution!.ARN!, list: list.AnycastIpList!.Arn! };
    await cf.send(new TagResourceCommand({ Resource: arns.a, Tags: { Items: [{ Key: "team", Value: "web" }, { Key: "env", Value: "prod" }] } }));
  });

  it("GetResources finds tagged CloudFront resources by tag filter and resource type", async () => {
    const all = await tagging().send(new GetResourcesCommand({}));
    assert.deepEqual(all.ResourceTagMappingList?.map((m) => m.ResourceARN).sort(), [arns.a, arns.list].sort()); // b has no tags
    const web = await tagging().send(new GetResourcesCommand({ TagFilters: [{ Key: "team", Values: ["web", "nope"] }] }));
    assert.deepEqual(web.ResourceTagMappingList, [{ ResourceARN: arns.a, Tags: [{ Key: "team", Value: "web" }, { Key: "env", Value: "prod" }] }]);
    const anyTeam = await tagging().send(new GetResourcesCommand({ TagFilters: [{ Key: "team" }], ResourceTypeFilters: ["cloudfront:distribution"] }));
    assert.deepEqual(anyTeam.ResourceTagMappingList?.map((m) => m.ResourceARN), [arns.a]);
    const both = await tagging().send(new GetResourcesCommand({ TagFilters: [{ Key: "team" }, { Key: "env", Values: ["dev"] }] }));
    assert.deepEqual(both.ResourceTagMappingList, []);
    const byService = await tagging().send(new GetResourcesCommand({ ResourceTypeFilters: ["cloudfront"] }));
    assert.equal(byService.ResourceTagMappingList?.length, 2);
    const otherService = await tagging().send(new GetResourcesCommand({ ResourceTypeFilters: ["s3"] }));
    assert.deepEqual(otherService.ResourceTagMappingList, []);
    // CloudFront is global: its resources show in us-east-1 only.
    assert.deepEqual((await tagging("eu-west-1").send(new GetResourcesCommand({}))).ResourceTagMappingList, []);
  });

  it("pages GetResources with ResourcesPerPage and PaginationToken", async () => {
    const pages = [];
    for await (const page of paginateGetResources({ client: tagging() }, { ResourcesPerPage: 1 })) pages.push(page.ResourceTagMappingList?.map((m) => m.ResourceARN));
    assert.deepEqual(pages.flat().sort(), [arns.a, arns.list].sort());
    assert.ok(pages.length >= 2);
    await expectServiceError(tagging().send(new GetResourcesCommand({ PaginationToken: "garbage" })), 400, "InvalidParameterException");
    await expectServiceError(tagging().send(new GetResourcesCommand({ ResourcesPerPage: 101 })), 400, "InvalidParameterException");
  });

  it("TagResources and UntagResources change the tags the CloudFront API sees, reporting resources that fail", async () => {
    const missing = "arn:aws:cloudfront::123456789012:distribution/ENOSUCHDIST000";
    const out = await tagging().send(new TagResourcesCommand({ ResourceARNList: [arns.b, missing], Tags: { owner: "ops" } }));
    assert.deepEqual(Object.keys(out.FailedResourcesMap ?? {}), [missing]);
    assert.equal(out.FailedResourcesMap?.[missing]?.ErrorCode, "InvalidParameterException");
    const cf = t.cloudfront();
    assert.deepEqual((await cf.send(new ListTagsForResourceCommand({ Resource: arns.b }))).Tags?.Items, [{ Key: "owner", Value: "ops" }]);
    const bad = await tagging().send(new TagResourcesCommand({ ResourceARNList: [arns.b], Tags: { "aws:reserved": "x" } }));
    assert.ok(bad.FailedResourcesMap?.[arns.b], "a reserved key is refused as CloudFront refuses it");
    const untagged = await tagging().send(new UntagResourcesCommand({ ResourceARNList: [arns.b], TagKeys: ["owner"] }));
    assert.deepEqual(untagged.FailedResourcesMap, {});
    assert.deepEqual((await cf.send(new ListTagsForResourceCommand({ Resource: arns.b }))).Tags?.Items ?? [], []);
  });

  it("GetTagKeys and GetTagValues list what is in use, sorted", async () => {
    assert.deepEqual((await tagging().send(new GetTagKeysCommand({}))).TagKeys, ["env", "team"]);
    assert.deepEqual((await tagging().send(new GetTagValuesCommand({ Key: "team" }))).TagValues, ["net", "web"]);
  });

  describe("aws CLI", () => {
    let dir = "";
    before(() => {
      dir = mkdtempSync(join(tmpdir(), "minifront-tagging-cli-"));
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    it("resourcegroupstaggingapi get-resources filters by tag", { skip: !awsCliAvailable() && AWS_CLI_MISSING }, async () => {
      const r = await runAws(["resourcegroupstaggingapi", "get-resources", "--tag-filters", "Key=env,Values=prod", "--region", "us-east-1"], { endpoint: t.emu.controlUrl, configDir: dir });
      assert.equal(r.code, 0, r.stderr);
      const out = JSON.parse(r.stdout) as { ResourceTagMappingList: Array<{ ResourceARN: string }> };
      assert.deepEqual(out.ResourceTagMappingList.map((m) => m.ResourceARN), [arns.a]);
    });
  });
});
