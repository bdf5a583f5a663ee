// A function's task root: a zip is extracted once per code hash under
// `<dataDir>/lambda/runtime/<hash>/` and reused by every process and restart; a local directory
// (--edge-lambda) is used where it is, and its fingerprint (the newest modification time of its
// files) tells the runtime when to replace warm processes after an edit.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { unzipSync } from "fflate";
import type { LambdaCode } from "./types.ts";

const READY_MARKER = ".minifront-extracted";

/** The directory the function's code runs from, extracting the zip on first use. */
export function taskRoot(dataDir: string, code: LambdaCode): string {
  if ("dir" in code.source) return path.resolve(code.source.dir);
  const hash = createHash("sha256").update(code.codeSha256).digest("hex").slice(0, 32);
  const dir = path.join(dataDir, "lambda", "runtime", hash);
  if (existsSync(path.join(dir, READY_MARKER))) return dir;
  // Extract to a temporary sibling and rename, so a crash mid-way never leaves a half tree in use.
  const tmp = `${dir}.tmp-${process.pid}-${Date.now()}`;
  const files = unzipSync(new Uint8Array(code.source.zip()));
  for (const [name, bytes] of Object.entries(files)) {
    const target = path.resolve(tmp, name);
    if (!target.startsWith(path.resolve(tmp) + path.sep)) continue; // "zip slip": entries may not leave the root
    if (name.endsWith("/")) {
      mkdirSync(target, { recursive: true });
      continue;
    }
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, bytes);
  }
  mkdirSync(tmp, { recursive: true });
  writeFileSync(path.join(tmp, READY_MARKER), "");
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(path.dirname(dir), { recursive: true });
  renameSync(tmp, dir);
  return dir;
}

/** The newest modification time under a local function directory (node_modules and dot-folders skipped). */
export function directoryFingerprint(dir: string): string {
  let newest = 0;
  let count = 0;
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      if (entry.name === "node_modules" || entry.name.startsWith(".") || entry.name === "__pycache__") continue;
      const p = path.join(d, entry.name);
      if (entry.isDirectory()) walk(p);
      else {
        count++;
        newest = Math.max(newest, statSync(p).mtimeMs);
      }
    }
  };
  walk(dir);
  return `${newest}:${count}`;
}
