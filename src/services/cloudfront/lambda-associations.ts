// Lambda@Edge's rules for a LambdaFunctionAssociation, checked at CreateDistribution and
// UpdateDistribution (CloudFront Developer Guide, "Restrictions on Lambda@Edge" and "Quotas on
// Lambda@Edge"): a numbered version (not $LATEST or an alias) of a function in us-east-1 that
// exists, whose execution role lets both lambda.amazonaws.com and edgelambda.amazonaws.com assume
// it, with no environment variables and no layers; viewer events within 128 MB and 5 seconds.
// Messages: the first two and the role's are CloudFront's observed wording (user reports of
// InvalidLambdaFunctionAssociation); the others are worded after them (unverified).
// Not checked: the runtime's deprecation, VPC settings, provisioned concurrency, code size.
import type { CacheBehavior, DefaultCacheBehavior } from "@aws-sdk/client-cloudfront";
import { fail } from "../../api/errors.ts";

/** What CloudFront learns about an associated function version (from the Lambda service). */
export interface EdgeLambdaFacts {
  readonly roleArn: string;
  /** The role trusts both lambda.amazonaws.com and edgelambda.amazonaws.com. */
  readonly roleTrustedByEdge: boolean;
  readonly hasEnvironment: boolean;
  readonly hasLayers: boolean;
  readonly memorySize: number;
  /** Seconds. */
  readonly timeout: number;
}

/** The facts for a qualified function ARN; undefined when the function or version does not exist. */
export type EdgeLambdaLookup = (arn: string) => EdgeLambdaFacts | undefined;

/** "Quotas on Lambda@Edge": viewer-request and viewer-response functions get 128 MB and 5 seconds. */
const VIEWER_MAX_MEMORY_MB = 128;
const VIEWER_MAX_TIMEOUT_S = 5;

const LAMBDA_ARN = /^arn:aws:lambda:([a-z0-9-]+):(\d{12}):function:([A-Za-z0-9_-]+)(?::([^:]+))?$/;

/** Throws InvalidLambdaFunctionAssociation for the first association that breaks a rule. */
export function validateLambdaAssociations(b: DefaultCacheBehavior | CacheBehavior, lookup: EdgeLambdaLookup | undefined): void {
  for (const { LambdaFunctionARN: arn = "", EventType: event = "" } of b.LambdaFunctionAssociations?.Items ?? []) {
    const m = LAMBDA_ARN.exec(arn);
    if (!m || m[4] === undefined || !/^\d+$/.test(m[4])) {
      fail("InvalidLambdaFunctionAssociation", `The function ARN must reference a specific function version. (The ARN must end with the version number.) ARN: ${arn}`);
    }
    if (m[1] !== "us-east-1") fail("InvalidLambdaFunctionAssociation", `The function must be in region 'us-east-1'. ARN: ${arn}`);
    if (!lookup) continue;
    const facts = lookup(arn);
    if (!facts) {
      fail("InvalidLambdaFunctionAssociation", `Lambda@Edge cannot retrieve the specified Lambda function. Update the IAM policy to add permission: lambda:GetFunction for resource: ${arn} and try again.`);
    }
    if (!facts.roleTrustedByEdge) {
      fail("InvalidLambdaFunctionAssociation", `The function execution role must be assumable with edgelambda.amazonaws.com as well as lambda.amazonaws.com principals. Update the IAM role and try again. Role: ${facts.roleArn}`);
    }
    if (facts.hasEnvironment) fail("InvalidLambdaFunctionAssociation", `The function cannot have environment variables. Function: ${arn}`);
    if (facts.hasLayers) fail("InvalidLambdaFunctionAssociation", `The function cannot have layers. Function: ${arn}`);
    if (event.startsWith("viewer-")) {
      if (facts.memorySize > VIEWER_MAX_MEMORY_MB) {
        fail("InvalidLambdaFunctionAssociation", `The function memory size must be at most ${VIEWER_MAX_MEMORY_MB} MB for viewer events. Function: ${arn}`);
      }
      if (facts.timeout > VIEWER_MAX_TIMEOUT_S) {
        fail("InvalidLambdaFunctionAssociation", `The function timeout must be at most ${VIEWER_MAX_TIMEOUT_S} seconds for viewer events. Function: ${arn}`);
      }
    }
  }
}
