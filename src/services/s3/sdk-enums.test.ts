// sdk-enums.ts reads a file inside the SDK package rather than its main entry; after an SDK
// upgrade this shows whether that file still holds the values the package exports.
import { it } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import * as enums from "./sdk-enums.ts";

const sdk = createRequire(import.meta.url)("@aws-sdk/client-s3") as Record<string, unknown>;

it("holds the enums @aws-sdk/client-s3 exports, value for value", () => {
  assert.ok(Object.keys(enums).length > 0);
  for (const [name, values] of Object.entries(enums)) assert.deepEqual(values, sdk[name], name);
});
