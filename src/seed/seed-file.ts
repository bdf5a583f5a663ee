// The seed file (`--init minifront.json`): what resources minifront makes exist at start, by name.
// This module reads and checks the file and resolves `${kind:name}` references; apply-seed.ts
// creates the resources. The format is minifront's own (README "A seed file"); the shapes inside
// it (bucket policies, DistributionConfig, OriginAccessControlConfig) are AWS's, as the SDKs and
// the aws CLI's JSON take them, except that list Quantity fields may be left out.
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { EmulatorError } from "../errors.ts";

export interface SeedObject {
  /** The object's body as text... */
  readonly text?: string;
  /** ...or a file's bytes (relative to the seed file). */
  readonly file?: string;
  /** Default: guessed from the key's extension, as `aws s3 cp` does. */
  readonly contentType?: string;
}

export interface SeedBucket {
  /** A bucket policy document (may reference distributions). */
  readonly policy?: unknown;
  /** Key → object. */
  readonly objects?: Readonly<Record<string, SeedObject>>;
}

export interface SeedKeyValueStore {
  readonly comment?: string;
  /** Key → value, put when missing or different (other keys are left alone). */
  readonly keys?: Readonly<Record<string, string>>;
}

export interface SeedFunction {
  /** The function's code file (relative to the seed file). */
  readonly file: string;
  /** Default cloudfront-js-2.0. */
  readonly runtime?: string;
  readonly comment?: string;
  /** Names of key value stores (in this file) to associate. */
  readonly keyValueStores?: readonly string[];
}

export interface SeedFile {
  readonly buckets?: Readonly<Record<string, SeedBucket>>;
  readonly keyValueStores?: Readonly<Record<string, SeedKeyValueStore>>;
  readonly functions?: Readonly<Record<string, SeedFunction>>;
  /** Name → OriginAccessControlConfig without its Name (defaults: sigv4, always, s3). */
  readonly originAccessControls?: Readonly<Record<string, Record<string, unknown>>>;
  /** Name → DistributionConfig (CallerReference defaults to `minifront-init:<name>`). */
  readonly distributions?: Readonly<Record<string, Record<string, unknown>>>;
}

const SECTIONS = ["buckets", "keyValueStores", "functions", "originAccessControls", "distributions"];

/** Reads and checks a seed file; relative paths in it are relative to its folder. */
export function readSeedFile(path: string): { readonly seed: SeedFile; readonly baseDir: string } {
  let seed: unknown;
  try {
    seed = JSON.parse(readFileSync(path, "utf8"));
  } catch (err) {
    throw new EmulatorError("ERR_CONFIG", `cannot read the seed file ${path}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const fail = (what: string): never => {
    throw new EmulatorError("ERR_CONFIG", `seed file ${path}: ${what}`);
  };
  if (!isRecord(seed)) return fail("must be a JSON object");
  for (const key of Object.keys(seed)) if (key !== "$schema" && !SECTIONS.includes(key)) fail(`unknown section "${key}" (known: ${SECTIONS.join(", ")})`);
  for (const section of SECTIONS) if (seed[section] !== undefined && !isRecord(seed[section])) fail(`"${section}" must be an object of name → definition`);
  const s = seed as SeedFile;
  for (const [bucket, def] of Object.entries(s.buckets ?? {})) {
    for (const [key, o] of Object.entries(def.objects ?? {})) {
      if (!isRecord(o) || (typeof o.text === "string") === (typeof o.file === "string")) fail(`object ${bucket}/${key} needs either "text" or "file"`);
    }
  }
  for (const [name, def] of Object.entries(s.functions ?? {})) if (typeof def.file !== "string") fail(`function ${name} needs "file" (its code)`);
  for (const [name, def] of Object.entries(s.keyValueStores ?? {})) {
    if (def.keys !== undefined && (!isRecord(def.keys) || !Object.values(def.keys).every((v) => typeof v === "string"))) fail(`key value store ${name}: "keys" must map keys to string values`);
  }
  return { seed: s, baseDir: dirname(resolve(path)) };
}

/** What `${kind:name}` stands for; undefined when there is no such resource. */
export type RefLookup = (kind: string, name: string) => string | undefined;

/**
 * Replaces `${kind:name}` in every string of `value` (a copy): `${bucket:b}`, `${oac:o}`,
 * `${function:f}`, `${kvs:k}`, `${distribution:d}`, `${distribution-id:d}`, and `${account}`.
 */
export function resolveRefs<T>(value: T, lookup: RefLookup, where: string): T {
  if (typeof value === "string") {
    return value.replace(/\$\{([a-z-]+)(?::([^}]+))?\}/g, (whole, kind: string, name: string | undefined) => {
      const out = lookup(kind, name ?? "");
      if (out === undefined) throw new EmulatorError("ERR_CONFIG", `seed file, ${where}: ${whole} names nothing declared in the file`);
      return out;
    }) as T;
  }
  if (Array.isArray(value)) return value.map((v) => resolveRefs(v, lookup, where)) as T;
  if (isRecord(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveRefs(v, lookup, where)])) as T;
  return value;
}

/** Adds `Quantity` beside every `Items` list that has none, as the CloudFront API requires it. */
export function fillQuantities<T>(value: T): T {
  if (Array.isArray(value)) return value.map(fillQuantities) as T;
  if (!isRecord(value)) return value;
  const out: Record<string, unknown> = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fillQuantities(v)]));
  if (Array.isArray(out.Items) && out.Quantity === undefined) out.Quantity = out.Items.length;
  return out as T;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
