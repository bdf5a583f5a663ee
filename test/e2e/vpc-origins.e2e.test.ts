// VPC origins end to end (issue 17; CloudFront Developer Guide "Restrict access with VPC origins"):
// the five API operations through @aws-sdk/client-cloudfront on a real port (Deploying → Deployed,
// ETags, EntityNotFound, CannotDeleteEntityWhileInUse, a distribution's VpcOriginConfig checked),
// and at the edge a VPC origin mapped to a local server with --vpc-origin, and one left unmapped
// answering CloudFront's 502 with one warning that says how to map it.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  CreateDistributionCommand,
  CreateVpcOriginCommand,
  DeleteVpcOriginCommand,
  GetVpcOriginCommand,
  ListDistributionsByVpcOriginIdCommand,
  ListVpcOriginsCommand,
  UpdateVpcOriginCommand,
  type CloudFrontClient,
  type VpcOriginEndpointConfig,
} from "@aws-sdk/client-cloudfront";
import { ManualClock } from "../../src/clock.ts";
import { expectServiceError, useEmulator } from "../helpers/emulator.ts";
import { TestOrigin, sendToEdge } from "../helpers/test-origin.ts";

const ACCOUNT = "123456789012";
const CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad";
const alb = (name: string) => `arn:aws:elasticloadbalancing:us-east-1:${ACCOUNT}:loadbalancer/app/${name}/50dc6c495c0c9188`;
const MAPPED_ALB = alb("mapped-alb");

