// CloudFront KeyValueStores: the stores the control plane creates (docs/functions.md §6.1) and the
// keys the `cloudfront-keyvaluestore` data API writes (§6.2), in memory and written through to the
// document store before a call answers, so an acknowledged write survives kill -9. CloudFront
// Functions read them through the KeyValueSource interface (synchronous map look-ups); a write is
// visible to them at once (AWS: within seconds).
//
// Two versions per store, as on AWS: the control-plane ETag (UpdateKeyValueStore /
// DeleteKeyValueStore If-Match) and the data-plane ETag of the contents (PutKey / DeleteKey /
// UpdateKeys If-Match). They are separate values; a control-plane ETag is refused by UpdateKeys.
//
// Limits (CloudFront guide "Quotas" "Quotas on key value stores", CloudFront guide "Create a file of key value pairs"):
// key ≤ 512 bytes, value ≤ 1 KB, store ≤ 5 MB, ≤ 50 keys per UpdateKeys. Over a quota the data API
// answers 402 ServiceQuotaExceededException "Limit exceeded: …" (wording seen in AWS answers quoted
// in public issue reports: value size, keys per request).
//
// Not done: the per-account store quota, PROVISIONING (a store is READY, or FAILED after a bad
// import, when CreateKeyValueStore answers).
import type { Tag } from "@aws-sdk/client-cloudfront";
import { fail } from "../../api/errors.ts";
import type { Clock } from "../../clock.ts";
import type { Ids } from "../../ids.ts";
import type { DocumentStore } from "../../store/document-store.ts";
import type { KeyValueSource, KeyValueStoreMeta } from "../../functions/key-value-source.ts";
import { messages } from "./messages.ts";
import { MAX_KEY_BYTES, MAX_KEY_CHARS, MAX_KEYS_PER_UPDATE, MAX_LIST_RESULTS, MAX_STORE_BYTES, MAX_VALUE_BYTES, pairSize } from "./key-value-limits.ts";
import { compareUtf8, decodeToken, encodeToken, upperBound } from "./key-value-order.ts";

export { MAX_KEY_BYTES, MAX_KEY_CHARS, MAX_KEYS_PER_UPDATE, MAX_LIST_RESULTS, MAX_STORE_BYTES, MAX_VALUE_BYTES, pairSize, compareUtf8 };
export { parseImportFile } from "./key-value-import.ts";

/** `READY`, or `FAILED` when an import did not succeed (docs/functions.md §6.1). */
export type KeyValueStoreStatus = "READY" | "FAILED";

/** A store as persisted. Times are epoch milliseconds. */
export interface KeyValueStoreRecord {
  readonly Id: string;
  readonly Name: string;
  readonly Comment: string;
  readonly ARN: string;
  readonly Status: KeyValueStoreStatus;
  readonly FailureReason?: string;
  /** Control-plane version: UpdateKeyValueStore / DeleteKeyValueStore If-Match. */
  readonly ETag: string;
  readonly created: number;
  /** Control-plane LastModifiedTime: creation or the last UpdateKeyValueStore. */
  readonly lastModified: number;
  /** Data-plane version of the contents: PutKey / DeleteKey / UpdateKeys If-Match. */
  readonly dataETag: string;
  /** When the contents last changed (data-plane `LastModified`, `kvs.meta().lastUpdatedDateTime`). */
  readonly dataLastModified: number;
  readonly tags: readonly Tag[];
}

/** Counts the data API returns after every call. */
export interface KeyValueStoreStats {
  readonly ItemCount: number;
  readonly TotalSizeInBytes: number;
}

export interface WriteResult extends KeyValueStoreStats {
  readonly ETag: string;
}

export interface KeysPage {
  readonly items: Array<{ Key: string; Value: string }>;
  readonly nextToken: string | undefined;
}


const STORE = "cloudfront/key-value-store";
const KEYS = (id: string) => `cloudfront/key-value-store-keys/${id}`;

interface Contents {
  readonly items: Map<string, string>;
  size: number;
  /** Keys in UTF-8 byte order, rebuilt on the first ListKeys after a write. */
  sorted: string[] | undefined;
}


/** Functions using a store, by name; provided by the CloudFront Functions state. */
export type AssociationLookup = (storeArn: string) => readonly string[];

