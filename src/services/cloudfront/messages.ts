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
  badMaxItems: (value: string) => `MaxItems must be a non-negative integer, not ${value}.`,
};
