// minifront as a library: `startEmulator()` starts the CloudFront API (and, in later issues, the
// embedded S3 and the edge) on one port and returns the URLs and `dispose()`. The CLI is a thin
// wrapper around this.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { AddressInfo } from "node:net";
import { resolveOptions, tlsDirOf, type EmulatorOptions, type ResolvedOptions } from "./config.ts";
import { EmulatorError } from "./errors.ts";
import { systemClock, type Clock } from "./clock.ts";
import { randomIds, type Ids } from "./ids.ts";
import { createLogger } from "./log.ts";
import { openDocumentStore } from "./store/document-store.ts";
import { openDatabase } from "./store/database.ts";
import { lockDataDir } from "./store/data-dir-lock.ts";
import { S3Storage } from "./services/s3/storage.ts";
import { startLifecycleSchedule } from "./services/s3/lifecycle-schedule.ts";
import type { S3Service } from "./services/s3/context.ts";
import { AccessWarnings, distributionsReadingAnonymously } from "./services/s3/access-warnings.ts";
import { createHash } from "node:crypto";
import { EdgeCache } from "./edge/cache/edge-cache.ts";
import { onFirstEdgeRequest } from "./edge/lazy-edge.ts";
import { CloudFrontState } from "./services/cloudfront/state.ts";
import { createCloudFrontApi } from "./services/cloudfront/index.ts";
import { MAX_STORE_BYTES, type ImportReader } from "./services/cloudfront/key-value-stores.ts";
import { createHttpServer } from "./server/http-server.ts";
import { HttpsWarnings } from "./edge/https-warnings.ts";
import type { Server } from "node:http";
import type { TlsMaterial } from "./server/tls.ts";
import { countryResolver, readCountryMap } from "./edge/stages/geo.ts";
import { CloudFrontIdentity } from "./services/s3/cloudfront-identity.ts";
import { createFunctionRuntime } from "./functions/index.ts";
import { createInternalEndpoints } from "./server/internal-endpoints.ts";
import { onFirstUse, type Logger } from "./api/service.ts";
import { createRequire } from "node:module";
import type { AwsService } from "./server/aws-services.ts";
import { lazyLambdaPlatform } from "./services/lambda/lazy-platform.ts";
import { parseLocalFunctions } from "./services/lambda/local-functions.ts";
import { parseOriginOverrides } from "./edge/origin-overrides.ts";
import { parseVpcOriginMappings } from "./edge/vpc-origin-map.ts";
import { startObserving } from "./observe/observing.ts";
import type { Dashboard } from "./ui/dashboard.ts";
import { LogsState } from "./services/logs/state.ts";
import { lazyTaggingService } from "./services/tagging/lazy-service.ts";
import { taggableResources } from "./services/cloudfront/taggable-resources.ts";
import { lazyLogsService } from "./services/logs/lazy-service.ts";
import { lazyCloudWatchService } from "./services/cloudwatch/lazy-service.ts";
import { watchStore, type ChangeBus } from "./workers/change-bus.ts";
import type { ClusterNode } from "./cluster/cluster-node.ts";
import type { RedisTier } from "./cluster/redis-tier.ts";
import { applyChanges } from "./cluster/apply-changes.ts";
import { clusterServerDeps } from "./cluster/serialized-api.ts";
import type { RecordIntake } from "./workers/record-collector.ts";

export type { EmulatorOptions, ResolvedOptions } from "./config.ts";
export { ManualClock, type Clock } from "./clock.ts";
export { EmulatorError, isUserError } from "./errors.ts";

export interface StartOptions extends EmulatorOptions {
  /** Time source (tests pass a ManualClock). Default: the system clock. */
  clock?: Clock;
  /** Id generator. Default: random ids in AWS's formats. */
  ids?: Ids;
  /** Where log lines go. Default: stderr at `logLevel`. */
  logger?: Logger;
  /** false: edge requests are not observed (no request log, standard logs or metrics); for `npm run bench`'s baseline. Default: true. */
  observeEdge?: boolean;
  /** Environment to read MINIFRONT_* settings from. Default: none (the CLI passes process.env). */
  env?: NodeJS.ProcessEnv;
  /** Internal: this process is the primary of `--workers N` (src/workers/start-workers.ts). */
  cluster?: {
    /** The key the edge signs S3 origin requests with, shared with the workers (cloudfront-identity.ts). */
    readonly identityKey: Buffer;
    /** Told of every control-plane write, invalidation and reset, for the edge workers. */
    readonly bus: ChangeBus;
    /** Given, once observing starts, where the records of requests the workers served go (observing.ts ingest). */
    readonly records?: (intake: RecordIntake) => void;
    /** The workers' --https-port listener, once they listen (redirects and the HTTPS warnings name it). */
    readonly httpsPort?: () => number | undefined;
  };
}

