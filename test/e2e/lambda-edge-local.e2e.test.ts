// The edit-reload loop (issue 14): `--edge-lambda name=dir` runs a Lambda@Edge function from a
// local directory, associated like a deployed version, and an edit applies on the next request.
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateDistributionCommand } from "@aws-sdk/client-cloudfront";
import { startEmulator } from "../../src/index.ts";
import { useEmulator } from "../helpers/emulator.ts";
import { TestOrigin, header, sendToEdge } from "../helpers/test-origin.ts";

const dir = mkdtempSync(join(tmpdir(), "minifront-edge-lambda-"));
const code = (tag: string) => `exports.handler = async (event) => { const r = event.Records[0].cf.request; r.headers["x-tag"] = [{ key: "X-Tag", value: "${tag}" }]; return r; };`;
writeFileSync(join(dir, "index.js"), code("first"));

describe("--edge-lambda", () => {
  const t = useEmulator({ accountId: "123456789012", edgeLambdas: `tagger=${dir}` });
  const origin = new TestOrigin();
  after(async () => {
    await origin.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("runs the directory's current code on each request", async () => {
    await origin.start();
    const cf = t.cloudfront();
    const out = await cf.send(
      new CreateDistributionCommand({
        DistributionConfig: {
          CallerReference: "local-lambda",
          Comment: "",
          Enabled: true,
          Origins: { Quantity: 1, Items: [{ Id: "a", DomainName: "127.0.0.1", CustomOriginConfig: { HTTPPort: origin.port, HTTPSPort: 443, OriginProtocolPolicy: "http-only" } }] },
          DefaultCacheBehavior: {
            TargetOriginId: "a",
            ViewerProtocolPolicy: "allow-all",
            CachePolicyId: "4135ea2d-6df8-44a3-9df3-4b5a84be39ad",
            LambdaFunctionAssociations: { Quantity: 1, Items: [{ EventType: "viewer-request", LambdaFunctionARN: "arn:aws:lambda:us-east-1:123456789012:function:tagger:1" }] },
          },
        },
      }),
    );
    cf.destroy();
    const host = `${out.Distribution?.DomainName}:${t.emu.port}`;
    assert.equal((await sendToEdge(t.emu.port, host, "/a")).status, 200);
    assert.equal(origin.last("/a").headers["x-tag"], "first");
    writeFileSync(join(dir, "index.js"), code("second"));
    const later = new Date(Date.now() + 5000);
    utimesSync(join(dir, "index.js"), later, later); // a file system with coarse times still sees the edit
    const res = await sendToEdge(t.emu.port, host, "/b");
    assert.equal(res.status, 200, header(res, "x-cache"));
    assert.equal(origin.last("/b").headers["x-tag"], "second");
  });

  it("refuses to start with a directory that does not exist", async () => {
    await assert.rejects(startEmulator({ port: 0, ephemeral: true, logLevel: "silent", edgeLambdas: "nope=/does/not/exist" }), /--edge-lambda nope: .* is not a directory/);
  });
});
