// Event objects in and edge data out (docs/functions.md §4.1, §4.2; CloudFront guide "CloudFront Functions event structure").
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  buildViewerRequestEvent,
  buildViewerResponseEvent,
  capitalizeHeaderName,
  parseQueryString,
  requestFromFunction,
  responseFromFunction,
  type ViewerRequestData,
} from "./event.ts";
import type { FunctionRequest } from "./types.ts";

const REQUEST: ViewerRequestData = {
  method: "GET",
  uri: "/media/index.mpd",
  rawQuery: "ID=42&NoValue&querymv=val1&querymv=val2,val3",
  headers: {
    host: "video.example.com",
    accept: ["application/json", "application/xml"],
    "accept-language": "en-GB,en;q=0.5",
    cookie: ["Cookie1=value1; cookiemv=value3", "cookiemv=value4"],
    connection: "keep-alive",
    "x-amz-cf-id": "abc",
  },
  viewerIp: "198.51.100.11",
  distributionId: "EDFDVBD6EXAMPLE",
  distributionDomainName: "d111111abcdef8.cloudfront.net",
  requestId: "req-1",
};

describe("buildViewerRequestEvent", () => {
  const event = buildViewerRequestEvent(REQUEST);

  it("fills version, context and viewer as CloudFront does", () => {
    assert.deepEqual(event.context, {
      distributionDomainName: "d111111abcdef8.cloudfront.net",
      distributionId: "EDFDVBD6EXAMPLE",
      eventType: "viewer-request",
      requestId: "req-1",
    });
    assert.equal(event.version, "1.0");
    assert.deepEqual(event.viewer, { ip: "198.51.100.11" });
    assert.equal(event.response, undefined);
  });

  it("collapses repeated query parameters and headers into value + multiValue; a parameter without = gets an empty value", () => {
    assert.deepEqual(event.request.querystring, {
      ID: { value: "42" },
      NoValue: { value: "" },
      querymv: { value: "val1", multiValue: [{ value: "val1" }, { value: "val2,val3" }] },
    });
    assert.deepEqual(event.request.headers["accept"], { value: "application/json", multiValue: [{ value: "application/json" }, { value: "application/xml" }] });
  });

  it("does not split a single comma-separated header (multiValue is for real repeats only)", () => {
    assert.deepEqual(event.request.headers["accept-language"], { value: "en-GB,en;q=0.5" });
  });

  it("moves Cookie headers into cookies and hides disallowed headers (docs/functions.md §4.2)", () => {
    assert.deepEqual(event.request.cookies, {
      Cookie1: { value: "value1" },
      cookiemv: { value: "value3", multiValue: [{ value: "value3" }, { value: "value4" }] },
    });
    assert.equal(event.request.headers["cookie"], undefined);
    assert.equal(event.request.headers["connection"], undefined);
    assert.equal(event.request.headers["x-amz-cf-id"], undefined);
  });

  it("keeps query names and values as received (not percent-decoded)", () => {
    assert.deepEqual(parseQueryString("a%20b=c%2Fd&e=f+g"), { "a%20b": { value: "c%2Fd" }, e: { value: "f+g" } });
    assert.deepEqual(parseQueryString(undefined), {});
    assert.deepEqual(parseQueryString(""), {});
  });

  it("treats names such as __proto__ as ordinary names", () => {
    const q = parseQueryString("__proto__=1&constructor=2");
    assert.deepEqual(Object.keys(q), ["__proto__", "constructor"]);
    assert.equal(JSON.stringify(q), '{"__proto__":{"value":"1"},"constructor":{"value":"2"}}');
  });
});

describe("buildViewerResponseEvent", () => {
  it("adds the response: status, reason phrase, headers, and Set-Cookie parsed with attributes", () => {
    const event = buildViewerResponseEvent(REQUEST, {
      statusCode: 200,
      headers: {
        "content-type": "text/html",
        "set-cookie": ["ID=id1234; Expires=Wed, 05 Apr 2021 07:28:00 GMT", "Cookie1=val1; Secure; Path=/", "Cookie1=val2; Path=/cat", "plain=1"],
        "x-cache": "Miss from cloudfront",
      },
    });
    assert.equal(event.context.eventType, "viewer-response");
    assert.equal(event.response?.statusCode, 200);
    assert.equal(event.response?.statusDescription, "OK");
    assert.deepEqual(event.response?.headers, { "content-type": { value: "text/html" } });
    assert.deepEqual(event.response?.cookies, {
      ID: { value: "id1234", attributes: "Expires=Wed, 05 Apr 2021 07:28:00 GMT" },
      Cookie1: {
        value: "val1",
        attributes: "Secure; Path=/",
        multiValue: [
          { value: "val1", attributes: "Secure; Path=/" },
          { value: "val2", attributes: "Path=/cat" },
        ],
      },
      plain: { value: "1" },
    });
  });
});

