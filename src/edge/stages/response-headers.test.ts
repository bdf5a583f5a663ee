import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { ResponseHeadersPolicyConfig, ResponseHeadersPolicyCorsConfig } from "@aws-sdk/client-cloudfront";
import { MANAGED_RESPONSE_HEADERS_POLICIES } from "../../services/cloudfront/managed-policies.ts";
import {
  ALL_METHODS,
  applyResponseHeaders,
  compileResponseHeadersPolicy,
  serverTimingValue,
  type ResponseHeaders,
  type ServerTimingFacts,
  type ViewerFacts,
} from "./response-headers.ts";

const list = <T>(items: T[]) => ({ Quantity: items.length, Items: items });
const GET: ViewerFacts = { method: "GET" };
const HIT: ServerTimingFacts = { cache: "hit", pop: "LOC50-C1", requestId: "rid==", layer: "EDGE" };
const noTiming = (): ServerTimingFacts => assert.fail("timing() must not be called when no Server-Timing is added");
const noRandom = (): number => assert.fail("random() must not be called here");

/** Runs a policy over a copy of `origin` headers and returns the result. */
function run(config: Omit<ResponseHeadersPolicyConfig, "Name">, viewer: ViewerFacts, origin: ResponseHeaders = {}, timing = noTiming, random = noRandom): ResponseHeaders {
  const headers = { ...origin };
  applyResponseHeaders(compileResponseHeadersPolicy({ Name: "p", ...config }), viewer, headers, timing, random);
  return headers;
}

function cors(c: Partial<ResponseHeadersPolicyCorsConfig> & { origins: string[] }): Pick<ResponseHeadersPolicyConfig, "CorsConfig"> {
  const { origins, ...rest } = c;
  return {
    CorsConfig: {
      AccessControlAllowOrigins: list(origins),
      AccessControlAllowHeaders: list(["x-h1", "x-h2"]),
      AccessControlAllowMethods: list(["GET", "POST"]),
      AccessControlAllowCredentials: false,
      OriginOverride: false,
      ...rest,
    },
  };
}

const CORS_NAMES = ["access-control-allow-origin", "access-control-allow-credentials", "access-control-expose-headers", "access-control-allow-methods", "access-control-allow-headers", "access-control-max-age"];
const corsHeaders = (h: ResponseHeaders) => Object.fromEntries(Object.entries(h).filter(([k]) => CORS_NAMES.includes(k)));

describe("remove headers (docs/edge.md §11 step 1)", () => {
  it("removes the listed headers, case-insensitively, from the origin's response", () => {
    const out = run({ RemoveHeadersConfig: list([{ Header: "X-Powered-By" }, { Header: "vary" }]) }, GET, { "x-powered-by": "PHP", vary: "Accept", "content-type": "text/html" });
    assert.deepEqual(out, { "content-type": "text/html" });
  });
  it("removing Server makes CloudFront send Server: CloudFront; removing Date leaves it to the socket layer", () => {
    const out = run({ RemoveHeadersConfig: list([{ Header: "Server" }, { Header: "Date" }]) }, GET, { server: "nginx", date: "Mon, 01 Jan 2024 00:00:00 GMT" });
    assert.deepEqual(out, { server: "CloudFront" });
  });
  it("a header both removed and added is present with the policy's value, even without Override", () => {
    const out = run(
      {
        RemoveHeadersConfig: list([{ Header: "X-Frame-Options" }, { Header: "Server" }, { Header: "X-Custom" }]),
        SecurityHeadersConfig: { FrameOptions: { FrameOption: "DENY", Override: false } },
        CustomHeadersConfig: list([{ Header: "X-Custom", Value: "mine", Override: false }, { Header: "Server", Value: "edge", Override: false }]),
      },
      GET,
      { "x-frame-options": "SAMEORIGIN", server: "nginx", "x-custom": "origin" },
    );
    assert.deepEqual(out, { "x-frame-options": "DENY", server: "edge", "x-custom": "mine" });
  });
});

