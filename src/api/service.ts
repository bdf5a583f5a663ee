// One AWS service behind the protocol layer: route → read body → parse → handler → serialize,
// with the service's error envelope for every failure. Operations without a handler answer
// through the single fallback below (an error naming the operation) and are listed as unsupported
// in the coverage tables of docs/coverage.md (scripts/coverage-table.ts).
//
// What differs between services is a small profile: how a request finds its operation (CloudFront
// by URI template; S3 also by bucket host), the error envelope, the request-id headers, the
// body size limit and, optionally, an access check between parsing and the handler (S3's bucket
// policies). Everything else is shared.
import type { IncomingHttpHeaders } from "node:http";
import type { Readable } from "node:stream";
import type { OperationModel, ServiceModel } from "./model.ts";
import type { RouteMatch } from "./router.ts";
import { hasStreamingPayload, parseRequest, serializeResponse } from "./rest-xml.ts";
import type { ProtocolCodec, ProtocolRequest, ProtocolResponse } from "./protocol.ts";
import { ServiceError } from "./errors.ts";
import type { Logger } from "../log.ts";
import { describeStorageFailure, storageFailureReason } from "../store/storage-errors.ts";

/** What every handler gets besides its input: the per-request facts and the service's own context. */
export interface RequestContext<S> {
  readonly requestId: string;
  /** Scheme, host and port the client used, for `Location` headers. */
  readonly baseUrl: string;
  readonly service: S;
  /** The raw request headers (lower-cased), for the rare handler that needs one the model does not bind. */
  readonly headers: IncomingHttpHeaders;
}

export type Handler<In, Out, S> = (input: In, ctx: RequestContext<S>) => Out | Promise<Out>;

// Handlers are stored untyped; each handler module types its own input and output with the SDK's
// Request/Result types.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the table holds every operation's handler
export type HandlerTable<S> = Readonly<Record<string, Handler<any, any, S>>>;

export interface ApiRequest {
  readonly method: string;
  /**
   * The request path exactly as sent, still percent-encoded. Not a WHATWG URL: that would resolve
   * `..` segments, and `../` is a legal part of an S3 key.
   */
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  /** The request body, unread. */
  readonly body: Readable;
  readonly requestId: string;
  readonly baseUrl: string;
  /**
   * The query string exactly as sent (without `?`). `query` has decoded it the WHATWG way (`+` is
   * a space), which a signature check must not do. Absent: `query.toString()` stands in.
   */
  readonly rawQuery?: string;
  /** The client's address (the socket's remote address), for source-IP conditions. */
  readonly sourceIp?: string;
  /** True when the request came over TLS. */
  readonly secure?: boolean;
}

/** What an `authorize` step sees: the request, its operation and the parsed input. */
export interface AuthorizeCall {
  readonly request: ApiRequest;
  readonly operation: string;
  /** URI labels from routing (`Bucket`, `Key`, `Id`). */
  readonly labels: Readonly<Record<string, string>>;
  /** The parsed input shape, as the handler will get it. */
  readonly input: Readonly<Record<string, unknown>>;
}

export type { ProtocolCodec } from "./protocol.ts";

/** REST-XML (CloudFront, S3): the default codec. */
export const REST_XML: ProtocolCodec = { streamsPayload: hasStreamingPayload, parse: parseRequest, serialize: serializeResponse };

export interface ServiceProfile<S = unknown> {
  /** The wire format. Absent: REST-XML. */
  readonly codec?: ProtocolCodec;
  /**
   * The error for a handler that crashed. Absent: InternalFailure (500). `reason` is set when the
   * disk under the data directory failed (`disk full (ENOSPC)`), for the message.
   */
  internalError?(requestId: string, reason?: string): ServiceError;
  /** Finds the operation for a request, or undefined. */
  route(req: ApiRequest): RouteMatch | undefined;
  /** The service's error envelope. */
  serializeError(err: ServiceError, req: ApiRequest): ProtocolResponse;
  /** Headers that carry the request id (`x-amzn-RequestId`, `x-amz-request-id`). */
  requestIdHeaders(requestId: string): Record<string, string>;
  /** Largest non-streaming body accepted. */
  readonly maxBodyBytes: number;
  /** The error for a body over that limit. */
  tooLarge(limit: number): ServiceError;
  /** The error for a request that matches no operation. */
  noRoute(req: ApiRequest): ServiceError;
  /** The error for an operation that has no handler yet; it names the operation. */
  unsupported(operation: string): ServiceError;
  /**
   * Access control, when the service has any: runs after parsing and before the handler, and
   * refuses the call by throwing the service's error (S3's AccessDenied). Absent: every call runs.
   */
  authorize?(call: AuthorizeCall, service: S): void | Promise<void>;
}

