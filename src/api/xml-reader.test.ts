// The strict XML reader (xml-document.ts, xml-reader.ts): what XML 1.0 calls well-formed is read, everything else
// is an AWS-shaped 400, never a plain Error (which the service layer answers with a 500), and the
// limits hold. Grammar cases follow Extensible Markup Language (XML) 1.0 (Fifth Edition).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { XMLValidator } from "fast-xml-parser";
import { MAX_XML_ATTRIBUTES, MAX_XML_DEPTH, MAX_XML_NODES, parseXmlDocument, type XmlElement } from "./xml-document.ts";
import { readXmlStruct } from "./xml-reader.ts";
import { xmlSafeText } from "./xml-chars.ts";
import { ServiceError } from "./errors.ts";
import { s3Model } from "../services/s3/index.ts";
import { cloudFrontModel } from "../services/cloudfront/index.ts";

/** The code of the ServiceError `fn` throws; fails on success and on any other error type. */
function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ServiceError, `expected a ServiceError, got ${String(err)}`);
    return err.code;
  }
  assert.fail("expected an error, but it parsed");
}

const nested = (depth: number) => "<a>".repeat(depth) + "x" + "</a>".repeat(depth);

describe("parseXmlDocument: well-formed documents", () => {
  it("reads elements, text, and the five entities and character references", () => {
    const root = parseXmlDocument('<?xml version="1.0" encoding="UTF-8"?>\n<R a="1" b=\'&amp;\'><C>x &lt;&gt;&amp;&quot;&apos; &#65;&#x42;&#x1F600;</C><E/></R>');
    assert.equal(root.name, "R");
    assert.deepEqual(root.children.map((c) => c.name), ["C", "E"]);
    assert.equal(root.children[0]?.text, "x <>&\"' AB\u{1F600}");
    assert.equal(root.children[1]?.text, "");
  });

  it("accepts what XML allows around the root: BOM, comments, processing instructions, white space", () => {
    const doc = '\uFEFF<?xml version="1.0" standalone="yes"?><!-- c --><?pi data?>\n<R><!----><?x?>t</R>\n<!-- after -->  ';
    assert.equal(parseXmlDocument(doc).text, "t");
    assert.equal(parseXmlDocument(Buffer.from(doc)).text, "t");
    assert.equal(parseXmlDocument("<?xml version='1.1' encoding='utf-8' ?><R/>").name, "R");
  });

  it("takes CDATA literally and strips namespace prefixes", () => {
    const root = parseXmlDocument('<s3:R xmlns:s3="urn:x"><s3:K><![CDATA[<&amp;>]]></s3:K></s3:R>');
    assert.equal(root.name, "R");
    assert.equal(root.children[0]?.name, "K");
    assert.equal(root.children[0]?.text, "<&amp;>");
  });

  it("reads non-ASCII element names (the full Name production)", () => {
    assert.equal(parseXmlDocument("<Ünïcödé_名前><ø-1.x/></Ünïcödé_名前>").children[0]?.name, "ø-1.x");
  });

  it("normalizes CR LF and CR to LF, but keeps a CR written as &#13; (S3 'XML related object key constraints')", () => {
    assert.equal(parseXmlDocument("<K>a\r\nb\rc&#13;d&#x000041;</K>").text, "a\nb\nc\rdA");
  });

  it(`accepts ${MAX_XML_DEPTH} levels of nesting`, () => {
    let el: XmlElement | undefined = parseXmlDocument(nested(MAX_XML_DEPTH));
    let depth = 0;
    while (el) {
      depth++;
      if (el.children.length === 0) assert.equal(el.text, "x");
      el = el.children[0];
    }
    assert.equal(depth, MAX_XML_DEPTH);
  });

  it("reads S3's largest body, CompleteMultipartUpload with 10,000 parts, into its typed input", () => {
    const parts = Array.from({ length: 10_000 }, (_, i) => `<Part><PartNumber>${i + 1}</PartNumber><ETag>"${"ab".repeat(16)}"</ETag><ChecksumCRC32>AAAAAA==</ChecksumCRC32></Part>`);
    const body = Buffer.from(`<?xml version="1.0" encoding="UTF-8"?><CompleteMultipartUpload xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${parts.join("")}</CompleteMultipartUpload>`);
    const op = s3Model().operations.get("CompleteMultipartUpload");
    const member = [...(op?.input.structIterator() ?? [])].find(([, m]) => m.getMergedTraits().httpPayload)?.[1];
    assert.ok(member);
    const read = readXmlStruct(member, parseXmlDocument(body), "CompleteMultipartUpload") as { Parts: Array<{ PartNumber: number; ETag: string }> };
    assert.equal(read.Parts.length, 10_000);
    assert.deepEqual(read.Parts[9_999], { PartNumber: 10_000, ETag: `"${"ab".repeat(16)}"`, ChecksumCRC32: "AAAAAA==" });
  });
});

