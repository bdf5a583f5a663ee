// The edge's listeners and tiers end to end: the HTTPS listener with its generated certificate
// (verified, not skipped, by the client), the edge-only port, several POPs over one regional tier
// and Origin Shield, the disk tier for large objects, CloudFront-* viewer headers, and custom
// error pages for CloudFront's own 403s. docs/edge.md §0, §2, §5, §7.2, §10, §16.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { request as httpsRequest } from "node:https";
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { X509Certificate } from "node:crypto";
import { CreateDistributionCommand, CreateInvalidationCommand, type CloudFrontClient, type DefaultCacheBehavior, type DistributionConfig, type Origin } from "@aws-sdk/client-cloudfront";
import { CreateBucketCommand, PutBucketPolicyCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { ManualClock } from "../../src/index.ts";
import { CREDENTIALS, useEmulator } from "../helpers/emulator.ts";
import { TestOrigin, header, sendToEdge, type EdgeResponse, type ViewerRequest } from "../helpers/test-origin.ts";

const list = <T>(items: readonly T[]) => ({ Quantity: items.length, Items: [...items] });
const CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6";
const ALL_VIEWER_AND_CLOUDFRONT_HEADERS = "33f36d7e-f396-46d9-90e0-52428a34d9dc";

/** One HTTPS request to 127.0.0.1:`port` as `host`, trusting only `ca` and checking the name. */
function sendHttps(port: number, host: string, path: string, ca: string, req: ViewerRequest = {}): Promise<EdgeResponse> {
  return new Promise((resolve, reject) => {
    const r = httpsRequest(
      { host: "127.0.0.1", port, path, method: req.method ?? "GET", headers: { ...req.headers, host }, servername: host.replace(/:\d+$/, ""), ca, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }));
        res.on("error", reject);
      },
    );
    r.on("error", reject);
    r.end(req.body);
  });
}

