// The awsJson1_0 / awsJson1_1 protocols, server side (CloudWatch Logs is 1.1): every call is a
// `POST /` whose `X-Amz-Target: <TargetPrefix>.<Operation>` header names the operation, with the
// input as one JSON object (`Content-Type: application/x-amz-json-1.1`); the output comes back the
// same way, and an error as `{"__type": "<Code>", "message": "…"}` with the code in
// `x-amzn-ErrorType` too (clients read either). No member has an HTTP binding, so a body is read
// and written as restJson1 reads and writes its unbound members (rest-json.ts, with the SDK's
// JsonShapeDeserializer / JsonShapeSerializer). awsJson ignores `@jsonName`, which that reader
// honours; the services served here (CloudWatch Logs, CloudWatch) have no member that carries it.
// Smithy awsJson1_1 spec: https://smithy.io/2.0/aws/protocols/aws-json-1_1-protocol.html
//
// The model comes from the client package's schemas (model-cache.ts) like the other services',
// but awsJson operations carry no HTTP trait, so they are listed here by name. Errors without an
// HTTP status in the model are 400 (client) or 500 (server), as the spec says. Not done: the
// awsQuery-compatible error mode (`x-amzn-query-mode`), event streams, CBOR.
import { NormalizedSchema } from "@smithy/core/schema";
import type { ErrorModel, OperationModel, ServiceModel } from "./model.ts";
import { ServiceError } from "./errors.ts";
import type { ProtocolCodec, ProtocolRequest, ProtocolResponse } from "./protocol.ts";
import { parseJsonRequest, serializeJsonResponse } from "./rest-json.ts";
import { createApiService, type ApiService, type HandlerTable, type Logger } from "./service.ts";

type OperationTuple = [9, string, string, unknown, () => unknown, () => unknown];
type ErrorTuple = [-3, string, string, { error?: "client" | "server"; httpError?: number }];

/** An awsJson service model: operations by name, called as `<targetPrefix>.<name>`. */
export interface JsonRpcServiceModel extends ServiceModel {
  /** The `X-Amz-Target` prefix (`Logs_20140328` for CloudWatch Logs). */
  readonly targetPrefix: string;
  /** `application/x-amz-json-1.0` or `-1.1`. */
  readonly contentType: string;
}

/** Reads an awsJson service's operations and errors from a client package's schemas. */
export function loadJsonRpcModel(name: string, targetPrefix: string, jsonVersion: "1.0" | "1.1", sdkExports: Record<string, unknown>): JsonRpcServiceModel {
  const operations = new Map<string, OperationModel>();
  const errors = new Map<string, ErrorModel>();
  for (const value of Object.values(sdkExports)) {
    if (!Array.isArray(value)) continue;
    if (value[0] === 9) {
      const [, , opName, , input, output] = value as OperationTuple;
      operations.set(opName, { name: opName, method: "POST", pathTemplate: "/", literalQuery: {}, successCode: 200, input: NormalizedSchema.of(input as never), output: NormalizedSchema.of(output as never) });
    } else if (value[0] === -3) {
      const [, , code, traits] = value as ErrorTuple;
      if (typeof traits !== "object") continue;
      const server = traits.error === "server";
      errors.set(code, { code, status: traits.httpError ?? (server ? 500 : 400), type: server ? "Receiver" : "Sender" });
    }
  }
  const contentType = `application/x-amz-json-${jsonVersion}`;
  return { name, xmlNamespace: "", xmlContentType: contentType, operations, errors, targetPrefix, contentType };
}

/** What an awsJson service says about bad input, unknown targets and crashes. */
export interface JsonRpcServiceProfile {
  readonly maxBodyBytes: number;
  /** The service's validation error (`ValidationException` …) for a request that breaks the model. */
  invalidInput(message: string): ServiceError;
  /** The error for an `X-Amz-Target` that names no operation of the service. */
  unknownOperation(target: string): ServiceError;
  /** The error for an operation without a handler; it names the operation. */
  unsupported(operation: string): ServiceError;
  internalError(requestId: string): ServiceError;
}

/** One awsJson service: createApiService (service.ts) routed by `X-Amz-Target`. */
export function createJsonRpcService<S>(model: JsonRpcServiceModel, handlers: HandlerTable<S>, profile: JsonRpcServiceProfile, log: Logger): ApiService<S> {
  const codec: ProtocolCodec = {
    streamsPayload: () => false,
    parse: (op, req) => parseJsonRequest(op, req as ProtocolRequest & { body: Buffer }, (m) => profile.invalidInput(m)),
    serialize: (_model, op, output) => serializeJsonRpcResponse(model, op, output),
  };
  const prefix = `${model.targetPrefix}.`;
  return createApiService<S>(
    model,
    handlers,
    {
      codec,
      route(req) {
        const target = targetOf(req.headers["x-amz-target"]);
        const op = req.method === "POST" && target.startsWith(prefix) ? model.operations.get(target.slice(prefix.length)) : undefined;
        return op ? { op, labels: {} } : undefined;
      },
      serializeError: (err) => serializeJsonRpcError(model, err),
      requestIdHeaders: (id) => ({ "x-amzn-RequestId": id }),
      maxBodyBytes: profile.maxBodyBytes,
      tooLarge: (limit) => profile.invalidInput(`The request body is larger than ${limit} bytes.`),
      noRoute: (req) => profile.unknownOperation(targetOf(req.headers["x-amz-target"])),
      unsupported: (op) => profile.unsupported(op),
      internalError: (id) => profile.internalError(id),
    },
    log,
  );
}

function targetOf(header: string | string[] | undefined): string {
  return (Array.isArray(header) ? header[0] : header) ?? "";
}

/** The output as one JSON object; a unit output (`DeleteDelivery`) as `{}`. */
export function serializeJsonRpcResponse(model: JsonRpcServiceModel, op: OperationModel, output: Record<string, unknown>): ProtocolResponse {
  if (!op.output.isStructSchema()) return { status: 200, headers: { "Content-Type": model.contentType }, body: "{}" };
  const res = serializeJsonResponse(op, output);
  return { ...res, headers: { ...res.headers, "Content-Type": model.contentType } };
}

/** `{"__type": code, "message": …}` with the model's status (400 for codes it does not know). */
export function serializeJsonRpcError(model: JsonRpcServiceModel, err: ServiceError): ProtocolResponse {
  const status = model.errors.get(err.code)?.status ?? err.statusOverride ?? 400;
  const body = JSON.stringify({ __type: err.code, message: err.message, ...err.details });
  return { status, headers: { "Content-Type": model.contentType, "x-amzn-ErrorType": err.code, ...err.headers }, body };
}
