// `npm run bench:workers` (issue 18): cached 1 KiB hits per second through minifront's edge in one
// process, with `--workers 1` and with `--workers 2`, and, to choose how workers share the port, a
// bare node:http server in two processes behind node:cluster (round robin from the primary) and
// behind SO_REUSEPORT (the kernel spreads connections). wrk runs with one thread, 64 connections,
// on the same machine: on 2 cores it takes CPU from the servers, so read the ratios of one run,
// never absolute figures across runs. `npm run bench -- --workers` measures minifront's workers
// against nginx's with CPU time per request beside req/s, which wrk's share does not distort.
//   node bench/workers-bench.ts [seconds]
import { spawn, execFile, type ChildProcess } from "node:child_process";
import { promisify } from "node:util";
import cluster from "node:cluster";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { CloudFrontClient, CreateDistributionCommand } from "@aws-sdk/client-cloudfront";
import { startEmulator } from "../src/index.ts";
import { startWorkers } from "../src/workers/start-workers.ts";

const SELF = fileURLToPath(import.meta.url);
const run = promisify(execFile);
const BODY = Buffer.alloc(1024, 97);
const answer: Parameters<typeof createServer>[1] = (_req, res) => {
  res.writeHead(200, { "Content-Type": "application/octet-stream", "Content-Length": BODY.length, "Cache-Control": "max-age=3600" });
  res.end(BODY);
};
const listen = (server: Server, port: number, reusePort = false) => new Promise<number>((r) => server.listen({ port, host: "127.0.0.1", reusePort }, () => r((server.address() as AddressInfo).port)));

const [role, mode, arg] = process.argv.slice(2);
if (role === "serve") await serve(mode as string, Number(arg));
else if (cluster.isPrimary) await main(Number(role ?? 8));
else await listen(createServer(answer), 0); // a bare cluster worker

async function serve(kind: string, originPort: number): Promise<void> {
  process.on("SIGTERM", () => process.exit(0));
  if (kind === "bare-cluster") {
    cluster.setupPrimary({ exec: SELF, args: [] });
    for (let i = 0; i < 2; i++) cluster.fork();
    cluster.once("listening", (_w, address) => console.log(`ready ${address.port} x`));
    return;
  }
  if (kind === "bare-reuseport") {
    const port = Number(arg);
    await listen(createServer(answer), port, true);
    return void console.log(`ready ${port} x`);
  }
  const options = { port: 0, ephemeral: true, logLevel: "warn" as const };
  const emu = kind === "single" ? await startEmulator(options) : await startWorkers(options, Number(kind.slice("workers".length)));
  process.on("SIGTERM", () => void emu.dispose().then(() => process.exit(0)));
  const cf = new CloudFrontClient({ endpoint: emu.controlUrl, region: "us-east-1", credentials: { accessKeyId: "b", secretAccessKey: "b" } });
  const out = await cf.send(
    new CreateDistributionCommand({
      DistributionConfig: {
        CallerReference: "bench",
        Comment: "",
        Enabled: true,
        Origins: { Quantity: 1, Items: [{ Id: "o", DomainName: "127.0.0.1", CustomOriginConfig: { HTTPPort: originPort, HTTPSPort: 443, OriginProtocolPolicy: "http-only" } }] },
        DefaultCacheBehavior: { TargetOriginId: "o", ViewerProtocolPolicy: "allow-all", CachePolicyId: "658327ea-f89d-4fab-a63d-7e88639e58f6" },
      },
    }),
  );
  console.log(`ready ${emu.port} ${out.Distribution?.DomainName}`);
}

async function main(seconds: number): Promise<void> {
  const origin = createServer(answer);
  const originPort = await listen(origin, 0);
  const rows: [string, number][] = [];
  for (const kind of ["single", "workers1", "workers2", "bare-cluster", "bare-reuseport"]) {
    const free = kind === "bare-reuseport" ? await freePort() : originPort;
    const children: ChildProcess[] = [];
    const start = (): Promise<[number, string]> => {
      const child = spawn(process.execPath, [SELF, "serve", kind, String(free)], { stdio: ["ignore", "pipe", "inherit"] });
      children.push(child);
      return new Promise((resolve) => child.stdout?.setEncoding("utf8").on("data", (d: string) => {
        const m = /ready (\d+) (\S+)/.exec(d);
        if (m) resolve([Number(m[1]), m[2] as string]);
      }));
    };
    const [port, host] = await start();
    if (kind === "bare-reuseport") await start();
    const url = `http://127.0.0.1:${port}/1k`;
    // Asynchronously: the origin answers from this process.
    await run("curl", ["-s", "-o", "/dev/null", "-H", `Host: ${host}`, url]);
    const { stdout: out } = await run("wrk", ["-t1", "-c64", `-d${seconds}s`, "-H", `Host: ${host}`, url]);
    rows.push([kind, Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? 0)]);
    for (const c of children) c.kill("SIGTERM");
    await Promise.all(children.map((c) => new Promise((r) => (c.exitCode !== null ? r(0) : c.once("exit", r)))));
  }
  origin.close();
  const base = rows[0]?.[1] ?? 1;
  for (const [kind, rps] of rows) console.log(`${kind.padEnd(16)} ${rps.toFixed(0).padStart(7)} req/s  ${(rps / base).toFixed(2)}x single`);
}

async function freePort(): Promise<number> {
  const s = createServer();
  const port = await listen(s, 0);
  await new Promise((r) => s.close(r));
  return port;
}
