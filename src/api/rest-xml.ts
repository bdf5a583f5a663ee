// The rest-xml protocol, server side: HTTP request → operation input object, operation output
// object → HTTP response, ServiceError → `<ErrorResponse>`. Bindings (labels, query, headers,
// payload, status code) are read from the member traits of the model's input/output shapes;
// response bodies are written by xml-writer.ts, which writes what the SDK's own XmlShapeSerializer
// writes (the XML the SDK's parser was built against) with writers compiled once per shape.
// docs/control-plane.md §2 and §5 describe the wire format.
//
// Every XML document we send passes through xmlSafeText: a character XML 1.0 cannot carry (stored
// before such input was refused, an S3 key from a URL, or text echoed into an error message)
// becomes U+FFFD instead of making the document unreadable for every client. A client that needs
// such an S3 key exactly lists with EncodingType=url (the aws CLI does), which the handlers honour.
import type { NormalizedSchema } from "@smithy/core/schema";
import { Readable } from "node:stream";
import type { OperationModel, ServiceModel } from "./model.ts";
import type { ProtocolCodec, ProtocolRequest, ProtocolResponse } from "./protocol.ts";
import { structMembers, type StructMember } from "./struct-members.ts";
import { ServiceError } from "./errors.ts";
import { readScalar, readXmlStruct } from "./xml-reader.ts";
import { parseXmlDocument, type XmlReadOptions } from "./xml-document.ts";
import { xmlSafeText } from "./xml-chars.ts";
import { writeXmlDocument } from "./xml-writer.ts";
import { readHttpBinding } from "./http-bindings.ts";

export type { ProtocolRequest, ProtocolResponse } from "./protocol.ts";

/** True when the operation's input payload is a stream that must not be read into memory. */
export function hasStreamingPayload(op: OperationModel): boolean {
  return structMembers(op.input).some((m) => m.traits.httpPayload && m.schema.isStreaming());
}

const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>';

/**
 * The REST-XML codec with service-specific reading options (CloudFront answers InvalidArgument for
 * a character XML 1.0 does not allow, S3 MalformedXML).
 */
export function restXmlCodec(options: XmlReadOptions): ProtocolCodec {
  return { streamsPayload: hasStreamingPayload, parse: (op, req) => parseRequest(op, req, options), serialize: serializeResponse };
}

/** Builds the operation's typed input from the HTTP request, or throws a ServiceError. */
export function parseRequest(op: OperationModel, req: ProtocolRequest, options: XmlReadOptions = {}): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  const bodyMembers: StructMember[] = [];
  for (const m of structMembers(op.input)) {
    const { name, schema: member, traits, required: isRequired } = m;
    const binding = readHttpBinding(name, member, req, (schema, text, wire, where) => readScalar(schema, text, where === "label" ? name : wire));
    if (binding.bound) {
      if (binding.value !== undefined) input[name] = binding.value;
    } else if (traits.httpPayload) {
      const body = req.body;
      if (body instanceof Readable) {
        input[name] = body;
        continue;
      }
      if (body.length === 0) {
        if (isRequired) throw missingBody(op);
        continue;
      }
      if (member.isStructSchema()) {
        const rootName = traits.xmlName ?? member.getName() ?? name;
        input[name] = readXmlStruct(member, parseXmlDocument(body, options), rootName);
      } else if (member.isBlobSchema()) {
        input[name] = new Uint8Array(body);
      } else {
        input[name] = body.toString("utf8");
      }
      continue;
    } else {
      bodyMembers.push(m);
      continue;
    }
    // A missing If-Match is the handler's to report (InvalidIfMatchVersion, docs/control-plane.md
    // "If-Match/ETag"), even where the model marks it required.
    if (isRequired && input[name] === undefined && traits.httpHeader !== "If-Match") {
      throw new ServiceError("InvalidArgument", `Missing required parameter ${name}.`);
    }
  }
  if (bodyMembers.length > 0 && !(req.body instanceof Readable)) {
    // No payload member: the unbound members travel inside a wrapper element named after the
    // input shape (`<CreateFunctionRequest>`).
    if (req.body.length === 0) {
      if (bodyMembers.some((m) => m.required)) throw missingBody(op);
    } else {
      const rootName = op.input.getMergedTraits().xmlName ?? op.input.getName() ?? op.name;
      const names = new Set(bodyMembers.map((m) => m.name));
      Object.assign(input, readXmlStruct(op.input, parseXmlDocument(req.body, options), rootName, names));
    }
  }
  return input;
}

function missingBody(op: OperationModel): ServiceError {
  return new ServiceError("MissingBody", `The request body is required for ${op.name}.`);
}

/**
 * A handler may set this key on its output to answer with another success status than the
 * model's (S3's 206 Partial Content for a Range request has no member in the model).
 */
