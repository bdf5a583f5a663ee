// Telling a failure of the disk under the data directory (full, over quota, read-only, I/O error)
// from a bug, so that the API answers it with the service's 5xx and the log says plainly what
// happened and where ("disk full writing /data/s3/tmp/… (ENOSPC)") instead of a stack trace.
// Covers the errors node:fs raises (errno codes) and node:sqlite raises (SQLite result codes).

/** errno codes that mean the disk refused the write, and how to say so. */
const FS_FAILURES: Readonly<Record<string, string>> = {
  ENOSPC: "disk full",
  EDQUOT: "disk quota exceeded",
  EFBIG: "file size limit exceeded",
  EROFS: "read-only file system",
  EIO: "I/O error",
};

/** SQLite primary result codes (https://www.sqlite.org/rescode.html) that mean the same. */
const SQLITE_FAILURES: Readonly<Record<number, readonly [string, string]>> = {
  13: ["SQLITE_FULL", "disk full"],
  10: ["SQLITE_IOERR", "I/O error"],
  8: ["SQLITE_READONLY", "read-only database"],
};

interface StorageFailure {
  /** `disk full`, `I/O error`, ... */
  readonly what: string;
  /** `ENOSPC`, `SQLITE_FULL`, ... */
  readonly code: string;
  /** The file, or `the state database`. */
  readonly where: string;
  readonly detail: string | undefined;
}

function classify(err: unknown): StorageFailure | undefined {
  if (!(err instanceof Error)) return undefined;
  const e = err as NodeJS.ErrnoException & { errcode?: unknown; errstr?: unknown };
  const fs = typeof e.code === "string" ? FS_FAILURES[e.code] : undefined;
  if (fs) return { what: fs, code: e.code as string, where: e.path ?? "the data directory", detail: undefined };
  if (e.code === "ERR_SQLITE_ERROR" && typeof e.errcode === "number") {
    // node:sqlite reports extended result codes; the primary code is the low byte.
    const sqlite = SQLITE_FAILURES[e.errcode & 0xff];
    if (sqlite) return { what: sqlite[1], code: sqlite[0], where: "the state database", detail: typeof e.errstr === "string" ? e.errstr : e.message };
  }
  return undefined;
}

/**
 * What went wrong, in one line, when `err` is a failure of the disk: `disk full writing <path>
 * (ENOSPC)` or `disk full writing the state database (SQLITE_FULL: database or disk is full)`.
 * Undefined for any other error.
 */
export function describeStorageFailure(err: unknown): string | undefined {
  const f = classify(err);
  return f && `${f.what} writing ${f.where} (${f.code}${f.detail ? `: ${f.detail}` : ""})`;
}

/** The short reason told to API clients, without paths: `disk full (ENOSPC)`. */
export function storageFailureReason(err: unknown): string | undefined {
  const f = classify(err);
  return f && `${f.what} (${f.code})`;
}

/** `err`, with `path` set when it is a disk failure that does not say which file (a failed write()). */
export function withPath(err: unknown, path: string): unknown {
  const e = err as NodeJS.ErrnoException;
  if (err instanceof Error && typeof e.code === "string" && FS_FAILURES[e.code] && e.path === undefined) e.path = path;
  return err;
}
