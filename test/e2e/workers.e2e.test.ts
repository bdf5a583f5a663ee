// `minifront start --workers 2` end to end (issue 18): a real primary and two edge worker
// processes sharing one port, a distribution made through @aws-sdk/client-cloudfront, viewers on
// fresh connections (node:cluster hands each new connection to the next worker). The worker that
// answered is told by its Via header (each edge server's name is fixed per process, tiers.ts) or,
// for /_minifront/workers, by `answeredBy`.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { Agent, request, type IncomingHttpHeaders } from "node:http";
import { fileURLToPath } from "node:url";
import { CreateDistributionCommand, CreateInvalidationCommand, CreateOriginAccessControlCommand, GetDistributionConfigCommand, GetInvalidationCommand, UpdateDistributionCommand, type CloudFrontClient, type DistributionConfig } from "@aws-sdk/client-cloudfront";
import { CreateBucketCommand, PutBucketPolicyCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { CREDENTIALS, cloudFrontClient } from "../helpers/emulator.ts";
import { TestOrigin } from "../helpers/test-origin.ts";

const CLI = fileURLToPath(new URL("../../src/cli.ts", import.meta.url));
const CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6";

interface Answer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** One GET to 127.0.0.1:`port` as `host`; a fresh connection unless `agent` keeps one. */
function get(port: number, host: string, path: string, agent: Agent | false = false): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const r = request({ host: "127.0.0.1", port, path, headers: { host }, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("error", reject);
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }));
    });
    r.on("error", reject);
    // A connection no worker takes would otherwise wait for ever.
    r.setTimeout(10_000, () => r.destroy(new Error(`no answer to GET ${path} in 10 s`)));
    r.end();
  });
}

interface Workers {
  readonly primary: number;
  readonly workers: { id: number; pid: number }[];
  readonly answeredBy: number;
}

