// Soak: does minifront's memory level off under steady mixed traffic? (issue 11, "keep it fixed")
//
//   npm run soak -- --minutes 30 [--rate 150] [--every 60] [--sample 10] [--wrap <tool>] [-- <minifront flags>]
//
// Starts `minifront start --port 0 --ephemeral` as a child process (flags after a second `--` are
// passed to it, e.g. `-- --cache-size 67108864`; the environment is inherited, e.g.
// MALLOC_ARENA_MAX; `--wrap heaptrack` runs it under a tool), an origin server in this process, and drives a bounded rate of mixed traffic
// at it from here over loopback:
// - the edge: hits on a hot set, misses on a wide key space (the cache fills and evicts), HEADs and
//   ranges, a few 12 MB objects (the disk tier), and an S3 origin through OAC;
// - the embedded S3 through @aws-sdk/client-s3: puts of 1 KiB to 1 MiB over a bounded key set,
//   gets, deletes, listings;
// - the CloudFront API through @aws-sdk/client-cloudfront: reads, invalidations, and whole
//   create / update / delete cycles of distributions.
// Every `--sample` seconds it reads the child's RSS (VmRSS in /proc/<pid>/status) and its
// process.memoryUsage() and the edge cache's own count of its bytes (GET /_minifront/memory); every `--every` seconds it prints a row. At the
// end it compares the RSS slope of the last third of the run with the first third and says whether
// RSS levelled off. It measures; it does not fail (exit 0), except when minifront dies.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer, request, Agent, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { setTimeout as sleep } from "node:timers/promises";
import {
  CloudFrontClient,
  CreateDistributionCommand,
  CreateInvalidationCommand,
  CreateOriginAccessControlCommand,
  DeleteDistributionCommand,
  GetDistributionCommand,
  GetDistributionConfigCommand,
  ListCachePoliciesCommand,
  ListDistributionsCommand,
  ListInvalidationsCommand,
  UpdateDistributionCommand,
  type DistributionConfig,
} from "@aws-sdk/client-cloudfront";
import { CreateBucketCommand, DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, PutBucketPolicyCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";

const { values: flags, positionals: minifrontFlags } = parseArgs({
  allowPositionals: true,
  options: {
    minutes: { type: "string", default: "5" },
    rate: { type: "string", default: "150" },
    every: { type: "string", default: "60" },
    sample: { type: "string", default: "10" },
    // Runs minifront under a tool, e.g. --wrap heaptrack (split on spaces).
    wrap: { type: "string", default: "" },
  },
});
const MINUTES = Number(flags.minutes);
const RATE = Number(flags.rate);
const EVERY_S = Number(flags.every);
const SAMPLE_S = Math.min(Number(flags.sample), EVERY_S);
const MAX_IN_FLIGHT = 64;
const CREDENTIALS = { accessKeyId: "soak", secretAccessKey: "soak" };
const CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6";
const MB = 1024 * 1024;

// ------------------------------------------------------------------------------------------------
// The origin: /o/<n> is SIZES[n % SIZES.length] bytes, /big/<n> 12 MB; both cacheable for 30 s.
const SIZES = [300, 1024, 3000, 8 * 1024, 40 * 1024, 200 * 1024, 1024 * 1024];
const BODIES = SIZES.map((n, i) => Buffer.alloc(n, 0x61 + i));
const BIG = Buffer.alloc(12 * 1000 * 1000, 0x7a);
const origin = createServer((req, res) => {
  const m = /^\/(o|big)\/(\d+)/.exec(req.url ?? "");
  if (!m) return void res.writeHead(404, { "Content-Length": "0", "Cache-Control": "max-age=30" }).end();
  const body = m[1] === "big" ? BIG : (BODIES[Number(m[2]) % BODIES.length] as Buffer);
  res.writeHead(200, { "Content-Type": "application/octet-stream", "Content-Length": String(body.length), "Cache-Control": "max-age=30", ETag: `"${m[1]}-${m[2]}"` });
  res.end(req.method === "HEAD" ? undefined : body);
});
await new Promise<void>((r) => origin.listen(0, "127.0.0.1", r));
const originPort = (origin.address() as AddressInfo).port;

// ------------------------------------------------------------------------------------------------
// minifront as a child process.
const CLI = fileURLToPath(new URL("../src/cli.ts", import.meta.url));
const wrap = flags.wrap ? flags.wrap.split(" ") : [];
const child = spawn(wrap[0] ?? process.execPath, [...wrap.slice(1), ...(wrap.length ? [process.execPath] : []), CLI, "start", "--port", "0", "--host", "127.0.0.1", "--ephemeral", "--log-level", "warn", ...minifrontFlags], { stdio: ["ignore", "pipe", "pipe"] });
// Its log lines say [minifront] themselves.
child.stderr.pipe(process.stderr);
let stopping = false;
child.once("exit", (code, signal) => {
  if (stopping) return;
  process.stderr.write(`minifront exited (${code ?? signal}) during the soak\n`);
  process.exit(1);
});
const base = await new Promise<string>((resolve) => {
  let out = "";
  child.stdout.setEncoding("utf8").on("data", (d: string) => {
    out += d;
    const m = /listening on (http:\/\/\S+)/.exec(out);
    if (m) resolve(m[1] as string);
  });
});
const port = Number(new URL(base).port);

// ------------------------------------------------------------------------------------------------
// Set-up: a custom-origin distribution, a bucket behind a second distribution with OAC.
const cf = new CloudFrontClient({ endpoint: base, region: "us-east-1", credentials: CREDENTIALS, maxAttempts: 1 });
const s3 = new S3Client({ endpoint: base, region: "us-east-1", forcePathStyle: true, credentials: CREDENTIALS, maxAttempts: 1 });
const S3_KEYS = 300;
const S3_SIZES = [1024, 16 * 1024, 100 * 1024, 256 * 1024, 1024 * 1024];

function customConfig(ref: string): DistributionConfig {
  return {
    CallerReference: ref,
    Comment: "soak",
    Enabled: true,
    Origins: { Quantity: 1, Items: [{ Id: "o", DomainName: "127.0.0.1", CustomOriginConfig: { HTTPPort: originPort, HTTPSPort: 443, OriginProtocolPolicy: "http-only" } }] },
    DefaultCacheBehavior: { TargetOriginId: "o", ViewerProtocolPolicy: "allow-all", CachePolicyId: CACHING_OPTIMIZED },
  };
}
const custom = (await cf.send(new CreateDistributionCommand({ DistributionConfig: customConfig("soak-custom") }))).Distribution;
await s3.send(new CreateBucketCommand({ Bucket: "soak" }));
for (let i = 0; i < S3_KEYS; i += 3) await s3.send(new PutObjectCommand({ Bucket: "soak", Key: `k/${i}`, Body: Buffer.alloc(S3_SIZES[i % S3_SIZES.length] as number, 0x62) }));
const oac = await cf.send(new CreateOriginAccessControlCommand({ OriginAccessControlConfig: { Name: "soak", SigningProtocol: "sigv4", SigningBehavior: "always", OriginAccessControlOriginType: "s3" } }));
const withS3 = (
  await cf.send(
    new CreateDistributionCommand({
      DistributionConfig: {
        ...customConfig("soak-s3"),
        Origins: { Quantity: 1, Items: [{ Id: "s3", DomainName: "soak.s3.us-east-1.amazonaws.com", S3OriginConfig: { OriginAccessIdentity: "" }, OriginAccessControlId: oac.OriginAccessControl?.Id as string }] },
        DefaultCacheBehavior: { TargetOriginId: "s3", ViewerProtocolPolicy: "allow-all", CachePolicyId: CACHING_OPTIMIZED },
      },
    }),
  )
).Distribution;
await s3.send(
  new PutBucketPolicyCommand({
    Bucket: "soak",
    Policy: JSON.stringify({
      Version: "2012-10-17",
      // s3:ListBucket too, so that a deleted key is a 404 (as on S3), not a 403.
      Statement: [
        { Effect: "Allow", Principal: { Service: "cloudfront.amazonaws.com" }, Action: "s3:GetObject", Resource: "arn:aws:s3:::soak/*", Condition: { StringEquals: { "AWS:SourceArn": withS3?.ARN } } },
        { Effect: "Allow", Principal: { Service: "cloudfront.amazonaws.com" }, Action: "s3:ListBucket", Resource: "arn:aws:s3:::soak", Condition: { StringEquals: { "AWS:SourceArn": withS3?.ARN } } },
      ],
    }),
  }),
);
const customId = custom?.Id as string;
const customHost = custom?.DomainName as string;
const s3Host = withS3?.DomainName as string;

// ------------------------------------------------------------------------------------------------
// Traffic.
const edgeAgent = new Agent({ keepAlive: true, maxSockets: 32 });
const rand = (n: number) => Math.floor(Math.random() * n);

/** One request to the edge; resolves with the status once the body is read. */
function edge(host: string, path: string, method = "GET", headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, method, path, agent: edgeAgent, headers: { host, ...headers } }, (res: IncomingMessage) => {
      res.on("data", () => undefined).on("end", () => resolve(res.statusCode ?? 0)).on("error", reject);
    });
    req.on("error", reject).end();
  });
}
const expect = (ok: number[]) => (status: number) => {
  if (!ok.includes(status)) throw new Error(`status ${status}`);
};
async function ignoreMissing(p: Promise<unknown>): Promise<void> {
  try {
    await p;
  } catch (err) {
    if ((err as { name?: string }).name !== "NoSuchKey") throw err;
  }
}

