// The CloudFront API (2020-05-31): the model from @aws-sdk/client-cloudfront plus the handler
// table. Every operation in the model is routed; the ones not in HANDLERS answer through the
// protocol layer's fallback (api/service.ts) and show as unsupported in the README table.
import * as cloudfrontSdk from "@aws-sdk/client-cloudfront";
import { loadServiceModel, type ServiceModel } from "../../api/model.ts";
import { createApiService, type ApiService, type HandlerTable, type Logger, type ServiceProfile } from "../../api/service.ts";
import { createRouter } from "../../api/router.ts";
import { ServiceError } from "../../api/errors.ts";
import { serializeErrorResponse } from "../../api/rest-xml.ts";
import type { CloudFrontState } from "./state.ts";
import * as distributions from "./handlers/distributions.ts";
import * as tags from "./handlers/tags.ts";
import * as invalidations from "./handlers/invalidations.ts";
import { CACHE, ORIGIN_REQUEST, policyHandlers } from "./handlers/policies.ts";

export const CLOUDFRONT_XML_NAMESPACE = "http://cloudfront.amazonaws.com/doc/2020-05-31/";

let model: ServiceModel | undefined;

/** The CloudFront service model, read from the SDK's schemas once per process. */
export function cloudFrontModel(): ServiceModel {
  model ??= loadServiceModel("cloudfront", CLOUDFRONT_XML_NAMESPACE, cloudfrontSdk as unknown as Record<string, unknown>);
  return model;
}

export const HANDLERS: HandlerTable<CloudFrontState> = {
  CreateDistribution: distributions.CreateDistribution,
  CreateDistributionWithTags: distributions.CreateDistributionWithTags,
  GetDistribution: distributions.GetDistribution,
  GetDistributionConfig: distributions.GetDistributionConfig,
  ListDistributions: distributions.ListDistributions,
  UpdateDistribution: distributions.UpdateDistribution,
  DeleteDistribution: distributions.DeleteDistribution,
  CopyDistribution: distributions.CopyDistribution,
  CreateInvalidation: invalidations.CreateInvalidation,
  GetInvalidation: invalidations.GetInvalidation,
  ListInvalidations: invalidations.ListInvalidations,
  ...policyHandlers(CACHE),
  ...policyHandlers(ORIGIN_REQUEST),
  TagResource: tags.TagResource,
  UntagResource: tags.UntagResource,
  ListTagsForResource: tags.ListTagsForResource,
};

/** Largest API request body by default: function code (40 KB base64) and big configs fit. */
export const DEFAULT_MAX_API_BODY = 1024 * 1024;

/** How CloudFront requests are routed and how its errors look (control-plane.md §1, §5). */
export function cloudFrontProfile(maxBodyBytes = DEFAULT_MAX_API_BODY): ServiceProfile {
  const model = cloudFrontModel();
  const router = createRouter(model);
  return {
    route: (req) => router.match(req.method, req.path, req.query),
    serializeError: (err, req) => serializeErrorResponse(model, err, req.requestId),
    requestIdHeaders: (id) => ({ "x-amzn-RequestId": id }),
    maxBodyBytes,
    tooLarge: (limit) => new ServiceError("EntitySizeLimitExceeded", `The request body is larger than ${limit} bytes.`),
    noRoute: (req) => new ServiceError("InvalidArgument", `No CloudFront operation matches ${req.method} ${req.path}.`),
    unsupported: (op) => new ServiceError("UnsupportedOperation", `minifront does not support the ${op} operation yet.`),
  };
}

export function createCloudFrontApi(log: Logger, maxBodyBytes?: number, handlers: HandlerTable<CloudFrontState> = HANDLERS): ApiService<CloudFrontState> {
  return createApiService(cloudFrontModel(), handlers, cloudFrontProfile(maxBodyBytes), log);
}
