// One minifront per data directory (store/data-dir-lock.ts), end to end: a second `minifront
// start` on a directory in use exits with a one-line message naming the holder's PID before it
// touches anything (its start-up sweep used to delete blobs the first had just written), a
// `kill -9` of the holder frees the directory with every acknowledged write intact, and the
// library refuses a second startEmulator() on the same directory in one process too.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateOriginAccessControlCommand, ListOriginAccessControlsCommand } from "@aws-sdk/client-cloudfront";
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { CREDENTIALS, cloudFrontClient } from "../helpers/emulator.ts";
import { useDataDirProcesses } from "../helpers/processes.ts";
import { EmulatorError, isUserError, startEmulator } from "../../src/index.ts";

const BIN = fileURLToPath(new URL("../../bin/minifront.js", import.meta.url));

const children = useDataDirProcesses("minifront-lock-");

function s3Client(url: string): S3Client {
  return children.client(new S3Client({ endpoint: url, region: "us-east-1", credentials: CREDENTIALS, forcePathStyle: true, maxAttempts: 1 }));
}

async function text(s3: S3Client, Bucket: string, Key: string): Promise<string> {
  const out = await s3.send(new GetObjectCommand({ Bucket, Key }));
  return (await out.Body?.transformToString()) ?? "";
}

/**
 * Runs `minifront start` (the published launcher) on `dir` and waits for it to exit. If it starts
 * listening instead, it is stopped and reported as `listening` (what happened before the lock).
 */
async function startAndWaitForExit(dir: string): Promise<{ code: number | null; stdout: string; stderr: string; listening: boolean }> {
  const child = spawn(process.execPath, [BIN, "start", "--host", "127.0.0.1", "--port", "0", "--data-dir", dir, "--log-level", "warn"], { stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  let listening = false;
  child.stdout.setEncoding("utf8").on("data", (d: string) => {
    stdout += d;
    if (!listening && stdout.includes("listening on")) {
      listening = true;
      child.kill("SIGKILL");
    }
  });
  child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  const code = await new Promise<number | null>((resolve) => child.once("exit", (c) => resolve(c)));
  return { code, stdout, stderr, listening };
}

describe("one minifront per data directory", () => {
  it("a second `minifront start` on a directory in use exits 2 naming the holder's PID, and the holder loses no acknowledged write", async () => {
    const dir = children.dataDir();
    const first = await children.start(dir);
    const s3 = s3Client(first.url);
    await s3.send(new CreateBucketCommand({ Bucket: "held" }));
    // PUTs keep coming while the second instance tries to start: its sweep used to delete the
    // blobs of some of them between their write and their commit.
    const acknowledged: string[] = [];
    let stop = false;
    const writer = async (w: number) => {
      for (let i = 0; !stop; i++) {
        const Key = `object-${w}-${i}`;
        await s3.send(new PutObjectCommand({ Bucket: "held", Key, Body: `body of ${Key}` }));
        acknowledged.push(Key);
      }
    };
    const writers = Promise.all([0, 1, 2, 3].map(writer));
    const second = await startAndWaitForExit(dir);
    stop = true;
    await writers;

    assert.equal(second.listening, false, "the second instance must not start");
    assert.equal(second.code, 2, `exit code 2 (a user error); stderr: ${second.stderr}`);
    assert.equal(second.stderr, `minifront: the data directory ${dir} is in use by another minifront (PID ${first.child.pid}); stop it or use another --data-dir\n`);
    for (const Key of acknowledged) assert.equal(await text(s3, "held", Key), `body of ${Key}`);
  });

  it("after a kill -9 of the holder, a new start on the directory succeeds with every acknowledged write", async () => {
    const dir = children.dataDir();
    const first = await children.start(dir);
    const s3 = s3Client(first.url);
    await s3.send(new CreateBucketCommand({ Bucket: "survives" }));
    await s3.send(new PutObjectCommand({ Bucket: "survives", Key: "k", Body: "acknowledged" }));
    const cf = children.client(cloudFrontClient(first.url));
    await cf.send(
      new CreateOriginAccessControlCommand({
        OriginAccessControlConfig: { Name: "survives", SigningProtocol: "sigv4", SigningBehavior: "always", OriginAccessControlOriginType: "s3" },
      }),
    );
    assert.equal(await first.stop("SIGKILL"), null, "killed by the signal");

    // No stale lock: the OS released it with the process.
    const next = await children.start(dir);
    assert.equal(await text(s3Client(next.url), "survives", "k"), "acknowledged");
    const oacs = await children.client(cloudFrontClient(next.url)).send(new ListOriginAccessControlsCommand({}));
    assert.deepEqual(oacs.OriginAccessControlList?.Items?.map((o) => o.Name), ["survives"]);
  });

  it("startEmulator refuses a directory that another startEmulator in this process holds, until that one is disposed", async () => {
    const dir = mkdtempSync(join(tmpdir(), "minifront-lock-lib-"));
    try {
      const first = await startEmulator({ port: 0, dataDir: dir, logLevel: "warn" });
      const s3 = new S3Client({ endpoint: first.s3Url, region: "us-east-1", credentials: CREDENTIALS, forcePathStyle: true, maxAttempts: 1 });
      try {
        await s3.send(new CreateBucketCommand({ Bucket: "lib" }));
        await s3.send(new PutObjectCommand({ Bucket: "lib", Key: "k", Body: "still here" }));
        // An instance that starts anyway is disposed, so that the failure does not keep the file running.
        const refused = await startEmulator({ port: 0, dataDir: dir, logLevel: "warn" }).then(
          async (second) => second.dispose(),
          (err: unknown) => err,
        );
        assert.ok(refused instanceof EmulatorError && isUserError(refused), `refused with an EmulatorError, got ${String(refused)}`);
        assert.equal(refused.message, `the data directory ${dir} is in use by another minifront (this process, PID ${process.pid}); stop it or use another --data-dir`);
        assert.equal(await text(s3, "lib", "k"), "still here", "the refused start swept nothing");
      } finally {
        s3.destroy();
        await first.dispose();
      }
      // Disposed: the directory is free again, with its data.
      const again = await startEmulator({ port: 0, dataDir: dir, logLevel: "warn" });
      const s3again = new S3Client({ endpoint: again.s3Url, region: "us-east-1", credentials: CREDENTIALS, forcePathStyle: true, maxAttempts: 1 });
      try {
        assert.equal(await text(s3again, "lib", "k"), "still here");
      } finally {
        s3again.destroy();
        await again.dispose();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("ephemeral instances never contend: each has its own temporary directory", async () => {
    const a = await startEmulator({ port: 0, ephemeral: true, logLevel: "warn" });
    const b = await startEmulator({ port: 0, ephemeral: true, logLevel: "warn" });
    assert.notEqual(a.dataDir, b.dataDir);
    await Promise.all([a.dispose(), b.dispose()]);
  });
});
