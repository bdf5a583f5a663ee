// One measurement with wrk (Debian package wrk): a one-second warm-up, then `seconds` of load over
// 64 keep-alive connections, with wrk under `taskset -c <cpus>`. Besides requests per second it
// reports what the run cost in CPU: the server's (every process and thread it forked, from
// cpu-time.ts) and wrk's own (bash's `times`, the CPU of the shell's children), so a benchmark can
// show how much of the machine the load generator took.
import { execFileSync } from "node:child_process";
import { deltaNs, treeCpuNs } from "./cpu-time.ts";

export interface WrkOptions {
  /** The CPUs wrk may run on, as taskset takes them ("1", "0,1"). */
  readonly cpus: string;
  /** wrk's threads (-t). */
  readonly threads: number;
  readonly seconds: number;
  /** The server's pid: its CPU time (and its children's) over the run is measured. */
  readonly serverPid?: number;
}

export interface WrkResult {
  readonly rps: number;
  readonly requests: number;
  /** The measured run's length as wrk reports it. */
  readonly seconds: number;
  /** Server CPU over the measured run, by process (nanoseconds); empty without `serverPid`. */
  readonly serverNs: Map<number, number>;
  /** wrk's own CPU over the measured run (user + system, nanoseconds; millisecond resolution). */
  readonly wrkNs: number;
}

const CONNECTIONS = 64;

/** Runs wrk against `url` with a Host header; throws on any answer but 2xx, warns of socket errors. */
export function runWrk(url: string, host: string, o: WrkOptions): WrkResult {
  const wrk = (connections: number, seconds: number) =>
    // `times` prints the shell's CPU, then its children's: wrk's (taskset execs wrk in its place).
    execFileSync("bash", ["-c", '"$@"; times', "bash", "taskset", "-c", o.cpus, "wrk", `-t${o.threads}`, `-c${connections}`, `-d${seconds}s`, "-H", `Host: ${host}`, url], { encoding: "utf8" });
  wrk(16, 1); // warm-up
  const before = o.serverPid === undefined ? undefined : treeCpuNs(o.serverPid);
  const out = wrk(CONNECTIONS, o.seconds);
  const serverNs = before && o.serverPid !== undefined ? deltaNs(before, treeCpuNs(o.serverPid)) : new Map<number, number>();
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(out);
  const requests = /(\d+) requests in ([\d.]+)s,/.exec(out);
  if (!rps || !requests) throw new Error(`wrk output not understood:\n${out}`);
  if (/Non-2xx/.test(out)) throw new Error(`non-2xx answers from ${url}:\n${out}`);
  const errors = /Socket errors:[^\n]*/.exec(out);
  if (errors) process.stderr.write(`(${url}: ${errors[0]}) `);
  return { rps: Number(rps[1]), requests: Number(requests[1]), seconds: Number(requests[2]), serverNs, wrkNs: childrenCpuNs(out) };
}

/** The children's user and system time from the last line of bash's `times` ("0m1.234s 0m0.567s"). */
function childrenCpuNs(out: string): number {
  const last = out.trimEnd().split("\n").at(-1) ?? "";
  const times = [...last.matchAll(/(\d+)m([\d.]+)s/g)].map((m) => (Number(m[1]) * 60 + Number(m[2])) * 1e9);
  if (times.length !== 2) throw new Error(`bash times output not understood: ${last}`);
  return (times[0] as number) + (times[1] as number);
}
