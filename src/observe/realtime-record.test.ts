// Real-time log record values (CloudFront Developer Guide, "Real-time logs", "Real-time log
// configuration fields").
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { EdgeRecord } from "./edge-record.ts";
import { realtimeLogLine } from "./realtime-record.ts";
import { inRecordOrder, REALTIME_LOG_FIELDS } from "../services/cloudfront/realtime-log-fields.ts";

const base = {
  time: Date.UTC(2026, 0, 2, 3, 4, 5, 6),
  distributionId: "E1",
  distributionDomain: "e1.cloudfront.localhost",
  host: "www.example.com",
  pop: "LOC50-C1",
  requestId: "abc==",
  method: "GET",
  path: "/a b.txt",
  query: "x=1",
  status: 200,
  xCache: "Miss",
  completed: true,
  bytesSent: 100,
  bytesReceived: 50,
  totalMs: 12.5,
  originMs: 3,
  viewerIp: "127.0.0.1",
  viewerPort: 5000,
  protocol: "http",
  httpVersion: "HTTP/1.1",
  userAgent: "curl/8.0 (x)",
  cookie: undefined,
  requestHeaders: { host: "www.example.com", "user-agent": "curl/8.0 (x)", accept: "*/*" },
} as unknown as EdgeRecord;

const context = { pathPattern: "/a*", country: "DE" };

function values(fields: readonly string[], r: EdgeRecord = base): string[] {
  const line = realtimeLogLine(r, fields, context);
  assert.ok(line.endsWith("\n"));
  return line.slice(0, -1).split("\t");
}

describe("real-time log record", () => {
  it("orders known fields as the guide lists them, each once", () => {
    assert.deepEqual(inRecordOrder(["c-country", "sc-status", "timestamp", "sc-status", "bogus"]), ["timestamp", "sc-status", "c-country"]);
    assert.equal(REALTIME_LOG_FIELDS[0], "timestamp");
    assert.equal(new Set(REALTIME_LOG_FIELDS).size, REALTIME_LOG_FIELDS.length);
  });

  it("writes each value in the field's own form", () => {
    const fields = ["timestamp", "c-ip", "time-to-first-byte", "sc-status", "cs-host", "cs-uri-stem", "x-host-header", "c-ip-version", "cs-user-agent", "cs-uri-query", "x-edge-result-type", "x-edge-detailed-result-type", "c-country", "cache-behavior-path-pattern", "cs-headers", "cs-header-names", "cs-headers-count", "origin-fbl", "asn"];
    assert.deepEqual(values(fields), [
      "1767323045.006",
      "127.0.0.1",
      "0.013",
      "200",
      "www.example.com",
      "/a%20b.txt?x=1",
      "e1.cloudfront.localhost",
      "IPv4",
      "curl/8.0%20(x)",
      "x=1",
      "Miss",
      "Miss",
      "DE",
      "/a*",
      "host:www.example.com%0Auser-agent:curl/8.0%20(x)%0Aaccept:*/*%0A",
      "host%0Auser-agent%0Aaccept%0A",
      "3",
      "0.003",
      "-",
    ]);
  });

  it("writes - for what the request did not have, 000 for no response, IPv6 for an IPv6 viewer", () => {
    const r = { ...base, status: 0, completed: false, viewerIp: "::1", query: "", originMs: undefined, cookie: undefined } as unknown as EdgeRecord;
    assert.deepEqual(values(["sc-status", "c-ip-version", "cs-uri-query", "cs-cookie", "origin-fbl", "x-edge-result-type", "x-edge-detailed-result-type"], r), ["000", "IPv6", "-", "-", "-", "Error", "ClientCommError"]);
  });

  it("cuts cs-cookie at 800 bytes", () => {
    const r = { ...base, cookie: `a=${"b".repeat(1000)}` } as unknown as EdgeRecord;
    assert.equal(values(["cs-cookie"], r)[0]?.length, 800);
  });

  it("reads CMCD from the CMCD query parameter, or else from the CMCD-* headers", () => {
    const fields = ["cmcd-encoded-bitrate", "cmcd-buffer-starvation", "cmcd-content-id", "cmcd-session-id", "cmcd-version"];
    const fromQuery = { ...base, query: `CMCD=${encodeURIComponent('br=3200,bs,cid="movie-1",sid="6e2f"')}` } as unknown as EdgeRecord;
    assert.deepEqual(values(fields, fromQuery), ["3200", "true", "movie-1", "6e2f", "-"]);
    const fromHeaders = { ...base, requestHeaders: { "cmcd-object": "br=800", "cmcd-session": 'sid="s1",v=1' } } as unknown as EdgeRecord;
    assert.deepEqual(values(fields, fromHeaders), ["800", "-", "-", "s1", "1"]);
  });
});
