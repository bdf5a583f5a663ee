// Bucket policy evaluation (IAM "Policy evaluation logic", "IAM JSON policy elements: Condition
// operators"), driven by the policies AWS's CloudFront and S3 guides tell people to use.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  BucketPolicyError,
  evaluateBucketPolicy,
  originAccessIdentityPrincipalArn,
  parseBucketPolicy,
  s3BucketArn,
  s3ObjectArn,
  type PolicyPrincipal,
  type PolicyRequest,
} from "./bucket-policy.ts";

const ACCOUNT = "111122223333";
const DIST = `arn:aws:cloudfront::${ACCOUNT}:distribution/EDFDVBD6EXAMPLE`;
const OTHER_DIST = `arn:aws:cloudfront::${ACCOUNT}:distribution/E2OTHERDISTRIB`;
const FOREIGN_DIST = "arn:aws:cloudfront::444455556666:distribution/EDFDVBD6EXAMPLE";
const OAI_ID = "EH1HDMB1FH2TC";
const OAI_CANONICAL = "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be";

const cloudfront: PolicyPrincipal = { type: "service", service: "cloudfront.amazonaws.com" };
const anonymous: PolicyPrincipal = { type: "anonymous" };
const oai: PolicyPrincipal = { type: "oai", id: OAI_ID, canonicalUserId: OAI_CANONICAL };
const otherOai: PolicyPrincipal = { type: "oai", id: "E3OTHEROAI0000", canonicalUserId: "0".repeat(64) };
const alice: PolicyPrincipal = { type: "aws", arn: `arn:aws:iam::${ACCOUNT}:user/alice` };
const mallory: PolicyPrincipal = { type: "aws", arn: "arn:aws:iam::444455556666:user/mallory" };

const get = (principal: PolicyPrincipal, key = "index.html", context: PolicyRequest["context"] = {}): PolicyRequest => ({
  principal,
  action: "s3:GetObject",
  resource: s3ObjectArn("amzn-s3-demo-bucket", key),
  context,
});
const put = (principal: PolicyPrincipal, context: PolicyRequest["context"] = {}): PolicyRequest => ({ ...get(principal, "upload.bin", context), action: "s3:PutObject" });
const fromDist = (arn: string) => ({ "aws:SourceArn": arn, "aws:SourceAccount": arn.split(":")[4] });

type Case = [string, PolicyRequest, "Allow" | "ExplicitDeny" | "ImplicitDeny"];

function table(policy: object | string, cases: Case[]): void {
  const text = typeof policy === "string" ? policy : JSON.stringify(policy);
  for (const [what, request, expected] of cases) {
    it(what, () => assert.equal(evaluateBucketPolicy(text, request).decision, expected));
  }
}

describe("the OAC policy from the CloudFront guide (CloudFront guide “Restrict access to an Amazon S3 origin”)", () => {
  table(
    {
      Version: "2012-10-17",
      Statement: {
        Sid: "AllowCloudFrontServicePrincipalReadOnly",
        Effect: "Allow",
        Principal: { Service: "cloudfront.amazonaws.com" },
        Action: "s3:GetObject",
        Resource: "arn:aws:s3:::amzn-s3-demo-bucket/*",
        Condition: { StringEquals: { "AWS:SourceArn": DIST } },
      },
    },
    [
      ["lets the named distribution read", get(cloudfront, "index.html", fromDist(DIST)), "Allow"],
      ["lets it read nested keys", get(cloudfront, "a/b/c.css", fromDist(DIST)), "Allow"],
      ["keeps another distribution of the same account out", get(cloudfront, "index.html", fromDist(OTHER_DIST)), "ImplicitDeny"],
      ["keeps CloudFront without a SourceArn out", get(cloudfront, "index.html"), "ImplicitDeny"],
      ["keeps an anonymous request out (direct S3 access)", get(anonymous, "index.html", fromDist(DIST)), "ImplicitDeny"],
      ["keeps an IAM user out", get(alice), "ImplicitDeny"],
      ["does not allow writes", put(cloudfront, fromDist(DIST)), "ImplicitDeny"],
      ["does not allow another bucket", { ...get(cloudfront, "x", fromDist(DIST)), resource: s3ObjectArn("other-bucket", "x") }, "ImplicitDeny"],
      ["does not allow bucket actions (the Resource is objects only)", { ...get(cloudfront, "", fromDist(DIST)), action: "s3:ListBucket", resource: s3BucketArn("amzn-s3-demo-bucket") }, "ImplicitDeny"],
      ["matches the condition key in any case (aws:sourcearn)", get(cloudfront, "index.html", { "aws:sourcearn": DIST }), "Allow"],
      ["matches the service name case-insensitively, values case-sensitively", get({ type: "service", service: "CloudFront.amazonaws.com" }, "i", { "aws:SourceArn": DIST.toLowerCase() }), "ImplicitDeny"],
      ["keeps another service out", get({ type: "service", service: "lambda.amazonaws.com" }, "i", fromDist(DIST)), "ImplicitDeny"],
    ],
  );
});

