// CloudFront Functions at the edge, end to end (issue #5, docs/functions.md): functions created and
// published through @aws-sdk/client-cloudfront, associated with behaviors, and observed through
// real HTTP requests and curl: a URL rewrite, a redirect, header injection both ways, an
// authorization check against a KeyValueStore written with the KVS client, A/B origin selection,
// and hostile functions that must not hurt anything else.
import "@aws-sdk/signature-v4a";
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import {
  CreateDistributionCommand,
  CreateFunctionCommand,
  CreateKeyValueStoreCommand,
  DescribeFunctionCommand,
  PublishFunctionCommand,
  type CloudFrontClient,
  type DefaultCacheBehavior,
  type EventType,
} from "@aws-sdk/client-cloudfront";
import { CloudFrontKeyValueStoreClient, DescribeKeyValueStoreCommand, PutKeyCommand } from "@aws-sdk/client-cloudfront-keyvaluestore";
import { CREDENTIALS, useEmulator } from "../helpers/emulator.ts";
import { TestOrigin, header, sendToEdge, type ViewerRequest } from "../helpers/test-origin.ts";

const list = <T>(items: readonly T[]) => ({ Quantity: items.length, Items: [...items] });
const CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6";
const CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad";

describe("CloudFront Functions at the edge", () => {
  const t = useEmulator();
  const originA = new TestOrigin();
  const originB = new TestOrigin();
  let cf: CloudFrontClient | undefined;
  let refs = 0;
  before(async () => {
    await originA.start();
    await originB.start();
    cf = t.cloudfront();
  });
  after(async () => {
    cf?.destroy();
    await originA.close();
    await originB.close();
  });
  const cloudfront = () => cf as CloudFrontClient;

  /** Creates and publishes a function; returns its ARN. */
  async function fn(name: string, code: string, runtime: "cloudfront-js-1.0" | "cloudfront-js-2.0" = "cloudfront-js-2.0", kvsArn?: string): Promise<string> {
    await cloudfront().send(
      new CreateFunctionCommand({
        Name: name,
        FunctionConfig: { Comment: "", Runtime: runtime, ...(kvsArn ? { KeyValueStoreAssociations: { Quantity: 1, Items: [{ KeyValueStoreARN: kvsArn }] } } : {}) },
        FunctionCode: new TextEncoder().encode(code),
      }),
    );
    const etag = (await cloudfront().send(new DescribeFunctionCommand({ Name: name }))).ETag as string;
    const out = await cloudfront().send(new PublishFunctionCommand({ Name: name, IfMatch: etag }));
    return out.FunctionSummary?.FunctionMetadata?.FunctionARN as string;
  }

  async function distribution(functions: Partial<Record<EventType, string>>, behavior: Partial<DefaultCacheBehavior> = {}) {
    const associations = Object.entries(functions).map(([EventType, FunctionARN]) => ({ EventType: EventType as EventType, FunctionARN }));
    const out = await cloudfront().send(
      new CreateDistributionCommand({
        DistributionConfig: {
          CallerReference: `functions-${++refs}`,
          Comment: "",
          Enabled: true,
          Origins: list([
            { Id: "a", DomainName: "127.0.0.1", CustomOriginConfig: { HTTPPort: originA.port, HTTPSPort: 443, OriginProtocolPolicy: "http-only" } },
            { Id: "b", DomainName: "127.0.0.1", CustomOriginConfig: { HTTPPort: originB.port, HTTPSPort: 443, OriginProtocolPolicy: "http-only" } },
          ]),
          DefaultCacheBehavior: { TargetOriginId: "a", ViewerProtocolPolicy: "allow-all", CachePolicyId: CACHING_OPTIMIZED, FunctionAssociations: list(associations), ...behavior },
        },
      }),
    );
    const domain = out.Distribution?.DomainName as string;
    const host = `${domain}:${t.emu.port}`;
    return { domain, host, get: (path: string, req?: ViewerRequest) => sendToEdge(t.emu.port, host, path, req) };
  }

  it("rewrites directory URIs to index.html before the cache (viewer-request)", async () => {
    const arn = await fn(
      "rewrite-index",
      `async function handler(event) {
        var request = event.request;
        if (request.uri.endsWith("/")) request.uri += "index.html";
        else if (!request.uri.includes(".")) request.uri += "/index.html";
        return request;
      }`,
    );
    const d = await distribution({ "viewer-request": arn });
    const root = (await promisify(execFile)("curl", ["-s", "-i", "--resolve", `${d.domain}:${t.emu.port}:127.0.0.1`, `http://${d.host}/`], { encoding: "utf8" })).stdout;
    assert.match(root, /^HTTP\/1\.1 200/);
    assert.match(root, /origin \/index\.html$/, "curl: / is served as /index.html");
    const res = await d.get("/docs/");
    assert.equal(res.status, 200);
    assert.equal(res.body, "origin /docs/index.html");
    const again = await d.get("/docs");
    assert.equal(again.body, "origin /docs/index.html");
    assert.equal(header(again, "x-cache"), "Hit from cloudfront", "both URIs share the rewritten cache key");
    assert.equal(originA.hits("/docs/index.html"), 1);
  });

  it("answers a redirect itself, with X-Cache FunctionGeneratedResponse (observed with curl)", async () => {
    const arn = await fn(
      "redirect-old",
      `function handler(event) {
        if (event.request.uri.startsWith("/old/")) {
          return { statusCode: 301, statusDescription: "Moved Permanently", headers: { location: { value: "/new/" + event.request.uri.slice(5) } } };
        }
        return event.request;
      }`,
      "cloudfront-js-1.0",
    );
    const d = await distribution({ "viewer-request": arn });
    const out = (await promisify(execFile)("curl", ["-s", "-i", "--resolve", `${d.domain}:${t.emu.port}:127.0.0.1`, `http://${d.host}/old/page.html`], { encoding: "utf8" })).stdout;
    assert.match(out, /^HTTP\/1\.1 301 Moved Permanently/);
    assert.match(out, /location: \/new\/page\.html/i);
    assert.match(out, /x-cache: FunctionGeneratedResponse from cloudfront/i);
    assert.equal(originA.hits("/old/page.html"), 0, "the origin never saw it");
  });

  it("injects a request header for the origin and a response header for the viewer", async () => {
    const reqArn = await fn("inject-request", `function handler(event) { event.request.headers["x-injected"] = { value: "by-function" }; return event.request; }`);
    const resArn = await fn(
      "inject-response",
      `function handler(event) {
        var response = event.response;
        response.headers["strict-transport-security"] = { value: "max-age=63072000" };
        response.headers["x-status-seen"] = { value: String(response.statusCode) };
        return response;
      }`,
    );
    const d = await distribution({ "viewer-request": reqArn, "viewer-response": resArn }, { CachePolicyId: CACHING_DISABLED });
    const res = await d.get("/inject/page");
    assert.equal(res.status, 200);
    assert.equal(originA.last("/inject/page").headers["x-injected"], "by-function");
    assert.equal(header(res, "strict-transport-security"), "max-age=63072000");
    assert.equal(header(res, "x-status-seen"), "200");
  });

  it("runs viewer-response on cache hits too, but not on origin errors", async () => {
    originA.on("/vr/missing", { status: 404, body: "nope" });
    const resArn = await fn("mark-response", `function handler(event) { event.response.headers["x-marked"] = { value: "yes" }; return event.response; }`);
    const d = await distribution({ "viewer-response": resArn });
    assert.equal(header(await d.get("/vr/page"), "x-marked"), "yes");
    const hit = await d.get("/vr/page");
    assert.equal(header(hit, "x-cache"), "Hit from cloudfront");
    assert.equal(header(hit, "x-marked"), "yes");
    const missing = await d.get("/vr/missing");
    assert.equal(missing.status, 404);
    assert.equal(header(missing, "x-marked"), undefined);
  });

  it("authorizes requests by a KeyValueStore lookup, and sees KVS writes at once", async () => {
    const store = await cloudfront().send(new CreateKeyValueStoreCommand({ Name: "tokens" }));
    const arn = store.KeyValueStore?.ARN as string;
    const kvs = new CloudFrontKeyValueStoreClient({ region: "us-east-1", credentials: CREDENTIALS, endpointProvider: () => ({ url: new URL(t.emu.controlUrl) }), maxAttempts: 1 });
    const etag = (await kvs.send(new DescribeKeyValueStoreCommand({ KvsARN: arn }))).ETag as string;
    const put = await kvs.send(new PutKeyCommand({ KvsARN: arn, Key: "token-alice", Value: "alice", IfMatch: etag }));
    const fnArn = await fn(
      "kvs-auth",
      `import cf from "cloudfront";
      const kvs = cf.kvs();
      async function handler(event) {
        const token = event.request.headers["x-token"] ? event.request.headers["x-token"].value : "";
        let user;
        try { user = await kvs.get("token-" + token); } catch (e) { user = undefined; }
        if (!user) return { statusCode: 401, statusDescription: "Unauthorized", body: "who are you?" };
        event.request.headers["x-user"] = { value: user };
        return event.request;
      }`,
      "cloudfront-js-2.0",
      arn,
    );
    const d = await distribution({ "viewer-request": fnArn }, { CachePolicyId: CACHING_DISABLED });
    const denied = await d.get("/private", { headers: { "X-Token": "bob" } });
    assert.equal(denied.status, 401);
    assert.equal(denied.body, "who are you?");
    const ok = await d.get("/private", { headers: { "X-Token": "alice" } });
    assert.equal(ok.status, 200);
    assert.equal(originA.last("/private").headers["x-user"], "alice");
    await kvs.send(new PutKeyCommand({ KvsARN: arn, Key: "token-bob", Value: "bob", IfMatch: put.ETag as string }));
    const now = await d.get("/private", { headers: { "X-Token": "bob" } });
    assert.equal(now.status, 200, "the new key is visible to the next request");
    kvs.destroy();
  });

  it("sends a cookie-chosen share of requests to another origin (A/B by selectRequestOriginById)", async () => {
    originB.on("/ab/page", { body: "variant B" });
    originA.on("/ab/page", { body: "variant A" });
    const arn = await fn(
      "ab-origin",
      `import cf from "cloudfront";
      function handler(event) {
        const group = event.request.cookies["ab"] ? event.request.cookies["ab"].value : "a";
        if (group === "b") cf.selectRequestOriginById("b");
        return event.request;
      }`,
    );
    const d = await distribution({ "viewer-request": arn }, { CachePolicyId: CACHING_DISABLED });
    assert.equal((await d.get("/ab/page")).body, "variant A");
    assert.equal((await d.get("/ab/page", { headers: { Cookie: "ab=b" } })).body, "variant B");
    assert.equal((await d.get("/ab/page", { headers: { Cookie: "ab=a" } })).body, "variant A");
  });

  it("contains hostile functions: a loop, a memory bomb and host access fail with 5xx, and the edge keeps serving", async () => {
    const loop = await fn("hostile-loop", `function handler(event) { while (true) {} }`);
    const bomb = await fn("hostile-bomb", `function handler(event) { var a = []; while (true) { a.push("x".repeat(100000)); } }`);
    const host = await fn("hostile-host", `function handler(event) { return require("fs").readFileSync("/etc/passwd"); }`);
    const healthy = await fn("healthy", `function handler(event) { return event.request; }`);
    for (const [name, arn] of [["loop", loop], ["bomb", bomb], ["host", host]] as const) {
      const d = await distribution({ "viewer-request": arn }, { CachePolicyId: CACHING_DISABLED });
      const res = await d.get(`/hostile/${name}`);
      assert.ok(res.status === 502 || res.status === 503, `${name}: ${res.status}`);
      assert.match(header(res, "x-cache") ?? "", /^Function\w+Error from cloudfront$/);
      assert.equal(originA.hits(`/hostile/${name}`), 0);
    }
    const good = await distribution({ "viewer-request": healthy }, { CachePolicyId: CACHING_DISABLED });
    const res = await good.get("/after-hostile");
    assert.equal(res.status, 200, "other distributions and functions still work");
    const process = await fn("hostile-process", `function handler(event) { event.request.headers["x-env"] = { value: typeof process + "," + typeof require + "," + typeof fetch }; return event.request; }`);
    const d = await distribution({ "viewer-request": process }, { CachePolicyId: CACHING_DISABLED });
    await d.get("/probe");
    // require is CloudFront's own module loader (crypto, querystring, buffer, cloudfront); it
    // cannot load host modules (the "host" case above).
    assert.equal(originA.last("/probe").headers["x-env"], "undefined,function,undefined", "no host objects inside the sandbox");
  });
});
