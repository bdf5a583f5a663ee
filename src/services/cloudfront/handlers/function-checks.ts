// What CloudFront Functions and connection functions check alike (handlers/functions.ts,
// handlers/connection-functions.ts): the stage parameter, a FunctionConfig's comment and
// KeyValueStore association, the code's size and encoding, and listing both stages.
import type { FunctionConfig } from "@aws-sdk/client-cloudfront";
import { fail } from "../../../api/errors.ts";
import type { CloudFrontState } from "../state.ts";
import { messages } from "../messages.ts";
import { MAX_FUNCTION_CODE_BYTES } from "../../../functions/types.ts";

export type Stage = "DEVELOPMENT" | "LIVE";

const STAGES: readonly string[] = ["DEVELOPMENT", "LIVE"];
/** FunctionConfig.Comment: 128 characters, as for the other CloudFront resources. */
const MAX_COMMENT = 128;
/** docs/functions.md §1/§3: one KeyValueStore per function. */
const MAX_KEY_VALUE_STORES = 1;

/** DEVELOPMENT when Stage is omitted (docs/control-plane.md §3: the DescribeFunction default). */
export function stageOf(stage: string | undefined): Stage {
  if (stage === undefined) return "DEVELOPMENT";
  if (!STAGES.includes(stage)) fail("InvalidArgument", `Stage must be DEVELOPMENT or LIVE, not ${stage}.`);
  return stage as Stage;
}

/** The config as stored, once its runtime is one of `runtimes` and its comment and KVS association are valid. */
export function checkFunctionConfig(config: FunctionConfig | undefined, state: CloudFrontState, runtimes: readonly string[], badRuntime: (runtime: string) => string): FunctionConfig {
  const runtime = config?.Runtime ?? "";
  if (!runtimes.includes(runtime)) fail("InvalidArgument", badRuntime(runtime));
  const comment = config?.Comment ?? "";
  if (comment.length > MAX_COMMENT) fail("InvalidArgument", messages.functionCommentTooLong(MAX_COMMENT));
  const stores = config?.KeyValueStoreAssociations?.Items ?? [];
  if (stores.length > MAX_KEY_VALUE_STORES) fail("InvalidArgument", messages.functionTooManyKeyValueStores(MAX_KEY_VALUE_STORES));
  for (const s of stores) {
    const arn = s.KeyValueStoreARN ?? "";
    if (!state.keyValueStores.exists(arn)) fail("EntityNotFound", messages.noSuchKeyValueStore(arn));
  }
  return {
    Comment: comment,
    Runtime: runtime as FunctionConfig["Runtime"],
    ...(config?.KeyValueStoreAssociations ? { KeyValueStoreAssociations: config.KeyValueStoreAssociations } : {}),
  };
}

/** The code as text: not empty, at most 10 KB (docs/functions.md §3, else `tooLarge`), UTF-8. */
export function decodeFunctionCode(code: Uint8Array | undefined, tooLarge: string): string {
  const bytes = code ?? new Uint8Array();
  if (bytes.length === 0) fail("InvalidArgument", messages.functionCodeEmpty());
  if (bytes.length > MAX_FUNCTION_CODE_BYTES) fail(tooLarge, messages.functionCodeTooLarge(MAX_FUNCTION_CODE_BYTES));
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    fail("InvalidArgument", messages.functionCodeNotUtf8());
  }
}

/** Each record once per stage it has, or only the stage asked for (List… operations). */
export function stageEntries<R extends { readonly live?: unknown }>(records: readonly R[], stage: string | undefined): Array<{ rec: R; stage: Stage }> {
  if (stage !== undefined) stageOf(stage);
  const entries: Array<{ rec: R; stage: Stage }> = [];
  for (const rec of records) {
    if (stage === undefined || stage === "DEVELOPMENT") entries.push({ rec, stage: "DEVELOPMENT" });
    if ((stage === undefined || stage === "LIVE") && rec.live) entries.push({ rec, stage: "LIVE" });
  }
  return entries;
}
