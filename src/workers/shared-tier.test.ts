import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, rmSync, statSync, utimesSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { resolveOptions } from "../config.ts";
import { entryOf } from "../edge/cache/cache-store.suite.ts";
import { sharedTierDir, sweepSharedTier, workerCache } from "./shared-tier.ts";

const root = mkdtempSync(join(tmpdir(), "minifront-shared-tier-"));
after(() => rmSync(root, { recursive: true, force: true }));
const options = resolveOptions({ memoryObjectBytes: 1000 });

describe("an edge worker's cache", () => {
  // Two workers on one data directory, as start-workers.ts runs them.
  const dir = join(root, "edge-cache");
  const a = workerCache(options, dir, 1);
  const b = workerCache(options, dir, 2);

  it("shares the regional tier and Origin Shield with the other workers, not its POP tier", () => {
    a.put("LOC50-C1", "E1", "/x", entryOf(10, "p"));
    a.put("REC", "E1", "/x", entryOf(10, "r"));
    a.put("Origin Shield", "E1", "/x", entryOf(10, "s"));
    assert.equal(b.get("LOC50-C1", "E1", "/x"), undefined);
    assert.equal(b.get("REC", "E1", "/x")?.body.toString().at(-1), "r");
    assert.equal(b.get("Origin Shield", "E1", "/x")?.body.toString().at(-1), "s");
    assert.deepEqual(b.get("REC", "E1", "/x")?.headers, { "content-type": "text/plain" });
  });

  it("keeps bodies larger than --memory-object-max out of the shared tier", () => {
    assert.equal(a.put("REC", "E1", "/big", entryOf(1001)), false);
    assert.equal(b.get("REC", "E1", "/big"), undefined);
  });

  it("purges the shared tier by invalidation path, only the distribution's entries", () => {
    a.put("REC", "E1", "/img/1.png", entryOf(10));
    a.put("REC", "E1", "/css/1.css", entryOf(10));
    a.put("REC", "E2", "/img/1.png", entryOf(10));
    assert.equal(b.purge("E1", ["/img/*"]), 1);
    assert.equal(a.get("REC", "E1", "/img/1.png"), undefined);
    assert.ok(a.get("REC", "E1", "/css/1.css"));
    assert.ok(a.get("REC", "E2", "/img/1.png"));
    // The second worker to apply the same invalidation finds nothing left to purge there.
    assert.equal(a.purge("E1", ["/img/*"]), 0);
  });

  it("keeps the shared tier within its budget, removing the least recently used files first", () => {
    // A tier of its own, so the other tests' entries do not count.
    const own = join(root, "edge-cache-sweep");
    const [a, b] = [workerCache(options, own, 1), workerCache(options, own, 2)];
    for (const k of ["/old-1", "/old-2", "/used"]) a.put("REC", "E9", k, entryOf(100));
    const distDir = join(sharedTierDir(own), "E9");
    const files = readdirSync(distDir).map((f) => join(distDir, f));
    // All three stored long ago; then a worker's regional hit on /used marks it recently used.
    for (const f of files) utimesSync(f, 1000, 1000);
    assert.ok(b.get("REC", "E9", "/used"));
    const sizes = files.map((f) => statSync(f).size);
    const total = sizes.reduce((x, y) => x + y, 0);
    assert.equal(sweepSharedTier(sharedTierDir(own), total), total, "within the budget: nothing goes");
    // A budget that holds any one file but no two.
    assert.ok(sweepSharedTier(sharedTierDir(own), Math.max(...sizes)) <= Math.max(...sizes));
    assert.ok(a.get("REC", "E9", "/used"));
    assert.equal(a.get("REC", "E9", "/old-1"), undefined);
    assert.equal(a.get("REC", "E9", "/old-2"), undefined);
  });

  it("clears the shared tier on reset", () => {
    a.put("REC", "E3", "/y", entryOf(10));
    b.clear();
    assert.equal(a.get("REC", "E3", "/y"), undefined);
  });
});
