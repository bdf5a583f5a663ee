// The language rules CloudFront's two runtimes add on top of JavaScript (docs/functions.md §2;
// CloudFront guide "JavaScript runtime 1.0 features" and "JavaScript runtime 2.0 features", CloudFront guide "JavaScript runtime 2.0 features", async and await), checked on tokens
// before QuickJS compiles the code, and the rewrite of 2.0 `import` declarations into bindings the
// sandbox provides.
//
// cloudfront-js-1.0: no `const` / `let` ("The const and let statements are not supported"), no
// `async` functions, no `import` (modules come from `require`).
// cloudfront-js-2.0: `const`, `let`, `async function` declarations; `import` of the four built-in
// modules only; "async arguments and closures are not supported" (async arrows, async function
// expressions and async methods are refused).
// Both: no `export` (CloudFront: "SyntaxError: Illegal export statement", seen in public reports),
// no dynamic `import()`.
//
// The tokens come from js-tokens.ts; real syntax errors are left to QuickJS.
import { CodeError, tokenize, type Token } from "./js-tokens.ts";
import type { FunctionRuntimeName } from "./types.ts";

/** Modules a 2.0 function may import (docs/functions.md §2 "Modules"). */
export const IMPORTABLE_MODULES = ["cloudfront", "crypto", "querystring", "buffer"] as const;

export type PreparedCode =
  | {
      readonly ok: true;
      readonly script: string;
      /**
       * The handler was `async function handler` with no `await` anywhere in the code and no other
       * mention of `handler`: the script declares it without `async` (the sandbox treats what it
       * returns as an async function's result, see sandbox.ts `begin`).
       */
      readonly asyncRunsSync: boolean;
      /**
       * The code is the declaration of `handler` and nothing else, and names `handler` once: its top
       * level makes the same function every time and nothing a run can reach outlives the run, so
       * one function may serve every request of a context (the top level is not run again).
       */
      readonly handlerOnly: boolean;
    }
  | { readonly ok: false; readonly message: string };

/**
 * Checks `code` against its runtime's language rules and returns the script the sandbox compiles:
 * the same text with 2.0 `import` declarations replaced by blanks (lines keep their numbers) and
 * their bindings declared at the start of line 1, and an `async` handler that never awaits made an
 * ordinary function (`asyncRunsSync`).
 */
export function prepareFunctionCode(code: string, runtime: FunctionRuntimeName): PreparedCode {
  try {
    const tokens = tokenize(code);
    const imports = checkRules(tokens, runtime);
    const named = handlerMentions(tokens);
    const asyncAt = named === 1 ? awaitlessAsyncHandler(tokens) : undefined;
    const plain = asyncAt === undefined ? code : code.slice(0, asyncAt) + "     " + code.slice(asyncAt + 5);
    return { ok: true, script: rewriteImports(plain, imports), asyncRunsSync: asyncAt !== undefined, handlerOnly: named === 1 && onlyTheHandler(tokens) };
  } catch (err) {
    if (err instanceof CodeError) return { ok: false, message: `SyntaxError: ${err.message} in ${position(code, err.at)}` };
    throw err;
  }
}

/**
 * Where the `async` of `async function handler` starts, when declaring it without `async` changes
 * nothing a run can tell: no `await` in the code (so the body runs to its end in one go, as an
 * async function's body without `await` does) and no other mention of `handler` (so nothing sees
 * the function itself, or calls it expecting a promise). An async function's result is a promise
 * that resolves to what it returned or rejects with what it threw; the sandbox makes the same of
 * an ordinary function's result (sandbox.ts `begin`), without the promise, the async function's
 * state and its resolving functions, which cost a trivial run about half its time in QuickJS.
 */
function awaitlessAsyncHandler(tokens: readonly Token[]): number | undefined {
  let at: number | undefined;
  let depth = 0;
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i] as Token;
    depth = depthAfter(tok, depth);
    if (tok.type !== "name") continue;
    if (tok.value === "await") return undefined;
    if (tok.value === "async" && depth === 0 && tokens[i + 2]?.value === "handler" && asyncKind(tokens, i) === "declaration") at = tok.start;
  }
  return at;
}

/** How many times the name `handler` occurs (as a binding, a reference or a property name). */
function handlerMentions(tokens: readonly Token[]): number {
  let n = 0;
  for (const tok of tokens) if (tok.type === "name" && tok.value === "handler") n++;
  return n;
}

