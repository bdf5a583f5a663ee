// Embedded S3 storage: metadata in SQLite (tables below and object-versions.ts, in the shared
// database), object bytes in blob files under `<dataDir>/s3/` (blob-files.ts). Blobs are immutable
// and named by random ids, never by key, so no key (`../`, unicode, 1 KiB long) can reach outside
// the data directory.
//
// Write path (docs/decisions.md "Persistence"): stream to `tmp/<id>`, fsync, rename into `blobs/`,
// fsync the directory, then one SQLite transaction makes the object visible. A crash before the
// commit leaves a temp file or an unreferenced blob, never a visible partial object; both are
// removed the next time the store opens (`sweep`). Replaced and deleted blobs are unlinked after
// the commit that stops referencing them; a crash in between leaves an orphan for the sweep too.
// A blob being read (a GET opening it, CompleteMultipartUpload concatenating parts) is pinned: its
// unlink waits until the reader lets go, so an abort or overwrite racing a reader cannot pull a
// file out from under it. One process owns the directory (store/data-dir-lock.ts), so pins are
// in memory.
//
// Failures: a write that fails (disk full, quota, I/O) leaves nothing visible, removes its temp
// file or new blob, and names the file it was writing (store/storage-errors.ts); a request body
// it was reading is drained rather than destroyed, so the error answer reaches the client on the
// same connection instead of a reset.
import type { DatabaseSync, StatementSync } from "node:sqlite";
import type { ReadStream } from "node:fs";
import { join } from "node:path";
import { transactions } from "../../store/database.ts";
import { BlobFiles, type WrittenBlob } from "./blob-files.ts";
import type { VersionRecord, BucketRecord, BucketConfig, ObjectMeta, ObjectRecord, UploadRecord, PartRecord, ListPage } from "./s3-records.ts";

export type { VersionRecord, BucketRecord, BucketConfig, ObjectMeta, ObjectRecord, UploadRecord, PartRecord, ListPage };
import { NULL_VERSION, ObjectVersions, objectFromRow, type DeleteOutcome, type StoredVersion, type VersioningState, type VersionListPage } from "./object-versions.ts";

/** Rows read per query while listing. */
const LIST_BATCH = 1000;

export class S3Storage {
  private readonly db: DatabaseSync;
  private readonly blobs: BlobFiles;
  private readonly tx: <T>(fn: () => T) => T;
  private readonly stmts: Record<string, StatementSync>;
  private readonly versions: ObjectVersions<ObjectMeta>;

  constructor(db: DatabaseSync, dataDir: string) {
    this.db = db;
    this.blobs = new BlobFiles(join(dataDir, "s3"));
    this.tx = transactions(db);
    db.exec(`
      CREATE TABLE IF NOT EXISTS s3_buckets (name TEXT PRIMARY KEY, created INTEGER NOT NULL, region TEXT NOT NULL, config TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS s3_objects (bucket TEXT NOT NULL, key TEXT NOT NULL, blob TEXT NOT NULL, size INTEGER NOT NULL,
        etag TEXT NOT NULL, last_modified INTEGER NOT NULL, meta TEXT NOT NULL, PRIMARY KEY (bucket, key)) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS s3_uploads (upload_id TEXT PRIMARY KEY, bucket TEXT NOT NULL, key TEXT NOT NULL, initiated INTEGER NOT NULL, meta TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS s3_parts (upload_id TEXT NOT NULL, part_number INTEGER NOT NULL, blob TEXT NOT NULL, size INTEGER NOT NULL,
        etag TEXT NOT NULL, last_modified INTEGER NOT NULL, checksums TEXT NOT NULL, PRIMARY KEY (upload_id, part_number)) WITHOUT ROWID;
    `);
    this.versions = new ObjectVersions<ObjectMeta>(db);
    const p = (sql: string) => db.prepare(sql);
    this.stmts = {
      getBucket: p("SELECT * FROM s3_buckets WHERE name = ?"),
      listBuckets: p("SELECT * FROM s3_buckets ORDER BY name"),
      putBucket: p("INSERT INTO s3_buckets (name, created, region, config) VALUES (?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET config = excluded.config"),
      deleteBucket: p("DELETE FROM s3_buckets WHERE name = ?"),
      anyObject: p("SELECT 1 FROM s3_objects WHERE bucket = ? LIMIT 1"),
      getObject: p("SELECT * FROM s3_objects WHERE bucket = ? AND key = ?"),
      listFrom: p("SELECT * FROM s3_objects WHERE bucket = ? AND key > ? AND key >= ? ORDER BY key LIMIT ?"),
      getUpload: p("SELECT * FROM s3_uploads WHERE upload_id = ?"),
      listUploads: p("SELECT * FROM s3_uploads WHERE bucket = ? ORDER BY key, initiated"),
      putUpload: p("INSERT INTO s3_uploads (upload_id, bucket, key, initiated, meta) VALUES (?, ?, ?, ?, ?)"),
      deleteUpload: p("DELETE FROM s3_uploads WHERE upload_id = ?"),
      getPart: p("SELECT * FROM s3_parts WHERE upload_id = ? AND part_number = ?"),
      listParts: p("SELECT * FROM s3_parts WHERE upload_id = ? ORDER BY part_number"),
      putPart: p(`INSERT INTO s3_parts (upload_id, part_number, blob, size, etag, last_modified, checksums) VALUES (?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (upload_id, part_number) DO UPDATE SET blob = excluded.blob, size = excluded.size, etag = excluded.etag,
        last_modified = excluded.last_modified, checksums = excluded.checksums`),
      deleteParts: p("DELETE FROM s3_parts WHERE upload_id = ?"),
      allBlobs: p("SELECT blob FROM s3_objects UNION SELECT blob FROM s3_parts"),
    };
    this.sweep();
  }

