// The CloudFront KeyValueStore data API (`cloudfront-keyvaluestore`, 2022-07-26, restJson1): the
// model from @aws-sdk/client-cloudfront-keyvaluestore plus the handler table. Requests reach it on
// the shared port when their SigV4/SigV4A credential scope names `cloudfront-keyvaluestore`
// (server/classify.ts); the client's account-prefixed host (`<account>.<endpoint host>`) does not
// matter. Signatures are not verified (docs/functions.md §6.2).
import { loadServiceModel, type ServiceModel } from "../../api/model.ts";
import { sdkSchemas } from "../../api/model-cache.ts";
import type { ApiService, HandlerTable, Logger } from "../../api/service.ts";
import { createRouter } from "../../api/router.ts";
import { ServiceError } from "../../api/errors.ts";
import { createRestJsonService, loadErrorSchemas, serializeJsonErrorResponse, type JsonServiceProfile } from "../../api/rest-json.ts";
import type { KeyValueStores } from "../cloudfront/key-value-stores.ts";
import * as handlers from "./handlers.ts";

let model: ServiceModel | undefined;

/** The KeyValueStore data API model, read from the SDK's schemas once per process. */
export function kvsModel(): ServiceModel {
  // restJson1 has no XML namespace; loadServiceModel's XML fields go unused here.
  model ??= loadServiceModel("cloudfront-keyvaluestore", "", sdkSchemas("@aws-sdk/client-cloudfront-keyvaluestore"), "application/json");
  return model;
}

export const HANDLERS: HandlerTable<KeyValueStores> = {
  DescribeKeyValueStore: handlers.DescribeKeyValueStore,
  GetKey: handlers.GetKey,
  ListKeys: handlers.ListKeys,
  PutKey: handlers.PutKey,
  DeleteKey: handlers.DeleteKey,
  UpdateKeys: handlers.UpdateKeys,
};

/** quotas: an UpdateKeys request carries at most a 3 MB payload. */
export const MAX_KVS_BODY = 3 * 1024 * 1024;

/** How data-API requests are routed and how its errors look (restJson1, docs/functions.md §6.2). */
export function kvsProfile(): JsonServiceProfile {
  const m = kvsModel();
  const router = createRouter(m);
  const errorSchemas = loadErrorSchemas(sdkSchemas("@aws-sdk/client-cloudfront-keyvaluestore"));
  const validation = (message: string) => new ServiceError("ValidationException", message);
  return {
    route: (req) => router.match(req.method, req.path, req.query),
    serializeError: (err) => serializeJsonErrorResponse(m, errorSchemas, err),
    requestIdHeaders: (id) => ({ "x-amzn-RequestId": id }),
    maxBodyBytes: MAX_KVS_BODY,
    tooLarge: (limit) => new ServiceError("ServiceQuotaExceededException", `Limit exceeded: the request body is larger than ${limit} bytes.`),
    noRoute: (req) => validation(`No KeyValueStore operation matches ${req.method} ${req.path}.`),
    unsupported: (op) => validation(`minifront does not support the ${op} operation yet.`),
    invalidInput: (message) => validation(`Validation failed: ${message}`),
    internalError: (requestId) => new ServiceError("InternalServerException", `The request processing has failed because of an unknown error (request ${requestId}).`),
  };
}

export function createKvsApi(log: Logger, handlerTable: HandlerTable<KeyValueStores> = HANDLERS): ApiService<KeyValueStores> {
  return createRestJsonService(kvsModel(), handlerTable, kvsProfile(), log);
}
