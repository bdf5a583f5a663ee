// Response headers policies end to end: the API through @aws-sdk/client-cloudfront on a real port
// (the five managed policies with their real ids, CRUD with If-Match, Type filters and paging,
// every validation error, in-use protection, distributions referencing policies,
// ListDistributionsByResponseHeadersPolicyId, the custom-policy quota), then the aws CLI.
// docs/control-plane.md §4 (name-keyed resources), §5 (error codes), §9 (quotas, managed policies);
// docs/managed-policies.md §3; docs/edge.md §11; CloudFront guide "Understand response headers policies".
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CreateDistributionCommand,
  CreateResponseHeadersPolicyCommand,
  DeleteResponseHeadersPolicyCommand,
  GetDistributionConfigCommand,
  GetResponseHeadersPolicyCommand,
  GetResponseHeadersPolicyConfigCommand,
  ListDistributionsByResponseHeadersPolicyIdCommand,
  ListResponseHeadersPoliciesCommand,
  UpdateDistributionCommand,
  UpdateResponseHeadersPolicyCommand,
  type CacheBehavior,
  type CloudFrontClient,
  type DefaultCacheBehavior,
  type DistributionConfig,
  type ResponseHeadersPolicyConfig,
} from "@aws-sdk/client-cloudfront";
import { startEmulator } from "../../src/index.ts";
import { AWS_CLI_MISSING, awsCliAvailable, runAws, useCloudFrontCli } from "../helpers/aws-cli.ts";
import { cloudFrontClient, expectServiceError, useEmulator } from "../helpers/emulator.ts";

// ---------------------------------------------------------------------------------------------
// Managed policy ids (docs/managed-policies.md §3)

const SIMPLE_CORS = "60669652-455b-4ae9-85a4-c4c02393f86c";
const CORS_WITH_PREFLIGHT = "5cc3b908-e619-4b99-88e5-2cf7f45965bd";
const SECURITY_HEADERS = "67f7725c-6f97-4210-82d7-5512b31e9d03";
const CORS_AND_SECURITY = "e61eb60c-9c35-4d20-a928-2b84e02af89c";
const CORS_PREFLIGHT_AND_SECURITY = "eaab4381-ed33-4a86-88ca-d9558dc6cd63";
const MANAGED = {
  [SIMPLE_CORS]: "Managed-SimpleCORS",
  [CORS_WITH_PREFLIGHT]: "Managed-CORS-With-Preflight",
  [SECURITY_HEADERS]: "Managed-SecurityHeadersPolicy",
  [CORS_AND_SECURITY]: "Managed-CORS-and-SecurityHeadersPolicy",
  [CORS_PREFLIGHT_AND_SECURITY]: "Managed-CORS-with-preflight-and-SecurityHeadersPolicy",
} as const;

const CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6";
const UNKNOWN_POLICY = "00000000-0000-4000-8000-000000000000";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

// ---------------------------------------------------------------------------------------------
// Configs

function list<T>(items: readonly T[]): { Quantity: number; Items: T[] } {
  return { Quantity: items.length, Items: [...items] };
}

/** A policy with only a name, and whatever sections `extra` adds. */
function rhp(name: string, extra: Omit<ResponseHeadersPolicyConfig, "Name"> = {}): ResponseHeadersPolicyConfig {
  return { Name: name, ...extra };
}

