// The origins of a DistributionConfig (docs/control-plane.md §5): each origin's own settings,
// origin groups and their failover codes, and the origin access control or identity an S3 origin
// names, with the error codes CloudFront uses. Part of validate-distribution.ts's checks.
import type { DistributionConfig, Origin } from "@aws-sdk/client-cloudfront";
import { OriginProtocolPolicy, SslProtocol } from "./sdk-enums.ts";
import { fail } from "../../api/errors.ts";
import { parseS3OriginDomain } from "../s3/origin-address.ts";
import { LIMITS, oneOf, type ValidationContext } from "./distribution-limits.ts";

/** The status codes an origin group may fail over on. */
const FAILOVER_CODES = new Set([400, 403, 404, 416, 500, 502, 503, 504]);

export function validateOrigins(config: DistributionConfig): Set<string> {
  const origins = config.Origins?.Items ?? [];
  if (origins.length === 0) fail("InvalidArgument", "The parameter Origins must contain at least one origin.");
  if (origins.length > LIMITS.origins) {
    fail("TooManyOrigins", `You cannot create more than ${LIMITS.origins} origins for a distribution.`);
  }
  const ids = new Set<string>();
  for (const origin of origins) {
    if (!origin.Id) fail("InvalidArgument", "The parameter Origin Id cannot be empty.");
    if (ids.has(origin.Id)) fail("InvalidArgument", `The parameter Origin Id must be unique: ${origin.Id} is used more than once.`);
    ids.add(origin.Id);
    validateOrigin(origin);
  }
  return ids;
}

function validateOrigin(origin: Origin): void {
  const where = `origin ${origin.Id}`;
  const kinds = [origin.S3OriginConfig, origin.CustomOriginConfig, origin.VpcOriginConfig].filter((k) => k !== undefined);
  if (kinds.length !== 1) {
    fail("InvalidOrigin", `Specify exactly one of S3OriginConfig, CustomOriginConfig or VpcOriginConfig for ${where}.`);
  }
  // A multi-tenant distribution's origin may hold {{parameter}} placeholders (validate-multi-tenant.ts).
  if (!origin.DomainName || !/^[A-Za-z0-9.-]+$/.test(origin.DomainName.replace(/\{\{[A-Za-z0-9_-]+\}\}/g, "p")) || origin.DomainName.length > 253) {
    fail("InvalidArgument", `The parameter origin DomainName "${origin.DomainName}" of ${where} is not a valid domain name.`);
  }
  const path = origin.OriginPath ?? "";
  if (path !== "" && (!path.startsWith("/") || path.endsWith("/"))) {
    fail("InvalidArgument", `The parameter OriginPath of ${where} must begin with a slash and must not end with one.`);
  }
  const attempts = origin.ConnectionAttempts;
  if (attempts !== undefined && !(Number.isInteger(attempts) && attempts >= 1 && attempts <= 3)) {
    fail("InvalidArgument", `ConnectionAttempts of ${where} must be 1, 2 or 3.`);
  }
  const timeout = origin.ConnectionTimeout;
  if (timeout !== undefined && !(Number.isInteger(timeout) && timeout >= 1 && timeout <= 10)) {
    fail("InvalidArgument", `ConnectionTimeout of ${where} must be between 1 and 10 seconds.`);
  }
  if ((origin.CustomHeaders?.Items?.length ?? 0) > LIMITS.originCustomHeaders) {
    fail("TooManyOriginCustomHeaders", `Your request contains too many origin custom headers for ${where} (at most ${LIMITS.originCustomHeaders}).`);
  }
  for (const h of origin.CustomHeaders?.Items ?? []) {
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(h.HeaderName ?? "")) {
      fail("InvalidArgument", `The origin custom header name "${h.HeaderName}" of ${where} is not a valid header name.`);
    }
  }
  const s3 = origin.S3OriginConfig;
  if (s3 && parseS3OriginDomain(origin.DomainName)?.kind !== "rest") {
    // S3 website endpoints are custom origins (docs/edge.md §7.4).
    fail("InvalidArgument", `The parameter Origin DomainName "${origin.DomainName}" of ${where} does not refer to a valid S3 bucket.`);
  }
  if (s3) {
    const oai = s3.OriginAccessIdentity ?? "";
    if (oai !== "" && !/^origin-access-identity\/cloudfront\/[A-Z0-9]+$/.test(oai)) {
      fail("InvalidOriginAccessIdentity", `The OriginAccessIdentity of ${where} must be empty or origin-access-identity/cloudfront/<id>.`);
    }
    if (oai !== "" && origin.OriginAccessControlId) {
      fail("IllegalOriginAccessConfiguration", `${where} cannot use both an origin access control and an origin access identity.`);
    }
  }
  const custom = origin.CustomOriginConfig;
  if (custom) {
    for (const [name, port] of [["HTTPPort", custom.HTTPPort], ["HTTPSPort", custom.HTTPSPort]] as const) {
      if (!(port === 80 || port === 443 || (Number.isInteger(port) && (port as number) >= 1024 && (port as number) <= 65535))) {
        fail("InvalidArgument", `${name} of ${where} must be 80, 443 or between 1024 and 65535.`);
      }
    }
    oneOf(custom.OriginProtocolPolicy, OriginProtocolPolicy, `OriginProtocolPolicy of ${where}`);
    for (const p of custom.OriginSslProtocols?.Items ?? []) oneOf(p, SslProtocol, `OriginSslProtocols of ${where}`);
    const read = custom.OriginReadTimeout;
    if (read !== undefined && !(Number.isInteger(read) && read >= 1 && read <= 120)) {
      fail("InvalidOriginReadTimeout", `OriginReadTimeout of ${where} must be between 1 and 120 seconds.`);
    }
    const keepalive = custom.OriginKeepaliveTimeout;
    if (keepalive !== undefined && !(Number.isInteger(keepalive) && keepalive >= 1 && keepalive <= 120)) {
      fail("InvalidOriginKeepaliveTimeout", `OriginKeepaliveTimeout of ${where} must be between 1 and 120 seconds.`);
    }
  }
}

