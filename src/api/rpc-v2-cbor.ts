// Smithy RPC v2 CBOR, server side (the protocol newer AWS SDKs and botocore prefer for CloudWatch):
// `POST /service/<ServiceName>/operation/<Operation>` with `smithy-protocol: rpc-v2-cbor` and the
// input as one CBOR map; the output comes back the same way, an error as a CBOR map with
// `__type` (the error shape's id) and `message`, and for an @awsQueryCompatible service the
// awsQuery code in `x-amzn-query-error: <code>;<Sender|Receiver>` as aws-json-query-compat.ts does.
// Bodies are read and written by the SDK's own CBOR shape (de)serializers (@smithy/core/cbor), so
// what we emit is what the SDK's parser was built against.
// Smithy spec: https://smithy.io/2.0/additional-specs/protocols/smithy-rpc-v2.html
// Not done: event streams, input validation beyond what decoding does.
import { CborCodec } from "@smithy/core/cbor";
import type { OperationModel, ServiceModel } from "./model.ts";
import { ServiceError } from "./errors.ts";
import { queryErrorFacts, type QueryCompatibleError } from "./aws-json-query-compat.ts";
import type { ProtocolCodec, ProtocolResponse } from "./protocol.ts";
import { createApiService, type ApiService, type HandlerTable, type Logger } from "./service.ts";

const HEADERS = { "Content-Type": "application/cbor", "smithy-protocol": "rpc-v2-cbor" };

/** What an RPC v2 service says about bad input, unknown operations and crashes. */
export interface RpcV2ServiceProfile {
  readonly maxBodyBytes: number;
  invalidInput(message: string): ServiceError;
  unknownOperation(path: string): ServiceError;
  unsupported(operation: string): ServiceError;
  internalError(requestId: string): ServiceError;
}

/** Whether a request speaks RPC v2 CBOR (its `smithy-protocol` header). */
export function isRpcV2Cbor(headers: Readonly<Record<string, string | string[] | undefined>>): boolean {
  return headers["smithy-protocol"] === "rpc-v2-cbor";
}

/**
 * One RPC v2 CBOR service routed by `/service/<serviceName>/operation/<name>`; handlers throw
 * awsQuery codes, mapped to error shapes by `errors` (`namespace`: the shapes' Smithy namespace).
 */
export function createRpcV2CborService<S>(
  model: ServiceModel,
  serviceName: string,
  namespace: string,
  errors: ReadonlyMap<string, QueryCompatibleError>,
  handlers: HandlerTable<S>,
  profile: RpcV2ServiceProfile,
  log: Logger,
): ApiService<S> {
  const codec: ProtocolCodec = {
    streamsPayload: () => false,
    parse: (op, req) => readInput(op, req.body as Buffer, profile.invalidInput),
    serialize: (_model, op, output) => writeOutput(op, output),
  };
  const prefix = `/service/${serviceName}/operation/`;
  return createApiService<S>(
    model,
    handlers,
    {
      codec,
      route(req) {
        const op = req.method === "POST" && req.path.startsWith(prefix) ? model.operations.get(req.path.slice(prefix.length)) : undefined;
        return op ? { op, labels: {} } : undefined;
      },
      serializeError: (err) => writeError(namespace, errors, err),
      requestIdHeaders: (id) => ({ "x-amzn-RequestId": id }),
      maxBodyBytes: profile.maxBodyBytes,
      tooLarge: (limit) => profile.invalidInput(`The request body is larger than ${limit} bytes.`),
      noRoute: (req) => profile.unknownOperation(req.path),
      unsupported: (op) => profile.unsupported(op),
      internalError: (id) => profile.internalError(id),
    },
    log,
  );
}

function readInput(op: OperationModel, body: Buffer, invalidInput: (message: string) => ServiceError): Record<string, unknown> {
  if (body.length === 0) return {};
  try {
    const value = new CborCodec().createDeserializer().read(op.input, body) as unknown;
    if (value === null || typeof value !== "object" || Array.isArray(value)) throw new Error("the body is not a CBOR map");
    return value as Record<string, unknown>;
  } catch (err) {
    throw invalidInput(`The request body is not valid CBOR for ${op.name}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

function writeOutput(op: OperationModel, output: Record<string, unknown>): ProtocolResponse {
  const serializer = new CborCodec().createSerializer();
  serializer.write(op.output, output);
  return { status: 200, headers: { ...HEADERS }, body: serializer.flush() };
}

function writeError(namespace: string, errors: ReadonlyMap<string, QueryCompatibleError>, err: ServiceError): ProtocolResponse {
  const { status, type, shape } = queryErrorFacts(errors, err.code, err.statusOverride ?? 400);
  const serializer = new CborCodec().createSerializer();
  // 15: a document schema, written as the plain map it is.
  serializer.write(15, { __type: `${namespace}#${shape}`, message: err.message });
  return { status, headers: { ...HEADERS, "x-amzn-query-error": `${err.code};${type}`, ...err.headers }, body: serializer.flush() };
}
