import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { countryResolver, geoAllowed } from "./geo.ts";

describe("viewer country and geo restriction (docs/edge.md §3)", () => {
  const resolve = countryResolver("US", { "10.1.0.0/16": "DE", "192.0.2.7": "FR", "2001:db8::/32": "JP" });
  const cases: Array<[string, Record<string, string>, string, string]> = [
    ["the header wins", { "x-minifront-viewer-country": "br" }, "10.1.2.3", "BR"],
    ["a CIDR range", {}, "10.1.2.3", "DE"],
    ["an IPv4-mapped address", {}, "::ffff:10.1.9.9", "DE"],
    ["a single address", {}, "192.0.2.7", "FR"],
    ["an IPv6 range", {}, "2001:db8::1", "JP"],
    ["no match: the default", {}, "127.0.0.1", "US"],
    ["a malformed header is ignored", { "x-minifront-viewer-country": "Germany" }, "127.0.0.1", "US"],
  ];
  for (const [name, headers, ip, expected] of cases) it(name, () => assert.equal(resolve(headers, ip), expected));

  it("rejects a bad map", () => {
    assert.throws(() => countryResolver("US", { "10.0.0.0/8": "Germany" }), /ISO/);
    assert.throws(() => countryResolver("US", { "not-an-ip/8": "DE" }), /CIDR/);
  });

  it("allows and blocks by list type", () => {
    const allow = { type: "whitelist", locations: new Set(["US", "CA"]) } as const;
    const block = { type: "blacklist", locations: new Set(["RU"]) } as const;
    assert.equal(geoAllowed(allow, "US"), true);
    assert.equal(geoAllowed(allow, "DE"), false);
    assert.equal(geoAllowed(block, "RU"), false);
    assert.equal(geoAllowed(block, "DE"), true);
    assert.equal(geoAllowed({ type: "none", locations: new Set() }, "RU"), true);
  });
});
