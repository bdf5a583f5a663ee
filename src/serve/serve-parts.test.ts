import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { contentTypeFor } from "./content-types.ts";
import { invalidationPaths, isIgnored } from "./folder-sync.ts";
import { prepareServe, syncSummary } from "./serve-folder.ts";
import { siteDistributionConfig, siteNames } from "./site-setup.ts";

describe("minifront serve: the pieces", () => {
  it("names a folder's resources stably, as a valid bucket name, told apart by the absolute path", () => {
    const a = siteNames("/home/me/app/dist");
    assert.deepEqual(siteNames("/home/me/app/dist/"), a);
    assert.match(a.bucket, /^minifront-dist-[0-9a-f]{8}$/);
    assert.notEqual(siteNames("/home/me/other/dist").bucket, a.bucket);
    assert.match(siteNames("/tmp/My Site!!").bucket, /^minifront-my-site-[0-9a-f]{8}$/);
    assert.match(siteNames("/").bucket, /^minifront-site-[0-9a-f]{8}$/);
    assert.ok(siteNames(`/${"x".repeat(200)}`).bucket.length <= 63);
  });

  it("makes a single-page-app distribution: index.html as root object and for 403/404 with 200", () => {
    const config = siteDistributionConfig(siteNames("/srv/site"), "E2OAC");
    assert.equal(config.DefaultRootObject, "index.html");
    assert.deepEqual(config.CustomErrorResponses?.Items?.map((e) => [e.ErrorCode, e.ResponsePagePath, e.ResponseCode]), [[403, "/index.html", "200"], [404, "/index.html", "200"]]);
    assert.equal(config.Origins?.Items?.[0]?.OriginAccessControlId, "E2OAC");
  });

  it("checks its arguments, and turns a bare --origin URL into the folder's origin id and passes other entries through", () => {
    const site = mkdtempSync(join(tmpdir(), "minifront-serve-args-"));
    try {
      const { originId } = siteNames(site);
      assert.deepEqual(prepareServe("http://localhost:5173", site), { origins: `${originId}=http://localhost:5173`, devServer: "http://localhost:5173" });
      assert.deepEqual(prepareServe("api=http://localhost:3000", site), { origins: "api=http://localhost:3000", devServer: undefined });
      assert.deepEqual(prepareServe(undefined, site), { origins: undefined, devServer: undefined });
      assert.equal(prepareServe("http://localhost:5173", undefined).devServer, "http://localhost:5173");
      assert.throws(() => prepareServe(undefined, undefined), /serve needs a folder/);
      assert.throws(() => prepareServe(undefined, join(site, "no-such-folder")), /is not a folder/);
    } finally {
      rmSync(site, { recursive: true, force: true });
    }
  });

  it("invalidates each changed path, / beside /index.html, and everything past 300 paths", () => {
    assert.deepEqual(invalidationPaths(["index.html", "assets/a b.js"]), ["/index.html", "/", "/assets/a%20b.js"]);
    assert.deepEqual(invalidationPaths(["docs/index.html"]), ["/docs/index.html"]);
    assert.deepEqual(invalidationPaths(Array.from({ length: 301 }, (_, i) => `f${i}.js`)), ["/*"]);
  });

  it("skips version-control and editor files", () => {
    for (const name of [".git", ".DS_Store", "index.html~", ".index.html.swp", ".x.swx", ".#index.html", "4913"]) assert.equal(isIgnored(name), true, name);
    for (const name of [".well-known", "index.html", "app.js"]) assert.equal(isIgnored(name), false, name);
  });

  it("guesses content types as aws s3 sync does, without charset", () => {
    assert.equal(contentTypeFor("a/index.HTML"), "text/html");
    assert.equal(contentTypeFor("app.js"), "text/javascript");
    assert.equal(contentTypeFor("logo.svg"), "image/svg+xml");
    assert.equal(contentTypeFor("app.js.map"), undefined);
    assert.equal(contentTypeFor("LICENSE"), undefined);
  });

  it("summarises a sync in one line, at most ten names a list", () => {
    assert.equal(syncSummary({ uploaded: ["index.html"], deleted: ["old.txt"], unchanged: 3 }), "1 changed (index.html), 1 removed (old.txt)");
    const many = Array.from({ length: 12 }, (_, i) => `f${i}`);
    assert.match(syncSummary({ uploaded: many, deleted: [], unchanged: 0 }), /^12 changed \(f0, .*, f9, and 2 more\)$/);
  });
});
