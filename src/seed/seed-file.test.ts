import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fillQuantities, readSeedFile, resolveRefs } from "./seed-file.ts";

describe("the seed file", () => {
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), "minifront-seed-unit-"))));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, body: unknown) => {
    const path = join(dir, name);
    writeFileSync(path, typeof body === "string" ? body : JSON.stringify(body));
    return path;
  };

  it("reads a file and resolves paths against its folder", () => {
    const { seed, baseDir } = readSeedFile(write("ok.json", { buckets: { b: { objects: { "a.txt": { text: "a" } } } } }));
    assert.equal(baseDir, dir);
    assert.equal(seed.buckets?.b?.objects?.["a.txt"]?.text, "a");
  });

  const bad: Array<[string, unknown, RegExp]> = [
    ["not JSON", "{", /cannot read the seed file/],
    ["not an object", [], /must be a JSON object/],
    ["an unknown section", { bucket: {} }, /unknown section "bucket"/],
    ["a section that is not an object", { functions: [] }, /"functions" must be an object/],
    ["an object with neither text nor file", { buckets: { b: { objects: { k: {} } } } }, /object b\/k needs either "text" or "file"/],
    ["an object with both", { buckets: { b: { objects: { k: { text: "", file: "x" } } } } }, /needs either/],
    ["a function without code", { functions: { f: {} } }, /function f needs "file"/],
    ["keys that are not strings", { keyValueStores: { s: { keys: { k: 1 } } } }, /"keys" must map keys to string values/],
  ];
  for (const [name, body, error] of bad) it(`refuses ${name}`, () => assert.throws(() => readSeedFile(write("bad.json", body)), error));

  it("resolves ${kind:name} references in every string, and refuses unknown ones", () => {
    const refs = new Map([["oac:o", "E2OAC"], ["bucket:b", "b.s3.us-east-1.amazonaws.com"], ["account:", "123456789012"]]);
    const lookup = (kind: string, name: string) => refs.get(`${kind}:${name}`);
    assert.deepEqual(resolveRefs({ Items: [{ DomainName: "${bucket:b}", OriginAccessControlId: "${oac:o}", n: 1 }], arn: "arn:aws:s3:::${account}" }, lookup, "x"), {
      Items: [{ DomainName: "b.s3.us-east-1.amazonaws.com", OriginAccessControlId: "E2OAC", n: 1 }],
      arn: "arn:aws:s3:::123456789012",
    });
    assert.throws(() => resolveRefs({ a: "${function:nope}" }, lookup, "distribution d"), /distribution d: \$\{function:nope\} names nothing declared/);
  });

  it("adds Quantity beside Items lists that have none, at any depth", () => {
    assert.deepEqual(fillQuantities({ Origins: { Items: [{ CustomHeaders: { Items: [] } }] }, Aliases: { Quantity: 0, Items: ["x"] } }), {
      Origins: { Items: [{ CustomHeaders: { Items: [], Quantity: 0 } }], Quantity: 1 },
      Aliases: { Quantity: 0, Items: ["x"] },
    });
  });
});
