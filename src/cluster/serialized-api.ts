// The API services of a `--cluster` node (issue 18): a request that may change state (any method
// but GET and HEAD) runs through ClusterNode.write, serialized across the cluster and committed to
// Redis before it answers; reads answer from the local replica. Each service is handed the state
// as it is once the write holds the lock (the node may have re-read it while catching up).
//
// When Redis cannot take the change, the answer is AWS's 503 ServiceUnavailable in the service's
// own protocol ("Error retries and exponential backoff in AWS": SDKs retry it): the CloudFront
// <ErrorResponse> from its model, the same XML shape for the Query services (IAM, STS) and the
// JSON error shape for the JSON services.
import type { ApiRequest, ApiService } from "../api/service.ts";
import type { ProtocolResponse } from "../api/protocol.ts";
import { ServiceError } from "../api/errors.ts";
import { escapeXml, serializeErrorResponse } from "../api/rest-xml.ts";
import type { AwsService } from "../server/aws-services.ts";
import type { ServerDeps } from "../server/http-server.ts";
import type { LambdaPlatform, LambdaPlatformService } from "../services/lambda/platform.ts";
import type { ClusterNode } from "./cluster-node.ts";

type Answer = ProtocolResponse & { operation: string | undefined };

const reads = (req: ApiRequest) => req.method === "GET" || req.method === "HEAD";

/** An API service whose handlers are given `state()` as it is when the call runs; `unavailable` answers in its protocol. */
function serializeApi<S>(api: ApiService<S>, node: ClusterNode, state: () => S, unavailable: (req: ApiRequest, message: string) => Answer): ApiService<S> {
  return {
    get model() {
      return api.model;
    },
    get supported() {
      return api.supported;
    },
    handle(req, stale) {
      if (reads(req)) return api.handle(req, stale);
      return node.write(() => api.handle(req, state()), (message) => unavailable(req, message));
    },
  };
}

/** An XML-model service (CloudFront): the <ErrorResponse> of its model. */
export function serializeXmlApi<S>(api: ApiService<S>, node: ClusterNode, state: () => S): ApiService<S> {
  return serializeApi(api, node, state, (req, message) => {
    const r = serializeErrorResponse(api.model, new ServiceError("ServiceUnavailable", message, 503), req.requestId);
    return { ...r, headers: { ...r.headers, "x-amz-request-id": req.requestId }, operation: undefined };
  });
}

/** A JSON service (the KeyValueStore data API). */
export function serializeJsonApi<S>(api: ApiService<S>, node: ClusterNode, state: () => S): ApiService<S> {
  return serializeApi(api, node, state, jsonUnavailable);
}

/** Lambda (JSON), IAM and STS (Query XML). */
export function serializeLambda(platform: LambdaPlatform, node: ClusterNode): LambdaPlatform {
  return {
    ...platform,
    handle(service: LambdaPlatformService, req: ApiRequest) {
      if (reads(req)) return platform.handle(service, req);
      return node.write(() => platform.handle(service, req), (message) => (service === "lambda" ? jsonUnavailable(req, message) : queryUnavailable(req, message)));
    },
  };
}

/** The services registered by credential scope (all JSON or JSON-compatible). */
export function serializeServices(services: ReadonlyMap<string, AwsService>, node: ClusterNode): Map<string, AwsService> {
  return new Map(
    [...services].map(([name, service]) => [
      name,
      { ...service, handle: (req: ApiRequest) => (reads(req) ? service.handle(req) : node.write(() => service.handle(req), (message) => jsonUnavailable(req, message))) },
    ]),
  );
}

function jsonUnavailable(req: ApiRequest, message: string): Answer {
  return {
    status: 503,
    headers: { "Content-Type": "application/x-amz-json-1.1", "x-amzn-ErrorType": "ServiceUnavailableException", "x-amzn-RequestId": req.requestId },
    body: JSON.stringify({ __type: "ServiceUnavailableException", message }),
    operation: undefined,
  };
}

function queryUnavailable(req: ApiRequest, message: string): Answer {
  const body = `<ErrorResponse><Error><Type>Receiver</Type><Code>ServiceUnavailable</Code><Message>${escapeXml(message)}</Message></Error><RequestId>${escapeXml(req.requestId)}</RequestId></ErrorResponse>`;
  return { status: 503, headers: { "Content-Type": "text/xml", "x-amzn-RequestId": req.requestId }, body, operation: undefined };
}

/** POST /_minifront/reset and moto's reset: every node drops its state. */
const RESET_ROUTES = /^POST \/(_minifront|moto-api)\/reset\/*$/;

/** The server's dependencies with every state-changing call going through the cluster (index.ts, --cluster). */
export function clusterServerDeps<D extends ServerDeps>(deps: D, node: ClusterNode): D {
  return {
    ...deps,
    cloudfront: serializeXmlApi(deps.cloudfront, node, () => deps.state().cloudfront),
    kvs: serializeJsonApi(deps.kvs, node, () => deps.state().cloudfront.keyValueStores),
    lambda: serializeLambda(deps.lambda, node),
    services: serializeServices(deps.services, node),
    internal: (method: string, path: string) =>
      RESET_ROUTES.test(`${method} ${path}`) ? node.write(() => deps.internal(method, path), (message) => ({ status: 503, body: { error: message } })) : deps.internal(method, path),
  };
}
