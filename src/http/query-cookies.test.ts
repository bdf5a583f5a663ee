import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { decodeLenient, decodedQueryPairs, queryParts } from "./query.ts";
import { cookiePairs } from "./cookies.ts";

describe("query strings and cookies", () => {
  it("splits a raw query into parts as received, keeping empty parts", () => {
    assert.deepEqual(queryParts("a=1&b&&c=x=y"), [
      { raw: "a=1", name: "a", value: "1" },
      { raw: "b", name: "b", value: "" },
      { raw: "", name: "", value: "" },
      { raw: "c=x=y", name: "c", value: "x=y" },
    ]);
    assert.deepEqual(queryParts(""), []);
  });

  it("decodes pairs leniently, keeping + and malformed escapes literal", () => {
    assert.deepEqual(decodedQueryPairs("a%20b=c+d&bad=%zz&&e"), [
      ["a b", "c+d"],
      ["bad", "%zz"],
      ["e", ""],
    ]);
    assert.equal(decodeLenient("%E2%82%AC"), "€");
    assert.equal(decodeLenient("%E2%82"), "%E2%82");
  });

  it("reads Cookie headers: trimmed pairs, a bare name has an empty value", () => {
    assert.deepEqual(cookiePairs(" a=1;b = 2 ;; flag; c=\"q\""), [
      ["a", "1"],
      ["b", "2"],
      ["flag", ""],
      ["c", '"q"'],
    ]);
  });
});
