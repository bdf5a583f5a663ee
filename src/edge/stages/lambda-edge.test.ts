// Lambda@Edge events and answers as pure data (docs/functions.md §7; CloudFront Developer Guide,
// "Lambda@Edge event structure", "Restrictions on edge functions", "Quotas on Lambda@Edge").
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { CompiledOrigin } from "../compile.ts";
import { canonicalKey, cfOrigin, cfRequest, cfResponse, lambdaEvent, toCfHeaders, type LambdaRequestFacts } from "./lambda-edge-event.ts";
import { invocationFailure, readRequestResult, readResponseResult } from "./lambda-edge-result.ts";
import { originFromLambda } from "./lambda-edge-origin.ts";

const FACTS: LambdaRequestFacts = {
  distributionId: "EDFDVBD6EXAMPLE",
  distributionDomainName: "d111111abcdef8.cloudfront.net",
  requestId: "req-1",
  clientIp: "203.0.113.178",
  method: "GET",
  uri: "/index.html",
  querystring: "a=1",
  headers: { host: "d111111abcdef8.cloudfront.net", "user-agent": "curl/8", "x-forwarded-proto": "https", connection: "keep-alive", "x-amz-cf-id": "abc" },
};

const ORIGIN: CompiledOrigin = {
  id: "app",
  protocol: "http:",
  hostname: "example.org",
  port: 8080,
  httpsPort: 443,
  pathPrefix: "/base",
  hostHeader: "example.org:8080",
  customHeaders: [["X-Secret", "s3cr3t"]],
  connectionTimeoutMs: 10_000,
  readTimeoutMs: 30_000,
  connectionAttempts: 3,
  isS3: false,
  originShield: false,
  access: undefined,
  domainName: "example.org",
};
const S3 = { embedded: { hostname: "127.0.0.1", port: 4566 }, external: undefined };

describe("Lambda@Edge events", () => {
  it("builds Records[0].cf with config and request, hiding disallowed headers", () => {
    const request = cfRequest("viewer-request", FACTS);
    const event = lambdaEvent("viewer-request", FACTS, request);
    assert.deepEqual(event.Records[0].cf.config, { distributionDomainName: "d111111abcdef8.cloudfront.net", distributionId: "EDFDVBD6EXAMPLE", eventType: "viewer-request", requestId: "req-1" });
    assert.deepEqual(request.headers, { host: [{ key: "Host", value: "d111111abcdef8.cloudfront.net" }], "user-agent": [{ key: "User-Agent", value: "curl/8" }] });
    assert.equal(request.querystring, "a=1");
    assert.equal(request.body, undefined);
    assert.equal(request.origin, undefined);
  });


  for (const [name, key] of [["x-custom-header", "X-Custom-Header"], ["content-type", "Content-Type"], ["etag", "Etag"]] as const) {
    it(`names ${name} ${key} when no key is given`, () => assert.equal(canonicalKey(name), key));
  }

  it("shows the body base64 with IncludeBody, truncated to 40 KB in viewer events and 1 MB in origin events", () => {
    const small = cfRequest("viewer-request", FACTS, { body: Buffer.from("hello") });
    assert.deepEqual(small.body, { inputTruncated: false, action: "read-only", encoding: "base64", data: Buffer.from("hello").toString("base64") });
    const big = Buffer.alloc(50 * 1024, 97);
    const viewer = cfRequest("viewer-request", FACTS, { body: big });
    assert.equal(viewer.body?.inputTruncated, true);
    assert.equal(Buffer.from(viewer.body?.data ?? "", "base64").length, 40 * 1024);
    assert.equal(cfRequest("origin-request", FACTS, { body: big }).body?.inputTruncated, false);
  });

  it("shows a custom origin's block and an S3 origin's block", () => {
    assert.deepEqual(cfOrigin(ORIGIN, "/base", "https"), {
      custom: { customHeaders: { "x-secret": [{ key: "X-Secret", value: "s3cr3t" }] }, domainName: "example.org", keepaliveTimeout: 5, path: "/base", port: 8080, protocol: "http", readTimeout: 30, sslProtocols: ["TLSv1.2"] },
    });
    const s3 = cfOrigin({ ...ORIGIN, isS3: true, customHeaders: [], domainName: "media.s3.eu-west-1.amazonaws.com" }, "", "https");
    assert.deepEqual(s3, { s3: { authMethod: "none", customHeaders: {}, domainName: "media.s3.eu-west-1.amazonaws.com", path: "", region: "eu-west-1" } });
  });

  it("shows the response status as a string", () => {
    assert.deepEqual(cfResponse(404, "Not Found", { "content-type": "text/plain" }), { status: "404", statusDescription: "Not Found", headers: { "content-type": [{ key: "Content-Type", value: "text/plain" }] } });
  });

  it("keeps several values of a header as several entries", () => {
    assert.deepEqual(toCfHeaders({ "set-cookie": ["a=1", "b=2"] }), { "set-cookie": [{ key: "Set-Cookie", value: "a=1" }, { key: "Set-Cookie", value: "b=2" }] });
  });
});

