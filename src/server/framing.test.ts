import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { IncomingMessage } from "node:http";
import { badFraming, hasDuplicateHost } from "./framing.ts";

describe("hasDuplicateHost (RFC 9112 §3.2)", () => {
  const cases: Array<[string[], boolean]> = [
    [["Host", "a"], false],
    [["Host", "a", "Date", "x", "User-Agent", "curl", "Accept", "*/*"], false],
    [["Host", "a", "Host", "b"], true],
    [["host", "a", "HOST", "a"], true], // the same value twice is still two lines
    [["Host", "a", "Accept", "*/*", "hOsT", "b"], true],
    [["X-Forwarded-Host", "a", "Host", "b"], false],
    [[], false],
  ];
  for (const [raw, expected] of cases) {
    it(`${JSON.stringify(raw)} → ${expected}`, () => assert.equal(hasDuplicateHost(raw), expected));
  }
});

describe("badFraming", () => {
  const req = (major: number, minor: number, raw: string[]): IncomingMessage => {
    const headers: Record<string, string> = {};
    for (let i = 0; i < raw.length; i += 2) headers[(raw[i] as string).toLowerCase()] ??= raw[i + 1] as string;
    return { httpVersionMajor: major, httpVersionMinor: minor, rawHeaders: raw, headers } as unknown as IncomingMessage;
  };
  it("refuses HTTP/1.0 with Transfer-Encoding (RFC 9112 §6.1)", () => {
    assert.equal(badFraming(req(1, 0, ["Host", "a", "Transfer-Encoding", "chunked"])), true);
  });
  it("accepts HTTP/1.0 without it, and HTTP/1.1 with it", () => {
    assert.equal(badFraming(req(1, 0, ["Host", "a", "Content-Length", "3"])), false);
    assert.equal(badFraming(req(1, 1, ["Host", "a", "Transfer-Encoding", "chunked"])), false);
  });
  it("refuses two Host lines in any version", () => {
    assert.equal(badFraming(req(1, 1, ["Host", "a", "Host", "b"])), true);
    assert.equal(badFraming(req(1, 0, ["Host", "a", "Host", "b"])), true);
  });
});
