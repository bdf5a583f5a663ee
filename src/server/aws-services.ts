// More AWS services on minifront's one port, each known by the service name in its SigV4
// credential scope (`logs`, `monitoring`, `tagging`, ...). A service registers itself here in
// src/index.ts, usually built lazily on its first request so start-up does not load its model;
// classify.ts sends a request whose scope names a registered service to it.
import type { ApiRequest } from "../api/service.ts";
import type { ProtocolResponse } from "../api/protocol.ts";

export interface AwsService {
  /** Answers one API request of this service. */
  handle(req: ApiRequest): Promise<ProtocolResponse & { operation: string | undefined }>;
  /** Forgets the service's state after the document store was cleared (the reset endpoints). */
  reset?(): void;
  /** Stops what the service runs in the background (minifront stopping). */
  dispose?(): void | Promise<void>;
}

/** Registered services by credential-scope name. */
export type AwsServices = ReadonlyMap<string, AwsService>;
