// restJson1 protocol tests with the AWS SDK as the oracle (docs/style.md "Tests"): the
// @aws-sdk/client-cloudfront-keyvaluestore client's real (SigV4A-signed) request goes through our
// router and parser into a handler, the handler's output goes through our serializer back into the
// SDK's parser. No sockets: a request handler bridges the two. A few raw requests check what the
// SDK never sends (bad JSON, wrong types, missing headers).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Readable } from "node:stream";
// Registers the JS SigV4A signer the client needs for this service (see README "KeyValueStore data plane").
import "@aws-sdk/signature-v4a";
import {
  CloudFrontKeyValueStoreClient,
  DeleteKeyCommand,
  DescribeKeyValueStoreCommand,
  GetKeyCommand,
  ListKeysCommand,
  PutKeyCommand,
  UpdateKeysCommand,
} from "@aws-sdk/client-cloudfront-keyvaluestore";
import { kvsModel, kvsProfile } from "../services/kvs/index.ts";
import { createRestJsonService } from "./rest-json.ts";
import type { HandlerTable } from "./service.ts";
import { ServiceError } from "./errors.ts";
import { createLogger } from "../log.ts";

const ARN = "arn:aws:cloudfront::123456789012:key-value-store/9f1e8b8c-6d0d-4c4e-9b8b-1d2f3a4b5c6d";

interface Captured {
  operation?: string;
  input?: Record<string, unknown>;
  path?: string;
  headers?: Record<string, string>;
}

function service(handlers: HandlerTable<null>, captured: Captured) {
  const wrapped: HandlerTable<null> = Object.fromEntries(
    Object.entries(handlers).map(([name, h]) => [
      name,
      (input: Record<string, unknown>, ctx: Parameters<typeof h>[1]) => {
        captured.operation = name;
        captured.input = input;
        return h(input, ctx);
      },
    ]),
  );
  return createRestJsonService(kvsModel(), wrapped, kvsProfile(), createLogger("silent"));
}

interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Sends one raw request through the service. */
async function raw(handlers: HandlerTable<null>, method: string, path: string, headers: Record<string, string>, body: string, captured: Captured = {}): Promise<RawResponse> {
  const api = service(handlers, captured);
  const out = await api.handle({ method, path, query: new URLSearchParams(), headers, body: Readable.from([Buffer.from(body)]), requestId: "req-1", baseUrl: "http://localhost:4566" }, null);
  return { status: out.status, headers: out.headers, body: Buffer.from(out.body as string | Uint8Array).toString("utf8") };
}

/** A KeyValueStore client whose transport is our protocol layer with the given handlers. */
function clientFor(handlers: HandlerTable<null>, captured: Captured): CloudFrontKeyValueStoreClient {
  const api = service(handlers, captured);
  return new CloudFrontKeyValueStoreClient({
    region: "us-east-1",
    // Without an override the client would call https://<account>.cloudfront-kvs.global.api.aws.
    endpointProvider: () => ({ url: new URL("http://localhost:4566") }),
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
    maxAttempts: 1,
    requestHandler: {
      async handle(request: { method: string; path: string; query?: Record<string, string | string[] | null>; headers: Record<string, string>; body?: unknown }) {
        const query = new URLSearchParams();
        for (const [k, v] of Object.entries(request.query ?? {})) {
          for (const item of Array.isArray(v) ? v : [v]) query.append(k, item ?? "");
        }
        const headers = Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k.toLowerCase(), v]));
        captured.path = request.path;
        captured.headers = headers;
        const body = Readable.from(request.body === undefined ? [] : [bytesOf(request.body as string | Uint8Array)]);
        const out = await api.handle({ method: request.method, path: request.path, query, headers, body, requestId: "req-1", baseUrl: "http://localhost:4566" }, null);
        return {
          response: {
            statusCode: out.status,
            reason: "",
            headers: Object.fromEntries(Object.entries(out.headers).map(([k, v]) => [k.toLowerCase(), v])),
            body: Readable.from([Buffer.from(out.body as string | Uint8Array)]),
          },
        };
      },
    } as never,
  });
}

