// Website redirects (website-routing.ts; S3 User Guide "Configuring a webpage redirect", the
// RoutingRule, Condition and Redirect data types).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { RoutingRule, WebsiteConfiguration } from "@aws-sdk/client-s3";
import { ServiceError } from "../../api/errors.ts";
import { redirectAllRequests, routingRedirect, validateRoutingRules } from "./website-routing.ts";

const req = (key: string) => ({ key, path: `/${key}`, host: "site.s3-website.localhost:4566", protocol: "http" as const });
const site = (...rules: RoutingRule[]): WebsiteConfiguration => ({ IndexDocument: { Suffix: "index.html" }, RoutingRules: rules });

describe("routing rules", () => {
  const rules = site(
    { Condition: { KeyPrefixEquals: "docs/" }, Redirect: { ReplaceKeyPrefixWith: "documents/" } },
    { Condition: { KeyPrefixEquals: "img/", HttpErrorCodeReturnedEquals: "404" }, Redirect: { HostName: "cdn.example.com", Protocol: "https", HttpRedirectCode: "302" } },
    { Condition: { HttpErrorCodeReturnedEquals: "404" }, Redirect: { ReplaceKeyWith: "404.html" } },
  );
  for (const [key, error, expected] of [
    ["docs/a.html", undefined, "301 http://site.s3-website.localhost:4566/documents/a.html"],
    ["docs/a.html", 404, "301 http://site.s3-website.localhost:4566/404.html"],
    ["img/x.png", undefined, undefined],
    ["img/x.png", 404, "302 https://cdn.example.com/img/x.png"],
    ["img/x.png", 403, undefined],
    ["other.html", 404, "301 http://site.s3-website.localhost:4566/404.html"],
  ] as const) {
    it(`${key}${error ? ` after ${error}` : " before the lookup"} → ${expected ?? "no redirect"}`, () => {
      const r = routingRedirect(rules, req(key), error);
      assert.equal(r && `${r.status} ${r.location}`, expected);
    });
  }
  it("a rule without a condition redirects everything; RedirectAllRequestsTo keeps the path", () => {
    assert.equal(routingRedirect(site({ Redirect: { HostName: "new.example.com" } }), req("a b"))?.location, "http://new.example.com/a%20b");
    assert.deepEqual(redirectAllRequests({ RedirectAllRequestsTo: { HostName: "www.example.com" } }, req("x/y")), { status: 301, location: "http://www.example.com/x/y" });
  });
});

describe("validateRoutingRules", () => {
  const codeOf = (rules: readonly RoutingRule[]) => {
    try {
      validateRoutingRules(rules);
    } catch (err) {
      if (err instanceof ServiceError) return err.code;
      throw err;
    }
    return "ok";
  };
  for (const [what, rules, expected] of [
    ["a valid rule", [{ Condition: { KeyPrefixEquals: "a/" }, Redirect: { ReplaceKeyPrefixWith: "b/" } }], "ok"],
    ["both replacements", [{ Redirect: { ReplaceKeyPrefixWith: "b/", ReplaceKeyWith: "c" } }], "InvalidRequest"],
    ["an empty condition", [{ Condition: {}, Redirect: { HostName: "x" } }], "InvalidRequest"],
    ["a protocol other than http(s)", [{ Redirect: { Protocol: "ftp" as "http" } }], "InvalidRequest"],
    ["a redirect code outside 3XX", [{ Redirect: { HttpRedirectCode: "200" } }], "InvalidRequest"],
    ["no redirect", [{ Condition: { KeyPrefixEquals: "a" } } as RoutingRule], "MalformedXML"],
    ["no rules", [], "MalformedXML"],
  ] as const) {
    it(`${what}: ${expected}`, () => assert.equal(codeOf(rules), expected));
  }
});
