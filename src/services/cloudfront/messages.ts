// Error messages, in one place. AWS's exact wording is unverified (docs/control-plane.md §5) unless a
// comment says where it was seen; the others paraphrase the model documentation and name the value.
//
// Not-found errors carry AWS's text without the id (issue 17). Seen on the wire: NoSuchDistribution
// "The specified distribution does not exist." (AWS CLI and SDK error output quoted in public bug
// reports) and NoSuchCachePolicy "The specified cache policy does not exist." (CloudFormation
// relaying CreateDistribution's 404). The others follow the same "The specified … does not exist."
// form, which the model documents word for word for distributions, invalidations and origin access
// identities; for the rest the form is unverified. The id parameters are kept for callers and unused.
/** AWS's not-found sentence for a kind of resource. */
const notFound = (what: string) => `The specified ${what} does not exist.`;

export const messages = {
  noSuchDistribution: (_id?: string) => notFound("distribution"),
  // NoSuchResource's model text: "A resource that was specified is not valid." (unverified on the wire).
  noSuchResource: (_arn?: string) => "A resource that was specified is not valid.",
  distributionNotDisabled: (id: string) =>
    `The distribution you are trying to delete has not been disabled, or its last change has not finished deploying: ${id}.`,
  // Seen on the wire (CreateDistributionWithTags, quoted by a deployment script that parses the id out).
  distributionAlreadyExists: (id: string) =>
    `The caller reference that you are using to create a distribution is associated with another distribution. Already exists: ${id}`,
  callerReferenceImmutable: () => "The CallerReference of a distribution cannot be changed.",
  tooManyDistributions: (max: number) => `Processing your request would cause you to exceed the maximum number of distributions allowed (${max}).`,
  ifMatchMissing: () => "The If-Match version is missing or not valid for the resource.",
  preconditionFailed: () => "The precondition given in one or more of the request header fields evaluated to false.",
  noSuchInvalidation: (_id?: string) => notFound("invalidation"),
  invalidationBatchAlreadyExists: (id: string) => `The CallerReference is already used by invalidation ${id} with different paths.`,
  batchTooLarge: (max: number) => `Invalidation batch specified is too large: at most ${max} paths.`,
  tooManyInvalidations: (paths: number, wildcards: number) =>
    `Processing your request will cause you to exceed the maximum number of in-progress invalidations (${paths} paths, ${wildcards} wildcard paths).`,
  noInvalidationPaths: () => "An invalidation must list at least one path.",
  badInvalidationPath: (p: string) => `The invalidation path "${p}" is not valid: it must start with / and may contain * only as its last character.`,
  badMaxItems: (value: string) => `MaxItems must be a non-negative integer, not ${value}.`,
  // Public keys, key groups, origin access controls and origin access identities (issue 6).
  emptyCallerReference: (what: string) => `The CallerReference of the ${what} must not be empty.`,
  commentTooLong: (what: string, max: number) => `The Comment of the ${what} is longer than ${max} characters.`,
  badName: (what: string, name: string, max: number) => `The name "${name}" of the ${what} must be 1-${max} characters long.`,
  noSuchPublicKey: (_id?: string) => notFound("public key"),
  publicKeyNameExists: (name: string) =>
    `The name that you are using to create a CloudFront public key is associated with another public key in your account: ${name}.`,
  publicKeyCallerReferenceExists: (id: string) => `The CallerReference is already used by public key ${id}.`,
  badEncodedKey: (why: string) =>
    `The EncodedKey is not a valid public key (${why}). Use a PEM SubjectPublicKeyInfo (-----BEGIN PUBLIC KEY-----) RSA 2048 or ECDSA P-256 key.`,
  publicKeyImmutable: (field: string) => `Only the Comment of a public key can be changed, not its ${field}.`,
  publicKeyInUse: (id: string) => `The public key ${id} is in one or more key groups.`,
  tooManyPublicKeys: (max: number) => `You cannot create more than ${max} public keys.`,
  noSuchKeyGroup: (_id?: string) => notFound("key group"),
  keyGroupNameExists: (name: string) => `A key group named ${name} already exists.`,
  keyGroupEmpty: () => "A key group must contain at least one public key.",
  keyGroupUnknownKey: (id: string) => `The public key ${id} does not exist.`,
  keyGroupDuplicateKey: (id: string) => `The public key ${id} is listed more than once.`,
  tooManyPublicKeysInKeyGroup: (max: number) => `A key group can contain at most ${max} public keys.`,
  tooManyKeyGroups: (max: number) => `You cannot create more than ${max} key groups.`,
  keyGroupInUse: (id: string) => `The key group ${id} is trusted by one or more cache behaviors.`,
  noSuchOriginAccessControl: (_id?: string) => notFound("origin access control"),
  originAccessControlNameExists: (name: string) => `An origin access control named ${name} already exists.`,
  badOriginAccessControlField: (field: string, value: string, allowed: readonly string[]) =>
    `The value of ${field} is invalid: "${value}". Valid values: ${allowed.join(", ")}.`,
  alwaysAmzAuthNeedsLambda: () => "SigningBehavior always-amz-auth is only valid for origin access controls of type lambda.",
  originAccessControlTypeInUse: (id: string) =>
    `The OriginAccessControlOriginType of ${id} cannot change while a distribution uses the origin access control.`,
  originAccessControlInUse: (id: string) => `The origin access control ${id} is used by one or more distributions.`,
  tooManyOriginAccessControls: (max: number) => `You cannot create more than ${max} origin access controls.`,
  noSuchOriginAccessIdentity: (_id?: string) => notFound("origin access identity"),
  originAccessIdentityAlreadyExists: (id: string) =>
    `The CallerReference is already used by origin access identity ${id} with a different configuration.`,
  originAccessIdentityCallerReference: () => "The CallerReference of an origin access identity cannot be changed.",
  originAccessIdentityInUse: (id: string) => `The origin access identity ${id} is used by one or more distributions.`,
  tooManyOriginAccessIdentities: (max: number) => `You cannot create more than ${max} origin access identities.`,
  // KeyValueStores: control plane (CloudFront API) and data plane (cloudfront-keyvaluestore API).
  // The "Limit exceeded: …" wording is what AWS answers for value size and keys per request.
  keyValueStoreAlreadyExists: (name: string) => `A key value store named ${name} already exists.`,
  noSuchKeyValueStore: (name: string) => `The key value store ${name} does not exist.`,
  keyValueStoreInUse: (name: string, functions: readonly string[]) => `The key value store ${name} is associated with these functions: ${functions.join(", ")}.`,
  keyValueStoreBadName: (name: string) => `The key value store name "${name}" must be 1-64 letters, digits, hyphens and underscores.`,
  keyValueStoreCommentTooLong: (max: number) => `The Comment of a key value store is at most ${max} characters.`,
  keyValueStoreCommentMissing: () => "UpdateKeyValueStore requires a Comment.",
  keyValueStoreBadStatus: (status: string) => `Status must be READY, PROVISIONING or FAILED, not ${status}.`,
  keyValueStoreBadImportSource: (arn: string) => `The import source must be SourceType S3 with a SourceARN like arn:aws:s3:::bucket/key, not ${arn}.`,
  kvsImportUnavailable: () => "ImportSource needs the embedded S3, which this emulator was not given.",
  kvsImportNoObject: (bucket: string, key: string) => `The import source object s3://${bucket}/${key} does not exist in the embedded S3.`,
  kvsImportTooLarge: (max: number) => `Limit exceeded: the import file is larger than ${max} bytes.`,
  kvsImportNotJson: (detail: string) => `The import file is not valid UTF-8 JSON: ${detail}`,
  kvsImportShape: () => 'The import file must look like {"data":[{"key":"k","value":"v"}]} with non-empty string keys and string values.',
  kvsImportDuplicate: (key: string) => `The import file contains the key ${key} more than once.`,
  kvsNotFound: (arn: string) => `Resource was not found: no key value store has the ARN ${arn}.`,
  kvsKeyNotFound: (key: string) => `Resource was not found: the key ${key} does not exist.`,
  kvsIfMatchMissing: () => "Validation failed: If-Match (the ETag from DescribeKeyValueStore) is required.",
  kvsStaleETag: (current: string) => `Resource is not in expected state: the If-Match ETag is not the current version (${current}).`,
  kvsNotReady: (status: string) => `Resource is not in expected state: the key value store is ${status}.`,
  kvsNothingToUpdate: () => "Validation failed: UpdateKeys needs at least one Put or Delete.",
  kvsTooManyKeys: (max: number) => `Limit exceeded: Maximum key values pairs that you can update in a single API request (${max}).`,
  kvsDuplicateKey: (key: string) => `Validation failed: the key ${key} appears more than once in the request.`,
  kvsBadKeyLength: (max: number) => `Validation failed: a key must be 1 to ${max} characters long.`,
  kvsKeyTooLarge: (max: number) => `Limit exceeded: Maximum size of the key in a key value pair (${max} bytes).`,
  kvsValueMissing: (key: string) => `Validation failed: the key ${key} has no Value.`,
  kvsValueTooLarge: (max: number) => `Limit exceeded: Maximum size of the value in a key value pair (${max} bytes).`,
  kvsStoreTooLarge: (max: number) => `Limit exceeded: Maximum size of the key value store (${max} bytes).`,
  kvsBadMaxResults: (value: number, max: number) => `Validation failed: MaxResults must be an integer from 1 to ${max}, not ${value}.`,
  kvsBadNextToken: () => "Validation failed: NextToken is not a token from a previous ListKeys answer.",
  kvsBadArn: (arn: string) => `Validation failed: the KvsARN must be 1 to 2048 characters, not ${arn.length}.`,
  noSuchFunction: (_name?: string) => notFound("function"),
  noSuchFunctionStage: (_name?: string, _stage?: string) => notFound("function"),
  functionAlreadyExists: (name: string) => `A function with the name ${name} already exists.`,
  functionInUse: (name: string) => `The function ${name} is associated with one or more cache behaviors.`,
  tooManyFunctions: (max: number) => `Processing your request would cause you to exceed the maximum number of functions allowed (${max}).`,
  functionBadName: (name: string) => `The function name "${name}" must be 1-64 letters, digits, hyphens and underscores.`,
  functionBadRuntime: (runtime: string) => `The function runtime must be cloudfront-js-1.0 or cloudfront-js-2.0, not ${runtime}.`,
  functionCommentTooLong: (max: number) => `The Comment of a function is at most ${max} characters.`,
  functionCodeTooLarge: (max: number) => `The function code is larger than the maximum allowed size (${max} bytes).`,
  functionCodeEmpty: () => "The function code is empty.",
  functionCodeNotUtf8: () => "The function code is not valid UTF-8 text.",
  functionCodeInvalid: (detail: string) => `The CloudFront function code is not valid: ${detail}`,
  functionTooManyKeyValueStores: (max: number) => `A function can be associated with at most ${max} key value store.`,
  functionBadEventObject: (detail: string) => `The EventObject is not a valid CloudFront Functions event: ${detail}`,
  functionTestFailed: (detail: string) => `The function could not be tested: ${detail}`,
  functionCouldNotRun: (detail: string) => `The CloudFront function associated with the CloudFront distribution is invalid or could not run. ${detail}`,
  // Continuous deployment (issue 17): policies, staging distributions and promotion.
  noSuchContinuousDeploymentPolicy: () => notFound("continuous deployment policy"),
  continuousDeploymentPolicyInUse: (id: string) => `The continuous deployment policy ${id} is associated with a primary distribution.`,
  tooManyContinuousDeploymentPolicies: (max: number) => `You cannot create more than ${max} continuous deployment policies.`,
  stagingDnsNamesCount: () => "StagingDistributionDnsNames must name exactly one staging distribution.",
  stagingDnsNameUnknown: (name: string) => `No staging distribution has the domain name ${name}.`,
  stagingDistributionInUse: (name: string, policyId: string) => `The staging distribution ${name} is already in continuous deployment policy ${policyId}.`,
  badTrafficConfig: (detail: string) => `The TrafficConfig is not valid: ${detail}`,
  stagingImmutable: () => "The Staging setting of a distribution cannot be changed.",
  stagingWithPolicy: () => "A staging distribution cannot have a continuous deployment policy.",
  policyStagingGone: (id: string) => `The staging distribution of continuous deployment policy ${id} does not exist or is not a staging distribution.`,
  distributionInContinuousDeployment: (id: string, why: string) => `The distribution ${id} cannot be deleted: ${why}.`,
  promoteIfMatch: () => "The If-Match header must carry both ETags: <primary ETag>, <staging ETag>.",
  promoteNotStaging: (id: string) => `The distribution ${id} is not a staging distribution.`,
  promoteNotPrimary: (primaryId: string, stagingId: string) => `The distribution ${primaryId} has no continuous deployment policy that names the staging distribution ${stagingId}.`,
  // Real-time log configurations (issue 15).
  noSuchRealtimeLogConfig: (which: string) => `The real-time log configuration does not exist: ${which}.`,
  realtimeLogConfigExists: (name: string) => `A real-time log configuration named ${name} already exists.`,
  realtimeLogConfigInUse: (name: string) => `The real-time log configuration ${name} is attached to one or more cache behaviors.`,
  tooManyRealtimeLogConfigs: (max: number) => `You cannot create more than ${max} real-time log configurations.`,
  realtimeLogConfigWhich: () => "Name or ARN must identify the real-time log configuration (and name the same one when both are given).",
  badRealtimeLogConfig: (detail: string) => `The real-time log configuration is not valid: ${detail}`,
  // Anycast IP lists, web ACLs, aliases, resource policies, streaming distributions (issue 17).
  noSuchPolicy: (label: string) => notFound(label),
  // EntityNotFound's model text is "The entity was not found."; unverified on the wire.
  entityNotFound: (what: string) => `The ${what} was not found.`,
  entityAlreadyExists: (what: string, name: string) => `A ${what} named ${name} already exists.`,
  entityInUse: (what: string, id: string) => `The ${what} ${id} cannot be deleted while a distribution uses it.`,
  tooManyAnycastIpLists: (max: number) => `You cannot create more than ${max} Anycast static IP lists.`,
  badAnycastIpList: (detail: string) => `The Anycast static IP list is not valid: ${detail}`,
  badWebAclArn: (arn: string) => `The web ACL ${arn} is not a WAF web ACL ARN (arn:aws:wafv2:us-east-1:<account>:global/webacl/<name>/<id>).`,
  badWebAclId: (id: string) => `A web ACL ID specified is not valid: ${id}.`,
  aliasNeedsCertificate: (alias: string) =>
    `To add the alternate domain name ${alias} to a CloudFront distribution, you must attach a trusted certificate that validates your authorization to use the domain name.`,
  badAlias: (alias: string) => `The alias ${alias} is not a valid domain name.`,
  tooManyAliases: (max: number) => `Your request contains more CNAMEs than are allowed per distribution (${max}).`,
  badResourceArn: (arn: string) => `The resource ARN ${arn} does not name a CloudFront resource of this account that can have a resource policy.`,
  badPolicyDocument: (detail: string) => `The PolicyDocument is not a valid JSON policy: ${detail}`,
  noSuchStreamingDistribution: () => notFound("streaming distribution"),
  rtmpDiscontinued: () => "CloudFront discontinued RTMP (streaming) distributions on December 31, 2020: they can no longer be created or changed.",
};
