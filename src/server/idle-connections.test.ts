import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import { connect, type Socket } from "node:net";
import { once } from "node:events";
import { setTimeout as sleep } from "node:timers/promises";
import { closeIdleConnections } from "./idle-connections.ts";

const IDLE_MS = 300;
const SWEEP_MS = 50;

describe("closeIdleConnections", () => {
  let server: Server;
  let port: number;
  before(async () => {
    server = createServer({ keepAliveTimeout: 0 });
    const track = closeIdleConnections(server, IDLE_MS, SWEEP_MS);
    server.on("request", (req, res) => {
      track(req, res);
      // /slow answers after three idle periods without a byte on the wire.
      const delay = req.url === "/slow" ? 3 * IDLE_MS : 0;
      setTimeout(() => res.writeHead(200, { "content-length": "2" }).end("ok"), delay);
    });
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    port = (server.address() as { port: number }).port;
  });
  after(() => server.close());

  async function open(): Promise<{ socket: Socket; received: () => string; receivedAt: () => number; closedAt: () => number | undefined }> {
    const socket = connect(port, "127.0.0.1");
    await once(socket, "connect");
    let data = "";
    let receivedAt = 0;
    let closedAt: number | undefined;
    socket.setEncoding("latin1").on("data", (d: string) => {
      data += d;
      receivedAt = performance.now();
    });
    socket.on("close", () => (closedAt = performance.now()));
    return { socket, received: () => data, receivedAt: () => receivedAt, closedAt: () => closedAt };
  }
  const get = (path: string) => `GET ${path} HTTP/1.1\r\nHost: a\r\n\r\n`;

  it("closes a keep-alive connection once it has been idle for the timeout", async () => {
    const c = await open();
    c.socket.write(get("/"));
    await sleep(IDLE_MS / 2);
    assert.match(c.received(), /^HTTP\/1\.1 200 OK/);
    assert.doesNotMatch(c.received(), /Keep-Alive:/, "no Keep-Alive header, as CloudFront sends none");
    await sleep(IDLE_MS * 3);
    const closedAt = c.closedAt();
    assert.ok(closedAt !== undefined, "the idle connection was closed");
    // The sweep notices the last bytes up to one sweep late, and closes up to one sweep late.
    assert.ok(closedAt - c.receivedAt() >= IDLE_MS - SWEEP_MS, `closed ${closedAt - c.receivedAt()} ms after the answer`);
  });

  it("also closes a connection that never got past node:http's own answer (417 for an unknown Expect)", async () => {
    const c = await open();
    c.socket.write("GET / HTTP/1.1\r\nHost: a\r\nExpect: something-else\r\n\r\n");
    await sleep(IDLE_MS * 3);
    assert.match(c.received(), /^HTTP\/1\.1 417/);
    assert.ok(c.closedAt() !== undefined, "the idle connection was closed");
  });

  it("keeps a connection that keeps sending requests", async () => {
    const c = await open();
    for (let i = 0; i < 6; i++) {
      c.socket.write(get("/"));
      await sleep(IDLE_MS / 2);
    }
    assert.equal(c.closedAt(), undefined);
    assert.equal(c.received().split("HTTP/1.1 200 OK").length - 1, 6);
    c.socket.destroy();
  });

  it("keeps a connection whose response is still being prepared, however long no byte moves", async () => {
    const c = await open();
    c.socket.write(get("/slow"));
    await sleep(3 * IDLE_MS + 100);
    assert.match(c.received(), /^HTTP\/1\.1 200 OK[\s\S]*ok$/);
    assert.equal(c.closedAt(), undefined);
    c.socket.destroy();
  });
});
