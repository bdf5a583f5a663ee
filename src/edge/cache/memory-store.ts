// The memory cache store: bodies are Buffers, bounded by a byte budget (--cache-size) that counts
// each body once (with its rendered head and 512 bytes for its header map) however many tiers
// hold it, plus SLOT_BYTES per entry for the index. A streaming fill collects its chunks and
// stores their concatenation on commit. Entries with a file body belong to the disk store and are
// refused here. Nothing survives the process.
import { cacheEntry, type CachedResponse } from "./cached-response.ts";
import type { BodyFill, EntryMeta, FillEvents } from "./cache-store.ts";
import { StoreIndex, type BodyCost } from "./store-index.ts";
import { IndexedStore } from "./indexed-store.ts";

/** What one entry costs beyond its body: its slot object, Map entries and key string (a rough figure). */
export const SLOT_BYTES = 128;

export class MemoryStore extends IndexedStore {
  constructor(maxBytes: number) {
    super(new StoreIndex({ maxBytes, slotBytes: SLOT_BYTES, bodyOf: memoryCost, release: () => undefined }));
  }

  override put(tier: string, dist: string, key: string, entry: CachedResponse): boolean {
    if (entry.file || !this.index.fits(memoryCost(entry))) return false;
    this.index.put(tier, dist, key, entry);
    return true;
  }

  override beginFill(dist: string, key: string, _events: FillEvents): BodyFill | undefined {
    const release = this.reservations.take(dist, key);
    if (!release) return undefined;
    const chunks: Buffer[] = [];
    let size = 0;
    const end = () => {
      this.pending -= size;
      size = 0;
      chunks.length = 0;
      release();
    };
    return {
      write: (chunk) => {
        chunks.push(chunk);
        size += chunk.length;
        this.pending += chunk.length;
        return true;
      },
      commit: async (meta: EntryMeta, keep) => {
        const entry = cacheEntry({ ...meta, body: Buffer.concat(chunks, size) });
        end();
        keep(entry);
        return entry;
      },
      abort: end,
    };
  }

}

/** A body in memory: the Buffer itself is what tiers share; its head and header map cost too. */
function memoryCost(entry: CachedResponse): BodyCost {
  return { id: entry.body, bytes: entry.body.length + 512 + (entry.head?.text.length ?? 0) };
}
