import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { EventEmitter } from "node:events";
import type { Worker } from "node:cluster";
import type { EdgeRecord } from "../observe/edge-record.ts";
import { standardLogLine } from "../observe/standard-log-format.ts";
import { countRecord, packRecord, unpackCounted, unpackRecord, type CountedRecord, type PackedRecord } from "./packed-record.ts";
import { recordShipper, SHIP_COUNT } from "./record-shipper.ts";
import { RecordCollector } from "./record-collector.ts";
import type { ToPrimary, ToWorker } from "./messages.ts";

const RECORD: EdgeRecord = {
  time: Date.UTC(2026, 11, 3, 20, 0, 0, 123),
  distributionId: "E1",
  distributionDomain: "e1.cloudfront.localhost",
  host: "www.example.com",
  pop: "LOC50-C1",
  requestId: "id==",
  method: "GET",
  path: "/a b.jpg",
  query: "x=1",
  status: 206,
  xCache: "Hit",
  completed: true,
  bytesSent: 500,
  bytesReceived: 80,
  totalMs: 1.5,
  originMs: undefined,
  layer: "EDGE",
  viewerIp: "127.0.0.1",
  viewerPort: 40000,
  protocol: "https",
  httpVersion: "HTTP/1.1",
  tlsProtocol: "TLSv1.3",
  tlsCipher: "TLS_AES_128_GCM_SHA256",
  userAgent: "curl/8",
  referer: undefined,
  cookie: "a=1",
  forwardedFor: undefined,
  contentType: "image/jpeg",
  contentLength: 100,
  rangeStart: 0,
  rangeEnd: 99,
  requestHeaders: { "user-agent": "curl/8", cookie: "a=1", host: "www.example.com" },
  notes: { behavior: "*.jpg" },
};

/** Through JSON, as node:cluster's IPC channel carries it. */
const overIpc = <T>(p: T): T => JSON.parse(JSON.stringify(p)) as T;

describe("packed records", () => {
  it("give the primary's logs the same line as the worker's own record", () => {
    const shipped = unpackRecord(overIpc(packRecord(RECORD)));
    assert.equal(standardLogLine(shipped, true), standardLogLine(RECORD, true));
    assert.equal(shipped.notes?.behavior, "*.jpg");
  });

  it("carry what the metrics read, and nothing else, when counted", () => {
    const shipped = unpackCounted(overIpc(countRecord({ ...RECORD, originMs: 12.5 })));
    const { time, distributionId, method, status, xCache, completed, bytesSent, bytesReceived, originMs, layer } = shipped;
    assert.deepEqual({ time, distributionId, method, status, xCache, completed, bytesSent, bytesReceived, originMs, layer }, { time: RECORD.time, distributionId: "E1", method: "GET", status: 206, xCache: "Hit", completed: true, bytesSent: 500, bytesReceived: 80, originMs: 12.5, layer: "EDGE" });
    assert.deepEqual([shipped.path, shipped.requestHeaders, shipped.userAgent], ["", {}, undefined]);
  });
});

describe("recordShipper", () => {
  it("sends records in batches, not one message per request, and at once when drained", () => {
    const sent: [PackedRecord[], CountedRecord[]][] = [];
    const shipper = recordShipper((full, counted) => sent.push([full, counted]), (id) => id === "logged");
    for (let i = 0; i < SHIP_COUNT + 3; i++) shipper.sink({ ...RECORD, distributionId: i % 2 ? "logged" : "E1" });
    assert.equal(sent.length, 1, "one message for the first SHIP_COUNT requests");
    shipper.drain();
    shipper.drain();
    assert.equal(sent.length, 2, "nothing held: nothing sent");
    // Requests of the logged distribution one by one; the others' alike requests as one counted record.
    assert.deepEqual(sent.map(([full, counted]) => [full.length, counted.map((c) => c[0])]), [[SHIP_COUNT / 2, [SHIP_COUNT / 2]], [1, [2]]]);
  });

  it("counts alike requests of a minute into one record, and never merges origin requests", () => {
    const sent: CountedRecord[] = [];
    const shipper = recordShipper((_full, counted) => sent.push(...counted), () => false);
    const later = { ...RECORD, time: RECORD.time + 60_000 };
    for (const r of [RECORD, RECORD, { ...RECORD, status: 404 }, later, { ...RECORD, originMs: 3 }, { ...RECORD, originMs: 4 }]) shipper.sink(r);
    shipper.drain();
    assert.deepEqual(sent.map((c) => [c[0], c[4], c[1] === RECORD.time, c[9]]), [[2, 206, true, null], [1, 404, true, null], [1, 206, false, null], [1, 206, true, 3], [1, 206, true, 4]]);
  });
});

/** A stand-in for node:cluster's Worker (outside the product), answering drains as worker-main.ts does. */
class FakeWorker extends EventEmitter {
  readonly id = 1;
  readonly process = { pid: 1001 };
  held: PackedRecord[] = [];
  readonly sent: ToWorker[] = [];
  send(msg: ToWorker): boolean {
    this.sent.push(msg);
    if (msg.t === "drain") {
      const records = this.held;
      this.held = [];
      setImmediate(() => {
        if (records.length > 0) this.emit("message", { t: "records", full: records, counted: [[3, ...countRecord(RECORD).slice(1)] as CountedRecord], runs: [["fn", RECORD.time, "error", "FunctionExecutionError", 12]] } satisfies ToPrimary);
        this.emit("message", { t: "drained", id: msg.id } satisfies ToPrimary);
      });
    }
    return true;
  }
  isConnected(): boolean {
    return true;
  }
}

const NOWHERE = { ingest: () => undefined, ingestFunctionRun: () => undefined };

describe("RecordCollector", () => {
  it("hands every record a listening worker held to the sinks before collect resolves", async () => {
    const taken: EdgeRecord[] = [];
    const runs: unknown[] = [];
    const collector = new RecordCollector(() => ({ ingest: (r) => taken.push(r), ingestFunctionRun: (...run) => runs.push(run) }));
    const worker = new FakeWorker();
    collector.add(worker as unknown as Worker);
    worker.held = [packRecord(RECORD)];
    await collector.collect();
    assert.equal(taken.length, 0, "a worker still starting is not asked");
    worker.emit("message", { t: "ready", port: 1, httpsPort: 0, edgePort: 0 } satisfies ToPrimary);
    await collector.collect();
    assert.deepEqual(taken.map((r) => r.path), ["/a b.jpg", "", "", ""], "the full record, and the counted one three times");
    assert.deepEqual(runs, [["fn", RECORD.time, { kind: "error", error: "FunctionExecutionError", computeUtilization: 12 }]]);
  });

  it("does not wait for a worker that exits", async () => {
    const collector = new RecordCollector(() => NOWHERE);
    const worker = new FakeWorker();
    worker.send = (msg) => (worker.sent.push(msg), true); // never answers
    collector.add(worker as unknown as Worker);
    worker.emit("message", { t: "ready", port: 1, httpsPort: 0, edgePort: 0 } satisfies ToPrimary);
    const done = collector.collect();
    collector.remove(worker.id);
    await done;
  });

  it("answers a worker's collect once every worker has drained", async () => {
    const collector = new RecordCollector(() => NOWHERE);
    const worker = new FakeWorker();
    collector.add(worker as unknown as Worker);
    worker.emit("message", { t: "ready", port: 1, httpsPort: 0, edgePort: 0 } satisfies ToPrimary);
    worker.emit("message", { t: "collect", id: 9 } satisfies ToPrimary);
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(worker.sent.map((m) => m.t), ["drain", "collected"]);
  });
});
