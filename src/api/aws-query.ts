// The awsQuery protocol, server side (IAM, STS): a form-encoded POST (`Action=GetRole&Version=…`
// plus the input's members as `Name`, `List.member.1`, `Map.entry.1.key`, `Struct.Member`) in,
// `<OpResponse xmlns><OpResult>…</OpResult><ResponseMetadata>…` out, errors as
// `<ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>`.
// Smithy awsQuery spec: https://smithy.io/2.0/aws/protocols/aws-query-protocol.html
// The model comes from the client package's schemas like the REST services' (model.ts), but
// awsQuery operations carry no HTTP trait: they are told apart by `Action`, and error codes are
// the `awsQueryError` names (`NoSuchEntity`, not `NoSuchEntityException`). Keys follow the SDK's
// QueryShapeSerializer (xmlName or member name, `member`/`entry`/`key`/`value`, flattened lists);
// an empty list arrives as `Key=`.
//
// Parameters are read from the query string and the form body alike, so a GET with everything in
// the query string works too. Not done: ec2Query (EC2's variant), signature checks.
import { Readable } from "node:stream";
import { NormalizedSchema } from "@smithy/core/schema";
import type { OperationModel, ServiceModel, ErrorModel } from "./model.ts";
import { requiredMemberCount } from "./model.ts";
import { ServiceError } from "./errors.ts";
import type { ProtocolCodec, ProtocolResponse } from "./protocol.ts";
import { createApiService, readBody, type ApiRequest, type ApiService, type HandlerTable, type Logger } from "./service.ts";
import { writeXmlDocument } from "./xml-writer.ts";
import { xmlSafeText } from "./xml-chars.ts";

type OperationTuple = [9, string, string, unknown, () => unknown, () => unknown];
type ErrorTuple = [-3, string, string, { error?: "client" | "server"; httpError?: number; awsQueryError?: [string, number] }];

/** An awsQuery service model: operations by Action, errors by their awsQuery code. */
export interface QueryServiceModel extends ServiceModel {
  /** The API version clients send as `Version` (`2010-05-08` for IAM). */
  readonly version: string;
}

/** Reads an awsQuery service's operations and errors from a client package's exports. */
export function loadQueryModel(name: string, xmlNamespace: string, version: string, sdkExports: Record<string, unknown>): QueryServiceModel {
  const operations = new Map<string, OperationModel>();
  const errors = new Map<string, ErrorModel>();
  for (const value of Object.values(sdkExports)) {
    if (!Array.isArray(value)) continue;
    if (value[0] === 9) {
      const op = value as OperationTuple;
      operations.set(op[2], {
        name: op[2],
        method: "POST",
        pathTemplate: "/",
        literalQuery: {},
        successCode: 200,
        input: NormalizedSchema.of(op[4] as never),
        output: NormalizedSchema.of(op[5] as never),
      });
    } else if (value[0] === -3) {
      const traits = (value as ErrorTuple)[3];
      if (typeof traits !== "object") continue;
      const [code, status] = traits.awsQueryError ?? [(value as ErrorTuple)[2], traits.httpError ?? 400];
      errors.set(code, { code, status, type: traits.error === "server" ? "Receiver" : "Sender" });
    }
  }
  return { name, xmlNamespace, xmlContentType: "text/xml", operations, errors, version };
}

/** What an awsQuery service says about bad input and crashes. */
export interface QueryServiceProfile {
  readonly maxBodyBytes: number;
  /** The error for a request that breaks the model (IAM and STS: `ValidationError`). */
  invalidInput(message: string): ServiceError;
  /** The error for an Action the model does not have. */
  unknownAction(action: string): ServiceError;
  /** The error for an operation without a handler. */
  unsupported(operation: string): ServiceError;
  internalError(requestId: string): ServiceError;
}

/**
 * One awsQuery service. The operation is named in the form body, so the body is read before
 * routing: its parameters and the query string's become the request's `query`, from which the
 * codec reads the input.
 */