const custom = (...names: string[]) => ({ CustomHeadersConfig: list(names.map((n) => ({ Header: n, Value: "v", Override: false }))) });
const remove = (...names: string[]) => ({ RemoveHeadersConfig: list(names.map((n) => ({ Header: n }))) });
const numbered = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}-${i + 1}`);

type Cors = NonNullable<ResponseHeadersPolicyConfig["CorsConfig"]>;
function cors(extra: Partial<Cors> = {}): { CorsConfig: Cors } {
  return {
    CorsConfig: {
      AccessControlAllowOrigins: list(["https://app.example.com"]),
      AccessControlAllowHeaders: list(["x-requested-with"]),
      AccessControlAllowMethods: list(["GET", "POST"]),
      AccessControlAllowCredentials: false,
      OriginOverride: true,
      ...extra,
    },
  } as { CorsConfig: Cors };
}

/** Every section filled in: what a round trip must preserve. */
function fullConfig(name: string): ResponseHeadersPolicyConfig {
  return {
    Name: name,
    Comment: "all sections",
    CorsConfig: {
      AccessControlAllowOrigins: list(["https://app.example.com", "https://*.example.org"]),
      AccessControlAllowHeaders: list(["authorization", "x-requested-with"]),
      AccessControlAllowMethods: list(["GET", "OPTIONS", "POST"]),
      AccessControlAllowCredentials: true,
      AccessControlExposeHeaders: list(["x-request-id"]),
      AccessControlMaxAgeSec: 600,
      OriginOverride: false,
    },
    SecurityHeadersConfig: {
      XSSProtection: { Override: true, Protection: true, ReportUri: "https://report.example.com/xss" },
      FrameOptions: { Override: true, FrameOption: "DENY" },
      ReferrerPolicy: { Override: false, ReferrerPolicy: "no-referrer" },
      ContentSecurityPolicy: { Override: true, ContentSecurityPolicy: "default-src 'self'; img-src *" },
      ContentTypeOptions: { Override: true },
      StrictTransportSecurity: { Override: false, IncludeSubdomains: true, Preload: true, AccessControlMaxAgeSec: 63072000 },
    },
    ServerTimingHeadersConfig: { Enabled: true, SamplingRate: 12.3456 },
    CustomHeadersConfig: list([
      { Header: "Cache-Control", Value: "max-age=60", Override: true },
      { Header: "X-Empty", Value: "", Override: false },
    ]),
    RemoveHeadersConfig: list([{ Header: "X-Powered-By" }, { Header: "Server" }]),
  };
}

function behavior(responseHeadersPolicyId?: string): DefaultCacheBehavior {
  return {
    TargetOriginId: "origin",
    ViewerProtocolPolicy: "allow-all",
    CachePolicyId: CACHING_OPTIMIZED,
    ...(responseHeadersPolicyId ? { ResponseHeadersPolicyId: responseHeadersPolicyId } : {}),
  };
}

let refs = 0;
function distConfig(defaultBehavior: DefaultCacheBehavior, cacheBehaviors: CacheBehavior[] = []): DistributionConfig {
  return {
    CallerReference: `rhp-${process.pid}-${++refs}`,
    Comment: "",
    Enabled: true,
    Origins: list([{ Id: "origin", DomainName: "example.com", CustomOriginConfig: { HTTPPort: 80, HTTPSPort: 443, OriginProtocolPolicy: "http-only" } }]),
    DefaultCacheBehavior: defaultBehavior,
    ...(cacheBehaviors.length ? { CacheBehaviors: list(cacheBehaviors) } : {}),
  };
}

async function createDistribution(cf: CloudFrontClient, config: DistributionConfig): Promise<string> {
  const out = await cf.send(new CreateDistributionCommand({ DistributionConfig: config }));
  return out.Distribution?.Id ?? assert.fail("no distribution id");
}

async function updateDistribution(cf: CloudFrontClient, id: string, change: (c: DistributionConfig) => DistributionConfig): Promise<void> {
  const got = await cf.send(new GetDistributionConfigCommand({ Id: id }));
  await cf.send(new UpdateDistributionCommand({ Id: id, IfMatch: got.ETag, DistributionConfig: change(got.DistributionConfig ?? assert.fail("no config")) }));
}

// ---------------------------------------------------------------------------------------------
// The API

describe("response headers policy API", () => {
  const t = useEmulator();
  let client: CloudFrontClient | undefined;
  const cf = (): CloudFrontClient => client ?? assert.fail("CloudFront client not created yet");
  before(() => {
    client = t.cloudfront();
  });
  after(() => client?.destroy());

  const create = (config: ResponseHeadersPolicyConfig) => cf().send(new CreateResponseHeadersPolicyCommand({ ResponseHeadersPolicyConfig: config }));
  const customNames = async () =>
    ((await cf().send(new ListResponseHeadersPoliciesCommand({ Type: "custom" }))).ResponseHeadersPolicyList?.Items ?? []).map((s) => s.ResponseHeadersPolicy?.ResponseHeadersPolicyConfig?.Name);

  it("ListResponseHeadersPolicies shows the five managed policies with their real ids and Type managed; Type=custom hides them, Type=managed shows only them", async () => {
    const mine = await create(rhp("list-me", custom("X-Mine")));
    const mineId = mine.ResponseHeadersPolicy?.Id ?? assert.fail("no id");

    const all = (await cf().send(new ListResponseHeadersPoliciesCommand({}))).ResponseHeadersPolicyList ?? assert.fail("no list");
    const items = all.Items ?? [];
    assert.equal(all.Quantity, items.length);
    for (const [id, name] of Object.entries(MANAGED)) {
      const found = items.find((s) => s.ResponseHeadersPolicy?.Id === id) ?? assert.fail(`${name} (${id}) is not listed`);
      assert.equal(found.Type, "managed");
      assert.equal(found.ResponseHeadersPolicy?.ResponseHeadersPolicyConfig?.Name, name);
    }
    assert.equal(items.find((s) => s.ResponseHeadersPolicy?.Id === mineId)?.Type, "custom");

    const customOnly = (await cf().send(new ListResponseHeadersPoliciesCommand({ Type: "custom" }))).ResponseHeadersPolicyList?.Items ?? [];
    assert.ok(customOnly.every((s) => s.Type === "custom"));
    assert.ok(customOnly.some((s) => s.ResponseHeadersPolicy?.Id === mineId));
    const managedOnly = (await cf().send(new ListResponseHeadersPoliciesCommand({ Type: "managed" }))).ResponseHeadersPolicyList?.Items ?? [];
    assert.deepEqual(managedOnly.map((s) => s.ResponseHeadersPolicy?.Id).sort(), Object.keys(MANAGED).sort(), "Type=managed lists exactly the five");
    assert.ok(managedOnly.every((s) => s.Type === "managed"));
    assert.equal(customOnly.length + managedOnly.length, items.length);
  });

  it("ListResponseHeadersPolicies pages with MaxItems and Marker through every policy exactly once, with and without Type", async () => {
    await create(rhp("page-me-1", custom("X-A")));
    await create(rhp("page-me-2", custom("X-B")));
    const all = (await cf().send(new ListResponseHeadersPoliciesCommand({}))).ResponseHeadersPolicyList?.Items?.map((s) => s.ResponseHeadersPolicy?.Id) ?? [];
    assert.ok(all.length >= 7);
    const seen: (string | undefined)[] = [];
    let marker: string | undefined;
    let pages = 0;
    do {
      const page = (await cf().send(new ListResponseHeadersPoliciesCommand({ MaxItems: 3, ...(marker ? { Marker: marker } : {}) }))).ResponseHeadersPolicyList ?? assert.fail("no list");
      assert.equal(page.MaxItems, 3);
      assert.equal(page.Quantity, page.Items?.length ?? 0);
      seen.push(...(page.Items ?? []).map((s) => s.ResponseHeadersPolicy?.Id));
      marker = page.NextMarker;
      if (marker) assert.equal(page.Quantity, 3, "a page with a NextMarker is full");
      assert.ok(++pages < 30, "paging does not terminate");
    } while (marker);
    assert.deepEqual(seen, all, "the pages together are the unpaged list, in order");

    const first = (await cf().send(new ListResponseHeadersPoliciesCommand({ Type: "managed", MaxItems: 2 }))).ResponseHeadersPolicyList;
    assert.equal(first?.Quantity, 2);
    const second = (await cf().send(new ListResponseHeadersPoliciesCommand({ Type: "managed", MaxItems: 10, Marker: first?.NextMarker }))).ResponseHeadersPolicyList;
    assert.equal(second?.Quantity, 3, "the rest of the five");
    assert.equal(second?.NextMarker, undefined);
  });

  it("managed policies: Get and GetConfig return their settings with one ETag; Update → IllegalUpdate, Delete → IllegalDelete", async () => {
    const got = await cf().send(new GetResponseHeadersPolicyCommand({ Id: SECURITY_HEADERS }));
    const config = got.ResponseHeadersPolicy?.ResponseHeadersPolicyConfig ?? assert.fail("no config");
    assert.equal(config.Name, "Managed-SecurityHeadersPolicy");
    assert.ok(got.ResponseHeadersPolicy?.LastModifiedTime instanceof Date);
    const sec = config.SecurityHeadersConfig ?? assert.fail("no security headers");
    assert.deepEqual(sec.ContentTypeOptions, { Override: true }, "X-Content-Type-Options overrides the origin (docs/managed-policies.md §3)");
    assert.equal(sec.FrameOptions?.FrameOption, "SAMEORIGIN");
    assert.equal(sec.FrameOptions?.Override, false);
    assert.equal(sec.ReferrerPolicy?.ReferrerPolicy, "strict-origin-when-cross-origin");
    assert.equal(sec.StrictTransportSecurity?.AccessControlMaxAgeSec, 31536000);
    assert.equal(sec.XSSProtection?.ModeBlock, true);
    assert.equal(config.CorsConfig, undefined);

    const cfg = await cf().send(new GetResponseHeadersPolicyConfigCommand({ Id: SECURITY_HEADERS }));
    assert.equal(cfg.ETag, got.ETag);
    assert.deepEqual(cfg.ResponseHeadersPolicyConfig, config);

    const preflight = (await cf().send(new GetResponseHeadersPolicyConfigCommand({ Id: CORS_WITH_PREFLIGHT }))).ResponseHeadersPolicyConfig?.CorsConfig;
    assert.deepEqual(preflight?.AccessControlAllowOrigins?.Items, ["*"]);
    assert.equal(preflight?.AccessControlAllowMethods?.Quantity, 7);
    assert.equal(preflight?.OriginOverride, false);
    const combined = (await cf().send(new GetResponseHeadersPolicyConfigCommand({ Id: CORS_PREFLIGHT_AND_SECURITY }))).ResponseHeadersPolicyConfig;
    assert.ok(combined?.CorsConfig && combined.SecurityHeadersConfig, "CORS + security combined");

    await expectServiceError(cf().send(new UpdateResponseHeadersPolicyCommand({ Id: SECURITY_HEADERS, IfMatch: got.ETag, ResponseHeadersPolicyConfig: { ...config, Comment: "mine" } })), 400, "IllegalUpdate");
    await expectServiceError(cf().send(new DeleteResponseHeadersPolicyCommand({ Id: SIMPLE_CORS, IfMatch: got.ETag })), 400, "IllegalDelete");
    assert.equal((await cf().send(new GetResponseHeadersPolicyCommand({ Id: SECURITY_HEADERS }))).ResponseHeadersPolicy?.ResponseHeadersPolicyConfig?.Comment, config.Comment);

    await expectServiceError(cf().send(new GetResponseHeadersPolicyCommand({ Id: UNKNOWN_POLICY })), 404, "NoSuchResponseHeadersPolicy");
    await expectServiceError(cf().send(new GetResponseHeadersPolicyConfigCommand({ Id: UNKNOWN_POLICY })), 404, "NoSuchResponseHeadersPolicy");
    await expectServiceError(cf().send(new DeleteResponseHeadersPolicyCommand({ Id: UNKNOWN_POLICY, IfMatch: "E1" })), 404, "NoSuchResponseHeadersPolicy");
    await expectServiceError(cf().send(new UpdateResponseHeadersPolicyCommand({ Id: UNKNOWN_POLICY, IfMatch: "E1", ResponseHeadersPolicyConfig: rhp("nobody") })), 404, "NoSuchResponseHeadersPolicy");
  });

  it("CreateResponseHeadersPolicy answers 201 with Location and ETag and a UUID Id; every section survives Get and GetConfig", async () => {
    const config = fullConfig("everything");
    const created = await create(config);
    assert.equal(created.$metadata.httpStatusCode, 201);
    const policy = created.ResponseHeadersPolicy ?? assert.fail("no policy");
    assert.match(policy.Id ?? "", UUID);
    assert.ok(created.ETag);
    assert.equal(created.Location, `${t.emu.controlUrl}/2020-05-31/response-headers-policy/${policy.Id}`);
    assert.ok(policy.LastModifiedTime instanceof Date);
    assert.deepEqual(policy.ResponseHeadersPolicyConfig, config);

    const got = await cf().send(new GetResponseHeadersPolicyCommand({ Id: policy.Id }));
    assert.equal(got.ETag, created.ETag);
    assert.deepEqual(got.ResponseHeadersPolicy?.ResponseHeadersPolicyConfig, config);
    const cfg = await cf().send(new GetResponseHeadersPolicyConfigCommand({ Id: policy.Id }));
    assert.equal(cfg.ETag, created.ETag);
    assert.deepEqual(cfg.ResponseHeadersPolicyConfig, config);

    // Defaults filled in for omitted members: Comment "", AccessControlExposeHeaders Quantity 0 (observed).
    const minimal = (await create(rhp("minimal-cors", cors()))).ResponseHeadersPolicy?.ResponseHeadersPolicyConfig;
    assert.equal(minimal?.Comment, "");
    assert.deepEqual(minimal?.CorsConfig?.AccessControlExposeHeaders, { Quantity: 0 });
    assert.equal(minimal?.CorsConfig?.AccessControlMaxAgeSec, undefined);
  });

  it("names are unique among custom and managed policies (ResponseHeadersPolicyAlreadyExists)", async () => {
    await create(rhp("taken", custom("X-1")));
    await expectServiceError(create(rhp("taken", custom("X-2"))), 409, "ResponseHeadersPolicyAlreadyExists");
    await expectServiceError(create(rhp("Managed-SimpleCORS")), 409, "ResponseHeadersPolicyAlreadyExists");
    assert.equal((await customNames()).filter((n) => n === "taken").length, 1);
  });

  it("UpdateResponseHeadersPolicy needs the current ETag: missing → InvalidIfMatchVersion, stale → PreconditionFailed; success → new ETag", async () => {
    const created = await create(rhp("updatable", custom("X-Before")));
    const id = created.ResponseHeadersPolicy?.Id ?? assert.fail("no id");
    const e1 = created.ETag ?? assert.fail("no ETag");
    const changed = rhp("updatable", { Comment: "changed", ...custom("X-After"), ServerTimingHeadersConfig: { Enabled: true, SamplingRate: 100 } });

    await expectServiceError(cf().send(new UpdateResponseHeadersPolicyCommand({ Id: id, ResponseHeadersPolicyConfig: changed })), 400, "InvalidIfMatchVersion");
    await expectServiceError(cf().send(new UpdateResponseHeadersPolicyCommand({ Id: id, IfMatch: "EWRONGETAG1234", ResponseHeadersPolicyConfig: changed })), 412, "PreconditionFailed");
    const unchanged = await cf().send(new GetResponseHeadersPolicyConfigCommand({ Id: id }));
    assert.equal(unchanged.ETag, e1);
    assert.equal(unchanged.ResponseHeadersPolicyConfig?.CustomHeadersConfig?.Items?.[0]?.Header, "X-Before", "refused updates change nothing");

    const updated = await cf().send(new UpdateResponseHeadersPolicyCommand({ Id: id, IfMatch: e1, ResponseHeadersPolicyConfig: changed }));
    assert.equal(updated.$metadata.httpStatusCode, 200);
    const e2 = updated.ETag ?? assert.fail("no ETag");
    assert.notEqual(e2, e1);
    assert.equal(updated.ResponseHeadersPolicy?.Id, id);
    assert.equal(updated.ResponseHeadersPolicy?.ResponseHeadersPolicyConfig?.Comment, "changed");
    assert.equal((await cf().send(new GetResponseHeadersPolicyCommand({ Id: id }))).ETag, e2);
    await expectServiceError(cf().send(new UpdateResponseHeadersPolicyCommand({ Id: id, IfMatch: e1, ResponseHeadersPolicyConfig: changed })), 412, "PreconditionFailed");

    // Renaming onto another policy's name (custom or managed) clashes; an invalid config is refused and changes nothing.
    await create(rhp("updatable-other"));
    await expectServiceError(cf().send(new UpdateResponseHeadersPolicyCommand({ Id: id, IfMatch: e2, ResponseHeadersPolicyConfig: { ...changed, Name: "updatable-other" } })), 409, "ResponseHeadersPolicyAlreadyExists");
    await expectServiceError(cf().send(new UpdateResponseHeadersPolicyCommand({ Id: id, IfMatch: e2, ResponseHeadersPolicyConfig: { ...changed, Name: "Managed-SecurityHeadersPolicy" } })), 409, "ResponseHeadersPolicyAlreadyExists");
    await expectServiceError(
      cf().send(new UpdateResponseHeadersPolicyCommand({ Id: id, IfMatch: e2, ResponseHeadersPolicyConfig: { ...changed, ...remove("Content-Length") } })),
      400,
      "InvalidArgument",
    );
    const after = await cf().send(new GetResponseHeadersPolicyConfigCommand({ Id: id }));
    assert.equal(after.ETag, e2);
    assert.equal(after.ResponseHeadersPolicyConfig?.RemoveHeadersConfig, undefined);
    // Keeping its own name is not a clash.
    const same = await cf().send(new UpdateResponseHeadersPolicyCommand({ Id: id, IfMatch: e2, ResponseHeadersPolicyConfig: changed }));
    assert.notEqual(same.ETag, e2);
  });

  it("DeleteResponseHeadersPolicy: If-Match required; used by a behavior → 409 ResponseHeadersPolicyInUse; after detaching → 204, then NoSuchResponseHeadersPolicy", async () => {
    const created = await create(rhp("deletable", custom("X-D")));
    const id = created.ResponseHeadersPolicy?.Id ?? assert.fail("no id");
    const etag = created.ETag ?? assert.fail("no ETag");
    const onDefault = await createDistribution(cf(), distConfig(behavior(id)));
    const onPath = await createDistribution(cf(), distConfig(behavior(), [{ ...behavior(id), PathPattern: "/api/*" }]));

    await expectServiceError(cf().send(new DeleteResponseHeadersPolicyCommand({ Id: id, IfMatch: etag })), 409, "ResponseHeadersPolicyInUse");
    await updateDistribution(cf(), onDefault, (c) => ({ ...c, DefaultCacheBehavior: behavior() }));
    await expectServiceError(cf().send(new DeleteResponseHeadersPolicyCommand({ Id: id, IfMatch: etag })), 409, "ResponseHeadersPolicyInUse");
    await updateDistribution(cf(), onPath, (c) => ({ ...c, CacheBehaviors: { Quantity: 0 } }));
    assert.equal((await cf().send(new GetResponseHeadersPolicyCommand({ Id: id }))).ETag, etag, "still there, unchanged");

    await expectServiceError(cf().send(new DeleteResponseHeadersPolicyCommand({ Id: id })), 400, "InvalidIfMatchVersion");
    await expectServiceError(cf().send(new DeleteResponseHeadersPolicyCommand({ Id: id, IfMatch: "EWRONGETAG1234" })), 412, "PreconditionFailed");
    const deleted = await cf().send(new DeleteResponseHeadersPolicyCommand({ Id: id, IfMatch: etag }));
    assert.equal(deleted.$metadata.httpStatusCode, 204);
    await expectServiceError(cf().send(new GetResponseHeadersPolicyCommand({ Id: id })), 404, "NoSuchResponseHeadersPolicy");
    await expectServiceError(cf().send(new DeleteResponseHeadersPolicyCommand({ Id: id, IfMatch: etag })), 404, "NoSuchResponseHeadersPolicy");
    assert.ok(!(await customNames()).includes("deletable"));
    await create(rhp("deletable"));
  });

  it("a distribution that references an unknown response headers policy is refused with NoSuchResponseHeadersPolicy (create and update); managed and custom ones are accepted", async () => {
    await expectServiceError(cf().send(new CreateDistributionCommand({ DistributionConfig: distConfig(behavior(UNKNOWN_POLICY)) })), 404, "NoSuchResponseHeadersPolicy");
    await expectServiceError(
      cf().send(new CreateDistributionCommand({ DistributionConfig: distConfig(behavior(), [{ ...behavior(UNKNOWN_POLICY), PathPattern: "/x/*" }]) })),
      404,
      "NoSuchResponseHeadersPolicy",
    );
    const dist = await createDistribution(cf(), distConfig(behavior(SECURITY_HEADERS)));
    await expectServiceError(updateDistribution(cf(), dist, (c) => ({ ...c, DefaultCacheBehavior: behavior(UNKNOWN_POLICY) })), 404, "NoSuchResponseHeadersPolicy");
    const kept = await cf().send(new GetDistributionConfigCommand({ Id: dist }));
    assert.equal(kept.DistributionConfig?.DefaultCacheBehavior?.ResponseHeadersPolicyId, SECURITY_HEADERS, "the refused update changed nothing");

    const mine = await create(rhp("attach-me", custom("X-Attached")));
    await updateDistribution(cf(), dist, (c) => ({ ...c, DefaultCacheBehavior: behavior(mine.ResponseHeadersPolicy?.Id) }));
    assert.equal((await cf().send(new GetDistributionConfigCommand({ Id: dist }))).DistributionConfig?.DefaultCacheBehavior?.ResponseHeadersPolicyId, mine.ResponseHeadersPolicy?.Id);

    const gone = await create(rhp("soon-gone"));
    await cf().send(new DeleteResponseHeadersPolicyCommand({ Id: gone.ResponseHeadersPolicy?.Id, IfMatch: gone.ETag }));
    await expectServiceError(cf().send(new CreateDistributionCommand({ DistributionConfig: distConfig(behavior(gone.ResponseHeadersPolicy?.Id)) })), 404, "NoSuchResponseHeadersPolicy");
  });

  it("ListDistributionsByResponseHeadersPolicyId returns the distributions whose behaviors use the policy, and pages", async () => {
    const policy = await create(rhp("listed-by", custom("X-L")));
    const id = policy.ResponseHeadersPolicy?.Id ?? assert.fail("no id");
    const unused = await create(rhp("listed-by-unused"));
    const d1 = await createDistribution(cf(), distConfig(behavior(id)));
    const d2 = await createDistribution(cf(), distConfig(behavior(CORS_AND_SECURITY), [{ ...behavior(id), PathPattern: "/p/*" }]));
    const d3 = await createDistribution(cf(), distConfig(behavior(CORS_AND_SECURITY)));

    const out = (await cf().send(new ListDistributionsByResponseHeadersPolicyIdCommand({ ResponseHeadersPolicyId: id }))).DistributionIdList ?? assert.fail("no list");
    assert.deepEqual([...(out.Items ?? [])].sort(), [d1, d2].sort());
    assert.equal(out.Quantity, 2);
    assert.equal(out.IsTruncated, false);
    assert.equal((await cf().send(new ListDistributionsByResponseHeadersPolicyIdCommand({ ResponseHeadersPolicyId: unused.ResponseHeadersPolicy?.Id }))).DistributionIdList?.Quantity, 0);
    const managed = (await cf().send(new ListDistributionsByResponseHeadersPolicyIdCommand({ ResponseHeadersPolicyId: CORS_AND_SECURITY }))).DistributionIdList?.Items ?? [];
    assert.deepEqual([...managed].sort(), [d2, d3].sort(), "a managed policy lists its distributions too");

    const first = (await cf().send(new ListDistributionsByResponseHeadersPolicyIdCommand({ ResponseHeadersPolicyId: id, MaxItems: 1 }))).DistributionIdList;
    assert.equal(first?.Quantity, 1);
    assert.equal(first?.IsTruncated, true);
    const second = (await cf().send(new ListDistributionsByResponseHeadersPolicyIdCommand({ ResponseHeadersPolicyId: id, MaxItems: 1, Marker: first?.NextMarker }))).DistributionIdList;
    assert.equal(second?.IsTruncated, false);
    assert.deepEqual([...(first?.Items ?? []), ...(second?.Items ?? [])].sort(), [d1, d2].sort());

    await expectServiceError(cf().send(new ListDistributionsByResponseHeadersPolicyIdCommand({ ResponseHeadersPolicyId: UNKNOWN_POLICY })), 404, "NoSuchResponseHeadersPolicy");
  });

  describe("validation: each invalid config is refused with CloudFront's error code and nothing is created", () => {
    const csp = (n: number) => ({ SecurityHeadersConfig: { ContentSecurityPolicy: { ContentSecurityPolicy: `default-src ${"a".repeat(n - 12)}`, Override: true } } });
    const badMethod = cors({ AccessControlAllowMethods: list(["GET", "TRACE"]) } as unknown as Partial<Cors>);
    const refused: Array<[string, Omit<ResponseHeadersPolicyConfig, "Name">, number, string, string?]> = [
      ["a Content-Security-Policy of 1,784 characters", csp(1784), 400, "TooLongCSPInResponseHeadersPolicy"],
      ["11 custom headers", custom(...numbered("X-H", 11)), 400, "TooManyCustomHeadersInResponseHeadersPolicy"],
      ["11 remove headers", remove(...numbered("X-R", 11)), 400, "TooManyRemoveHeadersInResponseHeadersPolicy"],
      ...["Content-Length", "content-encoding", "Transfer-Encoding", "Connection", "Host", "Via", "Warning", "X-Cache", "X-Amz-Cf-Pop", "X-Amz-Cf-Id", "X-Edge-Location", "X-Accel-Redirect", "X-Amzn-RequestId", "X-Forwarded-Proto", "X-Real-Ip"].map(
        (h): [string, Omit<ResponseHeadersPolicyConfig, "Name">, number, string] => [`removing ${h} (CloudFront manages it)`, remove(h), 400, "InvalidArgument"],
      ),
      ["adding Content-Length as a custom header", custom("Content-Length"), 400, "InvalidArgument"],
      ["adding X-Amz-Cf-Id as a custom header", custom("X-Amz-Cf-Id"), 400, "InvalidArgument"],
      ["a custom header name with a space", custom("Bad Header"), 400, "InvalidArgument"],
      ["a custom header value with CR LF", { CustomHeadersConfig: list([{ Header: "X-Split", Value: "a\r\nSet-Cookie: x=1", Override: true }]) }, 400, "InvalidArgument"],
      ["the same custom header twice (any case)", custom("X-Twice", "x-twice"), 400, "InvalidArgument"],
      ["the same remove header twice", remove("X-Twice", "X-TWICE"), 400, "InvalidArgument"],
      ["a custom header also set as a security header", { ...custom("X-Frame-Options"), SecurityHeadersConfig: { FrameOptions: { FrameOption: "DENY", Override: true } } }, 400, "InvalidArgument"],
      ["a custom CORS header alongside CorsConfig", { ...custom("Access-Control-Allow-Origin"), ...cors() }, 400, "InvalidArgument"],
      ["a custom Server-Timing header with Server-Timing enabled", { ...custom("Server-Timing"), ServerTimingHeadersConfig: { Enabled: true, SamplingRate: 1 } }, 400, "InvalidArgument"],
      ["X-XSS-Protection with ModeBlock and a ReportUri", { SecurityHeadersConfig: { XSSProtection: { Protection: true, ModeBlock: true, ReportUri: "https://r.example.com/", Override: true } } }, 400, "InvalidArgument"],
      ["SamplingRate above 100", { ServerTimingHeadersConfig: { Enabled: true, SamplingRate: 100.5 } }, 400, "InvalidArgument"],
      ["a negative SamplingRate", { ServerTimingHeadersConfig: { Enabled: true, SamplingRate: -1 } }, 400, "InvalidArgument"],
      ["SamplingRate with five decimals", { ServerTimingHeadersConfig: { Enabled: true, SamplingRate: 12.34567 } }, 400, "InvalidArgument"],
      ["X-Frame-Options ALLOW-FROM", { SecurityHeadersConfig: { FrameOptions: { FrameOption: "ALLOW-FROM" as "DENY", Override: true } } }, 400, "InvalidArgument"],
      ["an unknown Referrer-Policy", { SecurityHeadersConfig: { ReferrerPolicy: { ReferrerPolicy: "never" as "origin", Override: true } } }, 400, "InvalidArgument"],
      ["a negative HSTS max-age", { SecurityHeadersConfig: { StrictTransportSecurity: { AccessControlMaxAgeSec: -1, Override: true } } }, 400, "InvalidArgument"],
      ["an empty Content-Security-Policy", { SecurityHeadersConfig: { ContentSecurityPolicy: { ContentSecurityPolicy: " ", Override: true } } }, 400, "InvalidArgument"],
      ["CORS with no origins", cors({ AccessControlAllowOrigins: { Quantity: 0, Items: [] } }), 400, "InvalidArgument"],
      ["CORS with no allowed headers", cors({ AccessControlAllowHeaders: { Quantity: 0, Items: [] } }), 400, "InvalidArgument"],
      ["an origin with * as the top-level domain", cors({ AccessControlAllowOrigins: list(["https://example.*"]) }), 400, "InvalidArgument"],
      ["an origin with * right of a subdomain", cors({ AccessControlAllowOrigins: list(["https://test.*.example.org"]) }), 400, "InvalidArgument"],
      ["an origin with * inside a label", cors({ AccessControlAllowOrigins: list(["https://exa*mple.org"]) }), 400, "InvalidArgument"],
      ["a method outside the model's list", badMethod, 400, "InvalidArgument"],
      ["ALL together with other methods", cors({ AccessControlAllowMethods: list(["ALL", "GET"]) }), 400, "InvalidArgument"],
      ["Allow-Headers * with AllowCredentials", cors({ AccessControlAllowHeaders: list(["*"]), AccessControlAllowCredentials: true }), 400, "InvalidArgument"],
      ["a negative Access-Control-Max-Age", cors({ AccessControlMaxAgeSec: -5 }), 400, "InvalidArgument"],
      ["a comment of 129 characters", { Comment: "c".repeat(129) }, 400, "InvalidArgument"],
      ["a Quantity that disagrees with Items", { RemoveHeadersConfig: { Quantity: 2, Items: [{ Header: "X-One" }] } }, 400, "InconsistentQuantities"],
    ];
    let n = 0;
    for (const [what, extra, status, code] of refused) {
      it(`${what} → ${status} ${code}`, async () => {
        const name = `refused-${++n}`;
        await expectServiceError(create(rhp(name, extra)), status, code);
        assert.ok(!(await customNames()).includes(name), "nothing was created");
      });
    }

    it("an invalid name → InvalidArgument", async () => {
      await expectServiceError(create(rhp("has space")), 400, "InvalidArgument");
      await expectServiceError(create(rhp("x".repeat(129))), 400, "InvalidArgument");
    });

    const accepted: Array<[string, Omit<ResponseHeadersPolicyConfig, "Name">]> = [
      ["a Content-Security-Policy of exactly 1,783 characters", csp(1783)],
      ["10 custom headers", custom(...numbered("X-H", 10))],
      ["10 remove headers, Server and Date among them", remove(...numbered("X-R", 8), "Server", "Date")],
      ["SamplingRate 0", { ServerTimingHeadersConfig: { Enabled: true, SamplingRate: 0 } }],
      ["SamplingRate 100", { ServerTimingHeadersConfig: { Enabled: true, SamplingRate: 100 } }],
      ["SamplingRate with four decimals", { ServerTimingHeadersConfig: { Enabled: true, SamplingRate: 0.0001 } }],
      ["a header both removed and added", { ...remove("X-Frame-Options"), SecurityHeadersConfig: { FrameOptions: { FrameOption: "DENY", Override: false } } }],
      ["a custom Access-Control-Allow-Origin without CorsConfig", custom("Access-Control-Allow-Origin")],
      ["an empty custom header value", { CustomHeadersConfig: list([{ Header: "X-Empty", Value: "", Override: false }]) }],
      ["wildcard and credentialed origins", cors({ AccessControlAllowOrigins: list(["*", "https://*.example.org", "http://localhost:3000"]), AccessControlAllowCredentials: true })],
      ["ALL methods and * headers", cors({ AccessControlAllowMethods: list(["ALL"]), AccessControlAllowHeaders: list(["*"]), AccessControlExposeHeaders: list(["*"]) })],
      ["X-XSS-Protection with a ReportUri only", { SecurityHeadersConfig: { XSSProtection: { Protection: true, ReportUri: "https://r.example.com/", Override: false } } }],
    ];
    for (const [what, extra] of accepted) {
      it(`accepts ${what}`, async () => {
        const name = `accepted-${++n}`;
        const out = await create(rhp(name, extra));
        assert.equal(out.$metadata.httpStatusCode, 201);
        await cf().send(new DeleteResponseHeadersPolicyCommand({ Id: out.ResponseHeadersPolicy?.Id, IfMatch: out.ETag }));
      });
    }
  });
});

describe("response headers policy quota", () => {
  const t = useEmulator();
  it("the 21st custom policy → TooManyResponseHeadersPolicies; the managed ones do not count", async () => {
    const cf = t.cloudfront();
    try {
      for (let i = 1; i <= 20; i++) await cf.send(new CreateResponseHeadersPolicyCommand({ ResponseHeadersPolicyConfig: rhp(`quota-${i}`) }));
      await expectServiceError(cf.send(new CreateResponseHeadersPolicyCommand({ ResponseHeadersPolicyConfig: rhp("quota-21") })), 400, "TooManyResponseHeadersPolicies");
      const customOnes = (await cf.send(new ListResponseHeadersPoliciesCommand({ Type: "custom" }))).ResponseHeadersPolicyList?.Quantity;
      assert.equal(customOnes, 20);
    } finally {
      cf.destroy();
    }
  });
});

describe("response headers policy persistence", () => {
  it("a custom policy survives a restart on the same data directory, with its ETag, and stays attachable", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "minifront-rhp-data-"));
    try {
      const first = await startEmulator({ port: 0, dataDir, logLevel: "warn" });
      let id: string;
      let etag: string | undefined;
      const cf1 = cloudFrontClient(first.controlUrl);
      try {
        const created = await cf1.send(new CreateResponseHeadersPolicyCommand({ ResponseHeadersPolicyConfig: fullConfig("persisted") }));
        id = created.ResponseHeadersPolicy?.Id ?? assert.fail("no id");
        etag = created.ETag;
      } finally {
        cf1.destroy();
        await first.dispose();
      }
      const second = await startEmulator({ port: 0, dataDir, logLevel: "warn" });
      const cf2 = cloudFrontClient(second.controlUrl);
      try {
        const got = await cf2.send(new GetResponseHeadersPolicyCommand({ Id: id }));
        assert.equal(got.ETag, etag);
        assert.deepEqual(got.ResponseHeadersPolicy?.ResponseHeadersPolicyConfig, fullConfig("persisted"));
        await expectServiceError(cf2.send(new CreateResponseHeadersPolicyCommand({ ResponseHeadersPolicyConfig: rhp("persisted") })), 409, "ResponseHeadersPolicyAlreadyExists");
        await createDistribution(cf2, distConfig(behavior(id)));
      } finally {
        cf2.destroy();
        await second.dispose();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

// ---------------------------------------------------------------------------------------------
// The aws CLI

describe("aws cloudfront (CLI v1) response headers policy commands", { skip: awsCliAvailable() ? false : AWS_CLI_MISSING }, () => {
  const t = useEmulator();
  const cloudfrontCli = useCloudFrontCli(() => t.emu.controlUrl);
  const aws = cloudfrontCli.json;

  const cli = cloudfrontCli.run;

  interface CliPolicy {
    ResponseHeadersPolicy: { Id: string; ResponseHeadersPolicyConfig: ResponseHeadersPolicyConfig };
    ETag: string;
    Location?: string;
  }

  it("list --type managed, create from a file, get, update with --if-match, delete; a too-long CSP is refused", async () => {
    const managed = await aws<{ ResponseHeadersPolicyList: { Items: Array<{ Type: string; ResponseHeadersPolicy: { Id: string } }> } }>("list-response-headers-policies", "--type", "managed");
    assert.deepEqual(managed.ResponseHeadersPolicyList.Items.map((i) => i.ResponseHeadersPolicy.Id).sort(), Object.keys(MANAGED).sort());

    const file = join(cloudfrontCli.dir(), "rhp.json");
    writeFileSync(file, JSON.stringify(fullConfig("from-the-cli")));
    const created = await aws<CliPolicy>("create-response-headers-policy", "--response-headers-policy-config", `file://${file}`);
    assert.match(created.ResponseHeadersPolicy.Id, UUID);
    assert.equal(created.Location, `${t.emu.controlUrl}/2020-05-31/response-headers-policy/${created.ResponseHeadersPolicy.Id}`);
    assert.deepEqual(created.ResponseHeadersPolicy.ResponseHeadersPolicyConfig, fullConfig("from-the-cli"));

    const got = await aws<CliPolicy>("get-response-headers-policy", "--id", created.ResponseHeadersPolicy.Id);
    assert.equal(got.ETag, created.ETag);

    writeFileSync(file, JSON.stringify(rhp("from-the-cli", { Comment: "updated", ...custom("X-Cli") })));
    const stale = await cli("update-response-headers-policy", "--id", created.ResponseHeadersPolicy.Id, "--if-match", "EWRONGETAG1234", "--response-headers-policy-config", `file://${file}`);
    assert.notEqual(stale.code, 0);
    assert.match(stale.stderr, /PreconditionFailed/);
    const updated = await aws<CliPolicy>("update-response-headers-policy", "--id", created.ResponseHeadersPolicy.Id, "--if-match", got.ETag, "--response-headers-policy-config", `file://${file}`);
    assert.equal(updated.ResponseHeadersPolicy.ResponseHeadersPolicyConfig.Comment, "updated");

    const config = await aws<{ ResponseHeadersPolicyConfig: ResponseHeadersPolicyConfig; ETag: string }>("get-response-headers-policy-config", "--id", created.ResponseHeadersPolicy.Id);
    assert.equal(config.ETag, updated.ETag);
    await aws("delete-response-headers-policy", "--id", created.ResponseHeadersPolicy.Id, "--if-match", config.ETag);
    const custom_ = await aws<{ ResponseHeadersPolicyList: { Quantity: number } }>("list-response-headers-policies", "--type", "custom");
    assert.equal(custom_.ResponseHeadersPolicyList.Quantity, 0);

    writeFileSync(file, JSON.stringify(rhp("too-long", { SecurityHeadersConfig: { ContentSecurityPolicy: { ContentSecurityPolicy: "x".repeat(1784), Override: true } } })));
    const tooLong = await cli("create-response-headers-policy", "--response-headers-policy-config", `file://${file}`);
    assert.notEqual(tooLong.code, 0);
    assert.match(tooLong.stderr, /TooLongCSPInResponseHeadersPolicy/);
  });
});
