// Strict XML → typed object, driven by a model schema (rest-xml request bodies).
//
// Why not the SDK's XmlShapeDeserializer: it is written for responses from AWS and is lenient on
// purpose ("yes" becomes false, "abc" becomes NaN, a second root element is ignored). A server
// must reject those with AWS-shaped errors instead, so this reader converts and checks each value
// against the same NormalizedSchema the SDK uses:
// - not well-formed, several roots, or a DTD (no entity expansion, ever) → MalformedXML
// - wrong root element, bad boolean/number/timestamp/base64, missing required member → InvalidArgument
// - `Quantity` that disagrees with the number of `Items` → InconsistentQuantities (control-plane.md §2)
// Unknown elements are ignored, as newer SDKs may send members this model does not know.
import { XMLParser, XMLValidator } from "fast-xml-parser";
import type { NormalizedSchema } from "@smithy/core/schema";
import { ServiceError } from "./errors.ts";
import { requiredMemberCount } from "./model.ts";

/** An element: its name, its child elements in order, and its concatenated text. */
export interface XmlElement {
  readonly name: string;
  readonly children: readonly XmlElement[];
  readonly text: string;
}

// parseTagValue off: "0123" stays a string; processEntities off: we decode the five XML entities
// and character references ourselves (the parser leaves `&#65;` alone), and a DTD never gets here.
const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: true,
  parseTagValue: false,
  trimValues: false,
  processEntities: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  commentPropName: false,
});

/** Parses a document into its single root element, or throws MalformedXML. */
export function parseXmlDocument(text: string): XmlElement {
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) {
    throw malformed("Document type declarations are not allowed.");
  }
  const valid = XMLValidator.validate(text);
  if (valid !== true) {
    throw malformed(`${valid.err.msg} (line ${valid.err.line}, column ${valid.err.col})`);
  }
  const nodes = parser.parse(text) as RawNode[];
  const roots = nodes.map(toElement).filter((e): e is XmlElement => e !== undefined);
  const root = roots[0];
  if (roots.length !== 1 || !root || hasStrayText(nodes)) {
    throw malformed("The XML document must have exactly one root element.");
  }
  return root;
}

/**
 * Reads `root` as a value of `schema` (a structure). `rootName` is the element name the model
 * expects; a different root is an InvalidArgument, as AWS rejects a body for another operation.
 */
export function readXmlStruct(
  schema: NormalizedSchema,
  root: XmlElement,
  rootName: string,
  /** Read only these members (the others are bound to the URI or headers); default all. */
  only?: ReadonlySet<string>,
): Record<string, unknown> {
  if (root.name !== rootName) {
    throw invalid(`The request body must be a ${rootName} document, not ${root.name}.`);
  }
  return readStruct(schema, root, rootName, only);
}

type RawNode = Record<string, RawNode[] | string>;

function toElement(node: RawNode): XmlElement | undefined {
  const name = Object.keys(node).find((k) => k !== "#text" && k !== ":@");
  if (name === undefined) return undefined;
  const raw = node[name] as RawNode[];
  const children: XmlElement[] = [];
  let text = "";
  for (const child of raw) {
    if (typeof child["#text"] === "string") text += child["#text"];
    const el = toElement(child);
    if (el) children.push(el);
  }
  return { name: stripPrefix(name), children, text: decodeEntities(text) };
}

function hasStrayText(nodes: RawNode[]): boolean {
  return nodes.some((n) => typeof n["#text"] === "string" && n["#text"].trim() !== "");
}

function stripPrefix(name: string): string {
  const i = name.indexOf(":");
  return i < 0 ? name : name.slice(i + 1);
}

const NAMED_ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

function decodeEntities(text: string): string {
  if (!text.includes("&")) return text;
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);/g, (whole, ref: string) => {
    if (ref.startsWith("#x")) return safeCodePoint(parseInt(ref.slice(2), 16), whole);
    if (ref.startsWith("#")) return safeCodePoint(parseInt(ref.slice(1), 10), whole);
    const named = NAMED_ENTITIES[ref];
    if (named === undefined) throw malformed(`Unknown entity &${ref};`);
    return named;
  });
}

function safeCodePoint(cp: number, whole: string): string {
  if (!Number.isInteger(cp) || cp < 1 || cp > 0x10ffff) throw malformed(`Invalid character reference ${whole}`);
  return String.fromCodePoint(cp);
}

function readValue(schema: NormalizedSchema, el: XmlElement, path: string): unknown {
  if (schema.isStructSchema()) return readStruct(schema, el, path);
  if (schema.isListSchema()) return readList(schema, el, path);
  if (schema.isMapSchema()) return readMap(schema, el, path);
  return readScalar(schema, el.text, path);
}

