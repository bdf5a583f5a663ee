// Options, resolved once: explicit options (CLI flags or library caller) > MINIFRONT_* environment
// > defaults. Nothing else in the product reads process.env. Every option is documented in the
// README's reference table, which test/readme.test.ts keeps in step with OPTION_SPECS.
import { homedir } from "node:os";
import { join } from "node:path";
import { EmulatorError } from "./errors.ts";
import { LOG_FORMATS, LOG_LEVELS, type LogFormat, type LogLevel } from "./log.ts";

export interface EmulatorOptions {
  /** TCP port for the API, S3 and edge (0 = any free port). Default 4566. */
  port?: number;
  /** Address to listen on. Default 127.0.0.1. */
  host?: string;
  /** Where state is kept. Default `./.minifront`. */
  dataDir?: string;
  /** Keep state in a temporary directory that is deleted on dispose. Default false. */
  ephemeral?: boolean;
  logLevel?: LogLevel;
  /** `text` or `json` log lines (the request log's included). Default text. */
  logFormat?: LogFormat;
  /** Milliseconds between deliveries of standard log files (issue 15). Default 5000. */
  logDeliveryIntervalMs?: number;
  /** Account id used in ARNs. Default 123456789012. */
  accountId?: string;
  /** Suffix of generated distribution domain names. Default `cloudfront.localhost`. */
  domainSuffix?: string;
  /** How long a distribution stays InProgress after a change, in ms. Default 0. */
  deployDelayMs?: number;
  /** Largest API request body accepted, in bytes. Default 1 MiB. */
  maxApiBodyBytes?: number;
  /**
   * How the embedded S3 applies bucket policies to anonymous and CloudFront requests. `warn`
   * (default): decides as S3 does but serves what S3 would refuse, warning once per caller and
   * bucket; `enforce`: refuses it (403 AccessDenied); `open`: allows everything silently.
   */
  s3Access?: string;
  /** An external S3 (LocalStack, MinIO) that S3 origins are served from; "" = the embedded S3. */
  s3Endpoint?: string;
  /** Lambda@Edge functions run from local directories: `name=dir[@module.function]`, comma-separated (issue 14). Default none. */
  edgeLambdas?: string;
  /** Another emulator's Lambda (e.g. LocalStack) that runs Lambda@Edge functions minifront has none of; "" = none. */
  lambdaEndpoint?: string;
  /** Kinesis (a real one, or e.g. kinesalite) that real-time log records go to with PutRecords; "" = none (issue 15). */
  kinesisEndpoint?: string;
  /** A seed file (JSON) whose buckets, functions, stores and distributions are made at start; "" = none. */
  init?: string;
  /** Local servers standing in for origins at the edge: `[<distributionId>/]<originId>=<url>`, comma-separated. Default none. */
  origins?: string;
  /** Local servers standing in for VPC origins: `<VPC origin id or ARN, or its endpoint ARN>=host[:port]`, comma-separated. Default none. */
  vpcOrigins?: string;
  /** How long an invalidation stays InProgress, in ms. Default 0. */
  invalidationDelayMs?: number;
  /** Memory the edge cache may use, in bytes. Default 256 MiB. */
  cacheBytes?: number;
  /** Largest object the edge caches, in bytes (larger ones are relayed). Default 1 GiB. */
  maxCachedObjectBytes?: number;
  /**
   * Edge locations, comma-separated POP codes (X-Amz-Cf-Pop). The first serves requests that do
   * not choose one with the X-Minifront-Pop header. Default LOC50-C1.
   */
  pop?: string;
  /** An extra HTTP port that serves only the edge; null = none. */
  edgePort?: number | null;
  /** An HTTPS port serving everything the main port serves; null = none, 0 = any free port. */
  httpsPort?: number | null;
  /** PEM certificate and key files for HTTPS; "" = a self-signed pair generated in the data dir. */
  tlsCert?: string;
  tlsKey?: string;
  /** Where the generated local CA and leaf certificate are kept; "" = $XDG_DATA_HOME/minifront/tls or ~/.local/share/minifront/tls. */
  tlsDir?: string;
  /** The viewer country when neither the request header nor the map says (ISO code). Default US. */
  viewerCountry?: string;
  /** A JSON file mapping CIDR ranges to ISO country codes for viewers; "" = none. */
  viewerCountryMap?: string;
  /** Disk the edge's large-object tier may use, in bytes. Default 1 GiB. */
  diskCacheBytes?: number;
  /** Objects larger than this are cached on disk instead of in memory, in bytes. Default 10 MB. */
  memoryObjectBytes?: number;
  /** Milliseconds a viewer may take to send a request's line and headers (then 408). Default 10000. */
  headerTimeoutMs?: number;
  /** Milliseconds a request in progress may wait on the viewer: body bytes or reading the response. Default 30000. */
  requestIdleTimeoutMs?: number;
  /** Open viewer connections per listener; more are closed when accepted. 0 = no bound. Default 4096. */
  maxConnections?: number;
  /** Edge worker processes sharing the port (`--workers`, src/workers/): a count, or `auto` for one per core. The CLI reads it; startEmulator is one process. Default 1. */
  workers?: string;
  /** `redis://host:port[/db]`: this node is one of several sharing the control-plane state in Redis (`--cluster`, src/cluster/); "" = a node on its own. */
  clusterUrl?: string;
  /** Bytes the regional cache tier the cluster's nodes share in Redis may take (src/cluster/redis-tier.ts). Default 256 MiB. */
  clusterCacheBytes?: number;
}

