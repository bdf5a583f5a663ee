// awsJson1_1 protocol tests with the AWS SDK as the oracle (docs/style.md "Tests"): the
// @aws-sdk/client-cloudwatch-logs client's real request goes through our router and parser into a
// handler, the handler's output (or error) through our serializer back into the SDK's parser. No
// sockets. A few raw requests check what the SDK never sends (an unknown target, bad JSON).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Readable } from "node:stream";
import { CloudWatchLogsClient, DeleteDeliveryCommand, GetDeliveryCommand, PutDeliverySourceCommand } from "@aws-sdk/client-cloudwatch-logs";
import { logsModel } from "../services/logs/index.ts";
import { createJsonRpcService } from "./aws-json.ts";
import type { HandlerTable } from "./service.ts";
import { ServiceError } from "./errors.ts";
import { createLogger } from "../log.ts";

const PROFILE = {
  maxBodyBytes: 1024,
  invalidInput: (m: string) => new ServiceError("ValidationException", m),
  unknownOperation: (t: string) => new ServiceError("UnknownOperationException", `Unknown operation ${t}.`, 400),
  unsupported: (op: string) => new ServiceError("InvalidOperationException", `no ${op}`),
  internalError: (id: string) => new ServiceError("ServiceUnavailableException", `failed ${id}`),
};

interface Seen {
  input?: Record<string, unknown>;
  headers?: Record<string, string>;
}

function service(handlers: HandlerTable<null>, seen: Seen) {
  const wrapped = Object.fromEntries(Object.entries(handlers).map(([name, h]) => [name, (input: Record<string, unknown>, ctx: Parameters<typeof h>[1]) => ((seen.input = input), h(input, ctx))]));
  return createJsonRpcService(logsModel(), wrapped, PROFILE, createLogger("silent"));
}

function clientFor(handlers: HandlerTable<null>, seen: Seen): CloudWatchLogsClient {
  const api = service(handlers, seen);
  return new CloudWatchLogsClient({
    region: "us-east-1",
    endpoint: "http://localhost:4566",
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
    maxAttempts: 1,
    requestHandler: {
      async handle(request: { method: string; path: string; headers: Record<string, string>; body?: string | Uint8Array }) {
        const headers = Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k.toLowerCase(), v]));
        seen.headers = headers;
        const bytes = typeof request.body === "string" ? Buffer.from(request.body) : request.body ? Buffer.from(request.body.buffer, request.body.byteOffset, request.body.byteLength) : Buffer.alloc(0);
        const out = await api.handle({ method: request.method, path: request.path, query: new URLSearchParams(), headers, body: Readable.from([bytes]), requestId: "req-1", baseUrl: "http://localhost:4566" }, null);
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

async function raw(target: string, body: string): Promise<{ status: number; headers: Record<string, string>; body: Record<string, unknown> }> {
  const api = service({ GetDelivery: () => ({}) }, {});
  const headers = { "x-amz-target": target, "content-type": "application/x-amz-json-1.1" };
  const out = await api.handle({ method: "POST", path: "/", query: new URLSearchParams(), headers, body: Readable.from([Buffer.from(body)]), requestId: "req-1", baseUrl: "http://localhost:4566" }, null);
  return { status: out.status, headers: out.headers, body: JSON.parse(String(out.body)) as Record<string, unknown> };
}

describe("awsJson1_1 round trips through the CloudWatch Logs SDK client", () => {
  it("routes by X-Amz-Target and carries structures, lists, maps and booleans both ways", async () => {
    const seen: Seen = {};
    const delivery = {
      id: "abc",
      recordFields: ["date", "time"],
      s3DeliveryConfiguration: { suffixPath: "{yyyy}", enableHiveCompatiblePath: false },
      tags: { k: "v" },
    };
    const out = await clientFor({ GetDelivery: () => ({ delivery }) }, seen).send(new GetDeliveryCommand({ id: "abc" }));
    assert.equal(seen.headers?.["x-amz-target"], "Logs_20140328.GetDelivery");
    assert.equal(seen.headers?.["content-type"], "application/x-amz-json-1.1");
    assert.deepEqual(seen.input, { id: "abc" });
    assert.deepEqual(out.delivery, delivery);
  });

  it("answers a unit output with {}", async () => {
    const out = await clientFor({ DeleteDelivery: () => undefined }, {}).send(new DeleteDeliveryCommand({ id: "abc" }));
    assert.equal(out.$metadata.httpStatusCode, 200);
  });

  it("sends errors as __type and message, which the SDK turns into its modeled exception", async () => {
    const client = clientFor(
      {
        PutDeliverySource: () => {
          throw new ServiceError("ConflictException", "already there");
        },
      },
      {},
    );
    await assert.rejects(client.send(new PutDeliverySourceCommand({ name: "n", resourceArn: "arn", logType: "ACCESS_LOGS" })), (err: Error & { $metadata: { httpStatusCode: number } }) => {
      assert.equal(err.name, "ConflictException");
      assert.equal(err.message, "already there");
      assert.equal(err.$metadata.httpStatusCode, 400);
      return true;
    });
  });

  it("refuses a missing required member, bad JSON and an unknown target", async () => {
    const missing = await raw("Logs_20140328.GetDelivery", "{}");
    assert.equal(missing.status, 400);
    assert.equal(missing.body["__type"], "ValidationException");
    assert.equal(missing.headers["x-amzn-ErrorType"], "ValidationException");
    assert.equal((await raw("Logs_20140328.GetDelivery", "{")).body["__type"], "ValidationException");
    assert.equal((await raw("Logs_20140328.GetDelivery", '{"id": 5}')).body["__type"], "ValidationException");
    const unknown = await raw("Logs_20140328.NoSuchThing", "{}");
    assert.equal(unknown.status, 400);
    assert.equal(unknown.body["__type"], "UnknownOperationException");
    assert.equal((await raw("Other_2020.GetDelivery", "{}")).body["__type"], "UnknownOperationException");
    assert.equal((await raw("Logs_20140328.DeleteDelivery", '{"id":"x"}')).body["__type"], "InvalidOperationException");
  });
});
