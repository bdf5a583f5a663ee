// Connection functions on the sandbox (connection-function.ts): the decision a handler makes, and
// the failures that close a connection.
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createFunctionRuntime } from "./runtime.ts";
import { runConnectionFunction } from "./connection-function.ts";

describe("runConnectionFunction", () => {
  const runtime = createFunctionRuntime();
  after(() => runtime.dispose());
  let n = 0;
  const run = (code: string, connection = { clientIp: "192.0.2.1", serverName: "d1.example", clientCertInfo: { serialNumber: "4a:3f", issuer: "CN=ca", subject: "CN=c", sha256: "00", validity: { notBefore: "", notAfter: "" } } }) =>
    runConnectionFunction(runtime, { key: `test-${++n}`, code, runtime: "cloudfront-js-2.0", kvsArns: [] }, connection);

  for (const [name, code, decision] of [
    ["allow", "function connectionHandler(c) { c.allow(); }", "allow"],
    ["deny", "function connectionHandler(c) { c.deny(); }", "deny"],
    ["async allow after reading the certificate", "async function connectionHandler(c) { if (c.clientCertInfo.serialNumber === '4a:3f' && c.serverName === 'd1.example') c.allow(); else c.deny(); }", "allow"],
    ["the first decision counts", "function connectionHandler(c) { c.deny(); c.allow(); }", "deny"],
  ] as const) {
    it(`${name} → ${decision}`, async () => {
      const r = await run(code);
      assert.equal(r.decision, decision);
      assert.equal(r.error, undefined);
    });
  }

  it("a handler that decides nothing, or throws, denies with an error", async () => {
    const none = await run("function connectionHandler(c) { console.log(c.clientIp); }");
    assert.equal(none.decision, "deny");
    assert.match(none.error ?? "", /neither/);
    assert.deepEqual(none.logs, ["192.0.2.1"]);
    const thrown = await run("function connectionHandler(c) { throw new Error('boom'); }");
    assert.equal(thrown.decision, "deny");
    assert.match(thrown.error ?? "", /boom/);
  });
});
