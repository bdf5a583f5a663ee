// Function code (zip files) as blobs on disk, `<dataDir>/lambda/code/<sha256 hex>.zip`, named by
// content so that versions sharing code share one file and a published version's bytes can never
// change. Written as a temp file, fsynced and renamed before the call that uploaded it answers
// (docs/decisions.md "Persistence"); files no function references are removed when the store opens and
// after deletions. Kept out of the JSON documents, which only hold the hash.
//
// Zip reading uses fflate (a well-kept library, never a shell-out). Lambda checks
// that an upload is a zip it can extract and that it is not too large unzipped
// (Lambda quotas: 50 MB zipped for a direct upload, 250 MB unzipped); it does not check that the
// handler's file is in it (the first invocation fails instead), so neither does this: part 2 (the
// runtime) reads files out of the zip with `readZipEntry`.
import { createHash, randomUUID } from "node:crypto";
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";
import { unzipSync } from "fflate";
import { fail } from "../../api/errors.ts";
import { messages } from "./messages.ts";

/** Lambda quotas: "Deployment package (.zip file archive) size: 250 MB (unzipped)". */
export const MAX_UNZIPPED_BYTES = 262_144_000;

export interface StoredCode {
  /** base64 SHA-256 of the zip: Lambda's `CodeSha256`. */
  readonly sha256: string;
  readonly size: number;
}

export class CodeStore {
  private readonly dir: string;

  constructor(dataDir: string) {
    this.dir = join(dataDir, "lambda", "code");
    mkdirSync(join(this.dir, "tmp"), { recursive: true });
  }

  /** Checks the zip as Lambda does and stores it durably; InvalidParameterValueException if it is not one. */
  put(zip: Uint8Array): StoredCode {
    checkZip(zip);
    const digest = createHash("sha256").update(zip).digest();
    const target = this.pathOf(digest.toString("base64"));
    if (!existsSync(target)) {
      const tmp = join(this.dir, "tmp", randomUUID());
      const fd = openSync(tmp, "w");
      try {
        writeSync(fd, zip);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(tmp, target);
    }
    return { sha256: digest.toString("base64"), size: zip.byteLength };
  }

  read(sha256: string): Buffer {
    return readFileSync(this.pathOf(sha256));
  }

  /** The file name of a hash: hex, so it is safe in a path and in a URL. */
  fileName(sha256: string): string {
    return `${Buffer.from(sha256, "base64").toString("hex")}.zip`;
  }

  /** The zip a `fileName` names, if stored (the code download URL). */
  readByFileName(name: string): Buffer | undefined {
    if (!/^[0-9a-f]{64}\.zip$/.test(name)) return undefined;
    const path = join(this.dir, name);
    return existsSync(path) ? readFileSync(path) : undefined;
  }

  /** Removes temp files and the blobs no function references. */
  sweep(referenced: ReadonlySet<string>): void {
    rmSync(join(this.dir, "tmp"), { recursive: true, force: true });
    mkdirSync(join(this.dir, "tmp"), { recursive: true });
    const keep = new Set([...referenced].map((sha) => this.fileName(sha)));
    for (const f of readdirSync(this.dir)) if (f.endsWith(".zip") && !keep.has(f)) rmSync(join(this.dir, f), { force: true });
  }

  private pathOf(sha256: string): string {
    return join(this.dir, this.fileName(sha256));
  }
}

/** The names of the files in a zip (directories end in `/`). */
export function listZipEntries(zip: Uint8Array): string[] {
  const names: string[] = [];
  unzipSync(zip, {
    filter: (file) => {
      names.push(file.name);
      return false;
    },
  });
  return names;
}

/** One file of a zip, or undefined when it has no such file. */
export function readZipEntry(zip: Uint8Array, name: string): Uint8Array | undefined {
  return unzipSync(zip, { filter: (file) => file.name === name })[name];
}

function checkZip(zip: Uint8Array): void {
  let unzipped = 0;
  try {
    unzipSync(zip, {
      filter: (file) => {
        unzipped += file.originalSize;
        return false;
      },
    });
  } catch {
    fail("InvalidParameterValueException", messages.badZip());
  }
  if (unzipped > MAX_UNZIPPED_BYTES) fail("InvalidParameterValueException", messages.unzippedTooLarge(MAX_UNZIPPED_BYTES));
}
