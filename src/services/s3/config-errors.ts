// The errors of S3's bucket configuration operations (lifecycle, encryption, replication, logging,
// the id-keyed analytics/metrics/inventory/intelligent-tiering sets, metadata tables), worded as S3
// words them: "Amazon S3 error responses" (List of error codes) and each operation's API reference.
// These codes are not declared by the S3 model, so each carries its HTTP status.
import { ServiceError } from "../../api/errors.ts";
import { messages } from "./messages.ts";

/** [code, message, status] */
type ConfigError = readonly [string, string, number];

export const CONFIG_ERRORS = {
  noSuchLifecycle: ["NoSuchLifecycleConfiguration", "The lifecycle configuration does not exist", 404],
  noSuchReplication: ["ReplicationConfigurationNotFoundError", "The replication configuration was not found", 404],
  noSuchConfiguration: ["NoSuchConfiguration", "The specified configuration does not exist.", 404],
  noSuchMetadata: ["MetadataConfigurationNotFound", "The metadata configuration does not exist.", 404],
  noSuchMetadataTable: ["MetadataConfigurationNotFound", "The metadata table configuration does not exist.", 404],
  malformedXml: ["MalformedXML", messages.malformedXml, 400],
  tooManyConfigurations: ["TooManyConfigurations", "You are attempting to create a new configuration but have already reached the 1,000-configuration limit.", 400],
  noLoggingTarget: ["InvalidTargetBucketForLogging", "The target bucket for logging does not exist", 400],
  crossLocationLogging: ["CrossLocationLoggingProhibitted", "Cross S3 location logging not allowed. ", 403],
  metadataExists: ["MetadataConfigurationAlreadyExists", "The metadata configuration already exists for this bucket.", 409],
} as const satisfies Record<string, ConfigError>;

/** Throws one of CONFIG_ERRORS, optionally with detail elements (BucketName, ArgumentName, ...). */
export function configFail(error: ConfigError, details: Record<string, string> = {}): never {
  throw new ServiceError(error[0], error[1], error[2], { details });
}

/** `InvalidArgument` (400) with S3's ArgumentName/ArgumentValue details where it gives them. */
export function invalidArgument(message: string, name?: string, value?: string): never {
  const details: Record<string, string> = {};
  if (name !== undefined) details["ArgumentName"] = name;
  if (value !== undefined) details["ArgumentValue"] = value;
  throw new ServiceError("InvalidArgument", message, 400, { details });
}

/** `InvalidRequest` (400). */
export function invalidRequest(message: string): never {
  throw new ServiceError("InvalidRequest", message, 400);
}

/** `MalformedXML` (400): what S3 answers when a document does not match its schema. */
export function malformedXml(): never {
  configFail(CONFIG_ERRORS.malformedXml);
}
