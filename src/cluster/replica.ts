// A node's local copy of the cluster's control-plane documents (`--cluster`, issue 18): the data
// directory's SQLite `documents` table (store/document-store.ts), which the services read as
// before, kept equal to Redis's (change-log.ts) at `applied`.
//
// It is the DocumentStore the services write through. During a write section (one API call that
// holds the cluster lock) each write lands locally at once, as without a cluster, and is also
// recorded twice: as an op for the commit, and as the row it replaced, so that a commit that fails
// can put the replica back as it was (`rollback`). Changes from other nodes arrive as ops
// (`apply`) or, after a gap, as every document at once (`replaceAll`).
import type { DatabaseSync, StatementSync } from "node:sqlite";
import { transactions } from "../store/database.ts";
import type { DocumentStore } from "../store/document-store.ts";
import type { Change, DocumentRow, Op } from "./change-log.ts";

type Row = { seq: number; body: string } | null;

/** What one write section changed, to be committed. */
export interface PendingChange {
  readonly ops: Op[];
  readonly purge: [string, readonly string[]][];
  clear: boolean;
}

export class Replica implements DocumentStore {
  /** The version of the cluster's state this replica holds. */
  applied = 0;
  private readonly db: DatabaseSync;
  private readonly raw: DocumentStore;
  private readonly tx: <T>(fn: () => T) => T;
  private readonly sql: Record<"put" | "del" | "get" | "restore" | "append", StatementSync>;
  private section: { change: PendingChange; undo: Map<string, Row>; before?: DocumentRow[] } | undefined;
  /** Writes made outside a write section (so never committed): counted for a warning. */
  private readonly onStray: (kind: string) => void;

  /** `raw` is openDocumentStore(db): its table and its reads. */
  constructor(db: DatabaseSync, raw: DocumentStore, onStray: (kind: string) => void = () => undefined) {
    this.db = db;
    this.raw = raw;
    this.tx = transactions(db);
    this.onStray = onStray;
    this.sql = {
      put: db.prepare("INSERT INTO documents (kind, id, body) VALUES (?, ?, ?) ON CONFLICT (kind, id) DO UPDATE SET body = excluded.body"),
      del: db.prepare("DELETE FROM documents WHERE kind = ? AND id = ?"),
      get: db.prepare("SELECT seq, body FROM documents WHERE kind = ? AND id = ?"),
      restore: db.prepare("INSERT OR REPLACE INTO documents (seq, kind, id, body) VALUES (?, ?, ?, ?)"),
      append: db.prepare("INSERT INTO documents (kind, id, body) VALUES (?, ?, ?)"),
    };
  }

  list<T>(kind: string): T[] {
    return this.raw.list<T>(kind);
  }

  put(kind: string, id: string, doc: unknown): void {
    const body = JSON.stringify(doc);
    this.remember(kind, id);
    this.sql.put.run(kind, id, body);
    this.record(["p", kind, id, body]);
  }

  delete(kind: string, id: string): void {
    this.remember(kind, id);
    this.sql.del.run(kind, id);
    this.record(["d", kind, id]);
  }

  transaction<T>(fn: () => T): T {
    return this.raw.transaction(fn);
  }

  clear(): void {
    if (this.section && !this.section.before) this.section.before = this.rows();
    this.db.exec("DELETE FROM documents");
    this.record(["c"]);
    if (this.section) this.section.change.clear = true;
  }

  /** Starts recording the writes of one API call. */
  begin(): void {
    this.section = { change: { ops: [], purge: [], clear: false }, undo: new Map() };
  }

  /** Adds an invalidation to the write section's change (every node purges it). */
  invalidated(distributionId: string, paths: readonly string[]): void {
    this.section?.change.purge.push([distributionId, paths]);
  }

  /** What the write section changed so far, or undefined when nothing. */
  pending(): PendingChange | undefined {
    const change = this.section?.change;
    return change && (change.ops.length > 0 || change.purge.length > 0 || change.clear) ? change : undefined;
  }

  /** Ends the write section, its change committed as `version` (or nothing to commit: undefined). */
  committed(version: number | undefined): void {
    this.section = undefined;
    if (version !== undefined) this.applied = version;
  }

  /** Ends the write section and puts back every row it wrote, as before `begin`. */
  rollback(): void {
    const section = this.section;
    this.section = undefined;
    if (!section) return;
    const restore = this.sql.restore;
    this.tx(() => {
      if (section.before) {
        this.db.exec("DELETE FROM documents");
        for (const r of section.before) restore.run(r.seq, r.kind, r.id, r.body);
      }
      for (const [key, row] of section.undo) {
        const [kind, id] = JSON.parse(key) as [string, string];
        if (row) restore.run(row.seq, kind, id, row.body);
        else this.sql.del.run(kind, id);
      }
    });
  }

  /** Applies another node's change (the next version) in one local transaction. */
  apply(change: Change): void {
    this.tx(() => {
      for (const op of change.ops) {
        if (op[0] === "c") this.db.exec("DELETE FROM documents");
        else if (op[0] === "d") this.sql.del.run(op[1], op[2]);
        else this.sql.put.run(op[1], op[2], op[3]);
      }
    });
    this.applied = change.version;
  }

  /** Replaces every document with the cluster's (rows in list order), at `version`. */
  replaceAll(rows: readonly DocumentRow[], version: number): void {
    this.tx(() => {
      this.db.exec("DELETE FROM documents");
      for (const r of rows) this.sql.append.run(r.kind, r.id, r.body);
    });
    this.applied = version;
  }

  /** Every local document in list order (a joining node's state for an empty cluster). */
  rows(): DocumentRow[] {
    return this.db.prepare("SELECT seq, kind, id, body FROM documents ORDER BY seq").all().map((r) => ({ seq: Number(r["seq"]), kind: String(r["kind"]), id: String(r["id"]), body: String(r["body"]) }));
  }

  private remember(kind: string, id: string): void {
    if (!this.section) return this.onStray(kind);
    const key = JSON.stringify([kind, id]);
    // After a clear, the snapshot taken then brings the row back.
    if (this.section.undo.has(key) || this.section.before) return;
    const row = this.sql.get.get(kind, id);
    this.section.undo.set(key, row ? { seq: Number(row["seq"]), body: String(row["body"]) } : null);
  }

  private record(op: Op): void {
    this.section?.change.ops.push(op);
  }
}