describe("Lambda@Edge answers to request events", () => {
  const original = cfRequest("viewer-request", FACTS);
  const answer = (change: (r: Record<string, unknown>) => void) => {
    const r = structuredClone(original) as unknown as Record<string, unknown>;
    change(r);
    return JSON.stringify(r);
  };

  it("takes a changed uri, querystring and headers", () => {
    const out = readRequestResult("viewer-request", answer((r) => {
      r["uri"] = "/other.html";
      r["querystring"] = "b=2";
      (r["headers"] as Record<string, unknown>)["x-added"] = [{ key: "X-Added", value: "yes" }];
    }), original);
    assert.equal(out.kind, "request");
    if (out.kind !== "request") return;
    assert.equal(out.uri, "/other.html");
    assert.equal(out.querystring, "b=2");
    assert.equal(out.headers["x-added"], "yes");
    assert.equal(out.headers["host"], "d111111abcdef8.cloudfront.net");
  });

  it("takes a generated response with a string status, base64 body and headers", () => {
    const out = readRequestResult("viewer-request", JSON.stringify({ status: "302", statusDescription: "Found", headers: { location: [{ key: "Location", value: "https://example.com/" }] }, body: Buffer.from("moved").toString("base64"), bodyEncoding: "base64" }), original);
    assert.deepEqual(out, { kind: "generated", status: 302, statusDescription: "Found", headers: { location: "https://example.com/" }, body: Buffer.from("moved") });
  });

  const invalid: Array<[string, string]> = [
    ["changes a read-only header (Host)", answer((r) => ((r["headers"] as Record<string, unknown>)["host"] = [{ key: "Host", value: "evil.example" }]))],
    ["adds a disallowed header", answer((r) => ((r["headers"] as Record<string, unknown>)["x-cache"] = [{ key: "X-Cache", value: "Hit" }]))],
    ["changes the method", answer((r) => (r["method"] = "POST"))],
    ["returns a uri without a leading slash", answer((r) => (r["uri"] = "index.html"))],
    ["returns a header entry whose key names another header", answer((r) => ((r["headers"] as Record<string, unknown>)["x-a"] = [{ key: "X-B", value: "1" }]))],
    ["returns a status outside 200-599", JSON.stringify({ status: "700" })],
    ["returns invalid base64", JSON.stringify({ status: "200", body: "***", bodyEncoding: "base64" })],
    ["returns a generated response over 40 KB", JSON.stringify({ status: "200", body: "x".repeat(41 * 1024) })],
    ["returns nothing", "null"],
  ];
  for (const [what, payload] of invalid) {
    it(`fails validation (502) when the function ${what}`, () => {
      const out = readRequestResult("viewer-request", payload, original);
      assert.equal(out.kind, "failed");
      if (out.kind === "failed") {
        assert.equal(out.status, 502);
        assert.equal(out.xCache, "LambdaValidationError from cloudfront");
      }
    });
  }

  it("allows a 1 MB generated response at origin-request, and Host changes there", () => {
    const originRequest = cfRequest("origin-request", FACTS, { origin: cfOrigin(ORIGIN, "", "http") });
    assert.equal(readRequestResult("origin-request", JSON.stringify({ status: "200", body: "x".repeat(41 * 1024) }), originRequest).kind, "generated");
    const r = structuredClone(originRequest);
    r.headers["host"] = [{ key: "Host", value: "other.example" }];
    const out = readRequestResult("origin-request", JSON.stringify(r), originRequest);
    assert.equal(out.kind === "request" && out.headers["host"], "other.example");
  });

  it("replaces the body with action replace", () => {
    const r = structuredClone(cfRequest("viewer-request", FACTS, { body: Buffer.from("in") }));
    r.body = { inputTruncated: false, action: "replace", encoding: "text", data: "out" };
    const out = readRequestResult("viewer-request", JSON.stringify(r), original);
    assert.deepEqual(out.kind === "request" && out.body, Buffer.from("out"));
  });

  it("reads an origin change and turns it into the origin to ask", () => {
    const originRequest = cfRequest("origin-request", FACTS, { origin: cfOrigin(ORIGIN, "", "http") });
    const r = structuredClone(originRequest);
    r.origin = { custom: { customHeaders: {}, domainName: "127.0.0.1", keepaliveTimeout: 5, path: "/v2", port: 9000, protocol: "http", readTimeout: 10, sslProtocols: ["TLSv1.2"] } };
    const out = readRequestResult("origin-request", JSON.stringify(r), originRequest);
    assert.ok(out.kind === "request" && out.origin);
    const target = originFromLambda(out.origin, ORIGIN, S3);
    assert.ok(typeof target !== "string");
    assert.equal(target.hostname, "127.0.0.1");
    assert.equal(target.port, 9000);
    assert.equal(target.pathPrefix, "/v2");
    assert.equal(target.readTimeoutMs, 10_000);
    const s3 = originFromLambda({ s3: { authMethod: "none", customHeaders: {}, domainName: "assets.s3.us-east-1.amazonaws.com", path: "", region: "us-east-1" } }, ORIGIN, S3);
    assert.ok(typeof s3 !== "string" && s3.isS3 && s3.pathPrefix === "/assets" && s3.port === 4566);
  });

  it("refuses an origin with a bad port or protocol", () => {
    const originRequest = cfRequest("origin-request", FACTS, { origin: cfOrigin(ORIGIN, "", "http") });
    for (const custom of [{ domainName: "a.example", protocol: "ftp", port: 80 }, { domainName: "a.example", protocol: "http", port: 81 }]) {
      const out = readRequestResult("origin-request", JSON.stringify({ ...originRequest, origin: { custom } }), originRequest);
      assert.equal(out.kind, "failed");
    }
  });
});

