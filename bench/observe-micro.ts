// What observing costs per edge request, in-process: the observer's watch and 'close' handling,
// the record and every sink (request log at info into the batched stderr writer, standard and
// real-time logs with nothing configured, the metrics), driven with stand-in request and response
// objects shaped like a cache hit's, with the notes the fast hit path makes. No sockets, so the
// figure does not depend on the machine's network stack or on other load as much as `npm run bench`
// does; it also misses what a real server pays for the same work (colder caches): a real hit's
// observer costs several times the figure printed here.
// Run: node bench/observe-micro.ts [--level info|warn] [--n 200000] 2>/dev/null
import { startObserving } from "../src/observe/observing.ts";
import { resolveOptions } from "../src/config.ts";
import { createLogger, type LogLevel } from "../src/log.ts";
import { systemClock } from "../src/clock.ts";
import { noteHit, noteMatch } from "../src/edge/request-notes.ts";

const arg = (name: string, fallback: string) => (process.argv.includes(name) ? String(process.argv[process.argv.indexOf(name) + 1]) : fallback);
const level = arg("--level", "info") as LogLevel;
const n = Number(arg("--n", "200000"));

const options = resolveOptions({ logLevel: level }, {});
const dist = { Id: "E2QWRUHAPOMQZL", DomainName: "d111111abcdef8.cloudfront.localhost", config: {} };
const cloudfront = {
  getDistribution: () => dist,
  realtimeLogConfigs: { byArn: () => undefined },
  monitoringSubscriptions: { additionalMetrics: () => false },
};
const observing = startObserving({
  clock: systemClock,
  log: createLogger(level),
  options,
  cloudfront: () => cloudfront as never,
  s3: () => undefined as never,
  s3Url: () => "http://127.0.0.1:1",
  vendedDeliveries: () => [],
});
const HEAD =
  "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: 1024\r\nConnection: keep-alive\r\nCache-Control: max-age=3600\r\nETag: \"v1\"\r\nVia: 1.1 abc.cloudfront.net (CloudFront)\r\nX-Amz-Cf-Pop: LOC50-C1\r\nX-Amz-Cf-Id: 6j3iYyGtOhWRSfq-gnXszEkXUPvyz1WOLxxwo5yL00000000000001==\r\nX-Cache: Hit from cloudfront\r\nAge: 3\r\n\r\n";
const socket = { bytesRead: 0, bytesWritten: 0, remoteAddress: "127.0.0.1", remotePort: 40000 };

function once(): void {
  const listeners: Array<(this: unknown) => void> = [];
  const req = { method: "GET", url: "/1k", httpVersion: "1.1", headers: { host: "d111111abcdef8.cloudfront.localhost:4566", "user-agent": "wrk" }, socket, readableEnded: true };
  const res = { req, _header: HEAD, statusCode: 200, writableFinished: true, on: (_e: string, l: (this: unknown) => void) => void listeners.push(l) };
  observing.observer.watch(req as never, res as never, dist as never);
  // What the edge notes on a fast-path hit (pipeline.ts tryHit).
  noteMatch(req as never, "*", "/1k", "EDGE");
  noteHit(req as never, "LOC50-C1", "6j3iYyGtOhWRSfq-gnXszEkXUPvyz1WOLxxwo5yL00000000000001==");
  socket.bytesRead += 80;
  socket.bytesWritten += 1024 + HEAD.length;
  for (const l of listeners) l.call(res);
}

for (let i = 0; i < 20_000; i++) once(); // warm-up
const samples: number[] = [];
for (let round = 0; round < 5; round++) {
  const t0 = process.cpuUsage();
  for (let i = 0; i < n; i++) once();
  const t = process.cpuUsage(t0);
  samples.push(((t.user + t.system) * 1000) / n);
}
samples.sort((a, b) => a - b);
console.log(`observing at ${level}: ${samples[2]!.toFixed(0)} ns of CPU per request (median of 5 rounds of ${n}; min ${samples[0]!.toFixed(0)})`);
await observing.dispose();
