/** Object paths and sizes the benchmark serves. */
export const SIZES: Record<string, number> = { "/1k": 1024, "/100k": 100 * 1024, "/1m": 1024 * 1024 };