export type ResolvedOptions = Readonly<Required<EmulatorOptions>>;

type Kind = "int" | "port" | "string" | "path" | "bool" | "level" | "url";
interface OptionSpec {
  readonly key: keyof EmulatorOptions;
  readonly flag: string;
  readonly env: string;
  readonly kind: Kind;
  /** "" and null are shown as "none" in the README. */
  readonly default: string | number | boolean | null;
  readonly help: string;
}

/** The single list of options: CLI flags, environment variables, defaults and help text. */
export const OPTION_SPECS: readonly OptionSpec[] = [
  { key: "port", flag: "port", env: "MINIFRONT_PORT", kind: "int", default: 4566, help: "Port for the CloudFront API, S3 and the edge (0 picks a free port)" },
  { key: "host", flag: "host", env: "MINIFRONT_HOST", kind: "string", default: "127.0.0.1", help: "Address to listen on" },
  { key: "dataDir", flag: "data-dir", env: "MINIFRONT_DATA_DIR", kind: "string", default: "./.minifront", help: "Directory where state persists across restarts" },
  { key: "ephemeral", flag: "ephemeral", env: "MINIFRONT_EPHEMERAL", kind: "bool", default: false, help: "Keep state in a temporary directory deleted on exit" },
  { key: "logLevel", flag: "log-level", env: "MINIFRONT_LOG_LEVEL", kind: "level", default: "info", help: "debug, info, warn, error or silent" },
  { key: "logFormat", flag: "log-format", env: "MINIFRONT_LOG_FORMAT", kind: "string", default: "text", help: "text, or json for one JSON object per log line (edge requests included)" },
  // AWS delivers standard logs within the hour; a developer is waiting for them, so seconds here.
  { key: "logDeliveryIntervalMs", flag: "log-delivery-interval", env: "MINIFRONT_LOG_DELIVERY_INTERVAL", kind: "int", default: 5000, help: "Milliseconds between deliveries of standard log files to their buckets (also at shutdown and on POST /_minifront/logs/flush)" },
  { key: "accountId", flag: "account-id", env: "MINIFRONT_ACCOUNT_ID", kind: "string", default: "123456789012", help: "AWS account id used in ARNs" },
  { key: "domainSuffix", flag: "domain-suffix", env: "MINIFRONT_DOMAIN_SUFFIX", kind: "string", default: "cloudfront.localhost", help: "Distribution domain names are <lowercase-id>.<suffix>" },
  { key: "deployDelayMs", flag: "deploy-delay", env: "MINIFRONT_DEPLOY_DELAY", kind: "int", default: 0, help: "Milliseconds a changed distribution stays InProgress before Deployed" },
  { key: "maxApiBodyBytes", flag: "max-api-body", env: "MINIFRONT_MAX_API_BODY", kind: "int", default: 1024 * 1024, help: "Largest CloudFront API request body in bytes" },
  { key: "invalidationDelayMs", flag: "invalidation-delay", env: "MINIFRONT_INVALIDATION_DELAY", kind: "int", default: 0, help: "Milliseconds an invalidation stays InProgress before Completed (the purge itself is immediate)" },
  { key: "cacheBytes", flag: "cache-size", env: "MINIFRONT_CACHE_SIZE", kind: "int", default: 256 * 1024 * 1024, help: "Bytes of memory the edge cache may use (least recently used objects are evicted)" },
  { key: "maxCachedObjectBytes", flag: "max-cached-object", env: "MINIFRONT_MAX_CACHED_OBJECT", kind: "int", default: 1024 * 1024 * 1024, help: "Largest object the edge caches in bytes; larger ones are relayed uncached" },
  { key: "pop", flag: "pop", env: "MINIFRONT_POP", kind: "string", default: "LOC50-C1", help: "Edge locations, comma-separated (e.g. LOC50-C1,LOC52-C2): each has its own cache; the first serves requests without an X-Minifront-Pop header" },
  { key: "edgePort", flag: "edge-port", env: "MINIFRONT_EDGE_PORT", kind: "port", default: null, help: "An extra HTTP port that serves only the edge (0 picks a free port)" },
  { key: "httpsPort", flag: "https-port", env: "MINIFRONT_HTTPS_PORT", kind: "port", default: null, help: "An HTTPS port serving the edge, the API and S3 (0 picks a free port)" },
  { key: "tlsCert", flag: "tls-cert", env: "MINIFRONT_TLS_CERT", kind: "path", default: "", help: "PEM certificate (chain) for HTTPS; default: a self-signed one generated in the data directory" },
  { key: "tlsKey", flag: "tls-key", env: "MINIFRONT_TLS_KEY", kind: "path", default: "", help: "PEM private key for --tls-cert" },
  // Per user, not per data dir (issue 16): a CA trusted once stays trusted across --ephemeral runs.
  { key: "tlsDir", flag: "tls-dir", env: "MINIFRONT_TLS_DIR", kind: "path", default: "", help: "Where the generated local CA and certificate are kept (default $XDG_DATA_HOME/minifront/tls, else ~/.local/share/minifront/tls)" },
  { key: "viewerCountry", flag: "viewer-country", env: "MINIFRONT_VIEWER_COUNTRY", kind: "string", default: "US", help: "Country of viewers whose country no X-Minifront-Viewer-Country header or map entry gives" },
  { key: "viewerCountryMap", flag: "viewer-country-map", env: "MINIFRONT_VIEWER_COUNTRY_MAP", kind: "path", default: "", help: "JSON file mapping viewer IP ranges to countries, e.g. {\"10.1.0.0/16\": \"DE\"}" },
  { key: "diskCacheBytes", flag: "disk-cache-size", env: "MINIFRONT_DISK_CACHE_SIZE", kind: "int", default: 1024 * 1024 * 1024, help: "Bytes of disk the edge's large-object tier may use (under the data directory)" },
  { key: "memoryObjectBytes", flag: "memory-object-max", env: "MINIFRONT_MEMORY_OBJECT_MAX", kind: "int", default: 10_000_000, help: "Cached objects larger than this many bytes are kept on disk instead of in memory" },
  // CloudFront does not publish its viewer-side timeouts. 10 s for a request head (at most 20 KB,
  // docs/edge.md §2, which any client sends at once) cuts slowloris sockets 6x sooner than
  // node's 60 s; 30 s without progress mirrors CloudFront's default origin response timeout
  // ("Origin response timeout", first byte and between packets) on the viewer side. 4096
  // connections is far above what a browser or a load test on one machine opens, and far below
  // the file-descriptor limit.
  { key: "headerTimeoutMs", flag: "header-timeout", env: "MINIFRONT_HEADER_TIMEOUT", kind: "int", default: 10_000, help: "Milliseconds a viewer may take to send a request line and headers; then 408 and the connection is closed" },
  { key: "requestIdleTimeoutMs", flag: "request-idle-timeout", env: "MINIFRONT_REQUEST_IDLE_TIMEOUT", kind: "int", default: 30_000, help: "Milliseconds a request in progress may wait on the viewer (no body bytes arriving, or the response not read); then the connection is closed (408 if nothing was answered)" },
  { key: "workers", flag: "workers", env: "MINIFRONT_WORKERS", kind: "string", default: "1", help: "Edge worker processes sharing the port, each with its own memory cache (auto: one per core); the API, S3 and the state stay in one primary process" },
  { key: "clusterUrl", flag: "cluster", env: "MINIFRONT_CLUSTER", kind: "string", default: "", help: "redis://host:port of the Redis that several minifront nodes share their CloudFront state through (see \"Cluster\"); it must run with appendonly yes and appendfsync always" },
  { key: "clusterCacheBytes", flag: "cluster-cache-size", env: "MINIFRONT_CLUSTER_CACHE_SIZE", kind: "int", default: 256 * 1024 * 1024, help: "Bytes of Redis the regional cache tier shared by --cluster nodes may use (least recently used objects are evicted; objects over --memory-object-max are not shared)" },
  { key: "maxConnections", flag: "max-connections", env: "MINIFRONT_MAX_CONNECTIONS", kind: "int", default: 4096, help: "Open connections per listening port; connections beyond it are closed when accepted (0 = no bound)" },
  { key: "s3Access", flag: "s3-access", env: "MINIFRONT_S3_ACCESS", kind: "string", default: "warn", help: "warn: a request S3 would refuse (no bucket policy allows it) is served, and a warning says once per caller and bucket what AWS would answer and the fix; enforce: refused with 403 AccessDenied, as on S3; open: anyone may do anything, silently (LocalStack's behaviour)" },
  { key: "s3Endpoint", flag: "s3-endpoint", env: "MINIFRONT_S3_ENDPOINT", kind: "url", default: "", help: "External S3 (e.g. http://localhost:4566 for LocalStack) to serve S3 origins from instead of the embedded one" },
  { key: "init", flag: "init", env: "MINIFRONT_INIT", kind: "path", default: "", help: "A seed file (JSON, see \"A seed file\") whose buckets, objects, policies, functions, key value stores and distributions are made at start, idempotently" },
  { key: "origins", flag: "origin", env: "MINIFRONT_ORIGIN", kind: "string", default: "", help: "Local dev servers standing in for origins at the edge, comma-separated [<distributionId>/]<originId>=http://localhost:5173 (without a distribution id: that origin id in every distribution); behaviors, policies and functions still apply" },
  { key: "vpcOrigins", flag: "vpc-origin", env: "MINIFRONT_VPC_ORIGIN", kind: "string", default: "", help: "Local servers standing in for VPC origins at the edge, comma-separated <target>=host[:port], the target a VPC origin id or ARN or the load balancer or instance ARN it fronts (the VPC origin's protocol policy picks http or https; without a port, its HTTPPort or HTTPSPort); an unmapped VPC origin answers 502" },
  { key: "edgeLambdas", flag: "edge-lambda", env: "MINIFRONT_EDGE_LAMBDA", kind: "string", default: "", help: "Lambda@Edge functions run from local directories, comma-separated name=dir or name=dir@module.function; associate one as arn:aws:lambda:us-east-1:<account>:function:<name>:1 and edits apply on the next request" },
  { key: "lambdaEndpoint", flag: "lambda-endpoint", env: "MINIFRONT_LAMBDA_ENDPOINT", kind: "url", default: "", help: "Another emulator's Lambda API (e.g. http://localhost:4566 for LocalStack) that runs the Lambda@Edge functions a distribution associates and minifront does not have, through its Invoke API" },
  { key: "kinesisEndpoint", flag: "kinesis-endpoint", env: "MINIFRONT_KINESIS_ENDPOINT", kind: "url", default: "", help: "Kinesis API (e.g. http://localhost:4567 for kinesalite) that real-time log records are delivered to with PutRecords, in the stream the real-time log configuration names; they are always written under <data-dir>/realtime-logs/ too" },
];

