// Object versions in SQLite (S3 user guide, "Retaining multiple versions of objects with S3
// Versioning"). Rows only; blobs are the caller's (storage.ts), which runs every method here inside
// one transaction and unlinks the blobs a method hands back.
//
// Two tables:
// - `s3_objects`: the current version of each key when it is an object (never a delete marker), so
//   GET, HEAD and ListObjects read one row per key as before versioning existed;
// - `s3_versions`: every other version: noncurrent objects and all delete markers (a key whose
//   newest version is a delete marker has no `s3_objects` row, and that marker is its latest).
// `seq` orders the versions of a key (higher is newer). An unversioned bucket's objects, and the
// rows of data directories older than versioning, have the version id "null".
//
// Writes follow the three bucket states: unversioned (a write replaces, a delete removes),
// Enabled (a write adds a version; a delete adds a delete marker), Suspended (a write or delete
// replaces the "null" version, which a delete makes a delete marker). Deleting a version by id
// removes it for good; when it was the latest, the next newest becomes the latest.
import type { DatabaseSync, StatementSync } from "node:sqlite";

/** A bucket's versioning state; undefined for a bucket where it was never enabled. */
export type VersioningState = "Enabled" | "Suspended" | undefined;

/** The version id of objects written while versioning was off or suspended. */
export const NULL_VERSION = "null";

/** An object row; `M` is its metadata (storage.ts's ObjectMeta, kept as JSON here). */
export interface StoredObject<M> {
  readonly bucket: string;
  readonly key: string;
  readonly blob: string;
  readonly size: number;
  readonly etag: string;
  readonly lastModified: number;
  readonly meta: M;
  readonly versionId?: string;
}

/** One version of an object, or a delete marker (no blob, no body). */
export interface StoredVersion<M> extends StoredObject<M> {
  readonly versionId: string;
  readonly deleteMarker: boolean;
  readonly isLatest: boolean;
}

export interface VersionListPage<M> {
  readonly versions: StoredVersion<M>[];
  readonly commonPrefixes: string[];
  readonly truncated: boolean;
  /** The last version or common prefix returned: where the next page starts after. */
  readonly next: { key: string; versionId: string | undefined } | undefined;
}

/** What a delete did: the marker it created, or the version it removed. */
export interface DeleteOutcome {
  readonly versionId: string | undefined;
  readonly deleteMarker: boolean;
  /** Blobs no row references any more. */
  readonly blobs: string[];
}

const LIST_BATCH = 1000;

export class ObjectVersions<M> {
  private readonly stmts: Record<string, StatementSync>;
  private seq: number;

