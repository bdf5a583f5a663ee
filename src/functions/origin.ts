// Checks the origin changes a 2.0 viewer-request function asked for through the `cloudfront`
// module (docs/functions.md §4.3, CloudFront guide "Helper methods for origin modification"). A bad parameter does not
// throw inside the function: CloudFront answers the viewer 502 ("invalid value for origin
// rewrite", seen in a public report), so the run fails as a FunctionValidationError afterwards.
// Whether origin ids exist is for the edge to decide; TestFunction checks none of this
// ("TestFunction does not verify origin modifications").
import type { OriginChange, RequestOriginGroupParams, UpdateRequestOriginParams } from "./types.ts";

export type OriginCheck = { readonly ok: true; readonly change: OriginChange } | { readonly ok: false; readonly message: string };

const SIGNING_BEHAVIORS = ["always", "never", "no-override"];
const ORIGIN_TYPES = ["s3", "mediastore", "mediapackagev2", "lambda"];
const SSL_PROTOCOLS = ["SSLv3", "TLSv1", "TLSv1.1", "TLSv1.2"];
const SELECTION_CRITERIA = ["default", "media-quality-based"];
/** Origin settings ranges from the distribution API (docs/control-plane.md §9): attempts 1–3, connection timeout 1–10 s, read 1–120 s, keep-alive 1–60 s. */
const RANGES = {
  connectionAttempts: [1, 3],
  connectionTimeout: [1, 10],
  readTimeout: [1, 120],
  keepAliveTimeout: [1, 60],
  port: [1, 65535],
} as const;

class Invalid extends Error {}

/** Validates one recorded change (`raw` is what the sandbox recorded, already plain JSON). */
export function checkOriginChange(raw: unknown): OriginCheck {
  try {
    return { ok: true, change: check(raw) };
  } catch (err) {
    if (err instanceof Invalid) return { ok: false, message: `The function returned an invalid value for origin rewrite: ${err.message}` };
    throw err;
  }
}

function check(raw: unknown): OriginChange {
  const c = raw as { type?: unknown; params?: unknown; originId?: unknown };
  switch (c.type) {
    case "selectRequestOriginById":
      if (typeof c.originId !== "string" || c.originId === "") throw new Invalid("selectRequestOriginById needs an origin id (a non-empty string).");
      return { type: "selectRequestOriginById", originId: c.originId };
    case "updateRequestOrigin":
      return { type: "updateRequestOrigin", params: updateParams(c.params) };
    case "createRequestOriginGroup":
      return { type: "createRequestOriginGroup", params: groupParams(c.params) };
    default:
      throw new Invalid(`unknown origin change ${String(c.type)}.`);
  }
}

