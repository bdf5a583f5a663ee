// The dashboard's JSON API and event stream (issue 15, src/ui/): what the page at /_minifront/ui
// reads and writes. Distributions, functions and KeyValueStores are made with
// @aws-sdk/client-cloudfront, buckets with @aws-sdk/client-s3, viewer requests go through the edge
// over real sockets; the event stream is read with fetch. The browser itself: dashboard-browser.e2e.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import {
  CreateDistributionCommand,
  CreateFunctionCommand,
  CreateInvalidationCommand,
  CreateKeyValueStoreCommand,
  CreateRealtimeLogConfigCommand,
  PublishFunctionCommand,
  type CloudFrontClient,
  type DistributionConfig,
} from "@aws-sdk/client-cloudfront";
import { CreateBucketCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { CREDENTIALS, spawnCli, useEmulator } from "../helpers/emulator.ts";
import { header, sendToEdge, TestOrigin } from "../helpers/test-origin.ts";

const origin = new TestOrigin();
before(() => origin.start());
after(() => origin.close());

/** An open /_minifront/ui/events stream: the events read so far, by type. */
interface EventStream {
  readonly events: Array<{ event: string; data: unknown }>;
  /** Waits (bounded) until `n` events of this type have arrived. */
  waitFor(event: string, n: number): Promise<unknown[]>;
  close(): void;
}

async function openStream(base: string): Promise<EventStream> {
  const abort = new AbortController();
  const res = await fetch(`${base}/events`, { signal: abort.signal });
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-type") ?? "", /^text\/event-stream/);
  const events: Array<{ event: string; data: unknown }> = [];
  let text = "";
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  void (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        text += value;
        let end: number;
        while ((end = text.indexOf("\n\n")) >= 0) {
          const block = text.slice(0, end);
          text = text.slice(end + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event && data) events.push({ event, data: JSON.parse(data) });
        }
      }
    } catch {
      // Aborted by close().
    }
  })();
  return {
    events,
    async waitFor(event, n) {
      for (let i = 0; i < 500; i++) {
        const found = events.filter((e) => e.event === event).map((e) => e.data);
        if (found.length >= n) return found;
        await new Promise((r) => setTimeout(r, 10));
      }
      assert.fail(`expected ${n} ${event} events, got ${JSON.stringify(events)}`);
    },
    close: () => abort.abort(),
  };
}

function distributionConfig(ref: string, extra: Partial<DistributionConfig> = {}): DistributionConfig {
  return {
    CallerReference: ref,
    Comment: "",
    Enabled: true,
    Origins: { Quantity: 1, Items: [{ Id: "o", DomainName: "127.0.0.1", CustomOriginConfig: { HTTPPort: origin.port, HTTPSPort: 443, OriginProtocolPolicy: "http-only" } }] },
    DefaultCacheBehavior: { TargetOriginId: "o", ViewerProtocolPolicy: "allow-all", ForwardedValues: { QueryString: true, Cookies: { Forward: "none" } }, MinTTL: 0 },
    ...extra,
  };
}

