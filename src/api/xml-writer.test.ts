// The compiled response writer (xml-writer.ts) against its oracle, the SDK's own XmlShapeSerializer
// followed by xmlSafeText (what rest-xml.ts sent before): for every output shape of the CloudFront
// and S3 models, values made up from the schema, with text that needs escaping or replacing, must
// come out byte for byte the same.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { NormalizedSchema } from "@smithy/core/schema";
import { XmlShapeSerializer } from "@aws-sdk/core/protocols";
import { cloudFrontModel } from "../services/cloudfront/index.ts";
import { s3Model } from "../services/s3/index.ts";
import type { ServiceModel } from "./model.ts";
import { unchangingXmlValue, writeXmlDocument } from "./xml-writer.ts";
import { xmlSafeText } from "./xml-chars.ts";
import { prng } from "../../test/helpers/random.ts";

function sdkWrite(model: ServiceModel, schema: NormalizedSchema, value: unknown): string {
  const serializer = new XmlShapeSerializer({
    timestampFormat: { useTrait: true, default: 5 },
    httpBindings: true,
    xmlNamespace: model.xmlNamespace,
    serviceNamespace: model.name,
  } as ConstructorParameters<typeof XmlShapeSerializer>[0]);
  serializer.write(schema, value);
  return xmlSafeText(String(serializer.flush()));
}

// Text that the SDK escapes (markup, CR/LF, NEL, LINE SEPARATOR) and that xmlSafeText replaces
// (C0 controls, a lone surrogate, U+FFFE), besides ordinary and empty text.
const TEXTS = ["plain", "", "a&b<c>\"d'e", "line\r\nbreak\n", "\u0085\u2028", "bad\u0001char\u001f", "lone\uD800 surrogate", "\uFFFE", "😀 ünïcödé", "  spaced  ", "]]>"];

function sample(schema: NormalizedSchema, rnd: () => number, depth: number): unknown {
  const pick = <T,>(items: readonly T[]): T => items[Math.floor(rnd() * items.length)] as T;
  if (schema.isListSchema()) {
    const n = depth > 5 ? 0 : Math.floor(rnd() * 3);
    // A null item is left out of a list that is not sparse (and fails a sparse one, on both sides).
    return Array.from({ length: n }, () => (rnd() < 0.1 ? null : sample(schema.getValueSchema(), rnd, depth + 1)));
  }
  if (schema.isMapSchema()) {
    const out: Record<string, unknown> = {};
    const n = depth > 5 ? 0 : Math.floor(rnd() * 3);
    for (let i = 0; i < n; i++) out[`${pick(TEXTS)}k${i}`] = sample(schema.getValueSchema(), rnd, depth + 1);
    return out;
  }
  if (schema.isStructSchema()) {
    const out: Record<string, unknown> = {};
    if (depth > 6) return out;
    for (const [name, member] of schema.structIterator()) {
      // Idempotency tokens are always given: an absent one is a random UUID on both sides.
      if (rnd() < 0.75 || member.isIdempotencyToken()) out[name] = sample(member, rnd, depth + 1);
    }
    return out;
  }
  if (schema.isBooleanSchema()) return rnd() < 0.5;
  if (schema.isBigIntegerSchema()) return BigInt(Math.floor(rnd() * 1e6));
  if (schema.isNumericSchema()) return pick([0, 1, -7, 3.25, 1e21, 2 ** 53]);
  if (schema.isTimestampSchema()) return new Date(pick([0, 1_700_000_000_000, 1_700_000_000_123]));
  if (schema.isBlobSchema()) return new Uint8Array([0, 1, 2, 250, 255].slice(0, 1 + Math.floor(rnd() * 5)));
  if (schema.isStringSchema()) return pick(TEXTS);
  return undefined;
}

/** The XML, or "throws" when writing fails (an Error, never a document that differs). */
function outcome(write: () => string): string {
  try {
    return write();
  } catch {
    return "throws";
  }
}

/** The structures an operation's response body is written from: its payload member or the output itself. */
function bodyShapes(model: ServiceModel): Array<[string, NormalizedSchema]> {
  const out: Array<[string, NormalizedSchema]> = [];
  for (const op of model.operations.values()) {
    let payload: NormalizedSchema | undefined;
    for (const [, member] of op.output.structIterator()) if (member.getMergedTraits().httpPayload) payload = member;
    if (payload) {
      if (payload.isStructSchema()) out.push([`${op.name} payload`, payload]);
    } else if (op.output.isStructSchema()) out.push([`${op.name} output`, op.output]);
  }
  return out;
}

