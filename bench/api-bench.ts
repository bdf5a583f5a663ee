// Control-plane throughput: the same workload (create N distributions, get each, list them all)
// against minifront and against moto_server (LocalStack's and moto's CloudFront backend) when it is
// installed, in one run, printing ops/s per server and minifront's ratio, measured two ways:
// - "SDK": @aws-sdk/client-cloudfront in this process, one call at a time over one keep-alive
//   connection. The client's own CPU per call (serializing, signing, parsing the answer) is part
//   of every figure, the same work for both servers except that parsing grows with the answer:
//   a minifront DistributionSummary carries every field CloudFront's does (~2.7 KB), moto's only
//   a few (~0.4 KB). Once the server is fast the client dominates, so this ratio understates the
//   servers' own difference.
// - "HTTP": the requests that client would send (built and signed by it before the clock starts),
//   sent over one keep-alive connection by node:http; each answer is read whole and its status
//   checked, not parsed. What remains is the server's own time per call plus a small HTTP cost.
// Wall-clock figures swing with whatever else runs on the host; so each phase also reads the
// server process's CPU time from /proc ("server CPU", ms per call), and "CPU ratio" is moto's CPU
// per call over minifront's, a steadier comparison of the servers' own cost on a shared machine.
// "client CPU" is this process's own CPU per call in the same phase: in SDK mode a call takes at
// least client CPU + server CPU, so the SDK ratio can be no better than
// (moto's client + server CPU) / (minifront's client + server CPU), whatever the server does:
// the "bound" row.
// "conns" counts the connections each workload opened. The client offers both servers the same
// single keep-alive connection; minifront keeps it (1), moto_server answers every call with
// `Connection: close` (one connection per call), so each moto call also pays a loopback connect,
// a small cost next to its ~10 ms of server CPU per call.
// Each workload runs against a fresh server (a child process on a free loopback port, stopped by
// its PID), so both see the same state.
// Run: npm run -s bench:api [-- --distributions 200 --lists 20 --runs 1]; with --runs N it also
// prints each ratio's median over the runs.
// Profile one server: start it yourself (e.g. `node --cpu-prof bin/minifront.js start --ephemeral`)
// and pass `--endpoint http://127.0.0.1:4566 --mode HTTP` (or SDK): that workload then runs
// against it alone (one workload per server start: both create the same distributions).
import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { readFileSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { CloudFrontClient, CreateDistributionCommand, GetDistributionCommand, ListDistributionsCommand } from "@aws-sdk/client-cloudfront";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { Agent, request as httpRequest } from "node:http";

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const arg = (name: string, fallback: number) => (process.argv.includes(name) ? Number(process.argv[process.argv.indexOf(name) + 1]) : fallback);
const distributions = arg("--distributions", 200);
const lists = arg("--lists", 20);
const runs = arg("--runs", 1);
// A bound on the whole run per server; a phase that has not finished by then is reported as such.
const BUDGET_MS = arg("--budget-s", 120) * 1000;
const START_TIMEOUT_MS = 30_000;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** The moto_server command line, or undefined when moto is not installed. */
function motoCommand(): [string, string[]] | undefined {
  try {
    const path = execFileSync("sh", ["-c", "command -v moto_server"], { encoding: "utf8" }).trim();
    if (path) return [path, []];
  } catch {
    // not on PATH; try the module
  }
  try {
    execFileSync("python3", ["-c", "import moto.server"], { stdio: "ignore" });
    return ["python3", ["-m", "moto.server"]];
  } catch {
    return undefined;
  }
}

// Clock ticks per second of /proc/<pid>/stat's utime and stime (USER_HZ, 100 on Linux).
const TICKS_PER_SECOND = 100;

/**
 * CPU time a process has used so far (ms), from /proc; undefined where there is none. CPU time,
 * unlike wall time, hardly moves when other work shares the machine, so it compares the servers'
 * own cost even on a busy host.
 */
function cpuMsOf(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

interface Running {
  readonly child: ChildProcess;
  readonly endpoint: string;
}

async function waitUntilAnswering(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    const res = await fetch(url).catch(() => undefined);
    if (res) {
      await res.arrayBuffer();
      return;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${url} did not answer within ${START_TIMEOUT_MS} ms`);
}

async function startMinifront(): Promise<Running> {
  const port = await freePort();
  const child = spawn(process.execPath, ["bin/minifront.js", "start", "--host", "127.0.0.1", "--port", String(port), "--ephemeral", "--log-level", "warn"], { cwd: ROOT, stdio: ["ignore", "ignore", "inherit"] });
  const endpoint = `http://127.0.0.1:${port}`;
  await waitUntilAnswering(`${endpoint}/_minifront/health`, child);
  return { child, endpoint };
}

async function startMoto(command: [string, string[]]): Promise<Running> {
  const port = await freePort();
  const child = spawn(command[0], [...command[1], "-H", "127.0.0.1", "-p", String(port)], { stdio: ["ignore", "ignore", "ignore"] });
  const endpoint = `http://127.0.0.1:${port}`;
  await waitUntilAnswering(`${endpoint}/moto-api/`, child);
  return { child, endpoint };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
  await exited;
  clearTimeout(timer);
}

function distributionConfig(i: number) {
  return {
    CallerReference: `bench-${i}`,
    Comment: `bench distribution ${i}`,
    Enabled: true,
    Origins: { Quantity: 1, Items: [{ Id: "o", DomainName: "origin.example.com", CustomOriginConfig: { HTTPPort: 80, HTTPSPort: 443, OriginProtocolPolicy: "http-only" as const } }] },
    DefaultCacheBehavior: { TargetOriginId: "o", ViewerProtocolPolicy: "allow-all" as const, CachePolicyId: "658327ea-f89d-4fab-a63d-7e88639e58f6" },
  };
}

type Phase = "create" | "get" | "list";
/**
 * `cpuMs`: the server process's CPU time (user + system, all threads) over the phase, when known;
 * `clientCpuMs`: this process's.
 */
type Timing = { ops: number; ms: number; cpuMs?: number; clientCpuMs: number };
type Result = Record<Phase, Timing | undefined> & { listed: number; connections: number };
type Mode = "SDK" | "HTTP";

/** One keep-alive connection at most, counting the connections it opens. */
function keepAliveAgent(): Agent & { opened: number } {
  const agent = Object.assign(new Agent({ keepAlive: true, maxSockets: 1 }), { opened: 0 });
  const connect = agent.createConnection.bind(agent);
  agent.createConnection = ((...args: Parameters<typeof connect>) => {
    agent.opened++;
    return connect(...args);
  }) as typeof agent.createConnection;
  return agent;
}

function client(endpoint: string, requestHandler?: unknown): CloudFrontClient {
  return new CloudFrontClient({
    endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "bench", secretAccessKey: "bench" },
    maxAttempts: 1,
    requestHandler: (requestHandler ?? new NodeHttpHandler({ httpAgent: keepAliveAgent() })) as never,
  });
}

/** This process's CPU time so far (ms). */
function clientCpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** Runs the phases in order until the budget is spent; `call` does one operation. */
async function phases(cpu: () => number | undefined, call: {
  create(i: number): Promise<string>;
  /** Untimed preparation between the create and get phases. */
  beforeGets?(ids: readonly string[]): Promise<void>;
  get(id: string): Promise<void>;
  list(): Promise<number>;
}): Promise<Result> {
  const deadline = performance.now() + BUDGET_MS;
  const result: Result = { create: undefined, get: undefined, list: undefined, listed: 0, connections: 0 };
  const ids: string[] = [];
  let t = performance.now();
  let c = cpu();
  let own = clientCpuMs();
  const timing = (ops: number): Timing => {
    const used = cpu();
    return { ops, ms: performance.now() - t, clientCpuMs: clientCpuMs() - own, ...(used !== undefined && c !== undefined ? { cpuMs: used - c } : {}) };
  };
  for (let i = 0; i < distributions && performance.now() < deadline; i++) ids.push(await call.create(i));
  result.create = timing(ids.length);
  await call.beforeGets?.(ids);
  t = performance.now();
  c = cpu();
  own = clientCpuMs();
  let got = 0;
  for (const id of ids) {
    if (performance.now() >= deadline) break;
    await call.get(id);
    got++;
  }
  result.get = timing(got);
  // One call lists all of them (MaxItems above the count), as a console page or Terraform would.
  t = performance.now();
  c = cpu();
  own = clientCpuMs();
  let listed = 0;
  for (let i = 0; i < lists && performance.now() < deadline; i++) {
    result.listed = await call.list();
    listed++;
  }
  result.list = timing(listed);
  return result;
}

async function sdkWorkload(endpoint: string, cpu: () => number | undefined): Promise<Result> {
  const agent = keepAliveAgent();
  const cf = client(endpoint, new NodeHttpHandler({ httpAgent: agent }));
  try {
    const result = await phases(cpu, {
      create: async (i) => (await cf.send(new CreateDistributionCommand({ DistributionConfig: distributionConfig(i) }))).Distribution?.Id as string,
      get: async (Id) => void (await cf.send(new GetDistributionCommand({ Id }))),
      list: async () => (await cf.send(new ListDistributionsCommand({ MaxItems: distributions + 100 }))).DistributionList?.Items?.length ?? 0,
    });
    return { ...result, connections: agent.opened };
  } finally {
    cf.destroy();
  }
}

interface WireRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** The request the SDK client would send for a command, built and signed by it, not sent. */
async function captureRequest(endpoint: string, command: CreateDistributionCommand | GetDistributionCommand | ListDistributionsCommand): Promise<WireRequest> {
  let captured: WireRequest | undefined;
  const cf = client(endpoint, {
    handle: async (req: { method: string; path: string; query?: Record<string, string>; headers: Record<string, string>; body?: string }) => {
      const query = new URLSearchParams(req.query ?? {}).toString();
      captured = { method: req.method, path: query ? `${req.path}?${query}` : req.path, headers: req.headers, body: req.body ?? "" };
      throw new Error("captured");
    },
  });
  await cf.send(command as CreateDistributionCommand).catch(() => undefined);
  if (!captured) throw new Error("the SDK sent no request");
  return captured;
}

/** Sends a captured request over the keep-alive agent; resolves with the whole answer as text. */
function sendWire(agent: Agent, endpoint: string, req: WireRequest): Promise<string> {
  const url = new URL(endpoint);
  return new Promise((resolve, reject) => {
    const r = httpRequest({ agent, host: url.hostname, port: url.port, method: req.method, path: req.path, headers: req.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        if ((res.statusCode ?? 0) >= 300) reject(new Error(`${req.method} ${req.path}: ${res.statusCode} ${text.slice(0, 200)}`));
        else resolve(text);
      });
      res.on("error", reject);
    });
    r.on("error", reject);
    r.end(req.body);
  });
}

