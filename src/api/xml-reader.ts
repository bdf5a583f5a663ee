// Strict XML → typed object, driven by a model schema (rest-xml request bodies): reads the tree
// that parseXmlDocument (xml-document.ts) made of a well-formed document.
//
// readXmlStruct then converts and checks each value against the same NormalizedSchema the SDK
// uses. Not the SDK's XmlShapeDeserializer: it is written for responses from AWS and is lenient
// on purpose ("yes" becomes false, "abc" becomes NaN). A server must reject those:
// - wrong root element, bad boolean/number/timestamp/base64, missing required member → InvalidArgument
// - `Quantity` that disagrees with the number of `Items` → InconsistentQuantities (docs/control-plane.md §2)
// Unknown elements are ignored, as newer SDKs may send members this model does not know.
import type { NormalizedSchema } from "@smithy/core/schema";
import { ServiceError } from "./errors.ts";
import { requiredMemberCount } from "./model.ts";
import type { XmlElement } from "./xml-document.ts";

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

/**
 * How a value of a schema is read. Worked out once per member or list item (the plans below keep
 * it), not per element: each of the type tests is a call into the SDK's NormalizedSchema, and a
 * DistributionConfig has some hundred values.
 */
type ValueKind = "struct" | "list" | "map" | ScalarKind;
type ScalarKind = "boolean" | "bigint" | "number" | "timestamp" | "blob" | "string";

function valueKind(schema: NormalizedSchema): ValueKind {
  if (schema.isStructSchema()) return "struct";
  if (schema.isListSchema()) return "list";
  if (schema.isMapSchema()) return "map";
  return scalarKind(schema);
}

function scalarKind(schema: NormalizedSchema): ScalarKind {
  if (schema.isBooleanSchema()) return "boolean";
  if (schema.isBigIntegerSchema()) return "bigint";
  if (schema.isNumericSchema()) return "number";
  if (schema.isTimestampSchema()) return "timestamp";
  if (schema.isBlobSchema()) return "blob";
  return "string";
}

function readValue(schema: NormalizedSchema, kind: ValueKind, el: XmlElement, path: string): unknown {
  switch (kind) {
    case "struct":
      return readStruct(schema, el, path);
    case "list":
      return readList(schema, el, path);
    case "map":
      return readMap(schema, el, path);
    default:
      return readScalarOfKind(kind, el.text, path);
  }
}

/** A structure's members as the reader needs them, worked out once per shape (not per element). */
interface StructPlan {
  readonly members: readonly MemberPlan[];
  readonly byXmlName: ReadonlyMap<string, MemberPlan>;
}

interface MemberPlan {
  readonly index: number;
  readonly name: string;
  readonly schema: NormalizedSchema;
  readonly kind: ValueKind;
  /** A flattened list's items are repeated elements of the struct itself, read with this schema. */
  readonly flattenedItem: NormalizedSchema | undefined;
  readonly flattenedItemKind: ValueKind | undefined;
  readonly required: boolean;
  /** An XML attribute member (never read from elements), so never "missing". */
  readonly attribute: boolean;
}

// Keyed by the SDK's static schema object, which is stable; NormalizedSchema wrappers may not be.
const STRUCT_PLANS = new WeakMap<object, StructPlan>();

function structPlan(schema: NormalizedSchema): StructPlan {
  const key = schema.getSchema() as object;
  let plan = STRUCT_PLANS.get(key);
  if (plan) return plan;
  const required = requiredMemberCount(schema);
  const members: MemberPlan[] = [];
  const byXmlName = new Map<string, MemberPlan>();
  for (const [name, member] of schema.structIterator()) {
    const traits = member.getMergedTraits();
    const flattened = member.isListSchema() && !!traits.xmlFlattened;
    const flattenedItem = flattened ? member.getValueSchema() : undefined;
    const m: MemberPlan = {
      index: members.length,
      name,
      schema: member,
      kind: valueKind(member),
      flattenedItem,
      flattenedItemKind: flattenedItem && valueKind(flattenedItem),
      required: members.length < required,
      attribute: !!traits.xmlAttribute,
    };
    members.push(m);
    const xmlName = traits.xmlName ?? name;
    if (!byXmlName.has(xmlName)) byXmlName.set(xmlName, m);
  }
  plan = { members, byXmlName };
  STRUCT_PLANS.set(key, plan);
  return plan;
}

