// The dashboard's editors of CloudFront state, through the same state and checks the AWS APIs use:
// the KeyValueStore editor (list, put, delete keys: KeyValueStores.listKeys / write, so the
// data ETag and the size limits are the KeyValueStore API's) and the function test console
// (the TestFunction handler itself, so its result is what `aws cloudfront test-function` gives).
import type { CloudFrontState } from "../services/cloudfront/state.ts";
import { TestFunction } from "../services/cloudfront/handlers/functions.ts";
import { UiError } from "./http-io.ts";

/** Most keys one listing returns (the KeyValueStore API's own page limit is 50: pages are joined). */
const MAX_KEYS_LISTED = 1000;

export function keyValueStoresView(state: CloudFrontState): unknown[] {
  const kvs = state.keyValueStores;
  return kvs.list().map((s) => ({ name: s.Name, id: s.Id, arn: s.ARN, status: s.Status, comment: s.Comment, etag: s.dataETag, ...kvs.stats(s) }));
}

export function keysView(state: CloudFrontState, arn: string): unknown {
  const kvs = state.keyValueStores;
  const rec = kvs.mustFindByArn(arn);
  const items: Array<{ Key: string; Value: string }> = [];
  let token: string | undefined;
  do {
    const page = kvs.listKeys(arn, token, undefined);
    items.push(...page.items);
    token = page.nextToken;
  } while (token !== undefined && items.length < MAX_KEYS_LISTED);
  return { name: rec.Name, arn, etag: rec.dataETag, truncated: token !== undefined, items, ...kvs.stats(rec) };
}

/** Puts or deletes one key; `etag` is the store's data ETag the page last saw (a stale one is a conflict, as in the API). */
export function writeKey(state: CloudFrontState, arn: string, etag: string, change: { put: { Key: string; Value: string } } | { delete: string }): unknown {
  const puts = "put" in change ? [change.put] : [];
  const deletes = "delete" in change ? [{ Key: change.delete }] : [];
  const out = state.keyValueStores.write(arn, etag, puts, deletes);
  return { etag: out.ETag, ItemCount: out.ItemCount, TotalSizeInBytes: out.TotalSizeInBytes };
}

export function functionsView(state: CloudFrontState): unknown[] {
  return state.functions.list().map((f) => ({
    name: f.Name,
    runtime: f.development.config.Runtime,
    comment: f.development.config.Comment ?? "",
    status: state.functions.status(f),
    stages: { DEVELOPMENT: f.development.ETag, ...(f.live ? { LIVE: f.live.ETag } : {}) },
  }));
}

/** Runs TestFunction on the stage's current version with `event` (an event object as JSON text). */
export async function testFunction(state: CloudFrontState, name: string, stage: string, event: string): Promise<unknown> {
  const rec = state.functions.get(name) ?? missing(name);
  const s = stage === "LIVE" ? rec.live : stage === "DEVELOPMENT" ? rec.development : undefined;
  if (!s) throw new UiError(400, "NoSuchStage", `the function ${name} has no ${stage} stage`);
  const out = await TestFunction({ Name: name, Stage: stage as "LIVE" | "DEVELOPMENT", IfMatch: s.ETag, EventObject: Buffer.from(event) }, { requestId: "dashboard", baseUrl: "", service: state, headers: {} });
  return out.TestResult;
}

function missing(name: string): never {
  throw new UiError(404, "NoSuchFunctionExists", `no function named ${name}`);
}
