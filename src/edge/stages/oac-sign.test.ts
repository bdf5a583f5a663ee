// OAC origin-request signing (docs/edge.md §7.5). Every signed request is verified the way an S3
// that checks SigV4 does it: read the Authorization header's scope and signed headers, re-sign
// exactly those with @smithy/signature-v4 and the secret, and compare signatures.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createHash, createHmac } from "node:crypto";
import { SignatureV4 } from "@smithy/signature-v4";
import { regionFromOriginDomain, signOriginRequest, type OriginAccessControlSettings, type OriginRequestToSign } from "./oac-sign.ts";

const CREDENTIALS = { accessKeyId: "AKIDMINIFRONTTEST", secretAccessKey: "minifront-secret" };
const NOW = Date.UTC(2025, 5, 1, 12, 30, 45);
const EMPTY_SHA256 = createHash("sha256").update("").digest("hex");
const oac = (SigningBehavior: string, OriginAccessControlOriginType = "s3"): OriginAccessControlSettings => ({ SigningBehavior, SigningProtocol: "sigv4", OriginAccessControlOriginType });
const get = (o: Partial<OriginRequestToSign> = {}): OriginRequestToSign => ({
  method: "GET",
  host: "127.0.0.1:4566",
  path: "/my-bucket/images/a%20b.png",
  query: "",
  headers: { accept: "image/*", "user-agent": "Amazon CloudFront" },
  ...o,
});

class Sha256 {
  private readonly h;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.h = secret === undefined ? createHash("sha256") : createHmac("sha256", typeof secret === "string" ? secret : new Uint8Array(ArrayBuffer.isView(secret) ? secret.buffer.slice(secret.byteOffset, secret.byteOffset + secret.byteLength) : secret));
  }
  update(d: string | ArrayBuffer | ArrayBufferView) {
    this.h.update(typeof d === "string" ? d : new Uint8Array(ArrayBuffer.isView(d) ? d.buffer.slice(d.byteOffset, d.byteOffset + d.byteLength) : d));
  }
  digest() {
    return Promise.resolve(new Uint8Array(this.h.digest()));
  }
}

interface Verified {
  readonly valid: boolean;
  readonly region: string;
  readonly service: string;
  readonly signedHeaders: string[];
}

/** Verifies a SigV4 Authorization header for `req` sent with `headers`, as a SigV4-checking server would. */
async function verifySigV4(req: OriginRequestToSign, headers: Record<string, string>, secret = CREDENTIALS.secretAccessKey): Promise<Verified> {
  const auth = headers["authorization"] ?? assert.fail("no Authorization header");
  const m = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(auth) ?? assert.fail(`not a SigV4 header: ${auth}`);
  const [, accessKeyId, , region, service, signedList, signature] = m as unknown as string[];
  const signedHeaders = (signedList as string).split(";");
  const amzDate = headers["x-amz-date"] ?? assert.fail("no x-amz-date");
  const date = new Date(amzDate.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, "$1-$2-$3T$4:$5:$6Z"));
  const onlySigned = Object.fromEntries(signedHeaders.filter((h) => h !== "x-amz-date").map((h) => [h, headers[h] ?? assert.fail(`signed header ${h} is not sent`)]));
  const query: Record<string, string> = {};
  for (const part of req.query ? req.query.split("&") : []) {
    const [k, v = ""] = part.split("=");
    query[decodeURIComponent(k as string)] = decodeURIComponent(v);
  }
  const signer = new SignatureV4({ credentials: { accessKeyId: accessKeyId as string, secretAccessKey: secret }, region: region as string, service: service as string, sha256: Sha256, uriEscapePath: service !== "s3" });
  const again = await signer.sign({ method: req.method, protocol: "https:", hostname: "ignored", path: req.path, query, headers: onlySigned }, { signingDate: date });
  const expected = /Signature=([0-9a-f]{64})$/.exec(String(again.headers["authorization"]))?.[1];
  return { valid: expected === signature, region: region as string, service: service as string, signedHeaders };
}

