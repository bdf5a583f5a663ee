// What observing the edge costs a cache hit, in server CPU time: the same 1 KiB hit served by
// minifront with the observer off, with it on (metrics, standard and real-time log sinks), and with
// the request log at the CLI's default level (info, to /dev/null), each server pinned to CPU 0.
// Blocks of requests go to the servers in turn, round after round, and each block's cost is the
// server's on-CPU time (/proc/<pid>/task/<pid>/schedstat, nanoseconds) over its requests; the
// figure per server is the median over rounds. CPU time per request is what the observer adds to;
// on a shared machine it moves far less than requests per second (`npm run bench`), which another
// tenant's load halves or doubles within a minute. Linux only (schedstat, taskset).
// Run: npm run bench:observe [-- --rounds 100 --block 300]
import type { ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { Agent, request } from "node:http";
import { fileURLToPath } from "node:url";
import { freePort, startPinned } from "./children.ts";

const arg = (name: string, fallback: number) => (process.argv.includes(name) ? Number(process.argv[process.argv.indexOf(name) + 1]) : fallback);
const ROUNDS = arg("--rounds", 100);
const BLOCK = arg("--block", 300);
const CONNECTIONS = 8;
const SERVERS = fileURLToPath(new URL("./servers.ts", import.meta.url));
const KINDS = ["minifront-unobserved", "minifront", "minifront-log"] as const;

/** A bench/servers.ts server pinned to `cpu` (its log lines go to /dev/null). */
const start = (args: string[], cpu: string) => startPinned(process.execPath, [SERVERS, ...args], cpu, "ignore");

/** The main thread's time on a CPU so far, in ns (the first field of schedstat). */
function cpuNs(pid: number): number {
  return Number(readFileSync(`/proc/${pid}/task/${pid}/schedstat`, "utf8").split(" ")[0]);
}

/** `n` GETs over CONNECTIONS keep-alive connections; rejects on anything but 200. */
async function load(port: number, host: string, n: number, agent: Agent): Promise<void> {
  let next = 0;
  const one = () =>
    new Promise<void>((resolve, reject) => {
      const req = request({ host: "127.0.0.1", port, path: "/1k", headers: { host }, agent }, (res) => {
        if (res.statusCode !== 200) reject(new Error(`HTTP ${res.statusCode}`));
        res.resume().on("end", resolve);
      });
      req.on("error", reject).end();
    });
  await Promise.all(Array.from({ length: CONNECTIONS }, async () => {
    while (next++ < n) await one();
  }));
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

const originPort = await freePort();
const origin = await start(["origin", String(originPort)], "1");
const servers: Array<{ kind: string; child: ChildProcess; port: number; host: string; agent: Agent; ns: number[] }> = [];
try {
  for (const kind of KINDS) {
    const port = await freePort();
    const s = await start([kind, String(port), String(originPort)], "0");
    servers.push({ kind, child: s.child, port, host: s.line.split(" ")[2] as string, agent: new Agent({ keepAlive: true, maxSockets: CONNECTIONS }), ns: [] });
  }
  for (const s of servers) await load(s.port, s.host, BLOCK, s.agent); // warm-up: fills the cache, optimizes the hit path
  for (let round = 0; round < ROUNDS; round++) {
    for (const s of servers) {
      const before = cpuNs(s.child.pid as number);
      await load(s.port, s.host, BLOCK, s.agent);
      s.ns.push((cpuNs(s.child.pid as number) - before) / BLOCK);
    }
  }
} finally {
  for (const s of [...servers, { child: origin.child, agent: undefined }]) {
    s.agent?.destroy();
    s.child.kill("SIGTERM");
  }
}
const base = median(servers[0]!.ns);
console.log(`server CPU per 1 KiB cache hit, median of ${ROUNDS} rounds of ${BLOCK} requests (${CONNECTIONS} connections, server on CPU 0)`);
for (const s of servers) {
  const m = median(s.ns);
  console.log(`${s.kind.padEnd(22)} ${(m / 1000).toFixed(1).padStart(7)} us   ${((m / base - 1) * 100).toFixed(1).padStart(6)}%   (min ${(Math.min(...s.ns) / 1000).toFixed(1)} us)`);
}
