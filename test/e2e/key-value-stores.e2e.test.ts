// KeyValueStores end to end on a real port: the control plane through @aws-sdk/client-cloudfront
// (REST-XML) and the `cloudfront-keyvaluestore` data plane through
// @aws-sdk/client-cloudfront-keyvaluestore (restJson1, SigV4A-signed by @aws-sdk/signature-v4a),
// imports from the embedded S3, restarts and kill -9 of `minifront start`, and the aws CLI.
// docs/functions.md §6 (KeyValueStore), docs/control-plane.md Appendix A "KeyValueStore (control plane)",
// CloudFront guide "Quotas" "Quotas on key value stores".
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { Agent } from "node:http";
import { lookup } from "node:dns/promises";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
// The data API is signed with SigV4A; this registers the JS signer (README "KeyValueStore data plane").
import "@aws-sdk/signature-v4a";
import {
  CreateKeyValueStoreCommand,
  DeleteKeyValueStoreCommand,
  DescribeKeyValueStoreCommand,
  ListKeyValueStoresCommand,
  UpdateKeyValueStoreCommand,
  type CloudFrontClient,
  type KeyValueStore,
} from "@aws-sdk/client-cloudfront";
import {
  CloudFrontKeyValueStoreClient,
  DeleteKeyCommand,
  DescribeKeyValueStoreCommand as DescribeKvsDataCommand,
  GetKeyCommand,
  ListKeysCommand,
  PutKeyCommand,
  UpdateKeysCommand,
  paginateListKeys,
} from "@aws-sdk/client-cloudfront-keyvaluestore";
import { CreateBucketCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { AWS_CLI_MISSING, awsCliAvailable, runAws } from "../helpers/aws-cli.ts";
import { CREDENTIALS, cloudFrontClient, expectServiceError, useEmulator, type CliProcess } from "../helpers/emulator.ts";
import { killDuringBurst, useDataDirProcesses } from "../helpers/processes.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ACCOUNT = "123456789012";
const UNKNOWN_ARN = `arn:aws:cloudfront::${ACCOUNT}:key-value-store/00000000-0000-4000-8000-000000000000`;

/**
 * The data-plane client as the README tells users to build it: the endpoint provider points every
 * call at minifront instead of https://<account>.cloudfront-kvs.global.api.aws.
 */
function kvsClient(endpoint: string): CloudFrontKeyValueStoreClient {
  return new CloudFrontKeyValueStoreClient({
    region: "us-east-1",
    credentials: CREDENTIALS,
    maxAttempts: 1,
    endpointProvider: () => ({ url: new URL(endpoint) }),
  });
}

async function createStore(cf: CloudFrontClient, name: string, comment?: string): Promise<{ store: KeyValueStore; etag: string }> {
  const out = await cf.send(new CreateKeyValueStoreCommand({ Name: name, ...(comment !== undefined ? { Comment: comment } : {}) }));
  assert.ok(out.KeyValueStore && out.ETag);
  return { store: out.KeyValueStore, etag: out.ETag };
}

describe("KeyValueStores: control plane (CloudFront API)", () => {
  const ctx = useEmulator();
  let cf: CloudFrontClient;
  before(() => {
    cf = ctx.cloudfront();
  });
  after(() => cf.destroy());

  it("CreateKeyValueStore answers 201 with the store, an ETag and a Location; DescribeKeyValueStore returns the same", async () => {
    const out = await cf.send(new CreateKeyValueStoreCommand({ Name: "redirects", Comment: "URL rewrites" }));
    assert.equal(out.$metadata.httpStatusCode, 201);
    const s = out.KeyValueStore;
    assert.equal(s?.Name, "redirects");
    assert.equal(s?.Comment, "URL rewrites");
    assert.match(s?.Id ?? "", UUID);
    assert.equal(s?.ARN, `arn:aws:cloudfront::${ACCOUNT}:key-value-store/${s?.Id}`);
    assert.equal(s?.Status, "READY");
    assert.ok(s?.LastModifiedTime instanceof Date);
    assert.ok(out.ETag);
    assert.equal(out.Location, `${ctx.emu.controlUrl}/2020-05-31/key-value-store/redirects`);

    const got = await cf.send(new DescribeKeyValueStoreCommand({ Name: "redirects" }));
    assert.deepEqual(got.KeyValueStore, s);
    assert.equal(got.ETag, out.ETag);
    // The Location points at the store.
    const res = await fetch(out.Location as string);
    assert.equal(res.status, 200);
    assert.match(await res.text(), /<Name>redirects<\/Name>/);
  });

  it("a store created without a Comment has an empty one", async () => {
    const { store } = await createStore(cf, "no-comment");
    assert.equal(store.Comment, "");
  });

  it("refuses a taken name, a bad name and a long comment", async () => {
    await createStore(cf, "taken");
    await expectServiceError(cf.send(new CreateKeyValueStoreCommand({ Name: "taken" })), 409, "EntityAlreadyExists");
    // Model: KeyValueStoreName `[a-zA-Z0-9-_]{1,64}`, KeyValueStoreComment ≤ 128.
    await expectServiceError(cf.send(new CreateKeyValueStoreCommand({ Name: "has space" })), 400, "InvalidArgument");
    await expectServiceError(cf.send(new CreateKeyValueStoreCommand({ Name: "x".repeat(65) })), 400, "InvalidArgument");
    await expectServiceError(cf.send(new CreateKeyValueStoreCommand({ Name: "long-comment", Comment: "c".repeat(129) })), 400, "InvalidArgument");
    await expectServiceError(cf.send(new DescribeKeyValueStoreCommand({ Name: "never-created" })), 404, "EntityNotFound");
  });

  it("UpdateKeyValueStore needs the current ETag and returns a new one", async () => {
    const { etag } = await createStore(cf, "updatable", "old");
    // The model marks If-Match required here; a missing one is InvalidIfMatchVersion (docs/control-plane.md §5).
    await expectServiceError(cf.send(new UpdateKeyValueStoreCommand({ Name: "updatable", Comment: "new", IfMatch: undefined })), 400, "InvalidIfMatchVersion");
    await expectServiceError(cf.send(new UpdateKeyValueStoreCommand({ Name: "updatable", Comment: "new", IfMatch: "ESTALE" })), 412, "PreconditionFailed");
    await expectServiceError(cf.send(new UpdateKeyValueStoreCommand({ Name: "updatable", Comment: "c".repeat(129), IfMatch: etag })), 400, "InvalidArgument");
    await expectServiceError(cf.send(new UpdateKeyValueStoreCommand({ Name: "not-there", Comment: "x", IfMatch: etag })), 404, "EntityNotFound");
    const out = await cf.send(new UpdateKeyValueStoreCommand({ Name: "updatable", Comment: "new", IfMatch: etag }));
    assert.equal(out.KeyValueStore?.Comment, "new");
    assert.ok(out.ETag && out.ETag !== etag);
    assert.equal((await cf.send(new DescribeKeyValueStoreCommand({ Name: "updatable" }))).ETag, out.ETag);
    await expectServiceError(cf.send(new UpdateKeyValueStoreCommand({ Name: "updatable", Comment: "again", IfMatch: etag })), 412, "PreconditionFailed");
  });

  it("DeleteKeyValueStore needs the current ETag; the store is gone from both APIs", async () => {
    const { store, etag } = await createStore(cf, "deletable");
    const kvs = kvsClient(ctx.emu.controlUrl);
    try {
      const d = await kvs.send(new DescribeKvsDataCommand({ KvsARN: store.ARN }));
      await kvs.send(new PutKeyCommand({ KvsARN: store.ARN, Key: "k", Value: "v", IfMatch: d.ETag }));
      // A missing required If-Match: see the UpdateKeyValueStore test.
      await expectServiceError(cf.send(new DeleteKeyValueStoreCommand({ Name: "deletable", IfMatch: undefined })), 400, "InvalidIfMatchVersion");
      await expectServiceError(cf.send(new DeleteKeyValueStoreCommand({ Name: "deletable", IfMatch: "ESTALE" })), 412, "PreconditionFailed");
      const out = await cf.send(new DeleteKeyValueStoreCommand({ Name: "deletable", IfMatch: etag }));
      assert.equal(out.$metadata.httpStatusCode, 204);
      await expectServiceError(cf.send(new DescribeKeyValueStoreCommand({ Name: "deletable" })), 404, "EntityNotFound");
      await expectServiceError(cf.send(new DeleteKeyValueStoreCommand({ Name: "deletable", IfMatch: etag })), 404, "EntityNotFound");
      await expectServiceError(kvs.send(new DescribeKvsDataCommand({ KvsARN: store.ARN })), 404, "ResourceNotFoundException");
      await expectServiceError(kvs.send(new GetKeyCommand({ KvsARN: store.ARN, Key: "k" })), 404, "ResourceNotFoundException");
      // The name can be used again, for a new store with a new ARN and no keys.
      const again = await createStore(cf, "deletable");
      assert.notEqual(again.store.ARN, store.ARN);
      assert.equal((await kvs.send(new DescribeKvsDataCommand({ KvsARN: again.store.ARN }))).ItemCount, 0);
    } finally {
      kvs.destroy();
    }
  });

  it("ListKeyValueStores pages with Marker/MaxItems and filters on Status", async () => {
    const local = cloudFrontClient(ctx.emu.controlUrl);
    try {
      const before = (await local.send(new ListKeyValueStoresCommand({}))).KeyValueStoreList;
      const existing = before?.Items?.map((s) => s.Name) ?? [];
      assert.equal(before?.Quantity, existing.length);
      for (const n of ["list-a", "list-b", "list-c"]) await createStore(local, n);
      const names: string[] = [];
      let marker: string | undefined;
      let pages = 0;
      do {
        const page = (await local.send(new ListKeyValueStoresCommand({ MaxItems: 2, ...(marker ? { Marker: marker } : {}) }))).KeyValueStoreList;
        assert.equal(page?.MaxItems, 2);
        assert.ok((page?.Quantity ?? 0) <= 2);
        assert.equal(page?.Quantity, page?.Items?.length ?? 0);
        names.push(...(page?.Items ?? []).map((s) => s.Name as string));
        marker = page?.NextMarker;
        pages++;
      } while (marker);
      assert.deepEqual(names, [...existing, "list-a", "list-b", "list-c"], "creation order, each store once");
      assert.equal(pages, Math.ceil(names.length / 2));

      const ready = (await local.send(new ListKeyValueStoresCommand({ Status: "READY" }))).KeyValueStoreList;
      assert.ok((ready?.Items ?? []).every((s) => s.Status === "READY"));
      assert.ok((ready?.Items ?? []).some((s) => s.Name === "list-b"));
      const provisioning = (await local.send(new ListKeyValueStoresCommand({ Status: "PROVISIONING" }))).KeyValueStoreList;
      assert.equal(provisioning?.Quantity, 0);
      assert.equal(provisioning?.Items, undefined);
      await expectServiceError(local.send(new ListKeyValueStoresCommand({ Status: "SLEEPING" })), 400, "InvalidArgument");
    } finally {
      local.destroy();
    }
  });
});

describe("KeyValueStores: ImportSource from the embedded S3", () => {
  const ctx = useEmulator();
  let cf: CloudFrontClient;
  let s3: S3Client;
  let kvs: CloudFrontKeyValueStoreClient;
  before(async () => {
    cf = ctx.cloudfront();
    kvs = kvsClient(ctx.emu.controlUrl);
    s3 = new S3Client({ region: "us-east-1", endpoint: ctx.emu.s3Url, forcePathStyle: true, credentials: CREDENTIALS, maxAttempts: 1 });
    await s3.send(new CreateBucketCommand({ Bucket: "kvs-data" }));
  });
  after(() => {
    cf.destroy();
    kvs.destroy();
    s3.destroy();
  });

  const put = (key: string, body: string) => s3.send(new PutObjectCommand({ Bucket: "kvs-data", Key: key, Body: body }));

  it("a good file (CloudFront guide “Create a file of key value pairs”) gives a READY store holding its pairs", async () => {
    await put("pairs.json", JSON.stringify({ data: [{ key: "/old", value: "/new" }, { key: "flag", value: '{"on":true}' }] }));
    const out = await cf.send(new CreateKeyValueStoreCommand({ Name: "imported", ImportSource: { SourceType: "S3", SourceARN: "arn:aws:s3:::kvs-data/pairs.json" } }));
    assert.equal(out.KeyValueStore?.Status, "READY");
    const arn = out.KeyValueStore?.ARN as string;
    const d = await kvs.send(new DescribeKvsDataCommand({ KvsARN: arn }));
    assert.equal(d.ItemCount, 2);
    assert.equal(d.Status, "READY");
    assert.equal((await kvs.send(new GetKeyCommand({ KvsARN: arn, Key: "/old" }))).Value, "/new");
    assert.deepEqual((await kvs.send(new ListKeysCommand({ KvsARN: arn }))).Items?.map((i) => i.Key), ["/old", "flag"]);
  });

  it("a bad or missing file gives a FAILED store that says why; the list filters on it", async () => {
    await put("dups.json", JSON.stringify({ data: [{ key: "k", value: "1" }, { key: "k", value: "2" }] }));
    const cases: Array<[string, string, RegExp]> = [
      ["dups", "arn:aws:s3:::kvs-data/dups.json", /more than once/],
      ["missing", "arn:aws:s3:::kvs-data/no-such-file.json", /does not exist/],
    ];
    for (const [name, source, reason] of cases) {
      const out = await cf.send(new CreateKeyValueStoreCommand({ Name: name, ImportSource: { SourceType: "S3", SourceARN: source } }));
      assert.equal(out.KeyValueStore?.Status, "FAILED");
      const d = await kvs.send(new DescribeKvsDataCommand({ KvsARN: out.KeyValueStore?.ARN }));
      assert.equal(d.Status, "FAILED");
      assert.match(d.FailureReason ?? "", reason);
      assert.equal(d.ItemCount, 0);
      await expectServiceError(kvs.send(new PutKeyCommand({ KvsARN: out.KeyValueStore?.ARN, Key: "k", Value: "v", IfMatch: d.ETag })), 409, "ConflictException");
    }
    const failed = (await cf.send(new ListKeyValueStoresCommand({ Status: "FAILED" }))).KeyValueStoreList;
    assert.deepEqual(failed?.Items?.map((s) => s.Name), ["dups", "missing"]);
  });

  it("an ImportSource that is not an S3 object ARN is InvalidArgument", async () => {
    await expectServiceError(cf.send(new CreateKeyValueStoreCommand({ Name: "bad-source", ImportSource: { SourceType: "S3", SourceARN: "s3://kvs-data/pairs.json" } })), 400, "InvalidArgument");
    await expectServiceError(cf.send(new CreateKeyValueStoreCommand({ Name: "bad-source", ImportSource: { SourceType: "S3", SourceARN: "arn:aws:s3:::kvs-data" } })), 400, "InvalidArgument");
    await expectServiceError(cf.send(new DescribeKeyValueStoreCommand({ Name: "bad-source" })), 404, "EntityNotFound");
  });
});

describe("KeyValueStores: data plane (cloudfront-keyvaluestore API)", () => {
  const ctx = useEmulator();
  let cf: CloudFrontClient;
  let kvs: CloudFrontKeyValueStoreClient;
  let arn = "";
  before(async () => {
    cf = ctx.cloudfront();
    kvs = kvsClient(ctx.emu.controlUrl);
    arn = (await createStore(cf, "data")).store.ARN as string;
  });
  after(() => {
    cf.destroy();
    kvs.destroy();
  });

  const etag = async () => (await kvs.send(new DescribeKvsDataCommand({ KvsARN: arn }))).ETag as string;

  it("DescribeKeyValueStore reports the store, its counts and the data ETag (not the control-plane one)", async () => {
    const control = await cf.send(new DescribeKeyValueStoreCommand({ Name: "data" }));
    const d = await kvs.send(new DescribeKvsDataCommand({ KvsARN: arn }));
    assert.equal(d.KvsARN, arn);
    assert.equal(d.ItemCount, 0);
    assert.equal(d.TotalSizeInBytes, 0);
    assert.equal(d.Status, "READY");
    assert.ok(d.Created instanceof Date);
    assert.equal(Math.floor((d.Created?.getTime() ?? 0) / 1000), Math.floor((control.KeyValueStore?.LastModifiedTime?.getTime() ?? 0) / 1000));
    assert.ok(d.ETag);
    assert.notEqual(d.ETag, control.ETag);
    await expectServiceError(kvs.send(new PutKeyCommand({ KvsARN: arn, Key: "k", Value: "v", IfMatch: control.ETag })), 409, "ConflictException");
  });

  it("PutKey, GetKey, DeleteKey: every write takes the current ETag and returns the next one", async () => {
    const e0 = await etag();
    const p = await kvs.send(new PutKeyCommand({ KvsARN: arn, Key: "path/with space+€", Value: "hello", IfMatch: e0 }));
    assert.ok(p.ETag && p.ETag !== e0);
    assert.equal(p.ItemCount, 1);
    assert.equal(p.TotalSizeInBytes, Buffer.byteLength("path/with space+€") + 5);
    assert.equal(await etag(), p.ETag, "DescribeKeyValueStore reports the new version");

    const g = await kvs.send(new GetKeyCommand({ KvsARN: arn, Key: "path/with space+€" }));
    assert.deepEqual({ Key: g.Key, Value: g.Value, ItemCount: g.ItemCount }, { Key: "path/with space+€", Value: "hello", ItemCount: 1 });

    await expectServiceError(kvs.send(new PutKeyCommand({ KvsARN: arn, Key: "other", Value: "x", IfMatch: e0 })), 409, "ConflictException");
    await expectServiceError(kvs.send(new PutKeyCommand({ KvsARN: arn, Key: "other", Value: "x", IfMatch: undefined })), 400, "ValidationException");
    await expectServiceError(kvs.send(new DeleteKeyCommand({ KvsARN: arn, Key: "never-put", IfMatch: p.ETag })), 404, "ResourceNotFoundException");

    const del = await kvs.send(new DeleteKeyCommand({ KvsARN: arn, Key: "path/with space+€", IfMatch: p.ETag }));
    assert.ok(del.ETag && del.ETag !== p.ETag);
    assert.equal(del.ItemCount, 0);
    assert.equal(del.TotalSizeInBytes, 0);
    await expectServiceError(kvs.send(new GetKeyCommand({ KvsARN: arn, Key: "path/with space+€" })), 404, "ResourceNotFoundException");
  });

  it("UpdateKeys applies Puts and Deletes together, or nothing", async () => {
    let e = await etag();
    e = (await kvs.send(new UpdateKeysCommand({ KvsARN: arn, IfMatch: e, Puts: [{ Key: "a", Value: "1" }, { Key: "b", Value: "2" }, { Key: "c", Value: "3" }] }))).ETag as string;
    const out = await kvs.send(new UpdateKeysCommand({ KvsARN: arn, IfMatch: e, Puts: [{ Key: "a", Value: "11" }, { Key: "d", Value: "4" }], Deletes: [{ Key: "b" }] }));
    assert.equal(out.ItemCount, 3);
    assert.ok(out.ETag && out.ETag !== e);
    e = out.ETag;
    const keys = async () => (await kvs.send(new ListKeysCommand({ KvsARN: arn }))).Items;
    assert.deepEqual(await keys(), [{ Key: "a", Value: "11" }, { Key: "c", Value: "3" }, { Key: "d", Value: "4" }]);

    // One entry over the value quota: the other put and the delete do not happen either.
    await expectServiceError(kvs.send(new UpdateKeysCommand({ KvsARN: arn, IfMatch: e, Puts: [{ Key: "e", Value: "5" }, { Key: "f", Value: "v".repeat(1025) }], Deletes: [{ Key: "a" }] })), 402, "ServiceQuotaExceededException");
    await expectServiceError(kvs.send(new UpdateKeysCommand({ KvsARN: arn, IfMatch: e, Puts: [{ Key: "e", Value: "5" }], Deletes: [{ Key: "zz" }] })), 404, "ResourceNotFoundException");
    assert.deepEqual(await keys(), [{ Key: "a", Value: "11" }, { Key: "c", Value: "3" }, { Key: "d", Value: "4" }]);
    assert.equal(await etag(), e, "a refused UpdateKeys leaves the version alone");

    const cleared = await kvs.send(new UpdateKeysCommand({ KvsARN: arn, IfMatch: e, Deletes: [{ Key: "a" }, { Key: "c" }, { Key: "d" }] }));
    assert.equal(cleared.ItemCount, 0);
  });

  it("enforces CloudFront's limits: key 512 bytes, value 1 KB, 50 keys per UpdateKeys (402), model lengths (400)", async () => {
    const e = await etag();
    const put = (Key: string, Value: string) => kvs.send(new PutKeyCommand({ KvsARN: arn, Key, Value, IfMatch: e }));
    await expectServiceError(put("k".repeat(513), "v"), 402, "ServiceQuotaExceededException");
    await expectServiceError(put("k", "v".repeat(1025)), 402, "ServiceQuotaExceededException");
    await expectServiceError(put("k".repeat(1025), "v"), 400, "ValidationException");
    const many = Array.from({ length: 51 }, (_, i) => ({ Key: `k${i}`, Value: "v" }));
    await expectServiceError(kvs.send(new UpdateKeysCommand({ KvsARN: arn, IfMatch: e, Puts: many })), 402, "ServiceQuotaExceededException");
    // The largest allowed pair goes in.
    const ok = await put("k".repeat(512), "v".repeat(1024));
    assert.equal(ok.TotalSizeInBytes, 1536);
    await kvs.send(new DeleteKeyCommand({ KvsARN: arn, Key: "k".repeat(512), IfMatch: ok.ETag }));
  });

  it("ListKeys pages with NextToken/MaxResults (1-50), in key order, and the SDK paginator walks it", async () => {
    const keys = Array.from({ length: 7 }, (_, i) => `key-${i}`);
    await kvs.send(new UpdateKeysCommand({ KvsARN: arn, IfMatch: await etag(), Puts: [...keys].reverse().map((k) => ({ Key: k, Value: k.toUpperCase() })) }));
    const first = await kvs.send(new ListKeysCommand({ KvsARN: arn, MaxResults: 3 }));
    assert.deepEqual(first.Items?.map((i) => i.Key), ["key-0", "key-1", "key-2"]);
    assert.ok(first.NextToken);
    const second = await kvs.send(new ListKeysCommand({ KvsARN: arn, MaxResults: 3, NextToken: first.NextToken }));
    assert.deepEqual(second.Items?.map((i) => i.Key), ["key-3", "key-4", "key-5"]);

    const walked: string[] = [];
    for await (const page of paginateListKeys({ client: kvs, pageSize: 2 }, { KvsARN: arn })) walked.push(...(page.Items ?? []).map((i) => `${i.Key}=${i.Value}`));
    assert.deepEqual(walked, keys.map((k) => `${k}=${k.toUpperCase()}`));

    await expectServiceError(kvs.send(new ListKeysCommand({ KvsARN: arn, MaxResults: 51 })), 400, "ValidationException");
    await expectServiceError(kvs.send(new ListKeysCommand({ KvsARN: arn, MaxResults: 0 })), 400, "ValidationException");
    await expectServiceError(kvs.send(new ListKeysCommand({ KvsARN: arn, NextToken: "!!" })), 400, "ValidationException");
  });

  it("an unknown store is ResourceNotFoundException for every operation", async () => {
    const calls: Array<() => Promise<unknown>> = [
      () => kvs.send(new DescribeKvsDataCommand({ KvsARN: UNKNOWN_ARN })),
      () => kvs.send(new GetKeyCommand({ KvsARN: UNKNOWN_ARN, Key: "k" })),
      () => kvs.send(new ListKeysCommand({ KvsARN: UNKNOWN_ARN })),
      () => kvs.send(new PutKeyCommand({ KvsARN: UNKNOWN_ARN, Key: "k", Value: "v", IfMatch: "KV" })),
      () => kvs.send(new DeleteKeyCommand({ KvsARN: UNKNOWN_ARN, Key: "k", IfMatch: "KV" })),
      () => kvs.send(new UpdateKeysCommand({ KvsARN: UNKNOWN_ARN, IfMatch: "KV", Puts: [{ Key: "k", Value: "v" }] })),
    ];
    for (const call of calls) await expectServiceError(call(), 404, "ResourceNotFoundException");
  });

  it("on the wire: restJson1 errors carry x-amzn-ErrorType and a JSON Message; the signature is not checked", async () => {
    const res = await fetch(`${ctx.emu.controlUrl}/key-value-stores/${encodeURIComponent(arn)}/keys/${encodeURIComponent("no such key")}`, {
      headers: { Authorization: "AWS4-ECDSA-P256-SHA256 Credential=AKID/20250101/cloudfront-keyvaluestore/aws4_request, SignedHeaders=host, Signature=00" },
    });
    assert.equal(res.status, 404);
    assert.equal(res.headers.get("x-amzn-errortype"), "ResourceNotFoundException");
    assert.equal(res.headers.get("content-type"), "application/json");
    assert.ok(res.headers.get("x-amzn-requestid"));
    assert.match((await res.json() as { Message: string }).Message, /no such key/);
  });

  it("the client's own endpoint rule works too: `endpoint` gives an account-prefixed host, which minifront accepts", async () => {
    // With `endpoint`, the SDK calls http://<account>.<endpoint host>/ (docs/functions.md §6.2). Where
    // `*.localhost` does not resolve, an agent that sends every host to 127.0.0.1 stands in for DNS.
    const agent = new Agent({ lookup: (_host, options, cb) => (options.all ? cb(null, [{ address: "127.0.0.1", family: 4 }]) : cb(null, "127.0.0.1", 4)) });
    const hosts: string[] = [];
    const client = new CloudFrontKeyValueStoreClient({
      region: "us-east-1",
      credentials: CREDENTIALS,
      maxAttempts: 1,
      endpoint: `http://localhost:${ctx.emu.port}`,
      // NodeHttpHandler options, given as a plain object.
      requestHandler: { httpAgent: agent },
    });
    client.middlewareStack.add((next) => async (args) => {
      hosts.push(String((args.request as { hostname?: string }).hostname));
      return next(args);
    }, { step: "finalizeRequest" });
    try {
      const d = await client.send(new DescribeKvsDataCommand({ KvsARN: arn }));
      assert.equal(d.KvsARN, arn);
      assert.deepEqual(hosts, [`${ACCOUNT}.localhost`]);
    } finally {
      client.destroy();
      agent.destroy();
    }
  });
});

describe("KeyValueStores survive restarts of `minifront start`", () => {
  const children = useDataDirProcesses("minifront-kvs-persist-");

  async function start(dir: string): Promise<{ proc: CliProcess; cf: CloudFrontClient; kvs: CloudFrontKeyValueStoreClient }> {
    const proc = await children.start(dir);
    return { proc, cf: children.client(cloudFrontClient(proc.url)), kvs: children.client(kvsClient(proc.url)) };
  }

  it("after SIGTERM: stores, comments, both ETags, keys and counts come back", async () => {
    const dir = children.dataDir();
    const first = await start(dir);
    const { store } = await createStore(first.cf, "persisted", "kept");
    const arn = store.ARN as string;
    const d = await first.kvs.send(new DescribeKvsDataCommand({ KvsARN: arn }));
    const w = await first.kvs.send(new UpdateKeysCommand({ KvsARN: arn, IfMatch: d.ETag, Puts: [{ Key: "a", Value: "1" }, { Key: "b/c", Value: "2" }] }));
    const control = await first.cf.send(new DescribeKeyValueStoreCommand({ Name: "persisted" }));
    assert.equal(await first.proc.stop("SIGTERM"), 0);

    const second = await start(dir);
    const again = await second.cf.send(new DescribeKeyValueStoreCommand({ Name: "persisted" }));
    assert.deepEqual(again.KeyValueStore, control.KeyValueStore);
    assert.equal(again.ETag, control.ETag);
    const d2 = await second.kvs.send(new DescribeKvsDataCommand({ KvsARN: arn }));
    assert.equal(d2.ETag, w.ETag);
    assert.equal(d2.ItemCount, 2);
    assert.equal(d2.TotalSizeInBytes, w.TotalSizeInBytes);
    assert.deepEqual((await second.kvs.send(new ListKeysCommand({ KvsARN: arn }))).Items, [{ Key: "a", Value: "1" }, { Key: "b/c", Value: "2" }]);
    // Writes go on from the persisted version.
    await second.kvs.send(new PutKeyCommand({ KvsARN: arn, Key: "c", Value: "3", IfMatch: w.ETag }));
  });

  it("after kill -9 during a burst of PutKey calls: every acknowledged write is there with its ETag", async (t) => {
    const dir = children.dataDir();
    const first = await start(dir);
    // One store per call: writes to one store are serialized by its ETag, so the burst spreads out.
    const stores: Array<{ arn: string; etag: string; index: number }> = [];
    for (let i = 0; i < 40; i++) {
      const { store } = await createStore(first.cf, `burst-${i}`);
      const d = await first.kvs.send(new DescribeKvsDataCommand({ KvsARN: store.ARN }));
      stores.push({ arn: store.ARN as string, etag: d.ETag as string, index: i });
    }
    const acked = new Map<string, string>();
    await killDuringBurst(t, first.proc, {
      items: stores,
      send: (s) => first.kvs.send(new PutKeyCommand({ KvsARN: s.arn, Key: "written", Value: `value-${s.index}`, IfMatch: s.etag })),
      onAck: (s, out) => acked.set(s.arn, out.ETag as string),
      killAfter: 10,
      what: "puts",
    });

    const second = await start(dir);
    for (const s of stores) {
      const ack = acked.get(s.arn);
      const d = await second.kvs.send(new DescribeKvsDataCommand({ KvsARN: s.arn }));
      if (ack === undefined) {
        // Not acknowledged: either version is fine, but never a half-applied one.
        assert.ok(d.ETag === s.etag ? d.ItemCount === 0 : d.ItemCount === 1, `store ${s.index} is consistent`);
        continue;
      }
      assert.equal(d.ETag, ack, `store ${s.index} kept the acknowledged version`);
      assert.equal((await second.kvs.send(new GetKeyCommand({ KvsARN: s.arn, Key: "written" }))).Value, `value-${s.index}`);
    }
  });
});

describe("aws cloudfront … key-value-store (CLI v1)", { skip: awsCliAvailable() ? false : AWS_CLI_MISSING }, () => {
  const ctx = useEmulator();
  let dir = "";
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "minifront-kvs-cli-"));
  });
  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  const aws = async (...args: string[]) => {
    const out = await runAws(args, { endpoint: ctx.emu.controlUrl, configDir: dir });
    return out;
  };
  const json = async (...args: string[]): Promise<Record<string, unknown>> => {
    const out = await aws(...args);
    assert.equal(out.code, 0, out.stderr);
    return out.stdout.trim() === "" ? {} : (JSON.parse(out.stdout) as Record<string, unknown>);
  };

  it("create, describe, list, update and delete a store through the control-plane commands", async () => {
    const created = await json("cloudfront", "create-key-value-store", "--name", "cli-store", "--comment", "from the CLI");
    const store = created["KeyValueStore"] as KeyValueStore;
    assert.equal(store.Name, "cli-store");
    assert.equal(store.Status, "READY");
    assert.match(String(store.ARN), /^arn:aws:cloudfront::\d{12}:key-value-store\//);
    const etag = created["ETag"] as string;
    assert.ok(etag);

    const described = await json("cloudfront", "describe-key-value-store", "--name", "cli-store");
    assert.equal(described["ETag"], etag);
    const listed = await json("cloudfront", "list-key-value-stores");
    assert.deepEqual(((listed["KeyValueStoreList"] as { Items: KeyValueStore[] }).Items).map((s) => s.Name), ["cli-store"]);

    const stale = await aws("cloudfront", "update-key-value-store", "--name", "cli-store", "--comment", "x", "--if-match", "ESTALE");
    assert.notEqual(stale.code, 0);
    assert.match(stale.stderr, /PreconditionFailed/);
    const updated = await json("cloudfront", "update-key-value-store", "--name", "cli-store", "--comment", "updated", "--if-match", etag);
    assert.equal((updated["KeyValueStore"] as KeyValueStore).Comment, "updated");

    await json("cloudfront", "delete-key-value-store", "--name", "cli-store", "--if-match", updated["ETag"] as string);
    const gone = await aws("cloudfront", "describe-key-value-store", "--name", "cli-store");
    assert.notEqual(gone.code, 0);
    assert.match(gone.stderr, /EntityNotFound/);
  });

  it("the data-plane commands (aws cloudfront-keyvaluestore …) when the CLI can sign SigV4A", async (t) => {
    // botocore signs SigV4A only with awscrt (botocore[crt]); without it the CLI stops before
    // sending anything (docs/functions.md §6.2). It also calls http://<account>.localhost:<port>, which
    // must resolve to this machine.
    const cf = ctx.cloudfront();
    const arn = (await createStore(cf, "cli-data")).store.ARN as string;
    cf.destroy();
    const endpoint = `http://localhost:${ctx.emu.port}`;
    const run = (...args: string[]) => runAws(args, { endpoint, configDir: dir });
    const probe = await run("cloudfront-keyvaluestore", "describe-key-value-store", "--kvs-arn", arn);
    if (/Missing Dependency|botocore\[crt\]|awscrt/i.test(probe.stderr)) {
      t.skip("this aws CLI cannot sign SigV4A: it needs awscrt (pip install 'botocore[crt]')");
      return;
    }
    const resolves = await lookup(`${ACCOUNT}.localhost`).then(() => true, () => false);
    if (!resolves) {
      t.skip(`${ACCOUNT}.localhost does not resolve on this machine, and the CLI always prefixes the account`);
      return;
    }
    assert.equal(probe.code, 0, probe.stderr);
    const etag = (JSON.parse(probe.stdout) as { ETag: string }).ETag;
    const put = await run("cloudfront-keyvaluestore", "put-key", "--kvs-arn", arn, "--key", "k", "--value", "v", "--if-match", etag);
    assert.equal(put.code, 0, put.stderr);
    const got = await run("cloudfront-keyvaluestore", "get-key", "--kvs-arn", arn, "--key", "k");
    assert.equal((JSON.parse(got.stdout) as { Value: string }).Value, "v");
    const listed = await run("cloudfront-keyvaluestore", "list-keys", "--kvs-arn", arn);
    assert.deepEqual((JSON.parse(listed.stdout) as { Items: unknown[] }).Items, [{ Key: "k", Value: "v" }]);
  });
});
