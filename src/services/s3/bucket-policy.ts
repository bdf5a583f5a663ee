// Bucket policy evaluation for the embedded S3 (issue 6 "Origin access"): does this bucket policy
// allow this request? Follows the IAM policy evaluation logic for a resource-based policy on its own
// (IAM User Guide "Policy evaluation logic", "IAM JSON policy elements"): an explicit Deny wins, then
// an Allow, otherwise the request is implicitly denied.
//
// Covered: Effect; Principal / NotPrincipal as "*", {"AWS": "*" | account id | account root ARN |
// IAM ARN | OAI ARN}, {"Service": …}, {"CanonicalUser": …} (an OAI's S3CanonicalUserId names the
// OAI); Action / NotAction (case-insensitive, * and ? wildcards); Resource / NotResource (case-
// sensitive, * and ?); Condition with the String*, Arn*, IpAddress / NotIpAddress, Bool, Null,
// Numeric* and Date* operators, the IfExists suffix and the ForAnyValue / ForAllValues prefixes;
// condition key names are case-insensitive (AWS:SourceArn ≡ aws:sourcearn), values are not.
// Missing keys follow IAM: a positive operator is false, a negated one (StringNotEquals, ArnNotLike,
// NotIpAddress…) is true, …IfExists is true.
// Not done: policy variables (${aws:username}), Binary operators, an assumed-role session matching
// its role's ARN, identity policies, ACLs and Block Public Access (the caller decides what else
// grants access, e.g. the bucket owner's own credentials).
import { BlockList, isIP } from "node:net";

/** Who is asking, as S3 sees it. */
export type PolicyPrincipal =
  /** No credentials: only `"Principal": "*"` or `{"AWS": "*"}` statements apply. */
  | { readonly type: "anonymous" }
  /** An AWS service principal, e.g. cloudfront.amazonaws.com for an origin access control. */
  | { readonly type: "service"; readonly service: string }
  /** A CloudFront origin access identity (legacy OAI). */
  | { readonly type: "oai"; readonly id: string; readonly canonicalUserId?: string | undefined }
  /** An IAM identity (user, role, or an account's root: `arn:aws:iam::<account>:root`). */
  | { readonly type: "aws"; readonly arn: string }
  /** An S3 canonical user id. */
  | { readonly type: "canonicalUser"; readonly id: string };

export interface PolicyRequest {
  readonly principal: PolicyPrincipal;
  /** e.g. `s3:GetObject`. */
  readonly action: string;
  /** e.g. `arn:aws:s3:::bucket/key` (see s3ObjectArn). */
  readonly resource: string;
  /**
   * The request's condition keys, names in any case: `aws:SourceArn` and `aws:SourceAccount` (set by
   * CloudFront for OAC requests), `aws:SourceIp`, `aws:SecureTransport`, `s3:prefix`, …
   */
  readonly context?: Readonly<Record<string, string | readonly string[] | undefined>>;
}

export interface PolicyDecision {
  readonly decision: "Allow" | "ExplicitDeny" | "ImplicitDeny";
  /** The Sid (or `Statement[i]`) of the statement that decided; absent for an implicit deny. */
  readonly statement?: string;
}

/** A bucket policy that cannot be evaluated (S3 answers MalformedPolicy for these on PutBucketPolicy). */
export class BucketPolicyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BucketPolicyError";
  }
}

interface Statement {
  readonly label: string;
  readonly effect: "Allow" | "Deny";
  readonly principal: { readonly not: boolean; readonly matchers: readonly PrincipalMatcher[] };
  readonly action: { readonly not: boolean; readonly patterns: readonly RegExp[] };
  readonly resource: { readonly not: boolean; readonly patterns: readonly RegExp[] };
  readonly conditions: readonly Condition[];
}

/** A checked, compiled bucket policy: parse once, evaluate per request. */
export interface BucketPolicy {
  readonly statements: readonly Statement[];
}

