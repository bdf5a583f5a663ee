// End to end with Terraform's AWS provider (hashicorp/aws 5.100.0): a distribution with legacy
// standard logging (`logging_config`) and standard logging (v2) through the CloudWatch Logs
// delivery resources (aws_cloudwatch_log_delivery_source / _destination / aws_cloudwatch_log_delivery)
// on minifront's `logs` endpoint (issue 15). Applied, re-planned with -detailed-exitcode (0: the
// provider's refresh sees exactly what it wrote, no drift), then curl through the edge, a flush,
// and both kinds of log file appear in the bucket; destroyed at the end.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { gunzipSync } from "node:zlib";
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import { CloudWatchLogsClient, DescribeDeliveriesCommand, DescribeDeliverySourcesCommand } from "@aws-sdk/client-cloudwatch-logs";
import { CREDENTIALS, useEmulator } from "../helpers/emulator.ts";
import { hasCurl } from "../helpers/curl.ts";
import { TestOrigin } from "../helpers/test-origin.ts";
import { providerHcl, tail, terraformIn, terraformMissing, type TerraformRunner } from "../helpers/terraform.ts";

/** Per terraform command; the provider takes ~40 s to start here, and destroy waits for the distribution to be disabled. */
const STEP_TIMEOUT_MS = 300_000;
const TEST_TIMEOUT_MS = STEP_TIMEOUT_MS + 30_000;
const BUCKET = "minifront-tf-cf-logs";

function mainTf(endpoint: string, originPort: number): string {
  return `${providerHcl({ cloudfront: endpoint, logs: endpoint })}

resource "aws_cloudfront_distribution" "this" {
  origin {
    domain_name = "127.0.0.1"
    origin_id   = "app"
    custom_origin_config {
      http_port              = ${originPort}
      https_port             = 443
      origin_protocol_policy = "http-only"
      origin_ssl_protocols   = ["TLSv1.2"]
    }
  }

  enabled = true
  comment = "standard logs, legacy and v2"

  default_cache_behavior {
    allowed_methods        = ["GET", "HEAD"]
    cached_methods         = ["GET", "HEAD"]
    target_origin_id       = "app"
    viewer_protocol_policy = "allow-all"
    forwarded_values {
      query_string = false
      cookies {
        forward = "none"
      }
    }
  }

  logging_config {
    bucket          = "${BUCKET}.s3.amazonaws.com"
    prefix          = "legacy/"
    include_cookies = false
  }

  restrictions {
    geo_restriction {
      restriction_type = "none"
    }
  }

  viewer_certificate {
    cloudfront_default_certificate = true
  }

  wait_for_deployment = false
}

resource "aws_cloudwatch_log_delivery_source" "cloudfront" {
  name         = "minifront-tf-access-logs"
  log_type     = "ACCESS_LOGS"
  resource_arn = aws_cloudfront_distribution.this.arn
  tags = {
    env = "test"
  }
}

resource "aws_cloudwatch_log_delivery_destination" "s3" {
  name          = "minifront-tf-s3"
  output_format = "json"

  delivery_destination_configuration {
    destination_resource_arn = "arn:aws:s3:::${BUCKET}/v2"
  }
}

resource "aws_cloudwatch_log_delivery" "cloudfront" {
  delivery_source_name     = aws_cloudwatch_log_delivery_source.cloudfront.name
  delivery_destination_arn = aws_cloudwatch_log_delivery_destination.s3.arn
  record_fields            = ["date", "time", "cs-method", "cs-uri-stem", "sc-status", "x-edge-result-type"]

  s3_delivery_configuration {
    suffix_path = "{DistributionId}/{yyyy}/{MM}/{dd}/{HH}"
  }
}

output "domain_name" {
  value = aws_cloudfront_distribution.this.domain_name
}
output "id" {
  value = aws_cloudfront_distribution.this.id
}
`;
}

