// Distribution lifecycle through @aws-sdk/client-cloudfront on a real port (issue 2).
// Semantics: docs/control-plane.md §3 (ETag/If-Match), §4 (CallerReference), §6 (lifecycle), §9.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  CopyDistributionCommand,
  CreateDistributionCommand,
  CreateDistributionWithTagsCommand,
  DeleteDistributionCommand,
  GetDistributionCommand,
  GetDistributionConfigCommand,
  ListDistributionsCommand,
  ListTagsForResourceCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateDistributionCommand,
  paginateListDistributions,
  waitUntilDistributionDeployed,
  type CloudFrontClient,
  type DistributionConfig,
} from "@aws-sdk/client-cloudfront";
import { ManualClock } from "../../src/index.ts";
import { expectServiceError, useEmulator } from "../helpers/emulator.ts";

let refs = 0;
/** The tutorial's config (issue 2), with a fresh CallerReference unless one is given. */
function tutorialConfig(overrides: Partial<DistributionConfig> = {}): DistributionConfig {
  return {
    CallerReference: `ref-${++refs}`,
    Comment: "",
    Origins: { Quantity: 1, Items: [{ Id: "my-s3-origin", DomainName: "my-cloudfront-bucket.s3.localhost.localstack.cloud", S3OriginConfig: { OriginAccessIdentity: "" } }] },
    DefaultCacheBehavior: {
      TargetOriginId: "my-s3-origin",
      ForwardedValues: { QueryString: false, Cookies: { Forward: "none" } },
      ViewerProtocolPolicy: "allow-all",
    },
    Enabled: true,
    ...overrides,
  };
}

