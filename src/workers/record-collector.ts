// The primary's side of the edge workers' records (record-shipper.ts): each batch a worker sends
// is unpacked and handed to the primary's sinks (`ingest`, observe/observing.ts), a counted record
// once per request it stands for. `collect()` asks
// every live worker to send what it holds and resolves once all have (IPC keeps a worker's
// messages in order, so its `drained` comes after its records): the primary collects before its
// standard logs are flushed and before the workers stop, and a worker asks for it (`collect`)
// before relaying a request that reads metrics or logs (forward.ts).
import type { Worker } from "node:cluster";
import type { EdgeRecord } from "../observe/edge-record.ts";
import type { FunctionRunFacts } from "../observe/metric-history.ts";
import type { ToPrimary, ToWorker } from "./messages.ts";
import { unpackCounted, unpackRecord } from "./packed-record.ts";

/** Where the records go: the primary's observing (observe/observing.ts). */
export interface RecordIntake {
  ingest(record: EdgeRecord): void;
  ingestFunctionRun(name: string, time: number, run: FunctionRunFacts): void;
}

interface Member {
  readonly worker: Worker;
  /** Drains asked of this worker and not answered yet, by id. */
  readonly waiting: Map<number, () => void>;
  /** Listening (its `ready` came): a worker still starting has served nothing, and is not waited for. */
  ready: boolean;
}

export class RecordCollector {
  private readonly members = new Map<number, Member>();
  private readonly intake: () => RecordIntake;
  private next = 0;

  /** `intake`: read when records arrive (the primary's observing starts after the collector is made). */
  constructor(intake: () => RecordIntake) {
    this.intake = intake;
  }

  /** Takes `worker`'s records and answers its requests to collect. */
  add(worker: Worker): void {
    const member: Member = { worker, waiting: new Map(), ready: false };
    this.members.set(worker.id, member);
    worker.on("message", (msg: ToPrimary) => {
      if (msg.t === "ready") {
        member.ready = true;
      } else if (msg.t === "records") {
        const intake = this.intake();
        for (const packed of msg.full) intake.ingest(unpackRecord(packed));
        for (const counted of msg.counted) {
          const record = unpackCounted(counted);
          for (let n = counted[0]; n > 0; n--) intake.ingest(record);
        }
        for (const [name, time, kind, error, computeUtilization] of msg.runs) intake.ingestFunctionRun(name, time, error === null ? { kind, computeUtilization } : { kind, error, computeUtilization });
      } else if (msg.t === "drained") {
        member.waiting.get(msg.id)?.();
        member.waiting.delete(msg.id);
      } else if (msg.t === "collect") {
        void this.collect().then(() => send(worker, { t: "collected", id: msg.id }));
      }
    });
  }

  /** A worker exited: its records held are gone, nobody waits for them. */
  remove(workerId: number): void {
    const member = this.members.get(workerId);
    this.members.delete(workerId);
    for (const resolve of member?.waiting.values() ?? []) resolve();
  }

  /** Resolves once the records every listening worker held at the call have been ingested. */
  async collect(): Promise<void> {
    await Promise.all(
      [...this.members.values()].map(
        (m) =>
          new Promise<void>((resolve) => {
            if (!m.ready || !m.worker.isConnected()) return resolve();
            const id = ++this.next;
            m.waiting.set(id, resolve);
            send(m.worker, { t: "drain", id });
          }),
      ),
    );
  }
}

function send(worker: Worker, msg: ToWorker): void {
  if (worker.isConnected()) worker.send(msg);
}
