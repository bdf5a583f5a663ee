// `--workers N` (issue 18): one primary process and N edge worker processes on one machine.
//
// The primary runs the control plane as startEmulator does (the CloudFront API, the embedded S3,
// the other services, the store: the single writer, durable as in one process) on a loopback port
// of its own, and forks the workers with node:cluster. The workers share the public port
// (node:cluster hands them one listening socket; see README "Workers" for why cluster rather than
// SO_REUSEPORT), each serving the edge from its own memory cache and relaying everything else to
// the primary (edge-worker.ts, forward.ts). Changes reach the workers through a ChangeBus
// (ipc-change-bus.ts) before the API call that made them answers. A worker that exits is replaced;
// the others go on serving. With --https-port and --edge-port every worker listens on those ports
// too (the primary loads the certificate once and hands it over). The records of the requests the
// workers serve come back to the primary's metrics and logs (record-collector.ts).
import cluster, { type Worker } from "node:cluster";
import { availableParallelism } from "node:os";
import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { resolveOptions, tlsDirOf, type ResolvedOptions } from "../config.ts";
import { EmulatorError } from "../errors.ts";
import { createLogger } from "../log.ts";
import { startEmulator, type Emulator, type StartOptions } from "../index.ts";
import { readCountryMap } from "../edge/stages/geo.ts";
import type { TlsMaterial } from "../server/tls.ts";
import { IpcChangeBus } from "./ipc-change-bus.ts";
import { WORKER_CONFIG_ENV, type ToPrimary, type WorkerConfig, type WorkerInfo } from "./messages.ts";
import { RecordCollector, type RecordIntake } from "./record-collector.ts";
import { workerCacheDir, workerRuntimeDir, workersRuntimeRoot } from "./worker-dirs.ts";
import { sharedTierDir, sweepSharedTier, SWEEP_MS } from "./shared-tier.ts";

/** The file a worker runs: worker-main.ts in a checkout, worker-main.js in the published package. */
const WORKER_MAIN = fileURLToPath(new URL(`./worker-main${import.meta.url.endsWith(".ts") ? ".ts" : ".js"}`, import.meta.url));

/** A replacement for a worker that exits within this long of starting waits this long first, so a crash loop does not spin. */
const RESTART_BACKOFF_MS = 1000;
/** How long stopping waits for the workers' last records (a worker that hangs must not stop the shutdown). */
const LAST_RECORDS_MS = 2000;

export interface WorkersEmulator extends Emulator {
  /** The live edge workers. */
  workers(): WorkerInfo[];
}

/** `--workers`: a count, or `auto` for one per core. */
export function workerCount(workers: string): number {
  return workers === "auto" ? availableParallelism() : Number(workers);
}

/**
 * Starts the primary's control plane and `count` edge workers on the public port. The returned
 * emulator's URLs are the public port's; dispose stops the workers, then the control plane.
 */
