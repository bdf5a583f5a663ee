// Watches edge requests: when one arrives (the server's dispatch to the edge) the observer opens its
// notes and adds one 'close' listener; when its response is done (or its connection closed) it
// builds the request's record (edge-record.ts) and hands it to each sink: the terminal request
// log, the standard-log buffers, the metrics. The listener is one function shared by all
// requests, so a cache hit pays one small object, one field on the request and one listener.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Clock } from "../clock.ts";
import type { DistributionRecord } from "../services/cloudfront/state.ts";
import { notesOf, openNotes } from "../edge/request-notes.ts";
import { recordOf, type EdgeRecord, type Watched } from "./edge-record.ts";

/** Something that takes each finished edge request's record. */
export type RecordSink = (record: EdgeRecord) => void;

export interface EdgeObserver {
  /** Starts watching a request the server is handing to the edge. */
  watch(req: IncomingMessage, res: ServerResponse, dist: DistributionRecord): void;
  /** Adds a sink until the returned function is called (the dashboard's live feed, while a browser listens). */
  subscribe(sink: RecordSink): () => void;
}

export function createEdgeObserver(clock: Clock, fixed: readonly RecordSink[]): EdgeObserver {
  // Replaced, never changed in place: a subscription made or ended inside a sink does not disturb the loop.
  let sinks = fixed;
  function onClose(this: ServerResponse): void {
    const req = this.req;
    const w = notesOf(req) as Watched | undefined;
    if (!w) return;
    const record = recordOf(req, this, w, clock.now());
    for (const sink of sinks) sink(record);
  }
  return {
    watch(req, res, dist) {
      const w: Watched = { started: performance.now(), distributionId: dist.Id, distributionDomain: dist.DomainName, originMs: undefined, layer: undefined, behavior: undefined, cacheKey: undefined, hitPop: undefined, hitId: undefined };
      openNotes(req, w);
      // `on`, not `once`: once wraps the listener in a new closure per request; a response closes once.
      res.on("close", onClose);
    },
    subscribe(sink) {
      sinks = [...sinks, sink];
      return () => {
        sinks = sinks.filter((s) => s !== sink);
      };
    },
  };
}