describe("the console's read/write OAC policy (Version 2008-10-17, Statement list, Action list)", () => {
  table(
    `{
      "Version": "2008-10-17",
      "Id": "PolicyForCloudFrontPrivateContent",
      "Statement": [
        {
          "Sid": "AllowCloudFrontServicePrincipal",
          "Effect": "Allow",
          "Principal": { "Service": "cloudfront.amazonaws.com" },
          "Action": ["s3:GetObject", "s3:PutObject"],
          "Resource": "arn:aws:s3:::amzn-s3-demo-bucket/*",
          "Condition": { "StringEquals": { "AWS:SourceArn": "${DIST}" } }
        }
      ]
    }`,
    [
      ["reads", get(cloudfront, "a.txt", fromDist(DIST)), "Allow"],
      ["writes", put(cloudfront, fromDist(DIST)), "Allow"],
      ["action names are case-insensitive", { ...get(cloudfront, "a.txt", fromDist(DIST)), action: "S3:getobject" }, "Allow"],
      ["no delete", { ...get(cloudfront, "a.txt", fromDist(DIST)), action: "s3:DeleteObject" }, "ImplicitDeny"],
    ],
  );
});

describe("ArnLike with a wildcard distribution and a SourceAccount condition (confused-deputy guidance)", () => {
  table(
    {
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { Service: "cloudfront.amazonaws.com" },
          Action: "s3:Get*",
          Resource: ["arn:aws:s3:::amzn-s3-demo-bucket/public/*", "arn:aws:s3:::amzn-s3-demo-bucket/assets/??/*"],
          Condition: { ArnLike: { "AWS:SourceArn": `arn:aws:cloudfront::${ACCOUNT}:distribution/*` }, StringEquals: { "aws:SourceAccount": ACCOUNT } },
        },
      ],
    },
    [
      ["any distribution of the account, under public/", get(cloudfront, "public/a.png", fromDist(OTHER_DIST)), "Allow"],
      ["s3:Get* covers GetObjectVersion", { ...get(cloudfront, "public/a.png", fromDist(DIST)), action: "s3:GetObjectVersion" }, "Allow"],
      ["? matches exactly one character", get(cloudfront, "assets/v2/app.js", fromDist(DIST)), "Allow"],
      ["? does not match two", get(cloudfront, "assets/v10/app.js", fromDist(DIST)), "ImplicitDeny"],
      ["outside the listed prefixes", get(cloudfront, "private/a.png", fromDist(DIST)), "ImplicitDeny"],
      ["a distribution of another account", get(cloudfront, "public/a.png", fromDist(FOREIGN_DIST)), "ImplicitDeny"],
      ["both conditions must hold", get(cloudfront, "public/a.png", { "aws:SourceArn": DIST, "aws:SourceAccount": "444455556666" }), "ImplicitDeny"],
      ["a SourceArn that is not an ARN", get(cloudfront, "public/a.png", { "aws:SourceArn": "distribution/x", "aws:SourceAccount": ACCOUNT }), "ImplicitDeny"],
    ],
  );
});

