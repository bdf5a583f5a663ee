// The operation table comes from the SDK's internal schema format, so it is pinned by a snapshot:
// an SDK upgrade that changes routes shows up here as a diff (docs/decisions.md "Protocol layer").
// Update with: npx node --test --test-update-snapshots src/api/model.test.ts
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { HANDLERS, cloudFrontModel } from "../services/cloudfront/index.ts";

// Operations allowed to lack a handler while their family is being built (issue 17); empty since
// all 167 have one. The list only shrinks: an operation without a handler that is not on it fails
// the test, and so does one on it that has a handler (then take it off).
const EXPECTED_MISSING = new Set<string>([
]);

describe("CloudFront service model", () => {
  const model = cloudFrontModel();

  it("has all 167 operations of API version 2020-05-31 (docs/control-plane.md §10)", () => {
    assert.equal(model.operations.size, 167);
  });

  it("has a handler for every operation but the ones still expected to be missing (issue 17)", () => {
    const missing = [...model.operations.keys()].filter((name) => !(name in HANDLERS));
    assert.deepEqual(missing.filter((name) => !EXPECTED_MISSING.has(name)), [], "operations without a handler that EXPECTED_MISSING does not name: give them one");
    assert.deepEqual([...EXPECTED_MISSING].filter((name) => name in HANDLERS), [], "operations that have a handler now: take them off EXPECTED_MISSING");
    assert.ok([...EXPECTED_MISSING].every((name) => model.operations.has(name)), "EXPECTED_MISSING names only operations of the model");
  });

  it("routes every operation as the snapshot says", (t) => {
    const table = [...model.operations.values()].map((op) => {
      const query = new URLSearchParams(op.literalQuery).toString();
      return `${op.name} ${op.method} ${op.pathTemplate}${query ? "?" + query : ""} ${op.successCode}`;
    });
    t.assert.snapshot(table);
  });

  it("knows the error codes with their HTTP status (docs/control-plane.md §5)", () => {
    assert.equal(model.errors.get("NoSuchDistribution")?.status, 404);
    assert.equal(model.errors.get("PreconditionFailed")?.status, 412);
    assert.equal(model.errors.get("DistributionNotDisabled")?.status, 409);
    assert.equal(model.errors.get("RealtimeLogConfigInUse")?.status, 400);
    assert.equal(model.errors.get("TestFunctionFailed")?.type, "Receiver");
    assert.equal(model.errors.size, 152);
  });
});