  // ---- buckets ----

  getBucket(name: string): BucketRecord | undefined {
    const row = this.stmts["getBucket"]!.get(name);
    return row ? bucketFromRow(row) : undefined;
  }

  listBuckets(): BucketRecord[] {
    return this.stmts["listBuckets"]!.all().map(bucketFromRow);
  }

  putBucket(bucket: BucketRecord): void {
    this.stmts["putBucket"]!.run(bucket.name, bucket.created, bucket.region, JSON.stringify(bucket.config));
  }

  bucketIsEmpty(name: string): boolean {
    return this.stmts["anyObject"]!.get(name) === undefined && !this.versions.hasVersions(name);
  }

  /** Deletes an empty bucket and any multipart uploads still open in it. */
  async deleteBucket(name: string): Promise<void> {
    const uploads = this.listUploads(name);
    const blobs = this.tx(() => {
      const parts = uploads.flatMap((u) => this.listParts(u.uploadId));
      for (const u of uploads) {
        this.stmts["deleteParts"]!.run(u.uploadId);
        this.stmts["deleteUpload"]!.run(u.uploadId);
      }
      this.stmts["deleteBucket"]!.run(name);
      return parts.map((p) => p.blob);
    });
    await this.unlinkBlobs(blobs);
  }

  // ---- objects ----

  getObject(bucket: string, key: string): ObjectRecord | undefined {
    const row = this.stmts["getObject"]!.get(bucket, key);
    return row ? objectFromRow<ObjectMeta>(row) : undefined;
  }

  /**
   * Makes `rec` the current version of its key and unlinks what it replaced for good: the old
   * object in an unversioned bucket, the "null" version in a suspended one (object-versions.ts).
   */
  async commitObject(rec: ObjectRecord, versioning?: VersioningState): Promise<void> {
    const replaced = await this.committing(rec.blob, () => this.versions.put({ ...rec, versionId: rec.versionId ?? NULL_VERSION }, versioning));
    await this.unlinkBlobs(replaced.filter((b) => b !== rec.blob));
  }

  /** Removes the object if present (an unversioned bucket); true when it existed. */
  async deleteObject(bucket: string, key: string): Promise<boolean> {
    const outcome = this.tx(() => this.versions.deleteLatest(bucket, key, undefined, { versionId: NULL_VERSION, lastModified: 0 }));
    await this.unlinkBlobs(outcome.blobs);
    return outcome.blobs.length > 0;
  }

