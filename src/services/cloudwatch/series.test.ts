import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { aggregate, roundStart, sameDimensions, statisticOf, type Datapoint } from "./series.ts";

const M = 60_000;
const point = (minute: number, value: number, sampleCount = 1): Datapoint => ({ time: minute * M, sampleCount, sum: value * sampleCount, min: value, max: value });

describe("CloudWatch statistics", () => {
  it("combines the datapoints of each period, periods starting at the start time", () => {
    const points = [point(0, 4), point(1, 2), point(5, 10), point(6, 1, 3)];
    const periods = aggregate(points, 0, 10 * M, 5 * M);
    assert.deepEqual(periods.map((p) => p.time), [0, 5 * M]);
    const [a, b] = periods;
    assert.deepEqual(["Sum", "SampleCount", "Minimum", "Maximum", "Average"].map((s) => statisticOf(a!.set, s as never)), [6, 2, 2, 4, 3]);
    assert.deepEqual(["Sum", "SampleCount", "Minimum", "Maximum", "Average"].map((s) => statisticOf(b!.set, s as never)), [13, 4, 1, 10, 3.25]);
  });

  it("leaves out datapoints outside [start, end)", () => {
    assert.deepEqual(aggregate([point(0, 1), point(2, 1), point(3, 1)], 1 * M, 3 * M, M).map((p) => p.time), [2 * M]);
  });

  it("rounds the start time down as CloudWatch does, by the data's age", () => {
    const now = Date.UTC(2026, 5, 1);
    assert.equal(roundStart(now - 90_500, now), now - 120_000);
    assert.equal(roundStart(now - 20 * 86_400_000 - 61_000, now), now - 20 * 86_400_000 - 5 * M);
    assert.equal(roundStart(now - 70 * 86_400_000 - 61_000, now), now - 70 * 86_400_000 - 60 * M);
  });

  it("matches the whole dimension combination, in any order", () => {
    const d = [{ Name: "DistributionId", Value: "E1" }, { Name: "Region", Value: "Global" }];
    assert.ok(sameDimensions(d, [d[1]!, d[0]!]));
    assert.ok(!sameDimensions(d, [d[0]!]));
  });
});
