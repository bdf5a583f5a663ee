// The one SQLite database in the data directory (docs/decisions.md "Persistence": node:sqlite, WAL,
// synchronous=FULL). A write that returned is on disk, so an acknowledged API call survives
// `kill -9`. Ephemeral mode is the same code on a temporary directory.
import { DatabaseSync } from "node:sqlite";
import { mkdirSync } from "node:fs";
import { join } from "node:path";

/**
 * Opens (creating) the database. `durable: false` is for an ephemeral data directory, deleted when
 * the process ends: nothing there has to survive a crash, so writes skip the fsync that
 * synchronous=FULL costs on every commit (milliseconds each on a busy disk: most of a
 * CreateDistribution, bench/api-bench.ts).
 */
export function openDatabase(dataDir: string, { durable = true }: { durable?: boolean } = {}): DatabaseSync {
  mkdirSync(dataDir, { recursive: true });
  const db = new DatabaseSync(join(dataDir, "state.sqlite"));
  db.exec(`PRAGMA journal_mode=WAL; PRAGMA synchronous=${durable ? "FULL" : "OFF"}; PRAGMA busy_timeout=5000;`);
  return db;
}

/** Runs `fn` in a transaction (nested calls join the outer one): all its writes land, or none. */
export function transactions(db: DatabaseSync): <T>(fn: () => T) => T {
  let depth = 0;
  return <T>(fn: () => T): T => {
    if (depth > 0) return fn();
    db.exec("BEGIN IMMEDIATE");
    depth++;
    try {
      const result = fn();
      db.exec("COMMIT");
      return result;
    } catch (err) {
      // After some errors (SQLITE_FULL, SQLITE_IOERR) SQLite has already rolled the transaction
      // back itself; a ROLLBACK then fails with "no transaction is active" and would hide the
      // real error, as would a ROLLBACK that fails in its turn on a failing disk.
      try {
        if (db.isTransaction) db.exec("ROLLBACK");
      } catch {
        // `err` is the one worth reporting.
      }
      throw err;
    } finally {
      depth--;
    }
  };
}