/**
 * The client's JSON body is a Uint8Array subclass that also answers string methods (and warns when
 * they are used); copy its bytes without touching those.
 */
function bytesOf(body: string | Uint8Array): Buffer {
  return typeof body === "string" ? Buffer.from(body) : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
}

describe("rest-json round trips through the KeyValueStore SDK client", () => {
  it("DescribeKeyValueStore: the ARN label is decoded, ETag comes back as a header, timestamps as epoch seconds", async () => {
    const captured: Captured = {};
    const client = clientFor(
      {
        DescribeKeyValueStore: (input: { KvsARN: string }) => ({
          ItemCount: 3,
          TotalSizeInBytes: 42,
          KvsARN: input.KvsARN,
          Created: new Date("2025-01-02T03:04:05.678Z"),
          LastModified: new Date("2025-01-03T00:00:00.000Z"),
          ETag: "KV1PA6795UKMFR9",
          Status: "READY",
        }),
      },
      captured,
    );
    const out = await client.send(new DescribeKeyValueStoreCommand({ KvsARN: ARN }));
    assert.equal(captured.operation, "DescribeKeyValueStore");
    // docs/functions.md §6.2: the whole ARN is one percent-encoded path segment.
    assert.match(captured.path ?? "", /^\/key-value-stores\/arn%3Aaws%3Acloudfront%3A%3A123456789012%3Akey-value-store%2F/);
    assert.equal(captured.input?.["KvsARN"], ARN);
    assert.equal(captured.headers?.["authorization"]?.split(" ")[0], "AWS4-ECDSA-P256-SHA256", "the client signs with SigV4A");
    assert.equal(out.ETag, "KV1PA6795UKMFR9");
    assert.equal(out.ItemCount, 3);
    assert.equal(out.TotalSizeInBytes, 42);
    assert.equal(out.KvsARN, ARN);
    assert.equal(out.Created?.toISOString(), "2025-01-02T03:04:05.678Z");
    assert.equal(out.LastModified?.toISOString(), "2025-01-03T00:00:00.000Z");
    assert.equal(out.Status, "READY");
    assert.equal(out.$metadata.requestId, "req-1");
  });

  it("PutKey: key label with / space + and unicode, If-Match header and JSON body in; ETag and counts out", async () => {
    const captured: Captured = {};
    const client = clientFor({ PutKey: () => ({ ItemCount: 1, TotalSizeInBytes: 9, ETag: "KVNEW" }) }, captured);
    const key = "a/b c+d€😀";
    const out = await client.send(new PutKeyCommand({ KvsARN: ARN, Key: key, Value: 'v "1"\n', IfMatch: "KVOLD" }));
    assert.deepEqual(captured.input, { KvsARN: ARN, Key: key, Value: 'v "1"\n', IfMatch: "KVOLD" });
    assert.equal(out.ETag, "KVNEW");
    assert.equal(out.ItemCount, 1);
    assert.equal(out.TotalSizeInBytes, 9);
  });

  it("GetKey, DeleteKey, ListKeys (query members as numbers and strings) and UpdateKeys (lists of structures)", async () => {
    const captured: Captured = {};
    const client = clientFor(
      {
        GetKey: (input: { Key: string }) => ({ Key: input.Key, Value: "", ItemCount: 1, TotalSizeInBytes: 1 }),
        DeleteKey: () => ({ ItemCount: 0, TotalSizeInBytes: 0, ETag: "KVDEL" }),
        ListKeys: () => ({ NextToken: "tok2", Items: [{ Key: "a", Value: "1" }, { Key: "b", Value: "2" }] }),
        UpdateKeys: () => ({ ItemCount: 2, TotalSizeInBytes: 4, ETag: "KVUPD" }),
      },
      captured,
    );
    const got = await client.send(new GetKeyCommand({ KvsARN: ARN, Key: "k" }));
    assert.equal(got.Key, "k");
    assert.equal(got.Value, "", "an empty value survives the round trip");

    const del = await client.send(new DeleteKeyCommand({ KvsARN: ARN, Key: "k", IfMatch: "KVX" }));
    assert.deepEqual(captured.input, { KvsARN: ARN, Key: "k", IfMatch: "KVX" });
    assert.equal(del.ETag, "KVDEL");

    const list = await client.send(new ListKeysCommand({ KvsARN: ARN, NextToken: "tok1", MaxResults: 2 }));
    assert.deepEqual(captured.input, { KvsARN: ARN, NextToken: "tok1", MaxResults: 2 });
    assert.equal(list.NextToken, "tok2");
    assert.deepEqual(list.Items, [{ Key: "a", Value: "1" }, { Key: "b", Value: "2" }]);

    const upd = await client.send(new UpdateKeysCommand({ KvsARN: ARN, IfMatch: "KVY", Puts: [{ Key: "p", Value: "1" }], Deletes: [{ Key: "d" }] }));
    assert.deepEqual(captured.input, { KvsARN: ARN, IfMatch: "KVY", Puts: [{ Key: "p", Value: "1" }], Deletes: [{ Key: "d" }] });
    assert.equal(upd.ETag, "KVUPD");
  });

  it("a ServiceError becomes the modeled exception: status, x-amzn-ErrorType, Message", async () => {
    const captured: Captured = {};
    const client = clientFor(
      {
        PutKey: () => {
          throw new ServiceError("ConflictException", "stale version");
        },
        GetKey: () => {
          throw new ServiceError("ServiceQuotaExceededException", "Limit exceeded");
        },
      },
      captured,
    );
    await assert.rejects(client.send(new PutKeyCommand({ KvsARN: ARN, Key: "k", Value: "v", IfMatch: "E" })), (err: Error & { $metadata: { httpStatusCode: number } }) => {
      assert.equal(err.name, "ConflictException");
      assert.equal(err.message, "stale version");
      assert.equal(err.$metadata.httpStatusCode, 409);
      return true;
    });
    await assert.rejects(client.send(new GetKeyCommand({ KvsARN: ARN, Key: "k" })), (err: Error & { $metadata: { httpStatusCode: number } }) => {
      assert.equal(err.name, "ServiceQuotaExceededException");
      assert.equal(err.$metadata.httpStatusCode, 402);
      return true;
    });

    const res = await raw({ GetKey: () => fail404() }, "GET", `/key-value-stores/${encodeURIComponent(ARN)}/keys/k`, {}, "");
    assert.equal(res.status, 404);
    assert.equal(res.headers["x-amzn-ErrorType"], "ResourceNotFoundException");
    assert.equal(res.headers["Content-Type"], "application/json");
    assert.equal(res.headers["x-amzn-RequestId"], "req-1");
    assert.deepEqual(JSON.parse(res.body), { Message: "no such key" }, "the error structure's own member name");
  });

  it("a handler that crashes answers InternalServerException (500)", async () => {
    const res = await raw(
      {
        GetKey: () => {
          throw new TypeError("boom");
        },
      },
      "GET",
      `/key-value-stores/${encodeURIComponent(ARN)}/keys/k`,
      {},
      "",
    );
    assert.equal(res.status, 500);
    assert.equal(res.headers["x-amzn-ErrorType"], "InternalServerException");
  });
});

