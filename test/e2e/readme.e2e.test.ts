// Every shell block of the README runs (issue 16 "The first hour": a newcomer follows the README
// literally). The blocks are run in README order as one shell session, the way a reader pastes them
// into one terminal, in a temporary directory that holds the repository's examples/, against a
// fresh minifront whose port replaces 4566. A block that starts a server or installs something is
// exempt only with a reason below, and each exemption must still match a block. The README's
// Terraform provider block must be the one of examples/terraform/main.tf (applied by
// test/terraform/terraform-example.e2e.test.ts).
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFile, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { useEmulator } from "../helpers/emulator.ts";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const README = readFileSync(join(ROOT, "README.md"), "utf8");

interface Block {
  readonly lang: string;
  readonly line: number;
  readonly text: string;
}

/** The README's fenced code blocks (fences may be indented, as in list items). */
function codeBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  const lines = markdown.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)```(\S*)\s*$/.exec(lines[i] as string);
    if (!open) continue;
    const indent = (open[1] as string).length;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length && !/^\s*```\s*$/.test(lines[j] as string); j++) body.push((lines[j] as string).slice(indent));
    blocks.push({ lang: open[2] as string, line: i + 1, text: body.join("\n") });
    i = j;
  }
  return blocks;
}

const SHELL = new Set(["sh", "bash", "shell", "console"]);