describe("CORS headers (docs/edge.md §11 step 2)", () => {
  const cases: Array<[string, ReturnType<typeof cors>, ViewerFacts, ResponseHeaders, Record<string, string>]> = [
    ["no Origin header: no CORS headers", cors({ origins: ["*"] }), GET, {}, {}],
    ["empty Origin header: no CORS headers", cors({ origins: ["*"] }), { method: "GET", origin: "" }, {}, {}],
    ["* allows any origin as *", cors({ origins: ["*"] }), { method: "GET", origin: "https://a.example" }, {}, { "access-control-allow-origin": "*" }],
    ["* wins over specific entries", cors({ origins: ["https://a.example", "*"] }), { method: "GET", origin: "https://a.example" }, {}, { "access-control-allow-origin": "*" }],
    ["a listed origin is echoed as sent", cors({ origins: ["https://b.example", "https://a.example"] }), { method: "GET", origin: "https://a.example" }, {}, { "access-control-allow-origin": "https://a.example" }],
    ["origin comparison ignores case, the echo keeps the viewer's", cors({ origins: ["https://A.example"] }), { method: "GET", origin: "https://a.EXAMPLE" }, {}, { "access-control-allow-origin": "https://a.EXAMPLE" }],
    ["an unlisted origin gets no CORS headers at all", cors({ origins: ["https://a.example"], AccessControlAllowCredentials: true }), { method: "GET", origin: "https://evil.example" }, {}, {}],
    ["a different scheme is a different origin", cors({ origins: ["https://a.example"] }), { method: "GET", origin: "http://a.example" }, {}, {}],
    ["a different port is a different origin", cors({ origins: ["https://a.example"] }), { method: "GET", origin: "https://a.example:8443" }, {}, {}],
    ["*. matches one label", cors({ origins: ["https://*.example.org"] }), { method: "GET", origin: "https://www.example.org" }, {}, { "access-control-allow-origin": "https://www.example.org" }],
    ["*. matches several labels", cors({ origins: ["https://*.example.org"] }), { method: "GET", origin: "https://a.b.example.org" }, {}, { "access-control-allow-origin": "https://a.b.example.org" }],
    ["*. does not match the apex", cors({ origins: ["https://*.example.org"] }), { method: "GET", origin: "https://example.org" }, {}, {}],
    ["*. does not match another domain ending the same way", cors({ origins: ["https://*.example.org"] }), { method: "GET", origin: "https://aexample.org" }, {}, {}],
    ["*. keeps the scheme", cors({ origins: ["https://*.example.org"] }), { method: "GET", origin: "http://www.example.org" }, {}, {}],
    ["*. does not match with a port", cors({ origins: ["https://*.example.org"] }), { method: "GET", origin: "https://www.example.org:8443" }, {}, {}],
    ["an entry without a scheme matches any scheme", cors({ origins: ["*.example.org"] }), { method: "GET", origin: "http://www.example.org" }, {}, { "access-control-allow-origin": "http://www.example.org" }],
    ["AllowCredentials adds Access-Control-Allow-Credentials: true", cors({ origins: ["https://a.example"], AccessControlAllowCredentials: true }), { method: "GET", origin: "https://a.example" }, {}, { "access-control-allow-origin": "https://a.example", "access-control-allow-credentials": "true" }],
    ["Expose-Headers on a simple CORS request, joined", cors({ origins: ["*"], AccessControlExposeHeaders: list(["x-a", "x-b"]) }), { method: "GET", origin: "https://a.example" }, {}, { "access-control-allow-origin": "*", "access-control-expose-headers": "x-a, x-b" }],
    [
      "a preflight gets Allow-Methods, Allow-Headers and Max-Age",
      cors({ origins: ["*"], AccessControlMaxAgeSec: 600 }),
      { method: "OPTIONS", origin: "https://a.example", accessControlRequestMethod: "POST" },
      {},
      { "access-control-allow-origin": "*", "access-control-allow-methods": "GET, POST", "access-control-allow-headers": "x-h1, x-h2", "access-control-max-age": "600" },
    ],
    [
      "ALL expands to every method",
      cors({ origins: ["*"], AccessControlAllowMethods: list(["ALL"]), AccessControlAllowHeaders: list(["*"]) }),
      { method: "OPTIONS", origin: "https://a.example", accessControlRequestMethod: "PUT" },
      {},
      { "access-control-allow-origin": "*", "access-control-allow-methods": ALL_METHODS, "access-control-allow-headers": "*" },
    ],
    ["OPTIONS without Access-Control-Request-Method is not a preflight", cors({ origins: ["*"], AccessControlMaxAgeSec: 600 }), { method: "OPTIONS", origin: "https://a.example" }, {}, { "access-control-allow-origin": "*" }],
    ["GET with Access-Control-Request-Method is not a preflight", cors({ origins: ["*"], AccessControlMaxAgeSec: 600 }), { method: "GET", origin: "https://a.example", accessControlRequestMethod: "GET" }, {}, { "access-control-allow-origin": "*" }],
    [
      "OriginOverride false keeps each CORS header the origin sent, and adds the others",
      cors({ origins: ["*"], AccessControlAllowCredentials: true }),
      { method: "GET", origin: "https://a.example" },
      { "access-control-allow-origin": "https://origin-chose.example" },
      { "access-control-allow-origin": "https://origin-chose.example", "access-control-allow-credentials": "true" },
    ],
    [
      "OriginOverride true replaces the origin's CORS headers",
      cors({ origins: ["*"], OriginOverride: true, AccessControlMaxAgeSec: 5 }),
      { method: "OPTIONS", origin: "https://a.example", accessControlRequestMethod: "GET" },
      { "access-control-allow-origin": "https://origin-chose.example", "access-control-max-age": "999" },
      { "access-control-allow-origin": "*", "access-control-allow-methods": "GET, POST", "access-control-allow-headers": "x-h1, x-h2", "access-control-max-age": "5" },
    ],
  ];
  for (const [name, config, viewer, origin, expected] of cases) {
    it(name, () => assert.deepEqual(corsHeaders(run(config, viewer, origin)), expected));
  }
});

