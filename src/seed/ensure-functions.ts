// Find-or-create for CloudFront Functions and KeyValueStores through the CloudFront and
// KeyValueStore APIs (the seed file's two code-bearing resources). A function whose code, runtime
// or store associations differ from the file's is updated and published again; a store gets the
// keys that are missing or different (keys it has beyond the file's are left alone).
import {
  CreateFunctionCommand,
  CreateKeyValueStoreCommand,
  DescribeFunctionCommand,
  DescribeKeyValueStoreCommand,
  GetFunctionCommand,
  PublishFunctionCommand,
  UpdateFunctionCommand,
  type FunctionConfig,
  type FunctionRuntime,
} from "@aws-sdk/client-cloudfront";
import { DescribeKeyValueStoreCommand as DescribeStoreKeysCommand, paginateListKeys, UpdateKeysCommand } from "@aws-sdk/client-cloudfront-keyvaluestore";
import type { AwsClients } from "../serve/aws-clients.ts";
import type { Ensured } from "../serve/ensure.ts";

/** The store's ARN; created when missing, then given the keys it lacks or holds otherwise. */
export async function ensureKeyValueStore(aws: AwsClients, name: string, comment: string | undefined, keys: Readonly<Record<string, string>>): Promise<Ensured<string>> {
  let arn: string;
  let changed = false;
  try {
    arn = (await aws.cloudfront.send(new DescribeKeyValueStoreCommand({ Name: name }))).KeyValueStore?.ARN as string;
  } catch (err) {
    if ((err as Error).name !== "EntityNotFound") throw err;
    arn = (await aws.cloudfront.send(new CreateKeyValueStoreCommand({ Name: name, ...(comment !== undefined ? { Comment: comment } : {}) }))).KeyValueStore?.ARN as string;
    changed = true;
  }
  const have = new Map<string, string>();
  for await (const page of paginateListKeys({ client: aws.kvs() }, { KvsARN: arn })) for (const item of page.Items ?? []) have.set(item.Key as string, item.Value as string);
  const puts = Object.entries(keys).filter(([k, v]) => have.get(k) !== v);
  // UpdateKeys takes at most 50 puts and deletes per call (CloudFront KeyValueStore API Reference).
  for (let i = 0; i < puts.length; i += 50) {
    const { ETag } = await aws.kvs().send(new DescribeStoreKeysCommand({ KvsARN: arn }));
    await aws.kvs().send(new UpdateKeysCommand({ KvsARN: arn, IfMatch: ETag, Puts: puts.slice(i, i + 50).map(([Key, Value]) => ({ Key, Value })) }));
  }
  return { value: arn, changed: changed || puts.length > 0 };
}

export interface FunctionSpec {
  readonly name: string;
  readonly code: Buffer;
  readonly runtime: string;
  readonly comment: string;
  readonly keyValueStoreArns: readonly string[];
}

/** The function's ARN; created or updated, and published, unless LIVE already runs this code and config. */
export async function ensureFunction(aws: AwsClients, spec: FunctionSpec): Promise<Ensured<string>> {
  const config: FunctionConfig = {
    Comment: spec.comment,
    Runtime: spec.runtime as FunctionRuntime,
    ...(spec.keyValueStoreArns.length > 0 ? { KeyValueStoreAssociations: { Quantity: spec.keyValueStoreArns.length, Items: spec.keyValueStoreArns.map((KeyValueStoreARN) => ({ KeyValueStoreARN })) } } : {}),
  };
  let etag: string | undefined;
  try {
    etag = (await aws.cloudfront.send(new DescribeFunctionCommand({ Name: spec.name, Stage: "DEVELOPMENT" }))).ETag;
  } catch (err) {
    if ((err as Error).name !== "NoSuchFunctionExists") throw err;
  }
  if (etag === undefined) {
    const created = await aws.cloudfront.send(new CreateFunctionCommand({ Name: spec.name, FunctionConfig: config, FunctionCode: spec.code }));
    return { value: await publish(aws, spec.name, created.ETag as string), changed: true };
  }
  const live = await liveFunction(aws, spec.name);
  if (live && live.code.equals(spec.code) && sameConfig(live.config, config)) return { value: live.arn, changed: false };
  const updated = await aws.cloudfront.send(new UpdateFunctionCommand({ Name: spec.name, IfMatch: etag, FunctionConfig: config, FunctionCode: spec.code }));
  return { value: await publish(aws, spec.name, updated.ETag as string), changed: true };
}

async function publish(aws: AwsClients, name: string, etag: string): Promise<string> {
  const out = await aws.cloudfront.send(new PublishFunctionCommand({ Name: name, IfMatch: etag }));
  return out.FunctionSummary?.FunctionMetadata?.FunctionARN as string;
}

async function liveFunction(aws: AwsClients, name: string): Promise<{ arn: string; code: Buffer; config: FunctionConfig | undefined } | undefined> {
  try {
    const described = await aws.cloudfront.send(new DescribeFunctionCommand({ Name: name, Stage: "LIVE" }));
    const got = await aws.cloudfront.send(new GetFunctionCommand({ Name: name, Stage: "LIVE" }));
    const summary = described.FunctionSummary;
    return { arn: summary?.FunctionMetadata?.FunctionARN as string, code: Buffer.from(got.FunctionCode ?? new Uint8Array()), config: summary?.FunctionConfig };
  } catch (err) {
    if ((err as Error).name === "NoSuchFunctionExists") return undefined;
    throw err;
  }
}

function sameConfig(a: FunctionConfig | undefined, b: FunctionConfig): boolean {
  const arns = (c: FunctionConfig | undefined) => (c?.KeyValueStoreAssociations?.Items ?? []).map((i) => i.KeyValueStoreARN).join(",");
  return a?.Runtime === b.Runtime && (a?.Comment ?? "") === (b.Comment ?? "") && arns(a) === arns(b);
}
