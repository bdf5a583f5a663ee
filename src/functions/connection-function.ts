// Connection functions on the CloudFront Functions sandbox (issue 17; CloudFront Developer Guide
// "Associate CloudFront Connection Functions", "Write CloudFront Connection Function code for mTLS
// validation"). A connection function is `connectionHandler(connection)` (usually async) that
// calls `connection.allow()` or `connection.deny()`; the guide's examples read
// `connection.clientCertInfo.serialNumber` / `.issuer` and call `connection.logCustomData(text)`.
//
// It runs through the runtime's public API (runtime.ts `run`), unchanged: the user's code is
// followed by a small `handler` that rebuilds the connection object from one request header of a
// viewer-request event, calls `connectionHandler`, and answers a generated response whose status
// carries the decision (200 allow, 403 deny, 500 neither). So KVS reads (`cf.kvs()`), limits,
// console logs and compute utilization are those of CloudFront Functions.
//
// The connection object (names other than clientCertInfo.serialNumber/issuer, allow, deny and
// logCustomData are unverified; AWS's event page was not available here): `clientIp`,
// `serverName` (SNI), `tlsVersion`, `cipherSuite`, `distributionId`, `clientCertInfo` (absent
// without a certificate) with `serialNumber`, `issuer`, `subject` (RFC 2253), `sha256`,
// `validity: { notBefore, notAfter }` (ISO 8601). Not done: `logCustomData` goes nowhere (there are
// no connection logs); a handler that calls neither allow nor deny is treated as a deny.
import type { FunctionEvent, FunctionRunResult, FunctionToRun } from "./types.ts";
import type { FunctionRuntime } from "./runtime.ts";

/** What a connection function sees of a viewer's TLS connection. */
export interface ConnectionObject {
  readonly clientIp: string;
  readonly serverName?: string;
  readonly tlsVersion?: string;
  readonly cipherSuite?: string;
  readonly distributionId?: string;
  readonly clientCertInfo?: ClientCertInfo;
}

export interface ClientCertInfo {
  readonly serialNumber: string;
  readonly issuer: string;
  readonly subject: string;
  readonly sha256: string;
  readonly validity: { readonly notBefore: string; readonly notAfter: string };
}

export type ConnectionDecision = "allow" | "deny";

export interface ConnectionRunResult {
  /** `deny` also when the function failed or decided nothing (the connection is closed). */
  readonly decision: ConnectionDecision;
  /** Set when the function failed (threw, exceeded a limit) or called neither allow nor deny. */
  readonly error?: string;
  readonly logs: readonly string[];
  readonly computeUtilization: number;
}

/** The request header the connection object travels in (never seen by the user's code as such). */
const CONNECTION_HEADER = "x-minifront-connection";

// Declared after the user's code: a function declaration of the same name later in the code wins,
// so a connection function that happens to define `handler` still runs through this one.
const SHIM = `
async function handler(event) {
  var connection = JSON.parse(event.request.headers["${CONNECTION_HEADER}"].value);
  var decision = "";
  connection.allow = function () { if (decision === "") decision = "allow"; };
  connection.deny = function () { if (decision === "") decision = "deny"; };
  connection.logCustomData = function () {};
  await connectionHandler(connection);
  return { statusCode: decision === "allow" ? 200 : decision === "deny" ? 403 : 500, headers: {}, cookies: {} };
}
`;

/** The code the sandbox runs for a connection function (also what Create/Update check). */
export function connectionFunctionSource(code: string): string {
  return `${code}\n${SHIM}`;
}

/** Runs a connection function on a connection; never rejects for anything the function does. */
export async function runConnectionFunction(runtime: FunctionRuntime, fn: FunctionToRun, connection: ConnectionObject): Promise<ConnectionRunResult> {
  const event: FunctionEvent = {
    version: "1.0",
    context: { eventType: "viewer-request", ...(connection.distributionId ? { distributionId: connection.distributionId } : {}) },
    viewer: { ip: connection.clientIp },
    request: { method: "GET", uri: "/", querystring: {}, headers: { [CONNECTION_HEADER]: { value: JSON.stringify(connection) } }, cookies: {} },
  };
  const result = await runtime.run({ ...fn, code: connectionFunctionSource(fn.code) }, "viewer-request", event, { validateOutput: false });
  return decisionOf(result);
}

function decisionOf(result: FunctionRunResult): ConnectionRunResult {
  const base = { logs: result.logs, computeUtilization: result.computeUtilization };
  if (result.kind !== "generated-response") {
    return { ...base, decision: "deny", error: result.kind === "error" ? result.message : "The connection function returned no decision." };
  }
  if (result.response.statusCode === 200) return { ...base, decision: "allow" };
  if (result.response.statusCode === 403) return { ...base, decision: "deny" };
  return { ...base, decision: "deny", error: "The connection function called neither connection.allow() nor connection.deny()." };
}