describe("edge listeners, POPs, tiers and the disk tier", () => {
  const clock = new ManualClock();
  const t = useEmulator({ clock, httpsPort: 0, edgePort: 0, pop: "LOC50-C1,LOC52-C2", memoryObjectBytes: 4096 });
  const origin = new TestOrigin();
  let cf: CloudFrontClient | undefined;
  let refs = 0;
  before(async () => {
    await origin.start();
    cf = t.cloudfront();
  });
  after(async () => {
    cf?.destroy();
    await origin.close();
  });

  function customOrigin(extra: Partial<Origin> = {}): Origin {
    return { Id: "o", DomainName: "127.0.0.1", CustomOriginConfig: { HTTPPort: origin.port, HTTPSPort: 443, OriginProtocolPolicy: "http-only" }, ...extra };
  }

  async function distribution(behavior: Partial<DefaultCacheBehavior> = {}, extra: Partial<DistributionConfig> = {}, originExtra: Partial<Origin> = {}) {
    const out = await (cf as CloudFrontClient).send(
      new CreateDistributionCommand({
        DistributionConfig: {
          CallerReference: `listeners-${++refs}`,
          Comment: "",
          Enabled: true,
          Origins: list([customOrigin(originExtra)]),
          DefaultCacheBehavior: { TargetOriginId: "o", ViewerProtocolPolicy: "allow-all", CachePolicyId: CACHING_OPTIMIZED, ...behavior },
          ...extra,
        },
      }),
    );
    const id = out.Distribution?.Id as string;
    const domain = out.Distribution?.DomainName as string;
    return { id, domain, get: (path: string, req?: ViewerRequest) => sendToEdge(t.emu.port, `${domain}:${t.emu.port}`, path, req) };
  }

  describe("HTTPS", () => {
    it("serves distributions over HTTPS with a generated certificate for *.<domain-suffix>", async () => {
      const tls = t.emu.tls ?? assert.fail("no TLS material");
      assert.equal(tls.selfSigned, true);
      assert.ok(tls.certPath.startsWith(t.emu.options.tlsDir), "the generated local CA is kept in --tls-dir, not the data dir");
      const x = new X509Certificate(tls.cert);
      assert.match(x.subjectAltName ?? "", /DNS:\*\.cloudfront\.localhost/);
      origin.on("/tls/page", { body: "over tls", headers: { "Cache-Control": "max-age=60" } });
      const d = await distribution({ ViewerProtocolPolicy: "https-only" });
      const port = t.emu.httpsPort ?? assert.fail("no HTTPS port");
      const res = await sendHttps(port, `${d.domain}:${port}`, "/tls/page", tls.cert);
      assert.equal(res.status, 200);
      assert.equal(res.body, "over tls");
      assert.equal(header(res, "x-cache"), "Miss from cloudfront");
      const again = await sendHttps(port, `${d.domain}:${port}`, "/tls/page", tls.cert);
      assert.equal(header(again, "x-cache"), "Hit from cloudfront");
      const plain = await d.get("/tls/page");
      assert.equal(plain.status, 403, "https-only still refuses plain HTTP");
    });

    it("redirects plain HTTP to the HTTPS listener's port under redirect-to-https", async () => {
      const d = await distribution({ ViewerProtocolPolicy: "redirect-to-https" });
      const res = await d.get("/tls/redirect?x=1");
      assert.equal(res.status, 301);
      assert.equal(header(res, "location"), `https://${d.domain}:${t.emu.httpsPort}/tls/redirect?x=1`);
      const followed = await sendHttps(t.emu.httpsPort as number, `${d.domain}:${t.emu.httpsPort}`, "/tls/redirect?x=1", (t.emu.tls as { cert: string }).cert);
      assert.equal(followed.status, 200);
      assert.equal(followed.body, "origin /tls/redirect");
    });

    it("tells the origin the viewer used HTTPS through CloudFront-Forwarded-Proto and CloudFront-Viewer-TLS", async () => {
      const d = await distribution({ CachePolicyId: "4135ea2d-6df8-44a3-9df3-4b5a84be39ad", OriginRequestPolicyId: ALL_VIEWER_AND_CLOUDFRONT_HEADERS });
      await sendHttps(t.emu.httpsPort as number, `${d.domain}:${t.emu.httpsPort}`, "/tls/proto", (t.emu.tls as { cert: string }).cert);
      const got = origin.last("/tls/proto").headers;
      assert.equal(got["cloudfront-forwarded-proto"], "https");
      assert.match(String(got["cloudfront-viewer-tls"]), /^TLSv1\.[23]:[A-Z0-9_-]+:(fullHandshake|sessionResumed)$/);
      await d.get("/tls/proto");
      const plain = origin.last("/tls/proto").headers;
      assert.equal(plain["cloudfront-forwarded-proto"], "http");
      assert.equal(plain["cloudfront-viewer-tls"], undefined);
    });

    it("serves the CloudFront API over HTTPS too", async () => {
      const res = await sendHttps(t.emu.httpsPort as number, `localhost:${t.emu.httpsPort}`, "/2020-05-31/distribution", (t.emu.tls as { cert: string }).cert);
      assert.equal(res.status, 200);
      assert.match(res.body, /<DistributionList/);
    });
  });

  describe("the edge-only port", () => {
    it("serves distributions by Host and answers an unknown Host with CloudFront's 403", async () => {
      const d = await distribution();
      const port = t.emu.edgePort ?? assert.fail("no edge port");
      const ok = await sendToEdge(port, `${d.domain}:${port}`, "/edge-port/a");
      assert.equal(ok.status, 200);
      assert.equal(ok.body, "origin /edge-port/a");
      const unknown = await sendToEdge(port, `localhost:${port}`, "/2020-05-31/distribution");
      assert.equal(unknown.status, 403, "the API is not served on the edge-only port");
      assert.equal(header(unknown, "x-cache"), "Error from cloudfront");
      assert.equal(header(unknown, "server"), "CloudFront");
    });
  });

  describe("POPs and tiers (docs/edge.md §16)", () => {
    it("gives each POP its own cache in front of one regional tier", async () => {
      origin.on("/pops/a", { body: "pops a", headers: { "Cache-Control": "max-age=60" } });
      const d = await distribution();
      const first = await d.get("/pops/a");
      assert.equal(header(first, "x-amz-cf-pop"), "LOC50-C1", "the first POP is the default");
      assert.equal(header(first, "x-cache"), "Miss from cloudfront");
      const other = await d.get("/pops/a", { headers: { "X-Minifront-Pop": "loc52-c2" } });
      assert.equal(header(other, "x-amz-cf-pop"), "LOC52-C2");
      assert.equal(header(other, "x-cache"), "Hit from cloudfront", "the second POP is filled from the regional tier");
      assert.equal(origin.hits("/pops/a"), 1);
      assert.notEqual(header(first, "via"), header(other, "via"), "each POP is its own server");
      const unknown = await d.get("/pops/a", { headers: { "X-Minifront-Pop": "XYZ1-C1" } });
      assert.equal(header(unknown, "x-amz-cf-pop"), "LOC50-C1", "an unknown POP code falls back to the default");
      assert.equal(origin.last("/pops/a").headers["x-minifront-pop"], undefined, "the POP header is not sent to the origin");
    });

    it("purges every tier on invalidation, and Origin Shield collapses POP misses into one origin fetch", async () => {
      origin.on("/pops/shield", { body: "shielded", headers: { "Cache-Control": "max-age=60" } });
      const d = await distribution({}, {}, { OriginShield: { Enabled: true, OriginShieldRegion: "us-east-1" } });
      await d.get("/pops/shield");
      await d.get("/pops/shield", { headers: { "X-Minifront-Pop": "LOC52-C2" } });
      assert.equal(origin.hits("/pops/shield"), 1);
      await (cf as CloudFrontClient).send(new CreateInvalidationCommand({ DistributionId: d.id, InvalidationBatch: { CallerReference: "shield-1", Paths: list(["/pops/*"]) } }));
      const after = await d.get("/pops/shield", { headers: { "X-Minifront-Pop": "LOC52-C2" } });
      assert.equal(header(after, "x-cache"), "Miss from cloudfront", "no tier kept the object");
      assert.equal(origin.hits("/pops/shield"), 2);
    });
  });

  describe("the disk tier", () => {
    const cacheFiles = () => readdirSync(join(t.emu.dataDir, "edge-cache"));

    it("keeps objects above --memory-object-max in files, serves hits and ranges from them, and deletes them on purge", async () => {
      const big = "0123456789".repeat(1000); // 10,000 bytes > 4096
      origin.on("/disk/big.bin", { body: big, headers: { "Cache-Control": "max-age=60", "Content-Type": "application/octet-stream" } });
      const d = await distribution();
      const existing = new Set(cacheFiles());
      const before = existing.size;
      const miss = await d.get("/disk/big.bin");
      assert.equal(miss.body, big);
      assert.equal(header(miss, "x-cache"), "Miss from cloudfront");
      const files = cacheFiles();
      assert.equal(files.length, before + 1, "one file in the disk tier");
      const added = files.find((f) => !existing.has(f)) ?? assert.fail("no new file");
      assert.equal(statSync(join(t.emu.dataDir, "edge-cache", added)).size, 10_000);
      const hit = await d.get("/disk/big.bin");
      assert.equal(header(hit, "x-cache"), "Hit from cloudfront");
      assert.equal(hit.body, big);
      assert.equal(header(hit, "content-length"), "10000");
      const range = await d.get("/disk/big.bin", { headers: { Range: "bytes=10-19" } });
      assert.equal(range.status, 206);
      assert.equal(range.body, "0123456789");
      assert.equal(header(range, "content-range"), "bytes 10-19/10000");
      const head = await d.get("/disk/big.bin", { method: "HEAD" });
      assert.equal(head.body, "");
      assert.equal(origin.hits("/disk/big.bin"), 1);
      await (cf as CloudFrontClient).send(new CreateInvalidationCommand({ DistributionId: d.id, InvalidationBatch: { CallerReference: "disk-1", Paths: list(["/disk/big.bin"]) } }));
      // The file is deleted asynchronously after the purge.
      for (let i = 0; i < 50 && cacheFiles().length > before; i++) await new Promise((r) => setTimeout(r, 10));
      assert.equal(cacheFiles().length, before, "the purged object's file is gone");
    });

    it("stores nothing when the origin's body is shorter than announced", async () => {
      const d = await distribution();
      const { createServer } = await import("node:http");
      const liar = createServer((_req, res) => {
        res.writeHead(200, { "Content-Length": "8000", "Cache-Control": "max-age=60" });
        res.write("x".repeat(5000));
        setTimeout(() => res.destroy(), 20);
      });
      await new Promise<void>((r) => liar.listen(0, "127.0.0.1", r));
      const port = (liar.address() as { port: number }).port;
      const out = await (cf as CloudFrontClient).send(
        new CreateDistributionCommand({
          DistributionConfig: {
            CallerReference: `listeners-liar-${d.id}`,
            Comment: "",
            Enabled: true,
            Origins: list([{ Id: "liar", DomainName: "127.0.0.1", CustomOriginConfig: { HTTPPort: port, HTTPSPort: 443, OriginProtocolPolicy: "http-only" } }]),
            DefaultCacheBehavior: { TargetOriginId: "liar", ViewerProtocolPolicy: "allow-all", CachePolicyId: CACHING_OPTIMIZED },
          },
        }),
      );
      const host = `${out.Distribution?.DomainName}:${t.emu.port}`;
      const before = cacheFiles().length;
      await sendToEdge(t.emu.port, host, "/short").catch(() => undefined);
      for (let i = 0; i < 20 && cacheFiles().length > before; i++) await new Promise((r) => setTimeout(r, 10));
      assert.equal(cacheFiles().length, before, "the partial file was removed");
      const again = await sendToEdge(t.emu.port, host, "/short").catch(() => undefined);
      assert.notEqual(again && header(again, "x-cache"), "Hit from cloudfront");
      liar.close();
      liar.closeAllConnections();
    });
  });

  describe("CloudFront-* viewer headers (docs/edge.md §7.2)", () => {
    it("adds the headers a policy names, and keys the cache on the viewer country when the cache policy lists it", async () => {
      const { CreateCachePolicyCommand } = await import("@aws-sdk/client-cloudfront");
      const policy = await (cf as CloudFrontClient).send(
        new CreateCachePolicyCommand({
          CachePolicyConfig: {
            Name: "by-country",
            MinTTL: 0,
            DefaultTTL: 60,
            MaxTTL: 60,
            ParametersInCacheKeyAndForwardedToOrigin: {
              EnableAcceptEncodingGzip: false,
              EnableAcceptEncodingBrotli: false,
              HeadersConfig: { HeaderBehavior: "whitelist", Headers: list(["CloudFront-Viewer-Country", "CloudFront-Is-Mobile-Viewer"]) },
              CookiesConfig: { CookieBehavior: "none" },
              QueryStringsConfig: { QueryStringBehavior: "none" },
            },
          },
        }),
      );
      origin.on("/geo/page", (req) => ({ body: `for ${String(req.headers["cloudfront-viewer-country"])}`, headers: { "Cache-Control": "max-age=60" } }));
      const d = await distribution({ CachePolicyId: policy.CachePolicy?.Id as string });
      const us = await d.get("/geo/page");
      assert.equal(us.body, "for US", "the default country is US");
      const de = await d.get("/geo/page", { headers: { "X-Minifront-Viewer-Country": "DE" } });
      assert.equal(de.body, "for DE");
      assert.equal(header(de, "x-cache"), "Miss from cloudfront", "another country is another cache key");
      const deAgain = await d.get("/geo/page", { headers: { "X-Minifront-Viewer-Country": "DE", "CloudFront-Viewer-Country": "FR" } });
      assert.equal(header(deAgain, "x-cache"), "Hit from cloudfront", "a viewer cannot spoof the header: CloudFront's value replaces it");
      const received = origin.last("/geo/page").headers;
      assert.equal(received["cloudfront-is-mobile-viewer"], "false");
      assert.equal(received["x-minifront-viewer-country"], undefined, "the override header is not forwarded");
      assert.equal(received["cloudfront-viewer-address"], undefined, "headers the policy does not name are not added");
    });

    it("sends the whole managed AllViewerAndCloudFrontHeaders-2022-06 set", async () => {
      const d = await distribution({ CachePolicyId: "4135ea2d-6df8-44a3-9df3-4b5a84be39ad", OriginRequestPolicyId: ALL_VIEWER_AND_CLOUDFRONT_HEADERS });
      await d.get("/geo/all", { headers: { "User-Agent": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148", "X-Minifront-Viewer-Country": "JP", "X-Minifront-Viewer-City": "Tokyo" } });
      const h = origin.last("/geo/all").headers;
      assert.equal(h["cloudfront-viewer-country"], "JP");
      assert.equal(h["cloudfront-viewer-country-name"], "Japan");
      assert.equal(h["cloudfront-viewer-city"], "Tokyo");
      assert.equal(h["cloudfront-is-ios-viewer"], "true");
      assert.equal(h["cloudfront-is-mobile-viewer"], "true");
      assert.equal(h["cloudfront-is-desktop-viewer"], "false");
      assert.match(String(h["cloudfront-viewer-address"]), /^127\.0\.0\.1:\d+$/);
      assert.equal(h["cloudfront-viewer-http-version"], "1.1");
      assert.equal(h["cloudfront-forwarded-proto"], "http");
      assert.equal(h["user-agent"], "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148", "all viewer headers are forwarded too");
    });
  });

  describe("geo restriction (docs/edge.md §3)", () => {
    it("blocks countries on a block list and admits only listed ones on an allow list", async () => {
      const blocked = await distribution({}, { Restrictions: { GeoRestriction: { RestrictionType: "blacklist", Quantity: 1, Items: ["RU"] } } });
      const ru = await blocked.get("/geo/blocked", { headers: { "X-Minifront-Viewer-Country": "RU" } });
      assert.equal(ru.status, 403);
      assert.equal(header(ru, "x-cache"), "Error from cloudfront");
      assert.equal((await blocked.get("/geo/blocked", { headers: { "X-Minifront-Viewer-Country": "DE" } })).status, 200);
      assert.equal((await blocked.get("/geo/blocked")).status, 200, "the default country US is not blocked");
      const allowed = await distribution({}, { Restrictions: { GeoRestriction: { RestrictionType: "whitelist", Quantity: 2, Items: ["DE", "FR"] } } });
      assert.equal((await allowed.get("/geo/allowed", { headers: { "X-Minifront-Viewer-Country": "FR" } })).status, 200);
      assert.equal((await allowed.get("/geo/allowed")).status, 403, "US is not on the allow list");
      assert.equal(origin.hits("/geo/allowed"), 1);
    });
  });

  describe("custom error pages for CloudFront's own errors (docs/edge.md §10)", () => {
    it("serves the distribution's 403 page when CloudFront refuses a method", async () => {
      const s3 = new S3Client({ endpoint: t.emu.s3Url, region: "us-east-1", credentials: CREDENTIALS, forcePathStyle: true, maxAttempts: 1 });
      await s3.send(new CreateBucketCommand({ Bucket: "error-pages-403" }));
      await s3.send(new PutObjectCommand({ Bucket: "error-pages-403", Key: "errors/403.html", Body: "<h1>forbidden here</h1>", ContentType: "text/html" }));
      // A public bucket: the edge reads it without OAC, as S3 allows for Principal "*".
      const publicRead = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::error-pages-403/*" }] };
      await s3.send(new PutBucketPolicyCommand({ Bucket: "error-pages-403", Policy: JSON.stringify(publicRead) }));
      s3.destroy();
      const out = await (cf as CloudFrontClient).send(
        new CreateDistributionCommand({
          DistributionConfig: {
            CallerReference: "listeners-403-page",
            Comment: "",
            Enabled: true,
            Origins: list([{ Id: "s3", DomainName: "error-pages-403.s3.amazonaws.com", S3OriginConfig: { OriginAccessIdentity: "" } }]),
            DefaultCacheBehavior: { TargetOriginId: "s3", ViewerProtocolPolicy: "https-only", CachePolicyId: CACHING_OPTIMIZED },
            CustomErrorResponses: list([{ ErrorCode: 403, ResponsePagePath: "/errors/403.html", ResponseCode: "403", ErrorCachingMinTTL: 10 }]),
          },
        }),
      );
      const host = `${out.Distribution?.DomainName}:${t.emu.port}`;
      const refused = await sendToEdge(t.emu.port, host, "/anything", { method: "DELETE" });
      assert.equal(refused.status, 403);
      assert.equal(refused.body, "<h1>forbidden here</h1>");
      assert.equal(header(refused, "x-cache"), "Error from cloudfront");
      const httpOnly = await sendToEdge(t.emu.port, host, "/anything");
      assert.equal(httpOnly.status, 403);
      assert.equal(httpOnly.body, "<h1>forbidden here</h1>", "the https-only refusal gets the page too");
    });
  });
});

describe("the viewer country map (--viewer-country-map)", () => {
  const dir = mkdtempSync(join(tmpdir(), "minifront-geo-"));
  const mapFile = join(dir, "countries.json");
  writeFileSync(mapFile, JSON.stringify({ "10.0.0.0/8": "FR", "127.0.0.0/8": "CA" }));
  const t = useEmulator({ viewerCountryMap: mapFile, viewerCountry: "BR" });
  const origin = new TestOrigin();
  before(() => origin.start());
  after(async () => {
    await origin.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("finds the country of the TCP peer in the map, and the header still wins", async () => {
    const cf = t.cloudfront();
    const out = await cf.send(
      new CreateDistributionCommand({
        DistributionConfig: {
          CallerReference: "geo-map",
          Comment: "",
          Enabled: true,
          Origins: list([{ Id: "o", DomainName: "127.0.0.1", CustomOriginConfig: { HTTPPort: origin.port, HTTPSPort: 443, OriginProtocolPolicy: "http-only" } }]),
          DefaultCacheBehavior: { TargetOriginId: "o", ViewerProtocolPolicy: "allow-all", CachePolicyId: "4135ea2d-6df8-44a3-9df3-4b5a84be39ad", OriginRequestPolicyId: ALL_VIEWER_AND_CLOUDFRONT_HEADERS },
          Restrictions: { GeoRestriction: { RestrictionType: "whitelist", Quantity: 1, Items: ["CA"] } },
        },
      }),
    );
    cf.destroy();
    const host = `${out.Distribution?.DomainName}:${t.emu.port}`;
    const res = await sendToEdge(t.emu.port, host, "/where");
    assert.equal(res.status, 200, "127.0.0.1 is in CA by the map");
    assert.equal(origin.last("/where").headers["cloudfront-viewer-country"], "CA");
    const fr = await sendToEdge(t.emu.port, host, "/where", { headers: { "X-Minifront-Viewer-Country": "FR" } });
    assert.equal(fr.status, 403);
  });
});
