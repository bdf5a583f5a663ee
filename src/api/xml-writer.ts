// Typed object → XML for rest-xml response bodies, compiled once per output shape.
//
// What it writes is what the SDK's own XmlShapeSerializer (@aws-sdk/core/protocols) writes, byte
// for byte (xml-writer.test.ts compares the two over every output shape of the CloudFront and S3
// models): element names from xmlName traits or member names, `member`/`entry`/`key`/`value` for
// lists and maps unless renamed, flattened lists and maps, xmlAttribute members, xmlNamespace
// traits (an `xmlns` attribute where the namespace differs from the parent's), timestamps in the
// format of their trait or ISO 8601, blobs in base64, the service namespace on the root element,
// text escaped as the SDK's xml-builder escapes it. Then, as xmlSafeText does for a whole
// document, each character XML 1.0 cannot carry becomes U+FFFD.
//
// Why not the SDK's serializer: it walks the schema and builds a tree of XmlNode objects for every
// response, then turns the tree into a string; for ListDistributions with 200 items that was 0.7 ms
// per distribution, most of a control-plane call (issue #12, "Control plane"). Here the schema is
// walked once per shape into closures that append straight to a string.
//
// A structure value marked with `unchangingXmlValue` has its XML kept by the writer that wrote it
// (until the value is collected), so a list that repeats the same items (ListDistributions' summaries
// of stored records) writes each item once, not on every call.
//
// Not done (no handler returns them): a union's `$unknown` member, and the SDK's string/blob
// shortcut for a payload that is not a structure (rest-xml.ts writes those itself).
import type { NormalizedSchema } from "@smithy/core/schema";
import { determineTimestampFormat } from "@smithy/core/protocols";
import { dateToUtcString, generateIdempotencyToken, NumericValue, toBase64 } from "@smithy/core/serde";
import { xmlSafeText } from "./xml-chars.ts";

/** Writes one value: returns its XML (an element, several for flattened members, or ""). */
type Write = (value: unknown) => string;

/** Writes a structure as an element with the given name; `rootXmlns` only for the document's root. */
type WriteStruct = (value: Record<string, unknown>, name: string, rootXmlns?: string) => string;

// As rest-xml.ts configures the SDK's serializer: timestamp traits win, ISO 8601 otherwise.
const TIMESTAMP_SETTINGS = { timestampFormat: { useTrait: true, default: 5 }, httpBindings: true } as Parameters<typeof determineTimestampFormat>[1];

/** Structure values whose XML may be kept: their owners never change them nor anything they hold. */
const UNCHANGING = new WeakSet<object>();

/**
 * Marks `value` (a structure) as never changing, so that its XML is written once per writer and
 * element name and then reused. The caller promises that neither `value` nor anything reachable
 * from it is ever modified; a changed resource must be a new object.
 */
export function unchangingXmlValue<T extends object>(value: T): T {
  UNCHANGING.add(value);
  return value;
}

/**
 * The XML of a structure `value` of `schema`: the operation's output shape, or its payload member.
 * The root is named as the SDK names it and carries `xmlns="<xmlNamespace>"` unless the shape
 * declares its own.
 */
export function writeXmlDocument(schema: NormalizedSchema, value: unknown, xmlNamespace: string): string {
  const traits = schema.getMergedTraits();
  const name = schema.isMemberSchema() && !traits.httpPayload ? (schema.getMemberTraits().xmlName ?? schema.getMemberName()) : (traits.xmlName ?? schema.getName());
  if (!name || !schema.isStructSchema()) throw new Error(`xml writer: cannot write a document of ${schema.getName(true)}`);
  return structWriter(schema, undefined)(value as Record<string, unknown>, name, xmlNamespace);
}

/**
 * The schema's own namespace when it differs from its parent's (the SDK's getXmlnsAttribute):
 * the attribute to write (` xmlns:p="…"`, or "") and the namespace its children see as their
 * parent's (undefined when it writes none, as the SDK passes it on).
 */
