// Strict XML text → a tree of elements (rest-xml request bodies); xml-reader.ts then reads the tree
// as a model shape.
//
// parseXmlDocument is a small XML 1.0 reader of its own (Extensible Markup Language
// (XML) 1.0, "Well-Formed XML Documents"): one linear pass over the text with an explicit stack,
// no recursion, no object keyed by an element name. It replaced fast-xml-parser + XMLValidator,
// which took 0.2-0.6 s for a 1 MiB body (S3's CompleteMultipartUpload with 10,000 parts is
// ~1 MiB and legitimate; now 20-50 ms) and threw plain Errors, answered as 500, for deep nesting,
// element names such as `__proto__` and an unterminated quote in the XML declaration. Refused:
// - not well-formed (the grammar, `]]>` in text, `--` in comments, mismatched or unclosed tags),
//   several roots, a DTD (no entity expansion, ever), an entity other than the five predefined
//   ones, invalid UTF-8, an encoding other than UTF-8 → MalformedXML
// - a character XML 1.0 does not allow (U+0000-U+001F except tab/LF/CR, lone surrogates,
//   U+FFFE/U+FFFF), raw or as a character reference like `&#1;` → options.invalidCharacterCode
//   (default MalformedXML; CloudFront answers InvalidArgument, issue #11)
// - nesting deeper than MAX_XML_DEPTH, more than MAX_XML_NODES pieces of markup, more than
//   MAX_XML_ATTRIBUTES attributes on one element, and the element names `__proto__`,
//   `constructor`, `prototype` (no AWS shape has them; refusing them keeps any later name-to-key
//   code safe) → MalformedXML
// Line ends are normalized to LF as XML 1.0 §2.11 says (`&#13;` still gives a CR: S3's
// "XML related object key constraints"). Not checked: namespace prefixes are stripped, not
// resolved; attributes are checked for syntax and then ignored.
import { ServiceError } from "./errors.ts";
import { firstForbiddenChar, hasForbiddenChar, isXmlChar, nameEnd } from "./xml-chars.ts";

/** An element: its name, its child elements in order, and its concatenated text. */
export interface XmlElement {
  readonly name: string;
  readonly children: readonly XmlElement[];
  readonly text: string;
}

/**
 * Deepest element nesting accepted. AWS documents no limit; the deepest CloudFront or S3 request
 * body nests about 8 levels. 100 is what fast-xml-parser allowed before.
 */
export const MAX_XML_DEPTH = 100;

/**
 * Most pieces of markup in one document: elements, attributes, entity and character references,
 * comments, processing instructions and CDATA sections, which cost the reader about the same each.
 * The largest legitimate body, S3's CompleteMultipartUpload with 10,000 parts (Amazon S3 multipart
 * upload limits), has 1 + 10,000 × (Part, PartNumber, ETag, one checksum) elements and two `&quot;`
 * per ETag as the SDK writes them: about 60,000. The bound keeps a flood of tiny items cheap to
 * refuse (a 1 MiB body is a few tens of milliseconds of work at most).
 */
export const MAX_XML_NODES = 100_000;

/**
 * Most attributes on one element. XML sets no limit; AWS request bodies carry at most a namespace
 * declaration or two, and the bound keeps the duplicate check cheap.
 */
export const MAX_XML_ATTRIBUTES = 32;

export interface XmlReadOptions {
  /**
   * The error code for a character that XML 1.0 does not allow, in text or as a character
   * reference. Default MalformedXML (S3: "The XML you provided was not well-formed").
   */
  readonly invalidCharacterCode?: string;
  /** A lower bound than MAX_XML_NODES, for a service whose bodies are all small. */
  readonly maxNodes?: number;
}

const RESERVED_NAMES: ReadonlySet<string> = new Set(["__proto__", "constructor", "prototype"]);
const PREDEFINED_ENTITIES: ReadonlyMap<string, string> = new Map([["amp", "&"], ["lt", "<"], ["gt", ">"], ["quot", '"'], ["apos", "'"]]);
// Declared encodings we read; the bytes are always decoded as UTF-8 (ASCII is a subset).
const ENCODINGS: ReadonlySet<string> = new Set(["utf-8", "utf8", "us-ascii", "ascii"]);
const UTF8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Parses a document into its single root element. Throws MalformedXML when it is not well-formed
 * or over the limits, and `options.invalidCharacterCode` for a character XML 1.0 does not allow.
 */
