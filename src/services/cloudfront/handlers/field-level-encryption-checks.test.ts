// Field pattern overlap (CloudFront Developer Guide "Using field-level encryption to help protect
// sensitive data", step 3: "if you have a field name pattern of ABC*, you can't add another field
// name pattern that is AB*").
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { patternsOverlap } from "./field-level-encryption-checks.ts";

describe("patternsOverlap", () => {
  const cases: [string, string, boolean][] = [
    ["ABC*", "AB*", true],
    ["AB*", "ABC*", true],
    ["AB*", "ABC", true], // ABC matches both
    ["ABC", "AB*", true],
    ["ABC", "ABC", true],
    ["AB", "ABC*", false],
    ["ABC", "ABD", false],
    ["abc*", "ABC*", false], // case-sensitive
    ["card*", "ssn", false],
  ];
  for (const [a, b, expected] of cases) {
    it(`${a} and ${b}: ${expected ? "overlap" : "do not overlap"}`, () => assert.equal(patternsOverlap(a, b), expected));
  }
});