function fail404(): never {
  throw new ServiceError("ResourceNotFoundException", "no such key");
}

describe("rest-json request validation (what the SDK never sends)", () => {
  const path = `/key-value-stores/${encodeURIComponent(ARN)}/keys`;
  const handlers = { UpdateKeys: () => ({ ItemCount: 0, TotalSizeInBytes: 0, ETag: "E" }), PutKey: () => ({ ItemCount: 0, TotalSizeInBytes: 0, ETag: "E" }), ListKeys: () => ({ Items: [] }) };
  const cases: Array<[string, string, string, Record<string, string>, string, RegExp]> = [
    ["malformed JSON", "POST", path, { "if-match": "E" }, "{not json", /not valid JSON/],
    ["a body that is not an object", "POST", path, { "if-match": "E" }, "[1]", /JSON object/],
    ["a list member that is a string", "POST", path, { "if-match": "E" }, '{"Puts":"x"}', /Puts must be a list/],
    ["a list item without a required member", "POST", path, { "if-match": "E" }, '{"Puts":[{"Key":"k"}]}', /Missing required parameter Puts\[0\]\.Value|Puts\[0\]\.Value/],
    ["a string member that is a number", "POST", path, { "if-match": "E" }, '{"Puts":[{"Key":"k","Value":5}]}', /Value must be a string/],
    ["a missing required header", "POST", path, {}, '{"Puts":[]}', /Missing required parameter IfMatch/],
    ["a missing required body member", "PUT", `${path}/k`, { "if-match": "E" }, "{}", /Missing required parameter Value/],
    ["a numeric query member that is not a number", "GET", `${path}?MaxResults=ten`, {}, "", /MaxResults must be a number/],
    ["a path no operation has", "GET", "/key-value-stores", {}, "", /No KeyValueStore operation/],
  ];
  for (const [what, method, p, headers, body, message] of cases) {
    it(`${what} → ValidationException (400)`, async () => {
      const q = p.indexOf("?");
      const api = service(handlers, {});
      const out = await api.handle(
        {
          method,
          path: q < 0 ? p : p.slice(0, q),
          query: new URLSearchParams(q < 0 ? "" : p.slice(q + 1)),
          headers,
          body: Readable.from([Buffer.from(body)]),
          requestId: "req-1",
          baseUrl: "http://localhost:4566",
        },
        null,
      );
      assert.equal(out.status, 400);
      assert.equal(out.headers["x-amzn-ErrorType"], "ValidationException");
      assert.match(String(JSON.parse(Buffer.from(out.body as string).toString("utf8")).Message), message);
    });
  }

  it("an empty body is an empty object when no body member is required", async () => {
    const captured: Captured = {};
    const res = await raw(handlers, "POST", path, { "if-match": "E" }, "", captured);
    assert.equal(res.status, 200);
    assert.deepEqual(captured.input, { KvsARN: ARN, IfMatch: "E" });
  });
});

