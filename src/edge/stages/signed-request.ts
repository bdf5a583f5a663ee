// Signed URLs and signed cookies for behaviors with TrustedKeyGroups (docs/signed-urls.md). Given the
// request as the viewer sent it and the public keys the behavior trusts, decides whether the request
// carries a valid CloudFront signature, and if not, which 403 CloudFront answers.
//
// Emulated: canned policies (Expires) and custom policies (Policy) in the query string or in
// CloudFront-* cookies, the signed URL winning when both are present (§1); RSA PKCS#1 v1.5 and ECDSA
// (DER) signatures over SHA-1, or SHA-256 with Hash-Algorithm=SHA256 (§5); CloudFront's base64
// variant (+ → -, = → _, / → ~); DateLessThan, DateGreaterThan and IpAddress conditions; Resource
// wildcards * and ? matched section by section (§4); the §6 error codes in CloudFront's XML body.
// Signing parameters are removed from the query the cache key and the origin see (§2).
// Not done: legacy TrustedSigners (CloudFront key pairs of an account); IPv6 viewers never match an
// IpAddress condition (as on CloudFront, §4). A canned policy's Resource is rebuilt with
// JSON.stringify, which leaves non-ASCII characters unescaped (botocore escapes them; request paths
// are ASCII in practice).
import { createPublicKey, verify, type KeyObject } from "node:crypto";
import { parseCustomPolicy, type PolicyStatement } from "./signed-policy.ts";
import { matchesResource } from "./signed-resource.ts";
import { decodeLenient, queryParts } from "../../http/query.ts";
import { cookiePairs } from "../../http/cookies.ts";

/** Query parameters that carry a signature (docs/signed-urls.md §2); they are never part of the signed Resource. */
export const SIGNING_QUERY_PARAMS: ReadonlySet<string> = new Set(["Expires", "Policy", "Signature", "Key-Pair-Id", "Hash-Algorithm"]);

export interface SignedRequestInput {
  /** Scheme of the viewer connection. */
  readonly scheme: "http" | "https";
  /** The Host header as the viewer sent it (a default port for the scheme is ignored). */
  readonly host: string;
  /** The raw request path, still percent-encoded, without the query. */
  readonly path: string;
  /** The raw query string without `?` ("" when there is none), in the order the viewer sent it. */
  readonly rawQuery: string;
  /** The Cookie header(s), joined with "; ", if any. */
  readonly cookieHeader?: string | undefined;
  /** The viewer's TCP peer address (IPv4-mapped IPv6 addresses count as IPv4). */
  readonly viewerIp: string;
  /** Epoch milliseconds, from the injected clock. */
  readonly now: number;
  /**
   * The public key for a Key-Pair-Id (a public key id) if one of the behavior's trusted key groups
   * holds it, as PEM text or an already parsed KeyObject; undefined otherwise.
   */
  readonly publicKey: (keyPairId: string) => string | KeyObject | undefined;
}

export type SignedRequestErrorCode = "MissingKey" | "InvalidKey" | "MalformedPolicy" | "AccessDenied";

export interface SignedRequestAccepted {
  readonly ok: true;
  /** Where the signature came from: the query string or CloudFront-* cookies. */
  readonly source: "url" | "cookie";
  readonly policy: "canned" | "custom";
  readonly keyPairId: string;
  readonly hashAlgorithm: "SHA1" | "SHA256";
  /** The raw query without the signing parameters, for the cache key and the origin request. */
  readonly query: string;
}

export interface SignedRequestRefused {
  readonly ok: false;
  readonly status: 403;
  readonly code: SignedRequestErrorCode;
  /** CloudFront's message for the code (docs/signed-urls.md §6). */
  readonly message: string;
  /** What exactly failed, for logs and debugging; CloudFront does not tell the viewer. */
  readonly reason: string;
  /** The response body CloudFront sends. */
  readonly body: string;
  readonly contentType: "text/xml";
}

export type SignedRequestResult = SignedRequestAccepted | SignedRequestRefused;

/** docs/signed-urls.md §6: CloudFront's messages; the first two are documented text, the others unverified. */
const MESSAGES: Readonly<Record<SignedRequestErrorCode, string>> = {
  MissingKey: "Missing Key-Pair-Id query parameter or cookie value",
  InvalidKey: "Unknown Key",
  MalformedPolicy: "Malformed Policy",
  AccessDenied: "Access denied",
};

/** docs/signed-urls.md §3: cookie names (case-sensitive) for each signing parameter. */
const COOKIE = {
  expires: "CloudFront-Expires",
  policy: "CloudFront-Policy",
  signature: "CloudFront-Signature",
  keyPairId: "CloudFront-Key-Pair-Id",
  hashAlgorithm: "CloudFront-Hash-Algorithm",
} as const;

