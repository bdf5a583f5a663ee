// Start-up time and idle memory of `minifront start`: time from spawn to the first 200 from
// /_minifront/health, and the resident set size (VmRSS) a moment after, over N runs, median
// reported. Two ways of starting: the launcher directly (`node bin/minifront.js start`) and
// through `npm start`, which adds npm's own start-up and its pre-script. Then what start-up leaves
// for later: the parts loaded on first use (the embedded S3, the edge's pipeline) make the first
// request to each slower, so the first S3 call, the first CloudFront call and the first edge
// request after a direct start are timed too, each against the same call made a second time.
// Run: npm run -s bench:startup [-- --runs 9 --settle-ms 1000]
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { request } from "node:http";
import { CreateBucketCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { CloudFrontClient, CreateDistributionCommand } from "@aws-sdk/client-cloudfront";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const arg = (name: string, fallback: number) => (process.argv.includes(name) ? Number(process.argv[process.argv.indexOf(name) + 1]) : fallback);
const runs = arg("--runs", 9);
// How long after the first healthy answer the RSS is read ("idle": nothing has called it yet).
const settleMs = arg("--settle-ms", 1000);
// One start may take at most this long before the bench gives up.
const TIMEOUT_MS = 30_000;

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

interface Sample {
  readonly ms: number;
  /** CPU time of the whole process tree up to the healthy answer: less noisy than wall time on a busy machine. */
  readonly cpuMs: number;
  readonly rssMb: number;
}

function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** The listening process: the deepest descendant (`npm start` runs npm → sh → node). */
function serverPid(pid: number): number {
  const [child] = childrenOf(pid);
  return child === undefined ? pid : serverPid(child);
}

/** utime + stime of a process, its reaped children (npm's pre-script) and its live descendants. */
function cpuMsOfTree(pid: number): number {
  let ticks = 0;
  try {
    // Fields after the ")" of the command name: state is 3rd; utime, stime, cutime, cstime are 14-17.
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
    for (const i of [11, 12, 13, 14]) ticks += Number(fields[i] ?? 0);
  } catch {
    return 0;
  }
  // USER_HZ is 100 on Linux.
  return ticks * 10 + childrenOf(pid).reduce((sum, child) => sum + cpuMsOfTree(child), 0);
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

/** Milliseconds of each first call (and of the same call again) against a fresh start. */
type FirstUse = Record<string, number>;

async function startOnce(command: string, args: string[], firstUse?: FirstUse[]): Promise<Sample> {
  const started = performance.now();
  const child = spawn(command, args, { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"], detached: true, env: { ...process.env, PATH: `${join(ROOT, "node_modules/.bin")}:${process.env.PATH}` } });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      let out = "";
      const timer = setTimeout(() => reject(new Error(`no listening line within ${TIMEOUT_MS} ms: ${out}`)), TIMEOUT_MS);
      child.stdout.on("data", (chunk: Buffer) => {
        out += chunk.toString();
        const m = /listening on http:\/\/[^:]+:(\d+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(Number(m[1]));
        }
      });
      child.stderr.on("data", (chunk: Buffer) => (out += chunk.toString()));
      child.once("exit", (code) => reject(new Error(`exited with ${code}: ${out}`)));
    });
    // The listening line comes after listen(); poll health anyway, as a user's script would.
    let ms: number | undefined;
    let cpuMs = 0;
    const deadline = started + TIMEOUT_MS;
    while (performance.now() < deadline) {
      const res = await fetch(`http://127.0.0.1:${port}/_minifront/health`).catch(() => undefined);
      if (res?.status === 200) {
        await res.arrayBuffer();
        ms = performance.now() - started;
        cpuMs = cpuMsOfTree(child.pid as number);
        break;
      }
      await new Promise((r) => setTimeout(r, 5));
    }
    if (ms === undefined) throw new Error("never healthy");
    await new Promise((r) => setTimeout(r, settleMs));
    const sample = { ms, cpuMs, rssMb: rssMb(serverPid(child.pid as number)) };
    firstUse?.push(await timeFirstUse(port));
    return sample;
  } finally {
    await stop(child);
  }
}

/** Times the first S3, CloudFront and edge requests of a fresh emulator, and each one again. */
async function timeFirstUse(port: number): Promise<FirstUse> {
  const endpoint = `http://127.0.0.1:${port}`;
  const credentials = { accessKeyId: "bench", secretAccessKey: "bench" };
  const s3 = new S3Client({ endpoint, region: "us-east-1", forcePathStyle: true, credentials, maxAttempts: 1 });
  const cf = new CloudFrontClient({ endpoint, region: "us-east-1", credentials, maxAttempts: 1 });
  const timed = async <T>(fn: () => Promise<T>): Promise<[number, T]> => {
    const t0 = performance.now();
    const out = await fn();
    return [performance.now() - t0, out];
  };
  try {
    const [s3First] = await timed(() => s3.send(new CreateBucketCommand({ Bucket: "bench" })));
    const [s3Again] = await timed(() => s3.send(new CreateBucketCommand({ Bucket: "bench-2" })));
    await s3.send(new PutObjectCommand({ Bucket: "bench", Key: "index.html", Body: "hello" }));
    const config = (ref: string) => ({
      CallerReference: ref,
      Comment: "",
      Enabled: true,
      Origins: { Quantity: 1, Items: [{ Id: "s3", DomainName: "bench.s3.us-east-1.amazonaws.com", S3OriginConfig: { OriginAccessIdentity: "" } }] },
      DefaultCacheBehavior: { TargetOriginId: "s3", ViewerProtocolPolicy: "allow-all" as const, ForwardedValues: { QueryString: false, Cookies: { Forward: "none" as const } }, MinTTL: 0 },
    });
    const [cfFirst, created] = await timed(() => cf.send(new CreateDistributionCommand({ DistributionConfig: config("bench-1") })));
    const [cfAgain] = await timed(() => cf.send(new CreateDistributionCommand({ DistributionConfig: config("bench-2") })));
    const host = created.Distribution?.DomainName ?? "";
    const [edgeFirst] = await timed(() => edgeGet(port, host, "/index.html"));
    const [edgeAgain] = await timed(() => edgeGet(port, host, "/index.html?again"));
    return { "first S3 call": s3First, "S3 call again": s3Again, "first CloudFront call": cfFirst, "CloudFront call again": cfAgain, "first edge request (miss)": edgeFirst, "edge request again (miss)": edgeAgain };
  } finally {
    s3.destroy();
    cf.destroy();
  }
}

/** GET through the edge: the distribution's domain name as Host, on the emulator's port. */
function edgeGet(port: number, host: string, path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, headers: { host } }, (res) => {
      res.resume();
      res.once("end", () => (res.statusCode === 200 ? resolve() : reject(new Error(`edge answered ${res.statusCode}`))));
    });
    req.once("error", reject);
    req.end();
  });
}

