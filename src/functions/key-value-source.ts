// What a running CloudFront Function may read from KeyValueStores (docs/functions.md, `cf.kvs()`).
// The control plane's KeyValueStore state implements it; the function runtime only reads.
// Reads are synchronous and see every acknowledged write (PutKey/UpdateKeys) at once.

/** Metadata `kvs.meta()` reports for one store. */
export interface KeyValueStoreMeta {
  /** ISO 8601 times. */
  readonly creationDateTime: string;
  readonly lastUpdatedDateTime: string;
  readonly keyCount: number;
}

export interface KeyValueSource {
  /** The value stored under `key` in the store with this ARN, or undefined when absent. */
  get(storeArn: string, key: string): string | undefined;
  /** Metadata of the store, or undefined when no store has this ARN. */
  meta(storeArn: string): KeyValueStoreMeta | undefined;
}
