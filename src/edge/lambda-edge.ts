// Lambda@Edge calls from the pipeline (docs/functions.md §7; CloudFront Developer Guide, "Lambda@Edge
// event structure" and "Quotas on Lambda@Edge"): for each event type, the event built
// (stages/lambda-edge-event.ts), the function run in the Lambda runtime (functions/lambda, child
// processes) with the event type's timeout cap (viewer 5 s, origin 30 s), and the answer checked
// (stages/lambda-edge-result.ts). The orchestrator (pipeline.ts, fetch-through.ts) decides when
// each runs. Functions minifront does not have may run in another emulator (--lambda-endpoint).
// Not done: the 1 MB origin-response body limit (bodies are not shown to functions).
import { STATUS_CODES, type IncomingMessage, type OutgoingHttpHeaders } from "node:http";
import { Readable } from "node:stream";
import type { Logger } from "../log.ts";
import { LambdaThrottledError, type InvokeOptions, type InvokeOutcome, type LambdaCode } from "../functions/lambda/types.ts";
import type { CompiledBehavior, CompiledOrigin } from "./compile.ts";
import type { OriginAsk } from "./origin-request.ts";
import { CACHEABLE_SUCCESS } from "./origin-body.ts";
import { successTtl } from "./stages/ttl.ts";
import { originFromLambda } from "./stages/lambda-edge-origin.ts";
import type { S3OriginSettings } from "../services/s3/origin-address.ts";
import { headerString } from "../http/headers.ts";
import type { Exchange } from "./exchange.ts";
import { cacheEntry, type CachedResponse } from "./cache/cached-response.ts";
import { cfOrigin, cfRequest, cfResponse, isViewerEvent, lambdaEvent, type LambdaAssociation, type LambdaEventType, type LambdaRequestFacts } from "./stages/lambda-edge-event.ts";
import { invocationFailure, limitExceeded, readRequestResult, readResponseResult, validation, type GeneratedResponse, type LambdaFailure, type RequestResult, type ResponseResult } from "./stages/lambda-edge-result.ts";
import { noteFunction } from "./request-notes.ts";

/** How the edge reaches Lambda: the code an association names, and the runtime. */
export interface EdgeLambdas {
  /** The code a qualified function ARN runs; undefined when the version does not exist. */
  code(arn: string): LambdaCode | undefined;
  invoke(code: LambdaCode, eventJson: string, options: InvokeOptions): Promise<InvokeOutcome>;
  /**
   * Invokes a function `code` does not know in another emulator's Lambda (--lambda-endpoint,
   * services/lambda/remote-functions.ts); undefined when there is none or it has no such version.
   */
  remote?(arn: string, eventJson: string, options: InvokeOptions): Promise<InvokeOutcome | undefined>;
}

/** "Quotas on Lambda@Edge": function timeout, viewer events 5 s, origin events 30 s. */
const MAX_TIMEOUT_MS = { viewer: 5_000, origin: 30_000 } as const;

const missing = (arn: string): LambdaFailure => ({ kind: "failed", status: 502, xCache: "LambdaValidationError from cloudfront", message: `The Lambda function associated with the CloudFront distribution is invalid or doesn't have the required permissions (${arn} does not exist).` });

/** Runs one event; the function's answer (JSON text) or how CloudFront fails the request. */
async function invokeEvent(lambdas: EdgeLambdas, log: Logger, assoc: LambdaAssociation, eventType: LambdaEventType, x: Exchange, event: unknown): Promise<string | LambdaFailure> {
  const code = lambdas.code(assoc.arn);
  if (!code && !lambdas.remote) return missing(assoc.arn);
  const cap = isViewerEvent(eventType) ? MAX_TIMEOUT_MS.viewer : MAX_TIMEOUT_MS.origin;
  let outcome: InvokeOutcome | undefined;
  try {
    // A remote function's own timeout is applied by its emulator; the event's cap bounds the wait.
    if (code) outcome = await lambdas.invoke(code, JSON.stringify(event), { requestId: x.id, timeoutMs: Math.min(code.timeout * 1000, cap) });
    else outcome = await lambdas.remote?.(assoc.arn, JSON.stringify(event), { requestId: x.id, timeoutMs: cap });
    if (!outcome) return missing(assoc.arn);
  } catch (err) {
    if (err instanceof LambdaThrottledError) return limitExceeded("The Lambda function was throttled.");
    log.warn(`edge ${x.dist.id} ${eventType} ${assoc.arn}: ${String(err)} (X-Amz-Cf-Id ${x.id})`);
    return { kind: "failed", status: 500, xCache: "LambdaExecutionError from cloudfront", message: "The Lambda function associated with the CloudFront distribution could not run." };
  }
  const failure = invocationFailure(outcome);
  if (failure) log.warn(`edge ${x.dist.id} ${eventType} ${assoc.arn} failed: ${outcome.payload} (X-Amz-Cf-Id ${x.id})`);
  noteFunction(x.req, eventType, "Lambda@Edge", assoc.arn, event, failure ?? outcome.payload);
  return failure ?? outcome.payload;
}