/** Blocks that are not run, and why. Each must match at least one README block. */
const EXEMPT: readonly { readonly match: RegExp; readonly why: string }[] = [
  { match: /^npm ci && npm start/, why: "installs the dependencies, starts the server and runs the suite: this test is part of that suite and starts its own minifront" },
  { match: /^npx minifront serve \.\/dist/, why: "starts the server (serve); test/e2e/serve.e2e.test.ts runs serve end to end" },
  { match: /^npx minifront start --origin/, why: "starts the server in front of dev servers the reader runs" },
  { match: /^npm start -- --port 4599 --s3-endpoint/, why: "starts a second minifront in front of an S3 the reader already runs (LocalStack, MinIO)" },
  { match: /^npm start -- --edge-lambda/, why: "starts the server; test/e2e/lambda-edge-local.e2e.test.ts runs --edge-lambda" },
  { match: /^npm install --save-dev minifront/, why: "installs the published package; test/e2e/package.e2e.test.ts packs and installs it" },
  { match: /^npm test +# type check/, why: "the development commands: the suite itself, benchmarks and soak runs" },
  { match: /^# Redis must write every change to its append-only file/, why: "starts Redis and several minifront nodes on the reader's machines; test/e2e/cluster.e2e.test.ts runs three nodes and a Redis on loopback" },
  { match: /^NODE_OPTIONS=--max-semi-space-size/, why: "starts the server with the memory settings npm run soak measured" },
];

/** What some blocks must print (their comments say so to the reader). */
const EXPECT: readonly { readonly match: RegExp; readonly output: readonly RegExp[] }[] = [
  { match: /^export AWS_ACCESS_KEY_ID=test .*\nexport AWS_ENDPOINT_URL=/, output: [/Hello, CloudFront!/, /X-Cache: Miss from cloudfront/i, /X-Cache: Hit from cloudfront/i, /"Status": "(InProgress|Completed)"/] },
  { match: /^ETAG=\$\(aws .* create-function --name add-index/, output: [/\/docs\/index\.html/] },
  { match: /get-distribution-config .*\njq --arg arn/, output: [/Hello, CloudFront!/] },
];

const shellBlocks = codeBlocks(README).filter((b) => SHELL.has(b.lang));
const exemptionOf = (b: Block) => EXEMPT.find((e) => e.match.test(b.text));
const runnable = shellBlocks.filter((b) => exemptionOf(b) === undefined);

function missingTools(): string | false {
  for (const [tool, args] of [["aws", ["--version"]], ["curl", ["--version"]], ["jq", ["--version"]], ["bash", ["--version"]]] as const) {
    const probe = spawnSync(tool, args, { encoding: "utf8", timeout: 20_000 });
    if (probe.error !== undefined || probe.status !== 0) return `${tool} is not on PATH (the README's blocks use it)`;
  }
  return false;
}

describe("README", () => {
  it("exempts only blocks that start a server or install, each with a reason that still matches a block", () => {
    for (const e of EXEMPT) assert.ok(shellBlocks.some((b) => e.match.test(b.text)), `no README block matches the exemption ${e.match} (${e.why}): remove it`);
    assert.ok(runnable.length >= 5, `expected the README's command blocks to run, found ${runnable.length}`);
    for (const x of EXPECT) assert.ok(runnable.some((b) => x.match.test(b.text)), `no runnable block matches ${x.match}`);
  });

  it("shows the provider block of examples/terraform/main.tf", () => {
    const hcl = codeBlocks(README).filter((b) => b.lang === "hcl");
    assert.ok(hcl.length > 0, "the README has a Terraform block");
    const example = readFileSync(join(ROOT, "examples/terraform/main.tf"), "utf8");
    for (const b of hcl) assert.ok(example.includes(b.text), `README.md:${b.line}: the hcl block is not part of examples/terraform/main.tf`);
  });
});

describe("README shell blocks, run in order against minifront", { skip: missingTools(), timeout: 600_000 }, () => {
  const t = useEmulator();
  let dir = "";
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "minifront-readme-"));
    symlinkSync(join(ROOT, "examples"), join(dir, "examples"));
    // The reader's own site folder, for `aws s3 sync ./site ...`.
    mkdirSync(join(dir, "site"));
    writeFileSync(join(dir, "site", "index.html"), "<h1>site</h1>\n");
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("every block succeeds and prints what its comments promise", async () => {
    const port = String(t.emu.port);
    const script = ["set -eo pipefail", ...runnable.flatMap((b, i) => [`echo "::block ${i} README.md:${b.line}"`, b.text.replaceAll("4566", port)])].join("\n");
    writeFileSync(join(dir, "readme.sh"), `${script}\n`);
    const env: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries(process.env)) if (!k.startsWith("AWS_")) env[k] = v;
    Object.assign(env, {
      AWS_CONFIG_FILE: join(dir, "no-aws-config"),
      AWS_SHARED_CREDENTIALS_FILE: join(dir, "no-aws-credentials"),
      AWS_PAGER: "",
      AWS_MAX_ATTEMPTS: "1",
      PYTHONIOENCODING: "utf-8",
    });
    const run = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile("bash", [join(dir, "readme.sh")], { cwd: dir, env, timeout: 540_000, maxBuffer: 16 * 1024 * 1024, encoding: "utf8" }, (err, stdout, stderr) => {
        resolve({ code: err ? (typeof err.code === "number" ? err.code : -1) : 0, stdout, stderr });
      });
    });
    const parts = run.stdout.split(/^::block (\d+) README\.md:\d+$/m);
    const outputOf = new Map<number, string>();
    for (let i = 1; i < parts.length; i += 2) outputOf.set(Number(parts[i]), parts[i + 1] ?? "");
    const last = Math.max(-1, ...outputOf.keys());
    const at = runnable[last];
    assert.equal(run.code, 0, `the README block at README.md:${at?.line ?? "?"} failed (exit ${run.code}):\n${at?.text ?? ""}\n--- stdout ---\n${(outputOf.get(last) ?? "").slice(-3000)}\n--- stderr ---\n${run.stderr.slice(-3000)}`);
    assert.equal(last, runnable.length - 1, "every block ran");
    for (const x of EXPECT) {
      const i = runnable.findIndex((b) => x.match.test(b.text));
      const out = outputOf.get(i) ?? "";
      for (const want of x.output) assert.match(out, want, `README.md:${runnable[i]?.line}: output lacks ${want}:\n${out.slice(-3000)}`);
    }
  });
});
