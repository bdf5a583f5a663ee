// How an event crosses into QuickJS without JSON (the prelude's `invoke` reads it). QuickJS parses
// JSON slowly: about 20 µs for a 330-byte viewer-request event in this build, more than the rest of
// a trivial run. So the event goes in as one string of fields joined by U+0001, split inside
// QuickJS only when the handler reads something that needs it; see sandbox-prelude.js "The event".
//
// Layout (indexes are FIELD; maps are written at the end and located by their start index):
//   eventType, now, flags, rawQueryString, edge name, edge serverIp, edge region, version,
//   distributionDomainName, distributionId, requestId, viewer ip, method, uri,
//   querystring@, headers@, cookies@, statusCode, statusDescription, response headers@, response cookies@
//   map:         count, then per entry: name, n, n values
//   cookie map:  count, then per entry: name, n, n × (value, attributes or "" when absent)
// Absent optional fields are "" with their bit clear in `flags`. Beside the string goes one number,
// `now * 128 + flags` (now in whole ms): what every request needs, without splitting the string.
// Until a context's runs read the event, they are sent that number alone (`packedShape`; sandbox.ts
// `begin`).
//
// Only events shaped exactly as event.ts builds them are encoded (its builders' own events are
// taken at their word; others are checked member by member); anything else (a TestFunction event
// with extra members, a value holding U+0001 or NUL, a single-item multiValue) travels as JSON,
// which the prelude parses as before.
import { isBuiltEvent } from "./event.ts";
import type { EdgeLocation, FunctionEvent, FunctionEventType, FunctionResponseCookie, FunctionValue, RunOptions } from "./types.ts";
import { ViewerEvent, type RunnableEvent } from "./viewer-event.ts";

export const SEP = "\u0001";

/** Indexes of the fixed fields (kept in step with the F_* constants in sandbox-prelude.js). */
export const FIELD = {
  eventType: 0, now: 1, flags: 2, rawQuery: 3, edge: 4, version: 7, domain: 8, distributionId: 9, requestId: 10, ip: 11,
  method: 12, uri: 13, querystring: 14, headers: 15, cookies: 16, statusCode: 17, statusDescription: 18,
  responseHeaders: 19, responseCookies: 20,
} as const;

/** Bits of the flags field (the HAS_* constants in sandbox-prelude.js). */
export const FLAG = { rawQuery: 1, edge: 2, domain: 4, distributionId: 8, requestId: 16, statusDescription: 32, response: 64 } as const;

/** What goes into QuickJS for one run. */
export interface WireEvent {
  readonly input: string;
  /** `now * 128 + flags`. */
  readonly packed: number;
}

// eslint-disable-next-line no-control-regex -- exactly the characters the encoding cannot carry
const UNSAFE = /[\u0000\u0001]/g;

class NotEncodable extends Error {}

/**
 * The flat encoding of `event` for the prelude, or undefined when the event is not shaped as
 * event.ts builds it (the caller then sends JSON).
 */
export function encodeEvent(event: FunctionEvent, eventType: FunctionEventType, options: RunOptions, now: number): WireEvent | undefined {
  try {
    return encode(event, eventType, options, now);
  } catch (err) {
    if (err instanceof NotEncodable) return undefined;
    throw err;
  }
}

/**
 * `now * 128 + flags` alone, for a run that is sent no event text (sandbox.ts `begin`): only for
 * a ViewerEvent or an event event.ts built (their shape is known without looking); undefined for
 * any other.
 */
export function packedShape(event: RunnableEvent, eventType: FunctionEventType, options: RunOptions, now: number): number | undefined {
  if (event instanceof ViewerEvent) {
    if (event.eventType !== eventType) return undefined;
    // event.ts gives both events all three context members, and a response its statusDescription.
    const response = event.response === undefined ? 0 : FLAG.response | FLAG.statusDescription;
    return Math.floor(now) * 128 + optionFlags(options) + (FLAG.domain | FLAG.distributionId | FLAG.requestId) + response;
  }
  if (!isBuiltEvent(event) || event.context.eventType !== eventType || (eventType === "viewer-request") !== (event.response === undefined)) return undefined;
  return Math.floor(now) * 128 + flagsOf(event, options);
}

function optionFlags(options: RunOptions): number {
  return (options.rawQueryString !== undefined ? FLAG.rawQuery : 0) | (options.edgeLocation !== undefined ? FLAG.edge : 0);
}

/** The flags of `event` (FLAG): which optional fields it has, and whether it is a viewer-response event. */
function flagsOf(event: FunctionEvent, options: RunOptions): number {
  const ctx = event.context;
  const res = event.response;
  let flags = optionFlags(options);
  if (ctx.distributionDomainName !== undefined) flags |= FLAG.domain;
  if (ctx.distributionId !== undefined) flags |= FLAG.distributionId;
  if (ctx.requestId !== undefined) flags |= FLAG.requestId;
  if (res !== undefined) {
    flags |= FLAG.response;
    if (res.statusDescription !== undefined) flags |= FLAG.statusDescription;
  }
  return flags;
}

let checkShape = true;

