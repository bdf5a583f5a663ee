// What XML 1.0 allows where (Extensible Markup Language (XML) 1.0, §2.2 Characters and §2.3
// Common Syntactic Constructs), shared by the document reader (xml-document.ts) and the response
// writer (xml-writer.ts).

/** Any character outside XML 1.0's Char production (§2.2); lone surrogates included (`u` flag). */
const FORBIDDEN_CHAR = /[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
const FORBIDDEN_CHARS = /[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/**
 * `text` with every character XML 1.0 cannot carry replaced by U+FFFD, for anything we write into
 * an XML response: data stored before these characters were refused, or echoed from a URI or
 * header, must not make the whole document unreadable (a list would fail for every client).
 */
export function xmlSafeText(text: string): string {
  return FORBIDDEN_CHAR.test(text) ? text.replace(FORBIDDEN_CHARS, "\uFFFD") : text;
}

// XML 1.0 §2.3 Name (NameStartChar NameChar*).
const NAME_START =
  ":A-Z_a-z\\u00C0-\\u00D6\\u00D8-\\u00F6\\u00F8-\\u02FF\\u0370-\\u037D\\u037F-\\u1FFF\\u200C\\u200D\\u2070-\\u218F" +
  "\\u2C00-\\u2FEF\\u3001-\\uD7FF\\uF900-\\uFDCF\\uFDF0-\\uFFFD\\u{10000}-\\u{EFFFF}";
const NAME_REST = "\\-.0-9\\u00B7\\u0300-\\u036F\\u203F\\u2040";
const NAME = new RegExp(`[${NAME_START}][${NAME_START}${NAME_REST}]*`, "uy");
// ASCII fast path of the same production (a regex call per name was a third of the parse time):
// 1 = may start a name, 2 = may continue one.
const ASCII_NAME = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  ASCII_NAME[c] = /[:A-Z_a-z]/.test(ch) ? 1 : /[-.0-9]/.test(ch) ? 2 : 0;
}

/** Where the XML Name starting at `start` ends, or -1 when no name starts there. */
export function nameEnd(s: string, start: number): number {
  if (ASCII_NAME[s.charCodeAt(start)] === 1) {
    let j = start + 1;
    let c = s.charCodeAt(j);
    while (c < 128 && ASCII_NAME[c] !== 0) c = s.charCodeAt(++j);
    if (!(c >= 128)) return j;
  }
  NAME.lastIndex = start;
  return NAME.exec(s) ? NAME.lastIndex : -1;
}

/** XML 1.0 §2.2 Char. */
export function isXmlChar(cp: number): boolean {
  return cp >= 0x20 ? cp <= 0xd7ff || (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff) : cp === 0x09 || cp === 0x0a || cp === 0x0d;
}

/** Whether `text` has a character XML 1.0 does not allow anywhere. */
export function hasForbiddenChar(text: string): boolean {
  return FORBIDDEN_CHAR.test(text);
}

/** The first character XML 1.0 does not allow in `text`, as a code point, or undefined. */
export function firstForbiddenChar(text: string): number | undefined {
  const m = FORBIDDEN_CHAR.exec(text);
  return m ? (m[0].codePointAt(0) ?? 0) : undefined;
}