function readStruct(schema: NormalizedSchema, el: XmlElement, path: string, only?: ReadonlySet<string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const required = requiredMemberCount(schema);
  let index = -1;
  for (const [memberName, member] of schema.structIterator()) {
    index++;
    if (only && !only.has(memberName)) continue;
    const xmlName = member.getMergedTraits().xmlName ?? memberName;
    const flattened = member.isListSchema() && !!member.getMergedTraits().xmlFlattened;
    const memberPath = `${path}.${memberName}`;
    if (flattened) {
      const items = el.children.filter((c) => c.name === xmlName);
      if (items.length > 0) out[memberName] = items.map((c, i) => readValue(member.getValueSchema(), c, `${memberPath}[${i}]`));
    } else {
      const child = el.children.find((c) => c.name === xmlName);
      if (child) out[memberName] = readValue(member, child, memberPath);
    }
    if (index < required && out[memberName] === undefined) {
      throw invalid(`Missing required field ${memberPath}.`);
    }
  }
  checkQuantity(out, path);
  return out;
}

function checkQuantity(struct: Record<string, unknown>, path: string): void {
  const quantity = struct["Quantity"];
  if (typeof quantity !== "number") return;
  const items = struct["Items"];
  const count = Array.isArray(items) ? items.length : 0;
  if (quantity !== count) {
    throw new ServiceError(
      "InconsistentQuantities",
      `The value of Quantity and the size of Items don't match in ${path} (Quantity ${quantity}, ${count} items).`,
    );
  }
}

function readList(schema: NormalizedSchema, el: XmlElement, path: string): unknown[] {
  const valueSchema = schema.getValueSchema();
  const itemName = valueSchema.getMergedTraits().xmlName ?? "member";
  return el.children
    .filter((c) => c.name === itemName)
    .map((c, i) => readValue(valueSchema, c, `${path}[${i}]`));
}

function readMap(schema: NormalizedSchema, el: XmlElement, path: string): Record<string, unknown> {
  const keyName = schema.getKeySchema().getMergedTraits().xmlName ?? "key";
  const valueName = schema.getValueSchema().getMergedTraits().xmlName ?? "value";
  const out: Record<string, unknown> = Object.create(null);
  for (const entry of el.children.filter((c) => c.name === "entry")) {
    const k = entry.children.find((c) => c.name === keyName)?.text;
    const v = entry.children.find((c) => c.name === valueName);
    if (k === undefined || !v) throw invalid(`Map entry in ${path} needs ${keyName} and ${valueName}.`);
    out[k] = readValue(schema.getValueSchema(), v, `${path}.${k}`);
  }
  return out;
}

/**
 * Converts one scalar from text. Also used for URI labels, query strings and headers, which follow
 * the same rules. Throws InvalidArgument naming `path` when the text is not of the schema's type.
 */
export function readScalar(schema: NormalizedSchema, text: string, path: string): unknown {
  if (schema.isBooleanSchema()) {
    if (text === "true") return true;
    if (text === "false") return false;
    throw invalid(`${path} must be true or false, not "${text}".`);
  }
  if (schema.isBigIntegerSchema()) {
    if (!/^-?\d+$/.test(text.trim())) throw invalid(`${path} must be an integer, not "${text}".`);
    return BigInt(text.trim());
  }
  if (schema.isNumericSchema()) {
    // Smithy schemas give every int/long/float/double the same id, so the type check here is
    // "a finite decimal number"; handlers check integrality where AWS documents a range.
    const t = text.trim();
    const n = Number(t);
    if (!/^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t) || !Number.isFinite(n)) {
      throw invalid(`${path} must be a number, not "${text}".`);
    }
    return n;
  }
  if (schema.isTimestampSchema()) {
    const t = text.trim();
    const ms = /^\d+(\.\d+)?$/.test(t) ? Number(t) * 1000 : Date.parse(t);
    if (!Number.isFinite(ms)) throw invalid(`${path} must be a timestamp, not "${text}".`);
    return new Date(ms);
  }
  if (schema.isBlobSchema()) {
    const t = text.replace(/\s+/g, "");
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(t) || t.length % 4 === 1) throw invalid(`${path} must be base64.`);
    return new Uint8Array(Buffer.from(t, "base64"));
  }
  return text;
}

function malformed(message: string): ServiceError {
  return new ServiceError("MalformedXML", `The XML you provided was not well-formed or did not validate: ${message}`, 400);
}

function invalid(message: string): ServiceError {
  return new ServiceError("InvalidArgument", message);
}
