// Answers the edge makes itself, before any cache or origin: a refusal (with the distribution's
// custom error page for its status when it has one, docs/edge.md §10), a redirect, and the
// verdict on a signed URL or cookie (docs/signed-urls.md).
import type { Clock } from "../clock.ts";
import type { Logger } from "../log.ts";
import type { Exchange } from "./exchange.ts";
import type { ErrorPages } from "./error-pages.ts";
import type { Redirect, Refusal } from "./stages/viewer-checks.ts";
import { verifySignedRequest } from "./stages/signed-request.ts";
import type { ResponseHeaders } from "./stages/response-headers.ts";
import { sendError, sendGenerated, type Decorate } from "./respond.ts";
import { headerString } from "../http/headers.ts";

export interface EdgeAnswers {
  /** Answers with a refusal or redirect; a custom error page for its status may replace a refusal. */
  refuse(x: Exchange, verdict: Refusal | Redirect, decor: Decorate | undefined): Promise<void>;
  /**
   * Verifies a signed URL or cookie against the behavior's trusted keys: the query without the
   * signing parameters (they are not part of the key or the origin request), or undefined when the
   * request was refused (and answered).
   */
  checkSignature(x: Exchange, trusted: ReadonlyMap<string, string>, path: string, rawQuery: string, decor: Decorate | undefined): Promise<string | undefined>;
}

export function createEdgeAnswers(deps: { readonly clock: Clock; readonly log: Logger; readonly errorPages: ErrorPages }): EdgeAnswers {
  const { clock, log, errorPages } = deps;
  return {
    async refuse(x, verdict, decor) {
      const { req, res } = x;
      req.resume();
      if (verdict.kind === "redirect") {
        res.writeHead(verdict.status, { ...x.base, Location: verdict.location, "X-Cache": "Redirect from cloudfront", "Content-Length": "0", Server: "CloudFront" });
        return void res.end();
      }
      if (verdict.close) res.shouldKeepAlive = false;
      if (verdict.errorPage && (await errorPages.serve(x.dist, verdict.status, req, res, x.base, clock.now(), decor))) return;
      sendError(res, req.method, verdict.status, verdict.reason, x.base, decor);
    },

    async checkSignature(x, trusted, path, rawQuery, decor) {
      const { req, res } = x;
      const verdict = verifySignedRequest({
        scheme: x.protocol,
        host: req.headers.host ?? "",
        path,
        rawQuery,
        cookieHeader: headerString(req.headers.cookie),
        viewerIp: x.viewerIp,
        now: clock.now(),
        publicKey: (keyId) => trusted.get(keyId),
      });
      if (verdict.ok) return verdict.source === "url" ? verdict.query : rawQuery;
      req.resume();
      log.debug(`edge ${x.dist.id} ${x.method} ${path}: signed request refused: ${verdict.reason}`);
      if (await errorPages.serve(x.dist, 403, req, res, x.base, clock.now(), decor)) return undefined;
      const shown: ResponseHeaders = { server: "CloudFront", "content-type": verdict.contentType, "content-length": String(Buffer.byteLength(verdict.body)) };
      decor?.(shown, "miss");
      sendGenerated(res, x.method, 403, undefined, shown, x.base, "Error from cloudfront", Buffer.from(verdict.body));
      return undefined;
    },
  };
}
