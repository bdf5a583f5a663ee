// Per-call cost of the function runtime, through the API the edge uses (createFunctionRuntime →
// run). Two functions: a trivial viewer-request function, and one doing `await kvs.get` plus a
// crypto hash. Reports sequential latency (one run at a time) and throughput (runs in flight
// together), after a warm-up. Noisy on shared machines: compare numbers from one run.
// Run: npm run bench:functions -- [runs=3000]
import { buildViewerRequestEvent } from "../src/functions/event.ts";
import { createFunctionRuntime } from "../src/functions/runtime.ts";
import type { FunctionToRun } from "../src/functions/types.ts";

const RUNS = Number(process.argv[2] ?? 3000);
const STORE = "arn:aws:cloudfront::123456789012:key-value-store/0c3b2c6e-8a3f-4f4c-9d3e-3b1f6d2b8a01";
const runtime = createFunctionRuntime({ kvs: { get: (_arn, key) => (key === "salt" ? "s3cr3t" : undefined), meta: () => undefined } });
const event = buildViewerRequestEvent({
  method: "GET",
  uri: "/index.html",
  rawQuery: "a=1",
  headers: { host: "d111111abcdef8.cloudfront.net", "user-agent": "bench/1.0", accept: "*/*" },
  viewerIp: "127.0.0.1",
  distributionId: "EDFDVBD6EXAMPLE",
  distributionDomainName: "d111111abcdef8.cloudfront.net",
  requestId: "bench",
});

const FUNCTIONS: Record<string, FunctionToRun> = {
  trivial: { key: "trivial", runtime: "cloudfront-js-2.0", kvsArns: [], code: "function handler(event) { return event.request; }" },
  "kvs.get + createHash": {
    key: "kvs-hash",
    runtime: "cloudfront-js-2.0",
    kvsArns: [STORE],
    code: `import cf from 'cloudfront';
import crypto from 'crypto';
const kvs = cf.kvs();
async function handler(event) {
  const salt = await kvs.get('salt');
  event.request.headers['x-sig'] = { value: crypto.createHash('sha256').update(salt + event.request.uri).digest('hex') };
  return event.request;
}`,
  },
};

for (const [name, fn] of Object.entries(FUNCTIONS)) {
  const first = await runtime.run(fn, "viewer-request", event);
  if (first.kind !== "request") throw new Error(`${name} failed: ${JSON.stringify(first)}`);
  for (let i = 0; i < RUNS; i++) await runtime.run(fn, "viewer-request", event); // warm-up
  let busy = 0;
  let t = performance.now();
  for (let i = 0; i < RUNS; i++) busy += (await runtime.run(fn, "viewer-request", event)).cpuMs;
  const sequential = ((performance.now() - t) * 1000) / RUNS;
  t = performance.now();
  await Promise.all(Array.from({ length: RUNS }, () => runtime.run(fn, "viewer-request", event)));
  const concurrent = ((performance.now() - t) * 1000) / RUNS;
  console.log(
    `${name.padEnd(22)} sequential ${sequential.toFixed(1).padStart(6)} µs/run   concurrent ${concurrent.toFixed(1).padStart(6)} µs/run (${Math.round(1e6 / concurrent)} runs/s)   inside QuickJS ${((busy * 1000) / RUNS).toFixed(1)} µs/run`,
  );
}
await runtime.dispose();
