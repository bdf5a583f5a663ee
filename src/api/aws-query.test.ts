// awsQuery protocol tests with the AWS SDK as the oracle (docs/style.md "Tests"): the
// @aws-sdk/client-iam client's real form-encoded request goes through our parser into a handler,
// the handler's output goes through our serializer back into the SDK's parser. No sockets: a
// request handler bridges the two.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Readable } from "node:stream";
import { CreateRoleCommand, GetRoleCommand, IAMClient, ListRoleTagsCommand, TagRoleCommand, UntagRoleCommand } from "@aws-sdk/client-iam";
import { iamModel } from "../services/iam/index.ts";
import { createQueryService } from "./aws-query.ts";
import { ServiceError } from "./errors.ts";
import type { HandlerTable } from "./service.ts";
import { createLogger } from "../log.ts";

interface Captured {
  input?: Record<string, unknown>;
}

const PROFILE = {
  maxBodyBytes: 4096,
  invalidInput: (m: string) => new ServiceError("ValidationError", m, 400),
  unknownAction: (a: string) => new ServiceError("InvalidAction", `no ${a}`, 400),
  unsupported: (op: string) => new ServiceError("InvalidAction", `unsupported ${op}`, 400),
  internalError: (id: string) => new ServiceError("ServiceFailure", `failed ${id}`),
};

/** An IAM client whose transport is our awsQuery layer with the given handlers. */
function clientFor(handlers: HandlerTable<null>, captured: Captured): IAMClient {
  const wrapped: HandlerTable<null> = Object.fromEntries(
    Object.entries(handlers).map(([name, h]) => [
      name,
      (input: Record<string, unknown>, ctx: Parameters<typeof h>[1]) => {
        captured.input = input;
        return h(input, ctx);
      },
    ]),
  );
  const api = createQueryService(iamModel(), wrapped, PROFILE, createLogger("silent"));
  return new IAMClient({
    region: "us-east-1",
    endpoint: "http://localhost:4566",
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
    maxAttempts: 1,
    requestHandler: {
      async handle(request: { method: string; path: string; headers: Record<string, string>; body?: string }) {
        const headers = Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k.toLowerCase(), v]));
        const body = Readable.from([Buffer.from(request.body ?? "")]);
        const out = await api.handle({ method: request.method, path: request.path, query: new URLSearchParams(), headers, body, requestId: "req-1", baseUrl: "http://localhost:4566" }, null);
        return {
          response: { statusCode: out.status, reason: "", headers: Object.fromEntries(Object.entries(out.headers).map(([k, v]) => [k.toLowerCase(), v])), body: Readable.from([Buffer.from(out.body as string)]) },
        };
      },
    } as never,
  });
}

const ROLE = {
  Path: "/",
  RoleName: "r",
  RoleId: "AROAEXAMPLE",
  Arn: "arn:aws:iam::123456789012:role/r",
  CreateDate: new Date("2025-01-02T03:04:05Z"),
  AssumeRolePolicyDocument: "%7B%7D",
  Tags: [{ Key: "a", Value: "1 & <2>" }],
};

describe("awsQuery round trips through the IAM SDK client", () => {
  it("CreateRole: scalars, a list of structures and the nested result come through", async () => {
    const captured: Captured = {};
    const client = clientFor({ CreateRole: () => ({ Role: ROLE }) }, captured);
    const out = await client.send(new CreateRoleCommand({ RoleName: "r", AssumeRolePolicyDocument: '{"a":"b c"}', MaxSessionDuration: 7200, Tags: [{ Key: "k1", Value: "v1" }, { Key: "k2", Value: "" }] }));
    assert.deepEqual(captured.input, { RoleName: "r", AssumeRolePolicyDocument: '{"a":"b c"}', MaxSessionDuration: 7200, Tags: [{ Key: "k1", Value: "v1" }, { Key: "k2", Value: "" }] });
    assert.deepEqual(out.Role, ROLE);
    assert.equal(out.$metadata.requestId, "req-1");
  });

  it("an empty list arrives as `Key=` and is an empty list", async () => {
    const captured: Captured = {};
    await clientFor({ UntagRole: () => undefined }, captured).send(new UntagRoleCommand({ RoleName: "r", TagKeys: [] }));
    assert.deepEqual(captured.input, { RoleName: "r", TagKeys: [] });
  });

  it("a unit output is an empty OpResponse; a list output with IsTruncated reads back", async () => {
    const captured: Captured = {};
    await clientFor({ TagRole: () => undefined }, captured).send(new TagRoleCommand({ RoleName: "r", Tags: [{ Key: "x", Value: "y" }] }));
    const out = await clientFor({ ListRoleTags: () => ({ Tags: [{ Key: "x", Value: "y" }], IsTruncated: false }) }, captured).send(new ListRoleTagsCommand({ RoleName: "r" }));
    assert.deepEqual(out.Tags, [{ Key: "x", Value: "y" }]);
    assert.equal(out.IsTruncated, false);
  });

  it("errors carry the awsQuery code and the model's status; the SDK maps them to its exception", async () => {
    const client = clientFor({ GetRole: () => { throw new ServiceError("NoSuchEntity", "The role with name r cannot be found."); } }, {});
    const err = (await client.send(new GetRoleCommand({ RoleName: "r" })).catch((e: unknown) => e)) as Error & { $metadata: { httpStatusCode: number } };
    assert.equal(err.name, "NoSuchEntityException");
    assert.equal(err.message, "The role with name r cannot be found.");
    assert.equal(err.$metadata.httpStatusCode, 404);
  });

  it("a missing required parameter is the profile's validation error", async () => {
    const client = clientFor({ GetRole: () => ({ Role: ROLE }) }, {});
    const err = (await client.send(new GetRoleCommand({} as never)).catch((e: unknown) => e)) as Error;
    assert.equal(err.name, "ValidationError");
    assert.match(err.message, /'roleName'.*must not be null/);
  });

  it("an operation without a handler answers the unsupported error naming it", async () => {
    const err = (await clientFor({}, {}).send(new GetRoleCommand({ RoleName: "r" })).catch((e: unknown) => e)) as Error;
    assert.equal(err.name, "InvalidAction");
    assert.equal(err.message, "unsupported GetRole");
  });
});
