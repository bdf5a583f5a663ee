// KeyValueStores without the HTTP layer: limits, all-or-nothing writes, the two ETags, ListKeys
// order and paging, what CloudFront Functions read, and a reload from the same database.
// docs/functions.md §6; CloudFront guide "Quotas" "Quotas on key value stores".
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { ManualClock } from "../../clock.ts";
import { randomIds } from "../../ids.ts";
import { ServiceError } from "../../api/errors.ts";
import { openDatabase } from "../../store/database.ts";
import { openDocumentStore, type DocumentStore } from "../../store/document-store.ts";
import {
  KeyValueStores,
  MAX_KEY_BYTES,
  MAX_KEYS_PER_UPDATE,
  MAX_STORE_BYTES,
  MAX_VALUE_BYTES,
  compareUtf8,
  pairSize,
  parseImportFile,
  type KeyValueStoreRecord,
} from "./key-value-stores.ts";
import { CloudFrontState } from "./state.ts";
import { DeleteKeyValueStore } from "./handlers/key-value-stores.ts";

const ACCOUNT = "123456789012";

function fresh(clock = new ManualClock()): { stores: KeyValueStores; docs: DocumentStore; clock: ManualClock } {
  const docs = openDocumentStore(new DatabaseSync(":memory:"));
  return { stores: new KeyValueStores(docs, ACCOUNT, clock, randomIds), docs, clock };
}

function created(stores: KeyValueStores, name = "store"): KeyValueStoreRecord {
  return stores.create({ Name: name, Comment: "", tags: [] });
}

