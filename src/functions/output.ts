// What a function may return and how CloudFront checks it (docs/functions.md §4.2,
// CloudFront guide "CloudFront Functions event structure"). Two levels:
// - structural, always: the result must be a request or response object CloudFront can read
//   (a viewer-request function may return either; a viewer-response function a response);
// - edge rules, only for real traffic: read-only and disallowed headers, the method, the URI and
//   query, status codes, base64 bodies. A violation is a FunctionValidationError (502). TestFunction
//   skips these: "CloudFront only validates against function execution errors" (CloudFront guide "Test functions").
// Missing `headers`, `cookies` and `querystring` are filled with `{}` as CloudFront's FunctionOutput
// shows them ("cookies":{} in AWS's test-function examples).
import { isDisallowedHeader, READ_ONLY_HEADERS } from "./event.ts";
import type { FunctionEvent, FunctionEventType, FunctionRequest, FunctionResponse } from "./types.ts";

export type OutputCheck =
  | { readonly ok: true; readonly kind: "request"; readonly request: FunctionRequest }
  | { readonly ok: true; readonly kind: "generated-response" | "response"; readonly response: FunctionResponse }
  /** `structural`: not a request/response object at all (also an error in TestFunction). */
  | { readonly ok: false; readonly structural: boolean; readonly message: string };