  /**
   * DeleteObject as the bucket's versioning state has it: with `versionId`, that version goes for
   * good (undefined when there is none); without, the latest is removed or hidden behind a delete
   * marker with `marker`'s id and time.
   */
  async deleteObjectVersion(
    bucket: string,
    key: string,
    opts: { versioning: VersioningState; versionId?: string | undefined; marker: { versionId: string; lastModified: number } },
  ): Promise<DeleteOutcome | undefined> {
    const outcome = this.tx(() =>
      opts.versionId !== undefined ? this.versions.deleteVersion(bucket, key, opts.versionId) : this.versions.deleteLatest(bucket, key, opts.versioning, opts.marker),
    );
    if (outcome) await this.unlinkBlobs(outcome.blobs);
    return outcome;
  }

  /** The latest version of a key (maybe a delete marker), or the version named. */
  getVersion(bucket: string, key: string, versionId?: string): VersionRecord | undefined {
    return this.versions.get(bucket, key, versionId);
  }

  /** Replaces one version's stored metadata (tags, retention, legal hold). */
  updateObjectMeta(bucket: string, key: string, versionId: string, meta: ObjectMeta): void {
    this.versions.updateMeta(bucket, key, versionId, meta);
  }

  /** One page of ListObjectVersions (object-versions.ts). */
  listVersions(bucket: string, opts: Parameters<ObjectVersions<ObjectMeta>["list"]>[1]): VersionListPage<ObjectMeta> {
    return this.versions.list(bucket, opts);
  }

  /**
   * One page of a bucket listing in S3 order (UTF-8 byte order, which is SQLite's BINARY collation
   * of TEXT). Keys after `after`, starting with `prefix`; with a delimiter, keys that contain it
   * after the prefix roll up into one common prefix each, and a common prefix counts as one entry.
   */
  list(bucket: string, opts: { prefix: string; delimiter: string | undefined; after: string; maxKeys: number }): ListPage {
    const { prefix, delimiter, after, maxKeys } = opts;
    const objects: ObjectRecord[] = [];
    const commonPrefixes: string[] = [];
    let lastReturned: string | undefined;
    const page = (truncated: boolean): ListPage => ({ objects, commonPrefixes, truncated, lastReturned });
    let cursor = after;
    for (;;) {
      const rows = this.stmts["listFrom"]!.all(bucket, cursor, prefix, LIST_BATCH);
      if (rows.length === 0) return page(false);
      for (const row of rows) {
        const rec = objectFromRow<ObjectMeta>(row);
        cursor = rec.key;
        if (!rec.key.startsWith(prefix)) return page(false); // sorted: past the prefix for good
        let entry = rec.key;
        let isPrefix = false;
        const at = delimiter ? rec.key.indexOf(delimiter, prefix.length) : -1;
        if (delimiter && at >= 0) {
          entry = rec.key.slice(0, at + delimiter.length);
          isPrefix = true;
          if (entry === lastReturned || entry <= after) continue; // already rolled up
        }
        if (objects.length + commonPrefixes.length >= maxKeys) return page(true);
        if (isPrefix) commonPrefixes.push(entry);
        else objects.push(rec);
        lastReturned = entry;
      }
    }
  }

  // ---- multipart uploads ----

  createUpload(rec: UploadRecord): void {
    this.stmts["putUpload"]!.run(rec.uploadId, rec.bucket, rec.key, rec.initiated, JSON.stringify(rec.meta));
  }

  getUpload(uploadId: string): UploadRecord | undefined {
    const row = this.stmts["getUpload"]!.get(uploadId);
    return row ? uploadFromRow(row) : undefined;
  }

  listUploads(bucket: string): UploadRecord[] {
    return this.stmts["listUploads"]!.all(bucket).map(uploadFromRow);
  }

  /**
   * Records a part (replacing one with the same number). False, with the part's blob removed, when
   * the upload is gone: aborted or completed while the part was being written.
   */
  async commitPart(part: PartRecord): Promise<boolean> {
    const result = await this.committing(part.blob, () => {
      if (!this.getUpload(part.uploadId)) return { gone: true } as const;
      const row = this.stmts["getPart"]!.get(part.uploadId, part.partNumber);
      this.stmts["putPart"]!.run(part.uploadId, part.partNumber, part.blob, part.size, part.etag, part.lastModified, JSON.stringify(part.checksums));
      return { gone: false, old: row ? partFromRow(row) : undefined } as const;
    });
    if (result.gone) {
      await this.unlinkBlobs([part.blob]);
      return false;
    }
    if (result.old && result.old.blob !== part.blob) await this.unlinkBlobs([result.old.blob]);
    return true;
  }

