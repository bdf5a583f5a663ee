// End to end with Terraform's AWS provider (hashicorp/aws 5.100.0): an aws_cloudfront_distribution
// is created, read back without drift, updated in place and destroyed against an emulator on a
// free port. The provider comes from a local filesystem mirror; nothing is fetched from the network.
// Each `wait_for_deployment` costs ~30 s even at deploy delay 0 (the provider sleeps before its
// first poll), so this file takes a few minutes. Set TF_LOG=DEBUG and TF_LOG_PATH=<file> to see
// the provider's HTTP requests and responses.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GetDistributionCommand, ListDistributionsCommand, ListTagsForResourceCommand } from "@aws-sdk/client-cloudfront";
import { expectServiceError, useEmulator } from "../helpers/emulator.ts";
import { providerHcl, tail, terraformIn, terraformMissing, type TerraformRunner, type TfResult } from "../helpers/terraform.ts";

/** Per terraform command; one apply or destroy with wait_for_deployment takes 45–80 s here. */
const STEP_TIMEOUT_MS = 180_000;
/** node:test timeout of a test that runs one terraform command plus a few SDK calls. */
const TEST_TIMEOUT_MS = STEP_TIMEOUT_MS + 30_000;

/** The configuration under test: one S3 origin, legacy forwarded_values, a tag, waiting for deployment. */
function mainTf(endpoint: string, comment: string): string {
  return `${providerHcl({ cloudfront: endpoint })}

resource "aws_cloudfront_distribution" "this" {
  origin {
    domain_name = "my-cloudfront-bucket.s3.amazonaws.com"
    origin_id   = "my-s3-origin"
  }

  enabled = true
  comment = "${comment}"

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

  tags = {
    env = "test"
  }

  wait_for_deployment = true
}

output "id" {
  value = aws_cloudfront_distribution.this.id
}
output "domain_name" {
  value = aws_cloudfront_distribution.this.domain_name
}
output "etag" {
  value = aws_cloudfront_distribution.this.etag
}
output "status" {
  value = aws_cloudfront_distribution.this.status
}
`;
}

interface Outputs {
  readonly id: string;
  readonly domain_name: string;
  readonly etag: string;
  readonly status: string;
}

