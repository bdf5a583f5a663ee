import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { timeOfDay, utcDate } from "./utc-time.ts";

describe("utc-time", () => {
  it("formats like Date#toISOString", () => {
    for (const ms of [0, 1, 999, 1000, 59_999, 3_599_999, Date.UTC(2026, 11, 3, 15, 12, 7, 123), Date.UTC(2025, 0, 1, 23, 59, 59, 999), Date.UTC(2024, 1, 29, 0, 0, 0, 5)]) {
      const iso = new Date(ms).toISOString();
      assert.equal(timeOfDay(ms), iso.slice(11, 23), iso);
      assert.equal(utcDate(ms), iso.slice(0, 10), iso);
    }
  });
});
