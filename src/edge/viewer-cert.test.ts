// The CloudFront-Viewer-Cert-* value formats (viewer-cert.ts; CloudFront Developer Guide "Viewer
// mTLS headers for cache policies and forwarded to origin").
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { iso, rfc2253, viewerCertHeader, recordViewerCert } from "./viewer-cert.ts";

describe("viewer certificate headers", () => {
  it("write distinguished names as RFC 2253: least significant first, commas, specials escaped", () => {
    assert.equal(rfc2253("C=US\nST=Washington\nO=mTLS\nCN=client_.com\n"), "CN=client_.com,O=mTLS,ST=Washington,C=US");
    assert.equal(rfc2253("O=Acme, Inc.\nCN=a+b"), "CN=a\\+b,O=Acme\\, Inc.");
  });

  it("write validity dates as ISO 8601 without milliseconds", () => {
    assert.equal(iso("Sep 21 01:50:17 2023 GMT"), "2023-09-21T01:50:17Z");
  });

  it("are absent on a connection the listener did not check, and Present=0 on one without a certificate", () => {
    const unchecked = {};
    assert.equal(viewerCertHeader(unchecked, "cloudfront-viewer-cert-present"), undefined);
    const optional = {};
    recordViewerCert(optional, undefined);
    assert.equal(viewerCertHeader(optional, "cloudfront-viewer-cert-present"), "0");
    assert.equal(viewerCertHeader(optional, "cloudfront-viewer-cert-serial-number"), undefined);
  });
});
