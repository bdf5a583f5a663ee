// Cache policies and origin request policies end to end: the policy APIs through
// @aws-sdk/client-cloudfront on a real port (managed policies with their real ids, CRUD with
// If-Match, name clashes, limits, in-use protection, ListDistributionsBy…PolicyId), then the edge
// serving with CUSTOM policies (cache key, TTLs, forwarding, live updates), then one aws CLI check.
// A controllable test origin (a node:http server in this file) records what the edge sends it;
// time is a ManualClock the edge tests advance instead of sleeping.
// docs/control-plane.md §4 (name-keyed resources), §9 "Cache policy"; docs/managed-policies.md;
// docs/edge.md §6 (cache key), §7.1 (origin request policies), §9.2 (TTLs).
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CreateCachePolicyCommand,
  CreateDistributionCommand,
  CreateOriginRequestPolicyCommand,
  DeleteCachePolicyCommand,
  DeleteOriginRequestPolicyCommand,
  GetCachePolicyCommand,
  GetCachePolicyConfigCommand,
  GetDistributionConfigCommand,
  GetOriginRequestPolicyCommand,
  GetOriginRequestPolicyConfigCommand,
  ListCachePoliciesCommand,
  ListDistributionsByCachePolicyIdCommand,
  ListDistributionsByOriginRequestPolicyIdCommand,
  ListOriginRequestPoliciesCommand,
  UpdateCachePolicyCommand,
  UpdateDistributionCommand,
  UpdateOriginRequestPolicyCommand,
  type CacheBehavior,
  type CachePolicyConfig,
  type CloudFrontClient,
  type DefaultCacheBehavior,
  type DistributionConfig,
  type OriginRequestPolicyConfig,
} from "@aws-sdk/client-cloudfront";
import { ManualClock } from "../../src/index.ts";
import { AWS_CLI_MISSING, awsCliAvailable, runAws, useCloudFrontCli } from "../helpers/aws-cli.ts";
import { expectServiceError, useEmulator } from "../helpers/emulator.ts";
import { TestOrigin, header, sendToEdge, type EdgeResponse } from "../helpers/test-origin.ts";

// ---------------------------------------------------------------------------------------------
// Managed policy ids (docs/managed-policies.md)

const CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6";
const CACHING_OPTIMIZED_UNCOMPRESSED = "b2884449-e4de-46a7-ac36-70bc7f1ddd6d";
const CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad";
const ELEMENTAL_MEDIAPACKAGE = "08627262-05a9-4f76-9ded-b50ca2e3a84f";
const MANAGED_CACHE = {
  [CACHING_OPTIMIZED]: "Managed-CachingOptimized",
  [CACHING_OPTIMIZED_UNCOMPRESSED]: "Managed-CachingOptimizedForUncompressedObjects",
  [CACHING_DISABLED]: "Managed-CachingDisabled",
  [ELEMENTAL_MEDIAPACKAGE]: "Managed-Elemental-MediaPackage",
} as const;

const ALL_VIEWER = "216adef6-5c7f-47e4-b989-5492eafa07d3";
const ALL_VIEWER_EXCEPT_HOST = "b689b0a8-53d0-40ab-baf2-68738e2966ac";
const CORS_S3_ORIGIN = "88a5eaf4-2fd4-4709-b370-b4c650ea3fcf";
const CORS_CUSTOM_ORIGIN = "59781a5b-3903-41f3-afcb-af62929ccde1";
const MANAGED_ORIGIN_REQUEST = {
  [ALL_VIEWER]: "Managed-AllViewer",
  [ALL_VIEWER_EXCEPT_HOST]: "Managed-AllViewerExceptHostHeader",
  [CORS_S3_ORIGIN]: "Managed-CORS-S3Origin",
  [CORS_CUSTOM_ORIGIN]: "Managed-CORS-CustomOrigin",
} as const;

const UNKNOWN_POLICY = "00000000-0000-4000-8000-000000000000";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

// ---------------------------------------------------------------------------------------------
// Configs

function list<T>(items: readonly T[]): { Quantity: number; Items: T[] } {
  return { Quantity: items.length, Items: [...items] };
}

interface Selection {
  readonly headers?: string[];
  readonly cookies?: string[];
  readonly query?: string[];
}

interface CacheOptions extends Selection {
  readonly min?: number;
  readonly def?: number;
  readonly max?: number;
  readonly comment?: string;
}

/** A cache policy config: whitelists for what is listed, "none" for the rest. TTLs omitted unless given. */
function cacheConfig(name: string, o: CacheOptions = {}): CachePolicyConfig {
  return {
    Name: name,
    ...(o.comment !== undefined ? { Comment: o.comment } : {}),
    MinTTL: o.min ?? 0,
    ...(o.def !== undefined ? { DefaultTTL: o.def } : {}),
    ...(o.max !== undefined ? { MaxTTL: o.max } : {}),
    ParametersInCacheKeyAndForwardedToOrigin: {
      EnableAcceptEncodingGzip: false,
      EnableAcceptEncodingBrotli: false,
      HeadersConfig: o.headers ? { HeaderBehavior: "whitelist", Headers: list(o.headers) } : { HeaderBehavior: "none" },
      CookiesConfig: o.cookies ? { CookieBehavior: "whitelist", Cookies: list(o.cookies) } : { CookieBehavior: "none" },
      QueryStringsConfig: o.query ? { QueryStringBehavior: "whitelist", QueryStrings: list(o.query) } : { QueryStringBehavior: "none" },
    },
  };
}

/** An origin request policy config: whitelists for what is listed, "none" for the rest. */
function orpConfig(name: string, o: Selection & { comment?: string } = {}): OriginRequestPolicyConfig {
  return {
    Name: name,
    ...(o.comment !== undefined ? { Comment: o.comment } : {}),
    HeadersConfig: o.headers ? { HeaderBehavior: "whitelist", Headers: list(o.headers) } : { HeaderBehavior: "none" },
    CookiesConfig: o.cookies ? { CookieBehavior: "whitelist", Cookies: list(o.cookies) } : { CookieBehavior: "none" },
    QueryStringsConfig: o.query ? { QueryStringBehavior: "whitelist", QueryStrings: list(o.query) } : { QueryStringBehavior: "none" },
  };
}