describe("dashboard API", () => {
  const t = useEmulator();
  let cf: CloudFrontClient;
  let s3: S3Client;
  let dist: { id: string; domain: string };
  const base = () => `${t.emu.controlUrl}/_minifront/ui`;
  const getJson = async <T = Record<string, unknown>>(path: string): Promise<T> => {
    const res = await fetch(`${base()}/api/${path}`);
    assert.equal(res.status, 200, await res.clone().text());
    return (await res.json()) as T;
  };
  const post = (path: string, body: unknown) => fetch(`${base()}/api/${path}`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
  /** Waits (bounded) until no browser listens (the stream's close reaches the server a little later). */
  const noListeners = async () => {
    for (let i = 0; i < 500; i++) {
      if ((await getJson<{ listening: number }>("requests")).listening === 0) return;
      await new Promise((r) => setTimeout(r, 10));
    }
    assert.fail("the event stream is still counted as open");
  };

  before(async () => {
    cf = t.cloudfront();
    s3 = new S3Client({ region: "us-east-1", endpoint: t.emu.s3Url, forcePathStyle: true, credentials: CREDENTIALS, maxAttempts: 1 });
    await s3.send(new CreateBucketCommand({ Bucket: "dash-logs" }));
    origin.on("/page.html", { headers: { "content-type": "text/html", "cache-control": "max-age=300" }, body: "<p>page</p>" });
    const out = await cf.send(new CreateDistributionCommand({ DistributionConfig: distributionConfig("dash", { Logging: { Enabled: true, IncludeCookies: false, Bucket: "dash-logs.s3.amazonaws.com", Prefix: "cf/" } }) }));
    dist = { id: out.Distribution!.Id!, domain: out.Distribution!.DomainName! };
  });
  after(() => {
    cf.destroy();
    s3.destroy();
  });

  it("serves the page, its script and its stylesheet, all from the package", async () => {
    for (const [path, type] of [["", "text/html"], ["/", "text/html"], ["/app.js", "text/javascript"], ["/style.css", "text/css"]] as const) {
      const res = await fetch(`${base()}${path}`);
      assert.equal(res.status, 200, path);
      assert.match(res.headers.get("content-type") ?? "", new RegExp(`^${type}`));
      const body = await res.text();
      // Nothing is fetched from elsewhere: it works offline.
      assert.doesNotMatch(body, /(src|href)="https?:/);
    }
    assert.equal((await fetch(`${base()}/secret.txt`)).status, 404);
    assert.equal((await fetch(`${base()}/../package.json`)).status, 404);
  });

  it("records requests only while a stream is open, and keeps each one's detail: behavior, cache key, tier, origin request, headers", async () => {
    await sendToEdge(t.emu.port, dist.domain, "/unseen.txt");
    assert.deepEqual((await getJson<{ requests: unknown[] }>("requests")).requests, [], "no browser listened: nothing recorded");

    const stream = await openStream(base());
    assert.equal(header(await sendToEdge(t.emu.port, dist.domain, "/page.html?v=1"), "x-cache"), "Miss from cloudfront");
    assert.equal(header(await sendToEdge(t.emu.port, dist.domain, "/page.html?v=1"), "x-cache"), "Hit from cloudfront");
    const [miss, hit] = (await stream.waitFor("request", 2)) as Array<Record<string, unknown>>;
    assert.equal(miss!["xCache"], "Miss");
    assert.equal(hit!["xCache"], "Hit");
    assert.equal(hit!["layer"], "EDGE");
    assert.equal(miss!["path"], "/page.html");
    assert.equal(miss!["query"], "v=1");
    stream.close();

    const listed = (await getJson<{ requests: Array<{ seq: number }> }>("requests")).requests;
    assert.equal(listed.length, 2);
    const detail = await getJson<Record<string, unknown>>(`requests/${listed[0]!.seq}`);
    assert.equal(detail["behavior"], "*");
    assert.deepEqual(detail["cacheKey"], ["/page.html?v=1"]);
    const originReq = detail["origin"] as Record<string, unknown>;
    assert.equal(originReq["status"], 200);
    assert.equal(originReq["path"], "/page.html");
    assert.equal(originReq["query"], "v=1");
    assert.equal(typeof originReq["latencyMs"], "number");
    assert.equal(detail["statusLine"], "HTTP/1.1 200 OK");
    assert.ok((detail["responseHeaders"] as string[][]).some(([n, v]) => n === "X-Cache" && v === "Miss from cloudfront"));
    assert.equal((detail["requestHeaders"] as Record<string, string>)["host"], dist.domain);
    const hitDetail = await getJson<Record<string, unknown>>(`requests/${listed[1]!.seq}`);
    assert.deepEqual(hitDetail["cacheKey"], ["/page.html?v=1"], "the fast hit path notes its key too");
    assert.equal(hitDetail["origin"], undefined);

    await noListeners();
    await sendToEdge(t.emu.port, dist.domain, "/after.txt");
    assert.equal((await getJson<{ requests: unknown[] }>("requests")).requests.length, 2, "the stream closed: no longer recorded");
    assert.equal((await fetch(`${base()}/api/requests/99999`)).status, 404);
  });

  it("lists distributions with their request count and hit ratio", async () => {
    const { distributions } = await getJson<{ distributions: Array<Record<string, unknown>> }>("distributions");
    const d = distributions.find((x) => x["id"] === dist.id) ?? assert.fail("distribution not listed");
    assert.equal(d["domainName"], dist.domain);
    assert.equal(d["requests"], 4);
    assert.equal(d["hits"], 1);
    assert.equal(d["hitRatio"], 0.25);
  });

  it("browses the cache per tier and purges one object from every tier, so the next request misses", async () => {
    const all = await getJson<{ tiers: string[]; entries: Array<Record<string, unknown>> }>("cache");
    assert.deepEqual(all.tiers, ["LOC50-C1", "REC", "Origin Shield"]);
    const page = all.entries.filter((e) => e["path"] === "/page.html?v=1");
    assert.deepEqual(page.map((e) => e["tier"]).sort(), ["LOC50-C1", "REC"]);
    const pop = await getJson<{ entries: Array<Record<string, unknown>> }>("cache?tier=LOC50-C1");
    assert.ok(pop.entries.every((e) => e["tier"] === "LOC50-C1"));
    const entry = page[0]!;
    assert.deepEqual(entry["keyParts"], ["/page.html?v=1"]);
    assert.equal(entry["status"], 200);
    assert.equal(entry["fresh"], true);

    const purged = await post("cache/purge", { distributionId: dist.id, key: entry["key"] });
    assert.deepEqual(await purged.json(), { purged: 2 });
    assert.equal((await getJson<{ entries: Array<Record<string, unknown>> }>("cache")).entries.filter((e) => e["path"] === "/page.html?v=1").length, 0);
    assert.equal(header(await sendToEdge(t.emu.port, dist.domain, "/page.html?v=1"), "x-cache"), "Miss from cloudfront");
  });

  it("lists invalidations with their paths and status", async () => {
    const out = await cf.send(new CreateInvalidationCommand({ DistributionId: dist.id, InvalidationBatch: { CallerReference: "dash-inv", Paths: { Quantity: 2, Items: ["/page.html", "/img/*"] } } }));
    const { invalidations } = await getJson<{ invalidations: Array<Record<string, unknown>> }>("invalidations");
    const inv = invalidations.find((i) => i["id"] === out.Invalidation!.Id) ?? assert.fail("invalidation not listed");
    assert.equal(inv["distributionId"], dist.id);
    assert.deepEqual(inv["paths"], ["/page.html", "/img/*"]);
    assert.match(String(inv["status"]), /^(InProgress|Completed)$/);
  });

  it("edits a KeyValueStore through the KeyValueStore API's checks: a stale ETag is a conflict", async () => {
    const created = await cf.send(new CreateKeyValueStoreCommand({ Name: "dash-kvs" }));
    const arn = created.KeyValueStore!.ARN!;
    const { stores } = await getJson<{ stores: Array<Record<string, unknown>> }>("kvs");
    const store = stores.find((s) => s["arn"] === arn) ?? assert.fail("store not listed");
    const put = await post("kvs/put", { arn, etag: store["etag"], key: "greeting", value: "hello" });
    assert.equal(put.status, 200);
    const after = (await put.json()) as { etag: string; ItemCount: number };
    assert.equal(after.ItemCount, 1);
    const keys = await getJson<{ items: unknown[]; etag: string }>(`kvs/keys?arn=${encodeURIComponent(arn)}`);
    assert.deepEqual(keys.items, [{ Key: "greeting", Value: "hello" }]);
    assert.equal(keys.etag, after.etag);

    const stale = await post("kvs/delete", { arn, etag: store["etag"], key: "greeting" });
    assert.equal(stale.status, 409);
    assert.equal(((await stale.json()) as { error: string }).error, "ConflictException");
    assert.equal((await post("kvs/delete", { arn, etag: after.etag, key: "greeting" })).status, 200);
    assert.deepEqual((await getJson<{ items: unknown[] }>(`kvs/keys?arn=${encodeURIComponent(arn)}`)).items, []);
  });

  it("runs a function's test (TestFunction) from the console, and shows a viewer-request function's input and output in a request's detail", async () => {
    const code = `function handler(event) { console.log("saw " + event.request.uri); event.request.headers["x-from-fn"] = { value: "1" }; return event.request; }`;
    const created = await cf.send(new CreateFunctionCommand({ Name: "dash-fn", FunctionConfig: { Comment: "", Runtime: "cloudfront-js-2.0" }, FunctionCode: new TextEncoder().encode(code) }));
    const { functions } = await getJson<{ functions: Array<Record<string, unknown>> }>("functions");
    assert.ok(functions.some((f) => f["name"] === "dash-fn"));
    const event = { version: "1.0", context: { eventType: "viewer-request" }, viewer: { ip: "198.51.100.11" }, request: { method: "GET", uri: "/x", querystring: {}, headers: {}, cookies: {} } };
    const tested = await post("functions/test", { name: "dash-fn", stage: "DEVELOPMENT", event: JSON.stringify(event) });
    assert.equal(tested.status, 200);
    const result = (await tested.json()) as { FunctionExecutionLogs: string[]; FunctionOutput: string; FunctionErrorMessage: string };
    assert.deepEqual(result.FunctionExecutionLogs, ["saw /x"], JSON.stringify(result));
    assert.equal(result.FunctionErrorMessage, "");
    assert.deepEqual((JSON.parse(result.FunctionOutput) as { request: { headers: Record<string, unknown> } }).request.headers["x-from-fn"], { value: "1" });
    assert.equal((await post("functions/test", { name: "nope", event: "{}" })).status, 404);

    const published = await cf.send(new PublishFunctionCommand({ Name: "dash-fn", IfMatch: created.ETag }));
    const withFn = await cf.send(
      new CreateDistributionCommand({
        DistributionConfig: distributionConfig("dash-fn-dist", {
          DefaultCacheBehavior: {
            TargetOriginId: "o",
            ViewerProtocolPolicy: "allow-all",
            ForwardedValues: { QueryString: false, Cookies: { Forward: "none" } },
            MinTTL: 0,
            FunctionAssociations: { Quantity: 1, Items: [{ EventType: "viewer-request", FunctionARN: published.FunctionSummary!.FunctionMetadata!.FunctionARN! }] },
          },
        }),
      }),
    );
    const stream = await openStream(base());
    await sendToEdge(t.emu.port, withFn.Distribution!.DomainName!, "/fn.txt");
    const [summary] = (await stream.waitFor("request", 1)) as Array<{ seq: number }>;
    stream.close();
    const detail = await getJson<{ functions: Array<Record<string, unknown>> }>(`requests/${summary!.seq}`);
    const [fn] = detail.functions;
    assert.equal(fn?.["kind"], "CloudFront Function");
    assert.equal(fn?.["event"], "viewer-request");
    assert.equal((fn?.["input"] as { uri: string }).uri, "/fn.txt");
    const output = fn?.["output"] as { kind: string; headers: Record<string, string> };
    assert.equal(output.kind, "continue");
    assert.equal(output.headers["x-from-fn"], "1");
    assert.equal(origin.last("/fn.txt").headers["x-from-fn"], "1");
    await noListeners();
  });

  it("lists standard log files and downloads them as delivered", async () => {
    await t.emu.flushLogs();
    const { files } = await getJson<{ files: Array<{ distributionId: string; bucket: string; key: string; size: number }> }>("logs");
    const file = files.find((f) => f.distributionId === dist.id) ?? assert.fail(`no log file listed: ${JSON.stringify(files)}`);
    assert.equal(file.bucket, "dash-logs");
    assert.match(file.key, new RegExp(`^cf/${dist.id}\\.\\d{4}-\\d\\d-\\d\\d-\\d\\d\\.[0-9a-f]+\\.gz$`));
    const res = await fetch(`${base()}/api/logs/download?bucket=dash-logs&key=${encodeURIComponent(file.key)}`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-disposition") ?? "", /^attachment; filename="/);
    const text = gunzipSync(Buffer.from(await res.arrayBuffer())).toString("utf8");
    assert.match(text, /^#Version: 1\.0\n#Fields: date time /);
    assert.match(text, /\/page\.html/);
    // Only log files: the endpoint is no way around the bucket's access.
    await s3.send(new PutObjectCommand({ Bucket: "dash-logs", Key: "secret.txt", Body: "no" }));
    assert.equal((await fetch(`${base()}/api/logs/download?bucket=dash-logs&key=secret.txt`)).status, 404);
  });

  it("shows access warnings, and each one in the detail of the edge request that caused it", async () => {
    await s3.send(new CreateBucketCommand({ Bucket: "dash-private" }));
    await s3.send(new PutObjectCommand({ Bucket: "dash-private", Key: "a.txt", Body: "private", ContentType: "text/plain" }));
    const out = await cf.send(
      new CreateDistributionCommand({
        DistributionConfig: distributionConfig("dash-s3", {
          Origins: { Quantity: 1, Items: [{ Id: "o", DomainName: "dash-private.s3.us-east-1.amazonaws.com", S3OriginConfig: { OriginAccessIdentity: "" } }] },
        }),
      }),
    );
    const stream = await openStream(base());
    const res = await sendToEdge(t.emu.port, out.Distribution!.DomainName!, "/a.txt");
    assert.equal(res.status, 200);
    const [summary] = (await stream.waitFor("request", 1)) as Array<{ seq: number; warnings: number }>;
    await stream.waitFor("warning", 1);
    stream.close();
    assert.equal(summary!.warnings, 1);
    const detail = await getJson<{ accessWarnings: string[] }>(`requests/${summary!.seq}`);
    assert.match(detail.accessWarnings[0] ?? "", /s3:\/\/dash-private\/a\.txt: AWS would answer 403/);
    const { warnings } = await getJson<{ warnings: string[] }>("warnings");
    assert.deepEqual(warnings, t.emu.warnings());
    assert.ok(warnings.some((w) => w.includes("s3://dash-private/a.txt")));
    await noListeners();
  });

  it("streams the real-time log records of the behaviors that have a configuration, and keeps the recent ones", async () => {
    const config = await cf.send(
      new CreateRealtimeLogConfigCommand({
        Name: "dash-rt",
        SamplingRate: 100,
        Fields: ["timestamp", "sc-status", "cs-uri-stem"],
        EndPoints: [{ StreamType: "Kinesis", KinesisStreamConfig: { StreamARN: "arn:aws:kinesis:us-east-1:123456789012:stream/dash", RoleARN: "arn:aws:iam::123456789012:role/CloudFront-RealtimeLogs" } }],
      }),
    );
    const out = await cf.send(
      new CreateDistributionCommand({
        DistributionConfig: distributionConfig("dash-rt", {
          DefaultCacheBehavior: { TargetOriginId: "o", ViewerProtocolPolicy: "allow-all", CachePolicyId: "658327ea-f89d-4fab-a63d-7e88639e58f6", RealtimeLogConfigArn: config.RealtimeLogConfig!.ARN! },
        }),
      }),
    );
    const stream = await openStream(base());
    await sendToEdge(t.emu.port, out.Distribution!.DomainName!, "/rt.txt");
    const [record] = (await stream.waitFor("realtime", 1)) as Array<{ configName: string; fields: string[]; line: string }>;
    stream.close();
    assert.equal(record!.configName, "dash-rt");
    assert.deepEqual(record!.fields, ["timestamp", "sc-status", "cs-uri-stem"]);
    assert.match(record!.line, /\t200\t\/rt\.txt\n$/);
    const { records } = await getJson<{ records: unknown[] }>("realtime");
    assert.deepEqual(records, [record]);
    await noListeners();
  });

  it("takes state changes only as JSON, and answers unknown endpoints with 404", async () => {
    const form = await fetch(`${base()}/api/cache/purge`, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: "distributionId=x&key=y" });
    assert.equal(form.status, 415);
    assert.equal((await post("cache/purge", { key: "y" })).status, 400);
    assert.equal((await fetch(`${base()}/api/nothing`)).status, 404);
  });
});

describe("minifront start", () => {
  it("prints the dashboard's URL in its ready message", async () => {
    const proc = await spawnCli(["--port", "0", "--ephemeral"]);
    try {
      assert.ok(proc.stdout().includes(`Dashboard       ${proc.url}/_minifront/ui`), proc.stdout());
      const page = await fetch(`${proc.url}/_minifront/ui`);
      assert.equal(page.status, 200);
      assert.match(await page.text(), /<title>minifront dashboard<\/title>/);
    } finally {
      await proc.stop();
    }
  });
});

describe("dashboard request detail with Lambda@Edge", () => {
  const dir = mkdtempSync(join(tmpdir(), "minifront-dash-lambda-"));
  writeFileSync(join(dir, "index.js"), `exports.handler = async (event) => { const r = event.Records[0].cf.request; r.headers["x-tag"] = [{ key: "X-Tag", value: "tagged" }]; return r; };`);
  const t = useEmulator({ accountId: "123456789012", edgeLambdas: `tagger=${dir}` });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("shows the function's event and its answer", async () => {
    const cf = t.cloudfront();
    const out = await cf.send(
      new CreateDistributionCommand({
        DistributionConfig: distributionConfig("dash-lambda", {
          DefaultCacheBehavior: {
            TargetOriginId: "o",
            ViewerProtocolPolicy: "allow-all",
            CachePolicyId: "4135ea2d-6df8-44a3-9df3-4b5a84be39ad",
            LambdaFunctionAssociations: { Quantity: 1, Items: [{ EventType: "viewer-request", LambdaFunctionARN: "arn:aws:lambda:us-east-1:123456789012:function:tagger:1" }] },
          },
        }),
      }),
    );
    cf.destroy();
    const stream = await openStream(`${t.emu.controlUrl}/_minifront/ui`);
    assert.equal((await sendToEdge(t.emu.port, out.Distribution!.DomainName!, "/tagged")).status, 200);
    const [summary] = (await stream.waitFor("request", 1)) as Array<{ seq: number }>;
    stream.close();
    const detail = (await (await fetch(`${t.emu.controlUrl}/_minifront/ui/api/requests/${summary!.seq}`)).json()) as { functions: Array<Record<string, unknown>> };
    const [fn] = detail.functions;
    assert.equal(fn?.["kind"], "Lambda@Edge");
    assert.equal(fn?.["event"], "viewer-request");
    assert.equal(fn?.["name"], "arn:aws:lambda:us-east-1:123456789012:function:tagger:1");
    type CfEvent = { Records: Array<{ cf: { request: { uri: string } } }> };
    assert.equal((fn?.["input"] as CfEvent).Records[0]?.cf.request.uri, "/tagged");
    assert.deepEqual((fn?.["output"] as { headers: Record<string, unknown> }).headers["x-tag"], [{ key: "X-Tag", value: "tagged" }]);
  });
});