describe("signOriginRequest: signing behaviors (CloudFront API reference “OriginAccessControlConfig”)", () => {
  const cases: Array<[string, string, string | undefined, boolean, string | undefined]> = [
    // [what, behavior, viewer Authorization, signed?, Authorization sent unsigned]
    ["always signs a request without viewer credentials", "always", undefined, true, undefined],
    ["always replaces the viewer's Authorization", "always", "Basic dmlld2VyOnNlY3JldA==", true, undefined],
    ["never leaves the request unsigned", "never", undefined, false, undefined],
    ["never passes a forwarded viewer Authorization as it is", "never", "Bearer viewer-token", false, "Bearer viewer-token"],
    ["no-override signs when the viewer sent no Authorization", "no-override", undefined, true, undefined],
    ["no-override passes the viewer's Authorization along unsigned", "no-override", "Bearer viewer-token", false, "Bearer viewer-token"],
  ];
  for (const [what, behavior, viewerAuth, signed, passed] of cases) {
    it(what, async () => {
      const req = get({ headers: { accept: "*/*", ...(viewerAuth ? { authorization: viewerAuth } : {}) } });
      const out = await signOriginRequest(req, oac(behavior), { credentials: CREDENTIALS, now: NOW, originDomain: "my-bucket.s3.eu-west-1.amazonaws.com" });
      assert.equal(out.signed, signed);
      assert.equal(out.headers["accept"], "*/*", "other headers are kept");
      if (signed) {
        assert.notEqual(out.headers["authorization"], viewerAuth);
        const v = await verifySigV4(req, out.headers);
        assert.ok(v.valid, "the signature verifies");
        assert.equal(out.headers["x-amz-date"], "20250601T123045Z", "signed at the injected clock's time");
      } else {
        assert.equal(out.headers["authorization"], passed);
        assert.equal(out.headers["x-amz-date"], undefined);
      }
    });
  }

  it("no-override decides on the viewer's Authorization even when the policy does not forward it", async () => {
    const out = await signOriginRequest(get(), oac("no-override"), { credentials: CREDENTIALS, now: NOW, originDomain: "b.s3.amazonaws.com", viewerAuthorization: "Bearer t" });
    assert.equal(out.signed, false);
    assert.equal(out.headers["authorization"], "Bearer t");
  });
});