/** The tokens are `[async] function handler (…) {…}` and semicolons, nothing else. */
function onlyTheHandler(tokens: readonly Token[]): boolean {
  const isSemicolon = (t: Token | undefined) => t?.type === "punct" && t.value === ";";
  let i = 0;
  while (isSemicolon(tokens[i])) i++;
  if (tokens[i]?.type === "name" && tokens[i]?.value === "async") i++;
  if (tokens[i]?.value !== "function" || tokens[i + 1]?.value !== "handler" || tokens[i + 2]?.value !== "(") return false;
  const params = matching(tokens, i + 2);
  if (params === undefined || tokens[params + 1]?.value !== "{") return false;
  const body = matching(tokens, params + 1);
  if (body === undefined) return false;
  i = body + 1;
  while (isSemicolon(tokens[i])) i++;
  return i === tokens.length;
}

function position(code: string, at: number): string {
  const before = code.slice(0, at);
  const line = before.split(/\r\n|\r|\n|\u2028|\u2029/).length;
  return `line ${line}`;
}

// ---------------------------------------------------------------------------------------------
// Rules

interface ImportDecl {
  readonly start: number;
  readonly end: number;
  readonly module: string;
  readonly defaultName?: string;
  readonly namespace?: string;
  readonly named: ReadonlyArray<readonly [imported: string, local: string]>;
}

const DECLARATION_START = new Set([undefined, ";", "{", "}"]);

function checkRules(tokens: readonly Token[], runtime: FunctionRuntimeName): ImportDecl[] {
  const v1 = runtime === "cloudfront-js-1.0";
  const imports: ImportDecl[] = [];
  let depth = 0;
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i] as Token;
    depth = depthAfter(tok, depth);
    if (tok.type !== "name") continue;
    const prev = tokens[i - 1];
    const next = tokens[i + 1];
    // Property names: `a.const`, `a?.async`, `{ let: 1 }`.
    if (prev && prev.type === "punct" && (prev.value === "." || prev.value === "?.")) continue;
    if (next && next.type === "punct" && next.value === ":" && !isConditionalColon(tokens, i)) continue;
    switch (tok.value) {
      case "export":
        throw new CodeError("Illegal export statement", tok.start);
      case "const":
      case "let":
        if (v1) throw new CodeError(`"${tok.value}" is not supported in cloudfront-js-1.0 (use var)`, tok.start);
        break;
      case "async": {
        const kind = asyncKind(tokens, i);
        if (kind === undefined) break;
        if (v1) throw new CodeError("async functions are not supported in cloudfront-js-1.0", tok.start);
        if (kind !== "declaration") throw new CodeError(`async ${kind} are not supported: "async" is allowed on function declarations only`, tok.start);
        break;
      }
      case "import": {
        if (next && next.type === "punct" && (next.value === "(" || next.value === ".")) {
          throw new CodeError("dynamic import is not supported", tok.start);
        }
        if (v1) throw new CodeError("import is not supported in cloudfront-js-1.0 (use require)", tok.start);
        if (depth !== 0 || !DECLARATION_START.has(prev?.value)) throw new CodeError("import declarations are allowed at the top level only", tok.start);
        const decl = parseImport(tokens, i);
        imports.push(decl.decl);
        i = decl.next - 1;
        break;
      }
    }
  }
  return imports;
}

/** The brace depth after `tok`: blocks, object literals and template substitutions open and close. */
function depthAfter(tok: Token, depth: number): number {
  if (tok.type !== "punct") return depth;
  if (tok.value === "{" || tok.value === "${") return depth + 1;
  return tok.value === "}" ? depth - 1 : depth;
}

/** `a ? b : c` — the name before this colon belongs to a conditional, not an object key. */
function isConditionalColon(tokens: readonly Token[], i: number): boolean {
  let nesting = 0;
  for (let j = i - 1; j >= 0; j--) {
    const t = tokens[j] as Token;
    if (t.type !== "punct") continue;
    if (t.value === ")" || t.value === "]" || t.value === "}") nesting++;
    else if (t.value === "(" || t.value === "[" || t.value === "{" || t.value === "${") {
      if (nesting === 0) return false;
      nesting--;
    } else if (nesting === 0 && t.value === "?") return true;
    else if (nesting === 0 && (t.value === "," || t.value === ";")) return false;
  }
  return false;
}

/** What an `async` token starts, or undefined when it is an ordinary identifier. */
function asyncKind(tokens: readonly Token[], i: number): "declaration" | "function expressions" | "arrow functions" | "methods" | undefined {
  const next = tokens[i + 1];
  if (!next || next.newline) return undefined;
  const prev = tokens[i - 1];
  if (next.type === "name" && next.value === "function") {
    return DECLARATION_START.has(prev?.value) ? "declaration" : "function expressions";
  }
  if (next.type === "name") {
    const after = tokens[i + 2];
    if (after?.type === "punct" && after.value === "=>") return "arrow functions";
    if (after?.type === "punct" && after.value === "(") return "methods";
    return undefined;
  }
  if (next.type === "punct" && next.value === "(") {
    const close = matching(tokens, i + 1);
    const after = close === undefined ? undefined : tokens[close + 1];
    if (after?.type === "punct" && after.value === "=>") return "arrow functions";
    return undefined; // a call of something named async
  }
  if (next.type === "punct" && next.value === "*") return "methods";
  return undefined;
}

