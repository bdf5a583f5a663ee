// `--lambda-endpoint` (issue 14): Lambda@Edge functions that live in another emulator's Lambda run
// through its Invoke API. The other emulator here is a second minifront, which serves the real
// Lambda API (deployed with @aws-sdk/client-lambda); instance A has a distribution associating a
// version that exists only on B, and curl through A shows the handler's effect.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { CreateDistributionCommand, type EventType } from "@aws-sdk/client-cloudfront";
import { CreateFunctionCommand, PublishVersionCommand, UpdateFunctionConfigurationCommand } from "@aws-sdk/client-lambda";
import { CreateRoleCommand } from "@aws-sdk/client-iam";
import { startEmulator, type Emulator } from "../../src/index.ts";
import { createLogger } from "../../src/log.ts";
import { cloudFrontClient, expectServiceError } from "../helpers/emulator.ts";
import { LAMBDA_TRUST, handlerZip, iamClient, lambdaClient } from "../helpers/lambda.ts";
import { TestOrigin, header, sendToEdge } from "../helpers/test-origin.ts";
import { hasCurl } from "../helpers/curl.ts";

const ACCOUNT_A = "123456789012";
const ACCOUNT_B = "111122223333";
const CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad";

const HANDLER = `
exports.handler = async (event, context) => {
  const cf = event.Records[0].cf;
  console.log("remote handler ran for " + cf.request.uri);
  if (cf.config.eventType === "viewer-request") {
    cf.request.headers["x-remote"] = [{ key: "X-Remote", value: context.invokedFunctionArn }];
    return cf.request;
  }
  cf.response.headers["x-remote-response"] = [{ key: "X-Remote-Response", value: cf.config.distributionId }];
  return cf.response;
};`;

