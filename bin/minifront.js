#!/usr/bin/env node
// Thin launcher for `npx minifront`, a global install and `npm start`: checks the runtime, turns
// on Node's compile cache, stops with its launcher (below), then runs the CLI: the TypeScript
// sources in a checkout, the compiled dist/ in the published package (which ships no src/;
// scripts/build-dist.ts).
import "../scripts/check-node.js";
import * as nodeModule from "node:module";
import { existsSync } from "node:fs";

// The on-disk compile cache (node's default place, under the OS temp dir) keeps V8's code cache
// and, for our .ts files, the type-stripped source. Turned on here, before the first .ts file is
// loaded, a warm start never loads the TypeScript stripper at all: about half of the start-up time
// and ~20 MB of idle memory (bench/startup-bench.ts). The namespace import keeps Node < 24 (which
// check-node.js turns away with a clear message) from failing on a missing named export first.
nodeModule.enableCompileCache?.();

// `npm start` and `npx minifront` run us under `sh -c "..."`. npm passes a SIGTERM or SIGINT it
// receives to that shell only, and the shell dies of it without passing it on, so the server would
// keep running with no parent (test/e2e/npm-start.e2e.test.ts). Under npm (it sets
// npm_lifecycle_event), a changed parent pid means the launcher is gone: stop as on SIGTERM, once.
if (process.env.npm_lifecycle_event !== undefined && process.platform !== "win32") {
  const launcher = process.ppid;
  const watch = setInterval(() => {
    if (process.ppid === launcher) return;
    clearInterval(watch);
    process.kill(process.pid, "SIGTERM");
  }, 250);
  watch.unref();
}

// src/ first: in a checkout a dist/ left by `npm pack` may be stale.
const fromSource = existsSync(new URL("../src/cli.ts", import.meta.url));
await import(fromSource ? "../src/cli.ts" : "../dist/cli.js");
