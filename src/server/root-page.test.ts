import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { rootPage, wantsRootPage, type RootPageRequest } from "./root-page.ts";

const HTML = "text/html,application/xhtml+xml,*/*;q=0.8";
const req = (over: Partial<RootPageRequest> & { accept?: string; authorization?: string } = {}): RootPageRequest => ({
  method: over.method ?? "GET",
  path: over.path ?? "/",
  rawQuery: over.rawQuery ?? "",
  host: over.host ?? "localhost:4566",
  headers: { ...(over.accept !== undefined ? { accept: over.accept } : { accept: HTML }), ...(over.authorization !== undefined ? { authorization: over.authorization } : {}) },
});

describe("wantsRootPage (a browser at the endpoint's root, nothing S3 clients send)", () => {
  const cases: Array<[string, RootPageRequest, boolean]> = [
    ["a browser at localhost", req(), true],
    ["a browser at 127.0.0.1", req({ host: "127.0.0.1:4566" }), true],
    ["HEAD", req({ method: "HEAD" }), true],
    ["curl (Accept: */*)", req({ accept: "*/*" }), false],
    ["no Accept", req({ accept: "" }), false],
    ["signed ListBuckets", req({ authorization: "AWS4-HMAC-SHA256 Credential=test/20250101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=x" }), false],
    ["a query (ListBuckets parameters, presigned URLs)", req({ rawQuery: "max-buckets=1" }), false],
    ["a virtual-hosted bucket", req({ host: "my-bucket.localhost:4566" }), false],
    ["a path below the root", req({ path: "/my-bucket" }), false],
    ["POST", req({ method: "POST" }), false],
  ];
  for (const [name, r, expected] of cases) it(`${name}: ${expected}`, () => assert.equal(wantsRootPage(r), expected));
});

describe("rootPage", () => {
  it("says so when there is no distribution yet, and links to the dashboard", () => {
    const page = rootPage({ version: "1.2.3", host: "localhost:4566", secure: false, distributions: [] }).body;
    assert.match(page, /None yet/);
    assert.match(page, /aws --endpoint-url http:\/\/localhost:4566 cloudfront create-distribution/);
    assert.match(page, /href="\/_minifront\/ui"/);
  });
});
