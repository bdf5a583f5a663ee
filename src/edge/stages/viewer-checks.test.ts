import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { CompiledBehavior, CompiledDistribution } from "../compile.ts";
import { checkDistribution, checkViewer, type ViewerFacts } from "./viewer-checks.ts";

const behavior = (over: Partial<CompiledBehavior> = {}) => ({ allowedMethods: new Set(["GET", "HEAD"]), viewerProtocolPolicy: "allow-all", ...over }) as CompiledBehavior;
const viewer = (over: Partial<ViewerFacts> = {}): ViewerFacts => ({ method: "GET", protocol: "http", httpVersion: "1.1", hasBody: false, host: "d1.cloudfront.net:4566", rawUrl: "/a?b=1", httpsPort: undefined, ...over });

describe("viewer checks (docs/edge.md §1 steps 2-10)", () => {
  it("refuses a disabled distribution without a custom error page, and a blocked country with one", () => {
    const dist = (enabled: boolean, type = "none") => ({ enabled, geo: { type, locations: new Set(["FR"]) } }) as unknown as CompiledDistribution;
    assert.equal(checkDistribution(dist(false), () => "US")?.errorPage, false);
    assert.equal(checkDistribution(dist(true, "blacklist"), () => "FR")?.status, 403);
    assert.equal(checkDistribution(dist(true, "blacklist"), () => "US"), undefined);
    assert.equal(checkDistribution(dist(true, "whitelist"), () => "US")?.errorPage, true);
  });

  const table: Array<[string, Partial<CompiledBehavior>, Partial<ViewerFacts>, string | undefined]> = [
    ["a plain GET goes on", {}, {}, undefined],
    ["a method outside AllowedMethods is 403 (docs/edge.md §4)", {}, { method: "POST" }, "refuse 403"],
    ["a GET with a body is 403 and closes", {}, { hasBody: true }, "refuse 403 close"],
    ["a HEAD with a body is 403", {}, { method: "HEAD", hasBody: true }, "refuse 403 close"],
    ["a POST with a body goes on", { allowedMethods: new Set(["GET", "HEAD", "POST"]) }, { method: "POST", hasBody: true }, undefined],
    ["https-only over HTTP is 403 (docs/edge.md §5)", { viewerProtocolPolicy: "https-only" }, {}, "refuse 403"],
    ["https-only over HTTPS goes on", { viewerProtocolPolicy: "https-only" }, { protocol: "https" }, undefined],
    ["redirect-to-https: GET → 301 to the same host", { viewerProtocolPolicy: "redirect-to-https" }, {}, "redirect 301 https://d1.cloudfront.net:4566/a?b=1"],
    ["redirect-to-https: POST → 307, to the HTTPS listener", { viewerProtocolPolicy: "redirect-to-https", allowedMethods: new Set(["GET", "HEAD", "POST"]) }, { method: "POST", httpsPort: 4443 }, "redirect 307 https://d1.cloudfront.net:4443/a?b=1"],
    ["redirect-to-https: POST over HTTP/1.0 → 403", { viewerProtocolPolicy: "redirect-to-https", allowedMethods: new Set(["GET", "HEAD", "POST"]) }, { method: "POST", httpVersion: "1.0", httpsPort: 443 }, "redirect 403 https://d1.cloudfront.net/a?b=1"],
  ];
  for (const [name, b, v, expected] of table) {
    it(name, () => {
      const out = checkViewer(behavior(b), viewer(v));
      const shown = out === undefined ? undefined : out.kind === "redirect" ? `redirect ${out.status} ${out.location}` : `refuse ${out.status}${out.close ? " close" : ""}`;
      assert.equal(shown, expected);
    });
  }
});
