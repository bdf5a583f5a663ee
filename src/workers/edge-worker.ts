// One edge worker of `--workers N` (issue 18): a process that serves edge traffic on the shared
// listening port from its own memory cache, reading the configuration from the data directory's
// SQLite database (WAL: readers do not block the primary, the single writer), and relays
// everything else to the primary (forward.ts). The primary's batches (ipc-change-bus.ts) make it
// re-read the configuration, purge invalidated paths or drop its cache, before they are
// acknowledged.
//
// Not in workers yet (the primary has them; a worker's edge runs without): Lambda@Edge, the
// request log, standard and real-time logs and the edge metrics of requests a worker served,
// the dashboard's view of a worker's cache, --https-port and --edge-port.
import cluster from "node:cluster";
import { join } from "node:path";
import type { Server } from "node:http";
import type { ResolvedOptions } from "../config.ts";
import { systemClock } from "../clock.ts";
import { randomIds } from "../ids.ts";
import { createLogger } from "../log.ts";
import { openDatabase } from "../store/database.ts";
import { openDocumentStore, type DocumentStore } from "../store/document-store.ts";
import { CloudFrontState, type CloudFrontSettings } from "../services/cloudfront/state.ts";
import { CloudFrontIdentity } from "../services/s3/cloudfront-identity.ts";
import { createFunctionRuntime } from "../functions/index.ts";
import { createEdge } from "../edge/pipeline.ts";
import { countryResolver } from "../edge/stages/geo.ts";
import { parseOriginOverrides } from "../edge/origin-overrides.ts";
import { parseVpcOriginMappings } from "../edge/vpc-origin-map.ts";
import { createHttpServer, type ServerDeps } from "../server/http-server.ts";
import type { S3Service } from "../services/s3/context.ts";
import type { ChangeBatch } from "./change-bus.ts";
import type { ToPrimary, ToWorker, WorkerConfig } from "./messages.ts";
import { createForward } from "./forward.ts";
import { workerCache } from "./shared-tier.ts";

export interface EdgeWorker {
  readonly server: Server;
  /** Applies one of the primary's batches. */
  apply(batch: ChangeBatch): void;
}

/** Builds this worker's edge and listens on the public port (shared through node:cluster). */
export async function startEdgeWorker(options: ResolvedOptions, config: WorkerConfig, send: (msg: ToPrimary) => void, replies: Replies): Promise<EdgeWorker> {
  const log = createLogger(options.logLevel, undefined, options.logFormat);
  const clock = systemClock;
  const db = openDatabase(config.dataDir, { durable: false });
  const store = readOnly(openDocumentStore(db));
  const settings: CloudFrontSettings = { accountId: options.accountId, domainSuffix: options.domainSuffix, deployDelayMs: options.deployDelayMs, invalidationDelayMs: options.invalidationDelayMs };
  let state = new CloudFrontState(store, settings, clock, randomIds);
  const cache = workerCache(options, join(config.dataDir, "edge-cache"), cluster.worker?.id ?? 0);
  const countryOf = countryResolver(options.viewerCountry, config.countryMap);
  const functions = createFunctionRuntime({ kvs: { get: (arn, key) => state.keyValueStores.get(arn, key), meta: (arn) => state.keyValueStores.meta(arn) }, now: () => clock.now() });
  const edge = createEdge({
    clock,
    cache,
    // S3 origins are the primary's embedded S3 (or --s3-endpoint).
    s3: { embedded: { hostname: "127.0.0.1", port: config.primaryPort }, external: options.s3Endpoint ? new URL(options.s3Endpoint) : undefined },
    pops: options.pop.split(",").map((p) => p.trim()),
    maxObjectBytes: options.maxCachedObjectBytes,
    memoryObjectBytes: options.memoryObjectBytes,
    httpsPort: () => undefined,
    identity: new CloudFrontIdentity(options.accountId, Buffer.from(config.identityKey, "hex")),
    functions,
    countryOf,
    log,
    originOverrides: parseOriginOverrides(options.origins),
    vpcOrigins: parseVpcOriginMappings(options.vpcOrigins),
  });
  const forward = createForward({
    primaryPort: config.primaryPort,
    settled: () => replies.ask((id) => send({ t: "sync", id })).then(() => undefined),
    workers: async () => {
      const reply = await replies.ask((id) => send({ t: "workers", id }));
      return reply.t === "workers" ? { primary: reply.primary, workers: reply.workers } : { primary: 0, workers: [] };
    },
  });
  const unreachable = (): never => {
    throw new Error("an edge worker relays this request to the primary");
  };
  // Only the edge and `forward` are reached (http-server.ts relays all other traffic when given forward).
  const deps: ServerDeps = {
    cloudfront: { model: undefined as never, supported: undefined as never, handle: unreachable },
    s3: { model: undefined as never, supported: undefined as never, handle: unreachable },
    kvs: { model: undefined as never, supported: undefined as never, handle: unreachable },
    lambda: undefined as never,
    services: new Map(),
    state: () => ({ cloudfront: state, s3: undefined as unknown as S3Service }),
    edge,
    log,
    internal: async () => undefined,
    limits: options,
    forward,
  };
  const server = createHttpServer(deps);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => resolve());
  });
  return {
    server,
    apply(batch) {
      if (batch.reload) {
        void state.functions.dispose();
        state = new CloudFrontState(store, settings, clock, randomIds);
      }
      if (batch.clear) cache.clear();
      for (const [dist, paths] of batch.purge) edge.invalidate(dist, paths);
    },
  };
}

/** Requests to the primary that it answers by id (sync, workers). */
export class Replies {
  private next = 0;
  private readonly waiting = new Map<number, (msg: ToWorker) => void>();

  ask(send: (id: number) => void): Promise<ToWorker> {
    const id = ++this.next;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      send(id);
    });
  }

  /** Hands the primary's answer to whoever asked; false when it was not an answer. */
  answer(msg: ToWorker): boolean {
    if (msg.t === "apply") return false;
    const resolve = this.waiting.get(msg.id);
    this.waiting.delete(msg.id);
    resolve?.(msg);
    return true;
  }
}

/** The primary is the only writer: a write here would be a bug, so it fails loudly. */
function readOnly(store: DocumentStore): DocumentStore {
  const refuse = (): never => {
    throw new Error("an edge worker does not write the control-plane state");
  };
  return { list: (kind) => store.list(kind), put: refuse, delete: refuse, transaction: (fn) => fn(), clear: refuse };
}