/** Stops the process group we started (npm's children included), by its id. */
async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.pid === undefined) return;
  const exited = new Promise((r) => child.once("exit", r));
  try {
    process.kill(-child.pid, "SIGTERM");
  } catch {
    return;
  }
  const timer = setTimeout(() => {
    try {
      process.kill(-(child.pid as number), "SIGKILL");
    } catch {
      // already gone
    }
  }, 5000);
  await exited;
  clearTimeout(timer);
}

const MODES: Array<[string, string, string[]]> = [
  ["direct: node bin/minifront.js start", process.execPath, ["bin/minifront.js", "start", "--port", "0", "--ephemeral", "--log-level", "warn"]],
  ["npm start", "npm", ["start", "--", "--port", "0", "--ephemeral", "--log-level", "warn"]],
];

console.log(`start-up: spawn → first 200 from /_minifront/health; RSS ${settleMs} ms later. ${runs} runs each (one warm-up run first), medians.`);
console.log(`node ${process.version}\n`);
console.log(`${"mode".padEnd(40)} ${"median ms".padStart(10)} ${"min ms".padStart(8)} ${"max ms".padStart(8)} ${"CPU ms".padStart(8)} ${"RSS MB".padStart(8)}`);
const firstUse: FirstUse[] = [];
for (const [name, command, args] of MODES) {
  // The first start fills the compile cache; it is the one start a user pays once.
  // It also loads this process's SDK clients, whose own first call would be counted otherwise.
  const direct = name === MODES[0]?.[0];
  const first = await startOnce(command, args, direct ? [] : undefined);
  const samples: Sample[] = [];
  for (let i = 0; i < runs; i++) samples.push(await startOnce(command, args, direct ? firstUse : undefined));
  const times = samples.map((s) => s.ms);
  console.log(
    `${name.padEnd(40)} ${median(times).toFixed(0).padStart(10)} ${Math.min(...times).toFixed(0).padStart(8)} ${Math.max(...times).toFixed(0).padStart(8)} ${median(samples.map((s) => s.cpuMs)).toFixed(0).padStart(8)} ${median(samples.map((s) => s.rssMb)).toFixed(1).padStart(8)}`,
  );
  console.log(`${"".padEnd(40)} (warm-up run: ${first.ms.toFixed(0)} ms)`);
}
console.log(`\nafter a direct start (median ms of ${firstUse.length} starts; the "again" call is the same kind of request, second):`);
for (const what of Object.keys(firstUse[0] ?? {})) console.log(`  ${what.padEnd(38)} ${median(firstUse.map((f) => f[what] as number)).toFixed(1).padStart(8)}`);
