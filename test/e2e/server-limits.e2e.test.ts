// The listener under hostile or careless viewers (issue 11, items 7 and 8), on a real port with
// raw sockets and the S3 SDK: slowloris headers are cut at --header-timeout with 408 while other
// viewers are served; a request body that stops arriving is cut at --request-idle-timeout, an
// upload that keeps moving is not; connections beyond --max-connections are closed when accepted;
// two Host lines, or HTTP/1.0 with Transfer-Encoding, get 400 (RFC 9112 §3.2, §6.1).
// The timeouts are shortened here; the defaults are in config.ts.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { connect, type Socket } from "node:net";
import { once } from "node:events";
import { Readable } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { CREDENTIALS, useEmulator } from "../helpers/emulator.ts";

const SHORT_MS = 500;

interface RawConnection {
  readonly socket: Socket;
  received(): string;
  readonly closed: Promise<void>;
  isClosed(): boolean;
}

async function rawConnection(port: number): Promise<RawConnection> {
  const socket = connect(port, "127.0.0.1");
  let data = "";
  let isClosed = false;
  socket.setEncoding("latin1").on("data", (d: string) => (data += d));
  socket.on("error", () => undefined);
  const closed = once(socket, "close").then(() => {
    isClosed = true;
  });
  await once(socket, "connect");
  return { socket, received: () => data, closed, isClosed: () => isClosed };
}

