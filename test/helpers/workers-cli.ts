// `minifront start --workers N` as a child process for the workers' end-to-end suites: started
// on free ports of 127.0.0.1 with an ephemeral data dir, its output kept, its ports read from the
// lines it prints, stopped by its PID with SIGTERM.
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

const CLI = fileURLToPath(new URL("../../src/cli.ts", import.meta.url));

/** Retries `attempt` every 50 ms until it gives a value; fails after `tries`. */
export async function until<T>(what: string, attempt: () => Promise<T | undefined>, tries = 200): Promise<T> {
  for (let i = 0; i < tries; i++) {
    const v = await attempt();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
  return assert.fail(`gave up waiting: ${what}`);
}

export interface WorkersCli {
  readonly child: ChildProcess;
  /** The public port (API, S3, edge). */
  readonly port: number;
  /** --https-port's and --edge-port's, when asked for. */
  readonly httpsPort: number | undefined;
  readonly edgePort: number | undefined;
  /** Everything printed so far, stdout and stderr. */
  output(): string;
  stop(): Promise<void>;
}

/** Starts `minifront start --workers <count> <args>` and resolves once it has printed its URLs. */
export async function startWorkersCli(count: number, args: readonly string[]): Promise<WorkersCli> {
  const child = spawn(process.execPath, [CLI, "start", "--host", "127.0.0.1", "--port", "0", "--ephemeral", "--workers", String(count), ...args], { stdio: ["ignore", "pipe", "pipe"] });
  const exited = new Promise((r) => child.once("exit", r));
  let output = "";
  child.stdout?.setEncoding("utf8").on("data", (d: string) => (output += d));
  child.stderr?.setEncoding("utf8").on("data", (d: string) => (output += d));
  // Three processes start on a shared machine: a generous bound, checked every 50 ms.
  const port = await until(`minifront --workers ${count} to listen`, async () => {
    if (child.exitCode !== null) assert.fail(`minifront exited with ${child.exitCode}:\n${output}`);
    // The State line is the last of the start-up block: every listener's line is printed by then.
    return / {2}State {11}/.test(output) ? Number(/listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(output)?.[1]) : undefined;
  }, 1200);
  const portOf = (label: string) => {
    const m = new RegExp(`^  ${label} +https?://\\S+:(\\d+)/`, "m").exec(output);
    return m ? Number(m[1]) : undefined;
  };
  return {
    child,
    port,
    httpsPort: portOf("HTTPS"),
    edgePort: portOf("Edge only"),
    output: () => output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}
