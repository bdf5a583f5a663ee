// The Resource Groups Tagging API (`tagging`, 2017-01-26, awsJson1_1) for CloudFront resources: the
// model from @aws-sdk/client-resource-groups-tagging-api plus the handler table. Requests reach it
// on the shared port when their SigV4 credential scope names `tagging` (server/aws-services.ts);
// signatures are not verified. The other operations (compliance reports, required tags) answer
// the unsupported error naming them.
import { sdkSchemas } from "../../api/model-cache.ts";
import { ServiceError } from "../../api/errors.ts";
import type { ApiService, HandlerTable, Logger } from "../../api/service.ts";
import { createJsonRpcService, loadJsonRpcModel, type JsonRpcServiceModel } from "../../api/aws-json.ts";
import * as handlers from "./handlers.ts";
import type { TaggingService } from "./handlers.ts";

let model: JsonRpcServiceModel | undefined;

/** The Tagging API model, read from the SDK's schemas once per process. */
export function taggingModel(): JsonRpcServiceModel {
  model ??= loadJsonRpcModel("tagging", "ResourceGroupsTaggingAPI_20170126", "1.1", sdkSchemas("@aws-sdk/client-resource-groups-tagging-api"));
  return model;
}

export const HANDLERS: HandlerTable<TaggingService> = {
  GetResources: handlers.GetResources,
  TagResources: handlers.TagResources,
  UntagResources: handlers.UntagResources,
  GetTagKeys: handlers.GetTagKeys,
  GetTagValues: handlers.GetTagValues,
};

const MAX_TAGGING_BODY = 1024 * 1024;

export function createTaggingApi(log: Logger): ApiService<TaggingService> {
  const invalid = (message: string) => new ServiceError("InvalidParameterException", message);
  return createJsonRpcService(
    taggingModel(),
    HANDLERS,
    {
      maxBodyBytes: MAX_TAGGING_BODY,
      invalidInput: invalid,
      unknownOperation: (target) => invalid(`The operation ${target || "(none)"} is not a Resource Groups Tagging API operation.`),
      unsupported: (op) => invalid(`minifront does not support the ${op} operation of the Resource Groups Tagging API yet.`),
      internalError: (id) => new ServiceError("InternalServiceException", `The request processing has failed because of an unknown error (request ${id}).`),
    },
    log,
  );
}
