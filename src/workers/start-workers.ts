// `--workers N` (issue 18): one primary process and N edge worker processes on one machine.
//
// The primary runs the control plane as startEmulator does (the CloudFront API, the embedded S3,
// the other services, the store: the single writer, durable as in one process) on a loopback port
// of its own, and forks the workers with node:cluster. The workers share the public port
// (node:cluster hands them one listening socket; see README "Workers" for why cluster rather than
// SO_REUSEPORT), each serving the edge from its own memory cache and relaying everything else to
// the primary (edge-worker.ts, forward.ts). Changes reach the workers through a ChangeBus
// (ipc-change-bus.ts) before the API call that made them answers. A worker that exits is replaced;
// the others go on serving.
import cluster, { type Worker } from "node:cluster";
import { availableParallelism } from "node:os";
import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { AddressInfo } from "node:net";
import { resolveOptions, type ResolvedOptions } from "../config.ts";
import { EmulatorError } from "../errors.ts";
import { createLogger } from "../log.ts";
import { readCountryMap, startEmulator, type Emulator, type StartOptions } from "../index.ts";
import { IpcChangeBus } from "./ipc-change-bus.ts";
import { WORKER_CONFIG_ENV, type WorkerConfig, type WorkerInfo } from "./messages.ts";

/** The file a worker runs: worker-main.ts in a checkout, worker-main.js in the published package. */
const WORKER_MAIN = fileURLToPath(new URL(`./worker-main${import.meta.url.endsWith(".ts") ? ".ts" : ".js"}`, import.meta.url));

/** A replacement for a worker that exits within this long of starting waits this long first, so a crash loop does not spin. */
const RESTART_BACKOFF_MS = 1000;

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
  if (options.httpsPort !== null || options.edgePort !== null) throw new EmulatorError("ERR_CONFIG", "--workers does not combine with --https-port or --edge-port yet");
  const log = opts.logger ?? createLogger(options.logLevel, undefined, options.logFormat);
  const bus = new IpcChangeBus();
  const identityKey = randomBytes(32);
  const emu = await startEmulator({ ...opts, port: 0, host: "127.0.0.1", edgePort: null, httpsPort: null, cluster: { identityKey, bus } });
  // Resolved and checked here once; a worker takes them as they are.
  const workerOptions: ResolvedOptions = { ...options, dataDir: emu.dataDir, ephemeral: false, init: "" };
  const config: WorkerConfig = { primaryPort: emu.port, dataDir: emu.dataDir, identityKey: identityKey.toString("hex"), countryMap: readCountryMap(options.viewerCountryMap) };
  cluster.setupPrimary({ exec: WORKER_MAIN, args: [] });
  let disposing = false;
  const started = new Map<number, number>();
  const fork = (): Worker => {
    // Every worker listens on the port as given (0 included): node:cluster shares one socket among
    // the workers that ask for the same address and port, so a replacement joins the others.
    const worker = cluster.fork({ [WORKER_CONFIG_ENV]: JSON.stringify({ options: workerOptions, config }) });
    started.set(worker.id, Date.now());
    bus.add(worker);
    return worker;
  };
  const onExit = (worker: Worker, code: number | null, signal: string | null) => {
    bus.remove(worker.id);
    rmSync(join(emu.dataDir, "edge-cache", `worker-${worker.id}`), { recursive: true, force: true });
    if (disposing) return;
    log.warn(`edge worker ${worker.process.pid} exited (${signal ?? `code ${code}`}); starting a replacement`);
    const quick = Date.now() - (started.get(worker.id) ?? 0) < RESTART_BACKOFF_MS;
    started.delete(worker.id);
    setTimeout(() => !disposing && fork(), quick ? RESTART_BACKOFF_MS : 0).unref();
  };
  let publicPort: number;
  try {
    const first = await Promise.all(Array.from({ length: count }, () => listening(fork())));
    publicPort = first[0] as number;
  } catch (err) {
    disposing = true;
    for (const w of Object.values(cluster.workers ?? {})) w?.kill();
    await emu.dispose();
    throw err;
  }
  cluster.on("exit", onExit);
  const urlHost = options.host === "0.0.0.0" || options.host === "::" ? "localhost" : options.host.includes(":") ? `[${options.host}]` : options.host;
  return {
    ...emu,
    controlUrl: `http://${urlHost}:${publicPort}`,
    s3Url: `http://${urlHost}:${publicPort}`,
    edgeUrl: `http://<distribution-domain>:${publicPort}/`,
    edgeUrlFor: (domainName: string) => `http://${domainName}:${publicPort}/`,
    port: publicPort,
    options,
    workers: () => bus.list(),
    async dispose() {
      if (disposing) return;
      disposing = true;
      cluster.off("exit", onExit);
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

/** Resolves with the port once the worker listens; rejects if it exits first (its error is on stderr). */
function listening(worker: Worker): Promise<number> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) => reject(new EmulatorError("ERR_LISTEN", `edge worker ${worker.process.pid} could not start (exit code ${code}); its error is above`));
    worker.once("exit", onExit);
    worker.once("listening", (address: AddressInfo) => {
      worker.off("exit", onExit);
      resolve(address.port);
    });
  });
}