function xmlnsOf(schema: NormalizedSchema, parentXmlns: string | undefined): { readonly attr: string; readonly name: string | undefined; readonly xmlns: string | undefined } {
  const [prefix, xmlns] = (schema.getMergedTraits().xmlNamespace as [string?, string?] | undefined) ?? [];
  if (!xmlns || xmlns === parentXmlns) return { attr: "", name: undefined, xmlns: undefined };
  const name = prefix ? `xmlns:${prefix}` : "xmlns";
  return { attr: attribute(name, xmlns), name, xmlns };
}

const attribute = (name: string, value: string) => ` ${name}="${escapeAttribute(value)}"`;

// Compiled structure writers, by the SDK's static schema object (stable, unlike NormalizedSchema
// wrappers) and then by the namespace context the structure is written in.
const STRUCTS = new WeakMap<object, Map<string, { write: WriteStruct }>>();

/** The writer for a structure written inside an element whose namespace is `parentXmlns`. */
function structWriter(schema: NormalizedSchema, parentXmlns: string | undefined): WriteStruct {
  const own = xmlnsOf(schema, parentXmlns);
  const key = schema.getSchema() as object;
  let byContext = STRUCTS.get(key);
  if (!byContext) STRUCTS.set(key, (byContext = new Map()));
  const contextKey = own.attr;
  const known = byContext.get(contextKey);
  if (known) return known.write;
  // Registered before the members are compiled, so a recursive shape finds itself (through this
  // first function, which calls the compiled one once it exists).
  const slot: { write: WriteStruct } = { write: (v, n, r) => slot.write(v, n, r) };
  byContext.set(contextKey, slot);
  try {
    slot.write = compileStruct(schema, own);
  } catch (err) {
    byContext.delete(contextKey); // a failed compile must not leave the forwarding writer behind
    throw err;
  }
  return slot.write;
}

function compileStruct(schema: NormalizedSchema, own: ReturnType<typeof xmlnsOf>): WriteStruct {
  const xmlns = own.xmlns;
  // Attributes keep the SDK's order: xmlAttribute members in member order, then the namespace.
  const attributes: Array<(value: Record<string, unknown>) => string> = [];
  const children: Array<(value: Record<string, unknown>) => string> = [];
  for (const [memberName, member] of schema.structIterator()) {
    const traits = member.getMergedTraits();
    const token = member.isIdempotencyToken();
    const present = (v: unknown) => v != null || token;
    if (traits.xmlAttribute) {
      const simple = simpleWriter(member);
      const name = traits.xmlName ?? memberName;
      attributes.push((s) => (present(s[memberName]) ? attribute(name, simple(s[memberName])) : ""));
      continue;
    }
    let write: Write;
    if (member.isListSchema()) write = listWriter(member, xmlns);
    else if (member.isMapSchema()) write = mapWriter(member, xmlns, false);
    else if (member.isStructSchema()) {
      const inner = structWriter(member, xmlns);
      const name = member.getMemberTraits().xmlName ?? memberName;
      write = (v) => inner(v as Record<string, unknown>, name);
    } else write = simpleElementWriter(member, traits.xmlName ?? memberName, xmlns);
    children.push((s) => (present(s[memberName]) ? write(s[memberName]) : ""));
  }
  // The SDK adds the service namespace to the root unless the shape declares its own default one.
  const rootNeedsXmlns = own.name !== "xmlns";
  // The XML of unchanging values (unchangingXmlValue) this writer has written, with their element name.
  const kept = new WeakMap<object, { readonly name: string; readonly xml: string }>();

  const write: WriteStruct = (value, name, rootXmlns) => {
    let attrs = "";
    for (const a of attributes) attrs += a(value);
    attrs += own.attr;
    if (rootXmlns !== undefined && rootNeedsXmlns) attrs += attribute("xmlns", rootXmlns);
    let body = "";
    for (const c of children) body += c(value);
    return wrap(name, attrs, body);
  };
  return (value, name, rootXmlns) => {
    if (rootXmlns !== undefined || !UNCHANGING.has(value)) return write(value, name, rootXmlns);
    const known = kept.get(value);
    if (known?.name === name) return known.xml;
    const xml = flattened(write(value, name));
    kept.set(value, { name, xml });
    return xml;
  };
}

