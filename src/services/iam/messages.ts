// IAM's error messages, worded as IAM words them (observed answers of the IAM API; the codes are
// in the IAM API Reference's "Errors" section of each action).
export const messages = {
  noSuchRole: (name: string) => `The role with name ${name} cannot be found.`,
  roleExists: (name: string) => `Role with name ${name} already exists.`,
  noSuchRolePolicy: (name: string) => `The role policy with name ${name} cannot be found.`,
  noSuchPolicy: (arn: string) => `Policy ${arn} does not exist or is not attachable.`,
  noSuchPolicyVersion: (arn: string, version: string) => `Policy ${arn} version ${version} does not exist or is not attachable.`,
  policyExists: (name: string) => `A policy called ${name} already exists. Duplicate names are not allowed.`,
  policyNotAttached: (arn: string) => `Policy ${arn} was not found.`,
  malformedPolicy: () => "This policy contains invalid Json",
  deleteRoleAttached: () => "Cannot delete entity, must detach all policies first.",
  deleteRoleInline: () => "Cannot delete entity, must delete policies first.",
  deletePolicyAttached: () => "Cannot delete a policy attached to entities.",
  tooManyTags: () => "1 validation error detected: Value at 'tags' failed to satisfy constraint: Member must have length less than or equal to 50",
  pattern: (param: string, value: string, pattern: string) =>
    `1 validation error detected: Value '${value}' at '${param}' failed to satisfy constraint: Member must satisfy regular expression pattern: ${pattern}`,
  range: (param: string, value: number, min: number, max: number) =>
    `1 validation error detected: Value '${value}' at '${param}' failed to satisfy constraint: Member must have value ${value < min ? `greater than or equal to ${min}` : `less than or equal to ${max}`}`,
  unsupported: (op: string) => `minifront does not support the IAM ${op} action yet.`,
  unknownAction: (action: string) => `Could not find operation ${action} for version 2010-05-08`,
};