function readStruct(schema: NormalizedSchema, el: XmlElement, path: string, only?: ReadonlySet<string>): Record<string, unknown> {
  const plan = structPlan(schema);
  // One pass over the children (a member's first element wins; flattened lists take them all).
  const found: Array<XmlElement | XmlElement[] | undefined> = new Array(plan.members.length);
  for (const child of el.children) {
    const m = plan.byXmlName.get(child.name);
    if (!m) continue;
    if (m.flattenedItem) ((found[m.index] ??= []) as XmlElement[]).push(child);
    else found[m.index] ??= child;
  }
  const out: Record<string, unknown> = {};
  for (const m of plan.members) {
    if (only && !only.has(m.name)) continue;
    const value = found[m.index];
    if (Array.isArray(value)) {
      const item = m.flattenedItem as NormalizedSchema;
      const kind = m.flattenedItemKind as ValueKind;
      out[m.name] = value.map((c, i) => readValue(item, kind, c, `${path}.${m.name}[${i}]`));
    } else if (value) {
      out[m.name] = readValue(m.schema, m.kind, value, `${path}.${m.name}`);
    }
    // XML attributes are not read (S3's Grantee xsi:type): a handler tells them from the elements.
    if (m.required && out[m.name] === undefined && !m.attribute) {
      throw invalid(`Missing required field ${path}.${m.name}.`);
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

const LIST_ITEMS = new WeakMap<object, { readonly schema: NormalizedSchema; readonly kind: ValueKind; readonly name: string }>();

function readList(schema: NormalizedSchema, el: XmlElement, path: string): unknown[] {
  const key = schema.getSchema() as object;
  let item = LIST_ITEMS.get(key);
  if (!item) {
    const valueSchema = schema.getValueSchema();
    item = { schema: valueSchema, kind: valueKind(valueSchema), name: valueSchema.getMergedTraits().xmlName ?? "member" };
    LIST_ITEMS.set(key, item);
  }
  const out: unknown[] = [];
  for (const c of el.children) {
    if (c.name === item.name) out.push(readValue(item.schema, item.kind, c, `${path}[${out.length}]`));
  }
  return out;
}

function readMap(schema: NormalizedSchema, el: XmlElement, path: string): Record<string, unknown> {
  const keyName = schema.getKeySchema().getMergedTraits().xmlName ?? "key";
  const valueName = schema.getValueSchema().getMergedTraits().xmlName ?? "value";
  const out: Record<string, unknown> = Object.create(null);
  for (const entry of el.children.filter((c) => c.name === "entry")) {
    const k = entry.children.find((c) => c.name === keyName)?.text;
    const v = entry.children.find((c) => c.name === valueName);
    if (k === undefined || !v) throw invalid(`Map entry in ${path} needs ${keyName} and ${valueName}.`);
    out[k] = readValue(schema.getValueSchema(), valueKind(schema.getValueSchema()), v, `${path}.${k}`);
  }
  return out;
}

/**
 * Converts one scalar from text. Also used for URI labels, query strings and headers, which follow
 * the same rules. Throws InvalidArgument naming `path` when the text is not of the schema's type.
 */
export function readScalar(schema: NormalizedSchema, text: string, path: string): unknown {
  return readScalarOfKind(scalarKind(schema), text, path);
}

function readScalarOfKind(kind: ScalarKind, text: string, path: string): unknown {
  if (kind === "string") return text;
  if (kind === "boolean") {
    if (text === "true") return true;
    if (text === "false") return false;
    throw invalid(`${path} must be true or false, not "${text}".`);
  }
  if (kind === "bigint") {
    if (!/^-?\d+$/.test(text.trim())) throw invalid(`${path} must be an integer, not "${text}".`);
    return BigInt(text.trim());
  }
  if (kind === "number") {
    // Smithy schemas give every int/long/float/double the same id, so the type check here is
    // "a finite decimal number"; handlers check integrality where AWS documents a range.
    const t = text.trim();
    const n = Number(t);
    if (!/^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t) || !Number.isFinite(n)) {
      throw invalid(`${path} must be a number, not "${text}".`);
    }
    return n;
  }
  if (kind === "timestamp") {
    const t = text.trim();
    const ms = /^\d+(\.\d+)?$/.test(t) ? Number(t) * 1000 : Date.parse(t);
    if (!Number.isFinite(ms)) throw invalid(`${path} must be a timestamp, not "${text}".`);
    return new Date(ms);
  }
  // kind === "blob"
  const t = text.replace(/\s+/g, "");
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(t) || t.length % 4 === 1) throw invalid(`${path} must be base64.`);
  return new Uint8Array(Buffer.from(t, "base64"));
}

function invalid(message: string): ServiceError {
  return new ServiceError("InvalidArgument", message);
}
