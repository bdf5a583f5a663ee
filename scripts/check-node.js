// Fails early with a clear message when the runtime is older than Node 24 (DECISIONS.md: the
// project brings Node 24 as a devDependency; this catches `--ignore-scripts` installs and
// running `node src/cli.ts` with an older system Node).
const major = Number(process.versions.node.split(".")[0]);
if (major < 24) {
  console.error(
    `minifront needs Node.js >= 24 (this is ${process.version}). Run it through npm (npm start / npm test), ` +
      "which puts the project's own Node 24 first on PATH, or install Node 24.",
  );
  process.exit(1);
}
