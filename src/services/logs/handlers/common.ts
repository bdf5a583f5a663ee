// What the delivery handlers share: the service context, input checks with CloudWatch Logs' codes
// and wording, ARNs in the caller's region, tags and nextToken/limit paging.
import type { IncomingHttpHeaders } from "node:http";
import { fail } from "../../../api/errors.ts";
import type { RequestContext } from "../../../api/service.ts";
import type { Ids } from "../../../ids.ts";
import type { LogsState } from "../state.ts";
import { messages } from "../messages.ts";

export interface LogsService {
  readonly state: LogsState;
  readonly ids: Ids;
  /** Whether the CloudFront distribution exists (a delivery source must name a real one). */
  distributionExists(id: string): boolean;
}

export type Ctx = RequestContext<LogsService>;

/** CloudWatch Logs API Reference, PutDeliverySource / PutDeliveryDestination: name `[\w-]*`, 1-60 characters. */
const NAME = /^[\w-]*$/;

export function checkName(param: string, value: string): string {
  if (value.length < 1 || value.length > 60) fail("ValidationException", messages.length(param, value, 1, 60));
  if (!NAME.test(value)) fail("ValidationException", messages.pattern(param, value, "[\\w-]*"));
  return value;
}

export function checkEnum<T extends string>(param: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) fail("ValidationException", messages.enumValue(param, value, allowed));
  return value as T;
}

/** Tag, API Reference: at most 50 per resource; keys 1-128 characters, values up to 256. */
export function checkTags(tags: Readonly<Record<string, string>> | undefined): Record<string, string> {
  const out = { ...tags };
  if (Object.keys(out).length > 50) fail("ValidationException", messages.tooManyTags());
  for (const [k, v] of Object.entries(out)) {
    if (k.length < 1 || k.length > 128) fail("ValidationException", messages.length("tags.key", k, 1, 128));
    if (v.length > 256) fail("ValidationException", messages.length("tags.value", v, 0, 256));
  }
  return out;
}

/** The region in the request's SigV4 credential scope (`<date>/<region>/logs/aws4_request`); us-east-1 without one. */
export function regionOf(headers: IncomingHttpHeaders): string {
  const credential = /Credential=([^,\s]+)/.exec(headers.authorization ?? "")?.[1]?.split("/");
  return credential && credential.length >= 4 ? (credential[credential.length - 3] as string) : "us-east-1";
}

/** `arn:aws:logs:<region>:<account>:<kind>:<name>`, as CloudWatch Logs names delivery resources. */
export function logsArn(ctx: Ctx, kind: "delivery-source" | "delivery-destination" | "delivery", name: string): string {
  return `arn:aws:logs:${regionOf(ctx.headers)}:${ctx.service.state.accountId}:${kind}:${name}`;
}

/** nextToken/limit paging (limit 1-50, default 50): the token is the index of the next item; `token` is `{ nextToken }` when there is more. */
export function page<T>(items: readonly T[], nextToken: string | undefined, limit: number | undefined): { items: T[]; token: { nextToken?: string } } {
  const start = nextToken === undefined ? 0 : Number(nextToken);
  if (!Number.isInteger(start) || start < 0 || start > items.length) fail("ValidationException", messages.badNextToken());
  const size = limit ?? 50;
  if (!Number.isInteger(size) || size < 1 || size > 50) fail("ValidationException", messages.range("limit", size, 1, 50));
  const slice = items.slice(start, start + size);
  const next = start + slice.length;
  return { items: slice, token: next < items.length ? { nextToken: String(next) } : {} };
}

/** `{ tags }` when there are any: AWS leaves the member out otherwise. */
export function tagsMember(tags: Readonly<Record<string, string>>): { tags?: Record<string, string> } {
  return Object.keys(tags).length > 0 ? { tags: { ...tags } } : {};
}
