// Raw AWS API requests for the end-to-end suites: a body of our choosing (malformed on purpose),
// signed with SigV4 as an SDK signs it (the test credentials, @smithy/signature-v4), sent over a
// keep-alive connection. For what the SDK clients refuse to send: broken XML, invalid UTF-8.
import { request, Agent } from "node:http";
import { createHash } from "node:crypto";
import { SignatureV4 } from "@smithy/signature-v4";
import { NodeSha256 } from "../../src/api/node-sha256.ts";
import { CREDENTIALS } from "./emulator.ts";

export interface RawRequest {
  readonly method: string;
  /** The path as sent, percent-encoded where needed. */
  readonly path: string;
  readonly query?: Readonly<Record<string, string>>;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: Uint8Array | string;
}

export interface RawResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: Buffer;
}

export interface RawAwsClient {
  send(req: RawRequest): Promise<RawResponse>;
  /** Closes the kept-alive connections. */
  close(): void;
}

/** A client for one endpoint (`http://127.0.0.1:<port>`) and one service (`cloudfront`, `s3`). */
export function rawAwsClient(endpoint: string, service: "cloudfront" | "s3", region = "us-east-1"): RawAwsClient {
  const url = new URL(endpoint);
  const agent = new Agent({ keepAlive: true, maxSockets: 4 });
  const signer = new SignatureV4({ credentials: CREDENTIALS, region, service, sha256: NodeSha256, uriEscapePath: service !== "s3", applyChecksum: false });
  return {
    async send(req) {
      const body = req.body === undefined ? Buffer.alloc(0) : Buffer.from(req.body);
      const headers: Record<string, string> = {
        ...req.headers,
        host: url.host,
        "content-length": String(body.length),
        // S3 wants the payload hash on every header-signed request.
        "x-amz-content-sha256": createHash("sha256").update(body).digest("hex"),
      };
      const signed = await signer.sign({
        method: req.method,
        protocol: url.protocol,
        hostname: url.hostname,
        port: Number(url.port),
        path: req.path,
        query: { ...req.query },
        headers,
        body,
      });
      // A key without a value (`?tagging`, `?WithTags`) is sent bare, as the SDKs send it.
      const search = Object.entries(req.query ?? {})
        .map(([k, v]) => encodeURIComponent(k) + (v === "" ? "" : `=${encodeURIComponent(v)}`))
        .join("&");
      return new Promise<RawResponse>((resolve, reject) => {
        const out = request(
          { agent, host: url.hostname, port: url.port, method: req.method, path: req.path + (search ? `?${search}` : ""), headers: signed.headers },
          (res) => {
            const chunks: Buffer[] = [];
            res.on("data", (c: Buffer) => chunks.push(c));
            res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
            res.on("error", reject);
          },
        );
        out.on("error", reject);
        out.end(body);
      });
    },
    close() {
      agent.destroy();
    },
  };
}
