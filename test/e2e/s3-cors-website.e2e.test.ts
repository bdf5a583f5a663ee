// CORS on the embedded S3 and the website endpoint's redirects, on a real port (issue 13; cors.ts,
// website-routing.ts). Sources: S3 User Guide "Using cross-origin resource sharing (CORS)" and
// "Troubleshooting CORS"; "Configuring a webpage redirect" and the RoutingRule data type.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { CreateBucketCommand, PutBucketCorsCommand, PutBucketPolicyCommand, PutBucketWebsiteCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { CREDENTIALS, useEmulator } from "../helpers/emulator.ts";
import { header, sendToEdge } from "../helpers/test-origin.ts";

const codeOf = (xml: string) => /<Code>([^<]+)<\/Code>/.exec(xml)?.[1];

describe("S3 CORS and website redirects", () => {
  const t = useEmulator({ s3Access: "enforce" });
  let s3Client: S3Client | undefined;
  before(() => {
    s3Client = new S3Client({ region: "us-east-1", endpoint: t.emu.s3Url, forcePathStyle: true, credentials: CREDENTIALS, maxAttempts: 1 });
  });
  after(() => s3Client?.destroy());
  const s3 = () => s3Client as S3Client;
  const s3Host = () => `127.0.0.1:${t.emu.port}`;
  const publicRead = (bucket: string) =>
    s3().send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: `arn:aws:s3:::${bucket}/*` }] }) }));

  describe("CORS", () => {
    before(async () => {
      await s3().send(new CreateBucketCommand({ Bucket: "cors-bucket" }));
      await s3().send(new PutObjectCommand({ Bucket: "cors-bucket", Key: "data.json", Body: "{}", ContentType: "application/json" }));
      await publicRead("cors-bucket");
      await s3().send(
        new PutBucketCorsCommand({
          Bucket: "cors-bucket",
          CORSConfiguration: {
            CORSRules: [
              { AllowedOrigins: ["https://app.example.com"], AllowedMethods: ["GET", "PUT"], AllowedHeaders: ["content-type", "x-amz-*"], ExposeHeaders: ["ETag"], MaxAgeSeconds: 600 },
              { AllowedOrigins: ["*"], AllowedMethods: ["GET"] },
            ],
          },
        }),
      );
      await s3().send(new CreateBucketCommand({ Bucket: "no-cors" }));
    });
    const options = (path: string, headers: Record<string, string>) => sendToEdge(t.emu.port, s3Host(), path, { method: "OPTIONS", headers });

    it("a preflight that a rule allows is 200 with that rule's Access-Control-* headers, without credentials", async () => {
      const res = await options("/cors-bucket/data.json", { Origin: "https://app.example.com", "Access-Control-Request-Method": "PUT", "Access-Control-Request-Headers": "Content-Type, X-Amz-Meta-Owner" });
      assert.equal(res.status, 200);
      assert.equal(header(res, "access-control-allow-origin"), "https://app.example.com");
      assert.equal(header(res, "access-control-allow-methods"), "GET, PUT");
      assert.equal(header(res, "access-control-allow-headers"), "content-type, x-amz-meta-owner");
      assert.equal(header(res, "access-control-expose-headers"), "ETag");
      assert.equal(header(res, "access-control-max-age"), "600");
      assert.equal(header(res, "access-control-allow-credentials"), "true");
      assert.match(String(header(res, "vary")), /Origin/);
    });

    it("the first matching rule wins; a `*` origin answers `*` without Access-Control-Allow-Credentials", async () => {
      const res = await options("/cors-bucket/data.json", { Origin: "https://other.example", "Access-Control-Request-Method": "GET" });
      assert.equal(res.status, 200);
      assert.equal(header(res, "access-control-allow-origin"), "*");
      assert.equal(header(res, "access-control-allow-credentials"), undefined);
    });

    it("a preflight no rule allows is 403 AccessForbidden; a bucket without CORS says CORS is not enabled; no Origin is 400", async () => {
      const refused = await options("/cors-bucket/data.json", { Origin: "https://other.example", "Access-Control-Request-Method": "DELETE" });
      assert.equal(refused.status, 403);
      assert.equal(codeOf(refused.body), "AccessForbidden");
      assert.match(refused.body, /This CORS request is not allowed/);
      assert.match(refused.body, /<ResourceType>OBJECT<\/ResourceType>/);
      const header403 = await options("/cors-bucket/data.json", { Origin: "https://app.example.com", "Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "authorization" });
      assert.equal(header403.status, 403, "a header no rule allows");
      const disabled = await options("/no-cors", { Origin: "https://app.example.com", "Access-Control-Request-Method": "GET" });
      assert.equal(disabled.status, 403);
      assert.match(disabled.body, /CORS is not enabled for this bucket/);
      assert.match(disabled.body, /<ResourceType>BUCKET<\/ResourceType>/);
      const noOrigin = await options("/cors-bucket/data.json", { "Access-Control-Request-Method": "GET" });
      assert.equal(noOrigin.status, 400);
      assert.equal(codeOf(noOrigin.body), "BadRequest");
    });

    it("a GET with Origin gets the matching rule's headers; without Origin, none", async () => {
      const res = await sendToEdge(t.emu.port, s3Host(), "/cors-bucket/data.json", { headers: { Origin: "https://app.example.com" } });
      assert.equal(res.status, 200);
      assert.equal(header(res, "access-control-allow-origin"), "https://app.example.com");
      assert.equal(header(res, "access-control-expose-headers"), "ETag");
      const plain = await sendToEdge(t.emu.port, s3Host(), "/cors-bucket/data.json");
      assert.equal(header(plain, "access-control-allow-origin"), undefined);
      const unmatched = await sendToEdge(t.emu.port, s3Host(), "/cors-bucket/data.json", { method: "HEAD", headers: { Origin: "https://other.example" } });
      assert.equal(header(unmatched, "access-control-allow-origin"), undefined, "no rule allows HEAD from that origin");
    });
  });

  describe("website redirects", () => {
    const web = (bucket: string, path: string) => sendToEdge(t.emu.port, `${bucket}.s3-website.localhost:${t.emu.port}`, path);

    it("RedirectAllRequestsTo sends every path to the other host (301)", async () => {
      await s3().send(new CreateBucketCommand({ Bucket: "old-site" }));
      await s3().send(new PutBucketWebsiteCommand({ Bucket: "old-site", WebsiteConfiguration: { RedirectAllRequestsTo: { HostName: "www.example.com", Protocol: "https" } } }));
      const res = await web("old-site", "/docs/page.html");
      assert.equal(res.status, 301);
      assert.equal(header(res, "location"), "https://www.example.com/docs/page.html");
    });

    it("routing rules: a key prefix is replaced before the lookup; a 404 is redirected by an error-code rule; an object's redirect location answers 301", async () => {
      const bucket = "routed-site";
      await s3().send(new CreateBucketCommand({ Bucket: bucket }));
      await s3().send(new PutObjectCommand({ Bucket: bucket, Key: "index.html", Body: "home", ContentType: "text/html" }));
      await s3().send(new PutObjectCommand({ Bucket: bucket, Key: "moved.html", Body: "moved", WebsiteRedirectLocation: "/index.html" }));
      await s3().send(
        new PutBucketPolicyCommand({
          Bucket: bucket,
          Policy: JSON.stringify({
            Version: "2012-10-17",
            Statement: [
              { Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: `arn:aws:s3:::${bucket}/*` },
              { Effect: "Allow", Principal: "*", Action: "s3:ListBucket", Resource: `arn:aws:s3:::${bucket}` },
            ],
          }),
        }),
      );
      await s3().send(
        new PutBucketWebsiteCommand({
          Bucket: bucket,
          WebsiteConfiguration: {
            IndexDocument: { Suffix: "index.html" },
            RoutingRules: [
              { Condition: { KeyPrefixEquals: "docs/" }, Redirect: { ReplaceKeyPrefixWith: "documents/", HttpRedirectCode: "302" } },
              { Condition: { HttpErrorCodeReturnedEquals: "404" }, Redirect: { HostName: "fallback.example.com", ReplaceKeyPrefixWith: "report-404/" } },
            ],
          },
        }),
      );
      const prefixed = await web(bucket, "/docs/a%20b.html");
      assert.equal(prefixed.status, 302);
      assert.equal(header(prefixed, "location"), `http://${bucket}.s3-website.localhost:${t.emu.port}/documents/a%20b.html`);
      const missing = await web(bucket, "/nope.html");
      assert.equal(missing.status, 301);
      assert.equal(header(missing, "location"), "http://fallback.example.com/report-404/nope.html");
      const moved = await web(bucket, "/moved.html");
      assert.equal(moved.status, 301);
      assert.equal(header(moved, "location"), "/index.html");
      assert.equal((await web(bucket, "/")).body, "home");
    });

    it("PutBucketWebsite refuses a rule that replaces both the key and its prefix, and keeps the configuration it had", async () => {
      const bucket = "routed-site";
      const both = { Redirect: { ReplaceKeyWith: "a.html", ReplaceKeyPrefixWith: "b/" } };
      const err = await s3()
        .send(new PutBucketWebsiteCommand({ Bucket: bucket, WebsiteConfiguration: { IndexDocument: { Suffix: "index.html" }, RoutingRules: [both] } }))
        .then(() => undefined, (e: Error) => e);
      assert.equal(err?.name, "InvalidRequest");
      assert.equal((await web(bucket, "/docs/x.html")).status, 302, "the earlier rules still apply");
    });
  });
});