describe("requestFromFunction", () => {
  const event = buildViewerRequestEvent(REQUEST);
  const copy = (): FunctionRequest => JSON.parse(JSON.stringify(event.request)) as FunctionRequest;

  it("the event's own request (what the sandbox returns when nothing changed) gives the same edge data as an equal copy", () => {
    const fast = requestFromFunction(event.request, event.request, REQUEST.rawQuery, REQUEST.headers);
    const merged = requestFromFunction(copy(), event.request, REQUEST.rawQuery, REQUEST.headers);
    assert.deepEqual(Object.entries(fast.headers), Object.entries(merged.headers), "same headers in the same order");
    assert.deepEqual(fast, merged);
  });

  it("an unchanged request keeps the raw query byte for byte and passes hidden headers through", () => {
    const out = requestFromFunction(copy(), event.request, REQUEST.rawQuery, REQUEST.headers);
    assert.equal(out.uri, "/media/index.mpd");
    assert.equal(out.rawQuery, REQUEST.rawQuery);
    assert.deepEqual(out.headers["accept"], ["application/json", "application/xml"]);
    assert.deepEqual(out.headers["connection"], ["keep-alive"]);
    assert.deepEqual(out.headers["x-amz-cf-id"], ["abc"]);
    assert.deepEqual(out.headers["cookie"], ["Cookie1=value1; cookiemv=value3; cookiemv=value4"]);
  });

  it("a changed value replaces only the first of repeated values; a changed multiValue wins (docs/functions.md §4.2)", () => {
    const r = copy();
    (r.headers["accept"] as { value: string }).value = "text/plain";
    r.cookies["cookiemv"] = { value: "ignored", multiValue: [{ value: "only" }] };
    const out = requestFromFunction(r, event.request, REQUEST.rawQuery);
    assert.deepEqual(out.headers["accept"], ["text/plain", "application/xml"]);
    assert.deepEqual(out.headers["cookie"], ["Cookie1=value1; cookiemv=only"]);
  });

  it("rebuilds the query from a changed object, and uses a string the function assigned as the raw query", () => {
    const r = copy();
    r.querystring = { ID: { value: "43" }, added: { value: "x y".replace(" ", "%20") } };
    assert.equal(requestFromFunction(r, event.request, REQUEST.rawQuery).rawQuery, "ID=43&added=x%20y");
    r.querystring = "b=2&a=1";
    assert.equal(requestFromFunction(r, event.request, REQUEST.rawQuery).rawQuery, "b=2&a=1");
    r.querystring = {};
    assert.equal(requestFromFunction(r, event.request, REQUEST.rawQuery).rawQuery, undefined);
  });

  it("drops a header the function deleted and adds one it set", () => {
    const r = copy();
    delete r.headers["accept-language"];
    r.headers["x-added"] = { value: "1" };
    const out = requestFromFunction(r, event.request, REQUEST.rawQuery);
    assert.equal(out.headers["accept-language"], undefined);
    assert.deepEqual(out.headers["x-added"], ["1"]);
  });
});

describe("responseFromFunction", () => {
  it("turns a generated response into status, reason, headers, Set-Cookie and body bytes", () => {
    const out = responseFromFunction({
      statusCode: 302,
      headers: { location: { value: "https://example.com/" } },
      cookies: { s: { value: "1", attributes: "Path=/" } },
      body: { encoding: "base64", data: Buffer.from("moved").toString("base64") },
    });
    assert.equal(out.statusCode, 302);
    assert.equal(out.statusDescription, "Found");
    assert.deepEqual(out.headers["location"], ["https://example.com/"]);
    assert.deepEqual(out.headers["set-cookie"], ["s=1; Path=/"]);
    assert.equal(out.body?.toString(), "moved");
  });

  it("the event's own response gives the same edge data as an equal copy", () => {
    const original = buildViewerResponseEvent(REQUEST, { statusCode: 404, headers: { "content-type": "text/html", "set-cookie": ["a=1; Path=/", "a=2", "b=3"], "x-cache": "Hit" } }).response;
    assert.ok(original);
    const origin = { "content-type": "text/html", "set-cookie": ["a=1; Path=/", "a=2", "b=3"], "x-cache": "Hit" };
    const fast = responseFromFunction(original, original, origin);
    const merged = responseFromFunction(JSON.parse(JSON.stringify(original)) as typeof original, original, origin);
    assert.deepEqual(Object.entries(fast.headers), Object.entries(merged.headers));
    assert.deepEqual(fast, merged);
  });

  it("keeps the original body when the function sets none, and carries hidden headers over", () => {
    const original = buildViewerResponseEvent(REQUEST, { statusCode: 200, headers: { "content-type": "text/html", "x-cache": "Hit from cloudfront" } }).response;
    assert.ok(original);
    const out = responseFromFunction({ ...original, headers: { ...original.headers, "x-frame-options": { value: "DENY" } } }, original, { "x-cache": "Hit from cloudfront" });
    assert.equal(out.body, undefined);
    assert.deepEqual(out.headers["x-frame-options"], ["DENY"]);
    assert.deepEqual(out.headers["x-cache"], ["Hit from cloudfront"]);
  });
});

describe("capitalizeHeaderName", () => {
  it("capitalizes each hyphen-separated word, as CloudFront writes function-set headers (docs/functions.md §4.2)", () => {
    assert.equal(capitalizeHeaderName("x-custom-header"), "X-Custom-Header");
    assert.equal(capitalizeHeaderName("etag"), "Etag");
  });
});
