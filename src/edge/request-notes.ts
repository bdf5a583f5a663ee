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

/** Notes the origin's latency: `since` is performance.now() when the origin was asked. */
export function noteOrigin(req: IncomingMessage, since: number): void {
  const n = (req as Noted)[NOTES];
  if (n) n.originMs = performance.now() - since;
}
