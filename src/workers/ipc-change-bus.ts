// The ChangeBus of `--workers N` (change-bus.ts) over node:cluster's IPC channel. Changes are
// gathered for the rest of the event-loop turn and sent as one numbered batch to every worker;
// each worker acknowledges the batches it applied. `settled()` sends what is pending at once and
// resolves when every live worker has acknowledged it, so a control-plane answer relayed by a
// worker (forward.ts) leaves only after every worker sees the change. A change made by a caller
// of the primary's own loopback port (the seed file, `serve`) reaches the workers one event-loop
// turn later without anyone waiting for it.
import type { Worker } from "node:cluster";
import type { ChangeBatch, ChangeBus } from "./change-bus.ts";
import type { ToPrimary, ToWorker, WorkerInfo } from "./messages.ts";

interface Member {
  readonly worker: Worker;
  acked: number;
}

export class IpcChangeBus implements ChangeBus {
  private readonly members = new Map<number, Member>();
  private seq = 0;
  private pending = { reload: false, purge: [] as [string, readonly string[]][], clear: false };
  private scheduled = false;
  private waiters: { target: number; resolve: () => void }[] = [];

  /** Starts sending batches to `worker` and answering its requests. */
  add(worker: Worker): void {
    const member: Member = { worker, acked: this.seq };
    this.members.set(worker.id, member);
    worker.on("message", (msg: ToPrimary) => {
      if (msg.t === "ack") {
        member.acked = Math.max(member.acked, msg.seq);
        this.wake();
      } else if (msg.t === "sync") {
        void this.settled().then(() => send(worker, { t: "synced", id: msg.id }));
      } else if (msg.t === "workers") {
        send(worker, { t: "workers", id: msg.id, primary: process.pid, workers: this.list() });
      }
    });
  }

  /** A worker exited: nobody waits for it any more. */
  remove(workerId: number): void {
    this.members.delete(workerId);
    this.wake();
  }

  list(): WorkerInfo[] {
    return [...this.members.values()].flatMap((m) => (m.worker.process.pid === undefined ? [] : [{ id: m.worker.id, pid: m.worker.process.pid }]));
  }

  stored(): void {
    this.pending.reload = true;
    this.schedule();
  }

  invalidated(distributionId: string, paths: readonly string[]): void {
    this.pending.purge.push([distributionId, [...paths]]);
    this.schedule();
  }

  reset(): void {
    this.pending.clear = true;
    this.pending.reload = true;
    this.schedule();
  }

  settled(): Promise<void> {
    this.flush();
    const target = this.seq;
    if (this.done(target)) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ target, resolve }));
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  private flush(): void {
    this.scheduled = false;
    const p = this.pending;
    if (!p.reload && !p.clear && p.purge.length === 0) return;
    this.pending = { reload: false, purge: [], clear: false };
    const batch: ChangeBatch = { seq: ++this.seq, ...p };
    for (const m of this.members.values()) send(m.worker, { t: "apply", batch });
  }

  private done(target: number): boolean {
    for (const m of this.members.values()) if (m.acked < target) return false;
    return true;
  }

  private wake(): void {
    this.waiters = this.waiters.filter((w) => {
      if (!this.done(w.target)) return true;
      w.resolve();
      return false;
    });
  }
}

/** Sends unless the worker's channel is already closed (it is exiting; its replacement reads the state afresh). */
function send(worker: Worker, msg: ToWorker): void {
  if (worker.isConnected()) worker.send(msg);
}
