// The import file of CreateKeyValueStore's ImportSource, read and checked before the store exists.
import { messages } from "./messages.ts";
import { MAX_KEY_BYTES, MAX_STORE_BYTES, MAX_VALUE_BYTES } from "./key-value-limits.ts";

/**
 * Reads an import file (CloudFront guide "Create a file of key value pairs"): UTF-8 JSON
 * `{"data":[{"key":"k","value":"v"},…]}`, at most 5 MB, no duplicate keys, keys ≤ 512 and values
 * ≤ 1,024 (the page says characters; the quotas page says bytes, which is the stricter reading
 * and the one used here). Returns the pairs, or why the import fails.
 */
export function parseImportFile(bytes: Uint8Array): { items: Map<string, string> } | { failure: string } {
  if (bytes.length > MAX_STORE_BYTES) return { failure: messages.kvsImportTooLarge(MAX_STORE_BYTES) };
  let doc: unknown;
  try {
    doc = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch (err) {
    return { failure: messages.kvsImportNotJson(err instanceof Error ? err.message : String(err)) };
  }
  const data = doc !== null && typeof doc === "object" && !Array.isArray(doc) ? (doc as Record<string, unknown>)["data"] : undefined;
  if (!Array.isArray(data)) return { failure: messages.kvsImportShape() };
  const items = new Map<string, string>();
  for (const entry of data) {
    const pair = entry !== null && typeof entry === "object" ? (entry as Record<string, unknown>) : {};
    const key = pair["key"];
    const value = pair["value"];
    if (typeof key !== "string" || typeof value !== "string" || key.length === 0) return { failure: messages.kvsImportShape() };
    if (Buffer.byteLength(key) > MAX_KEY_BYTES) return { failure: messages.kvsKeyTooLarge(MAX_KEY_BYTES) };
    if (Buffer.byteLength(value) > MAX_VALUE_BYTES) return { failure: messages.kvsValueTooLarge(MAX_VALUE_BYTES) };
    if (items.has(key)) return { failure: messages.kvsImportDuplicate(key) };
    items.set(key, value);
  }
  return { items };
}