let cycles = 0;
/** create → disable → delete, as Terraform does on apply and destroy. */
async function distributionCycle(): Promise<void> {
  const created = await cf.send(new CreateDistributionCommand({ DistributionConfig: customConfig(`soak-cycle-${++cycles}`) }));
  const id = created.Distribution?.Id as string;
  const got = await cf.send(new GetDistributionConfigCommand({ Id: id }));
  const updated = await cf.send(new UpdateDistributionCommand({ Id: id, IfMatch: got.ETag, DistributionConfig: { ...(got.DistributionConfig as DistributionConfig), Enabled: false } }));
  await cf.send(new GetDistributionCommand({ Id: id }));
  await cf.send(new DeleteDistributionCommand({ Id: id, IfMatch: updated.ETag }));
}

/** [name, weight, operation]: the mix, in requests per 100. */
const MIX: Array<[string, number, () => Promise<unknown>]> = [
  ["edge hit", 30, () => edge(customHost, `/o/${rand(50)}`).then(expect([200]))],
  ["edge miss", 20, () => edge(customHost, `/o/${rand(1_000_000)}`).then(expect([200]))],
  ["edge HEAD/range", 4, () => (rand(2) ? edge(customHost, `/o/${rand(50)}`, "HEAD") : edge(customHost, `/o/${rand(50)}`, "GET", { range: "bytes=10-99" })).then(expect([200, 206]))],
  ["edge 12 MB", 0.2, () => edge(customHost, `/big/${rand(8)}`).then(expect([200]))],
  ["edge S3 origin", 12, () => edge(s3Host, `/k/${rand(S3_KEYS)}`).then(expect([200, 403, 404]))],
  ["s3 put", 8, () => s3.send(new PutObjectCommand({ Bucket: "soak", Key: `k/${rand(S3_KEYS)}`, Body: Buffer.alloc(S3_SIZES[rand(S3_SIZES.length)] as number, 0x63) }))],
  ["s3 get", 8, () => ignoreMissing(s3.send(new GetObjectCommand({ Bucket: "soak", Key: `k/${rand(S3_KEYS)}` })).then((o) => o.Body?.transformToByteArray()))],
  ["s3 delete", 2, () => s3.send(new DeleteObjectCommand({ Bucket: "soak", Key: `k/${rand(S3_KEYS)}` }))],
  ["s3 list", 2, () => s3.send(new ListObjectsV2Command({ Bucket: "soak", Prefix: "k/", MaxKeys: 100 }))],
  [
    "api read",
    8,
    () => {
      switch (rand(4)) {
        case 0:
          return cf.send(new GetDistributionCommand({ Id: customId }));
        case 1:
          return cf.send(new ListDistributionsCommand({}));
        case 2:
          return cf.send(new ListInvalidationsCommand({ DistributionId: customId }));
        default:
          return cf.send(new ListCachePoliciesCommand({}));
      }
    },
  ],
  ["api invalidation", 0.5, () => cf.send(new CreateInvalidationCommand({ DistributionId: customId, InvalidationBatch: { CallerReference: `inv-${Date.now()}-${rand(1e9)}`, Paths: { Quantity: 1, Items: [`/o/${rand(10)}*`] } } }))],
  ["api create/update/delete", 0.3, distributionCycle],
];
const TOTAL_WEIGHT = MIX.reduce((s, [, w]) => s + w, 0);
const stats = new Map(MIX.map(([name]) => [name, { ok: 0, failed: 0, lastError: "" }]));
function pick(): (typeof MIX)[number] {
  let r = Math.random() * TOTAL_WEIGHT;
  for (const m of MIX) if ((r -= m[1]) < 0) return m;
  return MIX[0] as (typeof MIX)[number];
}

