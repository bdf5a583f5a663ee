// An edge worker's way to the control plane (`--workers N`): every request that is not edge
// traffic (the CloudFront API, S3, the other AWS services, minifront's own endpoints) is relayed
// as it is to the primary's loopback port. An answer to anything but GET or HEAD may have changed
// the configuration, so it is held until every worker has applied the change (ipc-change-bus.ts):
// the caller's next request, on whichever worker, sees it. GET /_minifront/workers is answered
// here: the primary's pid and its live workers', and which worker answered. A request that reads
// what the edge observed (minifront's own endpoints: metrics, the log flush, the dashboard; the
// CloudWatch API) is relayed once every worker's records have reached the primary
// (record-collector.ts), so it counts every request answered before it.
import { Agent, request, type IncomingMessage, type ServerResponse } from "node:http";
import type { WorkerInfo } from "./messages.ts";

/** Hop-by-hop headers (RFC 9110 §7.6.1): they describe one connection, not the message. */
const HOP_BY_HOP = new Set(["connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade"]);

export interface ForwardDeps {
  readonly primaryPort: number;
  /** Resolves once every worker has applied the changes made so far. */
  settled(): Promise<void>;
  /** Resolves once every worker's records so far have reached the primary's sinks. */
  collected(): Promise<void>;
  workers(): Promise<{ primary: number; workers: readonly WorkerInfo[] }>;
}

export function createForward(deps: ForwardDeps): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const agent = new Agent({ keepAlive: true });
  return async (req, res) => {
    if (req.method === "GET" && (req.url === "/_minifront/workers" || req.url === "/_minifront/workers/")) {
      req.resume();
      const body = JSON.stringify({ ...(await deps.workers()), answeredBy: process.pid });
      res.writeHead(200, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body) });
      return void res.end(body);
    }
    if (readsObservations(req)) await deps.collected();
    const upstream = await new Promise<IncomingMessage>((resolve, reject) => {
      const headers: Record<string, string | string[] | undefined> = {};
      for (const [name, value] of Object.entries(req.headers)) if (!HOP_BY_HOP.has(name)) headers[name] = value;
      const out = request({ host: "127.0.0.1", port: deps.primaryPort, method: req.method, path: req.url, headers, agent }, resolve);
      out.on("error", reject);
      req.pipe(out);
    });
    if (req.method !== "GET" && req.method !== "HEAD") {
      // Read nothing of the body yet: the primary's answer waits in the socket while the workers catch up.
      await deps.settled();
    }
    const headers: string[] = [];
    for (let i = 0; i < upstream.rawHeaders.length; i += 2) {
      const name = upstream.rawHeaders[i] as string;
      if (!HOP_BY_HOP.has(name.toLowerCase())) headers.push(name, upstream.rawHeaders[i + 1] as string);
    }
    res.writeHead(upstream.statusCode ?? 502, upstream.statusMessage, headers);
    await new Promise<void>((resolve, reject) => {
      upstream.pipe(res);
      upstream.on("error", reject);
      res.on("close", () => {
        if (!upstream.complete) upstream.destroy();
        resolve();
      });
    });
  };
}

/** SigV4's credential scope names the service: `Credential=<key>/<date>/<region>/monitoring/aws4_request`. */
const CLOUDWATCH_SCOPE = /^[^/]+\/[^/]+\/[^/]+\/monitoring\/aws4_request/;

/** minifront's own endpoints, and CloudWatch (its metrics are the edge's records): see the header. */
function readsObservations(req: IncomingMessage): boolean {
  if (req.url?.startsWith("/_minifront/")) return true;
  const auth = req.headers.authorization;
  const at = auth?.indexOf("Credential=") ?? -1;
  return auth !== undefined && at >= 0 && CLOUDWATCH_SCOPE.test(auth.slice(at + 11));
}
