// A real Redis for the cluster tests (issue 18): Debian's redis-server on a free 127.0.0.1 port,
// in its own temp directory, with the persistence `--cluster` requires (append-only file, fsync on
// every write), started and stopped by PID. `restart()` brings it back on the same port and files,
// as an operator restarting Redis would.
//
// Tests that need it skip with a reason where /usr/bin/redis-server is missing, except under
// CI=true, where .ci/run installs it and they must run (`redisSkip`, `redisMissing`).
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer, connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const REDIS_SERVER = "/usr/bin/redis-server";

/** Why the cluster tests cannot run here, or undefined. */
export const redisMissing: string | undefined = existsSync(REDIS_SERVER) ? undefined : `${REDIS_SERVER} is not installed (Debian's redis-server package)`;

/** The `skip` option for a suite that needs Redis: never under CI=true (the suite then fails on `redisMissing`). */
export const redisSkip: string | false = process.env["CI"] === "true" ? false : (redisMissing ?? false);

export interface RedisServer {
  readonly port: number;
  /** redis://127.0.0.1:<port> */
  readonly url: string;
  readonly pid: number | undefined;
  /** Stops it (SIGKILL by default, as a crash; SIGTERM lets it save). */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** Starts it again on the same port and directory (its append-only file brings the data back). */
  restart(): Promise<void>;
  /** Stops it and removes its directory. */
  dispose(): Promise<void>;
}

/** Extra `redis-server` arguments, e.g. ["--appendonly", "no"] to test the persistence check. */
export async function startRedis(extraArgs: readonly string[] = []): Promise<RedisServer> {
  const dir = mkdtempSync(join(tmpdir(), "minifront-redis-"));
  const port = await freePort();
  let child: ChildProcess | undefined;

  const launch = async (): Promise<void> => {
    const args = ["--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--appendonly", "yes", "--appendfsync", "always", "--save", "", "--protected-mode", "yes", ...extraArgs];
    const proc = spawn(REDIS_SERVER, args, { stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    proc.stdout?.on("data", (d: Buffer) => (output += d.toString()));
    proc.stderr?.on("data", (d: Buffer) => (output += d.toString()));
    child = proc;
    await waitForPort(port, proc, () => output);
  };

  const stop = async (signal: NodeJS.Signals = "SIGKILL"): Promise<void> => {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => proc.once("exit", () => resolve()));
    proc.kill(signal);
    await exited;
  };

  await launch();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    get pid() {
      return child?.pid;
    },
    stop,
    restart: launch,
    async dispose() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Resolves once the port takes connections; rejects if the process exits first or 10 s pass. */
async function waitForPort(port: number, proc: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (proc.exitCode !== null || proc.signalCode !== null) throw new Error(`redis-server exited: ${output()}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, "127.0.0.1");
      socket.once("connect", () => {
        socket.destroy();
        resolve(true);
      });
      socket.once("error", () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`redis-server did not listen on ${port} in 10 s: ${output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
