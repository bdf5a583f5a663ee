// Keeps a bucket equal to a local folder, as `aws s3 sync --delete` does: a file whose bytes differ
// from the object (compared by MD5, the ETag of a single-part upload) is uploaded with a
// Content-Type guessed from its extension, an object whose file is gone is deleted, and the rest
// is left alone. Files are hashed again only when their size or modification time changed.
// Skipped: `.git/`, `.DS_Store`, editors' temporary files (`*~`, `*.swp`, `*.swx`, `.#*`, vim's
// `4913` probe), and what the caller excludes (minifront's own data directory when it is inside
// the folder: its writes would otherwise be synced, and each sync would write again). Not done: multipart uploads (each file is read into memory and sent in one
// PutObject), symbolic links to directories.
import { createHash } from "node:crypto";
import { readdir, readFile, stat } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import { DeleteObjectsCommand, paginateListObjectsV2, PutObjectCommand } from "@aws-sdk/client-s3";
import type { AwsClients } from "./aws-clients.ts";
import { contentTypeFor } from "./content-types.ts";

const UPLOADS_AT_ONCE = 8;

export interface SyncResult {
  /** Keys uploaded (new or changed). */
  readonly uploaded: readonly string[];
  /** Keys deleted (their files are gone). */
  readonly deleted: readonly string[];
  /** Files already in the bucket with the same bytes. */
  readonly unchanged: number;
}

interface Seen {
  readonly size: number;
  readonly mtimeMs: number;
  readonly md5: string;
}

/** A skipped file or directory name (one path segment). */
export function isIgnored(name: string): boolean {
  return name === ".git" || name === ".DS_Store" || name === "4913" || name.endsWith("~") || name.endsWith(".swp") || name.endsWith(".swx") || name.startsWith(".#");
}

export class FolderSync {
  private readonly aws: AwsClients;
  private readonly bucket: string;
  private readonly dir: string;
  /** The files as last read: size and mtime decide whether to hash again. */
  private readonly local = new Map<string, Seen>();
  /** Key → MD5 of what the bucket holds; undefined until first listed. */
  private remote: Map<string, string> | undefined;
  private readonly excluded: (key: string) => boolean;

  constructor(aws: AwsClients, bucket: string, dir: string, excluded: (key: string) => boolean = () => false) {
    this.aws = aws;
    this.bucket = bucket;
    this.dir = dir;
    this.excluded = excluded;
  }

  /** Syncs in turn: the watcher's syncs may be asked for while the first one runs. */
  private queue: Promise<unknown> = Promise.resolve();

  /** Makes the bucket equal to the folder, after any sync in progress. */
  sync(): Promise<SyncResult> {
    const next = this.queue.then(() => this.syncNow());
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async syncNow(): Promise<SyncResult> {
    const remote = (this.remote ??= await this.listBucket());
    const files = await this.scan();
    const todo = [...files].filter(([key, seen]) => remote.get(key) !== seen.md5).map(([key]) => key);
    const uploaded: string[] = [];
    // UPLOADS_AT_ONCE PutObject calls in flight: a first upload of a build is several times faster
    // than one at a time.
    let next = 0;
    const upload = async () => {
      for (let key = todo[next++]; key !== undefined; key = todo[next++]) {
        // Gone since the scan: the next sync (its removal is a change too) deletes it.
        const body = await readFile(join(this.dir, ...key.split("/"))).catch(() => undefined);
        if (!body) continue;
        const type = contentTypeFor(key);
        await this.aws.s3.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ...(type ? { ContentType: type } : {}) }));
        // The bytes sent, not those hashed a moment ago: the file may have changed in between.
        remote.set(key, createHash("md5").update(body).digest("hex"));
        uploaded.push(key);
      }
    };
    await Promise.all(Array.from({ length: Math.min(UPLOADS_AT_ONCE, todo.length) }, upload));
    uploaded.sort();
    const unchanged = files.size - todo.length;
    const deleted = [...remote.keys()].filter((key) => !files.has(key));
    // DeleteObjects takes at most 1,000 keys (DeleteObjects, S3 API Reference).
    for (let i = 0; i < deleted.length; i += 1000) {
      const batch = deleted.slice(i, i + 1000);
      await this.aws.s3.send(new DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true } }));
      for (const key of batch) remote.delete(key);
    }
    return { uploaded, deleted, unchanged };
  }

  private async listBucket(): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for await (const page of paginateListObjectsV2({ client: this.aws.s3 }, { Bucket: this.bucket })) {
      for (const o of page.Contents ?? []) if (o.Key) out.set(o.Key, (o.ETag ?? "").replace(/"/g, ""));
    }
    return out;
  }

  /** The folder's files by key (relative path with `/`), hashed where size or mtime changed. */
  private async scan(): Promise<Map<string, Seen>> {
    const files = new Map<string, Seen>();
    const entries = await readdir(this.dir, { recursive: true, withFileTypes: true });
    for (const entry of entries) {
      if (!entry.isFile() && !entry.isSymbolicLink()) continue;
      const path = join(entry.parentPath, entry.name);
      const key = relative(this.dir, path).split(sep).join("/");
      if (key.split("/").some(isIgnored) || this.excluded(key)) continue;
      // A file removed or replaced between the listing and here is picked up by the next sync.
      const st = await stat(path).catch(() => undefined);
      if (!st?.isFile()) continue;
      const before = this.local.get(key);
      const seen = before && before.size === st.size && before.mtimeMs === st.mtimeMs ? before : { size: st.size, mtimeMs: st.mtimeMs, md5: await md5Of(path) };
      if (seen.md5 !== "") files.set(key, seen);
    }
    this.local.clear();
    for (const [key, seen] of files) this.local.set(key, seen);
    return files;
  }
}

async function md5Of(path: string): Promise<string> {
  const body = await readFile(path).catch(() => undefined);
  return body ? createHash("md5").update(body).digest("hex") : "";
}

/**
 * The invalidation paths for changed keys: each object's path, and `/` beside `/index.html`
 * (the default root object is cached under `/` too). Over 300 paths become `/*`, well inside
 * CloudFront's 3,000 paths per invalidation (Invalidation quotas, CloudFront Developer Guide).
 */
export function invalidationPaths(keys: readonly string[], defaultRootObject = "index.html"): string[] {
  const paths = new Set<string>();
  for (const key of keys) {
    paths.add(`/${key.split("/").map(encodeURIComponent).join("/")}`);
    if (key === defaultRootObject) paths.add("/");
  }
  return paths.size > 300 ? ["/*"] : [...paths];
}
