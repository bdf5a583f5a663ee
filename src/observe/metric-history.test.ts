import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { EdgeRecord } from "./edge-record.ts";
import { createMetricHistory, HISTORY_MINUTES, MINUTE_MS } from "./metric-history.ts";
import { cloudFrontSeries } from "./cloudfront-series.ts";
import { functionNameOf } from "./function-runs.ts";

const T0 = Date.UTC(2026, 0, 2, 3, 4, 0);
const rec = (over: Partial<EdgeRecord>): EdgeRecord => ({ time: T0, distributionId: "E1", method: "GET", status: 200, xCache: "Hit", bytesSent: 100, bytesReceived: 10, originMs: undefined, ...over }) as EdgeRecord;

describe("metric history", () => {
  it("counts a distribution's minute: requests, bytes by method, 4xx/5xx", () => {
    const h = createMetricHistory(() => false);
    h.sink(rec({}));
    h.sink(rec({ method: "POST", status: 403, xCache: "Error" }));
    h.sink(rec({ status: 502, time: T0 + 59_999 }));
    const [m] = h.distributions().get("E1")!;
    assert.deepEqual([m!.minute, m!.requests, m!.bytesDownloaded, m!.bytesUploaded, m!.errors4xx, m!.errors5xx, m!.additional], [T0 / MINUTE_MS, 3, 200, 10, 1, 1, false]);
    // Without a subscription the additional counters stay at zero.
    assert.equal(m!.errors403 + m!.cacheable + m!.originCount, 0);
  });

  it("counts the additional metrics in minutes with a subscription; CacheHitRate leaves out POST, PUT and errors", () => {
    let on = false;
    const h = createMetricHistory(() => on);
    h.sink(rec({}));
    on = true; // asked again only when the next minute starts
    h.sink(rec({ xCache: "Miss", originMs: 40 }));
    h.sink(rec({ time: T0 + MINUTE_MS }));
    h.sink(rec({ time: T0 + MINUTE_MS, xCache: "Miss", originMs: 20 }));
    h.sink(rec({ time: T0 + MINUTE_MS, xCache: "Miss", originMs: 60 }));
    h.sink(rec({ time: T0 + MINUTE_MS, method: "PUT", xCache: "Miss" }));
    h.sink(rec({ time: T0 + MINUTE_MS, status: 404, xCache: "Error" }));
    const [first, second] = h.distributions().get("E1")!;
    assert.equal(first!.additional, false);
    assert.deepEqual([second!.cacheable, second!.hits, second!.errors404, second!.originCount, second!.originSum, second!.originMin, second!.originMax], [3, 1, 1, 2, 80, 20, 60]);
    const series = new Map(cloudFrontSeries(h).map((s) => [s.metricName, s]));
    assert.equal(series.get("Requests")!.points.length, 2);
    assert.deepEqual(series.get("CacheHitRate")!.points.map((p) => Math.round(p.sum)), [33]);
    assert.deepEqual(series.get("404ErrorRate")!.points.map((p) => p.sum), [20]);
    assert.deepEqual(series.get("OriginLatency")!.points.map((p) => [p.sampleCount, p.sum, p.min, p.max]), [[2, 80, 20, 60]]);
    assert.deepEqual(series.get("Requests")!.dimensions, [{ Name: "DistributionId", Value: "E1" }, { Name: "Region", Value: "Global" }]);
  });

  it("keeps a day of minutes", () => {
    const h = createMetricHistory(() => false);
    h.sink(rec({}));
    h.sink(rec({ time: T0 + MINUTE_MS }));
    h.sink(rec({ time: T0 + HISTORY_MINUTES * MINUTE_MS }));
    assert.deepEqual(h.distributions().get("E1")!.map((m) => m.minute - T0 / MINUTE_MS), [1, HISTORY_MINUTES]);
  });

  it("counts function runs by outcome, with compute utilization as a statistic set", () => {
    const h = createMetricHistory(() => false);
    h.recordFunction("f", T0, { kind: "request", computeUtilization: 10 });
    h.recordFunction("f", T0, { kind: "error", error: "FunctionExecutionError", computeUtilization: 30 });
    h.recordFunction("f", T0, { kind: "error", error: "FunctionValidationError", computeUtilization: 20 });
    h.recordFunction("f", T0, { kind: "error", error: "FunctionThrottledError", computeUtilization: 100 });
    const series = new Map(cloudFrontSeries(h).map((s) => [s.metricName, s]));
    assert.deepEqual(["FunctionInvocations", "FunctionExecutionErrors", "FunctionValidationErrors", "FunctionThrottles"].map((n) => series.get(n)!.points[0]!.sum), [4, 1, 1, 1]);
    const u = series.get("FunctionComputeUtilization")!.points[0]!;
    assert.deepEqual([u.sampleCount, u.sum, u.min, u.max], [4, 160, 10, 100]);
    assert.deepEqual(series.get("FunctionInvocations")!.dimensions, [{ Name: "FunctionName", Value: "f" }, { Name: "Region", Value: "Global" }]);
  });

  it("names a function from its runnable key", () => {
    assert.equal(functionNameOf({ key: "arn:aws:cloudfront::123456789012:function/my-fn#E3AB", code: "", runtime: "cloudfront-js-2.0", kvsArns: [] }), "my-fn");
  });
});
