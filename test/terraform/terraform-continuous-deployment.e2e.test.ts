// Continuous deployment with Terraform's AWS provider (hashicorp/aws 5.100.0, issue 17): a staging
// aws_cloudfront_distribution (`staging = true`), an aws_cloudfront_continuous_deployment_policy
// naming it, and a primary with `continuous_deployment_policy_id` apply, re-plan with no drift,
// update in place and destroy. On destroy the provider disables the policy before deleting the
// primary, then deletes the policy and the staging distribution. The provider sleeps before its
// first deployment poll, so this file takes a few minutes. TF_LOG=DEBUG and TF_LOG_PATH=<file>
// show the provider's HTTP requests.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GetContinuousDeploymentPolicyCommand, GetDistributionCommand, ListContinuousDeploymentPoliciesCommand, ListDistributionsCommand } from "@aws-sdk/client-cloudfront";
import { useEmulator } from "../helpers/emulator.ts";
import { providerHcl, tail, terraformIn, terraformMissing, type TerraformRunner } from "../helpers/terraform.ts";

/** Per terraform command: destroy waits for several deployments (each poll starts after a delay). */
const STEP_TIMEOUT_MS = 600_000;
const TEST_TIMEOUT_MS = STEP_TIMEOUT_MS + 30_000;

const DISTRIBUTION_BODY = `
  # Deployment waits are terraform.e2e's subject; here they would only add the provider's sleeps.
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

    forwarded_values {
      query_string = false
      cookies {
        forward = "none"
      }
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
`;

function mainTf(endpoint: string, weight: string): string {
  return `${providerHcl({ cloudfront: endpoint })}

resource "aws_cloudfront_distribution" "staging" {
  enabled = true
  staging = true
  comment = "staging"
${DISTRIBUTION_BODY}
}

resource "aws_cloudfront_continuous_deployment_policy" "this" {
  enabled = true

  staging_distribution_dns_names {
    items    = [aws_cloudfront_distribution.staging.domain_name]
    quantity = 1
  }

  traffic_config {
    type = "SingleWeight"
    single_weight_config {
      weight = ${weight}
      session_stickiness_config {
        idle_ttl    = 300
        maximum_ttl = 600
      }
    }
  }
}

resource "aws_cloudfront_distribution" "primary" {
  enabled                         = true
  comment                         = "primary"
  continuous_deployment_policy_id = aws_cloudfront_continuous_deployment_policy.this.id
${DISTRIBUTION_BODY}
}

output "primary" {
  value = aws_cloudfront_distribution.primary.id
}
output "staging_domain" {
  value = aws_cloudfront_distribution.staging.domain_name
}
output "policy" {
  value = aws_cloudfront_continuous_deployment_policy.this.id
}
`;
}

describe("terraform manages continuous deployment on minifront", { skip: terraformMissing() }, () => {
  const t = useEmulator();
  let dir = "";
  let runner: TerraformRunner | undefined;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), "minifront-tf-cd-"));
    runner = terraformIn(dir, STEP_TIMEOUT_MS);
  });
  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const tf = (...args: string[]) => (runner as TerraformRunner).ok(...args);
  const write = (weight: string) => writeFileSync(join(dir, "main.tf"), mainTf(t.emu.controlUrl, weight));

  async function outputs(): Promise<Record<string, string>> {
    const raw = JSON.parse((await tf("output", "-json")).stdout) as Record<string, { value: string }>;
    return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, v.value]));
  }

  it("applies a staging distribution, a policy naming it and a primary using the policy", { timeout: TEST_TIMEOUT_MS }, async () => {
    write("0.05");
    await tf("init", "-input=false");
    const r = await tf("apply", "-auto-approve", "-input=false");
    assert.match(r.stdout, /Apply complete! Resources: 3 added, 0 changed, 0 destroyed\./);
    const out = await outputs();
    const cf = t.cloudfront();
    const primary = await cf.send(new GetDistributionCommand({ Id: out["primary"] }));
    assert.equal(primary.Distribution?.DistributionConfig?.ContinuousDeploymentPolicyId, out["policy"]);
    const policy = await cf.send(new GetContinuousDeploymentPolicyCommand({ Id: out["policy"] }));
    const config = policy.ContinuousDeploymentPolicy?.ContinuousDeploymentPolicyConfig;
    assert.deepEqual(config?.StagingDistributionDnsNames?.Items, [out["staging_domain"]]);
    assert.equal(config?.TrafficConfig?.SingleWeightConfig?.Weight, 0.05);
  });

  it("re-plans with no changes", { timeout: TEST_TIMEOUT_MS }, async () => {
    const r = await (runner as TerraformRunner).run(["plan", "-detailed-exitcode", "-input=false"]);
    assert.equal(r.code, 0, `plan should report no changes (exit 0), got ${r.code} (2 = drift):\n${tail(r)}`);
  });

  it("updates the policy's weight in place", { timeout: TEST_TIMEOUT_MS }, async () => {
    write("0.15");
    const r = await tf("apply", "-auto-approve", "-input=false");
    assert.match(r.stdout, /Apply complete! Resources: 0 added, 1 changed, 0 destroyed\./);
    const out = await outputs();
    const policy = await t.cloudfront().send(new GetContinuousDeploymentPolicyCommand({ Id: out["policy"] }));
    assert.equal(policy.ContinuousDeploymentPolicy?.ContinuousDeploymentPolicyConfig?.TrafficConfig?.SingleWeightConfig?.Weight, 0.15);
  });

  it("destroys all three (the provider disables the policy before deleting the primary)", { timeout: TEST_TIMEOUT_MS }, async () => {
    const r = await tf("destroy", "-auto-approve", "-input=false");
    assert.match(r.stdout, /Destroy complete! Resources: 3 destroyed\./);
    const cf = t.cloudfront();
    assert.equal((await cf.send(new ListDistributionsCommand({}))).DistributionList?.Quantity, 0);
    assert.equal((await cf.send(new ListContinuousDeploymentPoliciesCommand({}))).ContinuousDeploymentPolicyList?.Quantity, 0);
  });
});