export function createQueryService<S>(model: QueryServiceModel, handlers: HandlerTable<S>, profile: QueryServiceProfile, log: Logger): ApiService<S> {
  const codec: ProtocolCodec = {
    streamsPayload: () => false,
    parse: (op, req) => parseQueryInput(op.input, req.query, "", profile.invalidInput, true) as Record<string, unknown>,
    serialize: (_m, op, output) => serializeQueryResponse(model, op, output),
  };
  const inner = createApiService<S>(
    model,
    handlers,
    {
      codec,
      route(req) {
        const action = req.query.get("Action") ?? "";
        const op = model.operations.get(action);
        return op ? { op, labels: {} } : undefined;
      },
      serializeError: (err, req) => serializeQueryError(model, err, req.requestId),
      requestIdHeaders: (id) => ({ "x-amzn-RequestId": id }),
      maxBodyBytes: profile.maxBodyBytes,
      tooLarge: (limit) => profile.invalidInput(`The request body is larger than ${limit} bytes.`),
      noRoute: (req) => profile.unknownAction(req.query.get("Action") ?? ""),
      unsupported: (op) => profile.unsupported(op),
      internalError: (id) => profile.internalError(id),
    },
    log,
  );
  return {
    model,
    supported: inner.supported,
    async handle(req, service) {
      let form: Buffer;
      try {
        form = await readBody(req.body, profile.maxBodyBytes, () => profile.invalidInput(`The request body is larger than ${profile.maxBodyBytes} bytes.`));
      } catch (err) {
        if (!(err instanceof ServiceError)) throw err;
        return { ...serializeQueryError(model, err, req.requestId), operation: undefined };
      }
      const query = new URLSearchParams(req.rawQuery ?? req.query.toString());
      for (const [k, v] of new URLSearchParams(form.toString("utf8"))) query.append(k, v);
      const out = await inner.handle({ ...req, query, body: Readable.from([]) } satisfies ApiRequest, service);
      // The codec does not see the request id; the success body carries a placeholder for it.
      return typeof out.body === "string" ? { ...out, body: out.body.replace(REQUEST_ID_PLACEHOLDER, escapeXmlText(req.requestId)) } : out;
    },
  };
}

const REQUEST_ID_PLACEHOLDER = "<RequestId>\u0000</RequestId>";

