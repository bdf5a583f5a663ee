// Cache hits on the wire and the viewer connection's life, through real clients: curl reusing one
// connection for a miss, hits and a HEAD (the pre-rendered hit head, cache/prerendered-head.ts),
// and node's http client with a keep-alive agent, whose idle connection the emulator closes after
// 5 s (server/idle-connections.ts). docs/edge.md §12, §14.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { Agent, request } from "node:http";
import type { Socket } from "node:net";
import { CreateDistributionCommand, type CloudFrontClient } from "@aws-sdk/client-cloudfront";
import { useEmulator } from "../helpers/emulator.ts";
import { hasCurl } from "../helpers/curl.ts";
import { TestOrigin } from "../helpers/test-origin.ts";

const CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6";

describe("cache hits on the wire and idle viewer connections", () => {
  const t = useEmulator();
  const origin = new TestOrigin();
  let cf: CloudFrontClient | undefined;
  let domain = "";
  before(async () => {
    await origin.start();
    cf = t.cloudfront();
    origin.on("/page.html", { body: "<p>cached page</p>", headers: { "Cache-Control": "max-age=300", "Content-Type": "text/html" } });
    const out = await cf.send(
      new CreateDistributionCommand({
        DistributionConfig: {
          CallerReference: "connections",
          Comment: "",
          Enabled: true,
          Origins: { Quantity: 1, Items: [{ Id: "o", DomainName: "127.0.0.1", CustomOriginConfig: { HTTPPort: origin.port, HTTPSPort: 443, OriginProtocolPolicy: "http-only" } }] },
          DefaultCacheBehavior: { TargetOriginId: "o", ViewerProtocolPolicy: "allow-all", CachePolicyId: CACHING_OPTIMIZED },
        },
      }),
    );
    domain = out.Distribution?.DomainName as string;
  });
  after(async () => {
    cf?.destroy();
    await origin.close();
  });

  it("answers a miss, two hits and a HEAD on one curl connection with CloudFront's headers", { skip: !hasCurl() && "curl is not installed" }, async () => {
    const url = `http://${domain}:${t.emu.port}/page.html`;
    // Asynchronous: the emulator runs in this process and must keep serving while curl waits.
    const options = ["-s", "-v", "--resolve", `${domain}:${t.emu.port}:127.0.0.1`];
    // --next: the last transfer is a HEAD (-I), on the same connection.
    const { stdout, stderr } = await promisify(execFile)("curl", [...options, "-i", url, url, url, "--next", ...options, "-I", url], { encoding: "utf8" });
    assert.match(stderr, /Re-?using existing connection/i, "curl kept one keep-alive connection");
    const responses = stdout.split(/(?=HTTP\/1\.1 )/);
    assert.equal(responses.length, 4);
    assert.deepEqual(
      responses.map((r) => /x-cache: (.*)\r\n/i.exec(r)?.[1]),
      ["Miss from cloudfront", "Hit from cloudfront", "Hit from cloudfront", "Hit from cloudfront"],
    );
    for (const r of responses.slice(1)) {
      assert.match(r, /^HTTP\/1\.1 200 OK\r\n/);
      assert.match(r, /\r\ncontent-type: text\/html\r\n/i);
      assert.match(r, /\r\ncontent-length: 18\r\n/i);
      assert.match(r, /\r\nVia: 1\.1 [0-9a-f]{32}\.cloudfront\.net \(CloudFront\)\r\n/);
      assert.match(r, /\r\nX-Amz-Cf-Pop: \S+\r\n/);
      assert.match(r, /\r\nX-Amz-Cf-Id: [A-Za-z0-9_-]{54}==\r\n/);
      assert.match(r, /\r\nAge: \d+\r\n/);
      assert.match(r, /\r\nConnection: keep-alive\r\n/);
      assert.doesNotMatch(r, /keep-alive: timeout/i, "CloudFront sends no Keep-Alive header");
    }
    assert.ok(responses[1]?.endsWith("\r\n\r\n<p>cached page</p>"));
    assert.ok(responses[3]?.endsWith("\r\n\r\n"), "HEAD: headers only");
    assert.equal(origin.received.filter((r) => r.path === "/page.html").length, 1);
  });

  it("closes a keep-alive connection after 5 s without a request, and not before", async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const get = () =>
        new Promise<{ socket: Socket; xCache: string | undefined; body: string }>((resolve, reject) => {
          const r = request({ host: "127.0.0.1", port: t.emu.port, path: "/page.html", headers: { host: domain }, agent }, (res) => {
            let body = "";
            res.setEncoding("utf8").on("data", (d: string) => (body += d));
            res.on("end", () => resolve({ socket: r.socket as Socket, xCache: res.headers["x-cache"] as string | undefined, body }));
          });
          r.on("error", reject);
          r.end();
        });
      const first = await get();
      assert.equal(first.xCache, "Hit from cloudfront");
      let closedAt: number | undefined;
      first.socket.once("close", () => (closedAt = performance.now()));
      const idleFrom = performance.now();
      await new Promise((r) => setTimeout(r, 3000));
      assert.equal(closedAt, undefined, "still open after 3 s");
      const second = await get();
      assert.equal(second.socket, first.socket, "the agent reused the connection");
      assert.equal(second.body, "<p>cached page</p>");
      const idleAgainFrom = performance.now();
      while (closedAt === undefined && performance.now() - idleFrom < 15_000) await new Promise((r) => setTimeout(r, 100));
      assert.ok(closedAt !== undefined, "the idle connection was closed");
      const idle = closedAt - idleAgainFrom;
      assert.ok(idle >= 4900 && idle < 7500, `closed ${Math.round(idle)} ms after the last response`);
    } finally {
      agent.destroy();
    }
  });
});
