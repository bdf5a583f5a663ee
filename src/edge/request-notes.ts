// Facts about one edge request that only the edge knows (how long the origin took, which cache tier
// answered), written where they happen and read once the response is done by src/observe/. A
// symbol-keyed field on the IncomingMessage (cheaper per request than a WeakMap entry, measured on
// the cache-hit path): the edge's stages keep their signatures, and a request nobody watches (no
// notes made for it) costs one failed property read per write.
import type { IncomingMessage } from "node:http";

export interface RequestNotes {
  /** Milliseconds from asking the origin to its response headers (failover included). */
  originMs?: number;
  /** The cache layer that answered or, on a miss, the one that asked the origin (tiers.ts Layer). */
  layer?: string;
  /**
   * A pre-rendered cache hit's X-Amz-Cf-Pop and X-Amz-Cf-Id (its X-Cache is Hit), so the record
   * need not search the response head for them (a search costs about as much as the rest of the record).
   */
  hitPop?: string;
  hitId?: string;
  /** The path pattern of the behavior that matched ("*" for the default). */
  behavior?: string;
  /** The cache key (stages/cache-key.ts: path, query and the values the policy names, NUL-separated). */
  cacheKey?: string;
  /** The functions that ran, in order: what each was given and what it answered (references, not copies). */
  functions?: FunctionNote[];
  /** The origin request as the edge made it (the answering origin of a group may be its secondary). */
  origin?: OriginNote;
}

export interface FunctionNote {
  /** viewer-request, viewer-response, origin-request, origin-response. */
  readonly event: string;
  readonly kind: "CloudFront Function" | "Lambda@Edge";
  /** The function's name or ARN. */
  readonly name: string;
  readonly input: unknown;
  readonly output: unknown;
}

export interface OriginNote {
  readonly originId: string;
  readonly method: string;
  readonly path: string;
  readonly query: string;
  readonly headers: unknown;
  readonly status: number | undefined;
}

const NOTES = Symbol("minifront.requestNotes");
type Noted = IncomingMessage & { [NOTES]?: RequestNotes };

/** Starts the notes of a request (the observer, when the request arrives). */
export function openNotes(req: IncomingMessage, into: RequestNotes): void {
  (req as Noted)[NOTES] = into;
}

/** The notes of a request, undefined when nobody is watching it. */
export function notesOf(req: IncomingMessage): RequestNotes | undefined {
  return (req as Noted)[NOTES];
}

/** Notes the cache layer that answered (or asked the origin). */
export function noteLayer(req: IncomingMessage, layer: string): void {
  const n = (req as Noted)[NOTES];
  if (n) n.layer = layer;
}

/** Notes a cache hit answered on the fast path: its POP and request id. */
export function noteHit(req: IncomingMessage, pop: string, requestId: string): void {
  const n = (req as Noted)[NOTES];
  if (n) {
    n.hitPop = pop;
    n.hitId = requestId;
  }
}

/** Notes the origin's latency: `since` is performance.now() when the origin was asked. */
export function noteOrigin(req: IncomingMessage, since: number): void {
  const n = (req as Noted)[NOTES];
  if (n) n.originMs = performance.now() - since;
}

/** Notes the behavior matched and the cache key, and on the fast hit path the layer that answered. */
export function noteMatch(req: IncomingMessage, behavior: string, cacheKey: string | undefined, layer?: string): void {
  const n = (req as Noted)[NOTES];
  if (n) {
    n.behavior = behavior;
    if (cacheKey !== undefined) n.cacheKey = cacheKey;
    if (layer !== undefined) n.layer = layer;
  }
}

/** Notes a function run (CloudFront Function or Lambda@Edge) with its input and output (nothing is made when nobody watches). */
export function noteFunction(req: IncomingMessage, event: string, kind: FunctionNote["kind"], name: string, input: unknown, output: unknown): void {
  const n = (req as Noted)[NOTES];
  if (n) (n.functions ??= []).push({ event, kind, name, input, output });
}

/** Notes the origin request made and its status. */
export function noteOriginRequest(req: IncomingMessage, origin: OriginNote): void {
  const n = (req as Noted)[NOTES];
  if (n) n.origin = origin;
}
