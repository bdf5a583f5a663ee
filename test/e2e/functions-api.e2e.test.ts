// CloudFront Functions on the API, end to end: @aws-sdk/client-cloudfront on a real port for every
// function operation and its errors (If-Match, stages, code checks, size, in-use protection,
// associations from distributions, KeyValueStore associations), TestFunction's results, then the
// aws CLI. docs/functions.md §1, §5; docs/control-plane.md §3 (If-Match), §6, Appendix A.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CreateDistributionCommand,
  CreateFunctionCommand,
  CreateKeyValueStoreCommand,
  DeleteFunctionCommand,
  DescribeFunctionCommand,
  GetDistributionConfigCommand,
  GetFunctionCommand,
  ListFunctionsCommand,
  PublishFunctionCommand,
  TestFunctionCommand,
  TagResourceCommand,
  UntagResourceCommand,
  ListTagsForResourceCommand,
  UpdateDistributionCommand,
  UpdateFunctionCommand,
  type CloudFrontClient,
  type DistributionConfig,
  type FunctionConfig,
  type FunctionSummary,
} from "@aws-sdk/client-cloudfront";
import { AWS_CLI_MISSING, awsCliAvailable, runAws, useCloudFrontCli } from "../helpers/aws-cli.ts";
import { cloudFrontClient, expectServiceError, useEmulator } from "../helpers/emulator.ts";
import { startEmulator } from "../../src/index.ts";

const ACCOUNT_ARN = /^arn:aws:cloudfront::\d{12}:function\//;
const CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6";

const V1: FunctionConfig = { Comment: "1.0 function", Runtime: "cloudfront-js-1.0" };
const V2: FunctionConfig = { Comment: "2.0 function", Runtime: "cloudfront-js-2.0" };

const ADD_HEADER = `function handler(event) {
  var request = event.request;
  request.headers['x-added'] = { value: 'yes' };
  console.log('saw ' + request.uri);
  return request;
}`;

const code = (text: string): Uint8Array => new TextEncoder().encode(text);

/** A viewer-request event as the docs write test events (no distribution fields, lower-case names). */
function viewerRequestEvent(uri = "/index.html"): Uint8Array {
  return code(
    JSON.stringify({
      version: "1.0",
      context: { eventType: "viewer-request" },
      viewer: { ip: "1.2.3.4" },
      request: { method: "GET", uri, querystring: { test: { value: "true" } }, headers: { host: { value: "www.example.com" } }, cookies: { id: { value: "abc" } } },
    }),
  );
}

let refs = 0;
function distributionWith(functionArn: string | undefined): DistributionConfig {
  return {
    CallerReference: `functions-${process.pid}-${++refs}`,
    Comment: "",
    Enabled: true,
    Origins: { Quantity: 1, Items: [{ Id: "origin", DomainName: "example.com", CustomOriginConfig: { HTTPPort: 80, HTTPSPort: 443, OriginProtocolPolicy: "http-only" } }] },
    DefaultCacheBehavior: {
      TargetOriginId: "origin",
      ViewerProtocolPolicy: "allow-all",
      CachePolicyId: CACHING_OPTIMIZED,
      FunctionAssociations: functionArn ? { Quantity: 1, Items: [{ FunctionARN: functionArn, EventType: "viewer-request" }] } : { Quantity: 0 },
    },
  };
}

