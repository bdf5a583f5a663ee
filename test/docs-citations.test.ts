// Every citation in the repository points at a file a reader has (issue 12): a `<name>.md` named in
// src/, test/, bench/, bin/, scripts/, docs/ or the README must exist in the repository (docs/ for
// the behaviour documents), a `§N` after it must be a numbered heading of that file, and a quoted
// heading after it (`docs/style.md "Tests"`) must appear in it. A bare `§N` belongs to the last
// file named earlier in the same passage (a comment block; a Markdown paragraph, list item or
// table row; or one line); in docs/, to the document itself. After `RFC 9110` or `XML 1.0` it is a
// section of that standard and not checked. A bare `§N` with nothing before it is an error: the
// reader cannot tell which document it means.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const DIRS = ["src", "test", "bench", "bin", "scripts", "docs"];
const ROOT_FILES = ["README.md"];
/** Files that quote citation forms on purpose: the one-off rewrite script and this check. */
const SKIP = new Set(["scripts/rewrite-spec-citations.mjs", "test/docs-citations.test.ts"]);
const TEXT_FILE = /\.(ts|mts|cts|js|mjs|cjs|md)$/;

// A file name, a standard, or a section, in reading order. A file name is not part of a longer
// identifier (`forge.md.sha256` is code). A range `§2–§4` / `§7.4–7.5` checks both ends.
const TOKEN = new RegExp(
  [
    String.raw`(?<file>(?<![\w./-])[\w][\w./-]*\.md)(?![\w]|\.\w)`,
    String.raw`(?<std>\bRFC \d+|\bXML 1\.0)`,
    String.raw`§(?<sec>\d+(?:\.\d+)*)(?:[–-]§?(?<end>\d+(?:\.\d+)*))?`,
  ].join("|"),
  "g",
);
/** What may follow a file name before a quoted heading: a section or "Appendix A". */
const QUOTED_AFTER = /^(?:\s+(?:§[\d.]+(?:[–-]§?[\d.]+)?|Appendix [A-Z]))?\s+"([^"\n]+)/;
/** Folders outside the repository that comments used to cite. */
const OUTSIDE = new RegExp(["shared", "spec"].join("/") + "|/work/");

interface Citation {
  where: string;
  problem: string;
}

function* walk(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "node_modules" || entry.name.startsWith(".")) continue;
    const full = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(full);
    else if (TEXT_FILE.test(entry.name)) yield full;
  }
}

/** A Markdown line that starts a passage: blank, a table row, or a list item. */
const startsMarkdownPassage = (line: string) => /^\s*$|^\s*\||^\s*(?:[-*+]|\d+\.)\s/.test(line);

/**
 * [start, end) line ranges: runs of comment lines in code; paragraphs, list items and table rows
 * in Markdown; any other line alone.
 */
function passages(lines: readonly string[], markdown: boolean): Array<[number, number]> {
  const isComment = (line: string) => /^\s*(\/\/|\*|\/\*)/.test(line);
  const out: Array<[number, number]> = [];
  let start = 0;
  for (let i = 1; i <= lines.length; i++) {
    const ends = markdown
      ? i === lines.length || startsMarkdownPassage(lines[i]!) || /^\s*$|^\s*\|/.test(lines[i - 1]!)
      : i === lines.length || !isComment(lines[i]!) || !isComment(lines[i - 1]!);
    if (ends) {
      out.push([start, i]);
      start = i;
    }
  }
  return out;
}

