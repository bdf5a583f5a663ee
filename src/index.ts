// minifront as a library: `startEmulator()` starts the CloudFront API (and, in later issues, the
// embedded S3 and the edge) on one port and returns the URLs and `dispose()`. The CLI is a thin
// wrapper around this.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { AddressInfo } from "node:net";
import { resolveOptions, type EmulatorOptions, type ResolvedOptions } from "./config.ts";
import { EmulatorError } from "./api/errors.ts";
import { systemClock, type Clock } from "./clock.ts";
import { randomIds, type Ids } from "./ids.ts";
import { createLogger } from "./log.ts";
import { openDocumentStore } from "./store/document-store.ts";
import { openDatabase } from "./store/database.ts";
import { S3Storage } from "./services/s3/storage.ts";
import { createS3Api } from "./services/s3/index.ts";
import type { S3Service } from "./services/s3/context.ts";
import { createHash } from "node:crypto";
import { MemoryCache } from "./edge/cache/memory-cache.ts";
import { createEdge } from "./edge/pipeline.ts";
import { CloudFrontState } from "./services/cloudfront/state.ts";
import { createCloudFrontApi } from "./services/cloudfront/index.ts";
import { createHttpServer } from "./server/http-server.ts";
import { createInternalEndpoints } from "./server/internal-endpoints.ts";
import type { Logger } from "./api/service.ts";

export type { EmulatorOptions, ResolvedOptions } from "./config.ts";
export { ManualClock, type Clock } from "./clock.ts";
export { EmulatorError, isUserError } from "./api/errors.ts";

export interface StartOptions extends EmulatorOptions {
  /** Time source (tests pass a ManualClock). Default: the system clock. */
  clock?: Clock;
  /** Id generator. Default: random ids in AWS's formats. */
  ids?: Ids;
  /** Where log lines go. Default: stderr at `logLevel`. */
  logger?: Logger;
  /** Environment to read MINIFRONT_* settings from. Default: none (the CLI passes process.env). */
  env?: NodeJS.ProcessEnv;
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
  readonly options: ResolvedOptions;
  /** The data directory in use (a temporary one when ephemeral). */
  readonly dataDir: string;
  readonly clock: Clock;
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
  const log = opts.logger ?? createLogger(options.logLevel);
  const clock = opts.clock ?? systemClock;
  const ids = opts.ids ?? randomIds;
  const dataDir = options.ephemeral ? mkdtempSync(join(tmpdir(), "minifront-")) : resolve(options.dataDir);

  let db;
  try {
    db = openDatabase(dataDir);
  } catch (err) {
    throw new EmulatorError("ERR_STATE", `cannot open the state in ${dataDir}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const store = openDocumentStore(db);
  const storage = new S3Storage(db, dataDir);
  const settings = {
    accountId: options.accountId,
    domainSuffix: options.domainSuffix,
    deployDelayMs: options.deployDelayMs,
    invalidationDelayMs: options.invalidationDelayMs,
  };
  // Where S3 origins are: this process's own S3 (its port is known once listening) or --s3-endpoint.
  const s3Origins = {
    embedded: { hostname: options.host === "0.0.0.0" || options.host === "::" ? "127.0.0.1" : options.host, port: 0 },
    external: options.s3Endpoint ? new URL(options.s3Endpoint) : undefined,
  };
  const cache = new MemoryCache(options.cacheBytes);
  const edge = createEdge({ clock, cache, s3: s3Origins, pop: options.pop, maxObjectBytes: options.maxCachedObjectBytes, log });
  const onInvalidation = (id: string, paths: readonly string[]) => void edge.invalidate(id, paths);
  const s3Service: S3Service = {
    storage,
    clock,
    defaultRegion: "us-east-1",
    // S3 owners are 64-hex canonical ids; derive a stable one from the account id.
    owner: { ID: createHash("sha256").update(options.accountId).digest("hex"), DisplayName: "minifront" },
  };
  let live = { cloudfront: new CloudFrontState(store, settings, clock, ids, onInvalidation), s3: s3Service };

  const internal = createInternalEndpoints({
    version: VERSION,
    reset() {
      store.clear();
      storage.clear();
      cache.clear();
      live = { cloudfront: new CloudFrontState(store, settings, clock, ids, onInvalidation), s3: s3Service };
    },
  });
  const server = createHttpServer({
    cloudfront: createCloudFrontApi(log, options.maxApiBodyBytes),
    s3: createS3Api(log),
    state: () => live,
    edge,
    log,
    internal,
  });

  try {
    await new Promise<void>((resolveListen, reject) => {
      server.once("error", reject);
      server.listen(options.port, options.host, () => {
        server.off("error", reject);
        resolveListen();
      });
    });
  } catch (err) {
    db.close();
    if (options.ephemeral) rmSync(dataDir, { recursive: true, force: true });
    const code = (err as NodeJS.ErrnoException).code;
    throw new EmulatorError("ERR_LISTEN", code === "EADDRINUSE" ? `port ${options.port} on ${options.host} is already in use` : `cannot listen on ${options.host}:${options.port}: ${String(err)}`);
  }

  const port = (server.address() as AddressInfo).port;
  s3Origins.embedded.port = port;
  const urlHost = options.host === "0.0.0.0" || options.host === "::" ? "localhost" : options.host.includes(":") ? `[${options.host}]` : options.host;
  let disposed = false;
  return {
    controlUrl: `http://${urlHost}:${port}`,
    s3Url: `http://${urlHost}:${port}`,
    edgeUrl: `http://<distribution-domain>:${port}/`,
    edgeUrlFor: (domainName: string) => `http://${domainName}:${port}/`,
    port,
    options,
    dataDir,
    clock,
    async dispose() {
      if (disposed) return;
      disposed = true;
      await new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      });
      db.close();
      if (options.ephemeral) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
