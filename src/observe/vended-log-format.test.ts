// Standard logging (v2) files (CloudFront Developer Guide, "Configure standard logging (v2)"): the
// S3 key from the destination prefix and suffix path (Hive-compatible or not), the body by output
// format, and the chosen fields' values.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { gunzipSync } from "node:zlib";
import type { EdgeRecord } from "./edge-record.ts";
import { vendedLogKey } from "./vended-log-keys.ts";
import { vendedLogFile } from "./vended-log-format.ts";
import { vendedLogValues } from "./vended-log-fields.ts";

const TIME = Date.UTC(2025, 0, 2, 3, 4, 5, 678);
const parts = { accountId: "123456789012", distributionId: "E1EXAMPLE", time: TIME, unique: "ab12cd34", extension: "gz" };

describe("vendedLogKey", () => {
  const cases: Array<[string, string, string | undefined, boolean, string]> = [
    ["a bare bucket gets AWS's AWSLogs/ prefix", "arn:aws:s3:::logs", undefined, false, "AWSLogs/123456789012/CloudFront/E1EXAMPLE.2025-01-02-03.ab12cd34.gz"],
    ["the destination's path is the prefix", "arn:aws:s3:::logs/cf", undefined, false, "cf/E1EXAMPLE.2025-01-02-03.ab12cd34.gz"],
    ["variables take the distribution and the request's hour", "arn:aws:s3:::logs/cf/", "/{DistributionId}/{yyyy}/{MM}/{dd}/{HH}/", false, "cf/E1EXAMPLE/2025/01/02/03/E1EXAMPLE.2025-01-02-03.ab12cd34.gz"],
    ["variable names match without case or dashes", "arn:aws:s3:::logs", "{account-id}/{distributionid}", false, "AWSLogs/123456789012/CloudFront/123456789012/E1EXAMPLE/E1EXAMPLE.2025-01-02-03.ab12cd34.gz"],
    [
      "Hive-compatible paths write key=value",
      "arn:aws:s3:::logs/cf",
      "{distributionid}/{yyyy}/{MM}/{dd}/{HH}",
      true,
      "cf/distributionid=E1EXAMPLE/year=2025/month=01/day=02/hour=03/E1EXAMPLE.2025-01-02-03.ab12cd34.gz",
    ],
    ["a bare bucket's prefix is Hive-compatible too", "arn:aws:s3:::logs", "{DistributionId}", true, "AWSLogs/aws-account-id=123456789012/CloudFront/DistributionId=E1EXAMPLE/E1EXAMPLE.2025-01-02-03.ab12cd34.gz"],
  ];
  for (const [name, arn, suffixPath, hive, expected] of cases) {
    it(name, () => assert.equal(vendedLogKey({ ...parts, destinationResourceArn: arn, suffixPath, hive }), expected));
  }
});

describe("vendedLogFile", () => {
  const rows = [
    ["/a", "200"],
    ["/b c", "-"],
  ];
  it("json: one object per line, the fields as keys in order", async () => {
    const file = await vendedLogFile(undefined, ["cs-uri-stem", "sc-status"], undefined, rows);
    assert.equal(file.extension, "gz");
    assert.equal(gunzipSync(file.body).toString(), '{"cs-uri-stem":"/a","sc-status":"200"}\n{"cs-uri-stem":"/b c","sc-status":"-"}\n');
  });
  it("w3c: the #Version and #Fields header, tab-separated by default", async () => {
    const file = await vendedLogFile("w3c", ["cs-uri-stem", "sc-status"], undefined, rows);
    assert.equal(gunzipSync(file.body).toString(), "#Version: 1.0\n#Fields: cs-uri-stem sc-status\n/a\t200\n/b c\t-\n");
  });
  it("plain: the values alone, with the chosen delimiter (`\\t` written out means a tab)", async () => {
    assert.equal(gunzipSync((await vendedLogFile("plain", ["x", "y"], ",", rows)).body).toString(), "/a,200\n/b c,-\n");
    assert.equal(gunzipSync((await vendedLogFile("plain", ["x", "y"], "\\t", rows)).body).toString(), "/a\t200\n/b c\t-\n");
  });
  it("parquet: not gzipped, a .parquet file", async () => {
    const file = await vendedLogFile("parquet", ["x", "y"], undefined, rows);
    assert.equal(file.extension, "parquet");
    assert.equal(file.body.subarray(0, 4).toString(), "PAR1");
  });
});

describe("vendedLogValues", () => {
  const record = {
    time: TIME,
    distributionId: "E1EXAMPLE",
    distributionDomain: "d111111abcdef8.cloudfront.net",
    host: "d111111abcdef8.cloudfront.net",
    pop: "LAX1-C1",
    requestId: "id==",
    method: "GET",
    path: "/index.html",
    query: "",
    status: 200,
    xCache: "Hit",
    completed: true,
    bytesSent: 100,
    bytesReceived: 50,
    totalMs: 2,
    originMs: 12.5,
    layer: "EDGE",
    viewerIp: "2001:db8::1",
    viewerPort: 1234,
    protocol: "http",
    httpVersion: "HTTP/1.1",
    tlsProtocol: undefined,
    tlsCipher: undefined,
    userAgent: "a b",
    referer: undefined,
    cookie: "k=v",
    forwardedFor: undefined,
    contentType: "text/html",
    contentLength: 10,
    rangeStart: undefined,
    rangeEnd: undefined,
    requestHeaders: { accept: "text/html", "user-agent": "a b" },
    notes: { behavior: "images/*" },
  } satisfies EdgeRecord;
  it("writes the legacy fields as the legacy log does, cookies included when chosen", () => {
    assert.deepEqual(vendedLogValues(record, ["date", "cs-uri-stem", "cs(User-Agent)", "cs(Cookie)", "cs-uri-query"]), ["2025-01-02", "/index.html", "a%20b", "k=v", "-"]);
  });
  it("writes the real-time fields it has and `-` for the others", () => {
    assert.deepEqual(vendedLogValues(record, ["timestamp(ms)", "timestamp", "DistributionId", "origin-fbl", "c-ip-version", "cache-behavior-path-pattern", "cs-accept", "cs-headers-count", "asn"]), [
      String(TIME),
      "1735787045.678",
      "E1EXAMPLE",
      "0.013",
      "IPv6",
      "images/*",
      "text/html",
      "2",
      "-",
    ]);
  });
});