describe("terraform (hashicorp/aws provider) manages a distribution on minifront", { skip: terraformMissing() }, () => {
  const t = useEmulator();
  let dir = "";

  let runner: TerraformRunner | undefined;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), "minifront-tf-"));
    runner = terraformIn(dir, STEP_TIMEOUT_MS);
  });
  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Runs `terraform <args>` in the working dir; never rejects on a non-zero exit. */
  const terraform = (args: readonly string[]): Promise<TfResult> => (runner as TerraformRunner).run(args);
  /** Runs a terraform command that must exit 0. */
  const tf = (...args: string[]): Promise<TfResult> => (runner as TerraformRunner).ok(...args);

  async function outputs(): Promise<Outputs> {
    const r = await tf("output", "-json");
    const raw = JSON.parse(r.stdout) as Record<string, { value: unknown }>;
    const value = (name: keyof Outputs): string => {
      const v = raw[name]?.value;
      assert.equal(typeof v, "string", `output ${name} is a string (got ${JSON.stringify(raw[name])})`);
      return v as string;
    };
    return { id: value("id"), domain_name: value("domain_name"), etag: value("etag"), status: value("status") };
  }

  /** The distribution's attributes as recorded in the local state file. */
  function stateAttributes(): Record<string, unknown> {
    const state = JSON.parse(readFileSync(join(dir, "terraform.tfstate"), "utf8")) as {
      resources?: Array<{ type: string; name: string; instances?: Array<{ attributes?: Record<string, unknown> }> }>;
    };
    const res = state.resources?.find((r) => r.type === "aws_cloudfront_distribution" && r.name === "this");
    const attrs = res?.instances?.[0]?.attributes;
    assert.ok(attrs, "the state holds aws_cloudfront_distribution.this");
    return attrs;
  }

  let id = "";
  let etag = "";

  it("terraform init installs hashicorp/aws 5.100.0 from the local mirror", { timeout: TEST_TIMEOUT_MS }, async () => {
    writeFileSync(join(dir, "main.tf"), mainTf(t.emu.controlUrl, "created by terraform"));
    const r = await tf("init", "-input=false");
    assert.match(r.stdout, /Terraform has been successfully initialized/);
    const lock = readFileSync(join(dir, ".terraform.lock.hcl"), "utf8");
    assert.match(lock, /provider "registry\.terraform\.io\/hashicorp\/aws"[\s\S]*version\s*=\s*"5\.100\.0"/);
  });

  it("terraform apply creates the distribution, deployed, with its tag and the outputs CloudFront reports", { timeout: TEST_TIMEOUT_MS }, async () => {
    const r = await tf("apply", "-auto-approve", "-input=false");
    assert.match(r.stdout, /Apply complete! Resources: 1 added, 0 changed, 0 destroyed\./);

    const out = await outputs();
    assert.match(out.id, /^E[A-Z0-9]{13}$/);
    assert.equal(out.status, "Deployed");
    id = out.id;
    etag = out.etag;

    const cf = t.cloudfront();
    const got = await cf.send(new GetDistributionCommand({ Id: id }));
    const d = got.Distribution;
    assert.ok(d?.DistributionConfig, "GetDistribution returns the distribution Terraform created");
    assert.equal(d.Status, "Deployed");
    assert.equal(got.ETag, out.etag);
    assert.equal(d.DomainName, out.domain_name);
    assert.ok(out.domain_name.startsWith(`${id.toLowerCase()}.`), `domain_name ${out.domain_name}`);
    const c = d.DistributionConfig;
    assert.equal(c.Enabled, true);
    assert.equal(c.Comment, "created by terraform");
    assert.match(c.CallerReference ?? "", /^terraform-/);
    assert.equal(c.Origins?.Quantity, 1);
    assert.equal(c.Origins?.Items?.[0]?.Id, "my-s3-origin");
    assert.equal(c.Origins?.Items?.[0]?.DomainName, "my-cloudfront-bucket.s3.amazonaws.com");
    assert.equal(c.DefaultCacheBehavior?.TargetOriginId, "my-s3-origin");
    assert.equal(c.DefaultCacheBehavior?.ViewerProtocolPolicy, "allow-all");
    assert.deepEqual([...(c.DefaultCacheBehavior?.AllowedMethods?.Items ?? [])].sort(), ["GET", "HEAD"]);
    assert.equal(c.DefaultCacheBehavior?.ForwardedValues?.QueryString, false);
    assert.equal(c.DefaultCacheBehavior?.ForwardedValues?.Cookies?.Forward, "none");
    assert.equal(c.Restrictions?.GeoRestriction?.RestrictionType, "none");
    assert.equal(c.ViewerCertificate?.CloudFrontDefaultCertificate, true);

    const tags = await cf.send(new ListTagsForResourceCommand({ Resource: d.ARN }));
    assert.deepEqual(tags.Tags?.Items, [{ Key: "env", Value: "test" }]);

    const attrs = stateAttributes();
    assert.equal(attrs["arn"], d.ARN);
    assert.equal(attrs["etag"], got.ETag);
  });

  it("terraform plan right after apply shows no changes (minifront's defaults match the provider's)", { timeout: TEST_TIMEOUT_MS }, async () => {
    assert.ok(id, "the distribution was created");
    const r = await terraform(["plan", "-detailed-exitcode", "-input=false"]);
    assert.equal(r.code, 0, `plan should report no changes (exit 0), got exit ${r.code} (2 = drift):\n${tail(r)}`);
    assert.match(r.stdout, /No changes\./);
  });

  it("terraform apply with a changed comment updates the distribution in place", { timeout: TEST_TIMEOUT_MS }, async () => {
    assert.ok(id, "the distribution was created");
    writeFileSync(join(dir, "main.tf"), mainTf(t.emu.controlUrl, "updated by terraform"));
    const r = await tf("apply", "-auto-approve", "-input=false");
    assert.match(r.stdout, /will be updated in-place/);
    assert.match(r.stdout, /Apply complete! Resources: 0 added, 1 changed, 0 destroyed\./);

    const got = await t.cloudfront().send(new GetDistributionCommand({ Id: id }));
    assert.equal(got.Distribution?.Id, id, "the same distribution, not a replacement");
    assert.equal(got.Distribution?.DistributionConfig?.Comment, "updated by terraform");
    assert.equal(got.Distribution?.Status, "Deployed");
    assert.notEqual(got.ETag, etag, "the update produced a new ETag");
    // The state (unlike the `etag` output, which Terraform plans as unchanged) records the new ETag.
    const attrs = stateAttributes();
    assert.equal(attrs["etag"], got.ETag);
    assert.equal(attrs["comment"], "updated by terraform");
    etag = got.ETag ?? "";
  });

  it("terraform destroy disables, waits for and deletes the distribution", { timeout: TEST_TIMEOUT_MS }, async () => {
    assert.ok(id, "the distribution was created");
    const r = await tf("destroy", "-auto-approve", "-input=false");
    assert.match(r.stdout, /Destroy complete! Resources: 1 destroyed\./);

    const cf = t.cloudfront();
    await expectServiceError(cf.send(new GetDistributionCommand({ Id: id })), 404, "NoSuchDistribution");
    const list = await cf.send(new ListDistributionsCommand({}));
    assert.equal((list.DistributionList?.Items ?? []).some((s) => s.Id === id), false);
  });
});
