// The worker thread that hosts the QuickJS sandbox (runtime.ts starts it; protocol below). It
// marks every slice of QuickJS work in shared memory so the main thread's watchdog can see a
// slice that never ends, and asks the main thread for KeyValueStore reads.
import { parentPort, workerData } from "node:worker_threads";
import { loadQuickJS, Sandbox } from "./sandbox.ts";
import type { FunctionEvent } from "./types.ts";
import type { FromWorker, ToWorker, WorkerData } from "./worker-protocol.ts";
import { WASM_HEAP_RECYCLE_BYTES } from "./worker-protocol.ts";

const port = parentPort ?? failNoParent();
const data = workerData as WorkerData;
const busy = new Int32Array(data.state, 0, 1);
const since = new Float64Array(data.state, 8, 1);
const kvsWaiting = new Map<number, { resolve: (v: string | undefined) => void; reject: (e: Error) => void }>();
let nextKvsId = 1;
let retiring = false;

const sandbox = new Sandbox(await loadQuickJS(), data.limits, {
  kvs: (op, arn, key) =>
    new Promise((resolve, reject) => {
      const id = nextKvsId++;
      kvsWaiting.set(id, { resolve, reject });
      send({ t: "kvs", id, op, arn, key });
    }),
  hooks: {
    enter(runId) {
      since[0] = performance.timeOrigin + performance.now();
      Atomics.store(busy, 0, runId);
    },
    leave() {
      Atomics.store(busy, 0, 0);
    },
  },
});

port.on("message", (msg: ToWorker) => {
  switch (msg.t) {
    case "run":
      sandbox
        .run({ runId: msg.id, fn: msg.fn, eventType: msg.eventType, event: JSON.parse(msg.eventJson) as FunctionEvent, options: msg.options, now: msg.now, unfrozen: msg.unfrozen })
        .then(
          (outcome) => send({ t: "result", id: msg.id, outcomeJson: JSON.stringify(outcome) }),
          (err: unknown) => send({ t: "failed", id: msg.id, message: err instanceof Error ? (err.stack ?? err.message) : String(err) }),
        )
        .finally(afterWork);
      break;
    case "check":
      try {
        send({ t: "checked", id: msg.id, result: sandbox.check(msg.id, msg.code, msg.runtime) });
      } catch (err) {
        send({ t: "failed", id: msg.id, message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
      }
      afterWork();
      break;
    case "kvs": {
      const waiting = kvsWaiting.get(msg.id);
      kvsWaiting.delete(msg.id);
      if (msg.error !== undefined) waiting?.reject(new Error(msg.error));
      else waiting?.resolve(msg.value);
      break;
    }
  }
});
send({ t: "ready" });

/** A broken QuickJS module, or a WebAssembly heap grown too large, means a fresh worker. */
function afterWork(): void {
  if (retiring) return;
  const heap = sandbox.heapBytes;
  if (sandbox.broken || heap > WASM_HEAP_RECYCLE_BYTES) {
    retiring = true;
    send({ t: "retire", reason: sandbox.broken ? "QuickJS failed" : `WebAssembly heap at ${heap} bytes` });
  }
}

function send(msg: FromWorker): void {
  port.postMessage(msg);
}

function failNoParent(): never {
  throw new Error("worker.ts must run in a worker thread (started by runtime.ts)");
}
