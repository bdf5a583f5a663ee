// `minifront start` as child processes on their own data dirs, for the persistence suites: each
// file's dirs, processes and SDK clients are cleaned up after it, and a burst of calls can be cut
// short by a `kill -9`.
import { after, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnCli, type CliProcess } from "./emulator.ts";

export interface DataDirProcesses {
  /** A fresh temp dir, removed after the file's tests. */
  dataDir(): string;
  /** Runs `minifront start` on a free port with `dir` as its data dir; killed after the file's tests if still running. */
  start(dir: string): Promise<CliProcess>;
  /** Has `client` destroyed after the file's tests; returns it. */
  client<C extends { destroy(): void }>(client: C): C;
}

/**
 * Call at the top of a test file. Registers one `after` hook that destroys the clients, kills any
 * process still running (a test that failed midway may leave one) and removes the data dirs.
 */
export function useDataDirProcesses(prefix: string): DataDirProcesses {
  const tempDirs: string[] = [];
  const processes: CliProcess[] = [];
  const clients: { destroy(): void }[] = [];
  after(async () => {
    for (const c of clients) c.destroy();
    // Stop each emulator by its own PID.
    await Promise.all(processes.map((p) => p.stop("SIGKILL")));
    for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  });
  return {
    dataDir() {
      const dir = mkdtempSync(join(tmpdir(), prefix));
      tempDirs.push(dir);
      return dir;
    },
    async start(dir) {
      const proc = await spawnCli(["--port", "0", "--data-dir", dir, "--log-level", "warn"]);
      processes.push(proc);
      return proc;
    },
    client(client) {
      clients.push(client);
      return client;
    },
  };
}

export interface KillDuringBurstOptions<T, R> {
  /** One call per item, all sent at once. */
  readonly items: readonly T[];
  readonly send: (item: T) => Promise<R>;
  /** Records (and may check) an acknowledged call; a throw here fails the test. A rejected call only counts as failed. */
  readonly onAck: (item: T, out: R) => void;
  /** Kill as soon as this many calls are acknowledged. */
  readonly killAfter: number;
  /** What a call is, for the messages ("creates", "puts"). */
  readonly what: string;
}

/**
 * Sends a burst of calls to `proc`, kills it with SIGKILL as soon as `killAfter` of them are
 * acknowledged, waits for the rest to settle, and asserts that the process died by the signal and
 * that at least `killAfter` calls were acknowledged before the kill.
 */
export async function killDuringBurst<T, R>(t: TestContext, proc: CliProcess, options: KillDuringBurstOptions<T, R>): Promise<void> {
  const { items, send, onAck, killAfter, what } = options;
  const total = items.length;
  let acked = 0;
  let failures = 0;
  let reachedKillPoint!: () => void;
  const killPoint = new Promise<void>((resolve) => (reachedKillPoint = resolve));

  const calls = items.map((item) =>
    send(item).then(
      (out) => {
        onAck(item, out);
        acked++;
        if (acked >= killAfter) reachedKillPoint();
      },
      () => {
        failures++;
      },
    ),
  );
  // Kill as soon as killAfter calls are acknowledged; if the burst settles first (e.g. every call
  // failed), stop waiting so the assertions below report it instead of hanging.
  const settled = Promise.all(calls);
  await Promise.race([killPoint, settled]);
  const pendingAtKill = total - acked - failures;
  assert.equal(await proc.stop("SIGKILL"), null, "killed by the signal, not exited");
  await settled;
  t.diagnostic(`acknowledged ${acked} of ${total}; ${pendingAtKill} still in flight at the kill; ${failures} failed`);
  assert.ok(acked >= killAfter, `at least ${killAfter} ${what} were acknowledged before the kill (got ${acked}, ${failures} failed)`);
}