export function parseXmlDocument(body: Uint8Array | string, options: XmlReadOptions = {}): XmlElement {
  let text: string;
  if (typeof body === "string") {
    text = body.charCodeAt(0) === 0xfeff ? body.slice(1) : body;
  } else {
    try {
      text = UTF8.decode(body); // also drops a byte order mark
    } catch {
      throw malformed("The document is not valid UTF-8.");
    }
  }
  return new DocumentReader(text, options.invalidCharacterCode ?? "MalformedXML", Math.min(options.maxNodes ?? MAX_XML_NODES, MAX_XML_NODES)).read();
}

interface OpenElement {
  readonly name: string;
  readonly children: XmlElement[];
  text: string;
}

class DocumentReader {
  private readonly s: string;
  private i = 0;
  /** Whether the text has any forbidden character at all: only then is each piece checked. */
  private readonly suspect: boolean;
  private readonly invalidCharacterCode: string;
  /** Open elements, innermost last, and their names as written (with prefix) for end tags. */
  private readonly stack: OpenElement[] = [];
  private readonly qnames: string[] = [];
  private nodes = 0;
  private readonly maxNodes: number;

  constructor(text: string, invalidCharacterCode: string, maxNodes: number) {
    this.s = text.includes("\r") ? text.replace(/\r\n?/g, "\n") : text;
    this.suspect = hasForbiddenChar(this.s);
    this.invalidCharacterCode = invalidCharacterCode;
    this.maxNodes = maxNodes;
  }

  read(): XmlElement {
    const s = this.s;
    if (s.startsWith("<?xml") && /[\s?]/.test(s.charAt(5))) this.declaration();
    this.misc();
    if (s.startsWith("<!DOCTYPE", this.i)) throw this.malformed("Document type declarations are not allowed.");
    if (s.charCodeAt(this.i) !== 0x3c /* < */) throw this.malformed("The XML document must have exactly one root element.");
    const root = this.element();
    this.misc();
    if (this.i < s.length) throw this.malformed("The XML document must have exactly one root element.");
    return root;
  }

  /** One element and its content, from its `<`. Iterative: the depth is bounded, the stack is not ours to spend. */
  private element(): XmlElement {
    const s = this.s;
    const root = this.startTag();
    while (this.stack.length > 0) {
      const lt = s.indexOf("<", this.i);
      if (lt < 0) throw this.malformed(`Element <${this.qnames[this.qnames.length - 1]}> is not closed.`);
      if (lt > this.i) this.charData(this.i, lt);
      this.i = lt;
      const next = s.charCodeAt(lt + 1);
      if (next === 0x2f /* / */) this.endTag();
      else if (next === 0x3f /* ? */) this.processingInstruction();
      else if (next !== 0x21 /* ! */) this.startTag();
      else if (s.startsWith("<!--", lt)) this.comment();
      else if (s.startsWith("<![CDATA[", lt)) this.cdata();
      else if (s.startsWith("<!DOCTYPE", lt)) throw this.malformed("Document type declarations are not allowed.");
      else throw this.malformed("Unexpected markup declaration.");
    }
    return root;
  }

  private startTag(): XmlElement {
    const s = this.s;
    this.i++;
    const qname = this.name("an element name");
    let open = true;
    let attributes: string[] | undefined;
    for (;;) {
      const spaced = this.space();
      const c = s.charCodeAt(this.i);
      if (c === 0x3e /* > */) {
        this.i++;
        break;
      }
      if (c === 0x2f /* / */ && s.charCodeAt(this.i + 1) === 0x3e) {
        this.i += 2;
        open = false;
        break;
      }
      if (!spaced) throw this.malformed(`Unexpected character in the start tag of <${qname}>.`);
      const attribute = this.attribute();
      attributes ??= [];
      if (attributes.includes(attribute)) throw this.malformed(`Attribute ${attribute} appears twice in <${qname}>.`);
      if (attributes.push(attribute) > MAX_XML_ATTRIBUTES) throw this.malformed(`<${qname}> has more than ${MAX_XML_ATTRIBUTES} attributes.`);
    }
    const name = stripPrefix(qname);
    if (RESERVED_NAMES.has(name)) throw this.malformed(`The element name ${name} is not allowed.`);
    this.count();
    if (this.stack.length >= MAX_XML_DEPTH) throw this.malformed(`Elements are nested deeper than ${MAX_XML_DEPTH} levels.`);
    const el: OpenElement = { name, children: [], text: "" };
    this.stack[this.stack.length - 1]?.children.push(el);
    if (open) {
      this.stack.push(el);
      this.qnames.push(qname);
    }
    return el;
  }

