// Finding CloudFront resources through the Resource Groups Tagging API with Terraform's AWS provider
// (hashicorp/aws 5.100.0, issue 17): a tagged aws_cloudfront_distribution with a WAF web ACL ARN,
// read back by the aws_resourcegroupstaggingapi_resources data source by tag and resource type,
// applies, re-plans with no drift and destroys. Provider 5.100.0 has no resource for the other
// families of this issue (Anycast static IP lists, alias moves, resource policies, web ACL
// association calls): their API is covered by test/e2e/cloudfront-api-breadth.e2e.test.ts.
// TF_LOG=DEBUG and TF_LOG_PATH=<file> show the provider's HTTP requests.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GetDistributionConfigCommand, ListDistributionsCommand } from "@aws-sdk/client-cloudfront";
import { useEmulator } from "../helpers/emulator.ts";
import { providerHcl, tail, terraformIn, terraformMissing, type TerraformRunner } from "../helpers/terraform.ts";

/** Per terraform command: destroy disables the distribution and waits for it to deploy. */
const STEP_TIMEOUT_MS = 600_000;
const TEST_TIMEOUT_MS = STEP_TIMEOUT_MS + 30_000;
const WEB_ACL = "arn:aws:wafv2:us-east-1:123456789012:global/webacl/tf-example/626900da-5f64-418b-ba9b-743f3746cabc";

function mainTf(endpoint: string): string {
  return `${providerHcl({ cloudfront: endpoint, resourcegroupstaggingapi: endpoint })}

resource "aws_cloudfront_distribution" "site" {
  enabled             = true
  comment             = "tagged"
  web_acl_id          = "${WEB_ACL}"
  wait_for_deployment = false

  origin {
    domain_name = "my-cloudfront-bucket.s3.amazonaws.com"
    origin_id   = "my-s3-origin"
  }

  default_cache_behavior {
    allowed_methods        = ["GET", "HEAD"]
    cached_methods         = ["GET", "HEAD"]
    target_origin_id       = "my-s3-origin"
    viewer_protocol_policy = "allow-all"
    cache_policy_id        = "658327ea-f89d-4fab-a63d-7e88639e58f6"
  }

  restrictions {
    geo_restriction {
      restriction_type = "none"
    }
  }

  viewer_certificate {
    cloudfront_default_certificate = true
  }

  tags = {
    team = "web"
    env  = "prod"
  }
}

data "aws_resourcegroupstaggingapi_resources" "web" {
  resource_type_filters = ["cloudfront:distribution"]

  tag_filter {
    key    = "team"
    values = ["web"]
  }

  depends_on = [aws_cloudfront_distribution.site]
}

output "arn" {
  value = aws_cloudfront_distribution.site.arn
}
output "found" {
  value = [for r in data.aws_resourcegroupstaggingapi_resources.web.resource_tag_mapping_list : r.resource_arn]
}
output "found_tags" {
  value = [for r in data.aws_resourcegroupstaggingapi_resources.web.resource_tag_mapping_list : r.tags]
}
`;
}

describe("terraform finds CloudFront resources by tag through the Tagging API", { skip: terraformMissing() }, () => {
  const t = useEmulator();
  let dir = "";
  let runner: TerraformRunner | undefined;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), "minifront-tf-tagging-"));
    runner = terraformIn(dir, STEP_TIMEOUT_MS);
  });
  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const tf = (...args: string[]) => (runner as TerraformRunner).ok(...args);

  it("applies a tagged distribution with a web ACL, and the data source finds it by tag and type", { timeout: TEST_TIMEOUT_MS }, async () => {
    writeFileSync(join(dir, "main.tf"), mainTf(t.emu.controlUrl));
    await tf("init", "-input=false");
    const r = await tf("apply", "-auto-approve", "-input=false");
    assert.match(r.stdout, /Apply complete! Resources: 1 added, 0 changed, 0 destroyed\./);
    const raw = JSON.parse((await tf("output", "-json")).stdout) as Record<string, { value: unknown }>;
    const arn = raw["arn"]?.value as string;
    assert.deepEqual(raw["found"]?.value, [arn]);
    assert.deepEqual(raw["found_tags"]?.value, [{ team: "web", env: "prod" }]);
    const id = arn.split("/").pop() as string;
    const config = await t.cloudfront().send(new GetDistributionConfigCommand({ Id: id }));
    assert.equal(config.DistributionConfig?.WebACLId, WEB_ACL);
  });

  it("re-plans with no changes", { timeout: TEST_TIMEOUT_MS }, async () => {
    const r = await (runner as TerraformRunner).run(["plan", "-detailed-exitcode", "-input=false"]);
    assert.equal(r.code, 0, `plan should report no changes (exit 0), got ${r.code} (2 = drift):\n${tail(r)}`);
  });

  it("destroys the distribution", { timeout: TEST_TIMEOUT_MS }, async () => {
    const r = await tf("destroy", "-auto-approve", "-input=false");
    assert.match(r.stdout, /Destroy complete! Resources: 1 destroyed\./);
    assert.equal((await t.cloudfront().send(new ListDistributionsCommand({}))).DistributionList?.Quantity, 0);
  });
});