describe("parseXmlDocument: MalformedXML (400), never a plain Error", () => {
  const cases: Array<[string, string | Buffer]> = [
    ["an empty document", ""],
    ["only a declaration", '<?xml version="1.0"?>'],
    ["text instead of a root", "hello"],
    ["an unclosed root", "<R><C>x</C>"],
    ["mismatched tags", "<R><C>x</D></R>"],
    ["two roots", "<R/><S/>"],
    ["text after the root", "<R/>x"],
    [`nesting ${MAX_XML_DEPTH + 1} levels deep`, nested(MAX_XML_DEPTH + 1)],
    ["nesting 100,000 levels deep", nested(100_000)],
    [`more than ${MAX_XML_NODES} elements`, `<R>${"<e/>".repeat(MAX_XML_NODES)}</R>`],
    [`more than ${MAX_XML_ATTRIBUTES} attributes on one element`, `<R${Array.from({ length: MAX_XML_ATTRIBUTES + 1 }, (_, i) => ` a${i}=""`).join("")}/>`],
    [`more than ${MAX_XML_NODES} attributes`, `<R>${'<e a="1"/>'.repeat(MAX_XML_NODES / 2)}</R>`],
    [`more than ${MAX_XML_NODES} references`, `<R>${"&#65;".repeat(MAX_XML_NODES)}</R>`],
    [`more than ${MAX_XML_NODES} comments`, `<R>${"<!---->".repeat(MAX_XML_NODES)}</R>`],
    ["the element name __proto__", "<R><__proto__><polluted>yes</polluted></__proto__></R>"],
    ["the element name constructor", "<R><constructor>1</constructor></R>"],
    ["the element name prototype (as a root, with a prefix)", "<x:prototype xmlns:x='urn:x'/>"],
    ["an unterminated quote in the XML declaration", '<?xml version="1.0 encoding="UTF-8"?><R/>'],
    ["an XML declaration without a version", '<?xml encoding="UTF-8"?><R/>'],
    ["XML version 2.0", '<?xml version="2.0"?><R/>'],
    ["an encoding other than UTF-8", '<?xml version="1.0" encoding="ISO-8859-1"?><R/>'],
    ["standalone other than yes/no", '<?xml version="1.0" standalone="maybe"?><R/>'],
    ["an unclosed XML declaration", '<?xml version="1.0"<R/>'],
    ["an XML declaration after white space", ' <?xml version="1.0"?><R/>'],
    ["a second XML declaration", '<?xml version="1.0"?><R><?xml version="1.0"?></R>'],
    ["a DTD", '<!DOCTYPE R [<!ENTITY a "b">]><R>&a;</R>'],
    ["a DTD inside the root", "<R><!DOCTYPE R></R>"],
    ["an undeclared entity", "<R>&bogus;</R>"],
    ["an entity named after an Object.prototype member", "<R>&constructor;</R>"],
    ["a bare ampersand", "<R>a & b</R>"],
    ["a reference without a semicolon", "<R>&amp</R>"],
    ["a character reference beyond U+10FFFF", "<R>&#x110000;</R>"],
    ["a character reference far beyond U+10FFFF", "<R>&#99999999999999999999999999;</R>"],
    ["]]> in text", "<R>a]]>b</R>"],
    ["an unclosed CDATA section", "<R><![CDATA[x</R>"],
    ["-- inside a comment", "<R><!-- a -- b --></R>"],
    ["a comment ending in --->", "<R><!-- a ---></R>"],
    ["an unclosed comment", "<R><!-- x </R>"],
    ["an unclosed processing instruction", "<R><?pi x</R>"],
    ["a duplicate attribute", '<R a="1" a="2"/>'],
    ["an unquoted attribute", "<R a=1/>"],
    ["an attribute without a value", "<R a/>"],
    ["< in an attribute value", '<R a="<"/>'],
    ["an unclosed attribute value", '<R a="1/>'],
    ["attributes without white space between them", '<R a="1"b="2"/>'],
    ["an element name starting with a digit", "<1R/>"],
    ["an end tag with attributes", '<R></R a="1">'],
    ["invalid UTF-8", Buffer.from([0x3c, 0x52, 0x3e, 0xc3, 0x28, 0x3c, 0x2f, 0x52, 0x3e])],
    ["UTF-8 for a surrogate", Buffer.concat([Buffer.from("<R>"), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from("</R>")])],
  ];
  for (const [what, doc] of cases) {
    it(`refuses ${what}`, () => {
      assert.equal(codeOf(() => parseXmlDocument(doc)), "MalformedXML");
    });
  }

  it("never touches Object.prototype, whatever the names", () => {
    for (const doc of ["<__proto__><polluted>1</polluted></__proto__>", "<R><constructor><prototype><polluted>1</polluted></prototype></constructor></R>"]) {
      codeOf(() => parseXmlDocument(doc));
    }
    assert.equal((Object.prototype as Record<string, unknown>)["polluted"], undefined);
  });

  it("takes a lower markup bound from the service", () => {
    const doc = `<R>${"<e/>".repeat(99)}</R>`;
    assert.equal(parseXmlDocument(doc, { maxNodes: 100 }).children.length, 99);
    assert.equal(codeOf(() => parseXmlDocument(`<R>${"<e/>".repeat(100)}</R>`, { maxNodes: 100 })), "MalformedXML");
  });

  it("says where the document went wrong", () => {
    assert.throws(() => parseXmlDocument("<R>\n  <C>x</D>\n</R>"), (err: ServiceError) => /line 2/.test(err.message) && /<\/C>/.test(err.message));
  });
});