  /** One `name="value"`; returns the name. The value is checked, then dropped. */
  private attribute(): string {
    const s = this.s;
    this.count();
    const name = this.name("an attribute name");
    this.space();
    if (s.charCodeAt(this.i) !== 0x3d /* = */) throw this.malformed(`Attribute ${name} has no value.`);
    this.i++;
    this.space();
    const value = this.quoted(`attribute ${name}`);
    if (value.includes("<")) throw this.malformed(`Attribute ${name} contains "<".`);
    this.checkChars(value, `value of attribute ${name}`);
    if (value.includes("&")) this.references(value, `value of attribute ${name}`);
    return name;
  }

  private endTag(): void {
    const s = this.s;
    this.i += 2;
    const qname = this.name("an element name");
    this.space();
    if (s.charCodeAt(this.i) !== 0x3e /* > */) throw this.malformed(`Unexpected character in the end tag of <${qname}>.`);
    this.i++;
    const expected = this.qnames.pop();
    if (qname !== expected) throw this.malformed(`Expected </${expected}>, found </${qname}>.`);
    this.stack.pop();
  }

  private charData(start: number, end: number): void {
    let text = this.s.slice(start, end);
    if (text.includes("]]>")) throw this.malformed('Text must not contain "]]>".');
    this.checkChars(text);
    if (text.includes("&")) text = this.references(text);
    (this.stack[this.stack.length - 1] as OpenElement).text += text;
  }

  private cdata(): void {
    this.count();
    const start = this.i + 9;
    const end = this.s.indexOf("]]>", start);
    if (end < 0) throw this.malformed("A CDATA section is not closed.");
    const text = this.s.slice(start, end);
    this.checkChars(text);
    (this.stack[this.stack.length - 1] as OpenElement).text += text;
    this.i = end + 3;
  }

  private comment(): void {
    this.count();
    const start = this.i + 4;
    const end = this.s.indexOf("-->", start);
    if (end < 0) throw this.malformed("A comment is not closed.");
    const text = this.s.slice(start, end);
    if (text.includes("--") || text.endsWith("-")) throw this.malformed('A comment must not contain "--".');
    this.checkChars(text, "comment");
    this.i = end + 3;
  }

  private processingInstruction(): void {
    this.count();
    this.i += 2;
    const target = this.name("a processing instruction target");
    if (target.toLowerCase() === "xml") throw this.malformed("The XML declaration is only allowed at the very start.");
    const end = this.s.indexOf("?>", this.i);
    if (end < 0) throw this.malformed("A processing instruction is not closed.");
    if (end > this.i && !this.space()) throw this.malformed("Unexpected character in a processing instruction.");
    this.checkChars(this.s.slice(this.i, end), "processing instruction");
    this.i = end + 2;
  }

  /** `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` (XML 1.0 §2.8), strictly. */
  private declaration(): void {
    const s = this.s;
    this.i = 5;
    const pseudo = (name: string): string | undefined => {
      const at = this.i;
      if (!this.space() || !s.startsWith(name, this.i)) {
        this.i = at;
        return undefined;
      }
      this.i += name.length;
      this.space();
      if (s.charCodeAt(this.i) !== 0x3d /* = */) throw this.malformed(`The XML declaration's ${name} has no value.`);
      this.i++;
      this.space();
      return this.quoted(`the XML declaration's ${name}`);
    };
    const version = pseudo("version");
    if (version === undefined || !/^1\.[0-9]+$/.test(version)) throw this.malformed("The XML declaration needs version=\"1.0\".");
    const encoding = pseudo("encoding");
    if (encoding !== undefined && !ENCODINGS.has(encoding.toLowerCase())) throw this.malformed("Only UTF-8 documents are accepted.");
    const standalone = pseudo("standalone");
    if (standalone !== undefined && standalone !== "yes" && standalone !== "no") throw this.malformed('standalone must be "yes" or "no".');
    this.space();
    if (!s.startsWith("?>", this.i)) throw this.malformed("The XML declaration is not well-formed.");
    this.i += 2;
  }

  /** Comments, processing instructions and white space around the root element. */
  private misc(): void {
    const s = this.s;
    for (;;) {
      this.space();
      if (s.startsWith("<!--", this.i)) this.comment();
      else if (s.startsWith("<?", this.i)) this.processingInstruction();
      else return;
    }
  }

