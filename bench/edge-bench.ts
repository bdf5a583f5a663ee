// Cache-hit throughput: nginx proxy_cache (the stand-in people use today), a bare node:http server
// answering from a Map, and minifront's edge, all in front of the same origin, measured in one run
// (docs/decisions.md: compare ratios within a run, never absolute numbers across runs).
// A fourth run puts a trivial viewer-request CloudFront Function on the distribution, to show what
// a function costs per request. Two more measure what observing the edge costs (issue 15): minifront
// at the CLI's default log level (a request log line per request, written to /dev/null) and
// minifront with the observer off (no request log, standard logs or metrics), the baseline.
// Each server runs alone, pinned to CPU 0; wrk runs pinned to CPU 1. Needs nginx and wrk
// (Debian packages nginx-light and wrk) and taskset.
// Run: npm run bench [-- --seconds 3 --rounds 3] [--only minifront,minifront+log,...] [--paths /1k]
import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import { chmodSync, mkdtempSync, writeFileSync, rmSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { SIZES } from "./sizes.ts";
import { freePort, startPinned } from "./children.ts";

const arg = (name: string, fallback: number) => (process.argv.includes(name) ? Number(process.argv[process.argv.indexOf(name) + 1]) : fallback);
const seconds = arg("--seconds", 3);
const rounds = arg("--rounds", 3);
/** Names of the contenders to run (all when absent), e.g. `--only minifront,minifront+log,minifront-observer`. */
const only = process.argv.includes("--only") ? new Set(String(process.argv[process.argv.indexOf("--only") + 1]).split(",")) : undefined;
/** The object paths to fetch (all of SIZES when absent), e.g. `--paths /1k`. */
const PATHS = process.argv.includes("--paths") ? String(process.argv[process.argv.indexOf("--paths") + 1]).split(",") : Object.keys(SIZES);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}
const SERVERS = fileURLToPath(new URL("./servers.ts", import.meta.url));

const start = startPinned;

function wrk(url: string, host: string): number {
  execFileSync("taskset", ["-c", "1", "wrk", "-t1", "-c16", "-d1s", "-H", `Host: ${host}`, url]); // warm-up
  const out = execFileSync("taskset", ["-c", "1", "wrk", "-t1", "-c64", `-d${seconds}s`, "-H", `Host: ${host}`, url], { encoding: "utf8" });
  const m = /Requests\/sec:\s+([\d.]+)/.exec(out);
  if (!m) throw new Error(`wrk output not understood:\n${out}`);
  if (/Non-2xx/.test(out)) throw new Error(`non-2xx answers from ${url}:\n${out}`);
  return Number(m[1]);
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  await exited;
}