function facts(x: Exchange, uri: string, querystring: string, headers: LambdaRequestFacts["headers"]): LambdaRequestFacts {
  return { distributionId: x.dist.id, distributionDomainName: x.rec.DomainName, requestId: x.id, clientIp: x.viewerIp, method: x.method, uri, querystring, headers };
}

export interface RequestSeen {
  readonly uri: string;
  readonly querystring: string;
  readonly headers: LambdaRequestFacts["headers"];
  /** The whole request body, when the association includes it. */
  readonly body?: Buffer | undefined;
}

/** viewer-request: the request as changed, a generated response, or a failure. */
export async function lambdaViewerRequest(lambdas: EdgeLambdas, log: Logger, assoc: LambdaAssociation, x: Exchange, seen: RequestSeen): Promise<RequestResult | GeneratedResponse | LambdaFailure> {
  const f = facts(x, seen.uri, seen.querystring, seen.headers);
  const request = cfRequest("viewer-request", f, seen.body && assoc.includeBody ? { body: seen.body } : {});
  const answer = await invokeEvent(lambdas, log, assoc, "viewer-request", x, lambdaEvent("viewer-request", f, request));
  return typeof answer === "string" ? readRequestResult("viewer-request", answer, request) : answer;
}

/** origin-request: as viewer-request, plus the origin (shown, and changeable). */
export async function lambdaOriginRequest(lambdas: EdgeLambdas, log: Logger, assoc: LambdaAssociation, x: Exchange, seen: RequestSeen, origin: CompiledOrigin): Promise<RequestResult | GeneratedResponse | LambdaFailure> {
  const f = facts(x, seen.uri, seen.querystring, seen.headers);
  const request = cfRequest("origin-request", f, { ...(seen.body && assoc.includeBody ? { body: seen.body } : {}), origin: cfOrigin(origin, originPathOf(x, origin), x.protocol) });
  const answer = await invokeEvent(lambdas, log, assoc, "origin-request", x, lambdaEvent("origin-request", f, request));
  return typeof answer === "string" ? readRequestResult("origin-request", answer, request) : answer;
}

/** origin-response and viewer-response: the response as changed, or a failure. */
export async function lambdaResponse(
  lambdas: EdgeLambdas,
  log: Logger,
  assoc: LambdaAssociation,
  eventType: "origin-response" | "viewer-response",
  x: Exchange,
  seen: RequestSeen,
  response: { readonly status: number; readonly statusDescription: string; readonly headers: LambdaRequestFacts["headers"] },
  origin?: CompiledOrigin,
): Promise<ResponseResult | LambdaFailure> {
  const f = facts(x, seen.uri, seen.querystring, seen.headers);
  const request = cfRequest(eventType, f, origin ? { origin: cfOrigin(origin, originPathOf(x, origin), x.protocol) } : {});
  const shown = cfResponse(response.status, response.statusDescription, response.headers);
  const answer = await invokeEvent(lambdas, log, assoc, eventType, x, lambdaEvent(eventType, f, request, shown));
  return typeof answer === "string" ? readResponseResult(eventType, answer, shown) : answer;
}

/** viewer-response: the entry to serve as the function changed it (a new body replaces the cached one), or a failure. */
export async function lambdaViewerResponse(
  lambdas: EdgeLambdas,
  log: Logger,
  assoc: LambdaAssociation,
  x: Exchange,
  request: { readonly uri: string; readonly rawQuery: string | undefined; readonly headers: LambdaRequestFacts["headers"] },
  entry: CachedResponse,
): Promise<{ readonly kind: "entry"; readonly entry: CachedResponse } | LambdaFailure> {
  const seen = { uri: request.uri, querystring: request.rawQuery ?? "", headers: request.headers };
  const out = await lambdaResponse(lambdas, log, assoc, "viewer-response", x, seen, { status: entry.status, statusDescription: STATUS_CODES[entry.status] ?? "", headers: entry.headers });
  if (out.kind === "failed") return out;
  const body = out.body ?? entry.body;
  return { kind: "entry", entry: cacheEntry({ status: out.status, headers: out.headers, body, storedAt: entry.storedAt, ttlMs: entry.ttlMs, ...(entry.file && !out.body ? { file: entry.file } : {}) }) };
}

