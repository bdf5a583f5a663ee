// How a tenant's distribution is served (tenant-serving.ts; Developer Guide "Distribution tenant
// customizations"): parameters substituted into origins, customizations overriding the
// distribution's, Enabled only when the distribution, tenant and connection group all are.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { DistributionConfig } from "@aws-sdk/client-cloudfront";
import { parameterValues, placeholderNames, substituteParameters, tenantConfig } from "./tenant-serving.ts";
import type { DistributionTenantRecord } from "./stores/distribution-tenants.ts";

const CONFIG: DistributionConfig = {
  CallerReference: "r",
  Comment: "",
  Enabled: true,
  ConnectionMode: "tenant-only",
  TenantConfig: {
    ParameterDefinitions: [
      { Name: "tenantName", Definition: { StringSchema: { Required: true } } },
      { Name: "env", Definition: { StringSchema: { Required: false, DefaultValue: "prod" } } },
    ],
  },
  Origins: { Quantity: 1, Items: [{ Id: "o", DomainName: "{{tenantName}}.origin.test", OriginPath: "/{{env}}/{{tenantName}}", CustomOriginConfig: { HTTPPort: 80, HTTPSPort: 443, OriginProtocolPolicy: "http-only" } }] },
  DefaultCacheBehavior: { TargetOriginId: "o", ViewerProtocolPolicy: "allow-all", CachePolicyId: "p" },
  Restrictions: { GeoRestriction: { RestrictionType: "blacklist", Quantity: 1, Items: ["DE"] } },
  WebACLId: "arn:aws:wafv2:us-east-1:123456789012:global/webacl/dist/1",
};

function tenant(over: Partial<DistributionTenantRecord> = {}): DistributionTenantRecord {
  return {
    Id: "dt_1", Arn: "arn", ETag: "E1", Name: "acme", DistributionId: "E1", ConnectionGroupId: "cg_1", Domains: ["acme.test"],
    Parameters: [{ Name: "tenantName", Value: "acme" }], Customizations: undefined, ManagedCertificateRequest: undefined,
    Enabled: true, createdAt: 0, lastModified: 0, deployAt: 0, tags: [], ...over,
  };
}

describe("tenant serving", () => {
  it("substitutes known {{names}} and leaves unknown ones as written", () => {
    const values = new Map([["a", "x"]]);
    assert.equal(substituteParameters("{{a}}.{{b}}.test/{{a}}", values), "x.{{b}}.test/x");
    assert.deepEqual(placeholderNames("/{{env}}/{{tenantName}}"), ["env", "tenantName"]);
  });

  it("takes the tenant's value, else the definition's default", () => {
    const values = parameterValues(CONFIG.TenantConfig?.ParameterDefinitions ?? [], [{ Name: "tenantName", Value: "acme" }]);
    assert.deepEqual([...values], [["env", "prod"], ["tenantName", "acme"]]);
  });

  it("puts the tenant's parameters into the origin domain and path", () => {
    const origin = tenantConfig(CONFIG, tenant(), true).Origins?.Items?.[0];
    assert.equal(origin?.DomainName, "acme.origin.test");
    assert.equal(origin?.OriginPath, "/prod/acme");
  });

  it("keeps the distribution's geo restriction and web ACL unless the tenant overrides them", () => {
    const plain = tenantConfig(CONFIG, tenant(), true);
    assert.deepEqual(plain.Restrictions, CONFIG.Restrictions);
    assert.equal(plain.WebACLId, CONFIG.WebACLId);
    const custom = tenantConfig(
      CONFIG,
      tenant({ Customizations: { GeoRestrictions: { RestrictionType: "whitelist", Locations: ["FR", "BE"] }, WebAcl: { Action: "disable" }, Certificate: { Arn: "arn:aws:acm:us-east-1:1:certificate/c" } } }),
      true,
    );
    assert.deepEqual(custom.Restrictions, { GeoRestriction: { RestrictionType: "whitelist", Quantity: 2, Items: ["FR", "BE"] } });
    assert.equal(custom.WebACLId, "");
    assert.equal(custom.ViewerCertificate?.ACMCertificateArn, "arn:aws:acm:us-east-1:1:certificate/c");
  });

  it("is enabled only when the distribution, the tenant and the connection group are", () => {
    assert.equal(tenantConfig(CONFIG, tenant(), true).Enabled, true);
    assert.equal(tenantConfig(CONFIG, tenant({ Enabled: false }), true).Enabled, false);
    assert.equal(tenantConfig(CONFIG, tenant(), false).Enabled, false);
    assert.equal(tenantConfig({ ...CONFIG, Enabled: false }, tenant(), true).Enabled, false);
  });
});