function matching(tokens: readonly Token[], open: number): number | undefined {
  let depth = 0;
  for (let j = open; j < tokens.length; j++) {
    const t = tokens[j] as Token;
    if (t.type !== "punct") continue;
    if (t.value === "(" || t.value === "[" || t.value === "{" || t.value === "${") depth++;
    else if (t.value === ")" || t.value === "]" || t.value === "}") {
      depth--;
      if (depth === 0) return j;
    }
  }
  return undefined;
}

/** `import X from 'm'`, `import * as N from 'm'`, `import { a, b as c } from 'm'`, `import X, {…} from 'm'`, `import 'm'`. */
function parseImport(tokens: readonly Token[], i: number): { decl: ImportDecl; next: number } {
  const start = (tokens[i] as Token).start;
  let j = i + 1;
  const at = (): Token => tokens[j] ?? fail("unexpected end of input in import declaration");
  const fail = (msg: string, pos = tokens[j]?.start ?? start): never => {
    throw new CodeError(msg, pos);
  };
  const isPunct = (v: string) => at().type === "punct" && at().value === v;
  const name = (): string => {
    const t = at();
    if (t.type !== "name") fail(`unexpected token "${t.value}" in import declaration`);
    j++;
    return t.value;
  };
  let defaultName: string | undefined;
  let namespace: string | undefined;
  const named: Array<readonly [string, string]> = [];
  let module: string;
  if (at().type === "string") {
    module = unquote(at().value);
    j++;
  } else {
    if (at().type === "name") {
      defaultName = name();
      if (isPunct(",")) j++;
    }
    if (isPunct("*")) {
      j++;
      if (name() !== "as") fail('expected "as" in import declaration');
      namespace = name();
    } else if (isPunct("{")) {
      j++;
      while (!isPunct("}")) {
        const imported = at().type === "string" ? unquote(tokens[j++]?.value ?? "") : name();
        let local = imported;
        if (at().type === "name" && at().value === "as") {
          j++;
          local = name();
        }
        named.push([imported, local]);
        if (isPunct(",")) j++;
        else if (!isPunct("}")) fail(`unexpected token "${at().value}" in import declaration`);
      }
      j++;
    } else if (defaultName === undefined) {
      fail(`unexpected token "${at().value}" in import declaration`);
    }
    if (name() !== "from") fail('expected "from" in import declaration', tokens[j - 1]?.start);
    if (at().type !== "string") fail("expected a module name in import declaration");
    module = unquote(at().value);
    j++;
  }
  if (!(IMPORTABLE_MODULES as readonly string[]).includes(module)) {
    throw new CodeError(`Cannot find module "${module}"`, start);
  }
  if (tokens[j]?.type === "punct" && tokens[j]?.value === ";") j++;
  const end = (tokens[j - 1] as Token).end;
  const decl: ImportDecl = {
    start,
    end,
    module,
    named,
    ...(defaultName !== undefined ? { defaultName } : {}),
    ...(namespace !== undefined ? { namespace } : {}),
  };
  return { decl, next: j };
}

function unquote(literal: string): string {
  return literal.slice(1, -1).replace(/\\(.)/g, "$1");
}

/**
 * Blanks each import declaration (keeping its line breaks) and declares its bindings at the start
 * of line 1. A module's default export is the module object itself, as with `require`.
 */
function rewriteImports(code: string, imports: readonly ImportDecl[]): string {
  if (imports.length === 0) return code;
  let out = "";
  let last = 0;
  const decls: string[] = [];
  for (const d of imports) {
    out += code.slice(last, d.start) + code.slice(d.start, d.end).replace(/[^\r\n\u2028\u2029]/g, " ");
    last = d.end;
    const mod = `__cfModule(${JSON.stringify(d.module)})`;
    if (d.defaultName) decls.push(`var ${d.defaultName} = ${mod};`);
    if (d.namespace) decls.push(`var ${d.namespace} = ${mod};`);
    for (const [imported, local] of d.named) decls.push(`var ${local} = ${mod}[${JSON.stringify(imported)}];`);
  }
  return decls.join(" ") + " " + out + code.slice(last);
}
