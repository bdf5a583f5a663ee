// remote-functions.ts against a stand-in for the other emulator's Lambda (a plain HTTP server on
// the loopback): the Invoke request it sends, and how answers that a real Lambda rarely gives
// (throttling, no answer at all) become what the edge expects. The happy paths run against a real
// second minifront in test/e2e/lambda-edge-remote.e2e.test.ts.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createLogger } from "../../log.ts";
import { LambdaThrottledError } from "../../functions/lambda/types.ts";
import { remoteFunctions, type RemoteFunctions } from "./remote-functions.ts";

const ARN = "arn:aws:lambda:us-east-1:111122223333:function:edge-fn:3";

describe("remoteFunctions", () => {
  let server: Server | undefined;
  let remote: RemoteFunctions | undefined;
  const seen: Array<{ method: string; url: string; authorization: string; body: string }> = [];
  let answer: (res: ServerResponse) => void = (res) => res.end();

  before(async () => {
    server = createServer((req: IncomingMessage, res) => {
      let body = "";
      req.setEncoding("utf8").on("data", (c: string) => (body += c));
      req.on("end", () => {
        seen.push({ method: req.method ?? "", url: req.url ?? "", authorization: String(req.headers.authorization), body });
        answer(res);
      });
    });
    await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
    remote = remoteFunctions(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, createLogger("silent"));
  });
  after(async () => {
    remote?.dispose();
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
  });
  const functions = () => remote as RemoteFunctions;

  it("calls Invoke with the name and Qualifier, signed for the ARN's account and region", async () => {
    answer = (res) => res.writeHead(200, { "content-type": "application/json", "x-amzn-requestid": "req-1" }).end(`{"uri":"/x"}`);
    const out = await functions().invoke(ARN, `{"event":1}`, { requestId: "edge-1", timeoutMs: 5000 });
    assert.deepEqual(out, { requestId: "req-1", payload: `{"uri":"/x"}`, logs: [] });
    const req = seen.at(-1);
    assert.equal(req?.method, "POST");
    assert.equal(req?.url, "/2015-03-31/functions/edge-fn/invocations?Qualifier=3");
    assert.match(req?.authorization ?? "", /Credential=111122223333\/\d{8}\/us-east-1\/lambda\/aws4_request/);
    assert.equal(req?.body, `{"event":1}`);
  });

  it("reads X-Amz-Function-Error as an unhandled error", async () => {
    answer = (res) => res.writeHead(200, { "x-amz-function-error": "Unhandled" }).end(`{"errorType":"Error","errorMessage":"boom"}`);
    const out = await functions().invoke(ARN, "{}", { timeoutMs: 5000 });
    assert.equal(out?.functionError, "Unhandled");
  });

  it("answers undefined for ResourceNotFoundException (no such version)", async () => {
    answer = (res) => res.writeHead(404, { "content-type": "application/json", "x-amzn-errortype": "ResourceNotFoundException" }).end(`{"message":"Function not found"}`);
    assert.equal(await functions().invoke(ARN, "{}", { timeoutMs: 5000 }), undefined);
  });

  it("throws LambdaThrottledError for TooManyRequestsException", async () => {
    answer = (res) => res.writeHead(429, { "content-type": "application/json", "x-amzn-errortype": "TooManyRequestsException" }).end(`{"message":"Rate Exceeded."}`);
    await assert.rejects(functions().invoke(ARN, "{}", { timeoutMs: 5000 }), LambdaThrottledError);
  });

  it("answers as a timed-out function when the other emulator does not answer within the event's cap", async () => {
    answer = () => undefined; // never answers
    const out = await functions().invoke(ARN, "{}", { requestId: "edge-2", timeoutMs: 200 });
    assert.equal(out?.functionError, "Unhandled");
    assert.equal(JSON.parse(out?.payload ?? "{}").errorType, "Sandbox.Timedout");
  });

  it("does not call anything for an ARN without a version, and lets the association checks pass a remote one", () => {
    answer = (res) => res.writeHead(404, { "content-type": "application/json", "x-amzn-errortype": "ResourceNotFoundException" }).end(`{"message":"Function not found"}`);
    const before = seen.length;
    assert.equal(functions().facts("arn:aws:lambda:us-east-1:111122223333:function:edge-fn"), undefined);
    assert.equal(seen.length, before);
    assert.equal(functions().facts(ARN)?.roleTrustedByEdge, true);
  });
});