type PrincipalMatcher = (p: PolicyPrincipal) => boolean;

interface Condition {
  readonly key: string;
  readonly test: (values: readonly string[] | undefined) => boolean;
}

/** `arn:aws:s3:::bucket/key`, the Resource of object actions. */
export function s3ObjectArn(bucket: string, key: string): string {
  return `arn:aws:s3:::${bucket}/${key}`;
}

/** `arn:aws:s3:::bucket`, the Resource of bucket actions (s3:ListBucket, …). */
export function s3BucketArn(bucket: string): string {
  return `arn:aws:s3:::${bucket}`;
}

/** The ARN under which S3 sees a CloudFront origin access identity. */
export function originAccessIdentityPrincipalArn(id: string): string {
  return `${OAI_ARN_PREFIX}${id}`;
}

const OAI_ARN_PREFIX = "arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity ";

/**
 * Decides a request against a bucket policy (JSON text or parsed). Throws BucketPolicyError when
 * the policy is malformed.
 *
 * @example
 * evaluateBucketPolicy(policyJson, {
 *   principal: { type: "service", service: "cloudfront.amazonaws.com" },
 *   action: "s3:GetObject",
 *   resource: s3ObjectArn("my-bucket", "index.html"),
 *   context: { "aws:SourceArn": distribution.ARN, "aws:SourceAccount": accountId },
 * }).decision === "Allow";
 */
export function evaluateBucketPolicy(policy: string | BucketPolicy, request: PolicyRequest): PolicyDecision {
  const parsed = typeof policy === "string" ? parseBucketPolicy(policy) : policy;
  const context = new Map<string, readonly string[]>();
  for (const [name, value] of Object.entries(request.context ?? {})) {
    if (value !== undefined) context.set(name.toLowerCase(), typeof value === "string" ? [value] : value);
  }
  let allow: string | undefined;
  for (const s of parsed.statements) {
    if (!applies(s, request, context)) continue;
    if (s.effect === "Deny") return { decision: "ExplicitDeny", statement: s.label };
    allow ??= s.label;
  }
  return allow !== undefined ? { decision: "Allow", statement: allow } : { decision: "ImplicitDeny" };
}

/** Parses and checks a bucket policy document; throws BucketPolicyError naming what is wrong. */
export function parseBucketPolicy(text: string): BucketPolicy {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new BucketPolicyError("Policies must be valid JSON.");
  }
  if (!isObject(doc)) throw new BucketPolicyError("A policy must be a JSON object.");
  const version = doc["Version"];
  if (version !== undefined && version !== "2012-10-17" && version !== "2008-10-17") throw new BucketPolicyError(`Unknown policy Version ${String(version)}.`);
  const raw = doc["Statement"];
  const list = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  if (list.length === 0) throw new BucketPolicyError("Missing required field Statement.");
  return { statements: list.map((s, i) => parseStatement(s, i)) };
}

function parseStatement(raw: unknown, index: number): Statement {
  if (!isObject(raw)) throw new BucketPolicyError(`Statement[${index}] must be an object.`);
  const label = typeof raw["Sid"] === "string" && raw["Sid"] !== "" ? raw["Sid"] : `Statement[${index}]`;
  const effect = raw["Effect"];
  if (effect !== "Allow" && effect !== "Deny") throw new BucketPolicyError(`${label}: Effect must be Allow or Deny.`);
  const [principalNot, principal] = exactlyOne(raw, "Principal", "NotPrincipal", label);
  const [actionNot, action] = exactlyOne(raw, "Action", "NotAction", label);
  const [resourceNot, resource] = exactlyOne(raw, "Resource", "NotResource", label);
  return {
    label,
    effect,
    principal: { not: principalNot, matchers: parsePrincipal(principal, label) },
    action: { not: actionNot, patterns: strings(action, `${label}: Action`).map((a) => wildcard(a, "i")) },
    resource: { not: resourceNot, patterns: strings(resource, `${label}: Resource`).map((r) => wildcard(r, "")) },
    conditions: parseConditions(raw["Condition"], label),
  };
}

