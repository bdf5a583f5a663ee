// Bucket configurations through the aws CLI v1 (`aws s3api`, botocore's serializer rather than the
// JavaScript SDK's): lifecycle, default encryption, logging, accelerate and a metrics listing,
// including S3's answers for reads with nothing set and for a refused document.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { useEmulator } from "../helpers/emulator.ts";
import { AWS_CLI_MISSING, awsCliAvailable, runAws, type AwsCliResult } from "../helpers/aws-cli.ts";

describe("aws s3api bucket configurations (CLI v1)", { skip: awsCliAvailable() ? false : AWS_CLI_MISSING }, () => {
  const t = useEmulator();
  let dir = "";
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "minifront-cli-cfg-"));
  });
  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  const run = (...args: string[]): Promise<AwsCliResult> => runAws(["s3api", ...args], { endpoint: t.emu.s3Url, configDir: dir });
  async function json<T>(...args: string[]): Promise<T> {
    const r = await run(...args);
    assert.equal(r.code, 0, `aws s3api ${args.join(" ")} exited with ${r.code}:\n${r.stderr}`);
    return (r.stdout.trim() === "" ? {} : JSON.parse(r.stdout)) as T;
  }
  async function fails(code: string, ...args: string[]): Promise<void> {
    const r = await run(...args);
    assert.notEqual(r.code, 0, `aws s3api ${args.join(" ")} should fail`);
    assert.match(r.stderr, new RegExp(`\\(${code}\\)`), r.stderr);
  }

  it("round-trips lifecycle and encryption, answers the defaults, and refuses what S3 refuses", async () => {
    const Bucket = "cli-configs";
    await json("create-bucket", "--bucket", Bucket);
    await fails("NoSuchLifecycleConfiguration", "get-bucket-lifecycle-configuration", "--bucket", Bucket);
    const lifecycle = { Rules: [{ ID: "logs", Status: "Enabled", Filter: { Prefix: "logs/" }, Expiration: { Days: 30 }, AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 } }] };
    await json("put-bucket-lifecycle-configuration", "--bucket", Bucket, "--lifecycle-configuration", JSON.stringify(lifecycle));
    const got = await json<{ Rules: unknown[] }>("get-bucket-lifecycle-configuration", "--bucket", Bucket);
    assert.deepEqual(got.Rules, lifecycle.Rules);
    await fails("InvalidArgument", "put-bucket-lifecycle-configuration", "--bucket", Bucket, "--lifecycle-configuration", JSON.stringify({ Rules: [{ ...lifecycle.Rules[0], Expiration: { Days: 0 } }] }));
    assert.deepEqual((await json<{ Rules: unknown[] }>("get-bucket-lifecycle-configuration", "--bucket", Bucket)).Rules, lifecycle.Rules);

    type Encryption = { ServerSideEncryptionConfiguration: { Rules: Array<{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: string } }> } };
    assert.equal((await json<Encryption>("get-bucket-encryption", "--bucket", Bucket)).ServerSideEncryptionConfiguration.Rules[0]?.ApplyServerSideEncryptionByDefault.SSEAlgorithm, "AES256");
    await json("put-bucket-encryption", "--bucket", Bucket, "--server-side-encryption-configuration", JSON.stringify({ Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: "aws:kms" } }] }));
    assert.equal((await json<Encryption>("get-bucket-encryption", "--bucket", Bucket)).ServerSideEncryptionConfiguration.Rules[0]?.ApplyServerSideEncryptionByDefault.SSEAlgorithm, "aws:kms");

    assert.deepEqual(await json("get-bucket-accelerate-configuration", "--bucket", Bucket), {});
    assert.deepEqual(await json("get-bucket-logging", "--bucket", Bucket), {});
    await fails("InvalidTargetBucketForLogging", "put-bucket-logging", "--bucket", Bucket, "--bucket-logging-status", JSON.stringify({ LoggingEnabled: { TargetBucket: "cli-nowhere", TargetPrefix: "x/" } }));
    await fails("ReplicationConfigurationNotFoundError", "get-bucket-replication", "--bucket", Bucket);
    assert.equal((await json<{ IsTruncated: boolean }>("list-bucket-metrics-configurations", "--bucket", Bucket)).IsTruncated, false);
  });
});