async function httpWorkload(endpoint: string, cpu: () => number | undefined): Promise<Result> {
  const agent = keepAliveAgent();
  const creates: WireRequest[] = [];
  for (let i = 0; i < distributions; i++) creates.push(await captureRequest(endpoint, new CreateDistributionCommand({ DistributionConfig: distributionConfig(i) })));
  const gets = new Map<string, WireRequest>();
  const list = await captureRequest(endpoint, new ListDistributionsCommand({ MaxItems: distributions + 100 }));
  try {
    const result = await phases(cpu, {
      async create(i) {
        const answer = await sendWire(agent, endpoint, creates[i] as WireRequest);
        return /<Id>([^<]+)<\/Id>/.exec(answer)?.[1] ?? "";
      },
      async beforeGets(ids) {
        for (const Id of ids) gets.set(Id, await captureRequest(endpoint, new GetDistributionCommand({ Id })));
      },
      get: async (id) => void (await sendWire(agent, endpoint, gets.get(id) as WireRequest)),
      list: async () => (await sendWire(agent, endpoint, list)).split("<DistributionSummary>").length - 1,
    });
    return { ...result, connections: agent.opened };
  } finally {
    agent.destroy();
  }
}

const rate = (r: Timing | undefined) => (r && r.ms > 0 ? (r.ops * 1000) / r.ms : undefined);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];

