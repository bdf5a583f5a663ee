// node:http and node:https as their CommonJS exports, for modules that need their values.
//
// Why not `import { createServer } from "node:http"`: an ES-module import of a built-in builds a
// namespace of all its exports, and reading node:http's lazy `WebSocket`, `CloseEvent` and
// `MessageEvent` exports loads Node's bundled undici, which nothing here uses (memory and
// milliseconds at every start). `process.getBuiltinModule` returns the same objects without
// touching those getters; type-only imports of "node:http" cost nothing. node:https (and with it
// node:tls) is loaded on first use: most runs serve neither HTTPS nor HTTPS origins.
// test/e2e/startup-footprint.e2e.test.ts checks what a start leaves unloaded.

/** `node:http`, without loading undici. */
export const nodeHttp = process.getBuiltinModule("node:http");

/** `node:https`, loaded on the first call (Node keeps it; later calls are a lookup). */
export function nodeHttps(): typeof import("node:https") {
  return process.getBuiltinModule("node:https");
}
