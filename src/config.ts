// Options, resolved once: explicit options (CLI flags or library caller) > MINIFRONT_* environment
// > defaults. Nothing else in the product reads process.env. Every option is documented in the
// README's reference table, which test/readme.test.ts keeps in step with OPTION_SPECS.
import { EmulatorError } from "./api/errors.ts";
import { LOG_LEVELS, type LogLevel } from "./log.ts";

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
  /** Account id used in ARNs. Default 123456789012. */
  accountId?: string;
  /** Suffix of generated distribution domain names. Default `cloudfront.localhost`. */
  domainSuffix?: string;
  /** How long a distribution stays InProgress after a change, in ms. Default 0. */
  deployDelayMs?: number;
  /** Largest API request body accepted, in bytes. Default 1 MiB. */
  maxApiBodyBytes?: number;
  /** An external S3 (LocalStack, MinIO) that S3 origins are served from; "" = the embedded S3. */
  s3Endpoint?: string;
  /** How long an invalidation stays InProgress, in ms. Default 0. */
  invalidationDelayMs?: number;
  /** Memory the edge cache may use, in bytes. Default 256 MiB. */
  cacheBytes?: number;
  /** Largest object the edge caches, in bytes (larger ones are relayed). Default 32 MiB. */
  maxCachedObjectBytes?: number;
  /** POP code in X-Amz-Cf-Pop. Default LOC50-C1. */
  pop?: string;
}

export type ResolvedOptions = Readonly<Required<EmulatorOptions>>;

type Kind = "int" | "string" | "bool" | "level" | "url";
interface OptionSpec {
  readonly key: keyof EmulatorOptions;
  readonly flag: string;
  readonly env: string;
  readonly kind: Kind;
  readonly default: string | number | boolean;
  readonly help: string;
}

/** The single list of options: CLI flags, environment variables, defaults and help text. */
export const OPTION_SPECS: readonly OptionSpec[] = [
  { key: "port", flag: "port", env: "MINIFRONT_PORT", kind: "int", default: 4566, help: "Port for the CloudFront API, S3 and the edge (0 picks a free port)" },
  { key: "host", flag: "host", env: "MINIFRONT_HOST", kind: "string", default: "127.0.0.1", help: "Address to listen on" },
  { key: "dataDir", flag: "data-dir", env: "MINIFRONT_DATA_DIR", kind: "string", default: "./.minifront", help: "Directory where state persists across restarts" },
  { key: "ephemeral", flag: "ephemeral", env: "MINIFRONT_EPHEMERAL", kind: "bool", default: false, help: "Keep state in a temporary directory deleted on exit" },
  { key: "logLevel", flag: "log-level", env: "MINIFRONT_LOG_LEVEL", kind: "level", default: "info", help: "debug, info, warn, error or silent" },
  { key: "accountId", flag: "account-id", env: "MINIFRONT_ACCOUNT_ID", kind: "string", default: "123456789012", help: "AWS account id used in ARNs" },
  { key: "domainSuffix", flag: "domain-suffix", env: "MINIFRONT_DOMAIN_SUFFIX", kind: "string", default: "cloudfront.localhost", help: "Distribution domain names are <lowercase-id>.<suffix>" },
  { key: "deployDelayMs", flag: "deploy-delay", env: "MINIFRONT_DEPLOY_DELAY", kind: "int", default: 0, help: "Milliseconds a changed distribution stays InProgress before Deployed" },
  { key: "maxApiBodyBytes", flag: "max-api-body", env: "MINIFRONT_MAX_API_BODY", kind: "int", default: 1024 * 1024, help: "Largest CloudFront API request body in bytes" },
  { key: "invalidationDelayMs", flag: "invalidation-delay", env: "MINIFRONT_INVALIDATION_DELAY", kind: "int", default: 0, help: "Milliseconds an invalidation stays InProgress before Completed (the purge itself is immediate)" },
  { key: "cacheBytes", flag: "cache-size", env: "MINIFRONT_CACHE_SIZE", kind: "int", default: 256 * 1024 * 1024, help: "Bytes of memory the edge cache may use (least recently used objects are evicted)" },
  { key: "maxCachedObjectBytes", flag: "max-cached-object", env: "MINIFRONT_MAX_CACHED_OBJECT", kind: "int", default: 32 * 1024 * 1024, help: "Largest object the edge caches in bytes; larger ones are relayed uncached" },
  { key: "pop", flag: "pop", env: "MINIFRONT_POP", kind: "string", default: "LOC50-C1", help: "Edge location code shown in X-Amz-Cf-Pop" },
  { key: "s3Endpoint", flag: "s3-endpoint", env: "MINIFRONT_S3_ENDPOINT", kind: "url", default: "", help: "External S3 (e.g. http://localhost:4566 for LocalStack) to serve S3 origins from instead of the embedded one" },
];

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
  if (resolved.port > 65535) throw new EmulatorError("ERR_CONFIG", `port must be 0-65535, not ${resolved.port}`);
  return Object.freeze(resolved);
}

function check(spec: OptionSpec, value: unknown, where: string): unknown {
  switch (spec.kind) {
    case "int": {
      const n = typeof value === "number" ? value : /^\d+$/.test(String(value).trim()) ? Number(value) : NaN;
      if (!Number.isSafeInteger(n) || n < 0) throw new EmulatorError("ERR_CONFIG", `${where} must be a non-negative integer, not "${String(value)}"`);
      return n;
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
