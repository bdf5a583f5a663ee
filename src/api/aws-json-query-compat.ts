// awsJson for services that moved from awsQuery and keep its error codes (Smithy's
// `@awsQueryCompatible` trait: CloudWatch, SQS). The wire is awsJson1_0 (aws-json.ts); what differs
// is the error: the body's `__type` names the error shape (`InvalidParameterValueException`) and
// the `x-amzn-query-error: <awsQuery code>;<Sender|Receiver>` header carries the code an awsQuery
// client knew (`InvalidParameterValue`), which the SDK and botocore report as the error code.
// Handlers throw ServiceErrors with the awsQuery codes, so the same handler table serves the
// awsQuery protocol (aws-query.ts) unchanged; the awsJson service's error responses are rewritten.
// Smithy spec: https://smithy.io/2.0/aws/protocols/aws-query-protocol.html#aws-protocols-awsquerycompatible-trait
import type { ApiService } from "./service.ts";

type ErrorTuple = [-3, string, string, { error?: "client" | "server"; httpError?: number; awsQueryError?: [string, number] }];

/** An error shape as an awsQuery client knows it. */
export interface QueryCompatibleError {
  /** The error shape's name (`__type`). */
  readonly shape: string;
  readonly status: number;
  readonly type: "Sender" | "Receiver";
}

/** The awsQuery code → error shape table of a client package's schemas (from each error's awsQueryError trait). */
export function queryCompatibleErrors(sdkExports: Record<string, unknown>): ReadonlyMap<string, QueryCompatibleError> {
  const out = new Map<string, QueryCompatibleError>();
  for (const value of Object.values(sdkExports)) {
    if (!Array.isArray(value) || value[0] !== -3) continue;
    const [, , shape, traits] = value as ErrorTuple;
    if (typeof traits !== "object") continue;
    const server = traits.error === "server";
    const [code, status] = traits.awsQueryError ?? [shape, traits.httpError ?? (server ? 500 : 400)];
    out.set(code, { shape, status, type: server ? "Receiver" : "Sender" });
  }
  return out;
}

/** An awsQuery code's shape, status and type; a code the model lacks keeps its name and `status`. */
export function queryErrorFacts(errors: ReadonlyMap<string, QueryCompatibleError>, code: string, status: number): QueryCompatibleError {
  const known = errors.get(code);
  if (known) return known;
  return { shape: code, status, type: status >= 500 ? "Receiver" : "Sender" };
}

/**
 * Wraps an awsJson service (createJsonRpcService) whose handlers throw awsQuery codes: an error
 * response goes out with the error shape as `__type` and `x-amzn-ErrorType`, the model's status,
 * and `x-amzn-query-error: code;type`. A code the model lacks goes out as it is.
 */
export function queryCompatible<S>(inner: ApiService<S>, errors: ReadonlyMap<string, QueryCompatibleError>): ApiService<S> {
  return {
    model: inner.model,
    supported: inner.supported,
    async handle(req, service) {
      const out = await inner.handle(req, service);
      const code = out.headers["x-amzn-ErrorType"];
      if (code === undefined || typeof out.body !== "string") return out;
      const { status, type, shape } = queryErrorFacts(errors, code, out.status);
      const body = JSON.stringify({ ...(JSON.parse(out.body) as Record<string, unknown>), __type: shape });
      return { ...out, status, headers: { ...out.headers, "x-amzn-ErrorType": shape, "x-amzn-query-error": `${code};${type}` }, body };
    },
  };
}
