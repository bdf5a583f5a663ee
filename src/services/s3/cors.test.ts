// S3's CORS rule matching and preflight answers (cors.ts; S3 User Guide "Using cross-origin
// resource sharing (CORS)", "Troubleshooting CORS").
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { CORSRule } from "@aws-sdk/client-s3";
import { ServiceError } from "../../api/errors.ts";
import { matchCorsRule, preflight } from "./cors.ts";
import type { BucketRecord } from "./storage.ts";

const RULES: CORSRule[] = [
  { ID: "app", AllowedOrigins: ["https://*.example.com"], AllowedMethods: ["GET", "PUT"], AllowedHeaders: ["Content-Type", "x-amz-meta-*"] },
  { ID: "any", AllowedOrigins: ["*"], AllowedMethods: ["GET"] },
];
const bucket = (cors?: { CORSRules: CORSRule[] }): BucketRecord => ({ name: "b", created: 0, region: "us-east-1", config: cors ? { cors } : {} });

describe("matchCorsRule", () => {
  for (const [origin, method, headers, expected] of [
    ["https://app.example.com", "PUT", ["content-type"], "app"],
    ["https://app.example.com", "PUT", ["x-amz-meta-owner"], "app"],
    ["https://app.example.com", "PUT", ["authorization"], undefined],
    ["https://app.EXAMPLE.com", "PUT", [], undefined], // origins compare case-sensitively
    ["https://other.org", "GET", [], "any"],
    ["https://other.org", "DELETE", [], undefined],
    ["https://app.example.com", "GET", [], "app"], // the first matching rule wins
  ] as const) {
    it(`${method} from ${origin} with [${headers.join(", ")}] → ${expected ?? "no rule"}`, () => assert.equal(matchCorsRule(RULES, origin, method, headers)?.ID, expected));
  }
});

describe("preflight", () => {
  const errorOf = (fn: () => unknown) => {
    try {
      fn();
    } catch (err) {
      if (err instanceof ServiceError) return [err.code, err.statusOverride, err.details["ResourceType"]];
      throw err;
    }
    return undefined;
  };
  it("answers the rule's headers, echoing the requested headers lower-cased", () => {
    const h = preflight(bucket({ CORSRules: RULES }), true, { origin: "https://app.example.com", "access-control-request-method": "PUT", "access-control-request-headers": "Content-Type" });
    assert.equal(h["Access-Control-Allow-Origin"], "https://app.example.com");
    assert.equal(h["Access-Control-Allow-Headers"], "content-type");
    assert.equal(h["Access-Control-Allow-Credentials"], "true");
  });
  it("refuses as S3 does", () => {
    assert.deepEqual(errorOf(() => preflight(bucket({ CORSRules: RULES }), true, { "access-control-request-method": "GET" })), ["BadRequest", 400, undefined]);
    assert.deepEqual(errorOf(() => preflight(bucket({ CORSRules: RULES }), true, { origin: "https://x.org", "access-control-request-method": "PATCH" })), ["BadRequest", 400, undefined]);
    assert.deepEqual(errorOf(() => preflight(bucket(), false, { origin: "https://x.org", "access-control-request-method": "GET" })), ["AccessForbidden", 403, "BUCKET"]);
    assert.deepEqual(errorOf(() => preflight(bucket({ CORSRules: RULES }), true, { origin: "https://x.org", "access-control-request-method": "PUT" })), ["AccessForbidden", 403, "OBJECT"]);
  });
});
