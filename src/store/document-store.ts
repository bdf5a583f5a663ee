// Durable state in node:sqlite (DECISIONS.md "Persistence"): one table of JSON documents keyed by
// (kind, id), in insertion order. WAL with synchronous=FULL: a write that returned is on disk, so
// an acknowledged API call survives `kill -9`. Ephemeral mode is the same code on a temp directory.
import { DatabaseSync, type StatementSync } from "node:sqlite";
import { mkdirSync } from "node:fs";
import { join } from "node:path";

export interface DocumentStore {
  /** All documents of a kind, oldest first. */
  list<T>(kind: string): T[];
  put(kind: string, id: string, doc: unknown): void;
  delete(kind: string, id: string): void;
  /** Runs `fn` atomically: all its writes land, or none. */
  transaction<T>(fn: () => T): T;
  /** Removes every document (the reset endpoints). */
  clear(): void;
  close(): void;
}

export function openDocumentStore(dataDir: string): DocumentStore {
  mkdirSync(dataDir, { recursive: true });
  const db = new DatabaseSync(join(dataDir, "state.sqlite"));
  db.exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;");
  db.exec(`CREATE TABLE IF NOT EXISTS documents (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    id TEXT NOT NULL,
    body TEXT NOT NULL,
    UNIQUE (kind, id)
  )`);
  const listStmt: StatementSync = db.prepare("SELECT body FROM documents WHERE kind = ? ORDER BY seq");
  // An update keeps the row (and so its place in list order); only a new id gets a new seq.
  const putStmt = db.prepare(
    "INSERT INTO documents (kind, id, body) VALUES (?, ?, ?) ON CONFLICT (kind, id) DO UPDATE SET body = excluded.body",
  );
  const deleteStmt = db.prepare("DELETE FROM documents WHERE kind = ? AND id = ?");
  let depth = 0;

  return {
    list<T>(kind: string): T[] {
      return listStmt.all(kind).map((row) => JSON.parse(String(row["body"])) as T);
    },
    put(kind, id, doc) {
      putStmt.run(kind, id, JSON.stringify(doc));
    },
    delete(kind, id) {
      deleteStmt.run(kind, id);
    },
    transaction(fn) {
      if (depth > 0) return fn();
      db.exec("BEGIN IMMEDIATE");
      depth++;
      try {
        const result = fn();
        db.exec("COMMIT");
        return result;
      } catch (err) {
        db.exec("ROLLBACK");
        throw err;
      } finally {
        depth--;
      }
    },
    clear() {
      db.exec("DELETE FROM documents");
    },
    close() {
      db.close();
    },
  };
}
