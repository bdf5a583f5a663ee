// The CloudFront API families without edge behaviour (issue 17), through @aws-sdk/client-cloudfront
// on a real port: Anycast static IP lists, WAF web ACL association, aliases across distributions,
// resource policies, the discontinued RTMP API and the ListDistributionsBy… listings; plus the
// fidelity fixes (AWS's not-found text, DistributionAlreadyExists on any CallerReference reuse).
// Each behaviour cites the AWS page it follows in the handler's header.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  AssociateAliasCommand,
  AssociateDistributionWebACLCommand,
  CreateAnycastIpListCommand,
  CreateDistributionCommand,
  CreateStreamingDistributionCommand,
  DeleteAnycastIpListCommand,
  DeleteResourcePolicyCommand,
  DeleteStreamingDistributionCommand,
  DisassociateDistributionWebACLCommand,
  GetAnycastIpListCommand,
  GetDistributionCommand,
  GetDistributionConfigCommand,
  GetInvalidationCommand,
  GetResourcePolicyCommand,
  GetStreamingDistributionCommand,
  GetStreamingDistributionConfigCommand,
  ListAnycastIpListsCommand,
  ListConflictingAliasesCommand,
  ListDistributionsByAnycastIpListIdCommand,
  ListDistributionsByConnectionFunctionCommand,
  ListDistributionsByConnectionModeCommand,
  ListDistributionsByOwnedResourceCommand,
  ListDistributionsByRealtimeLogConfigCommand,
  ListDistributionsByTrustStoreCommand,
  ListDistributionsByVpcOriginIdCommand,
  ListDistributionsByWebACLIdCommand,
  ListStreamingDistributionsCommand,
  ListTagsForResourceCommand,
  PutResourcePolicyCommand,
  TagResourceCommand,
  UpdateAnycastIpListCommand,
  UpdateDistributionCommand,
  UpdateStreamingDistributionCommand,
  CreateRealtimeLogConfigCommand,
  CreateStreamingDistributionWithTagsCommand,
  CreateVpcOriginCommand,
  type DistributionConfig,
  type StreamingDistributionConfig,
} from "@aws-sdk/client-cloudfront";
import { expectServiceError, useEmulator } from "../helpers/emulator.ts";
import { AWS_CLI_MISSING, awsCliAvailable, useCloudFrontCli } from "../helpers/aws-cli.ts";

const ACCOUNT = "123456789012";
const CERT = { ACMCertificateArn: `arn:aws:acm:us-east-1:${ACCOUNT}:certificate/0f6e2c1a-1111-4222-8333-944445555666`, SSLSupportMethod: "sni-only", MinimumProtocolVersion: "TLSv1.2_2021" } as const;
const WEB_ACL = `arn:aws:wafv2:us-east-1:${ACCOUNT}:global/webacl/web-global-example/626900da-5f64-418b-ba9b-743f3746cabc`;

let refs = 0;
function config(overrides: Partial<DistributionConfig> = {}): DistributionConfig {
  return {
    CallerReference: `breadth-${++refs}`,
    Comment: "",
    Origins: { Quantity: 1, Items: [{ Id: "o", DomainName: "origin.example.com", CustomOriginConfig: { HTTPPort: 80, HTTPSPort: 443, OriginProtocolPolicy: "http-only" } }] },
    DefaultCacheBehavior: { TargetOriginId: "o", ViewerProtocolPolicy: "allow-all", CachePolicyId: "658327ea-f89d-4fab-a63d-7e88639e58f6" },
    Enabled: true,
    ...overrides,
  };
}