export interface ApiService<S> {
  readonly model: ServiceModel;
  /** Names of operations with a handler. */
  readonly supported: ReadonlySet<string>;
  handle(req: ApiRequest, service: S): Promise<ProtocolResponse & { operation: string | undefined }>;
}

export type { Logger } from "../log.ts";

export function createApiService<S>(model: ServiceModel, handlers: HandlerTable<S>, profile: ServiceProfile<S>, log: Logger): ApiService<S> {
  for (const name of Object.keys(handlers)) {
    if (!model.operations.has(name)) throw new Error(`handler for unknown operation ${name}`);
  }
  return {
    model,
    supported: new Set(Object.keys(handlers)),
    async handle(req, service) {
      const withId = (res: ProtocolResponse, operation?: string) => ({
        ...res,
        headers: { ...res.headers, ...profile.requestIdHeaders(req.requestId) },
        operation,
      });
      const codec = profile.codec ?? REST_XML;
      const match = profile.route(req);
      if (!match) {
        req.body.resume();
        return withId(profile.serializeError(profile.noRoute(req), req));
      }
      const op = match.op;
      try {
        const handler = handlers[op.name];
        if (!handler) {
          req.body.resume();
          throw profile.unsupported(op.name);
        }
        const body = codec.streamsPayload(op) ? req.body : await readBody(req.body, profile.maxBodyBytes, () => profile.tooLarge(profile.maxBodyBytes));
        const input = codec.parse(op, { labels: match.labels, query: req.query, headers: req.headers, body });
        await profile.authorize?.({ request: req, operation: op.name, labels: match.labels, input }, service);
        const output = (await handler(input, { requestId: req.requestId, baseUrl: req.baseUrl, service, headers: req.headers })) ?? {};
        return withId(codec.serialize(model, op, output), op.name);
      } catch (err) {
        if (err instanceof ServiceError) {
          log.debug(`${op.name} → ${err.code}: ${err.message}`);
          return withId(profile.serializeError(err, req), op.name);
        }
        // A failing disk (full, read-only) is the operator's to fix, not a bug: one plain line.
        const storage = describeStorageFailure(err);
        const reason = storageFailureReason(err);
        const internal =
          profile.internalError?.(req.requestId, reason) ??
          new ServiceError("InternalFailure", `The request processing has failed because ${reason ? `minifront could not store the change: ${reason}` : "of an unknown error"} (request ${req.requestId}).`, 500);
        log.error(`${op.name} failed (request ${req.requestId}): ${storage ? `${storage}; answered ${internal.code}` : err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
        return withId(profile.serializeError(internal, req), op.name);
      }
    },
  };
}

/**
 * The whole body, or the `tooLarge` error once it passes `limit`. The rest of an oversized body is
 * read and discarded rather than the stream destroyed, so the error response still reaches the
 * client on the same connection.
 */
export function readBody(stream: Readable, limit: number, tooLarge: () => ServiceError): Promise<Buffer> {
  const declared = Number((stream as Readable & { headers?: IncomingHttpHeaders }).headers?.["content-length"] ?? 0);
  if (declared > limit) {
    stream.resume();
    return Promise.reject(tooLarge());
  }
  // Already ended: a request without a body (http-server.ts optimizeEmptyRequests) emits no 'end'.
  if (stream.readableEnded) return Promise.resolve(Buffer.alloc(0));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) {
        chunks.push(chunk);
        return;
      }
      stream.off("data", onData);
      stream.off("end", onEnd);
      stream.resume();
      reject(tooLarge());
    };
    const onEnd = () => resolve(Buffer.concat(chunks));
    stream.on("data", onData);
    stream.once("end", onEnd);
    stream.once("error", reject);
  });
}

/** An API service that is built on its first request instead of at start-up. */
export function onFirstUse<S>(build: () => ApiService<S>): ApiService<S> {
  let api: ApiService<S> | undefined;
  const get = () => (api ??= build());
  return {
    get model() {
      return get().model;
    },
    get supported() {
      return get().supported;
    },
    // async: a failure to load becomes the request's rejection, as any other handler failure.
    async handle(req, service) {
      return get().handle(req, service);
    },
  };
}