interface SigningValues {
  readonly expires: string | undefined;
  readonly policy: string | undefined;
  readonly signature: string | undefined;
  readonly keyPairId: string | undefined;
  readonly hashAlgorithm: string | undefined;
}

/**
 * Verifies a request to a behavior that trusts key groups (docs/signed-urls.md §1-§6).
 *
 * @example
 * const result = verifySignedRequest({ scheme: "https", host, path, rawQuery, cookieHeader, viewerIp, now: clock.now(), publicKey: (id) => keys.get(id) });
 * if (!result.ok) return { status: 403, headers: { "content-type": result.contentType }, body: result.body };
 */
export function verifySignedRequest(input: SignedRequestInput): SignedRequestResult {
  const query = parseQuery(input.rawQuery);
  const remainingQuery = query.filter((p) => !SIGNING_QUERY_PARAMS.has(p.name)).map((p) => p.raw);
  const strippedQuery = remainingQuery.join("&");
  const fromQuery = (name: string) => query.find((p) => p.name === name)?.value;

  // docs/signed-urls.md §1: a signed URL wins over signed cookies; the cookies count only when the URL carries no signature.
  const urlSigned = ["Key-Pair-Id", "Signature", "Policy"].some((n) => fromQuery(n) !== undefined);
  const cookies = urlSigned ? new Map<string, string>() : parseCookies(input.cookieHeader);
  const cookieSigned = Object.values(COOKIE).some((n) => cookies.has(n));
  const source: "url" | "cookie" = urlSigned || !cookieSigned ? "url" : "cookie";
  const values: SigningValues =
    source === "url"
      ? { expires: fromQuery("Expires"), policy: fromQuery("Policy"), signature: fromQuery("Signature"), keyPairId: fromQuery("Key-Pair-Id"), hashAlgorithm: fromQuery("Hash-Algorithm") }
      : {
          expires: cookies.get(COOKIE.expires),
          policy: cookies.get(COOKIE.policy),
          signature: cookies.get(COOKIE.signature),
          keyPairId: cookies.get(COOKIE.keyPairId),
          hashAlgorithm: cookies.get(COOKIE.hashAlgorithm),
        };

  const keyPairId = values.keyPairId ?? "";
  if (keyPairId === "") return refuse("MissingKey", "no Key-Pair-Id query parameter and no CloudFront-Key-Pair-Id cookie");
  const key = loadKey(input.publicKey(keyPairId));
  if (key === undefined) return refuse("InvalidKey", `the key ${keyPairId} is not in a key group this cache behavior trusts`);

  if (!values.signature) return refuse("AccessDenied", `no ${source === "url" ? "Signature query parameter" : `${COOKIE.signature} cookie`}`);
  const hashAlgorithm = values.hashAlgorithm === undefined || values.hashAlgorithm === "SHA1" ? "SHA1" : values.hashAlgorithm === "SHA256" ? "SHA256" : undefined;
  if (hashAlgorithm === undefined) return refuse("AccessDenied", `Hash-Algorithm ${values.hashAlgorithm ?? ""} is not SHA1 or SHA256`);

  const url = `${input.scheme}://${hostForUrl(input.scheme, input.host)}${input.path}${strippedQuery !== "" ? `?${strippedQuery}` : ""}`;
  let statement: PolicyStatement;
  let policyBytes: Buffer;
  let policy: "canned" | "custom";
  if (values.policy !== undefined) {
    policy = "custom";
    const decoded = decodeCloudFrontBase64(values.policy);
    if (decoded === undefined) return refuse("MalformedPolicy", "the Policy is not CloudFront base64");
    policyBytes = decoded;
    const parsed = parseCustomPolicy(decoded);
    if (typeof parsed === "string") return refuse("MalformedPolicy", parsed);
    statement = parsed;
  } else if (values.expires !== undefined) {
    policy = "canned";
    if (!/^\d{1,15}$/.test(values.expires)) return refuse("MalformedPolicy", `Expires ${values.expires} is not a whole number of seconds`);
    // docs/signed-urls.md §4: the canned policy is rebuilt byte for byte; the signature covers the URL through it.
    policyBytes = Buffer.from(`{"Statement":[{"Resource":${JSON.stringify(url)},"Condition":{"DateLessThan":{"AWS:EpochTime":${values.expires}}}}]}`);
    statement = { resource: undefined, dateLessThan: Number(values.expires), dateGreaterThan: undefined, sourceIp: undefined };
  } else {
    return refuse("AccessDenied", `neither ${source === "url" ? "Expires nor Policy query parameters" : `${COOKIE.expires} nor ${COOKIE.policy} cookies`}`);
  }

  const signature = decodeCloudFrontBase64(values.signature);
  if (signature === undefined || !verifies(hashAlgorithm, policyBytes, key, signature)) {
    return refuse("AccessDenied", `the signature does not verify with key ${keyPairId} (${hashAlgorithm}, ${policy} policy)`);
  }
  const nowSeconds = input.now / 1000;
  if (!(nowSeconds < statement.dateLessThan)) return refuse("AccessDenied", `expired at ${statement.dateLessThan} (DateLessThan)`);
  if (statement.dateGreaterThan !== undefined && !(nowSeconds > statement.dateGreaterThan)) {
    return refuse("AccessDenied", `not valid before ${statement.dateGreaterThan} (DateGreaterThan)`);
  }
  if (statement.sourceIp !== undefined && !statement.sourceIp.matches(input.viewerIp)) {
    return refuse("AccessDenied", `viewer ${input.viewerIp} is outside ${statement.sourceIp.cidr} (IpAddress)`);
  }
  if (statement.resource !== undefined && !matchesResource(statement.resource, url)) {
    return refuse("AccessDenied", `${url} does not match the policy Resource ${statement.resource}`);
  }
  return { ok: true, source, policy, keyPairId, hashAlgorithm, query: source === "url" ? strippedQuery : input.rawQuery };
}