export async function startWorkers(opts: StartOptions, count: number): Promise<WorkersEmulator> {
  const options = resolveOptions(opts, opts.env ?? {});
  const log = opts.logger ?? createLogger(options.logLevel, undefined, options.logFormat);
  // Made (or read) once here: workers generating the local CA at the same time would race.
  const tls: TlsMaterial | undefined =
    options.httpsPort === null ? undefined : (await import("../server/tls.ts")).loadTlsMaterial({ certPath: options.tlsCert, keyPath: options.tlsKey, tlsDir: tlsDirOf(options, opts.env), domainSuffix: options.domainSuffix, now: Date.now() });
  const bus = new IpcChangeBus();
  let httpsPort: number | undefined;
  // Set once the primary's observing starts, before any worker is forked.
  let intake: RecordIntake | undefined;
  const collector = new RecordCollector(() => intake as RecordIntake);
  const identityKey = randomBytes(32);
  const emu = await startEmulator({ ...opts, port: 0, host: "127.0.0.1", edgePort: null, httpsPort: null, cluster: { identityKey, bus, records: (observing) => (intake = observing), httpsPort: () => httpsPort } });
  // Resolved and checked here once; a worker takes them as they are.
  const workerOptions: ResolvedOptions = { ...options, dataDir: emu.dataDir, ephemeral: false, init: "" };
  const config: WorkerConfig = { primaryPort: emu.port, dataDir: emu.dataDir, identityKey: identityKey.toString("hex"), countryMap: readCountryMap(options.viewerCountryMap), ...(tls ? { tls: { cert: tls.cert, key: tls.key } } : {}) };
  rmSync(workersRuntimeRoot(emu.dataDir), { recursive: true, force: true });
  cluster.setupPrimary({ exec: WORKER_MAIN, args: [] });
  let disposing = false;
  const started = new Map<number, number>();
  const fork = (): Worker => {
    // Every worker listens on the port as given (0 included): node:cluster shares one socket among
    // the workers that ask for the same address and port, so a replacement joins the others.
    const worker = cluster.fork({ [WORKER_CONFIG_ENV]: JSON.stringify({ options: workerOptions, config }) });
    started.set(worker.id, Date.now());
    bus.add(worker);
    collector.add(worker);
    return worker;
  };
  const onExit = (worker: Worker, code: number | null, signal: string | null) => {
    bus.remove(worker.id);
    collector.remove(worker.id);
    rmSync(workerCacheDir(emu.dataDir, worker.id), { recursive: true, force: true });
    rmSync(workerRuntimeDir(emu.dataDir, worker.id), { recursive: true, force: true });
    if (disposing) return;
    log.warn(`edge worker ${worker.process.pid} exited (${signal ?? `code ${code}`}); starting a replacement`);
    const quick = Date.now() - (started.get(worker.id) ?? 0) < RESTART_BACKOFF_MS;
    started.delete(worker.id);
    setTimeout(() => !disposing && fork(), quick ? RESTART_BACKOFF_MS : 0).unref();
  };
  let ports: Ready;
  try {
    const first = await Promise.all(Array.from({ length: count }, () => ready(fork())));
    ports = first[0] as Ready;
    httpsPort = ports.httpsPort || undefined;
  } catch (err) {
    disposing = true;
    for (const w of Object.values(cluster.workers ?? {})) w?.kill();
    await emu.dispose();
    throw err;
  }
  cluster.on("exit", onExit);
  // The shared tier's budget, --disk-cache-size, kept by the one process that outlives the workers.
  const sweep = setInterval(() => sweepSharedTier(sharedTierDir(join(emu.dataDir, "edge-cache")), options.diskCacheBytes), SWEEP_MS);
  sweep.unref();
  const publicPort = ports.port;
  const urlHost = options.host === "0.0.0.0" || options.host === "::" ? "localhost" : options.host.includes(":") ? `[${options.host}]` : options.host;
  return {
    ...emu,
    controlUrl: `http://${urlHost}:${publicPort}`,
    s3Url: `http://${urlHost}:${publicPort}`,
    edgeUrl: `http://<distribution-domain>:${publicPort}/`,
    edgeUrlFor: (domainName: string) => `http://${domainName}:${publicPort}/`,
    port: publicPort,
    httpsPort,
    edgePort: ports.edgePort || undefined,
    tls,
    options,
    workers: () => bus.list(),
    async flushLogs() {
      await collector.collect();
      await emu.flushLogs();
    },
    async dispose() {
      if (disposing) return;
      disposing = true;
      clearInterval(sweep);
      cluster.off("exit", onExit);
      // The records the workers still hold go to the primary's logs, delivered as it stops.
      await Promise.race([collector.collect(), new Promise((r) => setTimeout(r, LAST_RECORDS_MS).unref())]);
      await Promise.all(
        Object.values(cluster.workers ?? {}).map(
          (w) =>
            new Promise<void>((resolve) => {
              if (!w || w.isDead()) return resolve();
              w.once("exit", () => resolve());
              w.kill("SIGTERM");
            }),
        ),
      );
      await emu.dispose();
    },
  };
}

type Ready = Extract<ToPrimary, { t: "ready" }>;

/** Resolves with the ports once the worker listens on all of them; rejects if it exits first (its error is on stderr). */
function ready(worker: Worker): Promise<Ready> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) => reject(new EmulatorError("ERR_LISTEN", `edge worker ${worker.process.pid} could not start (exit code ${code}); its error is above`));
    const onMessage = (msg: ToPrimary) => {
      if (msg.t !== "ready") return;
      worker.off("exit", onExit);
      worker.off("message", onMessage);
      resolve(msg);
    };
    worker.once("exit", onExit);
    worker.on("message", onMessage);
  });
}
