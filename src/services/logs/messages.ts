// CloudWatch Logs' error messages for the delivery API. Codes are those the CloudWatch Logs API
// Reference lists under each action's "Errors"; validation messages use the
// "1 validation error detected: …" wording AWS's JSON services use.
export const messages = {
  noSuchSource: (name: string) => `Delivery source ${name} does not exist.`,
  noSuchDestination: (name: string) => `Delivery destination ${name} does not exist.`,
  noSuchDestinationArn: (arn: string) => `Delivery destination ${arn} does not exist.`,
  noSuchDelivery: (id: string) => `Delivery ${id} does not exist.`,
  noSuchPolicy: (name: string) => `Delivery destination policy for ${name} does not exist.`,
  noSuchResource: (arn: string) => `The specified resource ${arn} does not exist.`,
  noSuchDistribution: (arn: string) => `The resource ${arn} does not exist.`,
  unsupportedResource: (arn: string) =>
    `The resource ${arn} cannot deliver logs through CloudWatch Logs in minifront: only CloudFront distributions (arn:aws:cloudfront::<account>:distribution/<id>) are sources.`,
  unsupportedLogType: (logType: string, service: string) => `Log type ${logType} is not supported for service ${service}.`,
  sourceChanged: (name: string) => `Delivery source ${name} already exists with a different resourceArn or logType; delete it first.`,
  sourceForResourceExists: (name: string, arn: string, logType: string) => `Delivery source ${name} already delivers ${logType} of ${arn}.`,
  sourceInUse: (name: string) => `Delivery source ${name} has deliveries; delete them first.`,
  destinationInUse: (name: string) => `Delivery destination ${name} has deliveries; delete them first.`,
  destinationTypeChanged: (name: string) => `Delivery destination ${name} cannot change its destination type while it has deliveries.`,
  deliveryExists: (source: string, type: string) => `Delivery source ${source} already has a delivery to a destination of type ${type}.`,
  unsupportedDestination: (arn: string) => `The destination ${arn} is not an S3 bucket, a CloudWatch Logs log group or a Firehose delivery stream ARN.`,
  notS3: () => "s3DeliveryConfiguration applies only to deliveries to an S3 bucket.",
  unknownField: (field: string) => `Record field ${field} is not supported by this log type; DescribeConfigurationTemplates lists the allowed fields.`,
  duplicateField: (field: string) => `Record field ${field} is listed twice.`,
  badSuffixPath: (path: string, why: string) => `Provided suffixPath is invalid: ${path} (${why}).`,
  pattern: (param: string, value: string, pattern: string) =>
    `1 validation error detected: Value '${value}' at '${param}' failed to satisfy constraint: Member must satisfy regular expression pattern: ${pattern}`,
  length: (param: string, value: string, min: number, max: number) =>
    `1 validation error detected: Value '${value}' at '${param}' failed to satisfy constraint: Member must have length ${value.length < min ? `greater than or equal to ${min}` : `less than or equal to ${max}`}`,
  range: (param: string, value: number, min: number, max: number) =>
    `1 validation error detected: Value '${value}' at '${param}' failed to satisfy constraint: Member must have value ${value < min ? `greater than or equal to ${min}` : `less than or equal to ${max}`}`,
  enumValue: (param: string, value: string, allowed: readonly string[]) =>
    `1 validation error detected: Value '${value}' at '${param}' failed to satisfy constraint: Member must satisfy enum value set: [${allowed.join(", ")}]`,
  badNextToken: () => "The specified nextToken is invalid.",
  tooManyTags: () => "1 validation error detected: Value at 'tags' failed to satisfy constraint: Member must have length less than or equal to 50",
  unsupported: (op: string) => `minifront does not support the CloudWatch Logs ${op} operation yet.`,
  unknownOperation: (target: string) => `Unknown operation ${target}.`,
};