describe("CloudFront Functions API", () => {
  const t = useEmulator();
  let client: CloudFrontClient | undefined;
  const cf = (): CloudFrontClient => client ?? assert.fail("CloudFront client not created yet");
  before(() => {
    client = t.cloudfront();
  });
  after(() => client?.destroy());

  async function create(name: string, text = ADD_HEADER, config: FunctionConfig = V2) {
    return cf().send(new CreateFunctionCommand({ Name: name, FunctionConfig: config, FunctionCode: code(text) }));
  }
  async function devETag(name: string): Promise<string> {
    return (await cf().send(new DescribeFunctionCommand({ Name: name }))).ETag ?? assert.fail("no ETag");
  }
  async function publish(name: string): Promise<FunctionSummary> {
    return (await cf().send(new PublishFunctionCommand({ Name: name, IfMatch: await devETag(name) }))).FunctionSummary ?? assert.fail("no summary");
  }

  describe("lifecycle", () => {
    it("CreateFunction answers 201 with Location, ETag and an UNPUBLISHED DEVELOPMENT summary; the name is then taken", async () => {
      const out = await create("lifecycle-create");
      assert.equal(out.$metadata.httpStatusCode, 201);
      assert.ok(out.ETag);
      const s = out.FunctionSummary;
      assert.equal(s?.Name, "lifecycle-create");
      assert.equal(s?.Status, "UNPUBLISHED");
      assert.deepEqual(s?.FunctionConfig, { Comment: "2.0 function", Runtime: "cloudfront-js-2.0" });
      assert.match(s?.FunctionMetadata?.FunctionARN ?? "", ACCOUNT_ARN);
      assert.equal(s?.FunctionMetadata?.Stage, "DEVELOPMENT");
      assert.ok(s?.FunctionMetadata?.CreatedTime instanceof Date);
      assert.equal(out.Location, `${t.emu.controlUrl}/2020-05-31/function/${s?.FunctionMetadata?.FunctionARN}`);
      await expectServiceError(create("lifecycle-create"), 409, "FunctionAlreadyExists");
    });

    it("DescribeFunction defaults to DEVELOPMENT; LIVE of an unpublished function and unknown names are NoSuchFunctionExists", async () => {
      const created = await create("lifecycle-describe");
      const d = await cf().send(new DescribeFunctionCommand({ Name: "lifecycle-describe" }));
      assert.equal(d.ETag, created.ETag);
      assert.equal(d.FunctionSummary?.FunctionMetadata?.Stage, "DEVELOPMENT");
      await expectServiceError(cf().send(new DescribeFunctionCommand({ Name: "lifecycle-describe", Stage: "LIVE" })), 404, "NoSuchFunctionExists");
      await expectServiceError(cf().send(new DescribeFunctionCommand({ Name: "no-such-function" })), 404, "NoSuchFunctionExists");
      await expectServiceError(cf().send(new GetFunctionCommand({ Name: "no-such-function" })), 404, "NoSuchFunctionExists");
    });

    it("GetFunction returns the code bytes with the stage's ETag", async () => {
      const created = await create("lifecycle-get", "function handler(event) { return event.request; } // é");
      const got = await cf().send(new GetFunctionCommand({ Name: "lifecycle-get" }));
      assert.equal(new TextDecoder().decode(got.FunctionCode), "function handler(event) { return event.request; } // é");
      assert.equal(got.ETag, created.ETag);
      assert.ok(got.ContentType);
    });

    it("UpdateFunction needs the current ETag, returns the new one (the model's ETtag header) and changes DEVELOPMENT only", async () => {
      const created = await create("lifecycle-update");
      await publish("lifecycle-update");
      const update = (ifMatch: string | undefined) =>
        cf().send(new UpdateFunctionCommand({ Name: "lifecycle-update", IfMatch: ifMatch, FunctionConfig: { ...V2, Comment: "changed" }, FunctionCode: code("function handler(event) { return event.request; }") }));
      await expectServiceError(update(undefined), 400, "InvalidIfMatchVersion");
      await expectServiceError(update("E0000000000000"), 412, "PreconditionFailed");
      const updated = await update(created.ETag);
      assert.ok(updated.ETag);
      assert.notEqual(updated.ETag, created.ETag);
      assert.equal(updated.FunctionSummary?.FunctionConfig?.Comment, "changed");
      assert.equal(await devETag("lifecycle-update"), updated.ETag);
      await expectServiceError(update(created.ETag), 412, "PreconditionFailed");
      const live = await cf().send(new GetFunctionCommand({ Name: "lifecycle-update", Stage: "LIVE" }));
      assert.equal(new TextDecoder().decode(live.FunctionCode), ADD_HEADER, "LIVE keeps the published code");
      const dev = await cf().send(new GetFunctionCommand({ Name: "lifecycle-update", Stage: "DEVELOPMENT" }));
      assert.equal(new TextDecoder().decode(dev.FunctionCode), "function handler(event) { return event.request; }");
    });

    it("tags a function and a KeyValueStore by ARN (TagResource, ListTagsForResource, UntagResource)", async () => {
      const created = await create("lifecycle-tags");
      const fnArn = created.FunctionSummary?.FunctionMetadata?.FunctionARN as string;
      const store = await cf().send(new CreateKeyValueStoreCommand({ Name: "tagged-store" }));
      for (const arn of [fnArn, store.KeyValueStore?.ARN as string]) {
        await cf().send(new TagResourceCommand({ Resource: arn, Tags: { Items: [{ Key: "team", Value: "edge" }, { Key: "env", Value: "dev" }] } }));
        await cf().send(new UntagResourceCommand({ Resource: arn, TagKeys: { Items: ["env"] } }));
        const listed = await cf().send(new ListTagsForResourceCommand({ Resource: arn }));
        assert.deepEqual(listed.Tags?.Items, [{ Key: "team", Value: "edge" }], arn);
      }
      await expectServiceError(cf().send(new ListTagsForResourceCommand({ Resource: fnArn.replace("lifecycle-tags", "no-such-function") })), 404, "NoSuchResource");
    });

    it("UpdateFunction's raw answer carries the new ETag in both the ETtag and ETag headers", async () => {
      const created = await create("lifecycle-update-raw");
      const body =
        `<UpdateFunctionRequest xmlns="http://cloudfront.amazonaws.com/doc/2020-05-31/"><FunctionConfig><Comment>raw</Comment><Runtime>cloudfront-js-2.0</Runtime></FunctionConfig>` +
        `<FunctionCode>${Buffer.from("function handler(event) { return event.request; }").toString("base64")}</FunctionCode></UpdateFunctionRequest>`;
      const res = await fetch(`${t.emu.controlUrl}/2020-05-31/function/lifecycle-update-raw`, { method: "PUT", headers: { "If-Match": created.ETag as string, "Content-Type": "application/xml" }, body });
      assert.equal(res.status, 200);
      const etag = res.headers.get("etag");
      assert.ok(etag);
      assert.notEqual(etag, created.ETag);
      assert.equal(res.headers.get("ettag"), etag);
    });

    it("PublishFunction copies DEVELOPMENT to LIVE with the DEVELOPMENT ETag; the function becomes UNASSOCIATED", async () => {
      await create("lifecycle-publish");
      await expectServiceError(cf().send(new PublishFunctionCommand({ Name: "lifecycle-publish", IfMatch: undefined })), 400, "InvalidIfMatchVersion");
      await expectServiceError(cf().send(new PublishFunctionCommand({ Name: "lifecycle-publish", IfMatch: "E0000000000000" })), 412, "PreconditionFailed");
      const s = await publish("lifecycle-publish");
      assert.equal(s.Status, "UNASSOCIATED");
      assert.equal(s.FunctionMetadata?.Stage, "LIVE");
      const live = await cf().send(new DescribeFunctionCommand({ Name: "lifecycle-publish", Stage: "LIVE" }));
      assert.ok(live.ETag);
      assert.equal(live.FunctionSummary?.Status, "UNASSOCIATED");
      const dev = await cf().send(new DescribeFunctionCommand({ Name: "lifecycle-publish", Stage: "DEVELOPMENT" }));
      assert.equal(dev.FunctionSummary?.Status, "UNASSOCIATED", "the status belongs to the function, not the stage");
      await expectServiceError(cf().send(new PublishFunctionCommand({ Name: "no-such-function", IfMatch: "E1" })), 404, "NoSuchFunctionExists");
    });

    it("DeleteFunction needs the DEVELOPMENT ETag and removes both stages", async () => {
      await create("lifecycle-delete");
      await publish("lifecycle-delete");
      await expectServiceError(cf().send(new DeleteFunctionCommand({ Name: "lifecycle-delete", IfMatch: undefined })), 400, "InvalidIfMatchVersion");
      await expectServiceError(cf().send(new DeleteFunctionCommand({ Name: "lifecycle-delete", IfMatch: "E0000000000000" })), 412, "PreconditionFailed");
      const out = await cf().send(new DeleteFunctionCommand({ Name: "lifecycle-delete", IfMatch: await devETag("lifecycle-delete") }));
      assert.equal(out.$metadata.httpStatusCode, 204);
      await expectServiceError(cf().send(new DescribeFunctionCommand({ Name: "lifecycle-delete", Stage: "LIVE" })), 404, "NoSuchFunctionExists");
      await expectServiceError(cf().send(new DeleteFunctionCommand({ Name: "lifecycle-delete", IfMatch: "E1" })), 404, "NoSuchFunctionExists");
    });

    it("ListFunctions filters by Stage and pages with MaxItems and NextMarker", async () => {
      for (const n of ["list-a", "list-b", "list-c"]) await create(n);
      await publish("list-b");
      const live = await cf().send(new ListFunctionsCommand({ Stage: "LIVE" }));
      const liveNames = (live.FunctionList?.Items ?? []).map((s) => s.Name);
      assert.ok(liveNames.includes("list-b") && !liveNames.includes("list-a"));
      assert.ok((live.FunctionList?.Items ?? []).every((s) => s.FunctionMetadata?.Stage === "LIVE"));
      const dev = await cf().send(new ListFunctionsCommand({ Stage: "DEVELOPMENT" }));
      assert.ok(["list-a", "list-b", "list-c"].every((n) => (dev.FunctionList?.Items ?? []).some((s) => s.Name === n)));
      const all = await cf().send(new ListFunctionsCommand({}));
      assert.equal(all.FunctionList?.Items?.filter((s) => s.Name === "list-b").length, 2, "a published function is listed once per stage");
      const seen: string[] = [];
      let marker: string | undefined;
      do {
        const page = await cf().send(new ListFunctionsCommand({ Stage: "DEVELOPMENT", MaxItems: 2, Marker: marker }));
        assert.ok((page.FunctionList?.Quantity ?? 0) <= 2);
        assert.equal(page.FunctionList?.MaxItems, 2);
        seen.push(...(page.FunctionList?.Items ?? []).map((s) => s.Name as string));
        marker = page.FunctionList?.NextMarker;
      } while (marker);
      assert.deepEqual(seen, (dev.FunctionList?.Items ?? []).map((s) => s.Name));
    });
  });

  describe("code and configuration checks", () => {
    it("refuses const in cloudfront-js-1.0 and export, syntax errors and unknown modules in 2.0 (InvalidArgument)", async () => {
      const e1 = await expectServiceError(create("bad-const", "const x = 1;\nfunction handler(e) { return e.request; }", V1), 400, "InvalidArgument");
      assert.match(e1.message, /"const" is not supported in cloudfront-js-1\.0/);
      await expectServiceError(create("bad-export", "function handler(e) { return e.request; }\nexport { handler };"), 400, "InvalidArgument");
      const e3 = await expectServiceError(create("bad-syntax", "function handler(e) {\n  return e.request\n"), 400, "InvalidArgument");
      assert.match(e3.message, /SyntaxError/);
      await expectServiceError(create("bad-module", "import fs from 'fs';\nfunction handler(e) { return e.request; }"), 400, "InvalidArgument");
      await expectServiceError(create("bad-async-1", "async function handler(e) { return e.request; }", V1), 400, "InvalidArgument");
      await expectServiceError(cf().send(new DescribeFunctionCommand({ Name: "bad-const" })), 404, "NoSuchFunctionExists");
    });

    it("accepts 2.0 code with const, async/await and imports of the built-in modules", async () => {
      const out = await create("good-2", "import cf from 'cloudfront';\nimport crypto from 'crypto';\nconst salt = 'x';\nasync function handler(event) { return event.request; }");
      assert.equal(out.$metadata.httpStatusCode, 201);
    });

    it("UpdateFunction checks the new code the same way", async () => {
      const created = await create("update-checked");
      await expectServiceError(
        cf().send(new UpdateFunctionCommand({ Name: "update-checked", IfMatch: created.ETag, FunctionConfig: V1, FunctionCode: code("let x = 1; function handler(e) { return e.request; }") })),
        400,
        "InvalidArgument",
      );
      assert.equal(await devETag("update-checked"), created.ETag, "a refused update changes nothing");
    });

    it("refuses code over 10 KB (FunctionSizeLimitExceeded, 413)", async () => {
      const big = `function handler(event) { return event.request; }\n//${"x".repeat(10 * 1024)}`;
      await expectServiceError(create("too-big", big), 413, "FunctionSizeLimitExceeded");
    });

    it("refuses bad names, runtimes and comments", async () => {
      await expectServiceError(create("bad name!"), 400, "InvalidArgument");
      await expectServiceError(create("bad-runtime", ADD_HEADER, { Comment: "", Runtime: "cloudfront-js-3.0" as FunctionConfig["Runtime"] }), 400, "InvalidArgument");
      await expectServiceError(create("long-comment", ADD_HEADER, { ...V2, Comment: "c".repeat(129) }), 400, "InvalidArgument");
    });

    it("a KeyValueStore association must name an existing store, one at most", async () => {
      const missing = "arn:aws:cloudfront::123456789012:key-value-store/00000000-0000-4000-8000-000000000000";
      await expectServiceError(create("kvs-missing", ADD_HEADER, { ...V2, KeyValueStoreAssociations: { Quantity: 1, Items: [{ KeyValueStoreARN: missing }] } }), 404, "EntityNotFound");
      const store = await cf().send(new CreateKeyValueStoreCommand({ Name: "functions-e2e-store", Comment: "" }));
      const arn = store.KeyValueStore?.ARN ?? assert.fail("no store ARN");
      await expectServiceError(
        create("kvs-two", ADD_HEADER, { ...V2, KeyValueStoreAssociations: { Quantity: 2, Items: [{ KeyValueStoreARN: arn }, { KeyValueStoreARN: arn }] } }),
        400,
        "InvalidArgument",
      );
      const text = "import cf from 'cloudfront';\nasync function handler(event) { const m = await cf.kvs().meta(); console.log('keys ' + m.keyCount + ' ' + (await cf.kvs().exists('nope'))); return event.request; }";
      const created = await create("kvs-one", text, { ...V2, KeyValueStoreAssociations: { Quantity: 1, Items: [{ KeyValueStoreARN: arn }] } });
      assert.deepEqual(created.FunctionSummary?.FunctionConfig?.KeyValueStoreAssociations, { Quantity: 1, Items: [{ KeyValueStoreARN: arn }] });
      const tested = await cf().send(new TestFunctionCommand({ Name: "kvs-one", IfMatch: created.ETag, EventObject: viewerRequestEvent() }));
      assert.deepEqual(tested.TestResult?.FunctionExecutionLogs, ["keys 0 false"]);
    });
  });

  describe("associations with distributions", () => {
    it("an unpublished function cannot be associated (InvalidFunctionAssociation); a published one can, and then cannot be deleted (FunctionInUse)", async () => {
      const created = await create("assoc");
      const arn = created.FunctionSummary?.FunctionMetadata?.FunctionARN ?? assert.fail("no ARN");
      await expectServiceError(cf().send(new CreateDistributionCommand({ DistributionConfig: distributionWith(arn) })), 400, "InvalidFunctionAssociation");
      await publish("assoc");
      const dist = await cf().send(new CreateDistributionCommand({ DistributionConfig: distributionWith(arn) }));
      const id = dist.Distribution?.Id ?? assert.fail("no distribution id");
      const described = await cf().send(new DescribeFunctionCommand({ Name: "assoc", Stage: "LIVE" }));
      assert.equal(described.FunctionSummary?.Status, "DEPLOYED");
      await expectServiceError(cf().send(new DeleteFunctionCommand({ Name: "assoc", IfMatch: await devETag("assoc") })), 409, "FunctionInUse");

      const cfg = await cf().send(new GetDistributionConfigCommand({ Id: id }));
      const config = cfg.DistributionConfig ?? assert.fail("no config");
      await cf().send(new UpdateDistributionCommand({ Id: id, IfMatch: cfg.ETag, DistributionConfig: { ...config, DefaultCacheBehavior: { ...config.DefaultCacheBehavior, FunctionAssociations: { Quantity: 0 } } as DistributionConfig["DefaultCacheBehavior"] } }));
      assert.equal((await cf().send(new DescribeFunctionCommand({ Name: "assoc" }))).FunctionSummary?.Status, "UNASSOCIATED");
      await cf().send(new DeleteFunctionCommand({ Name: "assoc", IfMatch: await devETag("assoc") }));
    });

    it("a function ARN that does not exist cannot be associated", async () => {
      const arn = "arn:aws:cloudfront::123456789012:function/never-created";
      await expectServiceError(cf().send(new CreateDistributionCommand({ DistributionConfig: distributionWith(arn) })), 400, "InvalidFunctionAssociation");
    });
  });

  describe("TestFunction", () => {
    it("returns the function's output, logs, compute utilization and the tested stage's summary", async () => {
      const created = await create("test-output");
      const out = await cf().send(new TestFunctionCommand({ Name: "test-output", IfMatch: created.ETag, EventObject: viewerRequestEvent("/docs") }));
      const r = out.TestResult ?? assert.fail("no TestResult");
      assert.equal(r.FunctionErrorMessage, "");
      assert.deepEqual(r.FunctionExecutionLogs, ["saw /docs"]);
      assert.match(r.ComputeUtilization ?? "", /^(\d|[1-9]\d|100)$/);
      assert.equal(r.FunctionSummary?.Name, "test-output");
      assert.equal(r.FunctionSummary?.FunctionMetadata?.Stage, "DEVELOPMENT");
      const output = JSON.parse(r.FunctionOutput ?? "") as { request: Record<string, unknown> };
      assert.deepEqual(Object.keys(output.request), ["headers", "method", "querystring", "uri", "cookies"]);
      assert.deepEqual(output.request["headers"], { host: { value: "www.example.com" }, "x-added": { value: "yes" } });
      assert.equal(output.request["uri"], "/docs");
    });

    it("a generated response comes back as {response: …} with cookies filled in", async () => {
      const created = await create("test-redirect", "function handler(event) { return { statusCode: 302, statusDescription: 'Found', headers: { location: { value: 'https://example.com/new' } } }; }", V1);
      const out = await cf().send(new TestFunctionCommand({ Name: "test-redirect", IfMatch: created.ETag, EventObject: viewerRequestEvent() }));
      assert.equal(out.TestResult?.FunctionOutput, '{"response":{"headers":{"location":{"value":"https://example.com/new"}},"statusDescription":"Found","cookies":{},"statusCode":302}}');
    });

    it("a throwing function reports FunctionErrorMessage and no output", async () => {
      const created = await create("test-throw", "function handler(event) { console.log('before'); return event.request.headers.missing.value; }");
      const r = (await cf().send(new TestFunctionCommand({ Name: "test-throw", IfMatch: created.ETag, EventObject: viewerRequestEvent() }))).TestResult;
      assert.match(r?.FunctionErrorMessage ?? "", /^The CloudFront function associated with the CloudFront distribution is invalid or could not run\. TypeError: /);
      assert.equal(r?.FunctionOutput, "");
      assert.deepEqual(r?.FunctionExecutionLogs, ["before"]);
    });

    it("an endless loop is stopped and reported at 100 % compute utilization", async () => {
      const created = await create("test-loop", "function handler(event) { while (true) {} }");
      const r = (await cf().send(new TestFunctionCommand({ Name: "test-loop", IfMatch: created.ETag, EventObject: viewerRequestEvent() }))).TestResult;
      assert.match(r?.FunctionErrorMessage ?? "", /compute limit/);
      assert.equal(r?.ComputeUtilization, "100");
    });

    it("tests the LIVE stage with the LIVE ETag, and wants the tested stage's ETag", async () => {
      const created = await create("test-live");
      await publish("test-live");
      const liveETag = (await cf().send(new DescribeFunctionCommand({ Name: "test-live", Stage: "LIVE" }))).ETag;
      await expectServiceError(cf().send(new TestFunctionCommand({ Name: "test-live", Stage: "LIVE", IfMatch: created.ETag, EventObject: viewerRequestEvent() })), 412, "PreconditionFailed");
      const r = await cf().send(new TestFunctionCommand({ Name: "test-live", Stage: "LIVE", IfMatch: liveETag, EventObject: viewerRequestEvent() }));
      assert.equal(r.TestResult?.FunctionSummary?.FunctionMetadata?.Stage, "LIVE");
      await expectServiceError(cf().send(new TestFunctionCommand({ Name: "test-live", IfMatch: undefined, EventObject: viewerRequestEvent() })), 400, "InvalidIfMatchVersion");
    });

    it("refuses an EventObject that is not a function event (InvalidArgument)", async () => {
      const created = await create("test-bad-event");
      for (const bad of ["not json", '{"version":"1.0"}', '{"context":{"eventType":"origin-request"},"request":{}}', '{"context":{"eventType":"viewer-response"},"request":{}}']) {
        await expectServiceError(cf().send(new TestFunctionCommand({ Name: "test-bad-event", IfMatch: created.ETag, EventObject: code(bad) })), 400, "InvalidArgument");
      }
    });

    it("runs viewer-response functions on a response event", async () => {
      const created = await create("test-response", "function handler(event) { var r = event.response; r.headers['x-frame-options'] = { value: 'DENY' }; return r; }", V1);
      const event = { version: "1.0", context: { eventType: "viewer-response" }, viewer: { ip: "1.2.3.4" }, request: { method: "GET", uri: "/", querystring: {}, headers: {}, cookies: {} }, response: { statusCode: 200, statusDescription: "OK", headers: {}, cookies: {} } };
      const r = await cf().send(new TestFunctionCommand({ Name: "test-response", IfMatch: created.ETag, EventObject: code(JSON.stringify(event)) }));
      const output = JSON.parse(r.TestResult?.FunctionOutput ?? "") as { response: { headers: Record<string, unknown>; statusCode: number } };
      assert.deepEqual(output.response.headers, { "x-frame-options": { value: "DENY" } });
      assert.equal(output.response.statusCode, 200);
    });
  });
});