function updateParams(p: unknown): UpdateRequestOriginParams {
  const o = object(p, "updateRequestOrigin parameters");
  allowOnly(o, ["domainName", "hostHeader", "originPath", "customHeaders", "connectionAttempts", "originShield", "originAccessControlConfig", "timeouts", "customOriginConfig"], "updateRequestOrigin");
  if (o["domainName"] !== undefined) {
    const d = string(o["domainName"], "domainName");
    if (d === "" || d.length > 253 || !/^[A-Za-z0-9.-]+$/.test(d)) throw new Invalid(`domainName ${JSON.stringify(d)} is not a valid domain name.`);
  }
  if (o["hostHeader"] !== undefined && string(o["hostHeader"], "hostHeader") === "") throw new Invalid("hostHeader must not be empty.");
  if (o["originPath"] !== undefined) {
    const path = string(o["originPath"], "originPath");
    if (path !== "" && (!path.startsWith("/") || path.endsWith("/") || path.length > 255)) throw new Invalid(`originPath ${JSON.stringify(path)} must start with / and not end with /.`);
  }
  if (o["customHeaders"] !== undefined) {
    const headers = object(o["customHeaders"], "customHeaders");
    for (const [name, value] of Object.entries(headers)) {
      if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(name)) throw new Invalid(`custom header name ${JSON.stringify(name)} is not valid.`);
      if (/[\r\n\0]/.test(string(value, `custom header ${name}`))) throw new Invalid(`custom header ${name} has a line break in its value.`);
    }
  }
  if (o["connectionAttempts"] !== undefined) integer(o["connectionAttempts"], "connectionAttempts", RANGES.connectionAttempts);
  if (o["originShield"] !== undefined) {
    const s = object(o["originShield"], "originShield");
    allowOnly(s, ["enabled", "region"], "originShield");
    boolean(s["enabled"], "originShield.enabled");
    if (s["enabled"] === true) string(s["region"], "originShield.region");
  }
  if (o["originAccessControlConfig"] !== undefined) {
    const a = object(o["originAccessControlConfig"], "originAccessControlConfig");
    allowOnly(a, ["enabled", "signingBehavior", "signingProtocol", "originType"], "originAccessControlConfig");
    boolean(a["enabled"], "originAccessControlConfig.enabled");
    if (a["signingBehavior"] !== undefined) oneOf(a["signingBehavior"], SIGNING_BEHAVIORS, "signingBehavior");
    if (a["signingProtocol"] !== undefined) oneOf(a["signingProtocol"], ["sigv4"], "signingProtocol");
    if (a["originType"] !== undefined) oneOf(a["originType"], ORIGIN_TYPES, "originType");
  }
  if (o["timeouts"] !== undefined) {
    const t = object(o["timeouts"], "timeouts");
    allowOnly(t, ["readTimeout", "keepAliveTimeout", "connectionTimeout"], "timeouts");
    for (const k of ["readTimeout", "keepAliveTimeout", "connectionTimeout"] as const) if (t[k] !== undefined) integer(t[k], `timeouts.${k}`, RANGES[k]);
  }
  if (o["customOriginConfig"] !== undefined) {
    const c = object(o["customOriginConfig"], "customOriginConfig");
    allowOnly(c, ["port", "protocol", "sslProtocols", "ipAddressType"], "customOriginConfig");
    if (c["port"] !== undefined) integer(c["port"], "customOriginConfig.port", RANGES.port);
    if (c["protocol"] !== undefined) oneOf(c["protocol"], ["http", "https"], "customOriginConfig.protocol");
    if (c["sslProtocols"] !== undefined) {
      if (!Array.isArray(c["sslProtocols"]) || c["sslProtocols"].length === 0) throw new Invalid("customOriginConfig.sslProtocols must be a non-empty array.");
      for (const p of c["sslProtocols"]) oneOf(p, SSL_PROTOCOLS, "customOriginConfig.sslProtocols");
    }
    if (c["ipAddressType"] !== undefined) oneOf(c["ipAddressType"], ["ipv4", "ipv6", "dualstack"], "customOriginConfig.ipAddressType");
  }
  return o as UpdateRequestOriginParams;
}

function groupParams(p: unknown): RequestOriginGroupParams {
  const o = object(p, "createRequestOriginGroup parameters");
  allowOnly(o, ["originIds", "failoverCriteria", "selectionCriteria"], "createRequestOriginGroup");
  const ids = o["originIds"];
  if (!Array.isArray(ids) || ids.length !== 2) throw new Invalid("originIds must list exactly two origins.");
  // Both spellings appear in AWS-derived material (docs/functions.md §4.3): ["a","b"] and [{originId:"a"}, …].
  const originIds = ids.map((id: unknown) => {
    const v = typeof id === "object" && id !== null ? (id as { originId?: unknown }).originId : id;
    if (typeof v !== "string" || v === "") throw new Invalid("every originIds entry must be an origin id or {originId}.");
    return v;
  });
  const criteria = object(o["failoverCriteria"], "failoverCriteria");
  const codes = criteria["statusCodes"];
  if (!Array.isArray(codes) || codes.length === 0) throw new Invalid("failoverCriteria.statusCodes must be a non-empty array.");
  for (const code of codes) integer(code, "failoverCriteria.statusCodes", [400, 599]);
  if (o["selectionCriteria"] !== undefined) oneOf(o["selectionCriteria"], SELECTION_CRITERIA, "selectionCriteria");
  return {
    originIds,
    failoverCriteria: { statusCodes: codes as number[] },
    ...(o["selectionCriteria"] !== undefined ? { selectionCriteria: o["selectionCriteria"] as RequestOriginGroupParams["selectionCriteria"] & string } : {}),
  };
}

function object(v: unknown, what: string): Record<string, unknown> {
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw new Invalid(`${what} must be an object.`);
  return v as Record<string, unknown>;
}

function allowOnly(o: Record<string, unknown>, keys: readonly string[], what: string): void {
  for (const k of Object.keys(o)) if (!keys.includes(k)) throw new Invalid(`${what} has no parameter ${JSON.stringify(k)}.`);
}

function string(v: unknown, what: string): string {
  if (typeof v !== "string") throw new Invalid(`${what} must be a string.`);
  return v;
}

function boolean(v: unknown, what: string): void {
  if (typeof v !== "boolean") throw new Invalid(`${what} must be true or false.`);
}

function integer(v: unknown, what: string, [min, max]: readonly [number, number]): void {
  if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) throw new Invalid(`${what} must be a whole number from ${min} to ${max}.`);
}

function oneOf(v: unknown, allowed: readonly string[], what: string): void {
  if (typeof v !== "string" || !allowed.includes(v)) throw new Invalid(`${what} must be one of ${allowed.join(", ")}.`);
}
