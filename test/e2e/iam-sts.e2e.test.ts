// The IAM and STS subsets end to end on a real port with @aws-sdk/client-iam and
// @aws-sdk/client-sts (awsQuery: form posts in, XML out), the aws CLI for a few calls, and
// Lambda + IAM state surviving a restart (issue 14). IAM's behaviour is from the IAM API Reference
// (CreateRole, DeleteRole "DeleteConflict", GetRole "AssumeRolePolicyDocument … URL-encoded").
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  AttachRolePolicyCommand,
  CreatePolicyCommand,
  CreateRoleCommand,
  DeletePolicyCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  DetachRolePolicyCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  ListAttachedRolePoliciesCommand,
  ListInstanceProfilesForRoleCommand,
  ListRolePoliciesCommand,
  ListRoleTagsCommand,
  ListUsersCommand,
  PutRolePolicyCommand,
  TagRoleCommand,
  UntagRoleCommand,
  UpdateAssumeRolePolicyCommand,
  UpdateRoleCommand,
} from "@aws-sdk/client-iam";
import { GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { CreateFunctionCommand, GetFunctionCommand } from "@aws-sdk/client-lambda";
import { startEmulator } from "../../src/index.ts";
import { AWS_CLI_MISSING, awsCliAvailable, runAws } from "../helpers/aws-cli.ts";
import { expectServiceError, useEmulator } from "../helpers/emulator.ts";
import { LAMBDA_TRUST, handlerZip, iamClient, lambdaClient, stsClient } from "../helpers/lambda.ts";

const ACCOUNT = "123456789012";
const BASIC_EXECUTION = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole";
const READ_POLICY = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::site/*" }] });

describe("IAM API", () => {
  const t = useEmulator({ accountId: ACCOUNT });
  const iam = () => iamClient(t.emu.controlUrl);

  it("creates a role and returns its trust policy URL-encoded, as IAM does", async () => {
    const created = await iam().send(new CreateRoleCommand({ RoleName: "fn-role", Path: "/service/", AssumeRolePolicyDocument: LAMBDA_TRUST, Description: "edge", Tags: [{ Key: "team", Value: "edge" }] }));
    assert.equal(created.Role?.Arn, `arn:aws:iam::${ACCOUNT}:role/service/fn-role`);
    assert.match(created.Role?.RoleId ?? "", /^AROA[A-Z0-9]{17}$/);
    const role = (await iam().send(new GetRoleCommand({ RoleName: "fn-role" }))).Role;
    assert.equal(role?.AssumeRolePolicyDocument, encodeURIComponent(LAMBDA_TRUST));
    assert.equal(role?.MaxSessionDuration, 3600);
    assert.equal(role?.Description, "edge");
    assert.deepEqual(role?.Tags, [{ Key: "team", Value: "edge" }]);
    assert.ok(role?.CreateDate instanceof Date);
  });

  it("refuses bad input with IAM's codes and changes nothing", async () => {
    await expectServiceError(iam().send(new CreateRoleCommand({ RoleName: "fn-role", AssumeRolePolicyDocument: LAMBDA_TRUST })), 409, "EntityAlreadyExistsException");
    await expectServiceError(iam().send(new CreateRoleCommand({ RoleName: "bad name", AssumeRolePolicyDocument: LAMBDA_TRUST })), 400, "ValidationError");
    await expectServiceError(iam().send(new CreateRoleCommand({ RoleName: "broken", AssumeRolePolicyDocument: "{not json" })), 400, "MalformedPolicyDocumentException");
    await expectServiceError(iam().send(new GetRoleCommand({ RoleName: "broken" })), 404, "NoSuchEntityException");
    await expectServiceError(iam().send(new UpdateRoleCommand({ RoleName: "fn-role", MaxSessionDuration: 60 })), 400, "ValidationError");
    // An action minifront does not emulate names itself.
    const err = await expectServiceError(iam().send(new ListUsersCommand({})), 400, "InvalidAction");
    assert.match(err.message, /ListUsers/);
  });

  it("updates the role and its trust policy", async () => {
    await iam().send(new UpdateRoleCommand({ RoleName: "fn-role", Description: "edge functions", MaxSessionDuration: 7200 }));
    const trust = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] });
    await iam().send(new UpdateAssumeRolePolicyCommand({ RoleName: "fn-role", PolicyDocument: trust }));
    const role = (await iam().send(new GetRoleCommand({ RoleName: "fn-role" }))).Role;
    assert.equal(role?.Description, "edge functions");
    assert.equal(role?.MaxSessionDuration, 7200);
    assert.equal(decodeURIComponent(role?.AssumeRolePolicyDocument ?? ""), trust);
  });

  it("keeps inline policies", async () => {
    await iam().send(new PutRolePolicyCommand({ RoleName: "fn-role", PolicyName: "read", PolicyDocument: READ_POLICY }));
    assert.deepEqual((await iam().send(new ListRolePoliciesCommand({ RoleName: "fn-role" }))).PolicyNames, ["read"]);
    const got = await iam().send(new GetRolePolicyCommand({ RoleName: "fn-role", PolicyName: "read" }));
    assert.equal(decodeURIComponent(got.PolicyDocument ?? ""), READ_POLICY);
    await expectServiceError(iam().send(new GetRolePolicyCommand({ RoleName: "fn-role", PolicyName: "write" })), 404, "NoSuchEntityException");
  });

  it("attaches AWS managed and customer managed policies", async () => {
    const policy = (await iam().send(new CreatePolicyCommand({ PolicyName: "logs", PolicyDocument: READ_POLICY, Description: "mine" }))).Policy;
    assert.equal(policy?.Arn, `arn:aws:iam::${ACCOUNT}:policy/logs`);
    assert.equal(policy?.DefaultVersionId, "v1");
    await expectServiceError(iam().send(new CreatePolicyCommand({ PolicyName: "logs", PolicyDocument: READ_POLICY })), 409, "EntityAlreadyExistsException");
    await iam().send(new AttachRolePolicyCommand({ RoleName: "fn-role", PolicyArn: BASIC_EXECUTION }));
    await iam().send(new AttachRolePolicyCommand({ RoleName: "fn-role", PolicyArn: policy?.Arn }));
    await expectServiceError(iam().send(new AttachRolePolicyCommand({ RoleName: "fn-role", PolicyArn: `arn:aws:iam::${ACCOUNT}:policy/none` })), 404, "NoSuchEntityException");
    const attached = (await iam().send(new ListAttachedRolePoliciesCommand({ RoleName: "fn-role" }))).AttachedPolicies;
    assert.deepEqual(attached, [
      { PolicyName: "AWSLambdaBasicExecutionRole", PolicyArn: BASIC_EXECUTION },
      { PolicyName: "logs", PolicyArn: policy?.Arn },
    ]);
    assert.equal((await iam().send(new GetPolicyCommand({ PolicyArn: policy?.Arn }))).Policy?.AttachmentCount, 1);
    const version = (await iam().send(new GetPolicyVersionCommand({ PolicyArn: policy?.Arn, VersionId: "v1" }))).PolicyVersion;
    assert.equal(decodeURIComponent(version?.Document ?? ""), READ_POLICY);
    assert.equal(version?.IsDefaultVersion, true);
    await expectServiceError(iam().send(new DeletePolicyCommand({ PolicyArn: policy?.Arn })), 409, "DeleteConflictException");
  });

  it("tags the role", async () => {
    await iam().send(new TagRoleCommand({ RoleName: "fn-role", Tags: [{ Key: "env", Value: "dev" }, { Key: "team", Value: "cdn" }] }));
    await iam().send(new UntagRoleCommand({ RoleName: "fn-role", TagKeys: ["env"] }));
    assert.deepEqual((await iam().send(new ListRoleTagsCommand({ RoleName: "fn-role" }))).Tags, [{ Key: "team", Value: "cdn" }]);
    assert.deepEqual((await iam().send(new ListInstanceProfilesForRoleCommand({ RoleName: "fn-role" }))).InstanceProfiles, []);
  });

  it("refuses to delete a role with policies (DeleteConflict), then deletes it once they are gone", async () => {
    await expectServiceError(iam().send(new DeleteRoleCommand({ RoleName: "fn-role" })), 409, "DeleteConflictException");
    assert.ok((await iam().send(new GetRoleCommand({ RoleName: "fn-role" }))).Role, "the role is still there");
    for (const arn of [BASIC_EXECUTION, `arn:aws:iam::${ACCOUNT}:policy/logs`]) await iam().send(new DetachRolePolicyCommand({ RoleName: "fn-role", PolicyArn: arn }));
    await expectServiceError(iam().send(new DeleteRoleCommand({ RoleName: "fn-role" })), 409, "DeleteConflictException");
    await iam().send(new DeleteRolePolicyCommand({ RoleName: "fn-role", PolicyName: "read" }));
    await iam().send(new DeleteRoleCommand({ RoleName: "fn-role" }));
    await iam().send(new DeletePolicyCommand({ PolicyArn: `arn:aws:iam::${ACCOUNT}:policy/logs` }));
    await expectServiceError(iam().send(new GetRoleCommand({ RoleName: "fn-role" })), 404, "NoSuchEntityException");
  });

  it("STS GetCallerIdentity names the account", async () => {
    const me = await stsClient(t.emu.controlUrl).send(new GetCallerIdentityCommand({}));
    assert.deepEqual({ Account: me.Account, Arn: me.Arn }, { Account: ACCOUNT, Arn: `arn:aws:iam::${ACCOUNT}:root` });
  });
});

describe("IAM, STS and Lambda with the aws CLI", { skip: awsCliAvailable() ? false : AWS_CLI_MISSING }, () => {
  const t = useEmulator({ accountId: ACCOUNT });
  let configDir = "";
  before(() => {
    configDir = mkdtempSync(join(tmpdir(), "minifront-aws-cli-"));
  });
  after(() => rmSync(configDir, { recursive: true, force: true }));
  const aws = (...args: string[]) => runAws(args, { endpoint: t.emu.controlUrl, configDir });

  it("creates a role, reads the caller identity and lists functions", async () => {
    const created = await aws("iam", "create-role", "--role-name", "cli-role", "--assume-role-policy-document", LAMBDA_TRUST);
    assert.equal(created.code, 0, created.stderr);
    const role = JSON.parse((await aws("iam", "get-role", "--role-name", "cli-role")).stdout) as { Role: { Arn: string; AssumeRolePolicyDocument: unknown } };
    assert.equal(role.Role.Arn, `arn:aws:iam::${ACCOUNT}:role/cli-role`);
    // The CLI decodes the URL-encoded document into JSON, as it does against IAM.
    assert.deepEqual(role.Role.AssumeRolePolicyDocument, JSON.parse(LAMBDA_TRUST));
    const me = JSON.parse((await aws("sts", "get-caller-identity")).stdout) as { Account: string };
    assert.equal(me.Account, ACCOUNT);
    await lambdaClient(t.emu.controlUrl).send(
      new CreateFunctionCommand({ FunctionName: "cli-fn", Role: role.Role.Arn, Runtime: "nodejs22.x", Handler: "index.handler", Code: { ZipFile: handlerZip() } }),
    );
    const listed = JSON.parse((await aws("lambda", "list-functions")).stdout) as { Functions: Array<{ FunctionName: string; MemorySize: number }> };
    assert.deepEqual(listed.Functions.map((f) => [f.FunctionName, f.MemorySize]), [["cli-fn", 128]]);
    const missing = await aws("lambda", "get-function", "--function-name", "nope");
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /ResourceNotFoundException/);
  });
});

describe("Lambda and IAM state survive a restart", () => {
  it("keeps the role, the function and its code", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "minifront-lambda-state-"));
    try {
      const first = await startEmulator({ port: 0, dataDir, logLevel: "warn", accountId: ACCOUNT });
      let sha = "";
      try {
        const role = (await iamClient(first.controlUrl).send(new CreateRoleCommand({ RoleName: "kept", AssumeRolePolicyDocument: LAMBDA_TRUST }))).Role;
        sha = (await lambdaClient(first.controlUrl).send(new CreateFunctionCommand({ FunctionName: "kept", Role: role?.Arn, Runtime: "nodejs20.x", Handler: "index.handler", Code: { ZipFile: handlerZip() }, Publish: true }))).CodeSha256 ?? "";
      } finally {
        await first.dispose();
      }
      const second = await startEmulator({ port: 0, dataDir, logLevel: "warn", accountId: ACCOUNT });
      try {
        assert.ok((await iamClient(second.controlUrl).send(new GetRoleCommand({ RoleName: "kept" }))).Role);
        const fn = await lambdaClient(second.controlUrl).send(new GetFunctionCommand({ FunctionName: "kept", Qualifier: "1" }));
        assert.equal(fn.Configuration?.CodeSha256, sha);
        const res = await fetch(fn.Code?.Location ?? "");
        assert.equal(res.status, 200);
        assert.equal(Buffer.from(await res.arrayBuffer()).equals(Buffer.from(handlerZip())), true);
      } finally {
        await second.dispose();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe("the reset endpoint clears Lambda and IAM", () => {
  const t = useEmulator({ accountId: ACCOUNT });

  it("forgets roles, functions and their code", async () => {
    const role = (await iamClient(t.emu.controlUrl).send(new CreateRoleCommand({ RoleName: "gone", AssumeRolePolicyDocument: LAMBDA_TRUST }))).Role;
    await lambdaClient(t.emu.controlUrl).send(new CreateFunctionCommand({ FunctionName: "gone", Role: role?.Arn, Runtime: "nodejs20.x", Handler: "index.handler", Code: { ZipFile: handlerZip() } }));
    const location = (await lambdaClient(t.emu.controlUrl).send(new GetFunctionCommand({ FunctionName: "gone" }))).Code?.Location ?? "";
    assert.equal((await fetch(`${t.emu.controlUrl}/_minifront/reset`, { method: "POST" })).status, 200);
    await expectServiceError(lambdaClient(t.emu.controlUrl).send(new GetFunctionCommand({ FunctionName: "gone" })), 404, "ResourceNotFoundException");
    await expectServiceError(iamClient(t.emu.controlUrl).send(new GetRoleCommand({ RoleName: "gone" })), 404, "NoSuchEntityException");
    assert.equal((await fetch(location)).status, 404);
  });
});