describe("--lambda-endpoint: Lambda@Edge functions of another emulator", () => {
  let b: Emulator | undefined;
  let a: Emulator | undefined;
  const lines: string[] = [];
  const origin = new TestOrigin();
  let refs = 0;
  const arns: Record<string, string> = {};

  before(async () => {
    b = await startEmulator({ port: 0, ephemeral: true, logLevel: "warn", accountId: ACCOUNT_B });
    a = await startEmulator({ port: 0, ephemeral: true, accountId: ACCOUNT_A, lambdaEndpoint: b.controlUrl, logger: createLogger("info", (l) => lines.push(l)) });
    await origin.start();
  });
  after(async () => {
    await Promise.all([a?.dispose(), b?.dispose(), origin.close()]);
  });
  const emuA = () => a as Emulator;
  const emuB = () => b as Emulator;

  /** Deploys a function on B and publishes version 1; its qualified ARN. */
  async function deployOnB(name: string, code: string, timeout?: number): Promise<string> {
    const iam = iamClient(emuB().controlUrl);
    const role = (await iam.send(new CreateRoleCommand({ RoleName: `${name}-role`, AssumeRolePolicyDocument: LAMBDA_TRUST }))).Role?.Arn as string;
    iam.destroy();
    const lambda = lambdaClient(emuB().controlUrl);
    await lambda.send(new CreateFunctionCommand({ FunctionName: name, Role: role, Runtime: "nodejs20.x", Handler: "index.handler", Code: { ZipFile: handlerZip(code) }, ...(timeout ? { Timeout: timeout } : {}) }));
    const out = await lambda.send(new PublishVersionCommand({ FunctionName: name }));
    lambda.destroy();
    return out.FunctionArn as string;
  }

  /** A distribution on A with these associations on its default behavior. */
  async function distributionOnA(events: Partial<Record<EventType, string>>) {
    const cf = cloudFrontClient(emuA().controlUrl);
    const items = Object.entries(events).map(([EventType, LambdaFunctionARN]) => ({ EventType: EventType as EventType, LambdaFunctionARN }));
    const create = cf.send(
      new CreateDistributionCommand({
        DistributionConfig: {
          CallerReference: `remote-${++refs}`,
          Comment: "",
          Enabled: true,
          Origins: { Quantity: 1, Items: [{ Id: "a", DomainName: "127.0.0.1", CustomOriginConfig: { HTTPPort: origin.port, HTTPSPort: 443, OriginProtocolPolicy: "http-only" } }] },
          DefaultCacheBehavior: { TargetOriginId: "a", ViewerProtocolPolicy: "allow-all", CachePolicyId: CACHING_DISABLED, LambdaFunctionAssociations: { Quantity: items.length, Items: items } },
        },
      }),
    );
    try {
      const domain = (await create).Distribution?.DomainName as string;
      return { domain, host: `${domain}:${emuA().port}` };
    } finally {
      cf.destroy();
    }
  }

  it("runs a version deployed on the other emulator at viewer-request and viewer-response (curl)", async (ctx) => {
    arns["remote"] = await deployOnB("remote-edge", HANDLER);
    assert.equal(arns["remote"], `arn:aws:lambda:us-east-1:${ACCOUNT_B}:function:remote-edge:1`);
    const arn = arns["remote"];
    const dist = await distributionOnA({ "viewer-request": arn, "viewer-response": arn });
    origin.on("/page", { body: "from the origin" });
    if (!hasCurl()) return ctx.skip("curl is not installed");
    const out = (await promisify(execFile)("curl", ["-s", "-i", "--resolve", `${dist.domain}:${emuA().port}:127.0.0.1`, `http://${dist.host}/page`], { encoding: "utf8" })).stdout;
    assert.match(out, /^HTTP\/1\.1 200/);
    assert.match(out, /from the origin$/);
    assert.match(out, /^x-remote-response: E[A-Z0-9]+\r$/im);
    assert.equal(origin.last("/page").headers["x-remote"], arn);
    // The invocation's log (LogType Tail) shows in A's log.
    assert.ok(lines.some((l) => l.includes("remote handler ran for /page") && l.includes("remote-edge:1")), lines.join("\n"));
  });

  it("answers LambdaExecutionError 500 when the remote function throws, as for a local one", async () => {
    const arn = await deployOnB("remote-throws", `exports.handler = async () => { throw new Error("boom"); };`);
    const dist = await distributionOnA({ "viewer-request": arn });
    const res = await sendToEdge(emuA().port, dist.host, "/thrown");
    assert.equal(res.status, 500);
    assert.equal(header(res, "x-cache"), "LambdaExecutionError from cloudfront");
    assert.equal(origin.hits("/thrown"), 0);
  });

  it("answers LambdaLimitExceeded 503 when the remote function times out there", async () => {
    const arn = await deployOnB("remote-slow", `exports.handler = () => new Promise(() => {});`, 1);
    const dist = await distributionOnA({ "viewer-request": arn });
    const res = await sendToEdge(emuA().port, dist.host, "/slow");
    assert.equal(res.status, 503);
    assert.equal(header(res, "x-cache"), "LambdaLimitExceeded from cloudfront");
  });

  it("answers LambdaExecutionError 500 when the other emulator cannot be reached, and the distribution's other behaviors serve on", async () => {
    // Port 1 on the loopback: nothing listens there, the connection is refused.
    const c = await startEmulator({ port: 0, ephemeral: true, logLevel: "silent", accountId: ACCOUNT_A, lambdaEndpoint: "http://127.0.0.1:1" });
    try {
      const cf = cloudFrontClient(c.controlUrl);
      const out = await cf.send(
        new CreateDistributionCommand({
          DistributionConfig: {
            CallerReference: "unreachable",
            Comment: "",
            Enabled: true,
            Origins: { Quantity: 1, Items: [{ Id: "a", DomainName: "127.0.0.1", CustomOriginConfig: { HTTPPort: origin.port, HTTPSPort: 443, OriginProtocolPolicy: "http-only" } }] },
            DefaultCacheBehavior: { TargetOriginId: "a", ViewerProtocolPolicy: "allow-all", CachePolicyId: CACHING_DISABLED },
            CacheBehaviors: {
              Quantity: 1,
              Items: [{ PathPattern: "/fn/*", TargetOriginId: "a", ViewerProtocolPolicy: "allow-all", CachePolicyId: CACHING_DISABLED, LambdaFunctionAssociations: { Quantity: 1, Items: [{ EventType: "viewer-request", LambdaFunctionARN: arns["remote"] as string }] } }],
            },
          },
        }),
      );
      cf.destroy();
      const host = `${out.Distribution?.DomainName}:${c.port}`;
      const res = await sendToEdge(c.port, host, "/fn/x");
      assert.equal(res.status, 500);
      assert.equal(header(res, "x-cache"), "LambdaExecutionError from cloudfront");
      assert.equal((await sendToEdge(c.port, host, "/plain")).status, 200);
    } finally {
      await c.dispose();
    }
  });

  it("accepts an association the other emulator cannot serve, warns, and answers LambdaValidationError 502", async () => {
    const arn = `arn:aws:lambda:us-east-1:${ACCOUNT_B}:function:remote-edge:9`;
    const dist = await distributionOnA({ "viewer-request": arn });
    const res = await sendToEdge(emuA().port, dist.host, "/nine");
    assert.equal(res.status, 502);
    assert.equal(header(res, "x-cache"), "LambdaValidationError from cloudfront");
    // The background look-up's warning: CloudFront would have refused the association.
    const deadline = Date.now() + 10_000;
    while (!lines.some((l) => l.includes(arn) && l.includes("does not exist")) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.ok(lines.some((l) => l.includes("warn") && l.includes(arn) && l.includes("does not exist")), lines.join("\n"));
  });

  it("warns that CloudFront would refuse a remote version with environment variables", async () => {
    const name = "remote-env";
    await deployOnB(name, HANDLER);
    const lambda = lambdaClient(emuB().controlUrl);
    await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: name, Environment: { Variables: { STAGE: "dev" } } }));
    const arn = (await lambda.send(new PublishVersionCommand({ FunctionName: name }))).FunctionArn as string;
    lambda.destroy();
    await distributionOnA({ "viewer-request": arn });
    const deadline = Date.now() + 10_000;
    while (!lines.some((l) => l.includes(arn) && l.includes("environment variables")) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.ok(lines.some((l) => l.includes(arn) && l.includes("environment variables")), lines.join("\n"));
  });

  it("still checks the ARN's form: $LATEST is refused", async () => {
    await expectServiceError(distributionOnA({ "viewer-request": `arn:aws:lambda:us-east-1:${ACCOUNT_B}:function:remote-edge:$LATEST` }), 400, "InvalidLambdaFunctionAssociation");
  });

  it("runs minifront's own version of a function before asking the other emulator", async () => {
    const iam = iamClient(emuA().controlUrl);
    const role = (await iam.send(new CreateRoleCommand({ RoleName: "local-role", AssumeRolePolicyDocument: LAMBDA_TRUST }))).Role?.Arn as string;
    iam.destroy();
    const lambda = lambdaClient(emuA().controlUrl);
    const local = `exports.handler = async (event) => { const r = event.Records[0].cf.request; r.headers["x-local"] = [{ key: "X-Local", value: "yes" }]; return r; };`;
    await lambda.send(new CreateFunctionCommand({ FunctionName: "local-edge", Role: role, Runtime: "nodejs20.x", Handler: "index.handler", Code: { ZipFile: handlerZip(local) } }));
    const arn = (await lambda.send(new PublishVersionCommand({ FunctionName: "local-edge" }))).FunctionArn as string;
    lambda.destroy();
    const dist = await distributionOnA({ "viewer-request": arn });
    const res = await sendToEdge(emuA().port, dist.host, "/local");
    assert.equal(res.status, 200, header(res, "x-cache"));
    assert.equal(origin.last("/local").headers["x-local"], "yes");
  });
});