describe("VPC origins", () => {
  const clock = new ManualClock();
  const lines: string[] = [];
  const record = (msg: string) => void lines.push(msg);
  // The load balancer's ARN is known before the VPC origin exists, so it can be mapped at start;
  // without a port, the VPC origin's HTTPPort is used.
  const t = useEmulator({ clock, deployDelayMs: 1000, vpcOrigins: `${MAPPED_ALB}=127.0.0.1`, logger: { debug() {}, info() {}, warn: record, error: record } });
  const origin = new TestOrigin();
  let cf: CloudFrontClient;
  let refs = 0;
  before(async () => {
    await origin.start();
    cf = t.cloudfront();
  });
  after(async () => {
    cf.destroy();
    await origin.close();
  });

  function endpoint(arn: string, overrides: Partial<VpcOriginEndpointConfig> = {}): VpcOriginEndpointConfig {
    return { Name: `vpc origin ${++refs}`, Arn: arn, HTTPPort: 80, HTTPSPort: 443, OriginProtocolPolicy: "http-only", OriginSslProtocols: { Quantity: 1, Items: ["TLSv1.2"] }, ...overrides };
  }

  async function distribution(vpcOriginId: string): Promise<{ id: string; domain: string }> {
    const out = await cf.send(
      new CreateDistributionCommand({
        DistributionConfig: {
          CallerReference: `vpc-dist-${++refs}`,
          Comment: "",
          Enabled: true,
          Origins: { Quantity: 1, Items: [{ Id: "alb", DomainName: "internal-app.us-east-1.elb.amazonaws.com", VpcOriginConfig: { VpcOriginId: vpcOriginId, OriginReadTimeout: 30, OriginKeepaliveTimeout: 5 } }] },
          DefaultCacheBehavior: { TargetOriginId: "alb", ViewerProtocolPolicy: "allow-all", CachePolicyId: CACHING_DISABLED },
        },
      }),
    );
    return { id: out.Distribution?.Id ?? "", domain: out.Distribution?.DomainName ?? "" };
  }

  it("creates a VPC origin that deploys, reads, updates, lists and deletes it with ETags", async () => {
    const created = await cf.send(new CreateVpcOriginCommand({ VpcOriginEndpointConfig: endpoint(alb("crud")), Tags: { Items: [{ Key: "team", Value: "web" }] } }));
    assert.equal(created.$metadata.httpStatusCode, 202);
    const v = created.VpcOrigin ?? assert.fail("no VPC origin");
    assert.match(v.Id ?? "", /^vo_[A-Za-z0-9]{22}$/);
    assert.equal(v.Arn, `arn:aws:cloudfront::${ACCOUNT}:vpcorigin/${v.Id}`);
    assert.equal(v.Status, "Deploying");
    assert.match(created.Location ?? "", new RegExp(`/2020-05-31/vpc-origin/${v.Id}$`));
    clock.advance(1000);
    const got = await cf.send(new GetVpcOriginCommand({ Id: v.Id }));
    assert.equal(got.VpcOrigin?.Status, "Deployed");
    assert.equal(got.ETag, created.ETag);

    await expectServiceError(cf.send(new UpdateVpcOriginCommand({ Id: v.Id, IfMatch: "stale", VpcOriginEndpointConfig: endpoint(alb("crud")) })), 412, "PreconditionFailed");
    const updated = await cf.send(new UpdateVpcOriginCommand({ Id: v.Id, IfMatch: got.ETag, VpcOriginEndpointConfig: endpoint(alb("crud"), { HTTPPort: 8080 }) }));
    assert.equal(updated.$metadata.httpStatusCode, 202);
    assert.equal(updated.VpcOrigin?.VpcOriginEndpointConfig?.HTTPPort, 8080);
    assert.notEqual(updated.ETag, got.ETag);
    await expectServiceError(cf.send(new UpdateVpcOriginCommand({ Id: v.Id, IfMatch: updated.ETag, VpcOriginEndpointConfig: endpoint(alb("crud")) })), 409, "CannotUpdateEntityWhileInUse");
    clock.advance(1000);

    const list = await cf.send(new ListVpcOriginsCommand({}));
    const summary = list.VpcOriginList?.Items?.find((x) => x.Id === v.Id) ?? assert.fail("not listed");
    assert.equal(summary.OriginEndpointArn, alb("crud"));
    assert.equal(summary.Status, "Deployed");

    const deleted = await cf.send(new DeleteVpcOriginCommand({ Id: v.Id, IfMatch: updated.ETag }));
    assert.equal(deleted.$metadata.httpStatusCode, 202);
    assert.equal(deleted.VpcOrigin?.Status, "Deleting");
    await expectServiceError(cf.send(new GetVpcOriginCommand({ Id: v.Id })), 404, "EntityNotFound");
  });

  it("refuses what AWS refuses", async () => {
    await expectServiceError(cf.send(new GetVpcOriginCommand({ Id: "vo_NoSuchVpcOrigin0000000" })), 404, "EntityNotFound");
    await expectServiceError(cf.send(new CreateVpcOriginCommand({ VpcOriginEndpointConfig: endpoint("arn:aws:s3:::bucket") })), 400, "InvalidArgument");
    await expectServiceError(cf.send(new CreateVpcOriginCommand({ VpcOriginEndpointConfig: endpoint(alb("ports"), { HTTPPort: 81 }) })), 400, "InvalidArgument");
    await cf.send(new CreateVpcOriginCommand({ VpcOriginEndpointConfig: endpoint(alb("twice")) }));
    await expectServiceError(cf.send(new CreateVpcOriginCommand({ VpcOriginEndpointConfig: endpoint(alb("twice")) })), 409, "EntityAlreadyExists");
    await expectServiceError(distribution("vo_NoSuchVpcOrigin0000000"), 404, "EntityNotFound");
  });

  it("keeps a VPC origin a distribution uses, and lists that distribution by it", async () => {
    const v = await cf.send(new CreateVpcOriginCommand({ VpcOriginEndpointConfig: endpoint(alb("in-use")) }));
    const id = v.VpcOrigin?.Id ?? "";
    const d = await distribution(id);
    await expectServiceError(cf.send(new DeleteVpcOriginCommand({ Id: id, IfMatch: v.ETag })), 409, "CannotDeleteEntityWhileInUse");
    const by = await cf.send(new ListDistributionsByVpcOriginIdCommand({ VpcOriginId: id }));
    assert.deepEqual(by.DistributionIdList?.Items, [d.id]);
  });

  describe("at the edge", () => {
    it("serves a VPC origin from the local server --vpc-origin maps it to, with the origin's DomainName as Host", async () => {
      origin.on("/orders", { status: 200, body: "orders from the private ALB" });
      const v = await cf.send(new CreateVpcOriginCommand({ VpcOriginEndpointConfig: endpoint(MAPPED_ALB, { HTTPPort: origin.port }) }));
      const d = await distribution(v.VpcOrigin?.Id ?? "");
      const res = await sendToEdge(t.emu.port, d.domain, "/orders");
      assert.equal(res.status, 200);
      assert.equal(res.body, "orders from the private ALB");
      assert.equal(origin.requests("/orders")[0]?.headers.host, `internal-app.us-east-1.elb.amazonaws.com:${origin.port}`, "as for a custom origin on that port");
    });

    it("answers CloudFront's 502 for an unmapped VPC origin and says once how to map it", async () => {
      const v = await cf.send(new CreateVpcOriginCommand({ VpcOriginEndpointConfig: endpoint(alb("unmapped")) }));
      const id = v.VpcOrigin?.Id ?? "";
      const d = await distribution(id);
      for (let i = 0; i < 2; i++) {
        const res = await sendToEdge(t.emu.port, d.domain, `/x${i}`);
        assert.equal(res.status, 502);
        assert.equal(res.headers["x-cache"], "Error from cloudfront");
      }
      assert.equal(lines.filter((l) => l.includes(`start minifront with --vpc-origin ${id}=host:port`)).length, 1, lines.join("\n"));
    });
  });
});
