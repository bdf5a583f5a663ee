import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parseS3OriginDomain, resolveS3Origin } from "./origin-address.ts";

describe("parseS3OriginDomain (issue 3, docs/edge.md §7.4)", () => {
  const cases: Array<[string, ReturnType<typeof parseS3OriginDomain>]> = [
    ["my-bucket.s3.amazonaws.com", { kind: "rest", bucket: "my-bucket" }],
    ["my.dotted.bucket.s3.eu-west-1.amazonaws.com", { kind: "rest", bucket: "my.dotted.bucket" }],
    ["old-style.s3-eu-west-1.amazonaws.com", { kind: "rest", bucket: "old-style" }],
    ["my-cloudfront-bucket.s3.localhost.localstack.cloud", { kind: "rest", bucket: "my-cloudfront-bucket" }],
    ["local.s3.localhost", { kind: "rest", bucket: "local" }],
    ["site.s3-website-us-east-1.amazonaws.com", { kind: "website", bucket: "site" }],
    ["site.s3-website.eu-central-1.amazonaws.com", { kind: "website", bucket: "site" }],
    ["site.s3-website.localhost", { kind: "website", bucket: "site" }],
    ["site.s3-website.localhost.localstack.cloud", { kind: "website", bucket: "site" }],
    ["example.com", undefined],
    ["api.localhost", undefined],
    ["s3.amazonaws.com", undefined],
  ];
  for (const [domain, expected] of cases) {
    it(`${domain} → ${expected ? `${expected.kind} ${expected.bucket}` : "not S3"}`, () => {
      assert.deepEqual(parseS3OriginDomain(domain), expected);
    });
  }
});

describe("resolveS3Origin", () => {
  const embedded = { hostname: "127.0.0.1", port: 4566 };
  it("sends REST origins path-style to the embedded S3 by default", () => {
    assert.deepEqual(resolveS3Origin({ kind: "rest", bucket: "b" }, { embedded, external: undefined }), {
      protocol: "http:",
      hostname: "127.0.0.1",
      port: 4566,
      pathPrefix: "/b",
      hostHeader: "127.0.0.1:4566",
    });
  });
  it("sends everything to --s3-endpoint when set", () => {
    const external = new URL("https://minio.local:9000");
    assert.deepEqual(resolveS3Origin({ kind: "rest", bucket: "b" }, { embedded, external }), {
      protocol: "https:",
      hostname: "minio.local",
      port: 9000,
      pathPrefix: "/b",
      hostHeader: "minio.local:9000",
    });
    assert.equal(resolveS3Origin({ kind: "website", bucket: "b" }, { embedded, external }).hostHeader, "b.s3-website.localhost.localstack.cloud:9000");
  });
});
