// A plain JavaScript lexer for syntax.ts: its only job is to find keywords outside strings,
// comments, templates and regular expressions, with the usual regex-versus-division rule (a `/`
// after an expression is division). Real syntax errors are left to QuickJS; what it cannot read
// (an unterminated string or comment, a stray character) is a CodeError at that position.

export interface Token {
  readonly type: "name" | "punct" | "string" | "template" | "number" | "regex";
  readonly value: string;
  readonly start: number;
  readonly end: number;
  /** A line terminator precedes the token. */
  readonly newline: boolean;
}

/** A language-rule or lexing error at character `at` of the code. */
export class CodeError extends Error {
  readonly at: number;
  constructor(message: string, at: number) {
    super(message);
    this.at = at;
  }
}

const PUNCTUATORS = [
  ">>>=", "...", "===", "!==", "**=", "<<=", ">>=", ">>>", "&&=", "||=", "??=",
  "=>", "==", "!=", "<=", ">=", "&&", "||", "??", "?.", "++", "--", "+=", "-=", "*=", "%=", "&=", "|=", "^=", "<<", ">>", "**",
  "/=", "{", "}", "(", ")", "[", "]", ";", ",", "<", ">", "+", "-", "*", "/", "%", "&", "|", "^", "!", "~", "?", ":", "=", ".", "@", "#",
];
/** After these keywords a `/` starts a regular expression. */
const REGEX_AFTER_KEYWORD = new Set(["return", "typeof", "instanceof", "in", "of", "new", "delete", "void", "throw", "case", "do", "else", "yield", "await"]);
const ID_START = /[\p{ID_Start}$_\\]/u;
const ID_PART = /[\p{ID_Continue}$\u200c\u200d\\]/u;
const LINE_TERMINATOR = /[\n\r\u2028\u2029]/;

/** The tokens of `code`; comments and white space are dropped, `newline` records line breaks before a token. */
export function tokenize(code: string): Token[] {
  const tokens: Token[] = [];
  /** For each open `{` / `${`: whether it opened a template substitution. */
  const braces: boolean[] = [];
  let i = 0;
  let newline = false;
  const push = (type: Token["type"], start: number, end: number, value = code.slice(start, end)) => {
    tokens.push({ type, value, start, end, newline });
    newline = false;
  };
  while (i < code.length) {
    const c = code[i] as string;
    if (LINE_TERMINATOR.test(c)) {
      newline = true;
      i++;
      continue;
    }
    if (/\s/.test(c) || c === "\ufeff") {
      i++;
      continue;
    }
    if (c === "/" && code[i + 1] === "/") {
      while (i < code.length && !LINE_TERMINATOR.test(code[i] as string)) i++;
      continue;
    }
    if (c === "/" && code[i + 1] === "*") {
      const end = code.indexOf("*/", i + 2);
      if (end < 0) throw new CodeError("unterminated comment", i);
      if (LINE_TERMINATOR.test(code.slice(i, end))) newline = true;
      i = end + 2;
      continue;
    }
    const start = i;
    if (c === "'" || c === '"') {
      i = skipString(code, i, c);
      push("string", start, i);
      continue;
    }
    if (c === "`" || (c === "}" && braces.length > 0 && braces[braces.length - 1] === true)) {
      if (c === "}") {
        // The end of a template substitution: the template continues after it.
        braces.pop();
        push("punct", start, start + 1);
      }
      const t = skipTemplate(code, i + 1, braces);
      i = t.end;
      if (t.substitution) {
        push("template", start + (c === "}" ? 1 : 0), i - 2);
        push("punct", i - 2, i);
      } else {
        push("template", start + (c === "}" ? 1 : 0), i);
      }
      continue;
    }
    if (/[0-9]/.test(c) || (c === "." && /[0-9]/.test(code[i + 1] ?? ""))) {
      i++;
      while (i < code.length && /[0-9A-Za-z_.]/.test(code[i] as string)) {
        // An exponent sign: 1e-5.
        if (/[eE]/.test(code[i] as string) && /[+-]/.test(code[i + 1] ?? "") && !/^0[xX]/.test(code.slice(start, i))) i++;
        i++;
      }
      push("number", start, i);
      continue;
    }
    if (ID_START.test(c) || c.charCodeAt(0) >= 0xd800) {
      i += c.length;
      while (i < code.length) {
        const cp = String.fromCodePoint(code.codePointAt(i) as number);
        if (!ID_PART.test(cp)) break;
        i += cp.length;
      }
      push("name", start, i);
      continue;
    }
    if (c === "/" && regexAllowed(tokens[tokens.length - 1])) {
      i = skipRegex(code, i);
      push("regex", start, i);
      continue;
    }
    const p = PUNCTUATORS.find((op) => code.startsWith(op, i));
    if (p === undefined) throw new CodeError(`unexpected character "${c}"`, i);
    // `?.` followed by a digit is a conditional and a number (a?.5:b).
    const op = p === "?." && /[0-9]/.test(code[i + 2] ?? "") ? "?" : p;
    if (op === "{") braces.push(false);
    else if (op === "}") braces.pop();
    i += op.length;
    push("punct", start, i);
  }
  return tokens;
}

function regexAllowed(prev: Token | undefined): boolean {
  if (!prev) return true;
  if (prev.type === "punct") return prev.value !== ")" && prev.value !== "]" && prev.value !== "}";
  if (prev.type === "name") return REGEX_AFTER_KEYWORD.has(prev.value);
  return false;
}

function skipString(code: string, i: number, quote: string): number {
  i++;
  while (i < code.length) {
    const c = code[i];
    if (c === "\\") i += 2;
    else if (c === quote) return i + 1;
    else if (c === "\n" || c === "\r") break;
    else i++;
  }
  throw new CodeError("unterminated string literal", i);
}

/** From just after a backtick or a substitution's `}` to just after the closing backtick or the next `${`. */
function skipTemplate(code: string, i: number, braces: boolean[]): { end: number; substitution: boolean } {
  while (i < code.length) {
    const c = code[i];
    if (c === "\\") i += 2;
    else if (c === "`") return { end: i + 1, substitution: false };
    else if (c === "$" && code[i + 1] === "{") {
      braces.push(true);
      return { end: i + 2, substitution: true };
    } else i++;
  }
  throw new CodeError("unterminated template literal", i);
}

function skipRegex(code: string, i: number): number {
  let inClass = false;
  i++;
  while (i < code.length) {
    const c = code[i] as string;
    if (LINE_TERMINATOR.test(c)) break;
    if (c === "\\") i += 2;
    else {
      if (c === "[") inClass = true;
      else if (c === "]") inClass = false;
      else if (c === "/" && !inClass) {
        i++;
        while (i < code.length && /[a-z]/i.test(code[i] as string)) i++;
        return i;
      }
      i++;
    }
  }
  throw new CodeError("unterminated regular expression", i);
}
