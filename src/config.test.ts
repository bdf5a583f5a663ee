import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { resolveOptions, OPTION_SPECS } from "./config.ts";
import { EmulatorError } from "./errors.ts";

describe("resolveOptions", () => {
  it("uses the documented defaults", () => {
    const o = resolveOptions({});
    for (const spec of OPTION_SPECS) assert.equal(o[spec.key], spec.default, spec.key);
    assert.equal(o.port, 4566);
    assert.equal(o.host, "127.0.0.1");
  });

  it("lets MINIFRONT_* variables override defaults and explicit options override both", () => {
    const env = { MINIFRONT_PORT: "5000", MINIFRONT_EPHEMERAL: "true", MINIFRONT_ACCOUNT_ID: "111122223333", MINIFRONT_DEPLOY_DELAY: "250" };
    const fromEnv = resolveOptions({}, env);
    assert.deepEqual([fromEnv.port, fromEnv.ephemeral, fromEnv.accountId, fromEnv.deployDelayMs], [5000, true, "111122223333", 250]);
    const explicit = resolveOptions({ port: 0, ephemeral: false }, env);
    assert.deepEqual([explicit.port, explicit.ephemeral], [0, false]);
    assert.ok(Object.isFrozen(explicit));
  });

  const bad: Array<[string, Parameters<typeof resolveOptions>[0], NodeJS.ProcessEnv]> = [
    ["a non-numeric port", {}, { MINIFRONT_PORT: "abc" }],
    ["a port above 65535", { port: 70000 }, {}],
    ["a negative delay", { deployDelayMs: -1 }, {}],
    ["an unknown log level", {}, { MINIFRONT_LOG_LEVEL: "loud" }],
    ["a short account id", { accountId: "123" }, {}],
    ["an upper-case domain suffix", { domainSuffix: "CloudFront.Local" }, {}],
    ["a boolean that is not one", {}, { MINIFRONT_EPHEMERAL: "maybe" }],
  ];
  for (const [what, explicit, env] of bad) {
    it(`rejects ${what} with ERR_CONFIG`, () => {
      assert.throws(() => resolveOptions(explicit, env), (err: unknown) => err instanceof EmulatorError && err.code === "ERR_CONFIG");
    });
  }
});