describe("parseXmlDocument: characters XML 1.0 does not allow", () => {
  const cases: Array<[string, string]> = [
    ["U+0001 raw", "<R><Comment>a\u0001b</Comment></R>"],
    ["U+0000 raw", "<R><Comment>\u0000</Comment></R>"],
    ["U+001F raw", "<R><Comment>\u001f</Comment></R>"],
    ["U+FFFE raw", "<R><Comment>\ufffe</Comment></R>"],
    ["a lone surrogate", "<R><Comment>\ud800</Comment></R>"],
    ["&#1;", "<R><Comment>&#1;</Comment></R>"],
    ["&#0;", "<R><Comment>&#0;</Comment></R>"],
    ["&#x1F;", "<R><Comment>&#x1F;</Comment></R>"],
    ["&#xFFFF;", "<R><Comment>&#xFFFF;</Comment></R>"],
    ["&#xD800; (a surrogate)", "<R><Comment>&#xD800;</Comment></R>"],
    ["U+0001 in an attribute", '<R a="\u0001"/>'],
    ["&#1; in an attribute", '<R a="&#1;"/>'],
    ["U+0001 in a comment", "<R><!--\u0001--></R>"],
    ["U+0001 in CDATA", "<R><![CDATA[\u0001]]></R>"],
  ];
  for (const [what, doc] of cases) {
    it(`refuses ${what}: MalformedXML by default, the service's code when it asks`, () => {
      assert.equal(codeOf(() => parseXmlDocument(doc)), "MalformedXML");
      assert.equal(codeOf(() => parseXmlDocument(doc, { invalidCharacterCode: "InvalidArgument" })), "InvalidArgument");
    });
  }

  it("names the field and the character", () => {
    assert.throws(
      () => parseXmlDocument("<DistributionConfig><Comment>&#1;</Comment></DistributionConfig>", { invalidCharacterCode: "InvalidArgument" }),
      (err: ServiceError) => err.message === "The value of DistributionConfig.Comment contains a character that XML 1.0 does not allow (U+0001).",
    );
  });

  it("allows tab, LF, CR (by reference) and everything from U+0020 up, astral planes included", () => {
    assert.equal(parseXmlDocument("<R>\t\n&#9;&#10;&#13;\u0020\ud7ff\ue000\ufffd\u{10000}\u{10ffff}</R>").text, "\t\n\t\n\r \ud7ff\ue000\ufffd\u{10000}\u{10ffff}");
  });
});

describe("xmlSafeText", () => {
  it("replaces what XML 1.0 cannot carry with U+FFFD and leaves the rest alone", () => {
    assert.equal(xmlSafeText("a\u0001b\u0000c\ud800d\uffffe"), "a\ufffdb\ufffdc\ufffdd\ufffde");
    const fine = "tab\there, \u{1F600}, <&> \r\n";
    assert.equal(xmlSafeText(fine), fine);
  });

  it("makes any string safe to put in a document", () => {
    for (let cp = 0; cp < 0x20; cp++) {
      const doc = `<R>${xmlSafeText(String.fromCharCode(cp)).replace(/[<&]/g, "")}</R>`;
      assert.equal(XMLValidator.validate(doc), true, `U+${cp.toString(16)}`);
      assert.doesNotThrow(() => parseXmlDocument(doc));
    }
  });
});

