// Control-plane state as JSON documents keyed by (kind, id), in insertion order, in the shared
// SQLite database (database.ts).
import type { DatabaseSync, StatementSync } from "node:sqlite";
import { transactions } from "./database.ts";

export interface DocumentStore {
  /** All documents of a kind, oldest first. */
  list<T>(kind: string): T[];
  put(kind: string, id: string, doc: unknown): void;
  delete(kind: string, id: string): void;
  /** Runs `fn` atomically: all its writes land, or none. */
  transaction<T>(fn: () => T): T;
  /** Removes every document (the reset endpoints). */
  clear(): void;
}

export function openDocumentStore(db: DatabaseSync): DocumentStore {
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
  const tx = transactions(db);

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
    transaction: tx,
    clear() {
      db.exec("DELETE FROM documents");
    },
  };
}
