// A real full disk for minifront, without touching the machine's: `minifront start` runs in a
// private mount namespace (`unshare --mount`, or with `--user --map-root-user` when not root)
// where a small tmpfs is mounted over an empty temp dir, and its data dir lives on that tmpfs.
// The mount exists only inside the child's namespace and disappears with it. The test reaches
// the tmpfs through /proc/<pid>/root and fills it to the last byte with a filler file, so every
// write minifront attempts meanwhile fails with a real ENOSPC (or SQLITE_FULL), then frees it.
//
// Where neither form of unshare is allowed (a container without CAP_SYS_ADMIN and without
// unprivileged user namespaces), `tinyDiskSupport()` says why, for the test to skip.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { closeSync, mkdtempSync, openSync, rmSync, unlinkSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const CLI = fileURLToPath(new URL("../../src/cli.ts", import.meta.url));

/** The unshare flags that work here, or the reason none does. */
export function tinyDiskSupport(): { flags: string[] } | { skip: string } {
  const candidates = process.getuid?.() === 0 ? [["--mount"], ["--user", "--map-root-user", "--mount"]] : [["--user", "--map-root-user", "--mount"]];
  const probe = mkdtempSync(join(tmpdir(), "minifront-tmpfs-probe-"));
  try {
    for (const flags of candidates) {
      const r = spawnSync("unshare", [...flags, "sh", "-c", 'mount -t tmpfs -o size=1m tmpfs "$1"', "sh", probe], { stdio: "ignore" });
      if (r.status === 0) return { flags };
    }
  } finally {
    rmSync(probe, { recursive: true, force: true });
  }
  return { skip: "needs a private mount namespace for a small tmpfs (unshare --mount as root, or unprivileged user namespaces); neither is allowed here" };
}

export interface TinyDiskProcess {
  readonly child: ChildProcess;
  readonly url: string;
  /** The data dir as minifront sees it (inside its namespace). */
  readonly dataDir: string;
  /** The same directory as this process reaches it (through /proc/<pid>/root). */
  readonly hostDataDir: string;
  /** Everything minifront logged so far. */
  stderr(): string;
  /** Fills the tmpfs to the last byte. */
  fill(): void;
  /** Fills it, then frees exactly one page (4 KiB): room for a small blob but not for more. */
  fillAllButOnePage(): void;
  /** Frees what fill() took. */
  free(): void;
  /** SIGKILLs minifront and removes the (empty, on this side) mount point. */
  stop(): Promise<void>;
}

/** Starts `minifront start` with its data dir on a fresh tmpfs of `size` (e.g. "16m"). */
export async function startOnTinyDisk(flags: string[], size: string): Promise<TinyDiskProcess> {
  const mountPoint = mkdtempSync(join(tmpdir(), "minifront-tmpfs-"));
  const dataDir = join(mountPoint, "data");
  // unshare and sh both exec, so the child's PID is minifront's.
  const child = spawn(
    "unshare",
    [
      ...flags,
      "sh",
      "-c",
      'mount -t tmpfs -o size="$2" tmpfs "$1" && exec "$3" "$4" start --host 127.0.0.1 --port 0 --data-dir "$1/data" --log-level warn',
      "sh",
      mountPoint,
      size,
      process.execPath,
      CLI,
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let out = "";
  let err = "";
  child.stdout.setEncoding("utf8").on("data", (d: string) => (out += d));
  child.stderr.setEncoding("utf8").on("data", (d: string) => (err += d));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`minifront did not start in 10 s:\n${out}\n${err}`)), 10_000);
    child.stdout.on("data", () => {
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1] as string);
      }
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`minifront exited:\n${out}\n${err}`));
    });
  });
  const hostMount = `/proc/${child.pid}/root${mountPoint}`;
  const fillers: string[] = [];
  const fillFile = (name: string, chunk: number): void => {
    const path = join(hostMount, name);
    fillers.push(path);
    const fd = openSync(path, "w");
    const buf = Buffer.alloc(chunk, 0xa5);
    try {
      for (;;) writeSync(fd, buf);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOSPC") throw e;
    } finally {
      closeSync(fd);
    }
  };
  const fill = (): void => {
    // Big chunks first, then bytes: a short write leaves the rest of a page in the first file.
    fillFile(`filler-${fillers.length}`, 64 * 1024);
    fillFile(`filler-${fillers.length}`, 1);
  };
  return {
    child,
    url,
    dataDir,
    hostDataDir: join(hostMount, "data"),
    stderr: () => err,
    fill,
    fillAllButOnePage() {
      // A one-page file taken first and given back last.
      const reserve = join(hostMount, `reserve-${fillers.length}`);
      const fd = openSync(reserve, "w");
      writeSync(fd, Buffer.alloc(4096, 0x5a));
      closeSync(fd);
      fill();
      unlinkSync(reserve);
    },
    free() {
      for (const f of fillers.splice(0)) rmSync(f, { force: true });
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await exited;
      rmSync(mountPoint, { recursive: true, force: true });
    },
  };
}
