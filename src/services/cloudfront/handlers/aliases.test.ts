// Which aliases conflict (Developer Guide "Use wildcards in alternate domain names"; aliases.ts).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { conflict } from "./aliases.ts";

describe("alias conflicts", () => {
  const cases: Array<[string, string, boolean]> = [
    ["www.example.com", "www.example.com", true],
    ["www.example.com", "*.example.com", true],
    ["*.example.com", "www.example.com", true],
    ["*.example.com", "marketing.product.example.com", true], // a wildcard covers every depth under it
    ["*.example.com", "example.com", false], // but not the name itself
    ["*.example.com", "*.example.com", true],
    ["*.example.com", "*.sub.example.com", true],
    ["www.example.com", "www.example.org", false],
    ["www.example.com", "*.www.example.com", false],
    ["myexample.com", "*.example.com", false],
  ];
  for (const [a, b, expected] of cases) {
    it(`${a} and ${b}: ${expected ? "conflict" : "no conflict"}`, () => assert.equal(conflict(a, b), expected));
  }
});
