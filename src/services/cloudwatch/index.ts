// The CloudWatch subset (`monitoring`, 2010-08-01) on minifront's port: GetMetricStatistics,
// GetMetricData and ListMetrics over the AWS/CloudFront namespace, so `aws cloudwatch
// get-metric-statistics` and dashboards read the edge's metrics. Requests reach it when their SigV4
// credential scope names `monitoring` (server/aws-services.ts); signatures are not verified.
// CloudWatch speaks three protocols (its model lists smithy-rpc-v2-cbor, awsJson1_0 and awsQuery,
// and is @awsQueryCompatible): @aws-sdk/client-cloudwatch v3 and the aws CLI v1 here send
// awsJson1_0 with `X-Amz-Target: GraniteServiceVersion20100801.<Operation>` and
// `x-amzn-query-mode: true`; older SDKs and CLIs send awsQuery forms; newer botocore releases
// prefer Smithy RPC v2 CBOR. All three are served from one handler table, told apart by
// `X-Amz-Target` (awsJson), `smithy-protocol` (CBOR) or neither (awsQuery). Every other CloudWatch
// action answers the unsupported error naming it.
import { createQueryService, loadQueryModel } from "../../api/aws-query.ts";
import { createJsonRpcService, loadJsonRpcModel } from "../../api/aws-json.ts";
import { queryCompatible, queryCompatibleErrors } from "../../api/aws-json-query-compat.ts";
import { createRpcV2CborService, isRpcV2Cbor } from "../../api/rpc-v2-cbor.ts";
import { ServiceError } from "../../api/errors.ts";
import { sdkSchemas } from "../../api/model-cache.ts";
import type { ApiRequest, ApiService, HandlerTable, Logger } from "../../api/service.ts";
import type { ProtocolResponse } from "../../api/protocol.ts";
import { GetMetricData, GetMetricStatistics, ListMetrics, type CloudWatchContext } from "./handlers.ts";

export type { CloudWatchContext } from "./handlers.ts";

const VERSION = "2010-08-01";
const XML_NAMESPACE = "http://monitoring.amazonaws.com/doc/2010-08-01/";
const TARGET_PREFIX = "GraniteServiceVersion20100801";

export const HANDLERS: HandlerTable<CloudWatchContext> = { GetMetricStatistics, GetMetricData, ListMetrics };

/** GetMetricData takes up to 500 queries; 1 MB is far above any read call. */
const MAX_BODY = 1024 * 1024;

const invalidInput = (message: string) => new ServiceError("InvalidParameterValue", message, 400);
const unsupported = (op: string) => new ServiceError("InvalidAction", `minifront does not support the CloudWatch ${op} action yet; it serves GetMetricStatistics, GetMetricData and ListMetrics.`, 400);
const internalError = (id: string) => new ServiceError("InternalServiceError", `The request processing has failed because of an unknown error (request ${id}).`, 500);

/** What server/aws-services.ts's registry takes (services do not import the server layer). */
export interface CloudWatchService {
  handle(req: ApiRequest): Promise<ProtocolResponse & { operation: string | undefined }>;
}

/** The CloudWatch service (all three protocols), reading the edge's metrics through `context`. */
export function createCloudWatchService(context: CloudWatchContext, log: Logger): CloudWatchService {
  const schemas = sdkSchemas("@aws-sdk/client-cloudwatch");
  const errors = queryCompatibleErrors(schemas);
  const unknownOperation = (target: string) => new ServiceError("InvalidAction", `Could not find operation ${target} for version ${VERSION}`, 400);
  const jsonModel = loadJsonRpcModel("monitoring", TARGET_PREFIX, "1.0", schemas);
  const query: ApiService<CloudWatchContext> = createQueryService(
    loadQueryModel("monitoring", XML_NAMESPACE, VERSION, schemas),
    HANDLERS,
    { maxBodyBytes: MAX_BODY, invalidInput, unknownAction: unknownOperation, unsupported, internalError },
    log,
  );
  const profile = { maxBodyBytes: MAX_BODY, invalidInput, unknownOperation, unsupported, internalError };
  const json = queryCompatible(createJsonRpcService(jsonModel, HANDLERS, profile, log), errors);
  const cbor = createRpcV2CborService(jsonModel, TARGET_PREFIX, "com.amazonaws.cloudwatch", errors, HANDLERS, profile, log);
  return {
    async handle(req) {
      if (req.headers["x-amz-target"] !== undefined) return json.handle(req, context);
      if (isRpcV2Cbor(req.headers)) return cbor.handle(req, context);
      return query.handle(req, context);
    },
  };
}