describe("ArnEquals and ArnNotEquals compare ARN components with wildcards; ArnNotLike in a Deny", () => {
  table(
    {
      Statement: [
        { Sid: "Allow", Effect: "Allow", Principal: { Service: "cloudfront.amazonaws.com" }, Action: "s3:GetObject", Resource: "arn:aws:s3:::amzn-s3-demo-bucket/*", Condition: { ArnEquals: { "aws:SourceArn": `arn:aws:cloudfront::${ACCOUNT}:distribution/E*` } } },
        { Sid: "OnlyOne", Effect: "Deny", Principal: "*", Action: "s3:*", Resource: "arn:aws:s3:::amzn-s3-demo-bucket/secret/*", Condition: { ArnNotLike: { "aws:SourceArn": DIST } } },
      ],
    },
    [
      ["allowed by the ArnEquals wildcard", get(cloudfront, "a.txt", fromDist(OTHER_DIST)), "Allow"],
      ["secret/ is denied to other distributions", get(cloudfront, "secret/x", fromDist(OTHER_DIST)), "ExplicitDeny"],
      ["secret/ is allowed to the named distribution", get(cloudfront, "secret/x", fromDist(DIST)), "Allow"],
      ["a negated operator with the key absent is true: anonymous secret/ is explicitly denied", get(anonymous, "secret/x"), "ExplicitDeny"],
    ],
  );
});

describe("the OAI policies from the CloudFront guide (IAM ARN and canonical user forms)", () => {
  const statement = (principal: object) => ({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: principal, Action: "s3:GetObject", Resource: "arn:aws:s3:::amzn-s3-demo-bucket/*" }],
  });
  describe("by ARN", () => {
    table(statement({ AWS: `arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity ${OAI_ID}` }), [
      ["the identity reads", get(oai), "Allow"],
      ["another identity does not", get(otherOai), "ImplicitDeny"],
      ["anonymous does not", get(anonymous), "ImplicitDeny"],
      ["an OAC request does not", get(cloudfront, "index.html", fromDist(DIST)), "ImplicitDeny"],
    ]);
  });
  describe("by canonical user", () => {
    table(statement({ CanonicalUser: OAI_CANONICAL }), [
      ["the identity reads", get(oai), "Allow"],
      ["a canonical user with that id reads", get({ type: "canonicalUser", id: OAI_CANONICAL }), "Allow"],
      ["another identity does not", get(otherOai), "ImplicitDeny"],
    ]);
  });
  it("originAccessIdentityPrincipalArn writes the ARN the guide uses", () => {
    assert.equal(originAccessIdentityPrincipalArn(OAI_ID), `arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity ${OAI_ID}`);
  });
});

describe("a public website bucket (Principal *) with an HTTPS-only Deny (S3 user guide examples)", () => {
  table(
    {
      Version: "2012-10-17",
      Statement: [
        { Sid: "PublicReadGetObject", Effect: "Allow", Principal: "*", Action: ["s3:GetObject"], Resource: ["arn:aws:s3:::amzn-s3-demo-bucket/*"] },
        {
          Sid: "AllowSSLRequestsOnly",
          Action: "s3:*",
          Effect: "Deny",
          Resource: ["arn:aws:s3:::amzn-s3-demo-bucket", "arn:aws:s3:::amzn-s3-demo-bucket/*"],
          Condition: { Bool: { "aws:SecureTransport": "false" } },
          Principal: "*",
        },
      ],
    },
    [
      ["anonymous reads over HTTPS", get(anonymous, "index.html", { "aws:SecureTransport": "true" }), "Allow"],
      ["anyone reads over HTTPS", get(mallory, "index.html", { "aws:SecureTransport": "true" }), "Allow"],
      ["plain HTTP is explicitly denied, even with the Allow", get(anonymous, "index.html", { "aws:SecureTransport": "false" }), "ExplicitDeny"],
      ["a Bool condition with the key absent does not apply", get(anonymous, "index.html"), "Allow"],
      ["writes are not public", put(anonymous, { "aws:SecureTransport": "true" }), "ImplicitDeny"],
    ],
  );
});