/** Reads an import file from S3: the object's bytes, or undefined when it does not exist. */
export type ImportReader = (bucket: string, key: string) => Promise<Uint8Array | undefined>;

export class KeyValueStores implements KeyValueSource {
  private readonly store: DocumentStore;
  private readonly accountId: string;
  private readonly clock: Clock;
  private readonly ids: Ids;
  private readonly stores = new Map<string, KeyValueStoreRecord>();
  private readonly idsByName = new Map<string, string>();
  private readonly idsByArn = new Map<string, string>();
  private readonly contents = new Map<string, Contents>();
  private associations: AssociationLookup = () => [];
  private importReader: ImportReader | undefined;

  constructor(store: DocumentStore, accountId: string, clock: Clock, ids: Ids) {
    this.store = store;
    this.accountId = accountId;
    this.clock = clock;
    this.ids = ids;
    for (const rec of store.list<KeyValueStoreRecord>(STORE)) {
      this.index(rec);
      const c = this.contentsOf(rec.Id);
      for (const { key, value } of store.list<{ key: string; value: string }>(KEYS(rec.Id))) {
        c.items.set(key, value);
        c.size += pairSize(key, value);
      }
    }
  }

  /**
   * Tells the stores which functions use them, so DeleteKeyValueStore can refuse a store in use
   * (CannotDeleteEntityWhileInUse). The CloudFront Functions state calls this once.
   */
  setAssociationLookup(lookup: AssociationLookup): void {
    this.associations = lookup;
  }

  /** Lets CreateKeyValueStore import from S3 (startEmulator wires the embedded S3 here). */
  setImportReader(reader: ImportReader): void {
    this.importReader = reader;
  }

  /** The import reader, if S3 is wired. */
  get imports(): ImportReader | undefined {
    return this.importReader;
  }

  /** Names of the functions associated with the store. */
  functionsUsing(storeArn: string): readonly string[] {
    return this.associations(storeArn);
  }

  // ---------------------------------------------------------------------------------------------
  // KeyValueSource (what CloudFront Functions read)

  get(storeArn: string, key: string): string | undefined {
    const id = this.idsByArn.get(storeArn);
    return id === undefined ? undefined : this.contents.get(id)?.items.get(key);
  }

  meta(storeArn: string): KeyValueStoreMeta | undefined {
    const rec = this.byArn(storeArn);
    if (!rec) return undefined;
    return {
      creationDateTime: new Date(rec.created).toISOString(),
      lastUpdatedDateTime: new Date(rec.dataLastModified).toISOString(),
      keyCount: this.contentsOf(rec.Id).items.size,
    };
  }

  /** Whether a store has this ARN (function associations must name an existing store). */
  exists(storeArn: string): boolean {
    return this.idsByArn.has(storeArn);
  }

  // ---------------------------------------------------------------------------------------------
  // Control plane

  byName(name: string): KeyValueStoreRecord | undefined {
    const id = this.idsByName.get(name);
    return id === undefined ? undefined : this.stores.get(id);
  }

  byArn(arn: string): KeyValueStoreRecord | undefined {
    const id = this.idsByArn.get(arn);
    return id === undefined ? undefined : this.stores.get(id);
  }

  /** All stores, oldest first. */
  list(): KeyValueStoreRecord[] {
    return [...this.stores.values()];
  }

  /**
   * Creates a store, READY with `items` (an import's pairs, already checked by parseImportFile),
   * or FAILED with `failureReason`. The name must be free (EntityAlreadyExists).
   */
  create(input: { Name: string; Comment: string; tags: readonly Tag[]; items?: ReadonlyMap<string, string>; failureReason?: string }): KeyValueStoreRecord {
    if (this.idsByName.has(input.Name)) fail("EntityAlreadyExists", messages.keyValueStoreAlreadyExists(input.Name));
    const id = this.ids.uuid();
    const now = this.clock.now();
    const rec: KeyValueStoreRecord = {
      Id: id,
      Name: input.Name,
      Comment: input.Comment,
      ARN: `arn:aws:cloudfront::${this.accountId}:key-value-store/${id}`,
      Status: input.failureReason === undefined ? "READY" : "FAILED",
      ...(input.failureReason === undefined ? {} : { FailureReason: input.failureReason }),
      ETag: this.ids.resourceId(),
      created: now,
      lastModified: now,
      dataETag: this.dataETag(),
      dataLastModified: now,
      tags: input.tags,
    };
    const items = input.items ?? new Map<string, string>();
    this.store.transaction(() => {
      this.store.put(STORE, id, rec);
      for (const [key, value] of items) this.store.put(KEYS(id), key, { key, value });
    });
    this.index(rec);
    const c = this.contentsOf(id);
    for (const [key, value] of items) {
      c.items.set(key, value);
      c.size += pairSize(key, value);
    }
    return rec;
  }

