// A viewer event as the edge hands it to the runtime: the request's (and response's) facts, made
// into event objects (event.ts) only when something reads `event`. A run on the edge's thread that
// returns the request or response untouched never does: the sandbox sends it the event's shape and
// time alone (sandbox.ts `begin`), and the edge goes on with its own request (FunctionRunResult
// `unchanged`). Making the objects costs a few µs a request, as much as the rest of such a run.
import { buildViewerRequestEvent, buildViewerResponseEvent, type ViewerRequestData, type ViewerResponseData } from "./event.ts";
import type { FunctionEvent, FunctionEventType } from "./types.ts";

export class ViewerEvent {
  readonly eventType: FunctionEventType;
  readonly request: ViewerRequestData;
  readonly response: ViewerResponseData | undefined;
  private built: FunctionEvent | undefined;

  /** `response` makes it a viewer-response event. */
  constructor(request: ViewerRequestData, response?: ViewerResponseData) {
    this.request = request;
    this.response = response;
    this.eventType = response ? "viewer-response" : "viewer-request";
  }

  /** The event objects (made on the first read). */
  get event(): FunctionEvent {
    this.built ??= this.response ? buildViewerResponseEvent(this.request, this.response) : buildViewerRequestEvent(this.request);
    return this.built;
  }
}

/** An event the runtime takes: event objects, or a ViewerEvent that makes them when asked. */
export type RunnableEvent = FunctionEvent | ViewerEvent;

/** The event objects of `e`. */
export function eventOf(e: RunnableEvent): FunctionEvent {
  return e instanceof ViewerEvent ? e.event : e;
}