describe("signOriginRequest: what is signed", () => {
  it("signs host, x-amz-content-sha256 and x-amz-date for S3 in the bucket's region; the empty-body hash for a GET", async () => {
    const req = get();
    const out = await signOriginRequest(req, oac("always"), { credentials: CREDENTIALS, now: NOW, originDomain: "my-bucket.s3.ap-southeast-2.amazonaws.com" });
    const v = await verifySigV4(req, out.headers);
    assert.ok(v.valid);
    assert.equal(v.service, "s3");
    assert.equal(v.region, "ap-southeast-2");
    assert.deepEqual(v.signedHeaders, ["host", "x-amz-content-sha256", "x-amz-date"]);
    assert.equal(out.headers["x-amz-content-sha256"], EMPTY_SHA256);
    assert.equal(out.headers["host"], "127.0.0.1:4566");
    assert.equal(out.headers["user-agent"], "Amazon CloudFront", "unsigned headers still go to the origin");
    assert.match(out.headers["authorization"] ?? "", /^AWS4-HMAC-SHA256 Credential=AKIDMINIFRONTTEST\/20250601\/ap-southeast-2\/s3\/aws4_request, /);
  });

  it("a verifier with another secret, another path or another query refuses the signature", async () => {
    const req = get({ query: "versionId=3&x=a%2Fb" });
    const out = await signOriginRequest(req, oac("always"), { credentials: CREDENTIALS, now: NOW, originDomain: "my-bucket.s3.amazonaws.com" });
    assert.ok((await verifySigV4(req, out.headers)).valid, "the query is part of the signature");
    assert.equal((await verifySigV4(req, out.headers, "wrong-secret")).valid, false);
    assert.equal((await verifySigV4({ ...req, path: "/my-bucket/images/other.png" }, out.headers)).valid, false);
    assert.equal((await verifySigV4({ ...req, query: "versionId=4&x=a%2Fb" }, out.headers)).valid, false);
  });

  it("signs x-amz-* headers the request carries, and a session token", async () => {
    const req = get({ method: "PUT", headers: { "x-amz-meta-owner": "alice", "content-type": "text/plain" }, body: new TextEncoder().encode("hello") });
    const out = await signOriginRequest(req, oac("always"), {
      credentials: { ...CREDENTIALS, sessionToken: "session-token-1" },
      now: NOW,
      originDomain: "b.s3.us-west-2.amazonaws.com",
    });
    const v = await verifySigV4(req, out.headers);
    assert.ok(v.valid);
    assert.deepEqual(v.signedHeaders, ["host", "x-amz-content-sha256", "x-amz-date", "x-amz-meta-owner", "x-amz-security-token"]);
    assert.equal(out.headers["x-amz-security-token"], "session-token-1");
    assert.equal(out.headers["x-amz-content-sha256"], createHash("sha256").update("hello").digest("hex"), "a buffered body is hashed");
    assert.equal(out.headers["content-type"], "text/plain");
  });

  it("payload hash: UNSIGNED-PAYLOAD for a streamed body; a viewer's valid x-amz-content-sha256 is kept, an invalid one replaced", async () => {
    const opts = { credentials: CREDENTIALS, now: NOW, originDomain: "b.s3.amazonaws.com" };
    const streamed = await signOriginRequest(get({ method: "POST", body: "stream" }), oac("always"), opts);
    assert.equal(streamed.headers["x-amz-content-sha256"], "UNSIGNED-PAYLOAD");
    const viewerHash = createHash("sha256").update("payload").digest("hex");
    const lambdaReq = get({ method: "POST", host: "abc123.lambda-url.eu-central-1.on.aws", path: "/api/items", body: "stream", headers: { "x-amz-content-sha256": viewerHash } });
    const lambda = await signOriginRequest(lambdaReq, oac("always", "lambda"), { ...opts, originDomain: "abc123.lambda-url.eu-central-1.on.aws" });
    assert.equal(lambda.headers["x-amz-content-sha256"], viewerHash);
    const v = await verifySigV4(lambdaReq, lambda.headers);
    assert.ok(v.valid);
    assert.equal(v.service, "lambda");
    assert.equal(v.region, "eu-central-1");
    const bogus = await signOriginRequest(get({ headers: { "x-amz-content-sha256": "not-a-hash" } }), oac("always"), opts);
    assert.equal(bogus.headers["x-amz-content-sha256"], EMPTY_SHA256);
  });

  it("drops the viewer's own SigV4 headers before signing with `always`", async () => {
    const req = get({ headers: { authorization: "AWS4-HMAC-SHA256 Credential=VIEWER/…", "x-amz-date": "20200101T000000Z", "x-amz-security-token": "viewer-token" } });
    const out = await signOriginRequest(req, oac("always"), { credentials: CREDENTIALS, now: NOW, originDomain: "b.s3.amazonaws.com" });
    assert.equal(out.headers["x-amz-date"], "20250601T123045Z");
    assert.equal(out.headers["x-amz-security-token"], undefined);
    assert.match(out.headers["authorization"] ?? "", /Credential=AKIDMINIFRONTTEST\//);
    assert.ok((await verifySigV4(req, out.headers)).valid);
  });
});

describe("regionFromOriginDomain", () => {
  const cases: Array<[string, string]> = [
    ["bucket.s3.amazonaws.com", "us-east-1"],
    ["bucket.s3.eu-west-1.amazonaws.com", "eu-west-1"],
    ["bucket.s3-eu-west-1.amazonaws.com", "eu-west-1"],
    ["bucket.s3.dualstack.ap-south-1.amazonaws.com", "ap-south-1"],
    ["bucket.s3-external-1.amazonaws.com", "us-east-1"],
    ["bucket.s3.us-gov-west-1.amazonaws.com", "us-gov-west-1"],
    ["bucket.s3.cn-north-1.amazonaws.com.cn", "cn-north-1"],
    ["abc.lambda-url.eu-central-1.on.aws", "eu-central-1"],
    ["abc.data.mediastore.us-west-2.amazonaws.com", "us-west-2"],
    ["bucket.s3.localhost.localstack.cloud", "us-east-1"],
    ["bucket.s3.localhost", "us-east-1"],
  ];
  for (const [domain, region] of cases) it(`${domain} → ${region}`, () => assert.equal(regionFromOriginDomain(domain), region));
});
