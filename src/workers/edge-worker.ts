// One edge worker of `--workers N` (issue 18): a process that serves edge traffic on the shared
// listening ports (the public port, and --https-port and --edge-port when given) from its own
// memory cache, reading the configuration from the data directory's SQLite database (WAL: readers
// do not block the primary, the single writer), and relays everything else to the primary
// (forward.ts). The primary's batches (ipc-change-bus.ts) make it re-read the configuration, purge
// invalidated paths or drop its cache, before they are acknowledged.
// What it observes: it prints its own request-log lines, and sends the records of the requests it
// served, and of its CloudFront Function runs, to the primary in batches (record-shipper.ts), where
// the metrics, CloudWatch, standard, v2 and real-time logs take them as their own. Lambda@Edge
// runs in the worker (worker-lambdas.ts).
//
// Not in workers yet (the primary has them; a worker's edge runs without): the dashboard's view of
// a worker's cache and of the details of its requests (their notes stay in the worker).
import cluster from "node:cluster";
import { join } from "node:path";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { ResolvedOptions } from "../config.ts";
import { systemClock } from "../clock.ts";
import { randomIds } from "../ids.ts";
import { createLogger, LOG_LEVELS } from "../log.ts";
import { openDatabase } from "../store/database.ts";
import { openDocumentStore, type DocumentStore } from "../store/document-store.ts";
import { CloudFrontState, type CloudFrontSettings } from "../services/cloudfront/state.ts";
import { CloudFrontIdentity } from "../services/s3/cloudfront-identity.ts";
import { LogsState } from "../services/logs/state.ts";
import { parseLocalFunctions } from "../services/lambda/local-functions.ts";
import { createFunctionRuntime } from "../functions/index.ts";
import { createEdge } from "../edge/pipeline.ts";
import { countryResolver } from "../edge/stages/geo.ts";
import { parseOriginOverrides } from "../edge/origin-overrides.ts";
import { parseVpcOriginMappings } from "../edge/vpc-origin-map.ts";
import { createHttpServer, type ListenerOptions, type ServerDeps } from "../server/http-server.ts";
import { createEdgeObserver, type RecordSink } from "../observe/observer.ts";
import { requestLog } from "../observe/request-log.ts";
import { observeFunctionRuns } from "../observe/function-runs.ts";
import type { S3Service } from "../services/s3/context.ts";
import type { ChangeBatch } from "./change-bus.ts";
import type { ToPrimary, ToWorker, WorkerConfig } from "./messages.ts";
import { createForward } from "./forward.ts";
import { workerCache } from "./shared-tier.ts";
import { loggedInFull, recordShipper } from "./record-shipper.ts";
import { workerLambdas } from "./worker-lambdas.ts";
import { workerRuntimeDir } from "./worker-dirs.ts";

export interface EdgeWorker {
  readonly servers: readonly Server[];
  /** The ports listened on: public, then --https-port's and --edge-port's (0: none). */
  readonly ports: { readonly port: number; readonly httpsPort: number; readonly edgePort: number };
  /** Applies one of the primary's batches. */
  apply(batch: ChangeBatch): void;
  /** Sends the records of the requests served so far to the primary now. */
  drain(): void;
}