export function validateOriginGroups(config: DistributionConfig, originIds: Set<string>): Set<string> {
  const groups = config.OriginGroups?.Items ?? [];
  if (groups.length > LIMITS.originGroups) {
    fail("TooManyOriginGroupsPerDistribution", `You cannot create more than ${LIMITS.originGroups} origin groups for a distribution.`);
  }
  const ids = new Set<string>();
  for (const g of groups) {
    const id = g.Id as string;
    if (originIds.has(id) || ids.has(id)) fail("InvalidArgument", `The origin group Id ${id} must be unique among origins and origin groups.`);
    ids.add(id);
    const members = g.Members?.Items ?? [];
    if (members.length !== 2) fail("InvalidArgument", `Origin group ${id} must have exactly 2 members.`);
    for (const m of members) {
      if (!originIds.has(m.OriginId as string)) fail("NoSuchOrigin", `Origin group ${id} refers to an origin that does not exist: ${m.OriginId}.`);
    }
    const codes = g.FailoverCriteria?.StatusCodes?.Items ?? [];
    if (codes.length === 0) fail("InvalidArgument", `Origin group ${id} must list at least one failover status code.`);
    for (const c of codes) {
      if (!FAILOVER_CODES.has(c)) fail("InvalidArgument", `Origin group ${id}: ${c} is not a status code CloudFront can fail over on.`);
    }
  }
  return ids;
}

/**
 * Origin access (docs/edge.md §7.5, docs/control-plane.md §5): an origin's OriginAccessControlId must
 * name an existing OAC (InvalidOriginAccessControl) whose OriginAccessControlOriginType fits the
 * origin's domain (an S3 REST endpoint for s3, a Lambda function URL for lambda, …): a domain of
 * another OAC-capable type is InvalidOriginAccessControl, any other domain (an S3 website endpoint,
 * a custom server) InvalidDomainNameForOriginAccessControl. An S3 origin's OriginAccessIdentity must
 * name an existing OAI (InvalidOriginAccessIdentity; its format is checked in validateOrigin). A
 * distribution trusts at most 4 key groups across its behaviors (CloudFront guide "Quotas").
 */
export function validateOriginAccess(config: DistributionConfig, ctx: ValidationContext): void {
  for (const origin of config.Origins?.Items ?? []) {
    const where = `origin ${origin.Id}`;
    const oacId = origin.OriginAccessControlId ?? "";
    if (oacId !== "") {
      const type = ctx.originAccessControlType(oacId);
      if (type === undefined) fail("InvalidOriginAccessControl", `The origin access control ${oacId} used by ${where} does not exist.`);
      const kind = oacOriginKind(origin.DomainName ?? "");
      if (kind === undefined) {
        fail("InvalidDomainNameForOriginAccessControl", `The domain name ${origin.DomainName} of ${where} cannot be used with an origin access control of type ${type}.`);
      }
      if (kind !== type) {
        fail("InvalidOriginAccessControl", `${where} is a ${kind} origin, but the origin access control ${oacId} is for ${type} origins.`);
      }
    }
    const oai = origin.S3OriginConfig?.OriginAccessIdentity ?? "";
    const oaiId = /^origin-access-identity\/cloudfront\/([A-Z0-9]+)$/.exec(oai)?.[1];
    if (oaiId !== undefined && !ctx.originAccessIdentityExists(oaiId)) {
      fail("InvalidOriginAccessIdentity", `The origin access identity ${oaiId} used by ${where} does not exist.`);
    }
  }
  const trusted = new Set<string>();
  for (const b of [config.DefaultCacheBehavior, ...(config.CacheBehaviors?.Items ?? [])]) {
    for (const id of b?.TrustedKeyGroups?.Items ?? []) trusted.add(id);
  }
  if (trusted.size > LIMITS.keyGroupsPerDistribution) {
    fail("TooManyKeyGroupsAssociatedToDistribution", `The distribution trusts ${trusted.size} key groups; at most ${LIMITS.keyGroupsPerDistribution} are allowed.`);
  }
}

/** Which OriginAccessControlOriginType an origin domain name is, if any (docs/edge.md §7.5 "Origin types"). */
function oacOriginKind(domainName: string): string | undefined {
  const host = domainName.toLowerCase();
  if (parseS3OriginDomain(host)?.kind === "rest") return "s3";
  if (/\.lambda-url\.[a-z0-9-]+\.on\.aws$/.test(host)) return "lambda";
  if (/\.mediastore\.([a-z0-9-]+\.)*amazonaws\.com$/.test(host)) return "mediastore";
  if (/\.mediapackagev2\.([a-z0-9-]+\.)*amazonaws\.com$/.test(host)) return "mediapackagev2";
  return undefined;
}