describe("Lambda@Edge answers to response events", () => {
  const original = cfResponse(200, "OK", { "content-type": "text/html", via: "1.1 x.cloudfront.net (CloudFront)" });

  it("takes a changed status and headers at origin-response, and a replaced body", () => {
    const r = structuredClone(original);
    r.status = "404";
    r.headers["x-from-lambda"] = [{ key: "X-From-Lambda", value: "1" }];
    const out = readResponseResult("origin-response", JSON.stringify({ ...r, body: "gone" }), original);
    assert.deepEqual(out, { kind: "response", status: 404, headers: { "content-type": "text/html", via: "1.1 x.cloudfront.net (CloudFront)", "x-from-lambda": "1" }, body: Buffer.from("gone") });
  });

  it("keeps the status at viewer-response (it cannot be changed there)", () => {
    const out = readResponseResult("viewer-response", JSON.stringify({ ...original, status: "500" }), original);
    assert.equal(out.kind === "response" && out.status, 200);
  });

  it("fails validation when Via is changed", () => {
    const out = readResponseResult("viewer-response", JSON.stringify({ ...original, headers: { "content-type": original.headers["content-type"] } }), original);
    assert.equal(out.kind, "failed");
  });
});

describe("failed invocations", () => {
  it("answers an error 500 LambdaExecutionError, a timeout 503 LambdaLimitExceeded", () => {
    assert.deepEqual(
      { ...invocationFailure({ requestId: "r", logs: [], functionError: "Unhandled", payload: '{"errorType":"Error","errorMessage":"boom"}' }), message: "" },
      { kind: "failed", status: 500, xCache: "LambdaExecutionError from cloudfront", message: "" },
    );
    assert.equal(invocationFailure({ requestId: "r", logs: [], functionError: "Unhandled", payload: '{"errorType":"Sandbox.Timedout","errorMessage":"Task timed out"}' })?.status, 503);
    assert.equal(invocationFailure({ requestId: "r", logs: [], payload: "{}" }), undefined);
  });
});