/** Where a cited name leads: a path from the repository root or from the citing file's folder. */
function resolve(name: string, citingFile: string): string | undefined {
  for (const base of [dirname(citingFile), ROOT]) {
    const candidate = join(base, name);
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

const documents = new Map<string, { sections: Set<string>; text: string }>();
/** Numbered headings (`## 9.`, `### 9.2 …`, `## §9`) and the lower-cased text without markup. */
function documentAt(path: string) {
  let doc = documents.get(path);
  if (doc === undefined) {
    const raw = readFileSync(path, "utf8");
    const sections = new Set<string>();
    for (const m of raw.matchAll(/^#{1,6}\s+§?(\d+(?:\.\d+)*)\.?\s/gm)) sections.add(m[1]!);
    const text = raw.replace(/[*`]/g, "").replace(/\s+/g, " ").toLowerCase();
    doc = { sections, text };
    documents.set(path, doc);
  }
  return doc;
}

function checkFile(full: string): Citation[] {
  const path = relative(ROOT, full).split("\\").join("/");
  const lines = readFileSync(full, "utf8").split("\n");
  const problems: Citation[] = [];
  lines.forEach((line, i) => {
    if (OUTSIDE.test(line)) problems.push({ where: `${path}:${i + 1}`, problem: "names a folder outside the repository" });
  });
  for (const [from, to] of passages(lines, path.endsWith(".md"))) {
    // The document a bare § refers to: a resolved file, a standard (not checked), or nothing yet.
    // In docs/ a bare § means a section of the document itself.
    let current: { name: string; path?: string } | "standard" | undefined = path.startsWith("docs/") ? { name: path, path: full } : undefined;
    for (let i = from; i < to; i++) {
      const line = lines[i]!;
      const where = `${path}:${i + 1}`;
      for (const m of line.matchAll(TOKEN)) {
        const { file, std, sec, end } = m.groups!;
        if (file !== undefined) {
          // A whole string literal that is a path (`"docs/readme.md"` as an S3 key) is data, not a citation.
          const before = line[m.index - 1];
          if ((before === '"' || before === "'") && line[m.index + file.length] === before) continue;
          const target = resolve(file, full);
          current = { name: file, path: target };
          if (target === undefined) {
            problems.push({ where, problem: `cites ${file}, which is not in the repository (docs/ has the behaviour documents)` });
            continue;
          }
          const quoted = QUOTED_AFTER.exec(line.slice(m.index + file.length))?.[1];
          if (quoted !== undefined && !documentAt(target).text.includes(quoted.replace(/[*`]/g, "").toLowerCase().trim())) {
            problems.push({ where, problem: `cites ${file} "${quoted}", which ${file} does not contain` });
          }
        } else if (std !== undefined) {
          current = "standard";
        } else if (current === undefined) {
          problems.push({ where, problem: `bare §${sec} with no document named before it in the comment` });
        } else if (current !== "standard" && current.path !== undefined) {
          const { sections } = documentAt(current.path);
          for (const n of end === undefined ? [sec!] : [sec!, end]) {
            if (!sections.has(n)) problems.push({ where, problem: `cites ${current.name} §${n}, which has no heading ${n}` });
          }
        }
      }
    }
  }
  return problems;
}

describe("citations point at files in the repository (docs/README.md)", () => {
  const files = [...ROOT_FILES.map((f) => join(ROOT, f)), ...DIRS.flatMap((d) => [...walk(join(ROOT, d))])].filter(
    (full) => !SKIP.has(relative(ROOT, full).split("\\").join("/")),
  );

  it("every cited file exists, and every cited section and quoted heading is in it", () => {
    const problems = files.flatMap(checkFile);
    assert.deepEqual(
      problems.map((p) => `${p.where}: ${p.problem}`),
      [],
    );
  });

  it("reads citations the way the check means them", () => {
    // The checker itself, on the forms the code uses.
    const doc = documentAt(join(ROOT, "docs/edge.md"));
    assert.ok(doc.sections.has("9.2") && doc.sections.has("17") && !doc.sections.has("18"));
    const tokens = [..."see docs/edge.md §7.2–§7.3, RFC 9110 §8.8.3; forge.md.sha256 §2".matchAll(TOKEN)].map((m) =>
      Object.fromEntries(Object.entries(m.groups!).filter(([, v]) => v !== undefined)),
    );
    assert.deepEqual(tokens, [{ file: "docs/edge.md" }, { sec: "7.2", end: "7.3" }, { std: "RFC 9110" }, { sec: "8.8.3" }, { sec: "2" }]);
    assert.deepEqual(passages(["// a", "// b", "code();", " * c", " */"], false), [[0, 2], [2, 3], [3, 5]]);
  });
});