// Each scalar kind converted and checked by the reader (xml-reader.ts works the kind out once per
// member; these pin what it does with the text).
describe("readXmlStruct: scalars by their model type", () => {
  const payload = (model: typeof s3Model | typeof cloudFrontModel, opName: string) => {
    const op = model().operations.get(opName);
    assert.ok(op, opName);
    // The payload member, or (CreateFunction) the input itself, whose members are the body.
    return [...op.input.structIterator()].find(([, m]) => m.getMergedTraits().httpPayload)?.[1] ?? op.input;
  };
  const retention = (date: string) => readXmlStruct(payload(s3Model, "PutObjectRetention"), parseXmlDocument(`<Retention><Mode>GOVERNANCE</Mode><RetainUntilDate>${date}</RetainUntilDate></Retention>`), "Retention");
  const fn = (code: string, comment = "c") =>
    readXmlStruct(payload(cloudFrontModel, "CreateFunction"), parseXmlDocument(`<CreateFunctionRequest><Name>f</Name><FunctionConfig><Comment>${comment}</Comment><Runtime>cloudfront-js-2.0</Runtime></FunctionConfig><FunctionCode>${code}</FunctionCode></CreateFunctionRequest>`), "CreateFunctionRequest");
  const origin = (name: string, description: string) =>
    readXmlStruct(
      payload(cloudFrontModel, "CreateOriginAccessControl"),
      parseXmlDocument(`<OriginAccessControlConfig><Name>${name}</Name><SigningProtocol>sigv4</SigningProtocol><SigningBehavior>always</SigningBehavior><OriginAccessControlOriginType>s3</OriginAccessControlOriginType><Description>${description}</Description></OriginAccessControlConfig>`),
      "OriginAccessControlConfig",
    );
  const cache = (ttl: string, gzip: string) =>
    readXmlStruct(
      payload(cloudFrontModel, "CreateCachePolicy"),
      parseXmlDocument(`<CachePolicyConfig><Name>p</Name><MinTTL>${ttl}</MinTTL><ParametersInCacheKeyAndForwardedToOrigin><EnableAcceptEncodingGzip>${gzip}</EnableAcceptEncodingGzip><HeadersConfig><HeaderBehavior>none</HeaderBehavior></HeadersConfig><CookiesConfig><CookieBehavior>none</CookieBehavior></CookiesConfig><QueryStringsConfig><QueryStringBehavior>none</QueryStringBehavior></QueryStringsConfig></ParametersInCacheKeyAndForwardedToOrigin></CachePolicyConfig>`),
      "CachePolicyConfig",
    ) as { MinTTL: number; ParametersInCacheKeyAndForwardedToOrigin: { EnableAcceptEncodingGzip: boolean } };

  it("reads numbers, booleans, timestamps, blobs and strings as their types", () => {
    const policy = cache(" 60 ", "true");
    assert.equal(policy.MinTTL, 60);
    assert.equal(policy.ParametersInCacheKeyAndForwardedToOrigin.EnableAcceptEncodingGzip, true);
    assert.equal((retention("2030-01-02T03:04:05Z") as { RetainUntilDate: Date }).RetainUntilDate.toISOString(), "2030-01-02T03:04:05.000Z");
    assert.deepEqual(Buffer.from((fn("aGk=") as { FunctionCode: Uint8Array }).FunctionCode).toString(), "hi");
    // Strings are taken as they are: "60" stays text, "true" stays text.
    assert.deepEqual(origin("60", "true"), { Name: "60", SigningProtocol: "sigv4", SigningBehavior: "always", OriginAccessControlOriginType: "s3", Description: "true" });
  });

  for (const [what, read] of [
    ["a number that is not one", () => cache("sixty", "true")],
    ["a boolean that is not true or false", () => cache("60", "yes")],
    ["a timestamp that is not one", () => retention("soon")],
    ["a blob that is not base64", () => fn("a*b=")],
  ] as const) {
    it(`refuses ${what} with InvalidArgument`, () => {
      assert.equal(codeOf(read), "InvalidArgument");
    });
  }
});
