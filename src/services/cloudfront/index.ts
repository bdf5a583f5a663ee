// The CloudFront API (2020-05-31): the model from @aws-sdk/client-cloudfront plus the handler
// table. Every operation in the model is routed; the ones not in HANDLERS answer through the
// protocol layer's fallback (api/service.ts) and show as unsupported in the README table.
import * as cloudfrontSdk from "@aws-sdk/client-cloudfront";
import { loadServiceModel, type ServiceModel } from "../../api/model.ts";
import { createApiService, type ApiService, type HandlerTable, type Logger } from "../../api/service.ts";
import type { CloudFrontState } from "./state.ts";
import * as distributions from "./handlers/distributions.ts";
import * as tags from "./handlers/tags.ts";

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
  TagResource: tags.TagResource,
  UntagResource: tags.UntagResource,
  ListTagsForResource: tags.ListTagsForResource,
};

export function createCloudFrontApi(log: Logger): ApiService<CloudFrontState> {
  return createApiService(cloudFrontModel(), HANDLERS, log);
}
