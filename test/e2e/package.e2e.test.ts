// The published package (issue 16): `npm pack` (prepack builds dist/), installed from the tarball
// into an empty project, then the CLI (`npx minifront --version`, `minifront start` → health,
// `npx minifront serve ./site` → curl before and after an edit) and
// a node:test file using `minifront` and `minifront/testing`, on Node 24 (the project's own) and
// Node 22 (the `node` package, exact version below, installed once into a temporary directory and
// reused: as a devDependency alias it would put a second `node` into node_modules/.bin). npm runs
// on the Node under test, as it would for a user of that Node. Installs prefer npm's cache; when a
// package is neither cached nor reachable the test fails naming npm's error, within its bound.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { curl, spawnLines } from "../helpers/cli-lines.ts";
import { hasCurl } from "../helpers/curl.ts";

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const VERSION = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string }).version;
const NODE_22 = "22.23.3";
const INSTALL_MS = 240_000;
// npm's own script (what the `npm` command links to), run by the Node under test: the system
// `npm` may sit on another Node.
const NPM_CLI = realpathSync(whichNpm());

function whichNpm(): string {
  for (const dir of (process.env.PATH ?? "").split(":")) if (existsSync(join(dir, "npm"))) return join(dir, "npm");
  throw new Error("npm is not on PATH");
}

/**
 * The environment of a child: npm's variables from an enclosing `npm test` and node:test's
 * NODE_TEST_CONTEXT (which would make the consumer's `node --test` report to us) removed,
 * `nodeDir` first on PATH.
 */
function childEnv(nodeDir: string): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.toLowerCase().startsWith("npm_") && k !== "NODE_TEST_CONTEXT"));
  return { ...env, PATH: `${nodeDir}:${process.env.PATH ?? ""}`, NO_UPDATE_NOTIFIER: "1" };
}

async function npm(node: string, args: string[], cwd: string, what: string): Promise<string> {
  try {
    const { stdout } = await run(node, [NPM_CLI, ...args, "--prefer-offline", "--no-audit", "--no-fund"], { cwd, env: childEnv(dirname(node)), timeout: INSTALL_MS, maxBuffer: 64 << 20 });
    return stdout;
  } catch (err) {
    const e = err as { stderr?: string; killed?: boolean };
    assert.fail(`${what} failed${e.killed ? ` (no answer in ${INSTALL_MS / 1000} s)` : ""}: a package missing from npm's cache needs the registry.\n${e.stderr ?? String(err)}`);
  }
}

/** Node 22 from the `node` package, installed once per machine into the temp directory. */
async function node22(): Promise<string> {
  const dir = join(tmpdir(), `minifront-test-node-${NODE_22}`);
  const bin = join(dir, "node_modules", ".bin", "node");
  if (!existsSync(bin)) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "node22-holder", private: true, allowScripts: { node: true } }));
    await npm(process.execPath, ["install", `node@${NODE_22}`], dir, `installing node@${NODE_22}`);
  }
  const { stdout } = await run(bin, ["--version"]);
  assert.equal(stdout.trim(), `v${NODE_22}`);
  return bin;
}

/** `minifront start` from the installed package on a free port; resolves with the health answer. */
async function startAndCheckHealth(project: string, node: string): Promise<unknown> {
  const bin = join(project, "node_modules", ".bin", "minifront");
  const child = spawn(bin, ["start", "--port", "0", "--host", "127.0.0.1", "--ephemeral", "--log-level", "warn"], { cwd: project, env: childEnv(dirname(node)), stdio: ["ignore", "pipe", "pipe"] });
  const exited = new Promise((resolve) => child.once("exit", resolve));
  let out = "";
  let err = "";
  child.stdout.setEncoding("utf8").on("data", (d: string) => (out += d));
  child.stderr.setEncoding("utf8").on("data", (d: string) => (err += d));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`minifront did not start in 30 s:\n${out}\n${err}`)), 30_000);
      child.stdout.on("data", () => {
        const m = /listening on (http:\/\/\S+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(m[1] as string);
        }
      });
      void exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`minifront exited with ${String(code)}:\n${out}\n${err}`));
      });
    });
    const res = await fetch(`${url}/_minifront/health`);
    assert.equal(res.status, 200);
    return await res.json();
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    await exited;
  }
}

