// Fails early with a clear message when the runtime is too old. A checkout runs the .ts sources,
// which needs Node 24 (docs/decisions.md: the project brings Node 24 as a devDependency; this catches
// `--ignore-scripts` installs and running `node src/cli.ts` with an older system Node). The
// published package (compiled dist/, no src/) runs on Node 22.16+ too: node:sqlite without a flag
// (22.13) and its `isTransaction` (22.16), require() of ES modules (22.12).
import { existsSync } from "node:fs";

const [major = 0, minor = 0] = process.versions.node.split(".").map(Number);
if (existsSync(new URL("../src/cli.ts", import.meta.url))) {
  if (major < 24) {
    console.error(
      `minifront needs Node.js >= 24 (this is ${process.version}). Run it through npm (npm start / npm test), ` +
        "which puts the project's own Node 24 first on PATH, or install Node 24.",
    );
    process.exit(1);
  }
} else if (major < 22 || (major === 22 && minor < 16) || major === 23) {
  console.error(`minifront needs Node.js 22.16 or later 22.x, or >= 24 (this is ${process.version}).`);
  process.exit(1);
}