const endpointArg = process.argv.includes("--endpoint") ? process.argv[process.argv.indexOf("--endpoint") + 1] : undefined;
const servers: Array<[string, () => Promise<Running | undefined>]> = [];
if (endpointArg) servers.push([endpointArg, async () => undefined]);
else {
  servers.push(["minifront", startMinifront]);
  const moto = motoCommand();
  if (moto) servers.push(["moto_server", () => startMoto(moto)]);
  else console.log("moto_server is not installed (pip install 'moto[server]'): measuring minifront alone.");
}
const modeArg = process.argv.includes("--mode") ? process.argv[process.argv.indexOf("--mode") + 1] : undefined;
const modes: Mode[] = modeArg === "SDK" || modeArg === "HTTP" ? [modeArg] : ["SDK", "HTTP"];
const allPhases: Phase[] = ["create", "get", "list"];

/** One run: every mode against every server, each on a fresh server. */
async function run(): Promise<Map<string, Result>> {
  const results = new Map<string, Result>();
  for (const mode of modes) {
    for (const [name, launch] of servers) {
      const server = (await launch()) ?? { child: undefined, endpoint: name };
      try {
        process.stderr.write(`${mode} ${name}: ${distributions} creates, ${distributions} gets, ${lists} lists of all...\n`);
        const cpu = () => cpuMsOf(server.child?.pid);
        results.set(`${mode} ${name}`, await (mode === "SDK" ? sdkWorkload : httpWorkload)(server.endpoint, cpu));
      } finally {
        if (server.child) await stop(server.child);
      }
    }
  }
  return results;
}