// ------------------------------------------------------------------------------------------------
// Sampling.
interface Sample {
  readonly t: number;
  readonly rss: number;
  readonly heapUsed: number;
  readonly heapTotal: number;
  /** V8's young generation, committed (part of heapTotal). */
  readonly young: number;
  readonly external: number;
  readonly arrayBuffers: number;
  /** Bytes the edge cache counts for its entries in memory. */
  readonly cache: number;
}
const samples: Sample[] = [];
const plainAgent = new Agent({ keepAlive: false });
type Memory = NodeJS.MemoryUsage & { pid: number; spaces: Record<string, number>; cache?: { bytes: number } };
function memoryUsage(): Promise<Memory> {
  return new Promise((resolve, reject) => {
    request({ host: "127.0.0.1", port, path: "/_minifront/memory", agent: plainAgent }, (res) => {
      let text = "";
      res.setEncoding("utf8").on("data", (d: string) => (text += d)).on("end", () => resolve(JSON.parse(text) as Memory));
    })
      .on("error", reject)
      .end();
  });
}
/** CPU seconds minifront has used (user + system, /proc/<pid>/stat). */
function cpuSeconds(): number {
  const fields = (readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1] ?? "").split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}
function vmRss(): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) * 1024 : NaN;
}
// minifront's own pid (not the wrapper's) for /proc.
const pid = (await memoryUsage()).pid;
const started = performance.now();
const elapsedS = () => (performance.now() - started) / 1000;
async function sample(): Promise<Sample> {
  const mem = await memoryUsage();
  const s = { t: elapsedS(), rss: vmRss(), heapUsed: mem.heapUsed, heapTotal: mem.heapTotal, young: mem.spaces["new_space"] ?? NaN, external: mem.external, arrayBuffers: mem.arrayBuffers, cache: mem.cache?.bytes ?? NaN };
  samples.push(s);
  return s;
}
const mb = (n: number) => (n / MB).toFixed(1).padStart(8);
let lastCount = 0;
function row(s: Sample, done: number): void {
  const rate = (done - lastCount) / EVERY_S;
  lastCount = done;
  console.log(`${(s.t / 60).toFixed(1).padStart(6)} ${mb(s.rss)} ${mb(s.heapUsed)} ${mb(s.young)} ${mb(s.external)} ${mb(s.arrayBuffers)} ${mb(s.cache)} ${mb(s.rss - s.heapTotal - s.external)} ${String(Math.round(rate)).padStart(7)}`);
}

