// The runtimes' language rules (docs/functions.md §2; CloudFront guide "JavaScript runtime 1.0 features" and "JavaScript runtime 2.0 features",
// CloudFront guide "JavaScript runtime 2.0 features", async and await) and the 2.0 import rewrite.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { prepareFunctionCode } from "./syntax.ts";
import type { FunctionRuntimeName } from "./types.ts";

const V1: FunctionRuntimeName = "cloudfront-js-1.0";
const V2: FunctionRuntimeName = "cloudfront-js-2.0";

function refused(code: string, runtime: FunctionRuntimeName, pattern: RegExp): void {
  const r = prepareFunctionCode(code, runtime);
  assert.equal(r.ok, false, `expected ${runtime} to refuse: ${code}`);
  assert.match((r as { message: string }).message, pattern);
}

function accepted(code: string, runtime: FunctionRuntimeName): string {
  const r = prepareFunctionCode(code, runtime);
  assert.ok(r.ok, `expected ${runtime} to accept: ${code} (${(r as { message?: string }).message})`);
  return r.script;
}

describe("cloudfront-js-1.0", () => {
  it("refuses const and let, naming the line", () => {
    refused("function handler(e) {\n  const x = 1;\n  return e.request;\n}", V1, /"const" is not supported in cloudfront-js-1\.0.*line 2/);
    refused("let x = 1;", V1, /"let" is not supported/);
  });
  it("refuses async functions of every kind, and import", () => {
    refused("async function handler(e) { return e.request }", V1, /async functions are not supported in cloudfront-js-1\.0/);
    refused("var f = async () => 1;", V1, /async functions/);
    refused("import cf from 'cloudfront';", V1, /import is not supported in cloudfront-js-1\.0/);
  });
  it("accepts what 1.0 supports: arrow functions, templates, rest parameters, **", () => {
    accepted("var f = (...a) => `${a.length ** 2}`; function handler(e) { return e.request; }", V1);
  });
  it("ignores the keywords in property names, strings, comments, templates and regular expressions", () => {
    accepted(
      [
        "var o = { const: 1, let: 2, async: 3, import: 4 };",
        "o.const = o.let + o.async;",
        "var s = 'const let async import export';",
        "// const x = 1",
        "/* let y = 2 */",
        "var t = `const ${o.let} let`;",
        "var r = /const|let/g, q = 4 / 2 / 1;",
        "var c = o.let ? 1 : 2;",
        "function async(x) { return x } async(1);",
      ].join("\n"),
      V1,
    );
  });
});

describe("cloudfront-js-2.0", () => {
  it("accepts const, let and async function declarations", () => {
    accepted("const a = 1; let b = 2;\nasync function handler(e) { const v = await Promise.resolve(a + b); return e.request; }", V2);
  });
  it("refuses async closures and arguments (CloudFront guide “JavaScript runtime 2.0 features”, async and await)", () => {
    refused("var f = async () => 1;", V2, /async arrow functions are not supported/);
    refused("var f = async x => x;", V2, /async arrow functions/);
    refused("var f = async function () {};", V2, /async function expressions/);
    refused("var o = { async m() {} };", V2, /async methods/);
    refused("run(async function () {});", V2, /async function expressions/);
  });
  it("refuses export in both runtimes, as CloudFront does (\"Illegal export statement\")", () => {
    refused("function handler(e) { return e.request; }\nexport { handler };", V2, /Illegal export statement.*line 2/);
    refused("export default function handler(e) {}", V1, /Illegal export statement/);
  });
  it("refuses dynamic import and unknown modules", () => {
    refused("function handler(e) { return import('fs'); }", V2, /dynamic import/);
    refused("import fs from 'fs';", V2, /Cannot find module "fs"/);
    refused("if (x) { import cf from 'cloudfront'; }", V2, /top level only/);
  });
  it("rewrites imports into bindings on line 1 and keeps every other line where it was", () => {
    const code = "import cf from 'cloudfront';\nimport { createHash as h } from \"crypto\";\nimport * as qs from 'querystring';\nimport buffer, { Buffer } from 'buffer'\nfunction handler(e) { return e.request; }";
    const script = accepted(code, V2);
    const lines = script.split("\n");
    assert.equal(lines.length, 5);
    assert.match(lines[0] as string, /^var cf = __cfModule\("cloudfront"\); var h = __cfModule\("crypto"\)\["createHash"\]; var qs = __cfModule\("querystring"\); var buffer = __cfModule\("buffer"\); var Buffer = __cfModule\("buffer"\)\["Buffer"\];\s+$/);
    assert.equal(lines[1]?.trim(), "");
    assert.equal(lines[4], "function handler(e) { return e.request; }");
  });
  it("leaves code without imports untouched", () => {
    const code = "function handler(e) { return e.request; }";
    assert.equal(accepted(code, V2), code);
  });
});