function encode(event: FunctionEvent, eventType: FunctionEventType, options: RunOptions, now: number): WireEvent {
  checkShape = !isBuiltEvent(event);
  const ctx = event.context;
  const req = event.request;
  const res = event.response;
  if (typeof event !== "object" || event === null || typeof ctx !== "object" || ctx === null || typeof req !== "object" || req === null) fail();
  if (ctx.eventType !== eventType || (eventType === "viewer-request") !== (res === undefined)) fail();
  keys(event, res === undefined ? 4 : 5);
  keys(ctx, 1 + (ctx.distributionDomainName !== undefined ? 1 : 0) + (ctx.distributionId !== undefined ? 1 : 0) + (ctx.requestId !== undefined ? 1 : 0));
  keys(event.viewer, 1);
  keys(req, 5);
  if (typeof req.querystring !== "object" || req.querystring === null) fail();
  // A packed array from the start (new Array(n) would be holey, and slower to fill and join).
  const out: string[] = ["", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", ""];
  let flags = 0;
  out[FIELD.eventType] = eventType;
  out[FIELD.now] = String(now);
  if (options.rawQueryString !== undefined) {
    flags |= FLAG.rawQuery;
    out[FIELD.rawQuery] = str(options.rawQueryString);
  }
  const edge: EdgeLocation | undefined = options.edgeLocation;
  if (edge !== undefined) {
    flags |= FLAG.edge;
    out[FIELD.edge] = str(edge.name);
    out[FIELD.edge + 1] = str(edge.serverIp);
    out[FIELD.edge + 2] = str(edge.region);
  }
  out[FIELD.version] = str(event.version);
  if (ctx.distributionDomainName !== undefined) {
    flags |= FLAG.domain;
    out[FIELD.domain] = str(ctx.distributionDomainName);
  }
  if (ctx.distributionId !== undefined) {
    flags |= FLAG.distributionId;
    out[FIELD.distributionId] = str(ctx.distributionId);
  }
  if (ctx.requestId !== undefined) {
    flags |= FLAG.requestId;
    out[FIELD.requestId] = str(ctx.requestId);
  }
  out[FIELD.ip] = str(event.viewer.ip);
  out[FIELD.method] = str(req.method);
  out[FIELD.uri] = str(req.uri);
  out[FIELD.querystring] = String(out.length);
  entries(out, req.querystring, false);
  out[FIELD.headers] = String(out.length);
  entries(out, req.headers, false);
  out[FIELD.cookies] = String(out.length);
  entries(out, req.cookies, false);
  if (res !== undefined) {
    flags |= FLAG.response;
    keys(res, res.statusDescription !== undefined ? 4 : 3);
    if (typeof res.statusCode !== "number" || !Number.isInteger(res.statusCode)) fail();
    out[FIELD.statusCode] = String(res.statusCode);
    if (res.statusDescription !== undefined) {
      flags |= FLAG.statusDescription;
      out[FIELD.statusDescription] = str(res.statusDescription);
    }
    out[FIELD.responseHeaders] = String(out.length);
    entries(out, res.headers, false);
    out[FIELD.responseCookies] = String(out.length);
    entries(out, res.cookies, true);
  }
  out[FIELD.flags] = String(flags);
  const input = out.join(SEP);
  // One scan of the result for the characters the encoding cannot carry, instead of one per field:
  // the separators must be exactly those the join put in.
  if (input.match(UNSAFE)?.length !== out.length - 1) fail();
  return { input, packed: Math.floor(now) * 128 + flags };
}

/**
 * A map of values (`cookies` false: header, query or cookie values) or of Set-Cookie items (each
 * value followed by its attributes, "" for none).
 */
function entries(out: string[], map: Record<string, FunctionValue | FunctionResponseCookie>, cookies: boolean): void {
  if (typeof map !== "object" || map === null || Array.isArray(map)) fail();
  const names = Object.keys(map);
  out.push(String(names.length));
  for (const name of names) {
    const entry = map[name] as FunctionResponseCookie;
    out.push(name);
    if (typeof entry !== "object" || entry === null) fail();
    const own = cookies && entry.attributes !== undefined ? 2 : 1;
    const mv = entry.multiValue;
    if (mv === undefined) {
      keys(entry, own);
      out.push("1");
      item(out, entry, cookies);
      continue;
    }
    keys(entry, own + 1);
    // event.ts writes multiValue only for real repeats, starting with `value` (and its attributes).
    if (!Array.isArray(mv) || mv.length < 2 || mv[0]?.value !== entry.value || (cookies && mv[0]?.attributes !== entry.attributes)) fail();
    out.push(String(mv.length));
    for (const v of mv) {
      keys(v, cookies && v.attributes !== undefined ? 2 : 1);
      item(out, v, cookies);
    }
  }
}

function item(out: string[], v: { value: string; attributes?: string }, cookies: boolean): void {
  out.push(str(v.value));
  if (cookies) out.push(attributes(v.attributes));
}

/** "" stands for "no attributes", so an empty attributes string cannot be encoded. */
function attributes(a: string | undefined): string {
  if (a === undefined) return "";
  if (a === "") fail();
  return str(a);
}

function str(v: unknown): string {
  if (typeof v !== "string") fail();
  return v;
}

/** `obj` is a plain object with exactly `n` own enumerable members. */
function keys(obj: unknown, n: number): void {
  if (!checkShape) return;
  if (typeof obj !== "object" || obj === null || Object.getPrototypeOf(obj) !== Object.prototype || Object.keys(obj).length !== n) fail();
}

function fail(): never {
  throw new NotEncodable();
}
