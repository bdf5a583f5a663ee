// The read-only view of CloudFront state the edge reads (docs/style.md "A read-only view for the data
// plane"): distributions by Host, the policies, key groups, origin access controls and LIVE
// functions a distribution refers to, and one configuration version that moves whenever any of
// them changes, so the edge knows when to compile a distribution again. The edge imports this,
// never the API handlers; only the control plane writes the state behind it.
import type {
  CachePolicyConfig,
  FieldLevelEncryptionConfig,
  FieldLevelEncryptionProfileConfig,
  OriginRequestPolicyConfig,
  PublicKeyConfig,
  ResponseHeadersPolicyConfig,
  VpcOriginEndpointConfig,
} from "@aws-sdk/client-cloudfront";
import type { FunctionToRun } from "../../functions/types.ts";
import type { CloudFrontState, DistributionRecord } from "./state.ts";
import { CACHE, ORIGIN_REQUEST, RESPONSE_HEADERS, findPolicy } from "./handlers/policies.ts";
import { trustedPublicKeys } from "./handlers/key-groups.ts";

/** An origin access control's signing settings (names as in the API). */
export interface OriginAccessControlView {
  readonly SigningBehavior: string;
  readonly SigningProtocol: string;
  readonly OriginAccessControlOriginType: string;
}

export interface EdgeConfigView {
  /** Moves (never back) whenever a policy, key group, public key, OAC, OAI or function changes (config-version.ts). */
  configVersion(): number;
  distributionForHost(host: string): DistributionRecord | undefined;
  cachePolicy(id: string): CachePolicyConfig | undefined;
  originRequestPolicy(id: string): OriginRequestPolicyConfig | undefined;
  responseHeadersPolicy(id: string): ResponseHeadersPolicyConfig | undefined;
  originAccessControl(id: string): OriginAccessControlView | undefined;
  /** Public keys (id → PEM) of the given key groups. */
  trustedKeys(keyGroupIds: readonly string[]): ReadonlyMap<string, string>;
  /** The LIVE stage of a function by ARN. */
  liveFunction(arn: string): FunctionToRun | undefined;
  /** Field-level encryption configurations, profiles and the public keys they name, by id. */
  fieldLevelEncryptionConfig(id: string): FieldLevelEncryptionConfig | undefined;
  fieldLevelEncryptionProfile(id: string): FieldLevelEncryptionProfileConfig | undefined;
  publicKey(id: string): PublicKeyConfig | undefined;
  /** A VPC origin by id: its ARN and endpoint settings. */
  vpcOrigin(id: string): { readonly Arn: string; readonly config: VpcOriginEndpointConfig } | undefined;
}

/** The view of one state (the reset endpoints replace the state, and with it the view). */
export function edgeView(state: CloudFrontState): EdgeConfigView {
  return {
    configVersion: () => state.configVersion.value,
    distributionForHost: (host) => state.distributionForHost(host),
    cachePolicy: (id) => findPolicy(state, CACHE, id)?.config as CachePolicyConfig | undefined,
    originRequestPolicy: (id) => findPolicy(state, ORIGIN_REQUEST, id)?.config as OriginRequestPolicyConfig | undefined,
    responseHeadersPolicy: (id) => findPolicy(state, RESPONSE_HEADERS, id)?.config as ResponseHeadersPolicyConfig | undefined,
    originAccessControl: (id) => state.originAccessControls.get(id)?.config as OriginAccessControlView | undefined,
    trustedKeys: (ids) => trustedPublicKeys(state, ids),
    liveFunction: (arn) => state.functions.live(arn),
    fieldLevelEncryptionConfig: (id) => state.fieldLevelEncryptionConfigs.get(id)?.config,
    fieldLevelEncryptionProfile: (id) => state.fieldLevelEncryptionProfiles.get(id)?.config,
    publicKey: (id) => state.publicKeys.get(id)?.config,
    vpcOrigin: (id) => state.vpcOrigins.get(id),
  };
}