console.log(`\nclient: @aws-sdk/client-cloudfront (SDK) or node:http (HTTP) in one node ${process.version} process, sequential calls, one keep-alive connection offered`);
const ratios = new Map<string, number[]>();
for (let r = 1; r <= runs; r++) {
  const results = await run();
  if (runs > 1) console.log(`\nrun ${r} of ${runs}`);
  console.log(`${"mode server".padEnd(16)} ${allPhases.map((p) => `${p} ops/s`.padStart(14)).join(" ")} ${"ms per list".padStart(12)} ${"listed".padStart(7)} ${"conns".padStart(6)}`);
  for (const [name, res] of results) {
    const perList = res.list && res.list.ops > 0 ? res.list.ms / res.list.ops : undefined;
    console.log(`${name.padEnd(16)} ${allPhases.map((p) => (rate(res[p])?.toFixed(0) ?? "-").padStart(14)).join(" ")} ${(perList?.toFixed(1) ?? "-").padStart(12)} ${String(res.listed).padStart(7)} ${String(res.connections).padStart(6)}`);
  }
  for (const mode of modes) {
    const mf = results.get(`${mode} minifront`);
    const mo = results.get(`${mode} moto_server`);
    if (!mf || !mo) continue;
    const cells = allPhases.map((p) => {
      const a = rate(mf[p]);
      const b = rate(mo[p]);
      if (a === undefined || b === undefined) return "-";
      const key = `${mode} ${p}`;
      ratios.set(key, [...(ratios.get(key) ?? []), a / b]);
      return `${(a / b).toFixed(1)}x`;
    });
    console.log(`${`${mode} ratio`.padEnd(16)} ${cells.map((c) => c.padStart(14)).join(" ")}`);
  }
  printCpu(results);
}
/** Server CPU per call, and moto's over minifront's: the servers' own cost, whatever the client and the host's load. */
function printCpu(results: Map<string, Result>): void {
  const perCall = (t: Timing | undefined) => (t?.cpuMs !== undefined && t.ops > 0 ? t.cpuMs / t.ops : undefined);
  if (![...results.values()].some((r) => perCall(r.create) !== undefined)) return;
  console.log(`${"server CPU".padEnd(16)} ${allPhases.map((p) => `${p} ms/call`.padStart(14)).join(" ")}`);
  for (const [name, res] of results) console.log(`${name.padEnd(16)} ${allPhases.map((p) => (perCall(res[p])?.toFixed(2) ?? "-").padStart(14)).join(" ")}`);
  const clientPerCall = (t: Timing | undefined) => (t && t.ops > 0 ? t.clientCpuMs / t.ops : undefined);
  console.log(`${"client CPU".padEnd(16)} ${allPhases.map((p) => `${p} ms/call`.padStart(14)).join(" ")}`);
  for (const [name, res] of results) console.log(`${name.padEnd(16)} ${allPhases.map((p) => (clientPerCall(res[p])?.toFixed(2) ?? "-").padStart(14)).join(" ")}`);
  for (const mode of modes) {
    const mf = results.get(`${mode} minifront`);
    const mo = results.get(`${mode} moto_server`);
    if (!mf || !mo) continue;
    const cells = allPhases.map((p) => {
      const a = perCall(mf[p]);
      const b = perCall(mo[p]);
      if (a === undefined || b === undefined || a === 0) return "-";
      const key = `${mode} CPU ${p}`;
      ratios.set(key, [...(ratios.get(key) ?? []), b / a]);
      return `${(b / a).toFixed(1)}x`;
    });
    console.log(`${`${mode} CPU ratio`.padEnd(16)} ${cells.map((c) => c.padStart(14)).join(" ")}`);
    if (mode !== "SDK") continue;
    // The best wall-clock ratio these CPU costs allow: each call costs at least client + server CPU.
    const bound = allPhases.map((p) => {
      const a = perCall(mf[p]);
      const b = perCall(mo[p]);
      const ca = clientPerCall(mf[p]);
      const cb = clientPerCall(mo[p]);
      if (a === undefined || b === undefined || ca === undefined || cb === undefined) return "-";
      const key = `${mode} bound ${p}`;
      ratios.set(key, [...(ratios.get(key) ?? []), (b + cb) / (a + ca)]);
      return `${((b + cb) / (a + ca)).toFixed(1)}x`;
    });
    console.log(`${`${mode} bound`.padEnd(16)} ${bound.map((c) => c.padStart(14)).join(" ")}`);
  }
}

if (runs > 1 && ratios.size > 0) {
  console.log(`\nmedian ratio over ${runs} runs`);
  for (const label of modes.flatMap((m) => (m === "SDK" ? [m, `${m} CPU`, `${m} bound`] : [m, `${m} CPU`]))) {
    const cells = allPhases.map((p) => {
      const xs = ratios.get(`${label} ${p}`);
      return xs ? `${(median(xs) as number).toFixed(1)}x` : "-";
    });
    console.log(`${(label.endsWith("bound") ? label : `${label} ratio`).padEnd(16)} ${cells.map((c) => c.padStart(14)).join(" ")}`);
  }
}
