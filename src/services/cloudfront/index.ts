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
import * as monitoringSubscriptions from "./handlers/monitoring-subscriptions.ts";
import * as realtimeLogConfigs from "./handlers/realtime-log-configs.ts";
import * as anycastIpLists from "./handlers/anycast-ip-lists.ts";
import * as webAcls from "./handlers/web-acls.ts";
import * as aliases from "./handlers/aliases.ts";
import * as resourcePolicies from "./handlers/resource-policies.ts";
import * as streamingDistributions from "./handlers/streaming-distributions.ts";
import * as distributionsBy from "./handlers/distributions-by.ts";
import * as fleConfigs from "./handlers/field-level-encryption-configs.ts";
import * as fleProfiles from "./handlers/field-level-encryption-profiles.ts";
import * as vpcOrigins from "./handlers/vpc-origins.ts";
import * as distributionTenants from "./handlers/distribution-tenants.ts";
import * as tenantInvalidations from "./handlers/tenant-invalidations.ts";
import * as tenantDomains from "./handlers/tenant-domains.ts";
import * as connectionGroups from "./handlers/connection-groups.ts";
import * as trustStores from "./handlers/trust-stores.ts";
import * as connectionFunctions from "./handlers/connection-functions.ts";

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
  CreateRealtimeLogConfig: realtimeLogConfigs.CreateRealtimeLogConfig,
  GetRealtimeLogConfig: realtimeLogConfigs.GetRealtimeLogConfig,
  UpdateRealtimeLogConfig: realtimeLogConfigs.UpdateRealtimeLogConfig,
  DeleteRealtimeLogConfig: realtimeLogConfigs.DeleteRealtimeLogConfig,
  ListRealtimeLogConfigs: realtimeLogConfigs.ListRealtimeLogConfigs,
  CreateMonitoringSubscription: monitoringSubscriptions.CreateMonitoringSubscription,
  GetMonitoringSubscription: monitoringSubscriptions.GetMonitoringSubscription,
  DeleteMonitoringSubscription: monitoringSubscriptions.DeleteMonitoringSubscription,
  CreateAnycastIpList: anycastIpLists.CreateAnycastIpList,
  GetAnycastIpList: anycastIpLists.GetAnycastIpList,
  UpdateAnycastIpList: anycastIpLists.UpdateAnycastIpList,
  DeleteAnycastIpList: anycastIpLists.DeleteAnycastIpList,
  ListAnycastIpLists: anycastIpLists.ListAnycastIpLists,
  ListDistributionsByAnycastIpListId: anycastIpLists.ListDistributionsByAnycastIpListId,
  AssociateDistributionWebACL: webAcls.AssociateDistributionWebACL,
  DisassociateDistributionWebACL: webAcls.DisassociateDistributionWebACL,
  ListDistributionsByWebACLId: distributionsBy.ListDistributionsByWebACLId,
  AssociateAlias: aliases.AssociateAlias,
  ListConflictingAliases: aliases.ListConflictingAliases,
  PutResourcePolicy: resourcePolicies.PutResourcePolicy,
  GetResourcePolicy: resourcePolicies.GetResourcePolicy,
  DeleteResourcePolicy: resourcePolicies.DeleteResourcePolicy,
  ListDistributionsByOwnedResource: resourcePolicies.ListDistributionsByOwnedResource,
  CreateStreamingDistribution: streamingDistributions.CreateStreamingDistribution,
  CreateStreamingDistributionWithTags: streamingDistributions.CreateStreamingDistributionWithTags,
  GetStreamingDistribution: streamingDistributions.GetStreamingDistribution,
  GetStreamingDistributionConfig: streamingDistributions.GetStreamingDistributionConfig,
  UpdateStreamingDistribution: streamingDistributions.UpdateStreamingDistribution,
  DeleteStreamingDistribution: streamingDistributions.DeleteStreamingDistribution,
  ListStreamingDistributions: streamingDistributions.ListStreamingDistributions,
  ListDistributionsByRealtimeLogConfig: distributionsBy.ListDistributionsByRealtimeLogConfig,
  ListDistributionsByVpcOriginId: distributionsBy.ListDistributionsByVpcOriginId,
  ListDistributionsByConnectionMode: distributionsBy.ListDistributionsByConnectionMode,
  ListDistributionsByConnectionFunction: distributionsBy.ListDistributionsByConnectionFunction,
  ListDistributionsByTrustStore: distributionsBy.ListDistributionsByTrustStore,
  CreateFieldLevelEncryptionConfig: fleConfigs.CreateFieldLevelEncryptionConfig,
  GetFieldLevelEncryption: fleConfigs.GetFieldLevelEncryption,
  GetFieldLevelEncryptionConfig: fleConfigs.GetFieldLevelEncryptionConfig,
  UpdateFieldLevelEncryptionConfig: fleConfigs.UpdateFieldLevelEncryptionConfig,
  DeleteFieldLevelEncryptionConfig: fleConfigs.DeleteFieldLevelEncryptionConfig,
  ListFieldLevelEncryptionConfigs: fleConfigs.ListFieldLevelEncryptionConfigs,
  CreateFieldLevelEncryptionProfile: fleProfiles.CreateFieldLevelEncryptionProfile,
  GetFieldLevelEncryptionProfile: fleProfiles.GetFieldLevelEncryptionProfile,
  GetFieldLevelEncryptionProfileConfig: fleProfiles.GetFieldLevelEncryptionProfileConfig,
  UpdateFieldLevelEncryptionProfile: fleProfiles.UpdateFieldLevelEncryptionProfile,
  DeleteFieldLevelEncryptionProfile: fleProfiles.DeleteFieldLevelEncryptionProfile,
  ListFieldLevelEncryptionProfiles: fleProfiles.ListFieldLevelEncryptionProfiles,
  CreateVpcOrigin: vpcOrigins.CreateVpcOrigin,
  GetVpcOrigin: vpcOrigins.GetVpcOrigin,
  UpdateVpcOrigin: vpcOrigins.UpdateVpcOrigin,
  DeleteVpcOrigin: vpcOrigins.DeleteVpcOrigin,
  ListVpcOrigins: vpcOrigins.ListVpcOrigins,
  CreateDistributionTenant: distributionTenants.CreateDistributionTenant,
  GetDistributionTenant: distributionTenants.GetDistributionTenant,
  GetDistributionTenantByDomain: distributionTenants.GetDistributionTenantByDomain,
  UpdateDistributionTenant: distributionTenants.UpdateDistributionTenant,
  DeleteDistributionTenant: distributionTenants.DeleteDistributionTenant,
  ListDistributionTenants: distributionTenants.ListDistributionTenants,
  ListDistributionTenantsByCustomization: distributionTenants.ListDistributionTenantsByCustomization,
  AssociateDistributionTenantWebACL: distributionTenants.AssociateDistributionTenantWebACL,
  DisassociateDistributionTenantWebACL: distributionTenants.DisassociateDistributionTenantWebACL,
  CreateInvalidationForDistributionTenant: tenantInvalidations.CreateInvalidationForDistributionTenant,
  GetInvalidationForDistributionTenant: tenantInvalidations.GetInvalidationForDistributionTenant,
  ListInvalidationsForDistributionTenant: tenantInvalidations.ListInvalidationsForDistributionTenant,
  GetManagedCertificateDetails: tenantDomains.GetManagedCertificateDetails,
  UpdateDomainAssociation: tenantDomains.UpdateDomainAssociation,
  VerifyDnsConfiguration: tenantDomains.VerifyDnsConfiguration,
  ListDomainConflicts: tenantDomains.ListDomainConflicts,
  CreateConnectionGroup: connectionGroups.CreateConnectionGroup,
  GetConnectionGroup: connectionGroups.GetConnectionGroup,
  GetConnectionGroupByRoutingEndpoint: connectionGroups.GetConnectionGroupByRoutingEndpoint,
  UpdateConnectionGroup: connectionGroups.UpdateConnectionGroup,
  DeleteConnectionGroup: connectionGroups.DeleteConnectionGroup,
  ListConnectionGroups: connectionGroups.ListConnectionGroups,
  CreateTrustStore: trustStores.CreateTrustStore,
  GetTrustStore: trustStores.GetTrustStore,
  UpdateTrustStore: trustStores.UpdateTrustStore,
  DeleteTrustStore: trustStores.DeleteTrustStore,
  ListTrustStores: trustStores.ListTrustStores,
  CreateConnectionFunction: connectionFunctions.CreateConnectionFunction,
  DescribeConnectionFunction: connectionFunctions.DescribeConnectionFunction,
  GetConnectionFunction: connectionFunctions.GetConnectionFunction,
  UpdateConnectionFunction: connectionFunctions.UpdateConnectionFunction,
  PublishConnectionFunction: connectionFunctions.PublishConnectionFunction,
  DeleteConnectionFunction: connectionFunctions.DeleteConnectionFunction,
  ListConnectionFunctions: connectionFunctions.ListConnectionFunctions,
  TestConnectionFunction: connectionFunctions.TestConnectionFunction,
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
