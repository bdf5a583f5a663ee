import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { cloudFrontHeaderNames, deviceOf } from "./viewer-headers.ts";

describe("CloudFront-* viewer headers", () => {
  const cases: Array<[string, string, Partial<ReturnType<typeof deviceOf>>]> = [
    ["desktop Firefox", "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0", { mobile: false, tablet: false, android: false, ios: false }],
    ["iPhone", "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148", { mobile: true, ios: true, tablet: false }],
    ["iPad", "Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X) AppleWebKit/605.1.15", { tablet: true, ios: true, mobile: false }],
    ["Android phone", "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 Chrome/120.0 Mobile Safari/537.36", { mobile: true, android: true }],
    ["Android tablet", "Mozilla/5.0 (Linux; Android 14; SM-X700) AppleWebKit/537.36 Chrome/120.0 Safari/537.36", { tablet: true, android: true, mobile: false }],
    ["smart TV", "Mozilla/5.0 (SMART-TV; Linux; Tizen 6.0) AppleWebKit/537.36 SamsungBrowser/4.0 TV Safari/537.36", { smarttv: true, mobile: false, tablet: false }],
  ];
  for (const [name, ua, expected] of cases) {
    it(`classifies ${name}`, () => {
      const d = deviceOf(ua);
      for (const [k, v] of Object.entries(expected)) assert.equal(d[k as keyof typeof d], v, k);
    });
  }

  it("keeps only the CloudFront-* names a policy lists, lower-cased", () => {
    assert.deepEqual(cloudFrontHeaderNames(["Origin", "CloudFront-Viewer-Country", "cloudfront-is-mobile-viewer", "CloudFront-Unknown"]), ["cloudfront-is-mobile-viewer", "cloudfront-viewer-country"]);
  });

});
