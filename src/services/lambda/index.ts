// The Lambda API subset (restJson1, 2015-03-31): the model from @aws-sdk/client-lambda plus the
// handler table. Requests reach it on the shared port when their SigV4 credential scope names
// `lambda` (server/classify.ts). Signatures are not verified. Invoke and every other operation
// without a handler answer the unsupported error. Invoke runs code (handlers/invoke.ts).
import * as lambdaSdk from "@aws-sdk/client-lambda";
import { loadServiceModel, type ServiceModel } from "../../api/model.ts";
import type { ApiService, HandlerTable, Logger } from "../../api/service.ts";
import { createRouter } from "../../api/router.ts";
import { ServiceError } from "../../api/errors.ts";
import { createRestJsonService, loadErrorSchemas, serializeJsonErrorResponse, type JsonServiceProfile } from "../../api/rest-json.ts";
import type { LambdaContext } from "./context.ts";
import { messages } from "./messages.ts";
import * as functions from "./handlers/functions.ts";
import * as versions from "./handlers/versions.ts";
import * as permissions from "./handlers/permissions.ts";
import { Invoke } from "./handlers/invoke.ts";

let model: ServiceModel | undefined;

export function lambdaModel(): ServiceModel {
  // restJson1 has no XML namespace; loadServiceModel's XML fields go unused here.
  model ??= loadServiceModel("lambda", "", lambdaSdk as unknown as Record<string, unknown>, "application/json");
  return model;
}

export const HANDLERS: HandlerTable<LambdaContext> = {
  CreateFunction: functions.CreateFunction,
  GetFunction: functions.GetFunction,
  GetFunctionConfiguration: functions.GetFunctionConfiguration,
  ListFunctions: functions.ListFunctions,
  UpdateFunctionCode: functions.UpdateFunctionCode,
  UpdateFunctionConfiguration: functions.UpdateFunctionConfiguration,
  DeleteFunction: functions.DeleteFunction,
  GetFunctionCodeSigningConfig: functions.GetFunctionCodeSigningConfig,
  PublishVersion: versions.PublishVersion,
  ListVersionsByFunction: versions.ListVersionsByFunction,
  CreateAlias: versions.CreateAlias,
  GetAlias: versions.GetAlias,
  UpdateAlias: versions.UpdateAlias,
  DeleteAlias: versions.DeleteAlias,
  ListAliases: versions.ListAliases,
  AddPermission: permissions.AddPermission,
  RemovePermission: permissions.RemovePermission,
  GetPolicy: permissions.GetPolicy,
  TagResource: permissions.TagResource,
  UntagResource: permissions.UntagResource,
  ListTags: permissions.ListTags,
  Invoke,
};

/**
 * Lambda quotas: a direct upload is at most 50 MB zipped, sent base64 in JSON; Lambda refuses
 * requests over 70,167,211 bytes with RequestEntityTooLargeException (413).
 */
export const MAX_LAMBDA_BODY = 70_167_211;

/** How Lambda requests are routed and how its errors look: `Type: "User"` for client errors. */
export function lambdaProfile(): JsonServiceProfile {
  const m = lambdaModel();
  const router = createRouter(m);
  const errorSchemas = loadErrorSchemas(lambdaSdk as unknown as Record<string, unknown>);
  const validation = (message: string) => new ServiceError("ValidationException", message, 400);
  return {
    route: (req) => router.match(req.method, req.path, req.query),
    serializeError: (err) => {
      const status = m.errors.get(err.code)?.status ?? err.statusOverride ?? 400;
      const typed = new ServiceError(err.code, err.message, err.statusOverride, { details: { Type: status >= 500 ? "Service" : "User", ...err.details }, headers: err.headers });
      return serializeJsonErrorResponse(m, errorSchemas, typed);
    },
    requestIdHeaders: (id) => ({ "x-amzn-RequestId": id }),
    maxBodyBytes: MAX_LAMBDA_BODY,
    tooLarge: (limit) => new ServiceError("RequestEntityTooLargeException", messages.tooLarge(limit), 413),
    noRoute: (req) => new ServiceError("UnrecognizedClientException", `No Lambda operation matches ${req.method} ${req.path}.`, 404),
    unsupported: (op) => new ServiceError("InvalidParameterValueException", messages.unsupported(op)),
    invalidInput: (message) => validation(message),
    internalError: (requestId) => new ServiceError("ServiceException", `The request processing has failed because of an unknown error (request ${requestId}).`),
  };
}

export function createLambdaApi(log: Logger): ApiService<LambdaContext> {
  return createRestJsonService(lambdaModel(), HANDLERS, lambdaProfile(), log);
}