/** Builds this worker's edge and listens on the public ports (shared through node:cluster). */
export async function startEdgeWorker(options: ResolvedOptions, config: WorkerConfig, send: (msg: ToPrimary) => void, replies: Replies): Promise<EdgeWorker> {
  const log = createLogger(options.logLevel, undefined, options.logFormat);
  const clock = systemClock;
  const workerId = cluster.worker?.id ?? 0;
  const db = openDatabase(config.dataDir, { durable: false });
  const store = readOnly(openDocumentStore(db));
  const settings: CloudFrontSettings = { accountId: options.accountId, domainSuffix: options.domainSuffix, deployDelayMs: options.deployDelayMs, invalidationDelayMs: options.invalidationDelayMs };
  let state = new CloudFrontState(store, settings, clock, randomIds);
  let logs = new LogsState(store, options.accountId);
  let detailed = loggedInFull(state, logs);
  const cache = workerCache(options, join(config.dataDir, "edge-cache"), workerId);
  const countryOf = countryResolver(options.viewerCountry, config.countryMap);
  const functions = createFunctionRuntime({ kvs: { get: (arn, key) => state.keyValueStores.get(arn, key), meta: (arn) => state.keyValueStores.meta(arn) }, now: () => clock.now() });
  const lambdas = workerLambdas({ store, dataDir: config.dataDir, runtimeDir: workerRuntimeDir(config.dataDir, workerId), accountId: options.accountId, log, localFunctions: parseLocalFunctions(options.edgeLambdas), lambdaEndpoint: options.lambdaEndpoint });
  const ports = { port: 0, httpsPort: 0, edgePort: 0 };
  // The request log is printed here; every other sink is the primary's.
  const shipper = recordShipper((full, counted, runs) => send({ t: "records", full, counted, runs }), (id) => detailed(id));
  const terminal = requestLog(log, options.logFormat, (level) => LOG_LEVELS.indexOf(options.logLevel) <= LOG_LEVELS.indexOf(level));
  const sinks: RecordSink[] = terminal ? [terminal, shipper.sink] : [shipper.sink];
  const edge = createEdge({
    clock,
    cache,
    // S3 origins are the primary's embedded S3 (or --s3-endpoint).
    s3: { embedded: { hostname: "127.0.0.1", port: config.primaryPort }, external: options.s3Endpoint ? new URL(options.s3Endpoint) : undefined },
    pops: options.pop.split(",").map((p) => p.trim()),
    maxObjectBytes: options.maxCachedObjectBytes,
    memoryObjectBytes: options.memoryObjectBytes,
    httpsPort: () => ports.httpsPort || undefined,
    identity: new CloudFrontIdentity(options.accountId, Buffer.from(config.identityKey, "hex")),
    // Counted for the function metrics in the primary (observe/function-runs.ts).
    functions: observeFunctionRuns(functions, (name, run) => shipper.functionRun(name, clock.now(), run)),
    countryOf,
    log,
    originOverrides: parseOriginOverrides(options.origins),
    vpcOrigins: parseVpcOriginMappings(options.vpcOrigins),
    lambdas,
  });
  const forward = createForward({
    primaryPort: config.primaryPort,
    settled: () => replies.ask((id) => send({ t: "sync", id })).then(() => undefined),
    collected: () => replies.ask((id) => send({ t: "collect", id })).then(() => undefined),
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
    observer: createEdgeObserver(clock, sinks),
  };
  const servers: Server[] = [];
  const listen = async (listener: ListenerOptions, port: number): Promise<number> => {
    const server = createHttpServer(deps, listener);
    servers.push(server);
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, options.host, () => resolve());
    });
    return (server.address() as AddressInfo).port;
  };
  // Every worker listens in the same order: node:cluster gives the n-th listen on port 0 of each
  // worker the same port.
  ports.port = await listen({}, options.port);
  if (config.tls) ports.httpsPort = await listen({ tls: config.tls }, options.httpsPort ?? 0);
  if (options.edgePort !== null) ports.edgePort = await listen({ edgeOnly: true }, options.edgePort);
  return {
    servers,
    ports,
    apply(batch) {
      if (batch.reload) {
        void state.functions.dispose();
        state = new CloudFrontState(store, settings, clock, randomIds);
        logs = new LogsState(store, options.accountId);
        detailed = loggedInFull(state, logs);
        lambdas.reload();
      }
      if (batch.clear) {
        cache.clear();
        lambdas.dispose();
      }
      for (const [dist, paths] of batch.purge) edge.invalidate(dist, paths);
    },
    drain: () => shipper.drain(),
  };
}

/** Requests to the primary that it answers by id (sync, workers, collect). */
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
    if (msg.t === "apply" || msg.t === "drain") return false;
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
