// Cache-hit throughput: nginx proxy_cache (the stand-in people use today), a bare node:http server
// answering from a Map, and minifront's edge, all in front of the same origin, measured in one run
// (docs/decisions.md: compare ratios within a run, never absolute numbers across runs).
// A fourth run puts a trivial viewer-request CloudFront Function on the distribution, to show what
// a function costs per request. Two more measure what observing the edge costs (issue 15): minifront
// at the CLI's default log level (a request log line per request, written to /dev/null) and
// minifront with the observer off (no request log, standard logs or metrics), the baseline.
// Each server runs alone, pinned to CPU 0; wrk runs pinned to CPU 1. Needs nginx and wrk
// (Debian packages nginx-light and wrk), taskset and bash.
//
// `--workers` (issue 18) runs another set instead: nginx with `worker_processes 1` and `2`, and
// minifront as one process (what `--workers 1` runs), as a primary with one node:cluster edge
// worker, and with `--workers 2`, all in front of the same origin with the same distribution.
// Two server processes on this 2-core machine leave no core for wrk, so requests/s alone would
// measure wrk as much as the server: on a saturated closed loop, req/s = cores / (server CPU +
// wrk CPU per request). So: the one-worker contenders run as above (server on CPU 0, wrk -t1 on
// CPU 1, undisturbed); the two-worker ones share both CPUs with wrk -t2; and every run records
// the server's CPU time per request (all its processes and threads, /proc schedstat) and wrk's
// (bash `times`). The server's CPU per request does not depend on wrk sharing its cores within
// the noise (checked with one worker on CPU 0 and wrk on CPU 1 or on CPU 0: nginx 32 vs 33 us at
// 1 KiB, minifront no higher when shared), so scaling is reported twice: the measured req/s ratio,
// which wrk's share distorts (printed beside it), and the CPU ratio 2 x s1 / s2 — what two cores
// of the server's own would serve over one — which wrk does not enter. bench/scaling-report.ts
// prints both. wrk is no light load here: at 1 KiB it spends 20-30 us a request (a third of the
// CPU against nginx), and at 1 MiB against nginx (sendfile off) it needs more CPU than nginx, so
// even the one-worker nginx figure at 1 MiB is wrk's limit (server cores ~0.7), not nginx's.
// Run: npm run bench [-- --seconds 3 --rounds 3] [--only minifront,minifront+log,...] [--paths /1k] [--workers]
import type { ChildProcess } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { SIZES } from "./sizes.ts";
import { freePort, startPinned } from "./children.ts";
import { startNginx } from "./nginx.ts";
import { median } from "./stats.ts";
import { runWrk, type WrkOptions, type WrkResult } from "./wrk.ts";
import { printScaling, SCALING } from "./scaling-report.ts";

const arg = (name: string, fallback: number) => (process.argv.includes(name) ? Number(process.argv[process.argv.indexOf(name) + 1]) : fallback);
const seconds = arg("--seconds", 3);
const rounds = arg("--rounds", 3);
/** Names of the contenders to run (all of the set when absent), e.g. `--only minifront,minifront+log,minifront-observer`. */
const only = process.argv.includes("--only") ? new Set(String(process.argv[process.argv.indexOf("--only") + 1]).split(",")) : undefined;
/** The object paths to fetch (all of SIZES when absent), e.g. `--paths /1k`. */
const PATHS = process.argv.includes("--paths") ? String(process.argv[process.argv.indexOf("--paths") + 1]).split(",") : Object.keys(SIZES);
/** The one-worker against two-worker set (issue 18) instead of the default one. */
const scaling = process.argv.includes("--workers");

const SERVERS = fileURLToPath(new URL("./servers.ts", import.meta.url));
const node = process.execPath;
/** A server alone on CPU 0, wrk alone on CPU 1. */
const ONE_CORE: Omit<WrkOptions, "serverPid"> = { cpus: "1", threads: 1, seconds };
/** Server and wrk sharing both CPUs. */
const TWO_CORES: Omit<WrkOptions, "serverPid"> = { cpus: "0,1", threads: 2, seconds };

interface Running {
  readonly child: ChildProcess;
  readonly url: string;
  readonly host: string;
}
type Contender = readonly [name: string, launch: () => Promise<Running>, load: Omit<WrkOptions, "serverPid">];

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  await exited;
}

/** A bench/servers.ts minifront kind on `cpus`; its ready line names the distribution's domain. */
async function minifront(kind: string, originPort: number, cpus = "0", extra: string[] = [], stderr: "inherit" | "ignore" = "inherit"): Promise<Running> {
  const port = await freePort();
  const s = await startPinned(node, [SERVERS, kind, String(port), String(originPort), ...extra], cpus, stderr);
  return { child: s.child, url: `http://127.0.0.1:${port}`, host: s.line.split(" ")[2] as string };
}