describe("security headers (docs/edge.md §11 step 3)", () => {
  const cases: Array<[string, ResponseHeadersPolicyConfig["SecurityHeadersConfig"], string, string]> = [
    ["HSTS max-age only", { StrictTransportSecurity: { AccessControlMaxAgeSec: 31536000, Override: true } }, "strict-transport-security", "max-age=31536000"],
    ["HSTS with includeSubDomains", { StrictTransportSecurity: { AccessControlMaxAgeSec: 60, IncludeSubdomains: true, Override: true } }, "strict-transport-security", "max-age=60; includeSubDomains"],
    ["HSTS with includeSubDomains and preload", { StrictTransportSecurity: { AccessControlMaxAgeSec: 60, IncludeSubdomains: true, Preload: true, Override: true } }, "strict-transport-security", "max-age=60; includeSubDomains; preload"],
    ["HSTS with preload only", { StrictTransportSecurity: { AccessControlMaxAgeSec: 0, Preload: true, Override: true } }, "strict-transport-security", "max-age=0; preload"],
    ["X-XSS-Protection 1", { XSSProtection: { Protection: true, Override: true } }, "x-xss-protection", "1"],
    ["X-XSS-Protection 1; mode=block", { XSSProtection: { Protection: true, ModeBlock: true, Override: true } }, "x-xss-protection", "1; mode=block"],
    ["X-XSS-Protection 1; report=<uri>", { XSSProtection: { Protection: true, ReportUri: "https://r.example/x", Override: true } }, "x-xss-protection", "1; report=https://r.example/x"],
    ["X-XSS-Protection 0", { XSSProtection: { Protection: false, Override: true } }, "x-xss-protection", "0"],
    ["X-Content-Type-Options nosniff", { ContentTypeOptions: { Override: true } }, "x-content-type-options", "nosniff"],
    ["X-Frame-Options DENY", { FrameOptions: { FrameOption: "DENY", Override: true } }, "x-frame-options", "DENY"],
    ["Referrer-Policy", { ReferrerPolicy: { ReferrerPolicy: "no-referrer", Override: true } }, "referrer-policy", "no-referrer"],
    ["Content-Security-Policy", { ContentSecurityPolicy: { ContentSecurityPolicy: "default-src 'self'", Override: true } }, "content-security-policy", "default-src 'self'"],
  ];
  for (const [name, sec, header, value] of cases) {
    it(`${name} → ${header}: ${value}`, () => assert.equal(run({ SecurityHeadersConfig: sec }, GET)[header], value));
  }

  it("Override false keeps the origin's value; Override true replaces it; both are added when the origin sent none", () => {
    const config = { SecurityHeadersConfig: { FrameOptions: { FrameOption: "DENY" as const, Override: false }, ReferrerPolicy: { ReferrerPolicy: "origin" as const, Override: true } } };
    assert.deepEqual(run(config, GET, { "x-frame-options": "SAMEORIGIN", "referrer-policy": "unsafe-url" }), { "x-frame-options": "SAMEORIGIN", "referrer-policy": "origin" });
    assert.deepEqual(run(config, GET, {}), { "x-frame-options": "DENY", "referrer-policy": "origin" });
  });
});

