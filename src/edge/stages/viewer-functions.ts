// The viewer-request and viewer-response events of a behavior's CloudFront Functions (docs/functions.md):
// the event built from the edge's request, the function run, and its result turned back into
// what the pipeline goes on with. viewer-request runs before the cache and may rewrite the request
// (URI, query, headers, cookies, origin) or answer it itself; viewer-response sees successful
// responses (not errors, custom error pages or generated responses) and may change status and headers.
import type { IncomingHttpHeaders } from "node:http";
import {
  requestFromFunction,
  responseFromFunction,
  ViewerEvent,
  type EdgeLocation,
  type FunctionRunResult,
  type FunctionRuntime,
  type FunctionToRun,
  type OriginChange,
  type ViewerRequestData,
} from "../../functions/index.ts";
import { cacheEntry, type CachedResponse } from "../cache/cached-response.ts";
import type { ResponseHeaders } from "./response-headers.ts";

/** The request as the function sees it. */
export interface FunctionRequestFacts {
  readonly method: string;
  readonly uri: string;
  /** The raw query string; undefined when the request target had no `?`. */
  readonly rawQuery: string | undefined;
  readonly headers: IncomingHttpHeaders;
  readonly viewerIp: string;
  readonly distributionId: string;
  readonly distributionDomainName: string;
  readonly requestId: string;
  /** The POP's code (event.context / edgeLocation). */
  readonly pop: string;
}

export type ViewerRequestOutcome =
  | { readonly kind: "continue"; readonly uri: string; readonly rawQuery: string; readonly headers: IncomingHttpHeaders; readonly originChanges: readonly OriginChange[] }
  | { readonly kind: "generated"; readonly status: number; readonly statusText: string | undefined; readonly headers: ResponseHeaders; readonly body: Buffer }
  /** The function failed or returned something it may not: `status` 502/503, X-Cache `xCache`. */
  | { readonly kind: "failed"; readonly status: number; readonly xCache: string; readonly message: string };

const EMPTY = Buffer.alloc(0);

/** The edge location a function sees (cf.edgeLocation), one object per POP. */
const EDGE_LOCATIONS = new Map<string, EdgeLocation>();
function edgeLocation(pop: string): EdgeLocation {
  let e = EDGE_LOCATIONS.get(pop);
  if (!e) EDGE_LOCATIONS.set(pop, (e = Object.freeze({ name: pop, serverIp: "127.0.0.1", region: "us-east-1" })));
  return e;
}

/**
 * Runs the viewer-request function. The outcome comes back synchronously when the function runs
 * on the edge's thread (runtime.runNow), so the request costs no promise; a promise otherwise. The
 * event objects are made only if the run needs them (ViewerEvent).
 */
export function runViewerRequest(runtime: FunctionRuntime, fn: FunctionToRun, r: FunctionRequestFacts): ViewerRequestOutcome | Promise<ViewerRequestOutcome> {
  const headers = r.headers as Record<string, string | string[]>;
  // The facts carry every member the event needs (and `pop`, which it ignores); IncomingHttpHeaders
  // only differs from HeaderMap in admitting undefined values, which Node never stores.
  const event = new ViewerEvent(r as unknown as ViewerRequestData);
  const ran = runtime.runNow(fn, "viewer-request", event, { rawQueryString: r.rawQuery, edgeLocation: edgeLocation(r.pop) });
  return ran instanceof Promise ? ran.then((result) => requestOutcome(result, event, r, headers)) : requestOutcome(ran, event, r, headers);
}

function requestOutcome(result: FunctionRunResult, event: ViewerEvent, r: FunctionRequestFacts, headers: Record<string, string | string[]>): ViewerRequestOutcome {
  const rawQuery = r.rawQuery;
  if (result.kind === "error") return { kind: "failed", status: result.status, xCache: `${result.error} from cloudfront`, message: result.message };
  if (result.kind === "response") return { kind: "failed", status: 502, xCache: "FunctionValidationError from cloudfront", message: "returned a response object" };
  if (result.kind === "generated-response") {
    const out = responseFromFunction(result.response);
    const body = out.body ?? EMPTY;
    const shown: ResponseHeaders = { ...out.headers, "content-length": String(body.length) };
    if (!shown["server"]) shown["server"] = "CloudFront";
    return { kind: "generated", status: out.statusCode, statusText: out.statusDescription, headers: shown, body };
  }
  // Returned untouched and without cookies (which the function sees parsed and CloudFront writes
  // back canonically): the request goes on exactly as it came, in its own header order.
  if (result.unchanged && headers["cookie"] === undefined) {
    return { kind: "continue", uri: r.uri, rawQuery: rawQuery ?? "", headers, originChanges: result.originChanges };
  }
  const change = requestFromFunction(result.request, event.event.request, rawQuery, headers);
  return { kind: "continue", uri: change.uri, rawQuery: change.rawQuery ?? "", headers: edgeHeaders(change.headers), originChanges: result.originChanges };
}

/** Runs the viewer-response function: synchronously when it runs on the edge's thread (see runViewerRequest). */
export function runViewerResponse(runtime: FunctionRuntime, fn: FunctionToRun, r: FunctionRequestFacts, entry: CachedResponse): CachedResponse | undefined | Promise<CachedResponse | undefined> {
  const event = new ViewerEvent({ ...r, rawQuery: r.rawQuery === "" ? undefined : r.rawQuery, headers: r.headers as Record<string, string | string[]> }, {
    statusCode: entry.status,
    headers: entry.headers as Record<string, string | string[]>,
  });
  const ran = runtime.runNow(fn, "viewer-response", event, { edgeLocation: edgeLocation(r.pop) });
  return ran instanceof Promise ? ran.then((result) => responseOutcome(result, event, entry)) : responseOutcome(ran, event, entry);
}

/** The response as changed by the function, as an entry to serve; undefined when the function failed. */
function responseOutcome(result: FunctionRunResult, event: ViewerEvent, entry: CachedResponse): CachedResponse | undefined {
  if (result.kind !== "response") return undefined;
  const out = responseFromFunction(result.response, event.event.response, entry.headers as Record<string, string | string[]>);
  const body = out.body ?? entry.body;
  return cacheEntry({ status: out.statusCode, headers: edgeHeaders(out.headers), body, storedAt: entry.storedAt, ttlMs: entry.ttlMs, ...(entry.file && !out.body ? { file: entry.file } : {}) });
}

/** Header values as the edge keeps them: one value as a string, repeats (and set-cookie) as arrays. */
function edgeHeaders(values: Record<string, string[]>): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const n in values) {
    const v = values[n] as string[];
    out[n] = n === "set-cookie" || v.length > 1 ? v : (v[0] as string);
  }
  return out;
}