function exactlyOne(raw: Record<string, unknown>, name: string, notName: string, label: string): [boolean, unknown] {
  const has = raw[name] !== undefined;
  const hasNot = raw[notName] !== undefined;
  if (has === hasNot) throw new BucketPolicyError(`${label}: give exactly one of ${name} and ${notName}.`);
  return has ? [false, raw[name]] : [true, raw[notName]];
}

function applies(s: Statement, request: PolicyRequest, context: ReadonlyMap<string, readonly string[]>): boolean {
  const principal = s.principal.matchers.some((m) => m(request.principal));
  if (principal === s.principal.not) return false;
  const action = s.action.patterns.some((p) => p.test(request.action));
  if (action === s.action.not) return false;
  const resource = s.resource.patterns.some((p) => p.test(request.resource));
  if (resource === s.resource.not) return false;
  return s.conditions.every((c) => c.test(context.get(c.key)));
}

// ---------------------------------------------------------------------------------------------
// Principals

function parsePrincipal(raw: unknown, label: string): PrincipalMatcher[] {
  if (raw === "*") return [() => true];
  if (!isObject(raw)) throw new BucketPolicyError(`${label}: Principal must be "*" or an object.`);
  const matchers: PrincipalMatcher[] = [];
  for (const [kind, value] of Object.entries(raw)) {
    for (const v of strings(value, `${label}: Principal ${kind}`)) {
      switch (kind) {
        case "AWS":
          matchers.push(awsPrincipal(v));
          break;
        case "Service": {
          const service = v.toLowerCase();
          matchers.push((p) => p.type === "service" && p.service.toLowerCase() === service);
          break;
        }
        case "CanonicalUser":
          // S3 stores an OAI's canonical user as the OAI itself (CloudFront guide "Restrict access to an Amazon S3 origin").
          matchers.push((p) => (p.type === "canonicalUser" && p.id === v) || (p.type === "oai" && p.canonicalUserId === v));
          break;
        case "Federated":
          matchers.push(() => false);
          break;
        default:
          throw new BucketPolicyError(`${label}: unknown principal type ${kind}.`);
      }
    }
  }
  return matchers;
}

/** One {"AWS": …} value: "*", an account id or root ARN, an OAI ARN, or an IAM ARN. */
function awsPrincipal(value: string): PrincipalMatcher {
  if (value === "*") return () => true; // {"AWS": "*"} is everyone, anonymous included, as "*" is.
  if (value.startsWith(OAI_ARN_PREFIX)) {
    const id = value.slice(OAI_ARN_PREFIX.length);
    return (p) => p.type === "oai" && p.id === id;
  }
  const account = /^\d{12}$/.test(value) ? value : /^arn:aws[a-z-]*:iam::(\d{12}):root$/.exec(value)?.[1];
  // An account principal trusts every identity of that account (the account's own IAM policies decide further).
  if (account !== undefined) return (p) => p.type === "aws" && accountOf(p.arn) === account;
  return (p) => p.type === "aws" && p.arn === value;
}

function accountOf(arn: string): string | undefined {
  return /^arn:aws[a-z-]*:(?:iam|sts)::(\d{12}):/.exec(arn)?.[1];
}

// ---------------------------------------------------------------------------------------------
// Conditions

type ValueTest = (requestValue: string, policyValue: string) => boolean;

