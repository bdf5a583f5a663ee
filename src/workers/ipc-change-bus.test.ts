import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { EventEmitter } from "node:events";
import type { Worker } from "node:cluster";
import { IpcChangeBus } from "./ipc-change-bus.ts";
import type { ToWorker } from "./messages.ts";

/** A stand-in for node:cluster's Worker (outside the product): records what it is sent. */
class FakeWorker extends EventEmitter {
  readonly sent: ToWorker[] = [];
  readonly id: number;
  readonly process: { pid: number };
  constructor(id: number) {
    super();
    this.id = id;
    this.process = { pid: 1000 + id };
  }
  send(msg: ToWorker): boolean {
    this.sent.push(msg);
    return true;
  }
  isConnected(): boolean {
    return true;
  }
  /** Acknowledges every batch received so far, as worker-main.ts does once applied. */
  ackAll(): void {
    for (const m of this.sent) if (m.t === "apply") this.emit("message", { t: "ack", seq: m.batch.seq });
  }
}

function busWithTwoWorkers(): [IpcChangeBus, FakeWorker, FakeWorker] {
  const bus = new IpcChangeBus();
  const [a, b] = [new FakeWorker(1), new FakeWorker(2)];
  bus.add(a as unknown as Worker);
  bus.add(b as unknown as Worker);
  return [bus, a, b];
}

const turn = () => new Promise((r) => setImmediate(r));

describe("IpcChangeBus", () => {
  it("sends the changes of one event-loop turn as one batch to every worker", async () => {
    const [bus, a, b] = busWithTwoWorkers();
    bus.stored();
    bus.invalidated("E1", ["/a"]);
    bus.stored();
    await turn();
    assert.deepEqual(a.sent, [{ t: "apply", batch: { seq: 1, reload: true, purge: [["E1", ["/a"]]], clear: false } }]);
    assert.deepEqual(b.sent, a.sent);
  });

  it("is settled only once every live worker has applied the changes", async () => {
    const [bus, a, b] = busWithTwoWorkers();
    let settled = false;
    bus.invalidated("E1", ["/*"]);
    const done = bus.settled().then(() => (settled = true));
    a.ackAll();
    await turn();
    assert.equal(settled, false, "one worker has not applied it");
    b.ackAll();
    await done;
  });

  it("does not wait for a worker that exited", async () => {
    const [bus, a, b] = busWithTwoWorkers();
    bus.reset();
    const done = bus.settled();
    a.ackAll();
    bus.remove(b.id);
    await done;
    assert.deepEqual(bus.list(), [{ id: 1, pid: 1001 }]);
  });

  it("is settled at once when nothing changed", async () => {
    const bus = new IpcChangeBus();
    bus.add(new FakeWorker(1) as unknown as Worker);
    await bus.settled();
  });

  it("answers a worker's sync once settled, and its question for the list of workers", async () => {
    const bus = new IpcChangeBus();
    const a = new FakeWorker(1);
    bus.add(a as unknown as Worker);
    bus.stored();
    a.emit("message", { t: "sync", id: 7 });
    a.emit("message", { t: "workers", id: 8 });
    assert.deepEqual(a.sent.at(-1), { t: "workers", id: 8, primary: process.pid, workers: [{ id: 1, pid: 1001 }] });
    a.ackAll();
    await turn();
    assert.deepEqual(a.sent.at(-1), { t: "synced", id: 7 });
  });
});
