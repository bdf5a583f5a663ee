// The edge against hostile viewers and broken origins: GET with a body, origins that reset, stop
// halfway, hang, lie about framing or trickle, on cached and uncached paths; what the viewer sees,
// what is cached, and that a healthy distribution keeps serving meanwhile. Distributions are made
// with @aws-sdk/client-cloudfront; viewers are node:http clients and raw sockets; origins are a
// node:http test origin and a raw TCP one that can misbehave (test/helpers/faulty-origin.ts).
// docs/edge.md §1 (GET with a body → 403), §17 (origin errors); CloudFront's "Request and
// response behavior for custom origins".
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { connect } from "node:net";
import { request, type IncomingHttpHeaders } from "node:http";
import { CreateDistributionCommand, type CloudFrontClient, type DistributionConfig, type Origin } from "@aws-sdk/client-cloudfront";
import { useEmulator } from "../helpers/emulator.ts";
import { TestOrigin, header, sendToEdge } from "../helpers/test-origin.ts";
import { FaultyOrigin, LAST_CHUNK, chunk, okHandler } from "../helpers/faulty-origin.ts";

const CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6";
const CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad";
const ALL_METHODS = ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"] as const;
/** Small limits so the memory → disk → uncached steps are reached with small bodies. */
const MEMORY_OBJECT_MAX = 64 * 1024;
const MAX_CACHED_OBJECT = 512 * 1024;

/** What a viewer got, including whether its connection was cut before the response ended. */
interface Viewed {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  /** The response never ended: the connection was aborted mid-body. */
  readonly aborted: boolean;
}

/** One viewer request to the edge; `onData` sees each body chunk as it arrives. */
function view(port: number, host: string, path: string, opts: { method?: string; headers?: Record<string, string>; body?: string; onData?: (chunk: Buffer) => void } = {}): Promise<Viewed> {
  return new Promise((resolve, reject) => {
    // node's client sends a GET's body unframed unless told its length.
    const length = opts.body === undefined ? {} : { "content-length": String(Buffer.byteLength(opts.body)) };
    const r = request({ host: "127.0.0.1", port, path, method: opts.method ?? "GET", headers: { ...length, ...opts.headers, host }, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      let ended = false;
      res.on("data", (c: Buffer) => {
        chunks.push(c);
        opts.onData?.(c);
      });
      res.on("end", () => (ended = true));
      res.on("error", () => undefined);
      res.on("close", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), aborted: !ended }));
    });
    r.on("error", reject);
    r.end(opts.body);
  });
}

/** Sends raw bytes to the edge and collects everything until the edge closes or `until` matches. */
function rawExchange(port: number, bytes: string, until?: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => socket.write(bytes));
    let got = "";
    socket.setEncoding("latin1");
    socket.on("data", (d: string) => {
      got += d;
      if (until?.test(got)) socket.destroy();
    });
    socket.on("close", () => resolve(got));
    socket.on("error", reject);
  });
}

