// `minifront serve ./site` (issue 16, "One command for the common case"): the real CLI on a temp
// folder, driven with curl as its user would: the URL it prints serves index.html (Miss, then
// Hit), a deep single-page-app path falls back to index.html, an edit, an added and a removed file
// show through after the printed sync line, and a restart on the same data directory reuses the
// distribution. With `--s3-access enforce`, so the OAC and the bucket policy serve creates are
// what lets the distribution read the bucket. And `serve --origin <url>`: a dev server in place
// of the bucket.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { hasCurl } from "../helpers/curl.ts";
import { curl, spawnLines, type LineProcess } from "../helpers/cli-lines.ts";
import { TestOrigin } from "../helpers/test-origin.ts";

const skip = hasCurl() ? false : "curl is not installed";

function serveArgs(dir: string, dataDir: string, ...more: string[]): string[] {
  return ["serve", dir, "--port", "0", "--host", "127.0.0.1", "--data-dir", dataDir, "--log-level", "warn", "--s3-access", "enforce", ...more];
}

describe("minifront serve ./site", { skip }, () => {
  let work: string;
  let site: string;
  let dataDir: string;
  let proc: LineProcess;
  let url: string;
  let distributionId: string;

  before(async () => {
    work = mkdtempSync(join(tmpdir(), "minifront-serve-"));
    site = join(work, "site");
    dataDir = join(work, "data");
    mkdirSync(join(site, "assets"), { recursive: true });
    writeFileSync(join(site, "index.html"), "<h1>version 1</h1>\n");
    writeFileSync(join(site, "assets", "app.js"), "console.log(1);\n");
    writeFileSync(join(site, "old.txt"), "to be removed\n");
    proc = spawnLines(serveArgs("./site", dataDir), { cwd: work });
    const [, id] = await proc.waitFor(/distribution (\w+) \(created\)/);
    distributionId = id as string;
    url = (await proc.waitFor(/Site +(http:\/\/\S+\/)/))[1] as string;
    await proc.waitFor(/uploaded 3, deleted 0, 0 unchanged; watching site for changes/);
  });
  after(async () => {
    await proc?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it("prints the distribution's *.localhost URL on the emulator's port, and a Host-header form for where that name does not resolve", () => {
    assert.match(url, new RegExp(`^http://${distributionId.toLowerCase()}\\.cloudfront\\.localhost:\\d+/$`));
    assert.match(proc.output(), new RegExp(`curl -H 'Host: ${distributionId.toLowerCase()}\\.cloudfront\\.localhost' http://127\\.0\\.0\\.1:\\d+/`));
  });

  it("serves index.html at / (the default root object), a miss and then a hit", async () => {
    const first = await curl(url);
    assert.equal(first.status, 200);
    assert.equal(first.body, "<h1>version 1</h1>\n");
    assert.equal(first.headers["content-type"], "text/html");
    assert.equal(first.headers["x-cache"], "Miss from cloudfront");
    const second = await curl(url);
    assert.equal(second.headers["x-cache"], "Hit from cloudfront");
  });

  it("answers a deep single-page-app path with index.html and 200 (custom error responses 403/404)", async () => {
    const res = await curl(`${url}settings/profile/42`);
    assert.equal(res.status, 200);
    assert.equal(res.body, "<h1>version 1</h1>\n");
  });

  it("uploads files with the content type of their extension", async () => {
    const res = await curl(`${url}assets/app.js`);
    assert.equal(res.status, 200);
    assert.equal(res.headers["content-type"], "text/javascript");
  });

  it("an edited file is served new once the sync line is printed: the invalidation covers / and /index.html", async () => {
    assert.equal((await curl(url)).headers["x-cache"], "Hit from cloudfront");
    const from = proc.output().length;
    writeFileSync(join(site, "index.html"), "<h1>version 2</h1>\n");
    const [line] = await proc.waitFor(/minifront serve: synced 1 changed \(index\.html\); invalidation \w+ for \/index\.html \/\n/, from);
    assert.ok(line);
    const res = await curl(url);
    assert.equal(res.body, "<h1>version 2</h1>\n");
    assert.equal(res.headers["x-cache"], "Miss from cloudfront");
    assert.equal((await curl(`${url}index.html`)).body, "<h1>version 2</h1>\n");
  });

  it("an added file is served, and a removed one falls back to index.html", async () => {
    assert.equal((await curl(`${url}old.txt`)).body, "to be removed\n");
    let from = proc.output().length;
    writeFileSync(join(site, "assets", "new.css"), "body { color: red }\n");
    await proc.waitFor(/synced 1 changed \(assets\/new\.css\)/, from);
    const added = await curl(`${url}assets/new.css`);
    assert.equal(added.body, "body { color: red }\n");
    assert.equal(added.headers["content-type"], "text/css");

    from = proc.output().length;
    unlinkSync(join(site, "old.txt"));
    await proc.waitFor(/synced 1 removed \(old\.txt\); invalidation \w+ for \/old\.txt/, from);
    const removed = await curl(`${url}old.txt`);
    assert.equal(removed.status, 200);
    assert.equal(removed.body, "<h1>version 2</h1>\n");
  });

  it("a restart on the same data directory reuses the distribution and uploads nothing", async () => {
    assert.equal(await proc.stop(), 0);
    proc = spawnLines(serveArgs("./site", dataDir), { cwd: work });
    const [, id] = await proc.waitFor(/distribution (\w+) \(reused\)/);
    assert.equal(id, distributionId);
    await proc.waitFor(/uploaded 0, deleted 0, 3 unchanged/);
    const newUrl = (await proc.waitFor(/Site +(http:\/\/\S+\/)/))[1] as string;
    assert.equal((await curl(newUrl)).body, "<h1>version 2</h1>\n");
  });
});

describe("minifront serve . (the data directory inside the folder)", { skip }, () => {
  let work: string;
  let proc: LineProcess | undefined;
  after(async () => {
    await proc?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it("leaves minifront's own ./.minifront out of the upload and the watch", async () => {
    work = mkdtempSync(join(tmpdir(), "minifront-serve-dot-"));
    writeFileSync(join(work, "index.html"), "<h1>dot 1</h1>\n");
    proc = spawnLines(["serve", ".", "--port", "0", "--host", "127.0.0.1", "--log-level", "warn"], { cwd: work });
    const url = (await proc.waitFor(/Site +(http:\/\/\S+\/)/))[1] as string;
    await proc.waitFor(/uploaded 1, deleted 0, 0 unchanged; watching \. for changes/);
    const from = proc.output().length;
    writeFileSync(join(work, "index.html"), "<h1>dot 2</h1>\n");
    await proc.waitFor(/synced 1 changed \(index\.html\)/, from);
    assert.equal((await curl(url)).body, "<h1>dot 2</h1>\n");
    assert.doesNotMatch(proc.output(), /\.minifront\//);
  });
});

describe("minifront serve --origin <dev server>", { skip }, () => {
  const devServer = new TestOrigin();
  let work: string;
  let proc: LineProcess | undefined;
  before(async () => {
    await devServer.start();
    work = mkdtempSync(join(tmpdir(), "minifront-serve-origin-"));
    devServer.on("/index.html", { body: "<p>from the dev server</p>", headers: { "content-type": "text/html", "cache-control": "no-store" } });
  });
  after(async () => {
    await proc?.stop();
    await devServer.close();
    rmSync(work, { recursive: true, force: true });
  });

  it("without a folder, the distribution's origin is the dev server, reached with its own Host and no signature", async () => {
    proc = spawnLines(["serve", "--origin", `http://127.0.0.1:${devServer.port}`, "--port", "0", "--host", "127.0.0.1", "--data-dir", join(work, "data"), "--log-level", "warn"], { cwd: work });
    const url = (await proc.waitFor(/Site +(http:\/\/\S+\/)/))[1] as string;
    assert.match(proc.output(), new RegExp(`Origin +http://127\\.0\\.0\\.1:${devServer.port} \\(dev server, in place of the bucket\\)`));
    const res = await curl(url);
    assert.equal(res.status, 200);
    assert.equal(res.body, "<p>from the dev server</p>");
    // The default root object still applies: `/` reaches the dev server as /index.html.
    const got = devServer.last("/index.html");
    assert.equal(got.headers.host, `127.0.0.1:${devServer.port}`);
    assert.equal(got.headers.authorization, undefined);
    assert.match(String(got.headers["x-amz-cf-id"]), /\S/);
  });
});
