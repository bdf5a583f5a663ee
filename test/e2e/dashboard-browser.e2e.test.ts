// The dashboard in a real browser (issue 15 "Done when"): Debian's headless Chromium driven by
// playwright-core (never a browser of its own: executablePath is the system binary) loads
// /_minifront/ui, sees a request made with curl appear in the live list, opens it (cache key,
// X-Cache), purges the object in the cache browser and sees the next request miss.
// Skips where /usr/bin/chromium or curl is missing, except under CI=true, where it must run.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { CreateDistributionCommand } from "@aws-sdk/client-cloudfront";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { useEmulator } from "../helpers/emulator.ts";
import { hasCurl } from "../helpers/curl.ts";
import { TestOrigin } from "../helpers/test-origin.ts";

const CHROMIUM = "/usr/bin/chromium";
const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];
/** Every wait in the page is bounded by this (the machine may be busy; nothing is timed). */
const WAIT_MS = 20_000;

const missing = !existsSync(CHROMIUM) ? `${CHROMIUM} is not installed (Debian's chromium package)` : !hasCurl() ? "curl is not on PATH" : undefined;
const skip = process.env["CI"] === "true" ? false : (missing ?? false);

/** curl through the edge as the distribution's domain name; returns X-Cache. */
async function curlXCache(port: number, domain: string, path: string): Promise<string | undefined> {
  const { stdout } = await promisify(execFile)("curl", ["-s", "-D", "-", "-o", "/dev/null", "--resolve", `${domain}:${port}:127.0.0.1`, `http://${domain}:${port}${path}`], { encoding: "utf8" });
  return /^x-cache: (.*)\r$/im.exec(stdout)?.[1];
}

describe("dashboard in headless Chromium", { skip }, () => {
  if (missing && !skip) it("has what it needs under CI", () => assert.fail(`CI=true but ${missing}`));
  const origin = new TestOrigin();
  const t = useEmulator();
  let context: BrowserContext | undefined;
  let profile: string | undefined;
  let page: Page;
  let domain = "";

  before(async () => {
    await origin.start();
    origin.on("/page.html", { headers: { "content-type": "text/html", "cache-control": "max-age=300" }, body: "<p>cached</p>" });
    const out = await t.cloudfront().send(
      new CreateDistributionCommand({
        DistributionConfig: {
          CallerReference: "browser",
          Comment: "",
          Enabled: true,
          Origins: { Quantity: 1, Items: [{ Id: "o", DomainName: "127.0.0.1", CustomOriginConfig: { HTTPPort: origin.port, HTTPSPort: 443, OriginProtocolPolicy: "http-only" } }] },
          DefaultCacheBehavior: { TargetOriginId: "o", ViewerProtocolPolicy: "allow-all", ForwardedValues: { QueryString: false, Cookies: { Forward: "none" } }, MinTTL: 0 },
        },
      }),
    );
    domain = out.Distribution!.DomainName!;
    profile = mkdtempSync(join(tmpdir(), "minifront-chromium-"));
    context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, timeout: WAIT_MS });
    context.setDefaultTimeout(WAIT_MS);
    page = await context.newPage();
  });
  after(async () => {
    await context?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    await origin.close();
  });

  it("shows a curl request live, opens it, purges the object and sees the next request miss", async () => {
    const errors: string[] = [];
    page.on("pageerror", (err) => errors.push(err.message));
    await page.goto(`${t.emu.controlUrl}/_minifront/ui`);
    // The event stream is open: requests from now on reach the list.
    await page.locator("#feed-status", { hasText: "live" }).waitFor();

    assert.equal(await curlXCache(t.emu.port, domain, "/page.html"), "Miss from cloudfront");
    const row = page.locator("#requests tr.req", { hasText: "/page.html" });
    await row.first().waitFor();
    await row.first().click();
    await page.locator("#detail .cache-key", { hasText: "/page.html" }).waitFor();
    assert.equal(await page.locator("#detail dd.x-cache").textContent(), "Miss");
    assert.match((await page.locator("#detail .response-headers").textContent()) ?? "", /X-Cache: Miss from cloudfront/);

    assert.equal(await curlXCache(t.emu.port, domain, "/page.html"), "Hit from cloudfront");
    await page.locator("#requests tr.req td.x-cache", { hasText: "Hit" }).waitFor();
    await page.locator("#requests tr.req", { hasText: "Hit" }).first().click();
    await page.locator("#detail dd.x-cache", { hasText: "Hit" }).waitFor();
    assert.equal(await page.locator("#detail dd.tier").textContent(), "EDGE");

    // The cache browser: the object is in the POP and the regional cache; purge it everywhere.
    await page.click("#tabs button[data-tab=cache]");
    const cached = page.locator("#cache-table tr.cache-entry[data-path='/page.html']");
    await cached.first().waitFor();
    assert.equal(await cached.count(), 2);
    await cached.first().locator("button.purge").click();
    await page.locator("#cache-total", { hasText: /^0 entries$/ }).waitFor();

    assert.equal(await curlXCache(t.emu.port, domain, "/page.html"), "Miss from cloudfront");
    await page.click("#tabs button[data-tab=requests]");
    await page.locator("#requests tbody tr.req").nth(2).waitFor();
    assert.equal(await page.locator("#requests tbody tr.req td.x-cache").first().textContent(), "Miss", "the newest request, first in the list, missed");
    assert.deepEqual(errors, []);
  });
});