/**
 * Where the generated TLS certificates live: --tls-dir, else the per-user data directory
 * ($XDG_DATA_HOME/minifront/tls, else ~/.local/share/minifront/tls), read from `env`.
 */
export function tlsDirOf(options: ResolvedOptions, env: NodeJS.ProcessEnv = {}): string {
  return options.tlsDir !== "" ? options.tlsDir : join(env.XDG_DATA_HOME || join(homedir(), ".local", "share"), "minifront", "tls");
}

/**
 * Merges explicit options over `MINIFRONT_*` variables of `env` over the defaults, checking each.
 */
export function resolveOptions(explicit: EmulatorOptions, env: NodeJS.ProcessEnv = {}): ResolvedOptions {
  const out: Record<string, unknown> = {};
  for (const spec of OPTION_SPECS) {
    const given = explicit[spec.key];
    const fromEnv = env[spec.env];
    if (given !== undefined) out[spec.key] = check(spec, given, `option ${spec.key}`);
    else if (fromEnv !== undefined && fromEnv !== "") out[spec.key] = check(spec, fromEnv, spec.env);
    else out[spec.key] = spec.default;
  }
  const resolved = out as Required<EmulatorOptions>;
  if (!/^\d{12}$/.test(resolved.accountId)) {
    throw new EmulatorError("ERR_CONFIG", `account id must be 12 digits, not "${resolved.accountId}"`);
  }
  if (!/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/.test(resolved.domainSuffix)) {
    throw new EmulatorError("ERR_CONFIG", `domain suffix must be a lower-case DNS name, not "${resolved.domainSuffix}"`);
  }
  for (const [name, p] of [["port", resolved.port], ["edge port", resolved.edgePort], ["https port", resolved.httpsPort]] as const) {
    if (p !== null && p > 65535) throw new EmulatorError("ERR_CONFIG", `${name} must be 0-65535, not ${p}`);
  }
  for (const code of resolved.pop.split(",")) {
    // X-Amz-Cf-Pop format: <IATA letters><digits>-<letter><digit> (docs/edge.md §14, observed).
    if (!/^[A-Z]{3}\d{1,3}-[A-Z]\d{1,2}$/.test(code.trim())) throw new EmulatorError("ERR_CONFIG", `POP codes look like LOC50-C1, not "${code}"`);
  }
  if (resolved.s3Access !== "warn" && resolved.s3Access !== "enforce" && resolved.s3Access !== "open") throw new EmulatorError("ERR_CONFIG", `s3 access must be warn, enforce or open, not "${resolved.s3Access}"`);
  if (!(LOG_FORMATS as readonly string[]).includes(resolved.logFormat)) throw new EmulatorError("ERR_CONFIG", `log format must be text or json, not "${resolved.logFormat}"`);
  if (resolved.logDeliveryIntervalMs < 1) throw new EmulatorError("ERR_CONFIG", "--log-delivery-interval must be at least 1 ms");
  if (!/^[A-Z]{2}$/.test(resolved.viewerCountry)) throw new EmulatorError("ERR_CONFIG", `viewer country must be a two-letter ISO code such as US, not "${resolved.viewerCountry}"`);
  if (resolved.headerTimeoutMs < 1 || resolved.requestIdleTimeoutMs < 1) throw new EmulatorError("ERR_CONFIG", "--header-timeout and --request-idle-timeout must be at least 1 ms");
  if (!/^(auto|[1-9]\d{0,2})$/.test(String(resolved.workers))) throw new EmulatorError("ERR_CONFIG", `--workers must be a number from 1 or auto, not "${String(resolved.workers)}"`);
  if (resolved.clusterUrl !== "" && !/^rediss?:\/\/[^/]/.test(resolved.clusterUrl)) throw new EmulatorError("ERR_CONFIG", `--cluster must be a redis:// URL such as redis://127.0.0.1:6379, not "${resolved.clusterUrl}"`);
  if (resolved.clusterUrl !== "" && resolved.workers !== "1") throw new EmulatorError("ERR_CONFIG", "--cluster does not combine with --workers yet: run one node per core instead");
  if ((resolved.tlsCert === "") !== (resolved.tlsKey === "")) throw new EmulatorError("ERR_CONFIG", "--tls-cert and --tls-key go together");
  return Object.freeze(resolved);
}

