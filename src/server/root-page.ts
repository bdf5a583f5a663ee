// What a browser gets at the endpoint's root, `http://localhost:4566/` (issue 16 "The first hour"):
// a small page saying what runs here, the distributions with links, the endpoints and the
// dashboard, instead of the embedded S3's AccessDenied XML. Only a request a browser would send
// gets it: GET or HEAD of `/` on the endpoint's own host (not a virtual-hosted bucket), without
// credentials or a query, asking for `text/html`. Anything else keeps S3's answer: a signed
// `GET /` is ListBuckets, and an unsigned one from a tool (curl sends `Accept: */*`, the SDKs
// sign) is S3's anonymous ListBuckets, which --s3-access decides as for any anonymous request.
import type { IncomingHttpHeaders } from "node:http";
import { bucketFromHost } from "../services/s3/router.ts";
import type { DistributionRecord } from "../services/cloudfront/state.ts";
import { hostWithoutPort } from "./classify.ts";

export interface RootPageRequest {
  readonly method: string;
  readonly path: string;
  readonly rawQuery: string;
  readonly host: string;
  readonly headers: IncomingHttpHeaders;
}

/** True for a browser opening the endpoint's root; see the header for what is left to S3. */
export function wantsRootPage(req: RootPageRequest): boolean {
  if ((req.method !== "GET" && req.method !== "HEAD") || req.path !== "/" || req.rawQuery !== "") return false;
  if (req.headers.authorization !== undefined) return false;
  if (!(req.headers.accept ?? "").includes("text/html")) return false;
  return bucketFromHost(hostWithoutPort(req.host)) === undefined;
}

export interface RootPageInfo {
  readonly version: string;
  /** The Host the browser used (links keep its port). */
  readonly host: string;
  readonly secure: boolean;
  readonly distributions: readonly DistributionRecord[];
}

/** The page: plain HTML, no scripts, nothing cached. */
export function rootPage(info: RootPageInfo): { status: number; headers: Record<string, string>; body: string } {
  const scheme = info.secure ? "https" : "http";
  const base = `${scheme}://${info.host}`;
  const port = /:(\d+)$/.exec(info.host)?.[1];
  const rows = info.distributions.map((d) => {
    const url = `${scheme}://${d.DomainName}${port !== undefined ? `:${port}` : ""}/`;
    const aliases = d.config.Aliases?.Items ?? [];
    const comment = typeof d.config.Comment === "string" ? d.config.Comment : "";
    return `<tr><td><code>${esc(d.Id)}</code></td><td><a href="${esc(url)}">${esc(url)}</a>${aliases.length > 0 ? `<br>aliases: ${aliases.map(esc).join(", ")}` : ""}</td><td>${d.config.Enabled ? "enabled" : "disabled"}</td><td>${esc(comment)}</td></tr>`;
  });
  const body = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>minifront ${esc(info.version)}</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}table{border-collapse:collapse}td,th{border-bottom:1px solid #ddd;padding:.3rem .8rem;text-align:left;vertical-align:top}code{font-size:90%}</style>
</head><body>
<h1>minifront ${esc(info.version)}</h1>
<p>A local AWS CloudFront: the CloudFront API, an embedded S3 and a caching edge on this port.
<a href="/_minifront/ui">Dashboard</a></p>
<h2>Distributions (${info.distributions.length})</h2>
${rows.length > 0 ? `<table><tr><th>Id</th><th>URL</th><th>State</th><th>Comment</th></tr>\n${rows.join("\n")}\n</table>` : `<p>None yet. Create one with <code>aws --endpoint-url ${esc(base)} cloudfront create-distribution --distribution-config file://dist.json</code>.</p>`}
<h2>Endpoints</h2>
<ul>
<li>CloudFront API, S3, Lambda, IAM, STS: <code>${esc(base)}</code> (<code>aws --endpoint-url ${esc(base)} ...</code>, or <code>AWS_ENDPOINT_URL=${esc(base)}</code>)</li>
<li>Distributions: <code>${scheme}://&lt;id&gt;.&lt;domain suffix&gt;${port !== undefined ? `:${port}` : ""}/</code></li>
<li><a href="/_minifront/health">/_minifront/health</a>, <a href="/_minifront/metrics">/_minifront/metrics</a></li>
</ul>
</body></html>
`;
  return { status: 200, headers: { "Content-Type": "text/html; charset=utf-8", "Content-Length": String(Buffer.byteLength(body)), "Cache-Control": "no-store" }, body };
}

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
