// The README is part of the product: its option table and the coverage tables it links to
// (docs/coverage.md) must match the code.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { OPTION_SPECS } from "../src/config.ts";
import { COVERAGE, README, withCoverageTables } from "../scripts/coverage-table.ts";

describe("README", () => {
  const readme = readFileSync(README, "utf8");

  it("documents every CLI flag and environment variable with its default", () => {
    for (const spec of OPTION_SPECS) {
      const row = readme.split("\n").find((line) => line.startsWith(`| \`--${spec.flag}\` |`));
      assert.ok(row, `README has no row for --${spec.flag}`);
      assert.ok(row.includes(`\`${spec.env}\``), `README row for --${spec.flag} names ${spec.env}`);
      const shown = spec.default === "" || spec.default === null ? "none" : `\`${String(spec.default)}\``;
      assert.ok(row.includes(shown), `README row for --${spec.flag} gives the default ${shown}`);
    }
  });

  it("links to an up-to-date operation coverage table (npm run coverage-table)", () => {
    assert.ok(readme.includes("](docs/coverage.md)"));
    const coverage = readFileSync(COVERAGE, "utf8");
    assert.equal(coverage, withCoverageTables(coverage));
  });
});
