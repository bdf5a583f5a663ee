// An origin's response as the edge takes it in (docs/edge.md §9, §14): which statuses are cached
// as successes, which headers the viewer and the cache keep, and reading a body of bounded size.
import type { IncomingHttpHeaders, IncomingMessage } from "node:http";
import type { CompiledBehavior } from "./compile.ts";

/** Origin statuses cached with the success TTL rules (docs/edge.md §9.2; 3xx redirects are cached, never followed). */
export const CACHEABLE_SUCCESS = new Set([200, 203, 300, 301, 302, 307, 308, 410]);
/** Never sent to the viewer as received (hop-by-hop, RFC 9110 §7.6.1). */
const HOP_BY_HOP = new Set(["connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade"]);

/** The origin's response headers as the viewer may see them and the cache keeps them. */
export function originResponseHeaders(h: IncomingHttpHeaders, behavior: CompiledBehavior): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(h)) {
    if (value === undefined || HOP_BY_HOP.has(name) || name === "via" || name === "age") continue;
    // Set-Cookie reaches the viewer only when cookies are forwarded (docs/edge.md §14).
    if (name === "set-cookie" && behavior.forward.cookies.behavior === "none") continue;
    out[name] = value;
  }
  return out;
}

/** A whole body of at most `limit` bytes; undefined when it is larger or breaks off. */
export async function readBody(res: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of res as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > limit) {
        res.destroy();
        return undefined;
      }
      chunks.push(chunk);
    }
  } catch {
    return undefined;
  }
  return Buffer.concat(chunks);
}
