// The router (router.ts) against the rule it implements, tried the plain way: every template of
// the method in specificity order, the first that matches wins. The router only looks at the
// templates that can match a path's number of segments; it must choose as that plain search does.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { cloudFrontModel } from "../services/cloudfront/index.ts";
import { lambdaModel } from "../services/lambda/index.ts";
import type { ServiceModel } from "./model.ts";
import { createRouter } from "./router.ts";

/** The operation the plain search picks, or undefined. */
function plainMatch(model: ServiceModel, method: string, path: string, query: URLSearchParams): string | undefined {
  const parts = path.split("/").filter((s) => s.length > 0).map((s) => decodeURIComponent(s));
  const ops = [...model.operations.values()].filter((op) => op.method === method);
  const segments = (template: string) => template.split("/").filter((s) => s.length > 0);
  const specificity = (op: (typeof ops)[number]) => segments(op.pathTemplate).filter((s) => !s.startsWith("{")).length * 100 + Object.keys(op.literalQuery).length;
  ops.sort((a, b) => specificity(b) - specificity(a));
  for (const op of ops) {
    if (!Object.entries(op.literalQuery).every(([k, v]) => query.has(k) && (v === "" || query.get(k) === v))) continue;
    const template = segments(op.pathTemplate);
    const greedy = template.at(-1)?.endsWith("+}") ?? false;
    if (greedy ? parts.length < template.length : parts.length !== template.length) continue;
    if (template.every((t, i) => t.startsWith("{") ? (parts[i] ?? "") !== "" : parts[i] === t)) return op.name;
  }
  return undefined;
}

/** Requests made from each template: as written, one segment more, one less, and a very long one. */
function requests(model: ServiceModel): Array<[string, string, URLSearchParams]> {
  const out: Array<[string, string, URLSearchParams]> = [];
  for (const op of model.operations.values()) {
    const path = op.pathTemplate.replace(/\{[^}]+\+\}/g, "a/b/c").replace(/\{[^}]+\}/g, "x1");
    const query = new URLSearchParams(Object.entries(op.literalQuery).map(([k, v]) => [k, v]));
    out.push([op.method, path, query], [op.method, `${path}/extra`, query], [op.method, path.slice(0, path.lastIndexOf("/")), query]);
    out.push([op.method, `${path}${"/s".repeat(40)}`, query], [op.method, path, new URLSearchParams()]);
  }
  return out;
}

describe("router", () => {
  for (const [name, model] of [["CloudFront", cloudFrontModel()], ["Lambda", lambdaModel()]] as const) {
    it(`picks what trying every ${name} template in order picks`, () => {
      const router = createRouter(model);
      let matched = 0;
      for (const [method, path, query] of requests(model)) {
        const expected = plainMatch(model, method, path, query);
        assert.equal(router.match(method, path, query)?.op.name, expected, `${method} ${path}?${query}`);
        if (expected) matched++;
      }
      assert.ok(matched >= model.operations.size, `matched ${matched}`);
    });
  }

  it("routes CloudFront's two POSTs to /distribution by their query", () => {
    const router = createRouter(cloudFrontModel());
    assert.equal(router.match("POST", "/2020-05-31/distribution", new URLSearchParams())?.op.name, "CreateDistribution");
    assert.equal(router.match("POST", "/2020-05-31/distribution", new URLSearchParams("WithTags"))?.op.name, "CreateDistributionWithTags");
    assert.deepEqual(router.match("GET", "/2020-05-31/distribution/E1%2F2/config", new URLSearchParams())?.labels, { Id: "E1/2" });
  });
});
