// What a handler may return (docs/functions.md §4.2, CloudFront guide "CloudFront Functions event structure", CloudFront guide "Test functions").
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { buildViewerRequestEvent, buildViewerResponseEvent } from "./event.ts";
import { checkFunctionOutput, formatFunctionOutput, type OutputCheck } from "./output.ts";
import type { FunctionEvent } from "./types.ts";

const REQUEST = {
  method: "GET",
  uri: "/index.html",
  rawQuery: "a=1",
  headers: { host: "www.example.com", accept: "text/html", via: "1.1 x" },
  viewerIp: "1.2.3.4",
  distributionId: "E1",
  distributionDomainName: "d1.cloudfront.net",
  requestId: "r",
};
const viewerRequest = buildViewerRequestEvent(REQUEST);
const viewerResponse = buildViewerResponseEvent(REQUEST, { statusCode: 200, headers: { "content-type": "text/html", via: "1.1 abc.cloudfront.net (CloudFront)" } });

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

function invalid(event: FunctionEvent, returned: unknown, pattern: RegExp): void {
  const r = checkFunctionOutput(event, returned, true);
  assert.equal(r.ok, false, `expected ${JSON.stringify(returned)} to be refused`);
  assert.match((r as Extract<OutputCheck, { ok: false }>).message, pattern);
}

describe("checkFunctionOutput: what each event may return", () => {
  it("a viewer-request function may return the request or a response (statusCode decides)", () => {
    assert.equal(checkFunctionOutput(viewerRequest, clone(viewerRequest.request), true).ok, true);
    const r = checkFunctionOutput(viewerRequest, { statusCode: 302, headers: { location: { value: "/x" } } }, true);
    assert.ok(r.ok && r.kind === "generated-response");
  });

  it("a viewer-response function must return a response", () => {
    const r = checkFunctionOutput(viewerResponse, clone(viewerResponse.response), true);
    assert.ok(r.ok && r.kind === "response");
    const wrong = checkFunctionOutput(viewerResponse, clone(viewerResponse.request), true);
    assert.ok(!wrong.ok && wrong.structural);
  });

  it("undefined, null, strings and arrays are structural failures, even for TestFunction", () => {
    for (const v of [undefined, null, "x", [1], 42]) {
      const r = checkFunctionOutput(viewerRequest, v, false);
      assert.ok(!r.ok && r.structural, `refused ${JSON.stringify(v)}`);
    }
  });

  it("fills missing headers, cookies and querystring with {} as FunctionOutput shows them", () => {
    const r = checkFunctionOutput(viewerRequest, { method: "GET", uri: "/" }, false);
    assert.ok(r.ok && r.kind === "request");
    assert.deepEqual([r.request.headers, r.request.cookies, r.request.querystring], [{}, {}, {}]);
  });
});

