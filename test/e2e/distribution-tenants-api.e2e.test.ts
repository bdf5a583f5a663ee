// Multi-tenant distributions through the API end to end (issue 17; CloudFront API reference for each
// operation, Developer Guide "Work with multi-tenant distributions"): connection groups, distribution
// tenants, their invalidations, domains and certificates, through @aws-sdk/client-cloudfront on a
// real port, with the errors the model declares for each (EntityNotFound, EntityAlreadyExists,
// CNAMEAlreadyExists, ResourceNotDisabled, CannotDeleteEntityWhileInUse, PreconditionFailed, ...).
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  AssociateDistributionTenantWebACLCommand,
  CreateConnectionGroupCommand,
  CreateDistributionCommand,
  CreateDistributionTenantCommand,
  CreateInvalidationForDistributionTenantCommand,
  DeleteConnectionGroupCommand,
  DeleteDistributionCommand,
  DeleteDistributionTenantCommand,
  DisassociateDistributionTenantWebACLCommand,
  GetConnectionGroupByRoutingEndpointCommand,
  GetConnectionGroupCommand,
  GetDistributionConfigCommand,
  GetDistributionTenantByDomainCommand,
  GetDistributionTenantCommand,
  GetInvalidationForDistributionTenantCommand,
  GetManagedCertificateDetailsCommand,
  ListConnectionGroupsCommand,
  ListDistributionTenantsByCustomizationCommand,
  ListDistributionTenantsCommand,
  ListDistributionsByConnectionModeCommand,
  ListDomainConflictsCommand,
  ListInvalidationsForDistributionTenantCommand,
  ListTagsForResourceCommand,
  TagResourceCommand,
  UpdateConnectionGroupCommand,
  UpdateDistributionCommand,
  UpdateDistributionTenantCommand,
  UpdateDomainAssociationCommand,
  VerifyDnsConfigurationCommand,
  type CloudFrontClient,
  type DistributionConfig,
} from "@aws-sdk/client-cloudfront";
import { ManualClock } from "../../src/clock.ts";
import { expectServiceError, useEmulator } from "../helpers/emulator.ts";

const ACCOUNT = "123456789012";
const CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6";
const WEB_ACL = `arn:aws:wafv2:us-east-1:${ACCOUNT}:global/webacl/tenant-acl/a1b2c3d4-5678-90ab-cdef-EXAMPLE11111`;
const CERT = `arn:aws:acm:us-east-1:${ACCOUNT}:certificate/12345678-1234-1234-1234-123456789012`;