function check(spec: OptionSpec, value: unknown, where: string): unknown {
  switch (spec.kind) {
    case "int": {
      const n = typeof value === "number" ? value : /^\d+$/.test(String(value).trim()) ? Number(value) : NaN;
      if (!Number.isSafeInteger(n) || n < 0) throw new EmulatorError("ERR_CONFIG", `${where} must be a non-negative integer, not "${String(value)}"`);
      return n;
    }
    case "port": {
      const text = String(value).trim();
      if (value === null || text === "" || text === "none") return null;
      if (!/^\d+$/.test(text)) throw new EmulatorError("ERR_CONFIG", `${where} must be a port number or "none", not "${text}"`);
      return Number(text);
    }
    case "path": {
      if (typeof value !== "string") throw new EmulatorError("ERR_CONFIG", `${where} must be a file path`);
      return value;
    }
    case "bool": {
      if (typeof value === "boolean") return value;
      const s = String(value).toLowerCase();
      if (["1", "true", "yes", "on"].includes(s)) return true;
      if (["0", "false", "no", "off"].includes(s)) return false;
      throw new EmulatorError("ERR_CONFIG", `${where} must be true or false, not "${String(value)}"`);
    }
    case "level": {
      if (!(LOG_LEVELS as readonly unknown[]).includes(value)) {
        throw new EmulatorError("ERR_CONFIG", `${where} must be one of ${LOG_LEVELS.join(", ")}, not "${String(value)}"`);
      }
      return value;
    }
    case "url": {
      const text = String(value);
      if (text === "") return "";
      let url: URL;
      try {
        url = new URL(text);
      } catch {
        throw new EmulatorError("ERR_CONFIG", `${where} must be an http:// or https:// URL, not "${text}"`);
      }
      if ((url.protocol !== "http:" && url.protocol !== "https:") || (url.pathname !== "/" && url.pathname !== "")) {
        throw new EmulatorError("ERR_CONFIG", `${where} must be an http:// or https:// URL without a path, not "${text}"`);
      }
      return url.origin;
    }
    case "string": {
      if (typeof value !== "string" || value === "") throw new EmulatorError("ERR_CONFIG", `${where} must be a non-empty string`);
      return value;
    }
  }
}