describe("checkFunctionOutput: edge rules (FunctionValidationError)", () => {
  it("the method is read-only", () => invalid(viewerRequest, { ...clone(viewerRequest.request), method: "POST" }, /method is read-only/));
  it("the uri must start with /", () => invalid(viewerRequest, { ...clone(viewerRequest.request), uri: "index.html" }, /must be a string that starts with "\/"/));
  it("the uri plus query must be shorter than 8,192 characters", () => invalid(viewerRequest, { ...clone(viewerRequest.request), uri: "/" + "a".repeat(8191) }, /longer than 8191/));
  it("query values may not contain spaces or #", () => {
    invalid(viewerRequest, { ...clone(viewerRequest.request), querystring: { a: { value: "x y" } } }, /spaces, control characters or #/);
    invalid(viewerRequest, { ...clone(viewerRequest.request), querystring: "a=1#frag" }, /spaces, control characters or #/);
  });
  it("Host, Via, Content-Length and Transfer-Encoding are read-only in viewer-request", () => {
    const r = clone(viewerRequest.request);
    r.headers["host"] = { value: "other.example.com" };
    invalid(viewerRequest, r, /host header is read-only/);
    const added = clone(viewerRequest.request);
    added.headers["content-length"] = { value: "5" };
    invalid(viewerRequest, added, /content-length header is read-only/);
    const removed = clone(viewerRequest.request);
    delete removed.headers["via"];
    invalid(viewerRequest, removed, /via header is read-only/);
  });
  it("Via and Warning are read-only in viewer-response", () => {
    const r = clone(viewerResponse.response) as NonNullable<FunctionEvent["response"]>;
    r.headers["warning"] = { value: "199 x" };
    invalid(viewerResponse, r, /warning header is read-only/);
  });
  it("disallowed headers cannot be added", () => {
    for (const name of ["x-amz-cf-pop", "connection", "x-edge-location", "x-forwarded-proto"]) {
      const r = clone(viewerRequest.request);
      r.headers[name] = { value: "1" };
      invalid(viewerRequest, r, /may not add or change/);
    }
  });
  it("header names must be lower-case and values without line breaks", () => {
    const upper = clone(viewerRequest.request);
    upper.headers["X-Custom"] = { value: "1" };
    invalid(viewerRequest, upper, /lower-case tokens/);
    const crlf = clone(viewerRequest.request);
    crlf.headers["x-custom"] = { value: "a\r\nb" };
    invalid(viewerRequest, crlf, /line break/);
    const noValue = clone(viewerRequest.request);
    noValue.headers["x-custom"] = { multiValue: [] } as never;
    invalid(viewerRequest, noValue, /string value/);
  });
  it("status codes must be whole numbers from 200 to 599", () => {
    invalid(viewerRequest, { statusCode: 99 }, /statusCode/);
    invalid(viewerRequest, { statusCode: "302" }, /statusCode/);
    invalid(viewerRequest, { statusCode: 600 }, /statusCode/);
    assert.equal(checkFunctionOutput(viewerRequest, { statusCode: 599 }, true).ok, true);
  });
  it("a base64 body must be valid base64; encodings are text or base64", () => {
    invalid(viewerRequest, { statusCode: 200, body: { encoding: "base64", data: "not base64!" } }, /not valid base64/);
    invalid(viewerRequest, { statusCode: 200, body: { encoding: "gzip", data: "x" } }, /body.encoding/);
    assert.equal(checkFunctionOutput(viewerRequest, { statusCode: 200, body: { encoding: "base64", data: "aGk=" } }, true).ok, true);
    assert.equal(checkFunctionOutput(viewerRequest, { statusCode: 200, body: "plain" }, true).ok, true);
  });
  it("TestFunction (edge rules off) accepts what real traffic would refuse", () => {
    const r = clone(viewerRequest.request);
    r.headers["host"] = { value: "changed" };
    assert.equal(checkFunctionOutput(viewerRequest, r, false).ok, true);
  });
});

describe("formatFunctionOutput", () => {
  it("orders members as CloudFront's TestFunction output does", () => {
    const req = checkFunctionOutput(viewerRequest, clone(viewerRequest.request), false);
    assert.ok(req.ok);
    assert.deepEqual(Object.keys((JSON.parse(formatFunctionOutput(req)) as { request: object }).request), ["headers", "method", "querystring", "uri", "cookies"]);
    const res = checkFunctionOutput(viewerRequest, { statusCode: 302, statusDescription: "Found", headers: { location: { value: "https://www.example.com/" } } }, false);
    assert.ok(res.ok);
    assert.equal(
      formatFunctionOutput(res),
      '{"response":{"headers":{"location":{"value":"https://www.example.com/"}},"statusDescription":"Found","cookies":{},"statusCode":302}}',
    );
  });

  it("puts response cookie attributes before the value", () => {
    const res = checkFunctionOutput(viewerResponse, { statusCode: 200, cookies: { id: { value: "a", attributes: "Path=/" } } }, false);
    assert.ok(res.ok);
    assert.match(formatFunctionOutput(res), /"id":\{"attributes":"Path=\/","value":"a"\}/);
  });
});
