// What a start of minifront loads before its first request. Start-up time and idle memory are
// measured by bench/startup-bench.ts; this test keeps the causes found there from coming back,
// without timing anything: each item below is code that no request of a fresh start needs.
import { after, before, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ListBucketsCommand, S3Client } from "@aws-sdk/client-s3";
import { CREDENTIALS, spawnCli } from "../helpers/emulator.ts";

const dir = mkdtempSync(join(tmpdir(), "minifront-footprint-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const PRELOAD = new URL("../helpers/module-report.ts", import.meta.url).href;

/**
 * Starts `minifront start`, waits for a healthy answer, runs `then` against it, stops it and
 * returns what it loaded.
 */
async function loadedByAStart(name: string, then?: (url: string) => Promise<void>): Promise<{ loaded: string[]; builtins: string[] }> {
  const report = join(dir, `${name}.json`);
  const proc = await spawnCli(["--port", "0", "--ephemeral", "--log-level", "warn"], {
    NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --import "${PRELOAD}"`,
    LOADED_MODULES_REPORT: report,
  });
  const health = await fetch(`${proc.url}/_minifront/health`);
  assert.equal(health.status, 200);
  await health.arrayBuffer();
  await then?.(proc.url);
  assert.equal(await proc.stop("SIGTERM"), 0);
  return JSON.parse(readFileSync(report, "utf8")) as { loaded: string[]; builtins: string[] };
}

/** A client package's main entry, which runs its whole runtime (credential providers, HTTP/2 handler). */
const SDK_CLIENT_RUNTIME = /\/@aws-sdk\/client-[a-z0-9-]+\/dist-cjs\//;

/** One S3 call, which loads the embedded S3 and its model. */
async function listBuckets(url: string): Promise<void> {
  const s3 = new S3Client({ region: "us-east-1", endpoint: url, forcePathStyle: true, credentials: CREDENTIALS, maxAttempts: 1 });
  try {
    await s3.send(new ListBucketsCommand({}));
  } finally {
    s3.destroy();
  }
}

let second: { loaded: string[]; builtins: string[] };
before(async () => {
  // The first start after an SDK upgrade reads the CloudFront schemas (and on the first S3 call the
  // S3 ones) from the package and caches them (src/api/model-cache.ts); later starts read the cache.
  await loadedByAStart("first", listBuckets);
  second = await loadedByAStart("second");
  assert.ok(second.loaded.some((url) => url.endsWith("/src/index.ts")), "the preload saw the emulator load");
});

it("a start loads no SDK client package and no service or tooling that waits for first use", () => {
  const unwanted = second.loaded.filter((url) =>
    [
      SDK_CLIENT_RUNTIME,
      // The edge's pipeline, the embedded S3, its website endpoint and the KeyValueStore API wait
      // for their first request.
      /\/src\/edge\/pipeline\.ts$/,
      /\/src\/services\/(s3|kvs)\/index\.ts$/,
      /\/src\/services\/s3\/website\.ts$/,
      // Self-signed certificates are made only for --https-port.
      /\/node-forge\//,
    ].some((pattern) => pattern.test(url)),
  );
  assert.deepEqual(unwanted, []);
});

it("a start loads neither undici nor TLS", () => {
  // `import ... from "node:http"` would load undici (src/http/node-http.ts); node:tls comes with
  // an HTTPS listener or the first HTTPS origin.
  const unwanted = second.builtins.filter((m) => /^NativeModule (internal\/deps\/undici\/undici|tls|https|http2)$/.test(m));
  assert.deepEqual(unwanted, []);
});

it("the first S3 request reads the S3 schemas from the cache too, not from the SDK package", async () => {
  const { loaded } = await loadedByAStart("s3", listBuckets);
  assert.ok(loaded.some((url) => url.endsWith("/src/services/s3/index.ts")), "the S3 API was loaded");
  assert.deepEqual(loaded.filter((url) => SDK_CLIENT_RUNTIME.test(url)), []);
});