/** Asserts that `fn` throws a ServiceError with this code and returns it. */
function throwsCode(fn: () => unknown, code: string): ServiceError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ServiceError, `expected a ServiceError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    return err;
  }
  assert.fail(`expected ${code}, but the call succeeded`);
}

describe("KeyValueStores: stores", () => {
  it("creates a READY store with a UUID id, an ARN in the model's pattern and two different ETags", () => {
    const { stores, clock } = fresh();
    const rec = created(stores, "my-store_1");
    assert.match(rec.Id, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    // Model pattern of KeyValueStoreARN.
    assert.match(rec.ARN, /^arn:aws:cloudfront::[0-9]{12}:key-value-store\/[0-9a-fA-F-]{36}$/);
    assert.equal(rec.ARN, `arn:aws:cloudfront::${ACCOUNT}:key-value-store/${rec.Id}`);
    assert.equal(rec.Status, "READY");
    assert.notEqual(rec.ETag, rec.dataETag);
    assert.match(rec.dataETag, /^KV[A-Z0-9]{13}$/);
    assert.equal(rec.created, clock.now());
    assert.ok(stores.exists(rec.ARN));
    assert.equal(stores.byName("my-store_1"), rec);
  });

  it("refuses a second store with the same name (EntityAlreadyExists)", () => {
    const { stores } = fresh();
    created(stores, "dup");
    throwsCode(() => created(stores, "dup"), "EntityAlreadyExists");
  });

  it("UpdateKeyValueStore changes the control-plane ETag, not the data one", () => {
    const { stores, clock } = fresh();
    const rec = created(stores);
    clock.advance(1000);
    const updated = stores.updateComment(rec, "new");
    assert.equal(updated.Comment, "new");
    assert.notEqual(updated.ETag, rec.ETag);
    assert.equal(updated.dataETag, rec.dataETag);
    assert.equal(updated.lastModified, rec.lastModified + 1000);
  });

  it("a deleted store and its keys are gone for the data API and for functions", () => {
    const { stores } = fresh();
    const rec = created(stores);
    stores.write(rec.ARN, rec.dataETag, [{ Key: "k", Value: "v" }], []);
    stores.delete(stores.byArn(rec.ARN) as KeyValueStoreRecord);
    assert.equal(stores.exists(rec.ARN), false);
    assert.equal(stores.get(rec.ARN, "k"), undefined);
    assert.equal(stores.meta(rec.ARN), undefined);
    throwsCode(() => stores.getKey(rec.ARN, "k"), "ResourceNotFoundException");
    // The name is free again.
    created(stores);
  });

  it("asks the association lookup which functions use a store", () => {
    const { stores } = fresh();
    const rec = created(stores);
    assert.deepEqual(stores.functionsUsing(rec.ARN), []);
    stores.setAssociationLookup((arn) => (arn === rec.ARN ? ["fn-a"] : []));
    assert.deepEqual(stores.functionsUsing(rec.ARN), ["fn-a"]);
  });
});

describe("KeyValueStores: writes and ETags", () => {
  it("every write needs the current data ETag and answers a new one", () => {
    const { stores } = fresh();
    const rec = created(stores);
    const first = stores.write(rec.ARN, rec.dataETag, [{ Key: "a", Value: "1" }], []);
    assert.notEqual(first.ETag, rec.dataETag);
    assert.deepEqual({ ItemCount: first.ItemCount, TotalSizeInBytes: first.TotalSizeInBytes }, { ItemCount: 1, TotalSizeInBytes: 2 });
    // The old version is refused: ConflictException (docs/functions.md §6.2).
    throwsCode(() => stores.write(rec.ARN, rec.dataETag, [{ Key: "b", Value: "2" }], []), "ConflictException");
    // The control-plane ETag is another value and is refused too.
    throwsCode(() => stores.write(rec.ARN, rec.ETag, [{ Key: "b", Value: "2" }], []), "ConflictException");
    throwsCode(() => stores.write(rec.ARN, undefined, [{ Key: "b", Value: "2" }], []), "ValidationException");
    // A quoted ETag is the same version.
    const second = stores.write(rec.ARN, `"${first.ETag}"`, [], [{ Key: "a" }]);
    assert.notEqual(second.ETag, first.ETag);
    assert.equal(second.ItemCount, 0);
    assert.equal(second.TotalSizeInBytes, 0);
  });

  it("a replaced value counts once in TotalSizeInBytes (UTF-8 bytes of key and value)", () => {
    const { stores } = fresh();
    const rec = created(stores);
    let etag = stores.write(rec.ARN, rec.dataETag, [{ Key: "k€", Value: "long value" }], []).ETag;
    const out = stores.write(rec.ARN, etag, [{ Key: "k€", Value: "é" }], []);
    etag = out.ETag;
    assert.equal(out.ItemCount, 1);
    assert.equal(out.TotalSizeInBytes, 4 + 2);
    assert.equal(pairSize("k€", "é"), 6);
  });

  it("UpdateKeys is all or nothing: one bad entry leaves keys, size and ETag as they were", () => {
    const { stores } = fresh();
    const rec = created(stores);
    const base = stores.write(rec.ARN, rec.dataETag, [{ Key: "keep", Value: "1" }, { Key: "gone", Value: "2" }], []);
    const bad: Array<[string, () => unknown, string]> = [
      ["an oversized value", () => stores.write(rec.ARN, base.ETag, [{ Key: "new", Value: "x" }, { Key: "big", Value: "v".repeat(MAX_VALUE_BYTES + 1) }], [{ Key: "gone" }]), "ServiceQuotaExceededException"],
      ["a delete of a missing key", () => stores.write(rec.ARN, base.ETag, [{ Key: "new", Value: "x" }], [{ Key: "gone" }, { Key: "missing" }]), "ResourceNotFoundException"],
      ["a key both put and deleted", () => stores.write(rec.ARN, base.ETag, [{ Key: "gone", Value: "x" }], [{ Key: "gone" }]), "ValidationException"],
      ["a key put twice", () => stores.write(rec.ARN, base.ETag, [{ Key: "a", Value: "1" }, { Key: "a", Value: "2" }], []), "ValidationException"],
      ["an empty key", () => stores.write(rec.ARN, base.ETag, [{ Key: "new", Value: "x" }, { Key: "", Value: "y" }], []), "ValidationException"],
      ["a put without a value", () => stores.write(rec.ARN, base.ETag, [{ Key: "new" }], []), "ValidationException"],
      ["nothing to do", () => stores.write(rec.ARN, base.ETag, [], []), "ValidationException"],
    ];
    for (const [, fn, code] of bad) throwsCode(fn, code);
    const now = stores.byArn(rec.ARN) as KeyValueStoreRecord;
    assert.equal(now.dataETag, base.ETag);
    assert.deepEqual(stores.stats(now), { ItemCount: 2, TotalSizeInBytes: base.TotalSizeInBytes });
    assert.equal(stores.get(rec.ARN, "gone"), "2");
    assert.equal(stores.get(rec.ARN, "new"), undefined);

    const ok = stores.write(rec.ARN, base.ETag, [{ Key: "new", Value: "x" }, { Key: "keep", Value: "11" }], [{ Key: "gone" }]);
    assert.equal(ok.ItemCount, 2);
    assert.equal(stores.get(rec.ARN, "gone"), undefined);
    assert.equal(stores.get(rec.ARN, "keep"), "11");
    assert.equal(stores.get(rec.ARN, "new"), "x");
  });

  it("an unknown ARN is ResourceNotFoundException for every data call", () => {
    const { stores } = fresh();
    const arn = `arn:aws:cloudfront::${ACCOUNT}:key-value-store/00000000-0000-4000-8000-000000000000`;
    throwsCode(() => stores.mustFindByArn(arn), "ResourceNotFoundException");
    throwsCode(() => stores.getKey(arn, "k"), "ResourceNotFoundException");
    throwsCode(() => stores.listKeys(arn, undefined, undefined), "ResourceNotFoundException");
    throwsCode(() => stores.write(arn, "KV", [{ Key: "k", Value: "v" }], []), "ResourceNotFoundException");
  });

  it("a FAILED store (bad import) refuses writes: ConflictException", () => {
    const { stores } = fresh();
    const rec = stores.create({ Name: "failed", Comment: "", tags: [], failureReason: "bad file" });
    assert.equal(rec.Status, "FAILED");
    assert.equal(rec.FailureReason, "bad file");
    throwsCode(() => stores.write(rec.ARN, rec.dataETag, [{ Key: "k", Value: "v" }], []), "ConflictException");
  });
});

describe("KeyValueStores: limits (CloudFront guide “Quotas”)", () => {
  const { stores } = fresh();
  const rec = created(stores);
  const etag = () => (stores.byArn(rec.ARN) as KeyValueStoreRecord).dataETag;

  it("keys up to 512 bytes; longer is ServiceQuotaExceededException, also when multi-byte characters make it longer", () => {
    stores.write(rec.ARN, etag(), [{ Key: "k".repeat(MAX_KEY_BYTES), Value: "" }], []);
    throwsCode(() => stores.write(rec.ARN, etag(), [{ Key: "k".repeat(MAX_KEY_BYTES + 1), Value: "" }], []), "ServiceQuotaExceededException");
    // 171 × "€" (3 bytes each) = 513 bytes in 171 characters.
    throwsCode(() => stores.write(rec.ARN, etag(), [{ Key: "€".repeat(171), Value: "" }], []), "ServiceQuotaExceededException");
    // The model allows 1–1,024 characters: beyond that it is a validation error.
    throwsCode(() => stores.write(rec.ARN, etag(), [{ Key: "k".repeat(1025), Value: "" }], []), "ValidationException");
    throwsCode(() => stores.write(rec.ARN, etag(), [], [{ Key: "k".repeat(MAX_KEY_BYTES + 1) }]), "ServiceQuotaExceededException");
  });

  it("values up to 1 KB; longer is ServiceQuotaExceededException", () => {
    stores.write(rec.ARN, etag(), [{ Key: "v", Value: "v".repeat(MAX_VALUE_BYTES) }], []);
    throwsCode(() => stores.write(rec.ARN, etag(), [{ Key: "v", Value: "v".repeat(MAX_VALUE_BYTES + 1) }], []), "ServiceQuotaExceededException");
    throwsCode(() => stores.write(rec.ARN, etag(), [{ Key: "v", Value: "é".repeat(513) }], []), "ServiceQuotaExceededException");
  });

  it("at most 50 puts and deletes per UpdateKeys", () => {
    const fifty = Array.from({ length: MAX_KEYS_PER_UPDATE }, (_, i) => ({ Key: `n${i}`, Value: "1" }));
    stores.write(rec.ARN, etag(), fifty, []);
    throwsCode(() => stores.write(rec.ARN, etag(), [{ Key: "x", Value: "1" }], fifty), "ServiceQuotaExceededException");
  });

  it("a store holds at most 5 MB: the write that would pass it is refused, a write that shrinks it is not", () => {
    const { stores: s } = fresh();
    const r = created(s);
    const tag = () => (s.byArn(r.ARN) as KeyValueStoreRecord).dataETag;
    const value = "v".repeat(MAX_VALUE_BYTES);
    let size = 0;
    let n = 0;
    // Fill with 50-pair batches of ~1 KB pairs while a whole batch still fits.
    for (;;) {
      const batch = Array.from({ length: MAX_KEYS_PER_UPDATE }, () => ({ Key: `key-${String(n++).padStart(6, "0")}`, Value: value }));
      const add = batch.reduce((sum, p) => sum + pairSize(p.Key, p.Value), 0);
      if (size + add > MAX_STORE_BYTES) break;
      size = s.write(r.ARN, tag(), batch, []).TotalSizeInBytes;
    }
    // Then single pairs, then one filler, so that exactly one byte-exact pair ("e" + ≤ 1 KB) is left.
    const single = (key: string, v: string) => (size = s.write(r.ARN, tag(), [{ Key: key, Value: v }], []).TotalSizeInBytes);
    while (MAX_STORE_BYTES - size >= pairSize("key-000000", value)) single(`key-${String(n++).padStart(6, "0")}`, value);
    if (MAX_STORE_BYTES - size - 1 > MAX_VALUE_BYTES) single("f", "x".repeat(MAX_STORE_BYTES - size - 1 - MAX_VALUE_BYTES - 1));
    const exact = "x".repeat(MAX_STORE_BYTES - size - 1);
    assert.ok(exact.length <= MAX_VALUE_BYTES);
    // One byte too many (a two-byte key), with every key and value within its own limit.
    const over = throwsCode(() => s.write(r.ARN, tag(), [{ Key: "ee", Value: exact }], []), "ServiceQuotaExceededException");
    assert.match(over.message, /size of the key value store/);
    // Filling it to exactly 5 MB is allowed, one more byte is not.
    assert.equal(s.write(r.ARN, tag(), [{ Key: "e", Value: exact }], []).TotalSizeInBytes, MAX_STORE_BYTES);
    throwsCode(() => s.write(r.ARN, tag(), [{ Key: "y", Value: "" }], []), "ServiceQuotaExceededException");
    // Replacing a value by a shorter one always fits.
    const shrunk = s.write(r.ARN, tag(), [{ Key: "key-000000", Value: "" }], []);
    assert.ok(shrunk.TotalSizeInBytes < MAX_STORE_BYTES);
  });
});

describe("KeyValueStores: ListKeys", () => {
  it("lists in UTF-8 byte order, pages with NextToken, and validates MaxResults and tokens", () => {
    const { stores } = fresh();
    const rec = created(stores);
    // UTF-16 order would put "😀" (D83D…) before "\uffff"; UTF-8 byte order puts it after.
    const keys = ["b", "a", "\uffff", "😀", "B", "a/b", "é"];
    stores.write(rec.ARN, rec.dataETag, keys.map((k) => ({ Key: k, Value: `v-${k}` })), []);
    const expected = [...keys].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
    assert.deepEqual(expected.slice(-2), ["\uffff", "😀"]);

    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = stores.listKeys(rec.ARN, token, 3);
      assert.ok(page.items.length <= 3);
      for (const item of page.items) {
        assert.equal(item.Value, `v-${item.Key}`);
        seen.push(item.Key);
      }
      token = page.nextToken;
      pages++;
    } while (token !== undefined);
    assert.deepEqual(seen, expected);
    assert.equal(pages, 3);

    assert.deepEqual(stores.listKeys(rec.ARN, undefined, undefined).items.length, keys.length);
    throwsCode(() => stores.listKeys(rec.ARN, undefined, 0), "ValidationException");
    throwsCode(() => stores.listKeys(rec.ARN, undefined, 51), "ValidationException");
    throwsCode(() => stores.listKeys(rec.ARN, "not a token!", 3), "ValidationException");
  });

  it("a page token stays valid after the key it names is deleted", () => {
    const { stores } = fresh();
    const rec = created(stores);
    const w = stores.write(rec.ARN, rec.dataETag, ["a", "b", "c", "d"].map((k) => ({ Key: k, Value: k })), []);
    const first = stores.listKeys(rec.ARN, undefined, 2);
    stores.write(rec.ARN, w.ETag, [], [{ Key: "b" }]);
    assert.deepEqual(stores.listKeys(rec.ARN, first.nextToken, 2).items.map((i) => i.Key), ["c", "d"]);
  });

  it("compareUtf8 is code point order", () => {
    assert.ok(compareUtf8("a", "b") < 0);
    assert.ok(compareUtf8("ab", "a") > 0);
    assert.ok(compareUtf8("\uffff", "😀") < 0);
    assert.equal(compareUtf8("😀x", "😀x"), 0);
  });
});

describe("KeyValueStores as the functions' KeyValueSource", () => {
  it("get() and meta() see every acknowledged write at once", () => {
    const { stores, clock } = fresh();
    const rec = created(stores);
    assert.deepEqual(stores.meta(rec.ARN), { creationDateTime: new Date(rec.created).toISOString(), lastUpdatedDateTime: new Date(rec.created).toISOString(), keyCount: 0 });
    clock.advance(5000);
    stores.write(rec.ARN, rec.dataETag, [{ Key: "greeting", Value: "hello" }], []);
    assert.equal(stores.get(rec.ARN, "greeting"), "hello");
    assert.equal(stores.get(rec.ARN, "other"), undefined);
    const meta = stores.meta(rec.ARN);
    assert.equal(meta?.keyCount, 1);
    assert.equal(meta?.lastUpdatedDateTime, new Date(rec.created + 5000).toISOString());
    assert.equal(stores.get("arn:aws:cloudfront::123456789012:key-value-store/nope", "greeting"), undefined);
  });
});

describe("KeyValueStores persistence", () => {
  const dirs: string[] = [];
  after(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it("a reopened database has the same stores, keys, sizes and both ETags; refused writes left nothing behind", () => {
    const dir = mkdtempSync(join(tmpdir(), "minifront-kvs-"));
    dirs.push(dir);
    const clock = new ManualClock();
    const db1 = openDatabase(dir);
    const s1 = new KeyValueStores(openDocumentStore(db1), ACCOUNT, clock, randomIds);
    const a = s1.create({ Name: "a", Comment: "first", tags: [{ Key: "team", Value: "web" }] });
    const b = s1.create({ Name: "b", Comment: "", tags: [] });
    const gone = s1.create({ Name: "gone", Comment: "", tags: [] });
    let etag = s1.write(a.ARN, a.dataETag, [{ Key: "x", Value: "1" }, { Key: "y/z", Value: "2" }], []).ETag;
    etag = s1.write(a.ARN, etag, [{ Key: "x", Value: "11" }], [{ Key: "y/z" }]).ETag;
    throwsCode(() => s1.write(a.ARN, etag, [{ Key: "x", Value: "bad" }, { Key: "big", Value: "v".repeat(MAX_VALUE_BYTES + 1) }], []), "ServiceQuotaExceededException");
    s1.write(gone.ARN, gone.dataETag, [{ Key: "k", Value: "v" }], []);
    s1.delete(s1.byName("gone") as KeyValueStoreRecord);
    const bUpdated = s1.updateComment(b, "second");
    db1.close();

    const db2 = openDatabase(dir);
    const s2 = new KeyValueStores(openDocumentStore(db2), ACCOUNT, clock, randomIds);
    try {
      assert.deepEqual(s2.list().map((s) => s.Name), ["a", "b"]);
      const a2 = s2.byName("a") as KeyValueStoreRecord;
      assert.equal(a2.dataETag, etag);
      assert.equal(a2.ETag, a.ETag);
      assert.deepEqual(a2.tags, [{ Key: "team", Value: "web" }]);
      assert.equal(s2.get(a.ARN, "x"), "11");
      assert.equal(s2.get(a.ARN, "y/z"), undefined);
      assert.equal(s2.get(a.ARN, "big"), undefined);
      assert.deepEqual(s2.stats(a2), { ItemCount: 1, TotalSizeInBytes: 3 });
      assert.equal((s2.byName("b") as KeyValueStoreRecord).Comment, "second");
      assert.equal((s2.byName("b") as KeyValueStoreRecord).ETag, bUpdated.ETag);
      assert.equal(s2.exists(gone.ARN), false);
      // The reloaded store keeps working with the reloaded ETag.
      assert.equal(s2.write(a.ARN, etag, [{ Key: "z", Value: "3" }], []).ItemCount, 2);
    } finally {
      db2.close();
    }
  });
});

describe("parseImportFile (CloudFront guide “Create a file of key value pairs”)", () => {
  const file = (doc: unknown) => new TextEncoder().encode(JSON.stringify(doc));
  it("reads {data:[{key,value}]}", () => {
    const out = parseImportFile(file({ data: [{ key: "k1", value: "v1" }, { key: "k2", value: "" }] }));
    assert.ok("items" in out);
    assert.deepEqual([...out.items], [["k1", "v1"], ["k2", ""]]);
  });
  const bad: Array<[string, Uint8Array, RegExp]> = [
    ["duplicate keys", file({ data: [{ key: "k", value: "1" }, { key: "k", value: "2" }] }), /more than once/],
    ["a key over 512 bytes", file({ data: [{ key: "k".repeat(513), value: "1" }] }), /key/],
    ["a value over 1 KB", file({ data: [{ key: "k", value: "v".repeat(1025) }] }), /value/],
    ["not JSON", new TextEncoder().encode("{"), /not valid/],
    ["not UTF-8", new Uint8Array([0x7b, 0xff, 0x7d]), /not valid/],
    ["no data list", file({ items: [] }), /"data"/],
    ["a number as value", file({ data: [{ key: "k", value: 1 }] }), /"data"/],
    ["a file over 5 MB", new Uint8Array(MAX_STORE_BYTES + 1), /larger than/],
  ];
  for (const [what, bytes, reason] of bad) {
    it(`fails on ${what}`, () => {
      const out = parseImportFile(bytes);
      assert.ok("failure" in out);
      assert.match(out.failure, reason);
    });
  }
});

describe("DeleteKeyValueStore and function associations (docs/functions.md §6.1)", () => {
  it("refuses a store a function uses (CannotDeleteEntityWhileInUse) and deletes it once unused", () => {
    const state = new CloudFrontState(openDocumentStore(new DatabaseSync(":memory:")), { accountId: ACCOUNT, domainSuffix: "cloudfront.localhost", deployDelayMs: 0, invalidationDelayMs: 0 }, new ManualClock(), randomIds);
    const rec = created(state.keyValueStores, "used");
    let users: string[] = ["rewrite-fn"];
    state.keyValueStores.setAssociationLookup((arn) => (arn === rec.ARN ? users : []));
    const ctx = { requestId: "r", baseUrl: "http://localhost", service: state, headers: {} };
    const err = throwsCode(() => DeleteKeyValueStore({ Name: "used", IfMatch: rec.ETag }, ctx), "CannotDeleteEntityWhileInUse");
    assert.match(err.message, /rewrite-fn/);
    assert.ok(state.keyValueStores.exists(rec.ARN));
    users = [];
    DeleteKeyValueStore({ Name: "used", IfMatch: rec.ETag }, ctx);
    assert.equal(state.keyValueStores.exists(rec.ARN), false);
  });
});
