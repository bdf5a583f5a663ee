// Preloaded (NODE_OPTIONS=--import) into a `minifront start` child by
// test/e2e/startup-footprint.e2e.test.ts: records every module file the process loads, ES modules
// and CommonJS alike, and on exit writes them, with Node's list of its own loaded built-in
// modules, as JSON to the file named by LOADED_MODULES_REPORT.
import { registerHooks } from "node:module";
import { writeFileSync } from "node:fs";

const reportPath = process.env.LOADED_MODULES_REPORT;
const loaded: string[] = [];
registerHooks({
  load(url, context, nextLoad) {
    loaded.push(url);
    return nextLoad(url, context);
  },
});
process.on("exit", () => {
  // moduleLoadList is Node's own record ("NativeModule tls", "Internal Binding ..."); untyped.
  const builtins = (process as unknown as { moduleLoadList: string[] }).moduleLoadList;
  if (reportPath) writeFileSync(reportPath, JSON.stringify({ loaded, builtins }));
});
