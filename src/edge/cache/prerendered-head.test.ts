import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer, type Server, type ServerResponse } from "node:http";
import { connect } from "node:net";
import { once } from "node:events";
import { PRERENDER_SUPPORTED, renderHead, sendPrerendered } from "./prerendered-head.ts";

const FLAT = ["content-type", "text/plain", "etag", '"v1"', "date", "Thu, 26 Nov 2026 10:00:00 GMT", "content-length", "5"];
const LINES = "X-Cache: Hit from cloudfront\r\nAge: 3\r\n";
const EXTRA = ["X-Cache", "Hit from cloudfront", "Age", "3"];

/** Sends `requests` on one connection and returns everything the server wrote until it closed or went quiet. */
async function exchange(port: number, requests: string): Promise<string> {
  const socket = connect(port, "127.0.0.1");
  await once(socket, "connect");
  socket.write(requests);
  let out = "";
  socket.setEncoding("latin1").on("data", (d: string) => (out += d));
  await new Promise<void>((resolve) => {
    socket.once("close", () => resolve());
    socket.setTimeout(300, () => {
      socket.destroy();
      resolve();
    });
  });
  return out;
}

describe("renderHead", () => {
  it("renders the status line and headers, and notes the Content-Length and Date", () => {
    const head = renderHead(200, FLAT);
    assert.equal(head?.text, 'HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\netag: "v1"\r\ndate: Thu, 26 Nov 2026 10:00:00 GMT\r\ncontent-length: 5\r\n');
    assert.equal(head?.contentLength, 5);
    assert.equal(head?.hasDate, true);
    assert.equal(renderHead(301, ["location", "/x", "content-length", "0"])?.hasDate, false);
  });
  it("leaves to writeHead what it would render differently or refuse", () => {
    for (const [status, flat] of [
      [204, ["content-length", "0"]],
      [304, ["content-length", "0"]],
      [200, ["content-type", "text/plain"]], // no Content-Length
      [200, ["content-length", "5", "connection", "close"]],
      [200, ["content-length", "5", "transfer-encoding", "chunked"]],
      [200, ["content-length", "5", "x-bad", "a\nb"]],
      [200, ["content-length", "5", "bad name", "a"]],
      [200, ["content-length", "5", "content-disposition", "attachment; filename=\u00e9.txt"]],
    ] as Array<[number, string[]]>) {
      assert.equal(renderHead(status, flat), undefined, `${status} ${flat.join(" ")}`);
    }
  });
});

describe("sendPrerendered on a real socket", () => {
  let server: Server;
  let port: number;
  let sentRaw: boolean[] = [];
  before(async () => {
    assert.ok(PRERENDER_SUPPORTED, "node:http's ServerResponse no longer has the fields sendPrerendered relies on");
    server = createServer({ keepAlive: true }, (req, res: ServerResponse) => {
      const body = Buffer.from("hello");
      if (req.url === "/writeHead") {
        res.writeHead(200, [...FLAT, ...EXTRA]);
        return void res.end(req.method === "HEAD" ? undefined : body);
      }
      const flat = req.url === "/no-date" ? FLAT.filter((_, i) => i !== 4 && i !== 5) : FLAT;
      const head = renderHead(200, flat);
      assert.ok(head);
      const raw = sendPrerendered(res, head, LINES, body);
      sentRaw.push(raw);
      if (!raw) {
        res.writeHead(200, [...flat, ...EXTRA]);
        res.end(req.method === "HEAD" ? undefined : body);
      }
    });
    server.keepAliveTimeout = 7000;
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    port = (server.address() as { port: number }).port;
  });
  after(() => server.close());

  it("writes the same bytes writeHead does, keep-alive lines included", async () => {
    sentRaw = [];
    const out = await exchange(port, "GET /writeHead HTTP/1.1\r\nHost: a\r\n\r\nGET /raw HTTP/1.1\r\nHost: a\r\n\r\n");
    const [first, second] = out.split("HTTP/1.1 200 OK").slice(1);
    assert.ok(first?.includes("Keep-Alive: timeout=7\r\n"));
    assert.equal(second, first);
    assert.deepEqual(sentRaw, [true]);
  });
  it("answers HEAD without the body", async () => {
    const writeHead = await exchange(port, "HEAD /writeHead HTTP/1.1\r\nHost: a\r\n\r\n");
    const raw = await exchange(port, "HEAD /raw HTTP/1.1\r\nHost: a\r\n\r\n");
    assert.equal(raw, writeHead);
    assert.ok(raw.endsWith("\r\n\r\n"));
  });
  it("answers pipelined requests in order, each with its head and body", async () => {
    const out = await exchange(port, "GET /raw HTTP/1.1\r\nHost: a\r\n\r\nHEAD /raw HTTP/1.1\r\nHost: a\r\n\r\nGET /raw HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
    const responses = out.split("HTTP/1.1 200 OK\r\n").slice(1);
    assert.equal(responses.length, 3);
    assert.ok(responses[0]?.endsWith("\r\n\r\nhello"));
    assert.ok(responses[1]?.endsWith("\r\n\r\n"), "HEAD: no body");
    assert.match(responses[2] ?? "", /\r\nConnection: close\r\n\r\nhello$/);
  });
  it("adds a Date when the stored headers have none", async () => {
    const out = await exchange(port, "GET /no-date HTTP/1.1\r\nHost: a\r\n\r\n");
    assert.match(out, /\r\nDate: \w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d GMT\r\n/);
  });
  it("leaves connections that close to writeHead (HTTP/1.0, the last request a socket may carry)", async () => {
    sentRaw = [];
    const http10 = await exchange(port, "GET /raw HTTP/1.0\r\n\r\n");
    assert.match(http10, /\r\nConnection: close\r\n/);
    server.maxRequestsPerSocket = 2;
    try {
      const out = await exchange(port, "GET /raw HTTP/1.1\r\nHost: a\r\n\r\nGET /raw HTTP/1.1\r\nHost: a\r\n\r\n");
      assert.equal(out.split("HTTP/1.1 200 OK").length, 3);
      assert.match(out, /Keep-Alive: timeout=7, max=2\r\n/);
      assert.match(out, /\r\nConnection: close\r\n\r\nhello$/);
    } finally {
      server.maxRequestsPerSocket = 0;
    }
    assert.deepEqual(sentRaw, [false, true, false]);
  });
});
