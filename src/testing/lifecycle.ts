// Starting and stopping an emulator around tests, for any runner that has beforeAll/afterAll hooks:
// node:test (`before`/`after`), Vitest and Jest (`beforeAll`/`afterAll`). The runner's own hook
// functions are passed in, so minifront depends on none of them.
//   per file: useEmulator(hooks) starts one in this process before the file's tests, stops it
//             after them, and with a beforeEach hook resets it between tests;
//   per run:  startEmulatorForRun() in a global setup starts one and publishes its URL in
//             MINIFRONT_URL, which the test files (other workers or processes) read with
//             connectEmulator().
import { startEmulator, type Emulator, type StartOptions } from "../index.ts";
import { handleFor, type EmulatorHandle } from "./handle.ts";

type Hook = (fn: () => Promise<void>) => unknown;

/** The runner's hook functions: `{ before, after, beforeEach }` from node:test, `{ beforeAll, afterAll, beforeEach }` from Vitest or Jest. */
export type TestHooks = ({ readonly beforeAll: Hook } | { readonly before: Hook }) &
  ({ readonly afterAll: Hook } | { readonly after: Hook }) & { readonly beforeEach?: Hook };

export interface TestEmulatorOptions extends StartOptions {
  /** Reset the state before each test (needs `beforeEach` in the hooks). Default: true. */
  readonly resetBetweenTests?: boolean;
}

/** An emulator for tests: port 0 on 127.0.0.1, state in a temporary directory, warnings only. */
export async function startTestEmulator(options: StartOptions = {}): Promise<EmulatorHandle & { readonly emulator: Emulator; dispose(): Promise<void> }> {
  const emulator = await startEmulator({ port: 0, host: "127.0.0.1", ephemeral: true, logLevel: "warn", ...options });
  return { ...handleFor(emulator), dispose: () => emulator.dispose() };
}

/**
 * One emulator for the tests of this file: started before them, stopped after them, reset
 * before each test when the hooks include `beforeEach`. Read its members inside tests (before
 * the start hook has run they throw).
 *
 * @example
 * import { before, after, beforeEach, test } from "node:test";
 * const emu = useEmulator({ before, after, beforeEach });
 * test("serves the bucket", async () => { const cf = new CloudFrontClient(emu.clientConfig); ... });
 */
export function useEmulator(hooks: TestHooks, options: TestEmulatorOptions = {}): EmulatorHandle & { readonly emulator: Emulator } {
  const { resetBetweenTests = true, ...startOptions } = options;
  let started: Awaited<ReturnType<typeof startTestEmulator>> | undefined;
  const current = () => started ?? fail("the emulator is not started yet: use it inside a test or a hook that runs after the start hook");
  const beforeAll = "beforeAll" in hooks ? hooks.beforeAll : hooks.before;
  const afterAll = "afterAll" in hooks ? hooks.afterAll : hooks.after;
  beforeAll(async () => {
    started = await startTestEmulator(startOptions);
  });
  afterAll(async () => {
    await started?.dispose();
    started = undefined;
  });
  if (hooks.beforeEach && resetBetweenTests) hooks.beforeEach(() => current().reset());
  return {
    get emulator() {
      return current().emulator;
    },
    get controlUrl() {
      return current().controlUrl;
    },
    get s3Url() {
      return current().s3Url;
    },
    get port() {
      return current().port;
    },
    get clientConfig() {
      return current().clientConfig;
    },
    get s3ClientConfig() {
      return current().s3ClientConfig;
    },
    edgeUrlFor: (domainName, path) => current().edgeUrlFor(domainName, path),
    fetch: (input, init) => current().fetch(input, init),
    reset: () => current().reset(),
  };
}

/**
 * For a global setup (Vitest `globalSetup`, Jest `globalSetup`, node:test `--test-global-setup`):
 * starts one emulator for the whole run, sets MINIFRONT_URL for the test files
 * (`connectEmulator()` reads it) and returns the function that stops it.
 */
export async function startEmulatorForRun(options: StartOptions = {}): Promise<() => Promise<void>> {
  const emu = await startTestEmulator(options);
  process.env.MINIFRONT_URL = emu.controlUrl;
  return async () => {
    await emu.dispose();
    delete process.env.MINIFRONT_URL;
  };
}

function fail(message: string): never {
  throw new Error(`minifront/testing: ${message}`);
}