// ------------------------------------------------------------------------------------------------
// The run.
console.log(`soak: ${MINUTES} min at up to ${RATE} req/s against ${base} (pid ${pid})${minifrontFlags.length ? `, minifront ${minifrontFlags.join(" ")}` : ""}`);
// heap: V8 heap in use; young: V8's young generation as committed (in RSS, mostly not in use);
// ext/AB: external memory / ArrayBuffers (Buffers); cache: what the edge cache counts for its
// entries; other: RSS in neither V8's heap nor external memory (code, allocator free lists, native state).
console.log("   min   RSS MB  heap MB young MB   ext MB    AB MB cache MB other MB   req/s");
row(await sample(), 0);
const cpuAtStart = cpuSeconds();
let launched = 0;
let done = 0;
let inFlight = 0;
let shed = 0;
const endAt = started + MINUTES * 60_000;
let nextSample = started + SAMPLE_S * 1000;
let nextRow = started + EVERY_S * 1000;
while (performance.now() < endAt) {
  const due = Math.floor(((performance.now() - started) / 1000) * RATE);
  while (launched < due) {
    launched++;
    if (inFlight >= MAX_IN_FLIGHT) {
      shed++;
      continue;
    }
    const [name, , op] = pick();
    const st = stats.get(name) as { ok: number; failed: number; lastError: string };
    inFlight++;
    op().then(
      () => st.ok++,
      (err: unknown) => {
        st.failed++;
        st.lastError = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
      },
    ).finally(() => {
      inFlight--;
      done++;
    });
  }
  const now = performance.now();
  if (now >= nextSample) {
    while (nextSample <= now) nextSample += SAMPLE_S * 1000;
    const s = await sample();
    // Half a sample early counts: sample and row times are sums of different steps.
    if (now >= nextRow - SAMPLE_S * 500) {
      while (nextRow <= now + SAMPLE_S * 500) nextRow += EVERY_S * 1000;
      row(s, done);
    }
  }
  await sleep(10);
}
while (inFlight > 0) await sleep(10);
const cpuUsed = cpuSeconds() - cpuAtStart;
const last = await sample();
if (samples.at(-2)?.t !== undefined && last.t - (samples.at(-2) as Sample).t > 1) row(last, done);

