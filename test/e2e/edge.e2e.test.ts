// The edge end to end: real HTTP requests to distributions served by one emulator, with
// distributions created through @aws-sdk/client-cloudfront and S3 objects through
// @aws-sdk/client-s3. A controllable test origin (a node:http server in this file) plays custom
// origins: per path it answers what a test sets and records what it received. Time is a
// ManualClock that tests advance instead of sleeping.
// docs/edge.md §4 (behaviors, methods), §5 (viewer protocol), §6 (cache key), §7 (origin
// request), §9 (TTLs, revalidation, error caching), §10 (default root object), §12 (conditional,
// Range, HEAD), §14 (response headers), §15 (invalidations); docs/control-plane.md for the API side.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createServer, request, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import {
  CreateDistributionCommand,
  CreateInvalidationCommand,
  GetInvalidationCommand,
  ListInvalidationsCommand,
  type CacheBehavior,
  type CloudFrontClient,
  type DefaultCacheBehavior,
  type DistributionConfig,
  type Method,
  type Origin,
} from "@aws-sdk/client-cloudfront";
import { CreateBucketCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { ManualClock } from "../../src/index.ts";
import { CREDENTIALS, expectServiceError, useEmulator } from "../helpers/emulator.ts";
import { TestOrigin, header, sendToEdge, type EdgeResponse, type Reply, type ViewerRequest } from "../helpers/test-origin.ts";

// ---------------------------------------------------------------------------------------------
// Distribution configs

function list<T>(items: readonly T[]): { Quantity: number; Items: T[] } {
  return { Quantity: items.length, Items: [...items] };
}

function customOrigin(id: string, origin: { port: number }, extra: Partial<Origin> = {}, readTimeout?: number): Origin {
  return {
    Id: id,
    DomainName: "127.0.0.1",
    CustomOriginConfig: {
      HTTPPort: origin.port,
      HTTPSPort: 443,
      OriginProtocolPolicy: "http-only",
      ...(readTimeout !== undefined ? { OriginReadTimeout: readTimeout } : {}),
    },
    ...extra,
  };
}

function s3Origin(id: string, bucket: string): Origin {
  return { Id: id, DomainName: `${bucket}.s3.amazonaws.com`, S3OriginConfig: { OriginAccessIdentity: "" } };
}

/** A legacy (ForwardedValues) behavior: nothing forwarded, legacy TTL defaults unless overridden. */
function legacy(target: string, extra: Partial<DefaultCacheBehavior> = {}): DefaultCacheBehavior {
  return {
    TargetOriginId: target,
    ViewerProtocolPolicy: "allow-all",
    ForwardedValues: { QueryString: false, Cookies: { Forward: "none" } },
    ...extra,
  };
}

function withPolicy(target: string, cachePolicyId: string): DefaultCacheBehavior {
  return { TargetOriginId: target, ViewerProtocolPolicy: "allow-all", CachePolicyId: cachePolicyId };
}

const ALL_METHODS: Method[] = ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"];
const CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6";
const CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad";

const X_CF_ID = /^[A-Za-z0-9_-]{54}==$/;
const VIA = /^1\.1 [0-9a-f]{32}\.cloudfront\.net \(CloudFront\)$/;
const POP = /^[A-Z]{3}\d+-C\d+$/;

describe("the edge", () => {
  const clock = new ManualClock();
  // S3 origins here are read anonymously (no OAC): the open S3 keeps these tests about the cache.
  // Access control has its own suite (access-control-edge.e2e).
  const t = useEmulator({ clock, s3Access: "open" });
  const origin = new TestOrigin();
  let cf: CloudFrontClient | undefined;
  let s3: S3Client | undefined;
  let refs = 0;

  const cloudfront = (): CloudFrontClient => cf ?? assert.fail("CloudFront client not created yet");
  const s3c = (): S3Client => s3 ?? assert.fail("S3 client not created yet");

  before(async () => {
    await origin.start();
    cf = t.cloudfront();
    s3 = new S3Client({ endpoint: t.emu.s3Url, region: "us-east-1", credentials: CREDENTIALS, forcePathStyle: true, maxAttempts: 1 });
  });
  after(async () => {
    cf?.destroy();
    s3?.destroy();
    await origin.close();
  });

  const seconds = (s: number) => clock.advance(s * 1000);

  interface Dist {
    readonly id: string;
    readonly domain: string;
    /** The Host header viewers send: `<domain>:<port>`. */
    readonly host: string;
    get(path: string, req?: ViewerRequest): Promise<EdgeResponse>;
  }

  /** Sends one request to the edge as `host` (127.0.0.1:<port> with an explicit Host header). */
  const send = (host: string, path: string, req?: ViewerRequest): Promise<EdgeResponse> => sendToEdge(t.emu.port, host, path, req);

  async function distribution(origins: Origin[], defaultBehavior: DefaultCacheBehavior, extra: Partial<DistributionConfig> = {}): Promise<Dist> {
    const out = await cloudfront().send(
      new CreateDistributionCommand({
        DistributionConfig: {
          CallerReference: `edge-${++refs}`,
          Comment: "",
          Enabled: true,
          Origins: list(origins),
          DefaultCacheBehavior: defaultBehavior,
          ...extra,
        },
      }),
    );
    const id = out.Distribution?.Id ?? assert.fail("no distribution id");
    const domain = out.Distribution?.DomainName ?? assert.fail("no domain name");
    const host = `${domain}:${t.emu.port}`;
    return { id, domain, host, get: (path, req) => send(host, path, req) };
  }

  /** A distribution with one custom origin (the test origin) and one legacy default behavior. */
  function simple(behavior: Partial<DefaultCacheBehavior> = {}, extra: Partial<DistributionConfig> = {}, originExtra: Partial<Origin> = {}): Promise<Dist> {
    return distribution([customOrigin("test-origin", origin, originExtra)], legacy("test-origin", behavior), extra);
  }

  async function bucket(name: string, objects: Record<string, string>): Promise<void> {
    await s3c().send(new CreateBucketCommand({ Bucket: name }));
    for (const [key, body] of Object.entries(objects)) {
      await s3c().send(new PutObjectCommand({ Bucket: name, Key: key, Body: body, ContentType: "text/plain" }));
    }
  }

  function assertXCache(res: EdgeResponse, expected: string, what = ""): void {
    assert.equal(header(res, "x-cache"), expected, `X-Cache ${what}(status ${res.status})`);
  }

  describe("hits and misses", () => {
    it("serves a first request as a Miss and the next as a Hit with Age, Via, X-Amz-Cf-Pop and X-Amz-Cf-Id, asking the origin once", async () => {
      origin.on("/hm/page.html", { body: "hello from the origin", headers: { "Content-Type": "text/html", Via: "1.1 upstream-proxy" } });
      const d = await simple();

      const miss = await d.get("/hm/page.html");
      assert.equal(miss.status, 200);
      assert.equal(miss.body, "hello from the origin");
      assert.equal(header(miss, "content-type"), "text/html");
      assertXCache(miss, "Miss from cloudfront");
      assert.equal(header(miss, "age"), undefined, "no Age on a miss");
      assert.match(header(miss, "via") ?? "", VIA, "CloudFront's Via replaces the origin's");
      assert.match(header(miss, "x-amz-cf-pop") ?? "", POP);
      assert.match(header(miss, "x-amz-cf-id") ?? "", X_CF_ID);
      assert.equal(header(miss, "x-amz-cf-id")?.length, 56);

      seconds(5);
      const hit = await d.get("/hm/page.html");
      assert.equal(hit.status, 200);
      assert.equal(hit.body, "hello from the origin");
      assertXCache(hit, "Hit from cloudfront");
      assert.equal(header(hit, "age"), "5");
      assert.match(header(hit, "via") ?? "", VIA);
      assert.match(header(hit, "x-amz-cf-pop") ?? "", POP);
      assert.match(header(hit, "x-amz-cf-id") ?? "", X_CF_ID);
      assert.notEqual(header(hit, "x-amz-cf-id"), header(miss, "x-amz-cf-id"), "every request gets its own id");

      assert.equal(origin.hits("/hm/page.html"), 1, "the origin is asked once");
    });

    it("caches a chunked origin response (no Content-Length) and serves it whole", async () => {
      origin.on("/hm/chunked", { body: "first half|second half", chunked: true, headers: { "Cache-Control": "max-age=60" } });
      const d = await simple();
      const miss = await d.get("/hm/chunked");
      assert.equal(miss.body, "first half|second half");
      assertXCache(miss, "Miss from cloudfront");
      const hit = await d.get("/hm/chunked");
      assert.equal(hit.body, "first half|second half");
      assertXCache(hit, "Hit from cloudfront");
      assert.equal(origin.hits("/hm/chunked"), 1);
    });

    it("serves objects of an S3 origin (bucket.s3.amazonaws.com → the embedded S3), Miss then Hit", async () => {
      await bucket("edge-hits", { "docs/readme.txt": "a readme in S3" });
      const d = await distribution([s3Origin("s3", "edge-hits")], legacy("s3"));
      const miss = await d.get("/docs/readme.txt");
      assert.equal(miss.status, 200);
      assert.equal(miss.body, "a readme in S3");
      assertXCache(miss, "Miss from cloudfront");
      assert.ok(header(miss, "etag"), "S3's ETag passes through");
      const hit = await d.get("/docs/readme.txt");
      assert.equal(hit.body, "a readme in S3");
      assertXCache(hit, "Hit from cloudfront");
      const missing = await d.get("/docs/nope.txt");
      assert.ok(missing.status === 403 || missing.status === 404, `a missing key is S3's 403 or 404, got ${missing.status}`);
      assertXCache(missing, "Error from cloudfront");
    });
  });

  describe("TTLs (docs/edge.md §9.2)", () => {
    it("caches an object without caching headers for the legacy DefaultTTL of 86400 s", async () => {
      const d = await simple();
      await d.get("/ttl/default");
      seconds(86_399);
      assertXCache(await d.get("/ttl/default"), "Hit from cloudfront", "just before 86400 s ");
      assert.equal(origin.hits("/ttl/default"), 1);
      seconds(2);
      assertXCache(await d.get("/ttl/default"), "Miss from cloudfront", "after 86400 s ");
      assert.equal(origin.hits("/ttl/default"), 2);
    });

    it("expires Cache-Control max-age=60 after 60 s and asks the origin again", async () => {
      origin.on("/ttl/max-age", { body: "sixty", headers: { "Cache-Control": "max-age=60" } });
      const d = await simple();
      assertXCache(await d.get("/ttl/max-age"), "Miss from cloudfront");
      seconds(59);
      const hit = await d.get("/ttl/max-age");
      assertXCache(hit, "Hit from cloudfront", "at 59 s ");
      assert.equal(header(hit, "age"), "59");
      assert.equal(origin.hits("/ttl/max-age"), 1);
      seconds(2);
      const again = await d.get("/ttl/max-age");
      assert.equal(again.body, "sixty");
      assertXCache(again, "Miss from cloudfront", "at 61 s ");
      assert.equal(origin.hits("/ttl/max-age"), 2, "the origin is asked again after expiry");
    });

    it("lets s-maxage win over max-age", async () => {
      origin.on("/ttl/s-maxage", { body: "shared", headers: { "Cache-Control": "max-age=10, s-maxage=100" } });
      const d = await simple();
      await d.get("/ttl/s-maxage");
      seconds(50);
      assertXCache(await d.get("/ttl/s-maxage"), "Hit from cloudfront", "at 50 s (past max-age, within s-maxage) ");
      seconds(51);
      assertXCache(await d.get("/ttl/s-maxage"), "Miss from cloudfront", "at 101 s ");
      assert.equal(origin.hits("/ttl/s-maxage"), 2);
    });

    it("takes the TTL from an Expires header when there is no max-age", async () => {
      origin.on("/ttl/expires", () => ({ body: "expiring", headers: { Expires: new Date(clock.now() + 120_000).toUTCString() } }));
      const d = await simple();
      await d.get("/ttl/expires");
      seconds(100);
      assertXCache(await d.get("/ttl/expires"), "Hit from cloudfront", "at 100 s of 120 ");
      seconds(21);
      assertXCache(await d.get("/ttl/expires"), "Miss from cloudfront", "at 121 s of 120 ");
      assert.equal(origin.hits("/ttl/expires"), 2);
    });

    it("does not cache an object whose Expires is in the past", async () => {
      origin.on("/ttl/expired", () => ({ body: "stale already", headers: { Expires: new Date(clock.now() - 60_000).toUTCString() } }));
      const d = await simple();
      await d.get("/ttl/expired");
      assertXCache(await d.get("/ttl/expired"), "Miss from cloudfront");
      assert.equal(origin.hits("/ttl/expired"), 2);
    });

    it("ignores Expires when max-age is present", async () => {
      origin.on("/ttl/expires-and-max-age", () => ({ body: "both", headers: { "Cache-Control": "max-age=30", Expires: new Date(clock.now() + 3_600_000).toUTCString() } }));
      const d = await simple();
      await d.get("/ttl/expires-and-max-age");
      seconds(31);
      assertXCache(await d.get("/ttl/expires-and-max-age"), "Miss from cloudfront", "max-age=30 wins over an Expires an hour away ");
    });

    it("never caches no-store, no-cache or private responses when MinTTL is 0", async () => {
      const d = await simple();
      for (const directive of ["no-store", "no-cache", "private"]) {
        const path = `/ttl/${directive}`;
        origin.on(path, { body: directive, headers: { "Cache-Control": directive } });
        for (let i = 0; i < 3; i++) {
          const res = await d.get(path);
          assert.equal(res.body, directive);
          assertXCache(res, "Miss from cloudfront", `${directive} request ${i + 1} `);
        }
        assert.equal(origin.hits(path), 3, `${directive}: the origin is asked every time`);
      }
    });

    it("keeps a max-age=5 object for MinTTL 30 s, and caches no-store for MinTTL", async () => {
      origin.on("/ttl/min", { body: "min", headers: { "Cache-Control": "max-age=5" } });
      origin.on("/ttl/min-no-store", { body: "min no-store", headers: { "Cache-Control": "no-store" } });
      const d = await simple({ MinTTL: 30, DefaultTTL: 86400, MaxTTL: 31536000 });
      await d.get("/ttl/min");
      await d.get("/ttl/min-no-store");
      seconds(20);
      assertXCache(await d.get("/ttl/min"), "Hit from cloudfront", "at 20 s (past max-age=5, within MinTTL) ");
      assertXCache(await d.get("/ttl/min-no-store"), "Hit from cloudfront", "no-store with MinTTL 30 at 20 s ");
      seconds(11);
      assertXCache(await d.get("/ttl/min"), "Miss from cloudfront", "at 31 s ");
      assertXCache(await d.get("/ttl/min-no-store"), "Miss from cloudfront", "no-store at 31 s ");
      assert.equal(origin.hits("/ttl/min"), 2);
      assert.equal(origin.hits("/ttl/min-no-store"), 2);
    });

    it("caps max-age=1000 at MaxTTL 100 and uses a custom DefaultTTL when the origin sends no caching headers", async () => {
      origin.on("/ttl/max", { body: "max", headers: { "Cache-Control": "max-age=1000" } });
      const d = await simple({ MinTTL: 0, DefaultTTL: 20, MaxTTL: 100 });
      await d.get("/ttl/max");
      await d.get("/ttl/custom-default");
      seconds(19);
      assertXCache(await d.get("/ttl/custom-default"), "Hit from cloudfront", "DefaultTTL 20 at 19 s ");
      seconds(2);
      assertXCache(await d.get("/ttl/custom-default"), "Miss from cloudfront", "DefaultTTL 20 at 21 s ");
      seconds(78);
      assertXCache(await d.get("/ttl/max"), "Hit from cloudfront", "at 99 s ");
      seconds(2);
      assertXCache(await d.get("/ttl/max"), "Miss from cloudfront", "at 101 s (MaxTTL 100 caps max-age=1000) ");
      assert.equal(origin.hits("/ttl/max"), 2);
    });
  });

  describe("revalidation (docs/edge.md §7.2, §9.2)", () => {
    it("revalidates an expired object with If-None-Match and serves the cached body as a RefreshHit on 304", async () => {
      let version = "v1";
      origin.on("/reval/etag", (req) =>
        req.headers["if-none-match"] === `"${version}"`
          ? { status: 304, headers: { ETag: `"${version}"`, "Cache-Control": "max-age=10" } }
          : { body: `body ${version}`, headers: { ETag: `"${version}"`, "Cache-Control": "max-age=10" } },
      );
      const d = await simple();
      const first = await d.get("/reval/etag");
      assertXCache(first, "Miss from cloudfront");
      assert.equal(origin.last("/reval/etag").headers["if-none-match"], undefined, "a first fetch is unconditional");

      seconds(11);
      const refreshed = await d.get("/reval/etag");
      assert.equal(origin.hits("/reval/etag"), 2);
      assert.equal(origin.last("/reval/etag").headers["if-none-match"], '"v1"', "the edge sends the cached ETag");
      assert.equal(refreshed.status, 200);
      assert.equal(refreshed.body, "body v1");
      assertXCache(refreshed, "RefreshHit from cloudfront");

      seconds(5);
      assertXCache(await d.get("/reval/etag"), "Hit from cloudfront", "the 304 renewed the TTL ");
      assert.equal(origin.hits("/reval/etag"), 2);

      // After the next expiry the object has changed: the origin's 200 replaces the cached copy.
      version = "v2";
      seconds(10);
      const changed = await d.get("/reval/etag");
      assert.equal(changed.body, "body v2");
      assertXCache(changed, "Miss from cloudfront");
      assert.equal(header(changed, "etag"), '"v2"');
    });

    it("revalidates with If-Modified-Since when the object has a Last-Modified", async () => {
      const lastModified = new Date(clock.now() - 86_400_000).toUTCString();
      origin.on("/reval/lm", (req): Reply =>
        req.headers["if-modified-since"] === lastModified ? { status: 304, headers: { "Cache-Control": "max-age=10" } } : { body: "dated", headers: { "Last-Modified": lastModified, "Cache-Control": "max-age=10" } },
      );
      const d = await simple();
      await d.get("/reval/lm");
      seconds(11);
      const res = await d.get("/reval/lm");
      assert.equal(origin.last("/reval/lm").headers["if-modified-since"], lastModified);
      assert.equal(res.body, "dated");
      assertXCache(res, "RefreshHit from cloudfront");
    });
  });

  describe("managed cache policies (docs/edge.md §6, docs/managed-policies.md)", () => {
    it("CachingOptimized keeps query strings, headers and cookies out of the key and the origin request", async () => {
      const d = await distribution([customOrigin("test-origin", origin)], withPolicy("test-origin", CACHING_OPTIMIZED));
      const first = await d.get("/policy/optimized/a?x=1", { headers: { Cookie: "session=1", "X-Custom": "one" } });
      assertXCache(first, "Miss from cloudfront");
      const received = origin.last("/policy/optimized/a");
      assert.equal(received.url, "/policy/optimized/a", "no query string reaches the origin");
      assert.equal(received.headers.cookie, undefined, "no cookie reaches the origin");

      const second = await d.get("/policy/optimized/a?x=2", { headers: { Cookie: "session=2", "X-Custom": "two" } });
      assertXCache(second, "Hit from cloudfront", "/a?x=2 shares /a?x=1's entry ");
      assert.equal(second.body, first.body);
      assert.equal(origin.hits("/policy/optimized/a"), 1);
    });

    it("CachingDisabled never caches: every request is a Miss that reaches the origin", async () => {
      origin.on("/policy/disabled", { body: "fresh", headers: { "Cache-Control": "max-age=3600" } });
      const d = await distribution([customOrigin("test-origin", origin)], withPolicy("test-origin", CACHING_DISABLED));
      for (let i = 0; i < 3; i++) {
        const res = await d.get("/policy/disabled");
        assert.equal(res.body, "fresh");
        assertXCache(res, "Miss from cloudfront", `request ${i + 1} `);
      }
      assert.equal(origin.hits("/policy/disabled"), 3);
    });
  });

  describe("legacy ForwardedValues (docs/edge.md §6.1, §9.5)", () => {
    it("QueryString true: different query strings are different objects, and all are forwarded", async () => {
      const d = await simple({ ForwardedValues: { QueryString: true, Cookies: { Forward: "none" } } });
      const one = await d.get("/fv/qs?x=1");
      assert.equal(origin.last("/fv/qs").url, "/fv/qs?x=1");
      const two = await d.get("/fv/qs?x=2");
      assert.equal(origin.last("/fv/qs").url, "/fv/qs?x=2");
      assertXCache(one, "Miss from cloudfront");
      assertXCache(two, "Miss from cloudfront", "another query string is another object ");
      assert.equal(two.body, "origin /fv/qs?x=2");
      const again = await d.get("/fv/qs?x=1");
      assertXCache(again, "Hit from cloudfront");
      assert.equal(again.body, "origin /fv/qs?x=1");
      assert.equal(origin.hits("/fv/qs"), 2);
      await d.get("/fv/qs?a=1&b=2");
      assertXCache(await d.get("/fv/qs?b=2&a=1"), "Miss from cloudfront", "parameter order is significant ");
      assert.equal(origin.last("/fv/qs").url, "/fv/qs?b=2&a=1");
    });

    it("QueryString false strips the query string: one object, no query at the origin", async () => {
      const d = await simple();
      await d.get("/fv/noqs?x=1");
      assert.equal(origin.last("/fv/noqs").url, "/fv/noqs");
      assertXCache(await d.get("/fv/noqs?x=2"), "Hit from cloudfront");
      assert.equal(origin.hits("/fv/noqs"), 1);
    });

    it("QueryStringCacheKeys puts only the listed parameters in the key but forwards them all", async () => {
      const d = await simple({ ForwardedValues: { QueryString: true, QueryStringCacheKeys: list(["x"]), Cookies: { Forward: "none" } } });
      assertXCache(await d.get("/fv/keys?x=1&y=1"), "Miss from cloudfront");
      assert.equal(origin.last("/fv/keys").url, "/fv/keys?x=1&y=1", "y is forwarded although not in the key");
      assertXCache(await d.get("/fv/keys?x=1&y=2"), "Hit from cloudfront", "y is not in the key ");
      assertXCache(await d.get("/fv/keys?x=2&y=1"), "Miss from cloudfront", "x is in the key ");
      assert.equal(origin.last("/fv/keys").url, "/fv/keys?x=2&y=1");
      assert.equal(origin.hits("/fv/keys"), 2);
    });

    it("Cookies whitelist forwards only the listed cookies, sorted by name, and keys on them", async () => {
      const d = await simple({ ForwardedValues: { QueryString: false, Cookies: { Forward: "whitelist", WhitelistedNames: list(["b", "a"]) } } });
      assertXCache(await d.get("/fv/cookies", { headers: { Cookie: "c=3; b=2; a=1" } }), "Miss from cloudfront");
      assert.equal(origin.last("/fv/cookies").headers.cookie, "a=1; b=2", "only a and b, sorted");
      assertXCache(await d.get("/fv/cookies", { headers: { Cookie: "b=2; a=1; c=9" } }), "Hit from cloudfront", "c is not in the key ");
      assertXCache(await d.get("/fv/cookies", { headers: { Cookie: "a=2; b=2" } }), "Miss from cloudfront", "a is in the key ");
      assert.equal(origin.last("/fv/cookies").headers.cookie, "a=2; b=2");
      assertXCache(await d.get("/fv/cookies"), "Miss from cloudfront", "no cookies is another object ");
      assert.equal(origin.last("/fv/cookies").headers.cookie, undefined);
      assert.equal(origin.hits("/fv/cookies"), 3);
    });

    it("Cookies none forwards no cookies and strips Set-Cookie from the response", async () => {
      origin.on("/fv/no-cookies", { body: "x", headers: { "Set-Cookie": "tracker=1" } });
      const d = await simple();
      const res = await d.get("/fv/no-cookies", { headers: { Cookie: "a=1" } });
      assert.equal(origin.last("/fv/no-cookies").headers.cookie, undefined);
      assert.equal(header(res, "set-cookie"), undefined);
    });

    it("Headers [X-Custom] puts the header in the key (name case-insensitive) and forwards it", async () => {
      const d = await simple({ ForwardedValues: { QueryString: false, Cookies: { Forward: "none" }, Headers: list(["X-Custom"]) } });
      assertXCache(await d.get("/fv/header", { headers: { "X-Custom": "one" } }), "Miss from cloudfront");
      assert.equal(origin.last("/fv/header").headers["x-custom"], "one");
      assertXCache(await d.get("/fv/header", { headers: { "x-custom": "one" } }), "Hit from cloudfront", "same value ");
      assertXCache(await d.get("/fv/header", { headers: { "X-Custom": "two" } }), "Miss from cloudfront", "another value ");
      assert.equal(origin.last("/fv/header").headers["x-custom"], "two");
      assertXCache(await d.get("/fv/header", { headers: { "X-Custom": "One" } }), "Miss from cloudfront", "values are case-sensitive ");
      assert.equal(origin.hits("/fv/header"), 3);
    });
  });

  describe("cache behaviors (docs/edge.md §4)", () => {
    const jpg = new TestOrigin();
    const versioned = new TestOrigin();
    const fallback = new TestOrigin();
    before(async () => {
      await Promise.all([jpg.start(), versioned.start(), fallback.start()]);
    });
    after(async () => {
      await Promise.all([jpg.close(), versioned.close(), fallback.close()]);
    });

    it("takes the first matching behavior in list order, each with its own origin; the default behavior catches the rest; patterns are case-sensitive", async () => {
      await bucket("edge-behaviors", { "images/readme.txt": "images from S3", "images/cat.jpg": "a cat in S3" });
      const behaviors: CacheBehavior[] = [
        { ...legacy("jpg"), PathPattern: "*.jpg" },
        { ...legacy("s3"), PathPattern: "/images/*" },
        { ...legacy("versioned"), PathPattern: "v?/*" },
      ];
      const d = await distribution(
        [customOrigin("jpg", jpg), s3Origin("s3", "edge-behaviors"), customOrigin("versioned", versioned), customOrigin("fallback", fallback)],
        legacy("fallback"),
        { CacheBehaviors: list(behaviors) },
      );

      const cases: Array<[path: string, where: string]> = [
        ["/images/cat.jpg", "jpg"], // `*.jpg` comes first, although `/images/*` matches too
        ["/deep/down/photo.jpg", "jpg"], // `*` crosses `/`
        ["/images/readme.txt", "s3"],
        ["/v1/app.js", "versioned"], // `?` is one character
        ["/v10/app.js", "fallback"], // ... not two
        ["/photo.JPG", "fallback"], // case-sensitive
        ["/IMAGES/readme.txt", "fallback"],
        ["/other/page", "fallback"],
      ];
      const servers: Record<string, TestOrigin> = { jpg, versioned, fallback };
      for (const [path, where] of cases) {
        const res = await d.get(path);
        assert.equal(res.status, 200, `${path}: ${res.status} ${res.body}`);
        if (where === "s3") {
          assert.equal(res.body, "images from S3", `${path} is served by the S3 origin`);
        } else {
          assert.equal(res.body, `origin ${path}`, `${path} is served by the ${where} origin`);
          for (const [name, server] of Object.entries(servers)) {
            assert.equal(server.hits(path), name === where ? 1 : 0, `${path}: requests at the ${name} origin`);
          }
        }
      }
    });
  });

  describe("default root object (docs/edge.md §10)", () => {
    it("serves GET / from /<DefaultRootObject> and leaves /sub/ alone", async () => {
      await bucket("edge-root", { "index.html": "the root page", "sub/": "the sub/ key", "sub/index.html": "the sub index" });
      const d = await distribution([s3Origin("s3", "edge-root")], legacy("s3"), { DefaultRootObject: "index.html" });
      const root = await d.get("/");
      assert.equal(root.status, 200);
      assert.equal(root.body, "the root page");
      const sub = await d.get("/sub/");
      assert.notEqual(sub.body, "the sub index", "/sub/ is not rewritten to /sub/index.html");
      assert.equal(sub.body, "the sub/ key");
      assertXCache(await d.get("/"), "Hit from cloudfront");
      // docs/edge.md §15: the default root object is invalidated by its own path.
      await s3c().send(new PutObjectCommand({ Bucket: "edge-root", Key: "index.html", Body: "the new root page" }));
      await cloudfront().send(new CreateInvalidationCommand({ DistributionId: d.id, InvalidationBatch: { CallerReference: "dro", Paths: list(["/index.html"]) } }));
      const fresh = await d.get("/");
      assert.equal(fresh.body, "the new root page");
      assertXCache(fresh, "Miss from cloudfront");

      // And with a custom origin, as the origin sees it.
      const c = await simple({}, { DefaultRootObject: "home.html" });
      await c.get("/?lang=en");
      assert.equal(origin.hits("/home.html"), 1, "GET / asks the origin for /home.html");
      await c.get("/dro-sub/");
      assert.equal(origin.hits("/dro-sub/"), 1);
      assert.equal(origin.hits("/dro-sub/home.html"), 0);
    });
  });

  describe("methods and viewer protocol (docs/edge.md §4, §5)", () => {
    it("answers a method outside AllowedMethods with 403 Error from cloudfront, without asking the origin", async () => {
      const d = await simple();
      for (const method of ["POST", "DELETE", "OPTIONS"]) {
        const res = await d.get("/methods/denied", { method, body: method === "POST" ? "x=1" : undefined });
        assert.equal(res.status, 403, method);
        assertXCache(res, "Error from cloudfront", `${method} `);
        assert.match(header(res, "x-amz-cf-id") ?? "", X_CF_ID);
        assert.equal(header(res, "server"), "CloudFront", "CloudFront-generated responses carry Server: CloudFront");
      }
      assert.equal(origin.hits("/methods/denied"), 0);
    });

    it("answers plain HTTP with 403 when the viewer protocol policy is https-only", async () => {
      const d = await simple({ ViewerProtocolPolicy: "https-only" });
      const res = await d.get("/proto/https-only");
      assert.equal(res.status, 403);
      assertXCache(res, "Error from cloudfront");
      assert.equal(origin.hits("/proto/https-only"), 0);
    });

    it("redirects plain HTTP to HTTPS with 301 (GET) and 307 (POST) under redirect-to-https", async () => {
      const d = await simple({ ViewerProtocolPolicy: "redirect-to-https", AllowedMethods: { ...list(ALL_METHODS), CachedMethods: list(["GET", "HEAD"]) } });
      const res = await d.get("/proto/redirect/page?a=1&b=2");
      assert.equal(res.status, 301);
      assertXCache(res, "Redirect from cloudfront");
      const location = header(res, "location") ?? "";
      // The viewer's Host carries the emulator's port; whether the redirect keeps it is not pinned down.
      assert.match(location, new RegExp(`^https://${d.domain.replace(/\./g, "\\.")}(:\\d+)?/proto/redirect/page\\?a=1&b=2$`));
      const post = await d.get("/proto/redirect/form", { method: "POST", body: "x=1" });
      assert.equal(post.status, 307);
      assertXCache(post, "Redirect from cloudfront");
      assert.equal(origin.hits("/proto/redirect/page") + origin.hits("/proto/redirect/form"), 0);
    });

    it("proxies a POST with its body to the origin when all methods are allowed, and never caches it", async () => {
      origin.on("/methods/form", (req) => ({ body: `got ${req.method} ${req.body}`, headers: { "Cache-Control": "max-age=3600" } }));
      const d = await simple({ AllowedMethods: { ...list(ALL_METHODS), CachedMethods: list(["GET", "HEAD"]) } });
      for (const n of [1, 2]) {
        const res = await d.get("/methods/form", { method: "POST", body: `field=${n}`, headers: { "Content-Type": "application/x-www-form-urlencoded" } });
        assert.equal(res.status, 200);
        assert.equal(res.body, `got POST field=${n}`);
        assertXCache(res, "Miss from cloudfront", `POST ${n} `);
        const received = origin.last("/methods/form");
        assert.equal(received.method, "POST");
        assert.equal(received.body, `field=${n}`);
        assert.equal(received.headers["content-type"], "application/x-www-form-urlencoded");
      }
      assert.equal(origin.hits("/methods/form"), 2, "each POST reaches the origin");
      const get = await d.get("/methods/form");
      assertXCache(get, "Miss from cloudfront", "a GET after POSTs: the POSTs were not cached ");
      assert.equal(get.body, "got GET ");
      const del = await d.get("/methods/form", { method: "DELETE" });
      assert.equal(origin.last("/methods/form").method, "DELETE");
      assertXCache(del, "Miss from cloudfront");
    });
  });

  describe("conditional, Range and HEAD requests answered from the cache (docs/edge.md §12)", () => {
    it("answers If-None-Match, If-Modified-Since, Range and HEAD from the cached object", async () => {
      const lastModified = new Date(clock.now() - 3_600_000).toUTCString();
      origin.on("/cond/object.txt", { body: "0123456789", headers: { ETag: '"abc"', "Last-Modified": lastModified, "Cache-Control": "max-age=3600" } });
      const d = await simple();
      assertXCache(await d.get("/cond/object.txt"), "Miss from cloudfront");

      const notModified = await d.get("/cond/object.txt", { headers: { "If-None-Match": '"abc"' } });
      assert.equal(notModified.status, 304);
      assert.equal(notModified.body, "");
      assertXCache(notModified, "Hit from cloudfront");
      assert.equal(header(notModified, "etag"), '"abc"');

      const weak = await d.get("/cond/object.txt", { headers: { "If-None-Match": 'W/"abc"' } });
      assert.equal(weak.status, 304, "If-None-Match uses the weak comparison");

      const changed = await d.get("/cond/object.txt", { headers: { "If-None-Match": '"other"' } });
      assert.equal(changed.status, 200);
      assert.equal(changed.body, "0123456789");

      const ims = await d.get("/cond/object.txt", { headers: { "If-Modified-Since": new Date(clock.now()).toUTCString() } });
      assert.equal(ims.status, 304);
      assertXCache(ims, "Hit from cloudfront");

      const range = await d.get("/cond/object.txt", { headers: { Range: "bytes=0-4" } });
      assert.equal(range.status, 206);
      assert.equal(range.body, "01234");
      assert.equal(header(range, "content-range"), "bytes 0-4/10");
      assert.equal(header(range, "content-length"), "5");
      assertXCache(range, "Hit from cloudfront");

      const suffix = await d.get("/cond/object.txt", { headers: { Range: "bytes=-3" } });
      assert.equal(suffix.status, 206);
      assert.equal(suffix.body, "789");

      const head = await d.get("/cond/object.txt", { method: "HEAD" });
      assert.equal(head.status, 200);
      assert.equal(head.body, "");
      assert.equal(header(head, "content-length"), "10");
      assert.equal(header(head, "etag"), '"abc"');
      assertXCache(head, "Hit from cloudfront");

      assert.equal(origin.hits("/cond/object.txt"), 1, "all answered from the cache");
      for (const r of origin.requests("/cond/object.txt")) {
        assert.equal(r.headers["if-none-match"], undefined);
        assert.equal(r.headers.range, undefined);
      }
    });

    it("shares the cache key between HEAD and GET: a HEAD miss fills the cache for GET", async () => {
      origin.on("/cond/head-first", { body: "full body", headers: { "Cache-Control": "max-age=3600" } });
      const d = await simple();
      const head = await d.get("/cond/head-first", { method: "HEAD" });
      assert.equal(head.status, 200);
      assert.equal(head.body, "");
      assertXCache(head, "Miss from cloudfront");
      const get = await d.get("/cond/head-first");
      assert.equal(get.body, "full body");
      assertXCache(get, "Hit from cloudfront");
      assert.equal(origin.hits("/cond/head-first"), 1);
    });
  });

  describe("origin failover (docs/edge.md §8)", () => {
    const groups = (codes: number[]) =>
      list([{ Id: "group", FailoverCriteria: { StatusCodes: list(codes) }, Members: { Quantity: 2, Items: [{ OriginId: "primary" }, { OriginId: "secondary" }] } }]);

    it("fails over to the secondary on a configured status code, for GET only", async () => {
      const secondary = new TestOrigin();
      await secondary.start();
      try {
        origin.on("/fo/page", { status: 503, body: "primary down" });
        secondary.on("/fo/page", { body: "from the secondary", headers: { "Cache-Control": "max-age=60" } });
        const d = await distribution([customOrigin("primary", origin), customOrigin("secondary", secondary)], legacy("group", { AllowedMethods: { Quantity: 7, Items: ALL_METHODS, CachedMethods: { Quantity: 2, Items: ["GET", "HEAD"] } } }), {
          OriginGroups: groups([500, 502, 503, 504]),
        });
        const res = await d.get("/fo/page");
        assert.equal(res.status, 200);
        assert.equal(res.body, "from the secondary");
        assert.equal(origin.hits("/fo/page"), 1);
        assert.equal(secondary.hits("/fo/page"), 1);
        const post = await d.get("/fo/page", { method: "POST", body: "x" });
        assert.equal(post.status, 503, "POST never fails over");
      } finally {
        await secondary.close();
      }
    });

    it("fails over when the primary cannot be reached, and not on a status outside the criteria", async () => {
      const secondary = new TestOrigin();
      await secondary.start();
      try {
        const probe = createServer();
        await new Promise<void>((r) => probe.listen(0, "127.0.0.1", r));
        const deadPort = (probe.address() as AddressInfo).port;
        await new Promise<void>((r) => probe.close(() => r()));
        secondary.on("/fo2/page", { body: "secondary answers" });
        const d = await distribution([customOrigin("primary", { port: deadPort }, { ConnectionAttempts: 1 }), customOrigin("secondary", secondary)], legacy("group"), { OriginGroups: groups([500]) });
        assert.equal((await d.get("/fo2/page")).body, "secondary answers");

        origin.on("/fo3/page", { status: 404, body: "not here" });
        const d2 = await distribution([customOrigin("primary", origin), customOrigin("secondary", secondary)], legacy("group"), { OriginGroups: groups([500]) });
        const res = await d2.get("/fo3/page");
        assert.equal(res.status, 404);
        assert.equal(secondary.hits("/fo3/page"), 0);
      } finally {
        await secondary.close();
      }
    });
  });

  describe("stale-while-revalidate and stale-if-error (docs/edge.md §9.3)", () => {
    it("serves an expired object at once within stale-while-revalidate and refreshes it in the background", async () => {
      let version = "old";
      origin.on("/swr/page", () => ({ body: version, headers: { "Cache-Control": "max-age=10, stale-while-revalidate=30" } }));
      const d = await simple();
      assert.equal((await d.get("/swr/page")).body, "old");
      version = "new";
      seconds(15);
      const stale = await d.get("/swr/page");
      assert.equal(stale.body, "old", "answered from the expired copy");
      assertXCache(stale, "Hit from cloudfront");
      for (let i = 0; i < 200 && origin.hits("/swr/page") < 2; i++) await new Promise((r) => setTimeout(r, 5));
      assert.equal(origin.hits("/swr/page"), 2, "the edge refreshed it in the background");
      for (let i = 0; i < 200; i++) {
        const fresh = await d.get("/swr/page");
        if (fresh.body === "new") break;
        await new Promise((r) => setTimeout(r, 5));
      }
      const after = await d.get("/swr/page");
      assert.equal(after.body, "new");
      assertXCache(after, "Hit from cloudfront");
    });

    it("stops serving the expired copy on origin errors once stale-if-error has run out", async () => {
      let failing = false;
      origin.on("/sie/page", (): Reply => (failing ? { status: 503, body: "busy" } : { body: "good", headers: { "Cache-Control": "max-age=10, stale-if-error=5" } }));
      const d = await simple();
      await d.get("/sie/page");
      failing = true;
      seconds(12);
      assert.equal((await d.get("/sie/page")).body, "good", "2 s past expiry: within stale-if-error");
      seconds(10);
      const res = await d.get("/sie/page");
      assert.equal(res.status, 503, "12 s past expiry: the error goes through");
    });
  });

  describe("request collapsing (docs/edge.md §6.4)", () => {
    it("sends concurrent misses for one object to the origin once and serves the followers as Hits", async () => {
      let release: () => void = () => undefined;
      const gate = new Promise<void>((r) => (release = r));
      origin.on("/collapse/obj", async () => {
        await gate;
        return { body: "collapsed", headers: { "Cache-Control": "max-age=60" } };
      });
      const d = await simple();
      const requests = Array.from({ length: 5 }, () => d.get("/collapse/obj"));
      await new Promise((r) => setTimeout(r, 100));
      release();
      const results = await Promise.all(requests);
      assert.equal(origin.hits("/collapse/obj"), 1);
      for (const r of results) assert.equal(r.body, "collapsed");
      assert.deepEqual(results.map((r) => header(r, "x-cache")).sort(), ["Hit from cloudfront", "Hit from cloudfront", "Hit from cloudfront", "Hit from cloudfront", "Miss from cloudfront"]);
    });
  });

  describe("compression (docs/edge.md §13, §6.2)", () => {
    /** A GET whose body comes back as raw bytes (compressed bodies are not text). */
    function getRaw(host: string, path: string, acceptEncoding?: string): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> {
      return new Promise((resolve, reject) => {
        const r = request({ host: "127.0.0.1", port: t.emu.port, path, headers: { host, ...(acceptEncoding ? { "accept-encoding": acceptEncoding } : {}) }, agent: false }, (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
          res.on("error", reject);
        });
        r.on("error", reject);
        r.end();
      });
    }
    const page = "<p>compress me</p>".repeat(200);

    it("compresses with Brotli or gzip per Accept-Encoding, caches each coding separately, weakens the ETag", async () => {
      origin.on("/cz/page.html", { body: page, headers: { "Content-Type": "text/html", ETag: '"p1"' } });
      const d = await distribution([customOrigin("o", origin)], { ...withPolicy("o", CACHING_OPTIMIZED), Compress: true });
      const br = await getRaw(d.host, "/cz/page.html", "gzip, deflate, br");
      assert.equal(br.headers["content-encoding"], "br");
      assert.equal(brotliDecompressSync(br.body).toString(), page);
      assert.equal(br.headers["etag"], 'W/"p1"');
      assert.match(String(br.headers["vary"]), /Accept-Encoding/);
      assert.equal(origin.last("/cz/page.html").headers["accept-encoding"], "br,gzip", "the origin gets the normalized value");
      const gz = await getRaw(d.host, "/cz/page.html", "gzip");
      assert.equal(gz.headers["content-encoding"], "gzip");
      assert.equal(gunzipSync(gz.body).toString(), page);
      assert.equal(gz.headers["x-cache"], "Miss from cloudfront", "gzip is its own cache entry");
      const plain = await getRaw(d.host, "/cz/page.html");
      assert.equal(plain.headers["content-encoding"], undefined);
      assert.equal(plain.body.toString(), page);
      const again = await getRaw(d.host, "/cz/page.html", "br, gzip");
      assert.equal(again.headers["x-cache"], "Hit from cloudfront", "br,gzip normalizes to the same key as gzip, deflate, br");
      assert.equal(origin.hits("/cz/page.html"), 3);
    });

    it("leaves alone small bodies, unlisted types, origin-encoded bodies, and behaviors without Compress", async () => {
      origin.on("/cz/small.html", { body: "<p>tiny</p>", headers: { "Content-Type": "text/html" } });
      origin.on("/cz/image.png", { body: "x".repeat(5000), headers: { "Content-Type": "image/png" } });
      origin.on("/cz/pre.txt", { body: "already", headers: { "Content-Type": "text/plain", "Content-Encoding": "x-custom" } });
      const d = await distribution([customOrigin("o", origin)], { ...withPolicy("o", CACHING_OPTIMIZED), Compress: true });
      assert.equal((await getRaw(d.host, "/cz/small.html", "gzip")).headers["content-encoding"], undefined);
      assert.equal((await getRaw(d.host, "/cz/image.png", "gzip")).headers["content-encoding"], undefined);
      assert.equal((await getRaw(d.host, "/cz/pre.txt", "gzip")).headers["content-encoding"], "x-custom");
      origin.on("/cz/off.html", { body: page, headers: { "Content-Type": "text/html" } });
      const off = await distribution([customOrigin("o", origin)], withPolicy("o", CACHING_OPTIMIZED));
      assert.equal((await getRaw(off.host, "/cz/off.html", "gzip")).headers["content-encoding"], undefined);
    });
  });

  describe("custom error responses (docs/edge.md §10)", () => {
    it("serves a single-page app: a missing path gets /index.html with status 200", async () => {
      await bucket("spa-site", { "index.html": "<app shell>", "assets/app.js": "js" });
      const d = await distribution([s3Origin("spa", "spa-site")], legacy("spa"), {
        DefaultRootObject: "index.html",
        CustomErrorResponses: list([
          { ErrorCode: 404, ResponsePagePath: "/index.html", ResponseCode: "200", ErrorCachingMinTTL: 10 },
          { ErrorCode: 403, ResponsePagePath: "/index.html", ResponseCode: "200", ErrorCachingMinTTL: 10 },
        ]),
      });
      const route = await d.get("/dashboard/settings");
      assert.equal(route.status, 200);
      assert.equal(route.body, "<app shell>");
      assertXCache(route, "Error from cloudfront", "a custom error page is still an error result ");
      const asset = await d.get("/assets/app.js");
      assert.equal(asset.body, "js");
      assertXCache(asset, "Miss from cloudfront");
    });

    it("keeps the original status when ResponseCode says so, and uses the page's content type", async () => {
      origin.on("/errors/404.html", { body: "<h1>not here</h1>", headers: { "Content-Type": "text/html" } });
      origin.on("/cep/missing", { status: 404, body: "origin 404" });
      const d = await simple({}, { CustomErrorResponses: list([{ ErrorCode: 404, ResponsePagePath: "/errors/404.html", ResponseCode: "404" }]) });
      const res = await d.get("/cep/missing");
      assert.equal(res.status, 404);
      assert.equal(res.body, "<h1>not here</h1>");
      assert.equal(header(res, "content-type"), "text/html");
      // The error and the page are both cached: neither is fetched again within the error TTL.
      const before = origin.hits("/cep/missing");
      const again = await d.get("/cep/missing");
      assert.equal(again.body, "<h1>not here</h1>");
      assert.equal(origin.hits("/cep/missing"), before);
      assert.equal(origin.hits("/errors/404.html"), 1);
    });

    it("replaces a 502 from an unreachable origin with the page from another behavior's origin", async () => {
      await bucket("cep-pages", { "oops.html": "we are down" });
      const probe = createServer();
      await new Promise<void>((r) => probe.listen(0, "127.0.0.1", r));
      const deadPort = (probe.address() as AddressInfo).port;
      await new Promise<void>((r) => probe.close(() => r()));
      const d = await distribution([customOrigin("dead", { port: deadPort }, { ConnectionAttempts: 1, ConnectionTimeout: 1 }), s3Origin("pages", "cep-pages")], legacy("dead"), {
        CacheBehaviors: list([{ ...legacy("pages"), PathPattern: "/oops.html" } as never]),
        CustomErrorResponses: list([{ ErrorCode: 502, ResponsePagePath: "/oops.html", ResponseCode: "503" }]),
      });
      const res = await d.get("/anything");
      assert.equal(res.status, 503);
      assert.equal(res.body, "we are down");
    });

    it("returns the page's own error when the error page cannot be fetched", async () => {
      origin.on("/cep2/missing", { status: 404, body: "origin 404" });
      origin.on("/no-such-page.html", { status: 404, body: "no page either" });
      const d = await simple({}, { CustomErrorResponses: list([{ ErrorCode: 404, ResponsePagePath: "/no-such-page.html", ResponseCode: "200" }]) });
      const res = await d.get("/cep2/missing");
      assert.equal(res.status, 404);
      assertXCache(res, "Error from cloudfront");
    });
  });

  describe("error caching (docs/edge.md §9.4)", () => {
    it("caches an origin 404 for the default ErrorCachingMinTTL of 10 s", async () => {
      origin.on("/err/missing", { status: 404, body: "not here" });
      const d = await simple();
      const first = await d.get("/err/missing");
      assert.equal(first.status, 404);
      assertXCache(first, "Error from cloudfront");
      const second = await d.get("/err/missing");
      assert.equal(second.status, 404);
      assert.equal(second.body, "not here");
      assertXCache(second, "Error from cloudfront");
      assert.equal(origin.hits("/err/missing"), 1, "the cached error is served without asking the origin");
      seconds(9);
      await d.get("/err/missing");
      assert.equal(origin.hits("/err/missing"), 1, "still cached at 9 s");
      seconds(2);
      const later = await d.get("/err/missing");
      assert.equal(later.status, 404);
      assert.equal(origin.hits("/err/missing"), 2, "asked again after 11 s");
    });

    it("does not cache an origin 403 without max-age, but caches one with max-age", async () => {
      origin.on("/err/forbidden", { status: 403, body: "no" });
      origin.on("/err/forbidden-cached", { status: 403, body: "no", headers: { "Cache-Control": "max-age=30" } });
      const d = await simple();
      for (let i = 0; i < 2; i++) {
        const res = await d.get("/err/forbidden");
        assert.equal(res.status, 403);
        assertXCache(res, "Error from cloudfront");
        await d.get("/err/forbidden-cached");
      }
      assert.equal(origin.hits("/err/forbidden"), 2, "403 without max-age is not cached");
      assert.equal(origin.hits("/err/forbidden-cached"), 1, "403 with max-age=30 is cached");
      seconds(20);
      await d.get("/err/forbidden-cached");
      assert.equal(origin.hits("/err/forbidden-cached"), 1, "for max(10, 30) s");
    });

    it("caches an origin 404 for ErrorCachingMinTTL 60 s from a CustomErrorResponses entry", async () => {
      origin.on("/err/custom-ttl", { status: 404, body: "gone for a minute" });
      const d = await simple({}, { CustomErrorResponses: list([{ ErrorCode: 404, ErrorCachingMinTTL: 60 }]) });
      await d.get("/err/custom-ttl");
      seconds(30);
      const cached = await d.get("/err/custom-ttl");
      assert.equal(cached.status, 404);
      assertXCache(cached, "Error from cloudfront");
      seconds(29);
      await d.get("/err/custom-ttl");
      assert.equal(origin.hits("/err/custom-ttl"), 1, "still cached at 59 s");
      seconds(2);
      await d.get("/err/custom-ttl");
      assert.equal(origin.hits("/err/custom-ttl"), 2, "asked again after 60 s");
    });

    it("caches an origin 404 for its max-age when longer than ErrorCachingMinTTL", async () => {
      origin.on("/err/missing-long", { status: 404, body: "not here for long", headers: { "Cache-Control": "max-age=120" } });
      const d = await simple();
      await d.get("/err/missing-long");
      seconds(100);
      assertXCache(await d.get("/err/missing-long"), "Error from cloudfront");
      assert.equal(origin.hits("/err/missing-long"), 1, "cached for max(10, 120) s");
      seconds(21);
      await d.get("/err/missing-long");
      assert.equal(origin.hits("/err/missing-long"), 2);
    });

    it("caches an origin 503 too (always-cached statuses)", async () => {
      origin.on("/err/unavailable", { status: 503, body: "busy" });
      const d = await simple();
      const first = await d.get("/err/unavailable");
      assert.equal(first.status, 503);
      assertXCache(first, "Error from cloudfront");
      await d.get("/err/unavailable");
      assert.equal(origin.hits("/err/unavailable"), 1);
    });
  });

  describe("origin failures (docs/edge.md §7.3, §17)", () => {
    it("answers 502 Error from cloudfront when the origin refuses the connection", async () => {
      // A port that was just free: nothing listens there.
      const probe = createServer();
      await new Promise<void>((r) => probe.listen(0, "127.0.0.1", r));
      const deadPort = (probe.address() as AddressInfo).port;
      await new Promise<void>((r) => probe.close(() => r()));
      const d = await distribution([customOrigin("dead", { port: deadPort }, { ConnectionAttempts: 1 })], legacy("dead"));
      const res = await d.get("/down/page");
      assert.equal(res.status, 502);
      assertXCache(res, "Error from cloudfront");
      assert.match(header(res, "x-amz-cf-id") ?? "", X_CF_ID);
    });

    it("answers 504 Error from cloudfront when the origin never answers within OriginReadTimeout", async () => {
      origin.on("/down/hang", () => "hang");
      const d = await distribution([customOrigin("slow", origin, { ConnectionAttempts: 1 }, 1)], legacy("slow"));
      const res = await d.get("/down/hang");
      assert.equal(res.status, 504);
      assertXCache(res, "Error from cloudfront");
    });

    it("serves the expired copy instead of an origin 5xx or an unreachable origin, and keeps it (docs/edge.md §9.3)", async () => {
      let failing = false;
      origin.on("/down/stale", (): Reply => (failing ? { status: 503, body: "busy" } : { body: "good copy", headers: { "Cache-Control": "max-age=10" } }));
      const d = await simple();
      assert.equal((await d.get("/down/stale")).body, "good copy");
      failing = true;
      seconds(11);
      const stale = await d.get("/down/stale");
      assert.equal(stale.status, 200);
      assert.equal(stale.body, "good copy");
      assert.equal(origin.hits("/down/stale"), 2, "the edge did ask the origin");
      failing = false;
      const again = await d.get("/down/stale");
      assert.equal(again.body, "good copy");
      assertXCache(again, "Miss from cloudfront", "the origin is healthy again: fetched ");
    });
  });

  describe("origin connections (docs/edge.md §7.3)", () => {
    const keepAlive = new TestOrigin();
    before(() => keepAlive.start());
    after(() => keepAlive.close());

    it("reuses keep-alive connections to an origin without piling up listeners on the socket", async () => {
      // A fresh origin port gets fresh pooled sockets, so a leak shows up as a new warning here.
      const warnings: string[] = [];
      const onWarning = (w: Error) => {
        if (w.name === "MaxListenersExceededWarning") warnings.push(w.message);
      };
      process.on("warning", onWarning);
      try {
        const d = await distribution([customOrigin("keep-alive", keepAlive)], withPolicy("keep-alive", CACHING_DISABLED));
        for (let i = 0; i < 15; i++) assert.equal((await d.get(`/reuse/${i}`)).status, 200);
        await new Promise((r) => setImmediate(r));
        assert.equal(keepAlive.received.length, 15, "every request reached the origin");
      } finally {
        process.off("warning", onWarning);
      }
      assert.deepEqual(warnings, [], "no MaxListenersExceededWarning from the origin sockets");
    });
  });

  describe("forwarding to the origin (docs/edge.md §7.2)", () => {
    it("sends X-Forwarded-For, Via, X-Amz-Cf-Id, User-Agent: Amazon CloudFront, origin custom headers and Host = origin domain, under the OriginPath", async () => {
      const d = await simple(
        {},
        {},
        { OriginPath: "/base", CustomHeaders: list([{ HeaderName: "X-Origin-Secret", HeaderValue: "s3cr3t" }]) },
      );
      const res = await d.get("/fwd/page?q=1", {
        headers: {
          "User-Agent": "my-agent/1.0",
          "X-Forwarded-For": "203.0.113.7",
          "X-Origin-Secret": "forged",
          "X-Viewer-Custom": "kept",
          Cookie: "session=abc",
          Authorization: "Bearer token",
          "Accept-Language": "fr",
          Referer: "http://example.com/",
        },
      });
      assert.equal(res.status, 200);
      assert.equal(origin.hits("/fwd/page"), 0, "the path is not requested without OriginPath");
      const got = origin.last("/base/fwd/page");
      assert.equal(got.url, "/base/fwd/page", "OriginPath prepended; the query string is not forwarded (QueryString false)");
      assert.match(got.headers.host ?? "", new RegExp(`^127\\.0\\.0\\.1(:${origin.port})?$`), "Host is the origin's domain");
      assert.equal(got.headers["user-agent"], "Amazon CloudFront", "the viewer's User-Agent is not forwarded");
      assert.match(String(got.headers["x-forwarded-for"]), /^203\.0\.113\.7,\s*127\.0\.0\.1$/, "the viewer's address appended to its X-Forwarded-For");
      assert.match(String(got.headers.via), VIA);
      assert.equal(got.headers["x-amz-cf-id"], header(res, "x-amz-cf-id"), "the origin sees the viewer's request id");
      assert.equal(got.headers["x-origin-secret"], "s3cr3t", "origin custom headers overwrite the viewer's");
      assert.equal(got.headers["x-viewer-custom"], "kept", "other custom headers are forwarded as-is");
      for (const removed of ["cookie", "authorization", "accept-language", "referer"]) {
        assert.equal(got.headers[removed], undefined, `${removed} is not forwarded by default`);
      }

      await d.get("/fwd/plain");
      assert.equal(origin.last("/base/fwd/plain").headers["x-forwarded-for"], "127.0.0.1", "X-Forwarded-For is the viewer's address");
    });
  });

  describe("distribution lookup (docs/edge.md §2)", () => {
    it("answers 403 for a disabled distribution", async () => {
      const d = await simple({}, { Enabled: false });
      const res = await d.get("/disabled/page");
      assert.equal(res.status, 403);
      assertXCache(res, "Error from cloudfront");
      assert.equal(origin.hits("/disabled/page"), 0);
    });

    it("serves a distribution by its alias (Host = the alternate domain name)", async () => {
      origin.on("/alias/page", { body: "served by alias" });
      const alias = "cdn.edge-test.example.com";
      const d = await simple(
        {},
        {
          Aliases: list([alias]),
          ViewerCertificate: { ACMCertificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/abc", SSLSupportMethod: "sni-only", MinimumProtocolVersion: "TLSv1.2_2021" },
        },
      );
      const byAlias = await send(`${alias}:${t.emu.port}`, "/alias/page");
      assert.equal(byAlias.status, 200);
      assert.equal(byAlias.body, "served by alias");
      assertXCache(byAlias, "Miss from cloudfront");
      const byDomain = await d.get("/alias/page");
      assertXCache(byDomain, "Hit from cloudfront", "the alias and the domain name share one cache ");
      const upper = await send(`CDN.Edge-Test.example.com:${t.emu.port}`, "/alias/page");
      assert.equal(upper.body, "served by alias", "host names are case-insensitive");
    });
  });

  describe("invalidations (docs/edge.md §15, docs/control-plane.md)", () => {
    async function invalidate(id: string, paths: string[], callerReference = `inv-${++refs}`) {
      return cloudfront().send(new CreateInvalidationCommand({ DistributionId: id, InvalidationBatch: { CallerReference: callerReference, Paths: list(paths) } }));
    }

    it("purges exactly the invalidated path (and its cached error) and fetches it again", async () => {
      origin.on("/inv/exact/missing", { status: 404, body: "nope" });
      const d = await simple();
      for (const p of ["/inv/exact/a", "/inv/exact/b", "/inv/exact/missing"]) await d.get(p);
      await invalidate(d.id, ["/INV/exact/b"]);
      assertXCache(await d.get("/inv/exact/b"), "Hit from cloudfront", "invalidation paths are case-sensitive ");
      await invalidate(d.id, ["/inv/exact/a", "/inv/exact/missing"]);
      assertXCache(await d.get("/inv/exact/a"), "Miss from cloudfront", "/inv/exact/a was purged ");
      assertXCache(await d.get("/inv/exact/b"), "Hit from cloudfront", "/inv/exact/b was not ");
      await d.get("/inv/exact/missing");
      assert.equal(origin.hits("/inv/exact/a"), 2, "the purged object is fetched again");
      assert.equal(origin.hits("/inv/exact/b"), 1);
      assert.equal(origin.hits("/inv/exact/missing"), 2, "the cached 404 was purged as well");
    });

    it("purges everything below /images/ with /images/*, and everything with /*", async () => {
      const d = await simple();
      const paths = ["/images/1.png", "/images/deep/2.png", "/imagesX.png", "/css/site.css"];
      for (const p of paths) await d.get(p);
      await invalidate(d.id, ["/images/*"]);
      assertXCache(await d.get("/images/1.png"), "Miss from cloudfront", "/images/1.png ");
      assertXCache(await d.get("/images/deep/2.png"), "Miss from cloudfront", "/images/deep/2.png (`*` crosses /) ");
      assertXCache(await d.get("/imagesX.png"), "Hit from cloudfront", "/imagesX.png is not below /images/ ");
      assertXCache(await d.get("/css/site.css"), "Hit from cloudfront", "/css/site.css ");
      await invalidate(d.id, ["/*"]);
      for (const p of paths) assertXCache(await d.get(p), "Miss from cloudfront", `${p} after /* `);
    });

    it("with query strings in the key, /p leaves /p?x=1 cached but /p* purges it", async () => {
      const d = await simple({ ForwardedValues: { QueryString: true, Cookies: { Forward: "none" } } });
      await d.get("/inv/qs/p");
      await d.get("/inv/qs/p?x=1");
      await invalidate(d.id, ["/inv/qs/p"]);
      assertXCache(await d.get("/inv/qs/p"), "Miss from cloudfront", "/p ");
      assertXCache(await d.get("/inv/qs/p?x=1"), "Hit from cloudfront", "/p?x=1 after invalidating /p ");
      await invalidate(d.id, ["/inv/qs/p*"]);
      assertXCache(await d.get("/inv/qs/p?x=1"), "Miss from cloudfront", "/p?x=1 after invalidating /p* ");
      assert.equal(origin.requests("/inv/qs/p").filter((r) => r.query === "x=1").length, 2);
    });

    it("purges every header and cookie variant of a path", async () => {
      const d = await simple({ ForwardedValues: { QueryString: false, Cookies: { Forward: "all" }, Headers: list(["X-Variant"]) } });
      const variants: Record<string, string>[] = [{ "X-Variant": "a" }, { "X-Variant": "b" }, { "X-Variant": "a", Cookie: "k=1" }];
      for (const h of variants) await d.get("/inv/variants", { headers: h });
      assert.equal(origin.hits("/inv/variants"), 3);
      await invalidate(d.id, ["/inv/variants"]);
      for (const h of variants) assertXCache(await d.get("/inv/variants", { headers: h }), "Miss from cloudfront", `${JSON.stringify(h)} `);
      assert.equal(origin.hits("/inv/variants"), 6);
    });

    it("CreateInvalidation returns InProgress and a Location; Get and List show it Completed; a reused CallerReference returns the same invalidation", async () => {
      const d = await simple();
      const created = await invalidate(d.id, ["/api/a", "/api/b*"], "same-ref");
      const inv = created.Invalidation ?? assert.fail("no invalidation");
      assert.equal(created.$metadata.httpStatusCode, 201);
      assert.equal(inv.Status, "InProgress");
      assert.match(inv.Id ?? "", /^I[A-Z0-9]+$/);
      assert.equal(created.Location, `${t.emu.controlUrl}/2020-05-31/distribution/${d.id}/invalidation/${inv.Id}`);
      assert.deepEqual(inv.InvalidationBatch?.Paths?.Items, ["/api/a", "/api/b*"]);
      assert.equal(inv.InvalidationBatch?.CallerReference, "same-ref");

      const got = await cloudfront().send(new GetInvalidationCommand({ DistributionId: d.id, Id: inv.Id }));
      assert.equal(got.Invalidation?.Status, "Completed");
      assert.equal(got.Invalidation?.Id, inv.Id);
      assert.deepEqual(got.Invalidation?.InvalidationBatch?.Paths?.Items, ["/api/a", "/api/b*"]);

      const second = await invalidate(d.id, ["/api/c"]);
      const listed = await cloudfront().send(new ListInvalidationsCommand({ DistributionId: d.id }));
      const items = listed.InvalidationList?.Items ?? [];
      assert.equal(listed.InvalidationList?.Quantity, 2);
      assert.deepEqual(
        items.map((i) => i.Id),
        [second.Invalidation?.Id, inv.Id],
        "newest first",
      );
      assert.ok(items.every((i) => i.Status === "Completed"));

      const again = await invalidate(d.id, ["/api/a", "/api/b*"], "same-ref");
      assert.equal(again.Invalidation?.Id, inv.Id, "the same CallerReference and paths return the same invalidation");
      const afterReuse = await cloudfront().send(new ListInvalidationsCommand({ DistributionId: d.id }));
      assert.equal(afterReuse.InvalidationList?.Quantity, 2, "no new invalidation was created");
    });

    it("rejects a path without a leading /, a * that is not last, and an unknown distribution", async () => {
      const d = await simple();
      await expectServiceError(invalidate(d.id, ["images/*"]), 400, "InvalidArgument");
      await expectServiceError(invalidate(d.id, ["/images/*.jpg"]), 400, "InvalidArgument");
      await expectServiceError(invalidate("E0000000000000", ["/*"]), 404, "NoSuchDistribution");
      await expectServiceError(cloudfront().send(new GetInvalidationCommand({ DistributionId: "E0000000000000", Id: "I0000000000000" })), 404, "NoSuchDistribution");
      await expectServiceError(cloudfront().send(new ListInvalidationsCommand({ DistributionId: "E0000000000000" })), 404, "NoSuchDistribution");
      await expectServiceError(cloudfront().send(new GetInvalidationCommand({ DistributionId: d.id, Id: "I0000000000000" })), 404, "NoSuchInvalidation");
    });
  });
});
