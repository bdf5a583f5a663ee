import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { classifyRequest, credentialService, hostWithoutPort } from "./classify.ts";

const sig = (service: string) => `AWS4-HMAC-SHA256 Credential=AKID/20250101/eu-central-1/${service}/aws4_request, SignedHeaders=host, Signature=abc`;
const distributions = new Set(["e123.cloudfront.localhost", "cdn.example.com"]);
const classify = (path: string, host: string, authorization?: string, query = "") =>
  classifyRequest({ path, host, authorization, rawQuery: query }, (h) => distributions.has(h));

describe("classifyRequest (one port, three kinds of traffic)", () => {
  const cases: Array<[string, string, string | undefined, string, string]> = [
    ["/_minifront/health", "localhost:4566", undefined, "", "internal"],
    ["/_localstack/health", "localhost:4566", undefined, "", "internal"],
    ["/moto-api/reset", "localhost:4566", undefined, "", "internal"],
    ["/2020-05-31/distribution", "localhost:4566", sig("cloudfront"), "", "cloudfront"],
    ["/2020-05-31/distribution", "localhost:4566", undefined, "", "cloudfront"],
    // A bucket may be called 2020-05-31: the signature decides before the path does.
    ["/2020-05-31/key.txt", "localhost:4566", sig("s3"), "", "s3"],
    ["/bucket/key", "localhost:4566", sig("s3"), "", "s3"],
    ["/bucket/key", "localhost:4566", "AWS AKID:signature", "", "s3"],
    ["/bucket/key", "localhost:4566", undefined, "X-Amz-Credential=AKID%2F20250101%2Fus-east-1%2Fs3%2Faws4_request", "s3"],
    ["/key", "bucket.s3.localhost:4566", undefined, "", "s3"],
    ["/key-value-stores/x/keys", "123456789012.localhost:4566", "AWS4-ECDSA-P256-SHA256 Credential=AKID/20250101/cloudfront-keyvaluestore/aws4_request, SignedHeaders=host, Signature=abc", "", "kvs"],
    ["/index.html", "e123.cloudfront.localhost:4566", undefined, "", "edge"],
    ["/index.html", "CDN.example.com", undefined, "", "edge"],
    // A distribution's own paths may look like API paths.
    ["/2020-05-31/distribution", "e123.cloudfront.localhost:4566", undefined, "", "edge"],
    ["/index.html", "unknown.cloudfront.localhost:4566", undefined, "", "s3"],
  ];
  for (const [path, host, auth, query, expected] of cases) {
    it(`${host}${path}${auth ? ` (${auth.split(" ")[0]})` : ""} is ${expected}`, () => {
      assert.equal(classify(path, host, auth, query), expected);
    });
  }

  it("sends a credential scope naming a registered service to it, any other to S3", () => {
    const registered = (name: string) => name === "logs";
    assert.equal(classifyRequest({ path: "/", host: "localhost:4566", authorization: sig("logs"), rawQuery: "" }, () => false, registered), "service");
    assert.equal(classifyRequest({ path: "/", host: "localhost:4566", authorization: sig("monitoring"), rawQuery: "" }, () => false, registered), "s3");
  });

  it("gives an unsigned request for a name under the distribution suffix that no distribution has to the edge's 403", () => {
    const underSuffix = (h: string) => h.endsWith(".cloudfront.localhost");
    const unsigned = (host: string, authorization?: string) => classifyRequest({ path: "/index.html", host, authorization, rawQuery: "" }, (h) => distributions.has(h), undefined, underSuffix);
    assert.equal(unsigned("unknown.cloudfront.localhost:4566"), "unknown-distribution");
    assert.equal(unsigned("e123.cloudfront.localhost:4566"), "edge");
    assert.equal(unsigned("unknown.cloudfront.localhost:4566", sig("s3")), "s3");
    assert.equal(unsigned("bucket.s3.localhost:4566"), "s3");
  });

  it("reads the service from SigV4 and SigV4A credential scopes", () => {
    assert.equal(credentialService(sig("cloudfront"), ""), "cloudfront");
    assert.equal(credentialService("AWS4-ECDSA-P256-SHA256 Credential=A/20250101/cloudfront-keyvaluestore/aws4_request", ""), "cloudfront-keyvaluestore");
    assert.equal(credentialService("Bearer token", ""), undefined);
  });

  it("strips ports from hosts, including IPv6 literals", () => {
    assert.equal(hostWithoutPort("Example.com:80"), "example.com");
    assert.equal(hostWithoutPort("[::1]:4566"), "[::1]");
    assert.equal(hostWithoutPort("localhost"), "localhost");
  });
});
