import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DiskStore } from "./disk-store.ts";
import { bodyOf, cacheStoreSuite, entryOf, fileGone } from "./cache-store.suite.ts";
import type { CachedResponse } from "./cached-response.ts";

const root = mkdtempSync(join(tmpdir(), "minifront-disk-store-"));
after(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const freshDir = () => join(root, String(++n));

cacheStoreSuite("DiskStore", { create: (maxBytes) => new DiskStore(freshDir(), maxBytes), slotBytes: 0 });

describe("DiskStore", () => {
  it("empties its directory when it opens: its index does not survive a restart", () => {
    const dir = freshDir();
    const first = new DiskStore(dir, 1 << 20);
    first.put("P", "E1", "/a", entryOf(100));
    writeFileSync(join(dir, "left-over"), "x");
    new DiskStore(dir, 1 << 20);
    assert.deepEqual(readdirSync(dir), []);
  });

  it("keeps bodies in files under its directory, counting file bytes only", () => {
    const dir = freshDir();
    const store = new DiskStore(dir, 1 << 20);
    store.put("P", "E1", "/a", entryOf(3000, "a"));
    const got = store.get("P", "E1", "/a") as CachedResponse;
    assert.equal(got.body.length, 0);
    assert.equal(got.file?.size, 3000);
    assert.ok(got.file?.path.startsWith(dir));
    assert.equal(bodyOf(got).length, 3000);
    assert.equal(store.size.bytes, 3000);
    assert.equal(got.flat[got.flat.indexOf("content-length") + 1], "3000");
  });

  it("deletes a file once the last tier holding it is evicted or purged", async () => {
    const store = new DiskStore(freshDir(), 2500);
    store.put("P", "E1", "/f1", entryOf(1000));
    const f1 = store.get("P", "E1", "/f1") as CachedResponse;
    store.put("REC", "E1", "/f1", f1); // the same file backs two tiers
    store.put("P", "E1", "/f2", entryOf(2000)); // 3000 > 2500: f1 goes from both tiers
    assert.equal(store.get("P", "E1", "/f1"), undefined);
    assert.equal(store.get("REC", "E1", "/f1"), undefined);
    assert.ok(await fileGone(f1.file?.path ?? ""));
    const f2 = store.get("P", "E1", "/f2") as CachedResponse;
    store.purge("E1", ["/f2"]);
    assert.ok(await fileGone(f2.file?.path ?? ""));
  });

  it("refuses a file that is not its own", () => {
    const store = new DiskStore(freshDir(), 1 << 20);
    const stranger = join(root, "stranger");
    writeFileSync(stranger, "x");
    assert.equal(store.put("P", "E1", "/s", { ...entryOf(0), file: { path: stranger, size: 1 } }), false);
    assert.ok(existsSync(stranger), "and leaves it alone");
  });

  it("purges thousands of entries, each file deleted once", async () => {
    const dir = freshDir();
    const store = new DiskStore(dir, 1 << 30);
    for (let i = 0; i < 2000; i++) store.put("P", "E1", `/f${i}\u0000`, entryOf(10));
    assert.equal(readdirSync(dir).length, 2000);
    assert.equal(store.purge("E1", ["/f*"]), 2000);
    assert.equal(store.size.bytes, 0);
    // Files are unlinked asynchronously.
    for (let i = 0; i < 100 && readdirSync(dir).length > 0; i++) await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual(readdirSync(dir), []);
  });
});
