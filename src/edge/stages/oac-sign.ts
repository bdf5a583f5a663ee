// Origin access control signing (docs/edge.md §7.5): CloudFront signs the request to an origin with
// an OAC with SigV4 in the origin's service and region, so a bucket that admits only
// `cloudfront.amazonaws.com` (with an AWS:SourceArn condition) serves it. Uses @smithy/signature-v4
// with the emulator's configurable credentials, so an S3 that verifies SigV4 accepts the request.
//
// - SigningBehavior (CloudFront API reference "OriginAccessControlConfig"): `always` signs every request, replacing a
//   viewer Authorization header; `never` leaves the request as it is; `no-override` passes a viewer
//   Authorization header along unsigned and signs only requests without one; `always-amz-auth`
//   (Lambda origins) is signed like `always` (see "Not done").
// - Service from OriginAccessControlOriginType (s3, lambda, mediastore, mediapackagev2); region from
//   the origin's domain name (`bucket.s3.eu-west-1.amazonaws.com`, `….lambda-url.eu-west-1.on.aws`),
//   us-east-1 when it names none (`bucket.s3.amazonaws.com`, local names).
// - Payload hash (x-amz-content-sha256): the viewer's own when it sent a valid one (Lambda function
//   URLs require that for PUT/POST, per AWS's Lambda OAC page); else SHA-256 of a buffered body, of
//   the empty string without a body, UNSIGNED-PAYLOAD for a streamed body (S3 accepts it).
// - Signed headers: host and every x-amz-* header of the origin request (S3 requires x-amz-* headers
//   to be signed); the exact set CloudFront signs is unverified, and other headers stay unsigned so
//   that hops after signing may add them.
// Not done: SigningProtocol sigv4a (signed with sigv4); always-amz-auth also forwarding the viewer's
// Authorization header (CloudFront's way of sending both is undocumented).
import { createHash } from "node:crypto";
import { SignatureV4 } from "@smithy/signature-v4";
import { NodeSha256 } from "../../api/node-sha256.ts";
import type { AwsCredentials } from "../../services/s3/cloudfront-identity.ts";
import { decodedQueryPairs } from "../../http/query.ts";

/** The parts of an OriginAccessControlConfig that signing needs (names as in the API). */
export interface OriginAccessControlSettings {
  readonly SigningBehavior: string;
  readonly SigningProtocol: string;
  readonly OriginAccessControlOriginType: string;
}

export interface OriginRequestToSign {
  readonly method: string;
  /** The Host header the origin request carries (name or name:port), exactly as it will be sent. */
  readonly host: string;
  /** The path as sent to the origin, already percent-encoded (S3 signs it without encoding it again). */
  readonly path: string;
  /** The raw query string as sent, without `?` ("" when none). */
  readonly query: string;
  /** Headers of the origin request, lower-case names. A forwarded viewer Authorization is among them. */
  readonly headers: Readonly<Record<string, string>>;
  /** The body: bytes when buffered, "stream" when streamed unread, undefined when there is none. */
  readonly body?: Uint8Array | "stream" | undefined;
}

export type { AwsCredentials } from "../../services/s3/cloudfront-identity.ts";

export interface OacSigningOptions {
  readonly credentials: AwsCredentials;
  /** Epoch milliseconds, from the injected clock. */
  readonly now: number;
  /** The origin's DomainName as configured on the distribution: the signing region comes from it. */
  readonly originDomain: string;
  /** The viewer's Authorization header, if it sent one (for no-override); defaults to headers.authorization. */
  readonly viewerAuthorization?: string | undefined;
}

export interface OacSigningResult {
  /** Whether the request was signed; when false, `headers` are the input headers (no-override: with the viewer's Authorization). */
  readonly signed: boolean;
  /** The headers to send to the origin. */
  readonly headers: Record<string, string>;
  readonly region: string;
  readonly service: string;
}

