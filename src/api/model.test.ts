// The operation table comes from the SDK's internal schema format, so it is pinned by a snapshot:
// an SDK upgrade that changes routes shows up here as a diff (docs/decisions.md "Protocol layer").
// Update with: npx node --test --test-update-snapshots src/api/model.test.ts
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { cloudFrontModel } from "../services/cloudfront/index.ts";

describe("CloudFront service model", () => {
  const model = cloudFrontModel();

  it("has all 167 operations of API version 2020-05-31 (docs/control-plane.md §10)", () => {
    assert.equal(model.operations.size, 167);
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
