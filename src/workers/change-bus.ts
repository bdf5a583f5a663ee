// How the control plane tells every edge node of a change, and waits until each has applied it
// (issue 18, `--workers N`). One implementation today, over node:cluster's IPC channel
// (ipc-change-bus.ts); a Redis-backed one (pub/sub plus a stream to catch up) can take its place
// for `--cluster` without the control plane or the edge workers changing.
import type { DocumentStore } from "../store/document-store.ts";

/** What happened in the control plane since the last batch, as the edge needs to know it. */
export interface ChangeBatch {
  readonly seq: number;
  /** Control-plane documents were written: re-read the configuration. */
  readonly reload: boolean;
  /** Invalidations to purge, in order: [distribution or tenant id, paths]. */
  readonly purge: readonly (readonly [string, readonly string[]])[];
  /** The reset endpoints ran: drop every cached object too. */
  readonly clear: boolean;
}

/** The control plane's side: it publishes changes, and an API call waits for `settled` before answering. */
export interface ChangeBus {
  /** A control-plane document was written. */
  stored(): void;
  /** An invalidation was created: every node purges these paths. */
  invalidated(distributionId: string, paths: readonly string[]): void;
  /** Everything was dropped (POST /_minifront/reset). */
  reset(): void;
  /** Resolves once every live edge node has applied every change published before the call. */
  settled(): Promise<void>;
}

/** A document store that tells `bus` of every write (reads pass straight through). */
export function watchStore(store: DocumentStore, bus: Pick<ChangeBus, "stored">): DocumentStore {
  return {
    list: (kind) => store.list(kind),
    put(kind, id, doc) {
      store.put(kind, id, doc);
      bus.stored();
    },
    delete(kind, id) {
      store.delete(kind, id);
      bus.stored();
    },
    transaction: (fn) => store.transaction(fn),
    clear() {
      store.clear();
      bus.stored();
    },
  };
}
