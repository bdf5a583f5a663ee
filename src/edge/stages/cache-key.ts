// docs/edge.md §6: the cache key is the distribution, the path, and the headers, cookies and
// query strings the behavior selects (header names case-insensitive; query strings in the
// viewer's order, names and values case-sensitive). The same selection decides what reaches the
// origin (§7.1), so both are built here from one helper.
import type { IncomingHttpHeaders } from "node:http";
import type { CompiledBehavior, ValueSelector } from "../compile.ts";

export function selects(sel: ValueSelector, name: string): boolean {
  switch (sel.behavior) {
    case "all":
      return true;
    case "none":
      return false;
    case "whitelist":
      return sel.names.has(name);
    case "allExcept":
      return !sel.names.has(name);
  }
}

/** The query string reduced to the selected parameters, in the viewer's order. */
export function selectQuery(rawQuery: string, sel: ValueSelector): string {
  if (sel.behavior === "none" || rawQuery === "") return "";
  if (sel.behavior === "all") return rawQuery;
  return rawQuery
    .split("&")
    .filter((pair) => {
      const eq = pair.indexOf("=");
      const raw = eq < 0 ? pair : pair.slice(0, eq);
      let name = raw;
      try {
        name = decodeURIComponent(raw.replace(/\+/g, " "));
      } catch {
        // keep the raw name
      }
      return pair !== "" && selects(sel, name);
    })
    .join("&");
}

/** Selected cookies as `name=value` pairs, sorted by name (as CloudFront forwards them). */
export function selectCookies(cookieHeader: string | undefined, sel: ValueSelector): string[] {
  if (!cookieHeader || sel.behavior === "none") return [];
  return cookieHeader
    .split(";")
    .map((c) => c.trim())
    .filter((c) => {
      const eq = c.indexOf("=");
      return c !== "" && selects(sel, eq < 0 ? c : c.slice(0, eq));
    })
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

export interface KeyInput {
  readonly distributionId: string;
  readonly method: string;
  readonly path: string;
  readonly rawQuery: string;
  readonly headers: IncomingHttpHeaders;
}

/**
 * The cache key as one string. OPTIONS responses get their own key (docs/edge.md §6.1); GET and HEAD share
 * one. The path part (before the first NUL) is what invalidations match against.
 */
export function buildCacheKey(input: KeyInput, key: { headers: ValueSelector; cookies: ValueSelector; query: ValueSelector }): string {
  const query = selectQuery(input.rawQuery, key.query);
  let out = `${input.path}${query ? "?" + query : ""}\u0000${input.method === "OPTIONS" ? "OPTIONS" : ""}`;
  if (key.headers.behavior !== "none") {
    const names = Object.keys(input.headers).filter((n) => selects(key.headers, n)).sort();
    for (const n of names) out += `\u0000h:${n}=${String(input.headers[n])}`;
  }
  for (const c of selectCookies(input.headers.cookie, key.cookies)) out += `\u0000c:${c}`;
  return out;
}

/** The invalidation path of a cache key: path plus the query in the key (docs/edge.md §15). */
export function keyPath(cacheKey: string): string {
  const i = cacheKey.indexOf("\u0000");
  return i < 0 ? cacheKey : cacheKey.slice(0, i);
}

/** A request's cache key on a behavior, with the normalized Accept-Encoding when a coding is enabled (docs/edge.md §6.2). */
export function edgeCacheKey(distributionId: string, behavior: CompiledBehavior, method: string, path: string, rawQuery: string, headers: IncomingHttpHeaders, acceptEncoding: string | undefined): string {
  const base = buildCacheKey({ distributionId, method, path, rawQuery, headers }, behavior.key);
  return acceptEncoding === undefined ? base : `${base}\u0000ae:${acceptEncoding}`;
}
