// Access control of the embedded S3 (access.ts; issue 6 "Origin access"): who a request is —
// anonymous, the account, or CloudFront signing as a distribution (OAC) or an OAI, its SigV4
// signature verified by signing again — and what the bucket policy lets it do, through the S3
// profile's authorize step (no sockets). Requests are signed with @smithy/signature-v4 and the
// CloudFrontIdentity's credentials, and with the edge's own signer (oac-sign.ts).
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createHash, createHmac, type Hash, type Hmac } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import type { DatabaseSync } from "node:sqlite";
import { SignatureV4 } from "@smithy/signature-v4";
import { ManualClock } from "../../clock.ts";
import { ServiceError } from "../../api/errors.ts";
import type { ApiRequest, Logger } from "../../api/service.ts";
import { openDatabase } from "../../store/database.ts";
import { signOriginRequest } from "../../edge/stages/oac-sign.ts";
import { CloudFrontIdentity } from "./cloudfront-identity.ts";
import { S3Storage } from "./storage.ts";
import type { S3Service } from "./context.ts";
import { createS3Api } from "./index.ts";
import { MAX_CLOCK_SKEW_MS, resolvePrincipal, s3ActionFor, type RequestFacts } from "./access.ts";
import { originAccessIdentityCanonicalUserId } from "./cloudfront-identity.ts";
import { originAccessIdentityPrincipalArn } from "./bucket-policy.ts";
import { AccessWarnings } from "./access-warnings.ts";

const ACCOUNT = "111122223333";
const HOST = "127.0.0.1:4566";
const START = Date.parse("2026-06-01T12:00:00Z");
const EMPTY_SHA256 = createHash("sha256").update("").digest("hex");
const distArn = (id: string) => `arn:aws:cloudfront::${ACCOUNT}:distribution/${id}`;

