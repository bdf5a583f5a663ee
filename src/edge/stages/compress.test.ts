import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { gunzipSync, brotliDecompressSync } from "node:zlib";
import { chooseCoding, compress, normalizeAcceptEncoding } from "./compress.ts";

const both = { gzip: true, brotli: true };

describe("Accept-Encoding normalization (docs/edge.md §6.2)", () => {
  const cases: Array<[string | undefined, { gzip: boolean; brotli: boolean }, string | undefined]> = [
    ["gzip, deflate, br", both, "br,gzip"],
    ["gzip", both, "gzip"],
    ["br", both, "br"],
    ["deflate", both, "identity"],
    [undefined, both, undefined],
    ["br, gzip", { gzip: true, brotli: false }, "gzip"],
    ["br", { gzip: true, brotli: false }, "identity"],
    ["gzip", { gzip: false, brotli: true }, "identity"],
    ["gzip;q=0, br", both, "br"],
    ["GZIP", both, "gzip"],
    ["gzip", { gzip: false, brotli: false }, undefined],
  ];
  for (const [header, flags, expected] of cases) {
    it(`${header ?? "(absent)"} with gzip=${flags.gzip} br=${flags.brotli} → ${expected ?? "(not in key)"}`, () => {
      assert.equal(normalizeAcceptEncoding(header, flags), expected);
    });
  }
});

describe("chooseCoding (docs/edge.md §13)", () => {
  const html = { "content-type": "text/html; charset=utf-8" };
  it("prefers br, then gzip", () => {
    assert.equal(chooseCoding("br,gzip", 200, html, 5000), "br");
    assert.equal(chooseCoding("gzip", 200, html, 5000), "gzip");
  });
  it("leaves small, huge, encoded, unlisted or non-200/403/404 responses alone", () => {
    assert.equal(chooseCoding("gzip", 200, html, 999), undefined);
    assert.equal(chooseCoding("gzip", 200, html, 10_000_001), undefined);
    assert.equal(chooseCoding("gzip", 200, { ...html, "content-encoding": "gzip" }, 5000), undefined);
    assert.equal(chooseCoding("gzip", 200, { "content-type": "image/png" }, 5000), undefined);
    assert.equal(chooseCoding("gzip", 500, html, 5000), undefined);
    assert.equal(chooseCoding("identity", 200, html, 5000), undefined);
    assert.equal(chooseCoding("gzip", 404, html, 5000), "gzip");
  });
  it("compresses, marks the coding, adds Vary and weakens a strong ETag", async () => {
    const body = Buffer.from("hello ".repeat(500));
    const gz = await compress("gzip", body, { ...html, etag: '"abc"', "content-length": String(body.length) });
    assert.deepEqual(gunzipSync(gz.body), body);
    assert.equal(gz.headers["content-encoding"], "gzip");
    assert.equal(gz.headers["vary"], "Accept-Encoding");
    assert.equal(gz.headers["etag"], 'W/"abc"');
    assert.equal(gz.headers["content-length"], undefined);
    const br = await compress("br", body, { ...html, vary: "Origin" });
    assert.deepEqual(brotliDecompressSync(br.body), body);
    assert.equal(br.headers["vary"], "Origin, Accept-Encoding");
  });
});
