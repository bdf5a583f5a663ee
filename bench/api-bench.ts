// Control-plane throughput: the same workload (create N distributions, get each, list them all)
// against minifront and against moto_server (LocalStack's and moto's CloudFront backend) when it is
// installed, in one run, printing ops/s per server and minifront's ratio. Both servers are driven
// by the same client, @aws-sdk/client-cloudfront in this process, one call at a time over one
// keep-alive connection: the client's own CPU per call (signing, serializing, parsing) is part of
// every figure, the same for both servers, so the ratio understates the servers' own difference.
// Each server runs as a child process on a free loopback port and is stopped by its PID.
// Run: npm run -s bench:api [-- --distributions 200 --lists 20]
// Profile one server: start it yourself (e.g. `node --cpu-prof bin/minifront.js start --ephemeral`)
// and pass `--endpoint http://127.0.0.1:4566`: the workload then runs against it alone.
import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { CloudFrontClient, CreateDistributionCommand, GetDistributionCommand, ListDistributionsCommand } from "@aws-sdk/client-cloudfront";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { Agent } from "node:http";

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const arg = (name: string, fallback: number) => (process.argv.includes(name) ? Number(process.argv[process.argv.indexOf(name) + 1]) : fallback);
const distributions = arg("--distributions", 200);
const lists = arg("--lists", 20);
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
type Result = Record<Phase, { ops: number; ms: number } | undefined> & { listed: number };

async function workload(endpoint: string): Promise<Result> {
  const cf = new CloudFrontClient({
    endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "bench", secretAccessKey: "bench" },
    requestHandler: new NodeHttpHandler({ httpAgent: new Agent({ keepAlive: true, maxSockets: 1 }) }),
  });
  const deadline = performance.now() + BUDGET_MS;
  const result: Result = { create: undefined, get: undefined, list: undefined, listed: 0 };
  try {
    const ids: string[] = [];
    let t = performance.now();
    for (let i = 0; i < distributions && performance.now() < deadline; i++) {
      const out = await cf.send(new CreateDistributionCommand({ DistributionConfig: distributionConfig(i) }));
      ids.push(out.Distribution?.Id as string);
    }
    result.create = { ops: ids.length, ms: performance.now() - t };
    t = performance.now();
    let got = 0;
    for (const Id of ids) {
      if (performance.now() >= deadline) break;
      await cf.send(new GetDistributionCommand({ Id }));
      got++;
    }
    result.get = { ops: got, ms: performance.now() - t };
    // One call lists all of them (MaxItems above the count), as a console page or Terraform would.
    t = performance.now();
    let listed = 0;
    for (let i = 0; i < lists && performance.now() < deadline; i++) {
      const out = await cf.send(new ListDistributionsCommand({ MaxItems: distributions + 100 }));
      result.listed = out.DistributionList?.Items?.length ?? 0;
      listed++;
    }
    result.list = { ops: listed, ms: performance.now() - t };
  } finally {
    cf.destroy();
  }
  return result;
}

const rate = (r: { ops: number; ms: number } | undefined) => (r && r.ms > 0 ? (r.ops * 1000) / r.ms : undefined);

const endpointArg = process.argv.includes("--endpoint") ? process.argv[process.argv.indexOf("--endpoint") + 1] : undefined;
const servers: Array<[string, () => Promise<Running | undefined>]> = [];
if (endpointArg) servers.push([endpointArg, async () => undefined]);
else {
  servers.push(["minifront", startMinifront]);
  const moto = motoCommand();
  if (moto) servers.push(["moto_server", () => startMoto(moto)]);
  else console.log("moto_server is not installed (pip install 'moto[server]'): measuring minifront alone.");
}

const results = new Map<string, Result>();
for (const [name, launch] of servers) {
  const server = (await launch()) ?? { child: undefined, endpoint: name };
  try {
    process.stderr.write(`${name}: ${distributions} creates, ${distributions} gets, ${lists} lists of all...\n`);
    results.set(name, await workload(server.endpoint));
  } finally {
    if (server.child) await stop(server.child);
  }
}

console.log(`\nclient: @aws-sdk/client-cloudfront in one node ${process.version} process, sequential calls, one keep-alive connection`);
const phases: Phase[] = ["create", "get", "list"];
console.log(`${"server".padEnd(12)} ${phases.map((p) => `${p} ops/s`.padStart(14)).join(" ")} ${"ms per list".padStart(12)} ${"listed".padStart(7)}`);
for (const [name, r] of results) {
  const perList = r.list && r.list.ops > 0 ? r.list.ms / r.list.ops : undefined;
  console.log(`${name.padEnd(12)} ${phases.map((p) => (rate(r[p])?.toFixed(0) ?? "-").padStart(14)).join(" ")} ${(perList?.toFixed(1) ?? "-").padStart(12)} ${String(r.listed).padStart(7)}`);
}
const mf = results.get("minifront");
const mo = results.get("moto_server");
if (mf && mo) {
  const ratio = (p: Phase) => {
    const a = rate(mf[p]);
    const b = rate(mo[p]);
    return a !== undefined && b !== undefined ? `${(a / b).toFixed(1)}x` : "-";
  };
  console.log(`${"ratio".padEnd(12)} ${phases.map((p) => ratio(p).padStart(14)).join(" ")}`);
}
