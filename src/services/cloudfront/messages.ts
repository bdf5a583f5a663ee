// Error messages, in one place. AWS's exact wording is unverified (control-plane.md §5); these
// paraphrase the model documentation and name the offending value.
export const messages = {
  noSuchDistribution: (id: string) => `The specified distribution does not exist: ${id}.`,
  noSuchResource: (arn: string) => `The specified resource does not exist: ${arn}.`,
  distributionNotDisabled: (id: string) =>
    `The distribution you are trying to delete has not been disabled, or its last change has not finished deploying: ${id}.`,
  distributionAlreadyExists: (id: string) =>
    `The caller reference that you are using to create a distribution is associated with another distribution: ${id}.`,
  callerReferenceImmutable: () => "The CallerReference of a distribution cannot be changed.",
  tooManyDistributions: (max: number) => `Processing your request would cause you to exceed the maximum number of distributions allowed (${max}).`,
  ifMatchMissing: () => "The If-Match version is missing or not valid for the resource.",
  preconditionFailed: () => "The precondition given in one or more of the request header fields evaluated to false.",
  noSuchInvalidation: (id: string) => `The specified invalidation does not exist: ${id}.`,
  invalidationBatchAlreadyExists: (id: string) => `The CallerReference is already used by invalidation ${id} with different paths.`,
  batchTooLarge: (max: number) => `Invalidation batch specified is too large: at most ${max} paths.`,
  tooManyInvalidations: (paths: number, wildcards: number) =>
    `Processing your request will cause you to exceed the maximum number of in-progress invalidations (${paths} paths, ${wildcards} wildcard paths).`,
  noInvalidationPaths: () => "An invalidation must list at least one path.",
  badInvalidationPath: (p: string) => `The invalidation path "${p}" is not valid: it must start with / and may contain * only as its last character.`,
  badMaxItems: (value: string) => `MaxItems must be a non-negative integer, not ${value}.`,
};
