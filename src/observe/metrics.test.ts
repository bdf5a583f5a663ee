import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { EdgeRecord } from "./edge-record.ts";
import { edgeMetrics } from "./metrics.ts";
import { createMetricHistory } from "./metric-history.ts";
import { requestLine } from "./request-log.ts";
import { headField } from "./edge-record.ts";

const base = { time: Date.UTC(2026, 0, 2, 3, 4, 5, 6), distributionId: "E1", distributionDomain: "e1.cloudfront.localhost", host: "e1.cloudfront.localhost", pop: "LOC50-C1", method: "GET", path: "/a", query: "", status: 200, xCache: "Hit", completed: true, bytesSent: 100, bytesReceived: 50, totalMs: 0.25, originMs: undefined } as unknown as EdgeRecord;

describe("metrics", () => {
  it("counts per distribution in the minute history's pass: requests, bytes by method, statuses, results, origin latency", () => {
    const h = createMetricHistory(() => false);
    const m = edgeMetrics(() => h.totals());
    h.sink(base);
    h.sink({ ...base, xCache: "Miss", originMs: 20 } as EdgeRecord);
    h.sink({ ...base, method: "POST", status: 403, xCache: "Error" } as EdgeRecord);
    const c = m.of("E1")!;
    assert.equal(c.requests, 3);
    assert.equal(c.bytesDownloaded, 200);
    assert.equal(c.bytesUploaded, 50);
    assert.equal(c.statuses.get(403), 1);
    assert.equal(c.originRequests, 1);
    const text = m.prometheus();
    assert.match(text, /^cloudfront_requests_total\{distribution_id="E1"\} 3$/m);
    assert.match(text, /^cloudfront_responses_total\{distribution_id="E1",status="200"\} 2$/m);
    assert.match(text, /^cloudfront_origin_latency_seconds_sum\{distribution_id="E1"\} 0.02$/m);
    assert.match(text, /^# TYPE cloudfront_origin_latency_seconds summary$/m);
    assert.match(text, /^cloudfront_cache_results_total\{distribution_id="E1",result="Hit"\} 1$/m);
    // The reset endpoints forget the minutes, never the totals: Prometheus counters only go up.
    h.clear();
    assert.equal(h.distributions().size, 0);
    assert.equal(m.of("E1")!.requests, 3);
  });
});

describe("request line", () => {
  it("is time, distribution, POP, method, path, status, result, bytes, ms (+ origin ms, alias)", () => {
    assert.equal(requestLine(base), "03:04:05.006 E1 LOC50-C1 GET /a 200 Hit 100B 0.3ms");
    assert.equal(requestLine({ ...base, host: "www.example.com", query: "x=1", originMs: 12.34, xCache: "Miss" } as EdgeRecord), "03:04:05.006 E1 (www.example.com) LOC50-C1 GET /a?x=1 200 Miss 100B 0.3ms origin 12.3ms");
    assert.equal(requestLine({ ...base, status: 0, xCache: "", completed: false } as EdgeRecord), "03:04:05.006 E1 LOC50-C1 GET /a 000 - 100B 0.3ms (connection closed)");
  });
});

describe("headField", () => {
  it("finds a header in a rendered head by name, in the case searched", () => {
    const head = "HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\nX-Cache: Hit from cloudfront\r\nX-Cache-Extra: no\r\n\r\n";
    assert.equal(headField(head, head, "X-Cache"), "Hit from cloudfront");
    assert.equal(headField(head, head.toLowerCase(), "content-type"), "text/plain");
    assert.equal(headField(head, head, "Content-Type"), undefined);
  });
});

describe("edge record", () => {
  it("reads the edge's X-Amz-Cf-Pop, X-Amz-Cf-Id and X-Cache lines in one pass, and by name when they are elsewhere", async () => {
    const { recordOf } = await import("./edge-record.ts");
    const make = (head: string) => {
      const socket = { bytesRead: 0, bytesWritten: 0 };
      const req = { method: "GET", url: "/", headers: {}, socket };
      const res = { req, _header: head, statusCode: 200, writableFinished: true };
      return recordOf(req as never, res as never, { started: 0, distributionId: "E1", distributionDomain: "d.example" } as never, 0);
    };
    const edge = make("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nVia: 1.1 x (CloudFront)\r\nX-Amz-Cf-Pop: LOC50-C1\r\nX-Amz-Cf-Id: abc==\r\nX-Cache: RefreshHit from cloudfront\r\nAge: 1\r\n\r\n");
    assert.deepEqual([edge.pop, edge.requestId, edge.xCache], ["LOC50-C1", "abc==", "RefreshHit"]);
    const other = make("HTTP/1.1 502 Bad Gateway\r\nx-cache: Error from cloudfront\r\nX-Amz-Cf-Id: id2\r\nx-amz-cf-pop: P1\r\n\r\n");
    assert.deepEqual([other.pop, other.requestId, other.xCache], ["P1", "id2", "Error"]);
  });
});