const names = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}-${i + 1}`);

/** A policy-based behavior (no ForwardedValues) targeting `target`. */
function behavior(target: string, cachePolicyId: string, originRequestPolicyId?: string): DefaultCacheBehavior {
  return {
    TargetOriginId: target,
    ViewerProtocolPolicy: "allow-all",
    CachePolicyId: cachePolicyId,
    ...(originRequestPolicyId ? { OriginRequestPolicyId: originRequestPolicyId } : {}),
  };
}

let refs = 0;

/** A distribution with one custom origin (never contacted in the API tests). */
function distConfig(defaultBehavior: DefaultCacheBehavior, cacheBehaviors: CacheBehavior[] = [], port = 80): DistributionConfig {
  return {
    CallerReference: `policies-${process.pid}-${++refs}`,
    Comment: "",
    Enabled: true,
    Origins: list([{ Id: "origin", DomainName: port === 80 ? "example.com" : "127.0.0.1", CustomOriginConfig: { HTTPPort: port, HTTPSPort: 443, OriginProtocolPolicy: "http-only" } }]),
    DefaultCacheBehavior: defaultBehavior,
    ...(cacheBehaviors.length ? { CacheBehaviors: list(cacheBehaviors) } : {}),
  };
}

async function createDistribution(cf: CloudFrontClient, config: DistributionConfig): Promise<{ id: string; domain: string }> {
  const out = await cf.send(new CreateDistributionCommand({ DistributionConfig: config }));
  return { id: out.Distribution?.Id ?? assert.fail("no distribution id"), domain: out.Distribution?.DomainName ?? assert.fail("no domain name") };
}

/** Replaces a distribution's config through Get/UpdateDistribution with If-Match. */
async function updateDistribution(cf: CloudFrontClient, id: string, change: (c: DistributionConfig) => DistributionConfig): Promise<void> {
  const got = await cf.send(new GetDistributionConfigCommand({ Id: id }));
  await cf.send(new UpdateDistributionCommand({ Id: id, IfMatch: got.ETag, DistributionConfig: change(got.DistributionConfig ?? assert.fail("no config")) }));
}

// ---------------------------------------------------------------------------------------------
// The policy APIs

describe("cache policy and origin request policy APIs", () => {
  const t = useEmulator();
  let client: CloudFrontClient | undefined;
  const cf = (): CloudFrontClient => client ?? assert.fail("CloudFront client not created yet");
  before(() => {
    client = t.cloudfront();
  });
  after(() => client?.destroy());

  const createCache = (config: CachePolicyConfig) => cf().send(new CreateCachePolicyCommand({ CachePolicyConfig: config }));
  const createOrp = (config: OriginRequestPolicyConfig) => cf().send(new CreateOriginRequestPolicyCommand({ OriginRequestPolicyConfig: config }));

  describe("cache policies", () => {
    it("ListCachePolicies shows the managed policies with their real ids and Type managed; Type=custom hides them, Type=managed shows only them", async () => {
      const custom = await createCache(cacheConfig("list-me", { def: 60, max: 120 }));
      const customId = custom.CachePolicy?.Id ?? assert.fail("no id");

      const all = await cf().send(new ListCachePoliciesCommand({}));
      const items = all.CachePolicyList?.Items ?? [];
      assert.equal(all.CachePolicyList?.Quantity, items.length);
      for (const [id, name] of Object.entries(MANAGED_CACHE)) {
        const found = items.find((s) => s.CachePolicy?.Id === id) ?? assert.fail(`${name} (${id}) is not listed`);
        assert.equal(found.Type, "managed", `${name} is Type managed`);
        assert.equal(found.CachePolicy?.CachePolicyConfig?.Name, name);
      }
      const optimized = items.find((s) => s.CachePolicy?.Id === CACHING_OPTIMIZED)?.CachePolicy?.CachePolicyConfig;
      assert.equal(optimized?.MinTTL, 1);
      assert.equal(optimized?.DefaultTTL, 86400);
      assert.equal(optimized?.MaxTTL, 31536000);
      assert.equal(optimized?.ParametersInCacheKeyAndForwardedToOrigin?.EnableAcceptEncodingGzip, true);
      assert.equal(optimized?.ParametersInCacheKeyAndForwardedToOrigin?.EnableAcceptEncodingBrotli, true);
      const disabled = items.find((s) => s.CachePolicy?.Id === CACHING_DISABLED)?.CachePolicy?.CachePolicyConfig;
      assert.deepEqual([disabled?.MinTTL, disabled?.DefaultTTL, disabled?.MaxTTL], [0, 0, 0]);
      const mine = items.find((s) => s.CachePolicy?.Id === customId) ?? assert.fail("the custom policy is not listed without Type");
      assert.equal(mine.Type, "custom");

      const customOnly = await cf().send(new ListCachePoliciesCommand({ Type: "custom" }));
      const customItems = customOnly.CachePolicyList?.Items ?? [];
      assert.ok(customItems.length >= 1);
      assert.ok(customItems.every((s) => s.Type === "custom"), "Type=custom lists only custom policies");
      assert.ok(customItems.some((s) => s.CachePolicy?.Id === customId));
      assert.ok(!customItems.some((s) => s.CachePolicy?.Id === CACHING_OPTIMIZED), "no managed policy with Type=custom");

      const managedOnly = await cf().send(new ListCachePoliciesCommand({ Type: "managed" }));
      const managedItems = managedOnly.CachePolicyList?.Items ?? [];
      assert.ok(managedItems.every((s) => s.Type === "managed"), "Type=managed lists only managed policies");
      assert.ok(!managedItems.some((s) => s.CachePolicy?.Id === customId), "no custom policy with Type=managed");
      for (const id of Object.keys(MANAGED_CACHE)) assert.ok(managedItems.some((s) => s.CachePolicy?.Id === id), `${id} listed with Type=managed`);
      assert.equal(managedItems.length + customItems.length, items.length, "managed + custom = all");
    });

    it("ListCachePolicies pages with MaxItems and Marker through every policy exactly once", async () => {
      await createCache(cacheConfig("page-me-1"));
      await createCache(cacheConfig("page-me-2"));
      const all = (await cf().send(new ListCachePoliciesCommand({}))).CachePolicyList?.Items?.map((s) => s.CachePolicy?.Id) ?? [];
      assert.ok(all.length > 8, `expected the managed policies and some custom ones, got ${all.length}`);

      const seen: (string | undefined)[] = [];
      let marker: string | undefined;
      let pages = 0;
      do {
        const page = await cf().send(new ListCachePoliciesCommand({ MaxItems: 4, ...(marker ? { Marker: marker } : {}) }));
        const list = page.CachePolicyList ?? assert.fail("no CachePolicyList");
        assert.equal(list.MaxItems, 4);
        assert.ok((list.Quantity ?? 0) <= 4, `page ${pages + 1} has at most 4 items`);
        assert.equal(list.Quantity, list.Items?.length ?? 0);
        seen.push(...(list.Items ?? []).map((s) => s.CachePolicy?.Id));
        marker = list.NextMarker;
        if (marker) assert.equal(list.Quantity, 4, "a page with a NextMarker is full");
        pages++;
        assert.ok(pages < 50, "paging does not terminate");
      } while (marker);
      assert.equal(pages, Math.ceil(all.length / 4));
      assert.deepEqual(seen, all, "the pages together are the unpaged list, in order");

      const managedPage = await cf().send(new ListCachePoliciesCommand({ Type: "managed", MaxItems: 2 }));
      assert.equal(managedPage.CachePolicyList?.Quantity, 2);
      assert.ok(managedPage.CachePolicyList?.NextMarker, "more managed policies follow");
      const next = await cf().send(new ListCachePoliciesCommand({ Type: "managed", MaxItems: 2, Marker: managedPage.CachePolicyList?.NextMarker }));
      const firstIds = managedPage.CachePolicyList?.Items?.map((s) => s.CachePolicy?.Id) ?? [];
      for (const s of next.CachePolicyList?.Items ?? []) {
        assert.equal(s.Type, "managed");
        assert.ok(!firstIds.includes(s.CachePolicy?.Id), "the second page does not repeat the first");
      }
    });

    it("GetCachePolicy and GetCachePolicyConfig of a managed policy return its config with the same ETag; Update → IllegalUpdate, Delete → IllegalDelete", async () => {
      const got = await cf().send(new GetCachePolicyCommand({ Id: CACHING_OPTIMIZED }));
      assert.equal(got.CachePolicy?.Id, CACHING_OPTIMIZED);
      assert.equal(got.CachePolicy?.CachePolicyConfig?.Name, "Managed-CachingOptimized");
      assert.ok(got.CachePolicy?.LastModifiedTime instanceof Date, "LastModifiedTime is a timestamp");
      assert.ok(got.ETag, "an ETag");
      const config = await cf().send(new GetCachePolicyConfigCommand({ Id: CACHING_OPTIMIZED }));
      assert.equal(config.ETag, got.ETag, "Get and GetConfig agree on the ETag");
      assert.deepEqual(config.CachePolicyConfig, got.CachePolicy?.CachePolicyConfig);

      const disabled = await cf().send(new GetCachePolicyConfigCommand({ Id: CACHING_DISABLED }));
      assert.equal(disabled.CachePolicyConfig?.Name, "Managed-CachingDisabled");
      assert.equal(disabled.CachePolicyConfig?.MaxTTL, 0);

      await expectServiceError(
        cf().send(new UpdateCachePolicyCommand({ Id: CACHING_OPTIMIZED, IfMatch: got.ETag, CachePolicyConfig: { ...config.CachePolicyConfig!, Comment: "mine now" } })),
        400,
        "IllegalUpdate",
      );
      await expectServiceError(cf().send(new DeleteCachePolicyCommand({ Id: CACHING_OPTIMIZED, IfMatch: got.ETag })), 400, "IllegalDelete");
      const still = await cf().send(new GetCachePolicyCommand({ Id: CACHING_OPTIMIZED }));
      assert.equal(still.CachePolicy?.CachePolicyConfig?.Comment, got.CachePolicy?.CachePolicyConfig?.Comment, "the managed policy is unchanged");

      await expectServiceError(cf().send(new GetCachePolicyCommand({ Id: UNKNOWN_POLICY })), 404, "NoSuchCachePolicy");
      await expectServiceError(cf().send(new GetCachePolicyConfigCommand({ Id: UNKNOWN_POLICY })), 404, "NoSuchCachePolicy");
      await expectServiceError(cf().send(new DeleteCachePolicyCommand({ Id: UNKNOWN_POLICY, IfMatch: "E1" })), 404, "NoSuchCachePolicy");
      await expectServiceError(
        cf().send(new UpdateCachePolicyCommand({ Id: UNKNOWN_POLICY, IfMatch: "E1", CachePolicyConfig: cacheConfig("nobody") })),
        404,
        "NoSuchCachePolicy",
      );
    });

    it("CreateCachePolicy answers 201 with Location and ETag, a UUID Id, and fills DefaultTTL 86400 / MaxTTL 31536000 when omitted", async () => {
      const created = await createCache(cacheConfig("defaults", { comment: "a comment", query: ["v"], headers: ["x-variant"], cookies: ["session"] }));
      assert.equal(created.$metadata.httpStatusCode, 201);
      const policy = created.CachePolicy ?? assert.fail("no CachePolicy");
      assert.match(policy.Id ?? "", UUID);
      assert.ok(created.ETag, "an ETag");
      assert.equal(created.Location, `${t.emu.controlUrl}/2020-05-31/cache-policy/${policy.Id}`);
      assert.ok(policy.LastModifiedTime instanceof Date);
      const c = policy.CachePolicyConfig ?? assert.fail("no config");
      assert.equal(c.Name, "defaults");
      assert.equal(c.Comment, "a comment");
      assert.equal(c.MinTTL, 0);
      assert.equal(c.DefaultTTL, 86400, "DefaultTTL defaults to one day");
      assert.equal(c.MaxTTL, 31536000, "MaxTTL defaults to one year");
      const p = c.ParametersInCacheKeyAndForwardedToOrigin;
      assert.equal(p?.QueryStringsConfig?.QueryStringBehavior, "whitelist");
      assert.deepEqual(p?.QueryStringsConfig?.QueryStrings?.Items, ["v"]);
      assert.deepEqual(p?.HeadersConfig?.Headers?.Items, ["x-variant"]);
      assert.deepEqual(p?.CookiesConfig?.Cookies?.Items, ["session"]);

      const got = await cf().send(new GetCachePolicyCommand({ Id: policy.Id }));
      assert.equal(got.ETag, created.ETag);
      assert.deepEqual(got.CachePolicy?.CachePolicyConfig, c);
      const config = await cf().send(new GetCachePolicyConfigCommand({ Id: policy.Id }));
      assert.equal(config.ETag, created.ETag);
      assert.deepEqual(config.CachePolicyConfig, c);

      // The defaults follow a larger MinTTL / DefaultTTL (docs/control-plane.md §9).
      const bigMin = (await createCache(cacheConfig("defaults-big-min", { min: 100_000 }))).CachePolicy?.CachePolicyConfig;
      assert.equal(bigMin?.DefaultTTL, 100_000, "DefaultTTL defaults to MinTTL when MinTTL > 86400");
      assert.equal(bigMin?.MaxTTL, 31536000);
      const bigDef = (await createCache(cacheConfig("defaults-big-default", { def: 40_000_000 }))).CachePolicy?.CachePolicyConfig;
      assert.equal(bigDef?.MaxTTL, 40_000_000, "MaxTTL defaults to DefaultTTL when DefaultTTL > 31536000");

      const second = await createCache(cacheConfig("defaults-2"));
      assert.notEqual(second.CachePolicy?.Id, policy.Id, "every policy gets its own id");
    });

    it("CreateCachePolicy refuses a duplicate name or a managed name (CachePolicyAlreadyExists), bad TTL order, empty whitelists and too many names", async () => {
      await createCache(cacheConfig("taken"));
      await expectServiceError(createCache(cacheConfig("taken", { def: 5, max: 10 })), 409, "CachePolicyAlreadyExists");
      await expectServiceError(createCache(cacheConfig("Managed-CachingOptimized")), 409, "CachePolicyAlreadyExists");
      await expectServiceError(createCache(cacheConfig("Managed-CachingDisabled")), 409, "CachePolicyAlreadyExists");

      await expectServiceError(createCache(cacheConfig("ttl-min-over-default", { min: 100, def: 50, max: 200 })), 400, "InvalidArgument");
      await expectServiceError(createCache(cacheConfig("ttl-default-over-max", { min: 0, def: 500, max: 100 })), 400, "InvalidArgument");
      await expectServiceError(createCache(cacheConfig("ttl-min-over-max", { min: 300, def: 300, max: 200 })), 400, "InvalidArgument");

      const base = cacheConfig("empty-whitelist");
      const params = base.ParametersInCacheKeyAndForwardedToOrigin!;
      await expectServiceError(
        createCache({ ...base, ParametersInCacheKeyAndForwardedToOrigin: { ...params, HeadersConfig: { HeaderBehavior: "whitelist" } } }),
        400,
        "InvalidArgument",
      );
      await expectServiceError(
        createCache({ ...base, ParametersInCacheKeyAndForwardedToOrigin: { ...params, QueryStringsConfig: { QueryStringBehavior: "whitelist", QueryStrings: { Quantity: 0 } } } }),
        400,
        "InvalidArgument",
      );
      await expectServiceError(
        createCache({ ...base, ParametersInCacheKeyAndForwardedToOrigin: { ...params, CookiesConfig: { CookieBehavior: "whitelist" } } }),
        400,
        "InvalidArgument",
      );

      await expectServiceError(createCache(cacheConfig("eleven-headers", { headers: names("x-h", 11) })), 400, "TooManyHeadersInCachePolicy");
      await expectServiceError(createCache(cacheConfig("eleven-cookies", { cookies: names("c", 11) })), 400, "TooManyCookiesInCachePolicy");
      await expectServiceError(createCache(cacheConfig("eleven-query", { query: names("q", 11) })), 400, "TooManyQueryStringsInCachePolicy");
      const ten = await createCache(cacheConfig("ten-headers", { headers: names("x-h", 10) }));
      assert.equal(ten.CachePolicy?.CachePolicyConfig?.ParametersInCacheKeyAndForwardedToOrigin?.HeadersConfig?.Headers?.Quantity, 10, "10 headers are allowed");

      const listed = (await cf().send(new ListCachePoliciesCommand({ Type: "custom" }))).CachePolicyList?.Items ?? [];
      const listedNames = listed.map((s) => s.CachePolicy?.CachePolicyConfig?.Name);
      assert.equal(listedNames.filter((n) => n === "taken").length, 1, "the duplicate was not created");
      for (const n of ["ttl-min-over-default", "ttl-default-over-max", "ttl-min-over-max", "empty-whitelist", "eleven-headers", "Managed-CachingOptimized"]) {
        assert.ok(!listedNames.includes(n), `${n} was not created`);
      }
    });

    it("UpdateCachePolicy needs the current ETag: missing → InvalidIfMatchVersion, stale → PreconditionFailed; a success returns a new ETag", async () => {
      const created = await createCache(cacheConfig("updatable", { def: 60, max: 600, query: ["v"] }));
      const id = created.CachePolicy?.Id ?? assert.fail("no id");
      const e1 = created.ETag ?? assert.fail("no ETag");
      const changed = cacheConfig("updatable", { comment: "changed", def: 120, max: 600, query: ["v", "w"] });

      await expectServiceError(cf().send(new UpdateCachePolicyCommand({ Id: id, CachePolicyConfig: changed })), 400, "InvalidIfMatchVersion");
      await expectServiceError(cf().send(new UpdateCachePolicyCommand({ Id: id, IfMatch: "EWRONGETAG1234", CachePolicyConfig: changed })), 412, "PreconditionFailed");
      assert.equal((await cf().send(new GetCachePolicyConfigCommand({ Id: id }))).CachePolicyConfig?.DefaultTTL, 60, "nothing applied by refused updates");

      const updated = await cf().send(new UpdateCachePolicyCommand({ Id: id, IfMatch: e1, CachePolicyConfig: changed }));
      assert.equal(updated.$metadata.httpStatusCode, 200);
      const e2 = updated.ETag ?? assert.fail("no new ETag");
      assert.notEqual(e2, e1, "a new ETag");
      assert.equal(updated.CachePolicy?.Id, id);
      assert.equal(updated.CachePolicy?.CachePolicyConfig?.Comment, "changed");
      assert.equal(updated.CachePolicy?.CachePolicyConfig?.DefaultTTL, 120);
      assert.deepEqual(updated.CachePolicy?.CachePolicyConfig?.ParametersInCacheKeyAndForwardedToOrigin?.QueryStringsConfig?.QueryStrings?.Items, ["v", "w"]);

      const got = await cf().send(new GetCachePolicyCommand({ Id: id }));
      assert.equal(got.ETag, e2);
      assert.equal(got.CachePolicy?.CachePolicyConfig?.DefaultTTL, 120);

      await expectServiceError(cf().send(new UpdateCachePolicyCommand({ Id: id, IfMatch: e1, CachePolicyConfig: changed })), 412, "PreconditionFailed");

      // Renaming onto another policy's name, or a managed one, clashes; bad TTLs are refused.
      await createCache(cacheConfig("updatable-other"));
      await expectServiceError(
        cf().send(new UpdateCachePolicyCommand({ Id: id, IfMatch: e2, CachePolicyConfig: { ...changed, Name: "updatable-other" } })),
        409,
        "CachePolicyAlreadyExists",
      );
      await expectServiceError(
        cf().send(new UpdateCachePolicyCommand({ Id: id, IfMatch: e2, CachePolicyConfig: { ...changed, Name: "Managed-CachingOptimized" } })),
        409,
        "CachePolicyAlreadyExists",
      );
      await expectServiceError(
        cf().send(new UpdateCachePolicyCommand({ Id: id, IfMatch: e2, CachePolicyConfig: { ...changed, MinTTL: 500, DefaultTTL: 100 } })),
        400,
        "InvalidArgument",
      );
      const renamed = await cf().send(new UpdateCachePolicyCommand({ Id: id, IfMatch: e2, CachePolicyConfig: { ...changed, Name: "updatable-renamed" } }));
      assert.equal(renamed.CachePolicy?.CachePolicyConfig?.Name, "updatable-renamed");
      assert.equal((await cf().send(new GetCachePolicyCommand({ Id: id }))).ETag, renamed.ETag);
      // The old name is free again.
      await createCache(cacheConfig("updatable"));
    });

    it("DeleteCachePolicy: If-Match required; a policy used by a distribution → CachePolicyInUse; after detaching → 204, then NoSuchCachePolicy", async () => {
      const created = await createCache(cacheConfig("deletable", { def: 10, max: 20 }));
      const id = created.CachePolicy?.Id ?? assert.fail("no id");
      const etag = created.ETag ?? assert.fail("no ETag");
      const dist = await createDistribution(cf(), distConfig(behavior("origin", id)));

      await expectServiceError(cf().send(new DeleteCachePolicyCommand({ Id: id, IfMatch: etag })), 409, "CachePolicyInUse");
      assert.equal((await cf().send(new GetCachePolicyCommand({ Id: id }))).CachePolicy?.Id, id, "still there");

      await updateDistribution(cf(), dist.id, (c) => ({ ...c, DefaultCacheBehavior: { ...c.DefaultCacheBehavior!, CachePolicyId: CACHING_OPTIMIZED } }));
      await expectServiceError(cf().send(new DeleteCachePolicyCommand({ Id: id })), 400, "InvalidIfMatchVersion");
      await expectServiceError(cf().send(new DeleteCachePolicyCommand({ Id: id, IfMatch: "EWRONGETAG1234" })), 412, "PreconditionFailed");
      const deleted = await cf().send(new DeleteCachePolicyCommand({ Id: id, IfMatch: etag }));
      assert.equal(deleted.$metadata.httpStatusCode, 204);

      await expectServiceError(cf().send(new GetCachePolicyCommand({ Id: id })), 404, "NoSuchCachePolicy");
      await expectServiceError(cf().send(new GetCachePolicyConfigCommand({ Id: id })), 404, "NoSuchCachePolicy");
      await expectServiceError(cf().send(new DeleteCachePolicyCommand({ Id: id, IfMatch: etag })), 404, "NoSuchCachePolicy");
      const custom = (await cf().send(new ListCachePoliciesCommand({ Type: "custom" }))).CachePolicyList?.Items ?? [];
      assert.ok(!custom.some((s) => s.CachePolicy?.Id === id), "no longer listed");
      // The name can be reused.
      await createCache(cacheConfig("deletable"));
    });

    it("a policy used only by a non-default cache behavior is in use as well", async () => {
      const created = await createCache(cacheConfig("used-by-path"));
      const id = created.CachePolicy?.Id ?? assert.fail("no id");
      await createDistribution(cf(), distConfig(behavior("origin", CACHING_OPTIMIZED), [{ ...behavior("origin", id), PathPattern: "/api/*" }]));
      await expectServiceError(cf().send(new DeleteCachePolicyCommand({ Id: id, IfMatch: created.ETag })), 409, "CachePolicyInUse");
    });

    it("a distribution that references an unknown cache policy is refused with NoSuchCachePolicy, in create and update", async () => {
      await expectServiceError(cf().send(new CreateDistributionCommand({ DistributionConfig: distConfig(behavior("origin", UNKNOWN_POLICY)) })), 404, "NoSuchCachePolicy");
      await expectServiceError(
        cf().send(new CreateDistributionCommand({ DistributionConfig: distConfig(behavior("origin", CACHING_OPTIMIZED), [{ ...behavior("origin", UNKNOWN_POLICY), PathPattern: "/x/*" }]) })),
        404,
        "NoSuchCachePolicy",
      );
      const dist = await createDistribution(cf(), distConfig(behavior("origin", CACHING_OPTIMIZED)));
      await expectServiceError(
        updateDistribution(cf(), dist.id, (c) => ({ ...c, DefaultCacheBehavior: { ...c.DefaultCacheBehavior!, CachePolicyId: UNKNOWN_POLICY } })),
        404,
        "NoSuchCachePolicy",
      );
      // A deleted custom policy is unknown too.
      const gone = await createCache(cacheConfig("soon-gone"));
      await cf().send(new DeleteCachePolicyCommand({ Id: gone.CachePolicy?.Id, IfMatch: gone.ETag }));
      await expectServiceError(
        cf().send(new CreateDistributionCommand({ DistributionConfig: distConfig(behavior("origin", gone.CachePolicy!.Id!)) })),
        404,
        "NoSuchCachePolicy",
      );
    });

    it("ListDistributionsByCachePolicyId returns the distributions that use the policy (default or path behavior), and pages", async () => {
      const policy = await createCache(cacheConfig("listed-by"));
      const id = policy.CachePolicy?.Id ?? assert.fail("no id");
      const unused = await createCache(cacheConfig("listed-by-unused"));
      const d1 = await createDistribution(cf(), distConfig(behavior("origin", id)));
      const d2 = await createDistribution(cf(), distConfig(behavior("origin", CACHING_DISABLED), [{ ...behavior("origin", id), PathPattern: "/p/*" }]));
      const d3 = await createDistribution(cf(), distConfig(behavior("origin", CACHING_DISABLED)));

      const out = await cf().send(new ListDistributionsByCachePolicyIdCommand({ CachePolicyId: id }));
      const l = out.DistributionIdList ?? assert.fail("no DistributionIdList");
      assert.deepEqual([...(l.Items ?? [])].sort(), [d1.id, d2.id].sort());
      assert.equal(l.Quantity, 2);
      assert.equal(l.IsTruncated, false);

      const none = await cf().send(new ListDistributionsByCachePolicyIdCommand({ CachePolicyId: unused.CachePolicy?.Id }));
      assert.equal(none.DistributionIdList?.Quantity, 0);
      assert.deepEqual(none.DistributionIdList?.Items ?? [], []);

      const managed = await cf().send(new ListDistributionsByCachePolicyIdCommand({ CachePolicyId: CACHING_DISABLED }));
      const managedIds = managed.DistributionIdList?.Items ?? [];
      assert.ok(managedIds.includes(d2.id) && managedIds.includes(d3.id), "a managed policy lists its distributions too");
      assert.ok(!managedIds.includes(d1.id));

      const first = await cf().send(new ListDistributionsByCachePolicyIdCommand({ CachePolicyId: id, MaxItems: 1 }));
      assert.equal(first.DistributionIdList?.Quantity, 1);
      assert.equal(first.DistributionIdList?.IsTruncated, true);
      assert.ok(first.DistributionIdList?.NextMarker, "a NextMarker when truncated");
      const second = await cf().send(new ListDistributionsByCachePolicyIdCommand({ CachePolicyId: id, MaxItems: 1, Marker: first.DistributionIdList?.NextMarker }));
      assert.equal(second.DistributionIdList?.Quantity, 1);
      assert.equal(second.DistributionIdList?.IsTruncated, false);
      assert.deepEqual([...(first.DistributionIdList?.Items ?? []), ...(second.DistributionIdList?.Items ?? [])].sort(), [d1.id, d2.id].sort());

      // Detaching removes a distribution from the list.
      await updateDistribution(cf(), d1.id, (c) => ({ ...c, DefaultCacheBehavior: { ...c.DefaultCacheBehavior!, CachePolicyId: CACHING_OPTIMIZED } }));
      const afterDetach = await cf().send(new ListDistributionsByCachePolicyIdCommand({ CachePolicyId: id }));
      assert.deepEqual(afterDetach.DistributionIdList?.Items, [d2.id]);

      await expectServiceError(cf().send(new ListDistributionsByCachePolicyIdCommand({ CachePolicyId: UNKNOWN_POLICY })), 404, "NoSuchCachePolicy");
    });
  });

  describe("origin request policies", () => {
    it("ListOriginRequestPolicies shows the managed policies with their real ids and Type managed; Type filters; paging", async () => {
      const custom = await createOrp(orpConfig("orp-list-me", { headers: ["accept-language"] }));
      const customId = custom.OriginRequestPolicy?.Id ?? assert.fail("no id");

      const all = await cf().send(new ListOriginRequestPoliciesCommand({}));
      const items = all.OriginRequestPolicyList?.Items ?? [];
      assert.equal(all.OriginRequestPolicyList?.Quantity, items.length);
      for (const [id, name] of Object.entries(MANAGED_ORIGIN_REQUEST)) {
        const found = items.find((s) => s.OriginRequestPolicy?.Id === id) ?? assert.fail(`${name} (${id}) is not listed`);
        assert.equal(found.Type, "managed");
        assert.equal(found.OriginRequestPolicy?.OriginRequestPolicyConfig?.Name, name);
      }
      const allViewer = items.find((s) => s.OriginRequestPolicy?.Id === ALL_VIEWER)?.OriginRequestPolicy?.OriginRequestPolicyConfig;
      assert.equal(allViewer?.HeadersConfig?.HeaderBehavior, "allViewer");
      assert.equal(allViewer?.CookiesConfig?.CookieBehavior, "all");
      assert.equal(allViewer?.QueryStringsConfig?.QueryStringBehavior, "all");
      assert.equal(items.find((s) => s.OriginRequestPolicy?.Id === customId)?.Type, "custom");

      const customOnly = (await cf().send(new ListOriginRequestPoliciesCommand({ Type: "custom" }))).OriginRequestPolicyList?.Items ?? [];
      assert.ok(customOnly.every((s) => s.Type === "custom"));
      assert.ok(customOnly.some((s) => s.OriginRequestPolicy?.Id === customId));
      assert.ok(!customOnly.some((s) => s.OriginRequestPolicy?.Id === ALL_VIEWER), "Type=custom hides managed policies");
      const managedOnly = (await cf().send(new ListOriginRequestPoliciesCommand({ Type: "managed" }))).OriginRequestPolicyList?.Items ?? [];
      assert.ok(managedOnly.every((s) => s.Type === "managed"));
      assert.ok(!managedOnly.some((s) => s.OriginRequestPolicy?.Id === customId), "Type=managed hides custom policies");
      for (const id of Object.keys(MANAGED_ORIGIN_REQUEST)) assert.ok(managedOnly.some((s) => s.OriginRequestPolicy?.Id === id));

      const seen: (string | undefined)[] = [];
      let marker: string | undefined;
      let pages = 0;
      do {
        const page = await cf().send(new ListOriginRequestPoliciesCommand({ MaxItems: 3, ...(marker ? { Marker: marker } : {}) }));
        const list = page.OriginRequestPolicyList ?? assert.fail("no OriginRequestPolicyList");
        assert.equal(list.MaxItems, 3);
        assert.ok((list.Quantity ?? 0) <= 3);
        seen.push(...(list.Items ?? []).map((s) => s.OriginRequestPolicy?.Id));
        marker = list.NextMarker;
        pages++;
        assert.ok(pages < 50, "paging does not terminate");
      } while (marker);
      assert.deepEqual(seen, items.map((s) => s.OriginRequestPolicy?.Id), "the pages together are the unpaged list");
    });

    it("managed origin request policies: Get and GetConfig with the same ETag; Update → IllegalUpdate; Delete → IllegalDelete", async () => {
      const got = await cf().send(new GetOriginRequestPolicyCommand({ Id: ALL_VIEWER }));
      assert.equal(got.OriginRequestPolicy?.Id, ALL_VIEWER);
      assert.equal(got.OriginRequestPolicy?.OriginRequestPolicyConfig?.Name, "Managed-AllViewer");
      assert.ok(got.ETag);
      const config = await cf().send(new GetOriginRequestPolicyConfigCommand({ Id: ALL_VIEWER }));
      assert.equal(config.ETag, got.ETag);
      assert.deepEqual(config.OriginRequestPolicyConfig, got.OriginRequestPolicy?.OriginRequestPolicyConfig);
      await expectServiceError(
        cf().send(new UpdateOriginRequestPolicyCommand({ Id: ALL_VIEWER, IfMatch: got.ETag, OriginRequestPolicyConfig: { ...config.OriginRequestPolicyConfig!, Comment: "mine" } })),
        400,
        "IllegalUpdate",
      );
      await expectServiceError(cf().send(new DeleteOriginRequestPolicyCommand({ Id: CORS_S3_ORIGIN, IfMatch: got.ETag })), 400, "IllegalDelete");
      await expectServiceError(cf().send(new GetOriginRequestPolicyCommand({ Id: UNKNOWN_POLICY })), 404, "NoSuchOriginRequestPolicy");
      await expectServiceError(cf().send(new GetOriginRequestPolicyConfigCommand({ Id: UNKNOWN_POLICY })), 404, "NoSuchOriginRequestPolicy");
    });

    it("CreateOriginRequestPolicy: 201 with Location, ETag and a UUID; duplicate or managed name → OriginRequestPolicyAlreadyExists; bad selections refused", async () => {
      const created = await createOrp(orpConfig("orp-created", { comment: "hello", headers: ["accept-language"], query: ["trace"], cookies: ["track"] }));
      assert.equal(created.$metadata.httpStatusCode, 201);
      const id = created.OriginRequestPolicy?.Id ?? assert.fail("no id");
      assert.match(id, UUID);
      assert.ok(created.ETag);
      assert.equal(created.Location, `${t.emu.controlUrl}/2020-05-31/origin-request-policy/${id}`);
      const c = created.OriginRequestPolicy?.OriginRequestPolicyConfig;
      assert.equal(c?.Name, "orp-created");
      assert.equal(c?.Comment, "hello");
      assert.deepEqual(c?.HeadersConfig?.Headers?.Items, ["accept-language"]);
      assert.deepEqual(c?.QueryStringsConfig?.QueryStrings?.Items, ["trace"]);
      assert.deepEqual(c?.CookiesConfig?.Cookies?.Items, ["track"]);
      const got = await cf().send(new GetOriginRequestPolicyCommand({ Id: id }));
      assert.equal(got.ETag, created.ETag);
      assert.deepEqual(got.OriginRequestPolicy?.OriginRequestPolicyConfig, c);

      await expectServiceError(createOrp(orpConfig("orp-created")), 409, "OriginRequestPolicyAlreadyExists");
      await expectServiceError(createOrp(orpConfig("Managed-AllViewer")), 409, "OriginRequestPolicyAlreadyExists");
      await expectServiceError(createOrp({ ...orpConfig("orp-empty"), HeadersConfig: { HeaderBehavior: "whitelist" } }), 400, "InvalidArgument");
      await expectServiceError(createOrp({ ...orpConfig("orp-empty"), HeadersConfig: { HeaderBehavior: "allExcept" } }), 400, "InvalidArgument");
      await expectServiceError(createOrp({ ...orpConfig("orp-empty"), QueryStringsConfig: { QueryStringBehavior: "whitelist", QueryStrings: { Quantity: 0 } } }), 400, "InvalidArgument");
      await expectServiceError(createOrp(orpConfig("orp-eleven-headers", { headers: names("x-h", 11) })), 400, "TooManyHeadersInOriginRequestPolicy");
      await expectServiceError(createOrp(orpConfig("orp-eleven-cookies", { cookies: names("c", 11) })), 400, "TooManyCookiesInOriginRequestPolicy");
      await expectServiceError(createOrp(orpConfig("orp-eleven-query", { query: names("q", 11) })), 400, "TooManyQueryStringsInOriginRequestPolicy");

      // A policy may be created with the same name as a cache policy: the name spaces are separate.
      await createCache(cacheConfig("shared-name"));
      await createOrp(orpConfig("shared-name"));
    });

    it("UpdateOriginRequestPolicy with If-Match; DeleteOriginRequestPolicy refused while in use (OriginRequestPolicyInUse), 204 after detaching, then NoSuchOriginRequestPolicy", async () => {
      const created = await createOrp(orpConfig("orp-lifecycle", { query: ["a"] }));
      const id = created.OriginRequestPolicy?.Id ?? assert.fail("no id");
      const changed = orpConfig("orp-lifecycle", { query: ["a", "b"], comment: "two" });
      await expectServiceError(cf().send(new UpdateOriginRequestPolicyCommand({ Id: id, OriginRequestPolicyConfig: changed })), 400, "InvalidIfMatchVersion");
      await expectServiceError(cf().send(new UpdateOriginRequestPolicyCommand({ Id: id, IfMatch: "EWRONGETAG1234", OriginRequestPolicyConfig: changed })), 412, "PreconditionFailed");
      const updated = await cf().send(new UpdateOriginRequestPolicyCommand({ Id: id, IfMatch: created.ETag, OriginRequestPolicyConfig: changed }));
      assert.notEqual(updated.ETag, created.ETag);
      assert.deepEqual(updated.OriginRequestPolicy?.OriginRequestPolicyConfig?.QueryStringsConfig?.QueryStrings?.Items, ["a", "b"]);
      const cfg = await cf().send(new GetOriginRequestPolicyConfigCommand({ Id: id }));
      assert.equal(cfg.ETag, updated.ETag);
      assert.equal(cfg.OriginRequestPolicyConfig?.Comment, "two");
      await expectServiceError(
        cf().send(new UpdateOriginRequestPolicyCommand({ Id: id, IfMatch: created.ETag, OriginRequestPolicyConfig: changed })),
        412,
        "PreconditionFailed",
      );
      await expectServiceError(
        cf().send(new UpdateOriginRequestPolicyCommand({ Id: id, IfMatch: updated.ETag, OriginRequestPolicyConfig: { ...changed, Name: "Managed-AllViewer" } })),
        409,
        "OriginRequestPolicyAlreadyExists",
      );

      const dist = await createDistribution(cf(), distConfig(behavior("origin", CACHING_OPTIMIZED, id)));
      await expectServiceError(cf().send(new DeleteOriginRequestPolicyCommand({ Id: id, IfMatch: updated.ETag })), 409, "OriginRequestPolicyInUse");
      await updateDistribution(cf(), dist.id, (c) => {
        const { OriginRequestPolicyId: _dropped, ...rest } = c.DefaultCacheBehavior!;
        return { ...c, DefaultCacheBehavior: rest };
      });
      await expectServiceError(cf().send(new DeleteOriginRequestPolicyCommand({ Id: id })), 400, "InvalidIfMatchVersion");
      await expectServiceError(cf().send(new DeleteOriginRequestPolicyCommand({ Id: id, IfMatch: created.ETag })), 412, "PreconditionFailed");
      const deleted = await cf().send(new DeleteOriginRequestPolicyCommand({ Id: id, IfMatch: updated.ETag }));
      assert.equal(deleted.$metadata.httpStatusCode, 204);
      await expectServiceError(cf().send(new GetOriginRequestPolicyCommand({ Id: id })), 404, "NoSuchOriginRequestPolicy");
      await expectServiceError(cf().send(new DeleteOriginRequestPolicyCommand({ Id: id, IfMatch: updated.ETag })), 404, "NoSuchOriginRequestPolicy");
    });

    it("a distribution that references an unknown origin request policy is refused with NoSuchOriginRequestPolicy", async () => {
      await expectServiceError(
        cf().send(new CreateDistributionCommand({ DistributionConfig: distConfig(behavior("origin", CACHING_OPTIMIZED, UNKNOWN_POLICY)) })),
        404,
        "NoSuchOriginRequestPolicy",
      );
      await expectServiceError(
        cf().send(new CreateDistributionCommand({ DistributionConfig: distConfig(behavior("origin", CACHING_OPTIMIZED), [{ ...behavior("origin", CACHING_OPTIMIZED, UNKNOWN_POLICY), PathPattern: "/o/*" }]) })),
        404,
        "NoSuchOriginRequestPolicy",
      );
      const dist = await createDistribution(cf(), distConfig(behavior("origin", CACHING_OPTIMIZED, ALL_VIEWER)));
      await expectServiceError(
        updateDistribution(cf(), dist.id, (c) => ({ ...c, DefaultCacheBehavior: { ...c.DefaultCacheBehavior!, OriginRequestPolicyId: UNKNOWN_POLICY } })),
        404,
        "NoSuchOriginRequestPolicy",
      );
    });

    it("ListDistributionsByOriginRequestPolicyId returns the distributions that use the policy", async () => {
      const policy = await createOrp(orpConfig("orp-listed-by", { headers: ["referer"] }));
      const id = policy.OriginRequestPolicy?.Id ?? assert.fail("no id");
      const d1 = await createDistribution(cf(), distConfig(behavior("origin", CACHING_OPTIMIZED, id)));
      const d2 = await createDistribution(cf(), distConfig(behavior("origin", CACHING_OPTIMIZED), [{ ...behavior("origin", CACHING_DISABLED, id), PathPattern: "/api/*" }]));
      const d3 = await createDistribution(cf(), distConfig(behavior("origin", CACHING_OPTIMIZED, CORS_CUSTOM_ORIGIN)));

      const out = await cf().send(new ListDistributionsByOriginRequestPolicyIdCommand({ OriginRequestPolicyId: id }));
      assert.deepEqual([...(out.DistributionIdList?.Items ?? [])].sort(), [d1.id, d2.id].sort());
      assert.equal(out.DistributionIdList?.Quantity, 2);
      assert.equal(out.DistributionIdList?.IsTruncated, false);

      const managed = await cf().send(new ListDistributionsByOriginRequestPolicyIdCommand({ OriginRequestPolicyId: CORS_CUSTOM_ORIGIN }));
      assert.ok(managed.DistributionIdList?.Items?.includes(d3.id), "a managed policy lists its distributions");
      assert.ok(!managed.DistributionIdList?.Items?.includes(d1.id));

      await expectServiceError(cf().send(new ListDistributionsByOriginRequestPolicyIdCommand({ OriginRequestPolicyId: UNKNOWN_POLICY })), 404, "NoSuchOriginRequestPolicy");
    });
  });
});

// ---------------------------------------------------------------------------------------------
// Limits, on an emulator of their own so the other tests' policies do not count

describe("policy limits (20 custom policies of each kind)", () => {
  const t = useEmulator();
  let client: CloudFrontClient | undefined;
  const cf = (): CloudFrontClient => client ?? assert.fail("CloudFront client not created yet");
  before(() => {
    client = t.cloudfront();
  });
  after(() => client?.destroy());

  it("the 21st custom cache policy → TooManyCachePolicies; managed ones do not count; deleting one makes room", async () => {
    const created = [];
    for (let i = 1; i <= 20; i++) created.push(await cf().send(new CreateCachePolicyCommand({ CachePolicyConfig: cacheConfig(`limit-${i}`) })));
    await expectServiceError(cf().send(new CreateCachePolicyCommand({ CachePolicyConfig: cacheConfig("limit-21") })), 400, "TooManyCachePolicies");
    const custom = (await cf().send(new ListCachePoliciesCommand({ Type: "custom" }))).CachePolicyList;
    assert.equal(custom?.Quantity, 20);
    const first = created[0] ?? assert.fail("nothing created");
    await cf().send(new DeleteCachePolicyCommand({ Id: first.CachePolicy?.Id, IfMatch: first.ETag }));
    const again = await cf().send(new CreateCachePolicyCommand({ CachePolicyConfig: cacheConfig("limit-21") }));
    assert.equal(again.$metadata.httpStatusCode, 201);
  });

  it("the 21st custom origin request policy → TooManyOriginRequestPolicies (cache policies do not count)", async () => {
    for (let i = 1; i <= 20; i++) await cf().send(new CreateOriginRequestPolicyCommand({ OriginRequestPolicyConfig: orpConfig(`orp-limit-${i}`) }));
    await expectServiceError(
      cf().send(new CreateOriginRequestPolicyCommand({ OriginRequestPolicyConfig: orpConfig("orp-limit-21") })),
      400,
      "TooManyOriginRequestPolicies",
    );
    assert.equal((await cf().send(new ListOriginRequestPoliciesCommand({ Type: "custom" }))).OriginRequestPolicyList?.Quantity, 20);
  });
});

// ---------------------------------------------------------------------------------------------
// The edge with custom policies

describe("the edge with custom policies", () => {
  const clock = new ManualClock();
  const t = useEmulator({ clock });
  const origin = new TestOrigin({ numberDefaultBodies: true });
  let client: CloudFrontClient | undefined;
  const cf = (): CloudFrontClient => client ?? assert.fail("CloudFront client not created yet");

  before(async () => {
    await origin.start();
    client = t.cloudfront();
  });
  after(async () => {
    client?.destroy();
    await origin.close();
  });

  const seconds = (s: number) => clock.advance(s * 1000);

  /** Sends one request to the edge as `host` (127.0.0.1:<port> with an explicit Host header). */
  const send = (host: string, path: string, headers: Record<string, string> = {}): Promise<EdgeResponse> =>
    sendToEdge(t.emu.port, host, path, { headers });

  interface Dist {
    readonly id: string;
    readonly host: string;
    get(path: string, headers?: Record<string, string>): Promise<EdgeResponse>;
  }

  async function distribution(cachePolicyId: string, originRequestPolicyId?: string): Promise<Dist> {
    const { id, domain } = await createDistribution(cf(), distConfig(behavior("origin", cachePolicyId, originRequestPolicyId), [], origin.port));
    const host = `${domain}:${t.emu.port}`;
    return { id, host, get: (path, headers) => send(host, path, headers) };
  }

  async function cachePolicy(config: CachePolicyConfig): Promise<{ id: string; etag: string }> {
    const out = await cf().send(new CreateCachePolicyCommand({ CachePolicyConfig: config }));
    return { id: out.CachePolicy?.Id ?? assert.fail("no id"), etag: out.ETag ?? assert.fail("no ETag") };
  }

  async function originRequestPolicy(config: OriginRequestPolicyConfig): Promise<string> {
    const out = await cf().send(new CreateOriginRequestPolicyCommand({ OriginRequestPolicyConfig: config }));
    return out.OriginRequestPolicy?.Id ?? assert.fail("no id");
  }

  function assertXCache(res: EdgeResponse, expected: "Hit" | "Miss", what: string): void {
    assert.equal(res.status, 200, `status of ${what}`);
    assert.equal(header(res, "x-cache"), `${expected} from cloudfront`, `X-Cache of ${what}`);
  }

  // One policy for the key tests: query string v, header x-variant and cookie session are the key.
  let keyed: { id: string; etag: string } | undefined;
  const keyPolicy = async () => (keyed ??= await cachePolicy(cacheConfig("edge-key", { min: 100, def: 1000, max: 5000, query: ["v"], headers: ["x-variant"], cookies: ["session"] })));

  it("whitelisted query string v: /a?v=1 and /a?v=2 are different entries, /a?v=1&other=9 shares v=1's; only v reaches the origin", async () => {
    const d = await distribution((await keyPolicy()).id);
    const one = await d.get("/qs/a?v=1");
    assertXCache(one, "Miss", "/a?v=1");
    assert.equal(origin.last("/qs/a").url, "/qs/a?v=1");
    const two = await d.get("/qs/a?v=2");
    assertXCache(two, "Miss", "/a?v=2 (another value of a key query string)");
    assert.notEqual(two.body, one.body);
    const other = await d.get("/qs/a?v=1&other=9");
    assertXCache(other, "Hit", "/a?v=1&other=9 (other is not in the key)");
    assert.equal(other.body, one.body, "served v=1's object");
    assertXCache(await d.get("/qs/a?other=1&v=2"), "Hit", "/a?other=1&v=2");
    assert.equal(origin.hits("/qs/a"), 2);

    assertXCache(await d.get("/qs/a"), "Miss", "/a without v");
    assertXCache(await d.get("/qs/a?v=3&other=9"), "Miss", "/a?v=3&other=9");
    assert.equal(origin.last("/qs/a").url, "/qs/a?v=3", "query strings outside the policy are not forwarded");
    assert.equal(origin.hits("/qs/a"), 4);
  });

  it("whitelisted header x-variant and cookie session split entries; other headers and cookies do not", async () => {
    const d = await distribution((await keyPolicy()).id);
    const a = await d.get("/hdr/a", { "X-Variant": "a", "Accept-Language": "fr" });
    assertXCache(a, "Miss", "x-variant: a");
    assert.equal(origin.last("/hdr/a").headers["x-variant"], "a", "the key header reaches the origin");
    assert.equal(origin.last("/hdr/a").headers["accept-language"], undefined, "Accept-Language is neither in the key nor forwarded");
    assertXCache(await d.get("/hdr/a", { "X-Variant": "b" }), "Miss", "x-variant: b");
    const againA = await d.get("/hdr/a", { "x-variant": "a", "Accept-Language": "de" });
    assertXCache(againA, "Hit", "x-variant: a again (Accept-Language is not in the key)");
    assert.equal(againA.body, a.body);
    assertXCache(await d.get("/hdr/a"), "Miss", "no x-variant");
    assert.equal(origin.hits("/hdr/a"), 3);

    assertXCache(await d.get("/ck/a", { Cookie: "session=1; other=2" }), "Miss", "session=1");
    assert.equal(origin.last("/ck/a").headers.cookie, "session=1", "only the key cookie reaches the origin");
    assertXCache(await d.get("/ck/a", { Cookie: "other=3; session=1" }), "Hit", "session=1 with another cookie");
    assertXCache(await d.get("/ck/a", { Cookie: "session=2" }), "Miss", "session=2");
    assert.equal(origin.hits("/ck/a"), 2);
  });

  it("the policy's TTLs apply: DefaultTTL without caching headers, MinTTL over a smaller max-age (and no-store), MaxTTL over a larger one", async () => {
    origin.on("/ttl/min", { body: "short", headers: { "Cache-Control": "max-age=10" } });
    origin.on("/ttl/no-store", { body: "no-store", headers: { "Cache-Control": "no-store" } });
    origin.on("/ttl/max", { body: "long", headers: { "Cache-Control": "max-age=99999" } });
    const d = await distribution((await keyPolicy()).id);
    for (const p of ["/ttl/default", "/ttl/min", "/ttl/no-store", "/ttl/max"]) assertXCache(await d.get(p), "Miss", `first ${p}`);

    seconds(50);
    assertXCache(await d.get("/ttl/min"), "Hit", "/ttl/min at 50 s (max-age=10 raised to MinTTL 100)");
    assertXCache(await d.get("/ttl/no-store"), "Hit", "/ttl/no-store at 50 s (cached for MinTTL 100)");
    seconds(51);
    assertXCache(await d.get("/ttl/min"), "Miss", "/ttl/min at 101 s");
    assertXCache(await d.get("/ttl/no-store"), "Miss", "/ttl/no-store at 101 s");

    seconds(898); // 999 s
    assertXCache(await d.get("/ttl/default"), "Hit", "/ttl/default at 999 s (DefaultTTL 1000)");
    seconds(2); // 1001 s
    assertXCache(await d.get("/ttl/default"), "Miss", "/ttl/default at 1001 s");

    seconds(3998); // 4999 s
    assertXCache(await d.get("/ttl/max"), "Hit", "/ttl/max at 4999 s (max-age=99999 capped at MaxTTL 5000)");
    seconds(2); // 5001 s
    assertXCache(await d.get("/ttl/max"), "Miss", "/ttl/max at 5001 s");

    assert.equal(origin.hits("/ttl/default"), 2);
    assert.equal(origin.hits("/ttl/min"), 2);
    assert.equal(origin.hits("/ttl/no-store"), 2);
    assert.equal(origin.hits("/ttl/max"), 2);
  });

  it("after UpdateCachePolicy changes the whitelist (and DefaultTTL), the edge uses the new rules without a restart", async () => {
    const policy = await cachePolicy(cacheConfig("edge-update", { def: 1000, max: 5000, query: ["v"] }));
    const d = await distribution(policy.id);
    assertXCache(await d.get("/upd/before?v=1"), "Miss", "before: v=1");
    assertXCache(await d.get("/upd/before?v=2"), "Miss", "before: v=2");
    assertXCache(await d.get("/upd/before?v=1&w=5"), "Hit", "before: v=1&w=5");
    assert.equal(origin.last("/upd/before").url, "/upd/before?v=2");

    await cf().send(new UpdateCachePolicyCommand({ Id: policy.id, IfMatch: policy.etag, CachePolicyConfig: cacheConfig("edge-update", { def: 30, max: 5000, query: ["w"] }) }));

    assertXCache(await d.get("/upd/after?w=1&v=1"), "Miss", "after: w=1");
    assert.equal(origin.last("/upd/after").url, "/upd/after?w=1", "w is forwarded now, v no longer");
    assertXCache(await d.get("/upd/after?w=2&v=1"), "Miss", "after: w=2 (w is in the key now)");
    assertXCache(await d.get("/upd/after?w=1&v=2"), "Hit", "after: w=1&v=2 (v is no longer in the key)");
    assert.equal(origin.hits("/upd/after"), 2);

    seconds(31);
    assertXCache(await d.get("/upd/after?w=1"), "Miss", "after 31 s: the new DefaultTTL of 30 s applies");
    assert.equal(origin.hits("/upd/after"), 3);
  });

  it("a custom origin request policy forwards the headers, cookies and query strings it lists, none of them in the cache key", async () => {
    const orp = await originRequestPolicy(orpConfig("edge-orp", { headers: ["accept-language", "x-extra"], query: ["trace"], cookies: ["track"] }));
    const d = await distribution(CACHING_OPTIMIZED, orp);
    const first = await d.get("/orp/a?trace=1&other=2", { "Accept-Language": "fr", "X-Extra": "e1", Cookie: "track=t1; session=s" });
    assertXCache(first, "Miss", "first request");
    const got = origin.last("/orp/a");
    assert.equal(got.url, "/orp/a?trace=1", "the listed query string is forwarded, the others are not");
    assert.equal(got.headers["accept-language"], "fr", "the listed Accept-Language is forwarded");
    assert.equal(got.headers["x-extra"], "e1");
    assert.equal(got.headers.cookie, "track=t1", "only the listed cookie is forwarded");

    const second = await d.get("/orp/a?trace=2", { "Accept-Language": "de", "X-Extra": "e2", Cookie: "track=t2" });
    assertXCache(second, "Hit", "other trace / Accept-Language / cookie values (forwarded, but not in the key)");
    assert.equal(second.body, first.body);
    assert.equal(origin.hits("/orp/a"), 1);
  });

  it("a custom cache policy with a custom origin request policy: the key is the cache policy's, the origin gets both", async () => {
    const key = await cachePolicy(cacheConfig("edge-key-and-orp", { def: 1000, max: 5000, query: ["v"] }));
    const orp = await originRequestPolicy(orpConfig("edge-orp-with-key", { query: ["trace"], headers: ["referer"] }));
    const d = await distribution(key.id, orp);
    assertXCache(await d.get("/both/a?v=1&trace=a&x=0", { Referer: "http://r1/" }), "Miss", "v=1&trace=a");
    const got = origin.last("/both/a");
    assert.equal(got.url, "/both/a?v=1&trace=a", "key and origin request policy query strings forwarded, in the viewer's order");
    assert.equal(got.headers.referer, "http://r1/");
    assertXCache(await d.get("/both/a?trace=b&v=1", { Referer: "http://r2/" }), "Hit", "v=1&trace=b");
    assertXCache(await d.get("/both/a?v=2&trace=a"), "Miss", "v=2&trace=a");
    assert.equal(origin.hits("/both/a"), 2);
  });

  it("managed AllViewer forwards the viewer's Host, User-Agent and query; AllViewerExceptHostHeader sends the origin's Host", async () => {
    const all = await distribution(CACHING_OPTIMIZED, ALL_VIEWER);
    assertXCache(await all.get("/av/a?q=1", { "User-Agent": "viewer-agent/1" }), "Miss", "AllViewer");
    const viaAll = origin.last("/av/a");
    assert.equal(viaAll.url, "/av/a?q=1");
    assert.equal(viaAll.headers.host, all.host, "AllViewer forwards the viewer's Host header");
    assert.equal(viaAll.headers["user-agent"], "viewer-agent/1");

    const except = await distribution(CACHING_OPTIMIZED, ALL_VIEWER_EXCEPT_HOST);
    assertXCache(await except.get("/avx/a?q=1", { "User-Agent": "viewer-agent/2" }), "Miss", "AllViewerExceptHostHeader");
    const viaExcept = origin.last("/avx/a");
    assert.equal(viaExcept.url, "/avx/a?q=1");
    assert.match(viaExcept.headers.host ?? "", new RegExp(`^127\\.0\\.0\\.1(:${origin.port})?$`), "the origin's own Host");
    assert.equal(viaExcept.headers["user-agent"], "viewer-agent/2");
  });
});

// ---------------------------------------------------------------------------------------------
// The aws CLI

describe("aws cloudfront (CLI v1) policy commands", { skip: awsCliAvailable() ? false : AWS_CLI_MISSING }, () => {
  const t = useEmulator();
  const cloudfrontCli = useCloudFrontCli(() => t.emu.controlUrl);
  const aws = cloudfrontCli.json;


  interface CliList {
    CachePolicyList: { Items?: Array<{ Type: string; CachePolicy: { Id: string; CachePolicyConfig: { Name: string } } }> };
  }

  it("list-cache-policies --type managed returns the managed ids; create-cache-policy --cache-policy-config file://… creates one", async () => {
    const managed = await aws<CliList>("list-cache-policies", "--type", "managed");
    const ids = (managed.CachePolicyList.Items ?? []).map((i) => i.CachePolicy.Id);
    for (const id of Object.keys(MANAGED_CACHE)) assert.ok(ids.includes(id), `${id} listed by the CLI`);
    assert.ok((managed.CachePolicyList.Items ?? []).every((i) => i.Type === "managed"));

    const file = join(cloudfrontCli.dir(), "cache-policy.json");
    writeFileSync(file, JSON.stringify(cacheConfig("from-the-cli", { comment: "cli", def: 300, max: 3600, query: ["v"] })));
    const created = await aws<{ CachePolicy: { Id: string; CachePolicyConfig: CachePolicyConfig }; ETag: string; Location: string }>(
      "create-cache-policy",
      "--cache-policy-config",
      `file://${file}`,
    );
    assert.match(created.CachePolicy.Id, UUID);
    assert.ok(created.ETag);
    assert.equal(created.Location, `${t.emu.controlUrl}/2020-05-31/cache-policy/${created.CachePolicy.Id}`);
    assert.equal(created.CachePolicy.CachePolicyConfig.Name, "from-the-cli");
    assert.equal(created.CachePolicy.CachePolicyConfig.DefaultTTL, 300);
    assert.deepEqual(created.CachePolicy.CachePolicyConfig.ParametersInCacheKeyAndForwardedToOrigin?.QueryStringsConfig?.QueryStrings?.Items, ["v"]);

    const custom = await aws<CliList>("list-cache-policies", "--type", "custom");
    assert.deepEqual(
      (custom.CachePolicyList.Items ?? []).map((i) => i.CachePolicy.CachePolicyConfig.Name),
      ["from-the-cli"],
    );
  });
});
