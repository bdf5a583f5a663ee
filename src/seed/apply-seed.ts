// Applies a seed file (seed-file.ts) to a listening minifront through its AWS APIs, in dependency
// order: buckets and objects, key value stores, functions, origin access controls,
// distributions, then bucket policies (which may name the distributions). Idempotent: what exists
// as declared is left alone, so a second start on persisted state changes nothing and says so.
// An existing distribution is never updated (its configuration may have been changed through the
// API on purpose); objects, policies, functions and keys are brought back to the file's.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { DistributionConfig, OriginAccessControlConfig } from "@aws-sdk/client-cloudfront";
import { EmulatorError } from "../errors.ts";
import { awsClients } from "../serve/aws-clients.ts";
import { contentTypeFor } from "../serve/content-types.ts";
import { ensureBucket, ensureBucketPolicy, ensureDistribution, ensureObject, ensureOriginAccessControl, type Ensured } from "../serve/ensure.ts";
import { ensureFunction, ensureKeyValueStore } from "./ensure-functions.ts";
import { fillQuantities, readSeedFile, resolveRefs, type RefLookup } from "./seed-file.ts";

export interface SeedReport {
  /** What was created or changed, one entry per resource (`bucket assets`, `object assets/index.html`). */
  readonly changed: readonly string[];
  /** How many resources were already as declared. */
  readonly unchanged: number;
}

/** Applies the seed file at `path` to the emulator at `endpoint`. */
export async function applySeedFile(path: string, endpoint: string, accountId: string): Promise<SeedReport> {
  const { seed, baseDir } = readSeedFile(path);
  const aws = awsClients(endpoint);
  const changed: string[] = [];
  let unchanged = 0;
  const note = <T>(what: string, result: Ensured<T>): T => {
    if (result.changed) changed.push(what);
    else unchanged++;
    return result.value;
  };
  const refs = new Map<string, string>([["account:", accountId]]);
  const lookup: RefLookup = (kind, name) => refs.get(`${kind}:${name}`);
  const readLocal = (file: string, what: string): Buffer => {
    try {
      return readFileSync(resolve(baseDir, file));
    } catch (err) {
      throw new EmulatorError("ERR_CONFIG", `seed file ${path}, ${what}: cannot read ${file}: ${err instanceof Error ? err.message : String(err)}`);
    }
  };
  try {
    for (const [bucket, def] of Object.entries(seed.buckets ?? {})) {
      note(`bucket ${bucket}`, await step(`bucket ${bucket}`, () => ensureBucket(aws, bucket)));
      refs.set(`bucket:${bucket}`, `${bucket}.s3.us-east-1.amazonaws.com`);
      for (const [key, o] of Object.entries(def.objects ?? {})) {
        const body = o.file !== undefined ? readLocal(o.file, `object ${bucket}/${key}`) : Buffer.from(o.text ?? "");
        note(`object ${bucket}/${key}`, await step(`object ${bucket}/${key}`, () => ensureObject(aws, bucket, key, body, o.contentType ?? contentTypeFor(key))));
      }
    }
    for (const [name, def] of Object.entries(seed.keyValueStores ?? {})) {
      refs.set(`kvs:${name}`, note(`key value store ${name}`, await step(`key value store ${name}`, () => ensureKeyValueStore(aws, name, def.comment, def.keys ?? {}))));
    }
    for (const [name, def] of Object.entries(seed.functions ?? {})) {
      const keyValueStoreArns = (def.keyValueStores ?? []).map((store) => lookup("kvs", store) ?? fail(`function ${name}: no key value store ${store} in the file`));
      const spec = { name, code: readLocal(def.file, `function ${name}`), runtime: def.runtime ?? "cloudfront-js-2.0", comment: def.comment ?? "", keyValueStoreArns };
      refs.set(`function:${name}`, note(`function ${name}`, await step(`function ${name}`, () => ensureFunction(aws, spec))));
    }
    for (const [name, def] of Object.entries(seed.originAccessControls ?? {})) {
      const config = { SigningProtocol: "sigv4", SigningBehavior: "always", OriginAccessControlOriginType: "s3", ...resolveRefs(def, lookup, `origin access control ${name}`), Name: name } as OriginAccessControlConfig;
      refs.set(`oac:${name}`, note(`origin access control ${name}`, await step(`origin access control ${name}`, () => ensureOriginAccessControl(aws, config))));
    }
    for (const [name, def] of Object.entries(seed.distributions ?? {})) {
      const config = fillQuantities({ CallerReference: `minifront-init:${name}`, Comment: "", ...resolveRefs(def, lookup, `distribution ${name}`) }) as DistributionConfig;
      const d = note(`distribution ${name}`, await step(`distribution ${name}`, () => ensureDistribution(aws, config)));
      refs.set(`distribution:${name}`, d.ARN);
      refs.set(`distribution-id:${name}`, d.Id);
      refs.set(`distribution-domain:${name}`, d.DomainName);
    }
    for (const [bucket, def] of Object.entries(seed.buckets ?? {})) {
      if (def.policy === undefined) continue;
      const policy = resolveRefs(def.policy, lookup, `bucket ${bucket} policy`);
      note(`policy of bucket ${bucket}`, await step(`policy of bucket ${bucket}`, () => ensureBucketPolicy(aws, bucket, policy)));
    }
  } finally {
    aws.destroy();
  }
  return { changed, unchanged };

  function fail(what: string): never {
    throw new EmulatorError("ERR_CONFIG", `seed file ${path}, ${what}`);
  }
  /** Runs one API step; an AWS error becomes a user error naming the resource. */
  async function step<T>(what: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (err) {
      if (err instanceof EmulatorError) throw err;
      const e = err as Error;
      return fail(`${what}: ${e.name}: ${e.message}`);
    }
  }
}

/** The one line a start prints about the seed file. */
export function seedSummary(path: string, report: SeedReport): string {
  if (report.changed.length === 0) return `seed ${path}: nothing to change (${report.unchanged} resources as declared)`;
  const shown = report.changed.length <= 10 ? report.changed.join(", ") : `${report.changed.slice(0, 10).join(", ")} and ${report.changed.length - 10} more`;
  return `seed ${path}: created or updated ${shown}; ${report.unchanged} already as declared`;
}