class NodeSha256 {
  private readonly hash: Hash | Hmac;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.hash = secret === undefined ? createHash("sha256") : createHmac("sha256", bytes(secret));
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.hash.update(bytes(data));
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.hash.digest()));
  }
}
function bytes(data: string | ArrayBuffer | ArrayBufferView): Uint8Array {
  if (typeof data === "string") return Buffer.from(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return new Uint8Array(data);
}

interface Creds {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

interface Unsigned {
  readonly method?: string;
  readonly path: string;
  /** Decoded query parameters. */
  readonly query?: Record<string, string>;
  readonly headers?: Record<string, string>;
}

const encode = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
const rawQueryOf = (query: Record<string, string | string[]>) =>
  Object.entries(query)
    .flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((x) => `${encode(k)}=${encode(x)}`))
    .join("&");

/** A request signed in the Authorization header, as an SDK signs it (x-amz-content-sha256 included). */
async function signed(creds: Creds, req: Unsigned, at = START): Promise<RequestFacts> {
  const signer = new SignatureV4({ credentials: creds, region: "us-east-1", service: "s3", sha256: NodeSha256, uriEscapePath: false });
  const out = await signer.sign(
    { method: req.method ?? "GET", protocol: "http:", hostname: "127.0.0.1", port: 4566, path: req.path, query: req.query ?? {}, headers: { host: HOST, "x-amz-content-sha256": EMPTY_SHA256, ...req.headers } },
    { signingDate: new Date(at) },
  );
  return { method: req.method ?? "GET", path: req.path, rawQuery: rawQueryOf(req.query ?? {}), headers: lower(out.headers), sourceIp: "127.0.0.1" };
}

/** A presigned URL as S3 presigners make it: UNSIGNED-PAYLOAD, only `host` signed. */
async function presigned(creds: Creds, req: Unsigned, expiresIn = 900, at = START): Promise<RequestFacts> {
  const signer = new SignatureV4({ credentials: creds, region: "us-east-1", service: "s3", sha256: NodeSha256, uriEscapePath: false });
  const hidden = new Set(["x-amz-content-sha256"]);
  const out = await signer.presign(
    { method: req.method ?? "GET", protocol: "http:", hostname: "127.0.0.1", port: 4566, path: req.path, query: req.query ?? {}, headers: { host: HOST, "x-amz-content-sha256": "UNSIGNED-PAYLOAD" } },
    { signingDate: new Date(at), expiresIn, unsignableHeaders: hidden, unhoistableHeaders: hidden },
  );
  return { method: req.method ?? "GET", path: req.path, rawQuery: rawQueryOf(out.query as Record<string, string>), headers: { host: HOST }, sourceIp: "127.0.0.1" };
}

function lower(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}

async function rejects(promise: Promise<unknown>, code: string): Promise<ServiceError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof ServiceError, `expected a ServiceError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    return err;
  }
  assert.fail(`expected ${code}, but the request was accepted`);
}

describe("resolvePrincipal", () => {
  const clock = new ManualClock(START);
  const identity = new CloudFrontIdentity(ACCOUNT);
  const settings = { cloudFrontIdentity: identity, clock, accountId: ACCOUNT };
  const object = { path: "/private-bucket/index.html" };

  it("a request without credentials is anonymous, with its source IP (IPv4-mapped addresses unwrapped) and transport", async () => {
    const who = await resolvePrincipal({ method: "GET", path: object.path, rawQuery: "", headers: { host: HOST, referer: "https://example.com/" }, sourceIp: "::ffff:10.1.2.3" }, settings);
    assert.equal(who.kind, "policy");
    assert.deepEqual(who.kind === "policy" && who.principal, { type: "anonymous" });
    assert.equal(who.kind === "policy" && who.context["aws:SourceIp"], "10.1.2.3");
    assert.equal(who.kind === "policy" && who.context["aws:SecureTransport"], "false");
    assert.equal(who.kind === "policy" && who.context["aws:Referer"], "https://example.com/");
  });

  it("any other signed request is the account owner, its signature unchecked: SigV4 with another key, SigV2, SigV2 and SigV4 presigned", async () => {
    const sigv4 = await signed({ accessKeyId: "test", secretAccessKey: "test" }, object);
    sigv4.headers["authorization"] = String(sigv4.headers["authorization"]).replace(/Signature=\w+/, `Signature=${"0".repeat(64)}`);
    const presign = await presigned({ accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "x" }, object);
    for (const facts of [
      sigv4,
      { method: "GET", path: object.path, rawQuery: "", headers: { host: HOST, authorization: "AWS test:c2lnbmF0dXJl" } },
      { method: "GET", path: object.path, rawQuery: "AWSAccessKeyId=test&Expires=1&Signature=abc", headers: { host: HOST } },
      presign,
    ]) {
      assert.deepEqual(await resolvePrincipal(facts, settings), { kind: "owner" });
    }
  });

  it("a header signed with a distribution's credentials is cloudfront.amazonaws.com with aws:SourceArn and aws:SourceAccount", async () => {
    const who = await resolvePrincipal(await signed(identity.forDistribution("EDIST1"), object), settings);
    assert.equal(who.kind, "policy");
    if (who.kind !== "policy") return;
    assert.deepEqual(who.principal, { type: "service", service: "cloudfront.amazonaws.com" });
    assert.equal(who.context["aws:SourceArn"], distArn("EDIST1"));
    assert.equal(who.context["aws:SourceAccount"], ACCOUNT);
    assert.equal(who.context["s3:authType"], "REST-HEADER");
  });

  it("a header signed with an OAI's credentials is that OAI, with its canonical user id", async () => {
    const who = await resolvePrincipal(await signed(identity.forOriginAccessIdentity("E2OAI0EXAMPLE"), object), settings);
    assert.deepEqual(who.kind === "policy" && who.principal, { type: "oai", id: "E2OAI0EXAMPLE", canonicalUserId: originAccessIdentityCanonicalUserId(ACCOUNT, "E2OAI0EXAMPLE") });
  });

  it("a signature over query parameters, signed headers and an awkward key verifies", async () => {
    const facts = await signed(identity.forDistribution("EDIST1"), {
      path: `/private-bucket/${encodeURIComponent("dir/a b+c é.txt").replace(/%2F/g, "/")}`,
      query: { "response-content-type": "text/plain; charset=utf-8", versionId: "null", "list-type": "2" },
      headers: { range: "bytes=0-9", "x-amz-meta-note": "signed too" },
    });
    const who = await resolvePrincipal(facts, settings);
    assert.equal(who.kind, "policy");
  });

  it("the edge's own signer (oac-sign.ts) produces requests that verify, query and body hash included", async () => {
    const out = await signOriginRequest(
      { method: "GET", host: HOST, path: "/private-bucket/a%20b.txt", query: "x=1&y=a%2Fb&flag", headers: { "x-amz-cf-id": "abc", "user-agent": "Amazon CloudFront" } },
      { SigningBehavior: "always", SigningProtocol: "sigv4", OriginAccessControlOriginType: "s3" },
      { credentials: identity.forDistribution("EDIST1"), now: START, originDomain: "private-bucket.s3.us-east-1.amazonaws.com" },
    );
    const who = await resolvePrincipal({ method: "GET", path: "/private-bucket/a%20b.txt", rawQuery: "x=1&y=a%2Fb&flag", headers: out.headers }, settings);
    assert.equal(who.kind === "policy" && who.context["aws:SourceArn"], distArn("EDIST1"));
    const streamed = await signOriginRequest(
      { method: "PUT", host: HOST, path: "/private-bucket/up.txt", query: "", headers: {}, body: "stream" },
      { SigningBehavior: "always", SigningProtocol: "sigv4", OriginAccessControlOriginType: "s3" },
      { credentials: identity.forOriginAccessIdentity("E2OAI0EXAMPLE"), now: START, originDomain: "private-bucket.s3.amazonaws.com" },
    );
    const oai = await resolvePrincipal({ method: "PUT", path: "/private-bucket/up.txt", rawQuery: "", headers: streamed.headers }, settings);
    assert.equal(oai.kind === "policy" && oai.principal.type, "oai");
  });

  it("tampering with a signed header, the path, the query, the method or the date is SignatureDoesNotMatch", async () => {
    const good = await signed(identity.forDistribution("EDIST1"), { path: object.path, query: { "list-type": "2" }, headers: { "x-amz-meta-a": "1" } });
    const tampered: RequestFacts[] = [
      { ...good, headers: { ...good.headers, "x-amz-meta-a": "2" } },
      { ...good, headers: { ...good.headers, "x-amz-content-sha256": createHash("sha256").update("x").digest("hex") } },
      { ...good, headers: { ...good.headers, host: "127.0.0.1:4567" } },
      { ...good, path: "/private-bucket/other.html" },
      { ...good, rawQuery: "list-type=1" },
      { ...good, rawQuery: "list-type=2&prefix=a" },
      { ...good, method: "DELETE" },
      { ...good, headers: { ...good.headers, "x-amz-date": new Date(START + 1000).toISOString().replace(/[-:]|\.\d{3}/g, "") } },
    ];
    for (const facts of tampered) {
      const err = await rejects(resolvePrincipal(facts, settings), "SignatureDoesNotMatch");
      assert.equal(err.details["AWSAccessKeyId"], "CFDEDIST1");
    }
  });

  it("a distribution's access key with the wrong secret, or another process's secret, is SignatureDoesNotMatch", async () => {
    await rejects(resolvePrincipal(await signed({ accessKeyId: "CFDEDIST1", secretAccessKey: "test" }, object), settings), "SignatureDoesNotMatch");
    const elsewhere = new CloudFrontIdentity(ACCOUNT);
    await rejects(resolvePrincipal(await signed(elsewhere.forDistribution("EDIST1"), object), settings), "SignatureDoesNotMatch");
    // Another distribution's secret under this distribution's key: the key names the caller.
    await rejects(resolvePrincipal(await signed({ accessKeyId: "CFDEDIST2", secretAccessKey: identity.forDistribution("EDIST1").secretAccessKey }, object), settings), "SignatureDoesNotMatch");
  });

  it("a header signature more than 15 minutes off the clock is RequestTimeTooSkewed; within 15 minutes it is accepted", async () => {
    const facts = await signed(identity.forDistribution("EDIST1"), object, START - MAX_CLOCK_SKEW_MS);
    assert.equal((await resolvePrincipal(facts, settings)).kind, "policy");
    const old = await signed(identity.forDistribution("EDIST1"), object, START - MAX_CLOCK_SKEW_MS - 1000);
    await rejects(resolvePrincipal(old, settings), "RequestTimeTooSkewed");
  });

  it("a presigned URL from a distribution's credentials verifies until X-Amz-Expires passes, then is AccessDenied; tampering is SignatureDoesNotMatch", async () => {
    const clock2 = new ManualClock(START);
    const s = { ...settings, clock: clock2 };
    const facts = await presigned(identity.forDistribution("EDIST1"), object, 60);
    assert.equal((await resolvePrincipal(facts, s)).kind, "policy");
    await rejects(resolvePrincipal({ ...facts, path: "/private-bucket/secret.txt" }, s), "SignatureDoesNotMatch");
    await rejects(resolvePrincipal({ ...facts, rawQuery: facts.rawQuery.replace("X-Amz-Expires=60", "X-Amz-Expires=600") }, s), "SignatureDoesNotMatch");
    clock2.advance(61_000);
    const err = await rejects(resolvePrincipal(facts, s), "AccessDenied");
    assert.equal(err.message, "Request has expired");
  });

  it("a header-signed request without x-amz-content-sha256 is InvalidRequest, and malformed credentials are AuthorizationHeaderMalformed", async () => {
    const facts = await signed(identity.forDistribution("EDIST1"), object);
    const { ["x-amz-content-sha256"]: _dropped, ...rest } = facts.headers;
    await rejects(resolvePrincipal({ ...facts, headers: rest }, settings), "InvalidRequest");
    const auth = String(facts.headers["authorization"]);
    await rejects(resolvePrincipal({ ...facts, headers: { ...facts.headers, authorization: auth.replace("/us-east-1/s3/aws4_request", "/us-east-1/s3") } }, settings), "AuthorizationHeaderMalformed");
    await rejects(resolvePrincipal({ ...facts, headers: { ...facts.headers, authorization: auth.replace(/Credential=CFDEDIST1\/\d{8}/, "Credential=CFDEDIST1/20200101") } }, settings), "AuthorizationHeaderMalformed");
  });
});

describe("s3ActionFor", () => {
  const cases: Array<[string, string]> = [
    ["GetObject", "s3:GetObject"],
    ["HeadObject", "s3:GetObject"],
    ["ListObjects", "s3:ListBucket"],
    ["ListObjectsV2", "s3:ListBucket"],
    ["HeadBucket", "s3:ListBucket"],
    ["PutObject", "s3:PutObject"],
    ["CreateMultipartUpload", "s3:PutObject"],
    ["UploadPart", "s3:PutObject"],
    ["CompleteMultipartUpload", "s3:PutObject"],
    ["AbortMultipartUpload", "s3:AbortMultipartUpload"],
    ["ListParts", "s3:ListMultipartUploadParts"],
    ["DeleteObject", "s3:DeleteObject"],
    ["DeleteObjects", "s3:DeleteObject"],
    ["GetBucketPolicy", "s3:GetBucketPolicy"],
    ["DeleteBucketCors", "s3:PutBucketCORS"],
  ];
  for (const [operation, action] of cases) {
    it(`${operation} needs ${action}`, () => assert.equal(s3ActionFor(operation), action));
  }
});

describe("the S3 API's authorize step", () => {
  const clock = new ManualClock(START);
  const identity = new CloudFrontIdentity(ACCOUNT);
  const silent: Logger = { debug() {}, info() {}, warn() {}, error() {} };
  const api = createS3Api(silent);
  let dir = "";
  let db: DatabaseSync | undefined;
  let enforce: S3Service;
  let open: S3Service;
  let warn: S3Service;
  const warned: string[] = [];
  let ids = 0;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), "minifront-access-"));
    db = openDatabase(dir);
    const base = {
      storage: new S3Storage(db, dir),
      clock,
      defaultRegion: "us-east-1",
      owner: { ID: "0".repeat(64), DisplayName: "minifront" },
      accountId: ACCOUNT,
      cloudFrontIdentity: identity,
      accessWarnings: new AccessWarnings(silent, ACCOUNT),
      unsignedDistributions: () => [],
    };
    enforce = { ...base, accessMode: "enforce" };
    open = { ...base, accessMode: "open" };
    warn = {
      ...base,
      accessMode: "warn",
      accessWarnings: new AccessWarnings({ warn: (l) => warned.push(l) }, ACCOUNT),
      unsignedDistributions: (bucket) => (bucket === "private" ? ["E1TUTORIAL"] : []),
    };
  });
  after(() => {
    db?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function apiRequest(facts: RequestFacts, body = ""): ApiRequest {
    return {
      method: facts.method,
      path: facts.path,
      query: new URLSearchParams(facts.rawQuery),
      rawQuery: facts.rawQuery,
      headers: facts.headers,
      body: Readable.from(body === "" ? [] : [Buffer.from(body)]),
      requestId: `req-${++ids}`,
      baseUrl: `http://${HOST}`,
      sourceIp: facts.sourceIp ?? "127.0.0.1",
      secure: false,
    };
  }
  const anonymous = (req: Unsigned): RequestFacts => ({ method: req.method ?? "GET", path: req.path, rawQuery: rawQueryOf(req.query ?? {}), headers: { host: HOST, ...req.headers }, sourceIp: "127.0.0.1" });
  /** The account's own credentials: any key that is not CloudFront's. */
  const owner = (req: Unsigned) => signed({ accessKeyId: "test", secretAccessKey: "test" }, req);

  async function send(facts: RequestFacts | Promise<RequestFacts>, body = "", service = enforce) {
    const out = await api.handle(apiRequest(await facts, body), service);
    let text = "";
    if (out.body instanceof Readable) for await (const chunk of out.body) text += String(chunk);
    else text = typeof out.body === "string" ? out.body : Buffer.from(out.body).toString();
    return { status: out.status, code: /<Code>([^<]+)<\/Code>/.exec(text)?.[1], operation: out.operation };
  }

  async function bucketWith(name: string, policy?: object): Promise<void> {
    assert.equal((await send(owner({ method: "PUT", path: `/${name}` }))).status, 200);
    const put = await send(owner({ method: "PUT", path: `/${name}/index.html`, headers: { "content-length": "5" } }), "hello");
    assert.equal(put.status, 200);
    if (policy) {
      const text = JSON.stringify(policy);
      assert.equal((await send(owner({ method: "PUT", path: `/${name}`, query: { policy: "" }, headers: { "content-length": String(text.length) } }), text)).status, 204);
    }
  }

  const oacPolicy = (bucket: string, distributionId: string, actions: string[] = ["s3:GetObject"]) => ({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "AllowCloudFrontServicePrincipal",
        Effect: "Allow",
        Principal: { Service: "cloudfront.amazonaws.com" },
        Action: actions,
        Resource: actions.map((a) => (a === "s3:ListBucket" ? `arn:aws:s3:::${bucket}` : `arn:aws:s3:::${bucket}/*`)),
        Condition: { StringEquals: { "AWS:SourceArn": distArn(distributionId) } },
      },
    ],
  });

  it("the owner does everything, as before access control", async () => {
    await bucketWith("owned");
    assert.equal((await send(owner({ path: "/owned/index.html" }))).status, 200);
    assert.equal((await send(owner({ path: "/owned", query: { "list-type": "2" } }))).status, 200);
    assert.equal((await send(owner({ path: "/owned/missing.html" }))).code, "NoSuchKey");
  });

  it("anonymous requests to a bucket without a policy are AccessDenied, for reads, listings, writes and policy reads", async () => {
    await bucketWith("private");
    const requests: Unsigned[] = [
      { path: "/private/index.html" },
      { method: "HEAD", path: "/private/index.html" },
      { path: "/private", query: { "list-type": "2" } },
      { method: "PUT", path: "/private/new.txt", headers: { "content-length": "0" } },
      { method: "DELETE", path: "/private/index.html" },
      { path: "/private", query: { policy: "" } },
    ];
    for (const req of requests) {
      const out = await send(anonymous(req));
      assert.equal(out.status, 403, `${req.method ?? "GET"} ${req.path}`);
      if (req.method !== "HEAD") assert.equal(out.code, "AccessDenied");
    }
    assert.equal((await send(owner({ path: "/private/index.html" }))).status, 200, "the object is still there");
  });

  it("anonymous CreateBucket and ListBuckets are AccessDenied; a missing bucket is NoSuchBucket", async () => {
    assert.equal((await send(anonymous({ method: "PUT", path: "/anon-bucket" }))).code, "AccessDenied");
    assert.equal((await send(anonymous({ path: "/" }))).code, "AccessDenied");
    assert.equal((await send(anonymous({ path: "/no-such-bucket/x" }))).code, "NoSuchBucket");
  });

  it("an OAC policy with AWS:SourceArn lets that distribution read and nobody else: another distribution, anonymous, writes", async () => {
    await bucketWith("oac-bucket", oacPolicy("oac-bucket", "EDIST1"));
    assert.equal((await send(signed(identity.forDistribution("EDIST1"), { path: "/oac-bucket/index.html" }))).status, 200);
    assert.equal((await send(signed(identity.forDistribution("EDIST2"), { path: "/oac-bucket/index.html" }))).code, "AccessDenied");
    assert.equal((await send(anonymous({ path: "/oac-bucket/index.html" }))).code, "AccessDenied");
    assert.equal((await send(signed(identity.forDistribution("EDIST1"), { method: "DELETE", path: "/oac-bucket/index.html" }))).code, "AccessDenied");
    assert.equal((await send(signed({ accessKeyId: "CFDEDIST1", secretAccessKey: "guess" }, { path: "/oac-bucket/index.html" }))).code, "SignatureDoesNotMatch");
  });

  it("a missing key is 403 for a principal without s3:ListBucket and 404 NoSuchKey with it (HEAD too)", async () => {
    await bucketWith("no-list", oacPolicy("no-list", "EDIST1"));
    await bucketWith("with-list", oacPolicy("with-list", "EDIST1", ["s3:GetObject", "s3:ListBucket"]));
    const dist = identity.forDistribution("EDIST1");
    assert.equal((await send(signed(dist, { path: "/no-list/missing.html" }))).code, "AccessDenied");
    assert.equal((await send(signed(dist, { method: "HEAD", path: "/no-list/missing.html" }))).status, 403);
    assert.equal((await send(signed(dist, { path: "/with-list/missing.html" }))).code, "NoSuchKey");
    assert.equal((await send(signed(dist, { method: "HEAD", path: "/with-list/missing.html" }))).status, 404);
  });

  it("an OAI is admitted by its CanonicalUser id or its OAI ARN; another OAI is not", async () => {
    const canonical = originAccessIdentityCanonicalUserId(ACCOUNT, "E1OAIONE");
    await bucketWith("oai-canonical", { Statement: [{ Effect: "Allow", Principal: { CanonicalUser: canonical }, Action: "s3:GetObject", Resource: "arn:aws:s3:::oai-canonical/*" }] });
    await bucketWith("oai-arn", { Statement: [{ Effect: "Allow", Principal: { AWS: originAccessIdentityPrincipalArn("E1OAIONE") }, Action: "s3:GetObject", Resource: "arn:aws:s3:::oai-arn/*" }] });
    for (const b of ["oai-canonical", "oai-arn"]) {
      assert.equal((await send(signed(identity.forOriginAccessIdentity("E1OAIONE"), { path: `/${b}/index.html` }))).status, 200, b);
      assert.equal((await send(signed(identity.forOriginAccessIdentity("E2OAITWO"), { path: `/${b}/index.html` }))).code, "AccessDenied", b);
      assert.equal((await send(signed(identity.forDistribution("EDIST1"), { path: `/${b}/index.html` }))).code, "AccessDenied", b);
    }
  });

  it("a public-read policy serves anonymous GETs, still denies anonymous listing, and an explicit Deny wins", async () => {
    await bucketWith("public", {
      Version: "2012-10-17",
      Statement: [
        { Sid: "PublicRead", Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::public/*" },
        { Sid: "NotSecrets", Effect: "Deny", Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::public/secret/*" },
      ],
    });
    assert.equal((await send(anonymous({ path: "/public/index.html" }))).status, 200);
    assert.equal((await send(anonymous({ path: "/public", query: { "list-type": "2" } }))).code, "AccessDenied");
    assert.equal((await send(anonymous({ path: "/public/secret/x" }))).code, "AccessDenied");
  });

  it("listing conditions see s3:prefix; aws:SourceIp conditions see the client address", async () => {
    await bucketWith("conditions", {
      Statement: [
        { Effect: "Allow", Principal: "*", Action: "s3:ListBucket", Resource: "arn:aws:s3:::conditions", Condition: { StringLike: { "s3:prefix": "public/*" } } },
        { Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::conditions/*", Condition: { IpAddress: { "aws:SourceIp": "10.0.0.0/8" } } },
      ],
    });
    assert.equal((await send(anonymous({ path: "/conditions", query: { "list-type": "2", prefix: "public/a" } }))).status, 200);
    assert.equal((await send(anonymous({ path: "/conditions", query: { "list-type": "2", prefix: "private/" } }))).code, "AccessDenied");
    assert.equal((await send(anonymous({ path: "/conditions", query: { "list-type": "2" } }))).code, "AccessDenied");
    assert.equal((await send({ ...anonymous({ path: "/conditions/index.html" }), sourceIp: "10.9.8.7" })).status, 200);
    assert.equal((await send(anonymous({ path: "/conditions/index.html" }))).code, "AccessDenied");
  });

  it("CopyObject needs s3:GetObject on the source too; DeleteObjects needs s3:DeleteObject on every key", async () => {
    await bucketWith("writable", {
      Statement: [
        { Effect: "Allow", Principal: "*", Action: ["s3:PutObject", "s3:GetObject"], Resource: "arn:aws:s3:::writable/*" },
        { Effect: "Allow", Principal: "*", Action: "s3:DeleteObject", Resource: "arn:aws:s3:::writable/tmp/*" },
      ],
    });
    const copyFrom = (source: string) => anonymous({ method: "PUT", path: "/writable/copy.html", headers: { "x-amz-copy-source": source } });
    assert.equal((await send(copyFrom("/writable/index.html"))).status, 200);
    assert.equal((await send(copyFrom("/private/index.html"))).code, "AccessDenied");
    const deleteBody = (keys: string[]) => `<Delete>${keys.map((k) => `<Object><Key>${k}</Key></Object>`).join("")}</Delete>`;
    const del = (keys: string[]) => {
      const body = deleteBody(keys);
      return send(anonymous({ method: "POST", path: "/writable", query: { delete: "" }, headers: { "content-length": String(body.length), "content-md5": createHash("md5").update(body).digest("base64") } }), body);
    };
    assert.equal((await del(["tmp/a", "index.html"])).code, "AccessDenied");
    assert.equal((await del(["tmp/a", "tmp/b"])).status, 200);
  });

  it("a stored policy that cannot be evaluated grants nothing", async () => {
    await bucketWith("odd-policy", { Statement: [{ Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::odd-policy/*", Condition: { NoSuchOperator: { "aws:SourceIp": "1.2.3.4" } } }] });
    assert.equal((await send(anonymous({ path: "/odd-policy/index.html" }))).code, "AccessDenied");
  });

  it("--s3-access open lets anonymous callers do anything, and does not check CloudFront signatures", async () => {
    assert.equal((await send(anonymous({ path: "/private/index.html" }), "", open)).status, 200);
    assert.equal((await send(anonymous({ method: "PUT", path: "/open-created" }), "", open)).status, 200);
    assert.equal((await send(signed({ accessKeyId: "CFDEDIST1", secretAccessKey: "guess" }, { path: "/private/index.html" }), "", open)).status, 200);
  });

  // issue #12: the default mode decides exactly as enforce, serves anyway, and says so once.
  it("--s3-access warn serves what enforce refuses and records one warning per caller and bucket", async () => {
    warned.length = 0;
    const viaCloudFront = { via: "1.1 0123456789abcdef0123456789abcdef.cloudfront.net (CloudFront)", "x-amz-cf-id": "abc==", "user-agent": "Amazon CloudFront" };
    for (let i = 0; i < 3; i++) {
      assert.equal((await send(anonymous({ path: "/private/index.html" }), "", enforce)).code, "AccessDenied");
      assert.equal((await send(anonymous({ path: "/private/index.html", headers: viaCloudFront }), "", warn)).status, 200);
    }
    assert.equal(warned.length, 1, warned.join("\n"));
    assert.match(warned[0] ?? "", /^E1TUTORIAL -> s3:\/\/private\/index\.html: AWS would answer 403 AccessDenied \(the origin has no origin access control/);
    assert.match(warned[0] ?? "", /arn:aws:cloudfront::111122223333:distribution\/E1TUTORIAL/);

    // A direct anonymous request is another caller; a write another method.
    assert.equal((await send(anonymous({ path: "/private/index.html" }), "", warn)).status, 200);
    assert.equal((await send(anonymous({ method: "PUT", path: "/private/warned.txt", headers: { "content-length": "0" } }), "", warn)).status, 200);
    assert.equal(warned.length, 3);
    assert.match(warned[1] ?? "", /^anonymous GET -> s3:\/\/private\/index\.html: .*the bucket has no policy/);
    assert.match(warned[2] ?? "", /^anonymous PUT -> s3:\/\/private\/warned\.txt: .*"Action":"s3:PutObject"/);
  });

  it("--s3-access warn: an OAC request the policy does not allow names its distribution; a missing key is 404 with a 403 warning", async () => {
    warned.length = 0;
    assert.equal((await send(signed(identity.forDistribution("EDIST2"), { path: "/oac-bucket/index.html" }), "", warn)).status, 200);
    assert.match(warned[0] ?? "", /^EDIST2 \(origin access control\) -> s3:\/\/oac-bucket\/index\.html: AWS would answer 403 AccessDenied \(the bucket policy does not allow s3:GetObject/);
    assert.equal((await send(signed(identity.forDistribution("EDIST1"), { path: "/no-list/missing.html" }), "", warn)).code, "NoSuchKey");
    assert.match(warned[1] ?? "", /^EDIST1 \(origin access control\) -> s3:\/\/no-list\/missing\.html: AWS would answer 403 AccessDenied instead of 404 NoSuchKey/);
    assert.equal(warned.length, 2);
  });

  it("--s3-access warn still answers a CloudFront signature that does not hold, and allowed requests warn about nothing", async () => {
    warned.length = 0;
    assert.equal((await send(signed({ accessKeyId: "CFDEDIST1", secretAccessKey: "guess" }, { path: "/oac-bucket/index.html" }), "", warn)).code, "SignatureDoesNotMatch");
    assert.equal((await send(signed(identity.forDistribution("EDIST1"), { path: "/oac-bucket/index.html" }), "", warn)).status, 200);
    assert.equal((await send(owner({ path: "/private/index.html" }), "", warn)).status, 200);
    assert.deepEqual(warned, []);
  });
});
