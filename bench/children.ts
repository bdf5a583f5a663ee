// Child processes for the benchmarks: a free loopback port, and a server pinned to a CPU that
// prints "ready ..." on stdout when it listens (bench/servers.ts, nginx aside).
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";

export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** Runs `cmd args` under `taskset -c cpu`; resolves with its "ready ..." line. */
export function startPinned(cmd: string, args: string[], cpu: string, stderr: "inherit" | "ignore" = "inherit"): Promise<{ child: ChildProcess; line: string }> {
  const child = spawn("taskset", ["-c", cpu, cmd, ...args], { stdio: ["ignore", "pipe", stderr] });
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout!.setEncoding("utf8").on("data", (d: string) => {
      out += d;
      const m = /ready [^\n]*/.exec(out);
      if (m) resolve({ child, line: m[0] });
    });
    child.once("exit", (code) => reject(new Error(`${cmd} exited with ${code}: ${out}`)));
  });
}
