// `minifront start --cluster redis://...` end to end (issue 18): one real redis-server on
// loopback (test/helpers/redis.ts), minifront nodes as real processes (`spawnCli`) sharing it, and
// one more minifront (in this process, no --cluster) as the S3 every node's S3 origins read from
// (--s3-endpoint). Distributions are made and read with @aws-sdk/client-cloudfront, objects served
// through each node's edge with a Host header.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  CreateDistributionCommand,
  CreateInvalidationCommand,
  GetDistributionCommand,
  GetDistributionConfigCommand,
  GetInvalidationCommand,
  ListDistributionsCommand,
  type CloudFrontClient,
  type DistributionConfig,
} from "@aws-sdk/client-cloudfront";
import { CreateBucketCommand, PutBucketPolicyCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { startEmulator, type Emulator } from "../../src/index.ts";
import { CREDENTIALS, cloudFrontClient, expectServiceError, spawnCli, type CliProcess } from "../helpers/emulator.ts";
import { redisMissing, redisSkip, startRedis, type RedisServer } from "../helpers/redis.ts";
import { TestOrigin, sendToEdge, header, type EdgeResponse } from "../helpers/test-origin.ts";

const CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6";
const PUBLIC_READ = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::shared/*" }] });

interface ClusterNode {
  readonly name: string;
  readonly cli: CliProcess;
  readonly port: number;
  readonly cf: CloudFrontClient;
}

function config(ref: string): DistributionConfig {
  return {
    CallerReference: ref,
    Comment: "",
    Enabled: true,
    Origins: { Quantity: 1, Items: [{ Id: "s3", DomainName: "shared.s3.us-east-1.amazonaws.com", S3OriginConfig: { OriginAccessIdentity: "" } }] },
    DefaultCacheBehavior: { TargetOriginId: "s3", ViewerProtocolPolicy: "allow-all", CachePolicyId: CACHING_OPTIMIZED },
  };
}

/** Retries `attempt` every 50 ms until it gives a value; fails after `tries`. */
async function until<T>(what: string, attempt: () => Promise<T | undefined>, tries = 300): Promise<T> {
  let last: unknown;
  for (let i = 0; i < tries; i++) {
    try {
      const v = await attempt();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return assert.fail(`gave up waiting: ${what}${last ? ` (last error: ${String(last)})` : ""}`);
}

describe("minifront start --cluster", { skip: redisSkip }, () => {
  let redis: RedisServer;
  let s3: Emulator;
  let s3Client: S3Client;
  const origin = new TestOrigin({ numberDefaultBodies: true });
  const nodes: ClusterNode[] = [];
  let distributionId = "";
  let host = "";

  async function startNode(name: string): Promise<ClusterNode> {
    const cli = await spawnCli(["--port", "0", "--ephemeral", "--cluster", redis.url, "--s3-endpoint", s3.s3Url, "--invalidation-delay", "1500", "--log-level", "info"]);
    const node = { name, cli, port: Number(new URL(cli.url).port), cf: cloudFrontClient(cli.url) };
    nodes.push(node);
    return node;
  }
  const node = (name: string) => nodes.find((n) => n.name === name) ?? assert.fail(`no node ${name}`);
  const edge = (name: string, path: string): Promise<EdgeResponse> => sendToEdge(node(name).port, host, path);

  before(async () => {
    assert.equal(redisMissing, undefined, redisMissing);
    redis = await startRedis();
    s3 = await startEmulator({ port: 0, ephemeral: true, logLevel: "warn" });
    s3Client = new S3Client({ endpoint: s3.s3Url, region: "us-east-1", credentials: CREDENTIALS, forcePathStyle: true });
    await s3Client.send(new CreateBucketCommand({ Bucket: "shared" }));
    await s3Client.send(new PutBucketPolicyCommand({ Bucket: "shared", Policy: PUBLIC_READ }));
    await s3Client.send(new PutObjectCommand({ Bucket: "shared", Key: "page.txt", Body: "version 1", ContentType: "text/plain" }));
    await origin.start();
    await Promise.all(["A", "B", "C"].map(startNode));
  });
  after(async () => {
    await Promise.all(nodes.map((n) => n.cli.stop("SIGKILL")));
    await s3?.dispose();
    await origin.close();
    await redis?.dispose();
  });

  it("serves a distribution created through node A from nodes B and C", async () => {
    const out = await node("A").cf.send(new CreateDistributionCommand({ DistributionConfig: config("first") }));
    distributionId = out.Distribution?.Id ?? assert.fail("no id");
    host = out.Distribution?.DomainName ?? assert.fail("no domain");
    for (const name of ["B", "C"]) {
      // The API call answered once every live node had applied it: no waiting here.
      assert.equal((await node(name).cf.send(new GetDistributionCommand({ Id: distributionId }))).Distribution?.Id, distributionId);
      const res = await edge(name, "/page.txt");
      assert.equal(res.status, 200, `node ${name}`);
      assert.equal(res.body, "version 1");
    }
  });

  it("fetches an object from the origin once for all nodes (the regional tier shared in Redis)", async () => {
    const custom = config("custom-origin");
    custom.Origins = { Quantity: 1, Items: [{ Id: "app", DomainName: "127.0.0.1", CustomOriginConfig: { HTTPPort: origin.port, HTTPSPort: 443, OriginProtocolPolicy: "http-only" } }] };
    custom.DefaultCacheBehavior = { ...custom.DefaultCacheBehavior, TargetOriginId: "app" } as DistributionConfig["DefaultCacheBehavior"];
    const out = await node("C").cf.send(new CreateDistributionCommand({ DistributionConfig: custom }));
    const domain = out.Distribution?.DomainName ?? assert.fail("no domain");
    origin.on("/shared.txt", { status: 200, headers: { "cache-control": "max-age=600" }, body: "from the origin" });
    const first = await sendToEdge(node("A").port, domain, "/shared.txt");
    assert.match(header(first, "x-cache") ?? "", /^Miss from cloudfront/);
    for (const name of ["B", "C"]) {
      const res = await sendToEdge(node(name).port, domain, "/shared.txt");
      assert.equal(res.body, "from the origin");
      assert.match(header(res, "x-cache") ?? "", /^Hit from cloudfront/, `node ${name} found it in the regional tier`);
    }
    assert.equal(origin.hits("/shared.txt"), 1);
  });

  it("purges nodes A and C with an invalidation created through B before it reads Completed", async () => {
    for (const name of ["A", "C"]) {
      await edge(name, "/page.txt");
      const cached = await edge(name, "/page.txt");
      assert.match(header(cached, "x-cache") ?? "", /^Hit from cloudfront/, `node ${name} serves page.txt from its cache`);
    }
    await s3Client.send(new PutObjectCommand({ Bucket: "shared", Key: "page.txt", Body: "version 2", ContentType: "text/plain" }));
    const inv = await node("B").cf.send(new CreateInvalidationCommand({ DistributionId: distributionId, InvalidationBatch: { CallerReference: "inv-1", Paths: { Quantity: 1, Items: ["/page.txt"] } } }));
    const invalidationId = inv.Invalidation?.Id ?? assert.fail("no invalidation id");
    // --invalidation-delay 1500: it is still InProgress, and yet every node has purged.
    assert.equal(inv.Invalidation?.Status, "InProgress");
    for (const name of ["A", "C"]) assert.equal((await edge(name, "/page.txt")).body, "version 2", `node ${name} was purged`);
    await until("the invalidation to complete", async () => {
      const got = await node("A").cf.send(new GetInvalidationCommand({ DistributionId: distributionId, Id: invalidationId }));
      return got.Invalidation?.Status === "Completed" ? true : undefined;
    });
  });

  it("brings a late-joining node D up to date, and it serves", async () => {
    const d = await startNode("D");
    const ids = async (n: ClusterNode) => (await n.cf.send(new ListDistributionsCommand({}))).DistributionList?.Items?.map((i) => i.Id);
    const listed = await ids(d);
    assert.equal(listed?.[0], distributionId);
    assert.deepEqual(listed, await ids(node("A")), "the same distributions, in the same order");
    assert.equal((await edge("D", "/page.txt")).body, "version 2");
    assert.match(d.cli.stderr(), /cluster: node \S+ joined redis:\/\/127\.0\.0\.1:\d+ at version [1-9]/);
  });

  it("loses no acknowledged write when a node is killed with kill -9 during a burst of creates, and the others keep serving", async () => {
    const victim = node("C");
    const writers = ["A", "B", "C", "D"].map(node);
    const acknowledged: string[] = [];
    let n = 0;
    let killed = false;
    const burst = writers.map(async (w) => {
      for (let i = 0; i < 8; i++) {
        try {
          const out = await w.cf.send(new CreateDistributionCommand({ DistributionConfig: config(`burst-${w.name}-${i}`) }));
          acknowledged.push(out.Distribution?.Id ?? assert.fail("no id"));
        } catch {
          assert.equal(w, victim, `only calls to the killed node may fail (node ${w.name} failed)`);
          return;
        }
        if (++n === 10 && !killed) {
          killed = true;
          victim.cli.child.kill("SIGKILL");
        }
      }
    });
    await Promise.all(burst);
    assert.ok(killed, "the node was killed during the burst");
    nodes.splice(nodes.indexOf(victim), 1);
    assert.ok(acknowledged.length >= 10, `${acknowledged.length} writes acknowledged`);
    for (const name of ["A", "B", "D"]) {
      const listed = new Set((await node(name).cf.send(new ListDistributionsCommand({ MaxItems: 1000 }))).DistributionList?.Items?.map((i) => i.Id));
      for (const id of acknowledged) assert.ok(listed.has(id), `node ${name} has ${id}`);
      assert.equal((await edge(name, "/page.txt")).status, 200, `node ${name} serves`);
    }
  });

  it("survives Redis being killed and restarted: the edge serves meanwhile, writes answer 503 ServiceUnavailable, then everything resumes", async () => {
    await redis.stop("SIGKILL");
    // The edge goes on from each node's own state and cache.
    for (const name of ["A", "B"]) assert.equal((await edge(name, "/page.txt")).status, 200);
    await until("node A to notice", async () => (/lost Redis at/.test(node("A").cli.stderr()) ? true : undefined));
    await expectServiceError(node("A").cf.send(new CreateDistributionCommand({ DistributionConfig: config("while-down") })), 503, "ServiceUnavailable");
    await redis.restart();
    const out = await until("a write to succeed again", () => node("B").cf.send(new CreateDistributionCommand({ DistributionConfig: config("after-restart") })));
    const id = out.Distribution?.Id ?? assert.fail("no id");
    for (const name of ["A", "D"]) assert.equal((await node(name).cf.send(new GetDistributionCommand({ Id: id }))).Distribution?.Id, id);
    // The write refused while Redis was away was not made anywhere.
    const all = (await node("D").cf.send(new ListDistributionsCommand({ MaxItems: 1000 }))).DistributionList?.Items ?? [];
    const refs = await Promise.all(all.map(async (i) => (await node("D").cf.send(new GetDistributionConfigCommand({ Id: i.Id }))).DistributionConfig?.CallerReference));
    assert.ok(refs.includes("after-restart") && !refs.includes("while-down"), refs.join(" "));
    for (const name of ["A", "B", "D"]) {
      await until(`node ${name} to log its return`, async () => (/back on Redis at \S+, resynced to version \d+/.test(node(name).cli.stderr()) ? true : undefined));
      assert.equal((await edge(name, "/page.txt")).status, 200);
    }
  });
});
