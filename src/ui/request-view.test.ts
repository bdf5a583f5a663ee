import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parseHead, plain } from "./request-view.ts";

describe("parseHead", () => {
  it("splits a rendered response head into its status line and headers, in order", () => {
    const head = "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nX-Cache: Hit from cloudfront\r\nVia: 1.1 a.cloudfront.net (CloudFront)\r\n\r\n";
    assert.deepEqual(parseHead(head), {
      statusLine: "HTTP/1.1 200 OK",
      headers: [
        ["Content-Type", "text/html"],
        ["X-Cache", "Hit from cloudfront"],
        ["Via", "1.1 a.cloudfront.net (CloudFront)"],
      ],
    });
  });

  it("gives nothing for a request that sent no response", () => {
    assert.deepEqual(parseHead(""), { statusLine: "", headers: [] });
  });
});

describe("plain (function input and output as JSON)", () => {
  it("shows a body as text, shortened past 4 KiB", () => {
    assert.equal(plain(Buffer.from("hello")), "hello");
    const long = plain(Buffer.alloc(5000, "a")) as string;
    assert.ok(long.startsWith("a".repeat(4096)));
    assert.ok(long.endsWith("… (5000 bytes)"));
  });

  it("shows a cache entry as its status and headers only", () => {
    const entry = { status: 200, headers: { "content-type": "text/plain" }, flat: ["content-type", "text/plain"], head: {}, body: Buffer.from("x"), storedAt: 0, ttlMs: 0 };
    assert.deepEqual(plain(entry), { status: 200, headers: { "content-type": "text/plain" } });
  });

  it("parses a Lambda@Edge answer given as JSON text, and leaves other text alone", () => {
    assert.deepEqual(plain('{"status":"302"}'), { status: "302" });
    assert.equal(plain("{not json"), "{not json");
  });

  it("drops functions and undefined members, turns Maps into objects, and stops at depth", () => {
    assert.deepEqual(plain({ a: 1, f: () => 1, u: undefined, m: new Map([["k", "v"]]) }), { a: 1, m: { k: "v" } });
    let deep: Record<string, unknown> = {};
    const top = deep;
    for (let i = 0; i < 20; i++) deep = (deep["n"] = {}) as Record<string, unknown>;
    assert.doesNotThrow(() => JSON.stringify(plain(top)));
  });
});
