// Lambda@Edge end to end (issue 14): a Node and a Python function deployed with
// @aws-sdk/client-lambda (execution role from @aws-sdk/client-iam), published, associated with a
// distribution through @aws-sdk/client-cloudfront, and observed through real HTTP requests and
// curl. What each event may do and when it runs: docs/functions.md §7 and the CloudFront Developer
// Guide ("Lambda@Edge event structure", "Restrictions on Lambda@Edge", "Quotas on Lambda@Edge").
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { CreateDistributionCommand, type AllowedMethods, type CacheBehavior, type CloudFrontClient, type DefaultCacheBehavior, type EventType, type LambdaFunctionAssociation } from "@aws-sdk/client-cloudfront";
import { CreateFunctionCommand, PublishVersionCommand } from "@aws-sdk/client-lambda";
import { CreateRoleCommand } from "@aws-sdk/client-iam";
import { expectServiceError, useEmulator } from "../helpers/emulator.ts";
import { LAMBDA_TRUST, handlerZip, iamClient, lambdaClient } from "../helpers/lambda.ts";
import { TestOrigin, header, sendToEdge, type ViewerRequest } from "../helpers/test-origin.ts";
import { hasCurl } from "../helpers/curl.ts";

const ACCOUNT = "123456789012";
const list = <T>(items: readonly T[]) => ({ Quantity: items.length, Items: [...items] });
const CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6";
const CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad";
const ALL_METHODS: AllowedMethods = { Quantity: 7, Items: ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"], CachedMethods: { Quantity: 2, Items: ["GET", "HEAD"] } };

/** One Node handler for all four events, told apart by config.eventType; `otherPort` is the origin it can switch to. */
const nodeHandler = (otherPort: number) => `
let originResponses = 0, viewerResponses = 0, generated = 0;
exports.handler = async (event, context) => {
  const cf = event.Records[0].cf;
  switch (cf.config.eventType) {
    case "viewer-request": {
      const r = cf.request;
      if (r.uri === "/redirect") return { status: "302", statusDescription: "Found", headers: { location: [{ key: "Location", value: "https://example.com/" }] } };
      if (r.uri === "/old") r.uri = "/new";
      r.headers["x-viewer-request"] = [{ key: "X-Viewer-Request", value: context.functionName + ":" + context.functionVersion }];
      if (r.body && r.body.data) r.headers["x-body-seen"] = [{ key: "X-Body-Seen", value: Buffer.from(r.body.data, "base64").toString() }];
      return r;
    }
    case "origin-request": {
      const r = cf.request;
      if (r.uri === "/generated") return { status: "200", headers: { "cache-control": [{ key: "Cache-Control", value: "max-age=60" }], "content-type": [{ key: "Content-Type", value: "text/plain" }] }, body: "generated at origin-request " + ++generated };
      if (r.uri.startsWith("/switch")) r.origin = { custom: { ...r.origin.custom, domainName: "127.0.0.1", port: ${otherPort} } };
      r.headers["x-origin-kind"] = [{ key: "X-Origin-Kind", value: Object.keys(r.origin)[0] }];
      return r;
    }
    case "origin-response": {
      cf.response.headers["x-origin-response"] = [{ key: "X-Origin-Response", value: String(++originResponses) }];
      return cf.response;
    }
    case "viewer-response": {
      cf.response.headers["x-viewer-response"] = [{ key: "X-Viewer-Response", value: String(++viewerResponses) }];
      return cf.response;
    }
  }
};`;

const PYTHON_HANDLER = `
def handler(event, context):
    request = event["Records"][0]["cf"]["request"]
    request["headers"]["x-python"] = [{"key": "X-Python", "value": context.function_name}]
    request["uri"] = request["uri"].replace("/py/", "/from-python/", 1)
    return request
`;

describe("Lambda@Edge at the edge", () => {
  const t = useEmulator({ accountId: ACCOUNT });
  const originA = new TestOrigin();
  const originB = new TestOrigin();
  let cf: CloudFrontClient | undefined;
  let role = "";
  let refs = 0;
  const arns: Record<string, string> = {};

  before(async () => {
    await Promise.all([originA.start(), originB.start()]);
    cf = t.cloudfront();
    role = (await iamClient(t.emu.controlUrl).send(new CreateRoleCommand({ RoleName: "edge-role", AssumeRolePolicyDocument: LAMBDA_TRUST }))).Role?.Arn ?? "";
  });
  after(async () => {
    cf?.destroy();
    await Promise.all([originA.close(), originB.close()]);
  });
  const cloudfront = () => cf as CloudFrontClient;

  /** Creates and publishes a function; its version 1 ARN. */
  async function deploy(name: string, code: string, settings: { runtime?: string; handler?: string; file?: string; timeout?: number; role?: string; environment?: Record<string, string> } = {}): Promise<string> {
    const lambda = lambdaClient(t.emu.controlUrl);
    await lambda.send(
      new CreateFunctionCommand({
        FunctionName: name,
        Role: settings.role ?? role,
        Runtime: (settings.runtime ?? "nodejs20.x") as "nodejs20.x",
        Handler: settings.handler ?? "index.handler",
        Code: { ZipFile: handlerZip(code, settings.file ?? "index.js") },
        ...(settings.timeout ? { Timeout: settings.timeout } : {}),
        ...(settings.environment ? { Environment: { Variables: settings.environment } } : {}),
      }),
    );
    const version = await lambda.send(new PublishVersionCommand({ FunctionName: name }));
    lambda.destroy();
    return version.FunctionArn as string;
  }

  const assoc = (events: Partial<Record<EventType, string>>, includeBody = false): { Quantity: number; Items: LambdaFunctionAssociation[] } =>
    list(Object.entries(events).map(([EventType, LambdaFunctionARN]) => ({ EventType: EventType as EventType, LambdaFunctionARN, IncludeBody: includeBody })));

  async function distribution(defaults: Partial<DefaultCacheBehavior>, behaviors: CacheBehavior[] = []) {
    const out = await cloudfront().send(
      new CreateDistributionCommand({
        DistributionConfig: {
          CallerReference: `lambda-edge-${++refs}`,
          Comment: "",
          Enabled: true,
          Origins: list([{ Id: "a", DomainName: "127.0.0.1", CustomOriginConfig: { HTTPPort: originA.port, HTTPSPort: 443, OriginProtocolPolicy: "http-only" } }]),
          DefaultCacheBehavior: { TargetOriginId: "a", ViewerProtocolPolicy: "allow-all", CachePolicyId: CACHING_OPTIMIZED, ...defaults },
          CacheBehaviors: list(behaviors),
        },
      }),
    );
    const domain = out.Distribution?.DomainName as string;
    const host = `${domain}:${t.emu.port}`;
    return { domain, host, get: (path: string, req?: ViewerRequest) => sendToEdge(t.emu.port, host, path, req) };
  }

  let main: Awaited<ReturnType<typeof distribution>>;

  it("deploys a Node and a Python function and associates all four events", async () => {
    arns["node"] = await deploy("edge-node", nodeHandler(originB.port));
    arns["python"] = await deploy("edge-python", PYTHON_HANDLER, { runtime: "python3.12", handler: "app.handler", file: "app.py" });
    assert.equal(arns["node"], `arn:aws:lambda:us-east-1:${ACCOUNT}:function:edge-node:1`);
    const node = arns["node"] as string;
    main = await distribution({ LambdaFunctionAssociations: assoc({ "viewer-request": node, "origin-request": node, "origin-response": node, "viewer-response": node }) }, [
      { PathPattern: "/py/*", TargetOriginId: "a", ViewerProtocolPolicy: "allow-all", CachePolicyId: CACHING_DISABLED, LambdaFunctionAssociations: assoc({ "viewer-request": arns["python"] as string }) },
      { PathPattern: "/form", TargetOriginId: "a", ViewerProtocolPolicy: "allow-all", CachePolicyId: CACHING_DISABLED, AllowedMethods: ALL_METHODS, LambdaFunctionAssociations: assoc({ "viewer-request": node }, true) },
    ]);
  });

  it("rewrites headers and the URI at viewer-request, and runs the four events on a miss (curl)", async (ctx) => {
    originA.on("/new", { body: "the new page" });
    if (!hasCurl()) return ctx.skip("curl is not installed");
    const out = (await promisify(execFile)("curl", ["-s", "-i", "--resolve", `${main.domain}:${t.emu.port}:127.0.0.1`, `http://${main.host}/old`], { encoding: "utf8" })).stdout;
    assert.match(out, /^HTTP\/1\.1 200/);
    assert.match(out, /the new page$/);
    assert.match(out, /^x-origin-response: 1\r$/im);
    assert.match(out, /^x-viewer-response: \d+\r$/im);
    assert.match(out, /^x-cache: Miss from cloudfront\r$/im);
    const seen = originA.last("/new");
    assert.equal(seen.headers["x-viewer-request"], "edge-node:1");
    assert.equal(seen.headers["x-origin-kind"], "custom");
  });

  it("runs only the viewer events on a hit: the origin-response change is the cached one", async () => {
    originA.on("/cached", { body: "cache me", headers: { "Cache-Control": "max-age=300" } });
    const first = await main.get("/cached");
    const second = await main.get("/cached");
    assert.equal(header(first, "x-cache"), "Miss from cloudfront");
    assert.equal(header(second, "x-cache"), "Hit from cloudfront");
    assert.equal(originA.hits("/cached"), 1);
    assert.ok(header(first, "x-origin-response") && header(first, "x-viewer-response"), "the miss ran origin-response and viewer-response");
    assert.equal(header(second, "x-origin-response"), header(first, "x-origin-response"));
    assert.equal(Number(header(second, "x-viewer-response")), Number(header(first, "x-viewer-response")) + 1, "viewer-response runs on hits too");
  });

  it("answers a viewer-request generated response itself, without the viewer-response event (curl)", async (ctx) => {
    if (!hasCurl()) return ctx.skip("curl is not installed");
    const out = (await promisify(execFile)("curl", ["-s", "-i", "--resolve", `${main.domain}:${t.emu.port}:127.0.0.1`, `http://${main.host}/redirect`], { encoding: "utf8" })).stdout;
    assert.match(out, /^HTTP\/1\.1 302/);
    assert.match(out, /^location: https:\/\/example\.com\/\r$/im);
    assert.match(out, /^x-cache: LambdaGeneratedResponse from cloudfront\r$/im);
    assert.doesNotMatch(out, /x-viewer-response/i);
    assert.equal(originA.hits("/redirect"), 0);
  });

  it("caches a response generated at origin-request", async () => {
    const first = await main.get("/generated");
    const second = await main.get("/generated");
    assert.equal(first.body, "generated at origin-request 1");
    assert.equal(header(first, "x-cache"), "LambdaGeneratedResponse from cloudfront");
    assert.equal(second.body, "generated at origin-request 1");
    assert.equal(header(second, "x-cache"), "Hit from cloudfront");
    assert.equal(originA.hits("/generated"), 0);
  });

  it("sends the request to the origin an origin-request function chose", async () => {
    const res = await main.get("/switch/page");
    assert.equal(res.status, 200);
    assert.equal(res.body, "origin /switch/page");
    assert.equal(originB.hits("/switch/page"), 1);
    assert.equal(originA.hits("/switch/page"), 0);
  });

  it("does not run viewer-response on an origin error, but runs origin-response", async () => {
    originA.on("/missing", { status: 404, body: "nope" });
    const res = await main.get("/missing");
    assert.equal(res.status, 404);
    assert.equal(header(res, "x-viewer-response"), undefined);
    assert.ok(header(res, "x-origin-response"));
  });

  it("runs a Python viewer-request function", async () => {
    const res = await main.get("/py/hello");
    assert.equal(res.status, 200);
    assert.equal(res.body, "origin /from-python/hello");
    assert.equal(originA.last("/from-python/hello").headers["x-python"], "edge-python");
  });

  it("shows the request body with IncludeBody and forwards it to the origin", async () => {
    const res = await main.get("/form", { method: "POST", body: "name=minifront", headers: { "content-type": "application/x-www-form-urlencoded" } });
    assert.equal(res.status, 200);
    const seen = originA.last("/form");
    assert.equal(seen.headers["x-body-seen"], "name=minifront");
    assert.equal(seen.body, "name=minifront");
  });

  it("answers a throwing function with 500 and a timed-out one with 503, and other distributions keep serving", async () => {
    const thrower = await deploy("edge-throws", `exports.handler = async () => { throw new Error("boom"); };`);
    const sleeper = await deploy("edge-sleeps", `exports.handler = () => new Promise(() => setInterval(() => {}, 1000));`, { timeout: 1 });
    const invalid = await deploy("edge-invalid", `exports.handler = async (event) => { const r = event.Records[0].cf.request; r.headers["x-cache"] = [{ key: "X-Cache", value: "forged" }]; return r; };`);
    const broken = await distribution({}, [
      { PathPattern: "/throw", TargetOriginId: "a", ViewerProtocolPolicy: "allow-all", CachePolicyId: CACHING_DISABLED, LambdaFunctionAssociations: assoc({ "viewer-request": thrower }) },
      { PathPattern: "/slow", TargetOriginId: "a", ViewerProtocolPolicy: "allow-all", CachePolicyId: CACHING_DISABLED, LambdaFunctionAssociations: assoc({ "viewer-request": sleeper }) },
      { PathPattern: "/invalid", TargetOriginId: "a", ViewerProtocolPolicy: "allow-all", CachePolicyId: CACHING_DISABLED, LambdaFunctionAssociations: assoc({ "origin-request": invalid }) },
    ]);
    const threw = await broken.get("/throw");
    assert.equal(threw.status, 500);
    assert.equal(header(threw, "x-cache"), "LambdaExecutionError from cloudfront");
    const slow = await broken.get("/slow");
    assert.equal(slow.status, 503);
    assert.equal(header(slow, "x-cache"), "LambdaLimitExceeded from cloudfront");
    const bad = await broken.get("/invalid");
    assert.equal(bad.status, 502);
    assert.equal(header(bad, "x-cache"), "LambdaValidationError from cloudfront");
    const fine = await main.get("/new");
    assert.equal(fine.status, 200);
    assert.equal(fine.body, "the new page");
  });

  describe("association rules at CreateDistribution", () => {
    const refused = async (arn: string, event: EventType = "viewer-request") => {
      const err = await expectServiceError(distribution({ LambdaFunctionAssociations: assoc({ [event]: arn }) }), 400, "InvalidLambdaFunctionAssociation");
      return err.message;
    };

    it("refuses $LATEST, an alias and another region", async () => {
      assert.match(await refused(`arn:aws:lambda:us-east-1:${ACCOUNT}:function:edge-node:$LATEST`), /must reference a specific function version/);
      assert.match(await refused(`arn:aws:lambda:us-east-1:${ACCOUNT}:function:edge-node`), /must reference a specific function version/);
      assert.match(await refused(`arn:aws:lambda:eu-west-1:${ACCOUNT}:function:edge-node:1`), /us-east-1/);
    });

    it("refuses a version that does not exist", async () => {
      assert.match(await refused(`arn:aws:lambda:us-east-1:${ACCOUNT}:function:edge-node:99`), /cannot retrieve the specified Lambda function/);
    });

    it("refuses a role not trusted by edgelambda.amazonaws.com, environment variables, and a viewer timeout over 5 s", async () => {
      const lambdaOnly = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] });
      const plainRole = (await iamClient(t.emu.controlUrl).send(new CreateRoleCommand({ RoleName: "plain-lambda-role", AssumeRolePolicyDocument: lambdaOnly }))).Role?.Arn as string;
      assert.match(await refused(await deploy("edge-untrusted", "exports.handler = async (e) => e.Records[0].cf.request;", { role: plainRole })), /edgelambda\.amazonaws\.com/);
      assert.match(await refused(await deploy("edge-env", "exports.handler = async (e) => e.Records[0].cf.request;", { environment: { STAGE: "dev" } })), /environment variables/);
      const slow = await deploy("edge-slow-config", "exports.handler = async (e) => e.Records[0].cf.request;", { timeout: 10 });
      assert.match(await refused(slow), /5 seconds/);
      await distribution({ LambdaFunctionAssociations: assoc({ "origin-request": slow }) }); // origin events allow 30 s
    });
  });
});