/** Operators: how one request value compares to one policy value, and whether the operator is negated. */
const OPERATORS: Readonly<Record<string, { readonly test: ValueTest; readonly negated: boolean }>> = {
  StringEquals: { test: (r, p) => r === p, negated: false },
  StringNotEquals: { test: (r, p) => r === p, negated: true },
  StringEqualsIgnoreCase: { test: (r, p) => r.toLowerCase() === p.toLowerCase(), negated: false },
  StringNotEqualsIgnoreCase: { test: (r, p) => r.toLowerCase() === p.toLowerCase(), negated: true },
  StringLike: { test: (r, p) => wildcard(p, "").test(r), negated: false },
  StringNotLike: { test: (r, p) => wildcard(p, "").test(r), negated: true },
  // "Each of the six colon-delimited components of the ARN is checked separately and each can include
  // multi-character match wildcards (*) or single-character match wildcards (?)" — for ArnEquals too.
  ArnEquals: { test: arnLike, negated: false },
  ArnLike: { test: arnLike, negated: false },
  ArnNotEquals: { test: arnLike, negated: true },
  ArnNotLike: { test: arnLike, negated: true },
  IpAddress: { test: inCidr, negated: false },
  NotIpAddress: { test: inCidr, negated: true },
  Bool: { test: (r, p) => r.toLowerCase() === p.toLowerCase(), negated: false },
  NumericEquals: { test: numeric((a, b) => a === b), negated: false },
  NumericNotEquals: { test: numeric((a, b) => a === b), negated: true },
  NumericLessThan: { test: numeric((a, b) => a < b), negated: false },
  NumericLessThanEquals: { test: numeric((a, b) => a <= b), negated: false },
  NumericGreaterThan: { test: numeric((a, b) => a > b), negated: false },
  NumericGreaterThanEquals: { test: numeric((a, b) => a >= b), negated: false },
  DateEquals: { test: date((a, b) => a === b), negated: false },
  DateNotEquals: { test: date((a, b) => a === b), negated: true },
  DateLessThan: { test: date((a, b) => a < b), negated: false },
  DateLessThanEquals: { test: date((a, b) => a <= b), negated: false },
  DateGreaterThan: { test: date((a, b) => a > b), negated: false },
  DateGreaterThanEquals: { test: date((a, b) => a >= b), negated: false },
};

function parseConditions(raw: unknown, label: string): Condition[] {
  if (raw === undefined) return [];
  if (!isObject(raw)) throw new BucketPolicyError(`${label}: Condition must be an object.`);
  const conditions: Condition[] = [];
  for (const [operatorName, block] of Object.entries(raw)) {
    if (!isObject(block)) throw new BucketPolicyError(`${label}: Condition ${operatorName} must map keys to values.`);
    for (const [key, rawValues] of Object.entries(block)) {
      const values = scalars(rawValues, `${label}: Condition ${operatorName} ${key}`);
      conditions.push({ key: key.toLowerCase(), test: conditionTest(operatorName, values, label) });
    }
  }
  return conditions;
}

/** One (operator, key) pair: a test of the request's values for the key (undefined when absent). */
function conditionTest(operatorName: string, policyValues: readonly string[], label: string): Condition["test"] {
  const m = /^(?:(ForAnyValue|ForAllValues):)?(.+?)(IfExists)?$/.exec(operatorName) ?? [];
  const setOp = m[1];
  const base = m[2] ?? "";
  const ifExists = m[3] !== undefined;
  if (base === "Null") {
    // {"Null": {"key": "true"}}: true when the key is absent.
    const wantAbsent = (policyValues[0] ?? "").toLowerCase() === "true";
    return (values) => (values === undefined || values.length === 0) === wantAbsent;
  }
  const op = OPERATORS[base];
  if (op === undefined) throw new BucketPolicyError(`${label}: unsupported Condition operator ${operatorName}.`);
  if (base.startsWith("Ip")) for (const v of policyValues) if (cidr(v) === undefined) throw new BucketPolicyError(`${label}: ${v} is not an IP address or CIDR range.`);
  const one = (value: string) => {
    const matched = policyValues.some((p) => op.test(value, p));
    return op.negated ? !matched : matched;
  };
  return (values) => {
    if (values === undefined || values.length === 0) {
      // IAM: an absent key fails a positive operator, satisfies a negated one; IfExists and
      // ForAllValues are satisfied by absence.
      if (ifExists || setOp === "ForAllValues") return true;
      if (setOp === "ForAnyValue") return false;
      return op.negated;
    }
    if (setOp === "ForAllValues") return values.every(one);
    return values.some(one);
  };
}