/** docs/functions.md §4.2: the URI plus query must stay under 8,192 characters. */
export const MAX_URI_LENGTH = 8192;
/** Status codes a function may set: the range Lambda@Edge documents (docs/functions.md §7.3); CloudFront Functions' own range is unverified. */
const MIN_STATUS = 200;
const MAX_STATUS = 599;

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9a-z]+$/;
const COOKIE_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
const CONTROL = /[\u0000-\u001f\u007f]/;
// eslint-disable-next-line no-control-regex -- as above
const BAD_QUERY = /[\u0000-\u0020\u007f#]/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

class OutputError extends Error {
  readonly structural: boolean;
  constructor(message: string, structural = false) {
    super(message);
    this.structural = structural;
  }
}

/**
 * Checks and normalizes what a handler returned (`returned` is the parsed JSON of its result).
 * `edgeRules` adds the checks real traffic gets.
 */
export function checkFunctionOutput(event: FunctionEvent, returned: unknown, edgeRules: boolean): OutputCheck {
  try {
    return check(event, returned, edgeRules);
  } catch (err) {
    if (err instanceof OutputError) return { ok: false, structural: err.structural, message: err.message };
    throw err;
  }
}

function check(event: FunctionEvent, returned: unknown, edgeRules: boolean): OutputCheck {
  const eventType: FunctionEventType = event.context.eventType;
  if (returned === null || typeof returned !== "object" || Array.isArray(returned)) {
    throw new OutputError(`The function must return a ${eventType === "viewer-request" ? "request or response" : "response"} object, not ${describe(returned)}.`, true);
  }
  const obj = returned as Record<string, unknown>;
  const isResponse = "statusCode" in obj;
  if (eventType === "viewer-response" && !isResponse) {
    throw new OutputError("A viewer-response function must return a response object (with statusCode).", true);
  }
  if (isResponse) {
    const response = normalizeResponse(obj);
    if (edgeRules) checkResponse(response, eventType, event.response);
    return { ok: true, kind: eventType === "viewer-request" ? "generated-response" : "response", response };
  }
  const request = normalizeRequest(obj, event.request);
  if (edgeRules) checkRequest(request, event.request);
  return { ok: true, kind: "request", request };
}

function normalizeRequest(obj: Record<string, unknown>, original: FunctionRequest): FunctionRequest {
  const qs = obj["querystring"];
  return {
    method: obj["method"] === undefined ? original.method : (obj["method"] as string),
    uri: obj["uri"] as string,
    querystring: qs === undefined || qs === null ? {} : (qs as FunctionRequest["querystring"]),
    headers: mapOrEmpty(obj["headers"], "headers") as FunctionRequest["headers"],
    cookies: mapOrEmpty(obj["cookies"], "cookies") as FunctionRequest["cookies"],
  };
}

function normalizeResponse(obj: Record<string, unknown>): FunctionResponse {
  const out: FunctionResponse = {
    statusCode: obj["statusCode"] as number,
    headers: mapOrEmpty(obj["headers"], "headers") as FunctionResponse["headers"],
    cookies: mapOrEmpty(obj["cookies"], "cookies") as FunctionResponse["cookies"],
  };
  if (obj["statusDescription"] !== undefined) out.statusDescription = obj["statusDescription"] as string;
  if (obj["body"] !== undefined) out.body = obj["body"] as FunctionResponse["body"];
  return out;
}

function mapOrEmpty(v: unknown, what: string): Record<string, unknown> {
  if (v === undefined || v === null) return {};
  if (typeof v !== "object" || Array.isArray(v)) throw new OutputError(`${what} must be an object, not ${describe(v)}.`, true);
  return v as Record<string, unknown>;
}

// ---------------------------------------------------------------------------------------------
// Edge rules

function checkRequest(req: FunctionRequest, original: FunctionRequest): void {
  if (req.method !== original.method) throw new OutputError(`The request method is read-only (${original.method} was changed to ${describe(req.method)}).`);
  if (typeof req.uri !== "string" || !req.uri.startsWith("/")) throw new OutputError(`The request uri must be a string that starts with "/", not ${describe(req.uri)}.`);
  if (CONTROL.test(req.uri) || req.uri.includes(" ") || req.uri.includes("#")) throw new OutputError(`The request uri ${JSON.stringify(req.uri)} contains characters that are not allowed.`);
  let queryLength = 0;
  if (typeof req.querystring === "string") {
    const q = req.querystring.startsWith("?") ? req.querystring.slice(1) : req.querystring;
    if (BAD_QUERY.test(q)) throw new OutputError("The query string must not contain spaces, control characters or #.");
    queryLength = q.length;
  } else {
    if (typeof req.querystring !== "object" || Array.isArray(req.querystring)) throw new OutputError(`querystring must be an object or a string, not ${describe(req.querystring)}.`);
    for (const [name, entry] of Object.entries(req.querystring)) {
      const values = entryValues(entry, `querystring ${JSON.stringify(name)}`);
      for (const v of [name, ...values]) {
        if (BAD_QUERY.test(v)) throw new OutputError(`The query parameter ${JSON.stringify(name)} contains spaces, control characters or #.`);
      }
      queryLength += values.reduce((n, v) => n + name.length + v.length + 2, 0);
    }
  }
  if (req.uri.length + queryLength >= MAX_URI_LENGTH) throw new OutputError(`The request URI with its query is longer than ${MAX_URI_LENGTH - 1} characters.`);
  checkHeaders(req.headers, original.headers, "viewer-request");
  for (const [name, entry] of Object.entries(req.cookies)) {
    if (!COOKIE_NAME.test(name)) throw new OutputError(`The cookie name ${JSON.stringify(name)} is not valid.`);
    for (const v of entryValues(entry, `cookie ${JSON.stringify(name)}`)) {
      if (CONTROL.test(v) || v.includes(";")) throw new OutputError(`The value of cookie ${JSON.stringify(name)} contains characters that are not allowed.`);
    }
  }
}

function checkResponse(res: FunctionResponse, eventType: FunctionEventType, original: FunctionResponse | undefined): void {
  if (!Number.isInteger(res.statusCode) || res.statusCode < MIN_STATUS || res.statusCode > MAX_STATUS) {
    throw new OutputError(`statusCode must be an integer from ${MIN_STATUS} to ${MAX_STATUS}, not ${describe(res.statusCode)}.`);
  }
  if (res.statusDescription !== undefined && (typeof res.statusDescription !== "string" || CONTROL.test(res.statusDescription))) {
    throw new OutputError(`statusDescription must be a string without control characters, not ${describe(res.statusDescription)}.`);
  }
  // A generated response has no original headers: read-only rules are about changing CloudFront's.
  checkHeaders(res.headers, original?.headers ?? {}, eventType === "viewer-response" ? "viewer-response" : undefined);
  for (const [name, entry] of Object.entries(res.cookies)) {
    if (!COOKIE_NAME.test(name)) throw new OutputError(`The cookie name ${JSON.stringify(name)} is not valid.`);
    if (typeof entry !== "object" || entry === null || typeof entry.value !== "string") throw new OutputError(`cookie ${JSON.stringify(name)} must be an object with a string value.`);
    const all = entry.multiValue ?? [entry];
    if (!Array.isArray(all)) throw new OutputError(`multiValue of cookie ${JSON.stringify(name)} must be an array.`);
    for (const c of all) {
      if (typeof c?.value !== "string" || CONTROL.test(c.value) || c.value.includes(";")) throw new OutputError(`The value of cookie ${JSON.stringify(name)} is not valid.`);
      if (c.attributes !== undefined && (typeof c.attributes !== "string" || CONTROL.test(c.attributes))) throw new OutputError(`The attributes of cookie ${JSON.stringify(name)} are not valid.`);
    }
  }
  if (res.body !== undefined) checkBody(res.body);
}

function checkBody(body: unknown): void {
  if (typeof body === "string") return;
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw new OutputError(`body must be a string or {encoding, data}, not ${describe(body)}.`);
  const { encoding, data } = body as { encoding?: unknown; data?: unknown };
  if (encoding !== "text" && encoding !== "base64") throw new OutputError(`body.encoding must be "text" or "base64", not ${describe(encoding)}.`);
  if (typeof data !== "string") throw new OutputError(`body.data must be a string, not ${describe(data)}.`);
  // CloudFront guide "CloudFront Functions event structure": "If you specify encoding as base64 but the body is not valid base64, CloudFront returns an error."
  if (encoding === "base64" && (data.replace(/\s/g, "").length % 4 !== 0 || !BASE64.test(data.replace(/\s/g, "")))) {
    throw new OutputError("body.data is not valid base64.");
  }
}

function checkHeaders(headers: Record<string, unknown>, original: Readonly<Record<string, unknown>>, readOnlyFor: FunctionEventType | undefined): void {
  for (const [name, entry] of Object.entries(headers)) {
    if (!TOKEN.test(name)) throw new OutputError(`The header name ${JSON.stringify(name)} is not valid: header names must be lower-case tokens.`);
    if (isDisallowedHeader(name)) throw new OutputError(`The function may not add or change the ${name} header.`);
    for (const v of entryValues(entry, `header ${JSON.stringify(name)}`)) {
      if (/[\r\n\0]/.test(v)) throw new OutputError(`The value of header ${JSON.stringify(name)} contains a line break or NUL.`);
    }
  }
  if (!readOnlyFor) return;
  for (const name of READ_ONLY_HEADERS[readOnlyFor]) {
    const before = Object.hasOwn(original, name) ? JSON.stringify(valuesOf(original[name])) : undefined;
    const after = Object.hasOwn(headers, name) ? JSON.stringify(valuesOf(headers[name])) : undefined;
    if (before !== after) throw new OutputError(`The ${name} header is read-only in a ${readOnlyFor} function.`);
  }
}

/** All values of a header/query/cookie entry, after checking its shape. */
function entryValues(entry: unknown, what: string): string[] {
  if (typeof entry !== "object" || entry === null || Array.isArray(entry)) throw new OutputError(`${what} must be an object {value}, not ${describe(entry)}.`);
  const e = entry as { value?: unknown; multiValue?: unknown };
  if (typeof e.value !== "string") throw new OutputError(`${what} must have a string value, not ${describe(e.value)}.`);
  if (e.multiValue === undefined) return [e.value];
  if (!Array.isArray(e.multiValue)) throw new OutputError(`multiValue of ${what} must be an array.`);
  const values = e.multiValue.map((m: unknown) => (m as { value?: unknown } | null)?.value);
  if (!values.every((v): v is string => typeof v === "string")) throw new OutputError(`Every multiValue item of ${what} must have a string value.`);
  return [e.value, ...values];
}

function valuesOf(entry: unknown): unknown {
  const e = entry as { value?: unknown; multiValue?: Array<{ value?: unknown }> };
  return e.multiValue ? e.multiValue.map((m) => m.value) : [e.value];
}

function describe(v: unknown): string {
  if (v === undefined) return "undefined";
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (typeof v === "string") return JSON.stringify(v.length > 40 ? v.slice(0, 40) + "…" : v);
  if (typeof v === "object") return "an object";
  return String(v);
}

// ---------------------------------------------------------------------------------------------
// TestFunction's FunctionOutput

/**
 * The JSON string TestFunction returns as FunctionOutput: `{"request":{…}}` or `{"response":{…}}`
 * with the member order CloudFront's examples show (request: headers, method, querystring, uri,
 * cookies; response: headers, statusDescription, cookies, statusCode; response cookies put
 * `attributes` before `value`).
 */
export function formatFunctionOutput(check: Extract<OutputCheck, { ok: true }>): string {
  if (check.kind === "request") {
    const r = check.request;
    return JSON.stringify({ request: { headers: r.headers, method: r.method, querystring: r.querystring, uri: r.uri, cookies: r.cookies } });
  }
  const r = check.response;
  // No prototype: a cookie named __proto__ is an ordinary key.
  const cookies = Object.create(null) as Record<string, unknown>;
  for (const [name, c] of Object.entries(r.cookies)) {
    cookies[name] = c && typeof c === "object" && "attributes" in c ? { attributes: c.attributes, value: c.value, ...(c.multiValue ? { multiValue: c.multiValue } : {}) } : c;
  }
  return JSON.stringify({
    response: {
      headers: r.headers,
      ...(r.statusDescription !== undefined ? { statusDescription: r.statusDescription } : {}),
      cookies,
      statusCode: r.statusCode,
      ...(r.body !== undefined ? { body: r.body } : {}),
    },
  });
}