/** Resolves with `promise`, or fails the test when it takes longer than `ms` (an "eventually" bound). */
async function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`not within ${ms} ms: ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function health(port: number): Promise<string> {
  const c = await rawConnection(port);
  c.socket.write("GET /_minifront/health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
  await within(10_000, "a health check on its own connection", c.closed);
  return c.received();
}

describe("viewer timeouts", () => {
  const t = useEmulator({ headerTimeoutMs: SHORT_MS, requestIdleTimeoutMs: SHORT_MS, httpsPort: 0 });
  let s3: S3Client | undefined;
  before(async () => {
    s3 = new S3Client({ region: "us-east-1", endpoint: t.emu.s3Url, forcePathStyle: true, credentials: CREDENTIALS, maxAttempts: 1 });
    await s3.send(new CreateBucketCommand({ Bucket: "limits" }));
  });
  after(() => s3?.destroy());

  it("closes slowloris connections that send their headers a byte at a time, with 408, and serves others meanwhile", async () => {
    const head = "GET /_minifront/health HTTP/1.1\r\nHost: localhost\r\n" + "X-Slow: 1\r\n".repeat(1000);
    const attackers = await Promise.all(Array.from({ length: 100 }, () => rawConnection(t.emu.port)));
    let stop = false;
    const trickle = (async () => {
      for (let i = 0; !stop && i < head.length; i++) {
        for (const a of attackers) if (!a.isClosed()) a.socket.write(head[i] as string);
        await sleep(50);
      }
    })();
    try {
      assert.match(await health(t.emu.port), /^HTTP\/1\.1 200 OK/, "a normal request is served during the attack");
      await within(15_000, "every slowloris connection is closed", Promise.all(attackers.map((a) => a.closed)));
      for (const a of attackers) assert.match(a.received(), /^HTTP\/1\.1 408 Request Timeout\r\n/);
    } finally {
      stop = true;
      await trickle;
      for (const a of attackers) a.socket.destroy();
    }
  });

  it("closes a connection to the HTTPS port whose TLS handshake never starts", async () => {
    const c = await rawConnection(t.emu.httpsPort as number);
    await within(15_000, "the silent TLS connection is closed", c.closed);
  });

  it("answers 408 and closes the connection when a request body stops arriving", async () => {
    const c = await rawConnection(t.emu.port);
    // A CloudFront API call whose body is promised but never sent in full.
    c.socket.write("POST /2020-05-31/distribution HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/xml\r\nContent-Length: 500\r\n\r\n<DistributionConfig>");
    await within(15_000, "the stalled request's connection is closed", c.closed);
    assert.match(c.received(), /^HTTP\/1\.1 408 Request Timeout\r\n/);
  });

  it("cuts an S3 upload that stalls (408), through the SDK", async () => {
    let sent = false;
    // Sends a quarter of the promised bytes, then nothing, without ending.
    const body = new Readable({
      read() {
        if (!sent) this.push(Buffer.alloc(256, 0x61));
        sent = true;
      },
    });
    const put = (s3 as S3Client).send(new PutObjectCommand({ Bucket: "limits", Key: "stalled", Body: body, ContentLength: 1024 }));
    const err = await within(15_000, "the stalled upload fails", put.then(() => undefined, (e: unknown) => e as Error & { $metadata?: { httpStatusCode?: number } }));
    assert.ok(err, "the upload did not succeed");
    // The 408 when the SDK read it; a reset connection otherwise.
    if (err.$metadata?.httpStatusCode !== undefined) assert.equal(err.$metadata.httpStatusCode, 408);
  });

  it("keeps an S3 upload that takes several timeouts in total but keeps moving", async () => {
    const chunks = 12;
    let n = 0;
    const body = new Readable({
      read() {
        if (n === chunks) return void this.push(null);
        n++;
        setTimeout(() => this.push(Buffer.alloc(100, 0x30 + n)), SHORT_MS / 4);
      },
    });
    await (s3 as S3Client).send(new PutObjectCommand({ Bucket: "limits", Key: "slow", Body: body, ContentLength: chunks * 100 }));
    const got = await (s3 as S3Client).send(new GetObjectCommand({ Bucket: "limits", Key: "slow" }));
    assert.equal((await got.Body?.transformToByteArray())?.length, chunks * 100);
  });
});

describe("connection bound", () => {
  const MAX = 4;
  const t = useEmulator({ maxConnections: MAX });

  it("closes connections beyond --max-connections at once and keeps serving the open ones", async () => {
    const open = await Promise.all(Array.from({ length: MAX }, () => rawConnection(t.emu.port)));
    const get = "GET /_minifront/health HTTP/1.1\r\nHost: localhost\r\n\r\n";
    // Each answered once: the server has accepted all of them.
    for (const c of open) c.socket.write(get);
    for (const c of open) await eventually("an answer on an open connection", () => /\r\n\r\n\{.*\}$/.test(c.received()));
    const extra = await rawConnection(t.emu.port);
    extra.socket.write(get);
    await within(10_000, "the connection over the bound is closed", extra.closed);
    assert.equal(extra.received(), "", "nothing was answered over the bound");
    for (const c of open) c.socket.write(get);
    for (const c of open) await eventually("a second answer on an open connection", () => c.received().split("HTTP/1.1 200 OK").length === 3);
    // One closes: a new one is accepted again.
    open[0]?.socket.destroy();
    await (open[0] as RawConnection).closed;
    await eventually("a new connection is served once one closed", async () => /^HTTP\/1\.1 200 OK/.test(await health(t.emu.port).catch(() => "")));
    for (const c of open) c.socket.destroy();
  });
});

describe("ambiguous framing", () => {
  const t = useEmulator();

  for (const [what, request] of [
    ["two Host lines (RFC 9112 §3.2)", "GET /_minifront/health HTTP/1.1\r\nHost: localhost\r\nHost: other.example\r\n\r\n"],
    ["two Host lines in different case", "GET /_minifront/health HTTP/1.1\r\nhost: localhost\r\nHOST: localhost\r\n\r\n"],
    ["HTTP/1.0 with Transfer-Encoding (RFC 9112 §6.1)", "POST /_minifront/health HTTP/1.0\r\nHost: localhost\r\nConnection: keep-alive\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"],
  ] as const) {
    it(`answers 400 and closes the connection: ${what}`, async () => {
      const c = await rawConnection(t.emu.port);
      c.socket.write(request);
      await within(10_000, "the connection is closed", c.closed);
      assert.match(c.received(), /^HTTP\/1\.1 400 Bad Request\r\n/);
      assert.match(c.received(), /\r\nConnection: close\r\n/i);
      assert.match(c.received(), /The request could not be satisfied/);
    });
  }

  it("answers 400 to a request it cannot parse and closes the connection, though the viewer keeps sending", async () => {
    const c = await rawConnection(t.emu.port);
    c.socket.write("GET /_minifront/health HTTP/1.1\r\nHost: localhost\r\nNot a header\r\n\r\n");
    const trickle = setInterval(() => c.isClosed() || c.socket.write("x"), 50);
    try {
      await within(10_000, "the connection is closed", c.closed);
    } finally {
      clearInterval(trickle);
    }
    assert.match(c.received(), /^HTTP\/1\.1 400 Bad Request\r\n/);
  });

  it("still serves one Host line, and HTTP/1.0 without Transfer-Encoding", async () => {
    assert.match(await health(t.emu.port), /^HTTP\/1\.1 200 OK/);
    const c = await rawConnection(t.emu.port);
    c.socket.write("GET /_minifront/health HTTP/1.0\r\nHost: localhost\r\n\r\n");
    await within(10_000, "the HTTP/1.0 connection is closed after its answer", c.closed);
    assert.match(c.received(), /^HTTP\/1\.1 200 OK/);
  });
});

/** Polls `check` until it holds, failing after `ms` (an "eventually" bound). */
async function eventually(what: string, check: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  const deadline = performance.now() + ms;
  while (!(await check())) {
    if (performance.now() > deadline) assert.fail(`not within ${ms} ms: ${what}`);
    await sleep(20);
  }
}

describe("GET /_minifront/memory (what npm run soak samples)", () => {
  const t = useEmulator({ cacheBytes: 1_000_000 });

  it("answers the process's memory, V8's heap spaces and the edge cache's size", async () => {
    const res = await fetch(`${t.emu.controlUrl}/_minifront/memory`);
    assert.equal(res.status, 200);
    const body = (await res.json()) as Record<string, unknown> & { spaces: Record<string, number>; cache: Record<string, number> };
    assert.equal(body["pid"], process.pid, "the emulator runs in this process here");
    for (const k of ["rss", "heapTotal", "heapUsed", "external", "arrayBuffers"]) assert.equal(typeof body[k], "number", k);
    assert.equal(typeof body.spaces["new_space"], "number");
    assert.deepEqual(body.cache, { entries: 0, bytes: 0, diskBytes: 0 });
  });
});
