// Field-level encryption and VPC origins with Terraform's AWS provider (hashicorp/aws 5.100.0,
// issue 17): an aws_cloudfront_public_key, an aws_cloudfront_field_level_encryption_profile using it,
// an aws_cloudfront_field_level_encryption_config mapping the profile, and an
// aws_cloudfront_vpc_origin apply, re-plan with no drift, update in place and destroy.
// TF_LOG=DEBUG and TF_LOG_PATH=<file> show the provider's HTTP requests.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  GetFieldLevelEncryptionCommand,
  GetFieldLevelEncryptionProfileCommand,
  GetVpcOriginCommand,
  ListFieldLevelEncryptionConfigsCommand,
  ListFieldLevelEncryptionProfilesCommand,
  ListPublicKeysCommand,
  ListVpcOriginsCommand,
} from "@aws-sdk/client-cloudfront";
import { useEmulator } from "../helpers/emulator.ts";
import { providerHcl, tail, terraformIn, terraformMissing, type TerraformRunner } from "../helpers/terraform.ts";

const STEP_TIMEOUT_MS = 300_000;
const TEST_TIMEOUT_MS = STEP_TIMEOUT_MS + 30_000;
const ALB = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/app-alb/50dc6c495c0c9188";

function mainTf(endpoint: string, comment: string): string {
  return `${providerHcl({ cloudfront: endpoint })}

resource "aws_cloudfront_public_key" "fle" {
  name        = "fle-key"
  comment     = "field-level encryption key"
  encoded_key = file("\${path.module}/public_key.pem")
}

resource "aws_cloudfront_field_level_encryption_profile" "cards" {
  name    = "cards"
  comment = "${comment}"

  encryption_entities {
    items {
      public_key_id = aws_cloudfront_public_key.fle.id
      provider_id   = "DEMO"
      field_patterns {
        items = ["CreditCard*", "ssn"]
      }
    }
  }
}

resource "aws_cloudfront_field_level_encryption_config" "form" {
  comment = "${comment}"

  content_type_profile_config {
    forward_when_content_type_is_unknown = true
    content_type_profiles {
      items {
        content_type = "application/x-www-form-urlencoded"
        format       = "URLEncoded"
        profile_id   = aws_cloudfront_field_level_encryption_profile.cards.id
      }
    }
  }

  query_arg_profile_config {
    forward_when_query_arg_profile_is_unknown = true
    query_arg_profiles {
      items {
        profile_id = aws_cloudfront_field_level_encryption_profile.cards.id
        query_arg  = "cards"
      }
    }
  }
}

resource "aws_cloudfront_vpc_origin" "alb" {
  vpc_origin_endpoint_config {
    name                   = "${comment}"
    arn                    = "${ALB}"
    http_port              = 80
    https_port             = 443
    origin_protocol_policy = "https-only"
    origin_ssl_protocols {
      items    = ["TLSv1.2"]
      quantity = 1
    }
  }

  tags = {
    team = "web"
  }
}

output "profile" {
  value = aws_cloudfront_field_level_encryption_profile.cards.id
}
output "config" {
  value = aws_cloudfront_field_level_encryption_config.form.id
}
output "vpc_origin" {
  value = aws_cloudfront_vpc_origin.alb.id
}
`;
}

describe("terraform manages field-level encryption and VPC origins on minifront", { skip: terraformMissing() }, () => {
  const t = useEmulator();
  let dir = "";
  let runner: TerraformRunner | undefined;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), "minifront-tf-fle-"));
    runner = terraformIn(dir, STEP_TIMEOUT_MS);
    const { publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    writeFileSync(join(dir, "public_key.pem"), publicKey.export({ type: "spki", format: "pem" }).toString());
  });
  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const tf = (...args: string[]) => (runner as TerraformRunner).ok(...args);
  const write = (comment: string) => writeFileSync(join(dir, "main.tf"), mainTf(t.emu.controlUrl, comment));

  async function outputs(): Promise<Record<string, string>> {
    const raw = JSON.parse((await tf("output", "-json")).stdout) as Record<string, { value: string }>;
    return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, v.value]));
  }

  it("applies a public key, a profile, a configuration and a VPC origin", { timeout: TEST_TIMEOUT_MS }, async () => {
    write("first");
    await tf("init", "-input=false");
    const r = await tf("apply", "-auto-approve", "-input=false");
    assert.match(r.stdout, /Apply complete! Resources: 4 added, 0 changed, 0 destroyed\./);
    const out = await outputs();
    const cf = t.cloudfront();
    const profile = await cf.send(new GetFieldLevelEncryptionProfileCommand({ Id: out["profile"] }));
    assert.deepEqual(profile.FieldLevelEncryptionProfile?.FieldLevelEncryptionProfileConfig?.EncryptionEntities?.Items?.[0]?.FieldPatterns?.Items, ["CreditCard*", "ssn"]);
    const config = await cf.send(new GetFieldLevelEncryptionCommand({ Id: out["config"] }));
    assert.equal(config.FieldLevelEncryption?.FieldLevelEncryptionConfig?.QueryArgProfileConfig?.QueryArgProfiles?.Items?.[0]?.ProfileId, out["profile"]);
    const vpc = await cf.send(new GetVpcOriginCommand({ Id: out["vpc_origin"] }));
    assert.equal(vpc.VpcOrigin?.Status, "Deployed");
    assert.equal(vpc.VpcOrigin?.VpcOriginEndpointConfig?.Arn, ALB);
  });

  it("re-plans with no changes", { timeout: TEST_TIMEOUT_MS }, async () => {
    const r = await (runner as TerraformRunner).run(["plan", "-detailed-exitcode", "-input=false"]);
    assert.equal(r.code, 0, `plan should report no changes (exit 0), got ${r.code} (2 = drift):\n${tail(r)}`);
  });

  it("updates the profile, the configuration and the VPC origin in place", { timeout: TEST_TIMEOUT_MS }, async () => {
    write("second");
    const r = await tf("apply", "-auto-approve", "-input=false");
    assert.match(r.stdout, /Apply complete! Resources: 0 added, 3 changed, 0 destroyed\./);
    const out = await outputs();
    const cf = t.cloudfront();
    assert.equal((await cf.send(new GetFieldLevelEncryptionProfileCommand({ Id: out["profile"] }))).FieldLevelEncryptionProfile?.FieldLevelEncryptionProfileConfig?.Comment, "second");
    assert.equal((await cf.send(new GetVpcOriginCommand({ Id: out["vpc_origin"] }))).VpcOrigin?.VpcOriginEndpointConfig?.Name, "second");
    const again = await (runner as TerraformRunner).run(["plan", "-detailed-exitcode", "-input=false"]);
    assert.equal(again.code, 0, `no drift after the update:\n${tail(again)}`);
  });

  it("destroys all four", { timeout: TEST_TIMEOUT_MS }, async () => {
    const r = await tf("destroy", "-auto-approve", "-input=false");
    assert.match(r.stdout, /Destroy complete! Resources: 4 destroyed\./);
    const cf = t.cloudfront();
    assert.equal((await cf.send(new ListFieldLevelEncryptionConfigsCommand({}))).FieldLevelEncryptionList?.Quantity, 0);
    assert.equal((await cf.send(new ListFieldLevelEncryptionProfilesCommand({}))).FieldLevelEncryptionProfileList?.Quantity, 0);
    assert.equal((await cf.send(new ListPublicKeysCommand({}))).PublicKeyList?.Quantity, 0);
    assert.equal((await cf.send(new ListVpcOriginsCommand({}))).VpcOriginList?.Quantity, 0);
  });
});
