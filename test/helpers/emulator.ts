// Test fixtures: an emulator on a free port per test file, real SDK clients pointed at it, the
// CLI as a child process, and an assertion for AWS errors. docs/style.md "Tests".
import { after, before } from "node:test";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CloudFrontClient } from "@aws-sdk/client-cloudfront";
import { startEmulator, type Emulator, type StartOptions } from "../../src/index.ts";

export const CREDENTIALS = { accessKeyId: "test", secretAccessKey: "test" };

/**
 * Starts an ephemeral emulator before the file's tests and disposes it after them. A generated
 * TLS certificate goes to a temp dir of its own, not the user's (config.ts --tls-dir).
 */
export function useEmulator(options: StartOptions = {}): { readonly emu: Emulator; cloudfront(region?: string): CloudFrontClient } {
  let emu: Emulator | undefined;
  let tlsDir: string | undefined;
  before(async () => {
    tlsDir = options.tlsDir === undefined ? mkdtempSync(join(tmpdir(), "minifront-tls-")) : undefined;
    emu = await startEmulator({ port: 0, ephemeral: true, logLevel: "warn", ...(tlsDir !== undefined ? { tlsDir } : {}), ...options });
  });
  after(async () => {
    await emu?.dispose();
    if (tlsDir !== undefined) rmSync(tlsDir, { recursive: true, force: true });
  });
  return {
    get emu() {
      if (!emu) throw new Error("emulator not started yet");
      return emu;
    },
    cloudfront(region = "us-east-1") {
      if (!emu) throw new Error("emulator not started yet");
      return cloudFrontClient(emu.controlUrl, region);
    },
  };
}

export function cloudFrontClient(endpoint: string, region = "us-east-1"): CloudFrontClient {
  return new CloudFrontClient({ endpoint, region, credentials: CREDENTIALS, maxAttempts: 1 });
}

/** Asserts that `promise` rejects with an AWS service error of this HTTP status and code. */
export async function expectServiceError(promise: Promise<unknown>, status: number, code: string): Promise<Error & { $metadata: { httpStatusCode?: number } }> {
  try {
    await promise;
  } catch (err) {
    const e = err as Error & { name: string; $metadata?: { httpStatusCode?: number } };
    assert.equal(e.name, code, `expected ${code}, got ${e.name}: ${e.message}`);
    assert.equal(e.$metadata?.httpStatusCode, status, `expected HTTP ${status} for ${code}`);
    return e as Error & { $metadata: { httpStatusCode?: number } };
  }
  assert.fail(`expected ${code} (${status}), but the call succeeded`);
}

const CLI = fileURLToPath(new URL("../../src/cli.ts", import.meta.url));

export interface CliProcess {
  readonly child: ChildProcess;
  readonly url: string;
  /** Everything the process wrote to stdout so far. */
  stdout(): string;
  /** Everything the process wrote to stderr so far (the log). */
  stderr(): string;
  /** Sends a signal and waits for the exit code (null when killed by the signal). */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Runs `minifront start` as a child process on a free port and waits until it listens. */
export async function spawnCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliProcess> {
  const child = spawn(process.execPath, [CLI, "start", "--host", "127.0.0.1", ...args], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout.setEncoding("utf8").on("data", (d: string) => (out += d));
  child.stderr.setEncoding("utf8").on("data", (d: string) => (err += d));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`minifront did not start in 10 s:\n${out}\n${err}`)), 10_000);
    const check = () => {
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1] as string);
      }
    };
    child.stdout.on("data", check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`minifront exited with ${code}:\n${out}\n${err}`));
    });
  });
  return {
    child,
    url,
    stdout: () => out,
    stderr: () => err,
    async stop(signal = "SIGTERM") {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