  constructor(db: DatabaseSync) {
    migrate(db);
    const p = (sql: string) => db.prepare(sql);
    const latest = `NOT EXISTS (SELECT 1 FROM s3_objects o WHERE o.bucket = v.bucket AND o.key = v.key)
      AND v.seq = (SELECT MAX(w.seq) FROM s3_versions w WHERE w.bucket = v.bucket AND w.key = v.key)`;
    this.stmts = {
      getCurrent: p("SELECT *, 0 AS delete_marker, 1 AS is_latest FROM s3_objects WHERE bucket = ? AND key = ?"),
      putCurrent: p(`INSERT INTO s3_objects (bucket, key, blob, size, etag, last_modified, meta, version_id, seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (bucket, key) DO UPDATE SET blob = excluded.blob, size = excluded.size, etag = excluded.etag,
        last_modified = excluded.last_modified, meta = excluded.meta, version_id = excluded.version_id, seq = excluded.seq`),
      deleteCurrent: p("DELETE FROM s3_objects WHERE bucket = ? AND key = ?"),
      metaCurrent: p("UPDATE s3_objects SET meta = ? WHERE bucket = ? AND key = ? AND version_id = ?"),
      getVersion: p(`SELECT v.*, ${latest} AS is_latest FROM s3_versions v WHERE bucket = ? AND key = ? AND version_id = ?`),
      newest: p("SELECT *, 1 AS is_latest FROM s3_versions WHERE bucket = ? AND key = ? ORDER BY seq DESC LIMIT 1"),
      putVersion: p(`INSERT OR REPLACE INTO s3_versions (bucket, key, version_id, seq, blob, size, etag, last_modified, meta, delete_marker)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      deleteVersion: p("DELETE FROM s3_versions WHERE bucket = ? AND key = ? AND version_id = ?"),
      metaVersion: p("UPDATE s3_versions SET meta = ? WHERE bucket = ? AND key = ? AND version_id = ?"),
      listFrom: p(`SELECT * FROM (
          SELECT bucket, key, version_id, seq, blob, size, etag, last_modified, meta, 0 AS delete_marker, 1 AS is_latest FROM s3_objects WHERE bucket = ?1
          UNION ALL
          SELECT v.bucket, v.key, v.version_id, v.seq, v.blob, v.size, v.etag, v.last_modified, v.meta, v.delete_marker, ${latest} FROM s3_versions v WHERE v.bucket = ?1)
        WHERE (key > ?2 OR (key = ?2 AND seq < ?3)) AND key >= ?4 ORDER BY key, seq DESC LIMIT ?5`),
      maxSeq: p("SELECT MAX(s) AS s FROM (SELECT MAX(seq) AS s FROM s3_objects UNION ALL SELECT MAX(seq) FROM s3_versions)"),
      anyVersion: p("SELECT 1 FROM s3_versions WHERE bucket = ? LIMIT 1"),
      versionBlobs: p("SELECT blob FROM s3_versions WHERE delete_marker = 0"),
    };
    this.seq = Number(this.stmts["maxSeq"]!.get()?.["s"] ?? 0);
  }

  /** The latest version (maybe a delete marker) without `versionId`, else that version. */
  get(bucket: string, key: string, versionId?: string): StoredVersion<M> | undefined {
    const current = this.row("getCurrent", bucket, key);
    if (versionId === undefined) {
      if (current) return current;
      const newest = this.row("newest", bucket, key);
      return newest?.deleteMarker ? newest : undefined;
    }
    if (current?.versionId === versionId) return current;
    return this.row("getVersion", bucket, key, versionId);
  }

  /** Makes `rec` the current version; returns the blobs it replaced for good. */
  put(rec: StoredObject<M> & { versionId: string }, state: VersioningState): string[] {
    const blobs = this.retireCurrent(rec.bucket, rec.key, state);
    this.writeCurrent(rec, ++this.seq);
    return blobs;
  }

  /** DeleteObject without a version id: removes the object, or hides it behind a delete marker. */
  deleteLatest(bucket: string, key: string, state: VersioningState, marker: { versionId: string; lastModified: number }): DeleteOutcome {
    if (state === undefined) {
      const current = this.row("getCurrent", bucket, key);
      if (current) this.stmts["deleteCurrent"]!.run(bucket, key);
      return { versionId: undefined, deleteMarker: false, blobs: current ? [current.blob] : [] };
    }
    const blobs = this.retireCurrent(bucket, key, state);
    const versionId = state === "Enabled" ? marker.versionId : NULL_VERSION;
    this.stmts["putVersion"]!.run(bucket, key, versionId, ++this.seq, "", 0, "", marker.lastModified, "{}", 1);
    return { versionId, deleteMarker: true, blobs };
  }

  /** DeleteObject with a version id: that version goes for good. Undefined when there is none. */
  deleteVersion(bucket: string, key: string, versionId: string): DeleteOutcome | undefined {
    const found = this.get(bucket, key, versionId);
    if (!found) return undefined;
    if (found.isLatest && !found.deleteMarker) this.stmts["deleteCurrent"]!.run(bucket, key);
    else this.stmts["deleteVersion"]!.run(bucket, key, versionId);
    if (found.isLatest) this.promoteNewest(bucket, key);
    return { versionId, deleteMarker: found.deleteMarker, blobs: found.deleteMarker ? [] : [found.blob] };
  }

  /** Replaces the stored metadata of one version (tags, retention, legal hold). */
  updateMeta(bucket: string, key: string, versionId: string, meta: M): void {
    const json = JSON.stringify(meta);
    if (Number(this.stmts["metaCurrent"]!.run(json, bucket, key, versionId).changes) === 0) this.stmts["metaVersion"]!.run(json, bucket, key, versionId);
  }

  hasVersions(bucket: string): boolean {
    return this.stmts["anyVersion"]!.get(bucket) !== undefined;
  }

  /** Blobs of noncurrent versions (the start-up sweep keeps them). */
  blobs(): string[] {
    return this.stmts["versionBlobs"]!.all().map((r) => String(r["blob"]));
  }

  /**
   * One page of ListObjectVersions: keys in S3 order, each key's versions newest first, starting
   * after `keyMarker` (all of its versions) or after `versionIdMarker` of `keyMarker`. With a
   * delimiter, keys that contain it after the prefix roll up into one common prefix each.
   */
  list(bucket: string, opts: { prefix: string; delimiter: string | undefined; keyMarker: string; versionIdMarker: string | undefined; maxKeys: number }): VersionListPage<M> {
    const { prefix, delimiter, maxKeys } = opts;
    const versions: StoredVersion<M>[] = [];
    const commonPrefixes: string[] = [];
    let next: VersionListPage<M>["next"];
    const page = (truncated: boolean): VersionListPage<M> => ({ versions, commonPrefixes, truncated, next: truncated ? next : undefined });
    let cursorKey = opts.keyMarker;
    let cursorSeq = -1;
    if (opts.versionIdMarker !== undefined) cursorSeq = this.seqOf(bucket, opts.keyMarker, opts.versionIdMarker) ?? -1;
    for (;;) {
      const rows = this.stmts["listFrom"]!.all(bucket, cursorKey, cursorSeq, prefix, LIST_BATCH);
      if (rows.length === 0) return page(false);
      for (const row of rows) {
        const rec = versionFromRow<M>(row);
        cursorKey = rec.key;
        cursorSeq = Number(row["seq"]);
        if (!rec.key.startsWith(prefix)) return page(false);
        const at = delimiter ? rec.key.indexOf(delimiter, prefix.length) : -1;
        if (delimiter && at >= 0) {
          const entry = rec.key.slice(0, at + delimiter.length);
          if (entry === next?.key || entry <= opts.keyMarker) continue;
          if (versions.length + commonPrefixes.length >= maxKeys) return page(true);
          commonPrefixes.push(entry);
          next = { key: entry, versionId: undefined };
          continue;
        }
        if (versions.length + commonPrefixes.length >= maxKeys) return page(true);
        versions.push(rec);
        next = { key: rec.key, versionId: rec.versionId };
      }
    }
  }

  private seqOf(bucket: string, key: string, versionId: string): number | undefined {
    const current = this.stmts["getCurrent"]!.get(bucket, key);
    if (current && String(current["version_id"]) === versionId) return Number(current["seq"]);
    const v = this.stmts["getVersion"]!.get(bucket, key, versionId);
    return v ? Number(v["seq"]) : undefined;
  }

  /**
   * Moves the current object out of the way of a new latest version: into the noncurrent versions
   * when it has a version id of its own, else (the "null" version) replaced. In a suspended
   * bucket a noncurrent "null" version (or null delete marker) is replaced too.
   */
  private retireCurrent(bucket: string, key: string, state: VersioningState): string[] {
    const blobs: string[] = [];
    const raw = this.stmts["getCurrent"]!.get(bucket, key);
    if (raw) {
      const current = versionFromRow<M>(raw);
      this.stmts["deleteCurrent"]!.run(bucket, key);
      if (state === "Enabled" || current.versionId !== NULL_VERSION) this.writeVersion(current, Number(raw["seq"]));
      else blobs.push(current.blob);
    }
    if (state !== "Enabled") {
      const nullVersion = this.row("getVersion", bucket, key, NULL_VERSION);
      if (nullVersion) {
        this.stmts["deleteVersion"]!.run(bucket, key, NULL_VERSION);
        if (!nullVersion.deleteMarker) blobs.push(nullVersion.blob);
      }
    }
    return blobs;
  }

  /** After the latest version went: the next newest becomes current when it is an object. */
  private promoteNewest(bucket: string, key: string): void {
    if (this.stmts["getCurrent"]!.get(bucket, key)) return;
    const newest = this.stmts["newest"]!.get(bucket, key);
    if (!newest || Number(newest["delete_marker"]) === 1) return;
    const rec = versionFromRow<M>(newest);
    this.stmts["deleteVersion"]!.run(bucket, key, rec.versionId);
    this.writeCurrent(rec, Number(newest["seq"]));
  }

  private writeCurrent(rec: StoredObject<M> & { versionId: string }, seq: number): void {
    this.stmts["putCurrent"]!.run(rec.bucket, rec.key, rec.blob, rec.size, rec.etag, rec.lastModified, JSON.stringify(rec.meta), rec.versionId, seq);
  }

  private writeVersion(rec: StoredVersion<M>, seq: number): void {
    this.stmts["putVersion"]!.run(rec.bucket, rec.key, rec.versionId, seq, rec.blob, rec.size, rec.etag, rec.lastModified, JSON.stringify(rec.meta), rec.deleteMarker ? 1 : 0);
  }

  private row(stmt: string, ...args: string[]): StoredVersion<M> | undefined {
    const row = this.stmts[stmt]!.get(...args);
    return row ? versionFromRow<M>(row) : undefined;
  }
}

/**
 * The versions table, and the version columns of `s3_objects` added to data directories created
 * before versioning: their objects become "null" versions, as S3's objects from before versioning
 * was enabled are.
 */
function migrate(db: DatabaseSync): void {
  const columns = new Set(db.prepare("PRAGMA table_info(s3_objects)").all().map((c) => String(c["name"])));
  if (!columns.has("version_id")) db.exec(`ALTER TABLE s3_objects ADD COLUMN version_id TEXT NOT NULL DEFAULT '${NULL_VERSION}'`);
  if (!columns.has("seq")) db.exec("ALTER TABLE s3_objects ADD COLUMN seq INTEGER NOT NULL DEFAULT 0");
  db.exec(`CREATE TABLE IF NOT EXISTS s3_versions (bucket TEXT NOT NULL, key TEXT NOT NULL, version_id TEXT NOT NULL, seq INTEGER NOT NULL,
    blob TEXT NOT NULL, size INTEGER NOT NULL, etag TEXT NOT NULL, last_modified INTEGER NOT NULL, meta TEXT NOT NULL,
    delete_marker INTEGER NOT NULL, PRIMARY KEY (bucket, key, version_id)) WITHOUT ROWID`);
}

type Row = Record<string, unknown>;

export function objectFromRow<M>(row: Row): StoredObject<M> & { versionId: string } {
  return {
    bucket: String(row["bucket"]),
    key: String(row["key"]),
    blob: String(row["blob"]),
    size: Number(row["size"]),
    etag: String(row["etag"]),
    lastModified: Number(row["last_modified"]),
    meta: JSON.parse(String(row["meta"])) as M,
    versionId: row["version_id"] === undefined || row["version_id"] === null ? NULL_VERSION : String(row["version_id"]),
  };
}

function versionFromRow<M>(row: Row): StoredVersion<M> {
  return { ...objectFromRow<M>(row), deleteMarker: Number(row["delete_marker"] ?? 0) === 1, isLatest: Number(row["is_latest"] ?? 1) === 1 };
}