const node = process.execPath;
const originPort = await freePort();
const origin = await start(node, [SERVERS, "origin", String(originPort)], "1");
const results: Record<string, Record<string, number>> = {};
const dir = mkdtempSync(join(tmpdir(), "minifront-bench-"));
try {
  // nginx with proxy_cache, one worker: the configuration people use as a stand-in today. Twice:
  // with nginx's built-in `sendfile off`, and with `sendfile on` as Debian's stock nginx.conf sets
  // it (faster for large cached files, slower for mid-sized ones on this machine).
  // nginx workers run as an unprivileged user when the master is root: let them use the cache.
  chmodSync(dir, 0o755);
  const nginx = async (sendfile: "on" | "off") => {
    const port = await freePort();
    const prefix = join(dir, `nginx-sendfile-${sendfile}`);
    mkdirSync(join(prefix, "cache"), { recursive: true, mode: 0o777 });
    chmodSync(prefix, 0o755);
    chmodSync(join(prefix, "cache"), 0o777);
    writeFileSync(
      join(prefix, "nginx.conf"),
      `worker_processes 1; daemon off; pid ${prefix}/nginx.pid; error_log ${prefix}/error.log;
events { worker_connections 1024; }
http {
  access_log off; sendfile ${sendfile}; tcp_nopush on;
  proxy_cache_path ${prefix}/cache levels=1:2 keys_zone=edge:10m max_size=1g inactive=60m use_temp_path=off;
  upstream origin { server 127.0.0.1:${originPort}; keepalive 32; }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://origin; proxy_http_version 1.1; proxy_set_header Connection "";
      proxy_cache edge; proxy_cache_valid 200 1h; add_header X-Cache $upstream_cache_status;
    }
  }
}
`,
    );
    const child = spawn("taskset", ["-c", "0", "nginx", "-c", join(prefix, "nginx.conf"), "-p", prefix], { stdio: "ignore" });
    await new Promise((r) => setTimeout(r, 500));
    return { child, url: `http://127.0.0.1:${port}`, host: "localhost" };
  };
  const contenders: Array<[string, () => Promise<{ child: ChildProcess; url: string; host: string }>]> = [
    ["nginx", () => nginx("off")],
    ["nginx sendfile", () => nginx("on")],
    ["bare node", async () => {
      const port = await freePort();
      const s = await start(node, [SERVERS, "bare", String(port)], "0");
      return { child: s.child, url: `http://127.0.0.1:${port}`, host: "localhost" };
    }],
    ["minifront", async () => {
      const port = await freePort();
      const s = await start(node, [SERVERS, "minifront", String(port), String(originPort)], "0");
      return { child: s.child, url: `http://127.0.0.1:${port}`, host: s.line.split(" ")[2] as string };
    }],
    ["minifront+fn", async () => {
      const port = await freePort();
      const s = await start(node, [SERVERS, "minifront-fn", String(port), String(originPort)], "0");
      return { child: s.child, url: `http://127.0.0.1:${port}`, host: s.line.split(" ")[2] as string };
    }],
    // The request log's lines go to stderr, here /dev/null: what the log costs minifront, not a terminal.
    ["minifront+log", async () => {
      const port = await freePort();
      const s = await start(node, [SERVERS, "minifront-log", String(port), String(originPort)], "0", "ignore");
      return { child: s.child, url: `http://127.0.0.1:${port}`, host: s.line.split(" ")[2] as string };
    }],
    ["minifront-observer", async () => {
      const port = await freePort();
      const s = await start(node, [SERVERS, "minifront-unobserved", String(port), String(originPort)], "0");
      return { child: s.child, url: `http://127.0.0.1:${port}`, host: s.line.split(" ")[2] as string };
    }],
  ];
  // All servers stay up (each pinned to CPU 0, idle while another is measured) and the runs are
  // interleaved, round after round; each figure is the median of its rounds. This machine is a
  // shared VM whose speed drifts by tens of percent within a minute: interleaving spreads that
  // drift over every contender instead of handing it to whichever ran last.
  const running: Array<{ name: string; child: ChildProcess; url: string; host: string }> = [];
  try {
    for (const [name, launch] of contenders) if (!only || only.has(name)) running.push({ name, ...(await launch()) });
    const samples: Record<string, Record<string, number[]>> = {};
    for (let round = 1; round <= rounds; round++) {
      process.stderr.write(`round ${round}/${rounds}: `);
      for (const path of PATHS) {
        for (const r of running) {
          ((samples[r.name] ??= {})[path] ??= []).push(wrk(r.url + path, r.host));
        }
        process.stderr.write(`${path} `);
      }
      process.stderr.write("\n");
    }
    for (const [name, byPath] of Object.entries(samples)) {
      results[name] = {};
      for (const [path, values] of Object.entries(byPath)) results[name][path] = median(values);
    }
  } finally {
    for (const r of running) await stop(r.child);
  }
} finally {
  await stop(origin.child);
  rmSync(dir, { recursive: true, force: true });
}

const fmt = (n: number) => n.toFixed(0).padStart(9);
console.log(`\ncache-hit requests/s, median of ${rounds} interleaved rounds (wrk -c64, ${seconds}s each, servers on CPU 0, wrk on CPU 1)\n`);
const ran = (name: string) => results[name] !== undefined;
if (["nginx", "nginx sendfile", "bare node", "minifront", "minifront+fn"].every(ran)) {
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
if (["minifront", "minifront+log", "minifront-observer"].every(ran)) {
  console.log(`\nobserving the edge      ${["unobserved", "metrics", "+ log"].map((n) => n.padStart(10)).join(" ")}   metrics/unobserved  (metrics+log)/unobserved`);
  for (const path of PATHS) {
    const u = results["minifront-observer"]![path]!;
    const m = results["minifront"]![path]!;
    const l = results["minifront+log"]![path]!;
    console.log(`${path.padEnd(23)} ${fmt(u).padStart(10)} ${fmt(m).padStart(10)} ${fmt(l).padStart(10)}   ${(m / u).toFixed(3).padStart(18)}  ${(l / u).toFixed(3).padStart(23)}`);
  }
}
