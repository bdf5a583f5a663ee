// The README is part of the product: its option table and coverage table must match the code.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { OPTION_SPECS } from "../src/config.ts";
import { README, readmeWithTable } from "../scripts/coverage-table.ts";

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

  it("has an up-to-date operation coverage table (npm run coverage-table)", () => {
    assert.equal(readme, readmeWithTable(readme));
  });
});
