import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { errorTtl, parseCacheControl, successTtl } from "./ttl.ts";

const legacy = { min: 0, def: 86400, max: 31536000 };
const now = Date.UTC(2025, 0, 1);

describe("successTtl (docs/edge.md §9.2)", () => {
  const cases: Array<[string, { min: number; def: number; max: number }, string | undefined, string | undefined, number]> = [
    ["no caching headers → DefaultTTL", legacy, undefined, undefined, 86400],
    ["max-age", legacy, "public, max-age=60", undefined, 60],
    ["s-maxage wins over max-age", legacy, "max-age=60, s-maxage=300", undefined, 300],
    ["max-age wins over Expires", legacy, "max-age=5", new Date(now + 3600_000).toUTCString(), 5],
    ["Expires in an hour", legacy, undefined, new Date(now + 3600_000).toUTCString(), 3600],
    ["Expires in the past → 0", legacy, undefined, new Date(now - 1000).toUTCString(), 0],
    ["no-store with MinTTL 0 → not cached", legacy, "no-store", undefined, 0],
    ["no-cache with MinTTL 0 → not cached", legacy, "no-cache", undefined, 0],
    ["private with MinTTL 0 → not cached", legacy, "private, max-age=600", undefined, 0],
    ["no-store with MinTTL 30 → MinTTL", { min: 30, def: 86400, max: 31536000 }, "no-store", undefined, 30],
    ["max-age below MinTTL → MinTTL", { min: 30, def: 86400, max: 31536000 }, "max-age=5", undefined, 30],
    ["max-age above MaxTTL → MaxTTL", { min: 0, def: 50, max: 100 }, "max-age=1000", undefined, 100],
    ["MaxTTL does not cap DefaultTTL use", { min: 0, def: 50, max: 100 }, undefined, undefined, 50],
    ["CachingDisabled", { min: 0, def: 0, max: 0 }, "max-age=600", undefined, 0],
  ];
  for (const [what, rules, cc, expires, expected] of cases) {
    it(what, () => assert.equal(successTtl(rules, cc, expires, now), expected));
  }
});

describe("errorTtl (docs/edge.md §9.4)", () => {
  it("caches 404/5xx for ErrorCachingMinTTL, longer with an origin max-age", () => {
    assert.equal(errorTtl(404, legacy, undefined, 10), 10);
    assert.equal(errorTtl(503, legacy, "max-age=60", 10), 60);
    assert.equal(errorTtl(404, legacy, undefined, 300), 300);
  });
  it("caches 400/403/405/412/415 only with an origin max-age", () => {
    assert.equal(errorTtl(403, legacy, undefined, 10), 0);
    assert.equal(errorTtl(403, legacy, "max-age=30", 10), 30);
  });
  it("never caches 416 or other codes", () => {
    assert.equal(errorTtl(416, legacy, "max-age=30", 10), 0);
    assert.equal(errorTtl(409, legacy, "max-age=30", 10), 0);
  });
  it("caps the origin's max-age at MaxTTL", () => {
    assert.equal(errorTtl(500, { min: 0, def: 10, max: 20 }, "max-age=600", 10), 20);
  });
});

describe("parseCacheControl", () => {
  it("reads directives case-insensitively and ignores malformed numbers", () => {
    assert.deepEqual(parseCacheControl('Max-Age=10, S-MAXAGE="20", No-Store, max-age=abc'), { maxAge: 10, sMaxAge: 20, noCache: false, noStore: true, isPrivate: false });
  });
});