describe("terraform applies standard logging, legacy and v2, without drift", { skip: terraformMissing() || (!hasCurl() && "curl is not installed") }, () => {
  const t = useEmulator();
  const origin = new TestOrigin();
  let dir = "";
  let tf: TerraformRunner | undefined;
  let s3: S3Client | undefined;
  let applied = false;
  let distribution = { id: "", domain: "" };

  before(async () => {
    await origin.start();
    origin.on("/index.html", { headers: { "content-type": "text/html", "cache-control": "max-age=60" }, body: "<h1>logged</h1>" });
    dir = mkdtempSync(join(tmpdir(), "minifront-tf-logs-"));
    tf = terraformIn(dir, STEP_TIMEOUT_MS);
    s3 = new S3Client({ region: "us-east-1", endpoint: t.emu.s3Url, forcePathStyle: true, credentials: CREDENTIALS, maxAttempts: 1 });
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  });
  after(async () => {
    s3?.destroy();
    await origin.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  const terraform = () => tf as TerraformRunner;
  const logs = () => new CloudWatchLogsClient({ endpoint: t.emu.controlUrl, region: "us-east-1", credentials: CREDENTIALS, maxAttempts: 1 });

  it("terraform apply creates the distribution and the three delivery resources", { timeout: TEST_TIMEOUT_MS }, async () => {
    writeFileSync(join(dir, "main.tf"), mainTf(t.emu.controlUrl, origin.port));
    await terraform().ok("init", "-input=false");
    const r = await terraform().ok("apply", "-auto-approve", "-input=false");
    assert.match(r.stdout, /Apply complete! Resources: 4 added, 0 changed, 0 destroyed\./);
    applied = true;
    const outputs = JSON.parse((await terraform().ok("output", "-json")).stdout) as Record<string, { value: string }>;
    distribution = { id: outputs["id"]!.value, domain: outputs["domain_name"]!.value };
    const sources = (await logs().send(new DescribeDeliverySourcesCommand({}))).deliverySources ?? [];
    assert.deepEqual(sources.map((s) => s.resourceArns), [[`arn:aws:cloudfront::123456789012:distribution/${distribution.id}`]]);
    assert.equal((await logs().send(new DescribeDeliveriesCommand({}))).deliveries?.length, 1);
  });

  it("terraform plan right after apply shows no changes", { timeout: TEST_TIMEOUT_MS }, async () => {
    assert.ok(applied, "the configuration was applied");
    const r = await terraform().run(["plan", "-detailed-exitcode", "-input=false"]);
    assert.equal(r.code, 0, `plan should report no changes (exit 0), got exit ${r.code} (2 = drift):\n${tail(r)}`);
    assert.match(r.stdout, /No changes\./);
  });

  it("requests through the edge land in both the legacy and the v2 log files", { timeout: TEST_TIMEOUT_MS }, async () => {
    assert.ok(applied, "the configuration was applied");
    const url = `http://${distribution.domain}:${t.emu.port}/index.html`;
    for (let i = 0; i < 2; i++) await promisify(execFile)("curl", ["-s", "-o", "/dev/null", "--resolve", `${distribution.domain}:${t.emu.port}:127.0.0.1`, url]);
    await t.emu.flushLogs();

    const listed = (await (s3 as S3Client).send(new ListObjectsV2Command({ Bucket: BUCKET }))).Contents?.map((c) => c.Key!) ?? [];
    const legacy = listed.filter((k) => k.startsWith("legacy/"));
    const v2 = listed.filter((k) => k.startsWith("v2/"));
    assert.equal(legacy.length, 1, `one legacy file in ${listed.join(", ")}`);
    assert.equal(v2.length, 1, `one v2 file in ${listed.join(", ")}`);
    assert.match(legacy[0]!, new RegExp(`^legacy/${distribution.id}\\.\\d{4}-\\d\\d-\\d\\d-\\d\\d\\.[0-9a-f]+\\.gz$`));
    assert.match(v2[0]!, new RegExp(`^v2/${distribution.id}/\\d{4}/\\d\\d/\\d\\d/\\d\\d/${distribution.id}\\.[-0-9]+\\.[0-9a-f]+\\.gz$`));

    const read = async (key: string) => gunzipSync(Buffer.from(await (await (s3 as S3Client).send(new GetObjectCommand({ Bucket: BUCKET, Key: key }))).Body!.transformToByteArray())).toString("utf8");
    const legacyLines = (await read(legacy[0]!)).trim().split("\n");
    assert.equal(legacyLines.length, 4, "the #Version and #Fields lines and two requests");
    const records = (await read(v2[0]!))
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, string>);
    assert.deepEqual(
      records.map((r) => [r["cs-method"], r["cs-uri-stem"], r["sc-status"]]),
      [
        ["GET", "/index.html", "200"],
        ["GET", "/index.html", "200"],
      ],
    );
    assert.deepEqual(Object.keys(records[0]!), ["date", "time", "cs-method", "cs-uri-stem", "sc-status", "x-edge-result-type"]);
  });

  it("terraform destroy removes the deliveries and the distribution", { timeout: TEST_TIMEOUT_MS }, async () => {
    assert.ok(applied, "the configuration was applied");
    const r = await terraform().ok("destroy", "-auto-approve", "-input=false");
    assert.match(r.stdout, /Destroy complete! Resources: 4 destroyed\./);
    assert.deepEqual((await logs().send(new DescribeDeliveriesCommand({}))).deliveries, []);
    assert.deepEqual((await logs().send(new DescribeDeliverySourcesCommand({}))).deliverySources, []);
  });
});
