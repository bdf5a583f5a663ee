// The pure rules of the object features, as tables: tag validation ("Categorizing your objects
// using tags"), what Object Lock holds ("Locking objects with Object Lock"), POST policies
// ("Creating a POST policy") and torrent bencoding (BEP 3).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ServiceError } from "../../../api/errors.ts";
import { tagsFromHeader, validateTags } from "./object-tagging.ts";
import { lockForbidsDelete } from "./object-lock.ts";
import { bencode } from "./object-torrent.ts";
import { checkPolicy } from "../post-upload.ts";
import type { ObjectMeta } from "../storage.ts";

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof ServiceError) return err.code;
    throw err;
  }
  return undefined;
}

describe("object tags", () => {
  const cases: Array<[string, () => unknown, string | undefined]> = [
    ["ten tags", () => validateTags(Array.from({ length: 10 }, (_, i) => ({ Key: `k${i}`, Value: "" }))), undefined],
    ["eleven tags", () => validateTags(Array.from({ length: 11 }, (_, i) => ({ Key: `k${i}`, Value: "" }))), "InvalidTag"],
    ["a 128-character key (multibyte counts as one)", () => validateTags([{ Key: "é".repeat(128), Value: "v" }]), undefined],
    ["a 129-character key", () => validateTags([{ Key: "k".repeat(129), Value: "v" }]), "InvalidTag"],
    ["a 257-character value", () => validateTags([{ Key: "k", Value: "v".repeat(257) }]), "InvalidTag"],
    ["an empty key", () => validateTags([{ Key: "", Value: "v" }]), "InvalidTag"],
    ["a repeated key", () => validateTags([{ Key: "a", Value: "1" }, { Key: "a", Value: "2" }]), "InvalidTag"],
    ["keys differing in case", () => validateTags([{ Key: "a", Value: "1" }, { Key: "A", Value: "2" }]), undefined],
  ];
  for (const [name, fn, expected] of cases) it(`${name} → ${expected ?? "accepted"}`, () => assert.equal(code(fn), expected));

  it("x-amz-tagging is a URL-encoded query string; empty means none", () => {
    assert.deepEqual(tagsFromHeader("a=1&b=x%20y&c="), [
      { Key: "a", Value: "1" },
      { Key: "b", Value: "x y" },
      { Key: "c", Value: "" },
    ]);
    assert.equal(tagsFromHeader(""), undefined);
    assert.equal(tagsFromHeader(undefined), undefined);
  });
});

describe("Object Lock against a delete by version id", () => {
  const NOW = Date.parse("2026-06-01T00:00:00Z");
  const until = (ms: number) => new Date(NOW + ms).toISOString();
  const cases: Array<[string, ObjectMeta, boolean, boolean]> = [
    ["no lock", {}, false, false],
    ["GOVERNANCE in force", { retention: { Mode: "GOVERNANCE", RetainUntilDate: until(1000) } }, false, true],
    ["GOVERNANCE in force, bypassed", { retention: { Mode: "GOVERNANCE", RetainUntilDate: until(1000) } }, true, false],
    ["COMPLIANCE in force, bypass asked", { retention: { Mode: "COMPLIANCE", RetainUntilDate: until(1000) } }, true, true],
    ["COMPLIANCE expired", { retention: { Mode: "COMPLIANCE", RetainUntilDate: until(-1000) } }, false, false],
    ["legal hold ON, bypass asked", { legalHold: "ON" }, true, true],
    ["legal hold OFF", { legalHold: "OFF" }, false, false],
  ];
  for (const [name, meta, bypass, forbidden] of cases) it(`${name} → ${forbidden ? "refused" : "allowed"}`, () => assert.equal(lockForbidsDelete(meta, NOW, bypass), forbidden));
});

describe("POST policies", () => {
  const NOW = Date.parse("2026-06-01T00:00:00Z");
  const policy = (conditions: unknown[], expiration = "2026-06-02T00:00:00Z") => Buffer.from(JSON.stringify({ expiration, conditions })).toString("base64");
  const fields = (extra: Record<string, string> = {}) => new Map(Object.entries({ key: "uploads/a.txt", ...extra }));
  const base = [{ bucket: "b" }, ["starts-with", "$key", "uploads/"]];
  const cases: Array<[string, string, Map<string, string>, number, string | undefined]> = [
    ["every field covered", policy(base), fields(), 10, undefined],
    ["expired", policy(base, "2026-05-31T00:00:00Z"), fields(), 10, "AccessDenied"],
    ["another bucket", policy([{ bucket: "other" }, ["starts-with", "$key", ""]]), fields(), 10, "AccessDenied"],
    ["key outside the prefix", policy(base), fields({ key: "elsewhere/a.txt" }), 10, "AccessDenied"],
    ["an extra field", policy(base), fields({ "x-amz-meta-a": "1" }), 10, "AccessDenied"],
    ["x-ignore- fields need no condition", policy(base), fields({ "x-ignore-me": "1" }), 10, undefined],
    ["eq on a field, any case of its name", policy([...base, ["eq", "$Content-Type", "text/plain"]]), fields({ "content-type": "text/plain" }), 10, undefined],
    ["too large", policy([...base, ["content-length-range", 0, 5]]), fields(), 10, "EntityTooLarge"],
    ["too small", policy([...base, ["content-length-range", 20, 50]]), fields(), 10, "EntityTooSmall"],
    ["not JSON", "bm90IGpzb24=", fields(), 10, "InvalidPolicyDocument"],
  ];
  for (const [name, p, f, size, expected] of cases) {
    it(`${name} → ${expected ?? "accepted"}`, () => assert.equal(code(() => checkPolicy(p, f, "b", f.get("key") ?? "", size, NOW)), expected));
  }
});

describe("bencoding (BEP 3)", () => {
  it("encodes integers, strings, lists and dictionaries with sorted keys", () => {
    assert.equal(bencode({ z: 1, a: ["x", 2], m: { b: "c" } }).toString(), "d1:al1:xi2ee1:md1:b1:ce1:zi1ee");
    assert.equal(bencode(Buffer.from([0xff, 0x00])).toString("latin1"), "2:\xff\x00");
  });
});
