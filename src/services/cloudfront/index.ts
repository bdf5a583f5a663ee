// The CloudFront API (2020-05-31): the model from @aws-sdk/client-cloudfront plus the handler
// table. Every operation in the model is routed; the ones not in HANDLERS answer through the
// protocol layer's fallback (api/service.ts) and show as unsupported in the README table.
import { loadServiceModel, type ServiceModel } from "../../api/model.ts";
import { sdkSchemas } from "../../api/model-cache.ts";
import { createApiService, type ApiService, type HandlerTable, type Logger, type ServiceProfile } from "../../api/service.ts";
import { createRouter } from "../../api/router.ts";
import { ServiceError } from "../../api/errors.ts";
import { restXmlCodec, serializeErrorResponse } from "../../api/rest-xml.ts";
import type { CloudFrontState } from "./state.ts";
import * as distributions from "./handlers/distributions.ts";
import * as tags from "./handlers/tags.ts";
import * as invalidations from "./handlers/invalidations.ts";
import * as keyValueStores from "./handlers/key-value-stores.ts";
import * as functions from "./handlers/functions.ts";
import { CACHE, ORIGIN_REQUEST, RESPONSE_HEADERS, policyHandlers } from "./handlers/policies.ts";
import * as publicKeys from "./handlers/public-keys.ts";
import * as keyGroups from "./handlers/key-groups.ts";
import * as originAccessControls from "./handlers/origin-access-controls.ts";
import * as originAccessIdentities from "./handlers/origin-access-identities.ts";
import * as continuousDeployment from "./handlers/continuous-deployment.ts";

export const CLOUDFRONT_XML_NAMESPACE = "http://cloudfront.amazonaws.com/doc/2020-05-31/";

let model: ServiceModel | undefined;

/** The CloudFront service model, read from the SDK's schemas once per process. */
export function cloudFrontModel(): ServiceModel {
  model ??= loadServiceModel("cloudfront", CLOUDFRONT_XML_NAMESPACE, sdkSchemas("@aws-sdk/client-cloudfront"));
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
  ...policyHandlers(RESPONSE_HEADERS),
  CreateKeyValueStore: keyValueStores.CreateKeyValueStore,
  DescribeKeyValueStore: keyValueStores.DescribeKeyValueStore,
  UpdateKeyValueStore: keyValueStores.UpdateKeyValueStore,
  DeleteKeyValueStore: keyValueStores.DeleteKeyValueStore,
  ListKeyValueStores: keyValueStores.ListKeyValueStores,
  CreateFunction: functions.CreateFunction,
  DescribeFunction: functions.DescribeFunction,
  GetFunction: functions.GetFunction,
  UpdateFunction: functions.UpdateFunction,
  PublishFunction: functions.PublishFunction,
  DeleteFunction: functions.DeleteFunction,
  ListFunctions: functions.ListFunctions,
  TestFunction: functions.TestFunction,
  CreatePublicKey: publicKeys.CreatePublicKey,
  GetPublicKey: publicKeys.GetPublicKey,
  GetPublicKeyConfig: publicKeys.GetPublicKeyConfig,
  UpdatePublicKey: publicKeys.UpdatePublicKey,
  DeletePublicKey: publicKeys.DeletePublicKey,
  ListPublicKeys: publicKeys.ListPublicKeys,
  CreateKeyGroup: keyGroups.CreateKeyGroup,
  GetKeyGroup: keyGroups.GetKeyGroup,
  GetKeyGroupConfig: keyGroups.GetKeyGroupConfig,
  UpdateKeyGroup: keyGroups.UpdateKeyGroup,
  DeleteKeyGroup: keyGroups.DeleteKeyGroup,
  ListKeyGroups: keyGroups.ListKeyGroups,
  ListDistributionsByKeyGroup: keyGroups.ListDistributionsByKeyGroup,
  CreateOriginAccessControl: originAccessControls.CreateOriginAccessControl,
  GetOriginAccessControl: originAccessControls.GetOriginAccessControl,
  GetOriginAccessControlConfig: originAccessControls.GetOriginAccessControlConfig,
  UpdateOriginAccessControl: originAccessControls.UpdateOriginAccessControl,
  DeleteOriginAccessControl: originAccessControls.DeleteOriginAccessControl,
  ListOriginAccessControls: originAccessControls.ListOriginAccessControls,
  CreateCloudFrontOriginAccessIdentity: originAccessIdentities.CreateCloudFrontOriginAccessIdentity,
  GetCloudFrontOriginAccessIdentity: originAccessIdentities.GetCloudFrontOriginAccessIdentity,
  GetCloudFrontOriginAccessIdentityConfig: originAccessIdentities.GetCloudFrontOriginAccessIdentityConfig,
  UpdateCloudFrontOriginAccessIdentity: originAccessIdentities.UpdateCloudFrontOriginAccessIdentity,
  DeleteCloudFrontOriginAccessIdentity: originAccessIdentities.DeleteCloudFrontOriginAccessIdentity,
  ListCloudFrontOriginAccessIdentities: originAccessIdentities.ListCloudFrontOriginAccessIdentities,
  CreateContinuousDeploymentPolicy: continuousDeployment.CreateContinuousDeploymentPolicy,
  GetContinuousDeploymentPolicy: continuousDeployment.GetContinuousDeploymentPolicy,
  GetContinuousDeploymentPolicyConfig: continuousDeployment.GetContinuousDeploymentPolicyConfig,
  UpdateContinuousDeploymentPolicy: continuousDeployment.UpdateContinuousDeploymentPolicy,
  DeleteContinuousDeploymentPolicy: continuousDeployment.DeleteContinuousDeploymentPolicy,
  ListContinuousDeploymentPolicies: continuousDeployment.ListContinuousDeploymentPolicies,
  UpdateDistributionWithStagingConfig: continuousDeployment.UpdateDistributionWithStagingConfig,
  TagResource: tags.TagResource,
  UntagResource: tags.UntagResource,
  ListTagsForResource: tags.ListTagsForResource,
};

/** Largest API request body by default: function code (40 KB base64) and big configs fit. */
export const DEFAULT_MAX_API_BODY = 1024 * 1024;

/** How CloudFront requests are routed and how its errors look (docs/control-plane.md §1, §5). */
export function cloudFrontProfile(maxBodyBytes = DEFAULT_MAX_API_BODY): ServiceProfile {
  const model = cloudFrontModel();
  const router = createRouter(model);
  return {
    // A character XML 1.0 cannot carry (a Comment with U+0001) is an InvalidArgument (issue #11).
    // 20,000 pieces of markup: a DistributionConfig at raised quotas (75 behaviors, 100 CNAMEs) has
    // a few thousand, an invalidation of 3,000 paths as many; a flood is refused early.
    codec: restXmlCodec({ invalidCharacterCode: "InvalidArgument", maxNodes: 20_000 }),
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
