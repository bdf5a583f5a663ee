#!/usr/bin/env node
// Thin launcher for `npx minifront` / a global install: checks the runtime, then runs the CLI.
import "../scripts/check-node.js";
await import("../src/cli.ts");
