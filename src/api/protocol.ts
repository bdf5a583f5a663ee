// What a wire protocol is to the service layer: the request as read off HTTP, the response to
// write, and the codec between them and an operation's typed input and output.
import type { Readable } from "node:stream";
import type { OperationModel, ServiceModel } from "./model.ts";

export interface ProtocolRequest {
  readonly labels: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  /** Lower-cased header names. */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The whole body; for an operation with a streaming payload, the unread request stream. */
  readonly body: Buffer | Readable;
}

export interface ProtocolResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  /** A Readable for streaming payloads (S3 GetObject), otherwise the whole body. */
  readonly body: string | Uint8Array | Readable;
}

/** A wire format: how a request becomes the operation's input and its output a response. */
export interface ProtocolCodec {
  /** Whether the operation's payload reaches the handler as an unread stream (S3's object bodies). */
  streamsPayload(op: OperationModel): boolean;
  parse(op: OperationModel, req: ProtocolRequest): Record<string, unknown>;
  serialize(model: ServiceModel, op: OperationModel, output: Record<string, unknown>): ProtocolResponse;
}

