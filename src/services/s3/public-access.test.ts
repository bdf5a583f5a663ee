// When S3 calls a bucket policy public (public-access.ts; "The meaning of 'public'" in the S3 User
// Guide "Blocking public access to your Amazon S3 storage").
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { isPublicPolicy } from "./public-access.ts";

const doc = (statement: Record<string, unknown>) => JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/*", ...statement }] });

describe("isPublicPolicy", () => {
  for (const [what, statement, expected] of [
    ["Principal * without a condition", { Principal: "*" }, true],
    ['{"AWS": "*"}', { Principal: { AWS: "*" } }, true],
    ["an account principal", { Principal: { AWS: "arn:aws:iam::111122223333:root" } }, false],
    ["the CloudFront service principal (OAC)", { Principal: { Service: "cloudfront.amazonaws.com" } }, false],
    ["an OAI's canonical user", { Principal: { CanonicalUser: "c".repeat(64) } }, false],
    ["NotPrincipal", { NotPrincipal: { AWS: "arn:aws:iam::111122223333:root" } }, true],
    ["* limited to a fixed aws:SourceArn", { Principal: "*", Condition: { StringEquals: { "AWS:SourceArn": "arn:aws:cloudfront::111122223333:distribution/E1" } } }, false],
    ["* limited to a wildcard aws:SourceArn", { Principal: "*", Condition: { StringLike: { "aws:SourceArn": "arn:aws:cloudfront::*" } } }, true],
    ["* limited to a CIDR", { Principal: "*", Condition: { IpAddress: { "aws:SourceIp": "192.0.2.0/24" } } }, false],
    ["* limited to every address", { Principal: "*", Condition: { IpAddress: { "aws:SourceIp": "0.0.0.0/0" } } }, true],
    ["* with a negated condition only", { Principal: "*", Condition: { StringNotEquals: { "aws:SourceAccount": "111122223333" } } }, true],
    ["* with a condition on a key that does not limit who", { Principal: "*", Condition: { Bool: { "aws:SecureTransport": "true" } } }, true],
    ["a Deny for everybody", { Effect: "Deny", Principal: "*" }, false],
  ] as const) {
    it(`${what}: ${expected ? "public" : "not public"}`, () => assert.equal(isPublicPolicy(doc(statement)), expected));
  }
  it("a document that is not JSON grants nothing, so it is not public", () => assert.equal(isPublicPolicy("{"), false));
});
