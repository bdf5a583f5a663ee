// Which distribution serves a request to a primary under continuous deployment: the primary
// itself, or the staging distribution its policy names when stages/continuous-deployment.ts says
// so. Reads the policy and the staging record from the CloudFront state, as the server resolves
// the primary by Host. A policy whose staging distribution is gone (or no longer Staging) routes
// nothing.
import type { IncomingHttpHeaders } from "node:http";
import type { CloudFrontState, DistributionRecord } from "../services/cloudfront/state.ts";
import { routeRequest } from "./stages/continuous-deployment.ts";

export interface StagingRoute {
  readonly rec: DistributionRecord;
  readonly setCookie?: string;
}

/** The record that serves this request to `primary` (whose config names a policy). */
export function routeToStaging(primary: DistributionRecord, state: CloudFrontState, headers: IncomingHttpHeaders, nowMs: number): StagingRoute {
  const policy = state.continuousDeploymentPolicies.get(primary.config.ContinuousDeploymentPolicyId);
  if (!policy) return { rec: primary };
  const routing = routeRequest(policy, headers, nowMs, Math.random());
  const name = policy.config.StagingDistributionDnsNames?.Items?.[0];
  const staging = routing.toStaging && name !== undefined ? state.distributionForHost(name) : undefined;
  return { rec: staging?.config.Staging ? staging : primary, setCookie: routing.setCookie };
}