/** The origin request as an origin-request function left it: what to ask and which origin, a generated response, or a failure. */
export async function lambdaOriginRequestStep(
  lambdas: EdgeLambdas,
  log: Logger,
  assoc: LambdaAssociation,
  x: Exchange,
  ask: OriginAsk,
  origin: CompiledOrigin,
  s3: S3OriginSettings,
  body: Buffer | undefined,
): Promise<{ readonly kind: "ask"; readonly ask: OriginAsk; readonly origin: CompiledOrigin } | GeneratedResponse | LambdaFailure> {
  const host = String(ask.headers["host"] ?? origin.hostHeader);
  const shownHeaders = { ...ask.headers, host } as LambdaRequestFacts["headers"];
  const out = await lambdaOriginRequest(lambdas, log, assoc, x, { uri: ask.path, querystring: ask.query, headers: shownHeaders, body }, origin);
  if (out.kind !== "request") return out;
  const target = out.origin ? originFromLambda(out.origin, origin, s3) : origin;
  if (typeof target === "string") return validation(target);
  const headers: OutgoingHttpHeaders = { ...out.headers };
  // An unchanged Host follows the origin: the default one (or, emulator convenience, the new
  // origin's when the function changed the origin but not the Host).
  if (headers["host"] === host && (ask.headers["host"] === undefined || target !== origin)) delete headers["host"];
  // Framing is the edge's, as for any origin request: the function saw it read-only.
  for (const name of ["content-length", "transfer-encoding"]) if (ask.headers[name] !== undefined) headers[name] = ask.headers[name];
  const changed = { ...ask, path: out.uri, query: out.querystring, headers };
  const newBody = out.body ?? body;
  return { kind: "ask", ask: newBody !== undefined ? askWithBody(changed, newBody) : changed, origin: target };
}

/** An origin request that sends `body` (read whole) instead of the viewer's stream, framed by its length. */
export function askWithBody(ask: OriginAsk, body: Buffer): OriginAsk {
  const headers: OutgoingHttpHeaders = { ...ask.headers, "content-length": String(body.length) };
  delete headers["transfer-encoding"];
  return { ...ask, headers, body: Readable.from([body]) };
}

/** A response generated at origin-request, as a cache entry: cached like an origin's response (docs/functions.md §7.1). */
export function generatedEntry(g: GeneratedResponse, behavior: CompiledBehavior, now: number): CachedResponse {
  const headers = generatedHeaders(g);
  const ttl = CACHEABLE_SUCCESS.has(g.status) ? successTtl(behavior.ttl, headerString(headers["cache-control"]), headerString(headers["expires"]), now) : 0;
  return cacheEntry({ status: g.status, headers, body: g.body, storedAt: now, ttlMs: ttl * 1000 });
}

/** The origin's OriginPath as configured (compiled S3 origins fold it into the bucket prefix). */
function originPathOf(x: Exchange, origin: CompiledOrigin): string {
  return x.rec.config.Origins?.Items?.find((o) => o.Id === origin.id)?.OriginPath ?? "";
}

/** The origin's response as the origin-response function left it, for the rest of the miss path. */
export function changedOriginResponse(originRes: IncomingMessage, r: ResponseResult): IncomingMessage {
  if (r.body === undefined) {
    originRes.statusCode = r.status;
    originRes.headers = r.headers;
    return originRes;
  }
  // A replaced body: the origin's is dropped, the function's is relayed with its own length.
  originRes.resume();
  const headers: Record<string, string | string[]> = { ...r.headers, "content-length": String(r.body.length) };
  delete headers["transfer-encoding"];
  return Object.assign(Readable.from([r.body]), { statusCode: r.status, statusMessage: "", headers }) as unknown as IncomingMessage;
}

/** A generated response's headers as sent: a Content-Length for its body and CloudFront's Server. */
export function generatedHeaders(g: GeneratedResponse): Record<string, string | string[]> {
  return { server: "CloudFront", ...g.headers, "content-length": String(g.body.length) };
}

/** Reads a viewer's whole request body (IncludeBody): the function sees it and the origin gets it. */
export async function readRequestBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}
