// Per-call cost of the function runtime, through the API the edge uses (createFunctionRuntime →
// run / runNow). Two functions: a trivial viewer-request function, and one doing `await kvs.get`
// plus a crypto hash; each measured where it runs once past its probation (the caller's thread,
// "inline") and in the worker thread (a runtime that keeps every version there: probationRuns set
// out of reach). Reports sequential latency (one run at a time, with the calling thread's CPU per
// run), throughput (runs in flight together) and the time inside QuickJS, after a warm-up. Noisy on
// shared machines: compare numbers from one run.
// Run: npm run bench:functions -- [runs=3000]
import { createFunctionRuntime, type FunctionRuntime } from "../src/functions/runtime.ts";
import type { FunctionToRun } from "../src/functions/types.ts";
import { ViewerEvent } from "../src/functions/viewer-event.ts";

// The first argument that is not a flag (`npm run bench:functions -- --lambda-edge` gives none).
const RUNS = Number(process.argv.slice(2).find((a) => !a.startsWith("--")) ?? 3000);
const STORE = "arn:aws:cloudfront::123456789012:key-value-store/0c3b2c6e-8a3f-4f4c-9d3e-3b1f6d2b8a01";
const kvs = { get: (_arn: string, key: string) => (key === "salt" ? "s3cr3t" : undefined), meta: () => undefined };
const PLACES: Record<string, FunctionRuntime> = {
  inline: createFunctionRuntime({ kvs }),
  worker: createFunctionRuntime({ kvs, limits: { probationRuns: Number.MAX_SAFE_INTEGER } }),
};
const data = {
  method: "GET",
  uri: "/index.html",
  rawQuery: "a=1",
  headers: { host: "d111111abcdef8.cloudfront.net", "user-agent": "bench/1.0", accept: "*/*" },
  viewerIp: "127.0.0.1",
  distributionId: "EDFDVBD6EXAMPLE",
  distributionDomainName: "d111111abcdef8.cloudfront.net",
  requestId: "bench",
};

const FUNCTIONS: Record<string, FunctionToRun> = {
  trivial: { key: "trivial", runtime: "cloudfront-js-2.0", kvsArns: [], code: "async function handler(event) { return event.request; }" },
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

// The edge hands every request's facts to the runtime as a ViewerEvent (event objects made only if
// the run needs them); so does the bench. Sequential runs go through runNow as the edge does (no
// promise when the version runs on the caller's thread).
const run = (runtime: FunctionRuntime, fn: FunctionToRun) => runtime.run(fn, "viewer-request", new ViewerEvent(data), { rawQueryString: data.rawQuery });
const runNow = (runtime: FunctionRuntime, fn: FunctionToRun) => runtime.runNow(fn, "viewer-request", new ViewerEvent(data), { rawQueryString: data.rawQuery });

for (const [place, runtime] of Object.entries(PLACES)) {
  for (const [name, fn] of Object.entries(FUNCTIONS)) {
    const first = await run(runtime, fn);
    if (first.kind !== "request") throw new Error(`${name} failed: ${JSON.stringify(first)}`);
    for (let i = 0; i < RUNS; i++) await run(runtime, fn); // warm-up (and the probation)
    let busy = 0;
    let t = performance.now();
    const cpu0 = process.threadCpuUsage();
    for (let i = 0; i < RUNS; i++) {
      const r = runNow(runtime, fn);
      busy += (r instanceof Promise ? await r : r).cpuMs;
    }
    const cpu = process.threadCpuUsage(cpu0);
    const sequential = ((performance.now() - t) * 1000) / RUNS;
    // This thread's CPU per sequential run: unlike wall time it does not grow while other jobs hold
    // the core (the worker's own CPU is not in it).
    const sequentialCpu = (cpu.user + cpu.system) / RUNS;
    t = performance.now();
    await Promise.all(Array.from({ length: RUNS }, () => run(runtime, fn)));
    const concurrent = ((performance.now() - t) * 1000) / RUNS;
    console.log(
      `${place.padEnd(6)} ${name.padEnd(22)} sequential ${sequential.toFixed(1).padStart(6)} µs/run (this thread's CPU ${sequentialCpu.toFixed(1)})   concurrent ${concurrent.toFixed(1).padStart(6)} µs/run (${Math.round(1e6 / concurrent)} runs/s)   inside QuickJS ${((busy * 1000) / RUNS).toFixed(1)} µs/run`,
    );
  }
  await runtime.dispose();
}

// --lambda-edge (issue 14): the same figures for a trivial Lambda@Edge viewer-request Node handler
// in its child process, printed after the CloudFront Function ones (bench/lambda-edge-bench.ts).
if (process.argv.includes("--lambda-edge")) await (await import("./lambda-edge-bench.ts")).benchLambdaEdge(RUNS);