describe("custom headers (docs/edge.md §11 step 4)", () => {
  it("adds each header under its lower-case name, an empty value included; Override decides against the origin's", () => {
    const config = { CustomHeadersConfig: list([{ Header: "Cache-Control", Value: "max-age=60", Override: true }, { Header: "X-Empty", Value: "", Override: false }, { Header: "X-Kept", Value: "policy", Override: false }]) };
    assert.deepEqual(run(config, GET, { "cache-control": "no-store", "x-kept": "origin" }), { "cache-control": "max-age=60", "x-empty": "", "x-kept": "origin" });
  });
});

describe("Server-Timing (docs/edge.md §11 step 5)", () => {
  const enabled = (rate: number) => ({ ServerTimingHeadersConfig: { Enabled: true, SamplingRate: rate } });
  const pragma: ViewerFacts = { method: "GET", pragma: "no-cache, Server-Timing" };

  it("the metrics of a hit, in the order AWS shows them", () => {
    assert.equal(serverTimingValue({ ...HIT, layer: "REC", downstreamFirstByteMs: 137 }, undefined), 'cdn-cache-hit,cdn-pop;desc="LOC50-C1",cdn-rid;desc="rid==",cdn-hit-layer;desc="REC",cdn-downstream-fbl;dur=137');
  });
  it("the metrics of a miss, with the origin's value between CloudFront's upstream metrics and the rest", () => {
    const miss: ServerTimingFacts = { cache: "miss", pop: "PHX50-C2", requestId: "r", layer: "EDGE", upstreamDnsMs: 0, upstreamConnectMs: 114.4, upstreamFirstByteMs: 177, downstreamFirstByteMs: 436 };
    assert.equal(
      serverTimingValue(miss, undefined),
      'cdn-upstream-layer;desc="EDGE",cdn-upstream-dns;dur=0,cdn-upstream-connect;dur=114,cdn-upstream-fbl;dur=177,cdn-cache-miss,cdn-pop;desc="PHX50-C2",cdn-rid;desc="r",cdn-downstream-fbl;dur=436',
    );
    assert.equal(serverTimingValue({ ...miss, upstreamDnsMs: undefined, upstreamConnectMs: undefined }, "db;dur=53"), 'cdn-upstream-layer;desc="EDGE",cdn-upstream-fbl;dur=177,db;dur=53,cdn-cache-miss,cdn-pop;desc="PHX50-C2",cdn-rid;desc="r",cdn-downstream-fbl;dur=436');
  });
  it("a refresh reports cdn-cache-refresh with the upstream timings and no layer", () => {
    assert.equal(serverTimingValue({ cache: "refresh", pop: "P", requestId: "r", layer: "EDGE", upstreamFirstByteMs: 3 }, undefined), 'cdn-upstream-fbl;dur=3,cdn-cache-refresh,cdn-pop;desc="P",cdn-rid;desc="r"');
  });

  const sampling: Array<[string, number, number | undefined, ViewerFacts, boolean]> = [
    ["rate 100 always", 100, 0.999999, GET, true],
    ["rate 50, draw 0.49 → sampled", 50, 0.49, GET, true],
    ["rate 50, draw 0.5 → not sampled", 50, 0.5, GET, false],
    ["rate 12.3456, draw 0.123455 → sampled", 12.3456, 0.123455, GET, true],
    ["rate 12.3456, draw 0.123456 → not sampled", 12.3456, 0.123456, GET, false],
    ["rate 0 never samples (and does not draw)", 0, undefined, GET, false],
    ["rate 0 with Pragma: server-timing", 0, undefined, pragma, true],
    ["Pragma token match is exact", 0, undefined, { method: "GET", pragma: "server-timings" }, false],
  ];
  for (const [name, rate, draw, viewer, expected] of sampling) {
    it(name, () => {
      const out = run(enabled(rate), viewer, {}, () => HIT, draw === undefined ? noRandom : () => draw);
      assert.equal(out["server-timing"] !== undefined, expected);
    });
  }

  it("disabled: nothing added, the origin's header left alone, neither timing nor random consulted", () => {
    assert.deepEqual(run({ ServerTimingHeadersConfig: { Enabled: false, SamplingRate: 100 } }, pragma, { "server-timing": "db;dur=1" }), { "server-timing": "db;dur=1" });
  });
  it("on a miss the origin's Server-Timing (one or several values) is merged into one header", () => {
    const out = run(enabled(100), GET, { "server-timing": ["db;dur=1", "app;dur=2"] }, () => ({ cache: "miss", pop: "P", requestId: "r", layer: "EDGE" }), () => 0);
    assert.equal(out["server-timing"], 'cdn-upstream-layer;desc="EDGE",db;dur=1,app;dur=2,cdn-cache-miss,cdn-pop;desc="P",cdn-rid;desc="r"');
  });
  it("on a hit only CloudFront's metrics are sent (the cached origin value is dropped)", () => {
    const out = run(enabled(100), GET, { "server-timing": "db;dur=1" }, () => HIT, () => 0);
    assert.equal(out["server-timing"], 'cdn-cache-hit,cdn-pop;desc="LOC50-C1",cdn-rid;desc="rid==",cdn-hit-layer;desc="EDGE"');
  });
  it("a response that is not sampled keeps the origin's Server-Timing as it was", () => {
    assert.deepEqual(run(enabled(10), GET, { "server-timing": "db;dur=1" }, noTiming, () => 0.5), { "server-timing": "db;dur=1" });
  });
});