/**
 * `text` made one flat string. Written by `+=`, it is a tree of hundreds of small pieces that V8
 * joins when the document is sent; a kept piece would be joined again in every document that
 * reuses it (a list of 400 kept summaries cost more to send than to write afresh). Converting a
 * string to a number makes V8 flatten it in place (the "flatstr" technique); the number is unused.
 */
function flattened(text: string): string {
  Number(text);
  return text;
}

/** A list member: a wrapper element with an item per value, or, flattened, the items alone. */
function listWriter(list: NormalizedSchema, parentXmlns: string | undefined): Write {
  const listTraits = list.getMergedTraits();
  const item = list.getValueSchema();
  const itemTraits = item.getMergedTraits();
  const sparse = !!itemTraits.sparse;
  const flat = !!listTraits.xmlFlattened;
  const { attr, xmlns } = xmlnsOf(list, parentXmlns);
  const itemName = flat ? (listTraits.xmlName ?? list.getMemberName()) : (itemTraits.xmlName ?? "member");
  let writeItem: Write;
  if (item.isListSchema()) {
    const inner = listWriter(item, xmlns);
    writeItem = (v) => inner(Array.isArray(v) ? v : [v]);
  } else if (item.isMapSchema()) {
    writeItem = mapWriter(item, xmlns, false);
  } else if (item.isStructSchema()) {
    const inner = structWriter(item, xmlns);
    writeItem = (v) => inner(v as Record<string, unknown>, itemName);
  } else {
    writeItem = simpleElementWriter(item, itemName, xmlns);
  }
  const items = (array: unknown): string => {
    let out = "";
    for (const v of array as Iterable<unknown>) if (sparse || v != null) out += writeItem(v);
    return out;
  };
  if (flat) return items;
  const name = listTraits.xmlName ?? list.getMemberName();
  return (array) => wrap(name, attr, items(array));
}

/**
 * A map member: `<entry><key>…</key><value>…</value></entry>` per key, inside a wrapper element
 * unless flattened or (`inMap`) the map is itself the value of a map entry.
 */
function mapWriter(map: NormalizedSchema, parentXmlns: string | undefined, inMap: boolean): Write {
  const mapTraits = map.getMergedTraits();
  const keySchema = map.getKeySchema();
  const keyTag = keySchema.getMergedTraits().xmlName ?? "key";
  const valueSchema = map.getValueSchema();
  const valueTraits = valueSchema.getMergedTraits();
  const valueTag = valueTraits.xmlName ?? "value";
  const sparse = !!valueTraits.sparse;
  const flat = !!mapTraits.xmlFlattened;
  const { attr, xmlns } = xmlnsOf(map, parentXmlns);
  const keyOpen = `<${keyTag}${xmlnsOf(keySchema, xmlns).attr}>`;
  let writeValue: Write;
  if (valueSchema.isListSchema()) {
    const inner = listWriter(valueSchema, xmlns);
    writeValue = (v) => wrap(valueTag, "", inner(v));
  } else if (valueSchema.isMapSchema()) {
    const inner = mapWriter(valueSchema, xmlns, true);
    writeValue = (v) => wrap(valueTag, "", inner(v));
  } else if (valueSchema.isStructSchema()) {
    // The SDK writes the structure in place of the value element, under the structure's own name.
    const inner = structWriter(valueSchema, xmlns);
    const name = valueSchema.getMemberTraits().xmlName ?? valueSchema.getMemberName();
    writeValue = (v) => inner(v as Record<string, unknown>, name);
  } else {
    writeValue = simpleElementWriter(valueSchema, valueTag, xmlns);
  }
  const entryName = flat ? (mapTraits.xmlName ?? map.getMemberName()) : "entry";
  const entries = (value: unknown): string => {
    let out = "";
    const m = value as Record<string, unknown>;
    for (const key in m) {
      const v = m[key];
      if (sparse || v != null) out += `<${entryName}>${keyOpen}${escapeText(key)}</${keyTag}>${writeValue(v)}</${entryName}>`;
    }
    return out;
  };
  if (flat || inMap) return entries;
  const name = mapTraits.xmlName ?? map.getMemberName();
  return (value) => wrap(name, attr, entries(value));
}