function arnLike(requestValue: string, pattern: string): boolean {
  const r = splitArn(requestValue);
  const p = splitArn(pattern);
  if (r === undefined || p === undefined) return pattern === "*" || wildcard(pattern, "").test(requestValue);
  return p.every((part, i) => wildcard(part, "").test(r[i] as string));
}

/** The six components of an ARN (the last keeps its own colons), or undefined for a non-ARN. */
function splitArn(arn: string): string[] | undefined {
  const parts = arn.split(":");
  if (parts.length < 6 || parts[0] !== "arn") return undefined;
  return [...parts.slice(0, 5), parts.slice(5).join(":")];
}

const cidrCache = new Map<string, BlockList | undefined>();

function cidr(text: string): BlockList | undefined {
  if (cidrCache.has(text)) return cidrCache.get(text);
  const [address = "", prefixText] = text.trim().split("/");
  const family = isIP(address);
  let list: BlockList | undefined;
  if (family !== 0) {
    const max = family === 4 ? 32 : 128;
    const prefix = prefixText === undefined ? max : Number(prefixText);
    if (Number.isInteger(prefix) && prefix >= 0 && prefix <= max) {
      list = new BlockList();
      list.addSubnet(address, prefix, family === 4 ? "ipv4" : "ipv6");
    }
  }
  if (cidrCache.size > 1000) cidrCache.clear();
  cidrCache.set(text, list);
  return list;
}

function inCidr(requestValue: string, range: string): boolean {
  const ip = requestValue.startsWith("::ffff:") && isIP(requestValue.slice(7)) === 4 ? requestValue.slice(7) : requestValue;
  const family = isIP(ip);
  if (family === 0) return false;
  return cidr(range)?.check(ip, family === 4 ? "ipv4" : "ipv6") ?? false;
}

function numeric(compare: (a: number, b: number) => boolean): ValueTest {
  return (r, p) => {
    const a = Number(r);
    const b = Number(p);
    return Number.isFinite(a) && Number.isFinite(b) && compare(a, b);
  };
}

/** Dates as ISO 8601 or epoch seconds (IAM "Date condition operators"). */
function date(compare: (a: number, b: number) => boolean): ValueTest {
  const parse = (v: string) => (/^\d+$/.test(v) ? Number(v) * 1000 : Date.parse(v));
  return (r, p) => {
    const a = parse(r);
    const b = parse(p);
    return Number.isFinite(a) && Number.isFinite(b) && compare(a, b);
  };
}

// ---------------------------------------------------------------------------------------------
// Values

const wildcardCache = new Map<string, RegExp>();

/** `*` any run of characters, `?` exactly one; everything else literal. */
function wildcard(pattern: string, flags: string): RegExp {
  const cacheKey = `${flags}/${pattern}`;
  let re = wildcardCache.get(cacheKey);
  if (re === undefined) {
    const source = pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, "[\\s\\S]*").replace(/\?/g, "[\\s\\S]");
    re = new RegExp(`^${source}$`, flags);
    if (wildcardCache.size > 1000) wildcardCache.clear();
    wildcardCache.set(cacheKey, re);
  }
  return re;
}

function strings(value: unknown, what: string): string[] {
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0 || !list.every((v) => typeof v === "string")) throw new BucketPolicyError(`${what} must be a string or a list of strings.`);
  return list as string[];
}

/** Condition values: strings, numbers or booleans, alone or in a list. */
function scalars(value: unknown, what: string): string[] {
  const list = Array.isArray(value) ? value : [value];
  if (!list.every((v) => typeof v === "string" || typeof v === "number" || typeof v === "boolean")) {
    throw new BucketPolicyError(`${what} must be a string, number or boolean, or a list of them.`);
  }
  return list.map(String);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