export interface Emulator {
  /** Endpoint for the CloudFront API (`--endpoint-url` / `AWS_ENDPOINT_URL`). */
  readonly controlUrl: string;
  /** Endpoint for the embedded S3 (same port). */
  readonly s3Url: string;
  /** Template of edge URLs: `http://<distribution-domain>:<port>/`. */
  readonly edgeUrl: string;
  /** The edge URL of one distribution domain name (or alias). */
  edgeUrlFor(domainName: string): string;
  readonly port: number;
  /** The `--edge-port` listener's port, when there is one. */
  readonly edgePort: number | undefined;
  /** The `--https-port` listener's port, when there is one. */
  readonly httpsPort: number | undefined;
  /** The certificate the HTTPS listener presents (a file to trust), when there is one. */
  readonly tls: TlsMaterial | undefined;
  readonly options: ResolvedOptions;
  /** The data directory in use (a temporary one when ephemeral). */
  readonly dataDir: string;
  readonly clock: Clock;
  /**
   * The warnings given so far, each once, in order: with `--s3-access warn` (the default), one per
   * caller and bucket for requests the embedded S3 served although S3 would refuse them.
   */
  warnings(): readonly string[];
  /** Delivers the standard-log lines buffered so far to their buckets now (also `POST /_minifront/logs/flush`). */
  flushLogs(): Promise<void>;
  /** Stops listening, closes connections and the store; deletes the data dir when ephemeral. */
  dispose(): Promise<void>;
}

const VERSION = (JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string }).version;

/**
 * Starts minifront.
 *
 * @example
 * const emu = await startEmulator({ port: 0, ephemeral: true });
 * const cf = new CloudFrontClient({ endpoint: emu.controlUrl, region: "us-east-1",
 *   credentials: { accessKeyId: "test", secretAccessKey: "test" } });
 * // ...
 * await emu.dispose();
 */
