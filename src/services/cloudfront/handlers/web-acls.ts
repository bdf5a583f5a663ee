// AWS WAF web ACL association: AssociateDistributionWebACL, DisassociateDistributionWebACL
// (CloudFront API reference). The ARN is recorded as the distribution's WebACLId, a new ETag is
// issued and the distribution redeploys, through UpdateDistribution's own path (replaceConfig).
// Not emulated: there is no WAF here, so the ARN is not checked against existing web ACLs
// (EntityNotFound never happens) and nothing is enforced at the edge (README "Behaviour notes").
import type {
  AssociateDistributionWebACLRequest,
  AssociateDistributionWebACLResult,
  DisassociateDistributionWebACLRequest,
  DisassociateDistributionWebACLResult,
} from "@aws-sdk/client-cloudfront";
import { fail } from "../../../api/errors.ts";
import type { RequestContext } from "../../../api/service.ts";
import type { CloudFrontState, DistributionRecord } from "../state.ts";
import { messages } from "../messages.ts";
import { checkIfMatch } from "./common.ts";
import { mustGet, replaceConfig } from "./distributions.ts";

type Ctx = RequestContext<CloudFrontState>;

// Web ACLs for CloudFront are WAF v2 ACLs in the global (us-east-1) scope.
const WEB_ACL_ARN = /^arn:aws:wafv2:us-east-1:\d{12}:global\/webacl\/[A-Za-z0-9_-]{1,128}\/[A-Za-z0-9-]{1,128}$/;

export function AssociateDistributionWebACL({ Id, WebACLArn, IfMatch }: AssociateDistributionWebACLRequest, ctx: Ctx): AssociateDistributionWebACLResult {
  const arn = WebACLArn ?? "";
  if (!WEB_ACL_ARN.test(arn)) fail("InvalidArgument", messages.badWebAclArn(arn));
  const rec = setWebAcl(ctx.service, Id, IfMatch, arn);
  return { Id: rec.Id, WebACLArn: arn, ETag: rec.ETag };
}

export function DisassociateDistributionWebACL({ Id, IfMatch }: DisassociateDistributionWebACLRequest, ctx: Ctx): DisassociateDistributionWebACLResult {
  const rec = setWebAcl(ctx.service, Id, IfMatch, "");
  return { Id: rec.Id, ETag: rec.ETag };
}

/** IfMatch is optional for these two operations; when given it must be the current ETag. */
function setWebAcl(state: CloudFrontState, id: string | undefined, ifMatch: string | undefined, webAclId: string): DistributionRecord {
  const rec = mustGet(state, id);
  if (ifMatch !== undefined) checkIfMatch(ifMatch, rec.ETag);
  return replaceConfig(state, rec, { ...rec.config, WebACLId: webAclId });
}
