// Builds the published package's dist/ (`npm run build`, run by `prepack`): src/ compiled by
// TypeScript's own emit (tsconfig.build.json) to JavaScript plus .d.ts files, then the two things
// that emit does not do:
// - `rewriteRelativeImportExtensions` rewrites import/export declarations and `import()`, but not
//   the synchronous `require("./x.ts")` of lazily loaded modules (createRequire) nor
//   `new URL("./worker.ts", import.meta.url)`; those become `.js` here. Declaration files keep
//   `.ts` specifiers from tsc; they become `.js` too, which every TypeScript resolution mode reads.
// - Files the code reads at run time that are not TypeScript (the sandbox prelude, the Lambda
//   runtime bootstraps, the dashboard's page, script and stylesheet) are copied beside the
//   compiled modules that read them.
// It then fails if any relative `.ts` specifier is left in dist/, since Node refuses to strip
// types under node_modules (docs/decisions.md "The published package").
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const SRC = join(ROOT, "src");
const DIST = join(ROOT, "dist");
/** Run-time assets: every file under src/ with one of these endings (tests excluded). */
const ASSET_EXTENSIONS = [".js", ".mjs", ".cjs", ".py", ".json", ".wasm", ".html", ".css"];
const IS_TEST = /\.test\.|\.suite\.|\.snapshot$/;
// A relative module specifier ending in .ts, quoted: group 1 the quote, group 2 the path before .ts.
const RELATIVE_TS = /(["'])(\.{1,2}\/[^"'\n]*?)\.ts\1/g;
// In JavaScript, only the places the emit leaves alone: require(...) and new URL(..., import.meta.url).
const JS_CALL_TS = /((?:\brequire|\bnew URL)\(\s*)(["'])(\.{1,2}\/[^"'\n]*?)\.ts\2/g;

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

rmSync(DIST, { recursive: true, force: true });
const tsc = spawnSync(join(ROOT, "node_modules", ".bin", "tsc"), ["-p", join(ROOT, "tsconfig.build.json")], { stdio: "inherit" });
if (tsc.status !== 0) {
  console.error(`build-dist: tsc failed (${tsc.error?.message ?? `exit ${tsc.status}`})`);
  process.exit(1);
}

for (const file of files(DIST)) {
  const text = readFileSync(file, "utf8");
  const out = file.endsWith(".d.ts") ? text.replace(RELATIVE_TS, "$1$2.js$1") : file.endsWith(".js") ? text.replace(JS_CALL_TS, "$1$2$3.js$2") : text;
  if (out !== text) writeFileSync(file, out);
}

let copied = 0;
for (const file of files(SRC)) {
  if (!ASSET_EXTENSIONS.some((ext) => file.endsWith(ext)) || IS_TEST.test(file)) continue;
  const target = join(DIST, relative(SRC, file));
  mkdirSync(dirname(target), { recursive: true });
  copyFileSync(file, target);
  copied++;
}

const leftovers = files(DIST).flatMap((file) =>
  file.endsWith(".js") || file.endsWith(".d.ts") ? [...readFileSync(file, "utf8").matchAll(RELATIVE_TS)].map((m) => `${relative(ROOT, file)}: ${m[0]}`) : [],
);
if (leftovers.length > 0) {
  console.error(`build-dist: relative .ts specifiers left in dist/ (Node cannot load them from node_modules):\n  ${leftovers.join("\n  ")}`);
  process.exit(1);
}
console.log(`build-dist: dist/ built (${copied} run-time assets copied)`);
