// Every origin request the edge makes carries what the origin is configured to receive: a
// viewer's miss, a stale-while-revalidate background refresh and a custom error page's fetch all
// go through one requester (src/edge/origin-request.ts). An origin that checks a secret custom
// header (the usual way to keep an origin private to its distribution) serves all three.
// docs/edge.md §7.2 (origin custom headers), §9.3 (stale-while-revalidate), §10 (error pages).
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { CreateDistributionCommand, type CloudFrontClient } from "@aws-sdk/client-cloudfront";
import { ManualClock } from "../../src/index.ts";
import { useEmulator } from "../helpers/emulator.ts";
import { TestOrigin, header, sendToEdge, type Received } from "../helpers/test-origin.ts";

const SECRET = "s3cr3t-from-cloudfront";

describe("origin requests carry the origin's custom headers", () => {
  const clock = new ManualClock();
  const t = useEmulator({ clock });
  const origin = new TestOrigin();
  let cf: CloudFrontClient | undefined;
  let host = "";
  let version = 1;
  const allowed = (r: Received) => r.headers["x-origin-secret"] === SECRET;

  before(async () => {
    await origin.start();
    cf = t.cloudfront();
    // A private origin: 403 for anything without the secret.
    origin.on("/swr", (r) => (allowed(r) ? { body: `version ${version}`, headers: { "Cache-Control": "max-age=1, stale-while-revalidate=600" } } : { status: 403, body: "no secret" }));
    origin.on("/missing", (r) => (allowed(r) ? { status: 404, body: "origin 404" } : { status: 403, body: "no secret" }));
    origin.on("/errors/404.html", (r) => (allowed(r) ? { body: "our own not-found page" } : { status: 403, body: "no secret" }));
    const out = await cf.send(
      new CreateDistributionCommand({
        DistributionConfig: {
          CallerReference: "origin-requests",
          Comment: "",
          Enabled: true,
          Origins: {
            Quantity: 1,
            Items: [
              {
                Id: "private",
                DomainName: "127.0.0.1",
                CustomOriginConfig: { HTTPPort: origin.port, HTTPSPort: 443, OriginProtocolPolicy: "http-only" },
                CustomHeaders: { Quantity: 1, Items: [{ HeaderName: "X-Origin-Secret", HeaderValue: SECRET }] },
              },
            ],
          },
          DefaultCacheBehavior: { TargetOriginId: "private", ViewerProtocolPolicy: "allow-all", CachePolicyId: "658327ea-f89d-4fab-a63d-7e88639e58f6" },
          CustomErrorResponses: { Quantity: 1, Items: [{ ErrorCode: 404, ResponsePagePath: "/errors/404.html", ResponseCode: "404", ErrorCachingMinTTL: 10 }] },
        },
      }),
    );
    host = `${out.Distribution?.DomainName ?? assert.fail("no domain")}:${t.emu.port}`;
  });
  after(async () => {
    cf?.destroy();
    await origin.close();
  });

  it("a stale-while-revalidate refresh sends the secret, so the refreshed copy replaces the stale one", async () => {
    const first = await sendToEdge(t.emu.port, host, "/swr");
    assert.equal(first.body, "version 1");
    version = 2;
    clock.advance(5000);
    const stale = await sendToEdge(t.emu.port, host, "/swr");
    assert.equal(stale.body, "version 1", "the stale copy answers at once");
    assert.equal(header(stale, "x-cache"), "Hit from cloudfront");
    // The refresh runs in the background: wait (boundedly) for the origin to have been asked.
    for (let i = 0; i < 100 && origin.hits("/swr") < 2; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(origin.hits("/swr"), 2);
    assert.equal(origin.last("/swr").headers["x-origin-secret"], SECRET);
    let fresh = await sendToEdge(t.emu.port, host, "/swr");
    for (let i = 0; i < 50 && fresh.body !== "version 2"; i++) {
      await new Promise((r) => setTimeout(r, 20));
      fresh = await sendToEdge(t.emu.port, host, "/swr");
    }
    assert.equal(fresh.body, "version 2");
    assert.equal(header(fresh, "x-cache"), "Hit from cloudfront");
  });

  it("a custom error page is fetched with the secret", async () => {
    const res = await sendToEdge(t.emu.port, host, "/missing");
    assert.equal(res.status, 404);
    assert.equal(res.body, "our own not-found page");
    assert.equal(origin.last("/errors/404.html").headers["x-origin-secret"], SECRET);
  });
});
