// Lambda@Edge deployed the way users deploy it, with Terraform's AWS provider (hashicorp/aws
// 5.100.0, issue 14): aws_iam_role (trusted by Lambda and Lambda@Edge) + aws_iam_role_policy_attachment
// + aws_lambda_function (`publish = true`, zip from `filename`) + aws_cloudfront_distribution whose
// default behavior associates the function's `qualified_arn` at viewer-request and origin-response,
// with the lambda, iam, sts, cloudfront and s3 endpoints on minifront. Applied, re-planned with
// -detailed-exitcode (0: no drift), curled, the code changed (version 2, the distribution updated
// to the new qualified ARN in place), curled again, destroyed. The provider sleeps before polling a
// distribution's deployment on destroy, so this file takes a few minutes. TF_LOG=DEBUG and
// TF_LOG_PATH=<file> show the provider's HTTP requests.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { zipSync, strToU8 } from "fflate";
import { GetDistributionConfigCommand, ListDistributionsCommand } from "@aws-sdk/client-cloudfront";
import { GetFunctionCommand } from "@aws-sdk/client-lambda";
import { expectServiceError, useEmulator } from "../helpers/emulator.ts";
import { providerHcl, tail, terraformIn, terraformMissing, type TerraformRunner } from "../helpers/terraform.ts";
import { lambdaClient } from "../helpers/lambda.ts";
import { TestOrigin } from "../helpers/test-origin.ts";
import { hasCurl } from "../helpers/curl.ts";

/** Per terraform command: destroy waits for the distribution to be disabled and deployed (the provider sleeps between polls). */
const STEP_TIMEOUT_MS = 600_000;
const TEST_TIMEOUT_MS = STEP_TIMEOUT_MS + 30_000;
const ACCOUNT = "123456789012";
const CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad";

function mainTf(endpoint: string, originPort: number): string {
  const endpoints = { cloudfront: endpoint, iam: endpoint, lambda: endpoint, s3: endpoint, sts: endpoint };
  return `${providerHcl(endpoints, ["s3_use_path_style = true"], { checkCredentials: true })}
resource "aws_iam_role" "edge" {
  name = "edge-assoc-role"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = ["lambda.amazonaws.com", "edgelambda.amazonaws.com"] }
      Action    = "sts:AssumeRole"
    }]
  })
}

resource "aws_iam_role_policy_attachment" "logs" {
  role       = aws_iam_role.edge.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
}

resource "aws_lambda_function" "edge" {
  function_name    = "edge-tagger"
  role             = aws_iam_role.edge.arn
  runtime          = "nodejs20.x"
  handler          = "index.handler"
  filename         = "\${path.module}/fn.zip"
  source_code_hash = filebase64sha256("\${path.module}/fn.zip")
  publish          = true
  depends_on       = [aws_iam_role_policy_attachment.logs]
}

resource "aws_cloudfront_distribution" "site" {
  enabled = true
  comment = "lambda at edge"
  # Deployment waits are terraform.e2e's subject; here they would only add the provider's sleeps.
  wait_for_deployment = false

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

  default_cache_behavior {
    allowed_methods        = ["GET", "HEAD"]
    cached_methods         = ["GET", "HEAD"]
    target_origin_id       = "app"
    viewer_protocol_policy = "allow-all"
    cache_policy_id        = "${CACHING_DISABLED}"

    lambda_function_association {
      event_type = "viewer-request"
      lambda_arn = aws_lambda_function.edge.qualified_arn
    }

    lambda_function_association {
      event_type = "origin-response"
      lambda_arn = aws_lambda_function.edge.qualified_arn
    }
  }

  restrictions {
    geo_restriction {
      restriction_type = "none"
    }
  }

  viewer_certificate {
    cloudfront_default_certificate = true
  }
}

output "qualified_arn" {
  value = aws_lambda_function.edge.qualified_arn
}

output "domain" {
  value = aws_cloudfront_distribution.site.domain_name
}
`;
}

/** One handler for both events: the request gets X-Tf-Request, the response X-Tf-Response, both with `tag`. */
function writeZip(dir: string, tag: string): void {
  const code = `exports.handler = async (event) => {
  const cf = event.Records[0].cf;
  if (cf.config.eventType === "viewer-request") {
    cf.request.headers["x-tf-request"] = [{ key: "X-Tf-Request", value: "${tag}" }];
    return cf.request;
  }
  cf.response.headers["x-tf-response"] = [{ key: "X-Tf-Response", value: "${tag}" }];
  return cf.response;
};`;
  writeFileSync(join(dir, "fn.zip"), zipSync({ "index.js": strToU8(code) }));
}