  listParts(uploadId: string): PartRecord[] {
    return this.stmts["listParts"]!.all(uploadId).map(partFromRow);
  }

  /**
   * Ends an upload: drops its rows, optionally commits the assembled object, unlinks part blobs.
   * The check that the upload still exists is part of the same transaction, so of an abort and a
   * completion racing each other exactly one ends the upload; the other gets false (and the
   * assembled object's blob is removed).
   */
  async finishUpload(uploadId: string, object?: ObjectRecord, versioning?: VersioningState): Promise<boolean> {
    const ended = await this.committing(object?.blob, () => {
      if (!this.getUpload(uploadId)) return undefined;
      const parts = this.listParts(uploadId);
      this.stmts["deleteParts"]!.run(uploadId);
      this.stmts["deleteUpload"]!.run(uploadId);
      const replaced = object ? this.versions.put({ ...object, versionId: object.versionId ?? NULL_VERSION }, versioning) : [];
      return { parts, replaced };
    });
    if (!ended) {
      if (object) await this.unlinkBlobs([object.blob]);
      return false;
    }
    await this.unlinkBlobs([...ended.parts.map((p) => p.blob), ...ended.replaced]);
    return true;
  }

  // ---- blobs (blob-files.ts) ----

  writeBlob(...args: Parameters<BlobFiles["writeBlob"]>): Promise<WrittenBlob> {
    return this.blobs.writeBlob(...args);
  }

  concatBlobs(...args: Parameters<BlobFiles["concatBlobs"]>): Promise<WrittenBlob> {
    return this.blobs.concatBlobs(...args);
  }

  copyBlob(blob: string): Promise<string> {
    return this.blobs.copyBlob(blob);
  }

  readBlob(...args: Parameters<BlobFiles["readBlob"]>): ReadStream {
    return this.blobs.readBlob(...args);
  }

  unlinkBlobs(blobs: readonly string[]): Promise<void> {
    return this.blobs.unlinkBlobs(blobs);
  }

  /**
   * Runs `fn` in a transaction; if the commit fails (disk full), removes `newBlob`, which nothing
   * references then, before rethrowing.
   */
  private async committing<T>(newBlob: string | undefined, fn: () => T): Promise<T> {
    try {
      return this.tx(fn);
    } catch (err) {
      if (newBlob) await this.unlinkBlobs([newBlob]);
      throw err;
    }
  }

  /** Drops everything: the reset endpoints. */
  clear(): void {
    this.db.exec("DELETE FROM s3_objects; DELETE FROM s3_parts; DELETE FROM s3_uploads; DELETE FROM s3_buckets; DELETE FROM s3_versions;");
    this.blobs.clear();
  }

  /** Start-up clean-up after a crash: temp files and blobs that no row references. */
  private sweep(): void {
    this.blobs.sweep(new Set([...this.stmts["allBlobs"]!.all().map((r) => String(r["blob"])), ...this.versions.blobs()]));
  }
}

type Row = Record<string, unknown>;

function bucketFromRow(row: Row): BucketRecord {
  return { name: String(row["name"]), created: Number(row["created"]), region: String(row["region"]), config: JSON.parse(String(row["config"])) as BucketConfig };
}

function uploadFromRow(row: Row): UploadRecord {
  return {
    uploadId: String(row["upload_id"]),
    bucket: String(row["bucket"]),
    key: String(row["key"]),
    initiated: Number(row["initiated"]),
    meta: JSON.parse(String(row["meta"])) as ObjectMeta,
  };
}

function partFromRow(row: Row): PartRecord {
  return {
    uploadId: String(row["upload_id"]),
    partNumber: Number(row["part_number"]),
    blob: String(row["blob"]),
    size: Number(row["size"]),
    etag: String(row["etag"]),
    lastModified: Number(row["last_modified"]),
    checksums: JSON.parse(String(row["checksums"])) as Record<string, string>,
  };
}
