// End to end with Terraform's AWS provider (hashicorp/aws 5.100.0) against minifront's Lambda, IAM
// and STS (issue 14): an execution role trusted by Lambda and Lambda@Edge, the AWS managed
// AWSLambdaBasicExecutionRole attached, an inline policy, and a published aws_lambda_function from
// a local zip. Applied, re-planned with -detailed-exitcode (0: AWS's defaults are all there, no
// drift), the code changed (a new version), then destroyed. The provider's credential check goes
// through STS GetCallerIdentity on minifront.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { zipSync, strToU8 } from "fflate";
import { GetFunctionCommand, ListVersionsByFunctionCommand } from "@aws-sdk/client-lambda";
import { GetRoleCommand } from "@aws-sdk/client-iam";
import { expectServiceError, useEmulator } from "../helpers/emulator.ts";
import { providerHcl, tail, terraformIn, terraformMissing, type TerraformRunner } from "../helpers/terraform.ts";
import { iamClient, lambdaClient } from "../helpers/lambda.ts";

const STEP_TIMEOUT_MS = 180_000;
const TEST_TIMEOUT_MS = STEP_TIMEOUT_MS + 30_000;
const ACCOUNT = "123456789012";

function mainTf(endpoint: string): string {
  // The provider checks its credentials through STS on minifront, as it would on AWS.
  return `${providerHcl({ iam: endpoint, lambda: endpoint, sts: endpoint }, [], { checkCredentials: true })}
data "aws_caller_identity" "me" {}

resource "aws_iam_role" "edge" {
  name = "edge-fn-role"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = ["lambda.amazonaws.com", "edgelambda.amazonaws.com"] }
      Action    = "sts:AssumeRole"
    }]
  })
  tags = { team = "edge" }
}

resource "aws_iam_role_policy_attachment" "logs" {
  role       = aws_iam_role.edge.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
}

resource "aws_iam_role_policy" "read" {
  name = "read-config"
  role = aws_iam_role.edge.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "s3:GetObject", Resource = "*" }]
  })
}

resource "aws_lambda_function" "edge" {
  function_name    = "edge-rewrite"
  role             = aws_iam_role.edge.arn
  runtime          = "nodejs20.x"
  handler          = "index.handler"
  filename         = "\${path.module}/fn.zip"
  source_code_hash = filebase64sha256("\${path.module}/fn.zip")
  publish          = true
  tags             = { team = "edge" }
  depends_on       = [aws_iam_role_policy_attachment.logs]
}

output "account" {
  value = data.aws_caller_identity.me.account_id
}

output "qualified_arn" {
  value = aws_lambda_function.edge.qualified_arn
}
`;
}

function writeZip(dir: string, body: string): void {
  writeFileSync(join(dir, "fn.zip"), zipSync({ "index.js": strToU8(body) }));
}

describe("terraform (hashicorp/aws provider) deploys a Lambda function on minifront", { skip: terraformMissing() }, () => {
  const t = useEmulator({ accountId: ACCOUNT });
  let dir = "";
  let tf: TerraformRunner | undefined;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), "minifront-tf-lambda-"));
    tf = terraformIn(dir, STEP_TIMEOUT_MS);
  });
  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  const terraform = () => tf as TerraformRunner;
  let applied = false;

  it("terraform init and apply create the role, its policies and a published function", { timeout: 2 * TEST_TIMEOUT_MS }, async () => {
    writeFileSync(join(dir, "main.tf"), mainTf(t.emu.controlUrl));
    writeZip(dir, "exports.handler = async (event) => event.Records[0].cf.request;");
    await terraform().ok("init", "-input=false");
    const r = await terraform().ok("apply", "-auto-approve", "-input=false");
    assert.match(r.stdout, /Apply complete! Resources: 4 added, 0 changed, 0 destroyed\./);
    assert.match(r.stdout, new RegExp(`account = "${ACCOUNT}"`));
    assert.match(r.stdout, new RegExp(`qualified_arn = "arn:aws:lambda:us-east-1:${ACCOUNT}:function:edge-rewrite:1"`));
    applied = true;
    const fn = await lambdaClient(t.emu.controlUrl).send(new GetFunctionCommand({ FunctionName: "edge-rewrite" }));
    assert.equal(fn.Configuration?.Role, `arn:aws:iam::${ACCOUNT}:role/edge-fn-role`);
    assert.deepEqual(fn.Tags, { team: "edge" });
  });

  it("terraform plan right after apply shows no changes (AWS's defaults are all read back)", { timeout: TEST_TIMEOUT_MS }, async () => {
    assert.ok(applied, "the stack was applied");
    const r = await terraform().run(["plan", "-detailed-exitcode", "-input=false"]);
    assert.equal(r.code, 0, `plan should report no changes (exit 0), got exit ${r.code} (2 = drift):\n${tail(r)}`);
  });

  it("changing the code publishes version 2", { timeout: TEST_TIMEOUT_MS }, async () => {
    assert.ok(applied, "the stack was applied");
    writeZip(dir, "exports.handler = async (event) => { const r = event.Records[0].cf.request; r.uri = '/v2' + r.uri; return r; };");
    const r = await terraform().ok("apply", "-auto-approve", "-input=false");
    assert.match(r.stdout, /Apply complete! Resources: 0 added, 1 changed, 0 destroyed\./);
    assert.match(r.stdout, /qualified_arn = ".*:function:edge-rewrite:2"/);
    const versions = await lambdaClient(t.emu.controlUrl).send(new ListVersionsByFunctionCommand({ FunctionName: "edge-rewrite" }));
    assert.deepEqual(versions.Versions?.map((v) => v.Version), ["$LATEST", "1", "2"]);
    const again = await terraform().run(["plan", "-detailed-exitcode", "-input=false"]);
    assert.equal(again.code, 0, `plan after the update should report no changes:\n${tail(again)}`);
  });

  it("terraform destroy removes the function and the role", { timeout: TEST_TIMEOUT_MS }, async () => {
    assert.ok(applied, "the stack was applied");
    const r = await terraform().ok("destroy", "-auto-approve", "-input=false");
    assert.match(r.stdout, /Destroy complete! Resources: 4 destroyed\./);
    await expectServiceError(lambdaClient(t.emu.controlUrl).send(new GetFunctionCommand({ FunctionName: "edge-rewrite" })), 404, "ResourceNotFoundException");
    await expectServiceError(iamClient(t.emu.controlUrl).send(new GetRoleCommand({ RoleName: "edge-fn-role" })), 404, "NoSuchEntityException");
  });
});
