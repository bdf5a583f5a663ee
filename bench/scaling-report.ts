// The tables of `npm run bench -- --workers` (issue 18): one worker against two, for nginx and for
// minifront, from the wrk runs of bench/edge-bench.ts (see its header for the method).
//   req/s          wrk's figure, median of the rounds (two-worker contenders share both CPUs with wrk)
//   server us/req  the server's CPU time over its requests, every process and thread it forked
//   server cores   that CPU time over the run's wall time: how much of the machine the server got
//   wrk us/req     wrk's CPU time over the same requests; wrk share = wrk / (server + wrk)
//   CPU split      each server process's share of the server's CPU (those above 1%), over all
//                  rounds: how evenly the workers were loaded, and what the rest (nginx's master,
//                  minifront's primary) cost
// Scaling 1 -> 2 is given as the ratio of req/s, and as the CPU ratio 2 x s1 / s2 (s = server
// us/req): the req/s two cores of the server's own would serve over one, which wrk does not enter.
import type { WrkResult } from "./wrk.ts";
import { median } from "./stats.ts";
import { totalNs } from "./cpu-time.ts";

/** The contenders' names in the `--workers` set (the one-worker nginx and one-process minifront are the default set's "nginx" and "minifront"). */
export const SCALING = { nginx2: "nginx workers 2", minifront1: "minifront 1 worker", minifront2: "minifront --workers 2" } as const;

interface Figures {
  readonly rps: number;
  readonly serverUs: number;
  readonly cores: number;
  readonly wrkUs: number;
  readonly wrkShare: number;
  readonly split: string;
}

function figures(runs: WrkResult[]): Figures {
  const byPid = new Map<number, number>();
  for (const r of runs) for (const [pid, ns] of r.serverNs) byPid.set(pid, (byPid.get(pid) ?? 0) + ns);
  const all = totalNs(byPid);
  const shares = [...byPid.values()].map((ns) => ns / all).filter((s) => s > 0.01).sort((a, b) => b - a);
  return {
    rps: median(runs.map((r) => r.rps)),
    serverUs: median(runs.map((r) => totalNs(r.serverNs) / r.requests / 1000)),
    cores: median(runs.map((r) => totalNs(r.serverNs) / (r.seconds * 1e9))),
    wrkUs: median(runs.map((r) => r.wrkNs / r.requests / 1000)),
    wrkShare: median(runs.map((r) => r.wrkNs / (r.wrkNs + totalNs(r.serverNs)))),
    split: shares.map((s) => (s * 100).toFixed(0)).join("/"),
  };
}

const cell = (value: string, width: number) => value.padStart(width);

/** Prints the per-contender figures, the 1 -> 2 scaling and minifront over nginx, for each path. */
export function printScaling(runs: Record<string, Record<string, WrkResult[]>>, paths: string[], o: { rounds: number; seconds: number }): void {
  const of = (name: string, path: string) => {
    const r = runs[name]?.[path];
    return r && r.length ? figures(r) : undefined;
  };
  console.log(`\ncache hits, one worker against two; medians of ${o.rounds} interleaved rounds (wrk -c64, ${o.seconds}s each).`);
  console.log(`One-worker contenders: server on CPU 0, wrk -t1 on CPU 1. Two-worker contenders: server and wrk -t2 share CPUs 0 and 1.\n`);
  console.log(`size   ${"contender".padEnd(22)} ${["req/s", "server us/req", "server cores", "wrk us/req", "wrk share", "CPU split %"].map((h) => cell(h, 13)).join(" ")}`);
  for (const path of paths) {
    for (const name of Object.keys(runs)) {
      const f = of(name, path);
      if (!f) continue;
      const row = [f.rps.toFixed(0), f.serverUs.toFixed(1), f.cores.toFixed(2), f.wrkUs.toFixed(1), `${(f.wrkShare * 100).toFixed(0)}%`, f.split];
      console.log(`${path.padEnd(6)} ${name.padEnd(22)} ${row.map((v) => cell(v, 13)).join(" ")}`);
    }
  }
  const pairs: Array<[label: string, one: string, two: string]> = [
    ["nginx 1 -> 2 workers", "nginx", SCALING.nginx2],
    ["minifront -> --workers 2", "minifront", SCALING.minifront2],
    ["minifront 1 -> 2 workers", SCALING.minifront1, SCALING.minifront2],
  ];
  console.log(`\nscaling from one worker to two: req/s ratio (wrk sharing the cores) | CPU ratio 2 x s1/s2 (cores of the server's own)`);
  console.log(`size   ${"".padEnd(26)} ${cell("req/s", 8)} ${cell("CPU", 8)}`);
  for (const path of paths) {
    for (const [label, one, two] of pairs) {
      const a = of(one, path);
      const b = of(two, path);
      if (a && b) console.log(`${path.padEnd(6)} ${label.padEnd(26)} ${cell((b.rps / a.rps).toFixed(2), 8)} ${cell(((2 * a.serverUs) / b.serverUs).toFixed(2), 8)}`);
    }
  }
  const versus: Array<[label: string, mine: string, theirs: string]> = [
    ["minifront / nginx", "minifront", "nginx"],
    ["minifront 1 worker / nginx", SCALING.minifront1, "nginx"],
    ["--workers 2 / nginx workers 2", SCALING.minifront2, SCALING.nginx2],
  ];
  console.log(`\nminifront over nginx at the same number of workers: req/s ratio | CPU ratio (nginx us/req over minifront's)`);
  console.log(`size   ${"".padEnd(30)} ${cell("req/s", 8)} ${cell("CPU", 8)}`);
  for (const path of paths) {
    for (const [label, mine, theirs] of versus) {
      const m = of(mine, path);
      const n = of(theirs, path);
      if (m && n) console.log(`${path.padEnd(6)} ${label.padEnd(30)} ${cell((m.rps / n.rps).toFixed(2), 8)} ${cell((n.serverUs / m.serverUs).toFixed(2), 8)}`);
    }
  }
}
