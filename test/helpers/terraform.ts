// Running Terraform's AWS provider against minifront: the provider comes from the local filesystem
// mirror (nothing is fetched from the network), the user's Terraform and AWS settings are kept out,
// and each command runs in its own working directory. Set TF_LOG=DEBUG and TF_LOG_PATH=<file> to
// see the provider's HTTP requests and responses.
import assert from "node:assert/strict";
import { execFile, spawnSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export const PLUGIN_MIRROR = "/opt/tf-plugins";
export const PROVIDER_VERSION = "5.100.0";
const PROVIDER_DIR = join(PLUGIN_MIRROR, "registry.terraform.io/hashicorp/aws", PROVIDER_VERSION);

/** Why Terraform tests cannot run here, or false when they can (a `skip` value for describe). */
export function terraformMissing(): string | false {
  const probe = spawnSync("terraform", ["version"], { encoding: "utf8", timeout: 20_000, env: { ...process.env, CHECKPOINT_DISABLE: "1" } });
  if (probe.error !== undefined || probe.status !== 0) return "terraform is not on PATH (install Terraform to run these tests)";
  if (!existsSync(PROVIDER_DIR)) return `the hashicorp/aws ${PROVIDER_VERSION} provider is not in the filesystem mirror ${PLUGIN_MIRROR}`;
  return false;
}

const CLI_CONFIG = `provider_installation {
  filesystem_mirror {
    path    = "${PLUGIN_MIRROR}"
    include = ["registry.terraform.io/hashicorp/*"]
  }
  direct {
    exclude = ["registry.terraform.io/hashicorp/*"]
  }
}
`;

/**
 * The `terraform` and `provider "aws"` blocks for an emulator: test credentials, no account or
 * region lookups, and the given service endpoints (`{ s3: url }`); `settings` are extra provider
 * arguments (`s3_use_path_style = true`). With `checkCredentials` the provider asks STS for the
 * caller's identity and account as it does against AWS (the endpoints must include sts).
 */
export function providerHcl(endpoints: Readonly<Record<string, string>>, settings: readonly string[] = [], { checkCredentials = false } = {}): string {
  const lines = Object.entries(endpoints).map(([service, url]) => `    ${service} = "${url}"`);
  return `terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "${PROVIDER_VERSION}"
    }
  }
}

provider "aws" {
  region                      = "us-east-1"
  access_key                  = "test"
  secret_key                  = "test"
${checkCredentials ? "" : "  skip_credentials_validation = true\n  skip_requesting_account_id  = true\n"}  skip_metadata_api_check     = true
  skip_region_validation      = true
${settings.map((l) => `  ${l}\n`).join("")}  endpoints {
${lines.join("\n")}
  }
}
`;
}

export interface TfResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** The last `n` characters of a command's output, for assertion messages. */
export function tail(r: TfResult, n = 6000): string {
  const all = `--- stdout ---\n${r.stdout}\n--- stderr ---\n${r.stderr}`;
  return all.length > n ? `...${all.slice(-n)}` : all;
}

export interface TerraformRunner {
  /** Runs `terraform <args>` in `dir`; never rejects on a non-zero exit. */
  run(args: readonly string[]): Promise<TfResult>;
  /** Runs a terraform command that must exit 0. */
  ok(...args: string[]): Promise<TfResult>;
}

/** A runner for the working directory `dir` (which gets the CLI configuration file). */
export function terraformIn(dir: string, stepTimeoutMs: number): TerraformRunner {
  writeFileSync(join(dir, "cli.tfrc"), CLI_CONFIG);
  const run = (args: readonly string[]): Promise<TfResult> => {
    const env: NodeJS.ProcessEnv = {};
    // Keep the user's Terraform and AWS setup out of the test; TF_LOG/TF_LOG_PATH pass through for debugging.
    for (const [k, v] of Object.entries(process.env)) {
      if ((k.startsWith("TF_") && k !== "TF_LOG" && k !== "TF_LOG_PATH") || k.startsWith("AWS_")) continue;
      env[k] = v;
    }
    Object.assign(env, {
      TF_CLI_CONFIG_FILE: join(dir, "cli.tfrc"),
      TF_IN_AUTOMATION: "1",
      TF_INPUT: "0",
      CHECKPOINT_DISABLE: "1",
      AWS_CONFIG_FILE: join(dir, "no-aws-config"),
      AWS_SHARED_CREDENTIALS_FILE: join(dir, "no-aws-credentials"),
      AWS_EC2_METADATA_DISABLED: "true",
      // The AWS provider builds its schema of ~1,500 resources each time Terraform launches it
      // (three launches per plan or apply), mostly allocation: with the collector held off until
      // 512 MiB, a `terraform validate` took 6.9 s of CPU instead of 9.5 s (~650 MB peak instead
      // of ~320 MB). The Terraform suites are CPU-bound on CI's two cores, so this is wall time.
      GOGC: "off",
      GOMEMLIMIT: "512MiB",
    });
    return new Promise((resolve, reject) => {
      execFile("terraform", [...args, "-no-color"], { cwd: dir, env, timeout: stepTimeoutMs, maxBuffer: 64 * 1024 * 1024, encoding: "utf8" }, (err, stdout, stderr) => {
        if (err && typeof err.code !== "number") {
          reject(new Error(`terraform ${args.join(" ")} did not finish in ${stepTimeoutMs / 1000} s (${err.message}):\n${stdout}\n${stderr}`));
          return;
        }
        resolve({ code: err ? (err.code as number) : 0, stdout, stderr });
      });
    });
  };
  return {
    run,
    async ok(...args) {
      const r = await run(args);
      assert.equal(r.code, 0, `terraform ${args.join(" ")} exited with ${r.code}:\n${tail(r)}`);
      return r;
    },
  };
}