describe("KeyValueStore data API model (read from the SDK's schemas)", () => {
  // The schema format is internal to the SDK: an upgrade that moves a route shows up here
  // (docs/decisions.md "Protocol layer"; routes as in docs/functions.md §6.2).
  it("has the six operations of API version 2022-07-26 with their routes", () => {
    const table = [...kvsModel().operations.values()].map((op) => `${op.name} ${op.method} ${op.pathTemplate} ${op.successCode}`);
    assert.deepEqual(table, [
      "DeleteKey DELETE /key-value-stores/{KvsARN}/keys/{Key} 200",
      "DescribeKeyValueStore GET /key-value-stores/{KvsARN} 200",
      "GetKey GET /key-value-stores/{KvsARN}/keys/{Key} 200",
      "ListKeys GET /key-value-stores/{KvsARN}/keys 200",
      "PutKey PUT /key-value-stores/{KvsARN}/keys/{Key} 200",
      "UpdateKeys POST /key-value-stores/{KvsARN}/keys 200",
    ]);
  });

  it("knows the error codes with their HTTP status", () => {
    const errors = Object.fromEntries([...kvsModel().errors.values()].map((e) => [e.code, e.status]));
    assert.deepEqual(errors, {
      AccessDeniedException: 403,
      ConflictException: 409,
      InternalServerException: 500,
      ResourceNotFoundException: 404,
      ServiceQuotaExceededException: 402,
      ValidationException: 400,
    });
  });
});
