// examples/terraform/main.tf, the stack the README points Terraform users at, applied as it is
// (only its port 4566 becomes the emulator's) with S3 access enforced: the distribution serves the
// object only if the example's origin access control and bucket policy are right. Not destroyed:
// the ephemeral emulator goes with its state, and the provider's delete of a distribution (disable,
// wait for the deployment, delete) is covered by test/terraform/terraform.e2e.test.ts.
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { useEmulator } from "../helpers/emulator.ts";
import { terraformIn, terraformMissing } from "../helpers/terraform.ts";
import { header, sendToEdge } from "../helpers/test-origin.ts";

const EXAMPLE = fileURLToPath(new URL("../../examples/terraform/main.tf", import.meta.url));
/** Per terraform command: the provider takes ~40 s to start on the test machines. */
const STEP_TIMEOUT_MS = 300_000;

describe("examples/terraform/main.tf", { skip: terraformMissing(), timeout: 3 * STEP_TIMEOUT_MS }, () => {
  const t = useEmulator({ s3Access: "enforce" });
  const dir = mkdtempSync(join(tmpdir(), "minifront-tf-example-"));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("applies and serves the object through the distribution", async () => {
    const port = String(t.emu.port);
    writeFileSync(join(dir, "main.tf"), readFileSync(EXAMPLE, "utf8").replaceAll("localhost:4566", `127.0.0.1:${port}`).replaceAll(":4566/", `:${port}/`));
    const tf = terraformIn(dir, STEP_TIMEOUT_MS);
    await tf.ok("init");
    await tf.ok("apply", "-auto-approve");
    const url = new URL(JSON.parse((await tf.ok("output", "-json", "url")).stdout) as string);
    assert.equal(url.port, port);
    const res = await sendToEdge(t.emu.port, url.host, "/");
    assert.equal(res.status, 200, `${header(res, "x-cache")}: ${res.body}`);
    assert.equal(res.body, "Hello from Terraform!");
  });
});