describe("the edge under hostile viewers and broken origins", { timeout: 60_000 }, () => {
  const t = useEmulator({ memoryObjectBytes: MEMORY_OBJECT_MAX, maxCachedObjectBytes: MAX_CACHED_OBJECT });
  const healthy = new TestOrigin();
  const faulty = new FaultyOrigin();
  let cf: CloudFrontClient | undefined;
  let refs = 0;
  /** Hosts of a distribution in front of each origin, made once. */
  let toHealthy = "";
  let toFaulty = "";

  before(async () => {
    await healthy.start();
    await faulty.start();
    cf = t.cloudfront();
    toHealthy = await distribution(healthy.port);
    toFaulty = await distribution(faulty.port);
  });
  after(async () => {
    cf?.destroy();
    await healthy.close();
    await faulty.close();
  });

  /** A distribution whose default behavior caches and whose /nocache/* behavior does not. */
  async function distribution(port: number): Promise<string> {
    const origin: Origin = {
      Id: "o",
      DomainName: "127.0.0.1",
      CustomOriginConfig: { HTTPPort: port, HTTPSPort: 443, OriginProtocolPolicy: "http-only", OriginReadTimeout: 1 },
    };
    const methods = { Quantity: ALL_METHODS.length, Items: [...ALL_METHODS], CachedMethods: { Quantity: 2, Items: ["GET", "HEAD"] } } as NonNullable<DistributionConfig["DefaultCacheBehavior"]>["AllowedMethods"];
    const out = await (cf as CloudFrontClient).send(
      new CreateDistributionCommand({
        DistributionConfig: {
          CallerReference: `faults-${++refs}`,
          Comment: "",
          Enabled: true,
          Origins: { Quantity: 1, Items: [origin] },
          DefaultCacheBehavior: { TargetOriginId: "o", ViewerProtocolPolicy: "allow-all", CachePolicyId: CACHING_OPTIMIZED, AllowedMethods: methods },
          CacheBehaviors: {
            Quantity: 1,
            Items: [{ PathPattern: "/nocache/*", TargetOriginId: "o", ViewerProtocolPolicy: "allow-all", CachePolicyId: CACHING_DISABLED, AllowedMethods: methods }],
          },
        },
      }),
    );
    return `${out.Distribution?.DomainName ?? assert.fail("no domain")}:${t.emu.port}`;
  }

  const get = (host: string, path: string, opts?: Parameters<typeof view>[3]) => view(t.emu.port, host, path, opts);

  /** The healthy distribution still answers (asked after every fault). */
  async function assertOthersServe(): Promise<void> {
    const res = await sendToEdge(t.emu.port, toHealthy, `/health-${Math.random()}`);
    assert.equal(res.status, 200);
  }

  describe("a viewer request with a body where none belongs", () => {
    it("answers a GET with a body 403 and never lets it reach the origin, so the body cannot poison the cache", async () => {
      healthy.on("/p/index.html", { body: "the index page" });
      healthy.on("/p/admin/secret", { body: "SECRET" });
      const smuggled = `GET /p/admin/secret HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`;
      const res = await get(toHealthy, "/p/index.html", { body: smuggled, headers: { "content-type": "text/plain" } });
      assert.equal(res.status, 403);
      assert.equal(header({ status: res.status, headers: res.headers, body: "" }, "x-cache"), "Error from cloudfront");
      assert.equal(healthy.hits("/p/index.html"), 0, "the origin never saw it");
      assert.equal(healthy.hits("/p/admin/secret"), 0);

      const page = await get(toHealthy, "/p/index.html");
      assert.equal(page.body.toString(), "the index page");
      const again = await get(toHealthy, "/p/index.html");
      assert.equal(again.body.toString(), "the index page");
      assert.equal(again.headers["x-cache"], "Hit from cloudfront");
      assert.equal(healthy.hits("/p/admin/secret"), 0);
    });

    it("answers a HEAD with a chunked body 403, and a GET with Content-Length: 0 is served", async () => {
      const head = await rawExchange(t.emu.port, `HEAD /p/head HTTP/1.1\r\nHost: ${toHealthy}\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n`, /\r\n\r\n/);
      assert.match(head, /^HTTP\/1\.1 403 /);
      healthy.on("/p/empty-body", { body: "fine" });
      const empty = await get(toHealthy, "/p/empty-body", { headers: { "content-length": "0" } });
      assert.equal(empty.status, 200);
      assert.equal(empty.body.toString(), "fine");
    });

    it("relays a POST's chunked body with chunked framing and a Content-Length body with its length, and the pooled connection stays in step", async () => {
      healthy.on("/nocache/post", (r) => ({ body: `got ${r.method} ${r.body.length} bytes: ${r.body}` }));
      const chunked = await rawExchange(
        t.emu.port,
        `POST /nocache/post HTTP/1.1\r\nHost: ${toHealthy}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n6\r\nchunk1\r\n6\r\nchunk2\r\n0\r\n\r\n`,
      );
      assert.match(chunked, /got POST 12 bytes: chunk1chunk2$/);
      const seen = healthy.last("/nocache/post");
      assert.equal(seen.headers["transfer-encoding"], "chunked");
      assert.equal(seen.headers["content-length"], undefined);

      const sized = await get(toHealthy, "/nocache/post", { method: "POST", body: "0123456789" });
      assert.equal(sized.body.toString(), "got POST 10 bytes: 0123456789");
      assert.equal(healthy.last("/nocache/post").headers["content-length"], "10");

      const del = await get(toHealthy, "/nocache/post", { method: "DELETE" });
      assert.equal(del.body.toString(), "got DELETE 0 bytes: ");
      healthy.on("/p/after-post", { body: "in step" });
      assert.equal((await get(toHealthy, "/p/after-post")).body.toString(), "in step");
    });
  });

  describe("request targets", () => {
    it("serves an absolute-form target as origin-form, by the target's authority, and never forwards it verbatim", async () => {
      healthy.on("/p/absolute", { body: "by absolute form" });
      const got = await rawExchange(t.emu.port, `GET http://${toHealthy}/p/absolute HTTP/1.1\r\nHost: nowhere.example\r\nConnection: close\r\n\r\n`);
      assert.match(got, /^HTTP\/1\.1 200 /);
      assert.match(got, /by absolute form$/);
      assert.equal(healthy.last("/p/absolute").url, "/p/absolute");
    });

    it("refuses an asterisk-form target with 400", async () => {
      const got = await rawExchange(t.emu.port, `GET * HTTP/1.1\r\nHost: ${toHealthy}\r\nConnection: close\r\n\r\n`);
      assert.match(got, /^HTTP\/1\.1 400 /);
    });
  });

  describe("origins that break off", () => {
    it("aborts the viewer's connection when an uncached body stops short of its Content-Length", async () => {
      faulty.on("/nocache/short", (socket) => {
        socket.write("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 1000\r\n\r\n");
        socket.write("x".repeat(100));
        setTimeout(() => socket.destroy(), 50);
      });
      const res = await get(toFaulty, "/nocache/short");
      assert.equal(res.status, 200);
      assert.equal(res.aborted, true, "the viewer is not left holding a partial 200");
      assert.ok(res.body.length < 1000);
      await assertOthersServe();
    });

    it("aborts the viewer's connection when a POST's chunked answer loses its last chunk", async () => {
      faulty.on("/nocache/post-cut", (socket) => {
        socket.write(Buffer.concat([Buffer.from("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"), chunk("part one")]));
        setTimeout(() => socket.destroy(), 50);
      });
      const res = await get(toFaulty, "/nocache/post-cut", { method: "POST", body: "x" });
      assert.equal(res.aborted, true);
      assert.equal(res.body.toString(), "part one");
    });

    it("aborts the viewer and caches nothing when a cacheable chunked body breaks off", async () => {
      let n = 0;
      faulty.on("/cut-chunked", (socket) => {
        n++;
        socket.write(Buffer.concat([Buffer.from("HTTP/1.1 200 OK\r\nCache-Control: max-age=60\r\nTransfer-Encoding: chunked\r\n\r\n"), chunk(`attempt ${n}`)]));
        setTimeout(() => socket.destroy(), 50);
      });
      const first = await get(toFaulty, "/cut-chunked");
      assert.equal(first.aborted, true);
      const second = await get(toFaulty, "/cut-chunked");
      assert.equal(second.aborted, true);
      assert.equal(second.headers["x-cache"], "Miss from cloudfront", "the broken body was not cached");
      assert.equal(faulty.hits("/cut-chunked"), 2);
    });

    it("answers 502 and caches nothing when a cacheable body with a Content-Length stops short", async () => {
      faulty.on("/cut-sized", (socket) => {
        socket.write("HTTP/1.1 200 OK\r\nCache-Control: max-age=60\r\nContent-Length: 500\r\n\r\nonly this");
        setTimeout(() => socket.destroy(), 50);
      });
      const res = await get(toFaulty, "/cut-sized");
      assert.equal(res.status, 502);
      assert.equal(res.headers["x-cache"], "Error from cloudfront");
      await get(toFaulty, "/cut-sized");
      assert.equal(faulty.hits("/cut-sized"), 2);
    });

    it("aborts the viewer when an uncached body stalls past the origin read timeout", async () => {
      faulty.on("/nocache/stall", (socket) => {
        socket.write("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nfirst bytes");
      });
      const res = await get(toFaulty, "/nocache/stall");
      assert.equal(res.aborted, true);
      assert.equal(res.body.toString(), "first bytes");
      await assertOthersServe();
    });
  });

  describe("origins that never answer properly", () => {
    it("answers 504 when the origin does not answer within its read timeout", async () => {
      faulty.on("/hang", () => undefined);
      const res = await get(toFaulty, "/hang");
      assert.equal(res.status, 504);
      assert.equal(res.headers["x-cache"], "Error from cloudfront");
      await assertOthersServe();
    });

    it("answers 502 for a response that is not valid HTTP (a bad status line, conflicting lengths)", async () => {
      faulty.on("/nocache/garbage", (socket) => socket.write("HTTP/1.1 OK fine\r\n\r\n"));
      faulty.on("/nocache/two-lengths", (socket) => socket.write("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 7\r\n\r\nhello!!"));
      for (const path of ["/nocache/garbage", "/nocache/two-lengths"]) {
        const res = await get(toFaulty, path);
        assert.equal(res.status, 502, path);
        assert.equal(res.headers["x-cache"], "Error from cloudfront", path);
      }
      await assertOthersServe();
    });

    it("answers a 5xx for an origin that closes the connection without answering", async () => {
      faulty.on("/nocache/reset", (socket) => socket.destroy());
      const res = await get(toFaulty, "/nocache/reset");
      assert.ok(res.status === 502 || res.status === 504, `status ${res.status}`);
      assert.equal(res.headers["x-cache"], "Error from cloudfront");
      await assertOthersServe();
    });

    it("serves a body that trickles in slowly but within the read timeout, and caches it", async () => {
      faulty.on("/slow", (socket) => {
        socket.write("HTTP/1.1 200 OK\r\nCache-Control: max-age=60\r\nTransfer-Encoding: chunked\r\n\r\n");
        let i = 0;
        const tick = setInterval(() => {
          if (socket.destroyed) return clearInterval(tick);
          if (i === 5) {
            clearInterval(tick);
            return void socket.write(LAST_CHUNK);
          }
          socket.write(chunk(`piece${i++};`));
        }, 100);
      });
      const res = await get(toFaulty, "/slow");
      assert.equal(res.aborted, false);
      assert.equal(res.body.toString(), "piece0;piece1;piece2;piece3;piece4;");
      const hit = await get(toFaulty, "/slow");
      assert.equal(hit.headers["x-cache"], "Hit from cloudfront");
      assert.equal(hit.headers["content-length"], String("piece0;piece1;piece2;piece3;piece4;".length));
      assert.equal(hit.body.toString(), "piece0;piece1;piece2;piece3;piece4;");
    });
  });

  describe("chunked origin bodies stream instead of being buffered", () => {
    it("sends the first chunk to the viewer before the origin has sent the rest, then serves Hits", async () => {
      let release: () => void = () => undefined;
      const released = new Promise<void>((resolve) => (release = resolve));
      faulty.on("/stream", (socket) => {
        socket.write(Buffer.concat([Buffer.from("HTTP/1.1 200 OK\r\nCache-Control: max-age=60\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n"), chunk("early;")]));
        // The rest only once the viewer has the first chunk: an edge that buffers never gets it.
        void released.then(() => socket.write(Buffer.concat([chunk("late"), Buffer.from(LAST_CHUNK)])));
      });
      const res = await get(toFaulty, "/stream", { onData: () => release() });
      assert.equal(res.body.toString(), "early;late");
      assert.equal(res.headers["x-cache"], "Miss from cloudfront");
      const hit = await get(toFaulty, "/stream");
      assert.equal(hit.headers["x-cache"], "Hit from cloudfront");
      assert.equal(hit.body.toString(), "early;late");
    });

    it("spills a chunked body larger than the memory limit to the disk tier and serves it from there", async () => {
      const body = Buffer.alloc(3 * MEMORY_OBJECT_MAX, "d");
      faulty.on("/big-chunked", (socket) => {
        socket.write("HTTP/1.1 200 OK\r\nCache-Control: max-age=60\r\nTransfer-Encoding: chunked\r\n\r\n");
        for (let i = 0; i < body.length; i += 16 * 1024) socket.write(chunk(body.subarray(i, i + 16 * 1024)));
        socket.write(LAST_CHUNK);
      });
      const before = readdirSync(join(t.emu.dataDir, "edge-cache")).length;
      const miss = await get(toFaulty, "/big-chunked");
      assert.equal(miss.body.length, body.length);
      assert.equal(readdirSync(join(t.emu.dataDir, "edge-cache")).length, before + 1, "one disk-tier file");
      const hit = await get(toFaulty, "/big-chunked");
      assert.equal(hit.headers["x-cache"], "Hit from cloudfront");
      assert.ok(hit.body.equals(body));
      assert.equal(faulty.hits("/big-chunked"), 1);
    });

    it("relays a chunked body larger than --max-cached-object whole, without caching it (no 502)", async () => {
      const body = Buffer.alloc(MAX_CACHED_OBJECT + 100 * 1024, "h");
      faulty.on("/huge-chunked", (socket) => {
        socket.write("HTTP/1.1 200 OK\r\nCache-Control: max-age=60\r\nTransfer-Encoding: chunked\r\n\r\n");
        for (let i = 0; i < body.length; i += 64 * 1024) socket.write(chunk(body.subarray(i, i + 64 * 1024)));
        socket.write(LAST_CHUNK);
      });
      const before = readdirSync(join(t.emu.dataDir, "edge-cache")).length;
      const first = await get(toFaulty, "/huge-chunked");
      assert.equal(first.status, 200);
      assert.equal(first.aborted, false);
      assert.ok(first.body.equals(body));
      const second = await get(toFaulty, "/huge-chunked");
      assert.equal(second.headers["x-cache"], "Miss from cloudfront");
      assert.equal(faulty.hits("/huge-chunked"), 2);
      // An abandoned fill's file is removed once its stream has closed: wait for that, boundedly.
      const files = () => readdirSync(join(t.emu.dataDir, "edge-cache")).length;
      for (let i = 0; i < 100 && files() !== before; i++) await new Promise((r) => setTimeout(r, 20));
      assert.equal(files(), before, "no disk-tier file left behind");
    });

    it("relays a body with a Content-Length larger than --max-cached-object, uncached", async () => {
      const body = "s".repeat(MAX_CACHED_OBJECT + 1);
      faulty.on("/huge-sized", okHandler(body, { "Cache-Control": "max-age=60" }));
      const first = await get(toFaulty, "/huge-sized");
      assert.equal(first.body.length, body.length);
      await get(toFaulty, "/huge-sized");
      assert.equal(faulty.hits("/huge-sized"), 2);
    });
  });
});
