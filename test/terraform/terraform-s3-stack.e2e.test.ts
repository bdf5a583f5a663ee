// End to end with Terraform's AWS provider (hashicorp/aws 5.100.0) against the embedded S3: the
// stack a production site is written as, with the provider's standalone S3 resources (issue #13):
// a versioned, SSE-KMS-encrypted, public-access-blocked site bucket (BucketOwnerEnforced) with
// CORS, a website configuration, a bucket policy for CloudFront, server access logging and
// objects; a log bucket (BucketOwnerPreferred + the log-delivery-write ACL + a lifecycle rule).
// Applied, re-planned with -detailed-exitcode (0: the provider's refresh sees exactly what it
// wrote), then destroyed (both buckets with force_destroy, so the versioned one is emptied of
// every version first).
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  GetBucketAclCommand,
  GetBucketEncryptionCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketLoggingCommand,
  GetBucketOwnershipControlsCommand,
  GetBucketVersioningCommand,
  GetObjectCommand,
  GetPublicAccessBlockCommand,
  HeadBucketCommand,
  ListBucketsCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { CREDENTIALS, expectServiceError, useEmulator } from "../helpers/emulator.ts";
import { providerHcl, tail, terraformIn, terraformMissing, type TerraformRunner } from "../helpers/terraform.ts";

/** Per terraform command: the provider takes ~40 s to start here, and its lifecycle waiter polls for ~55 s. */
const STEP_TIMEOUT_MS = 300_000;
const TEST_TIMEOUT_MS = STEP_TIMEOUT_MS + 30_000;
const SITE = "minifront-tf-site";
const LOGS = "minifront-tf-logs";
const KMS_KEY = "arn:aws:kms:us-east-1:123456789012:key/0f7c3c34-5d5e-4b39-9d2b-1d7c0e4f5a61";

function mainTf(endpoint: string): string {
  return `${providerHcl({ s3: endpoint }, ["s3_use_path_style = true"])}

# ---- the log bucket: ACL-based log delivery, expiring old logs ----

resource "aws_s3_bucket" "logs" {
  bucket        = "${LOGS}"
  force_destroy = true
}

resource "aws_s3_bucket_ownership_controls" "logs" {
  bucket = aws_s3_bucket.logs.id
  rule {
    object_ownership = "BucketOwnerPreferred"
  }
}

resource "aws_s3_bucket_acl" "logs" {
  depends_on = [aws_s3_bucket_ownership_controls.logs]
  bucket     = aws_s3_bucket.logs.id
  acl        = "log-delivery-write"
}

resource "aws_s3_bucket_lifecycle_configuration" "logs" {
  bucket = aws_s3_bucket.logs.id
  rule {
    id     = "expire-logs"
    status = "Enabled"
    filter {
      prefix = "site/"
    }
    expiration {
      days = 30
    }
    noncurrent_version_expiration {
      noncurrent_days = 7
    }
    abort_incomplete_multipart_upload {
      days_after_initiation = 2
    }
  }
}

# ---- the site bucket ----

resource "aws_s3_bucket" "site" {
  bucket        = "${SITE}"
  force_destroy = true
}

resource "aws_s3_bucket_ownership_controls" "site" {
  bucket = aws_s3_bucket.site.id
  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_public_access_block" "site" {
  bucket                  = aws_s3_bucket.site.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_versioning" "site" {
  bucket = aws_s3_bucket.site.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "site" {
  bucket = aws_s3_bucket.site.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = "${KMS_KEY}"
    }
    bucket_key_enabled = true
  }
}

resource "aws_s3_bucket_cors_configuration" "site" {
  bucket = aws_s3_bucket.site.id
  cors_rule {
    allowed_methods = ["GET", "HEAD"]
    allowed_origins = ["https://www.example.com"]
    allowed_headers = ["*"]
    expose_headers  = ["ETag"]
    max_age_seconds = 3000
  }
}

resource "aws_s3_bucket_website_configuration" "site" {
  bucket = aws_s3_bucket.site.id
  index_document {
    suffix = "index.html"
  }
  error_document {
    key = "error.html"
  }
}

resource "aws_s3_bucket_logging" "site" {
  bucket        = aws_s3_bucket.site.id
  target_bucket = aws_s3_bucket.logs.id
  target_prefix = "site/"
}

data "aws_iam_policy_document" "site" {
  statement {
    sid       = "AllowCloudFrontRead"
    actions   = ["s3:GetObject"]
    resources = ["\${aws_s3_bucket.site.arn}/*"]
    principals {
      type        = "Service"
      identifiers = ["cloudfront.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "AWS:SourceArn"
      values   = ["arn:aws:cloudfront::123456789012:distribution/EDFDVBD6EXAMPLE"]
    }
  }
}

resource "aws_s3_bucket_policy" "site" {
  depends_on = [aws_s3_bucket_public_access_block.site]
  bucket     = aws_s3_bucket.site.id
  policy     = data.aws_iam_policy_document.site.json
}

resource "aws_s3_object" "index" {
  depends_on   = [aws_s3_bucket_versioning.site, aws_s3_bucket_server_side_encryption_configuration.site]
  bucket       = aws_s3_bucket.site.id
  key          = "index.html"
  content      = "<h1>hello from terraform</h1>"
  content_type = "text/html"
}

resource "aws_s3_object" "error" {
  depends_on   = [aws_s3_bucket_versioning.site, aws_s3_bucket_server_side_encryption_configuration.site]
  bucket       = aws_s3_bucket.site.id
  key          = "error.html"
  content      = "<h1>not found</h1>"
  content_type = "text/html"
}
`;
}

