// What a test holds: the endpoints, ready-made AWS SDK client settings, a fetch for distribution
// URLs and `reset()`, the same whether the emulator runs in the test's own process (per file) or
// was started once for the whole run by a global setup and is reached by its URL.
import type { Emulator } from "../index.ts";
import { edgeFetch, type EdgeFetch } from "./edge-fetch.ts";

/** Credentials the emulator accepts (any are accepted; these are what the examples use). */
export const TEST_CREDENTIALS = { accessKeyId: "test", secretAccessKey: "test" } as const;

/** Settings for any AWS SDK v3 client: `new CloudFrontClient(emu.clientConfig)`. */
export interface AwsClientConfig {
  readonly endpoint: string;
  readonly region: string;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
}

export interface EmulatorHandle {
  /** The CloudFront API (and every other service) endpoint. */
  readonly controlUrl: string;
  /** The embedded S3's endpoint (the same port). */
  readonly s3Url: string;
  readonly port: number;
  /** `new CloudFrontClient(emu.clientConfig)`, `new LambdaClient(...)`, ... */
  readonly clientConfig: AwsClientConfig;
  /** `new S3Client(emu.s3ClientConfig)`: path-style addressing, since bucket names do not resolve either. */
  readonly s3ClientConfig: AwsClientConfig & { readonly forcePathStyle: true };
  /** `http://<domainName>:<port><path>`: give it to `fetch` below (a browser could use it as is). */
  edgeUrlFor(domainName: string, path?: string): string;
  /** fetch for edge URLs that works where `*.localhost` does not resolve (edge-fetch.ts). */
  readonly fetch: EdgeFetch;
  /** Drops every distribution, bucket, function and cached object (POST /_minifront/reset). */
  reset(): Promise<void>;
}

/** A handle on an emulator reached by its URL, e.g. one started by a global setup. */
export function connectEmulator(url: string | undefined = process.env.MINIFRONT_URL): EmulatorHandle {
  if (!url) throw new Error("connectEmulator: no URL given and MINIFRONT_URL is not set (is the global setup configured?)");
  const base = new URL(url);
  const port = Number(base.port || 80);
  const controlUrl = base.origin;
  const clientConfig = { endpoint: controlUrl, region: "us-east-1", credentials: TEST_CREDENTIALS };
  // The address the edge listens on: the URL's host, which a test may not be able to resolve
  // only when it is a *.localhost name; `localhost` itself is taken to be the loopback address.
  const address = base.hostname === "localhost" ? "127.0.0.1" : base.hostname.replace(/^\[|\]$/g, "");
  return {
    controlUrl,
    s3Url: controlUrl,
    port,
    clientConfig,
    s3ClientConfig: { ...clientConfig, forcePathStyle: true },
    edgeUrlFor: (domainName, path = "/") => `http://${domainName}:${port}${path.startsWith("/") ? path : `/${path}`}`,
    fetch: edgeFetch(port, address),
    async reset() {
      const res = await fetch(`${controlUrl}/_minifront/reset`, { method: "POST" });
      await res.body?.cancel();
      if (!res.ok) throw new Error(`minifront reset answered ${res.status}`);
    },
  };
}

/** The handle of an emulator started in this process. */
export function handleFor(emulator: Emulator): EmulatorHandle & { readonly emulator: Emulator } {
  return { ...connectEmulator(emulator.controlUrl), emulator };
}
