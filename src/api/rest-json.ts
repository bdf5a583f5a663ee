// The restJson1 protocol, server side: HTTP request → operation input object, operation output
// object → HTTP response, ServiceError → JSON error with the `x-amzn-ErrorType` header. The JSON
// counterpart of rest-xml.ts. Bindings (labels, query, headers, payload) come from the member
// traits of the model's shapes; bodies are read and written by the SDK's own JsonShapeDeserializer
// / JsonShapeSerializer (@aws-sdk/core), with the settings its AwsRestJsonProtocol client uses, so
// what we emit is what the SDK's parser was built against.
// Smithy restJson1 spec: https://smithy.io/2.0/aws/protocols/aws-restjson1-protocol.html
//
// Not done: streaming payloads (read into memory like any body), event streams, document types
// beyond what the SDK's (de)serializer does on its own.
import { Readable } from "node:stream";
import { NormalizedSchema } from "@smithy/core/schema";
import { JsonShapeDeserializer, JsonShapeSerializer, type JsonSettings } from "@aws-sdk/core/protocols";
import type { OperationModel, ServiceModel } from "./model.ts";
import { requiredMemberCount } from "./model.ts";
import { readHttpBinding } from "./http-bindings.ts";
import { ServiceError } from "./errors.ts";
import type { ProtocolRequest, ProtocolResponse } from "./rest-xml.ts";
import { createApiService, type ApiService, type HandlerTable, type Logger, type ProtocolCodec, type ServiceProfile } from "./service.ts";

// restJson1: timestamps in bodies are epoch seconds unless a trait says otherwise; member names may
// be renamed by @jsonName. These are the settings of @aws-sdk/core's AwsRestJsonProtocol.
const SETTINGS: JsonSettings = { timestampFormat: { useTrait: true, default: 7 }, httpBindings: true, jsonName: true } as JsonSettings;

const JSON_CONTENT_TYPE = "application/json";

/** A JSON service's profile: the shared one plus the service's codes for bad input and for crashes. */
export interface JsonServiceProfile extends ServiceProfile {
  /** The service's validation error (`ValidationException` …) for a request that breaks the model. */
  invalidInput(message: string): ServiceError;
  /** The service's internal error (`InternalServerException` …) for a handler that crashed. */
  internalError(requestId: string): ServiceError;
}

/** The operation's typed input from the HTTP request, or a ServiceError from `invalidInput`. */
export function parseJsonRequest(op: OperationModel, req: ProtocolRequest & { body: Buffer }, invalidInput: (message: string) => ServiceError): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  const bodyMembers: Array<[string, NormalizedSchema, boolean]> = [];
  const required = requiredMemberCount(op.input);
  let index = 0;
  for (const [name, member] of op.input.structIterator()) {
    const traits = member.getMergedTraits();
    const isRequired = index++ < required;
    const binding = readHttpBinding(name, member, req, (schema, text, wire, where) => readScalar(schema, text, wire, where, invalidInput));
    if (binding.bound) {
      if (binding.value !== undefined) input[name] = binding.value;
    } else if (traits.httpPayload) {
      if (req.body.length > 0) {
        if (member.isStructSchema() || member.isDocumentSchema()) input[name] = readJsonValue(member, parseJson(req.body, invalidInput), name, invalidInput);
        else if (member.isBlobSchema()) input[name] = new Uint8Array(req.body);
        else input[name] = req.body.toString("utf8");
      }
    } else {
      bodyMembers.push([name, member, isRequired]);
      continue;
    }
    if (isRequired && input[name] === undefined) throw invalidInput(`Missing required parameter ${name}.`);
  }
  if (bodyMembers.length > 0) {
    // No payload member: the unbound members are the top-level fields of one JSON object; an
    // empty body is an empty object (clients send nothing when every body member is unset).
    const doc = req.body.length === 0 ? {} : parseJson(req.body, invalidInput);
    if (doc === null || typeof doc !== "object" || Array.isArray(doc)) throw invalidInput("The request body must be a JSON object.");
    const record = doc as Record<string, unknown>;
    for (const [name, member, isRequired] of bodyMembers) {
      const wire = member.getMergedTraits().jsonName ?? name;
      const raw = record[wire];
      if (raw === undefined || raw === null) {
        if (isRequired) throw invalidInput(`Missing required parameter ${name}.`);
        continue;
      }
      input[name] = readJsonValue(member, raw, name, invalidInput);
    }
  }
  return input;
}

