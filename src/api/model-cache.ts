// The schemas of an AWS SDK client package, kept in a small JSON file so that start-up does not
// load the package itself. Requiring `@aws-sdk/client-cloudfront` to read its schemas also runs its
// client runtime (credential providers, the HTTP/1 and HTTP/2 handlers, endpoint rules): about 60 ms
// of CPU and 18 MB of memory that the emulator never uses (bench/startup-bench.ts).
//
// What is cached: the operation and error tuples model.ts reads (loadServiceModel) and every schema
// they reach, as a table in which lazy references (`() => Shape$`) become indices. The cache is
// keyed by the package's exact version and by CACHE_FORMAT, and lives beside Node's own compile
// cache in the OS temp directory. Any failure to read or write it falls back to loading the
// package, which is what a cache miss does anyway; the first start after an upgrade pays once.
// model-cache.test.ts checks that a model built from the cache equals one built from the package.
import { mkdirSync, readFileSync, renameSync, statSync, unlink, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Bump when the encoding below changes: files of another format are ignored. */
const CACHE_FORMAT = 1;
// Schema tuples as emitted by the SDK's code generator (model.ts): kind 9 operation, -3 error.
const OPERATION_KIND = 9;
const ERROR_KIND = -3;

const require = createRequire(import.meta.url);

/** Where schema caches go unless told otherwise: per user, under the OS temp directory. */
export function defaultModelCacheDir(): string {
  return join(tmpdir(), `minifront-${process.getuid?.() ?? "user"}`, "models");
}

/**
 * The operation and error schemas of an SDK client package, keyed by their export names, as
 * `loadServiceModel` takes them: from the cache when it holds this version of the package, else
 * from the package itself (and then written to the cache).
 */
export function sdkSchemas(sdkPackage: string, cacheDir = defaultModelCacheDir()): Record<string, unknown> {
  const version = (JSON.parse(readFileSync(require.resolve(`${sdkPackage}/package.json`), "utf8")) as { version: string }).version;
  const file = join(cacheDir, `${sdkPackage.replace(/[^a-zA-Z0-9.-]+/g, "+")}@${version}.v${CACHE_FORMAT}.json`);
  const cached = readCache(file);
  if (cached) return cached;
  const schemas = modelSchemas(require(sdkPackage) as Record<string, unknown>);
  writeCache(file, schemas);
  return schemas;
}

/** The exports loadServiceModel looks at: operation and error tuples. */
function modelSchemas(sdkExports: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(sdkExports)) {
    if (Array.isArray(value) && (value[0] === OPERATION_KIND || value[0] === ERROR_KIND)) out[name] = value;
  }
  return out;
}

// The encoding: `table` holds every schema tuple that is exported or reached through a function;
// inside it, `{ "$": i }` stands for table[i] itself and `{ "$f": x }` for `() => x`. Other
// arrays and trait objects are written inline. Anything JSON cannot carry makes encoding fail.
interface CacheFile {
  readonly format: number;
  readonly table: unknown[];
  readonly exports: Record<string, number>;
}

type Ref = { $: number } | { $f: unknown };

/** Encodes the schema graph (exported for the test). */
export function encodeSchemas(schemas: Record<string, unknown>): CacheFile {
  const ids = new Map<unknown[], number>();
  const table: unknown[] = [];
  const pending: unknown[][] = [];
  const idOf = (tuple: unknown[]): number => {
    let id = ids.get(tuple);
    if (id === undefined) {
      id = ids.size;
      ids.set(tuple, id);
      pending.push(tuple);
    }
    return id;
  };
  const encode = (value: unknown): unknown => {
    if (value === null || typeof value === "string" || typeof value === "boolean" || (typeof value === "number" && Number.isFinite(value))) return value;
    if (typeof value === "function") {
      // A lazy reference: to a schema tuple (tabled, since it may close a cycle) or to a value.
      const target: unknown = (value as () => unknown)();
      return { $f: Array.isArray(target) ? ({ $: idOf(target) } satisfies Ref) : encode(target) } satisfies Ref;
    }
    if (Array.isArray(value)) return ids.has(value) ? ({ $: idOf(value) } satisfies Ref) : value.map(encode);
    if (typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) {
        if (k === "$" || k === "$f") throw new Error(`a trait named ${k}`);
        out[k] = encode(v);
      }
      return out;
    }
    throw new Error(`a schema value of type ${typeof value}`);
  };
  const exports: Record<string, number> = {};
  for (const [name, tuple] of Object.entries(schemas)) exports[name] = idOf(tuple as unknown[]);
  for (let i = 0; i < pending.length; i++) table[i] = (pending[i] as unknown[]).map(encode);
  return { format: CACHE_FORMAT, table, exports };
}

/**
 * Rebuilds the tuples from an encoded file (exported for the test). A tuple is decoded when first
 * reached, so start-up decodes the operations and errors and each shape waits for its first use.
 */
export function decodeSchemas(file: CacheFile): Record<string, unknown> {
  if (file.format !== CACHE_FORMAT) throw new Error(`cache format ${file.format}`);
  const tuples: Array<unknown[] | undefined> = [];
  const tupleAt = (i: number): unknown[] => {
    let tuple = tuples[i];
    if (tuple === undefined) {
      const encoded = file.table[i];
      if (!Array.isArray(encoded)) throw new Error(`no schema ${i}`);
      // Stored before its members are decoded, so that a reference back to it finds it.
      tuples[i] = tuple = [];
      for (const member of encoded) tuple.push(decode(member));
    }
    return tuple;
  };
  const decode = (value: unknown): unknown => {
    if (value === null || typeof value !== "object") return value;
    if (Array.isArray(value)) return value.map(decode);
    const ref = value as { $?: number; $f?: unknown };
    if (typeof ref.$ === "number") return tupleAt(ref.$);
    if ("$f" in ref) {
      const target = ref.$f as { $?: unknown } | null;
      if (typeof target === "object" && target !== null && typeof target.$ === "number") {
        const i = target.$;
        return () => tupleAt(i);
      }
      const decoded = decode(target);
      return () => decoded;
    }
    const out: Record<string, unknown> = {};
    for (const k in value) out[k] = decode((value as Record<string, unknown>)[k]);
    return out;
  };
  const out: Record<string, unknown> = {};
  for (const name in file.exports) out[name] = tupleAt(file.exports[name] as number);
  return out;
}

function readCache(file: string): Record<string, unknown> | undefined {
  try {
    // The temp directory is shared: a file that another user put there is not read.
    if (process.getuid && statSync(file).uid !== process.getuid()) return undefined;
    const parsed = JSON.parse(readFileSync(file, "utf8")) as CacheFile;
    if (!Array.isArray(parsed.table) || !Object.values(parsed.exports).every((i) => i < parsed.table.length)) return undefined;
    return decodeSchemas(parsed);
  } catch {
    // Missing, unreadable, half-written by a crash or of another format: read the package.
    return undefined;
  }
}

function writeCache(file: string, schemas: Record<string, unknown>): void {
  // Temp file + rename: a concurrent start reads either no file or a whole one.
  const temp = `${file}.${process.pid}.tmp`;
  try {
    mkdirSync(join(file, ".."), { recursive: true, mode: 0o700 });
    writeFileSync(temp, JSON.stringify(encodeSchemas(schemas)));
    renameSync(temp, file);
  } catch {
    // A read-only temp directory, a full disk or a schema this encoding cannot carry: start
    // without a cache (and without a half-written temp file, if there is one).
    unlink(temp, () => undefined);
  }
}
