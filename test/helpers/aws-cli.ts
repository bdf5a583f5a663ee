// The real AWS CLI as a child process against the emulator, kept apart from the user's own AWS
// setup: dummy credentials, config and credentials files that do not exist, one attempt, no pager,
// no profile, session token or endpoint from the environment.
import { after, before } from "node:test";
import assert from "node:assert/strict";
import { execFile, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface AwsCliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface AwsCliOptions {
  /** Passed as `--endpoint-url` to every command. */
  readonly endpoint: string;
  /** A private temp dir: the CLI's config and credentials files point into it (and are never created). */
  readonly configDir: string;
  /** The command is killed after this long (default 30 s). */
  readonly timeoutMs?: number;
  /** More environment, set over the isolated one. */
  readonly extraEnv?: NodeJS.ProcessEnv;
}

/** The `skip` reason for a suite that needs the CLI. */
export const AWS_CLI_MISSING = "the aws CLI is not on PATH (install AWS CLI v1 to run these tests)";

/** Whether `aws --version` runs and exits with 0. */
export function awsCliAvailable(): boolean {
  const probe = spawnSync("aws", ["--version"], { encoding: "utf8", timeout: 20_000 });
  return probe.error === undefined && probe.status === 0;
}

/** Runs `aws <args> --endpoint-url <endpoint> --output json`; never rejects on a non-zero exit. */
export function runAws(args: readonly string[], options: AwsCliOptions): Promise<AwsCliResult> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of Object.keys(env)) {
    if (name === "AWS_PROFILE" || name === "AWS_SESSION_TOKEN" || name.startsWith("AWS_ENDPOINT_URL")) delete env[name];
  }
  Object.assign(env, {
    AWS_ACCESS_KEY_ID: "test",
    AWS_SECRET_ACCESS_KEY: "test",
    AWS_DEFAULT_REGION: "us-east-1",
    AWS_CONFIG_FILE: join(options.configDir, "no-config"),
    AWS_SHARED_CREDENTIALS_FILE: join(options.configDir, "no-credentials"),
    AWS_MAX_ATTEMPTS: "1",
    AWS_PAGER: "",
    // Key names with unicode are printed; don't let a C locale turn them into an encode error.
    PYTHONIOENCODING: "utf-8",
    ...options.extraEnv,
  });
  const argv = [...args, "--endpoint-url", options.endpoint, "--output", "json"];
  const timeout = options.timeoutMs ?? 30_000;
  return new Promise((resolve, reject) => {
    execFile("aws", argv, { env, timeout, encoding: "utf8", maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err && typeof err.code !== "number") {
        reject(new Error(`aws ${args.join(" ")} did not finish (${err.message}):\n${stderr}`));
        return;
      }
      resolve({ code: err ? (err.code as number) : 0, stdout, stderr });
    });
  });
}

/**
 * `aws cloudfront ...` against an emulator for a describe block: a temporary config dir made
 * before its tests and removed after. `run` never rejects; `json` asserts exit 0 and parses the
 * output ({} when the command prints nothing).
 */
export function useCloudFrontCli(endpoint: () => string): {
  readonly dir: () => string;
  run(...args: string[]): Promise<AwsCliResult>;
  json<T>(...args: string[]): Promise<T>;
} {
  let dir = "";
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "minifront-cli-"));
  });
  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  const run = (...args: string[]) => runAws(["cloudfront", ...args], { endpoint: endpoint(), configDir: dir, timeoutMs: 20_000 });
  return {
    dir: () => dir,
    run,
    async json<T>(...args: string[]): Promise<T> {
      const r = await run(...args);
      assert.equal(r.code, 0, `aws cloudfront ${args.join(" ")} exited with ${r.code}:\n${r.stderr}`);
      return (r.stdout.trim() === "" ? {} : JSON.parse(r.stdout)) as T;
    },
  };
}
