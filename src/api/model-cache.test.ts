// The schema cache must give the protocol layer exactly the model the SDK package gives it: same
// operations and errors, and the same shapes member by member (compared through NormalizedSchema,
// the view rest-xml and the XML reader use, not through the cache's own encoding).
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { NormalizedSchema } from "@smithy/core/schema";
import { decodeSchemas, encodeSchemas, sdkSchemas } from "./model-cache.ts";
import { loadServiceModel, requiredMemberCount, type ServiceModel } from "./model.ts";

const require = createRequire(import.meta.url);
const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
function cacheDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "minifront-model-cache-"));
  dirs.push(dir);
  return dir;
}

/** A readable description of a shape, members expanded to `depth` levels (models are cyclic). */
function describeShape(schema: NormalizedSchema, depth: number): unknown {
  const traits = JSON.stringify(schema.getMergedTraits());
  const name = schema.getName(true) ?? String(schema.getSchema());
  if (depth === 0) return `${name} ${traits}`;
  if (schema.isStructSchema()) {
    const members = [...schema.structIterator()].map(([member, s]) => [member, describeShape(s, depth - 1)]);
    return { name, traits, required: requiredMemberCount(schema), members };
  }
  if (schema.isListSchema()) return { name, traits, list: describeShape(schema.getValueSchema(), depth - 1) };
  if (schema.isMapSchema()) return { name, traits, key: describeShape(schema.getKeySchema(), depth - 1), value: describeShape(schema.getValueSchema(), depth - 1) };
  return `${name} ${traits}`;
}

function describeModel(model: ServiceModel): unknown {
  return {
    operations: [...model.operations.values()].map((op) => ({
      ...op,
      input: describeShape(op.input, 8),
      output: describeShape(op.output, 8),
    })),
    errors: [...model.errors.values()],
  };
}

for (const [pkg, name] of [
  ["@aws-sdk/client-cloudfront", "cloudfront"],
  ["@aws-sdk/client-s3", "s3"],
  ["@aws-sdk/client-cloudfront-keyvaluestore", "cloudfront-keyvaluestore"],
] as const) {
  describe(`schemas of ${pkg} through the cache`, () => {
    const fromPackage = describeModel(loadServiceModel(name, "ns", require(pkg) as Record<string, unknown>));

    it("give the model the package gives, when the cache is written and when it is read", () => {
      const dir = cacheDir();
      const written = sdkSchemas(pkg, dir);
      assert.equal(readdirSync(dir).filter((f) => f.endsWith(".json")).length, 1);
      const read = sdkSchemas(pkg, dir);
      assert.notEqual(read, written);
      assert.deepEqual(describeModel(loadServiceModel(name, "ns", written)), fromPackage);
      assert.deepEqual(describeModel(loadServiceModel(name, "ns", read)), fromPackage);
    });

    it("encodes what it decodes unchanged", () => {
      const encoded = encodeSchemas(sdkSchemas(pkg, cacheDir()));
      assert.deepEqual(encodeSchemas(decodeSchemas(JSON.parse(JSON.stringify(encoded)))), encoded);
    });
  });
}

describe("the schema cache file", () => {
  it("is read from the package again, and rewritten, when it is damaged", () => {
    const dir = cacheDir();
    sdkSchemas("@aws-sdk/client-cloudfront", dir);
    const [file] = readdirSync(dir);
    writeFileSync(join(dir, file as string), '{"format":1,"table":[[9,');
    const model = loadServiceModel("cloudfront", "ns", sdkSchemas("@aws-sdk/client-cloudfront", dir));
    assert.equal(model.operations.size, 167);
    assert.doesNotThrow(() => decodeSchemas(JSON.parse(readFileSync(join(dir, file as string), "utf8"))));
  });

  it("is ignored when it is of another format", () => {
    const encoded = encodeSchemas(sdkSchemas("@aws-sdk/client-cloudfront", cacheDir()));
    assert.throws(() => decodeSchemas({ ...encoded, format: encoded.format + 1 }), /cache format/);
  });

  it("is not needed: a directory that cannot be written only costs the cache", () => {
    const file = join(cacheDir(), "not-a-dir");
    writeFileSync(file, "");
    assert.equal(loadServiceModel("cloudfront", "ns", sdkSchemas("@aws-sdk/client-cloudfront", join(file, "models"))).operations.size, 167);
  });
});
