// The messages between the primary and its edge workers over node:cluster's IPC channel.
import type { ChangeBatch } from "./change-bus.ts";

/** One edge worker, as GET /_minifront/workers lists it. */
export interface WorkerInfo {
  readonly id: number;
  readonly pid: number;
}

export type ToWorker =
  | { readonly t: "apply"; readonly batch: ChangeBatch }
  | { readonly t: "synced"; readonly id: number }
  | { readonly t: "workers"; readonly id: number; readonly primary: number; readonly workers: readonly WorkerInfo[] };

export type ToPrimary =
  /** The worker applied every batch up to `seq`. */
  | { readonly t: "ack"; readonly seq: number }
  /** The worker relays a control-plane answer once every worker has applied what it changed. */
  | { readonly t: "sync"; readonly id: number }
  | { readonly t: "workers"; readonly id: number };

/** What the primary hands a worker at fork (environment variable MINIFRONT_WORKER_CONFIG, JSON). */
export interface WorkerConfig {
  /** The primary's control plane (API, S3, internal endpoints), on loopback. */
  readonly primaryPort: number;
  readonly dataDir: string;
  /** The primary's CloudFront identity key (hex), so the embedded S3 accepts the workers' OAC signatures. */
  readonly identityKey: string;
  /** --viewer-country-map as the primary read it. */
  readonly countryMap: Record<string, string>;
}

export const WORKER_CONFIG_ENV = "MINIFRONT_WORKER_CONFIG";