describe("CloudFront API breadth (issue 17)", () => {
  const t = useEmulator();

  describe("fidelity", () => {
    it("not-found errors carry AWS's text without the id", async () => {
      const cf = t.cloudfront();
      const e = await expectServiceError(cf.send(new GetDistributionCommand({ Id: "ENOSUCHDIST000" })), 404, "NoSuchDistribution");
      assert.equal(e.message, "The specified distribution does not exist.");
      const d = await cf.send(new CreateDistributionCommand({ DistributionConfig: config() }));
      const inv = await expectServiceError(cf.send(new GetInvalidationCommand({ DistributionId: d.Distribution!.Id!, Id: "INOSUCH" })), 404, "NoSuchInvalidation");
      assert.equal(inv.message, "The specified invalidation does not exist.");
      const policy = await expectServiceError(
        cf.send(new CreateDistributionCommand({ DistributionConfig: config({ DefaultCacheBehavior: { TargetOriginId: "o", ViewerProtocolPolicy: "allow-all", CachePolicyId: "00000000-0000-4000-8000-000000000000" } }) })),
        404,
        "NoSuchCachePolicy",
      );
      assert.equal(policy.message, "The specified cache policy does not exist.");
    });

    it("a repeated CallerReference is DistributionAlreadyExists, even with the same config (API reference, CreateDistribution)", async () => {
      const cf = t.cloudfront();
      const same = config();
      const first = await cf.send(new CreateDistributionCommand({ DistributionConfig: same }));
      const e = await expectServiceError(cf.send(new CreateDistributionCommand({ DistributionConfig: same })), 409, "DistributionAlreadyExists");
      assert.equal(e.message, `The caller reference that you are using to create a distribution is associated with another distribution. Already exists: ${first.Distribution!.Id}`);
      await expectServiceError(cf.send(new CreateDistributionCommand({ DistributionConfig: { ...same, Comment: "other" } })), 409, "DistributionAlreadyExists");
    });

    it("Location names the created distribution as AWS does (/2020-05-31/distribution/<id>)", async () => {
      const out = await t.cloudfront().send(new CreateDistributionCommand({ DistributionConfig: config() }));
      assert.equal(out.Location, `${t.emu.controlUrl}/2020-05-31/distribution/${out.Distribution!.Id}`);
    });
  });

  describe("Anycast static IP lists", () => {
    it("creates, gets, lists, updates and deletes with ETags; Deployed; in use cannot be deleted", async () => {
      const cf = t.cloudfront();
      const created = await cf.send(new CreateAnycastIpListCommand({ Name: "static-ips", IpCount: 3, Tags: { Items: [{ Key: "team", Value: "edge" }] } }));
      const list = created.AnycastIpList!;
      assert.match(list.Id!, /^aip_[a-z0-9A-Z]+$/);
      assert.equal(list.Arn, `arn:aws:cloudfront::${ACCOUNT}:anycast-ip-list/${list.Id}`);
      assert.equal(list.Status, "Deploying"); // the create's answer, as a distribution's says InProgress
      assert.equal(list.IpCount, 3);
      assert.equal(list.AnycastIps?.length, 3);
      assert.equal(list.IpAddressType, "ipv4");
      assert.ok(created.ETag);
      await expectServiceError(cf.send(new CreateAnycastIpListCommand({ Name: "static-ips", IpCount: 3 })), 409, "EntityAlreadyExists");
      await expectServiceError(cf.send(new CreateAnycastIpListCommand({ Name: "bad-count", IpCount: 5 })), 400, "InvalidArgument");

      const got = await cf.send(new GetAnycastIpListCommand({ Id: list.Id }));
      assert.equal(got.ETag, created.ETag);
      assert.equal(got.AnycastIpList?.Status, "Deployed"); // the deploy delay is 0 by default
      assert.deepEqual((await cf.send(new ListTagsForResourceCommand({ Resource: list.Arn }))).Tags?.Items, [{ Key: "team", Value: "edge" }]);
      const listed = await cf.send(new ListAnycastIpListsCommand({}));
      assert.equal(listed.AnycastIpLists?.Quantity, 1);
      assert.equal(listed.AnycastIpLists?.Items?.[0]?.ETag, created.ETag);

      await expectServiceError(cf.send(new UpdateAnycastIpListCommand({ Id: list.Id, IfMatch: "EWRONG", IpAddressType: "dualstack" })), 412, "PreconditionFailed");
      const updated = await cf.send(new UpdateAnycastIpListCommand({ Id: list.Id, IfMatch: created.ETag, IpAddressType: "dualstack" }));
      assert.equal(updated.AnycastIpList?.IpAddressType, "dualstack");
      assert.notEqual(updated.ETag, created.ETag);

      const d = await cf.send(new CreateDistributionCommand({ DistributionConfig: config({ AnycastIpListId: list.Id }) }));
      const by = await cf.send(new ListDistributionsByAnycastIpListIdCommand({ AnycastIpListId: list.Id }));
      assert.deepEqual(by.DistributionList?.Items?.map((s) => s.Id), [d.Distribution!.Id]);
      await expectServiceError(cf.send(new DeleteAnycastIpListCommand({ Id: list.Id, IfMatch: updated.ETag })), 409, "CannotDeleteEntityWhileInUse");
      const dc = await cf.send(new GetDistributionConfigCommand({ Id: d.Distribution!.Id }));
      await cf.send(new UpdateDistributionCommand({ Id: d.Distribution!.Id, IfMatch: dc.ETag, DistributionConfig: { ...dc.DistributionConfig!, AnycastIpListId: "" } }));
      await cf.send(new DeleteAnycastIpListCommand({ Id: list.Id, IfMatch: updated.ETag }));
      await expectServiceError(cf.send(new GetAnycastIpListCommand({ Id: list.Id })), 404, "EntityNotFound");
      await expectServiceError(cf.send(new ListDistributionsByAnycastIpListIdCommand({ AnycastIpListId: list.Id })), 404, "EntityNotFound");
    });
  });

  describe("WAF web ACL association", () => {
    it("records the ARN as WebACLId with a new ETag, lists by it, and disassociates", async () => {
      const cf = t.cloudfront();
      const d = await cf.send(new CreateDistributionCommand({ DistributionConfig: config() }));
      const id = d.Distribution!.Id!;
      await expectServiceError(cf.send(new AssociateDistributionWebACLCommand({ Id: id, WebACLArn: WEB_ACL, IfMatch: "EWRONG" })), 412, "PreconditionFailed");
      await expectServiceError(cf.send(new AssociateDistributionWebACLCommand({ Id: id, WebACLArn: "not-an-arn" })), 400, "InvalidArgument");
      const assoc = await cf.send(new AssociateDistributionWebACLCommand({ Id: id, WebACLArn: WEB_ACL, IfMatch: d.ETag }));
      assert.equal(assoc.Id, id);
      assert.equal(assoc.WebACLArn, WEB_ACL);
      assert.notEqual(assoc.ETag, d.ETag);
      const got = await cf.send(new GetDistributionConfigCommand({ Id: id }));
      assert.equal(got.DistributionConfig?.WebACLId, WEB_ACL);
      assert.equal(got.ETag, assoc.ETag);
      const by = await cf.send(new ListDistributionsByWebACLIdCommand({ WebACLId: WEB_ACL }));
      assert.deepEqual(by.DistributionList?.Items?.map((s) => [s.Id, s.WebACLId]), [[id, WEB_ACL]]);
      const none = await cf.send(new ListDistributionsByWebACLIdCommand({ WebACLId: "null" }));
      assert.ok(!none.DistributionList?.Items?.some((s) => s.Id === id));
      await expectServiceError(cf.send(new ListDistributionsByWebACLIdCommand({ WebACLId: "nonsense" })), 400, "InvalidWebACLId");
      const dis = await cf.send(new DisassociateDistributionWebACLCommand({ Id: id, IfMatch: assoc.ETag }));
      assert.equal(dis.Id, id);
      assert.equal((await cf.send(new GetDistributionConfigCommand({ Id: id }))).DistributionConfig?.WebACLId, "");
      await expectServiceError(cf.send(new DisassociateDistributionWebACLCommand({ Id: "ENOSUCHDIST000" })), 404, "NoSuchDistribution");
    });
  });

  describe("aliases", () => {
    it("AssociateAlias moves an alias to a distribution with its own certificate", async () => {
      const cf = t.cloudfront();
      const from = await cf.send(new CreateDistributionCommand({ DistributionConfig: config({ Aliases: { Quantity: 1, Items: ["shop.example.com"] }, ViewerCertificate: CERT }) }));
      const to = await cf.send(new CreateDistributionCommand({ DistributionConfig: config({ ViewerCertificate: CERT }) }));
      const plain = await cf.send(new CreateDistributionCommand({ DistributionConfig: config() }));
      await expectServiceError(cf.send(new AssociateAliasCommand({ TargetDistributionId: plain.Distribution!.Id, Alias: "shop.example.com" })), 400, "IllegalUpdate");
      await expectServiceError(cf.send(new AssociateAliasCommand({ TargetDistributionId: "ENOSUCHDIST000", Alias: "shop.example.com" })), 404, "NoSuchDistribution");
      await cf.send(new AssociateAliasCommand({ TargetDistributionId: to.Distribution!.Id, Alias: "shop.example.com" }));
      const target = await cf.send(new GetDistributionConfigCommand({ Id: to.Distribution!.Id }));
      assert.deepEqual(target.DistributionConfig?.Aliases, { Quantity: 1, Items: ["shop.example.com"] });
      assert.notEqual(target.ETag, to.ETag);
      const source = await cf.send(new GetDistributionConfigCommand({ Id: from.Distribution!.Id }));
      assert.equal(source.DistributionConfig?.Aliases?.Quantity, 0);
      assert.notEqual(source.ETag, from.ETag);
    });

    it("ListConflictingAliases applies wildcard rules and hides ids but their last 6 characters", async () => {
      const cf = t.cloudfront();
      const wild = await cf.send(new CreateDistributionCommand({ DistributionConfig: config({ Aliases: { Quantity: 1, Items: ["*.conflict.example"] }, ViewerCertificate: CERT }) }));
      const www = await cf.send(new CreateDistributionCommand({ DistributionConfig: config({ Aliases: { Quantity: 2, Items: ["www.conflict.example", "conflict.example"] }, ViewerCertificate: CERT }) }));
      const mask = (s: string) => `${"*".repeat(s.length - 6)}${s.slice(-6)}`;
      const byName = await cf.send(new ListConflictingAliasesCommand({ DistributionId: www.Distribution!.Id, Alias: "www.conflict.example" }));
      assert.deepEqual(
        byName.ConflictingAliasesList?.Items?.map((c) => [c.Alias, c.DistributionId, c.AccountId]).sort(),
        [
          ["*.conflict.example", mask(wild.Distribution!.Id!), mask(ACCOUNT)],
          ["www.conflict.example", mask(www.Distribution!.Id!), mask(ACCOUNT)],
        ],
      );
      const byWildcard = await cf.send(new ListConflictingAliasesCommand({ DistributionId: wild.Distribution!.Id, Alias: "*.conflict.example" }));
      // The wildcard covers names under conflict.example, not conflict.example itself.
      assert.deepEqual(byWildcard.ConflictingAliasesList?.Items?.map((c) => c.Alias).sort(), ["*.conflict.example", "www.conflict.example"]);
      const paged = await cf.send(new ListConflictingAliasesCommand({ DistributionId: wild.Distribution!.Id, Alias: "*.conflict.example", MaxItems: 1 }));
      assert.equal(paged.ConflictingAliasesList?.Quantity, 1);
      assert.ok(paged.ConflictingAliasesList?.NextMarker);
      await expectServiceError(cf.send(new ListConflictingAliasesCommand({ DistributionId: "ENOSUCHDIST000", Alias: "a.example" })), 404, "NoSuchDistribution");
    });
  });

  describe("resource policies", () => {
    it("puts, gets and deletes a VPC origin's policy; lists the distributions that use the VPC origin", async () => {
      const cf = t.cloudfront();
      const vo = await cf.send(
        new CreateVpcOriginCommand({
          VpcOriginEndpointConfig: {
            Name: "internal",
            Arn: `arn:aws:elasticloadbalancing:us-east-1:${ACCOUNT}:loadbalancer/app/internal/50dc6c495c0c9188`,
            HTTPPort: 80,
            HTTPSPort: 443,
            OriginProtocolPolicy: "http-only",
          },
        }),
      );
      const voId = vo.VpcOrigin!.Id!;
      const arn = vo.VpcOrigin!.Arn!;
      assert.equal(arn, `arn:aws:cloudfront::${ACCOUNT}:vpcorigin/${voId}`);
      await expectServiceError(cf.send(new GetResourcePolicyCommand({ ResourceArn: `arn:aws:cloudfront::${ACCOUNT}:vpcorigin/vo_none` })), 404, "EntityNotFound");
      const doc = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: "111122223333" }, Action: "cloudfront:CreateDistribution", Resource: arn }] });
      await expectServiceError(cf.send(new GetResourcePolicyCommand({ ResourceArn: arn })), 404, "EntityNotFound");
      await expectServiceError(cf.send(new PutResourcePolicyCommand({ ResourceArn: arn, PolicyDocument: "{not json" })), 400, "InvalidArgument");
      await expectServiceError(cf.send(new PutResourcePolicyCommand({ ResourceArn: "arn:aws:s3:::bucket", PolicyDocument: doc })), 400, "InvalidArgument");
      assert.equal((await cf.send(new PutResourcePolicyCommand({ ResourceArn: arn, PolicyDocument: doc }))).ResourceArn, arn);
      assert.equal((await cf.send(new GetResourcePolicyCommand({ ResourceArn: arn }))).PolicyDocument, doc);
      await cf.send(new DeleteResourcePolicyCommand({ ResourceArn: arn }));
      await expectServiceError(cf.send(new DeleteResourcePolicyCommand({ ResourceArn: arn })), 404, "EntityNotFound");

      const vpc = config({ Origins: { Quantity: 1, Items: [{ Id: "o", DomainName: "internal.example.com", VpcOriginConfig: { VpcOriginId: voId } }] } });
      const d = await cf.send(new CreateDistributionCommand({ DistributionConfig: vpc }));
      const owned = await cf.send(new ListDistributionsByOwnedResourceCommand({ ResourceArn: arn }));
      assert.deepEqual(owned.DistributionList?.Items, [{ DistributionId: d.Distribution!.Id, OwnerAccountId: ACCOUNT }]);
      const byVpc = await cf.send(new ListDistributionsByVpcOriginIdCommand({ VpcOriginId: voId }));
      assert.deepEqual(byVpc.DistributionIdList?.Items, [d.Distribution!.Id]);
    });
  });

  describe("streaming (RTMP) distributions, discontinued on December 31, 2020", () => {
    const rtmp: StreamingDistributionConfig = {
      CallerReference: "rtmp-1",
      S3Origin: { DomainName: "media.s3.amazonaws.com", OriginAccessIdentity: "" },
      Comment: "",
      TrustedSigners: { Enabled: false, Quantity: 0 },
      Enabled: true,
    };

    it("refuses to create one, finds none and lists none", async () => {
      const cf = t.cloudfront();
      await expectServiceError(cf.send(new CreateStreamingDistributionCommand({ StreamingDistributionConfig: rtmp })), 400, "InvalidArgument");
      await expectServiceError(cf.send(new CreateStreamingDistributionWithTagsCommand({ StreamingDistributionConfigWithTags: { StreamingDistributionConfig: rtmp, Tags: { Items: [] } } })), 400, "InvalidArgument");
      await expectServiceError(cf.send(new GetStreamingDistributionCommand({ Id: "EXAMPLE" })), 404, "NoSuchStreamingDistribution");
      await expectServiceError(cf.send(new GetStreamingDistributionConfigCommand({ Id: "EXAMPLE" })), 404, "NoSuchStreamingDistribution");
      await expectServiceError(cf.send(new UpdateStreamingDistributionCommand({ Id: "EXAMPLE", IfMatch: "E1", StreamingDistributionConfig: rtmp })), 404, "NoSuchStreamingDistribution");
      await expectServiceError(cf.send(new DeleteStreamingDistributionCommand({ Id: "EXAMPLE", IfMatch: "E1" })), 404, "NoSuchStreamingDistribution");
      const list = await cf.send(new ListStreamingDistributionsCommand({}));
      assert.equal(list.StreamingDistributionList?.Quantity, 0);
      assert.equal(list.StreamingDistributionList?.IsTruncated, false);
    });
  });

  describe("ListDistributionsBy… over config fields", () => {
    it("by real-time log configuration (name or ARN) and connection mode; unknown VPC origins, connection functions and trust stores are EntityNotFound", async () => {
      const cf = t.cloudfront();
      const rlc = await cf.send(
        new CreateRealtimeLogConfigCommand({
          Name: "by-rlc",
          SamplingRate: 100,
          Fields: ["timestamp"],
          EndPoints: [{ StreamType: "Kinesis", KinesisStreamConfig: { RoleARN: `arn:aws:iam::${ACCOUNT}:role/r`, StreamARN: `arn:aws:kinesis:us-east-1:${ACCOUNT}:stream/s` } }],
        }),
      );
      const arn = rlc.RealtimeLogConfig!.ARN!;
      const d = await cf.send(
        new CreateDistributionCommand({
          DistributionConfig: config({ DefaultCacheBehavior: { TargetOriginId: "o", ViewerProtocolPolicy: "allow-all", CachePolicyId: "658327ea-f89d-4fab-a63d-7e88639e58f6", RealtimeLogConfigArn: arn } }),
        }),
      );
      const id = d.Distribution!.Id!;
      for (const input of [{ RealtimeLogConfigName: "by-rlc" }, { RealtimeLogConfigArn: arn }]) {
        const by = await cf.send(new ListDistributionsByRealtimeLogConfigCommand(input));
        assert.deepEqual(by.DistributionList?.Items?.map((s) => s.Id), [id]);
      }
      const direct = await cf.send(new ListDistributionsByConnectionModeCommand({ ConnectionMode: "direct" }));
      assert.ok(direct.DistributionList?.Items?.some((s) => s.Id === id));
      const tenantOnly = await cf.send(new ListDistributionsByConnectionModeCommand({ ConnectionMode: "tenant-only" }));
      assert.equal(tenantOnly.DistributionList?.Quantity, 0);
      await expectServiceError(cf.send(new ListDistributionsByConnectionFunctionCommand({ ConnectionFunctionIdentifier: "cf_none" })), 404, "EntityNotFound");
      await expectServiceError(cf.send(new ListDistributionsByTrustStoreCommand({ TrustStoreIdentifier: "ts_none" })), 404, "EntityNotFound");
      await expectServiceError(cf.send(new ListDistributionsByVpcOriginIdCommand({ VpcOriginId: "vo_none" })), 404, "EntityNotFound");
    });
  });

  describe("aws CLI", () => {
    const cli = useCloudFrontCli(() => t.emu.controlUrl);

    it("associate-distribution-web-acl and list-distributions-by-web-acl-id", { skip: !awsCliAvailable() && AWS_CLI_MISSING }, async () => {
      const d = await t.cloudfront().send(new CreateDistributionCommand({ DistributionConfig: config() }));
      const id = d.Distribution!.Id!;
      const out = await cli.json<{ Id: string; WebACLArn: string; ETag: string }>("associate-distribution-web-acl", "--id", id, "--if-match", d.ETag!, "--web-acl-arn", WEB_ACL);
      assert.deepEqual([out.Id, out.WebACLArn], [id, WEB_ACL]);
      const listed = await cli.json<{ DistributionList: { Items: Array<{ Id: string }> } }>("list-distributions-by-web-acl-id", "--web-acl-id", WEB_ACL);
      assert.ok(listed.DistributionList.Items.some((s) => s.Id === id));
      const anycast = await cli.json<{ AnycastIpList: { Name: string; IpCount: number } }>("create-anycast-ip-list", "--name", "from-cli", "--ip-count", "21");
      assert.deepEqual([anycast.AnycastIpList.Name, anycast.AnycastIpList.IpCount], ["from-cli", 21]);
    });
  });

  it("TagResource tags an Anycast static IP list by ARN", async () => {
    const cf = t.cloudfront();
    const list = (await cf.send(new CreateAnycastIpListCommand({ Name: "tagged", IpCount: 3 }))).AnycastIpList!;
    await cf.send(new TagResourceCommand({ Resource: list.Arn, Tags: { Items: [{ Key: "env", Value: "test" }] } }));
    assert.deepEqual((await cf.send(new ListTagsForResourceCommand({ Resource: list.Arn }))).Tags?.Items, [{ Key: "env", Value: "test" }]);
  });
});