describe("managed response headers policies at the edge (docs/managed-policies.md §3)", () => {
  const managed = (id: string) => MANAGED_RESPONSE_HEADERS_POLICIES.get(id) ?? assert.fail(`managed policy ${id} missing`);
  const apply = (id: string, viewer: ViewerFacts, origin: ResponseHeaders = {}) => {
    const headers = { ...origin };
    applyResponseHeaders(compileResponseHeadersPolicy(managed(id)), viewer, headers, noTiming, noRandom);
    return headers;
  };
  const corsRequest: ViewerFacts = { method: "GET", origin: "https://a.example" };
  const preflight: ViewerFacts = { method: "OPTIONS", origin: "https://a.example", accessControlRequestMethod: "PUT" };

  it("SimpleCORS: Access-Control-Allow-Origin * for CORS requests, the origin's own value kept", () => {
    assert.deepEqual(apply("60669652-455b-4ae9-85a4-c4c02393f86c", corsRequest), { "access-control-allow-origin": "*" });
    assert.deepEqual(apply("60669652-455b-4ae9-85a4-c4c02393f86c", GET), {});
    assert.deepEqual(apply("60669652-455b-4ae9-85a4-c4c02393f86c", corsRequest, { "access-control-allow-origin": "https://x" }), { "access-control-allow-origin": "https://x" });
  });
  it("CORS-With-Preflight: a preflight gets the seven methods", () => {
    const out = apply("5cc3b908-e619-4b99-88e5-2cf7f45965bd", preflight);
    assert.equal(out["access-control-allow-origin"], "*");
    assert.equal(out["access-control-allow-methods"], "DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT");
    assert.equal(out["access-control-allow-headers"], "*");
    assert.equal(out["access-control-expose-headers"], "*");
    assert.equal(out["access-control-max-age"], undefined);
  });
  it("SecurityHeadersPolicy: X-Content-Type-Options always nosniff; the other four yield to the origin", () => {
    const id = "67f7725c-6f97-4210-82d7-5512b31e9d03";
    assert.deepEqual(apply(id, GET), {
      "referrer-policy": "strict-origin-when-cross-origin",
      "strict-transport-security": "max-age=31536000",
      "x-content-type-options": "nosniff",
      "x-frame-options": "SAMEORIGIN",
      "x-xss-protection": "1; mode=block",
    });
    const origin = { "referrer-policy": "no-referrer", "strict-transport-security": "max-age=1", "x-content-type-options": "other", "x-frame-options": "DENY", "x-xss-protection": "0" };
    assert.deepEqual(apply(id, GET, origin), { ...origin, "x-content-type-options": "nosniff" });
  });
  it("CORS-and-SecurityHeadersPolicy combines both", () => {
    const out = apply("e61eb60c-9c35-4d20-a928-2b84e02af89c", corsRequest);
    assert.equal(out["access-control-allow-origin"], "*");
    assert.equal(out["x-content-type-options"], "nosniff");
  });
});
