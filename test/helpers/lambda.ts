// Clients and fixtures for the Lambda, IAM and STS tests (issue 14): SDK clients pointed at
// minifront, a Lambda-trusted role document and a zip with one handler file.
import { zipSync, strToU8 } from "fflate";
import { LambdaClient } from "@aws-sdk/client-lambda";
import { IAMClient } from "@aws-sdk/client-iam";
import { STSClient } from "@aws-sdk/client-sts";
import { CREDENTIALS } from "./emulator.ts";

/** A trust policy that lets Lambda and Lambda@Edge assume the role. */
export const LAMBDA_TRUST = JSON.stringify({
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Principal: { Service: ["lambda.amazonaws.com", "edgelambda.amazonaws.com"] }, Action: "sts:AssumeRole" }],
});

export function lambdaClient(endpoint: string, region = "us-east-1"): LambdaClient {
  return new LambdaClient({ endpoint, region, credentials: CREDENTIALS, maxAttempts: 1 });
}

export function iamClient(endpoint: string): IAMClient {
  return new IAMClient({ endpoint, region: "us-east-1", credentials: CREDENTIALS, maxAttempts: 1 });
}

export function stsClient(endpoint: string): STSClient {
  return new STSClient({ endpoint, region: "us-east-1", credentials: CREDENTIALS, maxAttempts: 1 });
}

/** A zip with one file, `index.js` by default; a fixed time, so the same code gives the same bytes (and CodeSha256). */
export function handlerZip(body = "exports.handler = async () => ({ statusCode: 200 });", file = "index.js"): Uint8Array {
  return zipSync({ [file]: strToU8(body) }, { mtime: new Date(Date.UTC(2026, 0, 1)) });
}
