// `minifront/testing`: helpers for test suites that run against minifront (node:test, Vitest, Jest).
// Per file: useEmulator(hooks). Per run: startEmulatorForRun() in a global setup, then
// connectEmulator() in the test files. Every handle has AWS SDK client settings, reset() and a
// fetch for distribution URLs that works where *.localhost does not resolve. README "In your tests".
export { connectEmulator, TEST_CREDENTIALS, type AwsClientConfig, type EmulatorHandle } from "./handle.ts";
export { startEmulatorForRun, startTestEmulator, useEmulator, type TestEmulatorOptions, type TestHooks } from "./lifecycle.ts";
export { edgeFetch, type EdgeFetch, type EdgeFetchInit } from "./edge-fetch.ts";