export async function startEmulator(opts: StartOptions = {}): Promise<Emulator> {
  const options = resolveOptions(opts, opts.env ?? {});
  const log = opts.logger ?? createLogger(options.logLevel, undefined, options.logFormat);
  const clock = opts.clock ?? systemClock;
  const ids = opts.ids ?? randomIds;
  // Read before taking the data directory, so that a bad file cannot leave it locked.
  const countryMap = readCountryMap(options.viewerCountryMap);
  // --edge-lambda directories are checked before anything is opened (a bad one stops the start).
  const localFunctions = parseLocalFunctions(options.edgeLambdas);
  const originOverrides = parseOriginOverrides(options.origins);
  const vpcOrigins = parseVpcOriginMappings(options.vpcOrigins);
  const dataDir = options.ephemeral ? mkdtempSync(join(tmpdir(), "minifront-")) : resolve(options.dataDir);

  // One instance per data directory, taken before anything in it is read or swept
  // (store/data-dir-lock.ts); throws EmulatorError naming the holder's PID.
  const lock = lockDataDir(dataDir);
  let db;
  let store;
  let storage;
  let node: ClusterNode | undefined;
  try {
    db = openDatabase(dataDir, { durable: !options.ephemeral });
    store = opts.cluster ? watchStore(openDocumentStore(db), opts.cluster.bus) : openDocumentStore(db);
    storage = new S3Storage(db, dataDir);
    // --cluster: the documents become a replica of the cluster's, in Redis (src/cluster/).
    if (options.clusterUrl !== "") {
      node = await (await import("./cluster/cluster-node.ts")).joinCluster(options.clusterUrl, { db, raw: store, log });
      store = node.store;
    }
  } catch (err) {
    db?.close();
    lock.release();
    if (err instanceof EmulatorError) throw err;
    throw new EmulatorError("ERR_STATE", `cannot open the state in ${dataDir}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const settings = {
    accountId: options.accountId,
    domainSuffix: options.domainSuffix,
    deployDelayMs: options.deployDelayMs,
    invalidationDelayMs: options.invalidationDelayMs,
    // Lambda@Edge associations are checked against the Lambda service (read when one is made).
    edgeLambdas: (arn: string) => lambda.edgeFacts(arn),
  };
  // Where S3 origins are: this process's own S3 (its port is known once listening) or --s3-endpoint.
  const s3Origins = {
    embedded: { hostname: options.host === "0.0.0.0" || options.host === "::" ? "127.0.0.1" : options.host, port: 0 },
    external: options.s3Endpoint ? new URL(options.s3Endpoint) : undefined,
  };
  // The edge's CloudFront Functions read KeyValueStores through the live state (reset replaces it).
  const functions = createFunctionRuntime({
    kvs: {
      get: (arn, key) => live.cloudfront.keyValueStores.get(arn, key),
      meta: (arn) => live.cloudfront.keyValueStores.meta(arn),
    },
    now: () => clock.now(),
  });
  // How the edge signs OAC/OAI requests to the embedded S3, and how that S3 knows them (#6).
  const cloudFrontIdentity = new CloudFrontIdentity(options.accountId, opts.cluster?.identityKey ?? node?.identityKey);
  // The disk store's files do not outlive the process's index of them: it starts empty (disk-store.ts).
  const cache = new EdgeCache({ memoryBytes: options.cacheBytes, diskBytes: options.diskCacheBytes, memoryObjectBytes: options.memoryObjectBytes, diskDir: join(dataDir, "edge-cache") });
  const listening: { https?: number } = {};
  // Built now, so that a bad --viewer-country-map stops the start rather than the first edge request.
  const countryOf = countryResolver(options.viewerCountry, countryMap);
  // --cluster: the regional tier every node shares in Redis (cluster/redis-tier.ts). Made at start,
  // not with the edge: an invalidation must purge it even on a node that has not served yet.
  const regional: RedisTier | undefined = node ? new (require("./cluster/redis-tier.ts") as typeof import("./cluster/redis-tier.ts")).RedisTier({ url: options.clusterUrl, maxBytes: options.clusterCacheBytes, maxObjectBytes: options.memoryObjectBytes, clock, log }) : undefined;
  const edge = onFirstEdgeRequest(
    () =>
      (require("./edge/pipeline.ts") as typeof import("./edge/pipeline.ts")).createEdge({
        clock,
        cache,
        s3: s3Origins,
        pops: options.pop.split(",").map((p) => p.trim()),
        maxObjectBytes: options.maxCachedObjectBytes,
        memoryObjectBytes: options.memoryObjectBytes,
        httpsPort: () => listening.https ?? opts.cluster?.httpsPort?.(),
        identity: cloudFrontIdentity,
        // Counted for the function metrics (observe/function-runs.ts); the edge is built after observing.
        functions: observing.cloudWatch.observeFunctions(functions),
        countryOf,
        log,
        originOverrides,
        vpcOrigins,
        // Lambda@Edge runs deployed versions in the Lambda platform's runtime (issue 14).
        lambdas: { code: (arn) => lambda.edgeCode(arn), invoke: (code, event, opts) => lambda.runtime().invoke(code, event, opts), remote: (arn, event, opts) => lambda.edgeRemote(arn, event, opts) },
        ...(regional ? { remote: regional } : {}),
      }),
    { invalidate: (id, paths) => void regional?.purge(id, paths) },
  );
  const onInvalidation = (id: string, paths: readonly string[]) => {
    node?.invalidated(id, paths);
    edge.invalidate(id, paths);
    opts.cluster?.bus.invalidated(id, paths);
  };
  const accessWarnings = new AccessWarnings(log, options.accountId);
  const s3Service: S3Service = {
    storage,
    clock,
    defaultRegion: "us-east-1",
    // S3 owners are 64-hex canonical ids; derive a stable one from the account id.
    owner: { ID: createHash("sha256").update(options.accountId).digest("hex"), DisplayName: "minifront" },
    accountId: options.accountId,
    accessMode: options.s3Access as S3Service["accessMode"],
    cloudFrontIdentity,
    accessWarnings,
    // --s3-access warn names the distribution behind an anonymous origin request (access-warnings.ts).
    unsignedDistributions: (bucket) => distributionsReadingAnonymously(live.cloudfront.listDistributions(), bucket),
  };
  // CreateKeyValueStore's ImportSource reads the embedded S3; one byte past the 5 MB file limit is
  // enough to tell a file that is too large.
  const readKvsImport: ImportReader = async (bucket, key) => {
    const obj = storage.getObject(bucket, key);
    if (!obj) return undefined;
    const chunks: Buffer[] = [];
    for await (const chunk of storage.readBlob(obj.blob, { start: 0, end: MAX_STORE_BYTES })) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  };
  const freshState = () => {
    const cloudfront = new CloudFrontState(store, settings, clock, ids, onInvalidation);
    cloudfront.keyValueStores.setImportReader(readKvsImport);
    return { cloudfront, s3: s3Service };
  };
  let live: { cloudfront: CloudFrontState; s3: S3Service } = freshState();

  // Lambda, IAM and STS (issue 14), loaded on their first request.
  const lambda = lazyLambdaPlatform({ store, storage, dataDir, accountId: options.accountId, clock, ids, log, localFunctions, lambdaEndpoint: options.lambdaEndpoint });
  // Further AWS services on the same port, by credential-scope name (server/aws-services.ts).
  const services = new Map<string, AwsService>();
  // CloudWatch Logs' vended-log deliveries (standard logging v2): the state now, the API on first use.
  const logsState = new LogsState(store, options.accountId);
  services.set("logs", lazyLogsService({ state: logsState, ids, distributionExists: (id) => live.cloudfront.getDistribution(id) !== undefined }, log));
  // What the edge does, request by request (src/observe/; issue 15).
  const observing = startObserving({ clock, log, options, cloudfront: () => live.cloudfront, s3: () => live.s3, s3Url: () => `http://${s3Origins.embedded.hostname}:${s3Origins.embedded.port}`, vendedDeliveries: (id) => logsState.deliveriesForDistribution(id), dataDir, countryOf: (r) => countryOf(r.requestHeaders, r.viewerIp) });
  opts.cluster?.records?.(observing);
  // CloudWatch (issue 15): the AWS/CloudFront metrics, read from the edge's minute history.
  services.set("monitoring", { ...lazyCloudWatchService({ source: () => observing.cloudWatch.series(), now: () => clock.now() }, log), reset: () => observing.cloudWatch.clear() });
  // The Resource Groups Tagging API (issue 17) over the CloudFront API's own tags.
  services.set("tagging", lazyTaggingService({ resources: () => taggableResources(live.cloudfront).map((r) => ({ ...r, resourceType: `cloudfront:${r.type}` })) }, log));
  let dashboard: Dashboard | undefined;
  const internal = createInternalEndpoints({
    version: VERSION,
    cacheSize: () => cache.usage(),
    flushLogs: () => observing.flushLogs(),
    metrics: () => observing.metrics.prometheus(),
    // The dashboard (src/ui/), loaded on its first request.
    dashboard: (req, res) => (dashboard ??= (require("./ui/dashboard.ts") as typeof import("./ui/dashboard.ts")).createDashboard({ clock, cloudfront: () => live.cloudfront, storage: () => storage, cache, pops: options.pop.split(",").map((p) => p.trim()), metrics: observing.metrics, observer: observing.observer, warnings: accessWarnings, realtimeLogs: observing.realtimeLogs }))(req, res),
    reset() {
      void live.cloudfront.functions.dispose();
      store.clear();
      lambda.reset();
      for (const service of services.values()) service.reset?.();
      storage.clear();
      cache.clear();
      void regional?.clear();
      live = freshState();
      opts.cluster?.bus.reset();
    },
  });
  // Other cluster nodes' changes, once in the replica (cluster/apply-changes.ts).
  node?.follow((changes) =>
    applyChanges(changes, {
      reloadCloudFront: () => {
        void live.cloudfront.functions.dispose();
        live = freshState();
      },
      resetLambda: () => lambda.reset(),
      reloadLogs: () => logsState.reload(),
      resetOthers: () => {
        for (const service of services.values()) service.reset?.();
        storage.clear();
      },
      clearCache: () => cache.clear(),
      invalidate: (id, paths) => edge.invalidate(id, paths),
    }),
  );
  const localDeps = {
    observer: opts.observeEdge === false ? undefined : observing.observer,
    cloudfront: createCloudFrontApi(log, options.maxApiBodyBytes),
    s3: onFirstUse(() => (require("./services/s3/index.ts") as typeof import("./services/s3/index.ts")).createS3Api(log)),
    lambda,
    services,
    kvs: onFirstUse(() => (require("./services/kvs/index.ts") as typeof import("./services/kvs/index.ts")).createKvsApi(log)),
    state: () => live,
    edge,
    log,
    internal,
    limits: options,
    version: VERSION,
    httpsWarnings: new HttpsWarnings(log, () => listening.https ?? opts.cluster?.httpsPort?.()),
  };
  // --cluster: calls that change state are committed to the cluster before they answer.
  const serverDeps = node ? clusterServerDeps(localDeps, node) : localDeps;
  const servers: Server[] = [];
  let tls: TlsMaterial | undefined;
  const listen = async (server: Server, port: number): Promise<number> => {
    servers.push(server);
    await new Promise<void>((resolveListen, reject) => {
      server.once("error", reject);
      server.listen(port, options.host, () => {
        server.off("error", reject);
        resolveListen();
      });
    });
    return (server.address() as AddressInfo).port;
  };
  let port: number;
  let edgePort: number | undefined;
  try {
    port = await listen(createHttpServer(serverDeps), options.port);
    if (options.edgePort !== null) edgePort = await listen(createHttpServer(serverDeps, { edgeOnly: true }), options.edgePort);
    if (options.httpsPort !== null) {
      const { loadTlsMaterial } = require("./server/tls.ts") as typeof import("./server/tls.ts");
      tls = loadTlsMaterial({ certPath: options.tlsCert, keyPath: options.tlsKey, tlsDir: tlsDirOf(options, opts.env), domainSuffix: options.domainSuffix, now: Date.now() });
      listening.https = await listen(createHttpServer(serverDeps, { tls }), options.httpsPort);
    }
  } catch (err) {
    for (const s of servers) s.close();
    await node?.dispose();
    db.close();
    lock.release();
    if (options.ephemeral) rmSync(dataDir, { recursive: true, force: true });
    if (err instanceof EmulatorError) throw err;
    const e = err as NodeJS.ErrnoException & { port?: number };
    throw new EmulatorError("ERR_LISTEN", e.code === "EADDRINUSE" ? `port ${e.port ?? options.port} on ${options.host} is already in use` : `cannot listen on ${options.host}: ${String(err)}`);
  }

  s3Origins.embedded.port = port;
  // Lifecycle rules of the embedded S3 act once per day of `clock` (services/s3/lifecycle-schedule.ts).
  const lifecycle = startLifecycleSchedule(storage, clock, log);
  const urlHost = options.host === "0.0.0.0" || options.host === "::" ? "localhost" : options.host.includes(":") ? `[${options.host}]` : options.host;
  let disposed = false;
  const emulator: Emulator = {
    controlUrl: `http://${urlHost}:${port}`,
    s3Url: `http://${urlHost}:${port}`,
    edgeUrl: `http://<distribution-domain>:${port}/`,
    edgeUrlFor: (domainName: string) => `http://${domainName}:${port}/`,
    port,
    edgePort,
    httpsPort: listening.https,
    tls,
    options,
    dataDir,
    clock,
    warnings: () => accessWarnings.list(),
    flushLogs: () => observing.flushLogs(),
    async dispose() {
      if (disposed) return;
      disposed = true;
      // The last standard-log lines go out while the embedded S3 still listens.
      await observing.dispose();
      await Promise.all(
        servers.map(
          (server) =>
            new Promise<void>((r) => {
              server.close(() => r());
              server.closeAllConnections();
            }),
        ),
      );
      await Promise.all([functions.dispose(), live.cloudfront.functions.dispose(), lifecycle.stop()]);
      lambda.dispose();
      await Promise.all([...services.values()].map((service) => service.dispose?.()));
      await Promise.all([node?.dispose(), regional?.dispose()]);
      db.close();
      lock.release();
      if (options.ephemeral) rmSync(dataDir, { recursive: true, force: true });
    },
  };
  // --init: the seed file's resources, made through the APIs once listening (src/seed/); its
  // SDK clients load only when there is a seed file.
  if (options.init !== "") {
    try {
      const { applySeedFile, seedSummary } = await import("./seed/apply-seed.ts");
      log.info(seedSummary(options.init, await applySeedFile(options.init, emulator.controlUrl, options.accountId)));
    } catch (err) {
      await emulator.dispose();
      throw err;
    }
  }
  return emulator;
}

// Start-up loads only what a health check and the CloudFront API need. The edge's request
// pipeline, the embedded S3 and the KeyValueStore data API (their models come from two more SDK
// client packages) and the TLS certificate tooling are loaded on first use, through `require`,
// which in Node 24 loads an ES module synchronously, so the first request to each simply pays it
// (bench/startup-bench.ts).
const require = createRequire(import.meta.url);
