// Start-up time and idle memory of `minifront start`: time from spawn to the first 200 from
// /_minifront/health, and the resident set size (VmRSS) a moment after, over N runs, median
// reported. Two ways of starting: the launcher directly (`node bin/minifront.js start`) and
// through `npm start`, which adds npm's own start-up and its pre-script.
// Run: npm run -s bench:startup [-- --runs 9 --settle-ms 1000]
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
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

async function startOnce(command: string, args: string[]): Promise<Sample> {
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
    return { ms, cpuMs, rssMb: rssMb(serverPid(child.pid as number)) };
  } finally {
    await stop(child);
  }
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
for (const [name, command, args] of MODES) {
  // The first start fills the compile cache; it is the one start a user pays once.
  const first = await startOnce(command, args);
  const samples: Sample[] = [];
  for (let i = 0; i < runs; i++) samples.push(await startOnce(command, args));
  const times = samples.map((s) => s.ms);
  console.log(
    `${name.padEnd(40)} ${median(times).toFixed(0).padStart(10)} ${Math.min(...times).toFixed(0).padStart(8)} ${Math.max(...times).toFixed(0).padStart(8)} ${median(samples.map((s) => s.cpuMs)).toFixed(0).padStart(8)} ${median(samples.map((s) => s.rssMb)).toFixed(1).padStart(8)}`,
  );
  console.log(`${"".padEnd(40)} (warm-up run: ${first.ms.toFixed(0)} ms)`);
}
