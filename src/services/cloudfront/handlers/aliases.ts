// Aliases across distributions: AssociateAlias and ListConflictingAliases (CloudFront API reference;
// Developer Guide "Move an alternate domain name to a different distribution", "Use wildcards in
// alternate domain names").
//
// - AssociateAlias moves the alias from whichever distribution has it to the target; both get a
//   new ETag and redeploy. The target must have a certificate of its own (ACM or IAM): AWS requires
//   one that covers the alias, and without ACM here a custom certificate is the check we can make
//   → IllegalUpdate. Not checked: the DNS TXT record AWS looks for when the alias is in another
//   account (there is one account here).
// - Wildcards: `*.example.com` covers every name under example.com (www.example.com,
//   marketing.product-name.example.com), not example.com itself. ListConflictingAliases for a
//   name lists it and the wildcards that cover it; for a wildcard, the wildcard and the names it
//   covers. Distribution and account ids are partially hidden, as AWS hides them: all but the
//   last 6 characters become `*` (AWS's example: `********EXAMPLE` / `******111111`; the exact
//   count unverified).
import type { AssociateAliasRequest, ConflictingAlias, DistributionConfig, ListConflictingAliasesRequest, ListConflictingAliasesResult } from "@aws-sdk/client-cloudfront";
import { fail } from "../../../api/errors.ts";
import type { RequestContext } from "../../../api/service.ts";
import type { CloudFrontState, DistributionRecord } from "../state.ts";
import { LIMITS } from "../distribution-limits.ts";
import { messages } from "../messages.ts";
import { pageAfterMarker } from "./common.ts";
import { mustGet, replaceConfig } from "./distributions.ts";

type Ctx = RequestContext<CloudFrontState>;

const DOMAIN = /^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{1,63}$/;

export function AssociateAlias({ TargetDistributionId, Alias }: AssociateAliasRequest, ctx: Ctx): Record<string, never> {
  const state = ctx.service;
  const target = mustGet(state, TargetDistributionId);
  const alias = checkedAlias(Alias);
  if (!hasOwnCertificate(target.config)) fail("IllegalUpdate", messages.aliasNeedsCertificate(alias));
  if (aliasesOf(target).includes(alias)) return {};
  if (aliasesOf(target).length >= LIMITS.aliases) fail("TooManyDistributionCNAMEs", messages.tooManyAliases(LIMITS.aliases));
  const sourceId = state.aliasOwner(alias);
  const source = sourceId === undefined ? undefined : state.getDistribution(sourceId);
  if (source) redeploy(state, source, aliasesOf(source).filter((a) => a !== alias));
  redeploy(state, target, [...(target.config.Aliases?.Items ?? []), alias]);
  return {};
}

export function ListConflictingAliases({ DistributionId, Alias, Marker, MaxItems }: ListConflictingAliasesRequest, ctx: Ctx): ListConflictingAliasesResult {
  const state = ctx.service;
  const dist = mustGet(state, DistributionId);
  const alias = checkedAlias(Alias);
  if (!hasOwnCertificate(dist.config)) fail("InvalidArgument", messages.aliasNeedsCertificate(alias));
  const conflicts: ConflictingAlias[] = [];
  for (const d of state.listDistributions()) {
    for (const a of aliasesOf(d)) {
      if (conflict(alias, a)) conflicts.push({ Alias: a, DistributionId: mask(d.Id), AccountId: mask(state.settings.accountId) });
    }
  }
  // The marker is the last alias of the previous page (aliases are unique across distributions).
  const page = pageAfterMarker(conflicts, (c) => c.Alias as string, Marker, MaxItems);
  return {
    ConflictingAliasesList: {
      MaxItems: page.maxItems,
      Quantity: page.items.length,
      ...(page.nextMarker !== undefined ? { NextMarker: page.nextMarker } : {}),
      ...(page.items.length > 0 ? { Items: page.items } : {}),
    },
  };
}

/** Whether `a` and `b` would answer for some name in common: equal, or one a wildcard covering the other. */
export function conflict(a: string, b: string): boolean {
  return a === b || covers(a, b) || covers(b, a);
}

/** `*.example.com` covers any name ending in `.example.com` (and a narrower wildcard under it). */
function covers(wildcard: string, name: string): boolean {
  return wildcard.startsWith("*.") && name.endsWith(wildcard.slice(1)) && name !== wildcard;
}

function mask(id: string): string {
  return "*".repeat(Math.max(0, id.length - 6)) + id.slice(-6);
}

function checkedAlias(alias: string | undefined): string {
  const lower = (alias ?? "").toLowerCase();
  if (!DOMAIN.test(lower) || lower.length > 253) fail("InvalidArgument", messages.badAlias(alias ?? ""));
  return lower;
}

function hasOwnCertificate(config: DistributionConfig): boolean {
  return !!(config.ViewerCertificate?.ACMCertificateArn || config.ViewerCertificate?.IAMCertificateId);
}

function aliasesOf(d: DistributionRecord): string[] {
  return (d.config.Aliases?.Items ?? []).map((a) => a.toLowerCase());
}

/** Stores `rec` with these aliases through UpdateDistribution's path (validated, new ETag, redeploys). */
function redeploy(state: CloudFrontState, rec: DistributionRecord, aliases: readonly string[]): void {
  replaceConfig(state, rec, { ...rec.config, Aliases: aliases.length > 0 ? { Quantity: aliases.length, Items: [...aliases] } : { Quantity: 0 } });
}
