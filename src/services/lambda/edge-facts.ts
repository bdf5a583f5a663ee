// What CloudFront checks about a function version it associates with a cache behavior
// (services/cloudfront/lambda-associations.ts): the version's role, environment, layers, memory
// and timeout, and whether its role trusts Lambda@Edge. Local functions (--edge-lambda) pass.
import type { IamState } from "../iam/state.ts";
import type { EdgeLambdaFacts } from "../cloudfront/lambda-associations.ts";
import { trustsService } from "./handlers/common.ts";
import { parseFunctionName } from "./names.ts";
import type { LambdaState } from "./state.ts";

/** The facts CloudFront checks (services/cloudfront/lambda-associations.ts). */
export type EdgeFacts = EdgeLambdaFacts;

/** The facts for a numbered version's ARN; undefined when the function or version does not exist. */
export function edgeFacts(state: LambdaState, iam: IamState, arn: string): EdgeFacts | undefined {
  let ref;
  try {
    ref = parseFunctionName(arn);
  } catch {
    return undefined;
  }
  const fn = ref.account === undefined || ref.account === state.accountId ? state.get(ref.name) : undefined;
  const version = fn?.versions.find((v) => v.Version === ref.qualifier);
  if (!version) return undefined;
  const s = version.settings;
  const trust = iam.roleByArn(s.Role)?.AssumeRolePolicyDocument ?? "";
  return {
    roleArn: s.Role,
    roleTrustedByEdge: trustsService(trust, "lambda.amazonaws.com") && trustsService(trust, "edgelambda.amazonaws.com"),
    hasEnvironment: Object.keys(s.Environment ?? {}).length > 0,
    hasLayers: s.Layers.length > 0,
    memorySize: s.MemorySize,
    timeout: s.Timeout,
  };
}
