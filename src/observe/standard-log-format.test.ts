// The legacy standard log's line format (CloudFront Developer Guide, "Standard logging reference",
// "Log file fields"): 33 tab-separated fields in AWS's order, `-` for empty values, URL-encoding.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { EdgeRecord } from "./edge-record.ts";
import { encode, resultTypes, STANDARD_LOG_FIELDS, STANDARD_LOG_HEADER, standardLogLine } from "./standard-log-format.ts";
import { logBucketName, logFileKey } from "./standard-logs.ts";

const RECORD: EdgeRecord = {
  time: Date.UTC(2019, 11, 4, 21, 2, 31, 250),
  distributionId: "EMLARXS9EXAMPLE",
  distributionDomain: "d111111abcdef8.cloudfront.net",
  host: "d111111abcdef8.cloudfront.net",
  pop: "LAX1-C1",
  requestId: "nBkVz4y6ouVBAuVxEvByc0XXtCaD9dYB4E5c3s9WmG-2f3RLNq6FtQ==",
  method: "GET",
  path: "/index.html",
  query: "",
  status: 200,
  xCache: "RefreshHit",
  completed: true,
  bytesSent: 392,
  bytesReceived: 385,
  totalMs: 1,
  originMs: undefined,
  layer: "EDGE",
  viewerIp: "192.0.2.100",
  viewerPort: 11040,
  protocol: "https",
  httpVersion: "HTTP/1.1",
  tlsProtocol: "TLSv1.2",
  tlsCipher: "ECDHE-RSA-AES128-GCM-SHA256",
  userAgent: "curl/7.63.0",
  referer: undefined,
  cookie: "a=b",
  forwardedFor: undefined,
  contentType: "text/html",
  contentLength: 78,
  rangeStart: undefined,
  rangeEnd: undefined,
  requestHeaders: {},
};

describe("standard log format", () => {
  it("has the header and the 33 fields in AWS's order", () => {
    assert.equal(STANDARD_LOG_FIELDS.length, 33);
    assert.equal(STANDARD_LOG_HEADER.split("\n")[0], "#Version: 1.0");
    assert.ok(STANDARD_LOG_HEADER.startsWith("#Version: 1.0\n#Fields: date time x-edge-location sc-bytes c-ip cs-method cs(Host) cs-uri-stem sc-status"));
    assert.ok(STANDARD_LOG_HEADER.endsWith("x-edge-detailed-result-type sc-content-type sc-content-len sc-range-start sc-range-end\n"));
  });

  it("writes the guide's example line for the same request", () => {
    // The guide's example (a RefreshHit over HTTPS), field for field.
    assert.equal(
      standardLogLine(RECORD, false),
      [
        "2019-12-04", "21:02:31", "LAX1-C1", "392", "192.0.2.100", "GET", "d111111abcdef8.cloudfront.net", "/index.html", "200", "-", "curl/7.63.0", "-", "-",
        "RefreshHit", "nBkVz4y6ouVBAuVxEvByc0XXtCaD9dYB4E5c3s9WmG-2f3RLNq6FtQ==", "d111111abcdef8.cloudfront.net", "https", "385", "0.001", "-", "TLSv1.2",
        "ECDHE-RSA-AES128-GCM-SHA256", "RefreshHit", "HTTP/1.1", "-", "-", "11040", "0.001", "RefreshHit", "text/html", "78", "-", "-",
      ].join("\t"),
    );
  });

  it("shows cookies only with IncludeCookies", () => {
    assert.equal(standardLogLine(RECORD, true).split("\t")[12], "a=b");
    assert.equal(standardLogLine(RECORD, false).split("\t")[12], "-");
  });

  it("URL-encodes spaces, quotes, tabs and non-ASCII; keeps the viewer's percent-escapes in the URI", () => {
    assert.equal(encode("Mozilla/5.0 (X11)", false), "Mozilla/5.0%20(X11)");
    assert.equal(encode('a"b\tc', false), "a%22b%09c");
    assert.equal(encode("/é", true), "/%C3%A9");
    assert.equal(encode("/a%20b", true), "/a%20b");
    assert.equal(encode("100%", false), "100%25");
    assert.equal(encode("", false), undefined);
  });

  it("derives the result types from X-Cache and the connection", () => {
    assert.deepEqual(resultTypes({ ...RECORD, xCache: "Hit", layer: "Origin Shield" }), { result: "Hit", detailed: "OriginShieldHit" });
    assert.deepEqual(resultTypes({ ...RECORD, xCache: "Error", status: 502 }), { result: "Error", detailed: "Error" });
    assert.deepEqual(resultTypes({ ...RECORD, xCache: "FunctionExecutionError", status: 503 }), { result: "Error", detailed: "FunctionExecutionError" });
    assert.deepEqual(resultTypes({ ...RECORD, completed: false }), { result: "Error", detailed: "ClientCommError" });
    assert.equal(standardLogLine({ ...RECORD, status: 0, completed: false }, false).split("\t")[8], "000");
  });

  it("names files <prefix><distribution-id>.YYYY-MM-DD-HH.<unique>.gz in the named bucket", () => {
    assert.equal(logFileKey("logs/", "EMLARXS9EXAMPLE", RECORD.time, "a1b2c3d4"), "logs/EMLARXS9EXAMPLE.2019-12-04-21.a1b2c3d4.gz");
    assert.equal(logBucketName("amzn-s3-demo-bucket.s3.amazonaws.com"), "amzn-s3-demo-bucket");
    assert.equal(logBucketName("my.logs.s3.us-west-2.amazonaws.com"), "my.logs");
    assert.equal(logBucketName("plain"), "plain");
  });
});