describe("distributions through the SDK", () => {
  const t = useEmulator();

  it("creates the tutorial's distribution with CloudFront's ids, names and defaults", async () => {
    const out = await t.cloudfront().send(new CreateDistributionCommand({ DistributionConfig: tutorialConfig() }));
    const d = out.Distribution!;
    assert.match(d.Id!, /^E[A-Z0-9]{13}$/);
    assert.equal(d.ARN, `arn:aws:cloudfront::123456789012:distribution/${d.Id}`);
    assert.equal(d.DomainName, `${d.Id!.toLowerCase()}.cloudfront.localhost`);
    assert.equal(d.Status, "InProgress");
    assert.equal(out.$metadata.httpStatusCode, 201);
    assert.equal(out.Location, `${t.emu.controlUrl}/2020-05-31/distribution/${d.Id}`);
    assert.match(out.ETag!, /^E[A-Z0-9]{13}$/);
    const c = d.DistributionConfig!;
    const b = c.DefaultCacheBehavior!;
    assert.deepEqual([b.MinTTL, b.DefaultTTL, b.MaxTTL], [0, 86400, 31536000]);
    assert.deepEqual(b.AllowedMethods?.Items, ["HEAD", "GET"]);
    assert.equal(c.PriceClass, "PriceClass_All");
    assert.equal(c.HttpVersion, "http2");
    assert.equal(c.IsIPV6Enabled, true);
    assert.equal(c.ViewerCertificate?.CloudFrontDefaultCertificate, true);
    assert.equal(c.Restrictions?.GeoRestriction?.RestrictionType, "none");
    assert.equal(c.Origins?.Items?.[0]?.ConnectionAttempts, 3);
    assert.equal(c.Origins?.Items?.[0]?.OriginPath, "");
  });

  it("gets a distribution and its config with the same ETag, and reports Deployed", async () => {
    const cf = t.cloudfront();
    const created = await cf.send(new CreateDistributionCommand({ DistributionConfig: tutorialConfig({ Comment: "get me" }) }));
    const id = created.Distribution!.Id!;
    const got = await cf.send(new GetDistributionCommand({ Id: id }));
    const cfg = await cf.send(new GetDistributionConfigCommand({ Id: id }));
    assert.equal(got.ETag, created.ETag);
    assert.equal(cfg.ETag, created.ETag);
    assert.equal(got.Distribution?.Status, "Deployed");
    assert.deepEqual(cfg.DistributionConfig, created.Distribution?.DistributionConfig);
    await waitUntilDistributionDeployed({ client: cf, maxWaitTime: 120 }, { Id: id });
  });

  it("accepts requests signed for any region (docs/control-plane.md §1)", async () => {
    const out = await t.cloudfront("eu-central-1").send(new ListDistributionsCommand({}));
    assert.equal(out.$metadata.httpStatusCode, 200);
  });

  it("updates with If-Match: new ETag, stale and missing If-Match refused, nothing half-applied", async () => {
    const cf = t.cloudfront();
    const created = await cf.send(new CreateDistributionCommand({ DistributionConfig: tutorialConfig() }));
    const id = created.Distribution!.Id!;
    const config = created.Distribution!.DistributionConfig!;

    await expectServiceError(cf.send(new UpdateDistributionCommand({ Id: id, DistributionConfig: { ...config, Comment: "x" } })), 400, "InvalidIfMatchVersion");
    await expectServiceError(cf.send(new UpdateDistributionCommand({ Id: id, IfMatch: "EWRONG", DistributionConfig: { ...config, Comment: "x" } })), 412, "PreconditionFailed");

    const updated = await cf.send(new UpdateDistributionCommand({ Id: id, IfMatch: created.ETag, DistributionConfig: { ...config, Comment: "updated" } }));
    assert.notEqual(updated.ETag, created.ETag);
    assert.equal(updated.Distribution?.Status, "InProgress");
    assert.equal(updated.Distribution?.DistributionConfig?.Comment, "updated");

    await expectServiceError(cf.send(new UpdateDistributionCommand({ Id: id, IfMatch: created.ETag, DistributionConfig: config })), 412, "PreconditionFailed");
    await expectServiceError(
      cf.send(new UpdateDistributionCommand({ Id: id, IfMatch: updated.ETag, DistributionConfig: { ...config, CallerReference: "other" } })),
      400,
      "IllegalUpdate",
    );
    // An invalid update changes nothing.
    await expectServiceError(
      cf.send(new UpdateDistributionCommand({ Id: id, IfMatch: updated.ETag, DistributionConfig: { ...config, DefaultCacheBehavior: { ...config.DefaultCacheBehavior!, TargetOriginId: "nope" } } })),
      404,
      "NoSuchOrigin",
    );
    const after = await cf.send(new GetDistributionConfigCommand({ Id: id }));
    assert.equal(after.ETag, updated.ETag);
    assert.equal(after.DistributionConfig?.Comment, "updated");
  });

  it("deletes only a disabled, deployed distribution", async () => {
    const cf = t.cloudfront();
    const created = await cf.send(new CreateDistributionCommand({ DistributionConfig: tutorialConfig() }));
    const id = created.Distribution!.Id!;
    await expectServiceError(cf.send(new DeleteDistributionCommand({ Id: id, IfMatch: created.ETag })), 409, "DistributionNotDisabled");
    await expectServiceError(cf.send(new DeleteDistributionCommand({ Id: id })), 400, "InvalidIfMatchVersion");
    const disabled = await cf.send(
      new UpdateDistributionCommand({ Id: id, IfMatch: created.ETag, DistributionConfig: { ...created.Distribution!.DistributionConfig!, Enabled: false } }),
    );
    await expectServiceError(cf.send(new DeleteDistributionCommand({ Id: id, IfMatch: created.ETag })), 412, "PreconditionFailed");
    const deleted = await cf.send(new DeleteDistributionCommand({ Id: id, IfMatch: disabled.ETag }));
    assert.equal(deleted.$metadata.httpStatusCode, 204);
    await expectServiceError(cf.send(new GetDistributionCommand({ Id: id })), 404, "NoSuchDistribution");
    await expectServiceError(cf.send(new DeleteDistributionCommand({ Id: id, IfMatch: disabled.ETag })), 404, "NoSuchDistribution");
  });

  // AWS's API reference (CreateDistribution, CallerReference): any reuse is DistributionAlreadyExists,
  // the same config included (issue 17; this test asserted an idempotent reuse before).
  it("refuses a repeated CallerReference with DistributionAlreadyExists, whatever the config", async () => {
    const cf = t.cloudfront();
    const config = tutorialConfig();
    await cf.send(new CreateDistributionCommand({ DistributionConfig: config }));
    await expectServiceError(cf.send(new CreateDistributionCommand({ DistributionConfig: config })), 409, "DistributionAlreadyExists");
    await expectServiceError(cf.send(new CreateDistributionCommand({ DistributionConfig: { ...config, Comment: "different" } })), 409, "DistributionAlreadyExists");
  });

  it("pages ListDistributions with Marker and MaxItems", async () => {
    const cf = t.cloudfront();
    for (let i = 0; i < 3; i++) await cf.send(new CreateDistributionCommand({ DistributionConfig: tutorialConfig() }));
    const all = (await cf.send(new ListDistributionsCommand({}))).DistributionList!;
    assert.equal(all.IsTruncated, false);
    assert.equal(all.Quantity, all.Items?.length);
    assert.equal(all.MaxItems, 100);
    const first = (await cf.send(new ListDistributionsCommand({ MaxItems: 2 }))).DistributionList!;
    assert.equal(first.IsTruncated, true);
    assert.equal(first.Items?.length, 2);
    assert.equal(first.NextMarker, first.Items?.[1]?.Id);
    const second = (await cf.send(new ListDistributionsCommand({ MaxItems: 2, Marker: first.NextMarker }))).DistributionList!;
    assert.equal(second.Marker, first.NextMarker);
    assert.equal(second.Items?.[0]?.Id, all.Items?.[2]?.Id);

    const paged: string[] = [];
    for await (const page of paginateListDistributions({ client: cf, pageSize: 2 }, {})) {
      for (const s of page.DistributionList?.Items ?? []) paged.push(s.Id!);
    }
    assert.deepEqual(paged, all.Items?.map((s) => s.Id));
    const summary = all.Items![0]!;
    assert.equal(summary.Status, "Deployed");
    assert.ok(summary.ETag);
    assert.ok(summary.DefaultCacheBehavior?.TargetOriginId);
  });

  it("copies a distribution (CopyDistribution) without its aliases, as staging when asked", async () => {
    const cf = t.cloudfront();
    const primary = await cf.send(new CreateDistributionCommand({ DistributionConfig: tutorialConfig({ Comment: "primary" }) }));
    await expectServiceError(
      cf.send(new CopyDistributionCommand({ PrimaryDistributionId: primary.Distribution!.Id!, CallerReference: "copy-1", IfMatch: "EWRONG" })),
      412,
      "PreconditionFailed",
    );
    const copy = await cf.send(
      new CopyDistributionCommand({ PrimaryDistributionId: primary.Distribution!.Id!, CallerReference: "copy-1", Staging: true, IfMatch: primary.ETag }),
    );
    assert.equal(copy.$metadata.httpStatusCode, 201);
    assert.notEqual(copy.Distribution?.Id, primary.Distribution?.Id);
    assert.equal(copy.Distribution?.DistributionConfig?.Staging, true);
    assert.equal(copy.Distribution?.DistributionConfig?.Comment, "primary");
    assert.equal(copy.Distribution?.DistributionConfig?.CallerReference, "copy-1");
    await expectServiceError(cf.send(new CopyDistributionCommand({ PrimaryDistributionId: "ENOSUCHDIST000", CallerReference: "c" })), 404, "NoSuchDistribution");
  });

  it("tags distributions (CreateDistributionWithTags, TagResource, UntagResource, ListTagsForResource)", async () => {
    const cf = t.cloudfront();
    const created = await cf.send(
      new CreateDistributionWithTagsCommand({ DistributionConfigWithTags: { DistributionConfig: tutorialConfig(), Tags: { Items: [{ Key: "env", Value: "dev" }] } } }),
    );
    const arn = created.Distribution!.ARN!;
    await cf.send(new TagResourceCommand({ Resource: arn, Tags: { Items: [{ Key: "team", Value: "edge" }, { Key: "env", Value: "test" }] } }));
    let tags = await cf.send(new ListTagsForResourceCommand({ Resource: arn }));
    assert.deepEqual(tags.Tags?.Items, [{ Key: "env", Value: "test" }, { Key: "team", Value: "edge" }]);
    await cf.send(new UntagResourceCommand({ Resource: arn, TagKeys: { Items: ["env"] } }));
    tags = await cf.send(new ListTagsForResourceCommand({ Resource: arn }));
    assert.deepEqual(tags.Tags?.Items, [{ Key: "team", Value: "edge" }]);

    await expectServiceError(cf.send(new ListTagsForResourceCommand({ Resource: "arn:aws:cloudfront::123456789012:distribution/ENOPE" })), 404, "NoSuchResource");
    await expectServiceError(cf.send(new TagResourceCommand({ Resource: arn, Tags: { Items: [{ Key: "bad#key", Value: "v" }] } })), 400, "InvalidTagging");
    await expectServiceError(
      cf.send(new CreateDistributionWithTagsCommand({ DistributionConfigWithTags: { DistributionConfig: tutorialConfig(), Tags: { Items: [{ Key: "", Value: "v" }] } } })),
      400,
      "InvalidTagging",
    );
  });
});