describe("terraform (hashicorp/aws provider) applies a production S3 stack on minifront", { skip: terraformMissing() }, () => {
  const t = useEmulator();
  let dir = "";
  let tf: TerraformRunner | undefined;
  let client: S3Client | undefined;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), "minifront-tf-s3-"));
    tf = terraformIn(dir, STEP_TIMEOUT_MS);
    client = new S3Client({ region: "us-east-1", endpoint: t.emu.s3Url, forcePathStyle: true, credentials: CREDENTIALS, maxAttempts: 1 });
  });
  after(() => {
    client?.destroy();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  const terraform = () => tf as TerraformRunner;
  const s3 = () => client as S3Client;
  let applied = false;

  it("terraform init and apply create the whole stack", { timeout: 2 * TEST_TIMEOUT_MS }, async () => {
    writeFileSync(join(dir, "main.tf"), mainTf(t.emu.s3Url));
    await terraform().ok("init", "-input=false");
    const r = await terraform().ok("apply", "-auto-approve", "-input=false");
    assert.match(r.stdout, /Apply complete! Resources: 15 added, 0 changed, 0 destroyed\./);
    applied = true;

    assert.equal((await s3().send(new GetBucketVersioningCommand({ Bucket: SITE }))).Status, "Enabled");
    const enc = (await s3().send(new GetBucketEncryptionCommand({ Bucket: SITE }))).ServerSideEncryptionConfiguration?.Rules?.[0];
    assert.equal(enc?.ApplyServerSideEncryptionByDefault?.SSEAlgorithm, "aws:kms");
    assert.equal(enc?.BucketKeyEnabled, true);
    const pab = (await s3().send(new GetPublicAccessBlockCommand({ Bucket: SITE }))).PublicAccessBlockConfiguration;
    assert.deepEqual(pab, { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true });
    assert.equal((await s3().send(new GetBucketOwnershipControlsCommand({ Bucket: SITE }))).OwnershipControls?.Rules?.[0]?.ObjectOwnership, "BucketOwnerEnforced");
    assert.equal((await s3().send(new GetBucketOwnershipControlsCommand({ Bucket: LOGS }))).OwnershipControls?.Rules?.[0]?.ObjectOwnership, "BucketOwnerPreferred");
    const grants = (await s3().send(new GetBucketAclCommand({ Bucket: LOGS }))).Grants ?? [];
    const logDelivery = grants.filter((g) => g.Grantee?.URI === "http://acs.amazonaws.com/groups/s3/LogDelivery").map((g) => g.Permission);
    assert.deepEqual(logDelivery.sort(), ["READ_ACP", "WRITE"]);
    assert.equal((await s3().send(new GetBucketLifecycleConfigurationCommand({ Bucket: LOGS }))).Rules?.[0]?.Expiration?.Days, 30);
    assert.equal((await s3().send(new GetBucketLoggingCommand({ Bucket: SITE }))).LoggingEnabled?.TargetBucket, LOGS);
    const index = await s3().send(new GetObjectCommand({ Bucket: SITE, Key: "index.html" }));
    assert.equal(await index.Body?.transformToString(), "<h1>hello from terraform</h1>");
    assert.equal(index.ServerSideEncryption, "aws:kms", "the object was written under the bucket's default encryption");
    assert.equal(index.SSEKMSKeyId, KMS_KEY);
    assert.ok(index.VersionId && index.VersionId !== "null", "a versioned bucket gives the object a version id");
  });

  it("terraform plan right after apply shows no changes (the provider's refresh sees what it wrote)", { timeout: TEST_TIMEOUT_MS }, async () => {
    assert.ok(applied, "the stack was applied");
    const r = await terraform().run(["plan", "-detailed-exitcode", "-input=false"]);
    assert.equal(r.code, 0, `plan should report no changes (exit 0), got exit ${r.code} (2 = drift):\n${tail(r)}`);
    assert.match(r.stdout, /No changes\./);
  });

  it("terraform destroy empties the versioned buckets (force_destroy) and removes everything", { timeout: TEST_TIMEOUT_MS }, async () => {
    assert.ok(applied, "the stack was applied");
    const r = await terraform().ok("destroy", "-auto-approve", "-input=false");
    assert.match(r.stdout, /Destroy complete! Resources: 15 destroyed\./);
    await expectServiceError(s3().send(new HeadBucketCommand({ Bucket: SITE })), 404, "NotFound");
    await expectServiceError(s3().send(new HeadBucketCommand({ Bucket: LOGS })), 404, "NotFound");
    const left = (await s3().send(new ListBucketsCommand({}))).Buckets ?? [];
    assert.deepEqual(left.map((b) => b.Name).filter((n) => n === SITE || n === LOGS), []);
  });
});
