// The edge's cache stores end to end (docs/edge.md §15, §16): what --cache-size and
// --disk-cache-size count when one object sits in several tiers (each POP, the regional tier,
// Origin Shield), that an invalidation empties every tier and deletes the disk file, and that two
// concurrent misses of one key that are not collapsed (cookies forwarded) fill the cache once.
// The figures come from GET /_minifront/memory, as `npm run soak` reads them.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createServer, request, type IncomingMessage, type Server } from "node:http";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { CreateCachePolicyCommand, CreateDistributionCommand, CreateInvalidationCommand, type CloudFrontClient, type Origin } from "@aws-sdk/client-cloudfront";
import { useEmulator } from "../helpers/emulator.ts";
import { TestOrigin, header, sendToEdge } from "../helpers/test-origin.ts";
import { SLOT_BYTES } from "../../src/edge/cache/memory-store.ts";

const list = <T>(items: readonly T[]) => ({ Quantity: items.length, Items: [...items] });
const CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6";
const MEMORY_OBJECT_MAX = 4096;

interface CacheFigures {
  readonly entries: number;
  readonly bytes: number;
  readonly diskBytes: number;
}

describe("edge cache stores: one object in several tiers, purge, concurrent fills", () => {
  const t = useEmulator({ pop: "LOC50-C1,LOC52-C2", memoryObjectBytes: MEMORY_OBJECT_MAX });
  const origin = new TestOrigin();
  let cf: CloudFrontClient;
  let refs = 0;
  before(async () => {
    await origin.start();
    cf = t.cloudfront();
  });
  after(async () => {
    cf.destroy();
    await origin.close();
  });

  const figures = async (): Promise<CacheFigures> => ((await (await fetch(`${t.emu.controlUrl}/_minifront/memory`)).json()) as { cache: CacheFigures }).cache;
  const cacheFiles = () => readdirSync(join(t.emu.dataDir, "edge-cache")).length;
  /** The disk store unlinks files asynchronously after a purge. */
  const settledFiles = async (expected: number) => {
    for (let i = 0; i < 100 && cacheFiles() !== expected; i++) await new Promise((r) => setTimeout(r, 10));
    return cacheFiles();
  };

  async function distribution(o: { origin?: Origin; shield?: boolean; cachePolicyId?: string } = {}) {
    const theOrigin: Origin = o.origin ?? { Id: "o", DomainName: "127.0.0.1", CustomOriginConfig: { HTTPPort: origin.port, HTTPSPort: 443, OriginProtocolPolicy: "http-only" } };
    const out = await cf.send(
      new CreateDistributionCommand({
        DistributionConfig: {
          CallerReference: `cache-store-${++refs}`,
          Comment: "",
          Enabled: true,
          Origins: list([o.shield ? { ...theOrigin, OriginShield: { Enabled: true, OriginShieldRegion: "us-east-1" } } : theOrigin]),
          DefaultCacheBehavior: { TargetOriginId: theOrigin.Id, ViewerProtocolPolicy: "allow-all", CachePolicyId: o.cachePolicyId ?? CACHING_OPTIMIZED },
        },
      }),
    );
    const id = out.Distribution?.Id as string;
    const host = `${out.Distribution?.DomainName}:${t.emu.port}`;
    return { id, host, get: (path: string, pop = "LOC50-C1") => sendToEdge(t.emu.port, host, path, { headers: { "X-Minifront-Pop": pop } }) };
  }

  it("counts an object in memory once however many POPs hold it: another POP's copy adds only its index slot", async () => {
    origin.on("/mem/page", { body: "m".repeat(2000), headers: { "Cache-Control": "max-age=60" } });
    const d = await distribution();
    const before = await figures();
    assert.equal(header(await d.get("/mem/page"), "x-cache"), "Miss from cloudfront");
    const first = await figures();
    assert.equal(first.entries - before.entries, 2, "the POP and the regional tier");
    assert.ok(first.bytes - before.bytes > 2000 && first.bytes - before.bytes < 2 * 2000, "the body counts once for both tiers");
    assert.equal(header(await d.get("/mem/page", "LOC52-C2"), "x-cache"), "Hit from cloudfront");
    const second = await figures();
    assert.equal(second.entries - first.entries, 1);
    assert.equal(second.bytes - first.bytes, SLOT_BYTES);
  });

  it("keeps a large object in one disk file for all tiers, and an invalidation empties them all", async () => {
    const big = "0123456789".repeat(1000); // 10,000 bytes > MEMORY_OBJECT_MAX
    origin.on("/disk/big.bin", { body: big, headers: { "Cache-Control": "max-age=60" } });
    const d = await distribution({ shield: true });
    const before = await figures();
    const files = cacheFiles();
    assert.equal((await d.get("/disk/big.bin")).body, big);
    const hit = await d.get("/disk/big.bin", "LOC52-C2");
    assert.equal(header(hit, "x-cache"), "Hit from cloudfront");
    assert.equal(hit.body, big);
    const filled = await figures();
    assert.equal(filled.entries - before.entries, 4, "two POPs, the regional tier and Origin Shield");
    assert.equal(filled.diskBytes - before.diskBytes, 10_000, "one file, counted once");
    assert.equal(filled.bytes, before.bytes, "nothing of it counts against the memory budget");
    assert.equal(cacheFiles(), files + 1);
    await cf.send(new CreateInvalidationCommand({ DistributionId: d.id, InvalidationBatch: { CallerReference: "disk", Paths: list(["/disk/*"]) } }));
    assert.deepEqual(await figures(), before);
    assert.equal(await settledFiles(files), files, "the file is deleted");
    assert.equal(header(await d.get("/disk/big.bin", "LOC52-C2"), "x-cache"), "Miss from cloudfront");
  });

  describe("two concurrent misses of one key, not collapsed", () => {
    const half = "a".repeat(6000);
    let slow: Server;
    let open: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (open = resolve));
    let fetches = 0;
    before(async () => {
      // An origin that sends half the body, then waits for the test to let both responses finish.
      slow = createServer((_req, res) => {
        fetches++;
        res.writeHead(200, { "Content-Length": String(2 * half.length), "Cache-Control": "max-age=60" });
        res.write(half);
        void gate.then(() => res.end(half));
      });
      await new Promise<void>((r) => slow.listen(0, "127.0.0.1", r));
    });
    after(() => {
      open();
      slow.closeAllConnections();
      slow.close();
    });

    it("fill the cache once: one file, counted once, and both viewers get the whole body", async () => {
      // Cookies in the key and forwarded: concurrent misses are not collapsed (docs/edge.md §6.4).
      const policy = await cf.send(
        new CreateCachePolicyCommand({
          CachePolicyConfig: {
            Name: "with-cookies",
            MinTTL: 0,
            DefaultTTL: 60,
            MaxTTL: 60,
            ParametersInCacheKeyAndForwardedToOrigin: {
              EnableAcceptEncodingGzip: false,
              HeadersConfig: { HeaderBehavior: "none" },
              CookiesConfig: { CookieBehavior: "all" },
              QueryStringsConfig: { QueryStringBehavior: "none" },
            },
          },
        }),
      );
      const port = (slow.address() as { port: number }).port;
      const d = await distribution({ origin: { Id: "slow", DomainName: "127.0.0.1", CustomOriginConfig: { HTTPPort: port, HTTPSPort: 443, OriginProtocolPolicy: "http-only" } }, cachePolicyId: policy.CachePolicy?.Id as string });
      const before = await figures();
      const files = cacheFiles();
      // Both viewers have their response heads, so both edge requests are relaying (and one of
      // them filling) before either body can end.
      const responses = await Promise.all([0, 1].map(() => responseHead(t.emu.port, d.host, "/slow", "session=1")));
      assert.equal(fetches, 2, "both misses went to the origin");
      open();
      const bodies = await Promise.all(responses.map(bodyOf));
      for (const b of bodies) assert.equal(b, half + half);
      const filled = await figures();
      assert.equal(filled.diskBytes - before.diskBytes, 12_000, "one body counted, not two");
      assert.equal(filled.entries - before.entries, 2, "the POP and the regional tier");
      assert.equal(await settledFiles(files + 1), files + 1, "one file");
      const again = await sendToEdge(t.emu.port, d.host, "/slow", { headers: { Cookie: "session=1" } });
      assert.equal(header(again, "x-cache"), "Hit from cloudfront");
      assert.equal(again.body, half + half);
    });
  });
});

/** Sends a GET and resolves once the response head is in; the body is read by bodyOf. */
function responseHead(port: number, host: string, path: string, cookie: string): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const r = request({ host: "127.0.0.1", port, path, headers: { host, cookie }, agent: false }, resolve);
    r.on("error", reject);
    r.end();
  });
}

function bodyOf(res: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on("data", (c: Buffer) => chunks.push(c));
    res.on("error", reject);
    res.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
  });
}
