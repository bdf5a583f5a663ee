// Distribution tenants at the edge (issue 17, "a tenant served on its domain"; CloudFront Developer
// Guide "Work with multi-tenant distributions", "Distribution tenant customizations"): a
// multi-tenant distribution whose origin path is /{{tenantName}}, two tenants on two domains, and
// curl with each Host gets each tenant's content; the cache is per tenant; an invalidation for one
// tenant purges only its objects; a tenant's geo restriction overrides the distribution's; a
// disabled tenant and the multi-tenant distribution's own domain name are not served.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import {
  CreateDistributionCommand,
  CreateDistributionTenantCommand,
  CreateInvalidationCommand,
  CreateInvalidationForDistributionTenantCommand,
  GetDistributionTenantCommand,
  UpdateDistributionTenantCommand,
  type CloudFrontClient,
} from "@aws-sdk/client-cloudfront";
import { expectServiceError, useEmulator } from "../helpers/emulator.ts";
import { TestOrigin, header, sendToEdge } from "../helpers/test-origin.ts";
import { hasCurl } from "../helpers/curl.ts";

const CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6";
const CACHEABLE = { "Cache-Control": "max-age=3600" };

describe("distribution tenants at the edge", () => {
  const t = useEmulator();
  const origin = new TestOrigin();
  let cf: CloudFrontClient;
  let distributionId = "";
  let distributionDomain = "";
  let alphaId = "";

  /** curl as a viewer of `domain` (resolved to the emulator): status, X-Cache and body. */
  async function curl(domain: string, path: string, extra: string[] = []): Promise<{ status: number; xCache: string; body: string }> {
    const port = t.emu.port;
    const { stdout } = await promisify(execFile)("curl", ["-s", "-i", ...extra, "--resolve", `${domain}:${port}:127.0.0.1`, `http://${domain}:${port}${path}`], { encoding: "utf8" });
    const [head = "", body = ""] = stdout.split("\r\n\r\n");
    const status = Number(/^HTTP\/[\d.]+ (\d+)/.exec(head)?.[1] ?? 0);
    return { status, xCache: /^x-cache: (.*)$/im.exec(head)?.[1]?.trim() ?? "", body };
  }

  before(async () => {
    await origin.start();
    cf = t.cloudfront();
    for (const tenant of ["alpha", "beta"]) origin.on(`/${tenant}/page.html`, { body: `${tenant} page`, headers: CACHEABLE });
    const dist = await cf.send(
      new CreateDistributionCommand({
        DistributionConfig: {
          CallerReference: "tenants-edge",
          Comment: "multi-tenant",
          Enabled: true,
          ConnectionMode: "tenant-only",
          TenantConfig: { ParameterDefinitions: [{ Name: "tenantName", Definition: { StringSchema: { Required: true, Comment: "the tenant's folder" } } }] },
          Origins: {
            Quantity: 1,
            Items: [{ Id: "app", DomainName: "127.0.0.1", OriginPath: "/{{tenantName}}", CustomOriginConfig: { HTTPPort: origin.port, HTTPSPort: 443, OriginProtocolPolicy: "http-only" } }],
          },
          DefaultCacheBehavior: { TargetOriginId: "app", ViewerProtocolPolicy: "allow-all", CachePolicyId: CACHING_OPTIMIZED },
        },
      }),
    );
    distributionId = dist.Distribution?.Id ?? "";
    distributionDomain = dist.Distribution?.DomainName ?? "";
    for (const name of ["alpha", "beta"]) {
      const out = await cf.send(
        new CreateDistributionTenantCommand({ DistributionId: distributionId, Name: `${name}-tenant`, Domains: [{ Domain: `${name}.tenant.test` }], Parameters: [{ Name: "tenantName", Value: name }] }),
      );
      if (name === "alpha") alphaId = out.DistributionTenant?.Id ?? "";
    }
  });
  after(async () => {
    cf.destroy();
    await origin.close();
  });

  it("serves each tenant on its domain with its parameters in the origin path, and caches per tenant", { skip: !hasCurl() && "curl is not installed" }, async () => {
    const alpha = await curl("alpha.tenant.test", "/page.html");
    assert.deepEqual([alpha.status, alpha.body, alpha.xCache], [200, "alpha page", "Miss from cloudfront"]);
    const beta = await curl("beta.tenant.test", "/page.html");
    // The same path on another tenant is another object: not alpha's cached copy.
    assert.deepEqual([beta.status, beta.body, beta.xCache], [200, "beta page", "Miss from cloudfront"]);
    assert.equal((await curl("alpha.tenant.test", "/page.html")).xCache, "Hit from cloudfront");
    assert.equal((await curl("beta.tenant.test", "/page.html")).xCache, "Hit from cloudfront");
    assert.equal(origin.hits("/alpha/page.html"), 1);
    assert.equal(origin.hits("/beta/page.html"), 1);
  });

  it("purges only the tenant's objects on an invalidation for that tenant", async () => {
    const domainOf = (name: string) => `${name}.tenant.test`;
    for (const name of ["alpha", "beta"]) await sendToEdge(t.emu.port, domainOf(name), "/page.html");
    const before = { alpha: origin.hits("/alpha/page.html"), beta: origin.hits("/beta/page.html") };
    await cf.send(new CreateInvalidationForDistributionTenantCommand({ Id: alphaId, InvalidationBatch: { CallerReference: "alpha-1", Paths: { Quantity: 1, Items: ["/page.html"] } } }));
    const alpha = await sendToEdge(t.emu.port, domainOf("alpha"), "/page.html");
    const beta = await sendToEdge(t.emu.port, domainOf("beta"), "/page.html");
    assert.equal(header(alpha, "x-cache"), "Miss from cloudfront");
    assert.equal(header(beta, "x-cache"), "Hit from cloudfront");
    assert.deepEqual({ alpha: origin.hits("/alpha/page.html"), beta: origin.hits("/beta/page.html") }, { alpha: before.alpha + 1, beta: before.beta });
    // An invalidation of the multi-tenant distribution reaches every tenant (our reading; unverified).
    await cf.send(new CreateInvalidationCommand({ DistributionId: distributionId, InvalidationBatch: { CallerReference: "all-1", Paths: { Quantity: 1, Items: ["/*"] } } }));
    assert.equal(header(await sendToEdge(t.emu.port, domainOf("beta"), "/page.html"), "x-cache"), "Miss from cloudfront");
  });

  it("does not serve the multi-tenant distribution on its own domain name", async () => {
    const res = await sendToEdge(t.emu.port, distributionDomain, "/page.html");
    assert.equal(res.status, 403);
  });

  it("applies a tenant's geo restriction instead of the distribution's, and stops serving a disabled tenant", async () => {
    const got = await cf.send(new GetDistributionTenantCommand({ Identifier: "alpha-tenant" }));
    const geo = await cf.send(
      new UpdateDistributionTenantCommand({ Id: alphaId, IfMatch: got.ETag, Customizations: { GeoRestrictions: { RestrictionType: "blacklist", Locations: ["DE"] } } }),
    );
    const fromGermany = { headers: { "x-minifront-viewer-country": "DE" } };
    assert.equal((await sendToEdge(t.emu.port, "alpha.tenant.test", "/page.html", fromGermany)).status, 403);
    assert.equal((await sendToEdge(t.emu.port, "beta.tenant.test", "/page.html", fromGermany)).status, 200);
    await cf.send(new UpdateDistributionTenantCommand({ Id: alphaId, IfMatch: geo.ETag, Enabled: false }));
    assert.equal((await sendToEdge(t.emu.port, "alpha.tenant.test", "/page.html")).status, 403);
    assert.equal((await sendToEdge(t.emu.port, "beta.tenant.test", "/page.html")).status, 200);
  });

  it("refuses what a multi-tenant distribution may not have", async () => {
    const app = { Id: "app", DomainName: "origin.example.com", CustomOriginConfig: { HTTPPort: 80, HTTPSPort: 443, OriginProtocolPolicy: "http-only" as const } };
    const base = {
      Comment: "",
      Enabled: true,
      ConnectionMode: "tenant-only" as const,
      Origins: { Quantity: 1, Items: [app] },
      DefaultCacheBehavior: { TargetOriginId: "app", ViewerProtocolPolicy: "allow-all" as const, CachePolicyId: CACHING_OPTIMIZED },
    };
    await expectServiceError(cf.send(new CreateDistributionCommand({ DistributionConfig: { ...base, CallerReference: "mt-aliases", Aliases: { Quantity: 1, Items: ["www.example.com"] } } })), 400, "InvalidArgument");
    await expectServiceError(cf.send(new CreateDistributionCommand({ DistributionConfig: { ...base, CallerReference: "mt-price", PriceClass: "PriceClass_100" } })), 400, "InvalidArgument");
    await expectServiceError(
      cf.send(new CreateDistributionCommand({ DistributionConfig: { ...base, CallerReference: "mt-undefined-param", Origins: { Quantity: 1, Items: [{ ...app, DomainName: "{{site}}.example.com" }] } } })),
      400,
      "InvalidArgument",
    );
    // TenantConfig belongs to multi-tenant distributions only.
    await expectServiceError(
      cf.send(new CreateDistributionCommand({ DistributionConfig: { ...base, ConnectionMode: "direct", CallerReference: "direct-tenant-config", TenantConfig: { ParameterDefinitions: [{ Name: "x", Definition: { StringSchema: { Required: false } } }] } } })),
      400,
      "InvalidArgument",
    );
  });
});