describe("terraform associates a published Lambda function with a distribution on minifront", { skip: terraformMissing() }, () => {
  const t = useEmulator({ accountId: ACCOUNT });
  const origin = new TestOrigin();
  let dir = "";
  let tf: TerraformRunner | undefined;
  let domain = "";

  before(async () => {
    await origin.start();
    dir = mkdtempSync(join(tmpdir(), "minifront-tf-lambda-edge-"));
    tf = terraformIn(dir, STEP_TIMEOUT_MS);
  });
  after(async () => {
    await origin.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  const terraform = () => tf as TerraformRunner;
  let applied = false;

  /** The edge's answer to `path` through curl, with the headers the origin received. */
  async function curl(path: string): Promise<{ out: string; seen: Record<string, string | string[] | undefined> }> {
    const out = (await promisify(execFile)("curl", ["-s", "-i", "--resolve", `${domain}:${t.emu.port}:127.0.0.1`, `http://${domain}:${t.emu.port}${path}`], { encoding: "utf8" })).stdout;
    assert.match(out, /^HTTP\/1\.1 200/, out);
    return { out, seen: origin.last(path).headers };
  }

  async function associatedArns(): Promise<string[]> {
    const cf = t.cloudfront();
    const id = (await cf.send(new ListDistributionsCommand({}))).DistributionList?.Items?.[0]?.Id;
    const config = await cf.send(new GetDistributionConfigCommand({ Id: id }));
    cf.destroy();
    return (config.DistributionConfig?.DefaultCacheBehavior?.LambdaFunctionAssociations?.Items ?? []).map((a) => `${a.EventType} ${a.LambdaFunctionARN}`);
  }

  it("terraform init and apply create the role, the function's version 1 and a distribution associating it", { timeout: 2 * TEST_TIMEOUT_MS }, async () => {
    writeFileSync(join(dir, "main.tf"), mainTf(t.emu.controlUrl, origin.port));
    writeZip(dir, "v1");
    await terraform().ok("init", "-input=false");
    const r = await terraform().ok("apply", "-auto-approve", "-input=false");
    assert.match(r.stdout, /Apply complete! Resources: 4 added, 0 changed, 0 destroyed\./);
    const arn = `arn:aws:lambda:us-east-1:${ACCOUNT}:function:edge-tagger:1`;
    assert.match(r.stdout, new RegExp(`qualified_arn = "${arn}"`));
    domain = /domain = "([^"]+)"/.exec(r.stdout)?.[1] ?? "";
    assert.ok(domain, r.stdout);
    applied = true;
    assert.deepEqual((await associatedArns()).sort(), [`origin-response ${arn}`, `viewer-request ${arn}`]);
  });

  it("terraform plan right after apply shows no changes", { timeout: TEST_TIMEOUT_MS }, async () => {
    assert.ok(applied, "the stack was applied");
    const r = await terraform().run(["plan", "-detailed-exitcode", "-input=false"]);
    assert.equal(r.code, 0, `plan should report no changes (exit 0), got exit ${r.code} (2 = drift):\n${tail(r)}`);
  });

  it("curl through the distribution shows the handler's effect at both events", async (ctx) => {
    assert.ok(applied, "the stack was applied");
    if (!hasCurl()) return ctx.skip("curl is not installed");
    origin.on("/page", { body: "the page" });
    const { out, seen } = await curl("/page");
    assert.match(out, /^x-tf-response: v1\r$/im);
    assert.equal(seen["x-tf-request"], "v1");
  });

  it("changing the code publishes version 2 and updates the distribution to it; curl sees the new code", { timeout: TEST_TIMEOUT_MS }, async (ctx) => {
    assert.ok(applied, "the stack was applied");
    writeZip(dir, "v2");
    const r = await terraform().ok("apply", "-auto-approve", "-input=false");
    assert.match(r.stdout, /Apply complete! Resources: 0 added, 2 changed, 0 destroyed\./);
    const arn = `arn:aws:lambda:us-east-1:${ACCOUNT}:function:edge-tagger:2`;
    assert.match(r.stdout, new RegExp(`qualified_arn = "${arn}"`));
    assert.deepEqual((await associatedArns()).sort(), [`origin-response ${arn}`, `viewer-request ${arn}`]);
    const again = await terraform().run(["plan", "-detailed-exitcode", "-input=false"]);
    assert.equal(again.code, 0, `plan after the update should report no changes:\n${tail(again)}`);
    if (!hasCurl()) return ctx.skip("curl is not installed");
    origin.on("/page2", { body: "the second page" });
    const { out, seen } = await curl("/page2");
    assert.match(out, /^x-tf-response: v2\r$/im);
    assert.equal(seen["x-tf-request"], "v2");
  });

  it("terraform destroy removes the distribution, the function and the role", { timeout: TEST_TIMEOUT_MS }, async () => {
    assert.ok(applied, "the stack was applied");
    const r = await terraform().ok("destroy", "-auto-approve", "-input=false");
    assert.match(r.stdout, /Destroy complete! Resources: 4 destroyed\./);
    const cf = t.cloudfront();
    assert.equal((await cf.send(new ListDistributionsCommand({}))).DistributionList?.Quantity, 0);
    cf.destroy();
    await expectServiceError(lambdaClient(t.emu.controlUrl).send(new GetFunctionCommand({ FunctionName: "edge-tagger" })), 404, "ResourceNotFoundException");
  });
});
