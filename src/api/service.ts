// One AWS service behind the protocol layer: route → parse → handler → serialize, with the AWS
// error envelope for every failure. Operations without a handler answer through the single
// fallback below (an `UnsupportedOperation` error naming the operation) and are listed as
// unsupported in the README's coverage table (scripts/coverage-table.ts).
import type { OperationModel, ServiceModel } from "./model.ts";
import { createRouter, type Router } from "./router.ts";
import { parseRequest, serializeError, serializeResponse, type ProtocolResponse } from "./rest-xml.ts";
import { ServiceError } from "./errors.ts";

/** What every handler gets besides its input: the per-request facts and the service's own context. */
export interface RequestContext<S> {
  readonly requestId: string;
  /** Scheme, host and port the client used, for `Location` headers. */
  readonly baseUrl: string;
  readonly service: S;
}

export type Handler<In, Out, S> = (input: In, ctx: RequestContext<S>) => Out | Promise<Out>;

// Handlers are stored untyped; each handler module types its own input and output with the SDK's
// Request/Result types.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the table holds every operation's handler
export type HandlerTable<S> = Readonly<Record<string, Handler<any, any, S>>>;

export interface ApiRequest {
  readonly method: string;
  readonly url: URL;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: Buffer;
  readonly requestId: string;
  readonly baseUrl: string;
}

export interface ApiService<S> {
  readonly model: ServiceModel;
  /** Names of operations with a handler. */
  readonly supported: ReadonlySet<string>;
  handle(req: ApiRequest, service: S): Promise<ProtocolResponse & { operation: string | undefined }>;
}

export interface Logger {
  debug(msg: string): void;
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
}

export function createApiService<S>(model: ServiceModel, handlers: HandlerTable<S>, log: Logger): ApiService<S> {
  const router: Router = createRouter(model);
  for (const name of Object.keys(handlers)) {
    if (!model.operations.has(name)) throw new Error(`handler for unknown operation ${name}`);
  }
  return {
    model,
    supported: new Set(Object.keys(handlers)),
    async handle(req, service) {
      const match = router.match(req.method, req.url.pathname, req.url.searchParams);
      const withId = (res: ProtocolResponse, operation?: string) => ({
        ...res,
        headers: { ...res.headers, "x-amzn-RequestId": req.requestId },
        operation,
      });
      if (!match) {
        const err = new ServiceError(
          "InvalidArgument",
          `No ${model.name} operation matches ${req.method} ${req.url.pathname}${req.url.search}.`,
        );
        return withId(serializeError(model, err, req.requestId));
      }
      const op = match.op;
      try {
        const handler = handlers[op.name] ?? unsupported(op);
        const input = parseRequest(op, { labels: match.labels, query: req.url.searchParams, headers: req.headers, body: req.body });
        const output = (await handler(input, { requestId: req.requestId, baseUrl: req.baseUrl, service })) ?? {};
        return withId(serializeResponse(model, op, output), op.name);
      } catch (err) {
        if (err instanceof ServiceError) {
          log.debug(`${op.name} → ${err.code}: ${err.message}`);
          return withId(serializeError(model, err, req.requestId), op.name);
        }
        log.error(`${op.name} failed (request ${req.requestId}): ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
        const internal = new ServiceError("InternalFailure", `The request processing has failed because of an unknown error (request ${req.requestId}).`, 500);
        return withId(serializeError(model, internal, req.requestId), op.name);
      }
    },
  };
}

function unsupported(op: OperationModel): never {
  throw new ServiceError("UnsupportedOperation", `minifront does not support the ${op.name} operation yet.`);
}
