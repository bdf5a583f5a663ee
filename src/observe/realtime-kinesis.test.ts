// Batching and failure handling of the Kinesis delivery, against a stand-in for PutRecords (the
// Kinesis endpoint is outside the product; test/e2e/observe-realtime-logs.e2e.test.ts delivers to
// kinesalite itself).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createKinesisDelivery, MAX_ATTEMPTS, MAX_BATCH_RECORDS, streamOf, type PutRecordsFn } from "./realtime-kinesis.ts";
import { createLogger } from "../log.ts";

const ARN = "arn:aws:kinesis:eu-west-1:123456789012:stream/logs";

function recorder(answer: (n: number, call: number) => boolean[] | Error = (n) => new Array<boolean>(n).fill(false)) {
  const calls: Array<{ stream: string; region: string; data: string[]; keys: string[] }> = [];
  const put: PutRecordsFn = async (stream, records) => {
    calls.push({ stream: stream.name, region: stream.region, data: records.map((r) => r.data.toString()), keys: records.map((r) => r.partitionKey) });
    const out = answer(records.length, calls.length);
    if (out instanceof Error) throw out;
    return out;
  };
  return { calls, put };
}

describe("Kinesis delivery", () => {
  it("reads the stream name and region from the ARN", () => {
    assert.deepEqual(streamOf(ARN), { arn: ARN, region: "eu-west-1", name: "logs" });
    assert.equal(streamOf("arn:aws:s3:::bucket"), undefined);
  });

  it("sends queued records in PutRecords batches of at most 500, in order, keyed as given", async () => {
    const { calls, put } = recorder();
    const d = createKinesisDelivery({ endpoint: "http://127.0.0.1:1", log: createLogger("silent"), putRecords: put });
    for (let i = 0; i < 1200; i++) d.enqueue(ARN, `line ${i}\n`, `id-${i}`);
    await d.flush();
    assert.deepEqual(calls.map((c) => c.data.length), [MAX_BATCH_RECORDS, MAX_BATCH_RECORDS, 200]);
    assert.deepEqual(calls.flatMap((c) => c.data), Array.from({ length: 1200 }, (_, i) => `line ${i}\n`));
    assert.equal(calls[0]?.keys[7], "id-7");
    assert.deepEqual([calls[0]?.stream, calls[0]?.region], ["logs", "eu-west-1"]);
    await d.dispose();
  });

  it("sends again the records PutRecords reports as failed", async () => {
    const { calls, put } = recorder((n, call) => Array.from({ length: n }, (_, i) => call === 1 && i === 1));
    const d = createKinesisDelivery({ endpoint: "http://127.0.0.1:1", log: createLogger("silent"), putRecords: put });
    for (const line of ["a", "b", "c"]) d.enqueue(ARN, line, line);
    await d.flush();
    await d.flush();
    assert.deepEqual(calls.map((c) => c.data), [["a", "b", "c"], ["b"]]);
    await d.dispose();
  });

  it("warns once while the endpoint fails, and drops a record after its last try", async () => {
    const lines: string[] = [];
    const { calls, put } = recorder(() => new Error("connect ECONNREFUSED"));
    const d = createKinesisDelivery({ endpoint: "http://127.0.0.1:1", log: createLogger("warn", (l) => lines.push(l)), putRecords: put });
    d.enqueue(ARN, "x", "k");
    for (let i = 0; i < MAX_ATTEMPTS + 2; i++) await d.flush();
    assert.equal(calls.length, MAX_ATTEMPTS, "tried MAX_ATTEMPTS times, then dropped");
    assert.equal(lines.filter((l) => l.includes("cannot deliver")).length, 1);
    assert.equal(lines.filter((l) => l.includes("1 records dropped")).length, 1);
    await d.dispose();
  });
});