export const RESPONSE_STATUS = Symbol("responseStatus");

/**
 * A handler may set this key on its output to add headers the model does not bind (CloudFront's
 * UpdateFunction sends `ETag` besides the model's misspelt `ETtag`).
 */
export const EXTRA_HEADERS = Symbol("extraHeaders");

/** A handler may set this key to send a body the model does not describe (S3's POST Object `<PostResponse>`). */
export const RESPONSE_BODY = Symbol("responseBody");

/** Serializes an operation's output object into status, headers and body. */
export function serializeResponse(
  model: ServiceModel,
  op: OperationModel,
  output: Record<string, unknown> & { [RESPONSE_STATUS]?: number; [EXTRA_HEADERS]?: Record<string, string>; [RESPONSE_BODY]?: string },
): ProtocolResponse {
  const headers: Record<string, string> = { ...output[EXTRA_HEADERS] };
  let status = output[RESPONSE_STATUS] ?? op.successCode;
  let body: string | Uint8Array | Readable = "";
  const bodyObject: Record<string, unknown> = {};
  let hasBodyMembers = false;
  for (const { name, schema: member, traits } of structMembers(op.output)) {
    const value = output[name];
    if (value === undefined || value === null) continue;
    if (typeof traits.httpHeader === "string") {
      // A timestamp header modelled as `date-time` (schema 5, e.g. x-amz-object-lock-retain-until-date) is ISO 8601.
      headers[traits.httpHeader] = value instanceof Date && member.getSchema() === 5 ? value.toISOString() : headerValue(value);
    } else if (typeof traits.httpPrefixHeaders === "string") {
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) headers[traits.httpPrefixHeaders + k] = headerValue(v);
    } else if (traits.httpResponseCode) {
      status = Number(value);
    } else if (traits.httpPayload) {
      if (member.isStructSchema()) {
        body = XML_DECLARATION + writeXml(model, member, value);
        headers["Content-Type"] ??= model.xmlContentType;
      } else if (value instanceof Uint8Array || value instanceof Readable) {
        body = value;
      } else {
        body = String(value);
      }
    } else {
      bodyObject[name] = value;
      hasBodyMembers = true;
    }
  }
  if (hasBodyMembers) {
    body = XML_DECLARATION + (textRoot(model, op.output, bodyObject) ?? writeXml(model, op.output, bodyObject));
    headers["Content-Type"] = model.xmlContentType;
  }
  if (output[RESPONSE_BODY] !== undefined) body = output[RESPONSE_BODY];
  return { status, headers, body };
}

/**
 * An output whose only body member has the root's own name is sent as text in the root element:
 * S3's GetBucketLocation answers `<LocationConstraint>eu-west-1</LocationConstraint>`, which is how
 * the SDK's parser reads that shape.
 */
function textRoot(model: ServiceModel, schema: NormalizedSchema, body: Record<string, unknown>): string | undefined {
  const rootName = schema.getMergedTraits().xmlName;
  const names = Object.keys(body);
  if (!rootName || names.length !== 1 || names[0] !== rootName) return undefined;
  const member = schema.getMemberSchema(rootName);
  if (member.isStructSchema() || member.isListSchema() || member.isMapSchema()) return undefined;
  return `<${rootName} xmlns="${model.xmlNamespace}">${escapeXml(String(body[rootName]))}</${rootName}>`;
}

/** Header values: HTTP-dates for timestamps (RFC 7231), comma-joined lists, text otherwise. */
function headerValue(value: unknown): string {
  if (value instanceof Date) return value.toUTCString();
  if (Array.isArray(value)) return value.map(headerValue).join(", ");
  return String(value);
}

export function writeXml(model: ServiceModel, schema: NormalizedSchema, value: unknown): string {
  return writeXmlDocument(schema, value, model.xmlNamespace);
}

/** `<ErrorResponse>` for a ServiceError; status and Type from the model (docs/control-plane.md §5). */
export function serializeErrorResponse(model: ServiceModel, err: ServiceError, requestId: string): ProtocolResponse {
  const known = model.errors.get(err.code);
  const status = known?.status ?? err.statusOverride ?? 400;
  const type = known?.type ?? (status >= 500 ? "Receiver" : "Sender");
  const body =
    `${XML_DECLARATION}<ErrorResponse xmlns="${model.xmlNamespace}"><Error><Type>${type}</Type>` +
    `<Code>${escapeXml(err.code)}</Code><Message>${escapeXml(err.message)}</Message></Error>` +
    `<RequestId>${escapeXml(requestId)}</RequestId></ErrorResponse>`;
  return { status, headers: { "Content-Type": model.xmlContentType }, body };
}

/** Text for an XML element or attribute: markup characters escaped, forbidden characters replaced. */
export function escapeXml(text: string): string {
  return xmlSafeText(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
