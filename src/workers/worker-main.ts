// The entry point of an edge worker process (forked by start-workers.ts through node:cluster).
// Batches that arrive before the edge is built are applied once it is; the worker exits when the
// primary's channel closes, so no worker outlives its primary.
import { enableCompileCache } from "node:module";
import type { ResolvedOptions } from "../config.ts";
import type { ChangeBatch } from "./change-bus.ts";
import { Replies, startEdgeWorker, type EdgeWorker } from "./edge-worker.ts";
import { WORKER_CONFIG_ENV, type ToPrimary, type ToWorker, type WorkerConfig } from "./messages.ts";

enableCompileCache();
const { options, config } = JSON.parse(process.env[WORKER_CONFIG_ENV] ?? "{}") as { options: ResolvedOptions; config: WorkerConfig };
const send = (msg: ToPrimary) => {
  if (process.connected) process.send?.(msg);
};
const replies = new Replies();
const early: ChangeBatch[] = [];
let worker: EdgeWorker | undefined;
const apply = (batch: ChangeBatch) => {
  (worker as EdgeWorker).apply(batch);
  send({ t: "ack", seq: batch.seq });
};
process.on("message", (msg: ToWorker) => {
  if (replies.answer(msg)) return;
  if (msg.t === "drain") {
    // IPC keeps order: the records go out before the answer.
    worker?.drain();
    send({ t: "drained", id: msg.id });
  } else if (msg.t === "apply") {
    if (worker) apply(msg.batch);
    else early.push(msg.batch);
  }
});
process.on("disconnect", () => process.exit(0));
// Ctrl-C reaches the whole process group: the primary stops the workers itself (SIGTERM), so a
// worker must not die first and be taken for a crash to replace.
process.on("SIGINT", () => undefined);
try {
  worker = await startEdgeWorker(options, config, send, replies);
  for (const batch of early.splice(0)) apply(batch);
  // The primary counts a worker as started once all its listeners are up (start-workers.ts).
  send({ t: "ready", ...worker.ports });
} catch (err) {
  process.stderr.write(`minifront worker ${process.pid}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
}
