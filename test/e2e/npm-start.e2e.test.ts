// `npm start` must not leave a server behind when npm itself is stopped (issue 16 "The first
// hour"): npm passes SIGTERM and SIGINT to its script's process only, and a shell between npm and
// node would die of them without passing them on. Each case starts `npm start` on a free port,
// signals npm by its PID, and checks that the port closes and none of npm's descendants remain.
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { connect } from "node:net";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const started: number[] = [];

after(() => {
  // A failed case may leave processes behind: stop each by its own PID.
  for (const pid of started) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
});

/** Every process below `pid`, read from /proc (Linux). */
function descendants(pid: number): number[] {
  const parentOf = new Map<number, number>();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      // The command name in (...) may hold spaces; the parent pid is the second field after it.
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      parentOf.set(Number(name), Number(fields[1]));
    } catch {
      // exited while we read
    }
  }
  const found: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const p = queue.shift() as number;
    for (const [child, parent] of parentOf) {
      if (parent === p) {
        found.push(child);
        queue.push(child);
      }
    }
  }
  return found;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    // A zombie is dead for our purpose: it waits only for its parent to reap it.
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, "utf8"));
  } catch {
    return false;
  }
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

/** `npm start` on a free port; resolves once minifront says where it listens. */
async function npmStart(): Promise<{ npm: ChildProcess; port: number; output: () => string }> {
  const npm = spawn("npm", ["start", "--", "--port", "0", "--ephemeral", "--log-level", "warn"], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  if (npm.pid !== undefined) started.push(npm.pid);
  let out = "";
  npm.stdout.setEncoding("utf8").on("data", (d: string) => (out += d));
  npm.stderr.setEncoding("utf8").on("data", (d: string) => (out += d));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`npm start did not report a port in 60 s:\n${out}`)), 60_000);
    npm.stdout.on("data", () => {
      const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    npm.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`npm start exited with ${code}:\n${out}`));
    });
  });
  return { npm, port, output: () => out };
}

/** Polls `check` until it is true or `ms` have passed (a bound, not a timing assertion). */
async function eventually(check: () => boolean | Promise<boolean>, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return check();
}

const linux = existsSync("/proc/self/stat");

describe("npm start leaves no server behind", { skip: linux ? false : "reads the process tree from /proc (Linux)" }, () => {
  for (const signal of ["SIGTERM", "SIGINT", "SIGKILL"] as const) {
    it(`when npm gets ${signal}`, async () => {
      const { npm, port, output } = await npmStart();
      const children = descendants(npm.pid as number);
      started.push(...children);
      assert.ok(children.length > 0, "npm runs the server as its child");
      assert.equal(await portOpen(port), true, "the server listens");
      npm.kill(signal);
      assert.ok(await eventually(async () => !(await portOpen(port)), 20_000), `port ${port} still open after ${signal} to npm:\n${output()}`);
      const left = await eventually(() => children.every((pid) => !alive(pid)), 20_000);
      assert.ok(left, `processes left after ${signal} to npm: ${children.filter(alive).join(", ")}\n${output()}`);
    });
  }
});