// ---------------------------------------------------------------------------------------------
// Persistence

describe("CloudFront Functions survive a restart on the same data dir", () => {
  let dir = "";
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "minifront-functions-persist-"));
  });
  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("keeps both stages, their ETags and code, and the LIVE function still tests", async () => {
    const first = await startEmulator({ port: 0, dataDir: dir, logLevel: "warn" });
    let etags: { dev?: string; live?: string } = {};
    try {
      const c = cloudFrontClient(first.controlUrl);
      const created = await c.send(new CreateFunctionCommand({ Name: "persisted", FunctionConfig: V1, FunctionCode: code(ADD_HEADER) }));
      await c.send(new PublishFunctionCommand({ Name: "persisted", IfMatch: created.ETag }));
      await c.send(new UpdateFunctionCommand({ Name: "persisted", IfMatch: created.ETag, FunctionConfig: V1, FunctionCode: code("function handler(event) { return event.request; }") }));
      etags = {
        dev: (await c.send(new DescribeFunctionCommand({ Name: "persisted" }))).ETag,
        live: (await c.send(new DescribeFunctionCommand({ Name: "persisted", Stage: "LIVE" }))).ETag,
      };
      c.destroy();
    } finally {
      await first.dispose();
    }
    const second = await startEmulator({ port: 0, dataDir: dir, logLevel: "warn" });
    try {
      const c = cloudFrontClient(second.controlUrl);
      assert.equal((await c.send(new DescribeFunctionCommand({ Name: "persisted" }))).ETag, etags.dev);
      assert.equal((await c.send(new DescribeFunctionCommand({ Name: "persisted", Stage: "LIVE" }))).ETag, etags.live);
      const live = await c.send(new GetFunctionCommand({ Name: "persisted", Stage: "LIVE" }));
      assert.equal(new TextDecoder().decode(live.FunctionCode), ADD_HEADER);
      const tested = await c.send(new TestFunctionCommand({ Name: "persisted", Stage: "LIVE", IfMatch: etags.live, EventObject: viewerRequestEvent() }));
      assert.deepEqual(tested.TestResult?.FunctionExecutionLogs, ["saw /index.html"]);
      c.destroy();
    } finally {
      await second.dispose();
    }
  });
});