function parseJson(body: Buffer, invalidInput: (message: string) => ServiceError): unknown {
  try {
    return JSON.parse(body.toString("utf8"));
  } catch (err) {
    throw invalidInput(`The request body is not valid JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/**
 * Checks a decoded JSON value against its schema (types, required structure members), then
 * converts it with the SDK's deserializer (base64 blobs, timestamps, @jsonName).
 */
function readJsonValue(schema: NormalizedSchema, raw: unknown, path: string, invalidInput: (message: string) => ServiceError): unknown {
  checkJsonShape(schema, raw, path, invalidInput);
  // readObject takes any parsed JSON value; its DocumentType parameter type is narrower than JSON.parse's result.
  return new JsonShapeDeserializer(SETTINGS).readObject(schema, raw as never);
}

function checkJsonShape(schema: NormalizedSchema, value: unknown, path: string, invalidInput: (message: string) => ServiceError): void {
  const fail = (what: string) => invalidInput(`${path} must be ${what}.`);
  if (schema.isDocumentSchema()) return;
  if (schema.isStructSchema()) {
    if (value === null || typeof value !== "object" || Array.isArray(value)) throw fail("an object");
    const record = value as Record<string, unknown>;
    const required = requiredMemberCount(schema);
    let i = 0;
    for (const [name, member] of schema.structIterator()) {
      const wire = member.getMergedTraits().jsonName ?? name;
      const v = record[wire];
      if (v === undefined || v === null) {
        if (i < required) throw invalidInput(`Missing required parameter ${path}.${name}.`);
      } else {
        checkJsonShape(member, v, `${path}.${name}`, invalidInput);
      }
      i++;
    }
    return;
  }
  if (schema.isListSchema()) {
    if (!Array.isArray(value)) throw fail("a list");
    value.forEach((item, i) => {
      if (item !== null) checkJsonShape(schema.getValueSchema(), item, `${path}[${i}]`, invalidInput);
    });
    return;
  }
  if (schema.isMapSchema()) {
    if (value === null || typeof value !== "object" || Array.isArray(value)) throw fail("an object");
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (v !== null) checkJsonShape(schema.getValueSchema(), v, `${path}.${k}`, invalidInput);
    }
    return;
  }
  if (schema.isBooleanSchema()) {
    if (typeof value !== "boolean") throw fail("true or false");
  } else if (schema.isTimestampSchema()) {
    if (typeof value !== "number" && typeof value !== "string") throw fail("a timestamp");
  } else if (schema.isNumericSchema() || schema.isBigIntegerSchema() || schema.isBigDecimalSchema()) {
    if (typeof value !== "number") throw fail("a number");
  } else if (schema.isBlobSchema() || schema.isStringSchema()) {
    if (typeof value !== "string") throw fail("a string");
  }
}

/** Labels, query values and headers: text to the member's type. */
function readScalar(schema: NormalizedSchema, text: string, name: string, where: string, invalidInput: (message: string) => ServiceError): unknown {
  if (schema.isBooleanSchema()) {
    if (text === "true") return true;
    if (text === "false") return false;
    throw invalidInput(`The ${where} ${name} must be true or false, not "${text}".`);
  }
  if (schema.isNumericSchema()) {
    const t = text.trim();
    const n = Number(t);
    if (!/^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t) || !Number.isFinite(n)) throw invalidInput(`The ${where} ${name} must be a number, not "${text}".`);
    return n;
  }
  if (schema.isTimestampSchema()) {
    // Headers carry HTTP-dates, labels and query strings ISO 8601 (restJson1 defaults); accept both.
    const t = text.trim();
    const ms = /^\d+(\.\d+)?$/.test(t) ? Number(t) * 1000 : Date.parse(t);
    if (!Number.isFinite(ms)) throw invalidInput(`The ${where} ${name} must be a timestamp, not "${text}".`);
    return new Date(ms);
  }
  return text;
}

/** Serializes an operation's output object: header members to headers, the rest to one JSON object. */
export function serializeJsonResponse(op: OperationModel, output: Record<string, unknown>): ProtocolResponse {
  const headers: Record<string, string> = {};
  let status = op.successCode;
  let body: string | Uint8Array | Readable = "";
  const bodyObject: Record<string, unknown> = {};
  let hasBodyMembers = false;
  for (const [name, member] of op.output.structIterator()) {
    const traits = member.getMergedTraits();
    const value = output[name];
    const bound = typeof traits.httpHeader === "string" || typeof traits.httpPrefixHeaders === "string" || traits.httpResponseCode || traits.httpPayload;
    if (!bound) hasBodyMembers = true;
    if (value === undefined || value === null) continue;
    if (typeof traits.httpHeader === "string") {
      headers[traits.httpHeader] = headerValue(value);
    } else if (typeof traits.httpPrefixHeaders === "string") {
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) headers[traits.httpPrefixHeaders + k] = headerValue(v);
    } else if (traits.httpResponseCode) {
      status = Number(value);
    } else if (traits.httpPayload) {
      if (member.isStructSchema() || member.isDocumentSchema()) {
        body = writeJson(member, value);
        headers["Content-Type"] = JSON_CONTENT_TYPE;
      } else if (value instanceof Uint8Array || value instanceof Readable) {
        body = value;
      } else {
        body = String(value);
      }
    } else {
      bodyObject[name] = value;
    }
  }
  if (hasBodyMembers) {
    body = writeJson(op.output, bodyObject);
    headers["Content-Type"] = JSON_CONTENT_TYPE;
  }
  return { status, headers, body };
}

/** Header values: HTTP-dates for timestamps (restJson1 default), comma-joined lists, text otherwise. */
function headerValue(value: unknown): string {
  if (value instanceof Date) return value.toUTCString();
  if (Array.isArray(value)) return value.map(headerValue).join(", ");
  return String(value);
}

function writeJson(schema: NormalizedSchema, value: unknown): string {
  const serializer = new JsonShapeSerializer(SETTINGS);
  serializer.write(schema, value);
  return String(serializer.flush());
}

/** The error structures a client package exports, by error code (the `-3` schema tuples). */
export function loadErrorSchemas(sdkExports: Record<string, unknown>): ReadonlyMap<string, NormalizedSchema> {
  const out = new Map<string, NormalizedSchema>();
  for (const value of Object.values(sdkExports)) {
    if (Array.isArray(value) && value[0] === -3 && typeof value[2] === "string") out.set(value[2], NormalizedSchema.of(value as never));
  }
  return out;
}

/**
 * A restJson1 error: the model's status, the code in `x-amzn-ErrorType` (where the SDK looks
 * first), and a body with the error structure's members: its message member (whatever the model
 * calls it: `Message`, `message`) and any details the ServiceError carries.
 */
export function serializeJsonErrorResponse(model: ServiceModel, errorSchemas: ReadonlyMap<string, NormalizedSchema>, err: ServiceError): ProtocolResponse {
  const known = model.errors.get(err.code);
  const status = known?.status ?? err.statusOverride ?? 400;
  const schema = errorSchemas.get(err.code);
  const fields: Record<string, unknown> = { ...err.details };
  let messageMember = "message";
  if (schema) {
    for (const [name] of schema.structIterator()) if (name.toLowerCase() === "message") messageMember = name;
  }
  fields[messageMember] = err.message;
  const body = schema ? writeJson(schema, fields) : JSON.stringify(fields);
  return { status, headers: { "Content-Type": JSON_CONTENT_TYPE, "x-amzn-ErrorType": err.code, ...err.headers }, body };
}

/**
 * One restJson1 service: createApiService (service.ts) with the JSON codec and the service's
 * validation and internal errors.
 */
export function createRestJsonService<S>(model: ServiceModel, handlers: HandlerTable<S>, profile: JsonServiceProfile, log: Logger): ApiService<S> {
  const codec: ProtocolCodec = {
    streamsPayload: () => false,
    parse: (op, req) => parseJsonRequest(op, req as ProtocolRequest & { body: Buffer }, (m) => profile.invalidInput(m)),
    serialize: (_model, op, output) => serializeJsonResponse(op, output),
  };
  return createApiService(model, handlers, { ...profile, codec, internalError: (id) => profile.internalError(id) }, log);
}
