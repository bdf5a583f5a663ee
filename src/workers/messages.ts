// The messages between the primary and its edge workers over node:cluster's IPC channel.
import type { ChangeBatch } from "./change-bus.ts";
import type { CountedRecord, PackedRecord, PackedRun } from "./packed-record.ts";

/** One edge worker, as GET /_minifront/workers lists it. */
export interface WorkerInfo {
  readonly id: number;
  readonly pid: number;
}

export type ToWorker =
  | { readonly t: "apply"; readonly batch: ChangeBatch }
  | { readonly t: "synced"; readonly id: number }
  | { readonly t: "workers"; readonly id: number; readonly primary: number; readonly workers: readonly WorkerInfo[] }
  /** Send the records you hold now, then answer `drained` (record-collector.ts). */
  | { readonly t: "drain"; readonly id: number }
  /** Every worker's records up to the worker's `collect` have reached the primary's sinks. */
  | { readonly t: "collected"; readonly id: number };

export type ToPrimary =
  /** The worker applied every batch up to `seq`. */
  | { readonly t: "ack"; readonly seq: number }
  /** The worker relays a control-plane answer once every worker has applied what it changed. */
  | { readonly t: "sync"; readonly id: number }
  | { readonly t: "workers"; readonly id: number }
  /** The worker listens: its public port, and its --https-port and --edge-port listeners' (0: none). */
  | { readonly t: "ready"; readonly port: number; readonly httpsPort: number; readonly edgePort: number }
  /** The records of edge requests the worker served since its last batch (record-shipper.ts). */
  | { readonly t: "records"; readonly full: readonly PackedRecord[]; readonly counted: readonly CountedRecord[]; readonly runs: readonly PackedRun[] }
  /** Answers `drain`: every record held before it was sent went out ahead of this message. */
  | { readonly t: "drained"; readonly id: number }
  /** The worker is about to relay a request that reads what the edge observed: gather every worker's records first. */
  | { readonly t: "collect"; readonly id: number };

/** What the primary hands a worker at fork (environment variable MINIFRONT_WORKER_CONFIG, JSON). */
export interface WorkerConfig {
  /** The primary's control plane (API, S3, internal endpoints), on loopback. */
  readonly primaryPort: number;
  readonly dataDir: string;
  /** The primary's CloudFront identity key (hex), so the embedded S3 accepts the workers' OAC signatures. */
  readonly identityKey: string;
  /** --viewer-country-map as the primary read it. */
  readonly countryMap: Record<string, string>;
  /** --https-port's certificate and key (PEM), loaded once by the primary; absent without --https-port. */
  readonly tls?: { readonly cert: string; readonly key: string };
}

export const WORKER_CONFIG_ENV = "MINIFRONT_WORKER_CONFIG";
