import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { checkIfMatch, pageAfterMarker } from "./common.ts";
import { ServiceError } from "../../../api/errors.ts";

const ids = ["E1", "E2", "E3", "E4", "E5"];
const page = (marker: string | undefined, max: number | undefined) => pageAfterMarker(ids, (x) => x, marker, max);

describe("pageAfterMarker (docs/control-plane.md §2 pagination)", () => {
  it("returns everything with the default MaxItems of 100", () => {
    assert.deepEqual(page(undefined, undefined), { items: ids, maxItems: 100, nextMarker: undefined });
  });
  it("truncates at MaxItems and names the last item as the next marker", () => {
    assert.deepEqual(page(undefined, 2), { items: ["E1", "E2"], maxItems: 2, nextMarker: "E2" });
    assert.deepEqual(page("E2", 2), { items: ["E3", "E4"], maxItems: 2, nextMarker: "E4" });
    assert.deepEqual(page("E4", 2), { items: ["E5"], maxItems: 2, nextMarker: undefined });
  });
  it("gives an empty last page after the final item or an unknown marker", () => {
    assert.deepEqual(page("E5", 2).items, []);
    assert.deepEqual(page("ENOPE", 2).items, []);
  });
  it("rejects a negative or fractional MaxItems", () => {
    assert.throws(() => page(undefined, -1), (e: unknown) => e instanceof ServiceError && e.code === "InvalidArgument");
    assert.throws(() => page(undefined, 1.5), (e: unknown) => e instanceof ServiceError && e.code === "InvalidArgument");
  });
});

describe("checkIfMatch (docs/control-plane.md §3)", () => {
  it("accepts the current ETag, quoted or not", () => {
    checkIfMatch("EABC", "EABC");
    checkIfMatch('"EABC"', "EABC");
  });
  it("refuses a missing one with InvalidIfMatchVersion and a stale one with PreconditionFailed", () => {
    assert.throws(() => checkIfMatch(undefined, "EABC"), (e: unknown) => e instanceof ServiceError && e.code === "InvalidIfMatchVersion");
    assert.throws(() => checkIfMatch("", "EABC"), (e: unknown) => e instanceof ServiceError && e.code === "InvalidIfMatchVersion");
    assert.throws(() => checkIfMatch("EOLD", "EABC"), (e: unknown) => e instanceof ServiceError && e.code === "PreconditionFailed");
  });
});