  /** UpdateKeyValueStore: a new Comment, a new control-plane ETag and LastModifiedTime. */
  updateComment(rec: KeyValueStoreRecord, comment: string): KeyValueStoreRecord {
    const updated: KeyValueStoreRecord = { ...rec, Comment: comment, ETag: this.ids.resourceId(), lastModified: this.clock.now() };
    this.store.put(STORE, rec.Id, updated);
    this.stores.set(rec.Id, updated);
    return updated;
  }

  /** TagResource / UntagResource: new tags; ETag and LastModifiedTime stay (tags are not settings). */
  setTags(rec: KeyValueStoreRecord, tags: readonly Tag[]): void {
    const updated: KeyValueStoreRecord = { ...rec, tags };
    this.store.put(STORE, rec.Id, updated);
    this.stores.set(rec.Id, updated);
  }

  /** Deletes the store and all its keys. */
  delete(rec: KeyValueStoreRecord): void {
    const c = this.contentsOf(rec.Id);
    this.store.transaction(() => {
      for (const key of c.items.keys()) this.store.delete(KEYS(rec.Id), key);
      this.store.delete(STORE, rec.Id);
    });
    this.stores.delete(rec.Id);
    this.idsByName.delete(rec.Name);
    this.idsByArn.delete(rec.ARN);
    this.contents.delete(rec.Id);
  }

  // ---------------------------------------------------------------------------------------------
  // Data plane (`cloudfront-keyvaluestore`): every error is one of that API's codes.

  /** The store with this ARN, or ResourceNotFoundException. */
  mustFindByArn(arn: string): KeyValueStoreRecord {
    return this.byArn(arn) ?? fail("ResourceNotFoundException", messages.kvsNotFound(arn));
  }

  stats(rec: KeyValueStoreRecord): KeyValueStoreStats {
    const c = this.contentsOf(rec.Id);
    return { ItemCount: c.items.size, TotalSizeInBytes: c.size };
  }

  /** GetKey: the value, or ResourceNotFoundException for a missing key. */
  getKey(arn: string, key: string): { Key: string; Value: string } & KeyValueStoreStats {
    const rec = this.mustFindByArn(arn);
    const value = this.contentsOf(rec.Id).items.get(key);
    if (value === undefined) fail("ResourceNotFoundException", messages.kvsKeyNotFound(key));
    return { Key: key, Value: value, ...this.stats(rec) };
  }

  /**
   * ListKeys: keys in UTF-8 byte order (the order is unverified), at most `maxResults` after the
   * key a NextToken names. The token is opaque to clients: the last key returned, base64url.
   */
  listKeys(arn: string, nextToken: string | undefined, maxResults: number | undefined): KeysPage {
    const rec = this.mustFindByArn(arn);
    const max = maxResults ?? MAX_LIST_RESULTS;
    if (!Number.isInteger(max) || max < 1 || max > MAX_LIST_RESULTS) fail("ValidationException", messages.kvsBadMaxResults(max, MAX_LIST_RESULTS));
    const c = this.contentsOf(rec.Id);
    c.sorted ??= [...c.items.keys()].sort(compareUtf8);
    let start = 0;
    if (nextToken !== undefined) {
      const after = decodeToken(nextToken) ?? fail("ValidationException", messages.kvsBadNextToken());
      start = upperBound(c.sorted, after);
    }
    const keys = c.sorted.slice(start, start + max);
    const items = keys.map((k) => ({ Key: k, Value: c.items.get(k) as string }));
    const more = start + max < c.sorted.length;
    return { items, nextToken: more && keys.length > 0 ? encodeToken(keys[keys.length - 1] as string) : undefined };
  }