async function until<T>(what: string, attempt: () => Promise<T | undefined>, tries = 200): Promise<T> {
  for (let i = 0; i < tries; i++) {
    const v = await attempt();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
  return assert.fail(`gave up waiting: ${what}`);
}

describe("minifront start --workers 2", () => {
  const origin = new TestOrigin({ numberDefaultBodies: true });
  let child: ChildProcess;
  let exited: Promise<unknown>;
  let port = 0;
  let cf: CloudFrontClient;
  let host = "";
  let distributionId = "";
  let output = "";

  /** Requests `path` on fresh connections until each of the two workers has answered `rounds` times; the answers by Via, in order. */
  async function fromEachWorker(path: string, rounds = 1): Promise<Map<string, Answer[]>> {
    const byVia = new Map<string, Answer[]>();
    return until(`two workers answering ${path}`, async () => {
      const a = await get(port, host, path);
      const via = String(a.headers["via"]);
      byVia.set(via, [...(byVia.get(via) ?? []), a]);
      return byVia.size >= 2 && [...byVia.values()].every((list) => list.length >= rounds) ? byVia : undefined;
    });
  }

  /** One kept-alive connection to each worker (a connection stays with the worker that accepted it). */
  async function connectionPerWorker(): Promise<Agent[]> {
    const byPid = new Map<number, Agent>();
    return until("a connection to each worker", async () => {
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      const me = JSON.parse((await get(port, "localhost", "/_minifront/workers", agent)).body) as Workers;
      if (byPid.has(me.answeredBy)) agent.destroy();
      else byPid.set(me.answeredBy, agent);
      return byPid.size === me.workers.length ? [...byPid.values()] : undefined;
    });
  }

  before(async () => {
    await origin.start();
    child = spawn(process.execPath, [CLI, "start", "--host", "127.0.0.1", "--port", "0", "--ephemeral", "--workers", "2", "--log-level", "warn", "--s3-access", "enforce"], { stdio: ["ignore", "pipe", "pipe"] });
    exited = new Promise((r) => child.once("exit", r));
    child.stdout?.setEncoding("utf8").on("data", (d: string) => (output += d));
    child.stderr?.setEncoding("utf8").on("data", (d: string) => (output += d));
    // Three processes start on a shared machine: a generous bound, checked every 50 ms.
    port = await until("minifront --workers 2 to listen", async () => {
      if (child.exitCode !== null) assert.fail(`minifront exited with ${child.exitCode}:\n${output}`);
      return Number(/listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(output)?.[1] ?? 0) || undefined;
    }, 1200);
    cf = cloudFrontClient(`http://127.0.0.1:${port}`);
    const config: DistributionConfig = {
      CallerReference: "workers",
      Comment: "",
      Enabled: true,
      Origins: { Quantity: 1, Items: [{ Id: "o", DomainName: "127.0.0.1", CustomOriginConfig: { HTTPPort: origin.port, HTTPSPort: 443, OriginProtocolPolicy: "http-only" } }] },
      DefaultCacheBehavior: { TargetOriginId: "o", ViewerProtocolPolicy: "allow-all", CachePolicyId: CACHING_OPTIMIZED },
    };
    const created = await cf.send(new CreateDistributionCommand({ DistributionConfig: config }));
    host = created.Distribution?.DomainName ?? assert.fail("no domain name");
    distributionId = created.Distribution?.Id ?? "";
  });

  after(async () => {
    cf?.destroy();
    if (child?.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    await exited;
    await origin.close();
  });

  it("lists its workers, and both serve a distribution as soon as CreateDistribution has answered", async () => {
    const list = JSON.parse((await get(port, "localhost", "/_minifront/workers")).body) as Workers;
    assert.equal(list.workers.length, 2);
    assert.ok(list.workers.some((w) => w.pid === list.answeredBy), "a worker answered");
    // The distribution was created in before(); no request was made to it since.
    const answers = await fromEachWorker("/first");
    for (const [via, [first]] of answers) assert.equal(first?.status, 200, `the first answer of ${via} is the origin's, not CloudFront's 403 for an unknown host`);
  });

  it("fetches an object from the origin once for both workers (the regional tier is shared)", async () => {
    const answers = await fromEachWorker("/once", 2);
    assert.equal(origin.hits("/once"), 1);
    const bodies = new Set([...answers.values()].flat().map((a) => a.body));
    assert.equal(bodies.size, 1, "every answer is the one origin fetch's");
  });

  it("purges every worker before an invalidation reports Completed", async () => {
    const before = await fromEachWorker("/inv", 2);
    for (const [via, list] of before) assert.match(String(list[1]?.headers["x-cache"]), /^Hit from cloudfront$/, `${via} has it cached`);
    const old = before.values().next().value?.[0]?.body;
    const fetches = origin.hits("/inv");
    const out = await cf.send(new CreateInvalidationCommand({ DistributionId: distributionId, InvalidationBatch: { CallerReference: "inv", Paths: { Quantity: 1, Items: ["/inv"] } } }));
    // CreateInvalidation answers InProgress, as AWS does; with no --invalidation-delay it is Completed at once.
    const status = await cf.send(new GetInvalidationCommand({ DistributionId: distributionId, Id: out.Invalidation?.Id }));
    assert.equal(status.Invalidation?.Status, "Completed");
    const after = await fromEachWorker("/inv");
    for (const [via, [first]] of after) assert.notEqual(first?.body, old, `${via} no longer serves the invalidated copy`);
    assert.equal(origin.hits("/inv"), fetches + 1, "one new origin fetch, shared by both workers");
  });

  it("applies a changed distribution on every worker before UpdateDistribution answers", async () => {
    const agents = await connectionPerWorker();
    for (const agent of agents) assert.equal((await get(port, host, "/first", agent)).headers["x-frame-options"], undefined);
    const current = await cf.send(new GetDistributionConfigCommand({ Id: distributionId }));
    const config = current.DistributionConfig ?? assert.fail("no config");
    // The managed SecurityHeadersPolicy adds X-Frame-Options: SAMEORIGIN to every answer, hits included.
    config.DefaultCacheBehavior = { ...config.DefaultCacheBehavior, TargetOriginId: "o", ViewerProtocolPolicy: "allow-all", ResponseHeadersPolicyId: "67f7725c-6f97-4210-82d7-5512b31e9d03" };
    await cf.send(new UpdateDistributionCommand({ Id: distributionId, IfMatch: current.ETag, DistributionConfig: config }));
    for (const agent of agents) assert.equal((await get(port, host, "/first", agent)).headers["x-frame-options"], "SAMEORIGIN");
    for (const agent of agents) agent.destroy();
  });

  it("serves an S3 origin through OAC from every worker (S3 requests relayed to the primary, its signatures accepted there)", async () => {
    const s3 = new S3Client({ region: "us-east-1", endpoint: `http://127.0.0.1:${port}`, forcePathStyle: true, credentials: CREDENTIALS });
    try {
      await s3.send(new CreateBucketCommand({ Bucket: "site" }));
      await s3.send(new PutObjectCommand({ Bucket: "site", Key: "page.html", Body: "from S3" }));
      const oac = await cf.send(new CreateOriginAccessControlCommand({ OriginAccessControlConfig: { Name: "workers-oac", SigningProtocol: "sigv4", SigningBehavior: "always", OriginAccessControlOriginType: "s3" } }));
      const out = await cf.send(
        new CreateDistributionCommand({
          DistributionConfig: {
            CallerReference: "workers-s3",
            Comment: "",
            Enabled: true,
            Origins: { Quantity: 1, Items: [{ Id: "s3", DomainName: "site.s3.us-east-1.amazonaws.com", S3OriginConfig: { OriginAccessIdentity: "" }, OriginAccessControlId: oac.OriginAccessControl?.Id }] },
            DefaultCacheBehavior: { TargetOriginId: "s3", ViewerProtocolPolicy: "allow-all", CachePolicyId: "4135ea2d-6df8-44a3-9df3-4b5a84be39ad" },
          },
        }),
      );
      // --s3-access enforce: only this distribution's OAC-signed requests may read (Developer Guide "Restrict access to an Amazon S3 origin").
      const statement = { Effect: "Allow", Principal: { Service: "cloudfront.amazonaws.com" }, Action: "s3:GetObject", Resource: "arn:aws:s3:::site/*", Condition: { StringEquals: { "AWS:SourceArn": out.Distribution?.ARN } } };
      await s3.send(new PutBucketPolicyCommand({ Bucket: "site", Policy: JSON.stringify({ Version: "2012-10-17", Statement: [statement] }) }));
      const siteHost = out.Distribution?.DomainName ?? "";
      const byVia = new Map<string, Answer>();
      await until("both workers answering the S3 origin", async () => {
        const a = await get(port, siteHost, "/page.html");
        byVia.set(String(a.headers["via"]), a);
        return byVia.size >= 2 ? true : undefined;
      });
      for (const [via, a] of byVia) assert.deepEqual([a.status, a.body], [200, "from S3"], via);
    } finally {
      s3.destroy();
    }
  });

  it("replaces a worker killed with kill -9 while the other goes on serving", async () => {
    // One kept-alive connection, which stays with the worker that accepted it.
    const pinned = new Agent({ keepAlive: true, maxSockets: 1 });
    const me = JSON.parse((await get(port, "localhost", "/_minifront/workers", pinned)).body) as Workers;
    const victim = me.workers.find((w) => w.pid !== me.answeredBy) ?? assert.fail("no other worker");
    const via = String((await get(port, host, "/first", pinned)).headers["via"]);
    process.kill(victim.pid, "SIGKILL");
    for (let i = 0; i < 20; i++) {
      const a = await get(port, host, "/first", pinned);
      assert.equal(a.status, 200);
      assert.equal(a.headers["via"], via, "still the surviving worker");
    }
    pinned.destroy();
    // A fresh connection the primary hands to the victim before it has seen the exit is lost with
    // it (node:cluster passes accepted connections to workers): ask only once the primary says so.
    const exitLine = new RegExp(`edge worker ${victim.pid} exited \\(SIGKILL\\); starting a replacement`);
    await until("the primary to see the worker exit", async () => (exitLine.test(output) ? true : undefined));
    const replaced = await until("a replacement worker", async () => {
      const list = JSON.parse((await get(port, "localhost", "/_minifront/workers")).body) as Workers;
      return list.workers.length === 2 && !list.workers.some((w) => w.pid === victim.pid) ? list : undefined;
    });
    assert.ok(replaced.workers.some((w) => w.pid === me.answeredBy), "the survivor is still there");
    // The replacement serves too: fresh connections reach a worker with a new Via.
    const vias = await fromEachWorker("/first");
    assert.ok([...vias.keys()].some((v) => v !== via), "a new worker answers");
  });

  it("drops the distribution and every worker's cache on POST /_minifront/reset", async () => {
    const agents = await connectionPerWorker();
    for (const agent of agents) assert.equal((await get(port, host, "/first", agent)).status, 200);
    const reset = await new Promise<number>((resolve, reject) => request({ host: "127.0.0.1", port, path: "/_minifront/reset", method: "POST", agent: false }, (res) => resolve((res.resume(), res.statusCode ?? 0))).on("error", reject).end());
    assert.equal(reset, 200);
    // No worker serves the distribution any more: its host is an unknown one under the domain suffix (403).
    for (const agent of agents) assert.equal((await get(port, host, "/first", agent)).status, 403);
    for (const agent of agents) agent.destroy();
  });
});
