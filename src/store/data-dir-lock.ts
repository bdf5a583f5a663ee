// One minifront per data directory. Two on one directory lose acknowledged writes (the second's
// start-up sweep deletes blobs the first has just written) and disagree about CloudFront state, so
// the second refuses to start, naming the holder's PID.
//
// The lock is SQLite's own: `<dataDir>/minifront.lock` is a database held in an exclusive
// transaction for the life of the instance. SQLite locks with POSIX advisory locks (fcntl) on
// Unix and LockFileEx on Windows, which the OS drops when the process dies, so `kill -9` frees
// the directory without any stale-lock guessing. fcntl locks alone do not conflict within one
// process, but SQLite tracks locks per file inside the process too, so a second startEmulator()
// in the same process is refused as well. A lock file cannot be read while it is held, so the
// holder's PID goes into a plain `minifront.pid` beside it (informational only; the lock decides).
// Not handled: data directories on network file systems without working fcntl locks.
import { DatabaseSync } from "node:sqlite";
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { EmulatorError } from "../errors.ts";

const LOCK_FILE = "minifront.lock";
const PID_FILE = "minifront.pid";
/** SQLITE_BUSY: another connection holds the lock. */
const SQLITE_BUSY = 5;
/**
 * The lock connections held, until released. A DatabaseSync that becomes garbage is closed by
 * its finalizer, which would drop the lock while the instance still runs (an Emulator whose
 * caller kept no reference to it keeps serving): this set keeps them reachable.
 */
const HELD = new Set<DatabaseSync>();

export interface DataDirLock {
  /** Lets the next instance in; safe to call more than once. */
  release(): void;
}

/**
 * Takes the data directory for this instance, before anything in it is read or cleaned up.
 * Throws EmulatorError when another minifront (in this or another process) holds it.
 */
export function lockDataDir(dataDir: string): DataDirLock {
  mkdirSync(dataDir, { recursive: true });
  let db: DatabaseSync | undefined;
  try {
    // timeout 0: a held lock is reported at once instead of waited for.
    db = new DatabaseSync(join(dataDir, LOCK_FILE), { timeout: 0 });
    // locking_mode=EXCLUSIVE keeps the lock after any statement; BEGIN EXCLUSIVE takes it now.
    // An empty file is enough (the transaction writes nothing); journal_mode=MEMORY keeps SQLite
    // from creating a -journal file beside it while the lock is held.
    db.exec("PRAGMA journal_mode=MEMORY; PRAGMA locking_mode=EXCLUSIVE; BEGIN EXCLUSIVE");
  } catch (err) {
    closeQuietly(db);
    if ((err as { errcode?: number }).errcode === SQLITE_BUSY) throw inUse(dataDir);
    throw new EmulatorError("ERR_STATE", `cannot lock the data directory ${dataDir}: ${err instanceof Error ? err.message : String(err)}`);
  }
  // Written after taking the lock, so it names the holder; temp file + rename, so a reader never
  // sees half a number.
  const pidFile = join(dataDir, PID_FILE);
  try {
    writeFileSync(`${pidFile}.tmp`, `${process.pid}\n`);
    renameSync(`${pidFile}.tmp`, pidFile);
  } catch {
    // Only the message of a refused second instance would lack the PID.
  }
  const held = db;
  HELD.add(held);
  let released = false;
  return {
    release() {
      if (released) return;
      released = true;
      rmSync(pidFile, { force: true });
      HELD.delete(held);
      closeQuietly(held);
    },
  };
}

function inUse(dataDir: string): EmulatorError {
  let holder = "";
  try {
    const pid = Number(readFileSync(join(dataDir, PID_FILE), "utf8").trim());
    if (Number.isInteger(pid) && pid > 0) holder = pid === process.pid ? ` (this process, PID ${pid})` : ` (PID ${pid})`;
  } catch {
    // The holder has not written its PID yet (or cannot): say so without one.
  }
  return new EmulatorError("ERR_STATE", `the data directory ${dataDir} is in use by another minifront${holder}; stop it or use another --data-dir`);
}

function closeQuietly(db: DatabaseSync | undefined): void {
  try {
    db?.close();
  } catch {
    // Already closed, or never opened.
  }
}
