// The quotas of a KeyValueStore and its keys (CloudFront guide "Quotas", "Quotas on key value
// stores", and the KeyValueStore API model), and how a pair counts against the store's size.

/** quotas: "Maximum size of a key" 512 bytes. */
export const MAX_KEY_BYTES = 512;
/** quotas: "Maximum size of a value" 1 KB. */
export const MAX_VALUE_BYTES = 1024;
/** quotas: "Maximum size of a key value store" 5 MB; also the import file size limit. */
export const MAX_STORE_BYTES = 5 * 1024 * 1024;
/** quotas: "Maximum key value pairs that you can update in a single API request" 50. */
export const MAX_KEYS_PER_UPDATE = 50;
/** Model: Key length 1–1,024 characters (ValidationException before the byte quota applies). */
export const MAX_KEY_CHARS = 1024;
/** Model: ListKeys MaxResults 1–50; the default when omitted is unverified, the maximum is used. */
export const MAX_LIST_RESULTS = 50;

/** The size a pair adds to TotalSizeInBytes: UTF-8 bytes of key plus value (formula unverified). */
export function pairSize(key: string, value: string): number {
  return Buffer.byteLength(key) + Buffer.byteLength(value);
}
