// Response headers policies at the edge (docs/edge.md §11, docs/managed-policies.md §3): managed and
// custom policies created through @aws-sdk/client-cloudfront, observed on real HTTP responses
// (hits, misses, CloudFront's own errors) and with curl for the CORS preflight and security headers.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { CreateDistributionCommand, CreateResponseHeadersPolicyCommand, type CloudFrontClient, type DefaultCacheBehavior, type DistributionConfig, type Origin, type ResponseHeadersPolicyConfig } from "@aws-sdk/client-cloudfront";
import { useEmulator } from "../helpers/emulator.ts";
import { hasCurl } from "../helpers/curl.ts";
import { TestOrigin, header, sendToEdge, type ViewerRequest } from "../helpers/test-origin.ts";

const list = <T>(items: readonly T[]) => ({ Quantity: items.length, Items: [...items] });
const CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6";
const CORS_WITH_PREFLIGHT = "5cc3b908-e619-4b99-88e5-2cf7f45965bd";
const SECURITY_HEADERS = "67f7725c-6f97-4210-82d7-5512b31e9d03";
const ALL_METHODS = ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"] as const;

describe("response headers policies at the edge (docs/edge.md §11)", () => {
  const t = useEmulator({ pop: "LOC50-C1,LOC52-C2" });
  const origin = new TestOrigin();
  let cf: CloudFrontClient | undefined;
  let refs = 0;
  before(async () => {
    await origin.start();
    cf = t.cloudfront();
  });
  after(async () => {
    cf?.destroy();
    await origin.close();
  });

  async function distribution(behavior: Partial<DefaultCacheBehavior>, originExtra: Partial<Origin> = {}, extra: Partial<DistributionConfig> = {}) {
    const out = await (cf as CloudFrontClient).send(
      new CreateDistributionCommand({
        DistributionConfig: {
          CallerReference: `rhp-edge-${++refs}`,
          Comment: "",
          Enabled: true,
          Origins: list([{ Id: "o", DomainName: "127.0.0.1", CustomOriginConfig: { HTTPPort: origin.port, HTTPSPort: 443, OriginProtocolPolicy: "http-only" }, ...originExtra }]),
          DefaultCacheBehavior: { TargetOriginId: "o", ViewerProtocolPolicy: "allow-all", CachePolicyId: CACHING_OPTIMIZED, ...behavior },
          ...extra,
        },
      }),
    );
    const domain = out.Distribution?.DomainName as string;
    return { domain, host: `${domain}:${t.emu.port}`, get: (path: string, req?: ViewerRequest) => sendToEdge(t.emu.port, `${domain}:${t.emu.port}`, path, req) };
  }

  async function policy(config: Partial<ResponseHeadersPolicyConfig> & { Name: string }): Promise<string> {
    const out = await (cf as CloudFrontClient).send(new CreateResponseHeadersPolicyCommand({ ResponseHeadersPolicyConfig: config as ResponseHeadersPolicyConfig }));
    return out.ResponseHeadersPolicy?.Id as string;
  }

  it("adds CORS headers for requests with an Origin, and the preflight ones to a preflight (Managed-CORS-With-Preflight)", async () => {
    const d = await distribution({ ResponseHeadersPolicyId: CORS_WITH_PREFLIGHT, AllowedMethods: { ...list(ALL_METHODS), CachedMethods: list(["GET", "HEAD", "OPTIONS"]) } });
    const plain = await d.get("/cors/a");
    assert.equal(header(plain, "access-control-allow-origin"), undefined, "no Origin, no CORS headers");
    const simple = await d.get("/cors/a", { headers: { Origin: "https://app.example" } });
    assert.equal(header(simple, "x-cache"), "Hit from cloudfront");
    assert.equal(header(simple, "access-control-allow-origin"), "*");
    assert.equal(header(simple, "access-control-allow-methods"), undefined, "not a preflight");
    const preflight = await d.get("/cors/a", { method: "OPTIONS", headers: { Origin: "https://app.example", "Access-Control-Request-Method": "PUT" } });
    assert.equal(header(preflight, "access-control-allow-origin"), "*");
    assert.equal(header(preflight, "access-control-allow-methods"), "DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT");
  });

  it("adds security headers with their Override rules on misses, hits and CloudFront's own errors (Managed-SecurityHeadersPolicy)", async () => {
    origin.on("/sec/page", { body: "page", headers: { "Cache-Control": "max-age=60", "X-Frame-Options": "DENY", "X-Content-Type-Options": "whatever" } });
    const d = await distribution({ ResponseHeadersPolicyId: SECURITY_HEADERS });
    for (const expected of ["Miss from cloudfront", "Hit from cloudfront"]) {
      const res = await d.get("/sec/page");
      assert.equal(header(res, "x-cache"), expected);
      assert.equal(header(res, "strict-transport-security"), "max-age=31536000");
      assert.equal(header(res, "referrer-policy"), "strict-origin-when-cross-origin");
      assert.equal(header(res, "x-xss-protection"), "1; mode=block");
      assert.equal(header(res, "x-frame-options"), "DENY", "override false keeps the origin's value");
      assert.equal(header(res, "x-content-type-options"), "nosniff", "override true replaces it");
    }
    const refused = await d.get("/sec/page", { method: "DELETE" });
    assert.equal(refused.status, 403);
    assert.equal(header(refused, "strict-transport-security"), "max-age=31536000", "CloudFront's 403 carries them too");
  });

  it("removes, sets and overrides custom headers, and reports Server-Timing with the cache layer", async () => {
    origin.on("/custom/page", { body: "custom", headers: { "Cache-Control": "max-age=60", "X-Powered-By": "Express", "X-Team": "origin" } });
    const id = await policy({
      Name: "edge-custom",
      Comment: "",
      RemoveHeadersConfig: { Quantity: 1, Items: [{ Header: "X-Powered-By" }] },
      CustomHeadersConfig: {
        Quantity: 2,
        Items: [
          { Header: "X-Team", Value: "edge", Override: true },
          { Header: "X-Env", Value: "local", Override: false },
        ],
      },
      ServerTimingHeadersConfig: { Enabled: true, SamplingRate: 0 },
    });
    const d = await distribution({ ResponseHeadersPolicyId: id });
    const miss = await d.get("/custom/page", { headers: { Pragma: "server-timing" } });
    assert.equal(header(miss, "x-powered-by"), undefined);
    assert.equal(header(miss, "x-team"), "edge");
    assert.equal(header(miss, "x-env"), "local");
    assert.match(header(miss, "server-timing") ?? "", /cdn-cache-miss/);
    assert.match(header(miss, "server-timing") ?? "", /cdn-upstream-layer;desc="REC"/);
    assert.match(header(miss, "server-timing") ?? "", /cdn-pop;desc="LOC50-C1"/);
    assert.ok((header(miss, "server-timing") ?? "").includes(`cdn-rid;desc="${header(miss, "x-amz-cf-id")}"`));
    const hit = await d.get("/custom/page", { headers: { Pragma: "server-timing" } });
    assert.match(header(hit, "server-timing") ?? "", /cdn-cache-hit.*cdn-hit-layer;desc="EDGE"/);
    const otherPop = await d.get("/custom/page", { headers: { Pragma: "server-timing", "X-Minifront-Pop": "LOC52-C2" } });
    assert.match(header(otherPop, "server-timing") ?? "", /cdn-hit-layer;desc="REC"/, "the second POP is served by the regional tier");
    const unsampled = await d.get("/custom/page");
    assert.equal(header(unsampled, "server-timing"), undefined, "sampling rate 0: only on request");
    assert.equal(origin.hits("/custom/page"), 1);
  });

  it("names Origin Shield as the upstream layer when the origin has it", async () => {
    const id = await policy({ Name: "edge-timing", Comment: "", ServerTimingHeadersConfig: { Enabled: true, SamplingRate: 100 } });
    const d = await distribution({ ResponseHeadersPolicyId: id }, { OriginShield: { Enabled: true, OriginShieldRegion: "us-east-1" } });
    const miss = await d.get("/shield/page");
    assert.match(header(miss, "server-timing") ?? "", /cdn-upstream-layer;desc="Origin Shield"/);
  });

  it("shows a CORS preflight and the security headers to curl", { skip: !hasCurl() && "curl is not installed" }, async () => {
    const id = await policy({
      Name: "edge-curl",
      Comment: "",
      CorsConfig: {
        AccessControlAllowOrigins: list(["https://*.example.org"]),
        AccessControlAllowHeaders: list(["Content-Type", "X-Api-Key"]),
        AccessControlAllowMethods: list(["GET", "POST"]),
        AccessControlAllowCredentials: true,
        AccessControlMaxAgeSec: 600,
        OriginOverride: true,
      },
      SecurityHeadersConfig: {
        StrictTransportSecurity: { AccessControlMaxAgeSec: 63072000, IncludeSubdomains: true, Preload: true, Override: true },
        ContentTypeOptions: { Override: true },
        FrameOptions: { FrameOption: "DENY", Override: true },
        ContentSecurityPolicy: { ContentSecurityPolicy: "default-src 'self'", Override: true },
      },
    });
    const d = await distribution({ ResponseHeadersPolicyId: id, AllowedMethods: { ...list(ALL_METHODS), CachedMethods: list(["GET", "HEAD"]) } });
    // Asynchronous: the emulator runs in this process and must keep serving while curl waits.
    const curl = async (...args: string[]) => (await promisify(execFile)("curl", ["-s", "-i", "--resolve", `${d.domain}:${t.emu.port}:127.0.0.1`, ...args], { encoding: "utf8" })).stdout.toLowerCase();
    const preflight = await curl("-X", "OPTIONS", "-H", "Origin: https://shop.example.org", "-H", "Access-Control-Request-Method: POST", `http://${d.host}/api/items`);
    assert.match(preflight, /access-control-allow-origin: https:\/\/shop\.example\.org/);
    assert.match(preflight, /access-control-allow-methods: get, post/);
    assert.match(preflight, /access-control-allow-headers: content-type, x-api-key/);
    assert.match(preflight, /access-control-allow-credentials: true/);
    assert.match(preflight, /access-control-max-age: 600/);
    const foreign = await curl("-H", "Origin: https://evil.example.com", `http://${d.host}/api/items`);
    assert.doesNotMatch(foreign, /access-control-allow-origin/, "an origin not on the list gets no CORS headers");
    const page = await curl(`http://${d.host}/index.html`);
    assert.match(page, /strict-transport-security: max-age=63072000; includesubdomains; preload/);
    assert.match(page, /x-content-type-options: nosniff/);
    assert.match(page, /x-frame-options: deny/);
    assert.match(page, /content-security-policy: default-src 'self'/);
  });
});