  private name(what: string): string {
    const start = this.i;
    const end = nameEnd(this.s, start);
    if (end < 0) throw this.malformed(`Expected ${what}.`);
    this.i = end;
    return this.s.slice(start, end);
  }

  /** A quoted value; `i` moves past the closing quote. */
  private quoted(what: string): string {
    const quote = this.s[this.i];
    if (quote !== '"' && quote !== "'") throw this.malformed(`The value of ${what} must be quoted.`);
    const end = this.s.indexOf(quote, this.i + 1);
    if (end < 0) throw this.malformed(`The value of ${what} is not closed.`);
    const value = this.s.slice(this.i + 1, end);
    this.i = end + 1;
    return value;
  }

  /** Skips XML white space (XML 1.0 §2.3 S); true when there was some. */
  private space(): boolean {
    const s = this.s;
    const start = this.i;
    for (;;) {
      const c = s.charCodeAt(this.i);
      if (c !== 0x20 && c !== 0x0a && c !== 0x09 && c !== 0x0d) return this.i > start;
      this.i++;
    }
  }

  /** `text` with its entity and character references resolved (XML 1.0 §4.1); refuses all others. */
  private references(text: string, where?: string): string {
    let out = "";
    let from = 0;
    for (let amp = text.indexOf("&"); amp >= 0; amp = text.indexOf("&", from)) {
      this.count();
      const semi = text.indexOf(";", amp + 1);
      if (semi < 0) throw this.malformed('"&" must start a reference such as &amp;.');
      let resolved: string | undefined;
      if (text.charCodeAt(amp + 1) === 0x23 /* # */) {
        resolved = this.characterReference(text, amp + 2, semi, where);
        if (resolved === undefined) throw this.malformed("Invalid character reference.");
      } else {
        resolved = PREDEFINED_ENTITIES.get(text.slice(amp + 1, semi));
        if (resolved === undefined) throw this.malformed(semi - amp > 40 ? '"&" must start a reference such as &amp;.' : `Unknown entity ${text.slice(amp, semi + 1)}`);
      }
      out += text.slice(from, amp) + resolved;
      from = semi + 1;
    }
    return out + text.slice(from);
  }

  /** The character of `&#65;` / `&#x41;` (digits in text[start, end)); undefined when not a number or beyond U+10FFFF. */
  private characterReference(text: string, start: number, end: number, where?: string): string | undefined {
    const hex = text.charCodeAt(start) === 0x78; /* x */
    let i = hex ? start + 1 : start;
    if (i === end) return undefined;
    let cp = 0;
    for (; i < end; i++) {
      const c = text.charCodeAt(i);
      const lower = c | 0x20;
      let digit: number;
      if (c >= 0x30 && c <= 0x39) digit = c - 0x30;
      else if (hex && lower >= 0x61 && lower <= 0x66) digit = lower - 0x57;
      else return undefined;
      cp = cp * (hex ? 16 : 10) + digit;
      if (cp > 0x10ffff) return undefined;
    }
    if (!isXmlChar(cp)) throw this.invalidCharacter(cp, where);
    return String.fromCodePoint(cp);
  }

  private count(): void {
    if (++this.nodes > this.maxNodes) throw this.malformed(`The document has more than ${this.maxNodes} elements, attributes, references and other markup.`);
  }

  private checkChars(text: string, where?: string): void {
    if (!this.suspect) return;
    const cp = firstForbiddenChar(text);
    if (cp !== undefined) throw this.invalidCharacter(cp, where);
  }

  /** `where` says what holds the character; default: the value of the innermost open element. */
  private invalidCharacter(cp: number, where = `value of ${this.stack.map((e) => e.name).join(".")}`): ServiceError {
    const message = `The ${where} contains a character that XML 1.0 does not allow (U+${cp.toString(16).toUpperCase().padStart(4, "0")}).`;
    return this.invalidCharacterCode === "MalformedXML" ? malformed(message) : new ServiceError(this.invalidCharacterCode, message, 400);
  }

  private malformed(message: string): ServiceError {
    const before = this.s.slice(0, Math.min(this.i, this.s.length));
    const line = before.split("\n").length;
    const column = before.length - before.lastIndexOf("\n");
    return malformed(`${message} (line ${line}, column ${column})`);
  }
}

function stripPrefix(name: string): string {
  const i = name.indexOf(":");
  return i < 0 ? name : name.slice(i + 1);
}

function malformed(message: string): ServiceError {
  return new ServiceError("MalformedXML", `The XML you provided was not well-formed or did not validate: ${message}`, 400);
}