describe("distribution validation (docs/control-plane.md §9)", () => {
  const t = useEmulator();
  const origin = (id: string) => ({ Id: id, DomainName: "b.s3.amazonaws.com", S3OriginConfig: { OriginAccessIdentity: "" } });
  const base = tutorialConfig();
  const behavior = base.DefaultCacheBehavior!;

  const cases: Array<[string, Partial<DistributionConfig>, number, string]> = [
    ["an unknown TargetOriginId", { DefaultCacheBehavior: { ...behavior, TargetOriginId: "missing" } }, 404, "NoSuchOrigin"],
    ["duplicate origin ids", { Origins: { Quantity: 2, Items: [origin("my-s3-origin"), origin("my-s3-origin")] } }, 400, "InvalidArgument"],
    ["both ForwardedValues and a CachePolicyId", { DefaultCacheBehavior: { ...behavior, CachePolicyId: "658327ea-f89d-4fab-a63d-7e88639e58f6" } }, 400, "InvalidArgument"],
    ["neither ForwardedValues nor a CachePolicyId", { DefaultCacheBehavior: { TargetOriginId: "my-s3-origin", ViewerProtocolPolicy: "allow-all" } }, 400, "InvalidArgument"],
    ["MinTTL above MaxTTL", { DefaultCacheBehavior: { ...behavior, MinTTL: 100, MaxTTL: 10 } }, 400, "InvalidTTLOrder"],
    ["DefaultTTL above MaxTTL", { DefaultCacheBehavior: { ...behavior, DefaultTTL: 1000, MaxTTL: 10 } }, 400, "InvalidTTLOrder"],
    ["too many origins", { Origins: { Quantity: 26, Items: Array.from({ length: 26 }, (_, i) => origin(i === 0 ? "my-s3-origin" : `o${i}`)) } }, 400, "TooManyOrigins"],
    [
      "an invalid path pattern",
      { CacheBehaviors: { Quantity: 1, Items: [{ ...behavior, PathPattern: "images/<script>" } as never] } },
      400,
      "InvalidArgument",
    ],
    [
      "a duplicate path pattern",
      { CacheBehaviors: { Quantity: 2, Items: [{ ...behavior, PathPattern: "/a/*" }, { ...behavior, PathPattern: "/a/*" }] as never } },
      400,
      "InvalidArgument",
    ],
    ["an unknown ViewerProtocolPolicy", { DefaultCacheBehavior: { ...behavior, ViewerProtocolPolicy: "sometimes" as never } }, 400, "InvalidArgument"],
    ["an AllowedMethods set CloudFront does not offer", { DefaultCacheBehavior: { ...behavior, AllowedMethods: { Quantity: 2, Items: ["GET", "POST"] } } }, 400, "InvalidArgument"],
    ["a default root object starting with /", { DefaultRootObject: "/index.html" }, 400, "InvalidDefaultRootObject"],
    ["an alias without a certificate", { Aliases: { Quantity: 1, Items: ["www.example.com"] } }, 400, "InvalidViewerCertificate"],
    ["an origin read timeout of 0", { Origins: { Quantity: 1, Items: [{ Id: "my-s3-origin", DomainName: "example.com", CustomOriginConfig: { HTTPPort: 80, HTTPSPort: 443, OriginProtocolPolicy: "http-only", OriginReadTimeout: 0 } }] } }, 400, "InvalidOriginReadTimeout"],
    ["an error code CloudFront cannot customize", { CustomErrorResponses: { Quantity: 1, Items: [{ ErrorCode: 418 }] } }, 400, "InvalidErrorCode"],
    ["a relative ResponsePagePath", { CustomErrorResponses: { Quantity: 1, Items: [{ ErrorCode: 404, ResponsePagePath: "index.html", ResponseCode: "200" }] } }, 400, "InvalidRelativePath"],
    ["a geo restriction without locations", { Restrictions: { GeoRestriction: { RestrictionType: "whitelist", Quantity: 0 } } }, 400, "InvalidGeoRestrictionParameter"],
    ["a function that does not exist", { DefaultCacheBehavior: { ...behavior, FunctionAssociations: { Quantity: 1, Items: [{ EventType: "viewer-request", FunctionARN: "arn:aws:cloudfront::123456789012:function/nope" }] } } }, 400, "InvalidFunctionAssociation"],
    ["a comment over 128 characters", { Comment: "x".repeat(129) }, 400, "InvalidArgument"],
    ["a cache policy that does not exist", { DefaultCacheBehavior: { TargetOriginId: "my-s3-origin", ViewerProtocolPolicy: "allow-all", CachePolicyId: "00000000-0000-4000-8000-000000000000" } }, 404, "NoSuchCachePolicy"],
    [
      "an origin request policy that does not exist",
      { DefaultCacheBehavior: { TargetOriginId: "my-s3-origin", ViewerProtocolPolicy: "allow-all", CachePolicyId: "658327ea-f89d-4fab-a63d-7e88639e58f6", OriginRequestPolicyId: "00000000-0000-4000-8000-000000000000" } },
      404,
      "NoSuchOriginRequestPolicy",
    ],
  ];
  for (const [what, overrides, status, code] of cases) {
    it(`rejects ${what} with ${code} and creates nothing`, async () => {
      const cf = t.cloudfront();
      const before = (await cf.send(new ListDistributionsCommand({}))).DistributionList?.Quantity;
      await expectServiceError(cf.send(new CreateDistributionCommand({ DistributionConfig: tutorialConfig(overrides) })), status, code);
      const after = (await cf.send(new ListDistributionsCommand({}))).DistributionList?.Quantity;
      assert.equal(after, before);
    });
  }

  it("rejects an alias that another distribution already has (CNAMEAlreadyExists)", async () => {
    const cf = t.cloudfront();
    const cert = { ACMCertificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/abc-123", SSLSupportMethod: "sni-only" as const, MinimumProtocolVersion: "TLSv1.2_2021" as const };
    const first = await cf.send(
      new CreateDistributionCommand({ DistributionConfig: tutorialConfig({ Aliases: { Quantity: 1, Items: ["cdn.example.com"] }, ViewerCertificate: cert }) }),
    );
    assert.equal(first.Distribution?.DistributionConfig?.ViewerCertificate?.CertificateSource, "acm");
    await expectServiceError(
      cf.send(new CreateDistributionCommand({ DistributionConfig: tutorialConfig({ Aliases: { Quantity: 1, Items: ["CDN.example.com"] }, ViewerCertificate: cert }) })),
      409,
      "CNAMEAlreadyExists",
    );
    // The owner itself may keep its alias on update.
    const id = first.Distribution!.Id!;
    const updated = await cf.send(new UpdateDistributionCommand({ Id: id, IfMatch: first.ETag, DistributionConfig: { ...first.Distribution!.DistributionConfig!, Comment: "same alias" } }));
    assert.deepEqual(updated.Distribution?.DistributionConfig?.Aliases?.Items, ["cdn.example.com"]);
  });
});

describe("deploy delay", () => {
  const clock = new ManualClock();
  const t = useEmulator({ clock, deployDelayMs: 30_000 });

  it("stays InProgress until the delay has passed, then Deployed; delete waits for it", async () => {
    const cf = t.cloudfront();
    const created = await cf.send(new CreateDistributionCommand({ DistributionConfig: tutorialConfig({ Enabled: false }) }));
    const id = created.Distribution!.Id!;
    assert.equal((await cf.send(new GetDistributionCommand({ Id: id }))).Distribution?.Status, "InProgress");
    await expectServiceError(cf.send(new DeleteDistributionCommand({ Id: id, IfMatch: created.ETag })), 409, "DistributionNotDisabled");
    clock.advance(30_000);
    assert.equal((await cf.send(new GetDistributionCommand({ Id: id }))).Distribution?.Status, "Deployed");
    await cf.send(new DeleteDistributionCommand({ Id: id, IfMatch: created.ETag }));
  });
});

describe("account id and domain suffix", () => {
  const t = useEmulator({ accountId: "111122223333", domainSuffix: "cloudfront.net" });

  it("puts the configured account id in ARNs and the suffix in domain names", async () => {
    const out = await t.cloudfront().send(new CreateDistributionCommand({ DistributionConfig: tutorialConfig() }));
    const d = out.Distribution!;
    assert.equal(d.ARN, `arn:aws:cloudfront::111122223333:distribution/${d.Id}`);
    assert.equal(d.DomainName, `${d.Id!.toLowerCase()}.cloudfront.net`);
    const tags = await t.cloudfront().send(new ListTagsForResourceCommand({ Resource: d.ARN! }));
    assert.deepEqual(tags.Tags?.Items ?? [], []);
    await expectServiceError(
      t.cloudfront().send(new ListTagsForResourceCommand({ Resource: `arn:aws:cloudfront::123456789012:distribution/${d.Id}` })),
      404,
      "NoSuchResource",
    );
  });
});

describe("S3 origin names", () => {
  const t = useEmulator();
  const withOrigin = (DomainName: string) =>
    tutorialConfig({ Origins: { Quantity: 1, Items: [{ Id: "my-s3-origin", DomainName, S3OriginConfig: { OriginAccessIdentity: "" } }] } });

  it("accepts AWS and LocalStack S3 REST endpoints as S3 origins", async () => {
    for (const domain of ["b.s3.amazonaws.com", "b.s3.eu-west-1.amazonaws.com", "b.s3.localhost.localstack.cloud", "b.s3.localhost"]) {
      const out = await t.cloudfront().send(new CreateDistributionCommand({ DistributionConfig: withOrigin(domain) }));
      assert.equal(out.Distribution?.DistributionConfig?.Origins?.Items?.[0]?.DomainName, domain);
    }
  });

  it("rejects a non-S3 host or a website endpoint in S3OriginConfig (websites are custom origins)", async () => {
    for (const domain of ["example.com", "b.s3-website-us-east-1.amazonaws.com"]) {
      await expectServiceError(t.cloudfront().send(new CreateDistributionCommand({ DistributionConfig: withOrigin(domain) })), 400, "InvalidArgument");
    }
  });
});
