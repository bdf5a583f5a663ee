// Child-process servers for the benchmark, one per `node servers.ts <kind> <port> [originPort]`:
//   origin   — the shared origin: /1k, /100k, /1m with Cache-Control: max-age=3600
//   bare     — a bare node:http server answering from a Map of Buffers (the ceiling for Node)
//   minifront — startEmulator with one distribution in front of the origin
//   minifront-fn — the same with a trivial viewer-request CloudFront Function
//   minifront-log — minifront at the CLI's default log level (info: a request log line per request)
//   minifront-unobserved — minifront with the edge observer off (no request log, standard logs or
//     metrics): the baseline the cost of observing is measured against
//   minifront-workers — the same distribution served by a primary and `count` node:cluster edge
//     workers (startWorkers, as `--workers <count>` runs it; `node servers.ts minifront-workers
//     <port> <originPort> <count>`)
// Each prints "ready <port>" when it listens.
import { createServer } from "node:http";
import { CloudFrontClient, CreateDistributionCommand, CreateFunctionCommand, DescribeFunctionCommand, PublishFunctionCommand } from "@aws-sdk/client-cloudfront";
import { startEmulator, type StartOptions } from "../src/index.ts";
import { startWorkers } from "../src/workers/start-workers.ts";

import { SIZES } from "./sizes.ts";
const bodies = new Map(Object.entries(SIZES).map(([p, n]) => [p, Buffer.alloc(n, 97)]));

const [kind, portArg, originPortArg, countArg] = process.argv.slice(2);
const port = Number(portArg);

if (kind === "origin" || kind === "bare") {
  const server = createServer((req, res) => {
    const body = bodies.get(req.url ?? "");
    if (!body) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "Content-Type": "application/octet-stream", "Content-Length": body.length, "Cache-Control": "max-age=3600", ETag: '"v1"' });
    res.end(body);
  });
  server.keepAliveTimeout = 60_000;
  server.listen(port, "127.0.0.1", () => console.log(`ready ${port}`));
  // Exit normally on a signal so `--cpu-prof` can write its profile.
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => process.exit(0));
} else if (kind === "minifront" || kind === "minifront-fn" || kind === "minifront-log" || kind === "minifront-unobserved" || kind === "minifront-workers") {
  const options: StartOptions = { port, ephemeral: true, logLevel: kind === "minifront-log" ? "info" : "warn", observeEdge: kind !== "minifront-unobserved", cacheBytes: 64 * 1024 * 1024 };
  const emu = kind === "minifront-workers" ? await startWorkers(options, Number(countArg)) : await startEmulator(options);
  // Stop cleanly (workers first, then the ephemeral data directory goes) and exit normally, so
  // `--cpu-prof` can write its profile; a dispose that hangs does not keep the benchmark waiting.
  const stop = () => {
    setTimeout(() => process.exit(0), 5000).unref();
    void emu.dispose().finally(() => process.exit(0));
  };
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, stop);
  const cf = new CloudFrontClient({ endpoint: emu.controlUrl, region: "us-east-1", credentials: { accessKeyId: "b", secretAccessKey: "b" } });
  // minifront-fn: the same distribution with a trivial viewer-request function on every request.
  let associations: { Quantity: number; Items?: Array<{ EventType: "viewer-request"; FunctionARN: string }> } = { Quantity: 0 };
  if (kind === "minifront-fn") {
    const code = new TextEncoder().encode("async function handler(event) { return event.request; }");
    await cf.send(new CreateFunctionCommand({ Name: "bench", FunctionConfig: { Comment: "", Runtime: "cloudfront-js-2.0" }, FunctionCode: code }));
    const etag = (await cf.send(new DescribeFunctionCommand({ Name: "bench" }))).ETag;
    const published = await cf.send(new PublishFunctionCommand({ Name: "bench", IfMatch: etag }));
    associations = { Quantity: 1, Items: [{ EventType: "viewer-request", FunctionARN: published.FunctionSummary?.FunctionMetadata?.FunctionARN as string }] };
  }
  const out = await cf.send(
    new CreateDistributionCommand({
      DistributionConfig: {
        CallerReference: "bench",
        Comment: "",
        Enabled: true,
        Origins: { Quantity: 1, Items: [{ Id: "o", DomainName: "127.0.0.1", CustomOriginConfig: { HTTPPort: Number(originPortArg), HTTPSPort: 443, OriginProtocolPolicy: "http-only" } }] },
        DefaultCacheBehavior: { TargetOriginId: "o", ViewerProtocolPolicy: "allow-all", CachePolicyId: "b2884449-e4de-46a7-ac36-70bc7f1ddd6d", FunctionAssociations: associations },
      },
    }),
  );
  console.log(`ready ${emu.port} ${out.Distribution?.DomainName}`);
} else {
  console.error("usage: servers.ts origin|bare|minifront|minifront-fn|minifront-log|minifront-unobserved|minifront-workers <port> [originPort] [count]");
  process.exit(2);
}
