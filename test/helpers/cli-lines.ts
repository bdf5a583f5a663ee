// A minifront command (`serve`, `start --init`) as a child process whose printed lines a test waits
// for: "the sync line was printed" is the event a user waits for too. Stopped by its own PID.
import { spawn, type ChildProcess } from "node:child_process";
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const CLI = fileURLToPath(new URL("../../src/cli.ts", import.meta.url));
const run = promisify(execFile);

export interface LineProcess {
  readonly child: ChildProcess;
  /** Everything written to stdout and stderr so far, in arrival order. */
  output(): string;
  /** Resolves with the first match of `pattern` in the output after `from` (a length of output()); rejects after `timeoutMs` or on exit. */
  waitFor(pattern: RegExp, from?: number, timeoutMs?: number): Promise<RegExpExecArray>;
  /**
   * Sends a signal and waits for the exit code (null when killed by the signal). A `group` process
   * gets it in its whole process group: `npm exec` does not pass signals on to the command it runs.
   */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Runs `node src/cli.ts <args>` (or `command args` when given) in `cwd`. */
export function spawnLines(args: readonly string[], options: { cwd?: string; command?: string; env?: NodeJS.ProcessEnv; group?: boolean } = {}): LineProcess {
  const child = spawn(options.command ?? process.execPath, options.command ? [...args] : [CLI, ...args], {
    cwd: options.cwd,
    // Its own process group, whose id is the child's PID: stop() signals the group.
    detached: options.group === true,
    env: { ...process.env, ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  const listeners = new Set<() => void>();
  const onData = (d: string) => {
    out += d;
    for (const l of listeners) l();
  };
  child.stdout.setEncoding("utf8").on("data", onData);
  child.stderr.setEncoding("utf8").on("data", onData);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return {
    child,
    output: () => out,
    waitFor(pattern, from = 0, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const m = pattern.exec(out.slice(from));
          if (!m) return false;
          done();
          resolve(m);
          return true;
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`no ${pattern} within ${timeoutMs} ms; output:\n${out}`));
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          listeners.delete(listener);
        };
        const listener = () => void check();
        if (check()) return;
        listeners.add(listener);
        void exited.then((code) => {
          if (!listeners.has(listener)) return;
          done();
          reject(new Error(`exited with ${code} before ${pattern}; output:\n${out}`));
        });
      });
    },
    async stop(signal = "SIGTERM") {
      if (child.exitCode === null && child.signalCode === null) {
        if (options.group && child.pid !== undefined) process.kill(-child.pid, signal);
        else child.kill(signal);
      }
      return exited;
    },
  };
}

export interface CurlResult {
  readonly status: number;
  /** Lower-cased header names. */
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** `curl -si <url>` with extra arguments; curl resolves `*.localhost` to the loopback address itself. */
export async function curl(url: string, ...args: string[]): Promise<CurlResult> {
  const { stdout } = await run("curl", ["-si", "--max-time", "10", ...args, url]);
  const end = stdout.indexOf("\r\n\r\n");
  const [statusLine = "", ...lines] = stdout.slice(0, end).split("\r\n");
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const i = line.indexOf(":");
    headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  return { status: Number(statusLine.split(" ")[1]), headers, body: stdout.slice(end + 4) };
}