describe("multi-tenant distributions API", () => {
  const clock = new ManualClock();
  const t = useEmulator({ clock, deployDelayMs: 1000 });
  let cf: CloudFrontClient;
  let refs = 0;
  let mtId = "";
  before(async () => {
    cf = t.cloudfront();
    mtId = (await distribution("tenant-only")).Id;
  });
  after(() => cf.destroy());

  function config(mode: "direct" | "tenant-only", extra: Partial<DistributionConfig> = {}): DistributionConfig {
    return {
      CallerReference: `mt-${++refs}`,
      Comment: "",
      Enabled: true,
      ConnectionMode: mode,
      ...(mode === "tenant-only"
        ? { TenantConfig: { ParameterDefinitions: [{ Name: "site", Definition: { StringSchema: { Required: true } } }, { Name: "env", Definition: { StringSchema: { Required: false, DefaultValue: "prod" } } }] } }
        : {}),
      Origins: {
        Quantity: 1,
        Items: [{ Id: "app", DomainName: mode === "tenant-only" ? "{{site}}.origin.test" : "origin.test", OriginPath: mode === "tenant-only" ? "/{{env}}" : "", CustomOriginConfig: { HTTPPort: 80, HTTPSPort: 443, OriginProtocolPolicy: "http-only" } }],
      },
      DefaultCacheBehavior: { TargetOriginId: "app", ViewerProtocolPolicy: "allow-all", CachePolicyId: CACHING_OPTIMIZED },
      // Aliases need a certificate that covers them.
      ...(extra.Aliases ? { ViewerCertificate: { ACMCertificateArn: CERT, SSLSupportMethod: "sni-only", MinimumProtocolVersion: "TLSv1.2_2021" } } : {}),
      ...extra,
    };
  }

  async function distribution(mode: "direct" | "tenant-only", extra: Partial<DistributionConfig> = {}) {
    const out = await cf.send(new CreateDistributionCommand({ DistributionConfig: config(mode, extra) }));
    return { Id: out.Distribution?.Id ?? "", ETag: out.ETag ?? "" };
  }

  async function tenant(name: string, domains: string[], extra: Record<string, unknown> = {}) {
    const out = await cf.send(
      new CreateDistributionTenantCommand({ DistributionId: mtId, Name: name, Domains: domains.map((Domain) => ({ Domain })), Parameters: [{ Name: "site", Value: name }], ...extra }),
    );
    return { Id: out.DistributionTenant?.Id ?? "", ETag: out.ETag ?? "", tenant: out.DistributionTenant };
  }

  it("creates tenants in the default connection group, reads them by id, name, ARN and domain, updates and deletes them with ETags", async () => {
    const created = await tenant("shop-one", ["shop.one.test"], { Tags: { Items: [{ Key: "tier", Value: "gold" }] } });
    const dt = created.tenant ?? assert.fail("no tenant");
    assert.match(dt.Id ?? "", /^dt_[A-Za-z0-9]{27}$/);
    assert.equal(dt.Arn, `arn:aws:cloudfront::${ACCOUNT}:distribution-tenant/${dt.Id}`);
    assert.equal(dt.Status, "InProgress");
    assert.deepEqual(dt.Domains, [{ Domain: "shop.one.test", Status: "active" }]);
    assert.deepEqual(dt.Parameters, [{ Name: "site", Value: "shop-one" }]);
    const group = await cf.send(new GetConnectionGroupCommand({ Identifier: dt.ConnectionGroupId }));
    assert.equal(group.ConnectionGroup?.IsDefault, true);

    clock.advance(1000);
    for (const Identifier of [dt.Id, "shop-one", dt.Arn]) {
      const got = await cf.send(new GetDistributionTenantCommand({ Identifier }));
      assert.equal(got.DistributionTenant?.Id, dt.Id);
      assert.equal(got.DistributionTenant?.Status, "Deployed");
      assert.equal(got.ETag, created.ETag);
    }
    assert.equal((await cf.send(new GetDistributionTenantByDomainCommand({ Domain: "SHOP.one.test" }))).DistributionTenant?.Id, dt.Id);
    await expectServiceError(cf.send(new GetDistributionTenantCommand({ Identifier: "dt_nope" })), 404, "EntityNotFound");
    await expectServiceError(cf.send(new GetDistributionTenantByDomainCommand({ Domain: "nobody.test" })), 404, "EntityNotFound");

    await expectServiceError(cf.send(new UpdateDistributionTenantCommand({ Id: dt.Id, IfMatch: "stale", Enabled: false })), 412, "PreconditionFailed");
    await expectServiceError(cf.send(new UpdateDistributionTenantCommand({ Id: dt.Id, IfMatch: "", Enabled: false })), 400, "InvalidIfMatchVersion");
    await expectServiceError(cf.send(new DeleteDistributionTenantCommand({ Id: dt.Id, IfMatch: created.ETag })), 409, "ResourceNotDisabled");
    const disabled = await cf.send(new UpdateDistributionTenantCommand({ Id: dt.Id, IfMatch: created.ETag, Enabled: false, Domains: [{ Domain: "shop.one.test" }, { Domain: "www.shop.one.test" }] }));
    assert.equal(disabled.DistributionTenant?.Enabled, false);
    assert.equal(disabled.DistributionTenant?.Domains?.length, 2);
    // Members not given are kept.
    assert.deepEqual(disabled.DistributionTenant?.Parameters, [{ Name: "site", Value: "shop-one" }]);

    const tags = await cf.send(new ListTagsForResourceCommand({ Resource: dt.Arn }));
    assert.deepEqual(tags.Tags?.Items, [{ Key: "tier", Value: "gold" }]);

    await cf.send(new DeleteDistributionTenantCommand({ Id: dt.Id, IfMatch: disabled.ETag }));
    await expectServiceError(cf.send(new GetDistributionTenantCommand({ Identifier: dt.Id })), 404, "EntityNotFound");
  });

  it("refuses bad tenants with the model's error codes", async () => {
    const direct = await distribution("direct", { Aliases: { Quantity: 1, Items: ["taken.example.test"] } });
    await tenant("taken-name", ["first.taken.test"]);
    const create = (over: Record<string, unknown>) =>
      cf.send(new CreateDistributionTenantCommand({ DistributionId: mtId, Name: `bad-${++refs}`, Domains: [{ Domain: `bad${refs}.test` }], Parameters: [{ Name: "site", Value: "x" }], ...over }));
    await expectServiceError(create({ DistributionId: "EDFDVBD632BHDS5" }), 404, "EntityNotFound");
    await expectServiceError(create({ DistributionId: direct.Id }), 400, "InvalidArgument");
    await expectServiceError(create({ Name: "taken-name" }), 409, "EntityAlreadyExists");
    await expectServiceError(create({ Domains: [{ Domain: "first.taken.test" }] }), 409, "CNAMEAlreadyExists");
    await expectServiceError(create({ Domains: [{ Domain: "taken.example.test" }] }), 409, "CNAMEAlreadyExists");
    await expectServiceError(create({ Domains: [] }), 400, "InvalidArgument");
    await expectServiceError(create({ Domains: ["a", "b", "c", "d", "e", "f"].map((d) => ({ Domain: `${d}.six.test` })) }), 400, "InvalidArgument");
    await expectServiceError(create({ Parameters: [] }), 400, "InvalidArgument"); // site is required
    await expectServiceError(create({ Parameters: [{ Name: "site", Value: "x" }, { Name: "nope", Value: "y" }] }), 400, "InvalidArgument");
    await expectServiceError(create({ Customizations: { GeoRestrictions: { RestrictionType: "blacklist", Locations: [] } } }), 400, "InvalidArgument");
    await expectServiceError(create({ Customizations: { WebAcl: { Action: "override", Arn: "arn:aws:waf::1:webacl/x" } } }), 400, "InvalidArgument");
    await expectServiceError(create({ ConnectionGroupId: "cg_nope" }), 404, "EntityNotFound");
    await expectServiceError(create({ Tags: { Items: [{ Key: "aws:reserved", Value: "x" }] } }), 400, "InvalidTagging");
  });

  it("lists tenants by distribution, connection group and customization, and associates web ACLs", async () => {
    const acl = await tenant("acl-tenant", ["acl.tenant.test"], { Customizations: { Certificate: { Arn: CERT } } });
    const other = await tenant("plain-tenant", ["plain.tenant.test"]);
    const all = await cf.send(new ListDistributionTenantsCommand({ AssociationFilter: { DistributionId: mtId } }));
    const ids = (all.DistributionTenantList ?? []).map((x) => x.Id);
    assert.ok(ids.includes(acl.Id) && ids.includes(other.Id));
    const first = await cf.send(new ListDistributionTenantsCommand({ AssociationFilter: { DistributionId: mtId }, MaxItems: 1 }));
    assert.equal(first.DistributionTenantList?.length, 1);
    const second = await cf.send(new ListDistributionTenantsCommand({ AssociationFilter: { DistributionId: mtId }, MaxItems: 1, Marker: first.NextMarker }));
    assert.notEqual(second.DistributionTenantList?.[0]?.Id, first.DistributionTenantList?.[0]?.Id);
    assert.equal((await cf.send(new ListDistributionTenantsCommand({ AssociationFilter: { ConnectionGroupId: "cg_none" } }))).DistributionTenantList?.length, 0);

    const associated = await cf.send(new AssociateDistributionTenantWebACLCommand({ Id: acl.Id, WebACLArn: WEB_ACL, IfMatch: acl.ETag }));
    assert.equal(associated.WebACLArn, WEB_ACL);
    await expectServiceError(cf.send(new AssociateDistributionTenantWebACLCommand({ Id: acl.Id, WebACLArn: WEB_ACL, IfMatch: acl.ETag })), 412, "PreconditionFailed");
    const byAcl = await cf.send(new ListDistributionTenantsByCustomizationCommand({ WebACLArn: WEB_ACL }));
    assert.deepEqual(byAcl.DistributionTenantList?.map((x) => x.Id), [acl.Id]);
    const byCert = await cf.send(new ListDistributionTenantsByCustomizationCommand({ CertificateArn: CERT }));
    assert.deepEqual(byCert.DistributionTenantList?.map((x) => x.Id), [acl.Id]);
    const dis = await cf.send(new DisassociateDistributionTenantWebACLCommand({ Id: acl.Id, IfMatch: associated.ETag }));
    assert.notEqual(dis.ETag, associated.ETag);
    assert.equal((await cf.send(new ListDistributionTenantsByCustomizationCommand({ WebACLArn: WEB_ACL }))).DistributionTenantList?.length, 0);
    await expectServiceError(cf.send(new DisassociateDistributionTenantWebACLCommand({ Id: "dt_nope" })), 404, "EntityNotFound");
  });

  it("creates, reads, updates, lists and deletes connection groups", async () => {
    const created = await cf.send(new CreateConnectionGroupCommand({ Name: "custom-group", Ipv6Enabled: false, Tags: { Items: [{ Key: "team", Value: "edge" }] } }));
    const g = created.ConnectionGroup ?? assert.fail("no group");
    assert.match(g.Id ?? "", /^cg_[A-Za-z0-9]{27}$/);
    assert.equal(g.Arn, `arn:aws:cloudfront::${ACCOUNT}:connection-group/${g.Id}`);
    assert.match(g.RoutingEndpoint ?? "", /^d[a-z0-9]{13}\./);
    assert.deepEqual([g.Ipv6Enabled, g.Enabled, g.IsDefault, g.Status], [false, true, false, "InProgress"]);
    await expectServiceError(cf.send(new CreateConnectionGroupCommand({ Name: "custom-group" })), 409, "EntityAlreadyExists");
    await expectServiceError(cf.send(new CreateConnectionGroupCommand({ Name: "with-anycast", AnycastIpListId: "aip_nope" })), 404, "EntityNotFound");
    for (const Identifier of [g.Id, g.Name, g.Arn]) assert.equal((await cf.send(new GetConnectionGroupCommand({ Identifier }))).ConnectionGroup?.Id, g.Id);
    assert.equal((await cf.send(new GetConnectionGroupByRoutingEndpointCommand({ RoutingEndpoint: g.RoutingEndpoint }))).ConnectionGroup?.Id, g.Id);
    await expectServiceError(cf.send(new GetConnectionGroupByRoutingEndpointCommand({ RoutingEndpoint: "d0000000000000.example.test" })), 404, "EntityNotFound");
    await expectServiceError(cf.send(new GetConnectionGroupCommand({ Identifier: "cg_nope" })), 404, "EntityNotFound");

    const user = await tenant("grouped-tenant", ["grouped.tenant.test"], { ConnectionGroupId: g.Id });
    assert.equal((await cf.send(new ListDistributionTenantsCommand({ AssociationFilter: { ConnectionGroupId: g.Id } }))).DistributionTenantList?.[0]?.Id, user.Id);
    await expectServiceError(cf.send(new UpdateConnectionGroupCommand({ Id: g.Id, IfMatch: "stale", Enabled: false })), 412, "PreconditionFailed");
    await expectServiceError(cf.send(new DeleteConnectionGroupCommand({ Id: g.Id, IfMatch: created.ETag })), 409, "ResourceNotDisabled");
    const disabled = await cf.send(new UpdateConnectionGroupCommand({ Id: g.Id, IfMatch: created.ETag, Enabled: false }));
    assert.equal(disabled.ConnectionGroup?.Enabled, false);
    assert.equal(disabled.ConnectionGroup?.Ipv6Enabled, false);
    await expectServiceError(cf.send(new DeleteConnectionGroupCommand({ Id: g.Id, IfMatch: disabled.ETag })), 409, "CannotDeleteEntityWhileInUse");

    const groups = await cf.send(new ListConnectionGroupsCommand({}));
    assert.ok((groups.ConnectionGroups ?? []).some((x) => x.Id === g.Id && x.ETag === disabled.ETag));
    const page = await cf.send(new ListConnectionGroupsCommand({ MaxItems: 1 }));
    assert.equal(page.ConnectionGroups?.length, 1);
    assert.ok(page.NextMarker);

    // Move the tenant to the default group, then the custom group can go.
    const u = await cf.send(new GetDistributionTenantCommand({ Identifier: user.Id }));
    const defaultGroup = (groups.ConnectionGroups ?? []).find((x) => x.IsDefault) ?? assert.fail("no default group");
    await cf.send(new UpdateDistributionTenantCommand({ Id: user.Id, IfMatch: u.ETag, ConnectionGroupId: defaultGroup.Id }));
    await cf.send(new DeleteConnectionGroupCommand({ Id: g.Id, IfMatch: disabled.ETag }));
    await expectServiceError(cf.send(new GetConnectionGroupCommand({ Identifier: g.Id })), 404, "EntityNotFound");
    await cf.send(new TagResourceCommand({ Resource: defaultGroup.Arn, Tags: { Items: [{ Key: "k", Value: "v" }] } }));
    assert.deepEqual((await cf.send(new ListTagsForResourceCommand({ Resource: defaultGroup.Arn }))).Tags?.Items, [{ Key: "k", Value: "v" }]);
  });

  it("creates, reads and lists a tenant's invalidations", async () => {
    const dt = await tenant("inval-tenant", ["inval.tenant.test"]);
    const created = await cf.send(new CreateInvalidationForDistributionTenantCommand({ Id: dt.Id, InvalidationBatch: { CallerReference: "r1", Paths: { Quantity: 1, Items: ["/a/*"] } } }));
    const inv = created.Invalidation ?? assert.fail("no invalidation");
    assert.equal(inv.Status, "InProgress");
    assert.match(created.Location ?? "", new RegExp(`/2020-05-31/distribution-tenant/${dt.Id}/invalidation/${inv.Id}$`));
    // The same CallerReference and paths: the same invalidation.
    const again = await cf.send(new CreateInvalidationForDistributionTenantCommand({ Id: dt.Id, InvalidationBatch: { CallerReference: "r1", Paths: { Quantity: 1, Items: ["/a/*"] } } }));
    assert.equal(again.Invalidation?.Id, inv.Id);
    await expectServiceError(
      cf.send(new CreateInvalidationForDistributionTenantCommand({ Id: dt.Id, InvalidationBatch: { CallerReference: "r2", Paths: { Quantity: 1, Items: ["no-slash"] } } })),
      400,
      "InvalidArgument",
    );
    await expectServiceError(
      cf.send(new CreateInvalidationForDistributionTenantCommand({ Id: "dt_nope", InvalidationBatch: { CallerReference: "r3", Paths: { Quantity: 1, Items: ["/x"] } } })),
      404,
      "EntityNotFound",
    );
    const got = await cf.send(new GetInvalidationForDistributionTenantCommand({ DistributionTenantId: dt.Id, Id: inv.Id }));
    assert.deepEqual(got.Invalidation?.InvalidationBatch?.Paths?.Items, ["/a/*"]);
    await expectServiceError(cf.send(new GetInvalidationForDistributionTenantCommand({ DistributionTenantId: dt.Id, Id: "INOPE" })), 404, "NoSuchInvalidation");
    const list = await cf.send(new ListInvalidationsForDistributionTenantCommand({ Id: dt.Id }));
    assert.deepEqual(list.InvalidationList?.Items?.map((i) => i.Id), [inv.Id]);
    assert.equal(list.InvalidationList?.Quantity, 1);
  });

  it("answers certificate details, moves domains, verifies DNS locally and lists domain conflicts", async () => {
    const certified = await tenant("cert-tenant", ["cert.tenant.localhost", "other.tenant.invalid"], { ManagedCertificateRequest: { ValidationTokenHost: "cloudfront", PrimaryDomainName: "cert.tenant.localhost" } });
    const details = await cf.send(new GetManagedCertificateDetailsCommand({ Identifier: certified.Id }));
    assert.equal(details.ManagedCertificateDetails?.CertificateStatus, "issued");
    assert.match(details.ManagedCertificateDetails?.CertificateArn ?? "", new RegExp(`^arn:aws:acm:us-east-1:${ACCOUNT}:certificate/`));
    assert.deepEqual(details.ManagedCertificateDetails?.ValidationTokenDetails?.map((d) => d.Domain), ["cert.tenant.localhost", "other.tenant.invalid"]);
    const plain = await tenant("nocert-tenant", ["nocert.tenant.test"]);
    await expectServiceError(cf.send(new GetManagedCertificateDetailsCommand({ Identifier: plain.Id })), 404, "EntityNotFound");

    // DNS: *.localhost is this machine; *.invalid never resolves (RFC 6761); no network is asked.
    const dns = await cf.send(new VerifyDnsConfigurationCommand({ Identifier: certified.Id }));
    assert.deepEqual(dns.DnsConfigurationList?.map((d) => [d.Domain, d.Status]), [["cert.tenant.localhost", "valid-configuration"], ["other.tenant.invalid", "unknown-configuration"]]);
    await expectServiceError(cf.send(new VerifyDnsConfigurationCommand({ Identifier: certified.Id, Domain: "nocert.tenant.test" })), 400, "InvalidArgument");

    // Move a domain from one tenant to another; then from a standard distribution's aliases to a tenant.
    const moved = await cf.send(new UpdateDomainAssociationCommand({ Domain: "other.tenant.invalid", TargetResource: { DistributionTenantId: plain.Id }, IfMatch: plain.ETag }));
    assert.equal(moved.ResourceId, plain.Id);
    assert.equal((await cf.send(new GetDistributionTenantByDomainCommand({ Domain: "other.tenant.invalid" }))).DistributionTenant?.Id, plain.Id);
    assert.equal((await cf.send(new GetDistributionTenantCommand({ Identifier: certified.Id }))).DistributionTenant?.Domains?.length, 1);
    await expectServiceError(cf.send(new UpdateDomainAssociationCommand({ Domain: "other.tenant.invalid", TargetResource: { DistributionTenantId: plain.Id } })), 400, "IllegalUpdate");
    await expectServiceError(cf.send(new UpdateDomainAssociationCommand({ Domain: "unknown.test", TargetResource: { DistributionTenantId: plain.Id } })), 404, "EntityNotFound");
    await expectServiceError(cf.send(new UpdateDomainAssociationCommand({ Domain: "x.test", TargetResource: {} })), 400, "InvalidArgument");
    const standard = await distribution("direct", { Aliases: { Quantity: 2, Items: ["a.moving.test", "b.moving.test"] } });
    await cf.send(new UpdateDomainAssociationCommand({ Domain: "a.moving.test", TargetResource: { DistributionTenantId: plain.Id } }));
    const left = await cf.send(new GetDistributionConfigCommand({ Id: standard.Id }));
    assert.deepEqual(left.DistributionConfig?.Aliases?.Items, ["b.moving.test"]);

    const wildcard = await distribution("direct", { Aliases: { Quantity: 1, Items: ["*.conflict.test"] } });
    const conflicts = await cf.send(new ListDomainConflictsCommand({ Domain: "shop.conflict.test", DomainControlValidationResource: { DistributionTenantId: plain.Id } }));
    assert.deepEqual(conflicts.DomainConflicts, [{ Domain: "*.conflict.test", ResourceType: "distribution", ResourceId: wildcard.Id, AccountId: ACCOUNT }]);
    await expectServiceError(cf.send(new ListDomainConflictsCommand({ Domain: "x.test", DomainControlValidationResource: { DistributionTenantId: "dt_nope" } })), 404, "EntityNotFound");
  });

  it("lists multi-tenant distributions by connection mode and guards them on update and delete", async () => {
    const listed = await cf.send(new ListDistributionsByConnectionModeCommand({ ConnectionMode: "tenant-only" }));
    assert.ok((listed.DistributionList?.Items ?? []).some((d) => d.Id === mtId));
    const got = await cf.send(new GetDistributionConfigCommand({ Id: mtId }));
    const cfg = got.DistributionConfig ?? assert.fail("no config");
    // The defaults GetDistributionConfig shows are accepted back.
    const same = await cf.send(new UpdateDistributionCommand({ Id: mtId, IfMatch: got.ETag, DistributionConfig: cfg }));
    await expectServiceError(cf.send(new UpdateDistributionCommand({ Id: mtId, IfMatch: same.ETag, DistributionConfig: { ...cfg, ConnectionMode: "direct" } })), 400, "IllegalUpdate");
    const off = await cf.send(new UpdateDistributionCommand({ Id: mtId, IfMatch: same.ETag, DistributionConfig: { ...cfg, Enabled: false } }));
    clock.advance(1000);
    await expectServiceError(cf.send(new DeleteDistributionCommand({ Id: mtId, IfMatch: off.ETag })), 409, "ResourceInUse");
  });
});
