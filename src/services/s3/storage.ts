// Embedded S3 storage: metadata in SQLite (tables below, in the shared database), object bytes
// in blob files under `<dataDir>/s3/`. Blobs are immutable and named by random ids, never by
// key, so no key (`../`, unicode, 1 KiB long) can reach outside the data directory.
//
// Write path (DECISIONS.md "Persistence"): stream to `tmp/<id>`, fsync, rename into `blobs/`,
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
import { createReadStream, createWriteStream, mkdirSync, readdirSync, rmSync, type ReadStream } from "node:fs";
import { open, rename, unlink, copyFile } from "node:fs/promises";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import { finished, Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { transactions } from "../../store/database.ts";
import { withPath } from "../../store/storage-errors.ts";

export interface BucketRecord {
  readonly name: string;
  readonly created: number;
  readonly region: string;
  /** Sub-resource configurations, stored as given (policy text, website/CORS/tagging objects). */
  readonly config: BucketConfig;
}

export interface BucketConfig {
  policy?: string;
  website?: unknown;
  cors?: unknown;
  tagging?: unknown;
}

/** System and user metadata stored with an object and returned on GET/HEAD. */
export interface ObjectMeta {
  contentType?: string;
  cacheControl?: string;
  contentDisposition?: string;
  contentEncoding?: string;
  contentLanguage?: string;
  /** Kept as the client sent it: S3 echoes Expires verbatim. */
  expires?: string;
  websiteRedirectLocation?: string;
  storageClass?: string;
  user?: Record<string, string>;
  /** Base64 checksums by algorithm (CRC32, SHA256, ...) as S3 reports them. */
  checksums?: Record<string, string>;
  /** `FULL_OBJECT` or `COMPOSITE` (multipart). */
  checksumType?: string;
  partsCount?: number;
  tagging?: string;
}

export interface ObjectRecord {
  readonly bucket: string;
  readonly key: string;
  readonly blob: string;
  readonly size: number;
  /** Quoted, as S3 sends it: `"<md5>"` or `"<md5>-<parts>"`. */
  readonly etag: string;
  readonly lastModified: number;
  readonly meta: ObjectMeta;
}

export interface UploadRecord {
  readonly uploadId: string;
  readonly bucket: string;
  readonly key: string;
  readonly initiated: number;
  readonly meta: ObjectMeta;
}

export interface PartRecord {
  readonly uploadId: string;
  readonly partNumber: number;
  readonly blob: string;
  readonly size: number;
  readonly etag: string;
  readonly lastModified: number;
  readonly checksums: Record<string, string>;
}

/** A blob written to disk but not yet referenced by any row. */
export interface WrittenBlob {
  readonly blob: string;
  readonly size: number;
}

export interface ListPage {
  readonly objects: ObjectRecord[];
  readonly commonPrefixes: string[];
  readonly truncated: boolean;
  /** The last key or common prefix returned: where the next page starts after. */
  readonly lastReturned: string | undefined;
}

/** Rows read per query while listing. */
const LIST_BATCH = 1000;

export class S3Storage {
  private readonly db: DatabaseSync;
  private readonly root: string;
  private readonly tx: <T>(fn: () => T) => T;
  private readonly stmts: Record<string, StatementSync>;
  /** Readers per pinned blob, and pinned blobs whose unlink waits for the last reader. */
  private readonly pins = new Map<string, number>();
  private readonly unlinkWhenUnpinned = new Set<string>();

  constructor(db: DatabaseSync, dataDir: string) {
    this.db = db;
    this.root = join(dataDir, "s3");
    this.tx = transactions(db);
    mkdirSync(join(this.root, "blobs"), { recursive: true });
    mkdirSync(join(this.root, "tmp"), { recursive: true });
    db.exec(`
      CREATE TABLE IF NOT EXISTS s3_buckets (name TEXT PRIMARY KEY, created INTEGER NOT NULL, region TEXT NOT NULL, config TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS s3_objects (bucket TEXT NOT NULL, key TEXT NOT NULL, blob TEXT NOT NULL, size INTEGER NOT NULL,
        etag TEXT NOT NULL, last_modified INTEGER NOT NULL, meta TEXT NOT NULL, PRIMARY KEY (bucket, key)) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS s3_uploads (upload_id TEXT PRIMARY KEY, bucket TEXT NOT NULL, key TEXT NOT NULL, initiated INTEGER NOT NULL, meta TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS s3_parts (upload_id TEXT NOT NULL, part_number INTEGER NOT NULL, blob TEXT NOT NULL, size INTEGER NOT NULL,
        etag TEXT NOT NULL, last_modified INTEGER NOT NULL, checksums TEXT NOT NULL, PRIMARY KEY (upload_id, part_number)) WITHOUT ROWID;
    `);
    const p = (sql: string) => db.prepare(sql);
    this.stmts = {
      getBucket: p("SELECT * FROM s3_buckets WHERE name = ?"),
      listBuckets: p("SELECT * FROM s3_buckets ORDER BY name"),
      putBucket: p("INSERT INTO s3_buckets (name, created, region, config) VALUES (?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET config = excluded.config"),
      deleteBucket: p("DELETE FROM s3_buckets WHERE name = ?"),
      anyObject: p("SELECT 1 FROM s3_objects WHERE bucket = ? LIMIT 1"),
      getObject: p("SELECT * FROM s3_objects WHERE bucket = ? AND key = ?"),
      putObject: p(`INSERT INTO s3_objects (bucket, key, blob, size, etag, last_modified, meta) VALUES (?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (bucket, key) DO UPDATE SET blob = excluded.blob, size = excluded.size, etag = excluded.etag,
        last_modified = excluded.last_modified, meta = excluded.meta`),
      deleteObject: p("DELETE FROM s3_objects WHERE bucket = ? AND key = ?"),
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
    return this.stmts["anyObject"]!.get(name) === undefined;
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
    return row ? objectFromRow(row) : undefined;
  }

  /** Makes `rec` visible (replacing any object at its key) and unlinks the replaced blob. */
  async commitObject(rec: ObjectRecord): Promise<void> {
    const old = await this.committing(rec.blob, () => {
      const previous = this.getObject(rec.bucket, rec.key);
      this.stmts["putObject"]!.run(rec.bucket, rec.key, rec.blob, rec.size, rec.etag, rec.lastModified, JSON.stringify(rec.meta));
      return previous;
    });
    if (old && old.blob !== rec.blob) await this.unlinkBlobs([old.blob]);
  }

  /** Removes the object if present; true when it existed. */
  async deleteObject(bucket: string, key: string): Promise<boolean> {
    const old = this.tx(() => {
      const previous = this.getObject(bucket, key);
      if (previous) this.stmts["deleteObject"]!.run(bucket, key);
      return previous;
    });
    if (old) await this.unlinkBlobs([old.blob]);
    return old !== undefined;
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
        const rec = objectFromRow(row);
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
  async finishUpload(uploadId: string, object?: ObjectRecord): Promise<boolean> {
    const ended = await this.committing(object?.blob, () => {
      if (!this.getUpload(uploadId)) return undefined;
      const parts = this.listParts(uploadId);
      this.stmts["deleteParts"]!.run(uploadId);
      this.stmts["deleteUpload"]!.run(uploadId);
      let replaced: ObjectRecord | undefined;
      if (object) {
        replaced = this.getObject(object.bucket, object.key);
        this.stmts["putObject"]!.run(object.bucket, object.key, object.blob, object.size, object.etag, object.lastModified, JSON.stringify(object.meta));
      }
      return { parts, replaced };
    });
    if (!ended) {
      if (object) await this.unlinkBlobs([object.blob]);
      return false;
    }
    await this.unlinkBlobs([...ended.parts.map((p) => p.blob), ...(ended.replaced ? [ended.replaced.blob] : [])]);
    return true;
  }

  // ---- blobs ----

  /**
   * Streams `source` into a new blob, passing each chunk to `observe` (hashing) on the way.
   * The blob is durable when this resolves, but invisible until a commit references it; on
   * error the temp file is removed. When writing fails (disk full), the source is not destroyed:
   * with `drain` (the default, for request bodies) the rest of it is read and discarded before
   * this rejects, so the error answer goes out after the whole request was received; without, it
   * is destroyed (a source the storage opened itself, where reading on would be wasted work).
   */
  async writeBlob(source: Readable, observe: (chunk: Buffer) => void, { drain = true }: { drain?: boolean } = {}): Promise<WrittenBlob> {
    const blob = randomUUID();
    const tmp = join(this.root, "tmp", blob);
    let size = 0;
    const tap = new Transform({
      transform(chunk: Buffer, _enc, done) {
        size += chunk.length;
        observe(chunk);
        done(null, chunk);
      },
    });
    // Not pipeline(source, ...): on a write error that destroys the source, and destroying a
    // request body resets the connection before the error answer is sent. Answering while the
    // client still sends is no better: the SDKs send `Connection: close`, so node:http closes
    // the socket right after the answer and the client's next write gets EPIPE instead of the
    // answer. A failure of the source itself (the client went away) still fails the write.
    const stopWatching = finished(source, (err) => {
      if (err) tap.destroy(err);
    });
    source.pipe(tap);
    try {
      // flush: fsync before close, so the bytes are on disk before the rename.
      await pipeline(tap, createWriteStream(tmp, { flush: true }));
      await rename(tmp, this.blobPath(blob));
      await this.syncDir(join(this.root, "blobs"));
    } catch (err) {
      source.unpipe(tap);
      await unlink(tmp).catch(() => undefined);
      if (drain) await drainToEnd(source);
      else source.destroy();
      throw withPath(err, tmp);
    } finally {
      stopWatching();
    }
    return { blob, size };
  }

  /**
   * Writes the concatenation of existing blobs (multipart completion) as a new blob. The sources
   * stay pinned throughout, so an abort that ends the upload meanwhile cannot unlink them.
   */
  async concatBlobs(blobs: readonly string[], observe: (chunk: Buffer) => void = () => undefined): Promise<WrittenBlob> {
    const self = this;
    async function* chain() {
      for (const b of blobs) yield* self.readBlob(b);
    }
    const unpin = this.pin(blobs);
    try {
      return await this.writeBlob(Readable.from(chain()), observe, { drain: false });
    } finally {
      unpin();
    }
  }

  /** A copy of a blob under a new id (CopyObject): blobs are never shared between rows. */
  async copyBlob(blob: string): Promise<string> {
    const copy = randomUUID();
    const tmp = join(this.root, "tmp", copy);
    const unpin = this.pin([blob]);
    try {
      await copyFile(this.blobPath(blob), tmp);
      const fh = await open(tmp, "r+");
      try {
        await fh.sync();
      } finally {
        await fh.close();
      }
      await rename(tmp, this.blobPath(copy));
      await this.syncDir(join(this.root, "blobs"));
    } catch (err) {
      await unlink(tmp).catch(() => undefined);
      throw withPath(err, tmp);
    } finally {
      unpin();
    }
    return copy;
  }

  /** A stream of a blob's bytes; the blob stays pinned until the file is open (or failed to open). */
  readBlob(blob: string, range?: { start: number; end: number }): ReadStream {
    const stream = createReadStream(this.blobPath(blob), range ? { start: range.start, end: range.end } : {});
    const unpin = this.pin([blob]);
    stream.once("open", unpin).once("close", unpin);
    return stream;
  }

  /**
   * Removes blobs no longer referenced; missing files are fine (a previous sweep got them). A
   * pinned blob is unlinked when its last reader lets go.
   */
  async unlinkBlobs(blobs: readonly string[]): Promise<void> {
    await Promise.all(
      blobs.map((b) => {
        if (this.pins.has(b)) {
          this.unlinkWhenUnpinned.add(b);
          return undefined;
        }
        return unlink(this.blobPath(b)).catch(() => undefined);
      }),
    );
  }

  /** Keeps `blobs` on disk until the returned function is called (once; later calls do nothing). */
  private pin(blobs: readonly string[]): () => void {
    for (const b of blobs) this.pins.set(b, (this.pins.get(b) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      for (const b of blobs) {
        const left = (this.pins.get(b) ?? 1) - 1;
        if (left > 0) {
          this.pins.set(b, left);
          continue;
        }
        this.pins.delete(b);
        if (this.unlinkWhenUnpinned.delete(b)) void this.unlinkBlobs([b]);
      }
    };
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
    this.db.exec("DELETE FROM s3_objects; DELETE FROM s3_parts; DELETE FROM s3_uploads; DELETE FROM s3_buckets;");
    this.unlinkWhenUnpinned.clear();
    rmSync(join(this.root, "blobs"), { recursive: true, force: true });
    mkdirSync(join(this.root, "blobs"), { recursive: true });
  }

  private blobPath(blob: string): string {
    if (!/^[0-9a-f-]{36}$/.test(blob)) throw new Error(`not a blob id: ${blob}`);
    return join(this.root, "blobs", blob);
  }

  private async syncDir(dir: string): Promise<void> {
    const fh = await open(dir, "r");
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  }

  /** Start-up clean-up after a crash: temp files and blobs that no row references. */
  private sweep(): void {
    rmSync(join(this.root, "tmp"), { recursive: true, force: true });
    mkdirSync(join(this.root, "tmp"), { recursive: true });
    const referenced = new Set(this.stmts["allBlobs"]!.all().map((r) => String(r["blob"])));
    for (const name of readdirSync(join(this.root, "blobs"))) {
      if (!referenced.has(name)) rmSync(join(this.root, "blobs", name), { force: true });
    }
  }
}

/**
 * Reads the rest of `source` and throws it away; resolves when it ended, failed or was destroyed.
 * A client that stalls meanwhile is cut off by the server's stalled-connection sweep.
 */
function drainToEnd(source: Readable): Promise<void> {
  if (source.destroyed || source.readableEnded) return Promise.resolve();
  return new Promise((resolve) => {
    finished(source, () => resolve());
    source.resume();
  });
}

type Row = Record<string, unknown>;

function bucketFromRow(row: Row): BucketRecord {
  return { name: String(row["name"]), created: Number(row["created"]), region: String(row["region"]), config: JSON.parse(String(row["config"])) as BucketConfig };
}

function objectFromRow(row: Row): ObjectRecord {
  return {
    bucket: String(row["bucket"]),
    key: String(row["key"]),
    blob: String(row["blob"]),
    size: Number(row["size"]),
    etag: String(row["etag"]),
    lastModified: Number(row["last_modified"]),
    meta: JSON.parse(String(row["meta"])) as ObjectMeta,
  };
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
