// Object bytes as blob files under `<dataDir>/s3/` (storage.ts has the rows that reference them).
// Blobs are immutable and named by random ids, never by key, so no key (`../`, unicode, 1 KiB
// long) can reach outside the data directory. A write streams to `tmp/<id>`, fsyncs, renames into
// `blobs/` and fsyncs the directory; the blob is durable then, and invisible until a row refers to
// it. A blob being read is pinned: its unlink waits until the reader lets go.
import { createReadStream, createWriteStream, mkdirSync, readdirSync, rmSync, type ReadStream } from "node:fs";
import { open, rename, unlink, copyFile } from "node:fs/promises";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import { finished, Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { withPath } from "../../store/storage-errors.ts";

/** A blob written to disk but not yet referenced by any row. */
export interface WrittenBlob {
  readonly blob: string;
  readonly size: number;
}

export class BlobFiles {
  private readonly root: string;
  /** Readers per pinned blob, and pinned blobs whose unlink waits for the last reader. */
  private readonly pins = new Map<string, number>();
  private readonly unlinkWhenUnpinned = new Set<string>();

  /** `root` is `<dataDir>/s3`; its `blobs/` and `tmp/` are made here. */
  constructor(root: string) {
    this.root = root;
    mkdirSync(join(this.root, "blobs"), { recursive: true });
    mkdirSync(join(this.root, "tmp"), { recursive: true });
  }

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

  /** Removes every blob: the reset endpoints. */
  clear(): void {
    this.unlinkWhenUnpinned.clear();
    rmSync(join(this.root, "blobs"), { recursive: true, force: true });
    mkdirSync(join(this.root, "blobs"), { recursive: true });
  }

  /** Start-up clean-up after a crash: temp files, and blobs that no row references. */
  sweep(referenced: ReadonlySet<string>): void {
    rmSync(join(this.root, "tmp"), { recursive: true, force: true });
    mkdirSync(join(this.root, "tmp"), { recursive: true });
    for (const name of readdirSync(join(this.root, "blobs"))) {
      if (!referenced.has(name)) rmSync(join(this.root, "blobs", name), { force: true });
    }
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
