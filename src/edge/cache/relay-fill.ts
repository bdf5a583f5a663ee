// Relaying an origin body to the viewer while filling the cache with it. Nothing is buffered
// whole before the first byte goes out: the bytes go to a fill of the cache store (which keeps
// them in memory or a disk file: edge-cache.ts), and past `maxObjectBytes` the fill is given up
// while the relay goes on (the object is simply not cached). While another request fills the
// same key, this one only relays. The viewer's pace sets the origin's (backpressure), and so
// does the disk's; a viewer that goes away stops the relay but not the fill, as an edge that has
// started to fetch an object keeps it.
//
// A body's last bytes reach the viewer only once the entry is stored (with a Content-Length, the
// chunk that completes it; chunked, the terminating chunk), so a viewer that has the whole body
// and asks again gets a Hit. A body that breaks off (shorter than its Content-Length, a chunked body
// without its last chunk, a reset or a read timeout) stores nothing and aborts the viewer's
// connection, which is how a viewer learns that the response it has is partial.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { CachedResponse } from "./cached-response.ts";
import type { BodyFill, CacheStore } from "./cache-store.ts";

export interface FillLimits {
  /** Bodies up to this size are kept in memory (and read whole by origin-response.ts); larger ones on disk. */
  readonly memoryObjectBytes: number;
  /** Bodies larger than this are relayed without being stored. */
  readonly maxObjectBytes: number;
  /** Where the body goes (memory or disk is the store's choice: edge-cache.ts). */
  readonly cache: CacheStore;
}

/** What the entry will be, once its body is all there. */
export interface Fill {
  readonly dist: string;
  readonly key: string;
  readonly status: number;
  readonly headers: Record<string, string | string[]>;
  /** The origin's Content-Length; undefined for a chunked or close-delimited body. */
  readonly declared: number | undefined;
  readonly ttlMs: number;
  readonly storedAt: number;
}

/**
 * Sends `origin`'s body to `viewer` (whose head is already written; no body when `sendBody` is
 * false, as for HEAD) and calls `onStored` with the cache entry once the whole body is kept (it
 * puts the entry in the request's tiers). Resolves when the exchange is over, whatever its outcome.
 */
export function relayAndFill(origin: IncomingMessage, viewer: ServerResponse, sendBody: boolean, fill: Fill, limits: FillLimits, onStored: (entry: CachedResponse) => void): Promise<void> {
  return new Promise((resolve) => {
    let size = 0;
    let held: Buffer | undefined;
    let viewerGone = false;
    let viewerBlocked = false;
    let storeBlocked = false;
    let ended = false;
    let settled = false;

    const settle = () => {
      if (settled) return;
      settled = true;
      resolve();
    };
    const flow = () => {
      if (!viewerBlocked && !storeBlocked && origin.isPaused()) origin.resume();
    };
    /** Undefined when another request is filling this key already: this one only relays. */
    let body: BodyFill | undefined = limits.cache.beginFill(
      fill.dist,
      fill.key,
      {
        drain() {
          storeBlocked = false;
          flow();
        },
        fail: () => abandon(),
      },
      fill.declared,
    );
    /** Stops filling the cache; the relay to the viewer goes on. */
    function abandon(): void {
      if (!body) return;
      body.abort();
      body = undefined;
      storeBlocked = false;
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

    viewer.on("drain", () => {
      viewerBlocked = false;
      flow();
    });
    viewer.once("close", () => {
      if (viewer.writableFinished) return;
      viewerGone = true;
      viewerBlocked = false;
      if (body) flow();
      else origin.destroy();
    });

    origin.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (body) {
        if (size > limits.maxObjectBytes || (fill.declared !== undefined && size > fill.declared)) abandon();
        else if (!body.write(chunk)) storeBlocked = true;
      }
      // With a Content-Length the viewer knows when it has everything, so the chunk that
      // completes the body waits for the entry to be stored; other chunks go out at once.
      if (fill.declared !== undefined && size >= fill.declared) held = chunk;
      else toViewer(chunk);
      if (viewerBlocked || storeBlocked) origin.pause();
    });
    origin.once("error", broken);
    origin.once("close", broken);
    origin.once("end", () => {
      if (fill.declared !== undefined && size !== fill.declared) return broken();
      ended = true;
      const done = body;
      body = undefined;
      if (!done) return finishViewer();
      // A fill that failed at the end (disk full) keeps nothing: the viewer still gets the body.
      const meta = { status: fill.status, headers: fill.headers, storedAt: fill.storedAt, ttlMs: fill.ttlMs };
      void done.commit(meta, onStored).then(finishViewer, finishViewer);
    });
  });
}
