// The CloudWatch Logs API subset that configures "Standard logging (v2)" (`logs`, 2014-03-28,
// awsJson1_1): the model from @aws-sdk/client-cloudwatch-logs plus the handler table. Requests reach
// it on the shared port when their SigV4 credential scope names `logs` (server/aws-services.ts);
// signatures are not verified. Every other CloudWatch Logs operation (log groups, streams,
// queries...) answers the unsupported error naming it.
import { sdkSchemas } from "../../api/model-cache.ts";
import { ServiceError } from "../../api/errors.ts";
import type { ApiService, HandlerTable, Logger } from "../../api/service.ts";
import { createJsonRpcService, loadJsonRpcModel, type JsonRpcServiceModel } from "../../api/aws-json.ts";
import type { LogsService } from "./handlers/common.ts";
import { messages } from "./messages.ts";
import * as sources from "./handlers/sources.ts";
import * as destinations from "./handlers/destinations.ts";
import * as deliveries from "./handlers/deliveries.ts";
import * as tags from "./handlers/tags.ts";

let model: JsonRpcServiceModel | undefined;

/** The CloudWatch Logs model, read from the SDK's schemas once per process. */
export function logsModel(): JsonRpcServiceModel {
  model ??= loadJsonRpcModel("logs", "Logs_20140328", "1.1", sdkSchemas("@aws-sdk/client-cloudwatch-logs"));
  return model;
}

export const HANDLERS: HandlerTable<LogsService> = {
  PutDeliverySource: sources.PutDeliverySource,
  GetDeliverySource: sources.GetDeliverySource,
  DescribeDeliverySources: sources.DescribeDeliverySources,
  DeleteDeliverySource: sources.DeleteDeliverySource,
  PutDeliveryDestination: destinations.PutDeliveryDestination,
  GetDeliveryDestination: destinations.GetDeliveryDestination,
  DescribeDeliveryDestinations: destinations.DescribeDeliveryDestinations,
  DeleteDeliveryDestination: destinations.DeleteDeliveryDestination,
  PutDeliveryDestinationPolicy: destinations.PutDeliveryDestinationPolicy,
  GetDeliveryDestinationPolicy: destinations.GetDeliveryDestinationPolicy,
  DeleteDeliveryDestinationPolicy: destinations.DeleteDeliveryDestinationPolicy,
  CreateDelivery: deliveries.CreateDelivery,
  GetDelivery: deliveries.GetDelivery,
  DescribeDeliveries: deliveries.DescribeDeliveries,
  DeleteDelivery: deliveries.DeleteDelivery,
  UpdateDeliveryConfiguration: deliveries.UpdateDeliveryConfiguration,
  DescribeConfigurationTemplates: deliveries.DescribeConfigurationTemplates,
  ListTagsForResource: tags.ListTagsForResource,
  TagResource: tags.TagResource,
  UntagResource: tags.UntagResource,
};

/** CloudWatch Logs' request size limit is 1 MB (PutLogEvents); far above any delivery call. */
const MAX_LOGS_BODY = 1024 * 1024;

export function createLogsApi(log: Logger): ApiService<LogsService> {
  const validation = (message: string) => new ServiceError("ValidationException", message);
  return createJsonRpcService(
    logsModel(),
    HANDLERS,
    {
      maxBodyBytes: MAX_LOGS_BODY,
      invalidInput: validation,
      unknownOperation: (target) => new ServiceError("UnknownOperationException", messages.unknownOperation(target), 400),
      unsupported: (op) => new ServiceError("InvalidOperationException", messages.unsupported(op)),
      internalError: (id) => new ServiceError("ServiceUnavailableException", `The request processing has failed because of an unknown error (request ${id}).`),
    },
    log,
  );
}
