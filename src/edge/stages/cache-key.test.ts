import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { buildCacheKey, keyPath, selectCookies, selectQuery } from "./cache-key.ts";
import { invalidationMatcher } from "../cache/invalidation.ts";
import type { ValueSelector } from "../compile.ts";

const sel = (behavior: ValueSelector["behavior"], ...names: string[]): ValueSelector => ({ behavior, names: new Set(names) });
const none = sel("none");

describe("cache key (docs/edge.md §6)", () => {
  it("keeps the selected query parameters in the viewer's order", () => {
    assert.equal(selectQuery("b=2&a=1&c=3", sel("all")), "b=2&a=1&c=3");
    assert.equal(selectQuery("b=2&a=1&c=3", sel("whitelist", "a", "b")), "b=2&a=1");
    assert.equal(selectQuery("b=2&a=1&c=3", sel("allExcept", "b")), "a=1&c=3");
    assert.equal(selectQuery("b=2", none), "");
  });
  it("selects cookies and sorts them by name", () => {
    assert.deepEqual(selectCookies("z=1; a=2; session=x", sel("whitelist", "z", "a")), ["a=2", "z=1"]);
    assert.deepEqual(selectCookies("z=1; a=2", none), []);
  });
  it("puts selected headers (any case, any order) into the key, others not", () => {
    const base = { distributionId: "E1", method: "GET", path: "/p", rawQuery: "" };
    const k1 = buildCacheKey({ ...base, headers: { "x-a": "1", "x-b": "2", "x-other": "o" } }, { headers: sel("whitelist", "x-a", "x-b"), cookies: none, query: none });
    const k2 = buildCacheKey({ ...base, headers: { "x-b": "2", "x-a": "1", "x-other": "different" } }, { headers: sel("whitelist", "x-a", "x-b"), cookies: none, query: none });
    assert.equal(k1, k2);
    const k3 = buildCacheKey({ ...base, headers: { "x-a": "9", "x-b": "2" } }, { headers: sel("whitelist", "x-a", "x-b"), cookies: none, query: none });
    assert.notEqual(k1, k3);
  });
  it("gives OPTIONS its own key and GET/HEAD a shared one", () => {
    const key = (method: string) => buildCacheKey({ distributionId: "E1", method, path: "/p", rawQuery: "", headers: {} }, { headers: none, cookies: none, query: none });
    assert.equal(key("GET"), key("HEAD"));
    assert.notEqual(key("GET"), key("OPTIONS"));
  });
  it("exposes path and keyed query for invalidation matching", () => {
    const k = buildCacheKey({ distributionId: "E1", method: "GET", path: "/p", rawQuery: "x=1", headers: {} }, { headers: none, cookies: none, query: sel("all") });
    assert.equal(keyPath(k), "/p?x=1");
  });
});

describe("invalidation paths (docs/edge.md §15)", () => {
  const cases: Array<[string, string, boolean]> = [
    ["/*", "/anything/at/all?x=1", true],
    ["/images/*", "/images/a/b.png", true],
    ["/images/*", "/images2/a.png", false],
    ["/images*", "/images2/a.png", true],
    ["/index.html", "/index.html", true],
    ["/index.html", "/index.html?x=1", false],
    ["/p*", "/p?x=1", true],
    ["/Index.html", "/index.html", false],
  ];
  for (const [path, key, expected] of cases) {
    it(`${path} ${expected ? "purges" : "keeps"} ${key}`, () => assert.equal(invalidationMatcher(path)(key), expected));
  }
});