// ------------------------------------------------------------------------------------------------
// The verdict: least-squares slope of RSS (and heap) over the first and the last third.
function slopePerMin(points: Sample[], pick: (s: Sample) => number): number {
  const n = points.length;
  if (n < 2) return NaN;
  const mt = points.reduce((a, p) => a + p.t, 0) / n;
  const mv = points.reduce((a, p) => a + pick(p), 0) / n;
  let num = 0;
  let den = 0;
  for (const p of points) {
    num += (p.t - mt) * (pick(p) - mv);
    den += (p.t - mt) ** 2;
  }
  return ((num / den) * 60) / MB;
}
const span = last.t;
const first = samples.filter((s) => s.t <= span / 3);
const lastThird = samples.filter((s) => s.t >= (2 * span) / 3);
const rssFirst = slopePerMin(first, (s) => s.rss);
const rssLast = slopePerMin(lastThird, (s) => s.rss);
const heapLast = slopePerMin(lastThird, (s) => s.heapUsed);
const abLast = slopePerMin(lastThird, (s) => s.arrayBuffers);
console.log("\nrequests:");
for (const [name, st] of stats) console.log(`  ${name.padEnd(26)} ${String(st.ok).padStart(8)} ok ${String(st.failed).padStart(6)} failed${st.lastError ? `  (last: ${st.lastError})` : ""}`);
console.log(`  shed (over ${MAX_IN_FLIGHT} in flight): ${shed}`);
console.log(`minifront used ${cpuUsed.toFixed(1)} s of CPU: ${((cpuUsed / done) * 1e6).toFixed(0)} us per request.`);
console.log(`\nRSS slope: first third ${rssFirst.toFixed(2)} MB/min, last third ${rssLast.toFixed(2)} MB/min (heap ${heapLast.toFixed(2)}, array buffers ${abLast.toFixed(2)} MB/min in the last third)`);
// Levelled off: the last third grows at under 1 MB/min, or under 5% of the first third's rate
// (which includes filling the cache); 15 MB/min would still be 450 MB more in half an hour.
const levelled = rssLast < Math.max(1, rssFirst / 20);
console.log(Number.isNaN(rssLast) ? "Too few samples to tell whether RSS levels off: run longer." : levelled ? "RSS levelled off." : "RSS did NOT level off: it still grows in the last third of the run.");
console.log(`RSS ${mb(samples[0]?.rss ?? NaN).trim()} MB at the start, peak ${mb(Math.max(...samples.map((s) => s.rss))).trim()} MB, ${mb(last.rss).trim()} MB at the end.`);

stopping = true;
// minifront itself, which a wrapper may not pass the signal on to.
process.kill(pid, "SIGTERM");
await new Promise((r) => child.once("exit", r));
cf.destroy();
s3.destroy();
edgeAgent.destroy();
origin.close();
origin.closeAllConnections();