/** CloudFront's URL-safe base64 (docs/signed-urls.md §5.3): `-` `_` `~` stand for `+` `=` `/`; blank space is ignored. */
export function decodeCloudFrontBase64(text: string): Buffer | undefined {
  const standard = text.replace(/\s+/g, "").replace(/-/g, "+").replace(/_/g, "=").replace(/~/g, "/");
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(standard) || standard.length % 4 === 1) return undefined;
  return Buffer.from(standard, "base64");
}


// ---------------------------------------------------------------------------------------------
// Keys and signatures

const parsedKeys = new Map<string, KeyObject | undefined>();
const MAX_PARSED_KEYS = 256;

/** PEM → KeyObject, remembered (trusted keys are few and change rarely). */
function loadKey(key: string | KeyObject | undefined): KeyObject | undefined {
  if (key === undefined || typeof key !== "string") return key;
  if (parsedKeys.has(key)) return parsedKeys.get(key);
  let parsed: KeyObject | undefined;
  try {
    parsed = createPublicKey({ key, format: "pem" });
  } catch {
    parsed = undefined;
  }
  if (parsedKeys.size >= MAX_PARSED_KEYS) parsedKeys.clear();
  parsedKeys.set(key, parsed);
  return parsed;
}

/** docs/signed-urls.md §5.2: RSA PKCS#1 v1.5 or ECDSA (DER-encoded signature), over SHA-1 or SHA-256. */
function verifies(hash: "SHA1" | "SHA256", data: Buffer, key: KeyObject, signature: Buffer): boolean {
  try {
    return verify(hash === "SHA1" ? "sha1" : "sha256", data, key.asymmetricKeyType === "ec" ? { key, dsaEncoding: "der" } : key, signature);
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------
// Requests

interface QueryParam {
  /** The segment exactly as sent. */
  readonly raw: string;
  /** Percent-decoded name and value. */
  readonly name: string;
  readonly value: string;
}

function parseQuery(rawQuery: string): QueryParam[] {
  return queryParts(rawQuery).map((p) => ({ raw: p.raw, name: decodeLenient(p.name), value: decodeLenient(p.value) }));
}

/** Cookie name → value; the first occurrence of a name wins (the most specific Path is sent first). */
function parseCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const [name, raw] of cookiePairs(header ?? "")) {
    const value = raw.length >= 2 && raw.startsWith('"') && raw.endsWith('"') ? raw.slice(1, -1) : raw;
    if (!cookies.has(name)) cookies.set(name, decodeLenient(value));
  }
  return cookies;
}

/** The host as it appears in the URL the viewer used: lower-case, default port dropped. */
function hostForUrl(scheme: "http" | "https", host: string): string {
  const lower = host.toLowerCase();
  const defaultPort = scheme === "https" ? ":443" : ":80";
  return lower.endsWith(defaultPort) ? lower.slice(0, -defaultPort.length) : lower;
}

function refuse(code: SignedRequestErrorCode, reason: string): SignedRequestRefused {
  const message = MESSAGES[code];
  return {
    ok: false,
    status: 403,
    code,
    message,
    reason,
    body: `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`,
    contentType: "text/xml",
  };
}
