// The viewer-request and viewer-response events of a behavior's CloudFront Functions (functions.md):
// the event built from the edge's request, the function run, and its result turned back into
// what the pipeline goes on with. viewer-request runs before the cache and may rewrite the request
// (URI, query, headers, cookies, origin) or answer it itself; viewer-response sees successful
// responses (not errors, custom error pages or generated responses) and may change status and headers.
import type { IncomingHttpHeaders } from "node:http";
import {
  buildViewerRequestEvent,
  buildViewerResponseEvent,
  requestFromFunction,
  responseFromFunction,
  type FunctionRuntime,
  type FunctionToRun,
  type OriginChange,
} from "../../functions/index.ts";
import { cacheEntry, type CachedResponse } from "../cache/memory-cache.ts";
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

const edgeLocation = (pop: string) => ({ name: pop, serverIp: "127.0.0.1", region: "us-east-1" });

export async function runViewerRequest(runtime: FunctionRuntime, fn: FunctionToRun, r: FunctionRequestFacts): Promise<ViewerRequestOutcome> {
  const headers = r.headers as Record<string, string | string[]>;
  const event = buildViewerRequestEvent({ ...r, headers });
  const result = await runtime.run(fn, "viewer-request", event, { rawQueryString: r.rawQuery, edgeLocation: edgeLocation(r.pop) });
  if (result.kind === "error") return { kind: "failed", status: result.status, xCache: `${result.error} from cloudfront`, message: result.message };
  if (result.kind === "response") return { kind: "failed", status: 502, xCache: "FunctionValidationError from cloudfront", message: "returned a response object" };
  if (result.kind === "generated-response") {
    const out = responseFromFunction(result.response);
    const body = out.body ?? EMPTY;
    const shown: ResponseHeaders = { ...out.headers, "content-length": String(body.length) };
    if (!shown["server"]) shown["server"] = "CloudFront";
    return { kind: "generated", status: out.statusCode, statusText: out.statusDescription, headers: shown, body };
  }
  const change = requestFromFunction(result.request, event.request, r.rawQuery, headers);
  return {
    kind: "continue",
    uri: change.uri,
    rawQuery: change.rawQuery ?? "",
    headers: Object.fromEntries(Object.entries(change.headers).map(([n, v]) => [n, n === "set-cookie" || v.length > 1 ? v : v[0]])),
    originChanges: result.originChanges,
  };
}

/** The response as changed by the function, as an entry to serve; undefined when the function failed. */
export async function runViewerResponse(runtime: FunctionRuntime, fn: FunctionToRun, r: FunctionRequestFacts, entry: CachedResponse): Promise<CachedResponse | undefined> {
  const event = buildViewerResponseEvent({ ...r, rawQuery: r.rawQuery === "" ? undefined : r.rawQuery, headers: r.headers as Record<string, string | string[]> }, {
    statusCode: entry.status,
    headers: entry.headers as Record<string, string | string[]>,
  });
  const result = await runtime.run(fn, "viewer-response", event, { edgeLocation: edgeLocation(r.pop) });
  if (result.kind !== "response") return undefined;
  const out = responseFromFunction(result.response, event.response, entry.headers as Record<string, string | string[]>);
  const headers: Record<string, string | string[]> = Object.fromEntries(Object.entries(out.headers).map(([n, v]) => [n, n === "set-cookie" || v.length > 1 ? v : (v[0] as string)]));
  const body = out.body ?? entry.body;
  return cacheEntry({ status: out.statusCode, headers, body, storedAt: entry.storedAt, ttlMs: entry.ttlMs, ...(entry.file && !out.body ? { file: entry.file } : {}) });
}
