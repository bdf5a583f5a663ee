// `--origin [<distributionId>/]<originId>=<url>` (issue 16): local dev servers standing in for a
// distribution's origins behind its real behaviors. A distribution with two behaviors, each on its
// own origin, is made through the API; minifront is then started again on the same data directory
// with one `--origin` for every distribution's `app` origin and one for this distribution's `api`
// origin. curl then shows each behavior reaching its dev server with the behavior's cache policy
// and the distribution's function still applied.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateDistributionCommand, CreateFunctionCommand, PublishFunctionCommand } from "@aws-sdk/client-cloudfront";
import { startEmulator } from "../../src/index.ts";
import { hasCurl } from "../helpers/curl.ts";
import { cloudFrontClient } from "../helpers/emulator.ts";
import { curl, spawnLines, type LineProcess } from "../helpers/cli-lines.ts";
import { TestOrigin } from "../helpers/test-origin.ts";

// Managed cache policies (CloudFront Developer Guide, "Use managed cache policies").
const CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6";
const CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad";
const FUNCTION = `function handler(event) { var r = event.response; r.headers["x-function"] = { value: "ran" }; return r; }`;

describe("--origin puts dev servers behind a distribution's behaviors", { skip: hasCurl() ? false : "curl is not installed" }, () => {
  const app = new TestOrigin();
  const api = new TestOrigin();
  let work: string;
  let proc: LineProcess;
  let base: string;

  before(async () => {
    await Promise.all([app.start(), api.start()]);
    work = mkdtempSync(join(tmpdir(), "minifront-origin-"));
    const dataDir = join(work, "data");
    // The distribution as deployed: origins that are not reachable from here.
    const emu = await startEmulator({ port: 0, dataDir, logLevel: "warn" });
    const cf = cloudFrontClient(emu.controlUrl);
    const fn = await cf.send(new CreateFunctionCommand({ Name: "mark", FunctionConfig: { Comment: "", Runtime: "cloudfront-js-2.0" }, FunctionCode: new TextEncoder().encode(FUNCTION) }));
    const published = await cf.send(new PublishFunctionCommand({ Name: "mark", IfMatch: fn.ETag }));
    const custom = { CustomOriginConfig: { HTTPPort: 80, HTTPSPort: 443, OriginProtocolPolicy: "https-only" as const } };
    const out = await cf.send(
      new CreateDistributionCommand({
        DistributionConfig: {
          CallerReference: "origin-override",
          Comment: "",
          Enabled: true,
          Origins: { Quantity: 2, Items: [{ Id: "app", DomainName: "app.example.com", ...custom }, { Id: "api", DomainName: "api.example.com", OriginPath: "/prod", ...custom }] },
          DefaultCacheBehavior: {
            TargetOriginId: "app",
            ViewerProtocolPolicy: "allow-all",
            CachePolicyId: CACHING_OPTIMIZED,
            FunctionAssociations: { Quantity: 1, Items: [{ EventType: "viewer-response", FunctionARN: published.FunctionSummary?.FunctionMetadata?.FunctionARN }] },
          },
          CacheBehaviors: { Quantity: 1, Items: [{ PathPattern: "/api/*", TargetOriginId: "api", ViewerProtocolPolicy: "allow-all", CachePolicyId: CACHING_DISABLED }] },
        },
      }),
    );
    cf.destroy();
    await emu.dispose();
    const id = out.Distribution?.Id as string;
    base = `http://${out.Distribution?.DomainName}`;
    proc = spawnLines(["start", "--port", "0", "--host", "127.0.0.1", "--data-dir", dataDir, "--log-level", "warn", "--origin", `app=http://127.0.0.1:${app.port}`, "--origin", `${id}/api=http://127.0.0.1:${api.port}/v1`]);
    const [, port] = await proc.waitFor(/listening on http:\/\/127\.0\.0\.1:(\d+)/);
    base += `:${port}`;
  });
  after(async () => {
    await proc?.stop();
    await Promise.all([app.close(), api.close()]);
    rmSync(work, { recursive: true, force: true });
  });

  it("the default behavior reaches the app dev server with its own Host, cached by its policy, with its function run", async () => {
    app.on("/page", { body: "app page", headers: { "cache-control": "max-age=60" } });
    const first = await curl(`${base}/page`);
    assert.equal(first.status, 200);
    assert.equal(first.body, "app page");
    assert.equal(first.headers["x-cache"], "Miss from cloudfront");
    assert.equal(first.headers["x-function"], "ran");
    assert.equal(app.last("/page").headers.host, `127.0.0.1:${app.port}`);
    const second = await curl(`${base}/page`);
    assert.equal(second.headers["x-cache"], "Hit from cloudfront");
    assert.equal(second.headers["x-function"], "ran");
    assert.equal(app.hits("/page"), 1);
  });

  it("the /api/* behavior reaches the api dev server under the URL's path (not OriginPath), uncached as its policy says", async () => {
    api.on("/v1/api/users", { body: "[]", headers: { "content-type": "application/json" } });
    for (let i = 0; i < 2; i++) {
      const res = await curl(`${base}/api/users`);
      assert.equal(res.status, 200);
      assert.equal(res.body, "[]");
      assert.equal(res.headers["x-cache"], "Miss from cloudfront");
    }
    assert.equal(api.hits("/v1/api/users"), 2);
    assert.equal(app.hits("/api/users"), 0);
  });
});