  /**
   * PutKey, DeleteKey and UpdateKeys: all checks first, then every change in one transaction, then
   * memory. All or nothing (KeyValueStore API reference "UpdateKeys"); a new data ETag on success.
   */
  write(arn: string, ifMatch: string | undefined, puts: ReadonlyArray<{ Key?: string; Value?: string }>, deletes: ReadonlyArray<{ Key?: string }>): WriteResult {
    const rec = this.mustFindByArn(arn);
    if (ifMatch === undefined || ifMatch === "") fail("ValidationException", messages.kvsIfMatchMissing());
    // A stale version is a conflict: "Resource is not in expected state" (KeyValueStore API reference "PutKey" errors).
    if (ifMatch.replace(/^"|"$/g, "") !== rec.dataETag) fail("ConflictException", messages.kvsStaleETag(rec.dataETag));
    if (rec.Status !== "READY") fail("ConflictException", messages.kvsNotReady(rec.Status));
    if (puts.length + deletes.length === 0) fail("ValidationException", messages.kvsNothingToUpdate());
    if (puts.length + deletes.length > MAX_KEYS_PER_UPDATE) fail("ServiceQuotaExceededException", messages.kvsTooManyKeys(MAX_KEYS_PER_UPDATE));

    const c = this.contentsOf(rec.Id);
    const seen = new Set<string>();
    let size = c.size;
    for (const { Key } of deletes) {
      const key = checkKey(Key);
      if (seen.has(key)) fail("ValidationException", messages.kvsDuplicateKey(key));
      seen.add(key);
      const old = c.items.get(key);
      if (old === undefined) fail("ResourceNotFoundException", messages.kvsKeyNotFound(key));
      size -= pairSize(key, old);
    }
    for (const { Key, Value } of puts) {
      const key = checkKey(Key);
      if (Value === undefined) fail("ValidationException", messages.kvsValueMissing(key));
      if (Buffer.byteLength(Value) > MAX_VALUE_BYTES) fail("ServiceQuotaExceededException", messages.kvsValueTooLarge(MAX_VALUE_BYTES));
      if (seen.has(key)) fail("ValidationException", messages.kvsDuplicateKey(key));
      seen.add(key);
      const old = c.items.get(key);
      if (old !== undefined) size -= pairSize(key, old);
      size += pairSize(key, Value);
    }
    if (size > MAX_STORE_BYTES) fail("ServiceQuotaExceededException", messages.kvsStoreTooLarge(MAX_STORE_BYTES));

    const updated: KeyValueStoreRecord = { ...rec, dataETag: this.dataETag(), dataLastModified: this.clock.now() };
    this.store.transaction(() => {
      for (const { Key } of deletes) this.store.delete(KEYS(rec.Id), Key as string);
      for (const { Key, Value } of puts) this.store.put(KEYS(rec.Id), Key as string, { key: Key, value: Value });
      this.store.put(STORE, rec.Id, updated);
    });
    for (const { Key } of deletes) c.items.delete(Key as string);
    for (const { Key, Value } of puts) c.items.set(Key as string, Value as string);
    c.size = size;
    c.sorted = undefined;
    this.stores.set(rec.Id, updated);
    return { ETag: updated.dataETag, ItemCount: c.items.size, TotalSizeInBytes: c.size };
  }

  // ---------------------------------------------------------------------------------------------

  /** Data-plane ETags look like `KV1PA6795UKMFR9` in AWS's examples. */
  private dataETag(): string {
    return this.ids.resourceId("KV");
  }

  private index(rec: KeyValueStoreRecord): void {
    this.stores.set(rec.Id, rec);
    this.idsByName.set(rec.Name, rec.Id);
    this.idsByArn.set(rec.ARN, rec.Id);
  }

  private contentsOf(id: string): Contents {
    let c = this.contents.get(id);
    if (!c) {
      c = { items: new Map(), size: 0, sorted: undefined };
      this.contents.set(id, c);
    }
    return c;
  }
}

/** Key checks shared by every write: model length 1–1,024 characters, then the 512-byte quota. */
function checkKey(key: string | undefined): string {
  if (key === undefined || key.length === 0 || key.length > MAX_KEY_CHARS) fail("ValidationException", messages.kvsBadKeyLength(MAX_KEY_CHARS));
  if (Buffer.byteLength(key) > MAX_KEY_BYTES) fail("ServiceQuotaExceededException", messages.kvsKeyTooLarge(MAX_KEY_BYTES));
  return key;
}
