// The oracle for "every answer is well-formed XML 1.0": fast-xml-parser's validator (a parser
// that is not ours) plus a scan for characters XML 1.0 does not allow, which that validator lets
// through and strict clients (botocore's expat) refuse.
import { XMLValidator } from "fast-xml-parser";

/** Any character outside XML 1.0's Char production (§2.2), lone surrogates included. */
const FORBIDDEN_CHAR = /[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
const CHARACTER_REFERENCE = /&#(x[0-9a-fA-F]+|[0-9]+);/g;

/** Why `body` is not a well-formed XML 1.0 document, or undefined when it is. */
export function xmlProblem(body: Uint8Array | string): string | undefined {
  let text: string;
  try {
    text = typeof body === "string" ? body : new TextDecoder("utf-8", { fatal: true }).decode(body);
  } catch {
    return "not UTF-8";
  }
  const forbidden = FORBIDDEN_CHAR.exec(text);
  if (forbidden) return `character U+${(forbidden[0].codePointAt(0) ?? 0).toString(16).padStart(4, "0")} at ${forbidden.index}`;
  for (const [reference, digits = ""] of text.matchAll(CHARACTER_REFERENCE)) {
    const cp = digits.startsWith("x") ? parseInt(digits.slice(1), 16) : parseInt(digits, 10);
    const allowed = cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff) && !FORBIDDEN_CHAR.test(String.fromCodePoint(cp));
    if (!allowed) return `reference ${reference} to a character XML 1.0 does not allow`;
  }
  const valid = XMLValidator.validate(text);
  return valid === true ? undefined : `${valid.err.code}: ${valid.err.msg} (line ${valid.err.line}, column ${valid.err.col})`;
}

/** Whether a response's Content-Type says XML. */
export function isXmlContentType(contentType: string | string[] | undefined): boolean {
  return /xml/i.test(String(contentType ?? ""));
}
