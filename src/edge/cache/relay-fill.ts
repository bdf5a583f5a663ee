// Relaying an origin body to the viewer while filling the cache with it. Nothing is buffered
// whole before the first byte goes out: bytes are kept in memory up to `memoryObjectBytes`, then
// spill to a disk-tier file, and past `maxObjectBytes` the fill is given up while the relay goes
// on (the object is simply not cached). The viewer's pace sets the origin's (backpressure), and so
// does the disk's; a viewer that goes away stops the relay but not the fill, as an edge that has
// started to fetch an object keeps it.
//
// A body's last bytes reach the viewer only once the entry is stored (with a Content-Length, the
// chunk that completes it; chunked, the terminating chunk), so a viewer that has the whole body
// and asks again gets a Hit. A body that breaks off (shorter than its Content-Length, a chunked body
// without its last chunk, a reset or a read timeout) stores nothing and aborts the viewer's
// connection, which is how a viewer learns that the response it has is partial.
import { createWriteStream, unlink, type WriteStream } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import { cacheEntry, type CachedResponse } from "./memory-cache.ts";

export interface FillLimits {
  /** Bodies up to this size are stored in memory; larger ones in a file of the disk tier. */
  readonly memoryObjectBytes: number;
  /** Bodies larger than this are relayed without being stored. */
  readonly maxObjectBytes: number;
  /** Where disk-tier files go. */
  readonly diskDir: string;
}

/** What the entry will be, once its body is all there. */
export interface Fill {
  readonly status: number;
  readonly headers: Record<string, string | string[]>;
  /** The origin's Content-Length; undefined for a chunked or close-delimited body. */
  readonly declared: number | undefined;
  readonly ttlMs: number;
  readonly storedAt: number;
}

const EMPTY = Buffer.alloc(0);
const ignore = (): void => undefined;

/**
 * Sends `origin`'s body to `viewer` (whose head is already written; no body when `sendBody` is
 * false, as for HEAD) and calls `onStored` with the cache entry once the whole body is kept.
 * Resolves when the exchange is over, whatever its outcome.
 */
export function relayAndFill(origin: IncomingMessage, viewer: ServerResponse, sendBody: boolean, fill: Fill, limits: FillLimits, onStored: (entry: CachedResponse) => void): Promise<void> {
  return new Promise((resolve) => {
    let size = 0;
    let filling = true;
    /** In memory until the body outgrows memoryObjectBytes; then `file` takes over. */
    let chunks: Buffer[] | undefined = [];
    let file: WriteStream | undefined;
    let filePath = "";
    let held: Buffer | undefined;
    let viewerGone = false;
    let viewerBlocked = false;
    let fileBlocked = false;
    let ended = false;
    let settled = false;

    const settle = () => {
      if (settled) return;
      settled = true;
      resolve();
    };
    const flow = () => {
      if (!viewerBlocked && !fileBlocked && origin.isPaused()) origin.resume();
    };
    const openFile = () => {
      filePath = join(limits.diskDir, randomUUID());
      const f = createWriteStream(filePath);
      f.on("error", abandon);
      f.on("drain", () => {
        fileBlocked = false;
        flow();
      });
      file = f;
    };
    /** Stops filling the cache; the relay to the viewer goes on. */
    function abandon(): void {
      if (!filling) return;
      filling = false;
      chunks = undefined;
      if (file) {
        // Unlinked once closed: a stream destroyed before its file is open still creates it.
        const path = filePath;
        file.once("close", () => unlink(path, ignore));
        file.destroy();
        file = undefined;
      }
      fileBlocked = false;
      // With no viewer and no fill, nobody wants the rest of the body.
      if (viewerGone) origin.destroy();
      else flow();
    }
    const toViewer = (chunk: Buffer | undefined) => {
      if (chunk === undefined || !sendBody || viewerGone) return;
      if (!viewer.write(chunk)) viewerBlocked = true;
    };
    /** The origin's body broke off: keep nothing, and let the viewer see the break. */
    const broken = () => {
      if (ended) return;
      ended = true;
      abandon();
      viewer.destroy();
      settle();
    };
    const finishViewer = () => {
      toViewer(held);
      if (!viewerGone) viewer.end();
      settle();
    };

    if (fill.declared !== undefined && fill.declared > limits.memoryObjectBytes) {
      chunks = undefined;
      openFile();
    }

    viewer.on("drain", () => {
      viewerBlocked = false;
      flow();
    });
    viewer.once("close", () => {
      if (viewer.writableFinished) return;
      viewerGone = true;
      viewerBlocked = false;
      if (filling) flow();
      else origin.destroy();
    });

    origin.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (filling) {
        if (size > limits.maxObjectBytes || (fill.declared !== undefined && size > fill.declared)) {
          abandon();
        } else if (chunks) {
          chunks.push(chunk);
          if (size > limits.memoryObjectBytes) {
            openFile();
            for (const c of chunks) (file as WriteStream).write(c);
            chunks = undefined;
          }
        } else if (file && !file.write(chunk)) {
          fileBlocked = true;
        }
      }
      // With a Content-Length the viewer knows when it has everything, so the chunk that
      // completes the body waits for the entry to be stored; other chunks go out at once.
      if (fill.declared !== undefined && size >= fill.declared) held = chunk;
      else toViewer(chunk);
      if (viewerBlocked || fileBlocked) origin.pause();
    });
    origin.once("error", broken);
    origin.once("close", broken);
    origin.once("end", () => {
      if (fill.declared !== undefined && size !== fill.declared) return broken();
      ended = true;
      if (!filling) return finishViewer();
      const entryOf = (body: Buffer, onFile?: { path: string; size: number }) =>
        cacheEntry({ status: fill.status, headers: fill.headers, body, ...(onFile ? { file: onFile } : {}), storedAt: fill.storedAt, ttlMs: fill.ttlMs });
      if (chunks) {
        onStored(entryOf(Buffer.concat(chunks, size)));
        return finishViewer();
      }
      const f = file as WriteStream;
      f.end((err?: Error | null) => {
        // A file that failed (disk full) was abandoned: the viewer still gets the body.
        if (!err && filling) onStored(entryOf(EMPTY, { path: filePath, size }));
        finishViewer();
      });
    });
  });
}
