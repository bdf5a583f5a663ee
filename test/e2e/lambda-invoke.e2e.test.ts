// Invoke end to end with @aws-sdk/client-lambda (Lambda API Reference, "Invoke"): a Node and a
// Python function deployed with CreateFunction and PublishVersion, run in minifront's child-process
// runtime. Status codes per invocation type (200, 202, 204), X-Amz-Function-Error: Unhandled with
// the runtime's error payload, the base64 log tail, Qualifier and X-Amz-Executed-Version.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { CreateAliasCommand, CreateFunctionCommand, InvokeCommand, PublishVersionCommand, UpdateFunctionCodeCommand } from "@aws-sdk/client-lambda";
import { CreateRoleCommand } from "@aws-sdk/client-iam";
import { expectServiceError, useEmulator } from "../helpers/emulator.ts";
import { LAMBDA_TRUST, handlerZip, iamClient, lambdaClient } from "../helpers/lambda.ts";

const ACCOUNT = "123456789012";
const json = (bytes: Uint8Array | undefined) => JSON.parse(Buffer.from(bytes ?? new Uint8Array()).toString("utf8")) as Record<string, unknown>;

describe("Lambda Invoke", () => {
  const t = useEmulator({ accountId: ACCOUNT });
  const lambda = () => lambdaClient(t.emu.controlUrl);
  let role = "";

  it("deploys a Node and a Python function", async () => {
    role = (await iamClient(t.emu.controlUrl).send(new CreateRoleCommand({ RoleName: "invoke-role", AssumeRolePolicyDocument: LAMBDA_TRUST }))).Role?.Arn ?? "";
    const node = `exports.handler = async (event, context) => { console.log("event", JSON.stringify(event)); if (event.fail) throw new Error("asked to fail"); return { echo: event, version: context.functionVersion, arn: context.invokedFunctionArn }; };`;
    await lambda().send(new CreateFunctionCommand({ FunctionName: "echo-node", Role: role, Runtime: "nodejs22.x", Handler: "index.handler", Code: { ZipFile: handlerZip(node) } }));
    const py = "def handler(event, context):\n    print('python got', event)\n    if event.get('fail'):\n        raise KeyError('missing')\n    return {'echo': event, 'version': context.function_version}\n";
    await lambda().send(new CreateFunctionCommand({ FunctionName: "echo-py", Role: role, Runtime: "python3.12", Handler: "app.handler", Code: { ZipFile: handlerZip(py, "app.py") } }));
  });

  it("answers RequestResponse with the handler's JSON and the log tail", async () => {
    const out = await lambda().send(new InvokeCommand({ FunctionName: "echo-node", Payload: Buffer.from('{"a":1}'), LogType: "Tail" }));
    assert.equal(out.StatusCode, 200);
    assert.equal(out.FunctionError, undefined);
    assert.equal(out.ExecutedVersion, "$LATEST");
    assert.deepEqual(json(out.Payload), { echo: { a: 1 }, version: "$LATEST", arn: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:echo-node:$LATEST` });
    const tail = Buffer.from(out.LogResult ?? "", "base64").toString("utf8");
    assert.match(tail, /^START RequestId: \S+ Version: \$LATEST$/m);
    assert.match(tail, /\tINFO\tevent \{"a":1\}$/m);
    assert.match(tail, /^REPORT RequestId: /m);
  });

  it("runs a Python function", async () => {
    const out = await lambda().send(new InvokeCommand({ FunctionName: "echo-py", Payload: Buffer.from('{"b":2}'), LogType: "Tail" }));
    assert.equal(out.StatusCode, 200);
    assert.deepEqual(json(out.Payload), { echo: { b: 2 }, version: "$LATEST" });
    assert.match(Buffer.from(out.LogResult ?? "", "base64").toString("utf8"), /^python got \{'b': 2\}$/m);
  });

  it("answers a handler's error with X-Amz-Function-Error: Unhandled and the error payload", async () => {
    const node = await lambda().send(new InvokeCommand({ FunctionName: "echo-node", Payload: Buffer.from('{"fail":true}') }));
    assert.equal(node.StatusCode, 200);
    assert.equal(node.FunctionError, "Unhandled");
    const np = json(node.Payload);
    assert.equal(np.errorType, "Error");
    assert.equal(np.errorMessage, "asked to fail");
    assert.ok(Array.isArray(np.trace));
    const py = await lambda().send(new InvokeCommand({ FunctionName: "echo-py", Payload: Buffer.from('{"fail":true}') }));
    assert.equal(py.FunctionError, "Unhandled");
    const pp = json(py.Payload);
    assert.equal(pp.errorType, "KeyError");
    assert.ok(Array.isArray(pp.stackTrace));
  });

  it("runs the version or alias a Qualifier names, and the new code after an update", async () => {
    await lambda().send(new PublishVersionCommand({ FunctionName: "echo-node" }));
    await lambda().send(new CreateAliasCommand({ FunctionName: "echo-node", Name: "live", FunctionVersion: "1" }));
    await lambda().send(new UpdateFunctionCodeCommand({ FunctionName: "echo-node", ZipFile: handlerZip(`exports.handler = async () => "v2";`) }));
    const latest = await lambda().send(new InvokeCommand({ FunctionName: "echo-node" }));
    assert.deepEqual(Buffer.from(latest.Payload ?? []).toString(), '"v2"');
    const v1 = await lambda().send(new InvokeCommand({ FunctionName: "echo-node", Qualifier: "live", Payload: Buffer.from("{}") }));
    assert.equal(v1.ExecutedVersion, "1");
    assert.equal(json(v1.Payload).version, "1");
  });

  it("answers Event with 202 and DryRun with 204", async () => {
    const event = await lambda().send(new InvokeCommand({ FunctionName: "echo-node", InvocationType: "Event", Payload: Buffer.from("{}") }));
    assert.equal(event.StatusCode, 202);
    const dry = await lambda().send(new InvokeCommand({ FunctionName: "echo-node", InvocationType: "DryRun" }));
    assert.equal(dry.StatusCode, 204);
  });

  it("refuses a payload that is not JSON and a function that does not exist", async () => {
    await expectServiceError(lambda().send(new InvokeCommand({ FunctionName: "echo-node", Payload: Buffer.from("{nope") })), 400, "InvalidRequestContentException");
    await expectServiceError(lambda().send(new InvokeCommand({ FunctionName: "nothing-here" })), 404, "ResourceNotFoundException");
  });

  it("answers a timeout as Unhandled with Lambda's message", async () => {
    const code = `exports.handler = () => new Promise(() => setInterval(() => {}, 1000));`;
    await lambda().send(new CreateFunctionCommand({ FunctionName: "sleeper", Role: role, Runtime: "nodejs20.x", Handler: "index.handler", Timeout: 1, Code: { ZipFile: handlerZip(code) } }));
    const out = await lambda().send(new InvokeCommand({ FunctionName: "sleeper" }));
    assert.equal(out.FunctionError, "Unhandled");
    assert.match(String(json(out.Payload).errorMessage), /Task timed out after 1\.00 seconds/);
  });
});