/** SigV4 service name per OAC origin type (docs/edge.md §7.5 "Origin types"). */
export const OAC_SERVICES: Readonly<Record<string, string>> = { s3: "s3", lambda: "lambda", mediastore: "mediastore", mediapackagev2: "mediapackagev2" };

const EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
const UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD";
/** Headers the viewer may have sent that belong to its own signature, not to ours. */
const VIEWER_AUTH_HEADERS = ["authorization", "x-amz-date", "x-amz-security-token", "x-amz-content-sha256"];

/**
 * Signs (or not, per SigningBehavior) an origin request the way CloudFront does for an origin with
 * an origin access control (docs/edge.md §7.5).
 *
 * @example
 * const { headers } = await signOriginRequest(
 *   { method: "GET", host: "127.0.0.1:4566", path: "/my-bucket/index.html", query: "", headers: forwarded },
 *   oac.config,
 *   { credentials, now: clock.now(), originDomain: origin.DomainName },
 * );
 */
export async function signOriginRequest(req: OriginRequestToSign, oac: OriginAccessControlSettings, options: OacSigningOptions): Promise<OacSigningResult> {
  const service = OAC_SERVICES[oac.OriginAccessControlOriginType] ?? "s3";
  const region = regionFromOriginDomain(options.originDomain);
  const viewerAuthorization = options.viewerAuthorization ?? req.headers["authorization"];
  const behavior = oac.SigningBehavior;
  if (behavior === "never") return { signed: false, headers: { ...req.headers }, region, service };
  if (behavior === "no-override" && viewerAuthorization !== undefined && viewerAuthorization !== "") {
    return { signed: false, headers: { ...req.headers, authorization: viewerAuthorization }, region, service };
  }

  const viewerPayloadHash = req.headers["x-amz-content-sha256"];
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) if (!VIEWER_AUTH_HEADERS.includes(name)) headers[name] = value;
  headers["host"] = req.host;
  headers["x-amz-content-sha256"] =
    viewerPayloadHash !== undefined && (/^[0-9a-f]{64}$/.test(viewerPayloadHash) || viewerPayloadHash === UNSIGNED_PAYLOAD)
      ? viewerPayloadHash
      : req.body === undefined
        ? EMPTY_SHA256
        : req.body === "stream"
          ? UNSIGNED_PAYLOAD
          : createHash("sha256").update(req.body).digest("hex");

  const toSign: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) if (name === "host" || name.startsWith("x-amz-")) toSign[name] = value;
  const signer = new SignatureV4({ credentials: options.credentials, region, service, sha256: NodeSha256, uriEscapePath: service !== "s3", applyChecksum: true });
  const signed = await signer.sign(
    { method: req.method.toUpperCase(), protocol: "https:", hostname: hostName(req.host), path: req.path, query: parseQuery(req.query), headers: toSign },
    { signingDate: new Date(options.now) },
  );
  for (const [name, value] of Object.entries(signed.headers)) headers[name.toLowerCase()] = value;
  return { signed: true, headers, region, service };
}

/**
 * The region in an AWS origin domain name: a `xx-name-N` label (`s3.eu-west-1`, `s3-eu-west-1`,
 * `s3.dualstack.eu-west-1`, `lambda-url.eu-west-1.on.aws`); us-east-1 when there is none.
 */
export function regionFromOriginDomain(domain: string): string {
  for (const label of domain.toLowerCase().split(".")) {
    const m = /^(?:s3-)?([a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d+)$/.exec(label);
    if (m) return m[1] as string;
  }
  return "us-east-1";
}

/** The raw query as SigV4 wants it: decoded names → decoded value(s); the signer encodes them canonically. */
function parseQuery(raw: string): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  for (const [name, value] of decodedQueryPairs(raw)) {
    const prev = query[name];
    query[name] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
  }
  return query;
}

function hostName(host: string): string {
  return host.replace(/:\d+$/, "");
}
