// Redirects of the S3 website endpoint: RedirectAllRequestsTo, routing rules, and the
// x-amz-website-redirect-location of an object. Follows the S3 User Guide "(Optional) Configuring a
// webpage redirect" / "Setting up redirection rules" and the RoutingRule, Condition and Redirect
// data types of the API reference:
// - rules are tried in order and the first whose condition holds wins; a rule without a condition
//   applies to every request; KeyPrefixEquals matches the start of the requested key and
//   HttpErrorCodeReturnedEquals the status the request would otherwise get (both must hold when
//   both are given), so rules with an error code are tried only once the lookup failed;
// - the redirect keeps the requested key unless ReplaceKeyWith replaces it whole or
//   ReplaceKeyPrefixWith replaces the part KeyPrefixEquals matched; HostName defaults to the
//   request's host, Protocol to the request's, HttpRedirectCode to 301;
// - RedirectAllRequestsTo sends every request to the same path on another host (301).
// PutBucketWebsite's validation of rules is validateRoutingRules.
import type { RoutingRule, WebsiteConfiguration } from "@aws-sdk/client-s3";
import { ServiceError } from "../../api/errors.ts";

/** Where a redirect goes and with which status. */
export interface WebsiteRedirect {
  readonly status: number;
  readonly location: string;
}

/** The request as redirects see it. */
export interface RedirectRequest {
  /** The requested key (the path without its leading slash, decoded). */
  readonly key: string;
  /** The path as sent, for RedirectAllRequestsTo. */
  readonly path: string;
  /** The Host header as sent (with its port). */
  readonly host: string;
  readonly protocol: "http" | "https";
}

/** RedirectAllRequestsTo, when the bucket has it. */
export function redirectAllRequests(website: WebsiteConfiguration, req: RedirectRequest): WebsiteRedirect | undefined {
  const to = website.RedirectAllRequestsTo;
  if (!to?.HostName) return undefined;
  return { status: 301, location: `${to.Protocol ?? req.protocol}://${to.HostName}${req.path}` };
}

/**
 * The first routing rule that applies: before the lookup (`errorStatus` undefined) only rules
 * without HttpErrorCodeReturnedEquals; after a failed lookup only those naming its status.
 */
export function routingRedirect(website: WebsiteConfiguration, req: RedirectRequest, errorStatus?: number): WebsiteRedirect | undefined {
  const rule = (website.RoutingRules ?? []).find((r) => ruleApplies(r, req.key, errorStatus));
  return rule === undefined ? undefined : ruleRedirect(rule, req);
}

function ruleApplies(rule: RoutingRule, key: string, errorStatus: number | undefined): boolean {
  const c = rule.Condition;
  const code = c?.HttpErrorCodeReturnedEquals;
  if (errorStatus === undefined ? code !== undefined : code !== String(errorStatus)) return false;
  return c?.KeyPrefixEquals === undefined || key.startsWith(c.KeyPrefixEquals);
}

function ruleRedirect(rule: RoutingRule, req: RedirectRequest): WebsiteRedirect {
  const r = rule.Redirect ?? {};
  const prefix = rule.Condition?.KeyPrefixEquals ?? "";
  const key = r.ReplaceKeyWith ?? (r.ReplaceKeyPrefixWith !== undefined ? r.ReplaceKeyPrefixWith + req.key.slice(prefix.length) : req.key);
  return { status: Number(r.HttpRedirectCode ?? "301"), location: `${r.Protocol ?? req.protocol}://${r.HostName ?? req.host}/${encodeKey(key)}` };
}

/** A key in a Location: percent-encoded like a URL path, slashes kept. */
function encodeKey(key: string): string {
  return key.split("/").map(encodeURIComponent).join("/");
}

/**
 * S3's checks of a website configuration's routing rules (PutBucketWebsite API reference; the
 * RoutingRule, Condition and Redirect data types): InvalidRequest for both replacement kinds, an
 * empty condition, a protocol other than http/https or a redirect code outside 3XX; MalformedXML
 * for a rule without a redirect or more than 50 rules.
 */
export function validateRoutingRules(rules: readonly RoutingRule[] | undefined): void {
  if (rules === undefined) return;
  const malformed = () => new ServiceError("MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema", 400);
  if (rules.length === 0 || rules.length > 50) throw malformed();
  for (const rule of rules) {
    const r = rule.Redirect;
    if (r === undefined) throw malformed();
    if (r.ReplaceKeyPrefixWith !== undefined && r.ReplaceKeyWith !== undefined) throw new ServiceError("InvalidRequest", "You can only define ReplaceKeyPrefix or ReplaceKey but not both.", 400);
    if (rule.Condition !== undefined && rule.Condition.KeyPrefixEquals === undefined && rule.Condition.HttpErrorCodeReturnedEquals === undefined) {
      throw new ServiceError("InvalidRequest", "Condition cannot be empty. To redirect all requests without a condition, the condition element shouldn't be present.", 400);
    }
    if (r.Protocol !== undefined && r.Protocol !== "http" && r.Protocol !== "https") {
      throw new ServiceError("InvalidRequest", "Invalid protocol, protocol can be http or https. If not defined the protocol will be selected automatically.", 400);
    }
    if (r.HttpRedirectCode !== undefined && (!/^3\d\d$/.test(r.HttpRedirectCode) || r.HttpRedirectCode === "300")) {
      throw new ServiceError("InvalidRequest", "The provided HTTP redirect code (" + r.HttpRedirectCode + ") is not valid. Valid codes are 3XX except 300.", 400);
    }
    const code = rule.Condition?.HttpErrorCodeReturnedEquals;
    if (code !== undefined && !/^[45]\d\d$/.test(code)) {
      throw new ServiceError("InvalidRequest", "The provided HTTP error code (" + code + ") is not valid. Valid codes are 4XX or 5XX.", 400);
    }
  }
}