describe("Principal {AWS: …}: *, account ids, account roots, IAM ARNs; NotPrincipal; NotAction; NotResource", () => {
  table(
    {
      Statement: [
        { Sid: "AnyAws", Effect: "Allow", Principal: { AWS: "*" }, Action: "s3:GetObject", Resource: "arn:aws:s3:::amzn-s3-demo-bucket/open/*" },
        { Sid: "Account", Effect: "Allow", Principal: { AWS: [ACCOUNT] }, Action: "s3:PutObject", Resource: "arn:aws:s3:::amzn-s3-demo-bucket/*" },
        { Sid: "Root", Effect: "Allow", Principal: { AWS: "arn:aws:iam::444455556666:root" }, Action: "s3:GetObject", Resource: "arn:aws:s3:::amzn-s3-demo-bucket/shared/*" },
        { Sid: "Alice", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:user/alice` }, NotAction: "s3:Delete*", Resource: "arn:aws:s3:::amzn-s3-demo-bucket/alice/*" },
        { Sid: "NotAlice", Effect: "Deny", NotPrincipal: { AWS: `arn:aws:iam::${ACCOUNT}:user/alice` }, Action: "s3:GetObject", Resource: "arn:aws:s3:::amzn-s3-demo-bucket/alice/*" },
        { Sid: "NotLogs", Effect: "Deny", Principal: "*", Action: "s3:PutObject", NotResource: ["arn:aws:s3:::amzn-s3-demo-bucket/*", "arn:aws:s3:::amzn-s3-demo-bucket/logs/*"] },
      ],
    },
    [
      ["{AWS: *} includes anonymous", get(anonymous, "open/a"), "Allow"],
      ["an account id trusts its users", put(alice), "Allow"],
      ["…and not other accounts' users", put(mallory), "ImplicitDeny"],
      ["an account root ARN trusts that account's users", get(mallory, "shared/x"), "Allow"],
      ["an IAM user ARN, with NotAction allowing all but deletes", { ...get(alice, "alice/notes.txt"), action: "s3:GetObjectTagging" }, "Allow"],
      ["NotAction excludes the matching actions", { ...get(alice, "alice/notes.txt"), action: "s3:DeleteObject" }, "ImplicitDeny"],
      ["NotPrincipal denies everyone else", get(mallory, "alice/notes.txt"), "ExplicitDeny"],
      ["NotPrincipal exempts the named principal", get(alice, "alice/notes.txt"), "Allow"],
      ["NotResource applies outside the listed resources", { ...put(alice), resource: s3ObjectArn("other-bucket", "x") }, "ExplicitDeny"],
    ],
  );
});

describe("IpAddress / NotIpAddress, IfExists, Null, ForAnyValue, StringLike, StringNotEquals", () => {
  table(
    {
      Statement: [
        { Sid: "Office", Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::amzn-s3-demo-bucket/office/*", Condition: { IpAddress: { "aws:SourceIp": ["192.0.2.0/24", "2001:db8::/32"] } } },
        { Sid: "NotFromHere", Effect: "Deny", Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::amzn-s3-demo-bucket/office/*", Condition: { NotIpAddress: { "aws:SourceIp": ["192.0.2.0/25", "2001:db8::/32"] } } },
        { Sid: "Referer", Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::amzn-s3-demo-bucket/web/*", Condition: { StringLike: { "aws:Referer": ["https://www.example.com/*", "https://example.com/*"] } } },
        { Sid: "SourceIfExists", Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::amzn-s3-demo-bucket/maybe/*", Condition: { StringEqualsIfExists: { "aws:SourceArn": DIST } } },
        { Sid: "NeedsArn", Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::amzn-s3-demo-bucket/arn/*", Condition: { Null: { "aws:SourceArn": "false" } } },
        { Sid: "Tags", Effect: "Allow", Principal: "*", Action: "s3:PutObject", Resource: "arn:aws:s3:::amzn-s3-demo-bucket/*", Condition: { "ForAnyValue:StringEquals": { "aws:TagKeys": ["team", "owner"] }, StringNotEquals: { "s3:x-amz-acl": "public-read" } } },
      ],
    },
    [
      ["an address in the allowed /25", get(anonymous, "office/a", { "aws:SourceIp": "192.0.2.9" }), "Allow"],
      ["an IPv4-mapped IPv6 form of it", get(anonymous, "office/a", { "aws:SourceIp": "::ffff:192.0.2.9" }), "Allow"],
      ["an IPv6 address in range", get(anonymous, "office/a", { "aws:SourceIp": "2001:db8::42" }), "Allow"],
      ["the upper half of the /24 is allowed but then denied", get(anonymous, "office/a", { "aws:SourceIp": "192.0.2.200" }), "ExplicitDeny"],
      ["an address outside", get(anonymous, "office/a", { "aws:SourceIp": "203.0.113.1" }), "ExplicitDeny"],
      ["StringLike referer", get(anonymous, "web/a.png", { "aws:Referer": "https://www.example.com/page" }), "Allow"],
      ["StringLike referer elsewhere", get(anonymous, "web/a.png", { "aws:Referer": "https://evil.example.net/" }), "ImplicitDeny"],
      ["StringLike with the key absent", get(anonymous, "web/a.png"), "ImplicitDeny"],
      ["IfExists: absent key passes", get(anonymous, "maybe/a"), "Allow"],
      ["IfExists: present key must match", get(anonymous, "maybe/a", fromDist(OTHER_DIST)), "ImplicitDeny"],
      ["Null false: the key must be present", get(anonymous, "arn/a", fromDist(OTHER_DIST)), "Allow"],
      ["Null false: absent key fails", get(anonymous, "arn/a"), "ImplicitDeny"],
      ["ForAnyValue: one matching tag key is enough", put(anonymous, { "aws:TagKeys": ["cost", "team"] }), "Allow"],
      ["ForAnyValue: none matching", put(anonymous, { "aws:TagKeys": ["cost"] }), "ImplicitDeny"],
      ["StringNotEquals: a public-read ACL is refused", put(anonymous, { "aws:TagKeys": ["team"], "s3:x-amz-acl": "public-read" }), "ImplicitDeny"],
    ],
  );
});

describe("parseBucketPolicy refuses malformed policies", () => {
  const bad: Array<[string, string]> = [
    ["not JSON", "{"],
    ["no Statement", "{}"],
    ["bad Effect", JSON.stringify({ Statement: [{ Effect: "Maybe", Principal: "*", Action: "s3:*", Resource: "*" }] })],
    ["no Principal", JSON.stringify({ Statement: [{ Effect: "Allow", Action: "s3:*", Resource: "*" }] })],
    ["Action and NotAction", JSON.stringify({ Statement: [{ Effect: "Allow", Principal: "*", Action: "s3:*", NotAction: "s3:Get*", Resource: "*" }] })],
    ["no Resource", JSON.stringify({ Statement: [{ Effect: "Allow", Principal: "*", Action: "s3:*" }] })],
    ["unknown operator", JSON.stringify({ Statement: [{ Effect: "Allow", Principal: "*", Action: "s3:*", Resource: "*", Condition: { StringSortOf: { k: "v" } } }] })],
    ["bad CIDR", JSON.stringify({ Statement: [{ Effect: "Allow", Principal: "*", Action: "s3:*", Resource: "*", Condition: { IpAddress: { "aws:SourceIp": "300.1.1.1/8" } } }] })],
    ["unknown principal type", JSON.stringify({ Statement: [{ Effect: "Allow", Principal: { Robot: "x" }, Action: "s3:*", Resource: "*" }] })],
    ["bad Version", JSON.stringify({ Version: "2020-01-01", Statement: [{ Effect: "Allow", Principal: "*", Action: "s3:*", Resource: "*" }] })],
  ];
  for (const [what, text] of bad) it(what, () => assert.throws(() => parseBucketPolicy(text), BucketPolicyError));

  it("a parsed policy evaluates like its text and names the deciding statement", () => {
    const policy = parseBucketPolicy(JSON.stringify({ Statement: [{ Sid: "Read", Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/*" }] }));
    assert.deepEqual(evaluateBucketPolicy(policy, { principal: anonymous, action: "s3:GetObject", resource: "arn:aws:s3:::b/k" }), { decision: "Allow", statement: "Read" });
    assert.deepEqual(evaluateBucketPolicy(policy, { principal: anonymous, action: "s3:GetObject", resource: "arn:aws:s3:::c/k" }), { decision: "ImplicitDeny" });
  });
});