describe("xml-writer writes what the SDK's XmlShapeSerializer writes", () => {
  for (const [service, model] of [["CloudFront", cloudFrontModel()], ["S3", s3Model()]] as const) {
    it(`every ${service} response body shape, 12 made-up values each`, () => {
      let compared = 0;
      for (const [what, schema] of bodyShapes(model)) {
        for (let seed = 1; seed <= 12; seed++) {
          const value = sample(schema, prng(seed * 7919 + what.length), 0);
          assert.deepEqual(outcome(() => writeXmlDocument(schema, value, model.xmlNamespace)), outcome(() => sdkWrite(model, schema, value)), `${what}, seed ${seed}`);
          compared++;
        }
      }
      assert.ok(compared > 500, `compared ${compared}`);
    });
  }

  it("an empty structure, an empty list and empty text keep the SDK's forms", () => {
    const op = cloudFrontModel().operations.get("ListDistributions");
    assert.ok(op);
    const value = { DistributionList: { Marker: "", MaxItems: 0, IsTruncated: false, Quantity: 0, Items: [] } };
    const xml = writeXmlDocument(op.output.getMemberSchema("DistributionList"), value.DistributionList, cloudFrontModel().xmlNamespace);
    assert.equal(xml, '<DistributionList xmlns="http://cloudfront.amazonaws.com/doc/2020-05-31/"><Marker></Marker><MaxItems>0</MaxItems><IsTruncated>false</IsTruncated><Quantity>0</Quantity><Items/></DistributionList>');
  });

  it("refuses a value of the wrong kind as the SDK does, with an Error", () => {
    const op = cloudFrontModel().operations.get("GetDistribution");
    assert.ok(op);
    const schema = op.output.getMemberSchema("Distribution");
    for (const bad of [{ Id: new Date(0) }, { LastModifiedTime: "yesterday" }, { Id: null, ARN: "x", LastModifiedTime: 5 }]) {
      assert.throws(() => sdkWrite(cloudFrontModel(), schema, bad));
      assert.throws(() => writeXmlDocument(schema, bad, cloudFrontModel().xmlNamespace));
    }
  });
});

describe("unchanging values", () => {
  const model = cloudFrontModel();
  const list = () => {
    const op = model.operations.get("ListDistributions");
    assert.ok(op);
    return op.output.getMemberSchema("DistributionList");
  };
  const summary = (Id: string) => ({ Id, ARN: `arn:aws:cloudfront::123456789012:distribution/${Id}`, Status: "Deployed", Comment: "a & b" });
  const page = (items: object[]) => ({ Marker: "", MaxItems: 100, IsTruncated: false, Quantity: items.length, Items: items });

  it("are written as the SDK writes them, and their XML is reused as it was first written", () => {
    const kept = unchangingXmlValue(summary("E1"));
    const fresh = summary("E2");
    const first = writeXmlDocument(list(), page([kept, fresh]), model.xmlNamespace);
    assert.equal(first, sdkWrite(model, list(), page([summary("E1"), summary("E2")])));
    // Breaking the promise shows what is kept: the marked item keeps its first XML, the other does not.
    kept.Comment = "changed";
    fresh.Comment = "changed";
    const second = writeXmlDocument(list(), page([kept, fresh]), model.xmlNamespace);
    assert.match(second, /<Id>E1<\/Id>.*<Comment>a &amp; b<\/Comment>.*<Id>E2<\/Id>.*<Comment>changed<\/Comment>/);
  });

  it("are written afresh as a document root, and with their own element name inside another structure", () => {
    const op = model.operations.get("GetDistributionConfig");
    assert.ok(op);
    const payload = op.output.getMemberSchema("DistributionConfig");
    const config = unchangingXmlValue({ CallerReference: "r", Comment: "c", Enabled: true });
    const asRoot = writeXmlDocument(payload, config, model.xmlNamespace);
    assert.match(asRoot, /^<DistributionConfig xmlns="http:\/\/cloudfront\.amazonaws\.com\/doc\/2020-05-31\/">/);
    const get = model.operations.get("GetDistribution");
    assert.ok(get);
    const distribution = get.output.getMemberSchema("Distribution");
    const inside = writeXmlDocument(distribution, { Id: "E1", DistributionConfig: config }, model.xmlNamespace);
    assert.match(inside, /<Distribution xmlns="[^"]+"><Id>E1<\/Id><DistributionConfig><CallerReference>r<\/CallerReference>/);
    assert.equal(writeXmlDocument(payload, config, model.xmlNamespace), asRoot);
  });
});
