// The single node:http listener: reads what each request is (classify.ts) and hands it on.
// CloudFront API bodies are read whole (they are small and must be parsed) up to a limit; the
// embedded S3 and the edge arrive with the next issues and answer here with their own error
// formats until then.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { randomUUID } from "node:crypto";
import type { ApiService, Logger } from "../api/service.ts";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { escapeXml, type ProtocolResponse } from "../api/rest-xml.ts";
import type { CloudFrontState } from "../services/cloudfront/state.ts";
import { classifyRequest, hostWithoutPort } from "./classify.ts";

export interface ServerDeps {
  readonly cloudfront: ApiService<CloudFrontState>;
  readonly cloudfrontState: () => CloudFrontState;
  readonly log: Logger;
  /** `/_minifront/*`, `/_localstack/*`, `/moto-api/*`; undefined when no such endpoint. */
  readonly internal: (method: string, path: string) => Promise<{ status: number; body: unknown } | undefined>;
}

export function createHttpServer(deps: ServerDeps): Server {
  const server = createServer({ keepAlive: true }, (req, res) => {
    handle(req, res, deps).catch((err: unknown) => {
      deps.log.error(`request failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      if (!res.headersSent) {
        res.writeHead(500, { "Content-Type": "text/plain" });
        res.end("Internal error\n");
      } else {
        res.destroy();
      }
    });
  });
  server.on("clientError", (_err, socket) => {
    if (socket.writable) socket.end("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n");
  });
  return server;
}

async function handle(req: IncomingMessage, res: ServerResponse, deps: ServerDeps): Promise<void> {
  const host = req.headers.host ?? "localhost";
  const url = new URL(req.url ?? "/", `http://${host}`);
  const traffic = classifyRequest(
    { path: url.pathname, host, authorization: req.headers.authorization, query: url.searchParams },
    (h) => deps.cloudfrontState().distributionForHost(h) !== undefined,
  );
  const method = req.method ?? "GET";
  deps.log.debug(`${method} ${host}${url.pathname}${url.search} → ${traffic}`);

  switch (traffic) {
    case "internal": {
      const result = await deps.internal(method, url.pathname);
      if (!result) return sendJson(res, 404, { error: `No minifront endpoint ${method} ${url.pathname}` });
      return sendJson(res, result.status, result.body);
    }
    case "cloudfront": {
      const out = await deps.cloudfront.handle(
        { method, url, headers: req.headers, body: req, requestId: randomUUID(), baseUrl: `http://${host}` },
        deps.cloudfrontState(),
      );
      deps.log.debug(`${out.operation ?? "?"} → ${out.status}`);
      return send(res, method, out);
    }
    case "s3":
    case "kvs":
      // S3 (issue 3) and the KeyValueStore data API (issue 5) are not served by this version.
      await drain(req);
      return sendS3StyleError(res, 501, "NotImplemented", `minifront does not serve ${traffic === "s3" ? "S3" : "the KeyValueStore data API"} requests in this version.`);
    case "edge": {
      // The caching edge is issue 4; until then a distribution's host says so plainly.
      await drain(req);
      const dist = deps.cloudfrontState().distributionForHost(hostWithoutPort(host));
      res.writeHead(502, { "Content-Type": "text/plain", "X-Cache": "Error from cloudfront" });
      res.end(`minifront knows distribution ${dist?.Id ?? ""} but does not serve edge traffic in this version.\n`);
      return;
    }
  }
}

/** Writes a protocol response; streams a Readable body, never sends one for HEAD. */
function send(res: ServerResponse, method: string, out: ProtocolResponse): void {
  res.writeHead(out.status, out.headers);
  const body = out.body;
  if (method === "HEAD") {
    if (body instanceof Readable) body.destroy();
    res.end();
  } else if (body instanceof Readable) {
    pipeline(body, res).catch(() => res.destroy());
  } else {
    res.end(body);
  }
}

async function drain(req: IncomingMessage): Promise<void> {
  for await (const _ of req) {
    // discard
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text) });
  res.end(text);
}

function sendS3StyleError(res: ServerResponse, status: number, code: string, message: string): void {
  const body = `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${escapeXml(message)}</Message><RequestId>${randomUUID()}</RequestId></Error>`;
  res.writeHead(status, { "Content-Type": "application/xml" });
  res.end(body);
}