function wrap(name: string, attrs: string, body: string): string {
  return body === "" ? `<${name}${attrs}/>` : `<${name}${attrs}>${body}</${name}>`;
}

/** A scalar as an element `<name>text</name>` (never self-closed: the SDK always adds a text node). */
function simpleElementWriter(schema: NormalizedSchema, name: string, parentXmlns: string | undefined): Write {
  const simple = simpleWriter(schema);
  const open = `<${name}${xmlnsOf(schema, parentXmlns).attr}>`;
  const close = `</${name}>`;
  return (v) => open + escapeText(simple(v)) + close;
}

/** A scalar's text, unescaped; the same conversions and the same errors as the SDK's writeSimple. */
function simpleWriter(schema: NormalizedSchema): (value: unknown) => string {
  const blob = schema.isBlobSchema();
  const timestamp = schema.isTimestampSchema();
  const bigDecimal = schema.isBigDecimalSchema();
  const listOrMap = schema.isMapSchema() || schema.isListSchema();
  const format = timestamp ? determineTimestampFormat(schema, TIMESTAMP_SETTINGS) : undefined;
  const numberLike = schema.isBooleanSchema() || schema.isNumericSchema() || schema.isBigIntegerSchema() || bigDecimal;
  const string = schema.isStringSchema();
  const token = string && schema.isIdempotencyToken();
  return (value) => {
    if (value === null) throw new Error("@aws-sdk/core/protocols - (XML serializer) cannot write null value.");
    let text: string | undefined;
    if (value && typeof value === "object") {
      if (blob) text = toBase64(value as Uint8Array);
      else if (timestamp && value instanceof Date) {
        text = format === 7 ? String(value.getTime() / 1000) : format === 6 ? dateToUtcString(value) : value.toISOString().replace(".000Z", "Z");
      } else if (bigDecimal) return value instanceof NumericValue ? value.string : String(value);
      else if (listOrMap) throw new Error("@aws-sdk/core/protocols - xml serializer, cannot call _write() on List/Map schema, call writeList or writeMap() instead.");
      else throw new Error(`@aws-sdk/core/protocols - xml serializer, unhandled schema type for object value and schema: ${schema.getName(true)}`);
    }
    if (numberLike) text = String(value);
    if (string) text = value === undefined && token ? generateIdempotencyToken() : String(value);
    if (text === undefined) throw new Error(`Unhandled schema-value pair ${schema.getName(true)}=${String(value)}`);
    return text;
  };
}

// The SDK's xml-builder escapes (escapeElement, escapeAttribute), plus xmlSafeText's replacement of
// characters XML 1.0 cannot carry. One test finds the common case, text that needs neither.
const TEXT_WORK = /[&"'<>\r\n\u0085\u2028]|[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
const TEXT_ESCAPE = /[&"'<>\r\n\u0085\u2028]/g;
const TEXT_ESCAPES: Readonly<Record<string, string>> = { "&": "&amp;", '"': "&quot;", "'": "&apos;", "<": "&lt;", ">": "&gt;", "\r": "&#x0D;", "\n": "&#x0A;", "\u0085": "&#x85;", "\u2028": "&#x2028;" };
const ATTRIBUTE_ESCAPE = /[&<>"]/g;
const ATTRIBUTE_ESCAPES: Readonly<Record<string, string>> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" };

function escapeText(text: string): string {
  return TEXT_WORK.test(text) ? xmlSafeText(text).replace(TEXT_ESCAPE, (c) => TEXT_ESCAPES[c] as string) : text;
}

function escapeAttribute(text: string): string {
  return xmlSafeText(text).replace(ATTRIBUTE_ESCAPE, (c) => ATTRIBUTE_ESCAPES[c] as string);
}
