// The dashboard's files (static/): read once on first use and kept, sent with their type. The
// published package carries them beside the compiled modules (scripts/build-dist.ts copies them).
import type { ServerResponse } from "node:http";
import { readFileSync } from "node:fs";

const TYPES: Readonly<Record<string, string>> = {
  "index.html": "text/html; charset=utf-8",
  "app.js": "text/javascript; charset=utf-8",
  "style.css": "text/css; charset=utf-8",
};

const loaded = new Map<string, Buffer>();

/** Sends one of the dashboard's files; false when `name` is none of them. */
export function sendAsset(res: ServerResponse, name: string): boolean {
  const type = TYPES[name];
  if (!type) return false;
  let body = loaded.get(name);
  if (!body) loaded.set(name, (body = readFileSync(new URL(`./static/${name}`, import.meta.url))));
  // no-cache: the browser revalidates, so a new version of minifront shows its own page.
  res.writeHead(200, { "Content-Type": type, "Content-Length": body.length, "Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff" });
  res.end(res.req.method === "HEAD" ? undefined : body);
  return true;
}
