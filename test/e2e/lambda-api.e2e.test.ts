// The Lambda API subset end to end on a real port with @aws-sdk/client-lambda, the execution role
// made with @aws-sdk/client-iam (issue 14, "Deploying the code, as users do it"). What Lambda
// answers is from the Lambda API Reference (CreateFunction, PublishVersion, AddPermission, …
// and their "Errors" sections) and its "Lambda quotas" page.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { strToU8 } from "fflate";
import {
  AddPermissionCommand,
  CreateAliasCommand,
  CreateFunctionCommand,
  DeleteAliasCommand,
  DeleteFunctionCommand,
  GetAliasCommand,
  GetFunctionCodeSigningConfigCommand,
  GetFunctionCommand,
  GetFunctionConfigurationCommand,
  GetPolicyCommand,
  ListAliasesCommand,
  ListFunctionsCommand,
  ListTagsCommand,
  ListVersionsByFunctionCommand,
  PublishVersionCommand,
  RemovePermissionCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateAliasCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
} from "@aws-sdk/client-lambda";
import { AttachRolePolicyCommand, CreateRoleCommand } from "@aws-sdk/client-iam";
import { CreateBucketCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { CREDENTIALS, expectServiceError, useEmulator } from "../helpers/emulator.ts";
import { LAMBDA_TRUST, handlerZip, iamClient, lambdaClient } from "../helpers/lambda.ts";

const ACCOUNT = "123456789012";

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("base64");

describe("Lambda API", () => {
  const t = useEmulator({ accountId: ACCOUNT });
  const lambda = () => lambdaClient(t.emu.controlUrl);
  let roleArn = "";

  it("creates the execution role with IAM", async () => {
    const iam = iamClient(t.emu.controlUrl);
    const out = await iam.send(new CreateRoleCommand({ RoleName: "edge-role", AssumeRolePolicyDocument: LAMBDA_TRUST }));
    roleArn = out.Role?.Arn ?? "";
    assert.equal(roleArn, `arn:aws:iam::${ACCOUNT}:role/edge-role`);
    await iam.send(new AttachRolePolicyCommand({ RoleName: "edge-role", PolicyArn: "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole" }));
  });

  it("creates a function with AWS's defaults for what Terraform reads", async () => {
    const zip = handlerZip();
    const fn = await lambda().send(new CreateFunctionCommand({ FunctionName: "hello", Role: roleArn, Runtime: "nodejs20.x", Handler: "index.handler", Code: { ZipFile: zip } }));
    assert.equal(fn.FunctionArn, `arn:aws:lambda:us-east-1:${ACCOUNT}:function:hello`);
    assert.equal(fn.CodeSha256, sha256(zip));
    assert.equal(fn.CodeSize, zip.byteLength);
    assert.equal(fn.Version, "$LATEST");
    assert.equal(fn.MemorySize, 128);
    assert.equal(fn.Timeout, 3);
    assert.deepEqual(fn.Architectures, ["x86_64"]);
    assert.deepEqual(fn.EphemeralStorage, { Size: 512 });
    assert.deepEqual(fn.TracingConfig, { Mode: "PassThrough" });
    assert.deepEqual(fn.LoggingConfig, { LogFormat: "Text", LogGroup: "/aws/lambda/hello" });
    assert.deepEqual(fn.SnapStart, { ApplyOn: "None", OptimizationStatus: "Off" });
    assert.equal(fn.PackageType, "Zip");
    assert.equal(fn.State, "Active");
    assert.equal(fn.LastUpdateStatus, "Successful");
    assert.equal(fn.Description, "");
    assert.match(fn.LastModified ?? "", /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/);
    assert.match(fn.RevisionId ?? "", /^[0-9a-f-]{36}$/);
  });

  it("refuses a role that does not exist, and creates nothing", async () => {
    const err = await expectServiceError(
      lambda().send(new CreateFunctionCommand({ FunctionName: "orphan", Role: `arn:aws:iam::${ACCOUNT}:role/nope`, Runtime: "nodejs20.x", Handler: "index.handler", Code: { ZipFile: handlerZip() } })),
      400,
      "InvalidParameterValueException",
    );
    assert.equal(err.message, "The role defined for the function cannot be assumed by Lambda.");
    // Lambda's JSON error body: {"Type":"User","message":…}, which the SDK exposes as members.
    assert.equal((err as unknown as { Type?: string }).Type, "User");
    await expectServiceError(lambda().send(new GetFunctionCommand({ FunctionName: "orphan" })), 404, "ResourceNotFoundException");
  });

  it("answers bad input as Lambda does", async () => {
    const base = { Role: roleArn, Runtime: "nodejs20.x" as const, Handler: "index.handler", Code: { ZipFile: handlerZip() } };
    await expectServiceError(lambda().send(new CreateFunctionCommand({ ...base, FunctionName: "hello" })), 409, "ResourceConflictException");
    await expectServiceError(lambda().send(new CreateFunctionCommand({ ...base, FunctionName: "badzip", Code: { ZipFile: strToU8("not a zip") } })), 400, "InvalidParameterValueException");
    await expectServiceError(lambda().send(new CreateFunctionCommand({ ...base, FunctionName: "big", MemorySize: 64 })), 400, "ValidationException");
    await expectServiceError(lambda().send(new CreateFunctionCommand({ ...base, FunctionName: "slow", Timeout: 901 })), 400, "ValidationException");
    await expectServiceError(lambda().send(new CreateFunctionCommand({ ...base, FunctionName: "old", Runtime: "nodejs0.x" as "nodejs20.x" })), 400, "ValidationException");
    await expectServiceError(lambda().send(new CreateFunctionCommand({ ...base, FunctionName: "env", Environment: { Variables: { AWS_REGION: "x" } } })), 400, "InvalidParameterValueException");
    await expectServiceError(lambda().send(new GetFunctionCommand({ FunctionName: "missing" })), 404, "ResourceNotFoundException");
    const names = (await lambda().send(new ListFunctionsCommand({}))).Functions?.map((f) => f.FunctionName);
    assert.deepEqual(names, ["hello"]);
  });

  it("serves the code at GetFunction's Code.Location", async () => {
    const out = await lambda().send(new GetFunctionCommand({ FunctionName: "hello" }));
    assert.equal(out.Code?.RepositoryType, "S3");
    const res = await fetch(out.Code?.Location ?? "");
    assert.equal(res.status, 200);
    assert.equal(sha256(new Uint8Array(await res.arrayBuffer())), out.Configuration?.CodeSha256);
  });

  it("publishes immutable versions, and nothing new when nothing changed", async () => {
    const v1 = await lambda().send(new PublishVersionCommand({ FunctionName: "hello" }));
    assert.equal(v1.Version, "1");
    assert.equal(v1.FunctionArn, `arn:aws:lambda:us-east-1:${ACCOUNT}:function:hello:1`);
    assert.equal((await lambda().send(new PublishVersionCommand({ FunctionName: "hello" }))).Version, "1");
    const newZip = handlerZip("exports.handler = async () => ({ statusCode: 201 });");
    const v2 = await lambda().send(new UpdateFunctionCodeCommand({ FunctionName: "hello", ZipFile: newZip, Publish: true }));
    assert.equal(v2.Version, "2");
    assert.equal(v2.CodeSha256, sha256(newZip));
    const old = await lambda().send(new GetFunctionConfigurationCommand({ FunctionName: "hello", Qualifier: "1" }));
    assert.equal(old.CodeSha256, v1.CodeSha256);
    assert.equal(old.FunctionArn, `arn:aws:lambda:us-east-1:${ACCOUNT}:function:hello:1`);
    const versions = (await lambda().send(new ListVersionsByFunctionCommand({ FunctionName: "hello" }))).Versions?.map((v) => v.Version);
    assert.deepEqual(versions, ["$LATEST", "1", "2"]);
    await expectServiceError(lambda().send(new PublishVersionCommand({ FunctionName: "hello", CodeSha256: v1.CodeSha256 })), 400, "InvalidParameterValueException");
    await expectServiceError(lambda().send(new UpdateFunctionCodeCommand({ FunctionName: "hello:1", ZipFile: newZip })), 400, "InvalidParameterValueException");
  });

  it("changes the RevisionId on every change and refuses a stale one", async () => {
    const before = await lambda().send(new GetFunctionConfigurationCommand({ FunctionName: "hello" }));
    const after = await lambda().send(new UpdateFunctionConfigurationCommand({ FunctionName: "hello", MemorySize: 256, Environment: { Variables: { STAGE: "1" } }, RevisionId: before.RevisionId }));
    assert.equal(after.MemorySize, 256);
    assert.deepEqual(after.Environment, { Variables: { STAGE: "1" } });
    assert.notEqual(after.RevisionId, before.RevisionId);
    await expectServiceError(lambda().send(new UpdateFunctionConfigurationCommand({ FunctionName: "hello", Timeout: 10, RevisionId: before.RevisionId })), 412, "PreconditionFailedException");
    assert.equal((await lambda().send(new GetFunctionConfigurationCommand({ FunctionName: "hello" }))).Timeout, 3);
  });

  it("manages aliases", async () => {
    const arn = `arn:aws:lambda:us-east-1:${ACCOUNT}:function:hello`;
    const live = await lambda().send(new CreateAliasCommand({ FunctionName: arn, Name: "live", FunctionVersion: "1" }));
    assert.equal(live.AliasArn, `${arn}:live`);
    await expectServiceError(lambda().send(new CreateAliasCommand({ FunctionName: "hello", Name: "live", FunctionVersion: "1" })), 409, "ResourceConflictException");
    await expectServiceError(lambda().send(new CreateAliasCommand({ FunctionName: "hello", Name: "next", FunctionVersion: "9" })), 404, "ResourceNotFoundException");
    const moved = await lambda().send(new UpdateAliasCommand({ FunctionName: "hello", Name: "live", FunctionVersion: "2", RevisionId: live.RevisionId }));
    assert.equal(moved.FunctionVersion, "2");
    await expectServiceError(lambda().send(new UpdateAliasCommand({ FunctionName: "hello", Name: "live", FunctionVersion: "1", RevisionId: live.RevisionId })), 412, "PreconditionFailedException");
    assert.equal((await lambda().send(new GetAliasCommand({ FunctionName: "hello", Name: "live" }))).FunctionVersion, "2");
    assert.equal((await lambda().send(new GetFunctionConfigurationCommand({ FunctionName: "hello:live" }))).Version, "2");
    assert.deepEqual((await lambda().send(new ListAliasesCommand({ FunctionName: "hello" }))).Aliases?.map((a) => a.Name), ["live"]);
    // A version an alias points at cannot be deleted.
    await expectServiceError(lambda().send(new DeleteFunctionCommand({ FunctionName: "hello", Qualifier: "2" })), 409, "ResourceConflictException");
    await lambda().send(new DeleteAliasCommand({ FunctionName: "hello", Name: "live" }));
    await expectServiceError(lambda().send(new GetAliasCommand({ FunctionName: "hello", Name: "live" })), 404, "ResourceNotFoundException");
  });

  it("keeps a resource-based policy", async () => {
    await expectServiceError(lambda().send(new GetPolicyCommand({ FunctionName: "hello" })), 404, "ResourceNotFoundException");
    const added = await lambda().send(
      new AddPermissionCommand({ FunctionName: "hello", StatementId: "cf", Action: "lambda:GetFunction", Principal: "edgelambda.amazonaws.com", SourceArn: "arn:aws:cloudfront::123456789012:distribution/E1" }),
    );
    assert.deepEqual(JSON.parse(added.Statement ?? ""), {
      Sid: "cf",
      Effect: "Allow",
      Principal: { Service: "edgelambda.amazonaws.com" },
      Action: "lambda:GetFunction",
      Resource: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:hello`,
      Condition: { ArnLike: { "AWS:SourceArn": "arn:aws:cloudfront::123456789012:distribution/E1" } },
    });
    await expectServiceError(lambda().send(new AddPermissionCommand({ FunctionName: "hello", StatementId: "cf", Action: "lambda:InvokeFunction", Principal: "s3.amazonaws.com" })), 409, "ResourceConflictException");
    const policy = await lambda().send(new GetPolicyCommand({ FunctionName: "hello" }));
    assert.equal((JSON.parse(policy.Policy ?? "") as { Statement: unknown[] }).Statement.length, 1);
    assert.equal(policy.RevisionId, (await lambda().send(new GetFunctionConfigurationCommand({ FunctionName: "hello" }))).RevisionId);
    await lambda().send(new RemovePermissionCommand({ FunctionName: "hello", StatementId: "cf" }));
    await expectServiceError(lambda().send(new RemovePermissionCommand({ FunctionName: "hello", StatementId: "cf" })), 404, "ResourceNotFoundException");
  });

  it("tags the function, not its versions", async () => {
    const arn = `arn:aws:lambda:us-east-1:${ACCOUNT}:function:hello`;
    await lambda().send(new TagResourceCommand({ Resource: arn, Tags: { team: "edge", env: "dev" } }));
    await lambda().send(new UntagResourceCommand({ Resource: arn, TagKeys: ["env"] }));
    assert.deepEqual((await lambda().send(new ListTagsCommand({ Resource: arn }))).Tags, { team: "edge" });
    assert.deepEqual((await lambda().send(new GetFunctionCommand({ FunctionName: "hello" }))).Tags, { team: "edge" });
    await expectServiceError(lambda().send(new TagResourceCommand({ Resource: `${arn}:1`, Tags: { a: "b" } })), 400, "InvalidParameterValueException");
  });

  it("answers no code signing configuration", async () => {
    const out = await lambda().send(new GetFunctionCodeSigningConfigCommand({ FunctionName: "hello" }));
    assert.equal(out.FunctionName, "hello");
    assert.equal(out.CodeSigningConfigArn ?? "", "");
  });

  it("creates a function from a zip in the embedded S3", async () => {
    const s3 = new S3Client({ endpoint: t.emu.s3Url, region: "us-east-1", credentials: CREDENTIALS, forcePathStyle: true, maxAttempts: 1 });
    const zip = handlerZip("exports.handler = async () => 's3';");
    await s3.send(new CreateBucketCommand({ Bucket: "code" }));
    await s3.send(new PutObjectCommand({ Bucket: "code", Key: "fn.zip", Body: zip }));
    const fn = await lambda().send(new CreateFunctionCommand({ FunctionName: "from-s3", Role: roleArn, Runtime: "python3.12", Handler: "app.handler", Code: { S3Bucket: "code", S3Key: "fn.zip" }, Publish: true }));
    assert.equal(fn.CodeSha256, sha256(zip));
    assert.equal(fn.Version, "1");
    await expectServiceError(
      lambda().send(new UpdateFunctionCodeCommand({ FunctionName: "from-s3", S3Bucket: "code", S3Key: "missing.zip" })),
      400,
      "InvalidParameterValueException",
    );
  });

  it("lists every version with FunctionVersion=ALL", async () => {
    const all = await lambda().send(new ListFunctionsCommand({ FunctionVersion: "ALL" }));
    assert.deepEqual(
      all.Functions?.map((f) => `${f.FunctionName}:${f.Version}`),
      ["from-s3:$LATEST", "from-s3:1", "hello:$LATEST", "hello:1", "hello:2"],
    );
    const paged = await lambda().send(new ListFunctionsCommand({ MaxItems: 1 }));
    assert.equal(paged.Functions?.length, 1);
    const rest = await lambda().send(new ListFunctionsCommand({ Marker: paged.NextMarker }));
    assert.deepEqual(rest.Functions?.map((f) => f.FunctionName), ["hello"]);
  });

  it("deletes one version, then the function", async () => {
    await lambda().send(new DeleteFunctionCommand({ FunctionName: "hello", Qualifier: "1" }));
    await expectServiceError(lambda().send(new GetFunctionCommand({ FunctionName: "hello", Qualifier: "1" })), 404, "ResourceNotFoundException");
    await expectServiceError(lambda().send(new DeleteFunctionCommand({ FunctionName: "hello", Qualifier: "$LATEST" })), 400, "InvalidParameterValueException");
    const location = (await lambda().send(new GetFunctionCommand({ FunctionName: "hello", Qualifier: "2" }))).Code?.Location ?? "";
    await lambda().send(new DeleteFunctionCommand({ FunctionName: "hello" }));
    await expectServiceError(lambda().send(new GetFunctionCommand({ FunctionName: "hello" })), 404, "ResourceNotFoundException");
    // The code of a deleted function is gone from disk too.
    assert.equal((await fetch(location)).status, 404);
  });
});