// ---------------------------------------------------------------------------------------------
// The aws CLI

describe("aws cloudfront (CLI v1) function commands", { skip: awsCliAvailable() ? false : AWS_CLI_MISSING }, () => {
  const t = useEmulator();
  const cloudfrontCli = useCloudFrontCli(() => t.emu.controlUrl);
  const aws = cloudfrontCli.json;


  interface CliSummary {
    FunctionSummary: { Name: string; Status: string; FunctionMetadata: { Stage: string; FunctionARN: string } };
    ETag?: string;
  }

  it("create-function, update-function (ETag from the ETtag header), publish-function and test-function", async () => {
    const codeFile = join(cloudfrontCli.dir(), "function.js");
    writeFileSync(codeFile, ADD_HEADER);
    const created = await aws<CliSummary & { Location: string }>("create-function", "--name", "cli-function", "--function-config", "Comment=from the cli,Runtime=cloudfront-js-1.0", "--function-code", `fileb://${codeFile}`);
    assert.equal(created.FunctionSummary.Status, "UNPUBLISHED");
    assert.ok(created.ETag);
    assert.match(created.Location, /\/2020-05-31\/function\/arn:aws:cloudfront::\d{12}:function\/cli-function$/);

    const updated = await aws<CliSummary>("update-function", "--name", "cli-function", "--if-match", created.ETag as string, "--function-config", "Comment=updated,Runtime=cloudfront-js-1.0", "--function-code", `fileb://${codeFile}`);
    assert.ok(updated.ETag, "botocore reads UpdateFunction's ETag from the ETtag header");
    assert.notEqual(updated.ETag, created.ETag);

    const described = await aws<CliSummary>("describe-function", "--name", "cli-function");
    assert.equal(described.ETag, updated.ETag);

    const published = await aws<CliSummary>("publish-function", "--name", "cli-function", "--if-match", updated.ETag as string);
    assert.equal(published.FunctionSummary.FunctionMetadata.Stage, "LIVE");
    assert.equal(published.FunctionSummary.Status, "UNASSOCIATED");

    const eventFile = join(cloudfrontCli.dir(), "event.json");
    writeFileSync(eventFile, Buffer.from(viewerRequestEvent("/cli")));
    const tested = await aws<{ TestResult: { FunctionOutput: string; FunctionExecutionLogs: string[]; FunctionErrorMessage: string; ComputeUtilization: string } }>(
      "test-function",
      "--name",
      "cli-function",
      "--if-match",
      updated.ETag as string,
      "--event-object",
      `fileb://${eventFile}`,
    );
    assert.equal(tested.TestResult.FunctionErrorMessage, "");
    assert.deepEqual(tested.TestResult.FunctionExecutionLogs, ["saw /cli"]);
    assert.equal((JSON.parse(tested.TestResult.FunctionOutput) as { request: { headers: Record<string, { value: string }> } }).request.headers["x-added"]?.value, "yes");

    const listed = await aws<{ FunctionList: { Items: Array<{ Name: string }> } }>("list-functions", "--stage", "LIVE");
    assert.ok(listed.FunctionList.Items.some((s) => s.Name === "cli-function"));
  });
});