describe("the package, installed from its tarball", { timeout: 900_000 }, () => {
  let work: string;
  let tarball: string;
  // The types are the same whatever runs them: checked once.
  const runtimes: Array<{ name: string; node: () => Promise<string>; checkTypes: boolean }> = [
    { name: "Node 24", node: async () => process.execPath, checkTypes: true },
    { name: `Node ${NODE_22}`, node: node22, checkTypes: false },
  ];

  before(async () => {
    work = mkdtempSync(join(tmpdir(), "minifront-package-"));
    // prepack runs the build (scripts/build-dist.ts) with the project's Node first on PATH.
    const packed = await npm(process.execPath, ["pack", "--pack-destination", work, "--silent"], ROOT, "npm pack");
    tarball = join(work, packed.trim().split("\n").pop() as string);
    assert.ok(existsSync(tarball), `no tarball: ${packed}`);
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  it("ships compiled JavaScript, types, the run-time assets and no tests", async () => {
    const { stdout } = await run("tar", ["tzf", tarball]);
    const files = stdout.split("\n").filter(Boolean);
    for (const f of ["package/dist/index.js", "package/dist/index.d.ts", "package/dist/testing/index.js", "package/dist/testing/index.d.ts", "package/dist/functions/sandbox-prelude.js", "package/dist/ui/static/index.html", "package/dist/ui/static/app.js", "package/dist/ui/static/style.css", "package/LICENSE", "package/bin/minifront.js"]) {
      assert.ok(files.includes(f), `${f} is missing from the package`);
    }
    assert.deepEqual(files.filter((f) => /\.test\.|^package\/(src|test|bench|\.ci)\//.test(f) || (f.endsWith(".ts") && !f.endsWith(".d.ts"))), []);
  });

  for (const runtime of runtimes) {
    describe(runtime.name, () => {
      let node: string;
      let project: string;
      before(async () => {
        node = await runtime.node();
        project = join(work, runtime.name.replace(/\W+/g, "-"));
        mkdirSync(project);
        writeFileSync(join(project, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
        const out = await npm(node, ["install", tarball], project, `npm install of the tarball on ${runtime.name}`);
        assert.doesNotMatch(out, /EBADENGINE/);
      });

      it("npx minifront --version prints the package's version", async () => {
        const { stdout } = await run(node, [NPM_CLI, "exec", "--no", "--", "minifront", "--version"], { cwd: project, env: childEnv(dirname(node)) });
        assert.equal(stdout.trim(), VERSION);
      });

      it("minifront start answers its health check", async () => {
        const health = (await startAndCheckHealth(project, node)) as { status: string; version: string };
        assert.equal(health.status, "running");
        assert.equal(health.version, VERSION);
      });

      it("npx minifront serve ./site serves the folder and picks up an edit (curl)", { skip: hasCurl() ? false : "curl is not installed" }, async () => {
        const site = join(project, "site");
        mkdirSync(site, { recursive: true });
        writeFileSync(join(site, "index.html"), "<h1>one</h1>\n");
        const proc = spawnLines([NPM_CLI, "exec", "--no", "--", "minifront", "serve", "./site", "--port", "0", "--host", "127.0.0.1", "--ephemeral", "--log-level", "warn"], { command: node, cwd: project, env: childEnv(dirname(node)), group: true });
        let url = "";
        try {
          url = (await proc.waitFor(/Site +(http:\/\/\S+\/)/, 0, 60_000))[1] as string;
          await proc.waitFor(/watching site for changes/);
          assert.equal((await curl(url)).body, "<h1>one</h1>\n");
          const from = proc.output().length;
          writeFileSync(join(site, "index.html"), "<h1>two</h1>\n");
          await proc.waitFor(/synced 1 changed \(index\.html\)/, from);
          assert.equal((await curl(url)).body, "<h1>two</h1>\n");
        } finally {
          // npm exec does not pass SIGTERM on: the signal goes to the process group, as a
          // terminal's Ctrl-C would. minifront stops, and nothing is left listening.
          await proc.stop();
        }
        const deadline = Date.now() + 10_000;
        while (await curl(url).then(() => true, () => false)) {
          assert.ok(Date.now() < deadline, "minifront serve still answers 10 s after SIGTERM");
          await new Promise((r) => setTimeout(r, 100));
        }
      });

      it("a node:test file imports minifront and minifront/testing and passes", async () => {
        copyFileSync(join(ROOT, "test", "fixtures", "package-consumer", "consumer-suite.mjs"), join(project, "consumer-suite.mjs"));
        const result = await run(node, ["--test", "--test-reporter=spec", "consumer-suite.mjs"], { cwd: project, env: childEnv(dirname(node)), timeout: 120_000 }).catch(
          (err: { stdout?: string; stderr?: string }) => assert.fail(`the consumer's tests failed:\n${err.stdout ?? ""}\n${err.stderr ?? ""}`),
        );
        assert.match(result.stdout, /pass 3/);
      });

      if (runtime.checkTypes) {
        it("its type declarations type-check in a strict TypeScript project", async () => {
          copyFileSync(join(ROOT, "test", "fixtures", "package-consumer", "consumer-types.ts.txt"), join(project, "consumer-types.ts"));
          const compilerOptions = { module: "nodenext", target: "es2022", strict: true, noEmit: true, skipLibCheck: false, typeRoots: [join(ROOT, "node_modules", "@types")], types: ["node"] };
          writeFileSync(join(project, "tsconfig.json"), JSON.stringify({ compilerOptions, files: ["consumer-types.ts"] }));
          await run(join(ROOT, "node_modules", ".bin", "tsc"), ["-p", project], { cwd: project }).catch((err: { stdout?: string }) => assert.fail(`tsc found errors:\n${err.stdout ?? String(err)}`));
        });
      }
    });
  }
});