/** Text for an XML element or attribute: markup characters escaped, forbidden characters replaced. */
function escapeXmlText(text: string): string {
  return xmlSafeText(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * Reads the value of `schema` at `prefix` from the flat parameters; undefined when absent.
 * `top` is the operation's input structure, whose members have no prefix.
 */
export function parseQueryInput(schema: NormalizedSchema, params: URLSearchParams, prefix: string, invalidInput: (message: string) => ServiceError, top = false): unknown {
  if (schema.isStructSchema()) {
    if (!top && !hasPrefix(params, prefix)) return undefined;
    const out: Record<string, unknown> = {};
    const required = requiredMemberCount(schema);
    let i = 0;
    for (const [name, member] of schema.structIterator()) {
      const key = (top ? "" : `${prefix}.`) + (member.getMergedTraits().xmlName ?? name);
      const value = parseQueryInput(member, params, key, invalidInput);
      if (value !== undefined) out[name] = value;
      else if (i < required) throw invalidInput(`1 validation error detected: Value null at '${lowerFirst(key)}' failed to satisfy constraint: Member must not be null`);
      i++;
    }
    return out;
  }
  if (schema.isListSchema()) {
    // serializeEmptyLists: `Tags=` is an empty list.
    if (params.get(prefix) === "") return [];
    const item = schema.getValueSchema();
    const flat = !!schema.getMergedTraits().xmlFlattened;
    const itemKey = flat ? prefix : `${prefix}.${item.getMergedTraits().xmlName ?? "member"}`;
    const out: unknown[] = [];
    for (let n = 1; ; n++) {
      const value = parseQueryInput(item, params, `${itemKey}.${n}`, invalidInput);
      if (value === undefined) break;
      out.push(value);
    }
    return out.length > 0 ? out : undefined;
  }
  if (schema.isMapSchema()) {
    const flat = !!schema.getMergedTraits().xmlFlattened;
    const keyName = schema.getKeySchema().getMergedTraits().xmlName ?? "key";
    const valueName = schema.getValueSchema().getMergedTraits().xmlName ?? "value";
    const out: Record<string, unknown> = {};
    let found = false;
    for (let n = 1; ; n++) {
      const entry = flat ? `${prefix}.${n}` : `${prefix}.entry.${n}`;
      const k = params.get(`${entry}.${keyName}`);
      if (k === null) break;
      out[k] = parseQueryInput(schema.getValueSchema(), params, `${entry}.${valueName}`, invalidInput);
      found = true;
    }
    return found ? out : undefined;
  }
  const text = params.get(prefix);
  if (text === null) return undefined;
  return readQueryScalar(schema, text, prefix, invalidInput);
}

function hasPrefix(params: URLSearchParams, prefix: string): boolean {
  const dotted = `${prefix}.`;
  for (const key of params.keys()) if (key === prefix || key.startsWith(dotted)) return true;
  return false;
}

function readQueryScalar(schema: NormalizedSchema, text: string, key: string, invalidInput: (message: string) => ServiceError): unknown {
  const bad = (what: string) => invalidInput(`1 validation error detected: Value '${text}' at '${lowerFirst(key)}' failed to satisfy constraint: Member must be ${what}`);
  if (schema.isBooleanSchema()) {
    if (text === "true") return true;
    if (text === "false") return false;
    throw bad("true or false");
  }
  if (schema.isNumericSchema()) {
    const n = Number(text.trim());
    if (text.trim() === "" || !Number.isFinite(n)) throw bad("a number");
    return n;
  }
  if (schema.isTimestampSchema()) {
    const ms = /^\d+(\.\d+)?$/.test(text) ? Number(text) * 1000 : Date.parse(text);
    if (!Number.isFinite(ms)) throw bad("a timestamp");
    return new Date(ms);
  }
  if (schema.isBlobSchema()) return new Uint8Array(Buffer.from(text, "base64"));
  return text;
}

/** `RoleName` → `roleName`: how IAM names a parameter in its validation messages. */
function lowerFirst(key: string): string {
  return key.charAt(0).toLowerCase() + key.slice(1);
}

/** `<OpResponse xmlns><OpResult>…</OpResult><ResponseMetadata><RequestId/></ResponseMetadata></OpResponse>`. */
export function serializeQueryResponse(model: ServiceModel, op: OperationModel, output: Record<string, unknown>): ProtocolResponse {
  let result = "";
  if (op.output.isStructSchema()) {
    // The shared writer names the root after the output shape; awsQuery wants `<OpResult>`.
    const doc = writeXmlDocument(op.output, output, model.xmlNamespace);
    const open = doc.indexOf(">");
    const inner = doc.charAt(open - 1) === "/" ? "" : doc.slice(open + 1, doc.lastIndexOf("</"));
    result = `<${op.name}Result>${inner}</${op.name}Result>`;
  }
  const body =
    `<${op.name}Response xmlns="${model.xmlNamespace}">${result}` + `<ResponseMetadata>${REQUEST_ID_PLACEHOLDER}</ResponseMetadata></${op.name}Response>`;
  return { status: op.successCode, headers: { "Content-Type": model.xmlContentType }, body };
}

/** `<ErrorResponse>` with the awsQuery code; status and Type from the model's awsQueryError trait. */
export function serializeQueryError(model: ServiceModel, err: ServiceError, requestId: string): ProtocolResponse {
  const known = model.errors.get(err.code);
  const status = known?.status ?? err.statusOverride ?? 400;
  const type = known?.type ?? (status >= 500 ? "Receiver" : "Sender");
  const body =
    `<ErrorResponse xmlns="${model.xmlNamespace}"><Error><Type>${type}</Type><Code>${escapeXmlText(err.code)}</Code>` +
    `<Message>${escapeXmlText(err.message)}</Message></Error><RequestId>${escapeXmlText(requestId)}</RequestId></ErrorResponse>`;
  return { status, headers: { "Content-Type": model.xmlContentType, ...err.headers }, body };
}
