import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import { connect, type Socket } from "node:net";
import { once } from "node:events";
import { setTimeout as sleep } from "node:timers/promises";
import { closeIdleConnections } from "./idle-connections.ts";

const IDLE_MS = 300;
const SWEEP_MS = 50;
const STALLED_MS = 400;

/** A response far larger than the socket buffers, for a viewer that does not read. */
const BIG = Buffer.alloc(32 * 1024 * 1024, 0x61);
let bigClosed: { finished: boolean } | undefined;

/** Polls until `check` holds (a bounded wait for something that happens eventually). */
async function eventually(check: () => boolean, what: string, ms = 10_000): Promise<void> {
  const deadline = performance.now() + ms;
  while (!check()) {
    if (performance.now() > deadline) assert.fail(`not within ${ms} ms: ${what}`);
    await sleep(20);
  }
}

describe("closeIdleConnections", () => {
  let server: Server;
  let port: number;
  before(async () => {
    server = createServer({ keepAliveTimeout: 0 });
    const track = closeIdleConnections(server, { idleMs: IDLE_MS, stalledMs: STALLED_MS, sweepMs: SWEEP_MS });
    server.on("request", (req, res) => {
      track(req, res);
      if (req.url === "/upload") {
        // Reads the body, then answers with its length.
        let n = 0;
        req.on("data", (d: Buffer) => (n += d.length)).on("end", () => res.end(String(n)));
        return;
      }
      if (req.url === "/late-reader") {
        // Leaves the body unread (node pauses the socket once its buffer is full) for three stalled periods.
        setTimeout(() => {
          let n = 0;
          req.on("data", (d: Buffer) => (n += d.length)).on("end", () => res.end(String(n)));
        }, 3 * STALLED_MS);
        return;
      }
      if (req.url === "/big") {
        res.on("close", () => (bigClosed = { finished: res.writableFinished }));
        res.writeHead(200, { "content-length": String(BIG.length) }).end(BIG);
        return;
      }
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

  it("answers 408 and closes a connection whose request body stops arriving", async () => {
    const c = await open();
    c.socket.write("PUT /upload HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nabc");
    await eventually(() => c.closedAt() !== undefined, "the stalled upload's connection is closed");
    assert.match(c.received(), /^HTTP\/1\.1 408 Request Timeout\r\n/);
  });

  it("keeps an upload that takes several times the timeout in total but keeps moving", async () => {
    const c = await open();
    const parts = 12;
    c.socket.write(`PUT /upload HTTP/1.1\r\nHost: a\r\nContent-Length: ${parts}\r\n\r\n`);
    for (let i = 0; i < parts; i++) {
      await sleep(STALLED_MS / 4);
      c.socket.write("x");
    }
    await eventually(() => c.received().endsWith("\r\n\r\n12"), "the upload is answered");
    assert.match(c.received(), /^HTTP\/1\.1 200 OK/);
    assert.equal(c.closedAt(), undefined);
    c.socket.destroy();
  });

  it("does not blame the viewer while the server leaves the body unread", async () => {
    const c = await open();
    const body = Buffer.alloc(4 * 1024 * 1024, 0x62);
    c.socket.write(`PUT /late-reader HTTP/1.1\r\nHost: a\r\nContent-Length: ${body.length}\r\n\r\n`);
    c.socket.write(body);
    await eventually(() => c.received().includes(`\r\n\r\n${body.length}`), "the late reader answers");
    assert.match(c.received(), /^HTTP\/1\.1 200 OK/);
    assert.equal(c.closedAt(), undefined);
    c.socket.destroy();
  });

  it("closes a connection whose viewer stops reading a response", async () => {
    const c = await open();
    c.socket.pause();
    c.socket.write(get("/big"));
    await eventually(() => bigClosed !== undefined, "the unread response's connection is closed");
    assert.deepEqual(bigClosed, { finished: false });
    c.socket.destroy();
  });

  it("does not judge connections by a sweep that comes late because the process did not run", async () => {
    const c = await open();
    c.socket.write(get("/"));
    await eventually(() => c.received().endsWith("ok"), "the first answer");
    await sleep(IDLE_MS / 2);
    // A request that arrives while the event loop is blocked (as under a debugger, or a machine
    // that was suspended) for longer than the idle timeout: still unread when the sweep runs.
    c.socket.write(get("/"));
    const until = performance.now() + 2 * IDLE_MS;
    while (performance.now() < until) {
      // Blocks the event loop on purpose.
    }
    await eventually(() => c.received().split("HTTP/1.1 200 OK").length === 3 || c.closedAt() !== undefined, "the second answer or a close");
    assert.equal(c.closedAt(), undefined, "the connection was not closed as idle");
    c.socket.destroy();
  });
});