const originPort = await freePort();
const origin = await startPinned(node, [SERVERS, "origin", String(originPort)], "1");
const results: Record<string, Record<string, number>> = {};
const runs: Record<string, Record<string, WrkResult[]>> = {};
const dir = mkdtempSync(join(tmpdir(), "minifront-bench-"));
try {
  // nginx workers run as an unprivileged user when the master is root: let them reach their prefix.
  chmodSync(dir, 0o755);
  const nginx = (sendfile: "on" | "off", workers: number, cpus: string) => () => startNginx({ prefix: join(dir, `nginx-${sendfile}-${workers}`), originPort, sendfile, workers, cpus });
  const contenders: Contender[] = scaling
    ? [
        ["nginx", nginx("off", 1, "0"), ONE_CORE],
        [SCALING.nginx2, nginx("off", 2, "0,1"), TWO_CORES],
        ["minifront", () => minifront("minifront", originPort), ONE_CORE],
        [SCALING.minifront1, () => minifront("minifront-workers", originPort, "0", ["1"]), ONE_CORE],
        [SCALING.minifront2, () => minifront("minifront-workers", originPort, "0,1", ["2"]), TWO_CORES],
      ]
    : [
        // Twice: with nginx's built-in `sendfile off`, and with `sendfile on` as Debian's stock
        // nginx.conf sets it (faster for large cached files, slower for mid-sized ones here).
        ["nginx", nginx("off", 1, "0"), ONE_CORE],
        ["nginx sendfile", nginx("on", 1, "0"), ONE_CORE],
        ["bare node", async () => {
          const port = await freePort();
          const s = await startPinned(node, [SERVERS, "bare", String(port)], "0");
          return { child: s.child, url: `http://127.0.0.1:${port}`, host: "localhost" };
        }, ONE_CORE],
        ["minifront", () => minifront("minifront", originPort), ONE_CORE],
        ["minifront+fn", () => minifront("minifront-fn", originPort), ONE_CORE],
        // The request log's lines go to stderr, here /dev/null: what the log costs minifront, not a terminal.
        ["minifront+log", () => minifront("minifront-log", originPort, "0", [], "ignore"), ONE_CORE],
        ["minifront-observer", () => minifront("minifront-unobserved", originPort), ONE_CORE],
      ];
  // All servers stay up (idle while another is measured) and the runs are interleaved, round
  // after round; each figure is the median of its rounds. This machine is a shared VM whose speed
  // drifts by tens of percent within a minute: interleaving spreads that drift over every
  // contender instead of handing it to whichever ran last.
  const running: Array<Running & { name: string; load: Omit<WrkOptions, "serverPid"> }> = [];
  try {
    for (const [name, launch, load] of contenders) if (!only || only.has(name)) running.push({ name, load, ...(await launch()) });
    for (let round = 1; round <= rounds; round++) {
      process.stderr.write(`round ${round}/${rounds}: `);
      for (const path of PATHS) {
        for (const r of running) ((runs[r.name] ??= {})[path] ??= []).push(runWrk(r.url + path, r.host, { ...r.load, serverPid: r.child.pid }));
        process.stderr.write(`${path} `);
      }
      process.stderr.write("\n");
    }
    for (const [name, byPath] of Object.entries(runs)) {
      results[name] = {};
      for (const [path, values] of Object.entries(byPath)) results[name][path] = median(values.map((v) => v.rps));
    }
  } finally {
    for (const r of running) await stop(r.child);
  }
} finally {
  await stop(origin.child);
  rmSync(dir, { recursive: true, force: true });
}

const fmt = (n: number) => n.toFixed(0).padStart(9);
const ran = (name: string) => results[name] !== undefined;
if (scaling) printScaling(runs, PATHS, { rounds, seconds });
else console.log(`\ncache-hit requests/s, median of ${rounds} interleaved rounds (wrk -c64, ${seconds}s each, servers on CPU 0, wrk on CPU 1)\n`);
if (!scaling && ["nginx", "nginx sendfile", "bare node", "minifront", "minifront+fn"].every(ran)) {
  console.log(`size     ${["nginx", "nginx sf", "bare node", "minifront", "+function"].map((n) => n.padStart(9)).join(" ")}   minifront/bare  minifront/nginx  minifront/nginx sf  function cost (us/request)`);
  for (const path of PATHS) {
    const n = results["nginx"]![path]!;
    const ns = results["nginx sendfile"]![path]!;
    const b = results["bare node"]![path]!;
    const m = results["minifront"]![path]!;
    const f = results["minifront+fn"]![path]!;
    // What a trivial viewer-request function adds per request: the difference of the two service times.
    const cost = (1e6 / f - 1e6 / m).toFixed(0);
    console.log(`${path.padEnd(8)} ${fmt(n)} ${fmt(ns)} ${fmt(b)} ${fmt(m)} ${fmt(f)}   ${(m / b).toFixed(2).padStart(14)}  ${(m / n).toFixed(2).padStart(15)}  ${(m / ns).toFixed(2).padStart(18)}  ${cost.padStart(26)}`);
  }
}
// What observing costs (issue 15: under 10% of cache-hit throughput): throughput with the observer
// (metrics and standard-log sinks; + the request log at the default level) over throughput without.
if (!scaling && ["minifront", "minifront+log", "minifront-observer"].every(ran)) {
  console.log(`\nobserving the edge      ${["unobserved", "metrics", "+ log"].map((n) => n.padStart(10)).join(" ")}   metrics/unobserved  (metrics+log)/unobserved`);
  for (const path of PATHS) {
    const u = results["minifront-observer"]![path]!;
    const m = results["minifront"]![path]!;
    const l = results["minifront+log"]![path]!;
    console.log(`${path.padEnd(23)} ${fmt(u).padStart(10)} ${fmt(m).padStart(10)} ${fmt(l).padStart(10)}   ${(m / u).toFixed(3).padStart(18)}  ${(l / u).toFixed(3).padStart(23)}`);
  }
}
