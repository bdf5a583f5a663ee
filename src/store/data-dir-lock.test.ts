import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { once } from "node:events";
import { lockDataDir } from "./data-dir-lock.ts";
import { EmulatorError } from "../errors.ts";

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), "minifront-lock-"));
  dirs.push(d);
  return d;
}

function refusal(fn: () => unknown): EmulatorError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof EmulatorError, `an EmulatorError, got ${String(err)}`);
    return err;
  }
  assert.fail("expected the lock to be refused");
}

/**
 * A child process that takes the lock on `dir` and holds it until killed. It keeps no reference
 * to the lock and collects garbage, as a long-running instance eventually does: the lock must
 * hold anyway.
 */
async function holdInChild(dir: string) {
  const script = `
    const { lockDataDir } = await import(${JSON.stringify(new URL("./data-dir-lock.ts", import.meta.url).href)});
    lockDataDir(${JSON.stringify(dir)});
    globalThis.gc();
    process.stdout.write("locked\\n");
    setInterval(() => globalThis.gc(), 10);
  `;
  const child = spawn(process.execPath, ["--expose-gc", "--input-type=module", "-e", script], { stdio: ["ignore", "pipe", "inherit"] });
  const [line] = (await once(child.stdout.setEncoding("utf8"), "data")) as [string];
  assert.equal(line.trim(), "locked");
  return child;
}

describe("lockDataDir", () => {
  it("refuses a second lock in the same process, naming this process, until the first is released", () => {
    const dir = tempDir();
    const first = lockDataDir(dir);
    const err = refusal(() => lockDataDir(dir));
    assert.equal(err.message, `the data directory ${dir} is in use by another minifront (this process, PID ${process.pid}); stop it or use another --data-dir`);
    first.release();
    first.release(); // twice is harmless
    lockDataDir(dir).release();
  });

  it("refuses while another process holds the directory, naming its PID; a kill -9 of the holder frees it", async () => {
    const dir = tempDir();
    const child = await holdInChild(dir);
    try {
      const err = refusal(() => lockDataDir(dir));
      assert.match(err.message, new RegExp(`in use by another minifront \\(PID ${child.pid}\\)`));
    } finally {
      const exited = once(child, "exit");
      child.kill("SIGKILL");
      await exited;
    }
    // The OS dropped the dead holder's lock: no stale-lock clean-up needed.
    const lock = lockDataDir(dir);
    lock.release();
  });

  it("holds just the lock file and the PID file, and leaves only the lock file after a release", () => {
    const dir = tempDir();
    const lock = lockDataDir(dir);
    assert.deepEqual(readdirSync(dir).sort(), ["minifront.lock", "minifront.pid"], "no -journal file while held");
    assert.equal(readFileSync(join(dir, "minifront.pid"), "utf8"), `${process.pid}\n`);
    lock.release();
    assert.deepEqual(readdirSync(dir), ["minifront.lock"]);
  });
});
