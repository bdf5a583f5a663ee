// minifront's own endpoints, plus the two that test harnesses written for LocalStack and moto
// call, so they can switch to minifront unchanged:
//   GET  /_minifront/health   GET /_localstack/health  (LocalStack's shape: services → "running")
//   POST /_minifront/reset    POST /moto-api/reset     (moto server mode: 200 {"status": "ok"})

export interface InternalDeps {
  readonly version: string;
  /** Drops all state, as if the data directory were new. */
  reset(): void;
}

export type InternalEndpoints = (method: string, path: string) => Promise<{ status: number; body: unknown } | undefined>;

/** Services this version serves, with LocalStack's status word for each. */
const SERVICES = { cloudfront: "running", s3: "running" } as const;

export function createInternalEndpoints(deps: InternalDeps): InternalEndpoints {
  return async (method, path) => {
    const route = `${method} ${path.replace(/\/+$/, "")}`;
    switch (route) {
      case "GET /_minifront/health":
      case "HEAD /_minifront/health":
        return { status: 200, body: { status: "running", version: deps.version, services: SERVICES } };
      case "GET /_localstack/health":
      case "HEAD /_localstack/health":
        return { status: 200, body: { services: SERVICES, edition: "minifront", version: deps.version } };
      case "POST /_minifront/reset":
        deps.reset();
        return { status: 200, body: { status: "reset" } };
      case "POST /moto-api/reset":
        deps.reset();
        return { status: 200, body: { status: "ok" } };
      default:
        return undefined;
    }
  };
}
