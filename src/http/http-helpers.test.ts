import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parseByteRange } from "./byte-range.ts";
import { etagMatches, notModified, preconditionFails } from "./conditional.ts";
import { carriesBody, contentLength } from "./headers.ts";

describe("byte ranges (RFC 9110 §14.1.2)", () => {
  const cases: Array<[string, number, ReturnType<typeof parseByteRange>]> = [
    ["bytes=0-9", 100, { start: 0, end: 9 }],
    ["bytes=90-", 100, { start: 90, end: 99 }],
    ["bytes=-10", 100, { start: 90, end: 99 }],
    ["bytes=-200", 100, { start: 0, end: 99 }],
    ["bytes=50-500", 100, { start: 50, end: 99 }],
    ["bytes=100-", 100, "unsatisfiable"],
    ["bytes=-0", 100, "unsatisfiable"],
    ["bytes=0-", 0, "unsatisfiable"],
    ["bytes=9-0", 100, undefined],
    ["bytes=0-1,5-6", 100, undefined],
    ["items=0-1", 100, undefined],
    ["bytes=-", 100, undefined],
  ];
  for (const [header, size, expected] of cases) {
    it(`${header} of ${size} bytes → ${JSON.stringify(expected)}`, () => assert.deepEqual(parseByteRange(header, size), expected));
  }
});

describe("entity tags and validators (RFC 9110 §13)", () => {
  it("compares weakly, with one quoting rule", () => {
    assert.equal(etagMatches('"abc"', '"abc"'), true);
    assert.equal(etagMatches('W/"abc"', '"abc"'), true);
    assert.equal(etagMatches('"abc"', 'W/"abc"'), true);
    assert.equal(etagMatches('"x", "abc"', '"abc"'), true);
    assert.equal(etagMatches("*", '"abc"'), true);
    assert.equal(etagMatches('"abd"', '"abc"'), false);
  });
  it("If-None-Match wins over If-Modified-Since", () => {
    assert.equal(notModified('"a"', undefined, '"a"', undefined), true);
    assert.equal(notModified('"b"', "Wed, 01 Jan 2031 00:00:00 GMT", '"a"', "Tue, 01 Jan 2030 00:00:00 GMT"), false);
    assert.equal(notModified(undefined, "Wed, 01 Jan 2031 00:00:00 GMT", '"a"', "Tue, 01 Jan 2030 00:00:00 GMT"), true);
    assert.equal(notModified(undefined, "Tue, 01 Jan 2030 00:00:00 GMT", '"a"', "Wed, 01 Jan 2031 00:00:00 GMT"), false);
    assert.equal(notModified(undefined, undefined, '"a"', "Wed, 01 Jan 2031 00:00:00 GMT"), false);
  });
});

describe("preconditions (RFC 9110 §13.2.2 steps 1-2)", () => {
  it("If-Match wins over If-Unmodified-Since; times compare by the second", () => {
    assert.equal(preconditionFails('"a"', undefined, '"a"', undefined), false);
    assert.equal(preconditionFails('"b"', "Wed, 01 Jan 2031 00:00:00 GMT", '"a"', "Tue, 01 Jan 2030 00:00:00 GMT"), true);
    assert.equal(preconditionFails("*", undefined, undefined, undefined), true);
    assert.equal(preconditionFails(undefined, "Tue, 01 Jan 2030 00:00:00 GMT", '"a"', "Wed, 01 Jan 2031 00:00:00 GMT"), true);
    assert.equal(preconditionFails(undefined, "Tue, 01 Jan 2030 00:00:00 GMT", '"a"', "Tue, 01 Jan 2030 00:00:00 GMT"), false);
    assert.equal(preconditionFails(undefined, undefined, '"a"', "Tue, 01 Jan 2030 00:00:00 GMT"), false);
  });
});

describe("message framing (RFC 9112 §6.3)", () => {
  it("a body is chunked or a non-zero Content-Length", () => {
    assert.equal(carriesBody({ "transfer-encoding": "chunked" }), true);
    assert.equal(carriesBody({ "content-length": "3" }), true);
    assert.equal(carriesBody({ "content-length": "0" }), false);
    assert.equal(carriesBody({}), false);
  });
  it("a Content-Length counts only without Transfer-Encoding and when it is a whole number", () => {
    assert.equal(contentLength({ "content-length": "12" }), 12);
    assert.equal(contentLength({ "content-length": "12", "transfer-encoding": "chunked" }), undefined);
    assert.equal(contentLength({ "content-length": "1.5" }), undefined);
    assert.equal(contentLength({ "content-length": "-1" }), undefined);
    assert.equal(contentLength({}), undefined);
  });
});
