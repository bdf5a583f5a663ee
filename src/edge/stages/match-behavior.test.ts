import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { patternToRegExp } from "../compile.ts";

describe("path patterns (docs/edge.md §4)", () => {
  const cases: Array<[string, string, boolean]> = [
    ["/images/*", "/images/a.jpg", true],
    ["images/*", "/images/x/y.png", true],
    ["/images/*", "/IMAGES/a.jpg", false], // case-sensitive
    ["*.jpg", "/a/b/c.jpg", true],
    ["images/*.jpg", "/images/x/y/b.jpg", true],
    ["*.doc*", "/file.docx", true],
    ["a??.jpg", "/abe.jpg", true],
    ["a??.jpg", "/ab.jpg", false],
    ["/api/v1", "/api/v1", true],
    ["/api/v1", "/api/v1/x", false],
    ["/a+b(c)", "/a+b(c)", true], // regex metacharacters are literal
  ];
  for (const [pattern, path, expected] of cases) {
    it(`${pattern} ${expected ? "matches" : "does not match"} ${path}`, () => {
      assert.equal(patternToRegExp(pattern).test(path), expected);
    });
  }
});
